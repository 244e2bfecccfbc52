//! Programs: the kernel path each simulated thread runs, with its parameters. A program names
//! the function it starts in; from there the listing table is the program.

use crate::code::Code;
use crate::ids::{Addr, Pfn};
use crate::listing::{self, Func, Line};
use crate::world::{Locals, ThreadResult};
use alloc::string::String;
use alloc::vec::Vec;

/// The kernel path a thread runs, with its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Program {
    /// `memory_failure(pfn)` on a DAX page.
    MemoryFailure {
        /// The poisoned pfn.
        pfn: Pfn,
    },
    /// A DAX fault on `(mapping, index)` that locks the entry, installs `pfn` if the entry is
    /// new, and unlocks it. It holds a reference to the file throughout.
    Fault {
        /// The file's mapping.
        mapping: Addr,
        /// The faulting file offset.
        index: u16,
        /// The block backing it.
        pfn: Pfn,
    },
    /// `truncate_inode_pages_range()` over the given indices.
    Truncate {
        /// The file's mapping.
        mapping: Addr,
        /// The indices to invalidate, in order.
        indices: Vec<u16>,
    },
    /// `invalidate_inode_pages2_range()` over the given indices: each DAX entry through
    /// `dax_invalidate_mapping_entry_sync()`, which leaves a dirty entry in place.
    Invalidate {
        /// The file's mapping.
        mapping: Addr,
        /// The indices to invalidate, in order.
        indices: Vec<u16>,
    },
    /// The last `iput()`: `evict()` truncates the given indices, `clear_inode()`,
    /// `destroy_inode()` → `call_rcu()`.
    Evict {
        /// The inode memory.
        mapping: Addr,
        /// The indices `truncate_inode_pages_final()` invalidates.
        indices: Vec<u16>,
    },
    /// Eviction as above, then the memory is recycled (XFS-style) for a new file that faults
    /// `new_pfn` in at `new_index`.
    Recycle {
        /// The inode memory.
        mapping: Addr,
        /// The indices truncated on eviction.
        indices: Vec<u16>,
        /// The new file's first fault: its index.
        new_index: u16,
        /// The new file's first fault: its block.
        new_pfn: Pfn,
    },
    /// fsync(2) writing back one entry: `dax_writeback_one()`.
    Writeback {
        /// The file's mapping.
        mapping: Addr,
        /// The entry's index.
        index: u16,
        /// The block the entry mapped when writeback tagged it.
        pfn: Pfn,
    },
    /// The RCU grace-period machinery.
    Rcu,
    /// Unbinding the device: kill the `dev_pagemap`, wait for its pins, remove the memory.
    Unbind,
}

impl Program {
    /// The function the thread starts in.
    pub fn entry(&self) -> Func {
        match self {
            Program::MemoryFailure { .. } => Func::MemoryFailure,
            Program::Fault { .. } => Func::XfsFilemapFault,
            Program::Truncate { .. } => Func::XfsSetattr,
            Program::Invalidate { .. } => Func::InvalidateInodePages2Range,
            Program::Evict { .. } => Func::Evict,
            Program::Recycle { .. } => Func::XfsReuse,
            Program::Writeback { .. } => Func::DaxWritebackOne,
            Program::Rcu => Func::RcuCore,
            Program::Unbind => Func::Unbind,
        }
    }

