//! The interpreter: it walks the listing table. A step runs the action of the thread's current
//! line (dispatched to the primitive that owns it), then follows that line's flow through
//! control lines — branches, calls, returns, `continue` / `break` / `goto`, local assignments,
//! lines absent under the code — to the next step line, or to the thread's end.
//!
//! Anything the interpreter cannot do (a flow that never reaches a step, control falling off a
//! function, a full return stack, a step line without the locals it needs) is a
//! [`ViolationKind::ModelError`]: loud, and never a silent self-loop.

use crate::cx::Cx;
use crate::facts::{Fact, Sink};
use crate::ids::{Addr, Tid};
use crate::listing::{Action, Arg, Cond, Effect, Flow, Line, Ret};
use crate::model::Model;
use crate::prim::{entries, inode, page, pgmap, rcu, rwsem, wait, xa};
use crate::status::Status;
use crate::violation::{Detail, ModelFault, Stuck, Violation, ViolationKind};
use crate::world::{ThreadResult, World};

/// Control lines one step may pass through before the interpreter calls it a loop.
const MAX_CONTROL_LINES: usize = 64;

/// What an action did to the thread's position.
enum Done {
    /// Go on along the line's flow; `test` is the result a branch on this line reads.
    Advance { test: bool },
    /// Stay on this line (`schedule()` went to sleep).
    Stay,
}

const ADVANCE: Result<Done, Violation> = Ok(Done::Advance { test: false });

/// Run `action` at the thread's current line: the primitive that owns it does the work.
fn act<S: Sink>(cx: &mut Cx<S>, action: Action) -> Result<Done, Violation> {
    let test = |t: bool| Ok(Done::Advance { test: t });
    match action {
        Action::GetDevPagemap => {
            pgmap::get(cx);
            ADVANCE
        }
        Action::PutDevPagemap => {
            pgmap::put(cx);
            ADVANCE
        }
        Action::KillPgmap => {
            pgmap::kill(cx);
            ADVANCE
        }
        Action::WaitPgmapDrained => {
            pgmap::drained(cx);
            ADVANCE
        }
        Action::RemovePgmap => {
            pgmap::remove(cx);
            ADVANCE
        }
        Action::SetHwPoison => {
            page::set_hwpoison(cx);
            ADVANCE
        }
        Action::CollectProcs => page::rmap(cx, false).and(ADVANCE),
        Action::UnmapMappingRange => page::rmap(cx, true).and(ADVANCE),
        Action::KillProcs => {
            page::kill_procs(cx);
            ADVANCE
        }
        Action::ReadPageMapping => {
            page::read_mapping(cx);
            ADVANCE
        }
        Action::DaxMapping { null_check } => test(page::dax_mapping(cx, null_check)?),
        Action::ReadHost => page::read_host(cx).and(ADVANCE),
        Action::IsChr => test(page::is_chr(cx)?),
        Action::UnlockIsChr => test(page::unlock_is_chr(cx)?),
        Action::RecheckMapping => test(page::recheck(cx)),
        Action::ReadPageIndex => {
            page::read_index(cx);
            ADVANCE
        }
        Action::XaLockIrq => xa::lock(cx, cx.mapping()).and(ADVANCE),
        Action::XaUnlockIrq => xa::unlock(cx, cx.mapping()).and(ADVANCE),
        Action::Lookup => entries::lookup(cx).and(ADVANCE),
        Action::LockSlot { check_owner } => entries::lock_slot(cx, check_owner).and(ADVANCE),
        Action::UnlockSlot => entries::unlock_slot(cx).and(ADVANCE),
        Action::InsertLockedEmpty => entries::insert_locked_empty(cx).and(ADVANCE),
        Action::Associate => {
            page::associate(cx);
            ADVANCE
        }
        Action::ReplaceEntry => entries::replace(cx).and(ADVANCE),
        Action::Disassociate => {
            page::disassociate(cx);
            ADVANCE
        }
        Action::DeleteEntry => entries::delete(cx).and(ADVANCE),
        Action::PrepareToWait { exclusive } => wait::prepare(cx, exclusive).and(ADVANCE),
        Action::Schedule => Ok(if wait::schedule(cx)? {
            Done::Advance { test: false }
        } else {
            Done::Stay
        }),
        Action::FinishWait => {
            wait::finish(cx);
            ADVANCE
        }
        Action::WakeUp { all } => {
            wait::wake(cx, all);
            ADVANCE
        }
        Action::WakeUpAsCalled => {
            let all = match cx.call_arg() {
                Arg::WakeAll => true,
                Arg::WakeNext => false,
                _ => return Err(cx.missing_local()),
            };
            wait::wake(cx, all);
            ADVANCE
        }
        Action::WakeNext => {
            wait::wake(cx, false);
            ADVANCE
        }
        Action::ClearToWrite => entries::clear_towrite(cx).and(ADVANCE),
        Action::DownRead | Action::DownWrite => {
            let write = action == Action::DownWrite;
            Ok(if rwsem::down(cx, write)? {
                Done::Advance { test: false }
            } else {
                Done::Stay
            })
        }
        Action::UpRead => rwsem::up(cx, false).and(ADVANCE),
        Action::UpWrite => rwsem::up(cx, true).and(ADVANCE),
        Action::RcuReadLock => {
            rcu::read_lock(cx);
            ADVANCE
        }
        Action::RcuReadUnlock => rcu::read_unlock(cx).and(ADVANCE),
        Action::CallRcu => inode::destroy(cx).and(ADVANCE),
        Action::Iput => inode::iput(cx).and(ADVANCE),
        Action::RecycleInode => inode::recycle(cx).and(ADVANCE),
        Action::RecycleFault => inode::recycled_fault(cx).and(ADVANCE),
        Action::GpStart => {
            rcu::gp_start(cx);
            ADVANCE
        }
        Action::GpEnd => {
            rcu::gp_end(cx);
            ADVANCE
        }
        Action::InvokeCallbacks => {
            if let Some(cb) = rcu::invoke(cx) {
                inode::i_callback(cx, cb);
            }
            ADVANCE
        }
    }
}

