//! `daxlab explore` and `daxlab random`: searches for violations, printed as reports with a
//! schedule to replay and a link that opens it in the visualizer.

use daxlab_core::explore;
use daxlab_core::random::{RandomRunner, Strategy};
use daxlab_core::report::{
    CounterexampleReport, ExploreReport, FailingRun, RandomReport, ViolationReport,
};
use daxlab_core::{Model, link, preempt, schedule};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The visualizer URL that replays `schedule`.
fn replay_url(base: &str, model: &Model, schedule: &str) -> String {
    format!("{base}{}", link::replay_query(model, schedule))
}
use std::process::ExitCode;
use std::time::Instant;

/// Expands the chunks of a BFS level on this many scoped threads, each taking the next chunk
/// when it is free.
struct Threads(usize);

impl explore::Pool for Threads {
    fn width(&self) -> usize {
        self.0
    }
    fn map<I: Send, O: Send>(&self, items: Vec<I>, f: &(dyn Fn(I) -> O + Sync)) -> Vec<O> {
        if items.len() <= 1 || self.0 <= 1 {
            return items.into_iter().map(f).collect();
        }
        // `self.0` threads take the items in order as each becomes free, so a chunk that
        // costs more than others does not hold the slice up.
        let count = items.len();
        let queue = std::sync::Mutex::new(items.into_iter().enumerate());
        let done = std::sync::Mutex::new(Vec::with_capacity(count));
        std::thread::scope(|scope| {
            for _ in 0..self.0.min(count) {
                scope.spawn(|| {
                    loop {
                        let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                        let Some((i, item)) = next else { break };
                        let out = f(item);
                        done.lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((i, out));
                    }
                });
            }
        });
        let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
        done.sort_by_key(|&(i, _)| i);
        done.into_iter().map(|(_, o)| o).collect()
    }
}

/// How `daxlab explore` runs and prints.
pub struct How {
    /// Threads expanding each BFS level.
    pub jobs: usize,
    /// The user set `--max-states`: the progress line shows the time left to reach it.
    pub eta: bool,
    /// Also find a fewest-preemption counterexample.
    pub preemptions: bool,
    /// Also run the unreduced search to count its states.
    pub states_full: bool,
    /// Print one JSON object (and no progress line).
    pub json: bool,
}

/// States expanded between two looks at the clock (and progress updates): about a quarter of
/// a second at a million states a second. Each slice ends with the workers waiting for each
/// other, so fewer slices keep them busier: the unreduced (3,3) with `--jobs 2` took 8.55–8.57 s
/// with 2^18 against 9.03–9.07 s with 2^16 (profile-guided builds, interleaved), for 50–100 MB
/// more at its peak.
const SLICE: usize = 1 << 18;

