//! Reports: serialisable summaries of runs for the CLI's `--json` output and for exports.
//! Field names are a stable contract.

use crate::model::Model;
use crate::session::Session;
use crate::violation::{Violation, ViolationKind};
use crate::world::ThreadResult;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;

/// A violation as reported: kind, thread, line and words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ViolationReport {
    /// The kind (kebab-case).
    pub kind: ViolationKind,
    /// The thread's name.
    pub thread: String,
    /// The function the line belongs to.
    pub function: &'static str,
    /// The line's code.
    pub line: &'static str,
    /// The object involved.
    pub object: String,
    /// The explanation.
    pub message: String,
    /// What the kernel would have printed.
    pub report: String,
}

impl ViolationReport {
    /// Report `v` with the thread names of `model`.
    pub fn new(v: &Violation, model: &Model) -> ViolationReport {
        ViolationReport {
            kind: v.kind,
            thread: model.name(v.tid).into(),
            function: v.line.func().name_in(model.code()),
            line: v.line.text(),
            object: crate::words::object(model, v),
            message: crate::words::message(model, v),
            report: crate::words::report(model, v),
        }
    }
}

/// One step of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepReport {
    /// Who stepped.
    pub thread: String,
    /// The function of the line.
    pub function: &'static str,
    /// The line's code.
    pub line: &'static str,
    /// The narration.
    pub narration: String,
    /// The violation this step caused or revealed (kebab-case kind), or null.
    pub violation: Option<ViolationKind>,
}

/// How one thread ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ThreadReport {
    /// Its name.
    pub thread: String,
    /// Its result, or null while it has not finished.
    pub result: Option<ThreadResult>,
}

/// A whole run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunReport {
    /// The scenario.
    pub scenario: &'static str,
    /// The variant.
    pub variant: &'static str,
    /// The truncate wake mode in force (`one` or `all`).
    pub truncate_wake: &'static str,
    /// The upstream commits in force.
    pub commits: Vec<&'static str>,
    /// The schedule as text.
    pub schedule: String,
    /// An error applying the schedule, if one stopped it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Every step.
    pub steps: Vec<StepReport>,
    /// `running`, `completed` or `violation`.
    pub outcome: &'static str,
    /// How each thread ended.
    pub threads: Vec<ThreadReport>,
    /// The violation, or null.
    pub violation: Option<ViolationReport>,
}

impl RunReport {
    /// Summarise a session up to its cursor.
    pub fn new(s: &Session) -> RunReport {
        let m = s.model();
        let outcome = s.outcome();
        RunReport {
            scenario: m.scenario(),
            variant: m.variant().name(),
            truncate_wake: m.truncate_wake().name(),
            commits: m.code().fixes().map(|f| f.commit()).collect(),
            schedule: s.schedule_text(),
            error: None,
            steps: s
                .events()
                .iter()
                .map(|e| StepReport {
                    thread: m.name(e.tid).into(),
                    function: e.line.func().name_in(m.code()),
                    line: e.line.text(),
                    narration: crate::words::narration(m, e),
                    violation: e.violation.as_ref().map(|v| v.kind),
                })
                .collect(),
            outcome: outcome.word(),
            threads: s
                .results()
                .into_iter()
                .map(|(thread, result)| ThreadReport { thread, result })
                .collect(),
            violation: match outcome {
                crate::session::Outcome::Violation(v) => Some(ViolationReport::new(&v, m)),
                _ => None,
            },
        }
    }
}

/// A story as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoryReport {
    /// The variant it is told under.
    pub variant: &'static str,
    /// The truncate wake mode it needs, if not the variant's.
    pub wake: Option<&'static str>,
    /// Fixes added to the variant's (`--fixes` text), if any.
    pub fixes: &'static str,
    /// The schedule.
    pub schedule: &'static str,
    /// The violation kind it ends in, or null.
    pub expect: Option<ViolationKind>,
}

/// A scenario as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScenarioReport {
    /// Its name.
    pub name: &'static str,
    /// Its title.
    pub title: &'static str,
    /// What it shows.
    pub summary: &'static str,
    /// Its threads' names, in order.
    pub threads: Vec<String>,
    /// Each thread's kernel path and caller.
    pub paths: Vec<ThreadPathReport>,
    /// Its stories.
    pub stories: Vec<StoryReport>,
}

