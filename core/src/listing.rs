//! The listings: our own line-by-line rendering of the kernel code each simulated thread runs.
//!
//! Every step a thread takes happens at one [`Line`]. Lines that do not touch shared state (a
//! `break`, a function header) are shown for reading but are never a step of their own. A line
//! belongs to a set of variants; the listing for a variant shows only its lines and marks those
//! that differ from the variant it is described against ([`Variant::base`]).

use crate::variant::{Variant, WakeMode};
use alloc::vec::Vec;

/// A kernel function that appears in a listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Func {
    /// `memory_failure()` and `memory_failure_dev_pagemap()`.
    MemoryFailure,
    /// The patch's new function.
    DaxLockMappingEntry,
    /// `__get_unlocked_mapping_entry()` (seed) / `get_unlocked_mapping_entry()` (fixed).
    GetUnlockedMappingEntry,
    /// The seed's `entry_wait()`.
    EntryWait,
    /// The seed's `entry_wait_revalidate()`.
    EntryWaitRevalidate,
    /// The fix's `wait_entry_unlocked()`.
    WaitEntryUnlocked,
    /// The patch's `dax_unlock_mapping_entry(struct page *)`.
    DaxUnlockMappingEntry,
    /// `unlock_mapping_entry()` (called `dax_unlock_mapping_entry()` before the patch).
    UnlockMappingEntry,
    /// `grab_mapping_entry()`, as called by a DAX page fault.
    GrabMappingEntry,
    /// `dax_insert_mapping_entry()` with `dax_associate_entry()`.
    DaxInsertMappingEntry,
    /// `put_locked_mapping_entry()`.
    PutLockedMappingEntry,
    /// `dax_delete_mapping_entry()` → `__dax_invalidate_mapping_entry()`.
    InvalidateMappingEntry,
    /// `put_unlocked_mapping_entry()`.
    PutUnlockedMappingEntry,
    /// `evict()`.
    Evict,
    /// `clear_inode()`.
    ClearInode,
    /// `destroy_inode()`.
    DestroyInode,
    /// Recycling inode memory for another file.
    RecycleInode,
    /// The RCU grace-period machinery.
    RcuCore,
    /// Tearing down the device (`devm_memremap_pages_release()`).
    Unbind,
}

impl Func {
    /// The function's name as the kernel spells it.
    pub fn name(self) -> &'static str {
        match self {
            Func::MemoryFailure => "memory_failure",
            Func::DaxLockMappingEntry => "dax_lock_mapping_entry",
            Func::GetUnlockedMappingEntry => "get_unlocked_mapping_entry",
            Func::EntryWait => "entry_wait",
            Func::EntryWaitRevalidate => "entry_wait_revalidate",
            Func::WaitEntryUnlocked => "wait_entry_unlocked",
            Func::DaxUnlockMappingEntry => "dax_unlock_mapping_entry",
            Func::UnlockMappingEntry => "unlock_mapping_entry",
            Func::GrabMappingEntry => "grab_mapping_entry",
            Func::DaxInsertMappingEntry => "dax_insert_mapping_entry",
            Func::PutLockedMappingEntry => "put_locked_mapping_entry",
            Func::InvalidateMappingEntry => "__dax_invalidate_mapping_entry",
            Func::PutUnlockedMappingEntry => "put_unlocked_mapping_entry",
            Func::Evict => "evict",
            Func::ClearInode => "clear_inode",
            Func::DestroyInode => "destroy_inode",
            Func::RecycleInode => "xfs_iget_recycle",
            Func::RcuCore => "rcu_gp_kthread",
            Func::Unbind => "devm_memremap_pages_release",
        }
    }
}

/// Extra condition on a line besides the variant: the truncate path's wake mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cond {
    Always,
    WakeOne,
    WakeAll,
}

