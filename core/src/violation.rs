//! Violations: the bad outcomes the checks detect, as values with thread, line and object.

use crate::ids::{Addr, Pfn, Tid};
use crate::listing::Line;
use core::fmt;
use core::str::FromStr;

/// What went wrong. The kebab-case names are a stable contract (CLI, JSON, URLs, lessons).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ViolationKind {
    /// Memory of a freed inode was touched.
    UseAfterFree,
    /// A NULL `mapping` was dereferenced.
    NullDeref,
    /// A thread locked an entry that does not belong to its page.
    WrongEntryLocked,
    /// A thread sleeps in a wait queue and no task will ever wake it.
    LostWakeup,
    /// A thread spins on a lock that will never be released (including its own).
    Deadlock,
    /// A thread called `schedule()` holding a spinlock or inside an RCU read-side section.
    SleepInAtomic,
    /// A thread finished while still holding a lock or an RCU read-side section.
    LockLeak,
    /// `rcu_read_unlock()` without a matching `rcu_read_lock()`.
    BadUnlockBalance,
    /// The model itself went wrong (a line it cannot run, a full table): a bug of daxlab,
    /// never of the kernel code. Tests assert it never happens.
    ModelError,
}

impl ViolationKind {
    /// Every kind, in a fixed order.
    pub const ALL: [ViolationKind; 9] = [
        ViolationKind::UseAfterFree,
        ViolationKind::NullDeref,
        ViolationKind::WrongEntryLocked,
        ViolationKind::LostWakeup,
        ViolationKind::Deadlock,
        ViolationKind::SleepInAtomic,
        ViolationKind::LockLeak,
        ViolationKind::BadUnlockBalance,
        ViolationKind::ModelError,
    ];

    /// The stable kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            ViolationKind::UseAfterFree => "use-after-free",
            ViolationKind::NullDeref => "null-deref",
            ViolationKind::WrongEntryLocked => "wrong-entry-locked",
            ViolationKind::LostWakeup => "lost-wakeup",
            ViolationKind::Deadlock => "deadlock",
            ViolationKind::SleepInAtomic => "sleep-in-atomic",
            ViolationKind::LockLeak => "lock-leak",
            ViolationKind::BadUnlockBalance => "bad-unlock-balance",
            ViolationKind::ModelError => "model-error",
        }
    }
}

impl fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ViolationKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        ViolationKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or(())
    }
}

/// The access that touched NULL or freed memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    /// `dax_mapping(mapping)` reads `mapping->host`.
    DaxMapping,
    /// `inode = mapping->host`.
    Host,
    /// `S_ISCHR(inode->i_mode)`.
    IsChr,
    /// `xa_lock_irq(&mapping->i_pages)`.
    XaLock,
    /// `xa_unlock_irq(&mapping->i_pages)`.
    XaUnlock,
    /// `__radix_tree_lookup(&mapping->i_pages)`.
    Lookup,
    /// `page->mapping->i_mmap` in `collect_procs()` or `unmap_mapping_range()`.
    Rmap,
    /// The inode's MMAPLOCK.
    Mmaplock,
}

/// Why a stuck thread cannot go on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stuck {
    /// Spinning on an `i_pages` lock another thread holds and will never drop.
    Spinning {
        /// The inode.
        ino: u8,
        /// The holder.
        owner: Tid,
    },
    /// Asleep in a bucket, waiting for a key.
    Asleep {
        /// The bucket.
        bucket: u8,
        /// The key's inode.
        ino: u8,
        /// The key's index.
        index: u16,
        /// Queued exclusively.
        exclusive: bool,
    },
    /// Asleep and off every wait queue.
    Dequeued,
    /// Waiting for the last reference to a file.
    LastReference,
    /// Waiting for `dev_pagemap` references.
    Pins,
    /// Asleep in `down_read()`/`down_write()` on an MMAPLOCK.
    Mmaplock {
        /// The inode.
        ino: u8,
        /// Bit per thread holding it.
        holders: u16,
    },
    /// Blocked some other way.
    Other,
}

/// What exactly happened, as facts; `words.rs` says it in sentences and as the kernel's report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Detail {
    /// `access` through a NULL mapping.
    NullDeref {
        /// The access.
        access: Access,
    },
    /// `access` on inode memory freed by an RCU callback.
    UseAfterFree {
        /// The access.
        access: Access,
        /// The inode the memory held.
        ino: u8,
        /// The memory.
        addr: Addr,
        /// The grace period after which it was freed.
        after_gp: u8,
    },
    /// `xa_lock_irq()` on a lock the thread itself holds.
    SelfDeadlock {
        /// The inode.
        ino: u8,
        /// Its memory.
        addr: Addr,
    },
    /// Memory failure locked an entry that does not map its page.
    WrongEntry {
        /// The locked entry's inode.
        ino: u8,
        /// The locked entry's index.
        index: u16,
        /// What the entry maps (None: an empty placeholder).
        entry_pfn: Option<Pfn>,
        /// Memory failure's page.
        pfn: Pfn,
        /// Where the page belongs now: inode and index (None: no file).
        page_owner: Option<(u8, u16)>,
    },
    /// `schedule()` holding an `i_pages` spinlock.
    SleepHoldingSpinlock {
        /// The inode.
        ino: u8,
    },
    /// `schedule()` inside an RCU read-side section.
    SleepInRcu,
    /// Finished holding an `i_pages` lock.
    LeakedSpinlock {
        /// The inode.
        ino: u8,
    },
    /// Finished inside an RCU read-side section.
    LeakedRcu,
    /// Finished holding an MMAPLOCK.
    LeakedMmaplock {
        /// The inode.
        ino: u8,
    },
    /// `rcu_read_unlock()` outside any read-side section.
    RcuUnderflow,
    /// Finished holding an entry lock.
    LeakedEntryLock {
        /// The inode.
        ino: u8,
        /// The entry's index.
        index: u16,
    },
    /// No thread can run, some have not finished: this one is stuck.
    Stuck(Stuck),
    /// A bug of the model.
    Model(ModelFault),
}

/// A bug of the model, named so that it can be found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ModelFault {
    /// A step line whose action needs a local the thread does not have.
    MissingLocal,
    /// Control lines that loop without ever reaching a step.
    NoStep,
    /// Control fell off the end of a function without a return.
    FellOffFunction,
    /// The return stack is full.
    FramesFull,
    /// A fixed-capacity table (entries, callbacks) is full.
    TableFull,
    /// A call to a function that does not exist under this code.
    MissingFunction,
}

impl Violation {
    /// Whether the violation stops the run. Sleeping inside an RCU read-side section is a
    /// kernel WARNING and the task goes on sleeping: the run continues, so the student sees the
    /// grace period it holds up. Every other violation stops the run.
    pub fn halts(&self) -> bool {
        !matches!(self.detail, Detail::SleepInRcu)
    }
}

/// One violation: what, who, where, and the facts of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// What went wrong.
    pub kind: ViolationKind,
    /// The thread at fault (for a lost wake-up: the thread left asleep).
    pub tid: Tid,
    /// The line that thread was at.
    pub line: Line,
    /// The facts.
    pub detail: Detail,
}