/// A variant as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VariantReport {
    /// Its name.
    pub name: &'static str,
    /// What it is.
    pub summary: &'static str,
    /// The release it is, or "never shipped: a teaching ablation".
    pub release: &'static str,
    /// Whether it ever shipped.
    pub shipped: bool,
    /// The upstream commits it carries on top of the seed.
    pub commits: Vec<&'static str>,
    /// The teaching ablations applied, if any.
    pub ablations: Vec<&'static str>,
}

/// An upstream commit as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FixReport {
    /// The commit id (12 hex digits).
    pub commit: &'static str,
    /// Its subject line (where not confirmed, what it does: see `subject_confirmed`).
    pub subject: &'static str,
    /// Whether `subject` is the commit's own subject line.
    pub subject_confirmed: bool,
    /// Its author.
    pub author: &'static str,
    /// The release it first shipped in.
    pub release: &'static str,
    /// Whether linux-4.19.y has it.
    pub in_4_19_y: &'static str,
    /// What it changes in the listing.
    pub change: &'static str,
    /// The scenario that shows why.
    pub scenario: &'static str,
    /// Its page on git.kernel.org.
    pub link: String,
}

impl FixReport {
    /// Its subject for a label or a table (see [`crate::code::subject_title`]).
    pub fn title(&self) -> String {
        crate::code::subject_title(self.subject, self.subject_confirmed)
    }
}

/// A thread of a scenario as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ThreadPathReport {
    /// Its name.
    pub thread: String,
    /// The kernel path it runs and who calls it.
    pub path: &'static str,
}

/// Everything `daxlab list` lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListReport {
    /// The built-in scenarios.
    pub scenarios: Vec<ScenarioReport>,
    /// The variants: the presets (real releases), then the teaching ablations.
    pub variants: Vec<VariantReport>,
    /// The upstream commits a variant or `--fixes` can carry.
    pub fixes: Vec<FixReport>,
    /// The violation kinds.
    pub violation_kinds: Vec<&'static str>,
}

impl ListReport {
    /// The list of everything built in.
    pub fn new() -> ListReport {
        use crate::model::Options;
        use crate::variant::Variant;
        ListReport {
            scenarios: crate::scenario::SCENARIOS
                .iter()
                .map(|s| {
                    let m = s.model(Options::new(Variant::Seed));
                    ScenarioReport {
                        name: s.name,
                        title: s.title,
                        summary: s.summary,
                        threads: m.threads().iter().map(|t| t.name.clone()).collect(),
                        paths: m
                            .threads()
                            .iter()
                            .map(|t| ThreadPathReport {
                                thread: t.name.clone(),
                                path: t.program.path(),
                            })
                            .collect(),
                        stories: s
                            .stories
                            .iter()
                            .map(|st| StoryReport {
                                variant: st.variant.name(),
                                wake: st.wake.map(|w| w.name()),
                                fixes: st.fixes,
                                schedule: st.schedule,
                                expect: st.expect.map(|e| e.kind),
                            })
                            .collect(),
                    }
                })
                .collect(),
            variants: Variant::ALL
                .iter()
                .map(|v| VariantReport {
                    name: v.name(),
                    summary: v.summary(),
                    release: v.release(),
                    shipped: v.shipped(),
                    commits: v.code().fixes().map(|f| f.commit()).collect(),
                    ablations: v.code().ablations().map(|a| a.name()).collect(),
                })
                .collect(),
            fixes: crate::code::Fix::ALL
                .iter()
                .map(|f| {
                    let i = f.info();
                    FixReport {
                        commit: i.commit,
                        subject: i.subject,
                        subject_confirmed: i.subject_confirmed,
                        author: i.author,
                        release: i.release,
                        in_4_19_y: i.in_4_19_y,
                        change: i.change,
                        scenario: i.scenario,
                        link: i.link(),
                    }
                })
                .collect(),
            violation_kinds: ViolationKind::ALL.iter().map(|k| k.name()).collect(),
        }
    }
}

impl Default for ListReport {
    fn default() -> ListReport {
        ListReport::new()
    }
}

/// A counterexample as reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CounterexampleReport {
    /// The kind.
    pub kind: ViolationKind,
    /// The thread at fault.
    pub thread: String,
    /// The function of its line.
    pub function: &'static str,
    /// The line's code.
    pub line: &'static str,
    /// The explanation.
    pub message: String,
    /// The schedule as text.
    pub schedule: String,
    /// Its length in steps.
    pub steps: usize,
    /// Its preemptions: switches away from a thread that could still run.
    pub preemptions: u32,
    /// The visualizer link that replays it.
    pub url: String,
}

