//! Footprints: which shared objects a step reads, writes, or updates commutatively, and what can
//! wake a thread that cannot run. This is the one place that knows it, for every [`Action`] (an
//! exhaustive `match`: a new action does not compile until its footprint is written here).
//!
//! The partial-order reduction (`por.rs`) asks two questions:
//! - **now**: the exact footprint of a thread's next step in a given world (its mapping, index,
//!   bucket are known), including what its blocking rule reads;
//! - **future**: an over-approximation of everything a thread may still touch, from its current
//!   line and return stack to its end, over every value its locals may take.
//!
//! Objects are bits of a [`Objs`] set. Two footprints conflict when one writes what the other
//! reads, writes or updates, or when one reads what the other updates. Updates (`a`) are
//! operations that commute with each other: adding to a counter (`dev_pagemap` pins, inode
//! users), setting a flag that is never cleared (`PageHWPoison`).
//!
//! Where the model's behaviour is not plainly local, footprints err on the side of conflict: a
//! larger footprint only costs reduction, never soundness.

use crate::ids::{Addr, Pfn, Tid};
use crate::listing::Action;
use crate::world::{MAX_INODES, MAX_PAGES, MAX_THREADS};

/// A set of shared objects, one bit each.
pub(crate) type Objs = u128;

/// `dev_pagemap` references (a counter: get and put are updates).
const PINS: u32 = 0;
/// `dev_pagemap` killed / removed.
const PGSTATE: u32 = 1;
/// `page->mapping` and `page->index`, per pfn.
const PAGE: u32 = 2;
/// `PageHWPoison`, per pfn (only ever set).
const POISON: u32 = PAGE + MAX_PAGES as u32;
/// The `i_pages` lock, per inode memory.
const LOCK: u32 = POISON + MAX_PAGES as u32;
/// What a dereference of inode memory sees: freed or not, its inode number, kind, `S_DAX`.
const INODE: u32 = LOCK + MAX_INODES as u32;
/// The exact life of inode memory (`I_FREEING`, RCU pending, freed, recycled).
const LIFE: u32 = INODE + MAX_INODES as u32;
/// The users holding the file open (a counter).
const USERS: u32 = LIFE + MAX_INODES as u32;
/// Slots of index classes per inode: an entry at index `i` is object `i % ENTRY_SLOTS`.
pub(crate) const ENTRY_SLOTS: u32 = 8;
/// `i_pages` entries, per inode and index class.
const ENTRIES: u32 = USERS + MAX_INODES as u32;
/// Classes of wait-table buckets: bucket `b` is object `b % BUCKETS`.
pub(crate) const BUCKETS: u32 = 16;
/// The wait-table buckets (their queues and the task states of the waiters on them).
const BUCKET: u32 = ENTRIES + ENTRY_SLOTS * MAX_INODES as u32;
/// Per thread: its RCU read-side nesting and its bit in the grace period's `waiting_for`.
const RCUR: u32 = BUCKET + BUCKETS;
/// RCU's callbacks, grace-period number and completed count.
const RCU_CORE: u32 = RCUR + MAX_THREADS as u32;
/// The next inode number to hand out.
const NEXT_INO: u32 = RCU_CORE + 1;
/// The MMAPLOCK (holders and sleepers), per inode memory.
const MMAPLOCK: u32 = NEXT_INO + 1;
/// Per wait-bucket class: that a task may join its queue. Only `prepare_to_wait()` writes it;
/// a wake-up of a bucket nobody waits on reads it (and nothing else), so it commutes with other
/// wake-ups and `finish_wait()`s, which can only take waiters off a queue.
const ENQ: u32 = MMAPLOCK + MAX_INODES as u32;
const _: () = assert!(ENQ + BUCKETS <= 128);

const fn bit(b: u32) -> Objs {
    1 << b
}

/// Every index class.
pub(crate) const ALL_SLOTS: u8 = 0xff;
const _: () = assert!(ENTRY_SLOTS == 8);

fn spread(mask: u32, base: u32, width: u32) -> Objs {
    (mask as Objs & ((1 << width) - 1)) << base
}

/// Which objects one step touches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Footprint {
    /// Read.
    pub r: Objs,
    /// Written.
    pub w: Objs,
    /// Updated commutatively (counters, flags only ever set).
    pub a: Objs,
}

