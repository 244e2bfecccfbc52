//! Put the scrambled lines of a function back in order: the explorer runs a model whose
//! function body executes in the student's order ([`Model::with_body_order`]) and reports a
//! shortest violating schedule, or that no schedule violates — and, since an order can be
//! clean only because it never waits, whether `schedule()` ever put a thread to sleep there.

use super::reach;
use crate::body_order::OrderError;
use crate::explore::{Config, Exploration, Search, Serial};
use crate::ids::Tid;
use crate::listing::{Func, Line};
use crate::model::Model;
use crate::violation::Violation;
use crate::world::World;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The bound on states per scenario (the exercise's scenario needs a few hundred).
pub const MAX_STATES: u64 = 200_000;

/// `base` with `func`'s body in the order `fixed` then `moved`.
pub fn model(
    base: &Model,
    func: Func,
    fixed: &[Line],
    moved: &[Line],
) -> Result<Model, OrderError> {
    let lines: Vec<Line> = fixed.iter().chain(moved).copied().collect();
    base.with_body_order(func, &lines)
}

/// What the explorer says about one order in one scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// The scenario.
    pub scenario: &'static str,
    /// The violation found and a shortest schedule to it.
    pub found: Option<(Violation, Vec<Tid>)>,
    /// States the explorer visited.
    pub states: u64,
    /// The whole state space was searched.
    pub complete: bool,
    /// Some thread slept in `schedule()` inside the function in a reachable state (looked for
    /// when nothing violates).
    pub slept: bool,
    /// A shortest schedule after which a thread that calls the function is outside it but still
    /// on a wait queue or not `TASK_RUNNING` (looked for when nothing violates): the wait entry
    /// lives on the function's stack, so it must be off the queue when the function returns.
    pub left_waiting: Option<(Tid, Vec<Tid>)>,
    /// The order is the kernel's.
    pub kernel_order: bool,
}

/// Whether some thread of `m` is asleep inside `func` in `w`.
fn asleep_in(w: &World, func: Func) -> bool {
    w.threads
        .iter()
        .any(|t| t.sleeping && !t.running && t.pc.func() == func)
}

/// A thread among `callers` that is outside `func` yet queued or not running in `w`.
fn left_waiting(w: &World, func: Func, callers: &[Tid]) -> Option<Tid> {
    callers.iter().copied().find(|&t| {
        let th = w.thread(t);
        th.result.is_none() && th.pc.func() != func && (w.queued(t).is_some() || !th.running)
    })
}

/// Search `m` (a reordered model) for a violation; when there is none, walk its states to see
/// whether a thread ever sleeps in `func` and whether one leaves it still waiting.
pub fn run(m: &Model, func: Func) -> Run {
    let config = Config {
        max_states: MAX_STATES,
        ..Config::default()
    };
    let e: Exploration = Search::new(m.clone(), config).finish(&Serial);
    let callers: Vec<Tid> = m
        .threads()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.program.funcs(m.code()).contains(&func))
        .map(|(i, _)| Tid(i as u8))
        .collect();
    let (mut slept, mut left) = (false, None);
    if e.found.is_none() {
        reach::walk(m, MAX_STATES, |reach, t| {
            slept |= asleep_in(t.after, func);
            if left.is_none()
                && let Some(who) = left_waiting(t.after, func, &callers)
            {
                left = Some((who, reach.path_through(t)));
            }
        });
    }
    Run {
        scenario: m.scenario(),
        found: e.found.map(|f| (f.violation, f.schedule)),
        states: e.states,
        complete: e.complete,
        slept,
        left_waiting: left,
        kernel_order: m.body_order().is_none_or(|o| o.is_kernel_order(m.code())),
    }
}

impl Run {
    /// The explorer finds no violation, the thread really sleeps, it leaves the function off
    /// the queue and running, and the order is the kernel's.
    pub fn solved(&self) -> bool {
        self.found.is_none()
            && self.complete
            && self.slept
            && self.left_waiting.is_none()
            && self.kernel_order
    }

    /// The schedule the visualizer should show: the violation's, or the one that leaves a
    /// thread waiting.
    pub fn trace(&self) -> Option<&[Tid]> {
        self.found
            .as_ref()
            .map(|(_, s)| s.as_slice())
            .or(self.left_waiting.as_ref().map(|(_, s)| s.as_slice()))
    }

