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

/// The fingerprint hasher both searches use (fixed seed: runs are reproducible).
fn fingerprint_hasher() -> foldhash::fast::FixedState {
    foldhash::fast::FixedState::with_seed(0x5eed_da71)
}

/// What stepping one thread in a copy of a world produced.
enum Successor {
    /// The thread could not run.
    Blocked,
    /// The step ended in a violation.
    Violation(Violation),
    /// The world after the step was visited in an earlier level.
    Known,
    /// A world not visited before: its fingerprint and runnable mask.
    New { fp: u64, runnable: u16 },
}

/// Step `t` in `w` (a copy of the world being expanded, already where it will be kept) and
/// fingerprint the result against `visited`. Shared by the serial and the parallel search.
fn step_copy(
    model: &Model,
    w: &mut World,
    t: u8,
    encoding: &mut crate::world::Encoding,
    hasher: &foldhash::fast::FixedState,
    visited: &HashTable<u64>,
) -> Successor {
    let Ok(event) = model.step_quiet(w, Tid(t)) else {
        return Successor::Blocked;
    };
    if let Some(v) = event.violation {
        return Successor::Violation(v);
    }
    w.encode_into(encoding);
    let fp = hasher.hash_one(encoding.bytes());
    if visited.find(fp, |&x| x == fp).is_some() {
        return Successor::Known;
    }
    Successor::New {
        fp,
        runnable: event.runnable,
    }
}

/// The schedule from the initial world to `node`, following parent links.
fn path(parent: &[u32], via: &[u8], mut node: u32) -> Vec<Tid> {
    let mut out = Vec::new();
    while node != 0 {
        out.push(Tid(via[node as usize]));
        node = parent[node as usize];
    }
    out.reverse();
    out
}

/// Bytes of the visited set and the parent links.
fn index_bytes(visited: &HashTable<u64>, parent: &Vec<u32>, via: &Vec<u8>) -> usize {
    visited.allocation_size() + parent.capacity() * 4 + via.capacity()
}

/// A breadth-first search in progress.
pub struct Explorer {
    model: Model,
    config: Config,
    hasher: foldhash::fast::FixedState,
    encoding: crate::world::Encoding,
    visited: HashTable<u64>,
    // Invariant: parent.len() == via.len() == states; node 0 is the initial world.
    parent: Vec<u32>,
    via: Vec<u8>,
    level: Vec<(World, u32, u16)>,
    next: Vec<(World, u32, u16)>,
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
        let initial = model.initial();
        Explorer::from_world(model, initial, config)
    }

    /// Start a search from `initial`, a world of `model` reached some other way (a hint from
    /// the state on screen); found schedules start from it.
    pub fn from_world(model: Model, initial: World, config: Config) -> Explorer {
        let hasher = fingerprint_hasher();
        let fp = hasher.hash_one(initial.encode().bytes());
        let mask = model.runnable_mask(&initial);
        let mut visited = HashTable::new();
        visited.insert_unique(fp, fp, |&x| x);
        Explorer {
            model,
            config,
            hasher,
            encoding: crate::world::Encoding::new(),
            visited,
            parent: alloc::vec![u32::MAX],
            via: alloc::vec![0],
            level: alloc::vec![(initial, 0, mask)],
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
            // Swap rather than reallocate: the old level's memory is already paged in.
            core::mem::swap(&mut self.level, &mut self.next);
            self.next.clear();
            self.pos = 0;
            self.depth += 1;
            self.peak_frontier = self.peak_frontier.max(self.level.len());
        }
        let pos = self.pos;
        self.pos += 1;
        let (node, mut mask) = (self.level[pos].1, self.level[pos].2);
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
            self.transitions += 1;
            // Step a copy in its place at the end of the next level; it is popped again when
            // it is not new. This saves moving a whole world per successor.
            let id = self.parent.len() as u32;
            self.next.push((self.level[pos].0.clone(), id, 0));
            let next = self.next.last_mut().expect("just pushed");
            let successor = step_copy(
                &self.model,
                &mut next.0,
                t,
                &mut self.encoding,
                &self.hasher,
                &self.visited,
            );
            let (fp, runnable) = match successor {
                Successor::New { fp, runnable } => (fp, runnable),
                Successor::Blocked | Successor::Known => {
                    self.next.pop();
                    continue;
                }
                Successor::Violation(v) => {
                    self.next.pop();
                    if self.config.target.is_none_or(|k| k == v.kind) {
                        let mut schedule = path(&self.parent, &self.via, node);
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
            };
            next.2 = runnable;
            if self.parent.len() as u64 >= self.config.max_states {
                self.next.pop();
                self.result = Some(self.report(false, Some(Bound::MaxStates), None));
                return;
            }
            self.visited.insert_unique(fp, fp, |&x| x);
            self.parent.push(node);
            self.via.push(t);
        }
    }

    fn report(&self, complete: bool, bound: Option<Bound>, found: Option<Found>) -> Exploration {
        let world = core::mem::size_of::<(World, u32, u16)>();
        Exploration {
            complete: complete && found.is_none(),
            bound,
            states: self.parent.len() as u64,
            transitions: self.transitions,
            depth: self.depth,
            other_violations: self.other_violations,
            completed_runs: self.completed_runs,
            peak_frontier: self.peak_frontier,
            index_bytes: index_bytes(&self.visited, &self.parent, &self.via),
            frontier_bytes: (self.level.capacity() + self.next.capacity()) * world,
            found,
        }
    }
}

