//! Words: the one place that turns facts into sentences — each step's narration, each thread's
//! status, and each violation's object, explanation and kernel-style report. The CLI and the web
//! both print what this module says.

use crate::facts::{Event, Fact, Keeps, Ptr, Sched};
use crate::ids::{Addr, Tid};
use crate::listing::{Func, Line};
use crate::model::{Model, Status};
use crate::program::Program;
use crate::violation::{Access, Detail, ModelFault, Stuck, Violation};
use crate::world::World;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The narration of one step: a sentence or two for a student.
pub fn narration(m: &Model, e: &Event) -> String {
    let mut out = String::new();
    for f in &e.facts {
        if let Some(s) = fact(m, e.tid, e.line, f) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&s);
        }
    }
    if out.is_empty()
        && let Some(v) = &e.violation
    {
        // A step that fails before it does anything (a fault on its first access) is told by
        // its violation.
        out = message(m, v);
    }
    out
}

fn ptr(p: Ptr) -> String {
    match p {
        Ptr::Null => String::from("NULL"),
        Ptr::Inode { ino } => format!("inode #{ino}'s mapping"),
        Ptr::Freed { ino } => format!("freed memory that held inode #{ino}"),
    }
}

fn names(m: &Model, mask: u16) -> Vec<&str> {
    (0..m.threads().len())
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| m.name(Tid(i as u8)))
        .collect()
}