/// Registers of one walk through control lines: they live only within one step.
#[derive(Default)]
struct Walk {
    /// The result of the step on the line whose flow is being followed.
    test: bool,
    /// The last call returned `ERR_PTR(-EAGAIN)`.
    err: bool,
    /// The value the thread returns with when its first function returns.
    result: Option<ThreadResult>,
}

/// Take one step of `cx.tid` at `line`.
pub(crate) fn step<S: Sink>(cx: &mut Cx<S>, line: Line) -> Result<(), Violation> {
    let Some(action) = line.info().action else {
        return Err(cx.model_error(ModelFault::NoStep));
    };
    let done = act(cx, action)?;
    if cx.program().is_daemon() {
        return Ok(());
    }
    match done {
        Done::Stay => Ok(()),
        // The common case: the next line present is a step line of its own.
        Done::Advance { .. }
            if line.info().flow == Flow::Next
                && let Some(next) = cx.m.layout.next(line)
                && next.info().action.is_some() =>
        {
            cx.me().pc = next;
            Ok(())
        }
        Done::Advance { test } => {
            let mut walk = Walk {
                test,
                ..Walk::default()
            };
            let next = flow(cx, line, &mut walk)?;
            settle(cx, next, &mut walk)
        }
    }
}

/// Put a new thread on its first step line.
pub(crate) fn start<S: Sink>(cx: &mut Cx<S>) -> Result<(), Violation> {
    let program = cx.program();
    if program.is_daemon() {
        cx.me().pc = program.idle_line();
        return Ok(());
    }
    let head = program.entry().head();
    settle(cx, Some(head), &mut Walk::default())
}

/// From `at`, pass control lines until a step line, which becomes the thread's `pc`; `None`
/// means the thread has finished.
fn settle<S: Sink>(cx: &mut Cx<S>, mut at: Option<Line>, walk: &mut Walk) -> Result<(), Violation> {
    for _ in 0..MAX_CONTROL_LINES {
        let Some(target) = at else {
            return Ok(());
        };
        let line =
            cx.m.layout
                .here(target)
                .ok_or_else(|| cx.model_error(ModelFault::FellOffFunction))?;
        let info = line.info();
        if info.action.is_some() {
            cx.me().pc = line;
            return Ok(());
        }
        effect(cx, info.effect);
        if S::ON {
            cx.fact(Fact::Passed(line));
        }
        walk.test = false;
        at = flow(cx, line, walk)?;
    }
    Err(cx.model_error(ModelFault::NoStep))
}

/// The first line present after `line` in its own function.
fn following<S: Sink>(cx: &Cx<S>, line: Line) -> Result<Line, Violation> {
    cx.m.layout
        .next(line)
        .ok_or_else(|| cx.model_error(ModelFault::FellOffFunction))
}

