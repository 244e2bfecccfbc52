//! RCU: `rcu_read_lock()` / `rcu_read_unlock()` with nesting, `call_rcu()`, and the
//! grace-period machinery (one daemon thread) that starts a grace period when callbacks wait,
//! notes every task inside a read-side section, ends it once all of those have left, and then
//! invokes the callbacks. Readers that start later do not hold a grace period up.
//!
//! The model follows the API contract (and preemptible RCU): a read-side section must not
//! sleep, and a grace period waits only for the sections that were open when it began.

use crate::cx::Cx;
use crate::facts::{Fact, Keeps, Sink};
use crate::ids::{Addr, Tid};
use crate::listing::Line;
use crate::status::Status;
use crate::violation::{Detail, Violation, ViolationKind};
use crate::world::{GracePeriod, RcuCallback, Thread, World};

/// `rcu_read_lock()`.
pub(crate) fn read_lock<S: Sink>(cx: &mut Cx<S>) {
    let t = cx.me();
    t.rcu_nesting += 1;
    let nesting = t.rcu_nesting;
    cx.fact(Fact::RcuLock { nesting });
}

/// `rcu_read_unlock()`: leaving the outermost section releases the grace period in progress
/// from waiting for this task. Unlocking outside any section is a violation.
pub(crate) fn read_unlock<S: Sink>(cx: &mut Cx<S>) -> Result<(), Violation> {
    let t = cx.me();
    if t.rcu_nesting == 0 {
        return Err(cx.violation(ViolationKind::BadUnlockBalance, Detail::RcuUnderflow));
    }
    t.rcu_nesting -= 1;
    let nesting = t.rcu_nesting;
    if nesting == 0 {
        let bit = 1u16 << cx.tid.0;
        if let Some(gp) = cx.w.rcu.current.as_mut() {
            gp.waiting_for &= !bit;
        }
    }
    let holding = if nesting == 0 { keeps(cx) } else { None };
    cx.fact(Fact::RcuUnlock { nesting, holding });
    Ok(())
}

/// What keeps the running thread's inode alive once it has left RCU: the `i_pages` lock it
/// holds, an entry lock, or (device-dax) its `dev_pagemap` reference.
fn keeps<S: Sink>(cx: &mut Cx<S>) -> Option<Keeps> {
    let tid = cx.tid;
    let t = cx.me();
    let (lock, pinned, mapping) = (t.first_spinlock(), t.locals.pinned, t.locals.mapping);
    if let Some(addr) = lock {
        return Some(Keeps::PagesLock {
            ino: cx.w.inode(addr).ino,
        });
    }
    if let Some((ino, index)) = cx.w.entry_lock_held_by(tid) {
        return Some(Keeps::EntryLock { ino, index });
    }
    let mem = cx.w.inode(mapping?);
    (pinned && mem.kind == crate::world::InodeKind::CharDevice)
        .then_some(Keeps::Pgmap { ino: mem.ino })
}

/// `call_rcu()`: queue freeing `addr` behind the next grace period.
pub(crate) fn call_rcu<S: Sink>(cx: &mut Cx<S>, addr: Addr) -> Result<(), Violation> {
    if cx
        .w
        .rcu
        .callbacks
        .try_push(RcuCallback { addr, gp: 0 })
        .is_some()
    {
        return Err(cx.table_full());
    }
    Ok(())
}

/// Sleeping inside a read-side section is illegal; preemptible RCU warns and then tracks the
/// task as a blocked reader, so the sleep goes on and holds up grace periods.
pub(crate) fn may_sleep<S: Sink>(cx: &mut Cx<S>, t: &Thread) {
    if t.rcu_nesting > 0 {
        let v = cx.violation(ViolationKind::SleepInAtomic, Detail::SleepInRcu);
        cx.warn(v);
    }
}

/// What the RCU daemon does next, if anything: invoke callbacks whose grace period has ended,
/// end a grace period no reader holds up, or start one for waiting callbacks.
pub(crate) fn next_line(w: &World) -> Option<Line> {
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

/// The daemon's status: runnable when it has something to do.
pub(crate) fn status(w: &World) -> Status {
    match (next_line(w), w.rcu.current) {
        (Some(_), _) => Status::Runnable,
        (None, Some(gp)) => Status::WaitingForReaders {
            gp: gp.number,
            readers: gp.waiting_for,
        },
        (None, None) => Status::Idle,
    }
}

/// `rcu_gp_init()`: a grace period starts, waiting for every task now inside a section.
pub(crate) fn gp_start<S: Sink>(cx: &mut Cx<S>) {
    let number = cx.w.rcu.completed + 1;
    let mut waiting = 0u16;
    for (i, t) in cx.w.threads.iter().enumerate() {
        if t.rcu_nesting > 0 {
            waiting |= 1 << i;
        }
    }
    for c in cx.w.rcu.callbacks.iter_mut().filter(|c| c.gp == 0) {
        c.gp = number;
    }
    cx.w.rcu.current = Some(GracePeriod {
        number,
        waiting_for: waiting,
    });
    cx.fact(Fact::GpStart { number, waiting });
}

/// `rcu_gp_cleanup()`: the grace period ends.
pub(crate) fn gp_end<S: Sink>(cx: &mut Cx<S>) {
    if let Some(gp) = cx.w.rcu.current.take() {
        cx.w.rcu.completed = gp.number;
        cx.fact(Fact::GpEnd { number: gp.number });
    }
}

/// `rcu_do_batch()`: takes one callback of an ended grace period off the list, for the caller
/// to invoke (the inode's `xfs_inode_free_callback()` belongs to the inode's module).
pub(crate) fn invoke<S: Sink>(cx: &mut Cx<S>) -> Option<RcuCallback> {
    let done = cx.w.rcu.completed;
    let pos =
        cx.w.rcu
            .callbacks
            .iter()
            .position(|c| c.gp != 0 && c.gp <= done)?;
    Some(cx.w.rcu.callbacks.remove(pos))
}

/// Whether `tid` is still inside a read-side section.
pub(crate) fn in_section(w: &World, tid: Tid) -> bool {
    w.thread(tid).rcu_nesting > 0
}
