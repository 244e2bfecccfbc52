//! Small dense identifiers for the simulated objects: threads, page frames and inode memory.

use core::fmt;

/// A simulated task (kernel thread), by its position in the scenario's thread list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tid(pub u8);

/// A page frame number inside the simulated pmem device; also the index of its `struct page`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pfn(pub u8);

/// The address of one piece of inode memory (a slab object holding a `struct inode` and the
/// `address_space` embedded in it). A pointer such as `page->mapping` holds an `Addr`; the inode
/// living at that address can change when the memory is freed or recycled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Addr(pub u8);

impl Addr {
    /// The pointer value the kernel would hash in `dax_entry_waitqueue()`. Slab objects are
    /// 1 KiB apart from a made-up kernel address; the exact value only matters for bucket choice.
    pub fn pointer_value(self) -> u64 {
        0xffff_8880_0123_4000 + (self.0 as u64) * 0x400
    }
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.pointer_value())
    }
}

impl fmt::Display for Pfn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pfn {}", self.0)
    }
}
