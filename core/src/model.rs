//! The model: a scenario's threads and settings, the initial [`World`], and the one step function.

use crate::ids::{Addr, Pfn, Tid};
use crate::listing::{Func, Line};
use crate::variant::{Variant, WakeMode};
use crate::violation::Violation;
use crate::world::{Life, ThreadResult, WaitKey, World};
use alloc::string::String;
use alloc::vec::Vec;

/// The kernel path a thread runs, with its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Program {
    /// `memory_failure(pfn)` on a DAX page.
    MemoryFailure {
        /// The poisoned pfn.
        pfn: Pfn,
    },
    /// A DAX fault on `(mapping, index)` that locks the entry, installs `pfn` if the entry is
    /// new, and unlocks it. It holds a reference to the file throughout.
    Fault {
        /// The file's mapping.
        mapping: Addr,
        /// The faulting file offset.
        index: u16,
        /// The block backing it.
        pfn: Pfn,
    },
    /// `truncate_inode_pages_range()` over the given indices.
    Truncate {
        /// The file's mapping.
        mapping: Addr,
        /// The indices to invalidate, in order.
        indices: Vec<u16>,
    },
    /// The last `iput()`: `evict()` truncates the given indices, `clear_inode()`,
    /// `destroy_inode()` → `call_rcu()`.
    Evict {
        /// The inode memory.
        mapping: Addr,
        /// The indices `truncate_inode_pages_final()` invalidates.
        indices: Vec<u16>,
    },
    /// Eviction as above, then the memory is recycled (XFS-style) for a new file that faults
    /// `new_pfn` in at `new_index`.
    Recycle {
        /// The inode memory.
        mapping: Addr,
        /// The indices truncated on eviction.
        indices: Vec<u16>,
        /// The new file's first fault: its index.
        new_index: u16,
        /// The new file's first fault: its block.
        new_pfn: Pfn,
    },
    /// The RCU grace-period machinery.
    Rcu,
    /// Unbinding the device: kill the `dev_pagemap`, wait for its pins, remove the memory.
    Unbind,
}

impl Program {
    /// The functions a listing of this program shows, in reading order.
    pub fn funcs(&self, variant: Variant) -> Vec<Func> {
        use Func::*;
        let wait: &[Func] = if variant.is_seed_shape() {
            &[GetUnlockedMappingEntry, EntryWait]
        } else {
            &[GetUnlockedMappingEntry]
        };
        let mut v = Vec::new();
        match self {
            Program::MemoryFailure { .. } => {
                v.extend([MemoryFailure, DaxLockMappingEntry]);
                if variant.is_seed_shape() {
                    v.extend([GetUnlockedMappingEntry, EntryWaitRevalidate]);
                } else {
                    v.push(WaitEntryUnlocked);
                }
                v.extend([DaxUnlockMappingEntry, UnlockMappingEntry]);
            }
            Program::Fault { .. } => {
                v.push(GrabMappingEntry);
                v.extend_from_slice(wait);
                v.extend([
                    DaxInsertMappingEntry,
                    PutLockedMappingEntry,
                    UnlockMappingEntry,
                ]);
            }
            Program::Truncate { .. } => {
                v.push(InvalidateMappingEntry);
                v.extend_from_slice(wait);
                v.push(PutUnlockedMappingEntry);
            }
            Program::Evict { .. } | Program::Recycle { .. } => {
                v.push(Evict);
                v.push(InvalidateMappingEntry);
                v.extend_from_slice(wait);
                v.extend([PutUnlockedMappingEntry, ClearInode]);
                v.push(if matches!(self, Program::Evict { .. }) {
                    DestroyInode
                } else {
                    RecycleInode
                });
            }
            Program::Rcu => v.push(RcuCore),
            Program::Unbind => v.push(Unbind),
        }
        v
    }

    /// The RCU machinery is a daemon: it never finishes, and a run ends without it.
    pub fn is_daemon(&self) -> bool {
        matches!(self, Program::Rcu)
    }

    pub(crate) fn first_line(&self) -> Line {
        match self {
            Program::MemoryFailure { .. } => Line::MfGetPgmap,
            Program::Fault { .. } => Line::GrLock,
            Program::Truncate { .. } => Line::TrLock,
            Program::Evict { .. } | Program::Recycle { .. } => Line::EvIput,
            Program::Rcu => Line::RuHead,
            Program::Unbind => Line::UbKill,
        }
    }

    /// The mapping the program works on, if fixed in advance.
    pub fn mapping(&self) -> Option<Addr> {
        match self {
            Program::Fault { mapping, .. }
            | Program::Truncate { mapping, .. }
            | Program::Evict { mapping, .. }
            | Program::Recycle { mapping, .. } => Some(*mapping),
            _ => None,
        }
    }
}