impl Footprint {
    /// Whether the two cannot be swapped: one writes what the other touches, or one reads what
    /// the other updates.
    pub(crate) fn conflicts(&self, o: &Footprint) -> bool {
        (self.w & (o.r | o.w | o.a)) | (self.r & (o.w | o.a)) | (self.a & (o.r | o.w)) != 0
    }
    /// Both.
    pub(crate) fn union(self, o: Footprint) -> Footprint {
        Footprint {
            r: self.r | o.r,
            w: self.w | o.w,
            a: self.a | o.a,
        }
    }
    /// The same objects, every update made a write: for a step whose updates do not commute
    /// in this world (a reader's `down_read()` while a writer holds or waits).
    pub(crate) fn exclusive(self) -> Footprint {
        Footprint {
            r: self.r,
            w: self.w | self.a,
            a: 0,
        }
    }
    /// A wake-up of buckets nobody waits on: it only reads that nobody joins their queues.
    pub(crate) fn idle_wake(self) -> Footprint {
        Footprint {
            r: self.r | ((self.w >> BUCKET) & ((1 << BUCKETS) - 1)) << ENQ,
            w: self.w & !spread(u32::MAX, BUCKET, BUCKETS),
            a: self.a,
        }
    }
    /// The wait buckets it writes (wakes, queues).
    pub(crate) fn writes_bucket(&self, bucket: u8) -> bool {
        self.w & bit(BUCKET + bucket as u32 % BUCKETS) != 0
    }
    /// Whether it may queue an RCU callback.
    pub(crate) fn writes_rcu_core(&self) -> bool {
        self.w & bit(RCU_CORE) != 0
    }
    /// Whether it may write an inode's lock word (unlock, or free the memory).
    pub(crate) fn writes_lock(&self, a: Addr) -> bool {
        self.w & bit(LOCK + a.0 as u32) != 0
    }
    /// Whether it may update the `dev_pagemap` reference count.
    pub(crate) fn updates_pins(&self) -> bool {
        (self.a | self.w) & bit(PINS) != 0
    }
}

/// The objects a step of one thread may name: exact values for the next step ("now"), every
/// value the thread's locals may take ("future").
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Scope {
    /// The thread.
    pub me: Tid,
    /// The pages its program works on (memory failure's page, a fault's block).
    pub pages: u8,
    /// The inode memory its `mapping` may point at.
    pub maps: u8,
    /// The inode memory `page->mapping` of its page may point at (reverse map walks).
    pub page_maps: u8,
    /// The index classes its `index` may be in.
    pub slots: u8,
    /// The classes of wait buckets it may queue on or wake (see [`bucket_bit`]).
    pub buckets: u16,
    /// The pages an entry it disassociates may map.
    pub entry_pages: u8,
    /// The file it drops on `iput()` (its program's mapping).
    pub iput: u8,
    /// The file it holds open until it finishes.
    pub holds: u8,
    /// The inode memory an RCU callback it invokes may free.
    pub callbacks: u8,
    /// The page a recycled file's first fault maps.
    pub new_page: u8,
    /// Every thread of the world (bits).
    pub threads: u16,
}

impl Scope {
    fn entries(&self, maps: u8, slots: u8) -> Objs {
        let mut o = 0;
        for a in 0..MAX_INODES as u32 {
            if maps & (1 << a) != 0 {
                o |= (slots as Objs) << (ENTRIES + a * ENTRY_SLOTS);
            }
        }
        o
    }
    fn inode(&self, maps: u8) -> Objs {
        spread(maps as u32, INODE, MAX_INODES as u32)
    }
    fn life(&self, maps: u8) -> Objs {
        spread(maps as u32, LIFE, MAX_INODES as u32)
    }
    fn lock(&self, maps: u8) -> Objs {
        spread(maps as u32, LOCK, MAX_INODES as u32)
    }
    fn mmaplock(&self, maps: u8) -> Objs {
        spread(maps as u32, MMAPLOCK, MAX_INODES as u32)
    }
    fn users(&self, maps: u8) -> Objs {
        spread(maps as u32, USERS, MAX_INODES as u32)
    }
    fn page(&self, pages: u8) -> Objs {
        spread(pages as u32, PAGE, MAX_PAGES as u32)
    }
    fn poison(&self, pages: u8) -> Objs {
        spread(pages as u32, POISON, MAX_PAGES as u32)
    }
    fn buckets(&self) -> Objs {
        spread(self.buckets as u32, BUCKET, BUCKETS)
    }
    fn enq(&self) -> Objs {
        spread(self.buckets as u32, ENQ, BUCKETS)
    }
    fn rcu_me(&self) -> Objs {
        bit(RCUR + self.me.0 as u32)
    }
    fn rcu_all(&self) -> Objs {
        spread(self.threads as u32, RCUR, MAX_THREADS as u32)
    }

