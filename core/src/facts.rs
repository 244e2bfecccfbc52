//! Facts: what one step did, as small values (which object, what changed, who was woken). The
//! step code records facts and never words; `words.rs` turns them into sentences for the CLI and
//! the web, and the timeline queries read them.

use crate::ids::{Pfn, Tid};
use crate::listing::Line;
use crate::violation::Violation;
use crate::world::{Entry, ThreadResult};
use alloc::vec::Vec;

/// What keeps a thread's inode alive once it leaves its RCU read-side section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Keeps {
    /// The inode's `i_pages` lock, still held (55e56f06ed71's `wait_entry_unlocked()` path:
    /// `clear_inode()` must take it before the inode can be freed).
    PagesLock {
        /// The inode.
        ino: u8,
    },
    /// An entry lock the thread holds: truncate and eviction wait for it.
    EntryLock {
        /// The inode.
        ino: u8,
        /// The entry's index.
        index: u16,
    },
    /// A `dev_pagemap` reference, for a device-dax character device (the seed's reasoning).
    Pgmap {
        /// The inode.
        ino: u8,
    },
}

/// What a pointer to inode memory pointed at when it was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ptr {
    /// NULL.
    Null,
    /// A live (or dying) inode's mapping.
    Inode {
        /// Its inode number.
        ino: u8,
    },
    /// Freed memory that held an inode.
    Freed {
        /// The inode number it held.
        ino: u8,
    },
}

/// What `schedule()` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sched {
    /// The task went to sleep.
    Slept,
    /// It was woken before it slept: `schedule()` returned at once.
    AlreadyWoken,
    /// It had been woken and now returns from `schedule()`.
    Returned,
}

