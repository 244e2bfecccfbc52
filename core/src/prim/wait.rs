//! The global hashed table of wait-queue heads and the sleep/wake protocol around it:
//! `dax_entry_waitqueue()` (bucket and key), `prepare_to_wait[_exclusive]()`, `schedule()`,
//! `finish_wait()`, and keyed `__wake_up()` with wake-one / wake-all and autoremove.
//!
//! Kernel semantics: an exclusive waiter is queued at the tail, a non-exclusive one at the
//! head; a wake walks from the head, wakes every matching non-exclusive waiter and stops after
//! the first matching exclusive one (wake-one), or wakes all; a waiter whose key does not match
//! is passed over without using up the budget. The table is never freed.

use crate::cx::Cx;
use crate::facts::{Fact, Sched, Sink};
use crate::ids::{Addr, Tid};
use crate::status::Status;
use crate::violation::{Detail, Violation, ViolationKind};
use crate::world::{Entry, MAX_THREADS, PMD_NR, WaitKey, Waiter, World};
use alloc::vec::Vec;

/// `dax_entry_waitqueue()`: the bucket is a hash of the mapping pointer xor the entry's first
/// index (PMD entries round down), as `hash_long()` computes it; the key is the pair.
pub(crate) fn waitqueue(bucket_bits: u8, mapping: Addr, index: u16, pmd: bool) -> (u8, WaitKey) {
    let entry_start = if pmd { index - index % PMD_NR } else { index };
    const GOLDEN_RATIO_64: u64 = 0x61C8_8646_80B5_83EB;
    let val = mapping.pointer_value() ^ entry_start as u64;
    let bucket = (val.wrapping_mul(GOLDEN_RATIO_64) >> (64 - bucket_bits as u32)) as u8;
    (
        bucket,
        WaitKey {
            mapping,
            entry_start,
        },
    )
}

/// `prepare_to_wait[_exclusive](wq, &ewait.wait, TASK_UNINTERRUPTIBLE)` on the bucket of the
/// thread's entry.
pub(crate) fn prepare<S: Sink>(cx: &mut Cx<S>, exclusive: bool) -> Result<(), Violation> {
    let l = cx.locals();
    let (Some(mapping), Some(entry)) = (l.mapping, l.entry) else {
        return Err(cx.missing_local());
    };
    let (bucket, key) = cx.m.waitqueue(mapping, l.index, entry.is_pmd());
    let tid = cx.tid;
    let t = cx.me();
    t.running = false;
    t.locals.wait = Some((bucket, key));
    if cx.w.queued(tid).is_none() {
        let waiter = Waiter {
            tid,
            bucket,
            key,
            exclusive,
        };
        let pos = if exclusive {
            cx.w.waiters.len()
        } else {
            cx.w.waiters
                .iter()
                .position(|w| w.bucket == bucket)
                .unwrap_or(cx.w.waiters.len())
        };
        if cx.w.waiters.try_insert(pos, waiter).is_some() {
            return Err(cx.table_full());
        }
    }
    let ino = cx.ino(mapping);
    cx.fact(Fact::PrepareToWait {
        bucket,
        ino,
        index: key.entry_start,
        exclusive,
    });
    Ok(())
}

/// What `schedule()` did: whether the thread moves on (false: it went to sleep and stays).
pub(crate) fn schedule<S: Sink>(cx: &mut Cx<S>) -> Result<bool, Violation> {
    let t = *cx.thread();
    if t.sleeping {
        cx.me().sleeping = false;
        cx.fact(Fact::Schedule(Sched::Returned));
        return Ok(true);
    }
    if let Some(a) = t.first_spinlock() {
        let ino = cx.ino(a);
        return Err(cx.violation(
            ViolationKind::SleepInAtomic,
            Detail::SleepHoldingSpinlock { ino },
        ));
    }
    crate::prim::rcu::may_sleep(cx, &t);
    if t.running {
        cx.fact(Fact::Schedule(Sched::AlreadyWoken));
        Ok(true)
    } else {
        cx.me().sleeping = true;
        cx.fact(Fact::Schedule(Sched::Slept));
        Ok(false)
    }
}

/// `finish_wait(wq, &ewait.wait)`: running again, and off the queue if still on it.
pub(crate) fn finish<S: Sink>(cx: &mut Cx<S>) {
    let tid = cx.tid;
    let t = cx.me();
    t.running = true;
    t.locals.wait = None;
    let pos = cx.w.waiters.iter().position(|w| w.tid == tid);
    if let Some(pos) = pos {
        cx.w.waiters.remove(pos);
    }
    cx.fact(Fact::FinishWait {
        was_queued: pos.is_some(),
    });
}

/// `dax_wake_mapping_entry_waiter(mapping, index, entry, wake_all)` for the thread's entry;
/// with no entry (`put_unlocked_mapping_entry()` after a failed lookup), nobody.
pub(crate) fn wake<S: Sink>(cx: &mut Cx<S>, all: bool) {
    let l = cx.locals();
    let (Some(mapping), Some(entry)) = (l.mapping, l.entry) else {
        if S::ON {
            let stranded = stranded(cx.w);
            cx.fact(Fact::WakeNoEntry { stranded });
        }
        return;
    };
    wake_key(cx, mapping, l.index, entry, all);
}

fn wake_key<S: Sink>(cx: &mut Cx<S>, mapping: Addr, index: u16, entry: Entry, all: bool) {
    let (bucket, key) = cx.m.waitqueue(mapping, index, entry.is_pmd());
    let mut woken: Vec<(Tid, bool)> = Vec::new();
    let mut passed: Vec<(Tid, u8, u16)> = Vec::new();
    let mut i = 0;
    while i < cx.w.waiters.len() {
        let wt = cx.w.waiters[i];
        if wt.bucket != bucket {
            i += 1;
            continue;
        }
        if wt.key != key {
            if S::ON {
                passed.push((wt.tid, cx.ino(wt.key.mapping), wt.key.entry_start));
            }
            i += 1;
            continue;
        }
        cx.w.waiters.remove(i);
        cx.w.threads[wt.tid.0 as usize].running = true;
        if S::ON {
            woken.push((wt.tid, wt.exclusive));
        }
        if wt.exclusive && !all {
            break;
        }
    }
    if S::ON {
        let ino = cx.ino(mapping);
        cx.fact(Fact::Wake {
            bucket,
            ino,
            index: key.entry_start,
            all,
            woken,
            passed,
        });
    }
}

/// Waiters asleep on an entry that no task holds locked: unless some task later locks and
/// unlocks that entry, nothing will wake them. Who, bucket, key inode, key index.
pub(crate) fn stranded(w: &World) -> Vec<(Tid, u8, u8, u16)> {
    w.waiters
        .iter()
        .filter(|q| {
            let mem = w.inode(q.key.mapping);
            mem.is_freed() || mem.lookup(q.key.entry_start).is_none_or(|e| !e.locked())
        })
        .map(|q| {
            (
                q.tid,
                q.bucket,
                w.inode(q.key.mapping).ino,
                q.key.entry_start,
            )
        })
        .collect()
}

/// A thread asleep in `schedule()` until someone wakes it.
pub(crate) fn asleep(w: &World, tid: Tid) -> Option<Status> {
    let t = w.thread(tid);
    if !t.sleeping || t.running {
        return None;
    }
    let q = w.queued(tid);
    Some(Status::Asleep {
        bucket: q.map(|q| q.bucket),
        key: q.map(|q| q.key),
        exclusive: q.is_some_and(|q| q.exclusive),
    })
}

const _: () = assert!(MAX_THREADS <= 16);