fn effect<S: Sink>(cx: &mut Cx<S>, e: Effect) {
    match e {
        Effect::None => {}
        Effect::SetDidLock => cx.me().locals.did_lock = true,
        Effect::LoadIndex => {
            let i = cx.locals().iter as usize;
            if let Some(&index) = cx.program().indices().get(i) {
                let l = &mut cx.me().locals;
                l.index = index;
                l.entry = None;
            }
        }
        Effect::NextIter => cx.me().locals.iter += 1,
        Effect::GiveUp => {
            if S::ON {
                let stranded = wait::stranded(cx.w);
                cx.fact(Fact::GaveUp { stranded });
            }
        }
    }
}

fn holds<S: Sink>(cx: &Cx<S>, cond: Cond, walk: &Walk) -> bool {
    let t = cx.thread();
    let l = &t.locals;
    match cond {
        Cond::Test => walk.test,
        Cond::EntryNull => !walk.err && l.entry.is_none(),
        Cond::EntryNonNull => l.entry.is_some(),
        Cond::EntryNullOrUnlocked => entries::null_or_unlocked(t),
        Cond::EntryLocked => l.entry.is_some_and(|e| e.locked()),
        Cond::IsErr => walk.err,
        Cond::DidLock => l.did_lock,
        Cond::Revalidate => l.revalidate,
        Cond::Pinned => l.pinned,
        Cond::NewOrEmpty => l.entry.is_none_or(|e| e.is_empty()),
        Cond::MoreIndices => (l.iter as usize) < cx.program().indices().len(),
        Cond::RecyclesInodes => cx.program().recycles_inodes(),
        Cond::EntryOtherPfn => l
            .entry
            .is_some_and(|e| !e.is_empty() && e.pfn != cx.program().pfn()),
        Cond::EntryNotToWrite => l
            .entry
            .is_none_or(|e| e.flags & crate::world::entry_flags::TOWRITE == 0),
        // `trunc` is the argument the call into `__dax_invalidate_mapping_entry()` passed.
        Cond::KeepDirty => {
            cx.call_arg() == Arg::Trunc(false)
                && l.entry
                    .is_some_and(|e| e.flags & crate::world::entry_flags::TOWRITE != 0)
        }
    }
}

/// Where control goes after `line`: `None` when the thread has finished.
fn flow<S: Sink>(cx: &mut Cx<S>, line: Line, walk: &mut Walk) -> Result<Option<Line>, Violation> {
    let code = cx.code();
    Ok(Some(match line.info().flow {
        Flow::Next => following(cx, line)?,
        Flow::Goto(target) => target,
        Flow::Branch {
            cond,
            then,
            otherwise,
        } => {
            if holds(cx, cond, walk) {
                then
            } else {
                otherwise
            }
        }
        Flow::Call { func, .. } => {
            let func = func.resolve(code);
            enter(cx, line, func)?
        }
        Flow::CallWaitFn => {
            let Arg::WaitFn(func) = cx.call_arg() else {
                return Err(cx.model_error(ModelFault::MissingFunction));
            };
            enter(cx, line, func)?
        }
        Flow::TailCall(func) => {
            let func = func.resolve(code);
            if !cx.m.layout.has(func) {
                return Err(cx.model_error(ModelFault::MissingFunction));
            }
            func.head()
        }
        Flow::Return(value) => {
            match value {
                Ret::Value => {}
                Ret::True => cx.me().locals.revalidate = true,
                Ret::False => cx.me().locals.revalidate = false,
                Ret::Eagain => {
                    walk.err = true;
                    cx.me().locals.revalidate = false;
                }
                Ret::Enxio => walk.result = Some(ThreadResult::NoDevice),
            }
            match cx.me().frames.pop() {
                Some(call) => following(cx, call)?,
                None => {
                    let result = walk
                        .result
                        .unwrap_or_else(|| cx.program().result(&cx.thread().locals));
                    finish(cx, result)?;
                    return Ok(None);
                }
            }
        }
    }))
}

/// Enter `func`, called at `line`.
fn enter<S: Sink>(
    cx: &mut Cx<S>,
    line: Line,
    func: crate::listing::Func,
) -> Result<Line, Violation> {
    if !cx.m.layout.has(func) {
        return Err(cx.model_error(ModelFault::MissingFunction));
    }
    let head = func.head();
    if !cx.me().frames.push(line) {
        return Err(cx.model_error(ModelFault::FramesFull));
    }
    Ok(head)
}

