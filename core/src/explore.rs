//! The explorer: breadth-first search over interleavings with state hashing, so the first
//! violation found has a shortest schedule.
//!
//! The visited set stores 64-bit fingerprints of worlds, and each state a parent link and the
//! thread that led to it (13 bytes or so a state); only the current and next BFS levels hold
//! whole worlds. The search runs in slices ([`Explorer::run`]) so a browser can keep drawing
//! between them; time is measured by the caller.

use crate::ids::Tid;
use crate::model::Model;
use crate::violation::{Violation, ViolationKind};
use crate::world::World;
use alloc::vec::Vec;
use core::hash::BuildHasher;
use hashbrown::HashTable;

/// Limits of one search. Hitting one ends the search as incomplete, and says which.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Most distinct states to visit.
    pub max_states: u64,
    /// Deepest schedule to consider.
    pub max_depth: u32,
    /// Look only for this kind of violation; states with other violations are not expanded.
    pub target: Option<ViolationKind>,
}

/// The default bound on distinct states: about 200 MB of visited set, fine on a laptop.
pub const DEFAULT_MAX_STATES: u64 = 20_000_000;
/// The default bound on depth.
pub const DEFAULT_MAX_DEPTH: u32 = 100_000;

impl Default for Config {
    fn default() -> Config {
        Config {
            max_states: DEFAULT_MAX_STATES,
            max_depth: DEFAULT_MAX_DEPTH,
            target: None,
        }
    }
}

/// Which bound ended an incomplete search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bound {
    /// `max_states` distinct states were visited.
    MaxStates,
    /// A state at `max_depth` still had successors.
    MaxDepth,
}

impl Bound {
    /// Plain words for the report, with the likely remedy.
    pub fn explain(self, config: &Config) -> alloc::string::String {
        match self {
            Bound::MaxStates => alloc::format!(
                "stopped after {} distinct states (--max-states); the scenario is larger: raise the bound or shrink --threads/--pages",
                config.max_states
            ),
            Bound::MaxDepth => alloc::format!(
                "stopped at depth {} (--max-depth) with states still to expand; a run may loop",
                config.max_depth
            ),
        }
    }
}

/// A violation found, with the schedule that reaches it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The violation.
    pub violation: Violation,
    /// A shortest schedule (among the explored interleavings) that ends in it.
    pub schedule: Vec<Tid>,
}

/// The result of a search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exploration {
    /// The whole bounded state space was searched (and, when nothing was found, it is clean).
    pub complete: bool,
    /// The bound that stopped an incomplete search.
    pub bound: Option<Bound>,
    /// Distinct states visited.
    pub states: u64,
    /// Transitions (steps) taken.
    pub transitions: u64,
    /// Depth of the deepest state expanded.
    pub depth: u32,
    /// States that ended in a violation of a kind other than the target (not expanded).
    pub other_violations: u64,
    /// States where every thread finished.
    pub completed_runs: u64,
    /// The widest BFS level, in states.
    pub peak_frontier: usize,
    /// Bytes of the visited set and parent links at the end.
    pub index_bytes: usize,
    /// Bytes of the two BFS levels at their peak.
    pub frontier_bytes: usize,
    /// The violation found, if any.
    pub found: Option<Found>,
}

impl Exploration {
    /// Bytes per visited state: the index plus the peak frontier, spread over all states.
    pub fn bytes_per_state(&self) -> f64 {
        (self.index_bytes + self.frontier_bytes) as f64 / self.states.max(1) as f64
    }
}

/// A breadth-first search in progress.
pub struct Explorer {
    model: Model,
    config: Config,
    hasher: foldhash::fast::FixedState,
    visited: HashTable<u64>,
    // Invariant: parent.len() == via.len() == states; node 0 is the initial world.
    parent: Vec<u32>,
    via: Vec<u8>,
    level: Vec<(World, u32)>,
    next: Vec<(World, u32)>,
    pos: usize,
    depth: u32,
    transitions: u64,
    other_violations: u64,
    completed_runs: u64,
    peak_frontier: usize,
    result: Option<Exploration>,
}

