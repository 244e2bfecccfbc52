//! The simulated kernel objects. A [`World`] is a plain value: it holds no pointers, only small
//! ids, so cloning it is a copy and it can be hashed by the explorer.

use crate::ids::{Addr, Pfn, Tid};
use crate::listing::Line;
use tinyvec::ArrayVec;

/// Most threads a scenario may have.
pub const MAX_THREADS: usize = 12;
/// Most pages (pfns) on the simulated pmem device.
pub const MAX_PAGES: usize = 8;
/// Most pieces of inode memory.
pub const MAX_INODES: usize = 4;
/// Most `i_pages` entries one inode may hold.
pub const MAX_ENTRIES: usize = 8;
/// Entries of a PMD entry: 2 MiB of 4 KiB pages.
pub const PMD_NR: u16 = 512;

/// The `dev_pagemap` of the pmem device: its live references and teardown state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Pgmap {
    /// References taken by `get_dev_pagemap()` and not yet put.
    pub pins: u8,
    /// `percpu_ref_kill()` has run: no new references can be taken.
    pub killed: bool,
    /// The device's memory and `struct page` array are gone.
    pub removed: bool,
}

/// One `struct page` of the device.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Page {
    /// `page->mapping`: the address of the `address_space` (inside an inode) or NULL.
    pub mapping: Option<Addr>,
    /// `page->index`: the file offset in pages.
    pub index: u16,
    /// `PageHWPoison(page)`.
    pub hwpoison: bool,
}

/// The kind of file an inode is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum InodeKind {
    /// A regular file on a filesystem mounted with `-o dax` (filesystem-dax).
    #[default]
    Regular,
    /// A device-dax character device (`S_ISCHR(inode->i_mode)`).
    CharDevice,
}

/// Where a piece of inode memory is in its life.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Life {
    /// A live inode.
    #[default]
    Live,
    /// The last reference is gone and `evict()` is running (`I_FREEING`).
    Freeing,
    /// XFS's reclaim queued `xfs_inode_free_callback` with `call_rcu()`: freed after a grace period.
    RcuPending,
    /// The memory has been freed. Touching it is a use-after-free.
    Freed {
        /// The grace period after which it was freed.
        after_gp: u8,
    },
}

/// Flag bits of a DAX entry.
pub mod entry_flags {
    /// The entry lock (`RADIX_DAX_ENTRY_LOCK`).
    pub const LOCKED: u8 = 1;
    /// A 2 MiB entry covering `PMD_NR` indices.
    pub const PMD: u8 = 2;
    /// A zero-page entry.
    pub const ZERO_PAGE: u8 = 4;
    /// A placeholder used only for locking, with no pfn yet.
    pub const EMPTY: u8 = 8;
    /// `PAGECACHE_TAG_TOWRITE`: fsync will write this entry back.
    pub const TOWRITE: u8 = 16;
}

/// One DAX entry in an inode's `i_pages`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Entry {
    /// The index of the slot (for a PMD entry, its first index).
    pub index: u16,
    /// The first pfn this entry maps (meaningless when `EMPTY`).
    pub pfn: Pfn,
    /// [`entry_flags`] bits.
    pub flags: u8,
    /// The thread that set the lock bit, for display and leak checks.
    pub locker: Option<Tid>,
}

impl Entry {
    /// Whether the lock bit is set.
    pub fn locked(&self) -> bool {
        self.flags & entry_flags::LOCKED != 0
    }
    /// Whether this is a 2 MiB entry.
    pub fn is_pmd(&self) -> bool {
        self.flags & entry_flags::PMD != 0
    }
    /// Whether this is an empty placeholder.
    pub fn is_empty(&self) -> bool {
        self.flags & entry_flags::EMPTY != 0
    }
    /// Whether the entry covers file offset `index`.
    pub fn covers(&self, index: u16) -> bool {
        if self.is_pmd() {
            index - index % PMD_NR == self.index
        } else {
            index == self.index
        }
    }
    /// Whether the entry maps `pfn`.
    pub fn maps(&self, pfn: Pfn) -> bool {
        if self.is_empty() {
            return false;
        }
        let span = if self.is_pmd() { PMD_NR } else { 1 };
        (self.pfn.0 as u16..self.pfn.0 as u16 + span).contains(&(pfn.0 as u16))
    }
}

