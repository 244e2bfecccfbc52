//! The filesystem's MMAPLOCK, a read-write semaphore per inode (XFS `i_mmaplock`, taken with
//! `xfs_ilock(ip, XFS_MMAPLOCK_SHARED / _EXCL)`): page faults hold it shared and truncate holds
//! it exclusive, so truncate never runs while a fault is inside `dax_iomap_fault()`.
//!
//! A task that cannot have it sleeps in arrival order; a new reader also waits behind a queued
//! writer (no barging). Releasing hands it over: a writer at the front alone, or every reader
//! at the front. The woken task returns from `down_*()` holding it. (4.19's rwsem lets a writer
//! steal the lock from a woken writer; the model hands it over in order.)

use crate::cx::Cx;
use crate::facts::{Fact, Sink};
use crate::ids::{Addr, Tid};
use crate::status::Status;
use crate::violation::{Access, Violation};
use crate::world::{RwSem, World};

/// `down_read()` / `down_write()`: true when the thread holds the lock and moves on, false when
/// it queued and sleeps (the next step, once it has been handed the lock, returns).
pub(crate) fn down<S: Sink>(cx: &mut Cx<S>, write: bool) -> Result<bool, Violation> {
    let a = crate::prim::inode::deref(cx, cx.mapping(), Access::Mmaplock)?;
    let tid = cx.tid;
    let ino = cx.ino(a);
    let m = &mut cx.w.inodes[a.0 as usize].mmaplock;
    if m.held_by(tid) {
        cx.fact(Fact::MmaplockTaken {
            ino,
            write,
            after_sleep: true,
        });
        return Ok(true);
    }
    let free = m.queue.is_empty() && m.writer.is_none() && (!write || m.readers == 0);
    if free {
        if write {
            m.writer = Some(tid);
        } else {
            m.readers |= 1 << tid.0;
        }
        cx.fact(Fact::MmaplockTaken {
            ino,
            write,
            after_sleep: false,
        });
        return Ok(true);
    }
    if m.queue.try_push((tid, write)).is_some() {
        return Err(cx.table_full());
    }
    let holders = holders(m);
    cx.fact(Fact::MmaplockQueued {
        ino,
        write,
        holders,
    });
    Ok(false)
}

/// `up_read()` / `up_write()`, handing the lock to the sleepers at the front.
pub(crate) fn up<S: Sink>(cx: &mut Cx<S>, write: bool) -> Result<(), Violation> {
    let a = crate::prim::inode::deref(cx, cx.mapping(), Access::Mmaplock)?;
    let tid = cx.tid;
    let ino = cx.ino(a);
    let m = &mut cx.w.inodes[a.0 as usize].mmaplock;
    if write {
        if m.writer == Some(tid) {
            m.writer = None;
        }
    } else {
        m.readers &= !(1 << tid.0);
    }
    let granted = hand_over(m);
    cx.fact(Fact::MmaplockReleased {
        ino,
        write,
        granted,
    });
    Ok(())
}

/// Give the lock to the sleepers at the front that can have it now; the mask of those woken.
fn hand_over(m: &mut RwSem) -> u16 {
    let mut granted = 0;
    while let Some(&(t, write)) = m.queue.first() {
        let can = if write {
            m.readers == 0 && m.writer.is_none()
        } else {
            m.writer.is_none()
        };
        if !can {
            break;
        }
        m.queue.remove(0);
        granted |= 1 << t.0;
        if write {
            m.writer = Some(t);
            break;
        }
        m.readers |= 1 << t.0;
    }
    granted
}

/// Bit per thread holding it, shared or exclusive.
fn holders(m: &RwSem) -> u16 {
    m.readers | m.writer.map_or(0, |w| 1 << w.0)
}

/// A thread asleep in `down_*()` until the lock is handed to it.
pub(crate) fn waiting(w: &World, tid: Tid, p: Option<Addr>) -> Option<Status> {
    let addr = p?;
    let m = &w.inode(addr).mmaplock;
    m.queued(tid).then_some(Status::WaitingForMmaplock {
        addr,
        holders: holders(m),
    })
}

/// The inode whose MMAPLOCK `tid` holds, if any (for exit checks).
pub(crate) fn held(w: &World, tid: Tid) -> Option<u8> {
    w.inodes
        .iter()
        .find(|i| i.mmaplock.held_by(tid))
        .map(|i| i.ino)
}
