//! The explorer: breadth-first search over interleavings with state hashing, so the first
//! violation found has a shortest schedule.
//!
//! One engine, [`Search`], expands the search level by level. It runs in slices
//! ([`Search::run`] with a budget of states, so a browser can keep drawing between them) and
//! spreads each slice over a [`Pool`] the caller supplies (the CLI's scoped threads; width 1 is
//! the serial search). Whatever the pool and the slices, the result is the serial one: chunks
//! are merged into the visited set in level order, exactly as the serial search meets them.
//!
//! The visited set stores 64-bit fingerprints of worlds, and each state a parent link and the
//! thread that led to it (13 bytes or so a state); only the current and next BFS levels hold
//! whole worlds. Time is measured by the caller.

use crate::canon::Canon;
use crate::ids::Tid;
use crate::model::Model;
use crate::por::{Memo, Por};
use crate::violation::{Violation, ViolationKind};
use crate::world::World;
use alloc::vec::Vec;

use crate::fpset::{FpSet, Share, Visited};
use hashbrown::HashTable;

mod delayed;

/// Limits of one search. Hitting one ends the search as incomplete, and says which.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Most distinct states to visit.
    pub max_states: u64,
    /// Deepest schedule to consider.
    pub max_depth: u32,
    /// Look only for this kind of violation; states with other violations are not expanded.
    pub target: Option<ViolationKind>,
    /// How much of the state space to skip as equivalent.
    pub reduction: Reduction,
}

/// What the search may skip. Every reduction keeps the verdict (whether each kind of violation
/// is reachable), not the shortest schedule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Reduction {
    /// Every interleaving: the shortest counterexample, every state.
    #[default]
    None,
    /// Partial-order reduction: persistent sets from step footprints, expanded fully where a
    /// reduced step would violate or close a cycle.
    Por,
    /// Partial-order reduction, and interchangeable threads (same program and arguments)
    /// merged by sorting them.
    PorSymmetry,
}

impl Reduction {
    /// Every reduction, weakest first.
    pub const ALL: [Reduction; 3] = [Reduction::None, Reduction::Por, Reduction::PorSymmetry];

    /// The stable name used by the CLI and reports.
    pub fn name(self) -> &'static str {
        match self {
            Reduction::None => "none",
            Reduction::Por => "por",
            Reduction::PorSymmetry => "por+symmetry",
        }
    }
}

