//! The `i_pages` spinlock of an `address_space`: `xa_lock_irq()` / `xa_unlock_irq()`.
//!
//! A thread spins (cannot run) while another holds the lock; taking a lock it holds itself is a
//! deadlock at once (interrupts are off, nothing will ever release it). Holding one across
//! `schedule()` or past the thread's end is a violation.

use crate::cx::Cx;
use crate::facts::{Fact, Sink};
use crate::ids::{Addr, Tid};
use crate::status::Status;
use crate::violation::{Access, Detail, Violation, ViolationKind};
use crate::world::World;

/// `xa_lock_irq(&mapping->i_pages)`.
pub(crate) fn lock<S: Sink>(cx: &mut Cx<S>, p: Option<Addr>) -> Result<Addr, Violation> {
    let a = crate::prim::inode::deref(cx, p, Access::XaLock)?;
    let ino = cx.ino(a);
    if cx.w.inode(a).xa_lock == Some(cx.tid) {
        return Err(cx.violation(
            ViolationKind::Deadlock,
            Detail::SelfDeadlock { ino, addr: a },
        ));
    }
    cx.w.inodes[a.0 as usize].xa_lock = Some(cx.tid);
    if let Some(slot) = cx.me().spinlocks.iter_mut().find(|s| s.is_none()) {
        *slot = Some(a);
    }
    cx.fact(Fact::XaLock { ino });
    Ok(a)
}

/// `xa_unlock_irq(&mapping->i_pages)`.
pub(crate) fn unlock<S: Sink>(cx: &mut Cx<S>, p: Option<Addr>) -> Result<(), Violation> {
    let a = crate::prim::inode::deref(cx, p, Access::XaUnlock)?;
    cx.w.inodes[a.0 as usize].xa_lock = None;
    for s in cx.me().spinlocks.iter_mut() {
        if *s == Some(a) {
            *s = None;
        }
    }
    let ino = cx.ino(a);
    cx.fact(Fact::XaUnlock { ino });
    Ok(())
}

/// Whether `tid`, about to take the lock of `p`, spins on another holder. (A lock in freed
/// memory does not block: the step itself reports the use-after-free.)
pub(crate) fn spinning(w: &World, tid: Tid, p: Option<Addr>) -> Option<Status> {
    let addr = p?;
    let mem = w.inode(addr);
    match mem.xa_lock {
        Some(owner) if owner != tid && !mem.is_freed() => Some(Status::Spinning { addr, owner }),
        _ => None,
    }
}