/// A search to its end on `jobs` threads, with a progress line on stderr once it has run for a
/// second (only on a terminal, never with `--json`).
fn search(model: &Model, config: explore::Config, how: &How, what: &str) -> explore::Exploration {
    let start = Instant::now();
    let mut s = explore::Search::new(model.clone(), config);
    let bar = ProgressBar::with_draw_target(Some(config.max_states), ProgressDrawTarget::hidden());
    let style = if how.eta {
        "{msg} [{bar:20}] ETA {eta}"
    } else {
        "{msg}"
    };
    if let Ok(style) = ProgressStyle::with_template(style) {
        bar.set_style(style.progress_chars("=> "));
    }
    let pool = Threads(how.jobs);
    let result = loop {
        if let Some(r) = s.run(SLICE, &pool) {
            break r.clone();
        }
        let secs = start.elapsed().as_secs_f64();
        if secs > 1.0 && !how.json && bar.is_hidden() {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        bar.set_position(s.states());
        bar.set_message(format!(
            "{what}: {}, depth {}, {:.0} states/s, {:.0} MiB",
            count(s.states(), "state"),
            s.depth(),
            s.states() as f64 / secs.max(1e-9),
            s.bytes() as f64 / (1024.0 * 1024.0)
        ));
    };
    bar.finish_and_clear();
    result
}

/// Run the explorer and print its report.
pub fn explore_cmd(model: &Model, config: explore::Config, how: &How, base_url: &str) -> ExitCode {
    let start = Instant::now();
    let r = search(model, config, how, "searching");
    let millis = start.elapsed().as_secs_f64() * 1000.0;
    let full = (how.states_full && config.reduction != explore::Reduction::None).then(|| {
        let unreduced = explore::Config {
            reduction: explore::Reduction::None,
            ..config
        };
        search(model, unreduced, how, "unreduced search")
    });
    let fewest = how.preemptions.then(|| {
        let target = config.target.or(r.found.as_ref().map(|f| f.violation.kind));
        preempt::fewest(model, target, config.max_states)
    });
    let mut report = ExploreReport::new(model, &config, &r, millis, base_url);
    if let Some(f) = full.as_ref().filter(|f| f.complete) {
        report.states_full = Some(f.states);
    }
    report.fewest_preemptions = fewest
        .as_ref()
        .and_then(|b| b.found.as_ref())
        .map(|f| CounterexampleReport::new(&f.violation, &f.schedule, model, base_url));
    if how.json {
        println!("{}", serde_json::to_string(&report).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    println!(
        "scenario {} under {} (truncate wakes {}), {}, reduction {}",
        model.scenario(),
        model.variant(),
        model.truncate_wake().name(),
        count(model.threads().len() as u64, "thread"),
        r.reduction
    );
    println!(
        "{}: {}, {}, depth {}, {:.1} ms, {:.0} states/s, {:.1} bytes/state",
        if r.complete { "complete" } else { "incomplete" },
        count(r.states, "distinct state"),
        count(r.transitions, "transition"),
        r.depth,
        millis,
        report.states_per_second,
        r.bytes_per_state()
    );
    if let Some(n) = report.states_full
        && r.reduction != explore::Reduction::None
    {
        println!(
            "the unreduced search needs {} ({:.1}x more)",
            count(n, "state"),
            n as f64 / r.states.max(1) as f64
        );
    }
    if let Some(b) = r.bound {
        println!("{}", b.explain(&config));
    }
    if r.other_violations > 0 {
        println!(
            "{} ended in other violation kinds (skipped)",
            count(r.other_violations, "transition")
        );
    }
    match &report.violation {
        Some(v) => {
            println!(
                "\nVIOLATION {} by {} at {}: {}",
                v.kind, v.thread, v.function, v.line
            );
            println!("{}", v.message);
            let shortest = if r.reduction == explore::Reduction::None {
                "shortest schedule"
            } else {
                "schedule"
            };
            print_schedule(model, shortest, v);
        }
        None if r.complete => println!("no violation: every reachable state was searched"),
        None => println!("no violation found before the bound"),
    }
    if let Some(b) = &fewest {
        match &report.fewest_preemptions {
            Some(v) => {
                println!(
                    "\nfewest preemptions ({} over {}):",
                    count(b.states, "state"),
                    bounds(b.bound)
                );
                print_schedule(model, "schedule", v);
            }
            None if b.complete => println!(
                "\nno counterexample with at most {} ({})",
                count(b.bound.into(), "preemption"),
                count(b.states, "state")
            ),
            None => println!(
                "\nthe fewest-preemption search stopped at --max-states with bound {}",
                b.bound
            ),
        }
    }
    ExitCode::SUCCESS
}

/// `n` and `noun`, plural unless `n` is 1: "1 preemption", "2 preemptions".
pub(crate) fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The preemption bounds a search tried: "bound 0", "bounds 0 to 3".
fn bounds(last: u32) -> String {
    if last == 0 {
        "bound 0".into()
    } else {
        format!("bounds 0 to {last}")
    }
}

fn print_schedule(model: &Model, what: &str, v: &CounterexampleReport) {
    println!(
        "{what} ({}, {}): {}",
        count(v.steps as u64, "step"),
        count(v.preemptions.into(), "preemption"),
        v.schedule
    );
    let (_, fixes) = link::code_params(model);
    let scenario = match model.scenario_text() {
        [] => format!("--scenario {}", model.scenario()),
        text => text
            .iter()
            .map(|(k, v)| format!("--{k} '{v}'"))
            .collect::<Vec<_>>()
            .join(" "),
    };
    println!(
        "replay:   daxlab run {scenario} --variant {}{} --truncate-wake {} --schedule '{}'",
        model.variant(),
        fixes.map(|f| format!(" --fixes {f}")).unwrap_or_default(),
        model.truncate_wake().name(),
        v.schedule
    );
    println!("open:     {}", v.url);
}

/// Seeded random runs; print each failing run's schedule and link.
pub fn random_cmd(
    model: &Model,
    seed: u64,
    runs: u32,
    pct_depth: u8,
    base_url: &str,
    json: bool,
) -> ExitCode {
    let strategy = if pct_depth == 0 {
        Strategy::Uniform
    } else {
        Strategy::Pct { depth: pct_depth }
    };
    let strategy_name = if pct_depth == 0 {
        "uniform".to_string()
    } else {
        format!("pct-{pct_depth}")
    };
    let mut runner = RandomRunner::new(seed, strategy);
    let mut failing = Vec::new();
    for i in 0..runs {
        let run = runner.run(model);
        if let Some(v) = run.violation {
            let text = schedule::format(&run.schedule, model);
            failing.push((i + 1, ViolationReport::new(&v, model), text));
        }
    }
    if json {
        let report = RandomReport {
            scenario: model.scenario(),
            variant: model.variant().name(),
            seed,
            runs,
            strategy: strategy_name,
            failing: failing
                .iter()
                .map(|(i, v, s)| FailingRun {
                    run: *i,
                    kind: v.kind,
                    thread: v.thread.clone(),
                    line: v.line,
                    schedule: s.clone(),
                    url: replay_url(base_url, model, s),
                })
                .collect(),
        };
        println!("{}", serde_json::to_string(&report).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    println!(
        "{} of {} under {} with seed {seed} ({strategy_name}): {} failing",
        count(runs.into(), "run"),
        model.scenario(),
        model.variant(),
        failing.len()
    );
    for (i, v, s) in &failing {
        println!(
            "run {i}: {} by {} at {}\n  schedule: {s}\n  open:     {}",
            v.kind,
            v.thread,
            v.line,
            replay_url(base_url, model, s)
        );
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;
    use daxlab_core::explore::{Config, Pool, Reduction, explore_on};
    use daxlab_core::variant::Variant;
    use daxlab_core::{Options, SCENARIOS};

    #[test]
    fn the_threads_pool_keeps_the_items_order() {
        let items: Vec<u32> = (0..100).collect();
        let out = Threads(2).map(items, &|i| i * 3);
        assert_eq!(out, (0..100).map(|i| i * 3).collect::<Vec<_>>());
    }

    #[test]
    fn two_threads_find_what_one_finds() {
        // Only levels of `min_level` states or more are cut into chunks.
        let mut widest = 0;
        for s in SCENARIOS {
            for v in [Variant::Seed, Variant::Fixed] {
                for reduction in [Reduction::None, Reduction::PorSymmetry] {
                    let model = s.model(Options::new(v));
                    let config = Config {
                        reduction,
                        ..Config::default()
                    };
                    let (a, b) = (
                        explore_on(&model, config, &Threads(1)),
                        explore_on(&model, config, &Threads(2)),
                    );
                    let what = format!("{} {v} {reduction}", s.name);
                    assert_eq!(
                        (a.complete, a.states, a.transitions, a.depth),
                        (b.complete, b.states, b.transitions, b.depth),
                        "{what}"
                    );
                    assert_eq!(a.found, b.found, "{what}");
                    widest = widest.max(b.peak_frontier);
                }
            }
        }
        assert!(
            widest >= Threads(2).min_level(),
            "no level was cut: {widest}"
        );
    }
}
