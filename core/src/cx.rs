//! The context of one step: the model, the world, the thread and line, and where the facts
//! go. The interpreter makes one per step and hands it to the primitive that owns the line.

use crate::code::Code;
use crate::facts::{Fact, Ptr, Sink};
use crate::ids::{Addr, Tid};
use crate::listing::{Arg, Flow, Line};
use crate::model::Model;
use crate::program::Program;
use crate::violation::{Detail, ModelFault, Violation, ViolationKind};
use crate::world::{Life, Locals, Thread, World};

/// One step of one thread: the model, the world, and where the facts go.
pub(crate) struct Cx<'a, S> {
    pub(crate) m: &'a Model,
    pub(crate) w: &'a mut World,
    pub(crate) tid: Tid,
    pub(crate) line: Line,
    pub(crate) sink: &'a mut S,
    /// A violation the kernel only warns about: the step goes on (see [`Violation::halts`]).
    pub(crate) warning: Option<Violation>,
}

impl<S: Sink> Cx<'_, S> {
    pub(crate) fn thread(&self) -> &Thread {
        self.w.thread(self.tid)
    }
    pub(crate) fn me(&mut self) -> &mut Thread {
        &mut self.w.threads[self.tid.0 as usize]
    }
    pub(crate) fn locals(&self) -> Locals {
        self.thread().locals
    }
    pub(crate) fn mapping(&self) -> Option<Addr> {
        self.thread().locals.mapping
    }
    pub(crate) fn program(&self) -> &Program {
        &self.m.threads()[self.tid.0 as usize].program
    }
    pub(crate) fn ino(&self, a: Addr) -> u8 {
        self.w.inode(a).ino
    }
    /// What a pointer points at now, for facts.
    pub(crate) fn ptr(&self, p: Option<Addr>) -> Ptr {
        match p {
            None => Ptr::Null,
            Some(a) => match self.w.inode(a).life {
                Life::Freed { .. } => Ptr::Freed { ino: self.ino(a) },
                _ => Ptr::Inode { ino: self.ino(a) },
            },
        }
    }
    pub(crate) fn fact(&mut self, f: Fact) {
        if S::ON {
            self.sink.fact(f);
        }
    }
    pub(crate) fn violation(&self, kind: ViolationKind, detail: Detail) -> Violation {
        Violation {
            kind,
            tid: self.tid,
            line: self.line,
            detail,
        }
    }
    pub(crate) fn model_error(&self, fault: ModelFault) -> Violation {
        self.violation(ViolationKind::ModelError, Detail::Model(fault))
    }
    pub(crate) fn missing_local(&self) -> Violation {
        self.model_error(ModelFault::MissingLocal)
    }
    pub(crate) fn table_full(&self) -> Violation {
        self.model_error(ModelFault::TableFull)
    }
    /// Record a violation the kernel only warns about; the step goes on.
    pub(crate) fn warn(&mut self, v: Violation) {
        self.warning.get_or_insert(v);
    }
    /// The argument the innermost call passed (for `wait_fn()` and the wake mode).
    pub(crate) fn call_arg(&self) -> Arg {
        match self.thread().frames.top().map(|call| call.info().flow) {
            Some(Flow::Call { arg, .. }) => arg,
            _ => Arg::None,
        }
    }
    pub(crate) fn code(&self) -> Code {
        self.m.code()
    }
}