impl core::fmt::Display for Reduction {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

impl core::str::FromStr for Reduction {
    type Err = ();
    fn from_str(s: &str) -> Result<Reduction, ()> {
        Reduction::ALL.into_iter().find(|r| r.name() == s).ok_or(())
    }
}

impl serde::Serialize for Reduction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
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
            reduction: Reduction::None,
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
                "stopped at its bound of {} distinct state{} (--max-states; the initial state always counts); the scenario is larger: raise the bound or shrink --threads/--pages",
                config.max_states,
                if config.max_states == 1 { "" } else { "s" }
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
    /// The reduction used.
    pub reduction: Reduction,
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
    /// Bytes of the BFS levels at their peak.
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

/// Runs a function over the chunks of a slice of a BFS level, possibly on several threads. The
/// core has no threads of its own: callers supply them.
pub trait Pool {
    /// How many threads it runs (1: the serial search). A slice is cut into
    /// [`CHUNKS_PER_THREAD`] chunks per thread, which a thread should take in turn as it
    /// becomes free: chunks of as many states can cost quite different times.
    fn width(&self) -> usize;
    /// Slices narrower than this are expanded in one chunk (a thread each is not worth it).
    /// A reduced (3,3) search with `--jobs 2` took a median 2.10 s with 512 against 2.19 s
    /// with 4,096 (15 interleaved runs each), and the same with 128 as with 512.
    fn min_level(&self) -> usize {
        512
    }
    /// Call `f` on every item; results in the items' order.
    fn map<I: Send, O: Send>(&self, items: Vec<I>, f: &(dyn Fn(I) -> O + Sync)) -> Vec<O>;
}

/// The serial pool: one chunk, on the caller's thread.
pub struct Serial;

impl Pool for Serial {
    fn width(&self) -> usize {
        1
    }
    fn map<I: Send, O: Send>(&self, items: Vec<I>, f: &(dyn Fn(I) -> O + Sync)) -> Vec<O> {
        items.into_iter().map(f).collect()
    }
}

/// The fingerprint hasher (fixed seed: runs are reproducible).
pub fn fingerprint_hasher() -> foldhash::fast::FixedState {
    foldhash::fast::FixedState::with_seed(0x5eed_da71)
}

/// Chunks per pool thread in a parallel slice. A reduced (3,3) search with `--jobs 2` took a
/// median 2.03 s with 4, each thread taking the next chunk when it is free, against 2.21 s with
/// one chunk per thread (11 interleaved runs each); 8 was no clearer a gain. More chunks catch
/// fewer duplicates within a chunk (see `expand_chunk`). The unreduced search's three passes
/// (`delayed`) cut their slices otherwise: into chunks that shrink as the slice goes.
pub const CHUNKS_PER_THREAD: usize = 4;

/// Marks a node the merge found to be a duplicate.
const DROPPED: u32 = u32::MAX;

/// A state in a BFS level.
struct Node {
    world: World,
    /// Its state number; before a parallel merge numbers it, its parent's; [`DROPPED`] for a
    /// duplicate.
    id: u32,
    /// The thread that led to it.
    via: u8,
    /// Its fingerprint.
    fp: u64,
    /// Bit per thread that can run in it.
    runnable: u16,
}

/// How expanding a node of the level starts.
enum Start {
    /// Nothing to expand: a dropped node, or a completed run (counted).
    Nothing,
    /// The node has successors but the level is at the depth bound: the search ends here.
    AtBound,
    /// Step these threads.
    Threads(u16),
}

/// How expanding `node` starts, in a level `at_bound` or not; a completed run is counted in
/// `completed_runs`. Every expansion (one pass or three, serial or parallel) starts here.
fn start(node: &Node, at_bound: bool, completed_runs: &mut u64) -> Start {
    if node.id == DROPPED {
        return Start::Nothing;
    }
    if node.runnable == 0 {
        *completed_runs += 1;
        return Start::Nothing;
    }
    if at_bound {
        return Start::AtBound;
    }
    Start::Threads(node.runnable)
}

/// What stepping one thread in a copy of a world produced.
enum Successor {
    /// The step ended in a violation.
    Violation(Violation),
    /// The world after the step was visited already: its fingerprint.
    Known { fp: u64 },
    /// A world not visited before: its fingerprint and runnable mask.
    New { fp: u64, runnable: u16 },
}

/// The most steps one block of a reduced search takes (its length is kept in the 4 high bits
/// of the state's `via`).
const MAX_BLOCK: u8 = 16;
const _: () = assert!(crate::world::MAX_THREADS <= 16);

/// A state's `via` in a reduced search: the thread and how many steps its block took.
fn pack(t: u8, len: u8) -> u8 {
    debug_assert!((1..=MAX_BLOCK).contains(&len) && t < 16);
    t | (len - 1) << 4
}

/// The thread and the block length of a reduced search's `via`.
pub(crate) fn unpack(v: Tid) -> (Tid, u8) {
    (Tid(v.0 & 15), (v.0 >> 4) + 1)
}

/// Step `t` in `w`, a copy of `from`; in a reduced search, go on stepping it while it alone is
/// a persistent set of the world it reached and its next step does not violate (a block: see
/// `por.rs`). The event of the last step and how many steps were taken.
fn block(
    model: &Model,
    red: Option<&Reducer>,
    w: &mut World,
    from: &World,
    t: u8,
    before: u16,
    memo: &mut Memo,
) -> (crate::facts::Event, u8) {
    let mut statuses = [crate::status::Status::Runnable; crate::world::MAX_THREADS];
    let mut event = model.step_runnable(w, Tid(t), before, &mut statuses);
    let mut len = 1;
    let Some(red) = red else {
        return (event, len);
    };
    while event.violation.is_none()
        && len < MAX_BLOCK
        && red
            .por
            .continues(model, w, event.runnable, t as usize, &statuses, memo)
    {
        let next = model.step_runnable(w, Tid(t), event.runnable, &mut statuses);
        if next.violation.is_some() {
            // The block ends before it: the world is kept and expanded as a whole, so the
            // violation is found there, at its own step. The world before the step is rebuilt
            // by taking the block's steps again from `from` (steps are deterministic): a
            // violation is rare, a copy of the world before every step is not.
            *w = from.clone();
            event = model.step_runnable(w, Tid(t), before, &mut statuses);
            for _ in 1..len {
                event = model.step_runnable(w, Tid(t), event.runnable, &mut statuses);
            }
            break;
        }
        event = next;
        len += 1;
    }
    (event, len)
}

/// Step `t`'s block in `w` (a copy of `from`, the world being expanded, already where it will
/// be kept) and fingerprint the result against `visited`; also the steps the block took.
#[allow(clippy::too_many_arguments)]
fn step_copy(
    model: &Model,
    w: &mut World,
    from: &World,
    t: u8,
    before: u16,
    (hasher, visited): (&foldhash::fast::FixedState, &Visited),
    red: Option<&Reducer>,
    memo: &mut Memo,
) -> (Successor, u8) {
    // Only threads of the parent's runnable mask (`before`) are stepped.
    let (event, len) = block(model, red, w, from, t, before, memo);
    if let Some(v) = event.violation {
        return (Successor::Violation(v), len);
    }
    let mut runnable = event.runnable;
    if let Some(r) = red {
        let perm = r.canon.apply(w);
        runnable = permute_mask(runnable, &perm);
    }
    let fp = w.fingerprint(hasher);
    if visited.contains(fp) {
        return (Successor::Known { fp }, len);
    }
    (Successor::New { fp, runnable }, len)
}

/// A runnable mask after renaming threads (`perm[old] = new`).
fn permute_mask(mask: u16, perm: &crate::canon::Perm) -> u16 {
    let mut out = 0;
    let mut m = mask;
    while m != 0 {
        let t = m.trailing_zeros() as usize;
        m &= m - 1;
        out |= 1 << perm[t];
    }
    out
}

/// The reduced searches' machinery: persistent sets and canonical forms.
struct Reducer {
    por: Por,
    canon: Canon,
}

/// Blocks already stepped from the world being expanded, by [`reduce_mask`]: the thread, the
/// world after its block (in canonical form), what it was then, and the block's length.
type Stepped = Vec<(u8, World, Successor, u8)>;

/// The threads to expand in `w`: a persistent set none of whose blocks violates or leads to a
/// state visited at this depth or before by a thread that may come back to where it is (the
/// BFS cycle proviso, `por.rs`); the smallest first, then the
/// others; every runnable thread when none qualifies. Also the blocks it stepped to decide, so
/// the expansion need not step them again.
fn reduce_mask(
    model: &Model,
    red: &Reducer,
    (hasher, visited): (&foldhash::fast::FixedState, &Visited),
    level: &HashTable<u64>,
    w: &World,
    runnable: u16,
    memo: &mut Memo,
) -> (u16, Stepped) {
    let mut stepped: Stepped = Vec::with_capacity(runnable.count_ones() as usize);
    // Whether expanding only `set` keeps every verdict: no block of it violates or closes a
    // cycle; None when one violates (then every thread is expanded).
    let keeps = |set: u16, stepped: &mut Stepped, memo: &mut Memo| -> Option<bool> {
        let mut m = set;
        while m != 0 {
            let t = m.trailing_zeros() as u8;
            m &= m - 1;
            if !stepped.iter().any(|e| e.0 == t) {
                let mut n = w.clone();
                let (s, len) = step_copy(
                    model,
                    &mut n,
                    w,
                    t,
                    runnable,
                    (hasher, visited),
                    Some(red),
                    memo,
                );
                stepped.push((t, n, s, len));
            }
            let (_, _, s, _) = stepped.iter().find(|e| e.0 == t).expect("just stepped");
            match *s {
                Successor::Violation(_) => return None,
                // An edge to a state of this depth or before can close a cycle only if the
                // block's thread could come back to where it is.
                Successor::Known { fp } if red.por.may_come_back(w, t as usize) => {
                    if level.find(fp, |&x| x == fp).is_none() {
                        return Some(false);
                    }
                }
                Successor::Known { .. } | Successor::New { .. } => {}
            }
        }
        Some(true)
    };
    let first = red.por.ample(model, w, runnable, memo);
    if first == runnable {
        return (runnable, stepped);
    }
    let mask = 'mask: {
        match keeps(first, &mut stepped, memo) {
            None => break 'mask runnable,
            Some(true) => break 'mask first,
            Some(false) => {}
        }
        let sets = red.por.persistent_sets(model, w, runnable, true, memo);
        for set in sets {
            if set == first {
                continue;
            }
            match keeps(set, &mut stepped, memo) {
                None => break 'mask runnable,
                Some(true) => break 'mask set,
                Some(false) => {}
            }
        }
        runnable
    };
    (mask, stepped)
}