/// One thing a step did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fact {
    /// `get_dev_pagemap()` for `pfn`: a reference was taken (`ok`) or the device is going away.
    GetPgmap {
        /// The page.
        pfn: Pfn,
        /// Whether a reference was taken.
        ok: bool,
    },
    /// `put_dev_pagemap()`.
    PutPgmap,
    /// `percpu_ref_kill()` on the `dev_pagemap`.
    PgmapKilled,
    /// Every `dev_pagemap` reference is back.
    PgmapDrained,
    /// The device's memory and `struct page`s are gone.
    PgmapRemoved,
    /// `SetPageHWPoison()`.
    HwPoison {
        /// The page.
        pfn: Pfn,
    },
    /// `collect_procs()` through `page->mapping`.
    CollectProcs {
        /// The inode it went through.
        ino: u8,
        /// What keeps that inode alive: the entry lock (fs-dax) or, holding none, the
        /// `dev_pagemap` reference (device-dax).
        entry_locked: bool,
    },
    /// `unmap_mapping_range(page->mapping, ...)`.
    Unmap {
        /// The inode it went through.
        ino: u8,
        /// As for [`Fact::CollectProcs`].
        entry_locked: bool,
    },
    /// `kill_procs()`: SIGBUS.
    KillProcs,
    /// `mapping = page->mapping`.
    ReadMapping {
        /// What it read.
        value: Ptr,
    },
    /// `dax_mapping(mapping)` (with c93db7bb6ef3's NULL check first).
    DaxMapping {
        /// The value tested.
        value: Ptr,
        /// Whether it is a DAX mapping (false: give up).
        dax: bool,
    },
    /// `inode = mapping->host`.
    ReadHost {
        /// The inode.
        ino: u8,
    },
    /// `S_ISCHR(inode->i_mode)` in `dax_lock_mapping_entry()`.
    IsChr {
        /// The inode.
        ino: u8,
        /// A device-dax character device.
        chr: bool,
    },
    /// `S_ISCHR(inode->i_mode)` in `dax_unlock_mapping_entry()`; not a character device:
    /// it unlocks the entry at `index`.
    UnlockIsChr {
        /// A character device: nothing to unlock.
        chr: bool,
        /// `page->index`, read for the call.
        index: u16,
    },
    /// `mapping != page->mapping` under the lock.
    Recheck {
        /// What `page->mapping` holds now.
        now: Ptr,
        /// Whether it still is the locked mapping.
        same: bool,
    },
    /// `index = page->index`.
    ReadIndex {
        /// The index.
        index: u16,
    },
    /// The `i_pages` lock was taken.
    XaLock {
        /// The inode.
        ino: u8,
    },
    /// The `i_pages` lock was dropped.
    XaUnlock {
        /// The inode.
        ino: u8,
    },
    /// `__radix_tree_lookup()`.
    Lookup {
        /// The inode.
        ino: u8,
        /// The index looked up.
        index: u16,
        /// What was found.
        found: Option<Entry>,
    },
    /// The entry lock bit was set.
    LockSlot {
        /// The inode.
        ino: u8,
        /// The entry's index.
        index: u16,
        /// Memory failure's lock (`dax_lock_mapping_entry()`), not a fault's.
        pins_inode: bool,
    },
    /// The entry lock bit was cleared.
    UnlockSlot {
        /// The inode.
        ino: u8,
        /// The entry's index.
        index: u16,
    },
    /// A locked empty entry was inserted.
    InsertEmpty {
        /// The inode.
        ino: u8,
        /// Its index.
        index: u16,
    },
    /// `dax_associate_entry()`.
    Associate {
        /// The page.
        pfn: Pfn,
        /// `page->mapping` now.
        mapping: Ptr,
        /// `page->index` now.
        index: u16,
    },
    /// The empty entry became the pfn's entry.
    ReplaceEntry {
        /// The block.
        pfn: Pfn,
    },
    /// `dax_disassociate_entry()`: `page->mapping = NULL` (none for an empty entry).
    Disassociate {
        /// The page, if the entry mapped one.
        pfn: Option<Pfn>,
    },
    /// `radix_tree_delete()`.
    DeleteEntry {
        /// The inode.
        ino: u8,
        /// The index.
        index: u16,
    },
    /// `prepare_to_wait[_exclusive]()`.
    PrepareToWait {
        /// The bucket.
        bucket: u8,
        /// The key's inode.
        ino: u8,
        /// The key's index.
        index: u16,
        /// Exclusive (tail) or not (head).
        exclusive: bool,
    },
    /// `schedule()`.
    Schedule(Sched),
    /// `finish_wait()`.
    FinishWait {
        /// It was still queued and took itself off.
        was_queued: bool,
    },
    /// A keyed wake-up on a bucket.
    Wake {
        /// The bucket.
        bucket: u8,
        /// The key's inode.
        ino: u8,
        /// The key's index.
        index: u16,
        /// Wake all (`wake_all`), or stop after one exclusive waiter.
        all: bool,
        /// Who was woken, in queue order, and whether each waited exclusively.
        woken: Vec<(Tid, bool)>,
        /// Waiters of the bucket passed over because their key did not match: who, and the
        /// key's inode and index.
        passed: Vec<(Tid, u8, u16)>,
    },
    /// `put_unlocked_mapping_entry()` with no entry: nobody to wake.
    WakeNoEntry {
        /// Waiters left asleep on entries nobody holds locked: who, bucket, key inode, index.
        stranded: Vec<(Tid, u8, u8, u16)>,
    },
    /// `dax_lock_mapping_entry()` gives up (no mapping, or no entry) without passing on a
    /// wake-up it may have consumed.
    GaveUp {
        /// Waiters left asleep on entries nobody holds locked: who, bucket, key inode, index.
        stranded: Vec<(Tid, u8, u8, u16)>,
    },
    /// The MMAPLOCK was taken (`down_read`/`down_write` returned).
    MmaplockTaken {
        /// The inode.
        ino: u8,
        /// Exclusive (truncate) or shared (fault).
        write: bool,
        /// It was handed over while the task slept.
        after_sleep: bool,
    },
    /// The task queued on the MMAPLOCK and sleeps.
    MmaplockQueued {
        /// The inode.
        ino: u8,
        /// Exclusive or shared.
        write: bool,
        /// Bit per thread holding it.
        holders: u16,
    },
    /// The MMAPLOCK was released.
    MmaplockReleased {
        /// The inode.
        ino: u8,
        /// Exclusive or shared.
        write: bool,
        /// Bit per sleeper it was handed to.
        granted: u16,
    },
    /// `radix_tree_tag_clear(..., PAGECACHE_TAG_TOWRITE)`.
    ClearToWrite {
        /// The inode.
        ino: u8,
        /// The index.
        index: u16,
    },
    /// `rcu_read_lock()`.
    RcuLock {
        /// The nesting depth after it.
        nesting: u8,
    },
    /// `rcu_read_unlock()`.
    RcuUnlock {
        /// The nesting depth after it.
        nesting: u8,
        /// What, at the outermost unlock, keeps the inode the task works on alive instead of
        /// RCU, if anything.
        holding: Option<Keeps>,
    },
    /// The last `iput()`: `evict()` begins.
    Iput {
        /// The inode.
        ino: u8,
    },
    /// `call_rcu(&VFS_I(ip)->i_rcu, xfs_inode_free_callback)`.
    CallRcu {
        /// The inode.
        ino: u8,
    },
    /// The inode memory was recycled for another file.
    Recycled {
        /// The inode it held.
        old: u8,
        /// The inode it holds now.
        new: u8,
    },
    /// The recycled file's first fault mapped its page.
    NewFileFault {
        /// The block.
        pfn: Pfn,
        /// Its index.
        index: u16,
        /// The inode.
        ino: u8,
    },
    /// A grace period started; bit per thread it waits for.
    GpStart {
        /// Its number.
        number: u8,
        /// Bit per thread inside a read-side section when it started.
        waiting: u16,
    },
    /// A grace period ended.
    GpEnd {
        /// Its number.
        number: u8,
    },
    /// An RCU callback freed inode memory.
    Freed {
        /// The inode.
        ino: u8,
        /// After which grace period.
        gp: u8,
    },
    /// Control passed through this line (a branch, a call, a return...) on the way to the
    /// next step.
    Passed(Line),
    /// The thread finished.
    Exit(ThreadResult),
}

/// Where facts go while stepping. The explorer uses [`Quiet`], which keeps nothing.
pub trait Sink {
    /// Whether facts are kept (false: the caller may skip building them).
    const ON: bool;
    /// Record one fact.
    fn fact(&mut self, f: Fact);
}

/// Keeps every fact.
impl Sink for Vec<Fact> {
    const ON: bool = true;
    fn fact(&mut self, f: Fact) {
        self.push(f);
    }
}

/// Keeps nothing (the explorer's fast path).
pub struct Quiet;
impl Sink for Quiet {
    const ON: bool = false;
    fn fact(&mut self, _: Fact) {}
}

/// The result of one step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Who stepped.
    pub tid: Tid,
    /// The line it executed.
    pub line: Line,
    /// What the step did (empty when stepping quietly).
    pub facts: Vec<Fact>,
    /// The violation this step caused or revealed, which stops the run.
    pub violation: Option<Violation>,
    /// Bit per thread that can run after the step.
    pub runnable: u16,
}
