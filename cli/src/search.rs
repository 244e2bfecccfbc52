//! `daxlab explore` and `daxlab random`: searches for violations, printed as reports with a
//! schedule to replay and a link that opens it in the visualizer.

use daxlab_core::explore;
use daxlab_core::random::{RandomRunner, Strategy};
use daxlab_core::report::{ExploreReport, FailingRun, RandomReport, ViolationReport};
use daxlab_core::{Model, link, schedule};

/// The visualizer URL that replays `schedule`.
fn replay_url(base: &str, model: &Model, schedule: &str) -> String {
    format!("{base}{}", link::replay_query(model, schedule))
}
use std::process::ExitCode;
use std::time::Instant;

/// Expands the chunks of a BFS level on scoped threads, one per chunk.
struct Threads(usize);

impl explore::Pool for Threads {
    fn width(&self) -> usize {
        self.0
    }
    fn map<I: Send, O: Send>(&self, items: Vec<I>, f: &(dyn Fn(I) -> O + Sync)) -> Vec<O> {
        if items.len() <= 1 {
            return items.into_iter().map(f).collect();
        }
        std::thread::scope(|scope| {
            let handles: Vec<_> = items
                .into_iter()
                .map(|item| scope.spawn(move || f(item)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    }
}

/// Run the explorer (on `jobs` threads) and print its report.
pub fn explore_cmd(
    model: &Model,
    config: explore::Config,
    jobs: usize,
    base_url: &str,
    json: bool,
) -> ExitCode {
    let start = Instant::now();
    let r = explore::explore_on(model, config, &Threads(jobs));
    let millis = start.elapsed().as_secs_f64() * 1000.0;
    if json {
        let report = ExploreReport::new(model, &config, &r, millis, base_url);
        println!("{}", serde_json::to_string(&report).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    let rate = r.states as f64 / (millis / 1000.0).max(1e-9);
    println!(
        "scenario {} under {} (truncate wakes {}), {} threads",
        model.scenario(),
        model.variant(),
        model.truncate_wake().name(),
        model.threads().len()
    );
    println!(
        "{}: {} distinct states, {} transitions, depth {}, {:.1} ms, {:.0} states/s, {:.1} bytes/state",
        if r.complete { "complete" } else { "incomplete" },
        r.states,
        r.transitions,
        r.depth,
        millis,
        rate,
        r.bytes_per_state()
    );
    if let Some(b) = r.bound {
        println!("{}", b.explain(&config));
    }
    if r.other_violations > 0 {
        println!(
            "{} transitions ended in other violation kinds (skipped)",
            r.other_violations
        );
    }
    match &r.found {
        Some(f) => {
            let v = ViolationReport::new(&f.violation, model);
            let text = schedule::format(&f.schedule, model);
            println!(
                "\nVIOLATION {} by {} at {}: {}",
                v.kind, v.thread, v.function, v.line
            );
            println!("{}", v.message);
            println!("schedule ({} steps): {text}", f.schedule.len());
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
                "replay:   daxlab run {scenario} --variant {}{} --truncate-wake {} --schedule '{text}'",
                model.variant(),
                fixes.map(|f| format!(" --fixes {f}")).unwrap_or_default(),
                model.truncate_wake().name()
            );
            println!("open:     {}", replay_url(base_url, model, &text));
        }
        None if r.complete => println!("no violation in the whole bounded state space"),
        None => println!("no violation found before the bound"),
    }
    ExitCode::SUCCESS
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
        "{runs} runs of {} under {} with seed {seed} ({strategy_name}): {} failing",
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
