//! The `i_pages` entries of a mapping and their lock bit: `__radix_tree_lookup()`,
//! `lock_slot()` / `unlock_slot()`, inserting a locked empty entry, replacing it with the
//! block's entry, deleting it. The caller holds the `i_pages` lock for all of them.
//!
//! Memory failure's `lock_slot()` checks what the re-check under the lock exists to ensure: the
//! entry it locks maps its page. A thread that finishes holding an entry lock leaks it.

use crate::Pfn;
use crate::cx::Cx;
use crate::facts::{Fact, Sink};
use crate::violation::{Access, Detail, Violation, ViolationKind};
use crate::world::{Entry, Thread, entry_flags};

/// `entry = __radix_tree_lookup(&mapping->i_pages, index, NULL, &slot)`.
pub(crate) fn lookup<S: Sink>(cx: &mut Cx<S>) -> Result<(), Violation> {
    let a = crate::prim::inode::deref(cx, cx.mapping(), Access::Lookup)?;
    let index = cx.locals().index;
    let found = cx.w.inode(a).lookup(index).copied();
    cx.me().locals.entry = found;
    let ino = cx.ino(a);
    cx.fact(Fact::Lookup { ino, index, found });
    Ok(())
}

/// `lock_slot(mapping, slot)` on the entry at the thread's index. With `check_owner` (memory
/// failure), locking an entry that does not map the thread's page is a violation.
pub(crate) fn lock_slot<S: Sink>(cx: &mut Cx<S>, check_owner: bool) -> Result<(), Violation> {
    let a = cx.mapping().ok_or_else(|| cx.missing_local())?;
    let index = cx.locals().index;
    let pfn = cx.program().pfn();
    if check_owner && let Some(e) = cx.w.inode(a).lookup(index).copied() {
        let page = *cx.w.page(pfn);
        if page.mapping != Some(a) || !e.maps(pfn) {
            return Err(cx.violation(
                ViolationKind::WrongEntryLocked,
                Detail::WrongEntry {
                    ino: cx.ino(a),
                    index: e.index,
                    entry_pfn: (!e.is_empty()).then_some(e.pfn),
                    pfn,
                    page_owner: page.mapping.map(|b| (cx.ino(b), page.index)),
                },
            ));
        }
    }
    let tid = cx.tid;
    if let Some(e) = cx.w.inodes[a.0 as usize].lookup_mut(index) {
        e.flags |= entry_flags::LOCKED;
        e.locker = Some(tid);
    }
    let ino = cx.ino(a);
    cx.fact(Fact::LockSlot {
        ino,
        index,
        pins_inode: check_owner,
    });
    Ok(())
}

/// `unlock_slot(mapping, slot)`.
pub(crate) fn unlock_slot<S: Sink>(cx: &mut Cx<S>) -> Result<(), Violation> {
    let a = cx.mapping().ok_or_else(|| cx.missing_local())?;
    let index = cx.locals().index;
    if let Some(e) = cx.w.inodes[a.0 as usize].lookup_mut(index) {
        e.flags &= !entry_flags::LOCKED;
        e.locker = None;
    }
    let ino = cx.ino(a);
    cx.fact(Fact::UnlockSlot { ino, index });
    Ok(())
}

/// Insert a locked empty entry at the thread's index (a fault found none).
pub(crate) fn insert_locked_empty<S: Sink>(cx: &mut Cx<S>) -> Result<(), Violation> {
    let a = cx.mapping().ok_or_else(|| cx.missing_local())?;
    let index = cx.locals().index;
    let e = Entry {
        index,
        pfn: Pfn(0),
        flags: entry_flags::LOCKED | entry_flags::EMPTY,
        locker: Some(cx.tid),
    };
    let mem = &mut cx.w.inodes[a.0 as usize];
    let pos = mem
        .entries
        .iter()
        .position(|x| x.index > index)
        .unwrap_or(mem.entries.len());
    if mem.entries.try_insert(pos, e).is_some() {
        return Err(cx.table_full());
    }
    let ino = cx.ino(a);
    cx.fact(Fact::InsertEmpty { ino, index });
    Ok(())
}

/// `__radix_tree_replace()`: the empty entry becomes the fault's block, still locked.
pub(crate) fn replace<S: Sink>(cx: &mut Cx<S>) -> Result<(), Violation> {
    let a = cx.mapping().ok_or_else(|| cx.missing_local())?;
    let pfn = cx.program().pfn();
    let index = cx.locals().index;
    let updated = cx.w.inodes[a.0 as usize].lookup_mut(index).map(|e| {
        e.flags &= !entry_flags::EMPTY;
        e.pfn = pfn;
        *e
    });
    if updated.is_some() {
        cx.me().locals.entry = updated;
    }
    cx.fact(Fact::ReplaceEntry { pfn });
    Ok(())
}

/// `radix_tree_delete(pages, index)`.
pub(crate) fn delete<S: Sink>(cx: &mut Cx<S>) -> Result<(), Violation> {
    let a = cx.mapping().ok_or_else(|| cx.missing_local())?;
    let index = cx.locals().index;
    let mem = &mut cx.w.inodes[a.0 as usize];
    if let Some(pos) = mem.entries.iter().position(|e| e.covers(index)) {
        mem.entries.remove(pos);
    }
    let ino = cx.ino(a);
    cx.fact(Fact::DeleteEntry { ino, index });
    Ok(())
}

/// `radix_tree_tag_clear(pages, index, PAGECACHE_TAG_TOWRITE)`.
pub(crate) fn clear_towrite<S: Sink>(cx: &mut Cx<S>) -> Result<(), Violation> {
    let a = cx.mapping().ok_or_else(|| cx.missing_local())?;
    let index = cx.locals().index;
    if let Some(e) = cx.w.inodes[a.0 as usize].lookup_mut(index) {
        e.flags &= !entry_flags::TOWRITE;
    }
    let ino = cx.ino(a);
    cx.fact(Fact::ClearToWrite { ino, index });
    Ok(())
}

/// Whether `t`'s looked-up entry is NULL or unlocked (`!entry || !slot_locked()`).
pub(crate) fn null_or_unlocked(t: &Thread) -> bool {
    t.locals.entry.is_none_or(|e| !e.locked())
}
