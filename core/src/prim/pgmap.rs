//! The pmem device's `dev_pagemap`: `get_dev_pagemap()` / `put_dev_pagemap()` references, and
//! the teardown that kills the reference count, waits for it to drain and removes the memory.

use crate::cx::Cx;
use crate::facts::{Fact, Sink};
use crate::status::Status;
use crate::world::World;

/// `get_dev_pagemap(pfn)`: false (NULL) once the device is going away.
pub(crate) fn get<S: Sink>(cx: &mut Cx<S>) -> bool {
    let pfn = cx.program().pfn();
    let ok = !cx.w.pgmap.killed;
    if ok {
        cx.w.pgmap.pins += 1;
        cx.me().locals.pinned = true;
    }
    cx.fact(Fact::GetPgmap { pfn, ok });
    ok
}

/// `put_dev_pagemap(pgmap)`.
pub(crate) fn put<S: Sink>(cx: &mut Cx<S>) {
    cx.w.pgmap.pins = cx.w.pgmap.pins.saturating_sub(1);
    cx.me().locals.pinned = false;
    cx.fact(Fact::PutPgmap);
}

/// `percpu_ref_kill(pgmap->ref)`: no new reference from now on.
pub(crate) fn kill<S: Sink>(cx: &mut Cx<S>) {
    cx.w.pgmap.killed = true;
    cx.fact(Fact::PgmapKilled);
}

/// The teardown's wait has ended: every reference is back.
pub(crate) fn drained<S: Sink>(cx: &mut Cx<S>) {
    cx.fact(Fact::PgmapDrained);
}

/// Remove the device memory and its `struct page` array.
pub(crate) fn remove<S: Sink>(cx: &mut Cx<S>) {
    cx.w.pgmap.removed = true;
    cx.fact(Fact::PgmapRemoved);
}

/// The teardown cannot go on while references remain.
pub(crate) fn waiting(w: &World) -> Option<Status> {
    (w.pgmap.pins > 0).then_some(Status::WaitingForPins { pins: w.pgmap.pins })
}