    /// What the explorer found, for the student (`m`: the model that ran).
    pub fn says(&self, m: &Model) -> String {
        if let Some((v, steps)) = &self.found {
            return format!(
                "Violation in {}: {} — {} A shortest schedule ({} steps) is loaded in the visualizer.",
                self.scenario,
                v.kind.name(),
                crate::words::message(m, v),
                steps.len()
            );
        }
        if !self.complete {
            return format!(
                "No violation in the first {} states of {}; the search stopped at its bound.",
                self.states, self.scenario
            );
        }
        let clean = format!(
            "No schedule violates: all {} reachable states of {} were searched.",
            self.states, self.scenario
        );
        if !self.slept {
            return format!(
                "{clean} But schedule() never put a thread to sleep: the task is already TASK_RUNNING when it calls schedule(), so schedule() returns at once and the thread goes round dax_lock_mapping_entry()'s loop again and again while the entry stays locked. That busy-wait burns a CPU; the kernel does not report it and this model does not count it as a violation, but it is not the kernel's order."
            );
        }
        if let Some((who, steps)) = &self.left_waiting {
            return format!(
                "{clean} But after {} steps {} has returned from the function still on the wait queue or in TASK_UNINTERRUPTIBLE (loaded in the visualizer): the wait entry (ewait) lives on the function's stack, so a later wake-up would write to a dead stack frame, and the task would go on in a sleeping state. finish_wait() must come last.",
                steps.len(),
                m.name(*who)
            );
        }
        if !self.kernel_order {
            return format!(
                "{clean} The thread sleeps and leaves the queue, yet this is not the kernel's order: finish_wait() (\"sets current thread back to running state and removes the wait descriptor from the given waitqueue if still queued\", kernel/sched/wait.c) has nothing to clean up where you put it. Your function leaves the queue only because every wake-up in this model removes its waiter (DAX's wake_exceptional_entry_func() calls autoremove_wake_function()); the kernel calls finish_wait() after schedule() so the task is running and off the queue whatever made schedule() return."
            );
        }
        format!(
            "{clean} The thread really sleeps until the entry's holder wakes it, and leaves the queue running: this is the kernel's order (55e56f06ed71)."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::teach::exercise::{Task, exercise};
    use crate::violation::ViolationKind;
    use Line::*;

    fn setup() -> (Model, Func, &'static [Line]) {
        let e = exercise("order-wait-entry-unlocked").unwrap();
        let Task::Order { func, fixed, .. } = e.task else {
            panic!()
        };
        (e.setup.model(), func, fixed)
    }

    fn try_order(moved: &[Line]) -> (Run, Model) {
        let (base, func, fixed) = setup();
        let m = model(&base, func, fixed, moved).unwrap();
        (run(&m, func), m)
    }

    #[test]
    fn the_kernels_order_is_clean_and_sleeps() {
        let (r, m) = try_order(&[WePrepare, WeUnlock, WeSchedule, WeFinish]);
        assert!(r.solved(), "{r:?}");
        assert!(r.says(&m).contains("really sleeps"));
        assert!(m.body_order().unwrap().is_kernel_order(m.code()));
    }

    #[test]
    fn unlocking_before_queueing_loses_the_wake_up() {
        let (r, m) = try_order(&[WeUnlock, WePrepare, WeSchedule, WeFinish]);
        let (v, steps) = r.found.clone().expect("a violation");
        assert_eq!(v.kind, ViolationKind::LostWakeup);
        assert_eq!(m.name(v.tid), "mf");
        assert_eq!(v.line, WeSchedule);
        // The schedule replays under the reordered model, and not as the kernel orders it.
        let mut s = crate::Session::new(m.clone());
        s.run(&steps).unwrap();
        assert!(matches!(s.outcome(), crate::Outcome::Violation(x) if x == v));
        let (base, _, _) = setup();
        let mut k = crate::Session::new(base);
        let _ = k.run(&steps);
        assert!(!matches!(k.outcome(), crate::Outcome::Violation(_)));
    }

    #[test]
    fn sleeping_before_unlocking_sleeps_holding_a_spinlock() {
        for moved in [
            [WePrepare, WeSchedule, WeUnlock, WeFinish],
            [WeSchedule, WePrepare, WeUnlock, WeFinish],
        ] {
            let (r, _) = try_order(&moved);
            let (v, _) = r.found.expect("a violation");
            assert_eq!(v.kind, ViolationKind::SleepInAtomic, "{moved:?}");
            assert_eq!(v.line, WeSchedule);
        }
    }

    #[test]
    fn finishing_before_sleeping_never_sleeps_and_is_said_so() {
        let (r, m) = try_order(&[WePrepare, WeUnlock, WeFinish, WeSchedule]);
        assert!(r.found.is_none() && r.complete, "{r:?}");
        assert!(!r.slept && !r.solved());
        assert!(r.says(&m).contains("busy-wait"), "{}", r.says(&m));
    }

    #[test]
    fn the_reordered_listing_is_what_runs() {
        let moved = [WeUnlock, WePrepare, WeSchedule, WeFinish];
        let (base, func, fixed) = setup();
        let m = model(&base, func, fixed, &moved).unwrap();
        let tid = m.tid("mf").unwrap();
        let program = &m.threads()[tid.0 as usize].program;
        let shown = m.body_order().unwrap().arrange(&crate::listing::listing(
            &program.funcs(m.code()),
            m.code(),
            None,
        ));
        let body: Vec<Line> = shown
            .iter()
            .map(|l| l.line)
            .filter(|l| l.func() == func && l.info().indent > 0)
            .collect();
        assert_eq!(body[1..], moved);
        // Replay the violation and check mf steps through the lines in the shown order.
        let (r, _) = try_order(&moved);
        let (_, steps) = r.found.unwrap();
        let mut s = crate::Session::new(m.clone());
        s.run(&steps).unwrap();
        let ran: Vec<Line> = s
            .events()
            .iter()
            .filter(|e| e.tid == tid && e.line.func() == func)
            .map(|e| e.line)
            .collect();
        assert_eq!(ran, [WeUnlock, WePrepare, WeSchedule]);
    }

    #[test]
    fn queueing_at_the_end_returns_still_waiting() {
        let (r, m) = try_order(&[WeUnlock, WeSchedule, WeFinish, WePrepare]);
        assert!(r.found.is_none() && r.slept, "{r:?}");
        let (who, steps) = r.left_waiting.clone().expect("leaves waiting");
        assert_eq!(m.name(who), "mf");
        let mut s = crate::Session::new(m.clone());
        s.run(&steps).unwrap();
        let w = s.world();
        assert!(w.queued(who).is_some() || !w.thread(who).running);
        assert_ne!(w.thread(who).pc.func(), Func::WaitEntryUnlocked);
        assert!(!r.solved() && r.says(&m).contains("finish_wait() must come last"));
    }

    #[test]
    fn finishing_first_is_clean_in_the_model_but_not_the_kernels_order() {
        let (r, m) = try_order(&[WeFinish, WePrepare, WeUnlock, WeSchedule]);
        assert!(
            r.found.is_none() && r.slept && r.left_waiting.is_none(),
            "{r:?}"
        );
        assert!(!r.kernel_order && !r.solved());
        assert!(r.says(&m).contains("autoremove_wake_function"));
    }

    #[test]
    fn of_the_24_orders_only_the_kernels_is_solved() {
        let moves = [WePrepare, WeUnlock, WeSchedule, WeFinish];
        let mut solved = Vec::new();
        for i in 0..24 {
            // The i-th permutation, by the factorial number system.
            let (mut pool, mut k, mut order) = (moves.to_vec(), i, Vec::new());
            for n in (1..=4).rev() {
                let f: usize = (1..n).product();
                order.push(pool.remove(k / f));
                k %= f;
            }
            let (r, _) = try_order(&order);
            if r.solved() {
                solved.push(order);
            }
        }
        assert_eq!(solved, [moves.to_vec()]);
    }

    #[test]
    fn a_bad_order_is_refused_with_a_message() {
        let (base, func, fixed) = setup();
        let e = model(&base, func, fixed, &[WePrepare, WeUnlock, WeSchedule]).unwrap_err();
        assert!(
            format!("{e}").contains("finish_wait(wq, &ewait.wait);"),
            "{e}"
        );
    }
}
