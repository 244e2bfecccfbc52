//! The listings, which are also the program: our own line-by-line rendering of the kernel code
//! each simulated thread runs, where every line says what it does.
//!
//! A line is either a *step* ([`LineInfo::action`]: one action on shared state, which is where
//! a thread stops between steps) or a *control* line (a branch, a call, a return, `continue`,
//! `break`, `goto`, a local assignment, or text shown for reading). The interpreter
//! (`interp.rs`) runs a step's action, then follows control lines to the next step line that
//! exists under the code in force. Which lines exist is decided by each line's [`When`] over the
//! [`Code`] (the fixes and ablations): there is no other difference between versions.

use crate::code::{Ablation, Code, Fix, When};
use alloc::vec::Vec;

/// A kernel function that appears in a listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Func {
    /// `memory_failure()`.
    MemoryFailure,
    /// `memory_failure_dev_pagemap()`.
    MemoryFailureDevPagemap,
    /// The patch's new function.
    DaxLockMappingEntry,
    /// The seed's `get_unlocked_mapping_entry()` wrapper, which passes `entry_wait`.
    GetUnlockedWrapper,
    /// `__get_unlocked_mapping_entry()` (seed) / `get_unlocked_mapping_entry()` (55e56f06ed71).
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
    /// XFS's fault handler `__xfs_filemap_fault()`, which holds the MMAPLOCK shared.
    XfsFilemapFault,
    /// A DAX PTE fault: `dax_iomap_pte_fault()`.
    DaxIomapPteFault,
    /// `grab_mapping_entry()`.
    GrabMappingEntry,
    /// `dax_insert_mapping_entry()` with `dax_associate_entry()`.
    DaxInsertMappingEntry,
    /// `put_locked_mapping_entry()`.
    PutLockedMappingEntry,
    /// `xfs_vn_setattr()` shrinking a file: the MMAPLOCK held exclusive around the truncate.
    XfsSetattr,
    /// `truncate_inode_pages_range()`, the loop over a file's DAX entries.
    TruncateRange,
    /// `invalidate_inode_pages2_range()`, the loop over a range's DAX entries that invalidation
    /// (not truncate) runs.
    InvalidateInodePages2Range,
    /// `dax_invalidate_mapping_entry_sync()`: `__dax_invalidate_mapping_entry()` with `trunc`
    /// false.
    DaxInvalidateMappingEntrySync,
    /// `__dax_invalidate_mapping_entry()`, shared by truncate (`dax_delete_mapping_entry()`,
    /// `trunc` true) and invalidation (`dax_invalidate_mapping_entry_sync()`, `trunc` false).
    InvalidateMappingEntry,
    /// `put_unlocked_mapping_entry()`.
    PutUnlockedMappingEntry,
    /// `dax_writeback_one()`: fsync's writeback of one entry.
    DaxWritebackOne,
    /// `evict()`.
    Evict,
    /// `clear_inode()`.
    ClearInode,
    /// `destroy_inode()`.
    DestroyInode,
    /// XFS: an unlinked file's inode evicted, then its memory reused for a new file.
    XfsReuse,
    /// Recycling inode memory for another file.
    RecycleInode,
    /// The RCU grace-period machinery.
    RcuCore,
    /// Tearing down the device, in later kernels' order (`memunmap_pages()`).
    Unbind,
}

impl Func {
    /// The function's name as the kernel spells it in the code `code`.
    pub fn name_in(self, code: Code) -> &'static str {
        match self {
            Func::GetUnlockedMappingEntry if !code.has(Fix::WaitEntryUnlocked) => {
                "__get_unlocked_mapping_entry"
            }
            _ => self.name(),
        }
    }

    /// The function's name as the kernel spells it (the fixed code's name where it changed).
    pub fn name(self) -> &'static str {
        match self {
            Func::MemoryFailure => "memory_failure",
            Func::MemoryFailureDevPagemap => "memory_failure_dev_pagemap",
            Func::DaxLockMappingEntry => "dax_lock_mapping_entry",
            Func::GetUnlockedWrapper => "get_unlocked_mapping_entry",
            Func::GetUnlockedMappingEntry => "get_unlocked_mapping_entry",
            Func::EntryWait => "entry_wait",
            Func::EntryWaitRevalidate => "entry_wait_revalidate",
            Func::WaitEntryUnlocked => "wait_entry_unlocked",
            Func::DaxUnlockMappingEntry => "dax_unlock_mapping_entry",
            Func::UnlockMappingEntry => "unlock_mapping_entry",
            Func::XfsFilemapFault => "__xfs_filemap_fault",
            Func::DaxIomapPteFault => "dax_iomap_pte_fault",
            Func::GrabMappingEntry => "grab_mapping_entry",
            Func::DaxInsertMappingEntry => "dax_insert_mapping_entry",
            Func::PutLockedMappingEntry => "put_locked_mapping_entry",
            Func::XfsSetattr => "xfs_vn_setattr",
            Func::TruncateRange => "truncate_inode_pages_range",
            Func::InvalidateInodePages2Range => "invalidate_inode_pages2_range",
            Func::DaxInvalidateMappingEntrySync => "dax_invalidate_mapping_entry_sync",
            Func::InvalidateMappingEntry => "__dax_invalidate_mapping_entry",
            Func::PutUnlockedMappingEntry => "put_unlocked_mapping_entry",
            Func::DaxWritebackOne => "dax_writeback_one",
            Func::Evict => "evict",
            Func::ClearInode => "clear_inode",
            Func::DestroyInode => "destroy_inode",
            Func::XfsReuse => "xfs_inode_reuse",
            Func::RecycleInode => "xfs_iget_cache_hit",
            Func::RcuCore => "rcu_gp_kthread",
            Func::Unbind => "memunmap_pages",
        }
    }

    /// The function a call to `self` reaches under `code`: the seed's wrapper
    /// `get_unlocked_mapping_entry()` is gone once 55e56f06ed71 renames the real function.
    pub(crate) fn resolve(self, code: Code) -> Func {
        match self {
            Func::GetUnlockedWrapper if code.has(Fix::WaitEntryUnlocked) => {
                Func::GetUnlockedMappingEntry
            }
            f => f,
        }
    }

    /// Whether the function exists under `code` (one of its header lines is there).
    pub fn exists_in(self, code: Code) -> bool {
        LINES[FIRST_LINE[self as usize] as usize..]
            .iter()
            .take_while(|l| l.func == self && l.indent == 0)
            .any(|l| l.when.holds(code))
    }

    /// The first line of the function (its header), present or not.
    pub(crate) fn head(self) -> Line {
        LINES[FIRST_LINE[self as usize] as usize].line
    }
}

/// The action of a step line: what it does to shared state. Which primitive owns it is in
/// `interp.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// `get_dev_pagemap()`: take a reference unless the device is going away.
    GetDevPagemap,
    /// `put_dev_pagemap()`.
    PutDevPagemap,
    /// `percpu_ref_kill()` on the `dev_pagemap`.
    KillPgmap,
    /// Wait until every `dev_pagemap` reference is put.
    WaitPgmapDrained,
    /// Remove the device memory and its `struct page`s.
    RemovePgmap,
    /// `SetPageHWPoison()`.
    SetHwPoison,
    /// `collect_procs()` through `page->mapping`.
    CollectProcs,
    /// `unmap_mapping_range(page->mapping, ...)`.
    UnmapMappingRange,
    /// `kill_procs()`.
    KillProcs,
    /// `mapping = page->mapping`.
    ReadPageMapping,
    /// `dax_mapping(mapping)`, with or without the NULL check; the test is "give up".
    DaxMapping {
        /// `!mapping ||` first (c93db7bb6ef3).
        null_check: bool,
    },
    /// `inode = mapping->host`.
    ReadHost,
    /// `S_ISCHR(inode->i_mode)`; the test is "a character device".
    IsChr,
    /// `S_ISCHR(inode->i_mode)` in `dax_unlock_mapping_entry()`, reading `page->index` for the
    /// call that follows when it is not a character device.
    UnlockIsChr,
    /// `mapping != page->mapping`; the test is "it changed".
    RecheckMapping,
    /// `index = page->index`.
    ReadPageIndex,
    /// `xa_lock_irq(&mapping->i_pages)`.
    XaLockIrq,
    /// `xa_unlock_irq(&mapping->i_pages)`.
    XaUnlockIrq,
    /// `__radix_tree_lookup()` of the thread's index.
    Lookup,
    /// `lock_slot()`: set the entry lock bit.
    LockSlot {
        /// Check that the entry maps the thread's page (memory failure's lock).
        check_owner: bool,
    },
    /// `unlock_slot()`: clear the entry lock bit.
    UnlockSlot,
    /// Insert a locked empty entry.
    InsertLockedEmpty,
    /// `dax_associate_entry()`: `page->mapping`, `page->index`.
    Associate,
    /// `__radix_tree_replace()` of the empty entry with the pfn's entry.
    ReplaceEntry,
    /// `dax_disassociate_entry()`: `page->mapping = NULL`.
    Disassociate,
    /// `radix_tree_delete()`.
    DeleteEntry,
    /// `prepare_to_wait[_exclusive]()` on the entry's bucket with its key.
    PrepareToWait {
        /// Exclusive (tail) or not (head).
        exclusive: bool,
    },
    /// `schedule()`: sleep unless woken, and on the next step return.
    Schedule,
    /// `finish_wait()`.
    FinishWait,
    /// `dax_wake_mapping_entry_waiter()` for the thread's entry (none: nobody).
    WakeUp {
        /// Wake every waiter (`wake_all`), or one exclusive waiter.
        all: bool,
    },
    /// `dax_wake_mapping_entry_waiter(..., mode == WAKE_ALL)`: the mode the caller passed.
    WakeUpAsCalled,
    /// `__wake_up(wq, TASK_NORMAL, 1, &ewait.key)`: pass a wake-up on to the next exclusive
    /// waiter of this thread's key.
    WakeNext,
    /// `radix_tree_tag_clear(..., PAGECACHE_TAG_TOWRITE)` on the thread's entry.
    ClearToWrite,
    /// `down_read()` of the inode's MMAPLOCK: take it shared, or queue and sleep.
    DownRead,
    /// `down_write()` of the inode's MMAPLOCK: take it exclusive, or queue and sleep.
    DownWrite,
    /// `up_read()` of the inode's MMAPLOCK, handing it to the sleepers it can.
    UpRead,
    /// `up_write()` of the inode's MMAPLOCK, handing it to the sleepers it can.
    UpWrite,
    /// `rcu_read_lock()`.
    RcuReadLock,
    /// `rcu_read_unlock()`.
    RcuReadUnlock,
    /// `call_rcu(&VFS_I(ip)->i_rcu, xfs_inode_free_callback)`.
    CallRcu,
    /// The last `iput()`: `I_FREEING`, once no user holds the file.
    Iput,
    /// Recycle the evicted inode's memory as another file's inode.
    RecycleInode,
    /// The new file's first fault maps its page.
    RecycleFault,
    /// `rcu_gp_init()`.
    GpStart,
    /// `rcu_gp_cleanup()`.
    GpEnd,
    /// `rcu_do_batch()`: invoke the callbacks of completed grace periods.
    InvokeCallbacks,
}