/// One thread of a scenario: a short name (used in schedules) and its program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreadSpec {
    /// Short name: `mf`, `fault`, `trunc`, `evict`, `rcu`...
    pub name: String,
    /// What it runs.
    pub program: Program,
}

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

/// The result of one step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Who stepped.
    pub tid: Tid,
    /// The line it executed.
    pub line: Line,
    /// One sentence for a student (empty when stepping quietly).
    pub narration: String,
    /// The violation this step caused or revealed, which stops the run.
    pub violation: Option<Violation>,
    /// Bit per thread that can run after the step (as [`Model::runnable_mask`]).
    pub runnable: u16,
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
    /// The code the threads run.
    pub variant: Variant,
    /// How truncate wakes waiters; `None`: the variant's default.
    pub truncate_wake: Option<WakeMode>,
}

impl Options {
    /// Options for `variant` with its defaults.
    pub fn new(variant: Variant) -> Options {
        Options {
            variant,
            truncate_wake: None,
        }
    }
}

/// A scenario instantiated under one variant: the threads, the settings and the initial world.
#[derive(Clone, Debug)]
pub struct Model {
    pub(crate) scenario: &'static str,
    pub(crate) variant: Variant,
    pub(crate) wake: WakeMode,
    /// Invariant: 1..=6; the wait table has `1 << bucket_bits` buckets.
    pub(crate) bucket_bits: u8,
    pub(crate) threads: Vec<ThreadSpec>,
    pub(crate) initial: World,
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
    /// The truncate path's wake mode in force.
    pub fn truncate_wake(&self) -> WakeMode {
        self.wake
    }
    /// The number of buckets of the wait table.
    pub fn buckets(&self) -> u8 {
        1 << self.bucket_bits
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
        line.present_in(self.variant, self.wake)
    }

    /// The bucket and key `dax_entry_waitqueue()` computes: a hash of the mapping pointer xor
    /// the entry's first index, as `hash_long()` does.
    pub fn waitqueue(&self, mapping: Addr, index: u16, pmd: bool) -> (u8, WaitKey) {
        let entry_start = if pmd {
            index - index % crate::world::PMD_NR
        } else {
            index
        };
        const GOLDEN_RATIO_64: u64 = 0x61C8_8646_80B5_83EB;
        let val = mapping.pointer_value() ^ entry_start as u64;
        let bucket = (val.wrapping_mul(GOLDEN_RATIO_64) >> (64 - self.bucket_bits as u32)) as u8;
        (
            bucket,
            WaitKey {
                mapping,
                entry_start,
            },
        )
    }

    /// The line thread `tid` executes next (for the RCU thread: the action it would take).
    pub fn current_line(&self, w: &World, tid: Tid) -> Line {
        let t = w.thread(tid);
        if self.threads[tid.0 as usize].program.is_daemon() {
            return self.rcu_next(w).unwrap_or(Line::RuHead);
        }
        t.pc
    }

    pub(crate) fn rcu_next(&self, w: &World) -> Option<Line> {
        let rcu = &w.rcu;
        if rcu
            .callbacks
            .iter()
            .any(|c| c.gp != 0 && c.gp <= rcu.completed)
        {
            Some(Line::RuInvoke)
        } else if let Some(gp) = rcu.current {
            (gp.waiting_for == 0).then_some(Line::RuEnd)
        } else if rcu.callbacks.iter().any(|c| c.gp == 0) {
            Some(Line::RuStart)
        } else {
            None
        }
    }

    /// Whether `tid` can run, and if not, why.
    pub fn status(&self, w: &World, tid: Tid) -> Status {
        let t = w.thread(tid);
        if let Some(r) = t.result {
            return Status::Done(r);
        }
        if w.halted {
            return Status::Halted;
        }
        if self.threads[tid.0 as usize].program == Program::Rcu {
            return match (self.rcu_next(w), w.rcu.current) {
                (Some(_), _) => Status::Runnable,
                (None, Some(gp)) => Status::WaitingForReaders {
                    gp: gp.number,
                    readers: gp.waiting_for,
                },
                (None, None) => Status::Idle,
            };
        }
        if t.sleeping && !t.running {
            let q = w.queued(tid);
            return Status::Asleep {
                bucket: q.map(|q| q.bucket),
                key: q.map(|q| q.key),
                exclusive: q.is_some_and(|q| q.exclusive),
            };
        }
        if let Some(addr) = self.lock_target(t.pc, tid, w) {
            let mem = w.inode(addr);
            if let Some(owner) = mem.xa_lock
                && owner != tid
                && !mem.is_freed()
            {
                return Status::Spinning { addr, owner };
            }
        }
        match t.pc {
            Line::EvIput => {
                let addr = t.locals.mapping.unwrap_or(Addr(0));
                if w.inode(addr).users > 0 {
                    return Status::WaitingForLastReference { addr };
                }
            }
            Line::UbWait if w.pgmap.pins > 0 => {
                return Status::WaitingForPins { pins: w.pgmap.pins };
            }
            _ => {}
        }
        Status::Runnable
    }