/// Static facts about one line.
#[derive(Clone, Copy, Debug)]
pub struct LineInfo {
    /// The line itself.
    pub line: Line,
    /// The function it belongs to.
    pub func: Func,
    /// Indentation depth, in tabs.
    pub indent: u8,
    /// Whether a thread stops here for a step (false: shown for reading only).
    pub is_step: bool,
    /// The code, with the kernel's identifiers.
    pub text: &'static str,
    pub(crate) mask: u8,
    pub(crate) cond: Cond,
}

const S: u8 = 1 << Variant::Seed as u8;
const V: u8 = 1 << Variant::V419 as u8;
const F: u8 = 1 << Variant::Fixed as u8;
const NR: u8 = 1 << Variant::NoRecheck as u8;
const NRCU: u8 = 1 << Variant::NoRcu as u8;
const EW: u8 = 1 << Variant::ExclusiveWait as u8;
const SR: u8 = 1 << Variant::SleepInRcu as u8;
const ALL: u8 = S | V | F | NR | NRCU | EW | SR;
const OLD: u8 = S | V;
const NEW: u8 = F | NR | NRCU | EW | SR;

macro_rules! lines {
    ($( $id:ident = $func:ident, $indent:literal, $mask:expr, $cond:ident, $step:literal, $text:literal; )*) => {
        /// Every line of every listing. The name says the function and what the line does.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        #[allow(missing_docs)]
        pub enum Line { $($id),* }

        pub(crate) static LINES: &[LineInfo] = &[
            $( LineInfo { line: Line::$id, func: Func::$func, indent: $indent, mask: $mask,
                          cond: Cond::$cond, is_step: $step, text: $text }, )*
        ];
    };
}