/// A condition a branch line tests. Conditions read only the thread's own locals (and its
/// program's parameters), or the result of the step on the same line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    /// The result of this line's own step.
    Test,
    /// `!entry` (and not an error pointer).
    EntryNull,
    /// `entry` is not NULL.
    EntryNonNull,
    /// `!entry || !slot_locked(mapping, slot)`.
    EntryNullOrUnlocked,
    /// `slot_locked(mapping, slot)`.
    EntryLocked,
    /// `IS_ERR(entry)`: the call just returned `-EAGAIN`.
    IsErr,
    /// `did_lock`.
    DidLock,
    /// `revalidate`, as the wait function returned it.
    Revalidate,
    /// `pgmap` is not NULL.
    Pinned,
    /// The fault's entry is new (none found) or an empty placeholder.
    NewOrEmpty,
    /// The truncate loop has another index.
    MoreIndices,
    /// The filesystem keeps the inode in its own cache for reuse (XFS).
    RecyclesInodes,
    /// The looked-up entry maps another block than the one being written back.
    EntryOtherPfn,
    /// The looked-up entry is not tagged TOWRITE (another fsync wrote it back already).
    EntryNotToWrite,
    /// `!trunc && (DIRTY || TOWRITE)`: the caller of `__dax_invalidate_mapping_entry()` passed
    /// `trunc` false and the looked-up entry is tagged TOWRITE. `PAGECACHE_TAG_DIRTY` is not
    /// modelled: the model's faults never tag an entry DIRTY, an entry fsync tagged TOWRITE
    /// stands for a dirty one, and `dax_writeback_one()` clears DIRTY before it unlocks the
    /// entry, so an unlocked entry the model holds is dirty exactly when it is tagged TOWRITE.
    KeepDirty,
}

/// What a `return` gives the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ret {
    /// Nothing (or the value already in the thread's locals: `entry`, `did_lock`, `rc`).
    Value,
    /// `true`, into the caller's `revalidate`.
    True,
    /// `false`, into the caller's `revalidate`.
    False,
    /// `ERR_PTR(-EAGAIN)`.
    Eagain,
    /// `-ENXIO` from `memory_failure()`: no device.
    Enxio,
}

/// An assignment to the thread's own locals, done as control flows through the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Nothing.
    None,
    /// `did_lock = true`.
    SetDidLock,
    /// The truncate loop's next index (when there is one): `index`, and no entry yet.
    LoadIndex,
    /// The truncate loop moves on.
    NextIter,
    /// `dax_lock_mapping_entry()` gives up: say who is left asleep with nobody to wake them
    /// (narration only; nothing changes).
    GiveUp,
}

/// Where control goes from a line (after its step, for a step line).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flow {
    /// The next line present.
    Next,
    /// `continue`, `break`, `goto`, or the end of an `if` block.
    Goto(Line),
    /// `if (cond)`: to `then` when it holds, else to `otherwise`.
    Branch {
        /// What is tested.
        cond: Cond,
        /// Where a true condition goes.
        then: Line,
        /// Where a false condition goes.
        otherwise: Line,
    },
    /// A call; the callee returns to the line after this one.
    Call {
        /// The callee.
        func: Func,
        /// The argument the callee's control depends on, if any.
        arg: Arg,
    },
    /// `wait_fn()`: a call through the pointer the caller passed.
    CallWaitFn,
    /// `return f(...)`: the callee returns straight to our caller.
    TailCall(Func),
    /// `return`.
    Return(Ret),
}

/// A call's argument that the callee's control depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arg {
    /// None that matters.
    None,
    /// The `wait_fn` of `__get_unlocked_mapping_entry()`.
    WaitFn(Func),
    /// `WAKE_ALL` for `put_unlocked_mapping_entry()` (237388320def).
    WakeAll,
    /// `WAKE_NEXT` for `put_unlocked_mapping_entry()`.
    WakeNext,
    /// `trunc` for `__dax_invalidate_mapping_entry()`: true from truncate, false from
    /// invalidation.
    Trunc(bool),
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
    /// The code, with the kernel's identifiers.
    pub text: &'static str,
    /// The step's action; `None` for a control line.
    pub action: Option<Action>,
    /// An assignment to locals done before the flow (control lines only).
    pub effect: Effect,
    /// Where control goes next.
    pub flow: Flow,
    /// Under which code the line exists.
    pub when: When,
}

impl LineInfo {
    /// Whether a thread stops here for a step.
    pub fn is_step(&self) -> bool {
        self.action.is_some()
    }

    /// The line as kernel code and daxlab's note on it. The listings never show the kernel's
    /// own comments, so every `/* ... */` in them is ours: a whole line that is a note (no
    /// code), or a note after the code, two spaces on. The code keeps those two spaces.
    pub fn code_and_note(&self) -> (&'static str, Option<&'static str>) {
        let t = self.text;
        if t.starts_with("/*") {
            return ("", Some(t));
        }
        match t.find("  /*") {
            Some(i) => (&t[..i + 2], Some(&t[i + 2..])),
            None => (t, None),
        }
    }
}

/// The parts of a line the table gives besides its place and text.
#[derive(Clone, Copy)]
struct Op {
    action: Option<Action>,
    effect: Effect,
    flow: Flow,
}

const fn text() -> Op {
    Op {
        action: None,
        effect: Effect::None,
        flow: Flow::Next,
    }
}
const fn step(action: Action) -> Op {
    Op {
        action: Some(action),
        effect: Effect::None,
        flow: Flow::Next,
    }
}
const fn step_if(action: Action, then: Line, otherwise: Line) -> Op {
    Op {
        action: Some(action),
        effect: Effect::None,
        flow: Flow::Branch {
            cond: Cond::Test,
            then,
            otherwise,
        },
    }
}
const fn branch(cond: Cond, then: Line, otherwise: Line) -> Op {
    Op {
        action: None,
        effect: Effect::None,
        flow: Flow::Branch {
            cond,
            then,
            otherwise,
        },
    }
}
const fn goto(target: Line) -> Op {
    Op {
        action: None,
        effect: Effect::None,
        flow: Flow::Goto(target),
    }
}
const fn call(func: Func) -> Op {
    call_arg(func, Arg::None)
}
const fn call_with(func: Func, wait_fn: Func) -> Op {
    call_arg(func, Arg::WaitFn(wait_fn))
}
const fn call_arg(func: Func, arg: Arg) -> Op {
    Op {
        action: None,
        effect: Effect::None,
        flow: Flow::Call { func, arg },
    }
}
const fn call_wait_fn() -> Op {
    Op {
        action: None,
        effect: Effect::None,
        flow: Flow::CallWaitFn,
    }
}
const fn tail_call(func: Func) -> Op {
    Op {
        action: None,
        effect: Effect::None,
        flow: Flow::TailCall(func),
    }
}
const fn ret(value: Ret) -> Op {
    Op {
        action: None,
        effect: Effect::None,
        flow: Flow::Return(value),
    }
}
const fn set(effect: Effect, flow: Flow) -> Op {
    Op {
        action: None,
        effect,
        flow,
    }
}

