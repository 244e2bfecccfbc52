//! Partial-order reduction: in each state, a persistent set of threads to expand instead of all
//! runnable ones, computed from footprints (`footprint.rs`).
//!
//! A set `S` of threads is persistent in a world when no sequence of steps by threads outside
//! `S` can touch what `S`'s next steps touch, nor wake a thread of `S` that cannot run. It is
//! built by closure from one runnable thread:
//! - a runnable thread in `S` brings in every thread whose *future* (every step it may still
//!   take, from its line and return stack to its end) conflicts with its next step;
//! - a thread in `S` that cannot run brings in what must happen before it can: the lock's owner,
//!   the wakers of its wait bucket, one of the users it waits for, the callers of `call_rcu()`.
//!
//! The smallest such set (over every seed) is expanded. The explorer (`explore.rs`) adds the
//! conditions that keep verdicts: a state whose reduced successors include a violation, or a
//! state already visited at this depth or before (the BFS cycle proviso), is expanded fully.
//!
//! # Blocks
//!
//! A reduced search steps a thread in *blocks* ([`Por::continues`]): after a step of thread
//! `t`, it takes `t`'s next step at once, without storing the world in between, as long as
//! `{t}` alone is a persistent set of that world (the closure from `t` brings in no other
//! thread that can run), that next step does not violate, and the block is shorter than
//! `MAX_BLOCK` (16) steps. Only the world at the end of a block is a state. A schedule stays one
//! step a line: a state's `via` keeps the block's length, and `Canon::realize` replays the
//! block step by step. This is Lipton's reduction, with movers decided per world rather than per
//! line: a step whose thread alone is persistent commutes with every step the other threads can
//! take before it (a left and right mover there), so `xa_lock_irq()` … `xa_unlock_irq()` on
//! entries, which the others can only touch after their own `xa_lock_irq()`, runs as one block
//! once taken. A step under the lock that touches what the lock does not protect — writing
//! `page->mapping` (read without the lock by `dax_lock_mapping_entry()`, added in
//! c2a7d2a11552), a wait bucket shared across inodes, RCU state, or inode memory the RCU
//! machinery may free — conflicts with another thread's future unless that thread stands
//! still, and then the block ends before it.
//! There is no commit point: a step that is no mover always ends the block (the world before
//! it is stored and expanded by its own persistent set), so no step after it needs to be a
//! left mover. A step that would sleep cannot be in a block either: a thread that cannot run
//! ends its block.
//!
//! Why verdicts are kept. Let `d(x)` be the length of a shortest path from world `x` to a
//! violation of the kind searched for. At a world inside a block, `{t}` is persistent: if the
//! shortest path from `x` starts with a step of `t`, taking it makes `d` one shorter; otherwise
//! `t`'s step commutes with every step of that path before `t`'s first (persistence, with
//! footprints that include what each step's violation checks read), and with all of it if `t`
//! has none, so the same path (minus `t`'s step) still runs after it and `d` does not grow.
//! `t`'s step itself never violates inside a block (checked before it is taken). So along a
//! block `d` never grows, and blocks are finite. Stored states are expanded as before (a
//! persistent set, or everything), with the cycle proviso checked on where whole blocks end:
//! the explored graph of stored states and blocks is a BFS graph, and an edge that does not
//! go one level deeper makes its source expand fully unless it lies on no cycle, so every
//! cycle of it holds a fully expanded state. An edge lies on no cycle when its thread cannot
//! come back to its line and return stack ([`Por::may_come_back`]: neither lies on a loop of
//! the control flow). Take each program's graph of (line, return stack) with every branch
//! both ways, and rank its strongly connected components in topological order: a thread's
//! step never lowers its rank, and raises it when it leaves a place it cannot come back to.
//! The sum of all threads' ranks is the same in a world and in that world with symmetric
//! threads (same program, same arguments) exchanged, so no path that takes such a step
//! returns to its world, even up to symmetry. Following, from the start, a block that makes `d` shorter when the expanded
//! set has one and any block otherwise, `d` never grows and cannot stay the same forever (that
//! would go round a cycle, which holds a fully expanded state, where the thread of the shortest
//! path's first step is expanded); so a violation of the kind is reached. The block rule reads
//! only the world, so the same block is taken whether the explorer is deciding the set or
//! expanding it, on any pool.

use crate::footprint::{ALL_SLOTS, Footprint, Scope, addr_bit, bucket_bit, page_bit, slot_bit};
use crate::ids::Tid;
use crate::listing::{Action, Arg, Flow, Func, LINES, Layout, Line};
use crate::model::{Model, Status};
use crate::program::Program;
use crate::steps::Statuses;
use crate::world::{MAX_PAGES, MAX_THREADS, World};
use alloc::vec;
use alloc::vec::Vec;

const N: usize = 256;

/// If thread `j` is a *sleeper*, its place in the wait table: it is about to go to sleep in
/// `schedule()` (not running, at that line) with its task queued and not woken, so only a
/// wake-up lets it return. One definition for the closure ([`Por::blockers`]) and a block's
/// shortcut ([`Por::continues`]), which must agree.
fn sleeper(w: &World, j: usize) -> Option<&crate::world::Waiter> {
    let t = &w.threads[j];
    if t.running || t.pc.info().action != Some(Action::Schedule) {
        return None;
    }
    w.queued(Tid(j as u8))
}

/// Where control may go from a line: lines of the same function, a call and where it returns
/// to, a tail call, a return.
#[derive(Default)]
struct Succ {
    within: [Option<Line>; 2],
    calls: Vec<Func>,
    after: Option<Line>,
    tail: Option<Func>,
    returns: bool,
}

fn succ(layout: &Layout, code: crate::Code, wait_fns: &[Func], line: Line) -> Succ {
    let mut s = Succ::default();
    match line.info().flow {
        Flow::Next => s.within[0] = layout.next(line),
        Flow::Goto(t) => s.within[0] = layout.here(t),
        Flow::Branch {
            then, otherwise, ..
        } => {
            s.within = [layout.here(then), layout.here(otherwise)];
        }
        Flow::Call { func, .. } => {
            s.calls.push(func.resolve(code));
            s.after = layout.next(line);
        }
        Flow::CallWaitFn => {
            s.calls.extend_from_slice(wait_fns);
            s.after = layout.next(line);
        }
        Flow::TailCall(func) => s.tail = Some(func.resolve(code)),
        Flow::Return(_) => s.returns = true,
    }
    s
}

/// Per-thread tables: from each line, every step it may still take in its function (callees
/// included) and whether it may return.
struct Tables {
    scope: Scope,
    fut: Vec<Footprint>,
    returns: Vec<bool>,
    /// The same, up to the next `xa_lock_irq()` (excluded): what the thread may do while a
    /// lock it needs is held by someone else.
    pre: Vec<Footprint>,
    pre_returns: Vec<bool>,
    /// Only its wake-ups (`__wake_up()`), to its end: which wait buckets it may still wake.
    wakes: Vec<Footprint>,
    wakes_returns: Vec<bool>,
    finish: Footprint,
}

