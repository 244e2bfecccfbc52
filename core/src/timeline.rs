//! The timeline of a whole run as data (a message-sequence chart): one lane per thread with its
//! state over time, the locks it holds and its RCU read-side sections; the grace periods with
//! the frees after them; the wake-ups from waker to woken; the violation. The web page and the
//! CLI lay it out (`daxlab-draw`); what it contains is decided and tested here.
//!
//! Columns: column `k` (1..=n) is step `k` of the recorded run; column `n + 1` ("end") is the
//! state after the last step. In column `k` the thread that took step `k` is [`LaneState::Ran`];
//! every other thread shows its state while step `k` happened (in the world before it). Spans
//! of locks and read-side sections run from the step that took them to the step that dropped
//! them, inclusive, like [`crate::history`]'s.
//!
//! **Adding a lock kind** (an `rw_semaphore` such as the filesystem's MMAPLOCK): give [`Lock`] a
//! variant and list its holders in [`held_locks`]; a new blocking `Status` gets a [`LaneState`]
//! in [`LaneState::of`]; a new wake-up fact becomes arrows in [`wakes_of`]. The layout draws
//! every `Lock` as a bar by its [`Lock::kind`] already.

use crate::facts::{Event, Fact};
use crate::history::{self, RcuHistory};
use crate::ids::{Addr, Tid};
use crate::model::{Model, Status};
use crate::session::Session;
use crate::violation::ViolationKind;
use crate::world::{ThreadResult, World};
use alloc::vec::Vec;

/// What a thread is doing in one column of the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaneState {
    /// It took this step.
    Ran,
    /// It could run, but another thread was scheduled.
    Ready,
    /// Spinning in `xa_lock_irq()` on a lock another thread holds.
    Spinning {
        /// The inode whose `i_pages` lock it wants.
        ino: u8,
        /// The holder.
        owner: Tid,
    },
    /// Asleep in `down_read()`/`down_write()` until the MMAPLOCK is handed over.
    MmaplockWait {
        /// The inode whose MMAPLOCK it wants.
        ino: u8,
        /// Bit per thread holding it.
        holders: u16,
    },
    /// Asleep in `schedule()`.
    Asleep {
        /// Its wait-table bucket, or `None` once it has been taken off every queue.
        bucket: Option<u8>,
        /// Queued exclusively.
        exclusive: bool,
    },
    /// Blocked on something that is neither a lock nor a wait queue: the last reference to a
    /// file, `dev_pagemap` references, or (the RCU machinery) readers.
    Waiting,
    /// The RCU machinery with nothing to do.
    Idle,
    /// It has finished.
    Finished(ThreadResult),
    /// It caused the violation that stopped the run.
    Faulted,
    /// Another thread's violation stopped it.
    Halted,
}

impl LaneState {
    /// The state a thread with status `s` is in (`faulted`: the violation that halted the run
    /// is its own).
    pub fn of(w: &World, s: Status, faulted: bool) -> LaneState {
        match s {
            Status::Runnable => LaneState::Ready,
            Status::Spinning { addr, owner } => LaneState::Spinning {
                ino: w.inode(addr).ino,
                owner,
            },
            Status::Asleep {
                bucket, exclusive, ..
            } => LaneState::Asleep { bucket, exclusive },
            Status::WaitingForMmaplock { addr, holders } => LaneState::MmaplockWait {
                ino: w.inode(addr).ino,
                holders,
            },
            Status::WaitingForLastReference { .. }
            | Status::WaitingForPins { .. }
            | Status::WaitingForReaders { .. } => LaneState::Waiting,
            Status::Idle => LaneState::Idle,
            Status::Done(r) => LaneState::Finished(r),
            Status::Halted if faulted => LaneState::Faulted,
            Status::Halted => LaneState::Halted,
        }
    }

    /// A stable kebab-case name (CSS classes, data attributes, JSON).
    pub fn name(self) -> &'static str {
        match self {
            LaneState::Ran => "ran",
            LaneState::Ready => "ready",
            LaneState::Spinning { .. } => "spinning",
            LaneState::Asleep { .. } => "asleep",
            LaneState::MmaplockWait { .. } => "mmaplock-wait",
            LaneState::Waiting => "waiting",
            LaneState::Idle => "idle",
            LaneState::Finished(_) => "finished",
            LaneState::Faulted => "faulted",
            LaneState::Halted => "halted",
        }
    }
}