/// The sentence for one fact, if it deserves one.
fn fact(m: &Model, tid: Tid, line: Line, f: &Fact) -> Option<String> {
    let who = m.name(tid);
    Some(match f {
        Fact::GetPgmap { pfn, ok: true } => {
            if m.threads()
                .iter()
                .any(|t| matches!(t.program, crate::program::Program::Unbind))
            {
                format!(
                    "{who} takes a dev_pagemap reference for {pfn}. In this model unbind waits for that reference before removing the struct pages (as kernels do since 50f44ee7248a, 2019; v4.19 removed them first)."
                )
            } else {
                format!(
                    "{who} takes a dev_pagemap reference for {pfn} (get_dev_pagemap()): the device's struct pages stay in place while it is held."
                )
            }
        }
        Fact::GetPgmap { ok: false, .. } => format!(
            "{who}: get_dev_pagemap() fails, the device is going away; memory_failure() returns -ENXIO."
        ),
        Fact::PutPgmap => format!("{who} puts its dev_pagemap reference."),
        Fact::PgmapKilled => format!(
            "{who} kills the dev_pagemap reference count: get_dev_pagemap() fails from now on."
        ),
        Fact::PgmapDrained => format!("{who}: every dev_pagemap reference has been put."),
        Fact::PgmapRemoved => format!("{who} removes the device memory and its struct pages."),
        Fact::HwPoison { pfn } => format!("{who} marks the page of {pfn} HWPoison."),
        Fact::CollectProcs { ino, entry_locked } => format!(
            "{who} finds the processes mapping the page through page->mapping (inode #{ino}): {}",
            alive_because(*entry_locked)
        ),
        Fact::Unmap { ino, entry_locked } => format!(
            "{who} unmaps the page from them through page->mapping (inode #{ino}): {}",
            alive_because(*entry_locked)
        ),
        Fact::KillProcs => format!("{who} sends SIGBUS to the processes that mapped the page."),
        Fact::ReadMapping { value } => {
            if line == Line::DlRead {
                format!("{who} reads page->mapping once: {}.", ptr(*value))
            } else {
                format!("{who} reads page->mapping: {}.", ptr(*value))
            }
        }
        Fact::DaxMapping {
            value: Ptr::Null, ..
        } => format!("{who} sees mapping == NULL: the page was truncated; it gives up."),
        Fact::DaxMapping {
            value: Ptr::Inode { ino } | Ptr::Freed { ino },
            dax,
        } => {
            if *dax {
                format!("{who} checks dax_mapping(mapping): inode #{ino} is DAX.")
            } else {
                format!("{who}: inode #{ino} is not a DAX mapping; it gives up.")
            }
        }
        Fact::ReadHost { ino } => format!("{who} reads inode = mapping->host: inode #{ino}."),
        Fact::IsChr { ino, chr: true } => format!(
            "{who}: inode #{ino} is a device-dax character device: dax_lock_mapping_entry() takes no entry lock (the seed's reasoning: the dev_pagemap reference keeps the inode alive)."
        ),
        Fact::IsChr { ino, chr: false } => {
            format!("{who}: inode #{ino} is a regular file: it must lock the entry.")
        }
        Fact::UnlockIsChr { chr: true, .. } => {
            format!("{who}: a character device: nothing to unlock.")
        }
        Fact::UnlockIsChr { chr: false, index } => {
            format!("{who} unlocks the entry at page->index {index}.")
        }
        Fact::Recheck { now, same: false } => format!(
            "{who} re-checks under the lock: page->mapping is now {}, not the mapping it locked; it drops the lock and retries.",
            ptr(*now)
        ),
        Fact::Recheck { same: true, .. } => format!(
            "{who} re-checks under the lock: page->mapping still points at the locked mapping, and truncate cannot change it while the lock is held."
        ),
        Fact::ReadIndex { index } => format!("{who} reads index = page->index: {index}."),
        Fact::XaLock { ino } => {
            let mut s = format!("{who} takes inode #{ino}'s i_pages lock (interrupts off).");
            if line == Line::CiLock {
                s.push_str(&format!(
                    " {who} cycles the i_pages lock so that nobody is still inside it."
                ));
            }
            s
        }
        Fact::XaUnlock { ino } => {
            let s = format!("{who} drops inode #{ino}'s i_pages lock.");
            if line == Line::UnWarnUnlock {
                format!("{who} hits WARN_ON_ONCE(): the entry is gone or not locked. {s}")
            } else {
                s
            }
        }
        Fact::Lookup { ino, index, found } => {
            let found = match found {
                None => String::from("no entry"),
                Some(e) if e.is_empty() => format!(
                    "an empty placeholder entry{}",
                    if e.locked() { ", locked" } else { "" }
                ),
                Some(e) => format!(
                    "the entry for pfn {}{}",
                    e.pfn.0,
                    if e.locked() { ", locked" } else { ", unlocked" }
                ),
            };
            format!("{who} looks up index {index} in inode #{ino}'s i_pages: {found}.")
        }
        Fact::LockSlot {
            ino,
            index,
            pins_inode: true,
        } => format!(
            "{who} sets the lock bit of (inode #{ino}, index {index}): the inode cannot be truncated or evicted until it is unlocked."
        ),
        Fact::LockSlot {
            ino,
            index,
            pins_inode: false,
        } => format!("{who} locks the existing entry (inode #{ino}, index {index})."),
        Fact::UnlockSlot { ino, index } => {
            format!("{who} clears the lock bit of (inode #{ino}, index {index}).")
        }
        Fact::InsertEmpty { ino, index } => format!(
            "{who} finds no entry and inserts a locked empty entry at (inode #{ino}, index {index})."
        ),
        Fact::Associate {
            pfn,
            mapping,
            index,
        } => format!(
            "{who} associates the page of {pfn} with the file: page->mapping = {}, page->index = {index}.",
            ptr(*mapping)
        ),
        Fact::ReplaceEntry { pfn } => {
            format!("{who} replaces the empty entry with a locked entry for {pfn}.")
        }
        Fact::Disassociate { pfn: Some(pfn) } => format!(
            "{who} disassociates the page of pfn {}: page->mapping = NULL, page->index = 0.",
            pfn.0
        ),
        Fact::Disassociate { pfn: None } => {
            format!("{who}: the entry is an empty placeholder, no page to disassociate.")
        }
        Fact::DeleteEntry { ino, index } => {
            format!("{who} deletes the entry at (inode #{ino}, index {index}).")
        }
        Fact::PrepareToWait {
            bucket,
            ino,
            index,
            exclusive,
        } => format!(
            "{who} queues itself {} in bucket {bucket} for (inode #{ino}, index {index}) and marks itself TASK_UNINTERRUPTIBLE.",
            if *exclusive {
                "exclusively at the tail"
            } else {
                "non-exclusively at the head"
            }
        ),
        Fact::Schedule(Sched::Slept) => {
            format!("{who} calls schedule() and goes to sleep until someone wakes it.")
        }
        Fact::Schedule(Sched::AlreadyWoken) => {
            format!("{who} calls schedule(), but it was already woken: it returns at once.")
        }
        Fact::Schedule(Sched::Returned) => {
            format!("{who} has been woken and returns from schedule().")
        }
        Fact::FinishWait { was_queued } => {
            let mut s = format!(
                "{who} calls finish_wait(){}; the wait table is global and never freed, so this is safe.",
                if *was_queued {
                    " and takes itself off the queue"
                } else {
                    ""
                }
            );
            if line == Line::WeFinish {
                s.push_str(&format!(
                    " {who} does not touch the mapping again: it restarts from page->mapping."
                ));
            }
            s
        }
        Fact::Wake {
            bucket,
            ino,
            index,
            all,
            woken,
            passed,
        } => {
            let mut s = format!(
                "{who} wakes {} in bucket {bucket} for (inode #{ino}, index {index}): ",
                if *all {
                    "every waiter"
                } else {
                    "the waiters up to and including one exclusive waiter"
                }
            );
            if woken.is_empty() {
                s.push_str("nobody matching is queued");
            } else {
                let names: Vec<String> = woken
                    .iter()
                    .map(|(t, excl)| {
                        format!(
                            "{} ({})",
                            m.name(*t),
                            if *excl { "exclusive" } else { "non-exclusive" }
                        )
                    })
                    .collect();
                s.push_str(&format!("it wakes {}", names.join(", ")));
            }
            for (t, pino, pindex) in passed {
                s.push_str(&format!(
                    "; it passes over {} (its key (inode #{pino}, index {pindex}) does not match: a hash collision)",
                    m.name(*t)
                ));
            }
            s.push('.');
            s
        }
        Fact::WakeNoEntry { stranded } => format!(
            "{who} found no entry, so put_unlocked_mapping_entry() wakes nobody.{}",
            left_asleep(m, stranded)
        ),
        Fact::GaveUp { stranded } => format!(
            "{who} gives up: dax_lock_mapping_entry() returns false and wakes nobody.{}",
            left_asleep(m, stranded)
        ),
        Fact::RcuLock { nesting } => format!(
            "{who} enters an RCU read-side critical section{}: a grace period that starts while it is inside must wait for it to leave.",
            if *nesting > 1 { " (nested)" } else { "" }
        ),
        Fact::RcuUnlock { nesting, holding } => {
            if *nesting > 0 {
                format!(
                    "{who} leaves a nested RCU read-side section; it is still inside the outer one."
                )
            } else if let Some(k) = holding {
                let left = format!(
                    "{who} leaves its RCU read-side section: a grace period no longer waits for it."
                );
                match k {
                    // 55e56f06ed71's comment: the i_pages lock, cycled by clear_inode() before
                    // the inode is freed, keeps the address space around until it is dropped.
                    Keeps::PagesLock { ino } => format!(
                        "{left} It still holds inode #{ino}'s i_pages lock, which clear_inode() must take before the inode can be freed; once it drops that lock it must not touch the mapping again."
                    ),
                    Keeps::EntryLock { ino, index } => format!(
                        "{left} It holds the entry lock at index {index} of inode #{ino}, and truncate and eviction wait for that lock: from here the entry lock, not RCU, keeps inode #{ino} from being freed."
                    ),
                    Keeps::Pgmap { ino } => format!(
                        "{left} Inode #{ino} is a device-dax character device: from here the seed relies on the dev_pagemap reference, not RCU, to keep it alive."
                    ),
                }
            } else {
                format!(
                    "{who} leaves its RCU read-side section: a grace period no longer waits for it, and a pointer it read inside may now be freed under it."
                )
            }
        }
        Fact::MmaplockTaken {
            ino,
            write,
            after_sleep,
        } => format!(
            "{who} {} inode #{ino}'s MMAPLOCK {}.",
            if *after_sleep {
                "wakes up holding"
            } else {
                "takes"
            },
            if *write {
                "exclusive: no fault can run on the file until it lets go"
            } else {
                "shared: a truncate of the file, which takes it exclusive, would wait until it lets go"
            }
        ),
        Fact::MmaplockQueued {
            ino,
            write,
            holders,
        } => format!(
            "{who} must wait for inode #{ino}'s MMAPLOCK ({}), held by {}: it queues and sleeps in {}.",
            if *write { "exclusive" } else { "shared" },
            names(m, *holders).join(", "),
            if *write {
                "down_write()"
            } else {
                "down_read()"
            }
        ),
        Fact::MmaplockReleased {
            ino,
            write,
            granted,
        } => {
            let mut s = format!(
                "{who} releases inode #{ino}'s MMAPLOCK ({}).",
                if *write { "exclusive" } else { "shared" }
            );
            if *granted != 0 {
                s.push_str(&format!(
                    " It is handed to {}, who can now run.",
                    names(m, *granted).join(", ")
                ));
            }
            s
        }
        Fact::ClearToWrite { ino, index } => format!(
            "{who} clears the TOWRITE tag of (inode #{ino}, index {index}): no other fsync will write it back."
        ),
        Fact::Iput { ino } => format!(
            "{who}: the last reference to inode #{ino} is gone; evict() begins (I_FREEING)."
        ),
        Fact::CallRcu { ino } => format!(
            "{who}, standing in for XFS's inode reclaim (a background worker in the kernel), queues xfs_inode_free_callback with call_rcu(): inode #{ino}'s memory is freed after the next grace period."
        ),
        Fact::Recycled { old, new } => format!(
            "{who}: the memory of inode #{old} is recycled as inode #{new} of another file, without a grace period; RCU only guarantees it is still *an inode*."
        ),
        Fact::NewFileFault { pfn, index, ino } => format!(
            "{who}: the new file's first fault maps pfn {} at index {index} of inode #{ino}.",
            pfn.0
        ),
        Fact::GpStart { number, waiting } => {
            let who = names(m, *waiting);
            format!(
                "Grace period {number} starts; it must wait for {}.",
                if who.is_empty() {
                    String::from("no reader (none is inside rcu_read_lock())")
                } else {
                    who.join(", ")
                }
            )
        }
        Fact::GpEnd { number } => format!(
            "Grace period {number} ends: every reader it waited for has left its read-side section."
        ),
        Fact::Freed { ino, gp } => format!(
            "xfs_inode_free_callback() frees the memory of inode #{ino} after grace period {gp}: any pointer to it is now dangling."
        ),
        Fact::Passed(Line::GuEagain) => {
            if m.has(Line::DlEagainUnlock) {
                format!("{who} gets -EAGAIN back and must revalidate page->mapping.")
            } else {
                format!(
                    "{who} gets -EAGAIN back and continues the loop, still holding the i_pages lock."
                )
            }
        }
        Fact::Passed(Line::TrDirtyGoto) => format!(
            "{who} does not truncate (trunc is false) and the entry is tagged TOWRITE, so it leaves the entry in i_pages: __dax_invalidate_mapping_entry() returns 0."
        ),
        Fact::Passed(Line::FtMap) => {
            format!("{who} installs the page table entry while holding the entry lock.")
        }
        Fact::Passed(_) => return None,
        Fact::Exit(r) => format!("{who} finishes: {}.", r.word()),
    })
}