    /// Which kernel path this is and who calls it, in a sentence.
    pub fn path(&self) -> &'static str {
        match self {
            Program::MemoryFailure { .. } => {
                "memory_failure(): a machine check reported a poisoned pmem page (mce → memory_failure → memory_failure_dev_pagemap); it holds no MMAPLOCK, and locks the page's i_pages entry only for a file's page (a device-dax page needs no entry lock)."
            }
            Program::Fault { .. } => {
                "A page fault on the file's mmap() on XFS: __xfs_filemap_fault() holds the MMAPLOCK shared around dax_iomap_fault()."
            }
            Program::Truncate { .. } => {
                "truncate(2) on XFS: xfs_vn_setattr() holds the MMAPLOCK exclusive, so no fault is inside while the entries are deleted."
            }
            Program::Invalidate { .. } => {
                "Page-cache invalidation of a DAX file: invalidate_inode_pages2_range() → invalidate_exceptional_entry2() → dax_invalidate_mapping_entry_sync(); in v4.19 DAX's own write(2) calls it over newly allocated blocks (dax_iomap_actor(), IOMAP_F_NEW), and later virtiofs over live entries, where bug e was reported. It holds no MMAPLOCK, so it can wait on a fault's entry lock; unlike truncate (trunc == false) it leaves an entry tagged dirty or TOWRITE in place."
            }
            Program::Evict { .. } => {
                "The last iput() of an unlinked XFS file: evict() → truncate_inode_pages_final() → clear_inode() → destroy_inode(); XFS keeps the inode cached, and its inode reclaim frees it with call_rcu() (run here at once)."
            }
            Program::Recycle { .. } => {
                "XFS: the unlinked file's inode is evicted but stays in XFS's inode cache; creating another file reuses its memory (xfs_iget_cache_hit → xfs_reinit_inode) without waiting for an RCU grace period, as 4.19's XFS does."
            }
            Program::Writeback { .. } => {
                "fsync(2) on XFS: xfs_dax_writepages() → dax_writeback_mapping_range() → dax_writeback_one() for a TOWRITE-tagged entry; writeback holds no MMAPLOCK."
            }
            Program::Rcu => {
                "RCU's grace-period kthread and callback processing, as preemptible RCU (CONFIG_PREEMPT_RCU) behaves."
            }
            Program::Unbind => {
                "Unbinding the device-dax device: the dev_pagemap teardown in later kernels' order (memunmap_pages() waits for every reference before removing the memory); in v4.19, devm_memremap_pages_release() removed the memory first and the device-dax driver waited for the references only afterwards (dax_pmem_percpu_exit())."
            }
        }
    }

    /// The functions a listing of this program shows, in reading order: every function the
    /// thread can reach under `code`.
    pub fn funcs(&self, code: Code) -> Vec<Func> {
        listing::reachable(self.entry(), code)
    }

    /// The RCU machinery is a daemon: it never finishes, and a run ends without it.
    pub fn is_daemon(&self) -> bool {
        matches!(self, Program::Rcu)
    }

    /// The mapping the program works on, if fixed in advance.
    pub fn mapping(&self) -> Option<Addr> {
        match self {
            Program::Fault { mapping, .. }
            | Program::Truncate { mapping, .. }
            | Program::Invalidate { mapping, .. }
            | Program::Evict { mapping, .. }
            | Program::Recycle { mapping, .. }
            | Program::Writeback { mapping, .. } => Some(*mapping),
            _ => None,
        }
    }

    /// The page the program works on: memory failure's poisoned page, a fault's block.
    pub fn pfn(&self) -> Pfn {
        match self {
            Program::MemoryFailure { pfn }
            | Program::Fault { pfn, .. }
            | Program::Writeback { pfn, .. } => *pfn,
            _ => Pfn(0),
        }
    }

    /// The indices a truncate or invalidation loop walks.
    pub fn indices(&self) -> &[u16] {
        match self {
            Program::Truncate { indices, .. }
            | Program::Invalidate { indices, .. }
            | Program::Evict { indices, .. }
            | Program::Recycle { indices, .. } => indices,
            _ => &[],
        }
    }

    /// Whether the filesystem keeps evicted inodes for reuse (the XFS-style recycling).
    pub fn recycles_inodes(&self) -> bool {
        matches!(self, Program::Recycle { .. })
    }

    /// Whether the thread holds a reference to its file until it finishes (a fault does).
    pub fn holds_file(&self) -> Option<Addr> {
        match self {
            Program::Fault { mapping, .. } => Some(*mapping),
            _ => None,
        }
    }

    /// How the thread ended when its first function returned: memory failure recovers the page
    /// if it locked it, and fails otherwise.
    pub(crate) fn result(&self, locals: &Locals) -> ThreadResult {
        match self {
            Program::MemoryFailure { .. } if locals.did_lock => ThreadResult::Recovered,
            Program::MemoryFailure { .. } => ThreadResult::Failed,
            _ => ThreadResult::Done,
        }
    }

    /// The line a daemon is shown at while it has nothing to do.
    pub(crate) fn idle_line(&self) -> Line {
        self.entry().head()
    }
}

/// One thread of a scenario: a short name (used in schedules) and its program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreadSpec {
    /// Short name: `mf`, `fault`, `trunc`, `evict`, `rcu`...
    pub name: String,
    /// What it runs.
    pub program: Program,
}