/// A run of columns in which one thread stays in one state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateSpan {
    /// The thread.
    pub tid: Tid,
    /// Its state.
    pub state: LaneState,
    /// The first column.
    pub start: usize,
    /// The last column (inclusive).
    pub end: usize,
}

/// A lock a thread can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lock {
    /// The `i_pages` spinlock (`xa_lock_irq(&mapping->i_pages)`) of the inode memory at `addr`.
    XaLock {
        /// The inode memory.
        addr: Addr,
        /// The inode living there when it was taken.
        ino: u8,
    },
    /// The filesystem's MMAPLOCK (`i_mmaplock`), shared or exclusive.
    Mmaplock {
        /// The inode memory.
        addr: Addr,
        /// The inode.
        ino: u8,
        /// Held exclusive (truncate), not shared (a fault).
        write: bool,
    },
    /// The lock bit of the DAX entry at `index`.
    Entry {
        /// The inode memory.
        addr: Addr,
        /// The inode.
        ino: u8,
        /// The entry's index.
        index: u16,
    },
}

impl Lock {
    /// A stable kebab-case name of the kind of lock (CSS classes, data attributes).
    pub fn kind(self) -> &'static str {
        match self {
            Lock::XaLock { .. } => "xa-lock",
            Lock::Mmaplock { .. } => "mmaplock",
            Lock::Entry { .. } => "entry-lock",
        }
    }
}

/// The locks `tid` holds in `w`, in a fixed order (by inode memory: the MMAPLOCK, `xa_lock`,
/// then entries by index). The one place that knows which objects are locks.
pub fn held_locks(w: &World, tid: Tid) -> Vec<Lock> {
    let mut held = Vec::new();
    for (i, mem) in w.inodes.iter().enumerate() {
        let addr = Addr(i as u8);
        if mem.mmaplock.held_by(tid) {
            held.push(Lock::Mmaplock {
                addr,
                ino: mem.ino,
                write: mem.mmaplock.writer == Some(tid),
            });
        }
        if mem.xa_lock == Some(tid) {
            held.push(Lock::XaLock { addr, ino: mem.ino });
        }
        for e in mem.entries.iter() {
            if e.locked() && e.locker == Some(tid) {
                held.push(Lock::Entry {
                    addr,
                    ino: mem.ino,
                    index: e.index,
                });
            }
        }
    }
    held
}

/// One lock held by one thread over a run of steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockSpan {
    /// The holder.
    pub tid: Tid,
    /// The lock.
    pub lock: Lock,
    /// The step that took it (0: held from the start).
    pub start: usize,
    /// The step that dropped it, or `None` while it is held at the end of the run.
    pub end: Option<usize>,
}

/// A wake-up: an arrow from the waker to one woken thread, or a waiter passed over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wake {
    /// The step.
    pub step: usize,
    /// The thread that woke it.
    pub waker: Tid,
    /// The thread woken (or passed over).
    pub woken: Tid,
    /// The wait-table bucket, or `None` when a released MMAPLOCK was handed to the woken.
    pub bucket: Option<u8>,
    /// It waited exclusively.
    pub exclusive: bool,
    /// Passed over: its key did not match (a hash collision), so it stays asleep.
    pub passed: bool,
}

/// The wake-ups one step's facts record: keyed wake-ups in a wait-table bucket and the
/// MMAPLOCK handed to its sleepers on release.
pub fn wakes_of(step: usize, e: &Event) -> Vec<Wake> {
    let mut out = Vec::new();
    let wake = |woken: Tid, bucket: Option<u8>, exclusive: bool, passed: bool| Wake {
        step,
        waker: e.tid,
        woken,
        bucket,
        exclusive,
        passed,
    };
    for f in &e.facts {
        match f {
            Fact::Wake {
                bucket,
                woken,
                passed,
                ..
            } => {
                for &(tid, exclusive) in woken {
                    out.push(wake(tid, Some(*bucket), exclusive, false));
                }
                for &(tid, _, _) in passed {
                    out.push(wake(tid, Some(*bucket), false, true));
                }
            }
            Fact::MmaplockReleased { granted, .. } => {
                for t in (0..16u8).filter(|t| granted & (1 << t) != 0) {
                    out.push(wake(Tid(t), None, false, false));
                }
            }
            _ => {}
        }
    }
    out
}