impl Explorer {
    /// Start a search of `model` from its initial world.
    pub fn new(model: Model, config: Config) -> Explorer {
        let hasher = foldhash::fast::FixedState::with_seed(0x5eed_da71);
        let initial = model.initial();
        let fp = hasher.hash_one(&initial);
        let mut visited = HashTable::new();
        visited.insert_unique(fp, fp, |&x| x);
        Explorer {
            model,
            config,
            hasher,
            visited,
            parent: alloc::vec![u32::MAX],
            via: alloc::vec![0],
            level: alloc::vec![(initial, 0)],
            next: Vec::new(),
            pos: 0,
            depth: 0,
            transitions: 0,
            other_violations: 0,
            completed_runs: 0,
            peak_frontier: 1,
            result: None,
        }
    }

    /// The model being searched.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Distinct states visited so far.
    pub fn states(&self) -> u64 {
        self.parent.len() as u64
    }

    /// Expand up to `budget` states; returns the result once the search has ended.
    pub fn run(&mut self, budget: usize) -> Option<&Exploration> {
        for _ in 0..budget {
            if self.result.is_some() {
                break;
            }
            self.expand_one();
        }
        self.result.as_ref()
    }

    /// Run to the end.
    pub fn finish(mut self) -> Exploration {
        while self.result.is_none() {
            self.expand_one();
        }
        self.result
            .take()
            .unwrap_or_else(|| self.report(false, None, None))
    }

    fn expand_one(&mut self) {
        if self.pos == self.level.len() {
            if self.next.is_empty() {
                self.result = Some(self.report(true, None, None));
                return;
            }
            self.level = core::mem::take(&mut self.next);
            self.next = Vec::with_capacity(self.level.len());
            self.pos = 0;
            self.depth += 1;
            self.peak_frontier = self.peak_frontier.max(self.level.len());
        }
        let (world, node) = self.level[self.pos].clone();
        self.pos += 1;
        let mut mask = self.model.runnable_mask(&world);
        if mask == 0 {
            self.completed_runs += 1;
            return;
        }
        if self.depth >= self.config.max_depth {
            self.result = Some(self.report(false, Some(Bound::MaxDepth), None));
            return;
        }
        while mask != 0 {
            let t = mask.trailing_zeros() as u8;
            mask &= mask - 1;
            let mut w = world.clone();
            self.transitions += 1;
            let Ok(event) = self.model.step_quiet(&mut w, Tid(t)) else {
                continue;
            };
            if let Some(v) = event.violation {
                if self.config.target.is_none_or(|k| k == v.kind) {
                    let mut schedule = self.path(node);
                    schedule.push(Tid(t));
                    self.result = Some(self.report(
                        false,
                        None,
                        Some(Found {
                            violation: v,
                            schedule,
                        }),
                    ));
                    return;
                }
                self.other_violations += 1;
                continue;
            }
            let fp = self.hasher.hash_one(&w);
            if self.visited.find(fp, |&x| x == fp).is_some() {
                continue;
            }
            if self.parent.len() as u64 >= self.config.max_states {
                self.result = Some(self.report(false, Some(Bound::MaxStates), None));
                return;
            }
            self.visited.insert_unique(fp, fp, |&x| x);
            let id = self.parent.len() as u32;
            self.parent.push(node);
            self.via.push(t);
            self.next.push((w, id));
        }
    }

    /// The schedule from the initial world to `node`.
    fn path(&self, mut node: u32) -> Vec<Tid> {
        let mut out = Vec::new();
        while node != 0 {
            out.push(Tid(self.via[node as usize]));
            node = self.parent[node as usize];
        }
        out.reverse();
        out
    }

    fn report(&self, complete: bool, bound: Option<Bound>, found: Option<Found>) -> Exploration {
        let world = core::mem::size_of::<(World, u32)>();
        Exploration {
            complete: complete && found.is_none(),
            bound,
            states: self.parent.len() as u64,
            transitions: self.transitions,
            depth: self.depth,
            other_violations: self.other_violations,
            completed_runs: self.completed_runs,
            peak_frontier: self.peak_frontier,
            index_bytes: self.visited.allocation_size()
                + self.parent.capacity() * 4
                + self.via.capacity(),
            frontier_bytes: (self.level.capacity() + self.next.capacity()) * world,
            found,
        }
    }
}

/// Search `model` to the end under `config`.
pub fn explore(model: &Model, config: Config) -> Exploration {
    Explorer::new(model.clone(), config).finish()
}
