//! `daxlab`: list scenarios, replay a schedule, explore interleavings — from a shell.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};
use daxlab_core::explore;
use daxlab_core::report::{ListReport, RunReport};
use daxlab_core::scenario::text::{Spec, SpecText};
use daxlab_core::{
    Model, Options, SCENARIOS, Scenario, Session, Variant, ViolationKind, WakeMode, scenario, words,
};
use std::process::ExitCode;

mod search;

#[derive(Parser)]
#[command(
    name = "daxlab",
    version,
    about = "Simulate dax_lock_mapping_entry() and the threads that race with it"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List scenarios (with their thread names), variants and violation kinds.
    List {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Replay a schedule and print each step's narration and the outcome.
    Run {
        #[command(flatten)]
        target: Target,
        /// Comma-separated thread names with optional repeats, e.g. mf*3,trunc,rcu*2,mf.
        #[arg(long, default_value = "")]
        schedule: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Write the run's timeline (the web page's #timeline) to this SVG file.
        #[arg(long, value_name = "FILE")]
        svg: Option<std::path::PathBuf>,
        /// Write the object graph after the last step (the web page's #object-graph) to this
        /// SVG file.
        #[arg(long, value_name = "FILE")]
        graph_svg: Option<std::path::PathBuf>,
    },
    /// Search interleavings breadth-first for a shortest schedule to a violation.
    Explore {
        #[command(flatten)]
        target: Target,
        /// Look only for this violation kind (others are skipped).
        #[arg(long, value_parser = kind_parser())]
        kind: Option<ViolationKind>,
        /// Stop after this many distinct states (default 20000000; when given, the progress
        /// line shows the time left to reach it).
        #[arg(long)]
        max_states: Option<u64>,
        /// Stop at this depth.
        #[arg(long, default_value_t = explore::DEFAULT_MAX_DEPTH)]
        max_depth: u32,
        /// What the search may skip as equivalent: none (every interleaving, shortest
        /// counterexample), por (partial-order reduction) or por+symmetry (and interchangeable
        /// threads merged). Verdicts are the same; only `none` promises the shortest schedule.
        #[arg(long, default_value = "por+symmetry", value_parser = reduction_parser())]
        reduction: explore::Reduction,
        /// Also find a counterexample with the fewest preemptions (switches away from a thread
        /// that could still run), by iterative preemption bounding.
        #[arg(long)]
        preemptions: bool,
        /// With a reduction, also run the unreduced search to report how many states it needs
        /// (`states_full`).
        #[arg(long)]
        states_full: bool,
        /// Threads expanding each BFS level (1: the serial search). The result is the same
        /// for any value; more threads pay off on scenarios of millions of states, at about
        /// twice the memory.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
        jobs: u16,
        /// Base of the replay link printed with a counterexample.
        #[arg(long, default_value = DEFAULT_BASE_URL)]
        base_url: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Seeded random runs; each failing run prints its schedule. The seed determines the runs.
    Random {
        #[command(flatten)]
        target: Target,
        /// The seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How many runs.
        #[arg(long, default_value_t = 100)]
        runs: u32,
        /// PCT bug depth (priority change points + 1); 0 picks uniformly instead.
        #[arg(long, default_value_t = 3)]
        pct_depth: u8,
        /// Base of the replay links.
        #[arg(long, default_value = DEFAULT_BASE_URL)]
        base_url: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
}

/// Where `scripts/serve.sh` serves the visualizer.
const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080/";

/// Parses a value clap has already checked against `names` into the core's type.
fn core_parser<T: std::str::FromStr + Clone + Send + Sync + 'static>(
    names: impl IntoIterator<Item = &'static str>,
) -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(names).try_map(|name| {
        name.parse::<T>()
            .map_err(|_| format!("{name} is not accepted"))
    })
}

fn scenario_parser() -> impl TypedValueParser<Value = &'static Scenario> {
    PossibleValuesParser::new(SCENARIOS.iter().map(|s| s.name))
        .try_map(|name| scenario(&name).ok_or_else(|| format!("there is no scenario {name}")))
}

fn variant_parser() -> impl TypedValueParser<Value = Variant> {
    core_parser(Variant::ALL.map(|v| v.name()))
}

fn kind_parser() -> impl TypedValueParser<Value = ViolationKind> {
    core_parser(ViolationKind::ALL.map(|k| k.name()))
}

fn reduction_parser() -> impl TypedValueParser<Value = explore::Reduction> {
    core_parser(explore::Reduction::ALL.map(|r| r.name()))
}

fn wake_parser() -> impl TypedValueParser<Value = WakeMode> {
    core_parser(WakeMode::ALL.map(|w| w.name()))
}

