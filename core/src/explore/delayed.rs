//! The unreduced search's expansion of a slice, in three passes. The result is the one-pass
//! serial search's (`Search::expand_in_place`: the same states, numbers, transitions and
//! schedules), but the visited set is touched in one tight loop instead of once per successor
//! between steps. That lookup was the search's largest cost: a cache and TLB miss for almost
//! every successor, with nothing else for the processor to do while it waited.
//! 1. **Step.** The workers step every successor in a scratch world and keep only its
//!    fingerprint and where it came from: no world is copied out, no visited lookup is made.
//! 2. **Dedup.** The fingerprints go into the visited set in slice order, each home slot
//!    loaded some fingerprints ahead of its probe, so that the misses overlap
//!    ([`crate::fpset::Visited::insert_each`], [`crate::fpset::Share::dedup`]).
//! 3. **Keep.** The new states are numbered in order, and the workers step them again,
//!    straight into the next level: one worker onto the end of its last chunk, several into
//!    blocks of [`BLOCK`] nodes reused from the level before last.
//!
//! A new state is stepped twice; a known one (most successors) is never copied out of the
//! scratch world. With several workers, nothing is compacted and no world crosses threads.
//! Tests in `explore.rs` hold the passes to the one-pass expansion on every scenario.

use super::{Bound, DROPPED, Node, Pool, Search, Start, mark_new, path, start};
use crate::ids::Tid;
use crate::model::Model;
use crate::status::Status;
use crate::violation::{Violation, ViolationKind};
use crate::world::MAX_THREADS;
use alloc::vec::Vec;

/// A successor's place in its chunk: the parent's position in the chunk, shifted left by 4,
/// and the thread.
type At = u32;

fn at(pos: usize, t: u8) -> At {
    (pos as u32) << 4 | t as u32
}

/// The most nodes in one chunk, so that [`At`] holds a position.
const MAX_CHUNK: usize = 1 << 27;

/// A chunk's vectors for [`Fanout::fps`] and [`Fanout::from`], kept from slice to slice: fresh
/// ones would be fresh pages to fault in every slice.
pub(super) type Scratch = (Vec<u64>, Vec<At>);

/// What stepping one chunk's successors found (pass 1).
struct Fanout {
    /// The successors that did not violate, in order: their fingerprints...
    fps: Vec<u64>,
    /// ... and where they came from.
    from: Vec<At>,
    /// The state number of each node of the chunk, by position: numbering reads these, not
    /// the nodes, which lie a kilobyte apart in another worker's cache.
    ids: Vec<u32>,
    /// The successors that violated with a kind other than the target, in order.
    others: Vec<At>,
    transitions: u64,
    completed_runs: u64,
    /// The first violation of the target kind (the chunk stops there).
    found: Option<(At, Violation)>,
    /// A node at the depth bound had successors (the chunk stops there).
    depth_bound: bool,
}

/// Pass 1 over `nodes`: step every successor in a scratch world and fingerprint it.
fn step_all(
    model: &Model,
    hasher: &foldhash::fast::FixedState,
    target: Option<ViolationKind>,
    at_bound: bool,
    nodes: &[&Node],
    (mut fps, mut from): Scratch,
) -> Fanout {
    fps.clear();
    from.clear();
    let mut out = Fanout {
        fps,
        from,
        ids: nodes.iter().map(|n| n.id).collect(),
        others: Vec::new(),
        transitions: 0,
        completed_runs: 0,
        found: None,
        depth_bound: false,
    };
    // Written by the step for threads that cannot run; only reduced searches read it.
    let mut statuses = [Status::Runnable; MAX_THREADS];
    for (pos, node) in nodes.iter().enumerate() {
        let mut mask = match start(node, at_bound, &mut out.completed_runs) {
            Start::Nothing => continue,
            Start::AtBound => {
                out.depth_bound = true;
                return out;
            }
            Start::Threads(mask) => mask,
        };
        while mask != 0 {
            let t = mask.trailing_zeros() as u8;
            mask &= mask - 1;
            let mut w = node.world.clone();
            let event = model.step_runnable(&mut w, Tid(t), node.runnable, &mut statuses);
            out.transitions += 1;
            if let Some(v) = event.violation {
                if target.is_none_or(|k| k == v.kind) {
                    out.found = Some((at(pos, t), v));
                    return out;
                }
                out.others.push(at(pos, t));
                continue;
            }
            out.fps.push(w.fingerprint(hasher));
            out.from.push(at(pos, t));
        }
    }
    out
}

