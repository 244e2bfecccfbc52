//! Schedules as text: comma-separated thread names, each with an optional repeat count, such as
//! `mf*3,trunc,rcu*2,mf`. Parsing resolves names against a model; printing compresses runs.

use crate::ids::Tid;
use crate::model::{Model, Status};
use crate::world::World;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// The longest schedule accepted, in steps. Protects the page and the CLI from absurd input.
pub const MAX_SCHEDULE_STEPS: usize = 1_000_000;

/// Text that is not a schedule of this scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// An item between commas is empty.
    EmptyItem {
        /// 1-based position of the item.
        item: usize,
    },
    /// A name that is not a thread of the scenario.
    UnknownThread {
        /// 1-based position of the item.
        item: usize,
        /// The name given.
        name: String,
        /// The scenario's thread names.
        known: Vec<String>,
    },
    /// A repeat count that is not a number from 1 up.
    BadCount {
        /// 1-based position of the item.
        item: usize,
        /// The text after `*`.
        count: String,
    },
    /// More steps than [`MAX_SCHEDULE_STEPS`].
    TooLong {
        /// Steps requested.
        steps: usize,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::EmptyItem { item } => {
                write!(
                    f,
                    "item {item} of the schedule is empty; write names separated by commas, like mf*3,trunc"
                )
            }
            ParseError::UnknownThread { item, name, known } => write!(
                f,
                "item {item}: {} is not a thread of this scenario; its threads are {}",
                crate::quote::shown(name),
                known.join(", ")
            ),
            ParseError::BadCount { item, count } => write!(
                f,
                "item {item}: repeat count {} is not a whole number from 1 to {MAX_SCHEDULE_STEPS}",
                crate::quote::shown(count)
            ),
            ParseError::TooLong { steps } => {
                write!(
                    f,
                    "the schedule has {steps} steps; at most {MAX_SCHEDULE_STEPS} are accepted"
                )
            }
        }
    }
}

/// A step of a schedule that cannot be taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleError {
    /// 1-based step number in the expanded schedule.
    pub step: usize,
    /// The thread named at that step.
    pub thread: String,
    /// Why it cannot run, in words.
    pub reason: String,
    /// The threads that could run at that point.
    pub runnable: Vec<String>,
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "step {}: {} cannot run: {}; ",
            self.step, self.thread, self.reason
        )?;
        if self.runnable.is_empty() {
            write!(f, "no thread can run")
        } else {
            write!(f, "runnable: {}", self.runnable.join(", "))
        }
    }
}

/// Parse schedule text into thread ids. Whitespace around items is ignored; an empty text is
/// the empty schedule.
pub fn parse(text: &str, model: &Model) -> Result<Vec<Tid>, ParseError> {
    let mut steps = Vec::new();
    if text.trim().is_empty() {
        return Ok(steps);
    }
    for (i, raw) in text.split(',').enumerate() {
        let item = i + 1;
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ParseError::EmptyItem { item });
        }
        let (name, count_text) = match raw.split_once('*') {
            Some((n, c)) => (n.trim(), Some(c.trim())),
            None => (raw, None),
        };
        let tid = model.tid(name).ok_or_else(|| ParseError::UnknownThread {
            item,
            name: name.into(),
            known: model.threads().iter().map(|t| t.name.clone()).collect(),
        })?;
        let count = match count_text {
            None => 1,
            Some(c) => c
                .parse::<usize>()
                .ok()
                .filter(|&n| (1..=MAX_SCHEDULE_STEPS).contains(&n))
                .ok_or_else(|| ParseError::BadCount {
                    item,
                    count: c.into(),
                })?,
        };
        if steps.len() + count > MAX_SCHEDULE_STEPS {
            return Err(ParseError::TooLong {
                steps: steps.len() + count,
            });
        }
        steps.extend(core::iter::repeat_n(tid, count));
    }
    Ok(steps)
}

/// Print thread ids as schedule text, compressing runs (`mf,mf,mf` → `mf*3`).
pub fn format(steps: &[Tid], model: &Model) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < steps.len() {
        let t = steps[i];
        let run = steps[i..].iter().take_while(|&&s| s == t).count();
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(model.name(t));
        if run > 1 {
            out.push_str(&format!("*{run}"));
        }
        i += run;
    }
    out
}

/// The error for stepping `tid` at step `step` (1-based) of `world`.
pub fn not_runnable(model: &Model, world: &World, step: usize, tid: Tid) -> ScheduleError {
    let reason = match model.status(world, tid) {
        Status::Halted => String::from("the run has stopped at a violation"),
        _ => crate::words::status(model, world, tid),
    };
    ScheduleError {
        step,
        thread: model.name(tid).into(),
        reason,
        runnable: model
            .runnable(world)
            .into_iter()
            .map(|t| model.name(t).into())
            .collect(),
    }
}