/// A read-write semaphore: the filesystem's MMAPLOCK (XFS `i_mmaplock`, ext4 `i_mmap_sem`).
/// Faults hold it shared, truncate exclusive; a task that cannot have it sleeps in the queue,
/// and releases hand it to the sleepers in arrival order (a writer alone, or the readers at the
/// front).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RwSem {
    /// Bit per thread holding it shared.
    pub readers: u16,
    /// The thread holding it exclusive.
    pub writer: Option<Tid>,
    /// The sleepers in arrival order: the thread and whether it wants it exclusive.
    pub queue: ArrayVec<[(Tid, bool); MAX_THREADS]>,
}

impl RwSem {
    /// Whether `tid` holds it (shared or exclusive).
    pub fn held_by(&self, tid: Tid) -> bool {
        self.readers & (1 << tid.0) != 0 || self.writer == Some(tid)
    }
    /// Whether `tid` sleeps in its queue.
    pub fn queued(&self, tid: Tid) -> bool {
        self.queue.iter().any(|(t, _)| *t == tid)
    }
}

/// A piece of inode memory and, while it is an inode, the inode with its `address_space`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct InodeMem {
    /// The inode number shown to students ("inode #1"). Changes when the memory is recycled.
    pub ino: u8,
    /// The inode number this memory held before it was recycled.
    pub previous_ino: Option<u8>,
    /// Regular file or character device.
    pub kind: InodeKind,
    /// Whether the inode has `S_DAX`.
    pub dax: bool,
    /// Lifetime of the memory.
    pub life: Life,
    /// Open references that keep the inode from eviction (a fault in progress holds one).
    pub users: u8,
    /// The holder of the `i_pages` spinlock (`xa_lock`), if any.
    pub xa_lock: Option<Tid>,
    /// The filesystem's MMAPLOCK of this inode.
    pub mmaplock: RwSem,
    /// The `i_pages` radix tree: DAX entries, sorted by index.
    pub entries: ArrayVec<[Entry; MAX_ENTRIES]>,
}

impl InodeMem {
    /// The entry covering `index`, if any.
    pub fn lookup(&self, index: u16) -> Option<&Entry> {
        self.entries.iter().find(|e| e.covers(index))
    }
    pub(crate) fn lookup_mut(&mut self, index: u16) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.covers(index))
    }
    /// Whether the memory is freed.
    pub fn is_freed(&self) -> bool {
        matches!(self.life, Life::Freed { .. })
    }
}

/// The key a DAX waiter sleeps on: `(mapping, entry_start)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct WaitKey {
    /// The mapping pointer.
    pub mapping: Addr,
    /// The entry's first index (PMD entries round down).
    pub entry_start: u16,
}

/// One task queued in a bucket of the global wait table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Waiter {
    /// The sleeping task.
    pub tid: Tid,
    /// The bucket (wait-queue head) it is queued on.
    pub bucket: u8,
    /// What it waits for; wake-ups with another key pass it by.
    pub key: WaitKey,
    /// Queued with `prepare_to_wait_exclusive()`.
    pub exclusive: bool,
}

/// One callback queued with `call_rcu()`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RcuCallback {
    /// The inode memory `xfs_inode_free_callback` will free.
    pub addr: Addr,
    /// The grace period it waits for (0: not yet assigned to one).
    pub gp: u8,
}

/// A grace period in progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GracePeriod {
    /// Its number, from 1.
    pub number: u8,
    /// Bit per thread: readers that were inside a read-side section when it started and have
    /// not left it yet.
    pub waiting_for: u16,
}

/// RCU state.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Rcu {
    /// Number of grace periods that have ended.
    pub completed: u8,
    /// The grace period in progress.
    pub current: Option<GracePeriod>,
    /// Callbacks not yet invoked.
    pub callbacks: ArrayVec<[RcuCallback; MAX_INODES]>,
}

/// Deepest chain of calls a thread may be inside (memory failure → dax_lock_mapping_entry →
/// __get_unlocked_mapping_entry → entry_wait_revalidate is four).
pub const MAX_FRAMES: usize = 6;

/// A thread's return stack: the call lines of the functions it is inside, innermost last.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Frames {
    // Invariant: calls[..depth] are call lines; the rest are zero.
    calls: [u8; MAX_FRAMES],
    depth: u8,
}