// Conditions on the code, by the commit that introduced a line or took it away.
const ALWAYS: When = When::ALWAYS;
/// The seed's shape of the wait: `__get_unlocked_mapping_entry()` with a wait function.
const OLD: When = When::without(Fix::WaitEntryUnlocked);
/// 55e56f06ed71's shape: `wait_entry_unlocked()`.
const NEW: When = When::with(Fix::WaitEntryUnlocked);
const RCU: When = ALWAYS.unless(Ablation::NoRcu);
const RECHECK: When = ALWAYS.unless(Ablation::NoRecheck);
const WAIT_RCU: When = NEW.unless(Ablation::NoRcu).unless(Ablation::SleepInRcu);
/// 237388320def's wake mode argument.
const WAKE_ALL: When = When::with(Fix::WakeAllOnInvalidate);
const WAKE_ONE: When = When::without(Fix::WakeAllOnInvalidate);

macro_rules! lines {
    ($( $id:ident = $func:ident, $indent:literal, $when:expr, $op:expr, $text:literal; )*) => {
        /// Every line of every listing. The name says the function and what the line does.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        #[allow(missing_docs)]
        pub enum Line { $($id),* }

        const TABLE: &[LineInfo] = &[
            $( {
                let op: Op = $op;
                LineInfo { line: Line::$id, func: Func::$func, indent: $indent, when: $when,
                           action: op.action, effect: op.effect, flow: op.flow, text: $text }
            }, )*
        ];
    };
}

use Action as A;
use Func as F;
use Line as L;