lines! {
    // memory_failure() -> memory_failure_dev_pagemap()
    MfHead = MemoryFailure, 0, ALL, Always, false, "int memory_failure(unsigned long pfn, int flags)";
    MfGetPgmap = MemoryFailure, 1, ALL, Always, true, "pgmap = get_dev_pagemap(pfn, NULL);";
    MfDevHead = MemoryFailure, 0, ALL, Always, false, "static int memory_failure_dev_pagemap(unsigned long pfn, int flags, struct dev_pagemap *pgmap)";
    MfCallLock = MemoryFailure, 1, ALL, Always, false, "if (!dax_lock_mapping_entry(page))";
    MfGotoOut = MemoryFailure, 2, ALL, Always, false, "goto out;";
    MfPoison = MemoryFailure, 1, ALL, Always, true, "SetPageHWPoison(page);";
    MfCollect = MemoryFailure, 1, ALL, Always, true, "collect_procs(page, &tokill, flags & MF_ACTION_REQUIRED);";
    MfUnmap = MemoryFailure, 1, ALL, Always, true, "unmap_mapping_range(page->mapping, start, start + size, 0);";
    MfKill = MemoryFailure, 1, ALL, Always, true, "kill_procs(&tokill, flags & MF_MUST_KILL, !unmap_success, pfn, flags);";
    MfCallUnlock = MemoryFailure, 1, ALL, Always, false, "dax_unlock_mapping_entry(page);";
    MfOut = MemoryFailure, 0, ALL, Always, false, "out:";
    MfPutPgmap = MemoryFailure, 1, ALL, Always, true, "put_dev_pagemap(pgmap);";

    // dax_lock_mapping_entry()
    DlHead = DaxLockMappingEntry, 0, ALL, Always, false, "bool dax_lock_mapping_entry(struct page *page)";
    DlRcuLock = DaxLockMappingEntry, 1, ALL & !NRCU, Always, true, "rcu_read_lock();";
    DlFor = DaxLockMappingEntry, 1, ALL, Always, false, "for (;;) {";
    DlRead = DaxLockMappingEntry, 2, ALL, Always, true, "mapping = READ_ONCE(page->mapping);";
    DlDaxMapping = DaxLockMappingEntry, 2, OLD, Always, true, "if (!dax_mapping(mapping))";
    DlDaxMappingNull = DaxLockMappingEntry, 2, NEW, Always, true, "if (!mapping || !dax_mapping(mapping))";
    DlBreakNotDax = DaxLockMappingEntry, 3, ALL, Always, false, "break;";
    DlHost = DaxLockMappingEntry, 2, ALL, Always, true, "inode = mapping->host;";
    DlIsChr = DaxLockMappingEntry, 2, ALL, Always, true, "if (S_ISCHR(inode->i_mode)) {";
    DlChrDidLock = DaxLockMappingEntry, 3, ALL, Always, false, "did_lock = true;";
    DlChrBreak = DaxLockMappingEntry, 3, ALL, Always, false, "break;";
    DlChrClose = DaxLockMappingEntry, 2, ALL, Always, false, "}";
    DlXaLock = DaxLockMappingEntry, 2, ALL, Always, true, "xa_lock_irq(&mapping->i_pages);";
    DlRecheck = DaxLockMappingEntry, 2, ALL & !NR, Always, true, "if (mapping != page->mapping) {";
    DlRecheckUnlock = DaxLockMappingEntry, 3, ALL & !NR, Always, true, "xa_unlock_irq(&mapping->i_pages);";
    DlRecheckContinue = DaxLockMappingEntry, 3, ALL & !NR, Always, false, "continue;";
    DlRecheckClose = DaxLockMappingEntry, 2, ALL & !NR, Always, false, "}";
    DlIndex = DaxLockMappingEntry, 2, ALL, Always, true, "index = page->index;";
    DlGetUnlocked = DaxLockMappingEntry, 2, OLD, Always, false, "entry = __get_unlocked_mapping_entry(mapping, index, &slot, entry_wait_revalidate);";
    DlLookup = DaxLockMappingEntry, 2, NEW, Always, true, "entry = __radix_tree_lookup(&mapping->i_pages, index, NULL, &slot);";
    DlNoEntry = DaxLockMappingEntry, 2, ALL, Always, false, "if (!entry) {";
    DlNoEntryUnlock = DaxLockMappingEntry, 3, ALL, Always, true, "xa_unlock_irq(&mapping->i_pages);";
    DlNoEntryBreak = DaxLockMappingEntry, 3, ALL, Always, false, "break;";
    DlIsErr = DaxLockMappingEntry, 2, OLD, Always, false, "} else if (IS_ERR(entry)) {";
    DlEagainUnlock = DaxLockMappingEntry, 3, V, Always, true, "xa_unlock_irq(&mapping->i_pages);";
    DlWarnEagain = DaxLockMappingEntry, 3, OLD, Always, false, "WARN_ON_ONCE(PTR_ERR(entry) != -EAGAIN);";
    DlEagainContinue = DaxLockMappingEntry, 3, OLD, Always, false, "continue;";
    DlIsLocked = DaxLockMappingEntry, 2, NEW, Always, false, "} else if (slot_locked(mapping, slot)) {";
    DlWaitRcuUnlock = DaxLockMappingEntry, 3, NEW & !NRCU & !SR, Always, true, "rcu_read_unlock();";
    DlWait = DaxLockMappingEntry, 3, NEW, Always, false, "wait_entry_unlocked(mapping, index, &slot, entry);";
    DlWaitRcuLock = DaxLockMappingEntry, 3, NEW & !NRCU & !SR, Always, true, "rcu_read_lock();";
    DlWaitContinue = DaxLockMappingEntry, 3, NEW, Always, false, "continue;";
    DlEntryClose = DaxLockMappingEntry, 2, ALL, Always, false, "}";
    DlLockSlot = DaxLockMappingEntry, 2, ALL, Always, true, "lock_slot(mapping, slot);";
    DlDidLock = DaxLockMappingEntry, 2, ALL, Always, false, "did_lock = true;";
    DlUnlock = DaxLockMappingEntry, 2, ALL, Always, true, "xa_unlock_irq(&mapping->i_pages);";
    DlBreakLocked = DaxLockMappingEntry, 2, ALL, Always, false, "break;";
    DlForClose = DaxLockMappingEntry, 1, ALL, Always, false, "}";
    DlRcuUnlock = DaxLockMappingEntry, 1, ALL & !NRCU, Always, true, "rcu_read_unlock();";
    DlReturn = DaxLockMappingEntry, 1, ALL, Always, false, "return did_lock;";

    // __get_unlocked_mapping_entry() / get_unlocked_mapping_entry(): caller holds the i_pages lock.
    GuHeadOld = GetUnlockedMappingEntry, 0, OLD, Always, false, "static void *__get_unlocked_mapping_entry(struct address_space *mapping, pgoff_t index, void ***slotp, bool (*wait_fn)(void))";
    GuHeadNew = GetUnlockedMappingEntry, 0, NEW, Always, false, "static void *get_unlocked_mapping_entry(struct address_space *mapping, pgoff_t index, void ***slotp)";
    GuFor = GetUnlockedMappingEntry, 1, ALL, Always, false, "for (;;) {";
    GuRevalidateDecl = GetUnlockedMappingEntry, 2, OLD, Always, false, "bool revalidate;";
    GuLookup = GetUnlockedMappingEntry, 2, ALL, Always, true, "entry = __radix_tree_lookup(&mapping->i_pages, index, NULL, &slot);";
    GuTest = GetUnlockedMappingEntry, 2, ALL, Always, false, "if (!entry || WARN_ON_ONCE(!radix_tree_exceptional_entry(entry)) || !slot_locked(mapping, slot))";
    GuReturn = GetUnlockedMappingEntry, 3, ALL, Always, false, "return entry;";
    GuWaitqueue = GetUnlockedMappingEntry, 2, ALL, Always, false, "wq = dax_entry_waitqueue(mapping, index, entry, &ewait.key);";
    GuPrepare = GetUnlockedMappingEntry, 2, ALL, Always, true, "prepare_to_wait_exclusive(wq, &ewait.wait, TASK_UNINTERRUPTIBLE);";
    GuUnlock = GetUnlockedMappingEntry, 2, ALL, Always, true, "xa_unlock_irq(&mapping->i_pages);";
    GuWaitFn = GetUnlockedMappingEntry, 2, OLD, Always, false, "revalidate = wait_fn();";
    GuSchedule = GetUnlockedMappingEntry, 2, NEW, Always, true, "schedule();";
    GuFinish = GetUnlockedMappingEntry, 2, ALL, Always, true, "finish_wait(wq, &ewait.wait);";
    GuLock = GetUnlockedMappingEntry, 2, ALL, Always, true, "xa_lock_irq(&mapping->i_pages);";
    GuIfRevalidate = GetUnlockedMappingEntry, 2, OLD, Always, false, "if (revalidate)";
    GuEagain = GetUnlockedMappingEntry, 3, OLD, Always, false, "return ERR_PTR(-EAGAIN);";
    GuForClose = GetUnlockedMappingEntry, 1, ALL, Always, false, "}";

    // The seed's two wait functions.
    EwHead = EntryWait, 0, OLD, Always, false, "static bool entry_wait(void)";
    EwSchedule = EntryWait, 1, OLD, Always, true, "schedule();";
    EwReturn = EntryWait, 1, OLD, Always, false, "return false;";
    ErHead = EntryWaitRevalidate, 0, OLD, Always, false, "static bool entry_wait_revalidate(void)";
    ErRcuUnlock = EntryWaitRevalidate, 1, OLD, Always, true, "rcu_read_unlock();";
    ErSchedule = EntryWaitRevalidate, 1, OLD, Always, true, "schedule();";
    ErRcuLock = EntryWaitRevalidate, 1, OLD, Always, true, "rcu_read_lock();";
    ErReturn = EntryWaitRevalidate, 1, OLD, Always, false, "return true;";

    // The fix's wait_entry_unlocked(): caller holds the i_pages lock; never touches the mapping after dropping it.
    WeHead = WaitEntryUnlocked, 0, NEW, Always, false, "static void wait_entry_unlocked(struct address_space *mapping, pgoff_t index, void ***slotp, void *entry)";
    WeWaitqueue = WaitEntryUnlocked, 1, NEW, Always, false, "wq = dax_entry_waitqueue(mapping, index, entry, &ewait.key);";
    WePrepare = WaitEntryUnlocked, 1, NEW & !EW, Always, true, "prepare_to_wait(wq, &ewait.wait, TASK_UNINTERRUPTIBLE);";
    WePrepareExclusive = WaitEntryUnlocked, 1, EW, Always, true, "prepare_to_wait_exclusive(wq, &ewait.wait, TASK_UNINTERRUPTIBLE);";
    WeUnlock = WaitEntryUnlocked, 1, NEW, Always, true, "xa_unlock_irq(&mapping->i_pages);";
    WeSchedule = WaitEntryUnlocked, 1, NEW, Always, true, "schedule();";
    WeFinish = WaitEntryUnlocked, 1, NEW, Always, true, "finish_wait(wq, &ewait.wait);";

    // dax_unlock_mapping_entry(struct page *)
    DuHead = DaxUnlockMappingEntry, 0, ALL, Always, false, "void dax_unlock_mapping_entry(struct page *page)";
    DuMapping = DaxUnlockMappingEntry, 1, ALL, Always, true, "struct address_space *mapping = page->mapping;";
    DuHost = DaxUnlockMappingEntry, 1, ALL, Always, true, "struct inode *inode = mapping->host;";
    DuIsChr = DaxUnlockMappingEntry, 1, ALL, Always, true, "if (S_ISCHR(inode->i_mode))";
    DuReturn = DaxUnlockMappingEntry, 2, ALL, Always, false, "return;";
    DuCall = DaxUnlockMappingEntry, 1, ALL, Always, false, "unlock_mapping_entry(mapping, page->index);";

    // unlock_mapping_entry(): takes and drops the i_pages lock, then wakes one waiter.
    UnHead = UnlockMappingEntry, 0, ALL, Always, false, "static void unlock_mapping_entry(struct address_space *mapping, pgoff_t index)";
    UnLock = UnlockMappingEntry, 1, ALL, Always, true, "xa_lock_irq(&mapping->i_pages);";
    UnLookup = UnlockMappingEntry, 1, ALL, Always, true, "entry = __radix_tree_lookup(&mapping->i_pages, index, NULL, &slot);";
    UnWarn = UnlockMappingEntry, 1, ALL, Always, false, "if (WARN_ON_ONCE(!entry || !slot_locked(mapping, slot))) {";
    UnWarnUnlock = UnlockMappingEntry, 2, ALL, Always, true, "xa_unlock_irq(&mapping->i_pages);";
    UnWarnReturn = UnlockMappingEntry, 2, ALL, Always, false, "return;";
    UnWarnClose = UnlockMappingEntry, 1, ALL, Always, false, "}";
    UnUnlockSlot = UnlockMappingEntry, 1, ALL, Always, true, "entry = unlock_slot(mapping, slot);";
    UnXaUnlock = UnlockMappingEntry, 1, ALL, Always, true, "xa_unlock_irq(&mapping->i_pages);";
    UnWake = UnlockMappingEntry, 1, ALL, Always, true, "dax_wake_mapping_entry_waiter(mapping, index, entry, false);";

    // A DAX page fault: grab_mapping_entry() ... put_locked_mapping_entry().
    GrHead = GrabMappingEntry, 0, ALL, Always, false, "static void *grab_mapping_entry(struct address_space *mapping, pgoff_t index, unsigned long size_flag)";
    GrLock = GrabMappingEntry, 1, ALL, Always, true, "xa_lock_irq(&mapping->i_pages);";
    GrGet = GrabMappingEntry, 1, ALL, Always, false, "entry = get_unlocked_mapping_entry(mapping, index, &slot);";
    GrIfEntry = GrabMappingEntry, 1, ALL, Always, false, "if (entry) {";
    GrLockSlot = GrabMappingEntry, 2, ALL, Always, true, "entry = lock_slot(mapping, slot);";
    GrElse = GrabMappingEntry, 1, ALL, Always, false, "} else {";
    GrInsert = GrabMappingEntry, 2, ALL, Always, true, "__radix_tree_insert(&mapping->i_pages, index, 0, dax_radix_locked_entry(0, size_flag | RADIX_DAX_EMPTY));";
    GrClose = GrabMappingEntry, 1, ALL, Always, false, "}";
    GrUnlock = GrabMappingEntry, 1, ALL, Always, true, "xa_unlock_irq(&mapping->i_pages);";
    DiHead = DaxInsertMappingEntry, 0, ALL, Always, false, "static void *dax_insert_mapping_entry(struct address_space *mapping, struct vm_fault *vmf, void *entry, pfn_t pfn, unsigned long flags)";
    DiLock = DaxInsertMappingEntry, 1, ALL, Always, true, "xa_lock_irq(pages);";
    DiAssociate = DaxInsertMappingEntry, 1, ALL, Always, true, "dax_associate_entry(new_entry, mapping, vmf->vma, vmf->address);";
    DiReplace = DaxInsertMappingEntry, 1, ALL, Always, true, "__radix_tree_replace(pages, node, slot, new_entry, NULL);";
    DiUnlock = DaxInsertMappingEntry, 1, ALL, Always, true, "xa_unlock_irq(pages);";
    PlHead = PutLockedMappingEntry, 0, ALL, Always, false, "static void put_locked_mapping_entry(struct address_space *mapping, pgoff_t index)";
    PlCall = PutLockedMappingEntry, 1, ALL, Always, false, "unlock_mapping_entry(mapping, index);";

    // Truncate: dax_delete_mapping_entry() -> __dax_invalidate_mapping_entry(mapping, index, true).
    TrHead = InvalidateMappingEntry, 0, ALL, Always, false, "static int __dax_invalidate_mapping_entry(struct address_space *mapping, pgoff_t index, bool trunc)";
    TrLock = InvalidateMappingEntry, 1, ALL, Always, true, "xa_lock_irq(pages);";
    TrGet = InvalidateMappingEntry, 1, ALL, Always, false, "entry = get_unlocked_mapping_entry(mapping, index, NULL);";
    TrTest = InvalidateMappingEntry, 1, ALL, Always, false, "if (!entry || WARN_ON_ONCE(!radix_tree_exceptional_entry(entry)))";
    TrGoto = InvalidateMappingEntry, 2, ALL, Always, false, "goto out;";
    TrDisassociate = InvalidateMappingEntry, 1, ALL, Always, true, "dax_disassociate_entry(entry, mapping, trunc);";
    TrDelete = InvalidateMappingEntry, 1, ALL, Always, true, "radix_tree_delete(pages, index);";
    TrOut = InvalidateMappingEntry, 0, ALL, Always, false, "out:";
    TrPut = InvalidateMappingEntry, 1, ALL, Always, false, "put_unlocked_mapping_entry(mapping, index, entry);";
    TrUnlock = InvalidateMappingEntry, 1, ALL, Always, true, "xa_unlock_irq(pages);";
    PuHead = PutUnlockedMappingEntry, 0, ALL, Always, false, "static void put_unlocked_mapping_entry(struct address_space *mapping, pgoff_t index, void *entry)";
    PuIf = PutUnlockedMappingEntry, 1, ALL, Always, false, "if (entry)";
    PuWakeOne = PutUnlockedMappingEntry, 2, ALL, WakeOne, true, "dax_wake_mapping_entry_waiter(mapping, index, entry, false);";
    PuWakeAll = PutUnlockedMappingEntry, 2, ALL, WakeAll, true, "dax_wake_mapping_entry_waiter(mapping, index, entry, true);";

    // Inode eviction after the last reference.
    EvHead = Evict, 0, ALL, Always, false, "static void evict(struct inode *inode)";
    EvIput = Evict, 1, ALL, Always, true, "iput(inode): the last reference is dropped, inode->i_state |= I_FREEING;";
    EvTruncate = Evict, 1, ALL, Always, false, "truncate_inode_pages_final(&inode->i_data);";
    EvClear = Evict, 1, ALL, Always, false, "clear_inode(inode);";
    EvDestroy = Evict, 1, ALL, Always, false, "destroy_inode(inode);";
    CiHead = ClearInode, 0, ALL, Always, false, "void clear_inode(struct inode *inode)";
    CiLock = ClearInode, 1, ALL, Always, true, "xa_lock_irq(&inode->i_data.i_pages);";
    CiUnlock = ClearInode, 1, ALL, Always, true, "xa_unlock_irq(&inode->i_data.i_pages);";
    DsHead = DestroyInode, 0, ALL, Always, false, "static void destroy_inode(struct inode *inode)";
    DsCallRcu = DestroyInode, 1, ALL, Always, true, "call_rcu(&inode->i_rcu, i_callback);";

    // XFS-style recycling: the evicted inode's memory becomes another file's inode without a grace period.
    RcHead = RecycleInode, 0, ALL, Always, false, "xfs_iget(): recycle a reclaimable inode for another file (memory stays an inode: SLAB_TYPESAFE_BY_RCU)";
    RcInit = RecycleInode, 1, ALL, Always, true, "inode_init_always(mp->m_super, VFS_I(ip));";
    RcFaultLock = RecycleInode, 1, ALL, Always, true, "xa_lock_irq(&mapping->i_pages);";
    RcFaultInsert = RecycleInode, 1, ALL, Always, true, "dax_insert_mapping_entry(mapping, vmf, entry, pfn, 0);";
    RcFaultUnlock = RecycleInode, 1, ALL, Always, true, "xa_unlock_irq(&mapping->i_pages);";

    // The RCU machinery, as one thread.
    RuHead = RcuCore, 0, ALL, Always, false, "rcu_gp_kthread() and rcu_core()";
    RuStart = RcuCore, 1, ALL, Always, true, "rcu_gp_init(): start a grace period, note every task inside rcu_read_lock();";
    RuEnd = RcuCore, 1, ALL, Always, true, "rcu_gp_cleanup(): every noted reader has left its section, the grace period ends;";
    RuInvoke = RcuCore, 1, ALL, Always, true, "rcu_do_batch(): invoke i_callback(), which frees the inode;";

    // Unbinding the device.
    UbHead = Unbind, 0, ALL, Always, false, "static void devm_memremap_pages_release(void *data)";
    UbKill = Unbind, 1, ALL, Always, true, "percpu_ref_kill(pgmap->ref);";
    UbWait = Unbind, 1, ALL, Always, true, "wait_for_completion(&pgmap->done);";
    UbRemove = Unbind, 1, ALL, Always, true, "arch_remove_memory(align_start, align_size, pgmap->altmap_valid ? &pgmap->altmap : NULL);";
}