/// Search `model` to the end under `config`.
pub fn explore(model: &Model, config: Config) -> Exploration {
    Explorer::new(model.clone(), config).finish()
}

/// Runs a function over the chunks of a BFS level, possibly on several threads. The core has no
/// threads of its own; the CLI supplies a pool of scoped threads.
pub trait Pool {
    /// How many chunks to cut each level into.
    fn width(&self) -> usize;
    /// Levels narrower than this are expanded in one chunk (a thread each is not worth it).
    fn min_level(&self) -> usize {
        4096
    }
    /// Call `f` on every item; results in the items' order.
    fn map<I: Send, O: Send>(&self, items: Vec<I>, f: &(dyn Fn(I) -> O + Sync)) -> Vec<O>;
}

/// A state in a level of the parallel search: the world, its node id (or, until the merge has
/// kept it, its parent's), the thread that led to it, its fingerprint and its runnable mask.
type Slot = (World, u32, u8, u64, u16);
/// Marks a slot the merge found to be a duplicate.
const DROPPED: u32 = u32::MAX;

/// What one chunk of a level produced.
struct ChunkOut {
    // Successors not seen in earlier levels (their node field holds the parent).
    next: Vec<Slot>,
    transitions: u64,
    other_violations: u64,
    completed_runs: u64,
    // The chunk's first violation of the target kind (the chunk stops there).
    found: Option<(u32, u8, Violation)>,
    // A state at the depth bound still had successors (the chunk stops there).
    depth_bound: bool,
}