lines! {
    // memory_failure(): a pfn of the pmem device has gone bad.
    MfHead = MemoryFailure, 0, ALWAYS, text(), "int memory_failure(unsigned long pfn, int flags)";
    MfGetPgmap = MemoryFailure, 1, ALWAYS, step(A::GetDevPagemap), "pgmap = get_dev_pagemap(pfn, NULL);";
    MfIfPgmap = MemoryFailure, 1, ALWAYS, branch(Cond::Pinned, L::MfCallDev, L::MfEnxio), "if (pgmap)";
    MfCallDev = MemoryFailure, 2, ALWAYS, tail_call(F::MemoryFailureDevPagemap), "return memory_failure_dev_pagemap(pfn, flags, pgmap);";
    MfEnxio = MemoryFailure, 1, ALWAYS, ret(Ret::Enxio), "return -ENXIO;  /* since 96c804a6ae8c (2019; 4.19.y has it): no live pagemap gives -ENXIO; v4.19 went on to the System-RAM path */";

    // memory_failure_dev_pagemap()
    MfDevHead = MemoryFailureDevPagemap, 0, ALWAYS, text(), "static int memory_failure_dev_pagemap(unsigned long pfn, int flags, struct dev_pagemap *pgmap)";
    MfCallLock = MemoryFailureDevPagemap, 1, ALWAYS, call(F::DaxLockMappingEntry), "if (!dax_lock_mapping_entry(page))";
    MfGotoOut = MemoryFailureDevPagemap, 2, ALWAYS, branch(Cond::DidLock, L::MfPoison, L::MfOut), "goto out;";
    MfPoison = MemoryFailureDevPagemap, 1, ALWAYS, step(A::SetHwPoison), "SetPageHWPoison(page);";
    MfCollect = MemoryFailureDevPagemap, 1, ALWAYS, step(A::CollectProcs), "collect_procs(page, &tokill, flags & MF_ACTION_REQUIRED);";
    MfUnmap = MemoryFailureDevPagemap, 1, ALWAYS, step(A::UnmapMappingRange), "unmap_mapping_range(page->mapping, start, start + size, 0);  /* the 3rd argument is a length: this unmaps too much; size since 4d75136be8bf (2021) */";
    MfKill = MemoryFailureDevPagemap, 1, ALWAYS, step(A::KillProcs), "kill_procs(&tokill, flags & MF_MUST_KILL, !unmap_success, pfn, flags);";
    MfCallUnlock = MemoryFailureDevPagemap, 1, ALWAYS, call(F::DaxUnlockMappingEntry), "dax_unlock_mapping_entry(page);";
    MfOut = MemoryFailureDevPagemap, 0, ALWAYS, text(), "out:";
    MfPutPgmap = MemoryFailureDevPagemap, 1, ALWAYS, step(A::PutDevPagemap), "put_dev_pagemap(pgmap);";
    MfReturn = MemoryFailureDevPagemap, 1, ALWAYS, ret(Ret::Value), "return rc;";

    // dax_lock_mapping_entry()
    DlHead = DaxLockMappingEntry, 0, ALWAYS, text(), "bool dax_lock_mapping_entry(struct page *page)";
    DlRcuLock = DaxLockMappingEntry, 1, RCU, step(A::RcuReadLock), "rcu_read_lock();";
    DlFor = DaxLockMappingEntry, 1, ALWAYS, text(), "for (;;) {";
    DlRead = DaxLockMappingEntry, 2, ALWAYS, step(A::ReadPageMapping), "mapping = READ_ONCE(page->mapping);";
    DlDaxMapping = DaxLockMappingEntry, 2, When::without(Fix::NullMappingCheck), step_if(A::DaxMapping { null_check: false }, L::DlBreakNotDax, L::DlHost), "if (!dax_mapping(mapping))";
    DlDaxMappingNull = DaxLockMappingEntry, 2, When::with(Fix::NullMappingCheck), step_if(A::DaxMapping { null_check: true }, L::DlBreakNotDax, L::DlHost), "if (!mapping || !dax_mapping(mapping))";
    DlBreakNotDax = DaxLockMappingEntry, 3, ALWAYS, set(Effect::GiveUp, Flow::Goto(L::DlForClose)), "break;";
    DlHost = DaxLockMappingEntry, 2, ALWAYS, step(A::ReadHost), "inode = mapping->host;";
    DlIsChr = DaxLockMappingEntry, 2, ALWAYS, step_if(A::IsChr, L::DlChrDidLock, L::DlChrClose), "if (S_ISCHR(inode->i_mode)) {";
    DlChrDidLock = DaxLockMappingEntry, 3, ALWAYS, set(Effect::SetDidLock, Flow::Next), "did_lock = true;";
    DlChrBreak = DaxLockMappingEntry, 3, ALWAYS, goto(L::DlForClose), "break;";
    DlChrClose = DaxLockMappingEntry, 2, ALWAYS, text(), "}";
    DlXaLock = DaxLockMappingEntry, 2, ALWAYS, step(A::XaLockIrq), "xa_lock_irq(&mapping->i_pages);";
    DlRecheck = DaxLockMappingEntry, 2, RECHECK, step_if(A::RecheckMapping, L::DlRecheckUnlock, L::DlRecheckClose), "if (mapping != page->mapping) {";
    DlRecheckUnlock = DaxLockMappingEntry, 3, RECHECK, step(A::XaUnlockIrq), "xa_unlock_irq(&mapping->i_pages);";
    DlRecheckContinue = DaxLockMappingEntry, 3, RECHECK, goto(L::DlFor), "continue;";
    DlRecheckClose = DaxLockMappingEntry, 2, RECHECK, text(), "}";
    DlIndex = DaxLockMappingEntry, 2, ALWAYS, step(A::ReadPageIndex), "index = page->index;";
    DlGetUnlocked = DaxLockMappingEntry, 2, OLD, call_with(F::GetUnlockedMappingEntry, F::EntryWaitRevalidate), "entry = __get_unlocked_mapping_entry(mapping, index, &slot, entry_wait_revalidate);";
    DlLookup = DaxLockMappingEntry, 2, NEW, step(A::Lookup), "entry = __radix_tree_lookup(&mapping->i_pages, index, NULL, &slot);";
    DlNoEntry = DaxLockMappingEntry, 2, ALWAYS, branch(Cond::EntryNull, L::DlNoEntryUnlock, L::DlIsErr), "if (!entry) {";
    DlNoEntryUnlock = DaxLockMappingEntry, 3, ALWAYS, step(A::XaUnlockIrq), "xa_unlock_irq(&mapping->i_pages);";
    DlNoEntryBreak = DaxLockMappingEntry, 3, ALWAYS, set(Effect::GiveUp, Flow::Goto(L::DlForClose)), "break;";
    DlIsErr = DaxLockMappingEntry, 2, OLD, branch(Cond::IsErr, L::DlEagainUnlock, L::DlIsLocked), "} else if (IS_ERR(entry)) {";
    DlEagainUnlock = DaxLockMappingEntry, 3, OLD.and(Fix::DropLockOnEagain), step(A::XaUnlockIrq), "xa_unlock_irq(&mapping->i_pages);";
    DlWarnEagain = DaxLockMappingEntry, 3, OLD, text(), "WARN_ON_ONCE(PTR_ERR(entry) != -EAGAIN);";
    DlEagainContinue = DaxLockMappingEntry, 3, OLD, goto(L::DlFor), "continue;";
    DlIsLocked = DaxLockMappingEntry, 2, NEW, branch(Cond::EntryLocked, L::DlWaitRcuUnlock, L::DlEntryClose), "} else if (slot_locked(mapping, slot)) {";
    DlWaitRcuUnlock = DaxLockMappingEntry, 3, WAIT_RCU, step(A::RcuReadUnlock), "rcu_read_unlock();";
    DlWait = DaxLockMappingEntry, 3, NEW, call(F::WaitEntryUnlocked), "wait_entry_unlocked(mapping, index, &slot, entry);";
    DlWaitRcuLock = DaxLockMappingEntry, 3, WAIT_RCU, step(A::RcuReadLock), "rcu_read_lock();";
    DlWaitContinue = DaxLockMappingEntry, 3, NEW, goto(L::DlFor), "continue;";
    DlEntryClose = DaxLockMappingEntry, 2, ALWAYS, text(), "}";
    DlLockSlot = DaxLockMappingEntry, 2, ALWAYS, step(A::LockSlot { check_owner: true }), "lock_slot(mapping, slot);";
    DlDidLock = DaxLockMappingEntry, 2, ALWAYS, set(Effect::SetDidLock, Flow::Next), "did_lock = true;";
    DlUnlock = DaxLockMappingEntry, 2, ALWAYS, step(A::XaUnlockIrq), "xa_unlock_irq(&mapping->i_pages);";
    DlBreakLocked = DaxLockMappingEntry, 2, ALWAYS, goto(L::DlForClose), "break;";
    DlForClose = DaxLockMappingEntry, 1, ALWAYS, text(), "}";
    DlRcuUnlock = DaxLockMappingEntry, 1, RCU, step(A::RcuReadUnlock), "rcu_read_unlock();";
    DlReturn = DaxLockMappingEntry, 1, ALWAYS, ret(Ret::Value), "return did_lock;";

    // The seed's get_unlocked_mapping_entry(): the wrapper every other caller uses.
    GwHead = GetUnlockedWrapper, 0, OLD, text(), "static void *get_unlocked_mapping_entry(struct address_space *mapping, pgoff_t index, void ***slotp)";
    GwCall = GetUnlockedWrapper, 1, OLD, call_with(F::GetUnlockedMappingEntry, F::EntryWait), "return __get_unlocked_mapping_entry(mapping, index, slotp, entry_wait);";
    GwEnd = GetUnlockedWrapper, 0, OLD, ret(Ret::Value), "}";

    // __get_unlocked_mapping_entry() / get_unlocked_mapping_entry(): caller holds the i_pages lock.
    GuHeadOld = GetUnlockedMappingEntry, 0, OLD, text(), "static void *__get_unlocked_mapping_entry(struct address_space *mapping, pgoff_t index, void ***slotp, bool (*wait_fn)(void))";
    GuHeadNew = GetUnlockedMappingEntry, 0, NEW, text(), "static void *get_unlocked_mapping_entry(struct address_space *mapping, pgoff_t index, void ***slotp)";
    GuFor = GetUnlockedMappingEntry, 1, ALWAYS, text(), "for (;;) {";
    GuRevalidateDecl = GetUnlockedMappingEntry, 2, OLD, text(), "bool revalidate;";
    GuLookup = GetUnlockedMappingEntry, 2, ALWAYS, step(A::Lookup), "entry = __radix_tree_lookup(&mapping->i_pages, index, NULL, &slot);";
    GuTest = GetUnlockedMappingEntry, 2, ALWAYS, branch(Cond::EntryNullOrUnlocked, L::GuReturn, L::GuWaitqueue), "if (!entry || WARN_ON_ONCE(!radix_tree_exceptional_entry(entry)) || !slot_locked(mapping, slot))";
    GuReturn = GetUnlockedMappingEntry, 3, ALWAYS, ret(Ret::Value), "return entry;";
    GuWaitqueue = GetUnlockedMappingEntry, 2, ALWAYS, text(), "wq = dax_entry_waitqueue(mapping, index, entry, &ewait.key);";
    GuPrepare = GetUnlockedMappingEntry, 2, ALWAYS, step(A::PrepareToWait { exclusive: true }), "prepare_to_wait_exclusive(wq, &ewait.wait, TASK_UNINTERRUPTIBLE);";
    GuUnlock = GetUnlockedMappingEntry, 2, ALWAYS, step(A::XaUnlockIrq), "xa_unlock_irq(&mapping->i_pages);";
    GuWaitFn = GetUnlockedMappingEntry, 2, OLD, call_wait_fn(), "revalidate = wait_fn();";
    GuSchedule = GetUnlockedMappingEntry, 2, NEW, step(A::Schedule), "schedule();";
    GuFinish = GetUnlockedMappingEntry, 2, ALWAYS, step(A::FinishWait), "finish_wait(wq, &ewait.wait);";
    GuLock = GetUnlockedMappingEntry, 2, ALWAYS, step(A::XaLockIrq), "xa_lock_irq(&mapping->i_pages);";
    GuIfRevalidate = GetUnlockedMappingEntry, 2, OLD, branch(Cond::Revalidate, L::GuEagain, L::GuForClose), "if (revalidate)";
    GuEagain = GetUnlockedMappingEntry, 3, OLD, ret(Ret::Eagain), "return ERR_PTR(-EAGAIN);";
    GuForClose = GetUnlockedMappingEntry, 1, ALWAYS, goto(L::GuFor), "}";

    // The seed's two wait functions.
    EwHead = EntryWait, 0, OLD, text(), "static bool entry_wait(void)";
    EwSchedule = EntryWait, 1, OLD, step(A::Schedule), "schedule();";
    EwReturn = EntryWait, 1, OLD, ret(Ret::False), "return false;";
    ErHead = EntryWaitRevalidate, 0, OLD, text(), "static bool entry_wait_revalidate(void)";
    ErRcuUnlock = EntryWaitRevalidate, 1, OLD, step(A::RcuReadUnlock), "rcu_read_unlock();";
    ErSchedule = EntryWaitRevalidate, 1, OLD, step(A::Schedule), "schedule();";
    ErRcuLock = EntryWaitRevalidate, 1, OLD, step(A::RcuReadLock), "rcu_read_lock();";
    ErReturn = EntryWaitRevalidate, 1, OLD, ret(Ret::True), "return true;";

    // The fix's wait_entry_unlocked(): caller holds the i_pages lock; never touches the mapping after dropping it.
    WeHead = WaitEntryUnlocked, 0, NEW, text(), "static void wait_entry_unlocked(struct address_space *mapping, pgoff_t index, void ***slotp, void *entry)";
    WeWaitqueue = WaitEntryUnlocked, 1, NEW, text(), "wq = dax_entry_waitqueue(mapping, index, entry, &ewait.key);";
    WePrepare = WaitEntryUnlocked, 1, NEW.and(Fix::NonExclusiveWait), step(A::PrepareToWait { exclusive: false }), "prepare_to_wait(wq, &ewait.wait, TASK_UNINTERRUPTIBLE);";
    WePrepareExclusive = WaitEntryUnlocked, 1, NEW.and_not(Fix::NonExclusiveWait), step(A::PrepareToWait { exclusive: true }), "prepare_to_wait_exclusive(wq, &ewait.wait, TASK_UNINTERRUPTIBLE);  /* exclusive, as daxlab reconstructs 55e56f06ed71's first form */";
    WeUnlock = WaitEntryUnlocked, 1, NEW, step(A::XaUnlockIrq), "xa_unlock_irq(&mapping->i_pages);";
    WeSchedule = WaitEntryUnlocked, 1, NEW, step(A::Schedule), "schedule();";
    WeFinish = WaitEntryUnlocked, 1, NEW, step(A::FinishWait), "finish_wait(wq, &ewait.wait);";
    // 55e56f06ed71's first form: an exclusive wait, then a wake of the next waiter; d8a706414af4 replaced both with a non-exclusive wait "in case this path never successfully performs its own wake up" (its comment, in every indexed wait_entry_unlocked()). The first form's text itself was not found with the search tools.
    WeWakeNext = WaitEntryUnlocked, 1, NEW.and_not(Fix::NonExclusiveWait).unless(Ablation::NoWakeNext), step(A::WakeNext), "if (waitqueue_active(wq)) __wake_up(wq, TASK_NORMAL, 1, &ewait.key);  /* daxlab's reconstruction of 55e56f06ed71's first form: the commit's text was not found */";
    WeEnd = WaitEntryUnlocked, 0, NEW, ret(Ret::Value), "}";

    // dax_unlock_mapping_entry(struct page *)
    DuHead = DaxUnlockMappingEntry, 0, ALWAYS, text(), "void dax_unlock_mapping_entry(struct page *page)";
    DuMapping = DaxUnlockMappingEntry, 1, ALWAYS, step(A::ReadPageMapping), "struct address_space *mapping = page->mapping;";
    DuHost = DaxUnlockMappingEntry, 1, ALWAYS, step(A::ReadHost), "struct inode *inode = mapping->host;";
    DuIsChr = DaxUnlockMappingEntry, 1, ALWAYS, step_if(A::UnlockIsChr, L::DuReturn, L::DuCall), "if (S_ISCHR(inode->i_mode))";
    DuReturn = DaxUnlockMappingEntry, 2, ALWAYS, ret(Ret::Value), "return;";
    DuCall = DaxUnlockMappingEntry, 1, ALWAYS, call(F::UnlockMappingEntry), "unlock_mapping_entry(mapping, page->index);";
    DuEnd = DaxUnlockMappingEntry, 0, ALWAYS, ret(Ret::Value), "}";

    // unlock_mapping_entry(): takes and drops the i_pages lock, then wakes one waiter.
    UnHead = UnlockMappingEntry, 0, ALWAYS, text(), "static void unlock_mapping_entry(struct address_space *mapping, pgoff_t index)";
    UnLock = UnlockMappingEntry, 1, ALWAYS, step(A::XaLockIrq), "xa_lock_irq(&mapping->i_pages);";
    UnLookup = UnlockMappingEntry, 1, ALWAYS, step(A::Lookup), "entry = __radix_tree_lookup(&mapping->i_pages, index, NULL, &slot);";
    UnWarn = UnlockMappingEntry, 1, ALWAYS, branch(Cond::EntryNullOrUnlocked, L::UnWarnUnlock, L::UnWarnClose), "if (WARN_ON_ONCE(!entry || !radix_tree_exceptional_entry(entry) || !slot_locked(mapping, slot))) {";
    UnWarnUnlock = UnlockMappingEntry, 2, ALWAYS, step(A::XaUnlockIrq), "xa_unlock_irq(&mapping->i_pages);";
    UnWarnReturn = UnlockMappingEntry, 2, ALWAYS, ret(Ret::Value), "return;";
    UnWarnClose = UnlockMappingEntry, 1, ALWAYS, text(), "}";
    UnUnlockSlot = UnlockMappingEntry, 1, ALWAYS, step(A::UnlockSlot), "unlock_slot(mapping, slot);";
    UnXaUnlock = UnlockMappingEntry, 1, ALWAYS, step(A::XaUnlockIrq), "xa_unlock_irq(&mapping->i_pages);";
    UnWake = UnlockMappingEntry, 1, ALWAYS, step(A::WakeUp { all: false }), "dax_wake_mapping_entry_waiter(mapping, index, entry, false);";
    UnEnd = UnlockMappingEntry, 0, ALWAYS, ret(Ret::Value), "}";

    // XFS's fault handler: the MMAPLOCK, shared, serializes faults with truncate.
    FxHead = XfsFilemapFault, 0, ALWAYS, text(), "static vm_fault_t __xfs_filemap_fault(struct vm_fault *vmf, enum page_entry_size pe_size, bool write_fault)";
    FxLock = XfsFilemapFault, 1, ALWAYS, step(A::DownRead), "xfs_ilock(XFS_I(inode), XFS_MMAPLOCK_SHARED);";
    FxFault = XfsFilemapFault, 1, ALWAYS, call(F::DaxIomapPteFault), "ret = dax_iomap_fault(vmf, pe_size, &pfn, NULL, &xfs_iomap_ops);";
    FxUnlock = XfsFilemapFault, 1, ALWAYS, step(A::UpRead), "xfs_iunlock(XFS_I(inode), XFS_MMAPLOCK_SHARED);";
    FxEnd = XfsFilemapFault, 0, ALWAYS, ret(Ret::Value), "}";

    // A DAX page fault: lock the entry, map the block, unlock the entry.
    FtHead = DaxIomapPteFault, 0, ALWAYS, text(), "static vm_fault_t dax_iomap_pte_fault(struct vm_fault *vmf, pfn_t *pfnp, int *iomap_errp, const struct iomap_ops *ops)";
    FtGrab = DaxIomapPteFault, 1, ALWAYS, call(F::GrabMappingEntry), "entry = grab_mapping_entry(mapping, vmf->pgoff, 0);";
    FtIfNew = DaxIomapPteFault, 1, ALWAYS, branch(Cond::NewOrEmpty, L::FtInsert, L::FtMap), "if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry))  /* in 4.19 this test is inside dax_insert_mapping_entry(), under the i_pages lock: condensed here */";
    FtInsert = DaxIomapPteFault, 2, ALWAYS, call(F::DaxInsertMappingEntry), "entry = dax_insert_mapping_entry(mapping, vmf, entry, pfn, 0, write && !sync);";
    FtMap = DaxIomapPteFault, 1, ALWAYS, text(), "vmf_insert_mixed(vmf->vma, vaddr, pfn);";
    FtPut = DaxIomapPteFault, 1, ALWAYS, call(F::PutLockedMappingEntry), "put_locked_mapping_entry(mapping, vmf->pgoff);";
    FtEnd = DaxIomapPteFault, 0, ALWAYS, ret(Ret::Value), "}";
    GrHead = GrabMappingEntry, 0, ALWAYS, text(), "static void *grab_mapping_entry(struct address_space *mapping, pgoff_t index, unsigned long size_flag)";
    GrLock = GrabMappingEntry, 1, ALWAYS, step(A::XaLockIrq), "xa_lock_irq(&mapping->i_pages);";
    GrGet = GrabMappingEntry, 1, ALWAYS, call(F::GetUnlockedWrapper), "entry = get_unlocked_mapping_entry(mapping, index, &slot);";
    GrIfEntry = GrabMappingEntry, 1, ALWAYS, branch(Cond::EntryNonNull, L::GrLockSlot, L::GrInsert), "if (entry) {";
    GrLockSlot = GrabMappingEntry, 2, ALWAYS, step(A::LockSlot { check_owner: false }), "entry = lock_slot(mapping, slot);";
    GrElse = GrabMappingEntry, 1, ALWAYS, goto(L::GrClose), "} else {";
    GrInsert = GrabMappingEntry, 2, ALWAYS, step(A::InsertLockedEmpty), "__radix_tree_insert(&mapping->i_pages, index, 0, dax_radix_locked_entry(0, size_flag | RADIX_DAX_EMPTY));";
    GrClose = GrabMappingEntry, 1, ALWAYS, text(), "}";
    GrUnlock = GrabMappingEntry, 1, ALWAYS, step(A::XaUnlockIrq), "xa_unlock_irq(&mapping->i_pages);";
    GrReturn = GrabMappingEntry, 1, ALWAYS, ret(Ret::Value), "return entry;";
    DiHead = DaxInsertMappingEntry, 0, ALWAYS, text(), "static void *dax_insert_mapping_entry(struct address_space *mapping, struct vm_fault *vmf, void *entry, pfn_t pfn_t, unsigned long flags, bool dirty)";
    DiLock = DaxInsertMappingEntry, 1, ALWAYS, step(A::XaLockIrq), "xa_lock_irq(pages);";
    DiAssociate = DaxInsertMappingEntry, 1, ALWAYS, step(A::Associate), "dax_associate_entry(new_entry, mapping, vmf->vma, vmf->address);";
    DiReplace = DaxInsertMappingEntry, 1, ALWAYS, step(A::ReplaceEntry), "__radix_tree_replace(pages, node, slot, new_entry, NULL);";
    DiUnlock = DaxInsertMappingEntry, 1, ALWAYS, step(A::XaUnlockIrq), "xa_unlock_irq(pages);";
    DiReturn = DaxInsertMappingEntry, 1, ALWAYS, ret(Ret::Value), "return entry;";
    PlHead = PutLockedMappingEntry, 0, ALWAYS, text(), "static void put_locked_mapping_entry(struct address_space *mapping, pgoff_t index)";
    PlCall = PutLockedMappingEntry, 1, ALWAYS, call(F::UnlockMappingEntry), "unlock_mapping_entry(mapping, index);";
    PlEnd = PutLockedMappingEntry, 0, ALWAYS, ret(Ret::Value), "}";

    // Truncate on XFS: the MMAPLOCK, exclusive, keeps every fault out while entries are deleted.
    TsHead = XfsSetattr, 0, ALWAYS, text(), "STATIC int xfs_vn_setattr(struct dentry *dentry, struct iattr *iattr)";
    TsLock = XfsSetattr, 1, ALWAYS, step(A::DownWrite), "xfs_ilock(ip, XFS_MMAPLOCK_EXCL);";
    TsSize = XfsSetattr, 1, ALWAYS, call(F::TruncateRange), "error = xfs_vn_setattr_size(dentry, iattr);  /* → truncate_setsize() → truncate_inode_pages_range() */";
    TsUnlock = XfsSetattr, 1, ALWAYS, step(A::UpWrite), "xfs_iunlock(ip, XFS_MMAPLOCK_EXCL);";
    TsEnd = XfsSetattr, 0, ALWAYS, ret(Ret::Value), "}";

    // Truncate: every DAX entry of the range goes through dax_delete_mapping_entry().
    TpHead = TruncateRange, 0, ALWAYS, text(), "void truncate_inode_pages_range(struct address_space *mapping, loff_t lstart, loff_t lend)";
    TpFor = TruncateRange, 1, ALWAYS, set(Effect::LoadIndex, Flow::Branch { cond: Cond::MoreIndices, then: L::TpDelete, otherwise: L::TpEnd }), "for (...) {  /* each index of [lstart, lend] with a DAX entry (the pagevec loop) */";
    TpDelete = TruncateRange, 2, ALWAYS, call_arg(F::InvalidateMappingEntry, Arg::Trunc(true)), "dax_delete_mapping_entry(mapping, index);  /* → __dax_invalidate_mapping_entry(mapping, index, true) */";
    TpNext = TruncateRange, 1, ALWAYS, set(Effect::NextIter, Flow::Goto(L::TpFor)), "}";
    TpEnd = TruncateRange, 0, ALWAYS, ret(Ret::Value), "}";

    // Invalidation (a DAX write(2) over newly allocated blocks in 4.19; virtiofs later): every DAX entry of the range goes through dax_invalidate_mapping_entry_sync(); no MMAPLOCK is held.
    IiHead = InvalidateInodePages2Range, 0, ALWAYS, text(), "int invalidate_inode_pages2_range(struct address_space *mapping, pgoff_t start, pgoff_t end)";
    IiFor = InvalidateInodePages2Range, 1, ALWAYS, set(Effect::LoadIndex, Flow::Branch { cond: Cond::MoreIndices, then: L::IiInvalidate, otherwise: L::IiEnd }), "for (...) {  /* each index of [start, end] with a DAX entry (the pagevec loop) */";
    IiInvalidate = InvalidateInodePages2Range, 2, ALWAYS, call(F::DaxInvalidateMappingEntrySync), "invalidate_exceptional_entry2(mapping, index, page);  /* → dax_invalidate_mapping_entry_sync(); 0 (entry kept) makes the range -EBUSY */";
    IiNext = InvalidateInodePages2Range, 1, ALWAYS, set(Effect::NextIter, Flow::Goto(L::IiFor)), "}";
    IiEnd = InvalidateInodePages2Range, 0, ALWAYS, ret(Ret::Value), "}";
    IsHead = DaxInvalidateMappingEntrySync, 0, ALWAYS, text(), "int dax_invalidate_mapping_entry_sync(struct address_space *mapping, pgoff_t index)";
    IsCall = DaxInvalidateMappingEntrySync, 1, ALWAYS, call_arg(F::InvalidateMappingEntry, Arg::Trunc(false)), "return __dax_invalidate_mapping_entry(mapping, index, false);";
    IsEnd = DaxInvalidateMappingEntrySync, 0, ALWAYS, ret(Ret::Value), "}";

    // __dax_invalidate_mapping_entry(): truncate's and invalidation's shared body; `trunc` says whose.
    TrHead = InvalidateMappingEntry, 0, ALWAYS, text(), "static int __dax_invalidate_mapping_entry(struct address_space *mapping, pgoff_t index, bool trunc)";
    TrLock = InvalidateMappingEntry, 1, ALWAYS, step(A::XaLockIrq), "xa_lock_irq(pages);";
    TrGet = InvalidateMappingEntry, 1, ALWAYS, call(F::GetUnlockedWrapper), "entry = get_unlocked_mapping_entry(mapping, index, NULL);";
    TrTest = InvalidateMappingEntry, 1, ALWAYS, branch(Cond::EntryNull, L::TrGoto, L::TrIfDirty), "if (!entry || WARN_ON_ONCE(!radix_tree_exceptional_entry(entry)))";
    TrGoto = InvalidateMappingEntry, 2, ALWAYS, goto(L::TrOut), "goto out;";
    // Invalidation leaves a dirty entry alone; PAGECACHE_TAG_DIRTY is not modelled (see Cond::KeepDirty).
    TrIfDirty = InvalidateMappingEntry, 1, ALWAYS, branch(Cond::KeepDirty, L::TrDirtyGoto, L::TrDisassociate), "if (!trunc && (radix_tree_tag_get(pages, index, PAGECACHE_TAG_DIRTY) || radix_tree_tag_get(pages, index, PAGECACHE_TAG_TOWRITE)))";
    TrDirtyGoto = InvalidateMappingEntry, 2, ALWAYS, goto(L::TrOut), "goto out;";
    TrDisassociate = InvalidateMappingEntry, 1, ALWAYS, step(A::Disassociate), "dax_disassociate_entry(entry, mapping, trunc);";
    TrDelete = InvalidateMappingEntry, 1, ALWAYS, step(A::DeleteEntry), "radix_tree_delete(pages, index);";
    TrOut = InvalidateMappingEntry, 0, ALWAYS, text(), "out:";
    TrPut = InvalidateMappingEntry, 1, WAKE_ONE, call(F::PutUnlockedMappingEntry), "put_unlocked_mapping_entry(mapping, index, entry);";
    TrPutAll = InvalidateMappingEntry, 1, WAKE_ALL, call_arg(F::PutUnlockedMappingEntry, Arg::WakeAll), "put_unlocked_mapping_entry(mapping, index, entry, WAKE_ALL);  /* 237388320def (2021), drawn in 4.19's radix-tree form; upstream: put_unlocked_entry(&xas, entry, WAKE_ALL) */";
    TrUnlock = InvalidateMappingEntry, 1, ALWAYS, step(A::XaUnlockIrq), "xa_unlock_irq(pages);";
    TrReturn = InvalidateMappingEntry, 1, ALWAYS, ret(Ret::Value), "return ret;";
    PuHead = PutUnlockedMappingEntry, 0, WAKE_ONE, text(), "static void put_unlocked_mapping_entry(struct address_space *mapping, pgoff_t index, void *entry)";
    PuHeadMode = PutUnlockedMappingEntry, 0, WAKE_ALL, text(), "static void put_unlocked_mapping_entry(struct address_space *mapping, pgoff_t index, void *entry, enum dax_wake_mode mode)  /* the mode argument of mainline's put_unlocked_entry() */";
    // The wake step itself finds a NULL entry and wakes nobody, so `if (entry)` is read only.
    PuIf = PutUnlockedMappingEntry, 1, ALWAYS, text(), "if (entry)";
    PuWakeOne = PutUnlockedMappingEntry, 2, WAKE_ONE, step(A::WakeUp { all: false }), "dax_wake_mapping_entry_waiter(mapping, index, entry, false);";
    PuWakeMode = PutUnlockedMappingEntry, 2, WAKE_ALL, step(A::WakeUpAsCalled), "dax_wake_mapping_entry_waiter(mapping, index, entry, mode == WAKE_ALL);";
    PuEnd = PutUnlockedMappingEntry, 0, ALWAYS, ret(Ret::Value), "}";

    // fsync(2): dax_writeback_mapping_range() writes back each TOWRITE-tagged entry with dax_writeback_one(); no MMAPLOCK is held.
    WbHead = DaxWritebackOne, 0, ALWAYS, text(), "static int dax_writeback_one(struct dax_device *dax_dev, struct address_space *mapping, pgoff_t index, void *entry)";
    WbLock = DaxWritebackOne, 1, ALWAYS, step(A::XaLockIrq), "xa_lock_irq(pages);";
    WbGet = DaxWritebackOne, 1, ALWAYS, call(F::GetUnlockedWrapper), "entry2 = get_unlocked_mapping_entry(mapping, index, &slot);";
    WbIfGone = DaxWritebackOne, 1, ALWAYS, branch(Cond::EntryNull, L::WbGoneGoto, L::WbIfMoved), "if (!entry2 || WARN_ON_ONCE(!radix_tree_exceptional_entry(entry2)))";
    WbGoneGoto = DaxWritebackOne, 2, ALWAYS, goto(L::WbPutLabel), "goto put_unlocked;";
    WbIfMoved = DaxWritebackOne, 1, ALWAYS, branch(Cond::EntryOtherPfn, L::WbMovedGoto, L::WbIfClean), "if (dax_radix_pfn(entry2) != dax_radix_pfn(entry))";
    WbMovedGoto = DaxWritebackOne, 2, ALWAYS, goto(L::WbPutLabel), "goto put_unlocked;";
    WbIfClean = DaxWritebackOne, 1, ALWAYS, branch(Cond::EntryNotToWrite, L::WbCleanGoto, L::WbLockSlot), "if (!radix_tree_tag_get(pages, index, PAGECACHE_TAG_TOWRITE))";
    WbCleanGoto = DaxWritebackOne, 2, ALWAYS, goto(L::WbPutLabel), "goto put_unlocked;";
    WbLockSlot = DaxWritebackOne, 1, ALWAYS, step(A::LockSlot { check_owner: false }), "entry = lock_slot(mapping, slot);";
    WbClearTag = DaxWritebackOne, 1, ALWAYS, step(A::ClearToWrite), "radix_tree_tag_clear(pages, index, PAGECACHE_TAG_TOWRITE);";
    WbUnlock = DaxWritebackOne, 1, ALWAYS, step(A::XaUnlockIrq), "xa_unlock_irq(pages);";
    WbFlush = DaxWritebackOne, 1, ALWAYS, text(), "dax_flush(dax_dev, page_address(pfn_to_page(pfn)), size);";
    WbDirtyLock = DaxWritebackOne, 1, ALWAYS, step(A::XaLockIrq), "xa_lock_irq(pages);";
    WbDirtyClear = DaxWritebackOne, 1, ALWAYS, text(), "radix_tree_tag_clear(pages, index, PAGECACHE_TAG_DIRTY);";
    WbDirtyUnlock = DaxWritebackOne, 1, ALWAYS, step(A::XaUnlockIrq), "xa_unlock_irq(pages);";
    WbPutLocked = DaxWritebackOne, 1, ALWAYS, call(F::PutLockedMappingEntry), "put_locked_mapping_entry(mapping, index);";
    WbReturn = DaxWritebackOne, 1, ALWAYS, ret(Ret::Value), "return ret;";
    WbPutLabel = DaxWritebackOne, 0, ALWAYS, text(), "put_unlocked:";
    WbPut = DaxWritebackOne, 1, WAKE_ONE, call(F::PutUnlockedMappingEntry), "put_unlocked_mapping_entry(mapping, index, entry2);";
    WbPutNext = DaxWritebackOne, 1, WAKE_ALL, call_arg(F::PutUnlockedMappingEntry, Arg::WakeNext), "put_unlocked_mapping_entry(mapping, index, entry2, WAKE_NEXT);";
    WbPutUnlock = DaxWritebackOne, 1, ALWAYS, step(A::XaUnlockIrq), "xa_unlock_irq(pages);";
    WbEnd = DaxWritebackOne, 1, ALWAYS, ret(Ret::Value), "return ret;";

    // Inode eviction after the last reference.
    EvHead = Evict, 0, ALWAYS, text(), "static void evict(struct inode *inode)";
    EvIput = Evict, 1, ALWAYS, step(A::Iput), "inode->i_state |= I_FREEING;  /* by iput_final() at the last iput(), before it calls evict() */";
    EvTruncate = Evict, 1, ALWAYS, call(F::TruncateRange), "truncate_inode_pages_final(&inode->i_data);";
    EvClear = Evict, 1, ALWAYS, call(F::ClearInode), "clear_inode(inode);";
    EvDestroy = Evict, 1, ALWAYS, call(F::DestroyInode), "destroy_inode(inode);";
    EvEnd = Evict, 0, ALWAYS, ret(Ret::Value), "}";
    CiHead = ClearInode, 0, ALWAYS, text(), "void clear_inode(struct inode *inode)";
    CiLock = ClearInode, 1, ALWAYS, step(A::XaLockIrq), "xa_lock_irq(&inode->i_data.i_pages);";
    CiUnlock = ClearInode, 1, ALWAYS, step(A::XaUnlockIrq), "xa_unlock_irq(&inode->i_data.i_pages);";
    CiEnd = ClearInode, 0, ALWAYS, ret(Ret::Value), "}";
    DsHead = DestroyInode, 0, ALWAYS, text(), "static void destroy_inode(struct inode *inode)";
    // XFS has ->destroy_inode: the inode stays cached until a new file takes its memory
    // (inode-reuse) or XFS's reclaim frees it with call_rcu() (4.19: __xfs_inode_free()).
    // The model runs that reclaim at once, in the evicting thread.
    DsIfOp = DestroyInode, 1, ALWAYS, branch(Cond::RecyclesInodes, L::DsXfs, L::DsElse), "inode->i_sb->s_op->destroy_inode(inode);  /* XFS: the inode stays in its cache, reclaimable; later, either */";
    DsXfs = DestroyInode, 1, ALWAYS, goto(L::DsEnd), "/* (a) a new file reuses its memory: xfs_iget() → xfs_iget_cache_hit() (inode-reuse) */";
    DsElse = DestroyInode, 1, ALWAYS, text(), "/* (b) XFS's reclaim worker frees it (the model runs it now): xfs_reclaim_inode() → __xfs_inode_free(ip) */";
    DsCallRcu = DestroyInode, 1, ALWAYS, step(A::CallRcu), "call_rcu(&VFS_I(ip)->i_rcu, xfs_inode_free_callback);  /* in __xfs_inode_free() */";
    DsEnd = DestroyInode, 0, ALWAYS, ret(Ret::Value), "}";

    // XFS: an unlinked file's last iput() evicts its inode, which stays in XFS's cache; a new file then reuses it.
    XrHead = XfsReuse, 0, ALWAYS, text(), "/* unlink(2), then the last iput(); later creat(2) of another file reuses the inode */";
    XrEvict = XfsReuse, 1, ALWAYS, call(F::Evict), "evict(inode);";
    XrReuse = XfsReuse, 1, ALWAYS, call(F::RecycleInode), "error = xfs_iget(mp, tp, ino, XFS_IGET_CREATE, XFS_ILOCK_EXCL, &ip);  /* → xfs_iget_cache_hit() */";
    XrEnd = XfsReuse, 0, ALWAYS, ret(Ret::Value), "}";
    // 4.19's XFS recycles an XFS_IRECLAIMABLE inode's memory for the new file without waiting for a grace period (Brian Foster proposed waiting for one in January 2022).
    RcHead = RecycleInode, 0, ALWAYS, text(), "static int xfs_iget_cache_hit(struct xfs_perag *pag, struct xfs_inode *ip, xfs_ino_t ino, int flags, int lock_flags)";
    RcInit = RecycleInode, 1, ALWAYS, step(A::RecycleInode), "error = xfs_reinit_inode(mp, inode);  /* → inode_init_always() */";
    RcFaultLock = RecycleInode, 1, ALWAYS, step(A::XaLockIrq), "xa_lock_irq(pages);  /* the new file's first fault: dax_insert_mapping_entry(), condensed */";
    RcFaultInsert = RecycleInode, 1, ALWAYS, step(A::RecycleFault), "__radix_tree_replace(pages, node, slot, new_entry, NULL);";
    RcFaultUnlock = RecycleInode, 1, ALWAYS, step(A::XaUnlockIrq), "xa_unlock_irq(pages);";
    RcEnd = RecycleInode, 0, ALWAYS, ret(Ret::Value), "}";

    // The RCU machinery, as one daemon whose next action follows from RCU's state.
    RuHead = RcuCore, 0, ALWAYS, text(), "rcu_gp_kthread() and rcu_process_callbacks()  /* as one daemon */";
    RuStart = RcuCore, 1, ALWAYS, step(A::GpStart), "/* rcu_gp_init(): a grace period starts, to wait for the readers inside rcu_read_lock() now */";
    RuEnd = RcuCore, 1, ALWAYS, step(A::GpEnd), "/* rcu_gp_cleanup(): those readers have all left: the grace period ends */";
    RuInvoke = RcuCore, 1, ALWAYS, step(A::InvokeCallbacks), "/* rcu_do_batch(): xfs_inode_free_callback() frees the inode */";

    // Unbinding the device.
    UbHead = Unbind, 0, ALWAYS, text(), "void memunmap_pages(struct dev_pagemap *pgmap)  /* later kernels' order; see the thread's note */";
    UbKill = Unbind, 1, ALWAYS, step(A::KillPgmap), "percpu_ref_kill(&pgmap->ref);  /* then percpu_ref_put_many() drops the pages' base references (not modelled) */";
    UbWait = Unbind, 1, ALWAYS, step(A::WaitPgmapDrained), "wait_for_completion(&pgmap->done);";
    UbRemove = Unbind, 1, ALWAYS, step(A::RemovePgmap), "arch_remove_memory(range->start, range_len(range), pgmap_altmap(pgmap));  /* in pageunmap_range() */";
    UbEnd = Unbind, 0, ALWAYS, ret(Ret::Value), "}";
}

