//! Capstone: from the seed, the fewest fix toggles that make a scaled `freed-inode` clean —
//! no violation in any interleaving — proven by an exhaustive search. The scale is small enough
//! for the browser to search in a few seconds (scripts and tests print the figures); the
//! minimum over every subset of the fixes is [`MINIMUM_FIXES`], which a test recomputes with
//! the explorer ([`minimum`]).

use super::{Setup, Verdict};
use crate::code::{Code, Fix};
use crate::explore::{Config, Exploration};
use crate::ids::Tid;
use crate::model::Model;
use crate::scenario::Scale;
use crate::violation::Violation;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Two memory failures and two faults over a two-page file, with eviction and RCU: at most
/// about 250 000 states under any set of fixes.
pub const SCALE: Scale = Scale {
    threads: 2,
    pages: 2,
};

/// The bound on states of a proof (well above the scale's largest state space).
pub const MAX_STATES: u64 = 2_000_000;

/// The fewest fix toggles from the seed that make the scaled `freed-inode` clean, as the
/// explorer computes it over every subset ([`minimum`]; a test checks this constant).
pub const MINIMUM_FIXES: usize = 2;

/// The explorer's configuration for a proof: every kind, bounded for the browser.
pub fn config() -> Config {
    Config {
        max_states: MAX_STATES,
        ..Config::default()
    }
}

/// How many fixes differ between `from` and `to`.
pub fn toggles(from: Code, to: Code) -> usize {
    Fix::ALL
        .iter()
        .filter(|f| from.has(**f) != to.has(**f))
        .count()
}

/// What a finished proof says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    /// The code proven.
    pub code: Code,
    /// Fix toggles from the setup's code.
    pub toggles: usize,
    /// Every reachable state was searched and none violates.
    pub clean: bool,
    /// The search ran to the end (or found a violation).
    pub complete: bool,
    /// States visited.
    pub states: u64,
    /// A violation and a shortest schedule to it.
    pub found: Option<(Violation, Vec<Tid>)>,
}

impl Proof {
    /// The proof of `code` (from `setup`'s code) the search `e` gave.
    pub fn new(setup: &Setup, code: Code, e: Exploration) -> Proof {
        Proof {
            code,
            toggles: toggles(setup.code(), code),
            clean: e.complete && e.found.is_none(),
            complete: e.complete || e.found.is_some(),
            states: e.states,
            found: e.found.map(|f| (f.violation, f.schedule)),
        }
    }

    /// Clean with the fewest toggles.
    pub fn solved(&self) -> bool {
        self.clean && self.toggles == MINIMUM_FIXES
    }

    /// The verdict, for the student (`m`: the model searched).
    pub fn verdict(&self, m: &Model) -> Verdict {
        let says = match &self.found {
            Some((v, steps)) => format!(
                "Not clean: {} — {} A shortest schedule ({} steps) is loaded in the visualizer.",
                v.kind.name(),
                crate::words::message(m, v),
                steps.len()
            ),
            None if !self.complete => format!(
                "No verdict: the search stopped at its bound after {} states.",
                self.states
            ),
            None if self.toggles > MINIMUM_FIXES => format!(
                "Proven clean: all {} reachable states searched, no violation — with {} fixes. The explorer knows a clean code with fewer: which of yours are not needed here?",
                self.states, self.toggles
            ),
            None => format!(
                "Proven clean: all {} reachable states searched, no violation — with {} fixes, the fewest possible.",
                self.states, self.toggles
            ),
        };
        Verdict {
            right: self.solved(),
            says,
        }
    }
}

/// The fewest toggles from `setup`'s code that make its model clean, and every code that
/// achieves it: exhaustive searches of all 32 subsets of the fixes.
pub fn minimum(setup: &Setup) -> (usize, Vec<Code>) {
    let from = setup.code();
    let mut best = usize::MAX;
    let mut codes = Vec::new();
    for bits in 0..(1u32 << Fix::ALL.len()) {
        let mut code = from;
        for (i, f) in Fix::ALL.iter().enumerate() {
            if bits >> i & 1 == 1 {
                code = if code.has(*f) {
                    code.without(*f)
                } else {
                    code.with(*f)
                };
            }
        }
        let n = toggles(from, code);
        if n > best {
            continue;
        }
        let e = crate::explore::explore(&setup.model_with(code), config());
        // A search stopped by its bound proves nothing: such a code does not count as clean.
        if e.complete && e.found.is_none() {
            if n < best {
                best = n;
                codes.clear();
            }
            codes.push(code);
        }
    }
    (best, codes)
}

/// The fixes of `code` by their commit ids, for messages.
pub fn commits(code: Code) -> String {
    let ids: Vec<&str> = code.fixes().map(|f| f.commit()).collect();
    if ids.is_empty() {
        String::from("none")
    } else {
        ids.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::explore;
    use crate::teach::exercise::{Task, exercise};

    fn setup() -> Setup {
        let e = exercise("capstone-fewest-fixes").unwrap();
        assert_eq!(e.task, Task::Capstone);
        e.setup
    }

    #[test]
    fn the_minimum_is_what_the_explorer_finds_over_every_subset() {
        let s = setup();
        let (n, codes) = minimum(&s);
        assert_eq!(n, MINIMUM_FIXES);
        // The NULL check and wait_entry_unlocked(): the seed's -EAGAIN path (f52afc93cd01's
        // concern) is gone once 55e56f06ed71 replaces the wait, and with one memory failure per
        // page no waiter is stranded by an exclusive wait or a wake-one.
        assert_eq!(
            codes,
            [Code::SEED
                .with(Fix::NullMappingCheck)
                .with(Fix::WaitEntryUnlocked)]
        );
        std::println!("capstone minimum: {n} fixes: {}", commits(codes[0]));
    }

    #[test]
    fn proofs_say_clean_violating_or_not_the_fewest() {
        let s = setup();
        let seed = s.model();
        assert_eq!(seed.threads().len(), 6);
        let p = Proof::new(&s, s.code(), explore(&seed, config()));
        assert!(!p.clean && p.found.is_some() && !p.solved());
        assert!(p.verdict(&seed).says.starts_with("Not clean"));
        let all = Fix::ALL.iter().fold(Code::SEED, |c, f| c.with(*f));
        let m = s.model_with(all);
        let p = Proof::new(&s, all, explore(&m, config()));
        assert!(p.clean && !p.solved() && p.toggles == 5);
        assert!(p.verdict(&m).says.contains("fewer"));
        let best = minimum(&s).1[0];
        let m = s.model_with(best);
        let p = Proof::new(&s, best, explore(&m, config()));
        assert!(p.solved() && p.verdict(&m).right);
        std::println!("capstone proof of the minimum: {} states", p.states);
    }
}
