//! The model: a scenario's threads and code and the initial [`World`] — data only. What a
//! model does (its threads' status and the one step function) is in `steps.rs`.

use crate::code::Code;
use crate::ids::Tid;
use crate::listing::Line;
use crate::program::ThreadSpec;
use crate::variant::{Variant, WakeMode};
use crate::world::World;
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
    /// The sizes of a scaled scenario (see [`crate::scenario::scaled`]).
    pub(crate) scale: Option<Scale>,
}

impl Model {
    /// The scenario's name.
    pub fn scenario(&self) -> &'static str {
        self.scenario
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
    /// The sizes, when this is a scaled scenario.
    pub fn scale(&self) -> Option<Scale> {
        self.scale
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