impl Line {
    /// Static facts about this line.
    pub fn info(self) -> &'static LineInfo {
        &LINES[self as usize]
    }

    /// The code of this line.
    pub fn text(self) -> &'static str {
        self.info().text
    }

    /// The function this line belongs to.
    pub fn func(self) -> Func {
        self.info().func
    }

    /// Whether this line is part of the code under `variant` with truncate wake mode `wake`.
    pub fn present_in(self, variant: Variant, wake: WakeMode) -> bool {
        let info = self.info();
        info.mask & variant.bit() != 0
            && match info.cond {
                Cond::Always => true,
                Cond::WakeOne => wake == WakeMode::One,
                Cond::WakeAll => wake == WakeMode::All,
            }
    }

    /// The 1-based line number of this line inside its function's listing for `variant`.
    pub fn number_in(self, variant: Variant, wake: WakeMode) -> usize {
        let func = self.func();
        LINES
            .iter()
            .filter(|l| l.func == func && l.line.present_in(variant, wake))
            .position(|l| l.line == self)
            .map_or(0, |p| p + 1)
    }
}

/// How a listing line relates to the variant it is described against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mark {
    /// The line is the same as in the base variant.
    Same,
    /// This variant adds or changes the line.
    Added,
    /// The base variant has this line and this variant removes it (shown struck through).
    Removed,
}

