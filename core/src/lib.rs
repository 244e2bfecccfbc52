//! daxlab-core: a small-step simulation of filesystem-dax's `dax_lock_mapping_entry()` (the
//! seed patch, c2a7d2a11552), the kernel objects it touches and the threads that race with it.
//!
//! The [`World`] is a plain value; [`Model::step`] is the only way to change it. Scenarios build
//! a [`Model`] under a [`Variant`]; a [`Session`] keeps the history of a run; schedules are
//! text (`mf*3,trunc,rcu*2,mf`); the explorer searches interleavings for violations.
//!
//! The crate knows nothing about the DOM, URLs, clocks or sources of randomness: time and seeds
//! are inputs.
#![cfg_attr(not(test), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod body_order;
mod canon;
pub mod code;
mod cx;
pub mod explore;
pub mod facts;
mod footprint;
mod fpset;
pub mod history;
pub mod ids;
mod interp;
pub mod link;
pub mod listing;
pub mod model;
mod por;
pub mod preempt;
mod prim;
pub mod program;
pub mod quote;
pub mod random;
pub mod report;
pub mod scenario;
pub mod schedule;
pub mod scheduler;
pub mod session;
pub mod status;
mod steps;
pub mod teach;
pub mod timeline;
pub mod variant;
pub mod violation;
pub mod words;
pub mod world;

pub use code::{Code, Fix};
pub use facts::{Event, Fact};
pub use ids::{Addr, Pfn, Tid};
pub use listing::{Func, Line, Mark, listing};
pub use model::{Model, Options};
pub use prim::inode::pointers_to;
pub use program::{Program, ThreadSpec};
pub use scenario::{SCENARIOS, Scenario, scenario};
pub use session::{Outcome, RunError, Session};
pub use status::Status;
pub use variant::{Variant, WakeMode};
pub use violation::{Violation, ViolationKind};
pub use world::World;