/// Pass 3 for one chunk: step its new successors `new` again, onto the end of `buffer`,
/// numbered from `first`.
fn keep(model: &Model, nodes: &[&Node], new: &[(At, u64)], first: u32, buffer: &mut Vec<Node>) {
    let mut statuses = [Status::Runnable; MAX_THREADS];
    // One push at a time, without reserving: the buffer then grows the same way however the
    // level is sliced, and so does the memory the search reports.
    for (k, &(from, fp)) in new.iter().enumerate() {
        let parent = nodes[(from >> 4) as usize];
        let t = (from & 15) as u8;
        buffer.push(Node {
            world: parent.world.clone(),
            id: first + k as u32,
            via: t,
            fp,
            runnable: 0,
        });
        let node = buffer.last_mut().expect("just pushed");
        node.runnable = model
            .step_runnable(&mut node.world, Tid(t), parent.runnable, &mut statuses)
            .runnable;
    }
}

/// One chunk's new states, to step again in pass 3: where each came from and its fingerprint,
/// numbered from `first`.
struct Keep<'a> {
    nodes: &'a [&'a Node],
    new: Vec<(At, u64)>,
    first: u32,
}

/// How the search ends in a slice, if it does: the bound, or the violation with the state it
/// was found from and the thread.
type Ending = (Option<Bound>, Option<(u32, u8, Violation)>);

/// Nodes in one block of a level that several workers build. Every block has room for this
/// many, so any block of the level before last fits any need, its pages faulted in already.
/// A worker's last block is part empty: at 512 nodes (about 450 KB), a few MB a slice.
pub(super) const BLOCK: usize = 512;

/// The transitions and completed runs of `nodes` up to the successor `last` (included): what
/// the one-pass search has counted when it stops there.
fn counts_until(nodes: &[&Node], last: At) -> (u64, u64) {
    let (pos, t) = ((last >> 4) as usize, last & 15);
    let (mut transitions, mut completed) = (0, 0);
    for node in nodes.iter().take(pos).filter(|n| n.id != DROPPED) {
        if node.runnable == 0 {
            completed += 1;
        }
        transitions += node.runnable.count_ones() as u64;
    }
    // The threads of `last`'s parent up to `t`.
    let below = (2u32 << t) - 1;
    transitions += (nodes[pos].runnable as u32 & below).count_ones() as u64;
    (transitions, completed)
}