/// The world to step `t` from in `from`'s expansion, and what its block gave if
/// [`reduce_mask`] stepped it already (a successor new then may have been visited since, by an
/// earlier successor of the same world); otherwise a copy of `from`, to step.
fn take_stepped(
    stepped: &mut Stepped,
    t: u8,
    visited: &Visited,
    from: &World,
) -> (World, Option<(Successor, u8)>) {
    let Some(i) = stepped.iter().position(|e| e.0 == t) else {
        return (from.clone(), None);
    };
    let (_, w, s, len) = stepped.swap_remove(i);
    let s = match s {
        Successor::New { fp, .. } if visited.contains(fp) => Successor::Known { fp },
        s => s,
    };
    (w, Some((s, len)))
}

/// The schedule from the initial world to `node`, following parent links.
pub(crate) fn path(parent: &[u32], via: &[u8], mut node: u32) -> Vec<Tid> {
    let mut out = Vec::new();
    while node != 0 {
        out.push(Tid(via[node as usize]));
        node = parent[node as usize];
    }
    out.reverse();
    out
}

/// One worker's share of a slice: runs of nodes, a buffer for their successors, its memo.
type Chunk<'a> = (Vec<&'a [Node]>, Vec<Node>, Memo);

/// What expanding one chunk of nodes produced.
struct ChunkOut {
    /// Successors not visited before the slice began (their `id` holds the parent).
    next: Vec<Node>,
    transitions: u64,
    other_violations: u64,
    completed_runs: u64,
    /// The chunk's first violation of the target kind: parent, thread, violation (the chunk
    /// stops there).
    found: Option<(u32, u8, Violation)>,
    /// A node at the depth bound still had successors (the chunk stops there).
    depth_bound: bool,
    /// The worker's memo, for the next slice.
    memo: Memo,
}

/// A breadth-first search in progress.
pub struct Search {
    model: Model,
    config: Config,
    hasher: foldhash::fast::FixedState,
    visited: Visited,
    /// Persistent sets and canonical forms, for a reduced search.
    red: Option<Reducer>,
    /// Threads' futures by line and return stack, for the serial search's reductions.
    memo: Memo,
    /// A reduced search: the fingerprints of the level being built (the cycle proviso tells
    /// them from states of this depth or less).
    level_fps: HashTable<u64>,
    /// The world the search started from, as given (found schedules replay from it).
    start: World,
    // Invariant: parent.len() == via.len() == states; state 0 is the initial world.
    parent: Vec<u32>,
    via: Vec<u8>,
    /// The level being expanded, as chunks, and the next node to expand in it.
    level: Vec<Vec<Node>>,
    at: (usize, usize),
    /// The level being built.
    next: Vec<Vec<Node>>,
    /// Emptied chunks, reused.
    spare: Vec<Vec<Node>>,
    /// The most chunks a slice has used: spares beyond one more than this are freed.
    spares_kept: usize,
    /// The parallel workers' memos, kept from slice to slice (a fresh one recomputes every
    /// thread's futures).
    memos: Vec<Memo>,
    depth: u32,
    transitions: u64,
    other_violations: u64,
    completed_runs: u64,
    peak_frontier: usize,
    peak_bytes: usize,
    result: Option<Exploration>,
    /// Expand an unreduced search in one pass (`expand_in_place`, `expand_parallel`), not in
    /// `delayed`'s three: the reference the tests hold the three passes to.
    one_pass: bool,
    /// Pass 1's vectors, kept from slice to slice (see `delayed`).
    scratch: Vec<delayed::Scratch>,
    /// Emptied blocks of [`delayed::BLOCK`] nodes, reused.
    blocks: Vec<Vec<Node>>,
}

impl Search {
    /// Start a search of `model` from its initial world.
    pub fn new(model: Model, config: Config) -> Search {
        let initial = model.initial();
        Search::from_world(model, initial, config)
    }