/// Where a violation happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViolationMark {
    /// The step.
    pub step: usize,
    /// The thread at fault.
    pub tid: Tid,
    /// Its kind.
    pub kind: ViolationKind,
    /// It stopped the run (a warning, like sleeping inside RCU, lets it go on).
    pub halts: bool,
}

/// The timeline of a session's whole recorded run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    /// How many threads (lanes besides RCU's).
    pub threads: usize,
    /// Steps recorded (`n`); there are `n + 1` columns.
    pub steps: usize,
    /// Who took each step: `ran[k - 1]` took step `k`.
    pub ran: Vec<Tid>,
    /// Each thread's states, by thread, then in time; together they cover columns 1..=n+1.
    pub states: Vec<StateSpan>,
    /// Locks held, by thread, then by the step that took them.
    pub locks: Vec<LockSpan>,
    /// Grace periods and read-side sections over the whole run.
    pub rcu: RcuHistory,
    /// `call_rcu()` callbacks queued: the step and the inode.
    pub call_rcu: Vec<(usize, u8)>,
    /// Wake-ups, in step order.
    pub wakes: Vec<Wake>,
    /// Wake-ups that woke nobody (no matching waiter, or no entry to wake for): the step and
    /// the waker. A lost wake-up often starts here.
    pub empty_wakes: Vec<(usize, Tid)>,
    /// Every violation, in step order: warnings the run went on after, and the one that
    /// stopped it.
    pub violations: Vec<ViolationMark>,
}

impl Timeline {
    /// The timeline of `s`'s whole recorded run (the cursor does not matter).
    pub fn of(s: &Session) -> Timeline {
        let m = s.model();
        let events = s.all_events();
        let n = events.len();
        let threads = m.threads().len();
        let violations = events
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                e.violation.as_ref().map(|v| ViolationMark {
                    step: i + 1,
                    tid: v.tid,
                    kind: v.kind,
                    halts: v.halts(),
                })
            })
            .collect();
        let mut t = Timeline {
            threads,
            steps: n,
            ran: events.iter().map(|e| e.tid).collect(),
            violations,
            rcu: history::rcu_until(s, n),
            ..Timeline::default()
        };
        for (i, e) in events.iter().enumerate() {
            t.wakes.extend(wakes_of(i + 1, e));
            for f in &e.facts {
                match f {
                    Fact::CallRcu { ino } => t.call_rcu.push((i + 1, *ino)),
                    Fact::Wake { woken, .. } if woken.is_empty() => {
                        t.empty_wakes.push((i + 1, e.tid))
                    }
                    Fact::WakeNoEntry { .. } => t.empty_wakes.push((i + 1, e.tid)),
                    _ => {}
                }
            }
        }
        for tid in (0..threads).map(|i| Tid(i as u8)) {
            t.lanes_of(m, s, tid);
        }
        t
    }

    fn lanes_of(&mut self, m: &Model, s: &Session, tid: Tid) {
        let n = self.steps;
        let faulted = self.halting().is_some_and(|v| v.tid == tid);
        let mut open: Option<StateSpan> = None;
        for col in 1..=n + 1 {
            let state = if col <= n && self.ran[col - 1] == tid {
                LaneState::Ran
            } else {
                let w = s.world_at(col - 1);
                LaneState::of(w, m.status(w, tid), faulted)
            };
            match &mut open {
                Some(span) if span.state == state => span.end = col,
                _ => {
                    if let Some(span) = open.take() {
                        self.states.push(span);
                    }
                    open = Some(StateSpan {
                        tid,
                        state,
                        start: col,
                        end: col,
                    });
                }
            }
        }
        self.states.extend(open);
        let mut held: Vec<LockSpan> = Vec::new();
        for p in 0..=n {
            let now = held_locks(s.world_at(p), tid);
            for span in held.iter_mut().filter(|h| h.end.is_none()) {
                if !now.contains(&span.lock) {
                    span.end = Some(p);
                }
            }
            for lock in now {
                if !held.iter().any(|h| h.end.is_none() && h.lock == lock) {
                    held.push(LockSpan {
                        tid,
                        lock,
                        start: p,
                        end: None,
                    });
                }
            }
        }
        self.locks.extend(held);
    }

    /// The violation that stopped the run, if one did.
    pub fn halting(&self) -> Option<ViolationMark> {
        self.violations.iter().rev().find(|v| v.halts).copied()
    }

    /// The spans of one thread's states.
    pub fn states_of(&self, tid: Tid) -> impl Iterator<Item = &StateSpan> {
        self.states.iter().filter(move |s| s.tid == tid)
    }

    /// The state of `tid` in column `col` (1..=n+1).
    pub fn state_at(&self, tid: Tid, col: usize) -> Option<LaneState> {
        self.states_of(tid)
            .find(|s| s.start <= col && col <= s.end)
            .map(|s| s.state)
    }

    /// The lock spans of one thread.
    pub fn locks_of(&self, tid: Tid) -> impl Iterator<Item = &LockSpan> {
        self.locks.iter().filter(move |l| l.tid == tid)
    }
}