    /// The lock an `xa_lock_irq()` line would take.
    fn lock_target(&self, pc: Line, tid: Tid, w: &World) -> Option<Addr> {
        match pc {
            Line::DlXaLock
            | Line::GuLock
            | Line::UnLock
            | Line::GrLock
            | Line::DiLock
            | Line::TrLock
            | Line::CiLock
            | Line::RcFaultLock => w.thread(tid).locals.mapping,
            _ => None,
        }
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

    /// Step thread `tid` once, with narration. Errors if it cannot run.
    pub fn step(&self, w: &mut World, tid: Tid) -> Result<Event, NotRunnable> {
        self.step_with(w, tid, &mut Narration(String::new()))
    }

    /// Step thread `tid` once without building narration (for the explorer). Errors if it
    /// cannot run.
    pub fn step_quiet(&self, w: &mut World, tid: Tid) -> Result<Event, NotRunnable> {
        self.step_with(w, tid, &mut Quiet)
    }

    fn step_with<N: Narrate>(
        &self,
        w: &mut World,
        tid: Tid,
        n: &mut N,
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
        let line = self.current_line(w, tid);
        let mut violation = crate::machine::execute(self, w, tid, line, n);
        let mut runnable = 0;
        if violation.is_none() {
            runnable = self.runnable_mask(w);
            violation = crate::machine::check_stuck(self, w, runnable);
        }
        if violation.is_some() {
            w.halted = true;
            runnable = 0;
        }
        let mut narration = n.take();
        if N::ON
            && narration.is_empty()
            && let Some(v) = &violation
        {
            // A step that fails before narrating (a fault on the very first access) is told
            // by its violation.
            narration = v.message.clone();
        }
        Ok(Event {
            tid,
            line,
            narration,
            violation,
            runnable,
        })
    }

    /// Words for a thread's status, as a student reads them.
    pub fn describe_status(&self, w: &World, tid: Tid) -> String {
        use alloc::format;
        let ino = |a: Addr| w.inode(a).ino;
        match self.status(w, tid) {
            Status::Runnable => {
                let t = w.thread(tid);
                if t.sleeping {
                    "woken, about to return from schedule()".into()
                } else if t.rcu_nesting > 0 {
                    "running, in an RCU read-side section".into()
                } else {
                    "running".into()
                }
            }
            Status::Spinning { addr, owner } => format!(
                "spinning on inode #{}'s i_pages lock, held by {}",
                ino(addr),
                self.name(owner)
            ),
            Status::Asleep {
                bucket: Some(b),
                key: Some(k),
                exclusive,
            } => format!(
                "asleep in bucket {b} waiting for (inode #{}, index {}){}",
                ino(k.mapping),
                k.entry_start,
                if exclusive { ", exclusive" } else { "" }
            ),
            Status::Asleep { .. } => "asleep, dequeued from every wait queue".into(),
            Status::WaitingForLastReference { addr } => format!(
                "waiting for the last reference to inode #{}: a fault holds the file open",
                ino(addr)
            ),
            Status::WaitingForPins { pins } => {
                format!("waiting for {pins} dev_pagemap reference(s) to be put")
            }
            Status::WaitingForReaders { gp, readers } => {
                let names: Vec<&str> = (0..self.threads.len())
                    .filter(|i| readers & (1 << i) != 0)
                    .map(|i| self.threads[i].name.as_str())
                    .collect();
                format!(
                    "grace period {gp} waits for {} to leave rcu_read_lock()",
                    names.join(", ")
                )
            }
            Status::Idle => "idle: no callback waits for a grace period".into(),
            Status::Done(r) => format!("finished: {}", r.word()),
            Status::Halted => "stopped by the violation".into(),
        }
    }

    /// Inode memory that is freed or pending a grace period, for display.
    pub fn inode_life(&self, w: &World, addr: Addr) -> Life {
        w.inode(addr).life
    }
}

/// Where narration goes while stepping.
pub(crate) trait Narrate {
    const ON: bool;
    fn say(&mut self, s: String);
    fn take(&mut self) -> String;
}

pub(crate) struct Narration(pub String);
impl Narrate for Narration {
    const ON: bool = true;
    fn say(&mut self, s: String) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        self.0.push_str(&s);
    }
    fn take(&mut self) -> String {
        core::mem::take(&mut self.0)
    }
}

pub(crate) struct Quiet;
impl Narrate for Quiet {
    const ON: bool = false;
    fn say(&mut self, _: String) {}
    fn take(&mut self) -> String {
        String::new()
    }
}
