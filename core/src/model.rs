//! The model: a scenario's threads and code, the initial [`World`], and the one step function.

use crate::code::Code;
use crate::facts::{Event, Quiet, Sink};
use crate::ids::{Addr, Tid};
use crate::listing::Line;
use crate::program::ThreadSpec;
use crate::variant::{Variant, WakeMode};
use crate::violation::Violation;
use crate::world::{ThreadResult, WaitKey, World};
use alloc::vec::Vec;

/// Why a thread cannot run now, or that it can.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// It can take a step.
    Runnable,
    /// Spinning in `xa_lock_irq()` on a lock another thread holds.
    Spinning {
        /// The inode memory whose lock it wants.
        addr: Addr,
        /// The holder.
        owner: Tid,
    },
    /// Asleep in `schedule()` until woken.
    Asleep {
        /// Its wait queue, if still queued.
        bucket: Option<u8>,
        /// What it waits for.
        key: Option<WaitKey>,
        /// Whether it waits exclusively.
        exclusive: bool,
    },
    /// `iput()` cannot drop the last reference while a user holds the file open.
    WaitingForLastReference {
        /// The inode memory.
        addr: Addr,
    },
    /// Asleep in `down_read()`/`down_write()` until the MMAPLOCK is handed over.
    WaitingForMmaplock {
        /// The inode memory.
        addr: Addr,
        /// Bit per thread holding it.
        holders: u16,
    },
    /// `wait_for_completion(&pgmap->done)` while references remain.
    WaitingForPins {
        /// References outstanding.
        pins: u8,
    },
    /// The RCU machinery waits for readers to leave their read-side sections.
    WaitingForReaders {
        /// The grace period.
        gp: u8,
        /// Bit per thread.
        readers: u16,
    },
    /// The RCU machinery has nothing to do.
    Idle,
    /// The thread has finished.
    Done(ThreadResult),
    /// A violation stopped the run.
    Halted,
}

/// An attempt to step a thread that cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotRunnable {
    /// The thread.
    pub tid: Tid,
    /// Why not.
    pub status: Status,
}

/// Settings a scenario can override.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The version the threads run (and the listing is described against).
    pub variant: Variant,
    /// The exact set of fixes and ablations, when not the variant's own.
    pub code: Option<Code>,
    /// How truncate wakes waiters; `None`: as the code has it.
    pub truncate_wake: Option<WakeMode>,
}

impl Options {
    /// Options for `variant` with its defaults.
    pub fn new(variant: Variant) -> Options {
        Options {
            variant,
            code: None,
            truncate_wake: None,
        }
    }

    /// The code these options put in force.
    pub fn code(&self) -> Code {
        let code = self.code.unwrap_or(self.variant.code());
        self.truncate_wake.map_or(code, |w| w.apply(code))
    }
}

/// A scenario instantiated under one variant: the threads, the code and the initial world.
#[derive(Clone, Debug)]
pub struct Model {
    pub(crate) scenario: &'static str,
    pub(crate) variant: Variant,
    pub(crate) code: Code,
    /// Invariant: the layout of `code`.
    pub(crate) layout: crate::listing::Layout,
    /// Invariant: 1..=6; the wait table has `1 << bucket_bits` buckets.
    pub(crate) bucket_bits: u8,
    pub(crate) threads: Vec<ThreadSpec>,
    pub(crate) initial: World,
    /// The sizes of a scaled scenario (see [`crate::scenario::scaled`]).
    pub(crate) scale: Option<crate::scenario::Scale>,
}

impl Model {
    /// The scenario's name.
    pub fn scenario(&self) -> &'static str {
        self.scenario
    }
    /// The variant the threads run.
    pub fn variant(&self) -> Variant {
        self.variant
    }
    /// The code in force: the variant's, with the scenario's truncate wake mode.
    pub fn code(&self) -> Code {
        self.code
    }
    /// The truncate path's wake mode in force.
    pub fn truncate_wake(&self) -> WakeMode {
        WakeMode::of(self.code)
    }
    /// The number of buckets of the wait table.
    pub fn buckets(&self) -> u8 {
        1 << self.bucket_bits
    }
    /// The sizes, when this is a scaled scenario.
    pub fn scale(&self) -> Option<crate::scenario::Scale> {
        self.scale
    }
    /// The threads.
    pub fn threads(&self) -> &[ThreadSpec] {
        &self.threads
    }
    /// The thread named `name`.
    pub fn tid(&self, name: &str) -> Option<Tid> {
        self.threads
            .iter()
            .position(|t| t.name == name)
            .map(|i| Tid(i as u8))
    }
    /// The name of thread `tid`.
    pub fn name(&self, tid: Tid) -> &str {
        &self.threads[tid.0 as usize].name
    }
    /// The world before any step.
    pub fn initial(&self) -> World {
        self.initial.clone()
    }

    /// Whether `line` is part of the code in force.
    pub fn has(&self, line: Line) -> bool {
        line.present_in(self.code)
    }

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

    /// Whether every thread but the RCU daemon has finished.
    pub fn finished(&self, w: &World) -> bool {
        self.threads
            .iter()
            .zip(w.threads.iter())
            .all(|(spec, t)| spec.program.is_daemon() || t.result.is_some())
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
    pub(crate) fn step_runnable(&self, w: &mut World, tid: Tid, before: u16) -> Event {
        debug_assert!(self.is_runnable(w, tid));
        self.step_unchecked(w, tid, &mut Quiet, Some(before))
    }

    /// The runnable mask after `tid` stepped, from the mask `before` the step: only the
    /// stepping thread, threads that could not run, the RCU daemon, and threads on lines that
    /// can block (`footprint::may_block`) can have changed — another thread's step can wake a
    /// thread but never stop one that is not about to block.
    fn runnable_after(&self, w: &World, tid: Tid, before: u16) -> u16 {
        let mut m = before;
        for (i, spec) in self.threads.iter().enumerate() {
            let t = &w.threads[i];
            let check = i == tid.0 as usize
                || before & (1 << i) == 0
                || spec.program.is_daemon()
                || t.pc.info().action.is_none_or(crate::footprint::may_block);
            if check {
                if self.is_runnable(w, Tid(i as u8)) {
                    m |= 1 << i;
                } else {
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
        before: Option<u16>,
    ) -> Event {
        let line = self.current_line(w, tid);
        let mut cx = crate::interp::Cx {
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
                Some(b) => self.runnable_after(w, tid, b),
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
            let mut cx = crate::interp::Cx {
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