    /// The footprint of `action` run by this thread: its effect, the checks that may end in a
    /// violation, and its blocking rule.
    pub(crate) fn action(&self, action: Action) -> Footprint {
        let mut f = Footprint::default();
        let m = self.maps;
        match action {
            Action::GetDevPagemap => {
                f.r |= bit(PGSTATE);
                f.a |= bit(PINS);
            }
            Action::PutDevPagemap => f.a |= bit(PINS),
            Action::KillPgmap | Action::RemovePgmap => f.w |= bit(PGSTATE),
            Action::WaitPgmapDrained => f.r |= bit(PINS) | bit(PGSTATE),
            Action::SetHwPoison => f.a |= self.poison(self.pages),
            Action::CollectProcs | Action::UnmapMappingRange => {
                f.r |= self.page(self.pages) | self.inode(self.page_maps);
            }
            Action::KillProcs => {}
            Action::ReadPageMapping | Action::RecheckMapping | Action::ReadPageIndex => {
                f.r |= self.page(self.pages);
            }
            Action::DaxMapping { .. } | Action::ReadHost | Action::IsChr => {
                f.r |= self.inode(m);
            }
            Action::UnlockIsChr => f.r |= self.inode(m) | self.page(self.pages),
            Action::XaLockIrq | Action::XaUnlockIrq => {
                f.r |= self.inode(m);
                f.w |= self.lock(m);
            }
            Action::Lookup => f.r |= self.inode(m) | self.entries(m, self.slots),
            Action::LockSlot { check_owner } => {
                f.w |= self.entries(m, self.slots);
                if check_owner {
                    f.r |= self.page(self.pages) | self.inode(m);
                }
            }
            Action::UnlockSlot | Action::ReplaceEntry | Action::DeleteEntry => {
                f.w |= self.entries(m, self.slots);
            }
            // The table may fill up: the insert reads every slot of the inode.
            Action::InsertLockedEmpty => f.w |= self.entries(m, ALL_SLOTS),
            Action::Associate => f.w |= self.page(self.pages),
            Action::Disassociate => f.w |= self.page(self.entry_pages),
            Action::PrepareToWait { .. } => f.w |= self.buckets() | self.enq(),
            Action::FinishWait
            | Action::WakeUp { .. }
            | Action::WakeUpAsCalled
            | Action::WakeNext => {
                f.w |= self.buckets();
            }
            Action::ClearToWrite => f.w |= self.entries(m, self.slots),
            // Shared: while no writer holds the semaphore or sleeps for it, taking and releasing
            // it only set and clear the reader's own bit, so readers commute (an update). A
            // writer's steps conflict with them; once one holds or waits, `por.rs` makes the
            // readers' steps writes ([`Footprint::exclusive`]).
            Action::DownRead | Action::UpRead => {
                f.r |= self.inode(m);
                f.a |= self.mmaplock(m);
            }
            // Taking, queueing for, releasing and handing over the semaphore exclusively.
            Action::DownWrite | Action::UpWrite => {
                f.r |= self.inode(m);
                f.w |= self.mmaplock(m);
            }
            // Reads its own task state, which a wake-up on its bucket writes.
            Action::Schedule => f.r |= self.buckets(),
            Action::RcuReadLock => f.w |= self.rcu_me(),
            Action::RcuReadUnlock => {
                f.w |= self.rcu_me();
                f.r |= bit(RCU_CORE);
            }
            Action::CallRcu => {
                f.w |= self.life(m) | bit(RCU_CORE);
                f.r |= self.inode(m);
            }
            Action::Iput => {
                f.w |= self.life(self.iput);
                f.r |= self.users(self.iput);
            }
            Action::RecycleInode => {
                f.w |= bit(NEXT_INO) | self.inode(m) | self.life(m) | self.entries(m, ALL_SLOTS);
            }
            Action::RecycleFault => {
                f.w |= self.entries(m, ALL_SLOTS) | self.page(self.new_page);
                f.r |= self.inode(m);
            }
            Action::GpStart => {
                f.r |= self.rcu_all();
                f.w |= self.rcu_all() | bit(RCU_CORE);
            }
            Action::GpEnd => {
                f.r |= self.rcu_all();
                f.w |= bit(RCU_CORE);
            }
            Action::InvokeCallbacks => {
                let c = self.callbacks;
                f.w |= bit(RCU_CORE)
                    | self.inode(c)
                    | self.life(c)
                    | self.lock(c)
                    | self.entries(c, ALL_SLOTS);
            }
        }
        f
    }