impl Frames {
    /// The call lines, outermost first.
    pub fn calls(&self) -> impl DoubleEndedIterator<Item = Line> + '_ {
        self.calls[..self.depth as usize]
            .iter()
            .filter_map(|&b| Line::from_index(b))
    }
    /// The innermost call line.
    pub fn top(&self) -> Option<Line> {
        self.depth
            .checked_sub(1)
            .and_then(|d| Line::from_index(self.calls[d as usize]))
    }
    /// Enter a call made at `line`; false when the stack is full.
    pub(crate) fn push(&mut self, line: Line) -> bool {
        if self.depth as usize == MAX_FRAMES {
            return false;
        }
        self.calls[self.depth as usize] = line as u8;
        self.depth += 1;
        true
    }
    /// Leave the innermost call, giving its call line.
    pub(crate) fn pop(&mut self) -> Option<Line> {
        let top = self.top()?;
        self.depth -= 1;
        self.calls[self.depth as usize] = 0;
        Some(top)
    }
    /// How many calls deep the thread is.
    pub fn depth(&self) -> usize {
        self.depth as usize
    }
    /// The stack as one number: the call lines in the low bytes, the depth in the top one
    /// (bits 48 to 55 are zero).
    pub(crate) fn packed(&self) -> u64 {
        let mut b = [0u8; 8];
        b[..MAX_FRAMES].copy_from_slice(&self.calls);
        b[7] = self.depth;
        u64::from_le_bytes(b)
    }
}
const _: () = assert!(MAX_FRAMES <= 6);

/// The local variables of a thread's program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Locals {
    /// The thread's `mapping` variable (a pointer that may go stale).
    pub mapping: Option<Addr>,
    /// Its `index` variable.
    pub index: u16,
    /// The `entry` it last looked up (a copy of the value).
    pub entry: Option<Entry>,
    /// `did_lock` in `dax_lock_mapping_entry()`.
    pub did_lock: bool,
    /// The wait queue it prepared to wait on: bucket and key.
    pub wait: Option<(u8, WaitKey)>,
    /// Loop counter (which index truncate is at).
    pub iter: u8,
    /// Whether the thread holds a `dev_pagemap` reference.
    pub pinned: bool,
    /// `revalidate`, as the seed's wait function returned it (until `-EAGAIN` is returned).
    pub revalidate: bool,
}

/// How a finished thread ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThreadResult {
    /// Memory failure: the page was poisoned and its users killed ("Recovered").
    Recovered,
    /// Memory failure: `dax_lock_mapping_entry()` returned false ("Failed").
    Failed,
    /// Memory failure: no live `dev_pagemap` (`-ENXIO`).
    NoDevice,
    /// Any other program ran to its end.
    Done,
}

impl ThreadResult {
    /// The word shown to students.
    pub fn word(self) -> &'static str {
        match self {
            ThreadResult::Recovered => "Recovered",
            ThreadResult::Failed => "Failed",
            ThreadResult::NoDevice => "Ignored (-ENXIO)",
            ThreadResult::Done => "done",
        }
    }
}

/// One simulated task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Thread {
    /// The line it executes next (once finished: the last line it executed).
    pub pc: Line,
    /// The calls it is inside.
    pub frames: Frames,
    /// Its local variables.
    pub locals: Locals,
    /// Task state is `TASK_RUNNING` (false: `TASK_UNINTERRUPTIBLE` after `prepare_to_wait`).
    pub running: bool,
    /// It is inside `schedule()`, asleep until `running` is set again.
    pub sleeping: bool,
    /// `rcu_read_lock()` nesting depth.
    pub rcu_nesting: u8,
    /// The `i_pages` locks it holds, at most two (the seed can leak one across `continue`).
    pub spinlocks: [Option<Addr>; 2],
    /// How it ended, once it has.
    pub result: Option<ThreadResult>,
}

impl Default for Thread {
    /// An empty slot (only used to fill unused capacity of the thread list).
    fn default() -> Thread {
        Thread::new(crate::listing::LINES[0].line)
    }
}

impl Thread {
    /// The first `i_pages` lock it holds, if any (for `schedule()`, exit checks and the
    /// narration; see also [`World::entry_lock_held_by`]).
    pub fn first_spinlock(&self) -> Option<Addr> {
        self.spinlocks.iter().flatten().next().copied()
    }

    pub(crate) fn new(pc: Line) -> Thread {
        Thread {
            pc,
            frames: Frames::default(),
            locals: Locals::default(),
            running: true,
            sleeping: false,
            rcu_nesting: 0,
            spinlocks: [None; 2],
            result: None,
        }
    }
    /// Whether the thread holds any spinlock.
    pub fn holds_spinlock(&self) -> bool {
        self.spinlocks.iter().any(Option::is_some)
    }
}