fn alive_because(entry_locked: bool) -> &'static str {
    if entry_locked {
        "safe because it holds the entry lock, which keeps truncate and eviction away from the inode."
    } else {
        "no entry lock for a device-dax character device: the dev_pagemap reference is what keeps the device, and so its inode, alive here (see the scenario's summary)."
    }
}

/// Who is left asleep with nobody holding the entry they wait for.
fn left_asleep(m: &Model, stranded: &[(Tid, u8, u8, u16)]) -> String {
    let mut s = String::new();
    for (t, bucket, ino, index) in stranded {
        s.push_str(&format!(
            " {} is still queued in bucket {bucket} waiting for (inode #{ino}, index {index}), and no task holds that entry's lock to wake it.",
            m.name(*t)
        ));
    }
    s
}

/// What a run of `m` is about, before its first step: a built-in scenario's summary, or for a
/// scenario written as text (which has no story, even when it scales a built-in) its threads and
/// what each runs, read from the model.
pub fn opening(m: &Model) -> String {
    let text = m.scenario_text();
    if text.is_empty()
        && let Some(s) = crate::scenario::scenario(m.scenario())
    {
        // The story is the bug's; under code that has the commit that fixed it, say so, or a
        // student reads of a crash the run on screen cannot reach that way.
        let fixes: Vec<&str> = crate::code::Fix::ALL
            .iter()
            .filter(|f| m.code().has(**f) && f.info().scenario == s.name)
            .map(|f| f.info().commit)
            .collect();
        return match fixes.as_slice() {
            [] => String::from(s.summary),
            _ => format!(
                "{} The code on screen has the fix for this ({}).",
                s.summary,
                fixes.join(", ")
            ),
        };
    }
    let params: Vec<String> = text.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let threads: Vec<String> = m
        .threads()
        .iter()
        .map(|t| format!("{} ({})", t.name, program(&t.program)))
        .collect();
    let n = threads.len();
    // Only a scaled scenario keeps a built-in's name with its text.
    let scaled = crate::scenario::scenario(m.scenario())
        .map(|s| format!(", the {} race scaled up", s.name))
        .unwrap_or_default();
    format!(
        "A scenario written as text ({}{scaled}), with no story of its own: {n} thread{} — {}.",
        params.join(" "),
        if n == 1 { "" } else { "s" },
        threads.join(", ")
    )
}