    /// What the thread's end does: it lets go of its file, and its leak checks read the entry
    /// locks it may hold.
    pub(crate) fn finish(&self) -> Footprint {
        Footprint {
            r: self.entries(self.maps, self.slots),
            w: 0,
            a: self.users(self.holds),
        }
    }

    /// What the RCU machinery reads to decide whether it has work (its blocking rule).
    pub(crate) fn daemon_status(&self) -> Footprint {
        Footprint {
            r: bit(RCU_CORE) | self.rcu_all(),
            w: 0,
            a: 0,
        }
    }
}

/// One bit for `a`, none for NULL.
pub(crate) fn addr_bit(a: Option<Addr>) -> u8 {
    a.map_or(0, |a| 1 << a.0)
}

/// One bit for `p`.
pub(crate) fn page_bit(p: Pfn) -> u8 {
    1u8.checked_shl(p.0 as u32).unwrap_or(0)
}

/// The index class of `index`.
pub(crate) fn slot_bit(index: u16) -> u8 {
    1 << (index as u32 % ENTRY_SLOTS)
}

/// The class of wait bucket `b`.
pub(crate) fn bucket_bit(b: u8) -> u16 {
    1 << (b as u32 % BUCKETS)
}

/// Whether a thread about to run `action` can be stopped by another thread's step (its
/// blocking rule looks at shared state). Every other line can only be left by the thread
/// itself; asleep-in-`schedule()` is a flag only the thread sets. The explorer's incremental
/// runnable mask relies on it.
pub(crate) fn may_block(action: Action) -> bool {
    match action {
        Action::XaLockIrq | Action::Iput | Action::WaitPgmapDrained => true,
        // A thread only queues for the MMAPLOCK by its own step (and then it cannot run until
        // a release hands it over, which the mask checks for every thread that cannot run).
        Action::DownRead | Action::DownWrite => false,
        Action::GetDevPagemap
        | Action::PutDevPagemap
        | Action::KillPgmap
        | Action::RemovePgmap
        | Action::SetHwPoison
        | Action::CollectProcs
        | Action::UnmapMappingRange
        | Action::KillProcs
        | Action::ReadPageMapping
        | Action::DaxMapping { .. }
        | Action::ReadHost
        | Action::IsChr
        | Action::UnlockIsChr
        | Action::RecheckMapping
        | Action::ReadPageIndex
        | Action::XaUnlockIrq
        | Action::Lookup
        | Action::LockSlot { .. }
        | Action::UnlockSlot
        | Action::InsertLockedEmpty
        | Action::Associate
        | Action::ReplaceEntry
        | Action::Disassociate
        | Action::DeleteEntry
        | Action::PrepareToWait { .. }
        | Action::Schedule
        | Action::FinishWait
        | Action::WakeUp { .. }
        | Action::WakeUpAsCalled
        | Action::WakeNext
        | Action::ClearToWrite
        | Action::UpRead
        | Action::UpWrite
        | Action::RcuReadLock
        | Action::RcuReadUnlock
        | Action::CallRcu
        | Action::RecycleInode
        | Action::RecycleFault
        | Action::GpStart
        | Action::GpEnd
        | Action::InvokeCallbacks => false,
    }
}