impl Search {
    /// Expand the nodes of `runs` (an unreduced search) in the three passes above, on `width`
    /// workers.
    pub(super) fn expand_delayed<P: Pool>(
        &mut self,
        runs: &[(usize, usize, usize)],
        total: usize,
        width: usize,
        pool: &P,
    ) {
        let chunks = if width <= 1 {
            1
        } else {
            width * super::CHUNKS_PER_THREAD
        };
        let per = total.div_ceil(chunks).clamp(1, MAX_CHUNK);
        let mut items: Vec<(Vec<&Node>, Scratch)> = Vec::new();
        let mut cut: Vec<&Node> = Vec::with_capacity(per.min(total));
        let mut scratch = core::mem::take(&mut self.scratch);
        for &(c, from, to) in runs {
            for node in &self.level[c][from..to] {
                cut.push(node);
                if cut.len() == per {
                    let next = Vec::with_capacity(per.min(total));
                    items.push((
                        core::mem::replace(&mut cut, next),
                        scratch.pop().unwrap_or_default(),
                    ));
                }
            }
        }
        if !cut.is_empty() {
            items.push((cut, scratch.pop().unwrap_or_default()));
        }
        let (model, hasher, config) = (&self.model, &self.hasher, self.config);
        let at_bound = self.depth >= config.max_depth;
        let (items, scratches): (Vec<Vec<&Node>>, Vec<Scratch>) = items.into_iter().unzip();
        let jobs: Vec<(&Vec<&Node>, Scratch)> = items.iter().zip(scratches).collect();
        let step = |(nodes, scratch): (&Vec<&Node>, Scratch)| {
            step_all(model, hasher, config.target, at_bound, nodes, scratch)
        };
        let outs: Vec<Fanout> = pool.map(jobs, &step);
        // Chunks after the first that ended the search do not count.
        let last = outs
            .iter()
            .position(|o| o.found.is_some() || o.depth_bound)
            .unwrap_or(outs.len().saturating_sub(1));
        let counted = &outs[..(last + 1).min(outs.len())];
        let fresh = if let [one] = counted {
            mark_new(&mut self.visited, &one.fps, width, pool)
        } else {
            let mut fps = core::mem::take(&mut self.fps);
            fps.clear();
            for o in counted {
                fps.extend_from_slice(&o.fps);
            }
            let fresh = mark_new(&mut self.visited, &fps, width, pool);
            self.fps = fps;
            fresh
        };
        // Number the new states in order, as the one-pass search does.
        let mut keeps: Vec<Keep> = Vec::with_capacity(outs.len());
        let mut ending: Option<Ending> = None;
        let mut i = 0;
        for (out, nodes) in counted.iter().zip(&items) {
            let first = self.parent.len() as u32;
            let mut new = Vec::new();
            let mut stop = None;
            for (&fp, &from) in out.fps.iter().zip(&out.from) {
                let is_new = fresh[i / 64] & (1 << (i % 64)) != 0;
                i += 1;
                if !is_new {
                    continue;
                }
                if self.parent.len() as u64 >= config.max_states {
                    stop = Some(from);
                    break;
                }
                self.parent.push(out.ids[(from >> 4) as usize]);
                self.via.push((from & 15) as u8);
                new.push((from, fp));
            }
            keeps.push(Keep { nodes, new, first });
            if let Some(last) = stop {
                let (transitions, completed) = counts_until(nodes, last);
                self.transitions += transitions;
                self.completed_runs += completed;
                self.other_violations += out.others.iter().filter(|&&o| o < last).count() as u64;
                ending = Some((Some(Bound::MaxStates), None));
                break;
            }
            self.transitions += out.transitions;
            self.completed_runs += out.completed_runs;
            self.other_violations += out.others.len() as u64;
            if out.depth_bound {
                ending = Some((Some(Bound::MaxDepth), None));
                break;
            }
            if let Some((from, v)) = &out.found {
                let parent = nodes[(from >> 4) as usize].id;
                ending = Some((None, Some((parent, (from & 15) as u8, v.clone()))));
                break;
            }
        }
        // The new states join the level being built. One worker steps them onto the end of
        // its last chunk; several each fill a spare buffer that fits, which becomes a chunk of
        // it, before the last.
        if width <= 1 || keeps.len() == 1 {
            let buffer = self.next.last_mut().expect("the next level has a chunk");
            for job in &keeps {
                keep(model, job.nodes, &job.new, job.first, buffer);
            }
        } else {
            let blocks = &mut self.blocks;
            let jobs: Vec<(Keep, Vec<Vec<Node>>)> = keeps
                .into_iter()
                .map(|job| {
                    let fresh = || Vec::with_capacity(BLOCK);
                    let n = job.new.len().div_ceil(BLOCK);
                    let mine = (0..n).map(|_| blocks.pop().unwrap_or_else(fresh)).collect();
                    (job, mine)
                })
                .collect();
            let fill = |(job, mut blocks): (Keep, Vec<Vec<Node>>)| {
                let runs = job.new.chunks(BLOCK).zip(&mut blocks);
                for (k, (new, block)) in runs.enumerate() {
                    let first = job.first + (k * BLOCK) as u32;
                    keep(model, job.nodes, new, first, block);
                }
                blocks
            };
            // Serial expansions went on in the last chunk: when it holds states, these come
            // after them, in a new last chunk.
            let last = match self.next.pop() {
                Some(last) if last.is_empty() => last,
                last => {
                    self.next.extend(last);
                    self.spare.pop().unwrap_or_default()
                }
            };
            self.next
                .extend(pool.map(jobs, &fill).into_iter().flatten());
            self.next.push(last);
        }
        drop(items);
        self.scratch = scratch;
        self.scratch
            .extend(outs.into_iter().map(|o| (o.fps, o.from)));
        self.note_bytes();
        if let Some((bound, found)) = ending {
            let found = found.map(|(parent, t, v)| {
                let mut schedule = path(&self.parent, &self.via, parent);
                schedule.push(Tid(t));
                self.realize(v, schedule)
            });
            self.result = Some(self.report(false, bound, found));
        }
    }
}
