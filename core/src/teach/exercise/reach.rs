//! Every reachable transition of a model, breadth-first, with parent links so that any state's
//! schedule can be rebuilt. The explorer ([`crate::explore`]) looks for violations; exercises
//! need to look at every step (who changed what while whom held which lock), so they walk the
//! state graph themselves with the same step function and the same fingerprints.

use crate::explore::fingerprint_hasher;
use crate::facts::Event;
use crate::ids::Tid;
use crate::model::Model;
use crate::world::World;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use hashbrown::HashTable;

/// One step from a reachable state.
pub struct Transition<'a> {
    /// The number of the state stepped from (0: the initial world).
    pub from: u32,
    /// The world before the step.
    pub before: &'a World,
    /// The thread that stepped.
    pub tid: Tid,
    /// The world after it.
    pub after: &'a World,
    /// What the step reported (its violation, if any).
    pub event: &'a Event,
}

/// The state graph a walk saw: parent links for schedules, and counts.
#[derive(Clone, Debug, Default)]
pub struct Reach {
    // Invariant: parent.len() == via.len() == states; state 0 is the initial world.
    parent: Vec<u32>,
    via: Vec<u8>,
    /// Transitions taken.
    pub transitions: u64,
    /// Every reachable state was visited (false: the bound stopped the walk).
    pub complete: bool,
}

impl Reach {
    /// Distinct states visited.
    pub fn states(&self) -> u64 {
        self.parent.len() as u64
    }

    /// The schedule from the initial world to state `state`.
    pub fn path(&self, mut state: u32) -> Vec<Tid> {
        let mut out = Vec::new();
        while state != 0 && (state as usize) < self.parent.len() {
            out.push(Tid(self.via[state as usize]));
            state = self.parent[state as usize];
        }
        out.reverse();
        out
    }

    /// The schedule that ends with `t.tid`'s step out of state `t.from`.
    pub fn path_through(&self, t: &Transition) -> Vec<Tid> {
        let mut p = self.path(t.from);
        p.push(t.tid);
        p
    }
}

/// Walk every transition of `model` from its initial world, breadth-first, visiting at most
/// `max_states` distinct states. Steps that end in a halting violation are seen but not walked
/// past. `visit` may read the graph so far (for schedules) through the [`Reach`] it is given.
pub fn walk(model: &Model, max_states: u64, mut visit: impl FnMut(&Reach, &Transition)) -> Reach {
    let hasher = fingerprint_hasher();
    let initial = model.initial();
    let mut visited = HashTable::new();
    let fp = initial.fingerprint(&hasher);
    visited.insert_unique(fp, fp, |&x| x);
    let mut reach = Reach {
        parent: alloc::vec![u32::MAX],
        via: alloc::vec![0],
        transitions: 0,
        complete: true,
    };
    let mut queue: VecDeque<(u32, World)> = VecDeque::new();
    queue.push_back((0, initial));
    while let Some((id, world)) = queue.pop_front() {
        let mut mask = model.runnable_mask(&world);
        while mask != 0 {
            let t = mask.trailing_zeros() as u8;
            mask &= mask - 1;
            let mut after = world.clone();
            let Ok(event) = model.step_quiet(&mut after, Tid(t)) else {
                continue;
            };
            reach.transitions += 1;
            visit(
                &reach,
                &Transition {
                    from: id,
                    before: &world,
                    tid: Tid(t),
                    after: &after,
                    event: &event,
                },
            );
            if after.halted {
                continue;
            }
            let fp = after.fingerprint(&hasher);
            if visited.find(fp, |&x| x == fp).is_some() {
                continue;
            }
            if reach.states() >= max_states {
                reach.complete = false;
                continue;
            }
            visited.insert_unique(fp, fp, |&x| x);
            reach.parent.push(id);
            reach.via.push(t);
            queue.push_back((reach.parent.len() as u32 - 1, after));
        }
    }
    reach
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::{Config, explore};
    use crate::{Options, Variant, scenario};

    #[test]
    fn a_clean_walk_counts_the_states_the_explorer_counts_and_paths_replay() {
        for name in ["self-deadlock", "null-mapping", "inode-reuse"] {
            let m = scenario(name).unwrap().model(Options::new(Variant::Fixed));
            let mut last = None;
            let r = walk(&m, u64::MAX, |reach, t| {
                last = Some((reach.path_through(t), t.after.clone()));
            });
            let e = explore(&m, Config::default());
            assert!(e.complete && r.complete);
            assert_eq!(r.states(), e.states, "{name}");
            assert_eq!(r.transitions, e.transitions, "{name}");
            // The schedule of the last transition replays to the world it reached.
            let (path, world) = last.unwrap();
            let mut w = m.initial();
            for t in path {
                m.step_quiet(&mut w, t).unwrap();
            }
            assert_eq!(w, world);
        }
    }

    #[test]
    fn the_bound_ends_the_walk_as_incomplete() {
        let m = scenario("null-mapping")
            .unwrap()
            .model(Options::new(Variant::Fixed));
        let r = walk(&m, 100, |_, _| {});
        assert!(!r.complete);
        assert_eq!(r.states(), 100);
    }
}