/// The thread returns from its first function: it lets go of its file and must hold nothing.
fn finish<S: Sink>(cx: &mut Cx<S>, result: ThreadResult) -> Result<(), Violation> {
    cx.me().result = Some(result);
    let m = cx.m;
    inode::put_user(cx.w, &m.threads()[cx.tid.0 as usize].program);
    cx.fact(Fact::Exit(result));
    let t = *cx.thread();
    if let Some(a) = t.first_spinlock() {
        let ino = cx.ino(a);
        return Err(cx.violation(ViolationKind::LockLeak, Detail::LeakedSpinlock { ino }));
    }
    if rcu::in_section(cx.w, cx.tid) {
        return Err(cx.violation(ViolationKind::LockLeak, Detail::LeakedRcu));
    }
    if let Some(ino) = rwsem::held(cx.w, cx.tid) {
        return Err(cx.violation(ViolationKind::LockLeak, Detail::LeakedMmaplock { ino }));
    }
    if let Some((ino, index)) = cx.w.entry_lock_held_by(cx.tid) {
        return Err(cx.violation(
            ViolationKind::LockLeak,
            Detail::LeakedEntryLock { ino, index },
        ));
    }
    Ok(())
}

/// Whether `tid` can run, and if not, why: each primitive decides for the lines it owns.
pub(crate) fn status(m: &Model, w: &World, tid: Tid) -> Status {
    let t = w.thread(tid);
    if let Some(r) = t.result {
        return Status::Done(r);
    }
    if w.halted {
        return Status::Halted;
    }
    let program = &m.threads()[tid.0 as usize].program;
    if program.is_daemon() {
        return rcu::status(w);
    }
    if let Some(s) = wait::asleep(w, tid) {
        return s;
    }
    let blocked = match t.pc.info().action {
        Some(Action::XaLockIrq) => xa::spinning(w, tid, t.locals.mapping),
        Some(Action::DownRead | Action::DownWrite) => rwsem::waiting(w, tid, t.locals.mapping),
        Some(Action::Iput) => inode::waiting_for_last_reference(w, program),
        Some(Action::WaitPgmapDrained) => pgmap::waiting(w),
        _ => None,
    };
    blocked.unwrap_or(Status::Runnable)
}

/// After a step: if no thread can run but some have not finished, the run is stuck. Names the
/// stuck thread: a spinner means a deadlock, a sleeper nobody can wake a lost wake-up.
pub(crate) fn check_stuck(m: &Model, w: &World, runnable: u16) -> Option<Violation> {
    if runnable != 0 || m.finished(w) {
        return None;
    }
    let n = m.threads().len();
    let statuses = || (0..n as u8).map(Tid).map(|t| (t, status(m, w, t)));
    let stuck = |tid: Tid, kind, why| Violation {
        kind,
        tid,
        line: w.thread(tid).pc,
        detail: Detail::Stuck(why),
    };
    let ino = |a: Addr| w.inode(a).ino;
    if let Some((tid, Status::Spinning { addr, owner })) =
        statuses().find(|(_, s)| matches!(s, Status::Spinning { .. }))
    {
        let why = Stuck::Spinning {
            ino: ino(addr),
            owner,
        };
        return Some(stuck(tid, ViolationKind::Deadlock, why));
    }
    if let Some((
        tid,
        Status::Asleep {
            bucket,
            key,
            exclusive,
        },
    )) = statuses().find(|(_, s)| matches!(s, Status::Asleep { .. }))
    {
        let why = match (bucket, key) {
            (Some(bucket), Some(k)) => Stuck::Asleep {
                bucket,
                ino: ino(k.mapping),
                index: k.entry_start,
                exclusive,
            },
            _ => Stuck::Dequeued,
        };
        return Some(stuck(tid, ViolationKind::LostWakeup, why));
    }
    let (tid, s) = statuses().find(|(t, s)| {
        !matches!(s, Status::Done(_) | Status::Idle)
            && !m.threads()[t.0 as usize].program.is_daemon()
    })?;
    let why = match s {
        Status::WaitingForMmaplock { addr, holders } => Stuck::Mmaplock {
            ino: ino(addr),
            holders,
        },
        Status::WaitingForLastReference { .. } => Stuck::LastReference,
        Status::WaitingForPins { .. } => Stuck::Pins,
        _ => Stuck::Other,
    };
    Some(stuck(tid, ViolationKind::Deadlock, why))
}