/// One line of a rendered listing.
#[derive(Clone, Copy, Debug)]
pub struct ListingLine {
    /// The line.
    pub line: Line,
    /// Its relation to the base variant.
    pub mark: Mark,
}

/// The listing of the given functions under `variant`, with removed base lines kept (marked) so
/// that the student sees what the variant takes away.
pub fn listing(funcs: &[Func], variant: Variant, wake: WakeMode) -> Vec<ListingLine> {
    let base = variant.base();
    let mut out = Vec::new();
    for &func in funcs {
        for info in LINES.iter().filter(|l| l.func == func) {
            let here = info.line.present_in(variant, wake);
            // With no base (the seed), the listing is just the variant's own lines.
            let in_base = base.map_or(here, |b| info.line.present_in(b, wake));
            let mark = match (here, in_base) {
                (true, true) => Mark::Same,
                (true, false) => Mark::Added,
                (false, true) => Mark::Removed,
                (false, false) => continue,
            };
            out.push(ListingLine {
                line: info.line,
                mark,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_table_is_in_enum_order() {
        for (i, info) in LINES.iter().enumerate() {
            assert_eq!(info.line as usize, i, "{:?}", info.line);
        }
    }

    #[test]
    fn fixed_listing_marks_the_null_check_as_added_and_seed_lines_as_removed() {
        let l = listing(&[Func::DaxLockMappingEntry], Variant::Fixed, WakeMode::All);
        let mark = |line| l.iter().find(|x| x.line == line).map(|x| x.mark);
        assert_eq!(mark(Line::DlDaxMappingNull), Some(Mark::Added));
        assert_eq!(mark(Line::DlDaxMapping), Some(Mark::Removed));
        assert_eq!(mark(Line::DlXaLock), Some(Mark::Same));
    }

    #[test]
    fn the_seed_listing_marks_nothing() {
        for wake in WakeMode::ALL {
            let l = listing(&ALL_FUNCS, Variant::Seed, wake);
            assert!(l.iter().all(|x| x.mark == Mark::Same));
            assert!(l.iter().all(|x| x.line.present_in(Variant::Seed, wake)));
        }
    }

    const ALL_FUNCS: [Func; 4] = [
        Func::DaxLockMappingEntry,
        Func::GetUnlockedMappingEntry,
        Func::EntryWait,
        Func::InvalidateMappingEntry,
    ];

    #[test]
    fn no_recheck_removes_exactly_the_recheck_block() {
        let l = listing(
            &[Func::DaxLockMappingEntry],
            Variant::NoRecheck,
            WakeMode::All,
        );
        let removed: Vec<_> = l
            .iter()
            .filter(|x| x.mark != Mark::Same)
            .map(|x| x.line)
            .collect();
        assert_eq!(
            removed,
            [
                Line::DlRecheck,
                Line::DlRecheckUnlock,
                Line::DlRecheckContinue,
                Line::DlRecheckClose
            ]
        );
    }
}