/// Which of a thread's future steps a table covers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    /// Every step to its end.
    All,
    /// Every step before its next `xa_lock_irq()`.
    BeforeLock,
    /// Its wake-ups to its end.
    Wakes,
}

fn is_wake(a: Action) -> bool {
    matches!(
        a,
        Action::WakeUp { .. } | Action::WakeUpAsCalled | Action::WakeNext
    )
}

/// The reduction's view of one model.
pub(crate) struct Por {
    layout: Layout,
    threads: Vec<Tables>,
    daemon: Option<usize>,
    /// Per line: after its step, control lines alone may return from its function.
    ret_after: Vec<bool>,
    /// Per line: from it, control lines alone may return from its function.
    ret_at: Vec<bool>,
    inodes: u8,
    all_threads: u16,
    /// Per line: control can come back to it at the same call depth (it lies on a loop of its
    /// function, counting a call as one edge to the line after it, or it can stay put).
    looping: Vec<bool>,
    /// The RCU machinery's grace periods and status (its whole future but callbacks), and its
    /// whole future while busy; empty without one.
    daemon_gp: Footprint,
    daemon_busy: Footprint,
}

fn head(layout: &Layout, f: Func) -> Option<Line> {
    layout.here(f.head())
}

/// Per line: whether control can come back to it without leaving its call depth. The graph:
/// a line's successors within its function, a call to the line after it (the callee runs
/// and returns), a tail call to the callee's first line (it runs at the same depth), and a
/// step that can stay on its line (a `schedule()` that sleeps, a `down_read()` that waits) to
/// itself. A loop of a thread's (line, return stack) projects onto a loop of this graph
/// through its line or one of its calls, at the shallowest depth the loop reaches.
fn looping(layout: &Layout, succs: &[Succ]) -> Vec<bool> {
    let edges = |i: usize| -> Vec<usize> {
        let s = &succs[i];
        let mut out: Vec<usize> = s.within.iter().flatten().map(|&l| l as usize).collect();
        if !s.calls.is_empty()
            && let Some(a) = s.after
        {
            out.push(a as usize);
        }
        if let Some(h) = s.tail.and_then(|f| head(layout, f)) {
            out.push(h as usize);
        }
        if matches!(
            LINES[i].action,
            Some(Action::Schedule | Action::DownRead | Action::DownWrite)
        ) {
            out.push(i);
        }
        out
    };
    let graph: Vec<Vec<usize>> = (0..succs.len()).map(edges).collect();
    (0..succs.len())
        .map(|i| {
            // Is `i` reachable from its own successors?
            let mut seen = vec![false; succs.len()];
            let mut work: Vec<usize> = graph[i].clone();
            while let Some(j) = work.pop() {
                if j == i {
                    return true;
                }
                if !core::mem::replace(&mut seen[j], true) {
                    work.extend_from_slice(&graph[j]);
                }
            }
            false
        })
        .collect()
}

