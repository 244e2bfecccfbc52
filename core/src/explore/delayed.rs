//! The unreduced search's expansion of a slice, in three passes. The result is the one-pass
//! serial search's (`Search::expand_in_place`: the same states, numbers, transitions and
//! schedules), but the visited set is touched in one tight loop instead of once per successor
//! between steps. That lookup was the search's largest cost: a cache and TLB miss for almost
//! every successor, with nothing else for the processor to do while it waited.
//! 1. **Step.** The workers step every successor in a scratch world and keep only its
//!    fingerprint and where it came from: no world is copied out, no visited lookup is made.
//! 2. **Dedup.** Each chunk's fingerprints go into the visited set in slice order, each home
//!    slot loaded some fingerprints ahead of its probe, so that the misses overlap
//!    ([`crate::fpset::Visited::insert_each`]). With several workers this overlaps pass 1
//!    ([`InOrder`]): the worker that hands in a stepped chunk inserts it, and the stepped
//!    chunks after it, when the chunks before are in, while the others step on.
//! 3. **Keep.** Each chunk's new states are numbered in order, their parent links written, and
//!    the workers step them again, straight into the next level: one worker onto the end of
//!    its last chunk, several into blocks of [`BLOCK`] nodes reused from the level before last.
//!
//! A new state is stepped twice; a known one (most successors) is never copied out of the
//! scratch world. With several workers, nothing is compacted and no world crosses threads.
//! Tests in `explore.rs` hold the passes to the one-pass expansion on every scenario, with a
//! pool that expands a slice's chunks last first.

use super::{Bound, DROPPED, Node, Pool, Search, Start, bit, path, set_bit, start};
use crate::fpset::Visited;
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

impl Fanout {
    /// The chunk ended the search (a violation of the target kind, or the depth bound): the
    /// chunks after it do not count.
    fn ends(&self) -> bool {
        self.found.is_some() || self.depth_bound
    }
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

/// The position of the set bit of `bits` that has `k` set bits before it.
fn nth_one(bits: &[u64], mut k: usize) -> usize {
    let mut i = 0;
    loop {
        if bit(bits, i) {
            if k == 0 {
                return i;
            }
            k -= 1;
        }
        i += 1;
    }
}

/// Pass 3 for one chunk: number its first `job.take` new successors (those whose bit is set
/// in `job.fresh`) from `job.first`, write their parent links, and step them again onto the
/// ends of `buffers`, `per` to a buffer.
fn keep(model: &Model, job: Keep, buffers: &mut [Vec<Node>], per: usize) {
    let mut statuses = [Status::Runnable; MAX_THREADS];
    let Keep {
        nodes,
        out,
        fresh,
        take,
        first,
        parent,
        via,
    } = job;
    let mut k = 0;
    // One push at a time, without reserving: the buffer then grows the same way however the
    // level is sliced, and so does the memory the search reports.
    for (j, (&fp, &from)) in out.fps.iter().zip(&out.from).enumerate() {
        if k == take {
            break;
        }
        if !bit(fresh, j) {
            continue;
        }
        let parent_node = nodes[(from >> 4) as usize];
        let t = (from & 15) as u8;
        parent[k] = out.ids[(from >> 4) as usize];
        via[k] = t;
        let buffer = &mut buffers[k / per];
        buffer.push(Node {
            world: parent_node.world.clone(),
            id: first + k as u32,
            via: t,
            fp,
            runnable: 0,
        });
        let node = buffer.last_mut().expect("just pushed");
        node.runnable = model
            .step_runnable(&mut node.world, Tid(t), parent_node.runnable, &mut statuses)
            .runnable;
        k += 1;
    }
}

/// One chunk's part of pass 3: its nodes and what pass 1 found from them, which of those
/// were new (a bit each), how many new states to keep (all, unless the state bound cuts the
/// chunk) numbered from `first`, and their parent links to fill.
struct Keep<'a> {
    nodes: &'a [&'a Node],
    out: &'a Fanout,
    fresh: &'a [u64],
    take: usize,
    first: u32,
    parent: &'a mut [u32],
    via: &'a mut [u8],
}