impl CounterexampleReport {
    /// Report a violation reached by `schedule`; `base_url` is the visualizer's address.
    pub fn new(
        v: &Violation,
        schedule: &[crate::Tid],
        model: &Model,
        base_url: &str,
    ) -> CounterexampleReport {
        let r = ViolationReport::new(v, model);
        let text = crate::schedule::format(schedule, model);
        CounterexampleReport {
            kind: r.kind,
            thread: r.thread,
            function: r.function,
            line: r.line,
            message: r.message,
            url: alloc::format!("{base_url}{}", crate::link::replay_query(model, &text)),
            steps: schedule.len(),
            preemptions: crate::preempt::count(model, &model.initial(), schedule).unwrap_or(0),
            schedule: text,
        }
    }
}

/// What `daxlab explore` reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExploreReport {
    /// The scenario.
    pub scenario: &'static str,
    /// The variant.
    pub variant: &'static str,
    /// The truncate wake mode in force.
    pub truncate_wake: &'static str,
    /// The upstream commits in force.
    pub commits: Vec<&'static str>,
    /// How many threads the scenario has.
    pub threads: usize,
    /// The violation kind searched for, or null for any.
    pub target: Option<ViolationKind>,
    /// The reduction used: `none`, `por` or `por+symmetry`.
    pub reduction: crate::explore::Reduction,
    /// Whether the whole bounded state space was searched.
    pub complete: bool,
    /// The bound that stopped an incomplete search.
    pub bound: Option<crate::explore::Bound>,
    /// Distinct states.
    pub states: u64,
    /// The distinct states the unreduced search needs, when known (the unreduced search was
    /// run, or this is it); null otherwise.
    pub states_full: Option<u64>,
    /// Transitions.
    pub transitions: u64,
    /// Depth reached.
    pub depth: u32,
    /// Milliseconds the search took (measured by the caller).
    pub millis: f64,
    /// States per second.
    pub states_per_second: f64,
    /// Bytes per state of the visited set and the levels.
    pub bytes_per_state: f64,
    /// Transitions that ended in violations of other kinds (not expanded).
    pub other_violations: u64,
    /// The violation found, or null. With a reduction it need not be a shortest one.
    pub violation: Option<CounterexampleReport>,
    /// With `--preemptions`: a counterexample of the same kind with the fewest preemptions
    /// (null when not asked for or none was found).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fewest_preemptions: Option<CounterexampleReport>,
}

impl ExploreReport {
    /// Report a search of `model` that took `millis`.
    pub fn new(
        model: &Model,
        config: &crate::explore::Config,
        r: &crate::explore::Exploration,
        millis: f64,
        base_url: &str,
    ) -> ExploreReport {
        // Positive figures only; no_std has no f64::round.
        let round = |x: f64, k: f64| ((x * k + 0.5) as u64) as f64 / k;
        ExploreReport {
            scenario: model.scenario(),
            variant: model.variant().name(),
            truncate_wake: model.truncate_wake().name(),
            commits: model.code().fixes().map(|f| f.commit()).collect(),
            threads: model.threads().len(),
            target: config.target,
            reduction: r.reduction,
            complete: r.complete,
            bound: r.bound,
            states: r.states,
            states_full: (r.reduction == crate::explore::Reduction::None && r.complete)
                .then_some(r.states),
            transitions: r.transitions,
            depth: r.depth,
            millis: round(millis, 1000.0),
            states_per_second: round(r.states as f64 / (millis / 1000.0).max(1e-9), 1.0),
            bytes_per_state: round(r.bytes_per_state(), 10.0),
            other_violations: r.other_violations,
            violation: r
                .found
                .as_ref()
                .map(|f| CounterexampleReport::new(&f.violation, &f.schedule, model, base_url)),
            fewest_preemptions: None,
        }
    }
}

/// One failing random run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FailingRun {
    /// Which run (from 1).
    pub run: u32,
    /// The kind.
    pub kind: ViolationKind,
    /// The thread at fault.
    pub thread: String,
    /// The line's code.
    pub line: &'static str,
    /// The schedule as text.
    pub schedule: String,
    /// The visualizer link that replays it.
    pub url: String,
}

/// What `daxlab random` reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RandomReport {
    /// The scenario.
    pub scenario: &'static str,
    /// The variant.
    pub variant: &'static str,
    /// The seed.
    pub seed: u64,
    /// How many runs.
    pub runs: u32,
    /// `uniform` or `pct-N`.
    pub strategy: String,
    /// The runs that ended in a violation.
    pub failing: Vec<FailingRun>,
}