impl Por {
    pub(crate) fn new(model: &Model) -> Por {
        let code = model.code();
        let layout = model.layout.clone();
        let mut wait_fns: Vec<Func> = Vec::new();
        for l in LINES {
            if let Flow::Call {
                arg: Arg::WaitFn(f),
                ..
            } = l.flow
                && !wait_fns.contains(&f)
            {
                wait_fns.push(f);
            }
        }
        let succs: Vec<Succ> = LINES
            .iter()
            .map(|l| succ(&layout, code, &wait_fns, l.line))
            .collect();
        // Control lines alone (no step) from a line to its function's return: least fixpoint.
        let mut ret_after = vec![false; N];
        let mut ret_at = vec![false; N];
        loop {
            let mut changed = false;
            for (i, s) in succs.iter().enumerate() {
                let at = |x: Option<Line>, r: &Vec<bool>| x.is_some_and(|l| r[l as usize]);
                let callee = |f: Func, r: &Vec<bool>| at(head(&layout, f), r);
                let v = s.returns
                    || s.within.iter().any(|&x| at(x, &ret_at))
                    || (!s.calls.is_empty()
                        && s.calls.iter().any(|&f| callee(f, &ret_at))
                        && at(s.after, &ret_at))
                    || s.tail.is_some_and(|f| callee(f, &ret_at));
                let step = LINES[i].action.is_some();
                if v != ret_after[i] || (!step && v) != ret_at[i] {
                    ret_after[i] = v;
                    ret_at[i] = !step && v;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let looping = looping(&layout, &succs);
        let inodes = ((1u16 << model.initial.inodes.len()) - 1) as u8;
        let all_threads = ((1u32 << model.threads().len()) - 1) as u16;
        let page_indices = page_indices(model);
        let mut threads = Vec::new();
        let mut daemon = None;
        for (i, spec) in model.threads().iter().enumerate() {
            if spec.program.is_daemon() {
                daemon = Some(i);
            }
            let scope = future_scope(model, i, &page_indices, inodes, all_threads);
            let (fut, returns) = tables(&layout, &succs, &scope, View::All);
            let (pre, pre_returns) = tables(&layout, &succs, &scope, View::BeforeLock);
            let (wakes, wakes_returns) = tables(&layout, &succs, &scope, View::Wakes);
            threads.push(Tables {
                finish: scope.finish(),
                scope,
                fut,
                returns,
                pre,
                pre_returns,
                wakes,
                wakes_returns,
            });
        }
        let (daemon_gp, daemon_busy) = daemon.map_or_else(Default::default, |d| {
            let s = &threads[d].scope;
            let gp = s
                .action(Action::GpStart)
                .union(s.action(Action::GpEnd))
                .union(s.daemon_status());
            (gp, gp.union(s.action(Action::InvokeCallbacks)))
        });
        Por {
            layout,
            threads,
            daemon,
            daemon_gp,
            daemon_busy,
            ret_after,
            ret_at,
            inodes,
            all_threads,
            looping,
        }
    }

    /// Whether thread `t` of `w` could ever be back at its line with its return stack: false
    /// when neither its line nor any call it is inside lies on a loop. Then no sequence of
    /// steps that includes one of `t`'s leads from `w` back to `w`, nor to `w` with symmetric
    /// threads exchanged (see the cycle proviso in the module's doc comment).
    pub(crate) fn may_come_back(&self, w: &World, t: usize) -> bool {
        if Some(t) == self.daemon {
            return true;
        }
        let th = &w.threads[t];
        self.looping[th.pc as usize] || th.frames.calls().any(|c| self.looping[c as usize])
    }

    /// Everything thread `j` may still touch in `w`, to its end.
    fn future(&self, w: &World, j: usize) -> Footprint {
        self.future_in(w, j, View::All)
    }

    /// Everything thread `j` may touch before it next takes an `i_pages` lock.
    fn future_before_lock(&self, w: &World, j: usize) -> Footprint {
        self.future_in(w, j, View::BeforeLock)
    }

    fn future_in(&self, w: &World, j: usize, view: View) -> Footprint {
        let t = &w.threads[j];
        if t.result.is_some() {
            return Footprint::default();
        }
        let tab = &self.threads[j];
        let (fut, ret) = match view {
            View::All => (&tab.fut, &tab.returns),
            View::BeforeLock => (&tab.pre, &tab.pre_returns),
            View::Wakes => (&tab.wakes, &tab.wakes_returns),
        };
        let mut f = fut[t.pc as usize];
        let mut returns = ret[t.pc as usize];
        for call in t.frames.calls().rev() {
            if !returns {
                break;
            }
            match self.layout.next(call) {
                Some(after) => {
                    f = f.union(fut[after as usize]);
                    returns = ret[after as usize];
                }
                None => returns = false,
            }
        }
        if returns {
            f = f.union(tab.finish);
        }
        f
    }

    /// The RCU machinery's future: nothing while no callback is queued and nobody will queue
    /// one.
    fn daemon_future(&self, w: &World, futures: &[Footprint], d: usize) -> Footprint {
        let rcu = &w.rcu;
        let busy = !rcu.callbacks.is_empty()
            || rcu.current.is_some()
            || futures
                .iter()
                .enumerate()
                .any(|(j, f)| j != d && f.writes_rcu_core());
        if !busy {
            return Footprint::default();
        }
        debug_assert_eq!(Some(d), self.daemon);
        self.daemon_busy
    }

    /// The RCU machinery's future while the threads `readers`, inside read-side sections,
    /// stand still: a grace period that waits for one of them never ends, so only callbacks
    /// already due, or due at the end of a grace period that waits for none of them, can free
    /// memory.
    fn daemon_future_while(&self, w: &World, full: Footprint, d: usize, readers: u16) -> Footprint {
        if readers == 0 || full == Footprint::default() {
            return full;
        }
        let rcu = &w.rcu;
        let mut freeable = 0u8;
        for c in &rcu.callbacks {
            let due = c.gp != 0 && c.gp <= rcu.completed;
            let soon = rcu
                .current
                .is_some_and(|g| c.gp == g.number && g.waiting_for & readers == 0);
            if due || soon {
                freeable |= 1 << c.addr.0;
            }
        }
        let mut f = self.daemon_gp;
        if freeable != 0 {
            let s = Scope {
                callbacks: freeable,
                ..self.threads[d].scope
            };
            f = f.union(s.action(Action::InvokeCallbacks));
        }
        f
    }

    /// The exact footprint of thread `k`'s next step in `w` (it can run), or what its blocking
    /// rule reads (it cannot).
    fn now(&self, model: &Model, w: &World, k: usize, runnable: bool) -> Footprint {
        let tid = Tid(k as u8);
        let spec = &model.threads()[k];
        let t = &w.threads[k];
        if Some(k) == self.daemon {
            let s = self.threads[k].scope;
            let status = s.daemon_status();
            if !runnable {
                return status;
            }
            let ready = w
                .rcu
                .callbacks
                .iter()
                .find(|c| c.gp != 0 && c.gp <= w.rcu.completed)
                .map_or(self.inodes, |c| 1 << c.addr.0);
            let s = Scope {
                callbacks: ready,
                ..s
            };
            let line = model.current_line(w, tid);
            return line
                .info()
                .action
                .map_or(status, |a| s.action(a).union(status));
        }
        let Some(action) = t.pc.info().action else {
            // Not on a step line: the model is broken; conflict with everything.
            return everything();
        };
        let l = &t.locals;
        let pfn = spec.program.pfn();
        let mut buckets = 0u16;
        let mut slots = slot_bit(l.index);
        if let Some(a) = l.mapping {
            let mem = w.inode(a);
            if mem.entries.iter().any(|e| e.is_pmd()) {
                slots = ALL_SLOTS;
            }
            let pmd = l.entry.is_some_and(|e| e.is_pmd());
            buckets |= bucket_bit(model.waitqueue(a, l.index, pmd).0);
        }
        if let Some((b, _)) = l.wait {
            buckets |= bucket_bit(b);
        }
        if let Some(q) = w.queued(tid) {
            buckets |= bucket_bit(q.bucket);
        }
        let entry_pages = match l.entry {
            Some(e) if e.is_pmd() => u8::MAX,
            Some(e) if !e.is_empty() => page_bit(e.pfn),
            _ => 0,
        };
        let page_maps = if (pfn.0 as usize) < w.pages.len() {
            addr_bit(w.page(pfn).mapping)
        } else {
            0
        };
        let fut = self.threads[k].scope;
        let s = Scope {
            me: tid,
            pages: page_bit(pfn),
            maps: addr_bit(l.mapping),
            page_maps,
            slots,
            buckets,
            entry_pages,
            iput: fut.iput,
            holds: fut.holds,
            callbacks: self.inodes,
            new_page: fut.new_page,
            threads: self.all_threads,
        };
        let mut f = s.action(action);
        if matches!(action, Action::DownRead | Action::UpRead)
            && l.mapping.is_some_and(|a| {
                let m = &w.inode(a).mmaplock;
                m.writer.is_some() || !m.queue.is_empty()
            })
        {
            // A writer holds or waits: queueing and handing over depend on the order.
            f = f.exclusive();
        }
        if matches!(
            action,
            Action::WakeUp { .. } | Action::WakeUpAsCalled | Action::WakeNext
        ) && !w
            .waiters
            .iter()
            .any(|q| buckets & bucket_bit(q.bucket) != 0)
        {
            // Nobody waits in the bucket: the wake-up only looks, and only a task joining the
            // queue could change what it does.
            f = f.idle_wake();
        }
        if runnable && self.may_finish(t) {
            // Letting go of the file; the leak check reads the entry locks this thread holds,
            // which only it can take, so there is something to read only if it holds one now.
            let holding = w.entry_lock_held_by(tid).is_some();
            let fin = self.threads[k].finish;
            f = f.union(Footprint {
                r: if holding { fin.r } else { 0 },
                ..fin
            });
        }
        f
    }

    /// Whether the step a thread is about to take may end it (control lines alone lead out of
    /// every function it is in).
    fn may_finish(&self, t: &crate::world::Thread) -> bool {
        if !self.ret_after[t.pc as usize] {
            return false;
        }
        t.frames.calls().rev().all(|c| {
            self.layout
                .next(c)
                .is_some_and(|after| self.ret_at[after as usize])
        })
    }

    /// The runnable threads of a persistent set of `w` (a subset of `runnable`, never empty
    /// when `runnable` is not).
    pub(crate) fn ample(&self, model: &Model, w: &World, runnable: u16, memo: &mut Memo) -> u16 {
        self.persistent_sets(model, w, runnable, false, memo)
            .first()
            .copied()
            .unwrap_or(runnable)
    }

    /// Persistent sets of `w` smaller than `runnable`, smallest first: the first found
    /// (`every` false: the smallest, stopping at a single thread), or one per seed thread.
    pub(crate) fn persistent_sets(
        &self,
        model: &Model,
        w: &World,
        runnable: u16,
        every: bool,
        memo: &mut Memo,
    ) -> Vec<u16> {
        if runnable.count_ones() <= 1 {
            return vec![runnable];
        }
        let fs = self.futures(w, memo);
        let world = self.views_with(model, w, runnable, fs, None);
        let views = world.views(fs);
        let mut best = runnable;
        let mut found: Vec<u16> = Vec::new();
        let mut seeds = runnable;
        while seeds != 0 {
            let seed = seeds.trailing_zeros() as usize;
            seeds &= seeds - 1;
            // A set is kept only when it is smaller than the best so far (or, for `every`,
            // than `runnable`): a closure that has grown that large is cut short.
            let set = self.closure(model, w, seed, runnable, views, best.count_ones());
            let ample = set & runnable;
            if every {
                if ample != runnable && !found.contains(&ample) {
                    found.push(ample);
                }
            } else if ample.count_ones() < best.count_ones() {
                best = ample;
                if best.count_ones() == 1 {
                    break;
                }
            }
        }
        if every {
            found.sort_by_key(|m| m.count_ones());
            found
        } else {
            vec![best]
        }
    }

    /// Whether a block of thread `t` goes on from `w`, where its last step led: it can still
    /// run and `{t}` alone is a persistent set (the closure from `t` brings in no other thread
    /// that can run). `memo` keeps threads' futures by their line and return stack.
    pub(crate) fn continues(
        &self,
        model: &Model,
        w: &World,
        runnable: u16,
        t: usize,
        statuses: &Statuses,
        memo: &mut Memo,
    ) -> bool {
        if runnable & (1 << t) == 0 {
            return false;
        }
        if runnable == 1 << t {
            return true;
        }
        // The closure's first round from a runnable seed adds the threads whose future (or
        // less: what is left of it while the set stands still) conflicts with the seed's step;
        // when no whole future does, nothing is added and the closure is `{t}`.
        let fs = self.futures(w, memo);
        let (futures, pres) = (&fs.all[..fs.n], &fs.pres[..fs.n]);
        let now = self.now(model, w, t, true);
        if futures
            .iter()
            .enumerate()
            .all(|(j, f)| j == t || !now.conflicts(f))
        {
            return true;
        }
        // A thread that can run and is no sleeper never stands still with the set. The closure
        // cuts its future at its next xa_lock_irq() only when every `i_pages` lock it may take
        // is held by a thread that stands still, which it is not; so if what is left then
        // conflicts with the step (its whole future when it may take no lock, or one of its
        // locks is free or held by itself), the closure brings it in.
        let n = futures.len();
        let mut locked = [0u8; MAX_THREADS];
        for (a, mem) in w.inodes.iter().enumerate() {
            let Some(owner) = mem.xa_lock else { continue };
            for (j, l) in locked.iter_mut().enumerate().take(n) {
                if j != owner.0 as usize {
                    *l |= 1 << a;
                }
            }
        }
        let readers = if w.threads[t].rcu_nesting > 0 {
            1 << t
        } else {
            0
        };
        let brought = (0..n).any(|j| {
            if j == t || runnable & (1 << j) == 0 {
                return false;
            }
            if Some(j) == self.daemon {
                return now.conflicts(&self.daemon_future_while(w, futures[j], j, readers));
            }
            if sleeper(w, j).is_some() {
                return false;
            }
            let maps = self.threads[j].scope.maps;
            let left = if maps != 0 && maps & !locked[j] == 0 {
                &pres[j]
            } else {
                &futures[j]
            };
            now.conflicts(left)
        });
        if brought {
            return false;
        }
        let world = self.views_with(model, w, runnable, fs, Some(statuses));
        world.nows[t].set(Some(now));
        let others = runnable & !(1 << t);
        self.closure(model, w, t, runnable, world.views(fs), 2) & others == 0
    }

    /// Every thread's future: whole, before its next `xa_lock_irq()`, and its wake-ups (the
    /// RCU machinery's whole future stands in for the last two). A thread's are remembered in
    /// `memo` with its line and return stack, the only things they depend on.
    fn futures<'m>(&self, w: &World, memo: &'m mut Memo) -> &'m Futures {
        let n = self.threads.len();
        if memo.slots.len() != n * MEMO_SLOTS {
            *memo = Memo {
                slots: vec![None; n * MEMO_SLOTS],
                fs: Futures {
                    n,
                    ..Futures::default()
                },
                ..Memo::default()
            };
        }
        let hasher = foldhash::fast::FixedState::with_seed(0x0f07);
        for j in 0..n {
            if Some(j) == self.daemon {
                continue;
            }
            let t = &w.threads[j];
            let key = memo_key(t);
            // Most often the thread has not moved since the last world asked about.
            if memo.keys[j] == Some(key) {
                continue;
            }
            let h = core::hash::BuildHasher::hash_one(&hasher, key) as usize;
            let slot = j * MEMO_SLOTS + (h & (MEMO_SLOTS - 1));
            let three = match memo.slots[slot] {
                Some((k, f)) if k == key => f,
                _ => {
                    let f = [
                        self.future(w, j),
                        self.future_before_lock(w, j),
                        self.future_in(w, j, View::Wakes),
                    ];
                    memo.slots[slot] = Some((key, f));
                    f
                }
            };
            memo.keys[j] = Some(key);
            let fs = &mut memo.fs;
            fs.all[j] = three[0];
            fs.pres[j] = three[1];
            fs.wakers[j] = three[2];
        }
        let fs = &mut memo.fs;
        if let Some(d) = self.daemon {
            let f = self.daemon_future(w, &fs.all[..n], d);
            fs.all[d] = f;
            fs.pres[d] = f;
            fs.wakers[d] = f;
        }
        fs
    }

    /// What the closure reads about every thread of `w` besides their futures `fs`, computed
    /// once per world. Only the statuses of threads that cannot run are read: `known` has them
    /// when the step into `w` found them.
    fn views_with(
        &self,
        model: &Model,
        w: &World,
        runnable: u16,
        fs: &Futures,
        known: Option<&Statuses>,
    ) -> WorldViews {
        let n = fs.n;
        let mut statuses = [Status::Runnable; MAX_THREADS];
        for (k, s) in statuses.iter_mut().enumerate().take(n) {
            if runnable & (1 << k) == 0 {
                *s = match known {
                    Some(known) => {
                        debug_assert_eq!(known[k], model.status(w, Tid(k as u8)));
                        known[k]
                    }
                    None => model.status(w, Tid(k as u8)),
                };
            }
        }
        let blockers = self.blockers(
            model,
            w,
            runnable,
            &fs.all[..n],
            &fs.wakers[..n],
            &statuses[..n],
        );
        let (mut nesting, mut joinable) = (0u16, 0u16);
        for (j, t) in w.threads.iter().enumerate().take(n) {
            nesting |= u16::from(t.rcu_nesting > 0) << j;
            joinable |= u16::from(t.result.is_none() || Some(j) == self.daemon) << j;
        }
        WorldViews {
            blockers,
            // Each thread's next step, computed when the closure first asks.
            nows: core::array::from_fn(|_| core::cell::Cell::new(None)),
            statuses,
            nesting,
            joinable,
        }
    }

    /// Thread `k`'s [`Por::now`], computed once per world.
    fn now_of(
        &self,
        model: &Model,
        w: &World,
        runnable: u16,
        nows: &[core::cell::Cell<Option<Footprint>>],
        k: usize,
    ) -> Footprint {
        if let Some(f) = nows[k].get() {
            return f;
        }
        let f = self.now(model, w, k, runnable & (1 << k) != 0);
        nows[k].set(Some(f));
        f
    }

    /// The closure from `seed`; it stops early once it holds `limit` threads that can run (it
    /// only grows, so a caller that wants fewer learns all it needs then).
    fn closure(
        &self,
        model: &Model,
        w: &World,
        seed: usize,
        runnable: u16,
        v: Views,
        limit: u32,
    ) -> u16 {
        let Views {
            futures,
            blockers,
            pres,
            nows,
            nesting,
            joinable,
            ..
        } = v;
        let n = futures.len();
        let mut set: u16 = 1 << seed;
        // A stack of threads to visit; each joins the set, and the stack, once.
        let mut work = [0usize; MAX_THREADS];
        work[0] = seed;
        let mut top = 1;
        let everyone: u16 = if n == 16 { u16::MAX } else { (1 << n) - 1 };
        // What stands still with the set (the threads that cannot run), recomputed only
        // when the set has grown, and what each other thread may do meanwhile.
        let mut still: Option<(u16, u16)> = None;
        let mut eff = [Footprint::default(); MAX_THREADS];
        while top > 0 {
            top -= 1;
            let k = work[top];
            let mut add: u16 = 0;
            if runnable & (1 << k) != 0 {
                let frozen = match still {
                    Some((at, f)) if at == set => f,
                    _ => {
                        let (frozen, sleepers) = Por::frozen(set, runnable, blockers);
                        let held = self.held_locks(w, set | frozen | sleepers, futures);
                        let readers = set & nesting;
                        // What each thread outside the set may do while the set stands still.
                        let mut m = !(set | frozen) & everyone;
                        while m != 0 {
                            let j = m.trailing_zeros() as usize;
                            m &= m - 1;
                            // A thread whose every lock is held by the set stops at its next
                            // xa_lock_irq() while the set stands still.
                            let maps = self.threads[j].scope.maps;
                            eff[j] = if sleepers & (1 << j) != 0 {
                                // Its `schedule()`, then asleep until the set wakes it.
                                self.now_of(model, w, runnable, nows, j)
                            } else if maps != 0 && maps & !held == 0 {
                                pres[j]
                            } else if Some(j) == self.daemon {
                                self.daemon_future_while(w, futures[j], j, readers)
                            } else {
                                futures[j]
                            };
                        }
                        still = Some((set, frozen));
                        frozen
                    }
                };
                let now_k = self.now_of(model, w, runnable, nows, k);
                let mut m = !(set | frozen) & everyone;
                while m != 0 {
                    let j = m.trailing_zeros() as usize;
                    m &= m - 1;
                    if now_k.conflicts(&eff[j]) {
                        add |= 1 << j;
                    }
                }
            } else {
                add = self.enablers(model, w, k, set, &v);
            }
            // Only live threads (and the RCU machinery) join, in increasing order.
            let mut m = add & !set & joinable;
            set |= m;
            while m != 0 {
                let j = m.trailing_zeros() as usize;
                m &= m - 1;
                work[top] = j;
                top += 1;
            }
            if (set & runnable).count_ones() >= limit {
                break;
            }
        }
        set
    }

    /// The inode memory whose `i_pages` lock a thread of `still` holds, and which nothing
    /// outside `still` can release (only the holder unlocks; freeing the memory clears it).
    fn held_locks(&self, w: &World, still: u16, futures: &[Footprint]) -> u8 {
        let mut held = 0u8;
        for (a, mem) in w.inodes.iter().enumerate() {
            let Some(owner) = mem.xa_lock else { continue };
            if still & (1 << owner.0) == 0 {
                continue;
            }
            let freer = self.daemon.is_some_and(|d| {
                still & (1 << d) == 0 && futures[d].writes_lock(crate::Addr(a as u8))
            });
            if !freer {
                held |= 1 << a;
            }
        }
        held
    }

    /// For each thread that cannot run, or is about to go to sleep in `schedule()` (queued,
    /// not woken: a *sleeper*), which other threads could unblock it: the world's part of
    /// [`Por::frozen`], computed once per world.
    fn blockers(
        &self,
        model: &Model,
        w: &World,
        runnable: u16,
        futures: &[Footprint],
        wakers: &[Footprint],
        statuses: &[Status],
    ) -> Blockers {
        let n = futures.len();
        let mut b = Blockers {
            by: [Block::Never; MAX_THREADS],
            sleepers: 0,
            blocked: 0,
        };
        for (j, status) in statuses.iter().enumerate() {
            let wakers_of =
                |bucket: u8| Block::AllOf(others(n, j, |i| wakers[i].writes_bucket(bucket)));
            b.by[j] = if runnable & (1 << j) != 0 {
                // Only a wake-up lets a sleeper return from `schedule()`.
                if let Some(q) = sleeper(w, j) {
                    b.sleepers |= 1 << j;
                    wakers_of(q.bucket)
                } else {
                    Block::Never
                }
            } else {
                match *status {
                    Status::Done(_) | Status::Halted => Block::AllOf(0),
                    Status::Runnable => Block::Never,
                    Status::Spinning { addr, owner } => {
                        let holders =
                            others(n, j, |i| w.threads[i].spinlocks.contains(&Some(addr)));
                        let freer = self
                            .daemon
                            .filter(|&d| futures[d].writes_lock(addr))
                            .map_or(0, |d| 1 << d);
                        Block::AllOf((1 << owner.0) | holders | freer)
                    }
                    // Only a wake-up makes a sleeper runnable.
                    Status::Asleep { bucket, .. } => bucket.map_or(Block::AllOf(0), wakers_of),
                    Status::WaitingForLastReference { addr } => Block::AnyOf(others(n, j, |i| {
                        w.threads[i].result.is_none()
                            && model.threads()[i].program.holds_file() == Some(addr)
                    })),
                    Status::WaitingForPins { .. } => {
                        Block::AnyOf(others(n, j, |i| w.threads[i].locals.pinned))
                    }
                    Status::WaitingForReaders { readers, .. } => Block::AnyOf(readers & !(1 << j)),
                    // Only a holder's release hands the MMAPLOCK over.
                    Status::WaitingForMmaplock { holders, .. } => {
                        let h = holders & !(1 << j);
                        if h == 0 {
                            Block::AllOf(0)
                        } else {
                            Block::AnyOf(h)
                        }
                    }
                    Status::Idle => Block::AllOf(others(n, j, |i| {
                        Some(i) != self.daemon && futures[i].writes_rcu_core()
                    })),
                }
            };
            if b.by[j] != Block::Never {
                b.blocked |= 1 << j;
            }
        }
        b
    }

    /// Threads outside `set` that stand still while `set` does: the greatest set of threads
    /// each of which cannot run, or is a sleeper, and which only a step of `set` or of another
    /// of them could unblock. (The first step that unblocked one would need an earlier one, so
    /// none comes.) Returns the threads that cannot run and the sleepers: a sleeper still takes
    /// its `schedule()`, which touches only its own task state and its bucket, then sleeps.
    fn frozen(set: u16, runnable: u16, b: &Blockers) -> (u16, u16) {
        let mut candidates: u16 = b.blocked & !set;
        loop {
            let held = set | candidates;
            let mut drop: u16 = 0;
            let mut m = candidates;
            while m != 0 {
                let j = m.trailing_zeros() as usize;
                m &= m - 1;
                let stays = match b.by[j] {
                    Block::Never => false,
                    Block::AllOf(who) => who & !held == 0,
                    Block::AnyOf(who) => who & held != 0,
                };
                if !stays {
                    drop |= 1 << j;
                }
            }
            if drop == 0 {
                let sleepers = candidates & b.sleepers;
                return ((candidates & !sleepers) & !runnable, sleepers);
            }
            candidates &= !drop;
        }
    }

    /// Threads one of which must step before thread `k`, which cannot run, can (a necessary
    /// enabling set), given the set built so far.
    fn enablers(&self, model: &Model, w: &World, k: usize, set: u16, v: &Views) -> u16 {
        let (futures, wakers, status) = (v.futures, v.wakers, &v.statuses[k]);
        let n = futures.len();
        // One of `candidates` suffices; none is needed if one is in the set already.
        let one = |candidates: u16| -> u16 {
            if candidates & set != 0 || candidates == 0 {
                0
            } else {
                1 << candidates.trailing_zeros()
            }
        };
        match *status {
            Status::Runnable | Status::Done(_) | Status::Halted => 0,
            Status::Spinning { addr, owner } => {
                let holders = others(n, k, |j| w.threads[j].spinlocks.contains(&Some(addr)));
                let freer = self
                    .daemon
                    .filter(|&d| futures[d].writes_lock(addr))
                    .map_or(0, |d| 1 << d);
                (1 << owner.0) | holders | freer
            }
            Status::Asleep { bucket, .. } => match bucket {
                Some(b) => others(n, k, |j| wakers[j].writes_bucket(b)),
                // Off every queue and not woken: nothing will ever wake it.
                None => 0,
            },
            Status::WaitingForLastReference { addr } => one(others(n, k, |j| {
                w.threads[j].result.is_none()
                    && model.threads()[j].program.holds_file() == Some(addr)
            })),
            Status::WaitingForPins { .. } => {
                let pinned = others(n, k, |j| w.threads[j].locals.pinned);
                if pinned != 0 {
                    one(pinned)
                } else {
                    others(n, k, |j| futures[j].updates_pins())
                }
            }
            Status::WaitingForReaders { readers, .. } => one(readers & !(1 << k)),
            // Every holder must release before the queue moves; any one of them will do.
            Status::WaitingForMmaplock { holders, .. } => one(holders & !(1 << k)),
            Status::Idle => others(n, k, |j| {
                Some(j) != self.daemon && futures[j].writes_rcu_core()
            }),
        }
    }
}

/// The threads below `n`, other than `but`, for which `p` holds.
fn others(n: usize, but: usize, p: impl Fn(usize) -> bool) -> u16 {
    (0..n)
        .filter(|&i| i != but && p(i))
        .fold(0, |m, i| m | 1 << i)
}

/// Which threads could unblock a thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    /// It can run (and is no sleeper): it never stands still.
    Never,
    /// It stays blocked while every one of these stands still.
    AllOf(u16),
    /// It stays blocked while any one of these stands still.
    AnyOf(u16),
}

