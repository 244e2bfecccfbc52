//! Canonical worlds for the reduced searches.
//!
//! - The wait table keeps its waiters in one array, but only the order *within* a bucket means
//!   anything (a wake walks one bucket from its head). Waiters are stably sorted by bucket, so
//!   two worlds that differ only in how buckets interleave are one state.
//! - **Symmetry**: threads with the same program and arguments (two faults on the same index,
//!   two memory failures of the same page) are interchangeable. Within each such class the
//!   threads are sorted by their state, and every reference to a thread — lock owners, entry
//!   lockers (also in copies of entries threads hold), waiters, grace-period reader bits — is
//!   renamed to match. Equal sort keys keep thread order, so a world may have more than one
//!   canonical form; merging only ever joins worlds that are renamings of each other, which is
//!   what makes it sound.
//!
//! Every struct is destructured without `..`: a new field of the world does not compile until
//! it says how a renaming treats it.

use crate::ids::Tid;
use crate::model::Model;
use crate::world::{
    Entry, GracePeriod, InodeMem, Locals, MAX_THREADS, Rcu, RwSem, Thread, Waiter, World,
};
use alloc::vec::Vec;

/// A renaming of threads: `perm[old] = new`.
pub(crate) type Perm = [u8; MAX_THREADS];

fn identity() -> Perm {
    core::array::from_fn(|i| i as u8)
}

/// How one model's worlds are put in canonical form.
pub(crate) struct Canon {
    /// Classes of interchangeable threads with two members or more, in thread order.
    classes: Vec<Vec<u8>>,
}

impl Canon {
    /// Canonical forms for `model`, with thread symmetry or without.
    pub(crate) fn new(model: &Model, symmetry: bool) -> Canon {
        let mut classes: Vec<Vec<u8>> = Vec::new();
        if symmetry {
            let specs = model.threads();
            let mut seen = [false; MAX_THREADS];
            for i in 0..specs.len() {
                if seen[i] {
                    continue;
                }
                let class: Vec<u8> = (i..specs.len())
                    .filter(|&j| specs[j].program == specs[i].program)
                    .map(|j| j as u8)
                    .collect();
                for &j in &class {
                    seen[j as usize] = true;
                }
                if class.len() > 1 && !specs[i].program.is_daemon() {
                    classes.push(class);
                }
            }
        }
        Canon { classes }
    }

    /// Put `w` in canonical form; the renaming applied (`perm[old] = new`).
    pub(crate) fn apply(&self, w: &mut World) -> Perm {
        sort_waiters(w);
        let mut perm = identity();
        if self.classes.is_empty() {
            return perm;
        }
        let mut moved = false;
        for class in &self.classes {
            let mut keyed: Vec<([u64; 4], u8)> = class.iter().map(|&t| (key(w, t), t)).collect();
            keyed.sort();
            for (slot, &(_, t)) in class.iter().zip(keyed.iter()) {
                perm[t as usize] = *slot;
                moved |= t != *slot;
            }
        }
        if moved {
            rename(w, &perm);
        }
        perm
    }

    /// The schedule from `initial` (real thread ids, one a step) that follows `blocks`, taken
    /// from canonical worlds (ids of each canonical world along the path): each block is a
    /// thread and how many steps it took in a row, with the world put in canonical form only
    /// after the block, as the search did.
    pub(crate) fn realize(&self, model: &Model, initial: &World, blocks: &[(Tid, u8)]) -> Vec<Tid> {
        let mut c = initial.clone();
        // pi[real] = canonical.
        let mut pi = self.apply(&mut c);
        let mut out = Vec::with_capacity(blocks.len());
        'blocks: for &(t, len) in blocks {
            let real = pi.iter().position(|&x| x == t.0).unwrap_or(t.0 as usize);
            for _ in 0..len {
                out.push(Tid(real as u8));
                if model.step_quiet(&mut c, t).is_err() {
                    break 'blocks;
                }
            }
            let sigma = self.apply(&mut c);
            for p in pi.iter_mut() {
                *p = sigma[*p as usize];
            }
        }
        out
    }
}

/// Stable sort of the waiters by bucket.
fn sort_waiters(w: &mut World) {
    let q = &mut w.waiters;
    if q.windows(2).any(|p| p[0].bucket > p[1].bucket) {
        q.as_mut_slice().sort_by_key(|x| x.bucket);
    }
}

fn opt<T>(v: Option<T>, f: impl Fn(T) -> u64) -> u64 {
    v.map_or(0, |x| f(x) + 1)
}

