//! Why a thread cannot run now, or that it can: what each primitive's "cannot run because…"
//! rule answers, and what the words and the view say about a waiting thread.

use crate::ids::{Addr, Tid};
use crate::world::{ThreadResult, WaitKey};

/// Why a thread cannot run now, or that it can.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// It can take a step.
    Runnable,
    /// Spinning in `xa_lock_irq()` on a lock another thread holds.
    Spinning {
        /// The inode memory whose lock it wants.
        addr: Addr,
        /// The holder.
        owner: Tid,
    },
    /// Asleep in `schedule()` until woken.
    Asleep {
        /// Its wait queue, if still queued.
        bucket: Option<u8>,
        /// What it waits for.
        key: Option<WaitKey>,
        /// Whether it waits exclusively.
        exclusive: bool,
    },
    /// `iput()` cannot drop the last reference while a user holds the file open.
    WaitingForLastReference {
        /// The inode memory.
        addr: Addr,
    },
    /// Asleep in `down_read()`/`down_write()` until the MMAPLOCK is handed over.
    WaitingForMmaplock {
        /// The inode memory.
        addr: Addr,
        /// Bit per thread holding it.
        holders: u16,
    },
    /// `wait_for_completion(&pgmap->done)` while references remain.
    WaitingForPins {
        /// References outstanding.
        pins: u8,
    },
    /// The RCU machinery waits for readers to leave their read-side sections.
    WaitingForReaders {
        /// The grace period.
        gp: u8,
        /// Bit per thread.
        readers: u16,
    },
    /// The RCU machinery has nothing to do.
    Idle,
    /// The thread has finished.
    Done(ThreadResult),
    /// A violation stopped the run.
    Halted,
}
