//! The explorer's visited set: 64-bit fingerprints in open-addressing tables with linear
//! probing, one array of words each (no control bytes: a lookup usually touches one cache line,
//! where a general hash table touches two), cut into [`SHARDS`] shards by the fingerprint's top
//! bits so that workers can deduplicate a BFS level in parallel, each owning some shards.

use alloc::vec;
use alloc::vec::Vec;

/// Shards of the visited set (a power of two).
pub(crate) const SHARDS: usize = 64;
const SHARD_BITS: u32 = SHARDS.trailing_zeros();

/// The word that marks an empty slot; fingerprint 0 is stored as 1 (one more 2^-64 collision).
const EMPTY: u64 = 0;

fn stored(fp: u64) -> u64 {
    if fp == EMPTY { 1 } else { fp }
}

/// The shard of `fp`.
pub(crate) fn shard_of(fp: u64) -> usize {
    (fp >> (64 - SHARD_BITS)) as usize
}

/// One shard: a power-of-two array of fingerprints, at most 3/4 full.
#[derive(Clone, Debug, Default)]
pub(crate) struct FpSet {
    slots: Vec<u64>,
    len: usize,
}

impl FpSet {
    pub(crate) fn new() -> FpSet {
        FpSet {
            slots: vec![EMPTY; 64],
            len: 0,
        }
    }

    fn home(&self, fp: u64) -> usize {
        if self.slots.is_empty() {
            return 0;
        }
        // The low bits: the shard bits (the top ones) are the same for every key here, so
        // they must not reach the index. (Rotating them down, as this did before, made every
        // key's home one slot in 64, with runs of keys probed through several cache lines.)
        let mask = self.slots.len() - 1;
        (fp as usize) & mask
    }