/// Breadth-first search with each level's expansion spread over `pool`. The result is the
/// same as [`explore`]'s (states, depth, the violation and its schedule): chunks are merged
/// into the visited set in level order, exactly as the serial search meets them. Each worker
/// writes its successors into its own buffer, which becomes part of the next level in place;
/// the merge only looks fingerprints up and numbers the new states, so no world is copied
/// twice. (When a bound or a violation ends the search, `transitions` also counts the rest of
/// the chunks that were already expanded.)
pub fn explore_parallel<P: Pool>(model: &Model, config: Config, pool: &P) -> Exploration {
    let hasher = fingerprint_hasher();
    let initial = model.initial();
    let fp = hasher.hash_one(initial.encode().bytes());
    let mut visited: HashTable<u64> = HashTable::new();
    visited.insert_unique(fp, fp, |&x| x);
    let mut parent: Vec<u32> = alloc::vec![u32::MAX];
    let mut via: Vec<u8> = alloc::vec![0];
    let mask = model.runnable_mask(&initial);
    // The current level, as the buffers the previous level's workers filled.
    let mut level: Vec<Vec<Slot>> = alloc::vec![alloc::vec![(initial, 0, 0, fp, mask)]];
    let mut spare: Vec<Vec<Slot>> = Vec::new();
    let (mut transitions, mut other, mut completed) = (0u64, 0u64, 0u64);
    let (mut peak, mut peak_bytes, mut depth) = (1usize, 0usize, 0u32);
    loop {
        let at_bound = depth >= config.max_depth;
        // Cut the level (the concatenation of its buffers) into `width` runs of slices; small
        // levels are not worth a thread each.
        let total: usize = level.iter().map(Vec::len).sum();
        let width = if total < pool.min_level() {
            1
        } else {
            pool.width().max(1)
        };
        let per = total.div_ceil(width).max(1);
        let mut items: Vec<(Vec<&[Slot]>, Vec<Slot>)> = Vec::new();
        let mut run: Vec<&[Slot]> = Vec::new();
        let mut room = per;
        for buffer in &level {
            let mut rest: &[Slot] = buffer;
            while !rest.is_empty() {
                let take = rest.len().min(room);
                run.push(&rest[..take]);
                rest = &rest[take..];
                room -= take;
                if room == 0 {
                    items.push((core::mem::take(&mut run), spare.pop().unwrap_or_default()));
                    room = per;
                }
            }
        }
        if !run.is_empty() {
            items.push((run, spare.pop().unwrap_or_default()));
        }
        let visited_ref = &visited;
        let work = |(runs, mut buffer): (Vec<&[Slot]>, Vec<Slot>)| -> ChunkOut {
            buffer.clear();
            let mut out = ChunkOut {
                next: buffer,
                transitions: 0,
                other_violations: 0,
                completed_runs: 0,
                found: None,
                depth_bound: false,
            };
            let mut enc = crate::world::Encoding::new();
            for (world, node, _, _, mask) in runs.into_iter().flatten() {
                let (node, mut mask) = (*node, *mask);
                if node == DROPPED {
                    continue;
                }
                if mask == 0 {
                    out.completed_runs += 1;
                    continue;
                }
                if at_bound {
                    out.depth_bound = true;
                    return out;
                }
                while mask != 0 {
                    let t = mask.trailing_zeros() as u8;
                    mask &= mask - 1;
                    out.transitions += 1;
                    out.next.push((world.clone(), node, t, 0, 0));
                    let slot = out.next.last_mut().expect("just pushed");
                    match step_copy(model, &mut slot.0, t, &mut enc, &hasher, visited_ref) {
                        Successor::New { fp, runnable } => {
                            slot.3 = fp;
                            slot.4 = runnable;
                        }
                        Successor::Blocked | Successor::Known => {
                            out.next.pop();
                        }
                        Successor::Violation(v) => {
                            out.next.pop();
                            if config.target.is_none_or(|k| k == v.kind) {
                                out.found = Some((node, t, v));
                                return out;
                            }
                            out.other_violations += 1;
                        }
                    }
                }
            }
            out
        };
        let outs = pool.map(items, &work);
        spare.append(&mut level);
        let mut ending: Option<(Option<Bound>, Option<Found>)> = None;
        let mut states_in_level = 0;
        for mut out in outs {
            if ending.is_some() {
                spare.push(out.next);
                continue;
            }
            transitions += out.transitions;
            other += out.other_violations;
            completed += out.completed_runs;
            for slot in out.next.iter_mut() {
                let fp = slot.3;
                if visited.find(fp, |&x| x == fp).is_some() {
                    slot.1 = DROPPED;
                    continue;
                }
                if ending.is_some() || parent.len() as u64 >= config.max_states {
                    ending.get_or_insert((Some(Bound::MaxStates), None));
                    slot.1 = DROPPED;
                    continue;
                }
                visited.insert_unique(fp, fp, |&x| x);
                parent.push(slot.1);
                via.push(slot.2);
                slot.1 = parent.len() as u32 - 1;
                states_in_level += 1;
            }
            if ending.is_none() && out.depth_bound {
                ending = Some((Some(Bound::MaxDepth), None));
            }
            if ending.is_none()
                && let Some((node, t, violation)) = out.found
            {
                let mut schedule = path(&parent, &via, node);
                schedule.push(Tid(t));
                ending = Some((
                    None,
                    Some(Found {
                        violation,
                        schedule,
                    }),
                ));
            }
            level.push(out.next);
        }
        let bytes: usize = level
            .iter()
            .chain(spare.iter())
            .map(|b| b.capacity() * core::mem::size_of::<Slot>())
            .sum();
        peak_bytes = peak_bytes.max(bytes);
        let done = match ending {
            Some(e) => Some(e),
            None if states_in_level == 0 => Some((None, None)),
            None => None,
        };
        if let Some((bound, found)) = done {
            return Exploration {
                complete: bound.is_none() && found.is_none(),
                bound,
                states: parent.len() as u64,
                transitions,
                depth,
                other_violations: other,
                completed_runs: completed,
                peak_frontier: peak,
                index_bytes: index_bytes(&visited, &parent, &via),
                frontier_bytes: peak_bytes,
                found,
            };
        }
        depth += 1;
        peak = peak.max(states_in_level);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, SCENARIOS, Variant};
    use std::collections::HashSet;

    /// A plain BFS keeping whole worlds: the fingerprinted search must count the same states,
    /// so the compact encoding neither merges different worlds nor splits equal ones.
    /// A pool that cuts levels into three chunks and runs them in order: the merge must give
    /// exactly the serial search's result.
    struct Three;
    impl Pool for Three {
        fn width(&self) -> usize {
            3
        }
        fn min_level(&self) -> usize {
            0
        }
        fn map<I: Send, O: Send>(&self, items: Vec<I>, f: &(dyn Fn(I) -> O + Sync)) -> Vec<O> {
            items.into_iter().map(f).collect()
        }
    }

    #[test]
    fn the_chunked_search_finds_what_the_serial_search_finds() {
        use crate::ViolationKind;
        for s in SCENARIOS {
            for v in Variant::ALL {
                for target in [None, Some(ViolationKind::UseAfterFree)] {
                    let model = s.model(Options::new(v));
                    let config = Config {
                        target,
                        ..Config::default()
                    };
                    let a = explore(&model, config);
                    let b = explore_parallel(&model, config, &Three);
                    let what = (s.name, v, target);
                    assert_eq!(a.complete, b.complete, "{what:?}");
                    assert_eq!(a.states, b.states, "{what:?}");
                    assert_eq!(a.transitions, b.transitions, "{what:?}");
                    assert_eq!(a.depth, b.depth, "{what:?}");
                    assert_eq!(a.found, b.found, "{what:?}");
                }
            }
        }
        let model = SCENARIOS[3].model(Options::new(Variant::Fixed));
        for config in [
            Config {
                max_states: 500,
                ..Config::default()
            },
            Config {
                max_depth: 7,
                ..Config::default()
            },
        ] {
            let a = explore(&model, config);
            let b = explore_parallel(&model, config, &Three);
            assert_eq!(
                (a.bound, a.states, a.complete),
                (b.bound, b.states, b.complete)
            );
        }
    }

    #[test]
    fn fingerprints_count_the_same_states_as_whole_worlds() {
        for s in SCENARIOS {
            let model = s.model(Options::new(Variant::Fixed));
            let mut seen: HashSet<World> = HashSet::new();
            let mut encodings: HashSet<Vec<u8>> = HashSet::new();
            let mut level = vec![model.initial()];
            seen.insert(level[0].clone());
            encodings.insert(level[0].encode().bytes().to_vec());
            while !level.is_empty() {
                let mut next = Vec::new();
                for w in &level {
                    for t in model.runnable(w) {
                        let mut n = w.clone();
                        let e = model.step_quiet(&mut n, t).unwrap();
                        assert_eq!(e.runnable, model.runnable_mask(&n));
                        if e.violation.is_none() && seen.insert(n.clone()) {
                            encodings.insert(n.encode().bytes().to_vec());
                            next.push(n);
                        }
                    }
                }
                level = next;
            }
            assert_eq!(seen.len(), encodings.len(), "{}", s.name);
            let r = explore(&model, Config::default());
            assert_eq!(r.states as usize, seen.len(), "{}", s.name);
        }
    }
}