/// Grow `v` by `n` zeros, its capacity doubling as one push after another would double it:
/// the memory a search reports does not depend on how its levels were sliced.
fn push_zeros<T: Copy + Default>(v: &mut Vec<T>, n: usize) {
    let need = v.len() + n;
    if need > v.capacity() {
        let mut cap = v.capacity().max(1);
        while cap < need {
            cap *= 2;
        }
        v.reserve_exact(cap - v.len());
    }
    v.resize(need, T::default());
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

/// Pass 2 as the chunks of pass 1 come in: their fingerprints go into the visited set in chunk
/// order, by whichever worker finds the next chunk stepped when it hands in its own, while the
/// other workers step on. The insert (cache misses) then overlaps the stepping (arithmetic),
/// instead of the workers missing the cache together and waiting for each other at one more
/// barrier. The bits are the same as one insert after another in slice order.
struct InOrder<'a> {
    queue: spin::Mutex<Queue>,
    visited: spin::Mutex<&'a mut Visited>,
}

/// The chunks handed in and the insert's place.
struct Queue {
    /// Stepped, waiting for the chunks before them.
    stepped: Vec<Option<Fanout>>,
    /// Inserted, with a bit per fingerprint set for the new states.
    inserted: Vec<Option<(Fanout, Vec<u64>)>>,
    /// The next chunk to insert.
    next: usize,
    /// A worker is inserting.
    busy: bool,
    /// A chunk ended the search: the chunks after it are not inserted.
    ended: bool,
}