/// The whole simulated machine at one moment. Stepping (see [`crate::Model::step`]) is the only
/// way to change it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct World {
    /// The pmem device's `dev_pagemap`.
    pub pgmap: Pgmap,
    /// The `struct page` array, indexed by pfn.
    pub pages: ArrayVec<[Page; MAX_PAGES]>,
    /// Inode memory, indexed by [`Addr`].
    pub inodes: ArrayVec<[InodeMem; MAX_INODES]>,
    /// The global wait table's queued waiters, in queue order within each bucket.
    pub waiters: ArrayVec<[Waiter; MAX_THREADS]>,
    /// RCU.
    pub rcu: Rcu,
    /// The threads, indexed by [`Tid`].
    pub threads: ArrayVec<[Thread; MAX_THREADS]>,
    /// The next inode number to hand out.
    pub next_ino: u8,
    /// A violation has happened; nothing can run any more.
    pub halted: bool,
}

impl World {
    /// The inode memory at `addr`.
    pub fn inode(&self, addr: Addr) -> &InodeMem {
        &self.inodes[addr.0 as usize]
    }
    /// An entry lock `tid` holds, as (inode number, index).
    pub fn entry_lock_held_by(&self, tid: Tid) -> Option<(u8, u16)> {
        self.inodes.iter().find_map(|mem| {
            mem.entries
                .iter()
                .find(|e| e.locker == Some(tid) && e.locked())
                .map(|e| (mem.ino, e.index))
        })
    }
    /// The page of `pfn`.
    pub fn page(&self, pfn: Pfn) -> &Page {
        &self.pages[pfn.0 as usize]
    }
    /// The thread `tid`.
    pub fn thread(&self, tid: Tid) -> &Thread {
        &self.threads[tid.0 as usize]
    }
    /// The waiters of one bucket, head first.
    pub fn bucket(&self, bucket: u8) -> impl Iterator<Item = &Waiter> {
        self.waiters.iter().filter(move |w| w.bucket == bucket)
    }
    /// Whether `tid` is queued in the wait table.
    pub fn queued(&self, tid: Tid) -> Option<&Waiter> {
        self.waiters.iter().find(|w| w.tid == tid)
    }
}

fn opt(v: Option<u8>) -> u64 {
    // Option<small id>: 0 for None, id + 1 otherwise (ids stay below 255).
    v.map_or(0, |x| x as u64 + 1)
}

/// Two 64-bit words as one 128-bit input to the hasher.
fn pair(a: u64, b: u64) -> u128 {
    a as u128 | (b as u128) << 64
}

fn entry_word(e: &Entry) -> u64 {
    let Entry {
        index,
        pfn,
        flags,
        locker,
    } = *e;
    index as u64 | (pfn.0 as u64) << 16 | (flags as u64) << 24 | opt(locker.map(|t| t.0)) << 32
}

