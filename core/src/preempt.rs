//! Fewest-preemption counterexamples, by iterative preemption bounding.
//!
//! A *preemption* is a switch away from a thread that could still run: in a schedule, step `i`
//! preempts when it runs another thread than step `i - 1` while that thread is still runnable.
//! A switch forced because the last thread blocked or finished is free. Counterexamples with
//! few preemptions are the ones a person can follow ("the fault runs, then memory failure runs
//! until it sleeps, then ...").
//!
//! [`fewest_preemptions`] searches with a bound of 0 preemptions, then 1, 2, ... (each a
//! breadth-first search over worlds and the last thread, keeping for each the fewest
//! preemptions it was reached with); the first bound that reaches the target gives a
//! counterexample with the fewest preemptions, and among those a shortest one.

use crate::ids::Tid;
use crate::model::Model;
use crate::violation::{Violation, ViolationKind};
use crate::world::World;
use alloc::vec::Vec;
use hashbrown::HashMap;

/// The preemptions in `schedule` run from `world`; `None` if a step cannot run.
pub fn count(model: &Model, world: &World, schedule: &[Tid]) -> Option<u32> {
    let mut w = world.clone();
    let mut last: Option<Tid> = None;
    let mut n = 0;
    for &t in schedule {
        if let Some(l) = last
            && l != t
            && model.is_runnable(&w, l)
        {
            n += 1;
        }
        model.step_quiet(&mut w, t).ok()?;
        last = Some(t);
    }
    Some(n)
}

/// A counterexample with the fewest preemptions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fewest {
    /// The violation.
    pub violation: Violation,
    /// The schedule (the shortest among those with the fewest preemptions).
    pub schedule: Vec<Tid>,
    /// Its preemptions.
    pub preemptions: u32,
    /// Distinct (world, last thread) states visited over every bound.
    pub states: u64,
    /// Whether the search ended before `max_states`: with no counterexample, none exists.
    pub complete: bool,
}

/// The result of [`fewest_preemptions`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bounded {
    /// The counterexample, if one was found.
    pub found: Option<Fewest>,
    /// States visited over every bound.
    pub states: u64,
    /// The last bound searched.
    pub bound: u32,
    /// Whether the last bound's search ran to its end without `max_states`.
    pub complete: bool,
}

struct Node {
    world: World,
    last: u8,
    used: u32,
    id: u32,
}

const NO_THREAD: u8 = u8::MAX;

/// The highest preemption bound `daxlab explore --preemptions` (and a challenge's par) tries.
pub const MAX_BOUND: u32 = 12;

/// What `daxlab explore --preemptions` runs: the fewest-preemption counterexample of `target`
/// from `model`'s start, bounds 0 to [`MAX_BOUND`], each visiting at most `max_states` states.
/// Challenges take their par from the same call, so a par is what the CLI prints.
pub fn fewest(model: &Model, target: Option<ViolationKind>, max_states: u64) -> Bounded {
    fewest_preemptions(model, &model.initial(), target, MAX_BOUND, max_states)
}

/// Search `model` from `start` for a violation of `target` (any kind when `None`) with the
/// fewest preemptions, raising the bound from 0 up to `max_bound`; each bound's search visits
/// at most `max_states` states.
pub fn fewest_preemptions(
    model: &Model,
    start: &World,
    target: Option<ViolationKind>,
    max_bound: u32,
    max_states: u64,
) -> Bounded {
    fewest_preemptions_after(model, start, None, target, max_bound, max_states)
}

/// As [`fewest_preemptions`], from a world that `last` stepped into: running another thread
/// first preempts `last` if it can still run (a challenge's hint, mid-game).
pub fn fewest_preemptions_after(
    model: &Model,
    start: &World,
    last: Option<Tid>,
    target: Option<ViolationKind>,
    max_bound: u32,
    max_states: u64,
) -> Bounded {
    let last = last.map_or(NO_THREAD, |t| t.0);
    let hasher = foldhash::fast::FixedState::with_seed(0x5eed_da72);
    let mut total = 0;
    let mut complete = true;
    for bound in 0..=max_bound {
        let (found, states, done, pruned) =
            bounded(model, start, last, target, bound, max_states, &hasher);
        total += states;
        complete = done;
        if let Some((violation, schedule, preemptions)) = found {
            return Bounded {
                found: Some(Fewest {
                    violation,
                    schedule,
                    preemptions,
                    states: total,
                    complete: done,
                }),
                states: total,
                bound,
                complete: true,
            };
        }
        if !done {
            return Bounded {
                found: None,
                states: total,
                bound,
                complete: false,
            };
        }
        // A bound that cut no step off explored everything: no larger one finds more.
        if !pruned {
            break;
        }
    }
    Bounded {
        found: None,
        states: total,
        bound: max_bound,
        complete,
    }
}

type Found = (Violation, Vec<Tid>, u32);

/// One breadth-first search with at most `bound` preemptions: the first violation of the
/// target, the states visited, whether it ran to its end, and whether the bound cut a step off.
fn bounded(
    model: &Model,
    start: &World,
    last: u8,
    target: Option<ViolationKind>,
    bound: u32,
    max_states: u64,
    hasher: &foldhash::fast::FixedState,
) -> (Option<Found>, u64, bool, bool) {
    let key = |w: &World, last: u8| {
        w.fingerprint(hasher)
            .rotate_left(7)
            .wrapping_add((last as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15))
    };
    // Fewest preemptions each (world, last thread) was reached with.
    let mut best: HashMap<u64, u32, foldhash::fast::FixedState> =
        HashMap::with_hasher(foldhash::fast::FixedState::with_seed(1));
    let mut parent: Vec<u32> = alloc::vec![u32::MAX];
    let mut via: Vec<u8> = alloc::vec![NO_THREAD];
    best.insert(key(start, last), 0);
    let mut level = alloc::vec![Node {
        world: start.clone(),
        last,
        used: 0,
        id: 0,
    }];
    let mut pruned = false;
    while !level.is_empty() {
        let mut next = Vec::new();
        for node in &level {
            let mut mask = model.runnable_mask(&node.world);
            let last_runs = node.last != NO_THREAD && mask & (1 << node.last) != 0;
            while mask != 0 {
                let t = mask.trailing_zeros() as u8;
                mask &= mask - 1;
                let used = node.used + (last_runs && t != node.last) as u32;
                if used > bound {
                    pruned = true;
                    continue;
                }
                let mut w = node.world.clone();
                let Ok(event) = model.step_quiet(&mut w, Tid(t)) else {
                    continue;
                };
                if let Some(v) = event.violation {
                    if target.is_none_or(|k| k == v.kind) {
                        let mut schedule = crate::explore::path(&parent, &via, node.id);
                        schedule.push(Tid(t));
                        return (Some((v, schedule, used)), parent.len() as u64, true, pruned);
                    }
                    continue;
                }
                let k = key(&w, t);
                if best.get(&k).is_some_and(|&b| b <= used) {
                    continue;
                }
                if parent.len() as u64 >= max_states {
                    return (None, parent.len() as u64, false, pruned);
                }
                best.insert(k, used);
                parent.push(node.id);
                via.push(t);
                next.push(Node {
                    world: w,
                    last: t,
                    used,
                    id: parent.len() as u32 - 1,
                });
            }
        }
        level = next;
    }
    (None, parent.len() as u64, true, pruned)
}