/// [`Block`] per thread, and the sleepers.
struct Blockers {
    by: [Block; MAX_THREADS],
    sleepers: u16,
    /// The threads whose [`Block`] is not `Never`.
    blocked: u16,
}

/// Threads' futures by their line, return stack and whether they finished (see
/// [`Por::continues`]).
#[derive(Default)]
pub(crate) struct Memo {
    slots: Vec<Option<(MemoKey, [Footprint; 3])>>,
    /// The futures of the world last asked about, and each thread's key there.
    keys: [Option<MemoKey>; MAX_THREADS],
    fs: Futures,
}

/// Every thread's futures (see [`Por::futures`]); the first `n` are the model's threads.
#[derive(Clone, Copy, Default)]
struct Futures {
    n: usize,
    all: [Footprint; MAX_THREADS],
    pres: [Footprint; MAX_THREADS],
    wakers: [Footprint; MAX_THREADS],
}

/// Slots of [`Memo`] per thread (direct-mapped: a key evicts whatever held its slot).
const MEMO_SLOTS: usize = 256;

/// A thread's line, return stack and whether it finished, packed in one number.
type MemoKey = u64;

fn memo_key(t: &crate::world::Thread) -> MemoKey {
    // The depth is at most 6: bit 60 is free.
    t.frames.packed() | (t.pc as u64) << 48 | u64::from(t.result.is_some()) << 60
}

