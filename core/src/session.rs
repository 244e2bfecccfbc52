//! A session: a model, the worlds after every step (so any step can be revisited) and the
//! events that led to them. The CLI and the visualizer both drive a `Session`.

use crate::facts::Event;
use crate::ids::Tid;
use crate::model::Model;
use crate::schedule::{self, ParseError, ScheduleError};
use crate::scheduler::{MAX_RUN_STEPS, Replay, Scheduler};
use crate::violation::Violation;
use crate::world::{ThreadResult, World};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// How a run stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Some thread can still run.
    Running,
    /// Every thread finished without a violation.
    Completed,
    /// A violation stopped the run.
    Violation(Violation),
}

impl Outcome {
    /// The stable word for JSON: `running`, `completed` or `violation`.
    pub fn word(&self) -> &'static str {
        match self {
            Outcome::Running => "running",
            Outcome::Completed => "completed",
            Outcome::Violation(_) => "violation",
        }
    }
}

/// A run with its history.
#[derive(Clone, Debug)]
pub struct Session {
    model: Model,
    // Invariant: worlds.len() == events.len() + 1; worlds[i + 1] is worlds[i] after events[i].
    worlds: Vec<World>,
    events: Vec<Event>,
    // Invariant: cursor <= events.len(); the view shows worlds[cursor].
    cursor: usize,
}

impl Session {
    /// A fresh session at the initial world.
    pub fn new(model: Model) -> Session {
        let w = model.initial();
        Session {
            model,
            worlds: vec![w],
            events: Vec::new(),
            cursor: 0,
        }
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }
    /// The world at the cursor.
    pub fn world(&self) -> &World {
        &self.worlds[self.cursor]
    }
    /// The world after `step` steps of the history (clamped to its end), cursor or not.
    pub fn world_at(&self, step: usize) -> &World {
        &self.worlds[step.min(self.events.len())]
    }

    /// The events up to the cursor (the steps the view shows as done).
    pub fn events(&self) -> &[Event] {
        &self.events[..self.cursor]
    }
    /// Every recorded event, including those after the cursor (redo history).
    pub fn all_events(&self) -> &[Event] {
        &self.events
    }
    /// Steps taken up to the cursor.
    pub fn cursor(&self) -> usize {
        self.cursor
    }
    /// Steps recorded in all.
    pub fn len(&self) -> usize {
        self.events.len()
    }
    /// Whether no step was recorded.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
    /// The last event up to the cursor.
    pub fn last_event(&self) -> Option<&Event> {
        self.events().last()
    }
    /// The threads stepped so far, as ids.
    pub fn steps(&self) -> Vec<Tid> {
        self.events().iter().map(|e| e.tid).collect()
    }
    /// The schedule that reproduces the view, as text.
    pub fn schedule_text(&self) -> String {
        schedule::format(&self.steps(), &self.model)
    }

    /// How the run stands at the cursor.
    pub fn outcome(&self) -> Outcome {
        if let Some(v) = self.events().iter().rev().find_map(|e| e.violation.clone()) {
            return Outcome::Violation(v);
        }
        if self.model.finished(self.world()) {
            Outcome::Completed
        } else {
            Outcome::Running
        }
    }

    /// How each thread ended, for finished threads.
    pub fn results(&self) -> Vec<(String, Option<ThreadResult>)> {
        let w = self.world();
        self.model
            .threads()
            .iter()
            .zip(w.threads.iter())
            .map(|(spec, t)| (spec.name.clone(), t.result))
            .collect()
    }

    /// Step `tid` at the cursor. When the history's next step is `tid`'s, the cursor moves
    /// along it and the rest is kept; otherwise the redo history is discarded.
    pub fn step(&mut self, tid: Tid) -> Result<&Event, ScheduleError> {
        // The history's own next step is this thread's: steps are deterministic, so it leads
        // where the history goes, and the rest of the history is kept (as stepping forward).
        if self.events.get(self.cursor).is_some_and(|e| e.tid == tid) {
            self.cursor += 1;
            return Ok(&self.events[self.cursor - 1]);
        }
        let mut w = self.world().clone();
        let step = self.cursor + 1;
        match self.model.step(&mut w, tid) {
            Ok(event) => {
                self.worlds.truncate(self.cursor + 1);
                self.events.truncate(self.cursor);
                self.worlds.push(w);
                self.events.push(event);
                self.cursor += 1;
                Ok(&self.events[self.cursor - 1])
            }
            Err(_) => Err(schedule::not_runnable(&self.model, self.world(), step, tid)),
        }
    }

    /// Apply thread ids in order; stops at the first that cannot run.
    pub fn run(&mut self, steps: &[Tid]) -> Result<(), ScheduleError> {
        self.drive(&mut Replay::new(steps))
    }

    /// Step the threads `scheduler` picks until it stops (or [`MAX_RUN_STEPS`]); a thread it
    /// names that cannot run is an error naming the step.
    pub fn drive<S: Scheduler>(&mut self, scheduler: &mut S) -> Result<(), ScheduleError> {
        for _ in 0..MAX_RUN_STEPS.max(schedule::MAX_SCHEDULE_STEPS) {
            let runnable = self.model.runnable_mask(self.world());
            let Some(t) = scheduler.next(&self.model, self.world(), runnable) else {
                return Ok(());
            };
            self.step(t)?;
        }
        Ok(())
    }

    /// Parse and apply schedule text.
    pub fn run_text(&mut self, text: &str) -> Result<(), RunError> {
        let steps = schedule::parse(text, &self.model).map_err(RunError::Parse)?;
        self.run(&steps).map_err(RunError::Schedule)
    }

    /// Move the cursor to `step` (0 = the initial world), keeping history. Clamped.
    pub fn seek(&mut self, step: usize) {
        self.cursor = step.min(self.events.len());
    }
    /// One step back, if possible.
    pub fn back(&mut self) -> bool {
        if self.cursor == 0 {
            return false;
        }
        self.cursor -= 1;
        true
    }
    /// One step forward through recorded history, if possible.
    pub fn forward(&mut self) -> bool {
        if self.cursor == self.events.len() {
            return false;
        }
        self.cursor += 1;
        true
    }
    /// Back to the initial world, forgetting history.
    pub fn reset(&mut self) {
        self.worlds.truncate(1);
        self.events.clear();
        self.cursor = 0;
    }
}

/// Schedule text that could not be applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The text is not a schedule of this scenario.
    Parse(ParseError),
    /// A step could not be taken.
    Schedule(ScheduleError),
}

impl core::fmt::Display for RunError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            RunError::Parse(e) => e.fmt(f),
            RunError::Schedule(e) => e.fmt(f),
        }
    }
}