/// What a thread's program does, in a few words.
fn program(p: &Program) -> String {
    let list = |v: &[u16]| {
        v.iter()
            .map(|i| format!("{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match p {
        Program::MemoryFailure { pfn } => format!("memory_failure() on {pfn}"),
        Program::Fault { index, .. } => format!("a fault at file index {index}"),
        Program::Truncate { indices, .. } if indices.is_empty() => {
            String::from("truncate, with no index to remove")
        }
        Program::Truncate { indices, .. } => {
            format!(
                "truncate of file index{} {}",
                if indices.len() == 1 { "" } else { "es" },
                list(indices)
            )
        }
        Program::Invalidate { indices, .. } => {
            format!(
                "invalidate_inode_pages2_range() of file index{} {}",
                if indices.len() == 1 { "" } else { "es" },
                list(indices)
            )
        }
        Program::Evict { .. } => String::from("the file's last iput(), evicting it"),
        Program::Recycle {
            new_index, new_pfn, ..
        } => format!(
            "eviction, then the inode's memory reused for a new file faulting index {new_index} on {new_pfn}"
        ),
        Program::Writeback { index, .. } => format!("fsync's writeback of file index {index}"),
        Program::Rcu => String::from("RCU's grace periods"),
        Program::Unbind => String::from("the device teardown"),
    }
}

/// Words for a thread's status, as a student reads them.
pub fn status(m: &Model, w: &World, tid: Tid) -> String {
    let ino = |a: Addr| w.inode(a).ino;
    match m.status(w, tid) {
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
            m.name(owner)
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
        Status::WaitingForMmaplock { addr, holders } => format!(
            "asleep waiting for inode #{}'s MMAPLOCK, held by {}",
            ino(addr),
            names(m, holders).join(", ")
        ),
        Status::WaitingForPins { pins } => {
            format!("waiting for {pins} dev_pagemap reference(s) to be put")
        }
        Status::WaitingForReaders { gp, readers } => format!(
            "grace period {gp} waits for {} to leave rcu_read_lock()",
            names(m, readers).join(", ")
        ),
        Status::Idle => "idle: no callback waits for a grace period".into(),
        Status::Done(r) => format!("finished: {}", r.word()),
        Status::Halted => "stopped by the violation".into(),
    }
}

/// How the access reads in a sentence, and the function KASAN names for it.
fn access(a: Access, func: &'static str) -> (&'static str, &'static str) {
    match a {
        Access::DaxMapping => (
            "dax_mapping(mapping) reads mapping->host",
            "dax_lock_mapping_entry",
        ),
        Access::Host => ("inode = mapping->host", func),
        Access::IsChr => ("S_ISCHR(inode->i_mode)", func),
        Access::XaLock => ("xa_lock_irq(&mapping->i_pages)", "_raw_spin_lock_irq"),
        Access::XaUnlock => ("xa_unlock_irq(&mapping->i_pages)", "_raw_spin_unlock_irq"),
        Access::Lookup => (
            "__radix_tree_lookup(&mapping->i_pages)",
            "__radix_tree_lookup",
        ),
        Access::Rmap => ("page->mapping->i_mmap", func),
        Access::Mmaplock => ("xfs_ilock(ip, XFS_MMAPLOCK_*)", "down_read"),
    }
}

fn func(m: &Model, v: &Violation) -> &'static str {
    v.line.func().name_in(m.code())
}

/// The object a violation is about, in words ("inode #2", "bucket 5").
pub fn object(m: &Model, v: &Violation) -> String {
    let _ = m;
    match v.detail {
        Detail::NullDeref { .. } => String::from("page->mapping (NULL)"),
        Detail::UseAfterFree { ino, .. } => format!("inode #{ino}"),
        Detail::SelfDeadlock { ino, .. }
        | Detail::SleepHoldingSpinlock { ino }
        | Detail::LeakedSpinlock { ino }
        | Detail::Stuck(Stuck::Spinning { ino, .. }) => format!("inode #{ino}'s i_pages lock"),
        Detail::WrongEntry { ino, index, .. } | Detail::LeakedEntryLock { ino, index } => {
            format!("entry (inode #{ino}, index {index})")
        }
        Detail::SleepInRcu | Detail::LeakedRcu | Detail::RcuUnderflow => {
            String::from("RCU read-side critical section")
        }
        Detail::LeakedMmaplock { ino } | Detail::Stuck(Stuck::Mmaplock { ino, .. }) => {
            format!("inode #{ino}'s MMAPLOCK")
        }
        Detail::Stuck(Stuck::Asleep { bucket, .. }) => format!("bucket {bucket}"),
        Detail::Stuck(Stuck::Dequeued) => String::from("wait table"),
        Detail::Stuck(_) => String::from("the run"),
        Detail::Model(_) => String::from("the model"),
    }
}

/// One or two sentences for a student.
pub fn message(m: &Model, v: &Violation) -> String {
    let who = m.name(v.tid);
    let f = func(m, v);
    match v.detail {
        Detail::NullDeref { access: a } => format!(
            "{who} dereferences a NULL mapping in {f}(): {}.",
            access(a, f).0
        ),
        Detail::UseAfterFree {
            access: a,
            ino,
            after_gp,
            ..
        } => format!(
            "{who}: {} on inode #{ino}, freed by RCU callback after grace period {after_gp}.",
            access(a, f).0
        ),
        Detail::SelfDeadlock { ino, .. } => format!(
            "{who} spins on the i_pages lock of inode #{ino}, which {who} itself holds: with IRQs off it will spin forever."
        ),
        Detail::WrongEntry {
            ino,
            index,
            entry_pfn,
            pfn,
            page_owner,
        } => format!(
            "{who} locks the entry at (inode #{ino}, index {index}), which maps {}, but its page {pfn} now belongs to {}. It holds another file's entry lock: that file's faults at index {index} block until it lets go, and its collect_procs()/unmap_mapping_range() and later dax_unlock_mapping_entry() go through page->mapping again — NULL (an oops) or a different file (unlocking an entry it never locked).",
            match entry_pfn {
                None => String::from("nothing yet"),
                Some(p) => format!("pfn {}", p.0),
            },
            match page_owner {
                None => String::from("no file"),
                Some((o, i)) => format!("inode #{o} at index {i}"),
            }
        ),
        Detail::SleepHoldingSpinlock { ino } => format!(
            "{who} calls schedule() while holding inode #{ino}'s i_pages spinlock with interrupts off."
        ),
        Detail::SleepInRcu => format!(
            "{who} calls schedule() inside an RCU read-side critical section, which the RCU API forbids (\"explicit blocking is illegal\", rcupdate.h). Under preemptible RCU, which this model follows, the kernel warns, the sleep goes on, and every grace period that starts now waits for {who}: the inode's free stalls until it wakes. (Under classic RCU the sleep would count as a quiescent state instead, and the inode could be freed under it.) The run continues."
        ),
        Detail::RcuUnderflow => format!(
            "{who} calls rcu_read_unlock() outside any RCU read-side section: an unbalanced unlock."
        ),
        Detail::LeakedMmaplock { ino } => format!(
            "{who} returns still holding inode #{ino}'s MMAPLOCK: every later fault or truncate of the file sleeps forever."
        ),
        Detail::Stuck(Stuck::Mmaplock { ino, holders }) => format!(
            "{who} sleeps forever waiting for inode #{ino}'s MMAPLOCK, held by {}, which can never release it.",
            names(m, holders).join(", ")
        ),
        Detail::LeakedSpinlock { ino } => {
            format!("{who} returns still holding inode #{ino}'s i_pages lock, with interrupts off.")
        }
        Detail::LeakedRcu => format!(
            "{who} returns still inside an RCU read-side section: grace periods can never end."
        ),
        Detail::LeakedEntryLock { ino, index } => format!(
            "{who} returns still holding the entry lock of (inode #{ino}, index {index}): every later fault and truncate of it will sleep forever."
        ),
        Detail::Stuck(Stuck::Spinning { ino, owner }) => format!(
            "{who} spins forever on inode #{ino}'s i_pages lock, held by {}, which can never release it.",
            m.name(owner)
        ),
        Detail::Stuck(Stuck::Asleep {
            bucket,
            ino,
            index,
            exclusive,
        }) => format!(
            "{who} is queued in bucket {bucket} waiting for (inode #{ino}, index {index}){}, asleep or about to sleep, and no task will ever wake it.",
            if exclusive {
                " as an exclusive waiter"
            } else {
                ""
            }
        ),
        Detail::Stuck(Stuck::Dequeued) => {
            format!("{who} is asleep off every wait queue, and no task will ever wake it.")
        }
        Detail::Stuck(s) => format!(
            "{who} can never continue: it is {}.",
            match s {
                Stuck::LastReference => "waiting for a reference nobody will drop",
                Stuck::Pins => "waiting for dev_pagemap references nobody will put",
                _ => "blocked",
            }
        ),
        Detail::Model(fault) => format!(
            "daxlab's model went wrong at {f}() ({}): a bug of the simulator, not of the kernel code.",
            model_fault(fault)
        ),
    }
}

fn model_fault(f: ModelFault) -> &'static str {
    match f {
        ModelFault::MissingLocal => "a step needs a local the thread does not have",
        ModelFault::NoStep => "control lines loop without reaching a step",
        ModelFault::FellOffFunction => "control fell off the end of a function",
        ModelFault::FramesFull => "the return stack is full",
        ModelFault::TableFull => "a fixed-capacity table is full",
        ModelFault::MissingFunction => "a call to a function this code does not have",
    }
}