/// The part of [`Views`] that is not the threads' futures.
struct WorldViews {
    blockers: Blockers,
    nows: [core::cell::Cell<Option<Footprint>>; MAX_THREADS],
    statuses: [Status; MAX_THREADS],
    nesting: u16,
    joinable: u16,
}

impl WorldViews {
    fn views<'a>(&'a self, fs: &'a Futures) -> Views<'a> {
        let n = fs.n;
        Views {
            futures: &fs.all[..n],
            blockers: &self.blockers,
            wakers: &fs.wakers[..n],
            pres: &fs.pres[..n],
            nows: &self.nows[..n],
            statuses: &self.statuses[..n],
            nesting: self.nesting,
            joinable: self.joinable,
        }
    }
}

/// What the closure reads about every thread.
#[derive(Clone, Copy)]
struct Views<'a> {
    futures: &'a [Footprint],
    /// Who could unblock each thread that cannot run, and the sleepers.
    blockers: &'a Blockers,
    /// Only the wake-ups of each thread's future.
    wakers: &'a [Footprint],
    pres: &'a [Footprint],
    /// Each thread's next step, filled in on first use ([`Por::now_of`]).
    nows: &'a [core::cell::Cell<Option<Footprint>>],
    statuses: &'a [Status],
    /// The threads inside an RCU read-side section.
    nesting: u16,
    /// The threads that may join a set: live ones, and the RCU machinery.
    joinable: u16,
}

