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
            function: v.line.func().name(),
            line: v.line.text(),
            object: v.object.clone(),
            message: v.message.clone(),
            report: v.report.clone(),
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
    /// The schedule as text.
    pub schedule: String,
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
            schedule: s.schedule_text(),
            steps: s
                .events()
                .iter()
                .map(|e| StepReport {
                    thread: m.name(e.tid).into(),
                    function: e.line.func().name(),
                    line: e.line.text(),
                    narration: e.narration.clone(),
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