/// The first step at which two runs of the same schedule differ in what a student sees: who
/// stepped, the code of the line, what the step did (its facts; control lines passed on the way
/// are left out, since a renamed function is not a different action) and whether it ended in a
/// violation; or at which one run has a step and the other has none. `None` when they agree.
pub fn divergence(a: &Session, b: &Session) -> Option<usize> {
    let (ea, eb) = (a.all_events(), b.all_events());
    let seen = |e: &Event| {
        (
            e.tid,
            e.line.text(),
            e.facts
                .iter()
                .filter(|f| !matches!(f, Fact::Passed(_)))
                .cloned()
                .collect::<Vec<_>>(),
            e.violation.as_ref().map(|v| v.kind),
        )
    };
    for k in 0..ea.len().max(eb.len()) {
        match (ea.get(k), eb.get(k)) {
            (Some(x), Some(y)) if seen(x) == seen(y) => {}
            _ => return Some(k + 1),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, Variant, scenario};

    fn story(name: &str, variant: Variant) -> Session {
        let sc = scenario(name).unwrap();
        let st = sc.stories.iter().find(|s| s.variant == variant).unwrap();
        let mut s = Session::new(sc.model(st.options()));
        s.run_text(st.schedule).unwrap();
        s
    }

    /// The states of every thread cover each column exactly once, in order.
    fn assert_lanes_cover(t: &Timeline) {
        for tid in (0..t.threads).map(|i| Tid(i as u8)) {
            let mut next = 1;
            for s in t.states_of(tid) {
                assert_eq!(s.start, next, "{tid:?} {s:?}");
                assert!(s.end >= s.start);
                next = s.end + 1;
            }
            assert_eq!(next, t.steps + 2, "{tid:?} covers every column");
        }
    }

    #[test]
    fn freed_inode_under_seed_the_grace_period_that_frees_the_inode_waits_for_no_reader() {
        let s = story("freed-inode", Variant::Seed);
        let t = Timeline::of(&s);
        let m = s.model();
        let (mf, fault, rcu) = (
            m.tid("mf").unwrap(),
            m.tid("fault").unwrap(),
            m.tid("rcu").unwrap(),
        );
        assert_eq!(t.steps, 42);
        assert_lanes_cover(&t);
        // The same grace periods and sections as the RCU history at the end of the run.
        let mut end = s.clone();
        end.seek(end.len());
        assert_eq!(t.rcu, history::rcu(&end));
        assert_eq!(t.rcu.grace_periods.len(), 1);
        let gp = &t.rcu.grace_periods[0];
        assert_eq!((gp.start, gp.end, gp.waited_for), (36, Some(37), 0));
        assert_eq!(gp.freed, [(38, 1)]);
        assert_eq!(t.call_rcu, [(35, 1)]);
        let evict = m.tid("evict").unwrap();
        assert_eq!(
            t.empty_wakes,
            [(31, evict)],
            "evict's wake-up finds nobody queued"
        );
        let sections: Vec<_> = t.rcu.sections_of(mf).map(|x| (x.start, x.end)).collect();
        assert_eq!(sections, [(7, Some(18)), (40, None)]);
        // mf sleeps in bucket 0 and the fault's unlock wakes it, exclusively.
        assert_eq!(
            t.wakes,
            [Wake {
                step: 24,
                waker: fault,
                woken: mf,
                bucket: Some(0),
                exclusive: true,
                passed: false
            }]
        );
        assert_eq!(
            t.state_at(mf, 20),
            Some(LaneState::Asleep {
                bucket: Some(0),
                exclusive: true
            })
        );
        assert_eq!(t.state_at(mf, 25), Some(LaneState::Ready));
        assert_eq!(t.state_at(rcu, 1), Some(LaneState::Idle));
        assert_eq!(t.state_at(rcu, 37), Some(LaneState::Ran));
        assert_eq!(
            t.state_at(fault, 41),
            Some(LaneState::Finished(ThreadResult::Done))
        );
        // The violation: mf takes the lock inside freed memory at the last step.
        assert_eq!(
            t.violations,
            [ViolationMark {
                step: 42,
                tid: mf,
                kind: ViolationKind::UseAfterFree,
                halts: true,
            }]
        );
        assert_eq!(t.state_at(mf, 43), Some(LaneState::Faulted));
        assert_eq!(
            t.state_at(fault, 42),
            Some(LaneState::Finished(ThreadResult::Done))
        );
    }

    #[test]
    fn lock_bars_follow_the_xa_lock_and_the_entry_lock() {
        let s = story("self-deadlock", Variant::Seed);
        let t = Timeline::of(&s);
        let m = s.model();
        let (mf, fault) = (m.tid("mf").unwrap(), m.tid("fault").unwrap());
        assert_lanes_cover(&t);
        // Every span of a lock starts at a step that took it (the holder ran) and ends at a
        // step some thread ran: the holder dropped it, or truncate deleted the entry.
        for l in &t.locks {
            assert!(l.start >= 1 && t.ran[l.start - 1] == l.tid, "{l:?}");
            if let Some(e) = l.end {
                assert!(e > l.start, "{l:?}");
            }
            assert!(held_locks(s.world_at(l.start), l.tid).contains(&l.lock));
        }
        // The fault locks the entry, and drops it before mf locks it for itself.
        let fault_entry: Vec<_> = t
            .locks_of(fault)
            .filter(|l| l.lock.kind() == "entry-lock")
            .collect();
        assert_eq!(fault_entry.len(), 1);
        assert!(fault_entry[0].end.is_some());
        // The seed's deadlock: mf still holds the xa_lock at the end and spins on it.
        assert!(
            t.locks_of(mf)
                .any(|l| l.lock.kind() == "xa-lock" && l.end.is_none())
        );
        assert_eq!(t.halting().map(|v| v.kind), Some(ViolationKind::Deadlock));
    }

    #[test]
    fn the_mmaplock_is_a_lock_bar_its_sleepers_a_lane_state_and_its_hand_over_a_wake_up() {
        let (mut bars, mut waits, mut handovers) = (0, 0, 0);
        // Every story, and truncate queueing behind a fault's shared MMAPLOCK.
        let mut runs: Vec<Session> = Vec::new();
        for sc in crate::SCENARIOS {
            for st in sc.stories {
                let mut s = Session::new(sc.model(st.options()));
                s.run_text(st.schedule).unwrap();
                runs.push(s);
            }
        }
        let sc = scenario("null-mapping").unwrap();
        let mut s = Session::new(sc.model(Options::new(Variant::Fixed)));
        s.run_text("fault,trunc,fault*10,trunc*3").unwrap();
        runs.push(s);
        {
            for s in &runs {
                let t = Timeline::of(s);
                for l in t.locks.iter().filter(|l| l.lock.kind() == "mmaplock") {
                    bars += 1;
                    let Lock::Mmaplock { addr, write, .. } = l.lock else {
                        unreachable!()
                    };
                    let m = &s.world_at(l.start).inode(addr).mmaplock;
                    assert!(m.held_by(l.tid) && write == (m.writer == Some(l.tid)));
                }
                for w in t.wakes.iter().filter(|w| w.bucket.is_none()) {
                    handovers += 1;
                    // The woken slept for the MMAPLOCK and holds it after the hand-over.
                    assert!(matches!(
                        t.state_at(w.woken, w.step),
                        Some(LaneState::MmaplockWait { .. })
                    ));
                    assert!(
                        held_locks(s.world_at(w.step), w.woken)
                            .iter()
                            .any(|l| l.kind() == "mmaplock")
                    );
                }
                waits += t
                    .states
                    .iter()
                    .filter(|x| matches!(x.state, LaneState::MmaplockWait { .. }))
                    .count();
            }
        }
        assert!(
            bars > 0 && waits > 0 && handovers > 0,
            "{bars} {waits} {handovers}"
        );
    }

    #[test]
    fn a_hash_collision_shows_a_waiter_passed_over() {
        let s = story("hash-collision", Variant::Fixed);
        let t = Timeline::of(&s);
        assert_lanes_cover(&t);
        assert!(t.wakes.iter().any(|w| w.passed), "{:?}", t.wakes);
        assert!(t.wakes.iter().any(|w| !w.passed));
        for w in &t.wakes {
            assert_eq!(t.ran[w.step - 1], w.waker);
            assert!(matches!(
                t.state_at(w.woken, w.step),
                Some(LaneState::Asleep { .. })
            ));
        }
    }

    #[test]
    fn every_story_gives_lanes_that_cover_the_run_and_spans_inside_it() {
        for sc in crate::SCENARIOS {
            for st in sc.stories {
                let mut s = Session::new(sc.model(st.options()));
                s.run_text(st.schedule).unwrap();
                let t = Timeline::of(&s);
                assert_lanes_cover(&t);
                for l in &t.locks {
                    assert!(l.end.is_none_or(|e| e <= t.steps));
                }
                for w in &t.wakes {
                    assert!(w.step >= 1 && w.step <= t.steps);
                }
                assert_eq!(
                    t.violations.last().map(|v| v.kind),
                    st.expect.map(|x| x.kind),
                    "{}",
                    sc.name
                );
            }
        }
    }

    #[test]
    fn the_same_schedule_under_two_variants_diverges_where_the_code_differs() {
        let sched = "fault*4,mf*14,fault*5,evict*10,rcu*3,mf*4";
        let run = |v| {
            let mut s = Session::new(scenario("freed-inode").unwrap().model(Options::new(v)));
            let _ = s.run_text(sched);
            s
        };
        let (seed, v419, fixed) = (run(Variant::Seed), run(Variant::V419), run(Variant::Fixed));
        assert_eq!(divergence(&seed, &seed.clone()), None);
        // v4.19 differs from the seed only after -EAGAIN, which this story never reaches.
        assert_eq!(divergence(&seed, &v419), None);
        let k = divergence(&v419, &fixed).expect("fixed differs");
        assert!(k >= 1 && k <= v419.len().max(fixed.len()));
        let (a, b) = (&v419.all_events()[k - 1], fixed.all_events().get(k - 1));
        assert!(b.is_none_or(|b| a.line.text() != b.line.text() || a.facts != b.facts));
        // Before it, the same code does the same things, though fixed calls renamed functions.
        for i in 0..k - 1 {
            let (x, y) = (&v419.all_events()[i], &fixed.all_events()[i]);
            assert_eq!((x.tid, x.line.text()), (y.tid, y.line.text()));
        }
        // The fault's four steps are the same code; mf's NULL check (c93db7bb6ef3) is not.
        assert!(k > 4, "{k}");
        assert!(
            fixed.all_events()[k - 1]
                .line
                .text()
                .contains("!mapping ||")
        );
    }
}