fn everything() -> Footprint {
    Footprint {
        r: u128::MAX,
        w: u128::MAX,
        a: 0,
    }
}

/// Per pfn: every value `page->index` may take (index classes), from the world and the
/// programs that associate pages.
fn page_indices(model: &Model) -> Vec<Vec<u16>> {
    let w = &model.initial;
    (0..MAX_PAGES)
        .map(|p| {
            let mut v = vec![0];
            if let Some(pg) = w.pages.get(p) {
                v.push(pg.index);
            }
            for spec in model.threads() {
                match spec.program {
                    Program::Fault { index, pfn, .. } if pfn.0 as usize == p => v.push(index),
                    Program::Recycle {
                        new_index, new_pfn, ..
                    } if new_pfn.0 as usize == p => v.push(new_index),
                    _ => {}
                }
            }
            v
        })
        .collect()
}

/// The objects thread `i` may name over its whole run.
fn future_scope(
    model: &Model,
    i: usize,
    page_indices: &[Vec<u16>],
    inodes: u8,
    threads: u16,
) -> Scope {
    let program = &model.threads()[i].program;
    let maps = match program.mapping() {
        Some(a) => addr_bit(Some(a)),
        None => inodes,
    };
    // The index the thread starts with, and every value it may load.
    let mut indices: Vec<u16> = vec![model.initial.threads[i].locals.index];
    match program {
        // Its index comes from its page (`index = page->index`).
        Program::MemoryFailure { pfn } => {
            indices.extend_from_slice(&page_indices[pfn.0 as usize % MAX_PAGES]);
        }
        Program::Fault { index, .. } | Program::Writeback { index, .. } => indices.push(*index),
        Program::Truncate { indices: list, .. }
        | Program::Invalidate { indices: list, .. }
        | Program::Evict { indices: list, .. }
        | Program::Recycle { indices: list, .. } => indices.extend_from_slice(list),
        Program::Rcu | Program::Unbind => {}
    }
    let mut slots = 0;
    let mut buckets = 0;
    for &index in &indices {
        slots |= slot_bit(index);
        for a in 0..8u8 {
            if maps & (1 << a) != 0 {
                for pmd in [false, true] {
                    buckets |= bucket_bit(model.waitqueue(crate::Addr(a), index, pmd).0);
                }
            }
        }
    }
    let new_page = match program {
        Program::Recycle { new_pfn, .. } => page_bit(*new_pfn),
        _ => 0,
    };
    Scope {
        me: Tid(i as u8),
        pages: page_bit(program.pfn()),
        maps,
        page_maps: inodes,
        slots,
        buckets,
        entry_pages: u8::MAX,
        iput: addr_bit(program.mapping()),
        holds: addr_bit(program.holds_file()),
        callbacks: inodes,
        new_page,
        threads,
    }
}