    fn contains(&self, fp: u64) -> bool {
        if self.slots.is_empty() {
            return false;
        }
        let fp = stored(fp);
        let mask = self.slots.len() - 1;
        let mut i = self.home(fp);
        loop {
            match self.slots[i] {
                EMPTY => return false,
                x if x == fp => return true,
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// Insert; false when it was there already.
    pub(crate) fn insert(&mut self, fp: u64) -> bool {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let fp = stored(fp);
        let mask = self.slots.len() - 1;
        let mut i = self.home(fp);
        loop {
            match self.slots[i] {
                EMPTY => {
                    self.slots[i] = fp;
                    self.len += 1;
                    return true;
                }
                x if x == fp => return false,
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// The word in `fp`'s home slot, loaded only so that its cache line is on its way when the
    /// probe for `fp` comes (see [`AHEAD`]).
    fn peek(&self, fp: u64) -> u64 {
        self.slots
            .get(self.home(stored(fp)))
            .copied()
            .unwrap_or(EMPTY)
    }

    fn grow(&mut self) {
        let old = core::mem::replace(&mut self.slots, vec![EMPTY; 0]);
        // Written, not allocated zeroed: a zeroed allocation maps its pages to the shared zero
        // page, so each page faults twice (the first probe reads it, the first insert writes
        // it), and the second fault flushes the TLB of every CPU running the search — with two
        // workers, an interrupt to the other for every page of the visited set.
        let len = (old.len() * 2).max(64);
        self.slots = Vec::with_capacity(len);
        self.slots.resize(len, EMPTY);
        let mask = self.slots.len() - 1;
        for fp in old.into_iter().filter(|&x| x != EMPTY) {
            let mut i = self.home(fp);
            while self.slots[i] != EMPTY {
                i = (i + 1) & mask;
            }
            self.slots[i] = fp;
        }
    }

    fn bytes(&self) -> usize {
        self.slots.capacity() * 8
    }
}

/// How many fingerprints an ordered insert ([`Visited::insert_each`], [`Share::dedup`]) takes
/// at a time: it first loads the home slot of each, then probes them one after the other.
/// Safe Rust has no prefetch instruction, so plain loads whose values are only summed stand
/// in for it: no branch waits for them, so the processor has all of a group's cache misses in
/// flight at once, and the probes find their lines in the cache.
const GROUP: usize = 16;

/// The visited set: [`SHARDS`] shards.
#[derive(Clone, Debug)]
pub(crate) struct Visited {
    shards: Vec<FpSet>,
}

impl Visited {
    pub(crate) fn new() -> Visited {
        Visited {
            shards: (0..SHARDS).map(|_| FpSet::new()).collect(),
        }
    }
    pub(crate) fn contains(&self, fp: u64) -> bool {
        self.shards[shard_of(fp)].contains(fp)
    }
    /// Insert; false when it was there already.
    pub(crate) fn insert(&mut self, fp: u64) -> bool {
        self.shards[shard_of(fp)].insert(fp)
    }
    pub(crate) fn bytes(&self) -> usize {
        self.shards.iter().map(FpSet::bytes).sum()
    }
    /// Insert `fps` in order, calling `new(i)` for each `fps[i]` that was not there before;
    /// the same as one [`Visited::insert`] after another, with the cache misses overlapped.
    pub(crate) fn insert_each(&mut self, fps: &[u64], mut new: impl FnMut(usize)) {
        let mut sink = 0u64;
        for (g, group) in fps.chunks(GROUP).enumerate() {
            for &fp in group {
                sink = sink.wrapping_add(self.shards[shard_of(fp)].peek(fp));
            }
            for (k, &fp) in group.iter().enumerate() {
                if self.insert(fp) {
                    new(g * GROUP + k);
                }
            }
        }
        core::hint::black_box(sink);
    }
    /// Deal the shards out to `width` workers: shard `s` to worker `s % width`.
    pub(crate) fn share_out(&mut self, width: usize) -> Vec<Share> {
        let mut shares: Vec<Share> = (0..width)
            .map(|index| Share {
                index,
                width,
                shards: Vec::new(),
            })
            .collect();
        for (s, set) in core::mem::take(&mut self.shards).into_iter().enumerate() {
            shares[s % width].shards.push((s, set));
        }
        shares
    }
    /// Take the workers' shards back, each to its place.
    pub(crate) fn take_back(&mut self, shares: impl IntoIterator<Item = Share>) {
        let mut back: Vec<Option<FpSet>> = (0..SHARDS).map(|_| None).collect();
        for share in shares {
            for (s, set) in share.shards {
                back[s] = Some(set);
            }
        }
        self.shards = back.into_iter().map(Option::unwrap_or_default).collect();
    }
}

/// A worker's share of a parallel deduplication: the shards it owns (`index % width`).
pub(crate) struct Share {
    /// Which worker.
    pub index: usize,
    /// How many workers.
    pub width: usize,
    /// Its shards, with their numbers.
    pub shards: Vec<(usize, FpSet)>,
}

impl Share {
    /// Go through `fps` in order and insert those of this worker's shards; the positions of
    /// the fingerprints that were new (first occurrences), in order.
    pub(crate) fn dedup(&mut self, fps: &[u64]) -> Vec<u32> {
        let mut slot = [usize::MAX; SHARDS];
        for (k, (s, _)) in self.shards.iter().enumerate() {
            slot[*s] = k;
        }
        // This worker's fingerprints first, gathered without a branch on whose each is (that
        // branch goes either way at random, and every worker takes it for every fingerprint).
        let mut own = vec![0u32; fps.len() + 1];
        let mut n = 0;
        for (i, &fp) in fps.iter().enumerate() {
            own[n] = i as u32;
            n += usize::from(shard_of(fp) % self.width == self.index);
        }
        own.truncate(n);
        let mut new = Vec::new();
        let mut sink = 0u64;
        for group in own.chunks(GROUP) {
            for &i in group {
                let fp = fps[i as usize];
                sink = sink.wrapping_add(self.shards[slot[shard_of(fp)]].1.peek(fp));
            }
            for &i in group {
                let fp = fps[i as usize];
                if self.shards[slot[shard_of(fp)]].1.insert(fp) {
                    new.push(i);
                }
            }
        }
        core::hint::black_box(sink);
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys of one shard (all with the same top bits) spread over its slots: a key lies,
    /// on average, a slot or two past its home, as linear probing at this load gives.
    #[test]
    fn keys_of_one_shard_lie_near_their_homes() {
        let mut set = FpSet::new();
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            set.insert(x >> SHARD_BITS | 5 << (64 - SHARD_BITS));
        }
        let mask = set.slots.len() - 1;
        let distances: Vec<usize> = (0..set.slots.len())
            .filter(|&i| set.slots[i] != EMPTY)
            .map(|i| i.wrapping_sub(set.home(set.slots[i])) & mask)
            .collect();
        assert_eq!(distances.len(), 3_000);
        let mean = distances.iter().sum::<usize>() as f64 / 3_000.0;
        assert!(mean < 4.0, "mean distance from home {mean}");
    }

    /// Workers' shares mark exactly the first occurrences of fingerprints not in the set
    /// before, as one insert after another would: repeats, fingerprint 0, growing tables.
    #[test]
    fn shares_mark_the_first_occurrences_as_serial_inserts_do() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut fps: Vec<u64> = Vec::new();
        for i in 0..5_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Every third a repeat of an earlier one; some zeros.
            let fp = match i % 3 {
                0 if i > 0 => fps[(x % i) as usize],
                _ if i % 97 == 0 => 0,
                _ => x,
            };
            fps.push(fp);
        }
        let before: Vec<u64> = fps.iter().step_by(11).copied().collect();
        let mut serial = Visited::new();
        for &fp in &before {
            serial.insert(fp);
        }
        let want: Vec<u32> = (0..fps.len() as u32)
            .filter(|&i| serial.insert(fps[i as usize]))
            .collect();
        let mut each = Visited::new();
        for &fp in &before {
            each.insert(fp);
        }
        let mut got: Vec<u32> = Vec::new();
        each.insert_each(&fps, |i| got.push(i as u32));
        assert_eq!(got, want, "insert_each");
        for width in 1..=3 {
            let mut v = Visited::new();
            for &fp in &before {
                v.insert(fp);
            }
            let mut got: Vec<u32> = Vec::new();
            let mut shares = v.share_out(width);
            for share in &mut shares {
                got.extend(share.dedup(&fps));
            }
            got.sort_unstable();
            assert_eq!(got, want, "width {width}");
            v.take_back(shares);
            assert!(fps.iter().all(|&fp| v.contains(fp)));
        }
    }
}
