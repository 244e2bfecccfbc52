//! `daxlab`: list scenarios, replay a schedule, explore interleavings — from a shell.

use clap::{Parser, Subcommand};
use daxlab_core::explore;
use daxlab_core::report::RunReport;
use daxlab_core::scenario::Scale;
use daxlab_core::{Model, Options, SCENARIOS, Session, Variant, ViolationKind, WakeMode, scenario};
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
    },
    /// Search interleavings breadth-first for a shortest schedule to a violation.
    Explore {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        scale: ScaleArgs,
        /// Look only for this violation kind (others are skipped).
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(ViolationKind::ALL.map(|k| k.name())))]
        kind: Option<String>,
        /// Stop after this many distinct states.
        #[arg(long, default_value_t = explore::DEFAULT_MAX_STATES)]
        max_states: u64,
        /// Stop at this depth.
        #[arg(long, default_value_t = explore::DEFAULT_MAX_DEPTH)]
        max_depth: u32,
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
        #[command(flatten)]
        scale: ScaleArgs,
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

/// A scaled freed-inode scenario: N memory-failure threads and N faults over P pages.
#[derive(clap::Args)]
struct ScaleArgs {
    /// Memory-failure threads (and as many faults) in a scaled freed-inode scenario.
    #[arg(long)]
    threads: Option<u8>,
    /// Pages of the file in a scaled freed-inode scenario.
    #[arg(long)]
    pages: Option<u8>,
}

/// Which scenario under which code.
#[derive(clap::Args)]
struct Target {
    /// Scenario name (see `daxlab list`).
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(SCENARIOS.iter().map(|s| s.name)))]
    scenario: String,
    /// Variant name.
    #[arg(long, default_value = "seed", value_parser = clap::builder::PossibleValuesParser::new(Variant::ALL.map(|v| v.name())))]
    variant: String,
    /// How truncate wakes waiters after deleting an entry (default: the variant's).
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(["one", "all"]))]
    truncate_wake: Option<String>,
}

impl Target {
    fn options(&self) -> Options {
        Options {
            // Both were checked by clap against the accepted values.
            variant: self.variant.parse().unwrap_or(Variant::Seed),
            truncate_wake: self
                .truncate_wake
                .as_deref()
                .and_then(|w| w.parse::<WakeMode>().ok()),
        }
    }
    fn session(&self) -> Session {
        Session::new(self.model())
    }
    fn model(&self) -> Model {
        let s = scenario(&self.scenario).unwrap_or(&SCENARIOS[0]);
        s.model(self.options())
    }
    /// The model, scaled when --threads/--pages are given (freed-inode only).
    fn scaled_model(&self, scale: &ScaleArgs) -> Result<Model, String> {
        if scale.threads.is_none() && scale.pages.is_none() {
            return Ok(self.model());
        }
        if self.scenario != "freed-inode" {
            return Err(format!(
                "--threads/--pages scale the freed-inode scenario only, not \"{}\"",
                self.scenario
            ));
        }
        let scale = Scale {
            threads: scale.threads.unwrap_or(1),
            pages: scale.pages.unwrap_or(1),
        };
        daxlab_core::scenario::scaled(scale, self.options())
    }
}

/// The visualizer URL that replays `schedule`.
pub(crate) fn replay_url(base: &str, model: &Model, schedule: &str) -> String {
    let mut url = format!(
        "{base}?scenario={}&variant={}&schedule={}",
        model.scenario(),
        model.variant().name(),
        schedule.replace('*', "%2A").replace(',', "%2C")
    );
    if model.truncate_wake() != model.variant().default_truncate_wake() {
        url.push_str(&format!("&truncate={}", model.truncate_wake().name()));
    }
    url
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::List { json } => list(json),
        Command::Run {
            target,
            schedule,
            json,
        } => run(&target, &schedule, json),
        Command::Explore {
            target,
            scale,
            kind,
            max_states,
            max_depth,
            jobs,
            base_url,
            json,
        } => {
            let jobs = usize::from(jobs);
            let config = explore::Config {
                max_states,
                max_depth,
                target: kind.and_then(|k| k.parse().ok()),
            };
            match target.scaled_model(&scale) {
                Ok(model) => search::explore_cmd(&model, config, jobs, &base_url, json),
                Err(e) => usage_error(&e),
            }
        }
        Command::Random {
            target,
            scale,
            seed,
            runs,
            pct_depth,
            base_url,
            json,
        } => match target.scaled_model(&scale) {
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
    let scenarios: Vec<serde_json::Value> = SCENARIOS
        .iter()
        .map(|s| {
            let m = s.model(Options::new(Variant::Seed));
            serde_json::json!({
                "name": s.name,
                "title": s.title,
                "summary": s.summary,
                "threads": m.threads().iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
                "stories": s.stories.iter().map(|st| serde_json::json!({
                    "variant": st.variant.name(),
                    "schedule": st.schedule,
                    "expect": st.expect.map(|k| k.name()),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    if json {
        let v = serde_json::json!({
            "scenarios": scenarios,
            "variants": Variant::ALL.iter().map(|v| serde_json::json!({"name": v.name(), "summary": v.summary()})).collect::<Vec<_>>(),
            "violation_kinds": daxlab_core::ViolationKind::ALL.iter().map(|k| k.name()).collect::<Vec<_>>(),
        });
        println!("{v}");
        return ExitCode::SUCCESS;
    }
    println!("Scenarios (threads):");
    for s in &scenarios {
        println!(
            "  {:<16} {} ({})",
            s["name"].as_str().unwrap_or(""),
            s["title"].as_str().unwrap_or(""),
            s["threads"]
                .as_array()
                .map(|a| a
                    .iter()
                    .filter_map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", "))
                .unwrap_or_default()
        );
    }
    println!("Variants:");
    for v in Variant::ALL {
        println!("  {:<16} {}", v.name(), v.summary());
    }
    println!(
        "Violation kinds: {}",
        daxlab_core::ViolationKind::ALL.map(|k| k.name()).join(", ")
    );
    ExitCode::SUCCESS
}

fn run(target: &Target, schedule: &str, json: bool) -> ExitCode {
    let mut session = target.session();
    let result = session.run_text(schedule);
    let report = RunReport::new(&session);
    if json {
        let mut v = serde_json::to_value(&report).unwrap_or_default();
        if let Err(e) = &result {
            v["error"] = serde_json::Value::String(e.to_string());
        }
        println!("{v}");
    } else {
        let m = session.model();
        for (i, e) in session.events().iter().enumerate() {
            println!(
                "{:>4}. {:<7} {}:{:<2} {}",
                i + 1,
                m.name(e.tid),
                e.line.func().name(),
                e.line.number_in(m.variant(), m.truncate_wake()),
                e.line.text()
            );
            println!("        {}", e.narration);
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
        for t in &report.threads {
            if let Some(r) = t.result {
                println!("  {}: {}", t.thread, r.word());
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