pub(crate) static LINES: &[LineInfo] = TABLE;

// A thread's program counter and return stack hold lines as bytes, and 255 means "none" in a
// layout.
const _: () = assert!(TABLE.len() < 255);

const NONE: u8 = 255;

/// The lines of one code laid out for the interpreter: for each line, the first line present at
/// or after it, and strictly after it, within its own function.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    here: [u8; 256],
    next: [u8; 256],
}

impl Layout {
    /// The layout of `code`.
    pub(crate) fn new(code: Code) -> Layout {
        let mut here = [NONE; 256];
        let mut next = [NONE; 256];
        let mut i = LINES.len();
        // Walking backwards, `ahead` is the first present line after `i` in i's function.
        let mut ahead = NONE;
        while i > 0 {
            i -= 1;
            let info = &LINES[i];
            if LINES.get(i + 1).is_none_or(|n| n.func != info.func) {
                ahead = NONE;
            }
            next[i] = ahead;
            here[i] = if info.when.holds(code) {
                i as u8
            } else {
                ahead
            };
            ahead = here[i];
        }
        Layout { here, next }
    }
    /// The first present line at or after `line` in its function.
    pub(crate) fn here(&self, line: Line) -> Option<Line> {
        Line::from_index(self.here[line as usize])
    }
    /// The first present line after `line` in its function.
    pub(crate) fn next(&self, line: Line) -> Option<Line> {
        Line::from_index(self.next[line as usize])
    }
    /// Whether `func` has any line under this code.
    pub(crate) fn has(&self, func: Func) -> bool {
        self.here[func.head() as usize] != NONE
    }
    /// Make `next` the line that follows `line` (a body order, `crate::body_order`).
    pub(crate) fn link(&mut self, line: Line, next: Option<Line>) {
        self.next[line as usize] = next.map_or(NONE, |n| n as u8);
    }
}