impl World {
    /// The explorer's fingerprint of the world: every field, each at a fixed place in a stream of
    /// 128-bit inputs (after the lists' lengths), fed to `hasher`.
    /// Equal worlds give equal fingerprints; different worlds give different input streams, so
    /// they collide only as 64-bit hashes do.
    pub fn fingerprint<B: core::hash::BuildHasher>(&self, hasher: &B) -> u64 {
        use core::hash::Hasher;
        // Destructured without `..`: a new field does not compile until it is hashed.
        let World {
            pgmap,
            pages,
            inodes,
            waiters,
            rcu,
            threads,
            next_ino,
            halted,
        } = self;
        let Pgmap {
            pins,
            killed,
            removed,
        } = *pgmap;
        let Rcu {
            completed,
            current,
            callbacks,
        } = rcu;
        let mut h = hasher.build_hasher();
        let (has_gp, number, waiting_for) = match current {
            None => (0, 0, 0),
            Some(GracePeriod {
                number,
                waiting_for,
            }) => (1, *number, *waiting_for),
        };
        let rcu =
            *completed as u64 | has_gp << 8 | (number as u64) << 16 | (waiting_for as u64) << 24;
        let header = pins as u64
            | (killed as u64) << 8
            | (removed as u64) << 9
            | (*halted as u64) << 10
            | (*next_ino as u64) << 16
            | (pages.len() as u64) << 24
            | (inodes.len() as u64) << 32
            | (waiters.len() as u64) << 40
            | (callbacks.len() as u64) << 48
            | (threads.len() as u64) << 56;
        h.write_u128(pair(header, rcu));
        for pg in pages {
            let Page {
                mapping,
                index,
                hwpoison,
            } = *pg;
            h.write_u128(
                (opt(mapping.map(|a| a.0)) | (index as u64) << 8 | (hwpoison as u64) << 24) as u128,
            );
        }
        for i in inodes {
            let InodeMem {
                ino,
                previous_ino,
                kind,
                dax,
                life,
                users,
                xa_lock,
                mmaplock,
                entries,
            } = i;
            let (life, gp) = match *life {
                Life::Live => (0, 0),
                Life::Freeing => (1, 0),
                Life::RcuPending => (2, 0),
                Life::Freed { after_gp } => (3, after_gp),
            };
            let kind = match kind {
                InodeKind::Regular => 0,
                InodeKind::CharDevice => 1,
            };
            h.write_u128(
                (*ino as u64
                    | opt(*previous_ino) << 8
                    | kind << 16
                    | (*dax as u64) << 17
                    | (life as u64) << 18
                    | (gp as u64) << 24
                    | (*users as u64) << 32
                    | opt(xa_lock.map(|t| t.0)) << 40
                    | (entries.len() as u64) << 48) as u128,
            );
            let RwSem {
                readers,
                writer,
                queue,
            } = mmaplock;
            let mut q: u64 = queue.len() as u64;
            for (k, (t, w)) in queue.iter().enumerate().take(7) {
                q |= ((t.0 as u64) << 1 | *w as u64) << (8 + 8 * k);
            }
            h.write_u128(pair(*readers as u64 | (opt(writer.map(|t| t.0))) << 16, q));
            for (t, w) in queue.iter().skip(7) {
                h.write_u128((t.0 as u64 | (*w as u64) << 8) as u128);
            }
            for e in entries {
                h.write_u128(entry_word(e) as u128);
            }
        }
        for q in waiters {
            let Waiter {
                tid,
                bucket,
                key,
                exclusive,
            } = *q;
            let WaitKey {
                mapping,
                entry_start,
            } = key;
            h.write_u128(
                (tid.0 as u64
                    | (bucket as u64) << 8
                    | (mapping.0 as u64) << 16
                    | (entry_start as u64) << 24
                    | (exclusive as u64) << 40) as u128,
            );
        }
        for c in callbacks {
            let RcuCallback { addr, gp } = *c;
            h.write_u128((addr.0 as u64 | (gp as u64) << 8) as u128);
        }
        for t in threads {
            let Thread {
                pc,
                frames,
                locals,
                running,
                sleeping,
                rcu_nesting,
                spinlocks,
                result,
            } = t;
            let Frames { calls: f, depth: _ } = frames;
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
            let result = match result {
                None => 0u64,
                Some(ThreadResult::Recovered) => 1,
                Some(ThreadResult::Failed) => 2,
                Some(ThreadResult::NoDevice) => 3,
                Some(ThreadResult::Done) => 4,
            };
            let flags = entry.is_some() as u64
                | (*did_lock as u64) << 1
                | (*pinned as u64) << 2
                | (*revalidate as u64) << 3
                | (*running as u64) << 4
                | (*sleeping as u64) << 5;
            let w0 = *pc as u64
                | opt(mapping.map(|a| a.0)) << 8
                | (*index as u64) << 16
                | flags << 32
                | (*iter as u64) << 40
                | (*rcu_nesting as u64) << 48
                | result << 56;
            let (wb, wm, ws) = wait.map_or((0, 0, 0), |(b, k)| (b + 1, k.mapping.0, k.entry_start));
            let w1 = entry.as_ref().map_or(0, entry_word)
                | (wb as u64) << 40
                | (wm as u64) << 48
                | opt(spinlocks[0].map(|a| a.0)) << 56;
            // The call lines beyond the depth are zero (Frames' invariant), so they stand for it.
            let w2 = ws as u64
                | opt(spinlocks[1].map(|a| a.0)) << 16
                | (f[0] as u64) << 24
                | (f[1] as u64) << 32
                | (f[2] as u64) << 40
                | (f[3] as u64) << 48
                | (f[4] as u64) << 56;
            h.write_u128(pair(w0, w1));
            h.write_u128(pair(w2, f[5] as u64));
        }
        h.finish()
    }
}