/// What tells thread `t` apart from its class mates: its own state, with references to other
/// threads reduced to "me" or "another", and its relations to shared objects.
fn key(w: &World, t: u8) -> [u64; 4] {
    let Thread {
        pc,
        frames,
        locals,
        running,
        sleeping,
        rcu_nesting,
        spinlocks,
        result,
    } = &w.threads[t as usize];
    let Locals {
        mapping,
        index,
        entry,
        did_lock,
        wait,
        iter,
        pinned,
        revalidate,
    } = locals;
    let who = |x: Option<Tid>| match x {
        None => 0,
        Some(x) if x.0 == t => 1,
        Some(_) => 2,
    };
    let mut k0 = *pc as u64 | (frames.depth() as u64) << 8;
    for (i, c) in frames.calls().enumerate() {
        k0 |= (c as u64) << (16 + 8 * i);
    }
    let k1 = opt(*mapping, |a| a.0 as u64)
        | (*index as u64) << 8
        | (*did_lock as u64) << 24
        | (*pinned as u64) << 25
        | (*revalidate as u64) << 26
        | (*running as u64) << 27
        | (*sleeping as u64) << 28
        | (*iter as u64) << 32
        | (*rcu_nesting as u64) << 40
        | opt(*result, |r| r as u64) << 48
        | opt(spinlocks[0], |a| a.0 as u64) << 52
        | opt(spinlocks[1], |a| a.0 as u64) << 58;
    let k2 = opt(*entry, |e| {
        let Entry {
            index,
            pfn,
            flags,
            locker,
        } = e;
        index as u64 | (pfn.0 as u64) << 16 | (flags as u64) << 24 | (who(locker) as u64) << 32
    }) | opt(*wait, |(b, k)| {
        b as u64 | (k.mapping.0 as u64) << 8 | (k.entry_start as u64) << 16
    }) << 34;
    // Relations: place in its wait queue, locks it owns, entries it locked, grace period.
    let mut k3 = 0u64;
    let mut before = 0u64;
    for q in &w.waiters {
        if q.tid.0 == t {
            k3 |= (before + 1) | (q.exclusive as u64) << 8;
            break;
        }
        if w.queued(Tid(t)).is_some_and(|mine| mine.bucket == q.bucket) {
            before += 1;
        }
    }
    for (a, mem) in w.inodes.iter().enumerate() {
        if mem.xa_lock == Some(Tid(t)) {
            k3 |= 1 << (12 + a);
        }
        let m = &mem.mmaplock;
        if m.held_by(Tid(t)) {
            k3 |= 1 << (20 + a);
        }
        if let Some(pos) = m.queue.iter().position(|(q, _)| q.0 == t) {
            k3 |= ((pos as u64 + 1) & 0xf) << (24 + 4 * a);
        }
        for e in &mem.entries {
            if e.locker == Some(Tid(t)) {
                k3 = k3.wrapping_add(((a as u64) << 40 | e.index as u64) << 16 | 1 << 62);
            }
        }
    }
    if let Some(gp) = w.rcu.current
        && gp.waiting_for & (1 << t) != 0
    {
        k3 |= 1 << 11;
    }
    [k0, k1, k2, k3]
}

/// A bit per thread, renamed.
fn rename_bits(perm: &Perm, bits: u16) -> u16 {
    let mut out = 0u16;
    for (old, &new) in perm.iter().enumerate() {
        if bits & (1 << old) != 0 {
            out |= 1 << new;
        }
    }
    out
}

fn rename_tid(perm: &Perm, t: Tid) -> Tid {
    Tid(perm[t.0 as usize])
}

fn rename_entry(perm: &Perm, e: &mut Entry) {
    let Entry {
        index: _,
        pfn: _,
        flags: _,
        locker,
    } = e;
    *locker = locker.map(|t| rename_tid(perm, t));
}

/// Rename every thread of `w` by `perm` (`perm[old] = new`).
fn rename(w: &mut World, perm: &Perm) {
    let World {
        pgmap: _,
        pages: _,
        inodes,
        waiters,
        rcu,
        threads,
        next_ino: _,
        halted: _,
    } = w;
    for mem in inodes.iter_mut() {
        let InodeMem {
            ino: _,
            previous_ino: _,
            kind: _,
            dax: _,
            life: _,
            users: _,
            xa_lock,
            mmaplock,
            entries,
        } = mem;
        *xa_lock = xa_lock.map(|t| rename_tid(perm, t));
        let RwSem {
            readers,
            writer,
            queue,
        } = mmaplock;
        *readers = rename_bits(perm, *readers);
        *writer = writer.map(|t| rename_tid(perm, t));
        for (t, _) in queue.iter_mut() {
            *t = rename_tid(perm, *t);
        }
        for e in entries.iter_mut() {
            rename_entry(perm, e);
        }
    }
    for q in waiters.iter_mut() {
        let Waiter {
            tid,
            bucket: _,
            key: _,
            exclusive: _,
        } = q;
        *tid = rename_tid(perm, *tid);
    }
    let Rcu {
        completed: _,
        current,
        callbacks: _,
    } = rcu;
    if let Some(GracePeriod {
        number: _,
        waiting_for,
    }) = current
    {
        *waiting_for = rename_bits(perm, *waiting_for);
    }
    let old = *threads;
    for (i, t) in old.iter().enumerate() {
        let mut t = *t;
        let Thread {
            pc: _,
            frames: _,
            locals,
            running: _,
            sleeping: _,
            rcu_nesting: _,
            spinlocks: _,
            result: _,
        } = &mut t;
        if let Some(e) = locals.entry.as_mut() {
            rename_entry(perm, e);
        }
        threads[perm[i] as usize] = t;
    }
}