/// Which scenario under which code.
#[derive(clap::Args)]
struct Target {
    /// Scenario name (see `daxlab list`); not needed with a list of --threads.
    #[arg(long, value_parser = scenario_parser(), required_unless_present = "threads")]
    scenario: Option<&'static Scenario>,
    /// The scenario's threads as text: kernel paths with arguments, e.g.
    /// 'mf:0,fault:0,fault:0=writer,trunc:0,evict,rcu' (see `daxlab list`); a bare number N
    /// is the scaled freed-inode: N memory failures and N faults, evict and rcu.
    #[arg(long)]
    threads: Option<String>,
    /// The device's pages: N (page i mapped at index i) or N:MAP (per page from 0, the file
    /// index it is mapped at or -), e.g. 2:0,-.
    #[arg(long)]
    pages: Option<String>,
    /// Buckets of the wait table: 2, 4, 8 (default), 16, 32 or 64.
    #[arg(long)]
    buckets: Option<String>,
    /// Initial-state flags: devdax, reused.
    #[arg(long)]
    init: Option<String>,
    /// Variant name.
    #[arg(long, default_value = "seed", value_parser = variant_parser())]
    variant: Variant,
    /// How truncate wakes waiters after deleting an entry (default: the variant's).
    #[arg(long, value_parser = wake_parser())]
    truncate_wake: Option<WakeMode>,
    /// Upstream commits to add to the variant's, comma-separated (a leading - takes one
    /// away): f52afc93cd01, c93db7bb6ef3, 55e56f06ed71, d8a706414af4, 237388320def.
    #[arg(long, value_parser = fixes_parser, allow_hyphen_values = true)]
    fixes: Option<String>,
}

/// Checks `--fixes` text names known commits (applied on top of the variant later).
fn fixes_parser(text: &str) -> Result<String, String> {
    daxlab_core::Code::SEED
        .with_fixes(text)
        .map(|_| text.to_string())
        .map_err(|e| e.to_string())
}

