//! Inode memory and its life: a pointer to an `address_space` is a pointer into an inode, which
//! lives, is evicted (`iput()` → `I_FREEING`), queued for freeing (`destroy_inode()` →
//! `call_rcu()`), freed by the RCU callback, or recycled for another file. Touching freed memory
//! is a use-after-free; dereferencing NULL is an oops.

use crate::cx::Cx;
use crate::facts::{Fact, Sink};
use crate::ids::{Addr, Tid};
use crate::program::Program;
use crate::status::Status;
use crate::violation::{Access, Detail, Violation, ViolationKind};
use crate::world::{Entry, Life, RcuCallback, World};

/// Dereference a mapping pointer for `access`: NULL and freed memory are violations.
pub(crate) fn deref<S: Sink>(
    cx: &Cx<S>,
    p: Option<Addr>,
    access: Access,
) -> Result<Addr, Violation> {
    let Some(a) = p else {
        return Err(cx.violation(ViolationKind::NullDeref, Detail::NullDeref { access }));
    };
    match cx.w.inode(a).life {
        Life::Freed { after_gp } => Err(cx.violation(
            ViolationKind::UseAfterFree,
            Detail::UseAfterFree {
                access,
                ino: cx.ino(a),
                addr: a,
                after_gp,
            },
        )),
        _ => Ok(a),
    }
}

/// The last `iput()`: the inode is `I_FREEING` and `evict()` begins.
pub(crate) fn iput<S: Sink>(cx: &mut Cx<S>) -> Result<(), Violation> {
    let a = cx.program().mapping().ok_or_else(|| cx.missing_local())?;
    let l = &mut cx.me().locals;
    l.mapping = Some(a);
    l.iter = 0;
    cx.w.inodes[a.0 as usize].life = Life::Freeing;
    let ino = cx.ino(a);
    cx.fact(Fact::Iput { ino });
    Ok(())
}

/// `iput()` cannot drop the last reference while a user (a fault) holds the file.
pub(crate) fn waiting_for_last_reference(w: &World, program: &Program) -> Option<Status> {
    let addr = program.mapping()?;
    (w.inode(addr).users > 0).then_some(Status::WaitingForLastReference { addr })
}

/// A thread that held the file open lets go of it as it finishes.
pub(crate) fn put_user(w: &mut World, program: &Program) {
    if let Some(a) = program.holds_file() {
        let users = &mut w.inodes[a.0 as usize].users;
        *users = users.saturating_sub(1);
    }
}

/// XFS's reclaim → `call_rcu(&VFS_I(ip)->i_rcu, xfs_inode_free_callback)`: the memory waits for a grace
/// period.
pub(crate) fn destroy<S: Sink>(cx: &mut Cx<S>) -> Result<(), Violation> {
    let a = cx.mapping().ok_or_else(|| cx.missing_local())?;
    cx.w.inodes[a.0 as usize].life = Life::RcuPending;
    crate::prim::rcu::call_rcu(cx, a)?;
    let ino = cx.ino(a);
    cx.fact(Fact::CallRcu { ino });
    Ok(())
}

/// `xfs_inode_free_callback()`, run by `rcu_do_batch()`: the memory is freed; whatever points at it dangles.
pub(crate) fn i_callback<S: Sink>(cx: &mut Cx<S>, cb: RcuCallback) {
    let mem = &mut cx.w.inodes[cb.addr.0 as usize];
    mem.life = Life::Freed { after_gp: cb.gp };
    mem.entries.clear();
    mem.xa_lock = None;
    let ino = mem.ino;
    cx.fact(Fact::Freed { ino, gp: cb.gp });
}

/// XFS-style recycling: the evicted inode's memory becomes another file's inode at once.
pub(crate) fn recycle<S: Sink>(cx: &mut Cx<S>) -> Result<(), Violation> {
    let a = cx.mapping().ok_or_else(|| cx.missing_local())?;
    let new = cx.w.next_ino;
    cx.w.next_ino += 1;
    let mem = &mut cx.w.inodes[a.0 as usize];
    let old = mem.ino;
    mem.previous_ino = Some(old);
    mem.ino = new;
    mem.life = Life::Live;
    mem.entries.clear();
    cx.fact(Fact::Recycled { old, new });
    Ok(())
}

/// The recycled file's first fault maps its page.
pub(crate) fn recycled_fault<S: Sink>(cx: &mut Cx<S>) -> Result<(), Violation> {
    let Program::Recycle {
        new_index, new_pfn, ..
    } = *cx.program()
    else {
        return Err(cx.missing_local());
    };
    let a = cx.mapping().ok_or_else(|| cx.missing_local())?;
    let pushed = cx.w.inodes[a.0 as usize].entries.try_push(Entry {
        index: new_index,
        pfn: new_pfn,
        flags: 0,
        locker: None,
    });
    if pushed.is_some() {
        return Err(cx.table_full());
    }
    let page = &mut cx.w.pages[new_pfn.0 as usize];
    page.mapping = Some(a);
    page.index = new_index;
    let ino = cx.ino(a);
    cx.fact(Fact::NewFileFault {
        pfn: new_pfn,
        index: new_index,
        ino,
    });
    Ok(())
}

/// Who holds a pointer to the memory at `addr`: pages (`page->mapping`) and threads (their
/// local `mapping`).
pub fn pointers_to(w: &World, addr: Addr) -> (alloc::vec::Vec<crate::Pfn>, alloc::vec::Vec<Tid>) {
    let pages = w
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.mapping == Some(addr))
        .map(|(i, _)| crate::Pfn(i as u8))
        .collect();
    let threads = w
        .threads
        .iter()
        .enumerate()
        .filter(|(_, t)| t.result.is_none() && t.locals.mapping == Some(addr))
        .map(|(i, _)| Tid(i as u8))
        .collect();
    (pages, threads)
}
