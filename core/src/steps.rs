//! What a [`Model`] does, apart from what it is: the line a thread runs next, whether it can
//! run ([`Status`], from the primitive that owns the rule), and the one step function that
//! runs a line through the interpreter and checks the result. `model.rs` holds the data only,
//! so that the primitives and the interpreter can read a model without a circle of imports.

use crate::facts::{Event, Quiet, Sink};
use crate::ids::{Addr, Tid};
use crate::listing::Line;
use crate::model::{Model, NotRunnable};
use crate::status::Status;
use crate::violation::Violation;
use crate::world::{WaitKey, World};
use alloc::vec::Vec;

/// A status per thread, as [`Model::step_runnable`] leaves them.
pub(crate) type Statuses = [Status; crate::world::MAX_THREADS];

impl Model {
    /// The bucket and key `dax_entry_waitqueue()` computes for an entry at `index`.
    pub fn waitqueue(&self, mapping: Addr, index: u16, pmd: bool) -> (u8, WaitKey) {
        crate::prim::wait::waitqueue(self.bucket_bits, mapping, index, pmd)
    }

    /// The line thread `tid` executes next (for the RCU daemon: the action it would take).
    pub fn current_line(&self, w: &World, tid: Tid) -> Line {
        let program = &self.threads[tid.0 as usize].program;
        if program.is_daemon() {
            return crate::prim::rcu::next_line(w).unwrap_or(program.idle_line());
        }
        w.thread(tid).pc
    }

    /// Whether `tid` can run, and if not, why.
    pub fn status(&self, w: &World, tid: Tid) -> Status {
        crate::interp::status(self, w, tid)
    }

    /// Every thread's status (the threads past the model's stay runnable).
    #[cfg(test)]
    pub(crate) fn statuses(&self, w: &World) -> Statuses {
        let mut out = [Status::Runnable; crate::world::MAX_THREADS];
        for (i, s) in out.iter_mut().enumerate().take(self.threads.len()) {
            *s = self.status(w, Tid(i as u8));
        }
        out
    }

    /// Whether `tid` can take a step now.
    pub fn is_runnable(&self, w: &World, tid: Tid) -> bool {
        self.status(w, tid) == Status::Runnable
    }

    /// The threads that can take a step now, in thread order.
    pub fn runnable(&self, w: &World) -> Vec<Tid> {
        (0..self.threads.len() as u8)
            .map(Tid)
            .filter(|&t| self.is_runnable(w, t))
            .collect()
    }

    /// Bit per thread that can run now. Cheaper than [`Model::runnable`] in hot loops.
    pub fn runnable_mask(&self, w: &World) -> u16 {
        let mut m = 0;
        for i in 0..self.threads.len() {
            if self.is_runnable(w, Tid(i as u8)) {
                m |= 1 << i;
            }
        }
        m
    }

    /// Step thread `tid` once, recording what it did. Errors if it cannot run.
    pub fn step(&self, w: &mut World, tid: Tid) -> Result<Event, NotRunnable> {
        let mut facts = Vec::new();
        let mut event = self.step_with(w, tid, &mut facts)?;
        event.facts = facts;
        Ok(event)
    }

    /// Step thread `tid` once without recording facts (for the explorer). Errors if it cannot
    /// run.
    pub fn step_quiet(&self, w: &mut World, tid: Tid) -> Result<Event, NotRunnable> {
        self.step_with(w, tid, &mut Quiet)
    }

    /// Step `tid`, which the caller knows to be runnable in `w` (it has the runnable mask the
    /// step into `w` returned): the explorer's fast path, without recording facts.
    /// `before` is the runnable mask of `w` before the step.
    /// `statuses` gets the status of every thread that cannot run after the step (the others'
    /// entries are left as they were).
    pub(crate) fn step_runnable(
        &self,
        w: &mut World,
        tid: Tid,
        before: u16,
        statuses: &mut Statuses,
    ) -> Event {
        debug_assert!(self.is_runnable(w, tid));
        self.step_unchecked(w, tid, &mut Quiet, Some((before, statuses)))
    }

    /// The runnable mask after `tid` stepped, from the mask `before` the step: only the
    /// stepping thread, threads that could not run, the RCU daemon, and threads on lines that
    /// can block (`footprint::may_block`) can have changed — another thread's step can wake a
    /// thread but never stop one that is not about to block.
    fn runnable_after(&self, w: &World, tid: Tid, before: u16, statuses: &mut Statuses) -> u16 {
        let mut m = before;
        for (i, spec) in self.threads.iter().enumerate() {
            let t = &w.threads[i];
            let check = i == tid.0 as usize
                || before & (1 << i) == 0
                || spec.program.is_daemon()
                || t.pc.info().action.is_none_or(crate::footprint::may_block);
            if check {
                let status = self.status(w, Tid(i as u8));
                if status == Status::Runnable {
                    m |= 1 << i;
                } else {
                    statuses[i] = status;
                    m &= !(1 << i);
                }
            }
        }
        debug_assert_eq!(m, self.runnable_mask(w));
        m
    }

    fn step_with<S: Sink>(
        &self,
        w: &mut World,
        tid: Tid,
        sink: &mut S,
    ) -> Result<Event, NotRunnable> {
        if tid.0 as usize >= self.threads.len() {
            return Err(NotRunnable {
                tid,
                status: Status::Halted,
            });
        }
        let status = self.status(w, tid);
        if status != Status::Runnable {
            return Err(NotRunnable { tid, status });
        }
        Ok(self.step_unchecked(w, tid, sink, None))
    }

    fn step_unchecked<S: Sink>(
        &self,
        w: &mut World,
        tid: Tid,
        sink: &mut S,
        before: Option<(u16, &mut Statuses)>,
    ) -> Event {
        let line = self.current_line(w, tid);
        let mut cx = crate::cx::Cx {
            m: self,
            w,
            tid,
            line,
            sink,
            warning: None,
        };
        let result = crate::interp::step(&mut cx, line);
        let warning = cx.warning.take();
        let mut violation = result.err();
        let mut runnable = 0;
        if violation.is_none() {
            runnable = match before {
                Some((b, statuses)) => self.runnable_after(w, tid, b, statuses),
                None => self.runnable_mask(w),
            };
            violation = crate::interp::check_stuck(self, w, runnable).or(warning);
        }
        if violation.as_ref().is_some_and(Violation::halts) {
            w.halted = true;
            runnable = 0;
        }
        Event {
            tid,
            line,
            facts: Vec::new(),
            violation,
            runnable,
        }
    }

    /// Put every thread of `world` on its first step line (scenario construction).
    pub(crate) fn start_threads(&self, world: &mut World) -> Result<(), Violation> {
        for i in 0..self.threads.len() {
            let tid = Tid(i as u8);
            let mut cx = crate::cx::Cx {
                m: self,
                w: world,
                tid,
                line: Line::MfHead,
                sink: &mut Quiet,
                warning: None,
            };
            crate::interp::start(&mut cx)?;
        }
        Ok(())
    }
}