const FUNCS: usize = Func::Unbind as usize + 1;

/// For each function, the index of its first line; lines of a function are contiguous and its
/// header lines (indent 0) come first.
static FIRST_LINE: [u8; FUNCS] = {
    let mut first = [0u8; FUNCS];
    let mut i = TABLE.len();
    while i > 0 {
        i -= 1;
        first[TABLE[i].func as usize] = i as u8;
    }
    first
};

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

    /// Whether this line is part of the code `code`.
    pub fn present_in(self, code: Code) -> bool {
        self.info().when.holds(code)
    }

    /// The 1-based line number of this line inside its function's listing for `code`.
    pub fn number_in(self, code: Code) -> usize {
        let func = self.func();
        LINES
            .iter()
            .filter(|l| l.func == func && l.line.present_in(code))
            .position(|l| l.line == self)
            .map_or(0, |p| p + 1)
    }

    /// Every line, in table order.
    pub fn all() -> impl Iterator<Item = Line> {
        LINES.iter().map(|l| l.line)
    }

    /// The line with this number in the table (the inverse of `as u8`).
    pub(crate) fn from_index(i: u8) -> Option<Line> {
        LINES.get(i as usize).map(|l| l.line)
    }
}

/// How a listing line relates to the code it is described against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mark {
    /// The line is the same as in the base code.
    Same,
    /// This code adds or changes the line.
    Added,
    /// The base code has this line and this code removes it (shown struck through).
    Removed,
}