/// A report's call trace below its first frames: the functions on the thread's stack at the
/// violation, innermost first, one per line (`listing::call_path` from the thread's entry).
/// memory_failure_dev_pagemap() is left out: a static function with one caller, which an
/// optimizing build usually inlines into memory_failure() (both in mm/memory-failure.c as
/// 6100e34b2526 added them; the seed, c2a7d2a11552, makes dax_lock_mapping_entry() a global
/// function of fs/dax.c, so it stays a frame of its own).
fn trace(m: &Model, v: &Violation) -> String {
    let code = m.code();
    let f = v.line.func();
    let entry = m.threads()[v.tid.0 as usize].program.entry();
    let path = crate::listing::call_path(entry, f, code).unwrap_or_else(|| alloc::vec![f]);
    path.iter()
        .rev()
        .filter(|x| **x != Func::MemoryFailureDevPagemap)
        .map(|x| format!(" {}", x.name_in(code)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The report the kernel would have printed (KASAN, lockdep, hung task...).
pub fn report(m: &Model, v: &Violation) -> String {
    let who = m.name(v.tid);
    let f = func(m, v);
    let tr = trace(m, v);
    match v.detail {
        Detail::NullDeref { .. } => format!(
            "BUG: unable to handle kernel NULL pointer dereference at 0000000000000000\nRIP: 0010:{f}\nOops: 0000 [#1] SMP\nCall Trace:\n{tr}"
        ),
        Detail::UseAfterFree {
            access: a, addr, ..
        } => {
            let kasan = access(a, f).1;
            // The access's own frame, when a lock helper made it, then the thread's stack.
            let frames = if kasan == f {
                tr.clone()
            } else {
                format!(" {kasan}\n{tr}")
            };
            let what = match a {
                Access::XaLock | Access::XaUnlock => "Write of size 4",
                _ => "Read of size 8",
            };
            format!(
                "==================================================================\nBUG: KASAN: use-after-free in {kasan}\n{what} at addr {:x} by task {who}/1234\nCall Trace:\n{frames}\nFreed by task 0:\n kmem_cache_free\n xfs_inode_free_callback\n rcu_do_batch",
                addr.pointer_value()
            )
        }
        Detail::SelfDeadlock { .. } => format!(
            "============================================\nWARNING: possible recursive locking detected\n--------------------------------------------\n{who}/1234 is trying to acquire lock:\n (&(&mapping->i_pages)->xa_lock){{....}}, at: {f}\n\nbut task is already holding lock:\n (&(&mapping->i_pages)->xa_lock){{....}}, at: {f}\n\nother info that might help us debug this:\n Possible unsafe locking scenario:\n\n       CPU0\n       ----\n  lock(&(&mapping->i_pages)->xa_lock);\n  lock(&(&mapping->i_pages)->xa_lock);\n\n *** DEADLOCK ***\n\n May be due to missing lock nesting notation\n...\nNMI watchdog: Watchdog detected hard LOCKUP on cpu 0\nRIP: 0010:native_queued_spin_lock_slowpath\nCall Trace:\n _raw_spin_lock_irq\n{tr}"
        ),
        Detail::WrongEntry { ino, index, .. } => format!(
            "No splat when the wrong entry is locked: the kernel cannot tell.\nThen the other file's faults at index {index} sleep in get_unlocked_mapping_entry() until {who} lets go,\nand dax_unlock_mapping_entry() re-reads page->mapping:\n  NULL           -> BUG: unable to handle kernel NULL pointer dereference at 0000000000000000\n                    RIP: 0010:dax_unlock_mapping_entry\n  another file   -> unlock_mapping_entry() on an entry {who} never locked:\n                    WARNING: CPU: 0 PID: 1234 at fs/dax.c unlock_mapping_entry  (WARN_ON_ONCE(!entry || !radix_tree_exceptional_entry(entry) || !slot_locked(mapping, slot)))\n  inode #{ino} still -> it unlocks the other file's entry, which that file's owner believes it holds."
        ),
        Detail::SleepHoldingSpinlock { .. } => format!(
            "BUG: scheduling while atomic: {who}/1234/0x00000002\nCall Trace:\n __schedule_bug\n __schedule\n schedule\n{tr}"
        ),
        Detail::SleepInRcu => format!(
            "WARNING: CPU: 0 PID: 1234 at kernel/rcu/tree_plugin.h rcu_preempt_note_context_switch\n(WARN_ON_ONCE(!preempt && t->rcu_read_lock_nesting > 0))\nCall Trace:\n __schedule\n schedule\n{tr}\nThen, if {who} sleeps long: INFO: rcu_preempt detected stalls on CPUs/tasks: Tasks blocked on level-0 rcu_node: P1234 ({who})"
        ),
        Detail::RcuUnderflow => format!(
            "=====================================\nWARNING: bad unlock balance detected!\n-------------------------------------\n{who}/1234 is trying to release lock (rcu_read_lock) at:\n {f}\nbut there are no more locks to release!"
        ),
        Detail::LeakedMmaplock { .. } => format!(
            "WARNING: lock held when returning to user space!\n{who}/1234 is leaving the kernel with locks still held!\n1 lock held by {who}/1234:\n #0: (&xfs_nondir_ilock_class){{....}}, at: xfs_ilock"
        ),
        Detail::Stuck(Stuck::Mmaplock { .. }) => format!(
            "INFO: task {who}:1234 blocked for more than 120 seconds.\n\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.\n{who}  D    0  1234\nCall Trace:\n __schedule\n schedule\n rwsem_down_write_failed\n call_rwsem_down_write_failed\n down_write\n xfs_ilock\n{tr}"
        ),
        Detail::LeakedSpinlock { .. } => format!(
            "WARNING: lock held when returning to user space!\n{who} is leaving the kernel with locks still held!\n1 lock held by {who}:\n #0: (&mapping->i_pages){{....}}"
        ),
        Detail::LeakedRcu => format!(
            "WARNING: lock held when returning to user space!\n1 lock held by {who}:\n #0: (rcu_read_lock){{....}}"
        ),
        Detail::LeakedEntryLock { .. } => String::from(
            "INFO: task blocked for more than 120 seconds (the entry lock is never released).",
        ),
        Detail::Stuck(Stuck::Spinning { .. }) => format!(
            "NMI watchdog: Watchdog detected hard LOCKUP on cpu 0\nRIP: 0010:native_queued_spin_lock_slowpath\nCall Trace:\n _raw_spin_lock_irq\n{tr}\n(it spins with interrupts off, so the NMI watchdog, not the soft-lockup detector, reports it)"
        ),
        Detail::Stuck(Stuck::Asleep { .. } | Stuck::Dequeued) => format!(
            "INFO: task {who}:1234 blocked for more than 120 seconds.\n\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.\n{who}  D    0  1234\nCall Trace:\n __schedule\n schedule\n{tr}"
        ),
        Detail::Stuck(_) => format!("INFO: task {who}:1234 blocked for more than 120 seconds."),
        Detail::Model(fault) => format!("[daxlab internal bug] {}", model_fault(fault)),
    }
}