impl<'a> InOrder<'a> {
    fn new(visited: &'a mut Visited, chunks: usize) -> InOrder<'a> {
        InOrder {
            queue: spin::Mutex::new(Queue {
                stepped: (0..chunks).map(|_| None).collect(),
                inserted: (0..chunks).map(|_| None).collect(),
                next: 0,
                busy: false,
                ended: false,
            }),
            visited: spin::Mutex::new(visited),
        }
    }

    /// Chunk `c` was stepped: insert it and the stepped chunks after it, unless another
    /// worker is inserting (it will, before it stops).
    fn done(&self, c: usize, out: Fanout) {
        let mut q = self.queue.lock();
        q.stepped[c] = Some(out);
        if q.busy {
            return;
        }
        q.busy = true;
        loop {
            let i = q.next;
            let Some(out) = q.stepped.get_mut(i).and_then(Option::take) else {
                q.busy = false;
                return;
            };
            q.next += 1;
            let ended = q.ended;
            q.ended |= out.ends();
            drop(q);
            let mut fresh = alloc::vec![0u64; out.fps.len().div_ceil(64)];
            if !ended {
                let mut visited = self.visited.lock();
                visited.insert_each(&out.fps, |j| set_bit(&mut fresh, j));
            }
            q = self.queue.lock();
            q.inserted[i] = Some((out, fresh));
        }
    }

    /// Every chunk, in order, with its bits (all clear after a chunk that ended the search).
    fn finish(self) -> Vec<(Fanout, Vec<u64>)> {
        let q = self.queue.into_inner();
        debug_assert!(
            q.stepped.iter().all(Option::is_none),
            "every chunk inserted"
        );
        q.inserted.into_iter().flatten().collect()
    }
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
        // Chunks that shrink as the slice goes (guided scheduling): each a quarter of what is
        // left per worker, down to a thirty-second of a worker's share. The workers take them in
        // order, so the last ones, whose stepping one worker may finish alone and whose insert
        // follows it, are the small ones.
        let size = |left: usize| {
            if width <= 1 {
                left.clamp(1, MAX_CHUNK)
            } else {
                let least = total.div_ceil(width * 32);
                left.div_ceil(2 * width).max(least).clamp(1, MAX_CHUNK)
            }
        };
        let mut per = size(total);
        let mut left = total;
        let mut items: Vec<(Vec<&Node>, Scratch)> = Vec::new();
        let mut cut: Vec<&Node> = Vec::with_capacity(per);
        let mut scratch = core::mem::take(&mut self.scratch);
        for &(c, from, to) in runs {
            for node in &self.level[c][from..to] {
                cut.push(node);
                if cut.len() == per {
                    left -= per;
                    per = size(left);
                    let next = Vec::with_capacity(per.min(left));
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
        let jobs: Vec<(usize, &Vec<&Node>, Scratch)> = items
            .iter()
            .zip(scratches)
            .enumerate()
            .map(|(c, (nodes, scratch))| (c, nodes, scratch))
            .collect();
        // Passes 1 and 2 overlap: the worker that steps a chunk hands it to the in-order
        // insert, which whichever worker is free takes turns at while the others step on.
        let order = InOrder::new(&mut self.visited, items.len());
        let step = |(c, nodes, scratch): (usize, &Vec<&Node>, Scratch)| {
            order.done(
                c,
                step_all(model, hasher, config.target, at_bound, nodes, scratch),
            );
        };
        pool.map(jobs, &step);
        let outs = order.finish();
        // Chunks after the first that ended the search do not count (and were not inserted).
        let last = outs
            .iter()
            .position(|(o, _)| o.ends())
            .unwrap_or(outs.len().saturating_sub(1));
        let counted = &outs[..(last + 1).min(outs.len())];
        // Which new states each chunk keeps, and how the slice ends: the state bound cuts
        // the chunk whose new states pass it, as the one-pass search stops at the first new
        // state past it.
        let mut takes: Vec<usize> = Vec::with_capacity(counted.len());
        let mut ending: Option<Ending> = None;
        let mut room = config.max_states.saturating_sub(self.parent.len() as u64);
        for ((out, fresh), nodes) in counted.iter().zip(&items) {
            let new: usize = fresh.iter().map(|w| w.count_ones() as usize).sum();
            if new as u64 > room {
                let take = room as usize;
                let last = out.from[nth_one(fresh, take)];
                takes.push(take);
                let (transitions, completed) = counts_until(nodes, last);
                self.transitions += transitions;
                self.completed_runs += completed;
                self.other_violations += out.others.iter().filter(|&&o| o < last).count() as u64;
                ending = Some((Some(Bound::MaxStates), None));
                break;
            }
            room -= new as u64;
            takes.push(new);
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
        // Number them in order, as the one-pass search does: each chunk's from the states
        // before it. Each job writes its own part of the parent links.
        let kept: usize = takes.iter().sum();
        let mut first = self.parent.len() as u32;
        push_zeros(&mut self.parent, kept);
        push_zeros(&mut self.via, kept);
        let mut parent = &mut self.parent[first as usize..];
        let mut via = &mut self.via[first as usize..];
        let mut keeps: Vec<Keep> = Vec::with_capacity(takes.len());
        for (((out, fresh), nodes), &take) in counted.iter().zip(&items).zip(&takes) {
            let (p, rest) = core::mem::take(&mut parent).split_at_mut(take);
            parent = rest;
            let (v, rest) = core::mem::take(&mut via).split_at_mut(take);
            via = rest;
            keeps.push(Keep {
                nodes,
                out,
                fresh,
                take,
                first,
                parent: p,
                via: v,
            });
            first += take as u32;
        }
        // The new states join the level being built. One worker steps them onto the end of
        // its last chunk; several each fill spare buffers that fit, which become chunks of
        // it, before the last.
        if width <= 1 || keeps.len() == 1 {
            let buffer = self.next.last_mut().expect("the next level has a chunk");
            for job in keeps {
                keep(model, job, core::slice::from_mut(buffer), usize::MAX);
            }
        } else {
            let blocks = &mut self.blocks;
            let jobs: Vec<(Keep, Vec<Vec<Node>>)> = keeps
                .into_iter()
                .map(|job| {
                    let fresh = || Vec::with_capacity(BLOCK);
                    let n = job.take.div_ceil(BLOCK);
                    let mine = (0..n).map(|_| blocks.pop().unwrap_or_else(fresh)).collect();
                    (job, mine)
                })
                .collect();
            let fill = |(job, mut blocks): (Keep, Vec<Vec<Node>>)| {
                keep(model, job, &mut blocks, BLOCK);
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
            .extend(outs.into_iter().map(|(o, _)| (o.fps, o.from)));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nth_one_counts_set_bits_across_words() {
        let bits = [0b1010u64, 0, 1 << 63 | 1];
        let ones: Vec<usize> = (0..4).map(|k| nth_one(&bits, k)).collect();
        assert_eq!(ones, [1, 3, 128, 191]);
    }

    /// Zeros pushed in one go or in parts leave the same capacity: the memory a search reports
    /// does not depend on how its levels were sliced.
    #[test]
    fn push_zeros_grows_the_same_however_cut() {
        let (mut whole, mut parts) = (alloc::vec![7u32], alloc::vec![7u32]);
        push_zeros(&mut whole, 1_000);
        for n in [3, 1, 400, 0, 596] {
            push_zeros(&mut parts, n);
        }
        assert_eq!(whole, parts);
        assert_eq!(whole.capacity(), parts.capacity());
        assert_eq!(whole.capacity(), 1_024);
    }
}
