//! `struct page` of the pmem device, and what memory failure does through it: reading
//! `page->mapping` and `page->index` (stable only under the `i_pages` lock), the checks
//! `dax_lock_mapping_entry()` makes on what it read, `dax_associate_entry()` /
//! `dax_disassociate_entry()`, and the poison handling that follows a successful lock.

use crate::cx::Cx;
use crate::facts::{Fact, Sink};
use crate::violation::{Access, Violation};
use crate::world::{InodeKind, PMD_NR};

/// `mapping = READ_ONCE(page->mapping)`.
pub(crate) fn read_mapping<S: Sink>(cx: &mut Cx<S>) {
    let pfn = cx.program().pfn();
    let p = cx.w.page(pfn).mapping;
    cx.me().locals.mapping = p;
    let value = cx.ptr(p);
    cx.fact(Fact::ReadMapping { value });
}

/// `if (!dax_mapping(mapping))` (with c93db7bb6ef3: `!mapping ||` first). True: give up.
pub(crate) fn dax_mapping<S: Sink>(cx: &mut Cx<S>, null_check: bool) -> Result<bool, Violation> {
    let p = cx.mapping();
    if p.is_none() && null_check {
        cx.fact(Fact::DaxMapping {
            value: crate::facts::Ptr::Null,
            dax: false,
        });
        return Ok(true);
    }
    let a = crate::prim::inode::deref(cx, p, Access::DaxMapping)?;
    let dax = cx.w.inode(a).dax;
    let value = cx.ptr(p);
    cx.fact(Fact::DaxMapping { value, dax });
    Ok(!dax)
}

/// `inode = mapping->host`.
pub(crate) fn read_host<S: Sink>(cx: &mut Cx<S>) -> Result<(), Violation> {
    let a = crate::prim::inode::deref(cx, cx.mapping(), Access::Host)?;
    let ino = cx.ino(a);
    cx.fact(Fact::ReadHost { ino });
    Ok(())
}

/// `S_ISCHR(inode->i_mode)`.
pub(crate) fn is_chr<S: Sink>(cx: &mut Cx<S>) -> Result<bool, Violation> {
    let a = crate::prim::inode::deref(cx, cx.mapping(), Access::IsChr)?;
    let chr = cx.w.inode(a).kind == InodeKind::CharDevice;
    let ino = cx.ino(a);
    cx.fact(Fact::IsChr { ino, chr });
    Ok(chr)
}

/// `S_ISCHR(inode->i_mode)` in `dax_unlock_mapping_entry()`; for a regular file, `page->index`
/// is read for the `unlock_mapping_entry()` call.
pub(crate) fn unlock_is_chr<S: Sink>(cx: &mut Cx<S>) -> Result<bool, Violation> {
    let a = crate::prim::inode::deref(cx, cx.mapping(), Access::IsChr)?;
    let chr = cx.w.inode(a).kind == InodeKind::CharDevice;
    let mut index = 0;
    if !chr {
        index = cx.w.page(cx.program().pfn()).index;
        cx.me().locals.index = index;
    }
    cx.fact(Fact::UnlockIsChr { chr, index });
    Ok(chr)
}

/// `if (mapping != page->mapping)` under the lock. True: it changed.
pub(crate) fn recheck<S: Sink>(cx: &mut Cx<S>) -> bool {
    let now = cx.w.page(cx.program().pfn()).mapping;
    let same = now == cx.mapping();
    let value = cx.ptr(now);
    cx.fact(Fact::Recheck { now: value, same });
    !same
}

/// `index = page->index`.
pub(crate) fn read_index<S: Sink>(cx: &mut Cx<S>) {
    let index = cx.w.page(cx.program().pfn()).index;
    cx.me().locals.index = index;
    cx.fact(Fact::ReadIndex { index });
}

/// `SetPageHWPoison(page)`.
pub(crate) fn set_hwpoison<S: Sink>(cx: &mut Cx<S>) {
    let pfn = cx.program().pfn();
    cx.w.pages[pfn.0 as usize].hwpoison = true;
    cx.fact(Fact::HwPoison { pfn });
}

/// `collect_procs()` / `unmap_mapping_range()` go through `page->mapping`, which must still be
/// a live inode.
pub(crate) fn rmap<S: Sink>(cx: &mut Cx<S>, unmap: bool) -> Result<(), Violation> {
    let p = cx.w.page(cx.program().pfn()).mapping;
    let a = crate::prim::inode::deref(cx, p, Access::Rmap)?;
    let ino = cx.ino(a);
    let entry_locked = cx.w.entry_lock_held_by(cx.tid).is_some();
    cx.fact(if unmap {
        Fact::Unmap { ino, entry_locked }
    } else {
        Fact::CollectProcs { ino, entry_locked }
    });
    Ok(())
}

/// `kill_procs()`: SIGBUS to every process that mapped the page.
pub(crate) fn kill_procs<S: Sink>(cx: &mut Cx<S>) {
    cx.fact(Fact::KillProcs);
}

/// `dax_associate_entry()`: the fault's page now belongs to its file at its index.
pub(crate) fn associate<S: Sink>(cx: &mut Cx<S>) {
    let pfn = cx.program().pfn();
    let l = cx.locals();
    let (mapping, index) = (l.mapping, l.index);
    let page = &mut cx.w.pages[pfn.0 as usize];
    page.mapping = mapping;
    page.index = index;
    let value = cx.ptr(mapping);
    cx.fact(Fact::Associate {
        pfn,
        mapping: value,
        index,
    });
}

/// `dax_disassociate_entry()`: every page the entry maps loses its file (an empty entry maps
/// none).
pub(crate) fn disassociate<S: Sink>(cx: &mut Cx<S>) {
    let entry = cx.locals().entry;
    let mut pfn = None;
    if let Some(e) = entry
        && !e.is_empty()
    {
        let span = if e.is_pmd() { PMD_NR as usize } else { 1 };
        for p in cx.w.pages.iter_mut().skip(e.pfn.0 as usize).take(span) {
            p.mapping = None;
            p.index = 0;
        }
        pfn = Some(e.pfn);
    }
    if entry.is_some() {
        cx.fact(Fact::Disassociate { pfn });
    }
}