impl Target {
    fn options(&self) -> Options {
        // Items that change nothing are said, as the page says them (the run goes on).
        for idle in self
            .fixes
            .as_deref()
            .map(|f| self.variant.code().idle_fixes(f))
            .unwrap_or_default()
        {
            eprintln!("daxlab: --fixes under {}: {idle}", self.variant.name());
        }
        let code = self.fixes.as_deref().map(|f| {
            // Checked by clap against the known commits.
            self.variant
                .code()
                .with_fixes(f)
                .unwrap_or(self.variant.code())
        });
        Options {
            variant: self.variant,
            code,
            truncate_wake: self.truncate_wake,
        }
    }
    /// The model: the built-in scenario, or the one --threads/--pages/--buckets/--init
    /// describe (without --threads, on top of the built-in's preset; `--scenario freed-inode
    /// --pages P` alone is the scaled freed-inode with one pair of threads, as it always was).
    fn model(&self) -> Result<Model, String> {
        let name = self.scenario.map(|s| s.name);
        let given = [&self.threads, &self.pages, &self.buckets, &self.init];
        if given.iter().all(|g| g.is_none()) {
            let s = self
                .scenario
                .ok_or("give --scenario NAME or --threads TEXT")?;
            return Ok(s.model(self.options()));
        }
        let bare_number = |t: &str| !t.is_empty() && t.trim().bytes().all(|b| b.is_ascii_digit());
        let threads = match (self.threads.as_deref(), name) {
            (Some(t), Some(n)) if !(bare_number(t) && n == "freed-inode") => {
                return Err(if bare_number(t) {
                    format!("--threads {t} scales the freed-inode scenario only, not \"{n}\"")
                } else {
                    format!(
                        "--threads with a list of paths is a scenario of its own; leave out --scenario {n}"
                    )
                });
            }
            (Some(t), _) => Some(t),
            (None, Some("freed-inode")) if self.pages.is_some() => Some("1"),
            (None, _) => None,
        };
        let text = SpecText {
            threads: threads.unwrap_or_default(),
            pages: self.pages.as_deref(),
            buckets: self.buckets.as_deref(),
            init: self.init.as_deref(),
        };
        let spec = Spec::parse_over(name.unwrap_or_default(), text, threads.is_some())
            .map_err(|e| e.as_flag())?;
        Ok(spec.model(self.options()))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::List { json } => list(json),
        Command::Run {
            target,
            schedule,
            json,
            svg,
            graph_svg,
        } => match target.model() {
            Ok(model) => run(model, &schedule, json, &Figures { svg, graph_svg }),
            Err(e) => usage_error(&e),
        },
        Command::Explore {
            target,
            kind,
            max_states,
            max_depth,
            reduction,
            preemptions,
            states_full,
            jobs,
            base_url,
            json,
        } => {
            let config = explore::Config {
                max_states: max_states.unwrap_or(explore::DEFAULT_MAX_STATES),
                max_depth,
                target: kind,
                reduction,
            };
            let how = search::How {
                jobs: usize::from(jobs),
                eta: max_states.is_some(),
                preemptions,
                states_full,
                json,
            };
            match target.model() {
                Ok(model) => search::explore_cmd(&model, config, &how, &base_url),
                Err(e) => usage_error(&e),
            }
        }
        Command::Random {
            target,
            seed,
            runs,
            pct_depth,
            base_url,
            json,
        } => match target.model() {
            Ok(model) => search::random_cmd(&model, seed, runs, pct_depth, &base_url, json),
            Err(e) => usage_error(&e),
        },
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("daxlab: {message}");
    ExitCode::from(2)
}

fn list(json: bool) -> ExitCode {
    let list = ListReport::new();
    if json {
        println!("{}", serde_json::to_string(&list).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    println!("Scenarios (threads):");
    for s in &list.scenarios {
        println!("  {:<16} {} ({})", s.name, s.title, s.threads.join(", "));
        for t in &s.paths {
            println!("  {:<18}{:<7} {}", "", t.thread, t.path);
        }
    }
    println!("Variants (presets are releases; the rest are teaching ablations):");
    for v in &list.variants {
        println!("  {:<16} [{}] {}", v.name, v.release, v.summary);
    }
    println!("Upstream commits (--fixes):");
    for f in &list.fixes {
        println!(
            "  {} {} ({}; 4.19.y: {})",
            f.commit,
            f.title(),
            f.release,
            f.in_4_19_y
        );
    }
    println!("Violation kinds: {}", list.violation_kinds.join(", "));
    println!("Scenario text (--threads, comma-separated; a thread's name is set with =NAME):");
    println!(
        "  {}",
        daxlab_core::scenario::text::Path::ALL
            .map(|p| p.usage())
            .join(", ")
    );
    println!("  --pages N or N:MAP (e.g. 2:0,-), --buckets 2|4|8|16|32|64, --init devdax,reused");
    ExitCode::SUCCESS
}

/// Files `daxlab run` writes its figures to.
struct Figures {
    svg: Option<std::path::PathBuf>,
    graph_svg: Option<std::path::PathBuf>,
}

impl Figures {
    /// Write the figures of `session` (at its end); a message naming the file on failure.
    fn write(&self, session: &Session) -> Result<(), String> {
        let write = |path: &std::path::Path, text: String| {
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        if let Some(path) = &self.svg {
            write(path, daxlab_draw::export::timeline_svg(session))?;
        }
        if let Some(path) = &self.graph_svg {
            write(path, daxlab_draw::export::graph_svg(session))?;
        }
        Ok(())
    }
}

fn run(model: Model, schedule: &str, json: bool, figures: &Figures) -> ExitCode {
    let mut session = Session::new(model);
    let result = session.run_text(schedule);
    // A schedule that does not parse ran nothing: no run to print and no figures to write (a
    // script that checks for the file would take an empty run for the one it asked for); with
    // --json the report still says what went wrong.
    let ran = !matches!(result, Err(daxlab_core::session::RunError::Parse(_)));
    if ran && let Err(e) = figures.write(&session) {
        eprintln!("daxlab: {e}");
        return ExitCode::from(1);
    }
    let mut report = RunReport::new(&session);
    report.error = result.as_ref().err().map(|e| e.to_string());
    if json {
        println!("{}", serde_json::to_string(&report).unwrap_or_default());
    } else if ran {
        let m = session.model();
        for (i, e) in session.events().iter().enumerate() {
            println!(
                "{:>4}. {:<7} {}:{:<2} {}",
                i + 1,
                m.name(e.tid),
                e.line.func().name_in(m.code()),
                e.line.number_in(m.code()),
                e.line.text()
            );
            println!("        {}", words::narration(m, e));
        }
        match &report.violation {
            Some(v) => {
                println!(
                    "\nVIOLATION {}: {} at {}: {}",
                    v.kind, v.thread, v.function, v.line
                );
                println!("{}\n\n{}", v.message, v.report);
            }
            None => println!("\nOutcome: {}", report.outcome),
        }
        let finished: Vec<_> = report
            .threads
            .iter()
            .filter_map(|t| t.result.map(|r| (t.thread.as_str(), r)))
            .collect();
        if !finished.is_empty() {
            // After a kernel report, a heading: the lines are threads, not stack frames.
            println!("\nThreads:");
            for (thread, r) in finished {
                println!("  {thread}: {}", r.word());
            }
        }
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("daxlab: {e}");
            ExitCode::from(1)
        }
    }
}
