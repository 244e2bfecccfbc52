//! The kernel primitives, one module each, with the kernel's names and pairs. Each owns its part
//! of the [`World`](crate::World): what its operations do, when a thread cannot go on because of
//! it ("cannot run because…"), and the violations it detects.

pub(crate) mod entries;
pub(crate) mod inode;
pub(crate) mod page;
pub(crate) mod pgmap;
pub(crate) mod rcu;
pub(crate) mod rwsem;
pub(crate) mod wait;
pub(crate) mod xa;