/// One line of a rendered listing.
#[derive(Clone, Copy, Debug)]
pub struct ListingLine {
    /// The line.
    pub line: Line,
    /// Its relation to the base code.
    pub mark: Mark,
}

/// The listing of the given functions under `code`, with the lines `base` has and `code`
/// removes kept (marked) so that the student sees what the code takes away. Without a base,
/// the listing is just the code's own lines.
pub fn listing(funcs: &[Func], code: Code, base: Option<Code>) -> Vec<ListingLine> {
    let mut out = Vec::new();
    for &func in funcs {
        for info in LINES.iter().filter(|l| l.func == func) {
            let here = info.line.present_in(code);
            let in_base = base.map_or(here, |b| info.line.present_in(b));
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

/// The functions a thread starting in `entry` can reach under `code`, in the order a reader
/// meets them (each call's callee after its caller): the call graph of the table itself.
pub fn reachable(entry: Func, code: Code) -> Vec<Func> {
    let mut out = Vec::new();
    visit(entry, None, code, &mut out);
    out
}

/// The functions a thread that started in `entry` has entered to run `target`: the first call
/// path (in reading order) from `entry` to `target` under `code`, outermost first, tail calls
/// included (their callers are listed, as the listing shows them). `None` when `target`
/// cannot be reached.
pub fn call_path(entry: Func, target: Func, code: Code) -> Option<Vec<Func>> {
    fn walk(
        func: Func,
        wait_fn: Option<Func>,
        target: Func,
        code: Code,
        path: &mut Vec<Func>,
    ) -> bool {
        if path.contains(&func) || !func.exists_in(code) {
            return false;
        }
        path.push(func);
        if func == target {
            return true;
        }
        for (callee, w) in callees(func, wait_fn, code) {
            if walk(callee, w, target, code, path) {
                return true;
            }
        }
        path.pop();
        false
    }
    let mut path = Vec::new();
    walk(entry, None, target, code, &mut path).then_some(path)
}

fn visit(func: Func, wait_fn: Option<Func>, code: Code, out: &mut Vec<Func>) {
    if out.contains(&func) || !func.exists_in(code) {
        return;
    }
    out.push(func);
    for (callee, w) in callees(func, wait_fn, code) {
        visit(callee, w, code, out);
    }
}

/// The calls `func` makes under `code`, in line order: each callee with the wait function it
/// is given (a caller's `Arg::WaitFn`, or the one `func` was given, which a tail call passes
/// on and `CallWaitFn` calls). What [`reachable`] and [`call_path`] both walk.
fn callees(
    func: Func,
    wait_fn: Option<Func>,
    code: Code,
) -> impl Iterator<Item = (Func, Option<Func>)> {
    LINES
        .iter()
        .filter(move |l| l.func == func && l.line.present_in(code))
        .filter_map(move |info| match info.flow {
            Flow::Call { func: f, arg } => {
                let w = match arg {
                    Arg::WaitFn(w) => Some(w),
                    _ => wait_fn,
                };
                Some((f.resolve(code), w))
            }
            Flow::TailCall(f) => Some((f.resolve(code), wait_fn)),
            Flow::CallWaitFn => wait_fn.map(|w| (w, None)),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::variant::Variant;

    #[test]
    fn every_comment_is_a_note_apart_from_the_code() {
        let mut notes = 0;
        for info in LINES {
            let (code, note) = info.code_and_note();
            assert!(
                !code.contains("/*") && !code.contains("*/"),
                "{:?}",
                info.line
            );
            if let Some(note) = note {
                assert!(
                    note.starts_with("/* ") && note.ends_with(" */"),
                    "{:?}: {note}",
                    info.line
                );
                assert_eq!(note.matches("/*").count(), 1, "{:?}", info.line);
                notes += 1;
            }
            assert_eq!(
                alloc::format!("{code}{}", note.unwrap_or("")),
                info.text,
                "{:?}",
                info.line
            );
        }
        assert!(notes > 10, "{notes}");
        let (code, note) = Line::TrPutAll.info().code_and_note();
        assert_eq!(
            code,
            "put_unlocked_mapping_entry(mapping, index, entry, WAKE_ALL);  "
        );
        assert!(note.unwrap().contains("237388320def"));
        assert_eq!(Line::RuStart.info().code_and_note().0, "");
    }

    #[test]
    fn the_line_table_is_in_enum_order() {
        for (i, info) in LINES.iter().enumerate() {
            assert_eq!(info.line as usize, i, "{:?}", info.line);
        }
    }

    #[test]
    fn every_jump_stays_inside_its_function_and_every_call_reaches_a_function() {
        for info in LINES {
            let targets: &[Line] = match &info.flow {
                Flow::Goto(t) => &[*t],
                Flow::Branch {
                    then, otherwise, ..
                } => &[*then, *otherwise],
                _ => &[],
            };
            for t in targets {
                assert_eq!(t.func(), info.func, "{:?} jumps to {t:?}", info.line);
            }
            if let Flow::Call { func, .. } | Flow::TailCall(func) = info.flow {
                assert_eq!(func.head().func(), func, "{:?}", info.line);
            }
        }
    }

    #[test]
    fn every_call_into_dax_invalidate_mapping_entry_says_whether_it_truncates() {
        let calls: Vec<(Line, Arg)> = LINES
            .iter()
            .filter_map(|l| match l.flow {
                Flow::Call {
                    func: Func::InvalidateMappingEntry,
                    arg,
                } => Some((l.line, arg)),
                _ => None,
            })
            .collect();
        assert_eq!(
            calls,
            [
                (Line::TpDelete, Arg::Trunc(true)),
                (Line::IsCall, Arg::Trunc(false))
            ]
        );
        // Truncate and invalidation share the body; only the argument differs.
        let trunc = reachable(Func::XfsSetattr, Code::SEED);
        let inval = reachable(Func::InvalidateInodePages2Range, Code::SEED);
        assert!(trunc.contains(&Func::InvalidateMappingEntry));
        assert!(inval.contains(&Func::DaxInvalidateMappingEntrySync));
        assert!(inval.contains(&Func::InvalidateMappingEntry));
        assert!(
            !inval.contains(&Func::TruncateRange)
                && !trunc.contains(&Func::InvalidateInodePages2Range)
        );
    }

    #[test]
    fn fixed_listing_marks_the_null_check_as_added_and_seed_lines_as_removed() {
        let l = listing(
            &[Func::DaxLockMappingEntry],
            Variant::Fixed.code(),
            Some(Variant::V419.code()),
        );
        let mark = |line| l.iter().find(|x| x.line == line).map(|x| x.mark);
        assert_eq!(mark(Line::DlDaxMappingNull), Some(Mark::Added));
        assert_eq!(mark(Line::DlDaxMapping), Some(Mark::Removed));
        assert_eq!(mark(Line::DlXaLock), Some(Mark::Same));
    }

    #[test]
    fn no_recheck_removes_exactly_the_recheck_block() {
        let l = listing(
            &[Func::DaxLockMappingEntry],
            Variant::NoRecheck.code(),
            Some(Variant::Fixed.code()),
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

    #[test]
    fn the_call_graph_follows_the_wait_function_each_caller_passes() {
        let seed = reachable(Func::MemoryFailure, Code::SEED);
        assert!(seed.contains(&Func::EntryWaitRevalidate));
        assert!(!seed.contains(&Func::EntryWait));
        assert!(!seed.contains(&Func::WaitEntryUnlocked));
        let fault = reachable(Func::DaxIomapPteFault, Code::SEED);
        assert!(fault.contains(&Func::GetUnlockedWrapper) && fault.contains(&Func::EntryWait));
        let fixed = reachable(Func::MemoryFailure, Variant::Fixed.code());
        assert!(fixed.contains(&Func::WaitEntryUnlocked));
        assert!(!fixed.contains(&Func::GetUnlockedMappingEntry));
    }

    #[test]
    fn a_call_path_is_the_stack_a_report_prints() {
        // The seed's use-after-free is in __get_unlocked_mapping_entry(), which memory failure
        // reaches through dax_lock_mapping_entry() (the frame the KASAN report had left out).
        assert_eq!(
            call_path(
                Func::MemoryFailure,
                Func::GetUnlockedMappingEntry,
                Code::SEED
            ),
            Some(alloc::vec![
                Func::MemoryFailure,
                Func::MemoryFailureDevPagemap,
                Func::DaxLockMappingEntry,
                Func::GetUnlockedMappingEntry,
            ])
        );
        // The wait function a caller passes is followed (entry_wait_revalidate, for mf).
        let wait = call_path(Func::MemoryFailure, Func::EntryWaitRevalidate, Code::SEED).unwrap();
        assert_eq!(wait.last(), Some(&Func::EntryWaitRevalidate));
        assert!(wait.contains(&Func::DaxLockMappingEntry));
        // With 55e56f06ed71, dax_lock_mapping_entry() looks the entry up itself: memory
        // failure no longer goes through that helper.
        assert_eq!(
            call_path(
                Func::MemoryFailure,
                Func::GetUnlockedMappingEntry,
                Variant::Fixed.code()
            ),
            None
        );
        assert_eq!(
            call_path(Func::MemoryFailure, Func::MemoryFailure, Code::SEED),
            Some(alloc::vec![Func::MemoryFailure])
        );
    }
}