    /// Start a search from `initial`, a world of `model` reached some other way (the state on
    /// screen); found schedules start from it.
    pub fn from_world(model: Model, initial: World, config: Config) -> Search {
        let hasher = fingerprint_hasher();
        let start = initial.clone();
        let red = match config.reduction {
            Reduction::None => None,
            r => Some(Reducer {
                por: Por::new(&model),
                canon: Canon::new(&model, r == Reduction::PorSymmetry),
            }),
        };
        let mut initial = initial;
        if let Some(r) = &red {
            r.canon.apply(&mut initial);
        }
        let fp = initial.fingerprint(&hasher);
        let runnable = model.runnable_mask(&initial);
        let mut visited = Visited::new();
        visited.insert(fp);
        let root = Node {
            world: initial,
            id: 0,
            via: 0,
            fp,
            runnable,
        };
        Search {
            model,
            config,
            hasher,
            visited,
            red,
            memo: Memo::default(),
            level_fps: HashTable::new(),
            start,
            parent: alloc::vec![u32::MAX],
            via: alloc::vec![0],
            level: alloc::vec![alloc::vec![root]],
            at: (0, 0),
            next: alloc::vec![Vec::new()],
            spare: Vec::new(),
            spares_kept: 1,
            memos: Vec::new(),
            depth: 0,
            transitions: 0,
            other_violations: 0,
            completed_runs: 0,
            peak_frontier: 1,
            peak_bytes: 0,
            result: None,
            one_pass: false,
            scratch: Vec::new(),
            blocks: Vec::new(),
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

    /// The depth of the level being expanded.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// Transitions taken so far.
    pub fn transitions(&self) -> u64 {
        self.transitions
    }

    /// Bytes the search holds now: the visited set, parent links and BFS levels.
    pub fn bytes(&self) -> usize {
        let levels: usize = self
            .level
            .iter()
            .chain(self.next.iter())
            .chain(self.spare.iter())
            .chain(self.blocks.iter())
            .map(|c| c.capacity() * core::mem::size_of::<Node>())
            .sum();
        self.visited.bytes()
            + self.level_fps.allocation_size()
            + self.parent.capacity() * 4
            + self.via.capacity()
            + levels
    }

    /// Expand up to `budget` states on `pool`; returns the result once the search has ended.
    pub fn run<P: Pool>(&mut self, budget: usize, pool: &P) -> Option<&Exploration> {
        let mut left = budget.max(1);
        while self.result.is_none() && left > 0 {
            if !self.next_level_if_done() {
                break;
            }
            let taken = self.expand_slice(left, pool);
            left = left.saturating_sub(taken.max(1));
        }
        self.result.as_ref()
    }

    /// Run to the end on `pool`.
    pub fn finish<P: Pool>(mut self, pool: &P) -> Exploration {
        while self.result.is_none() {
            self.run(usize::MAX, pool);
        }
        self.result
            .take()
            .unwrap_or_else(|| self.report(false, None, None))
    }

    /// When the current level is used up, move to the next one (or end the search complete).
    /// False once the search has ended.
    fn next_level_if_done(&mut self) -> bool {
        while self.at.0 < self.level.len() && self.at.1 == self.level[self.at.0].len() {
            self.at = (self.at.0 + 1, 0);
        }
        if self.at.0 < self.level.len() {
            return true;
        }
        // Every expansion leaves only new states in the level it builds (no `DROPPED` ones):
        // counting them would read every node, a kilobyte apart.
        debug_assert!(self.next.iter().flatten().all(|n| n.id != DROPPED));
        let width: usize = self.next.iter().map(Vec::len).sum();
        if width == 0 {
            self.result = Some(self.report(true, None, None));
            return false;
        }
        self.note_bytes();
        for mut chunk in core::mem::take(&mut self.level) {
            chunk.clear();
            if chunk.capacity() == delayed::BLOCK {
                self.blocks.push(chunk);
            } else {
                self.spare.push(chunk);
            }
        }
        self.spare.truncate(self.spares_kept + 1);
        self.level = core::mem::take(&mut self.next);
        self.next.push(self.spare.pop().unwrap_or_default());
        self.level_fps.clear();
        self.at = (0, 0);
        self.depth += 1;
        self.peak_frontier = self.peak_frontier.max(width);
        true
    }

    fn note_bytes(&mut self) {
        let bytes: usize = self
            .level
            .iter()
            .chain(self.next.iter())
            .chain(self.spare.iter())
            .chain(self.blocks.iter())
            .map(|c| c.capacity() * core::mem::size_of::<Node>())
            .sum();
        self.peak_bytes = self.peak_bytes.max(bytes);
    }

    /// Expand up to `budget` nodes from the current position; returns how many were taken.
    fn expand_slice<P: Pool>(&mut self, budget: usize, pool: &P) -> usize {
        // The nodes of this slice: runs of the level's chunks.
        let mut runs: Vec<(usize, usize, usize)> = Vec::new();
        let mut total = 0;
        let (mut c, mut o) = self.at;
        while total < budget && c < self.level.len() {
            let take = (self.level[c].len() - o).min(budget - total);
            if take > 0 {
                runs.push((c, o, o + take));
                total += take;
            }
            o += take;
            if o == self.level[c].len() {
                c += 1;
                o = 0;
            }
        }
        self.at = (c, o);
        let width = if total < pool.min_level() {
            1
        } else {
            pool.width().max(1)
        };
        if self.red.is_none() && !self.one_pass {
            self.expand_delayed(&runs, total, width, pool);
        } else if width == 1 {
            for (c, from, to) in runs {
                for i in from..to {
                    if !self.expand_in_place(c, i) {
                        return total;
                    }
                }
            }
        } else {
            self.expand_parallel(&runs, total, width, pool);
        }
        total
    }

    /// The serial search: expand `level[c][i]`, numbering new states at once. False when the
    /// search has ended.
    fn expand_in_place(&mut self, c: usize, i: usize) -> bool {
        let at_bound = self.depth >= self.config.max_depth;
        let id = self.level[c][i].id;
        let mut mask = match start(&self.level[c][i], at_bound, &mut self.completed_runs) {
            Start::Nothing => return true,
            Start::AtBound => {
                self.result = Some(self.report(false, Some(Bound::MaxDepth), None));
                return false;
            }
            Start::Threads(mask) => mask,
        };
        let full = mask;
        let mut stepped = Vec::new();
        if let Some(red) = &self.red {
            let w = &self.level[c][i].world;
            (mask, stepped) = reduce_mask(
                &self.model,
                red,
                (&self.hasher, &self.visited),
                &self.level_fps,
                w,
                mask,
                &mut self.memo,
            );
        }
        let red = self.red.as_ref();
        let next = self.next.last_mut().expect("the next level has a chunk");
        while mask != 0 {
            let t = mask.trailing_zeros() as u8;
            mask &= mask - 1;
            // Step a copy in its place at the end of the next level; it is popped again when
            // it is not new. This saves moving a whole world per successor.
            let (world, done) =
                take_stepped(&mut stepped, t, &self.visited, &self.level[c][i].world);
            next.push(Node {
                world,
                id: 0,
                via: t,
                fp: 0,
                runnable: 0,
            });
            let node = next.last_mut().expect("just pushed");
            let (successor, len) = done.unwrap_or_else(|| {
                step_copy(
                    &self.model,
                    &mut node.world,
                    &self.level[c][i].world,
                    t,
                    full,
                    (&self.hasher, &self.visited),
                    red,
                    &mut self.memo,
                )
            });
            self.transitions += len as u64;
            match successor {
                Successor::New { fp, runnable } => {
                    if self.parent.len() as u64 >= self.config.max_states {
                        next.pop();
                        self.result = Some(self.report(false, Some(Bound::MaxStates), None));
                        return false;
                    }
                    node.fp = fp;
                    node.runnable = runnable;
                    node.id = self.parent.len() as u32;
                    self.visited.insert(fp);
                    let via = if red.is_some() {
                        self.level_fps.insert_unique(fp, fp, |&x| x);
                        pack(t, len)
                    } else {
                        t
                    };
                    node.via = via;
                    self.parent.push(id);
                    self.via.push(via);
                }
                Successor::Known { .. } => {
                    next.pop();
                }
                Successor::Violation(v) => {
                    next.pop();
                    if self.config.target.is_none_or(|k| k == v.kind) {
                        let mut schedule = path(&self.parent, &self.via, id);
                        schedule.push(Tid(t));
                        let found = self.realize(v, schedule);
                        self.result = Some(self.report(false, None, Some(found)));
                        return false;
                    }
                    self.other_violations += 1;
                }
            }
        }
        true
    }

    /// Expand a slice on `width` workers, then merge their successors in order.
    fn expand_parallel<P: Pool>(
        &mut self,
        runs: &[(usize, usize, usize)],
        total: usize,
        width: usize,
        pool: &P,
    ) {
        let per = total.div_ceil(width * CHUNKS_PER_THREAD).max(1);
        let mut items: Vec<Chunk> = Vec::new();
        let mut cut: Vec<&[Node]> = Vec::new();
        let mut room = per;
        for &(c, from, to) in runs {
            let mut rest = &self.level[c][from..to];
            while !rest.is_empty() {
                let take = rest.len().min(room);
                cut.push(&rest[..take]);
                rest = &rest[take..];
                room -= take;
                if room == 0 {
                    items.push((
                        core::mem::take(&mut cut),
                        self.spare.pop().unwrap_or_default(),
                        self.memos.pop().unwrap_or_default(),
                    ));
                    room = per;
                }
            }
        }
        if !cut.is_empty() {
            items.push((
                cut,
                self.spare.pop().unwrap_or_default(),
                self.memos.pop().unwrap_or_default(),
            ));
        }
        let shared = Shared {
            model: &self.model,
            hasher: &self.hasher,
            visited: &self.visited,
            level_fps: &self.level_fps,
            red: self.red.as_ref(),
            config: self.config,
        };
        let at_bound = self.depth >= shared.config.max_depth;
        let work = |(cut, buffer, memo): Chunk| -> ChunkOut {
            expand_chunk(&shared, at_bound, cut, buffer, memo)
        };
        self.spares_kept = self.spares_kept.max(items.len());
        let mut outs = pool.map(items, &work);
        // Chunks after the first that ended the search do not count.
        let last = outs
            .iter()
            .position(|o| o.found.is_some() || o.depth_bound)
            .unwrap_or(outs.len().saturating_sub(1));
        let fresh = self.dedup(&outs[..(last + 1).min(outs.len())], width, pool);
        let mut at = 0;
        for (k, out) in outs.iter_mut().enumerate() {
            if self.result.is_some() || k > last {
                out.next.clear();
                continue;
            }
            self.transitions += out.transitions;
            self.other_violations += out.other_violations;
            self.completed_runs += out.completed_runs;
            let mut ending: Option<(Option<Bound>, Option<Found>)> = None;
            for node in out.next.iter_mut() {
                let new = bit(&fresh, at);
                at += 1;
                if !new {
                    node.id = DROPPED;
                    continue;
                }
                if ending.is_some() || self.parent.len() as u64 >= self.config.max_states {
                    ending.get_or_insert((Some(Bound::MaxStates), None));
                    node.id = DROPPED;
                    continue;
                }
                if self.red.is_some() {
                    self.level_fps.insert_unique(node.fp, node.fp, |&x| x);
                }
                self.parent.push(node.id);
                self.via.push(node.via);
                node.id = self.parent.len() as u32 - 1;
            }
            if ending.is_none() && out.depth_bound {
                ending = Some((Some(Bound::MaxDepth), None));
            }
            if ending.is_none()
                && let Some((node, t, violation)) = out.found.take()
            {
                let mut schedule = path(&self.parent, &self.via, node);
                schedule.push(Tid(t));
                ending = Some((None, Some(self.realize(violation, schedule))));
            }
            if let Some((bound, found)) = ending {
                self.note_bytes();
                self.result = Some(self.report(false, bound, found));
            }
        }
        // The new states join the level being built: each worker's buffer, its duplicates
        // dropped on the pool, becomes a chunk of it in order, so no world is moved here.
        self.note_bytes();
        let mut buffers = Vec::with_capacity(outs.len());
        for out in outs {
            buffers.push(out.next);
            self.memos.push(out.memo);
        }
        // The chunk serial expansions would have gone on in stays only if they did.
        if self.next.last().is_some_and(Vec::is_empty) {
            self.spare.extend(self.next.pop());
        }
        let compact = |mut b: Vec<Node>| -> (Vec<Node>, Option<Vec<Node>>) {
            b.retain(|n| n.id != DROPPED);
            // A buffer mostly of duplicates would hold its room until the level ends: its new
            // states move to one of their size, and it goes back to the spares.
            if b.capacity() > 2 * b.len() {
                let mut fit = Vec::with_capacity(b.len());
                fit.append(&mut b);
                return (fit, Some(b));
            }
            (b, None)
        };
        for (b, spare) in pool.map(buffers, &compact) {
            self.spare.extend(spare);
            if b.is_empty() {
                self.spare.push(b);
            } else {
                self.next.push(b);
            }
        }
        self.spare.truncate(self.spares_kept + 1);
        // Serial expansions go on in a chunk of their own after these.
        self.next.push(self.spare.pop().unwrap_or_default());
    }

    /// Insert the successors of a parallel slice into the visited set, in order ([`mark_new`]).
    fn dedup<P: Pool>(&mut self, outs: &[ChunkOut], width: usize, pool: &P) -> Vec<u64> {
        let fps: Vec<u64> = outs
            .iter()
            .flat_map(|o| o.next.iter().map(|n| n.fp))
            .collect();
        mark_new(&mut self.visited, &fps, width, pool)
    }

    /// A found violation with a schedule of real thread ids from the start: a reduced search
    /// renames threads along its path, so the schedule is followed from the start and the
    /// violation taken from that replay.
    fn realize(&self, violation: Violation, schedule: Vec<Tid>) -> Found {
        let Some(red) = &self.red else {
            return Found {
                violation,
                schedule,
            };
        };
        let blocks: Vec<(Tid, u8)> = schedule.into_iter().map(unpack).collect();
        let schedule = red.canon.realize(&self.model, &self.start, &blocks);
        let mut w = self.start.clone();
        let mut replayed = None;
        for &t in &schedule {
            match self.model.step_quiet(&mut w, t) {
                Ok(e) if e.violation.is_some() => {
                    replayed = e.violation;
                    break;
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
        Found {
            violation: replayed.unwrap_or(violation),
            schedule,
        }
    }

    fn report(&self, complete: bool, bound: Option<Bound>, found: Option<Found>) -> Exploration {
        let levels: usize = self
            .level
            .iter()
            .chain(self.next.iter())
            .chain(self.spare.iter())
            .chain(self.blocks.iter())
            .map(|c| c.capacity() * core::mem::size_of::<Node>())
            .sum();
        Exploration {
            reduction: self.config.reduction,
            complete: complete && found.is_none(),
            bound,
            states: self.parent.len() as u64,
            transitions: self.transitions,
            depth: self.depth,
            other_violations: self.other_violations,
            completed_runs: self.completed_runs,
            peak_frontier: self.peak_frontier,
            index_bytes: self.visited.bytes()
                + self.level_fps.allocation_size()
                + self.parent.capacity() * 4
                + self.via.capacity(),
            frontier_bytes: self.peak_bytes.max(levels),
            found,
        }
    }
}

/// Whether bit `i` of `bits` is set (the bits of new states that [`mark_new`] and `delayed`
/// give, one per fingerprint).
fn bit(bits: &[u64], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}

/// Set bit `i` of `bits`.
fn set_bit(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

/// Insert a slice's fingerprints into `visited` in order (the merge of `expand_parallel`): a
/// bit per fingerprint, set for the first occurrence of a state not
/// visited before. With several workers each inserts those of the shards it owns, so any width
/// gives the same bits.
fn mark_new<P: Pool>(visited: &mut Visited, fps: &[u64], width: usize, pool: &P) -> Vec<u64> {
    let mut fresh = alloc::vec![0u64; fps.len().div_ceil(64)];
    if width <= 1 {
        visited.insert_each(fps, |i| set_bit(&mut fresh, i));
        return fresh;
    }
    let shares = visited.share_out(width);
    let work = |mut share: Share| {
        let new = share.dedup(fps);
        (share, new)
    };
    let mut back = Vec::with_capacity(width);
    for (share, new) in pool.map(shares, &work) {
        for i in new {
            set_bit(&mut fresh, i as usize);
        }
        back.push(share);
    }
    visited.take_back(back);
    fresh
}

/// One worker's share of a slice: expand its nodes into `buffer`, checking successors against
/// the states visited before the slice (duplicates within the slice are dropped at the merge).
/// What every worker reads during a slice.
struct Shared<'a> {
    model: &'a Model,
    hasher: &'a foldhash::fast::FixedState,
    visited: &'a Visited,
    level_fps: &'a HashTable<u64>,
    red: Option<&'a Reducer>,
    config: Config,
}

fn expand_chunk(
    sh: &Shared,
    at_bound: bool,
    cut: Vec<&[Node]>,
    mut buffer: Vec<Node>,
    memo: Memo,
) -> ChunkOut {
    let (model, hasher, visited, config) = (sh.model, sh.hasher, sh.visited, sh.config);
    buffer.clear();
    let mut out = ChunkOut {
        next: buffer,
        transitions: 0,
        other_violations: 0,
        completed_runs: 0,
        found: None,
        depth_bound: false,
        memo,
    };
    // The states this chunk's successors reached that were not visited before the slice.
    let mut reached = FpSet::new();
    for node in cut.into_iter().flatten() {
        let id = node.id;
        let mut mask = match start(node, at_bound, &mut out.completed_runs) {
            Start::Nothing => continue,
            Start::AtBound => {
                out.depth_bound = true;
                return out;
            }
            Start::Threads(mask) => mask,
        };
        let full = mask;
        let mut stepped = Vec::new();
        if let Some(red) = sh.red {
            (mask, stepped) = reduce_mask(
                model,
                red,
                (hasher, visited),
                sh.level_fps,
                &node.world,
                mask,
                &mut out.memo,
            );
        }
        while mask != 0 {
            let t = mask.trailing_zeros() as u8;
            mask &= mask - 1;
            let (world, done) = take_stepped(&mut stepped, t, visited, &node.world);
            out.next.push(Node {
                world,
                id,
                via: t,
                fp: 0,
                runnable: 0,
            });
            let slot = out.next.last_mut().expect("just pushed");
            let (successor, len) = done.unwrap_or_else(|| {
                step_copy(
                    model,
                    &mut slot.world,
                    &node.world,
                    t,
                    full,
                    (hasher, visited),
                    sh.red,
                    &mut out.memo,
                )
            });
            out.transitions += len as u64;
            match successor {
                // A state this chunk reached already is a duplicate the merge would drop (its
                // first occurrence comes earlier in the level): drop it now.
                Successor::New { fp, .. } if !reached.insert(fp) => {
                    out.next.pop();
                }
                Successor::New { fp, runnable } => {
                    slot.fp = fp;
                    slot.runnable = runnable;
                    if sh.red.is_some() {
                        slot.via = pack(t, len);
                    }
                }
                Successor::Known { .. } => {
                    out.next.pop();
                }
                Successor::Violation(v) => {
                    out.next.pop();
                    if config.target.is_none_or(|k| k == v.kind) {
                        out.found = Some((id, t, v));
                        return out;
                    }
                    out.other_violations += 1;
                }
            }
        }
    }
    out
}

/// Search `model` to the end under `config`, serially.
pub fn explore(model: &Model, config: Config) -> Exploration {
    Search::new(model.clone(), config).finish(&Serial)
}

/// Search `model` to the end under `config`, each slice spread over `pool`. The result is the
/// same as [`explore`]'s.
pub fn explore_on<P: Pool>(model: &Model, config: Config, pool: &P) -> Exploration {
    Search::new(model.clone(), config).finish(pool)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, SCENARIOS, Variant};
    use std::collections::HashSet;

    /// A pool of width three that runs its items in order: the merge must give exactly the
    /// serial search's result. Slices smaller than its field are expanded serially.
    struct ThreeFrom(usize);
    impl Pool for ThreeFrom {
        fn width(&self) -> usize {
            3
        }
        fn min_level(&self) -> usize {
            self.0
        }
        /// The items last first, as threads may finish them: the results must not depend on
        /// the order the chunks were expanded in.
        fn map<I: Send, O: Send>(&self, items: Vec<I>, f: &(dyn Fn(I) -> O + Sync)) -> Vec<O> {
            let mut out: Vec<O> = items.into_iter().rev().map(f).collect();
            out.reverse();
            out
        }
    }

    /// Every slice cut into chunks, however small.
    const THREE: ThreeFrom = ThreeFrom(0);

    /// The search by the one-pass expansion (`expand_in_place`, `expand_parallel`), the
    /// reference for `delayed`'s three passes.
    fn one_pass<P: Pool>(model: &Model, config: Config, pool: &P) -> Exploration {
        let mut s = Search::new(model.clone(), config);
        s.one_pass = true;
        s.finish(pool)
    }

    fn same(a: &Exploration, b: &Exploration, what: &str) {
        assert_eq!(a.other_violations, b.other_violations, "{what}");
        assert_eq!(a.completed_runs, b.completed_runs, "{what}");
        assert_eq!(a.complete, b.complete, "{what}");
        assert_eq!(a.bound, b.bound, "{what}");
        assert_eq!(a.states, b.states, "{what}");
        assert_eq!(a.transitions, b.transitions, "{what}");
        assert_eq!(a.depth, b.depth, "{what}");
        assert_eq!(a.found, b.found, "{what}");
    }

    #[test]
    fn the_chunked_search_finds_what_the_serial_search_finds() {
        use crate::ViolationKind;
        for s in SCENARIOS {
            for v in Variant::ALL {
                for (target, reduction) in [
                    (None, Reduction::None),
                    (Some(ViolationKind::UseAfterFree), Reduction::None),
                    (None, Reduction::PorSymmetry),
                    (Some(ViolationKind::UseAfterFree), Reduction::Por),
                ] {
                    let model = s.model(Options::new(v));
                    let config = Config {
                        target,
                        reduction,
                        ..Config::default()
                    };
                    let what = alloc::format!("{} {v} {target:?} {reduction}", s.name);
                    let serial = one_pass(&model, config, &Serial);
                    same(&serial, &explore(&model, config), &what);
                    same(&serial, &explore_on(&model, config, &THREE), &what);
                    if reduction == Reduction::None {
                        same(&serial, &one_pass(&model, config, &THREE), &what);
                    }
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
            // A bound found at the merge ends the one-pass search after the workers expanded
            // their whole chunks, so only the transitions differ.
            let (a, b) = (explore(&model, config), one_pass(&model, config, &THREE));
            assert_eq!(
                (a.bound, a.states, a.complete, a.depth),
                (b.bound, b.states, b.complete, b.depth)
            );
        }
    }

    fn unreduced() -> Config {
        Config {
            reduction: Reduction::None,
            ..Config::default()
        }
    }

    /// The unreduced search's three passes (`delayed`) stop at a bound exactly where the
    /// one-pass serial search stops, counting the same transitions, violations and runs, on
    /// any pool and in slices of any size.
    #[test]
    fn the_three_passes_stop_at_a_bound_where_one_pass_does() {
        use crate::ViolationKind;
        let mut cut_inside = 0;
        for (k, s) in SCENARIOS.iter().enumerate() {
            let v = Variant::ALL[k % Variant::ALL.len()];
            let model = s.model(Options::new(v));
            let whole = one_pass(&model, unreduced(), &Serial);
            for config in [
                unreduced(),
                Config {
                    max_states: 1,
                    ..unreduced()
                },
                Config {
                    max_states: whole.states / 2 + 1,
                    ..unreduced()
                },
                Config {
                    max_states: whole.states - 1,
                    target: Some(ViolationKind::UseAfterFree),
                    ..unreduced()
                },
                Config {
                    max_depth: whole.depth / 2,
                    ..unreduced()
                },
            ] {
                let what = alloc::format!("{} {v} {config:?}", s.name);
                let want = one_pass(&model, config, &Serial);
                cut_inside += usize::from(want.bound == Some(Bound::MaxStates));
                same(&want, &explore(&model, config), &what);
                same(&want, &explore_on(&model, config, &THREE), &what);
                for budget in [1, 97] {
                    let mut search = Search::new(model.clone(), config);
                    let got = loop {
                        if let Some(r) = search.run(budget, &THREE) {
                            break r.clone();
                        }
                    };
                    same(&want, &got, &what);
                }
                // Serial and parallel slices within one level.
                let mut search = Search::new(model.clone(), config);
                let got = (0..)
                    .find_map(|k| search.run([30, 97][k % 2], &ThreeFrom(50)).cloned())
                    .expect("the search ends");
                same(&want, &got, &what);
            }
        }
        assert!(
            cut_inside >= SCENARIOS.len(),
            "the bounds must cut searches short"
        );
    }

    #[test]
    fn slices_of_any_size_on_any_pool_give_the_same_result() {
        let model = SCENARIOS[3].model(Options::new(Variant::Fixed));
        let whole = explore(&model, Config::default());
        for budget in [1, 97, 4_000] {
            let mut serial = Search::new(model.clone(), Config::default());
            let mut three = Search::new(model.clone(), Config::default());
            let (mut a, mut b) = (None, None);
            let mut rounds = 0;
            while a.is_none() || b.is_none() {
                rounds += 1;
                if a.is_none() {
                    a = serial.run(budget, &Serial).cloned();
                }
                if b.is_none() {
                    b = three.run(budget, &THREE).cloned();
                }
            }
            assert!(budget > 1_000 || rounds > 10);
            same(&a.unwrap(), &whole, "serial slices");
            same(&b.unwrap(), &whole, "three-way slices");
        }
    }

    /// Every block a reduced search takes from any reachable world is a run of single steps
    /// of one thread, each after the first taken where that thread alone was a persistent set
    /// and none violating: a violation is only ever a block's one step, so no block swallows
    /// one. A block ends for a reason: its thread cannot go on alone, its next step would
    /// violate, or it is as long as a block may be.
    #[test]
    fn a_block_never_passes_over_a_violation() {
        let mut blocks = 0;
        let mut long = 0;
        for s in SCENARIOS {
            for v in Variant::ALL {
                let model = s.model(Options::new(v));
                let red = Reducer {
                    por: Por::new(&model),
                    canon: Canon::new(&model, false),
                };
                let mut seen: HashSet<World> = HashSet::new();
                let mut level = vec![model.initial()];
                seen.insert(level[0].clone());
                while !level.is_empty() {
                    let mut next = Vec::new();
                    for w in &level {
                        let before = model.runnable_mask(w);
                        for t in model.runnable(w) {
                            let mut b = w.clone();
                            let (event, len) = block(
                                &model,
                                Some(&red),
                                &mut b,
                                w,
                                t.0,
                                before,
                                &mut Memo::default(),
                            );
                            blocks += 1;
                            long += (len > 1) as u32;
                            let mut r = w.clone();
                            for i in 0..len {
                                let e = model.step_quiet(&mut r, t).expect("runnable");
                                if i + 1 < len {
                                    assert!(e.violation.is_none(), "{} {v}: {e:?}", s.name);
                                    assert!(red.por.continues(
                                        &model,
                                        &r,
                                        e.runnable,
                                        t.0 as usize,
                                        &model.statuses(&r),
                                        &mut Memo::default()
                                    ));
                                } else {
                                    assert_eq!(e.violation, event.violation, "{} {v}", s.name);
                                }
                            }
                            assert_eq!(r, b, "{} {v}", s.name);
                            assert!(len == 1 || event.violation.is_none(), "{} {v}", s.name);
                            let goes_on = event.violation.is_none()
                                && len < MAX_BLOCK
                                && red.por.continues(
                                    &model,
                                    &b,
                                    event.runnable,
                                    t.0 as usize,
                                    &model.statuses(&b),
                                    &mut Memo::default(),
                                );
                            if goes_on {
                                let mut n = b.clone();
                                let e = model.step_quiet(&mut n, t).expect("runnable");
                                assert!(e.violation.is_some(), "{} {v}: ended early", s.name);
                            }
                            // Single steps, to reach every world.
                            let mut n = w.clone();
                            let e = model.step_quiet(&mut n, t).expect("runnable");
                            if e.violation.is_none() && seen.insert(n.clone()) {
                                next.push(n);
                            }
                        }
                    }
                    level = next;
                }
            }
        }
        assert!(
            long * 4 > blocks,
            "{long} of {blocks} blocks longer than a step"
        );
    }

    /// A plain BFS keeping whole worlds: the fingerprinted search must count the same states,
    /// so fingerprints neither merge different worlds nor split equal ones.
    #[test]
    fn fingerprints_count_the_same_states_as_whole_worlds() {
        let hasher = fingerprint_hasher();
        for s in SCENARIOS {
            let model = s.model(Options::new(Variant::Fixed));
            let mut seen: HashSet<World> = HashSet::new();
            let mut fingerprints: HashSet<u64> = HashSet::new();
            let mut level = vec![model.initial()];
            seen.insert(level[0].clone());
            fingerprints.insert(level[0].fingerprint(&hasher));
            while !level.is_empty() {
                let mut next = Vec::new();
                for w in &level {
                    for t in model.runnable(w) {
                        let mut n = w.clone();
                        let e = model.step_quiet(&mut n, t).unwrap();
                        assert_eq!(e.runnable, model.runnable_mask(&n));
                        if e.violation.is_none() && seen.insert(n.clone()) {
                            fingerprints.insert(n.fingerprint(&hasher));
                            next.push(n);
                        }
                    }
                }
                level = next;
            }
            assert_eq!(seen.len(), fingerprints.len(), "{}", s.name);
            let r = explore(&model, Config::default());
            assert_eq!(r.states as usize, seen.len(), "{}", s.name);
        }
    }
}
