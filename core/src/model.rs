//! The model: a scenario's threads and code and the initial [`World`] — data only. What a
//! model does (its threads' status and the one step function) is in `steps.rs`.

use crate::body_order::{BodyOrder, OrderError};
use crate::code::Code;
use crate::ids::Tid;
use crate::listing::{Func, Line};
use crate::program::ThreadSpec;
use crate::variant::{Variant, WakeMode};
use crate::world::World;
use alloc::string::String;
use alloc::vec::Vec;

pub use crate::status::Status;

/// Sizes of a scaled scenario (see [`crate::scenario::scaled`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scale {
    /// Memory-failure threads, and as many faults.
    pub threads: u8,
    /// Pages (each a file offset of the one file).
    pub pages: u8,
}

/// An attempt to step a thread that cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotRunnable {
    /// The thread.
    pub tid: Tid,
    /// Why not.
    pub status: Status,
}

/// Settings a scenario can override.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The version the threads run (and the listing is described against).
    pub variant: Variant,
    /// The exact set of fixes and ablations, when not the variant's own.
    pub code: Option<Code>,
    /// How truncate wakes waiters; `None`: as the code has it.
    pub truncate_wake: Option<WakeMode>,
}

impl Options {
    /// Options for `variant` with its defaults.
    pub fn new(variant: Variant) -> Options {
        Options {
            variant,
            code: None,
            truncate_wake: None,
        }
    }

    /// The code these options put in force.
    pub fn code(&self) -> Code {
        let code = self.code.unwrap_or(self.variant.code());
        self.truncate_wake.map_or(code, |w| w.apply(code))
    }
}

/// A scenario instantiated under one variant: the threads, the code and the initial world.
#[derive(Clone, Debug)]
pub struct Model {
    pub(crate) scenario: &'static str,
    pub(crate) variant: Variant,
    pub(crate) code: Code,
    /// Invariant: the layout of `code`.
    pub(crate) layout: crate::listing::Layout,
    /// Invariant: 1..=6; the wait table has `1 << bucket_bits` buckets.
    pub(crate) bucket_bits: u8,
    pub(crate) threads: Vec<ThreadSpec>,
    pub(crate) initial: World,
    /// The scenario's text parameters (`threads=`, `pages=`, ...) when it was built from text
    /// and is not a built-in; empty for a built-in.
    pub(crate) text: Vec<(&'static str, String)>,
    /// One function's body run in another order (an exercise); `None` for the kernel's code.
    pub(crate) body_order: Option<BodyOrder>,
}

impl Model {
    /// The scenario's name.
    pub fn scenario(&self) -> &'static str {
        self.scenario
    }
    /// The text parameters (`threads=`, `pages=`, `buckets=`, `init=`) that rebuild this
    /// scenario when it is not a built-in one; empty for a built-in.
    pub fn scenario_text(&self) -> &[(&'static str, String)] {
        &self.text
    }
    /// The variant the threads run.
    pub fn variant(&self) -> Variant {
        self.variant
    }
    /// The code in force: the variant's, with the scenario's truncate wake mode.
    pub fn code(&self) -> Code {
        self.code
    }
    /// The truncate path's wake mode in force.
    pub fn truncate_wake(&self) -> WakeMode {
        WakeMode::of(self.code)
    }
    /// The number of buckets of the wait table.
    pub fn buckets(&self) -> u8 {
        1 << self.bucket_bits
    }
    /// The threads.
    pub fn threads(&self) -> &[ThreadSpec] {
        &self.threads
    }
    /// The thread named `name`.
    pub fn tid(&self, name: &str) -> Option<Tid> {
        self.threads
            .iter()
            .position(|t| t.name == name)
            .map(|i| Tid(i as u8))
    }
    /// The name of thread `tid`.
    pub fn name(&self, tid: Tid) -> &str {
        &self.threads[tid.0 as usize].name
    }
    /// The world before any step.
    pub fn initial(&self) -> World {
        self.initial.clone()
    }

    /// This model with `func`'s body lines run in the order `lines` (a permutation of
    /// [`crate::body_order::body`] under this code); the listing shows that order through
    /// [`Model::body_order`]. Errors name what is wrong with the order.
    pub fn with_body_order(&self, func: Func, lines: &[Line]) -> Result<Model, OrderError> {
        let order = BodyOrder::new(func, self.code, lines)?;
        if self.threads.iter().any(|t| t.program.entry() == func) {
            return Err(OrderError::EntryFunction { func });
        }
        let mut layout = crate::listing::Layout::new(self.code);
        order.relink(&mut layout);
        Ok(Model {
            layout,
            body_order: Some(order),
            ..self.clone()
        })
    }

    /// The body order this model runs, if it is not the kernel's code as written.
    pub fn body_order(&self) -> Option<&BodyOrder> {
        self.body_order.as_ref()
    }

    /// Whether `line` is part of the code in force.
    pub fn has(&self, line: Line) -> bool {
        line.present_in(self.code)
    }

    /// Whether every thread but the RCU daemon has finished.
    pub fn finished(&self, w: &World) -> bool {
        self.threads
            .iter()
            .zip(w.threads.iter())
            .all(|(spec, t)| spec.program.is_daemon() || t.result.is_some())
    }
}