/// From each line: the union of the footprints of every step reachable before its function
/// returns (callees included), and whether it may return. Least fixpoint over the listing.
fn tables(
    layout: &Layout,
    succs: &[Succ],
    scope: &Scope,
    view: View,
) -> (Vec<Footprint>, Vec<bool>) {
    let own: Vec<Footprint> = LINES
        .iter()
        .map(|l| match l.action {
            Some(a) if view != View::Wakes || is_wake(a) => scope.action(a),
            _ => Footprint::default(),
        })
        .collect();
    let stops = |i: usize| view == View::BeforeLock && LINES[i].action == Some(Action::XaLockIrq);
    let mut fut = vec![Footprint::default(); N];
    let mut ret = vec![false; N];
    loop {
        let mut changed = false;
        for (i, s) in succs.iter().enumerate() {
            if stops(i) {
                continue;
            }
            let mut f = own[i];
            let mut r = s.returns;
            for x in s.within.iter().flatten() {
                f = f.union(fut[*x as usize]);
                r |= ret[*x as usize];
            }
            let mut callee_returns = false;
            for &c in &s.calls {
                if let Some(h) = head(layout, c) {
                    f = f.union(fut[h as usize]);
                    callee_returns |= ret[h as usize];
                }
            }
            if callee_returns && let Some(a) = s.after {
                f = f.union(fut[a as usize]);
                r |= ret[a as usize];
            }
            if let Some(t) = s.tail
                && let Some(h) = head(layout, t)
            {
                f = f.union(fut[h as usize]);
                r |= ret[h as usize];
            }
            if f != fut[i] || r != ret[i] {
                fut[i] = f;
                ret[i] = r;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    (fut, ret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::Line;
    use crate::scenario::{Scale, scaled};
    use crate::{Options, Variant};

    /// Scaled freed-inode with one memory failure (thread 0), one fault (1), evict (2) and
    /// the RCU machinery (3), page 0 mapped at index 0.
    fn model() -> Model {
        scaled(
            Scale {
                threads: 1,
                pages: 1,
            },
            Options::new(Variant::Fixed),
        )
        .expect("fits")
    }

    /// Step `t` until it is about to run `line`.
    fn run_to(model: &Model, w: &mut World, t: u8, line: Line) {
        for _ in 0..40 {
            if w.threads[t as usize].pc == line {
                return;
            }
            let e = model.step_quiet(w, Tid(t)).expect("runnable");
            assert!(e.violation.is_none(), "{e:?}");
        }
        panic!("thread {t} never reached {line:?}");
    }

    #[test]
    fn a_step_under_the_lock_on_entries_only_goes_on_alone() {
        let m = model();
        let por = Por::new(&m);
        let mut w = m.initial();
        // The fault holds the file's i_pages lock and looks its index up: entries only, which
        // nobody touches without that lock. The memory failure has not started.
        run_to(&m, &mut w, 1, Line::GuLookup);
        assert_eq!(w.inode(crate::Addr(0)).xa_lock, Some(Tid(1)));
        let runnable = m.runnable_mask(&w);
        assert!(runnable & 1 != 0, "the memory failure can run");
        assert!(por.continues(&m, &w, runnable, 1, &m.statuses(&w), &mut Memo::default()));
    }

    #[test]
    fn a_step_under_the_lock_on_page_mapping_is_no_mover() {
        let m = model();
        let por = Por::new(&m);
        let mut w = m.initial();
        // The fault runs to its end; evict's truncate, inside its section, is about to clear
        // page->mapping. The lock does not protect it: memory failure reads it without the
        // lock (`READ_ONCE(page->mapping)`) and has yet to.
        while w.threads[1].result.is_none() {
            m.step_quiet(&mut w, Tid(1)).expect("runnable");
        }
        run_to(&m, &mut w, 2, Line::TrDisassociate);
        assert_eq!(w.inode(crate::Addr(0)).xa_lock, Some(Tid(2)));
        let runnable = m.runnable_mask(&w);
        assert!(runnable & 1 != 0);
        assert!(!por.continues(&m, &w, runnable, 2, &m.statuses(&w), &mut Memo::default()));
        // Once the memory failure is past every read of page->mapping before its own
        // xa_lock_irq() (it spins there now), the same step goes on alone.
        run_to(&m, &mut w, 0, Line::DlXaLock);
        let runnable = m.runnable_mask(&w);
        assert!(
            runnable & 1 == 0,
            "the memory failure spins on evict's lock"
        );
        assert!(por.continues(&m, &w, runnable, 2, &m.statuses(&w), &mut Memo::default()));
    }

    /// The strongly connected components of a graph given as successor lists (Tarjan's
    /// algorithm, without recursion): each node's component number.
    fn components(succ: &[Vec<u32>]) -> Vec<u32> {
        const NONE: u32 = u32::MAX;
        let n = succ.len();
        let (mut index, mut low, mut comp) = (vec![NONE; n], vec![0u32; n], vec![NONE; n]);
        let (mut stack, mut on) = (Vec::new(), vec![false; n]);
        let (mut next, mut comps) = (0u32, 0u32);
        for root in 0..n {
            if index[root] != NONE {
                continue;
            }
            let mut calls: Vec<(usize, usize)> = vec![(root, 0)];
            while let Some(&mut (v, ref mut i)) = calls.last_mut() {
                if *i == 0 {
                    index[v] = next;
                    low[v] = next;
                    next += 1;
                    stack.push(v);
                    on[v] = true;
                }
                if let Some(&u) = succ[v].get(*i) {
                    *i += 1;
                    let u = u as usize;
                    if index[u] == NONE {
                        calls.push((u, 0));
                    } else if on[u] {
                        low[v] = low[v].min(index[u]);
                    }
                    continue;
                }
                calls.pop();
                if let Some(&(p, _)) = calls.last() {
                    low[p] = low[p].min(low[v]);
                }
                if low[v] == index[v] {
                    loop {
                        let x = stack.pop().expect("on the stack");
                        on[x] = false;
                        comp[x] = comps;
                        if x == v {
                            break;
                        }
                    }
                    comps += 1;
                }
            }
        }
        comp
    }

    /// The cycle proviso may skip an edge whose thread cannot come back to where it was
    /// (`may_come_back` false). Over the whole state graph of every built-in scenario and
    /// variant, and of scaled freed-inode (1,1) and (2,2) under three variants, each thread's
    /// steps form a graph of its (line, return stack): every one of these on a loop of that
    /// graph (a step that stays put, or a strongly connected component of more than one) must
    /// be one the thread may come back to.
    #[test]
    fn every_thread_may_come_back_where_its_steps_loop() {
        use std::collections::HashMap;
        type Config = (Line, crate::world::Frames);
        let mut models: Vec<(alloc::string::String, Model)> = Vec::new();
        for sc in crate::scenario::SCENARIOS {
            for v in Variant::ALL {
                models.push((alloc::format!("{} {v}", sc.name), sc.model(Options::new(v))));
            }
        }
        for (threads, pages) in [(1, 1), (2, 2)] {
            for v in [Variant::Fixed, Variant::V419, Variant::Seed] {
                let m = scaled(Scale { threads, pages }, Options::new(v)).expect("fits");
                models.push((alloc::format!("scaled ({threads},{pages}) {v}"), m));
            }
        }
        let (mut looping, mut straight) = (0u64, 0u64);
        for (name, m) in &models {
            let por = Por::new(m);
            let n = m.threads().len();
            // Per thread: its configurations and the steps between them.
            let mut ids: Vec<HashMap<Config, u32>> = vec![HashMap::new(); n];
            let mut succ: Vec<Vec<Vec<u32>>> = vec![Vec::new(); n];
            let mut selfloop: Vec<Vec<bool>> = vec![Vec::new(); n];
            let mut comes_back: Vec<Vec<bool>> = vec![Vec::new(); n];
            let mut id = |j: usize, w: &World, ids: &mut Vec<HashMap<Config, u32>>| -> u32 {
                let th = &w.threads[j];
                let len = ids[j].len() as u32;
                *ids[j].entry((th.pc, th.frames)).or_insert_with(|| {
                    succ[j].push(Vec::new());
                    selfloop[j].push(false);
                    comes_back[j].push(por.may_come_back(w, j));
                    len
                })
            };
            let mut seen: std::collections::HashSet<World> = std::collections::HashSet::new();
            let mut work = vec![m.initial()];
            seen.insert(work[0].clone());
            let mut edges: Vec<(usize, u32, u32)> = Vec::new();
            while let Some(w) = work.pop() {
                for t in m.runnable(&w) {
                    let j = t.0 as usize;
                    let mut next = w.clone();
                    let e = m.step_quiet(&mut next, t).expect("runnable");
                    if next.threads[j].result.is_some() {
                        continue;
                    }
                    edges.push((j, id(j, &w, &mut ids), id(j, &next, &mut ids)));
                    if e.violation.is_none() && seen.insert(next.clone()) {
                        work.push(next);
                    }
                }
                assert!(seen.len() < 2_000_000, "{name}: too many worlds");
            }
            let mut graphs: Vec<Vec<Vec<u32>>> = vec![Vec::new(); n];
            for j in 0..n {
                graphs[j] = vec![Vec::new(); ids[j].len()];
            }
            for &(j, a, b) in &edges {
                if a == b {
                    selfloop[j][a as usize] = true;
                } else {
                    graphs[j][a as usize].push(b);
                }
            }
            for j in 0..n {
                let comp = components(&graphs[j]);
                let mut size = vec![0u32; comp.len()];
                for &c in &comp {
                    size[c as usize] += 1;
                }
                for (c, &k) in comp.iter().enumerate() {
                    if selfloop[j][c] || size[k as usize] > 1 {
                        looping += 1;
                        assert!(
                            comes_back[j][c],
                            "{name}: thread {j} loops where it may not"
                        );
                    } else {
                        straight += u64::from(!comes_back[j][c]);
                    }
                }
            }
        }
        // Both sides are exercised: configurations on loops, and ones the rule lets go.
        assert!(
            looping > 0 && straight > 0,
            "{looping} looping, {straight} straight"
        );
    }
}
