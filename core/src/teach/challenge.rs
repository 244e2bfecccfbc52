//! Challenges in the style of The Deadlock Empire: the student is the scheduler and must drive
//! the threads into a bug with few *preemptions* (switches away from a thread that could still
//! run), not few steps. Each challenge states its budget and its par — the fewest preemptions
//! the explorer can find ([`crate::preempt`]) — and a test checks the par against the explorer.
//! Hints are graded and cost points: the concept, the precondition (both written here, as
//! teaching text), then the thread to run next and at last the whole solution (both computed by
//! the explorer from the state on screen). "Unbreakable" levels run a fixed version: the student
//! tries, then the exhaustive search proves that no schedule breaks it.

use crate::code::{Code, Fix};
use crate::ids::Tid;
use crate::model::{Model, Options};
use crate::preempt;
use crate::variant::Variant;
use crate::violation::{Violation, ViolationKind};
use crate::world::World;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The most states a hint's or a par's preemption-bounded search visits per bound.
pub const HINT_MAX_STATES: u64 = 2_000_000;
/// Points for a win before hints and extra preemptions are taken off.
pub const WIN_POINTS: u32 = 10;

/// A graded hint, cheapest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Hint {
    /// The idea the bug turns on.
    Concept,
    /// The state the student must reach first.
    Precondition,
    /// Which thread to run next (computed).
    Thread,
    /// The whole remaining schedule (computed).
    Solution,
}

impl Hint {
    /// Every hint, in the order they are given.
    pub const ALL: [Hint; 4] = [
        Hint::Concept,
        Hint::Precondition,
        Hint::Thread,
        Hint::Solution,
    ];

    /// Points it costs.
    pub fn cost(self) -> u32 {
        match self {
            Hint::Concept => 1,
            Hint::Precondition => 2,
            Hint::Thread => 3,
            Hint::Solution => 6,
        }
    }

    /// Its name on the button.
    pub fn label(self) -> &'static str {
        match self {
            Hint::Concept => "the idea",
            Hint::Precondition => "what must happen first",
            Hint::Thread => "which thread next",
            Hint::Solution => "the whole solution",
        }
    }

    /// Its level, 1 to 4.
    pub fn level(self) -> u8 {
        self as u8 + 1
    }

    /// The hint of level `n` (1 to 4).
    pub fn from_level(n: u8) -> Option<Hint> {
        Hint::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }
}

/// One challenge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Challenge {
    /// Stable name (`?challenge=NAME`).
    pub name: &'static str,
    /// A short title.
    pub title: &'static str,
    /// The goal, as the student reads it.
    pub goal: &'static str,
    /// The scenario.
    pub scenario: &'static str,
    /// The release or ablation the threads run.
    pub variant: Variant,
    /// Upstream commits added to (`-`: taken from) the variant's, as `fixes=` text.
    pub fixes: &'static str,
    /// The violation that wins (for an unbreakable level: the one no schedule reaches).
    pub kind: ViolationKind,
    /// The fewest preemptions that reach the goal (`None`: unbreakable). Checked against the
    /// explorer by a test.
    pub par: Option<u32>,
    /// Preemptions allowed.
    pub budget: u32,
    /// Hint 1: the idea.
    pub concept: &'static str,
    /// Hint 2: what must happen first.
    pub precondition: &'static str,
    /// The upstream commit that fixed this bug, for the debrief.
    pub fix: Option<Fix>,
    /// The debrief's story, beyond the commit's own facts.
    pub debrief: &'static str,
}

/// Every challenge, in level order: a level unlocks when the one before it is done.
pub static CHALLENGES: &[Challenge] = &[
    Challenge {
        name: "null-deref",
        title: "A NULL mapping",
        goal: "Make mf dereference a NULL page->mapping (bug a).",
        scenario: "null-mapping",
        variant: Variant::Seed,
        fixes: "",
        kind: ViolationKind::NullDeref,
        par: Some(0),
        budget: 1,
        concept: "Truncation disassociates a DAX page from its file: page->mapping becomes NULL. Memory failure reads page->mapping and calls dax_mapping() on whatever it finds.",
        precondition: "page->mapping must already be NULL when mf reads it, or become NULL before mf tests it.",
        fix: Some(Fix::NullMappingCheck),
        debrief: "The seed called dax_mapping(mapping) without testing mapping for NULL. c93db7bb6ef3 adds the test: page->mapping can be NULL already when dax_lock_mapping_entry() is entered (here truncate has cleared it), and again after it has slept waiting for the entry.",
    },
    Challenge {
        name: "deadlock",
        title: "Spinning on your own lock",
        goal: "Make mf spin forever on an i_pages lock it holds itself (bug 0).",
        scenario: "self-deadlock",
        variant: Variant::Seed,
        fixes: "",
        kind: ViolationKind::Deadlock,
        par: Some(1),
        budget: 2,
        concept: "When the entry is locked, mf sleeps; woken, it re-takes the i_pages lock and returns -EAGAIN, and the seed goes round its loop with `continue` — still holding that lock.",
        precondition: "mf must find the entry locked by the fault, so it has to sleep — and be woken.",
        fix: Some(Fix::DropLockOnEagain),
        debrief: "Barret Rhoden spotted it reading the patch on linux-mm (2018-09-24): in the error case the loop goes round with the i_pages lock held and deadlocks. Jan Kara's fix unlocks before retrying.",
    },
    Challenge {
        name: "wrong-entry",
        title: "Another file's entry",
        goal: "Without the re-check, make mf lock an entry of a different file.",
        scenario: "inode-reuse",
        variant: Variant::NoRecheck,
        fixes: "",
        kind: ViolationKind::WrongEntryLocked,
        par: Some(1),
        budget: 2,
        concept: "mf reads page->mapping before it takes the i_pages lock. Between the two, the file can be truncated, evicted, and its memory reused for another file.",
        precondition: "The inode's memory must become a different file (reuse) after mf has read page->mapping and before it takes the lock.",
        fix: None,
        debrief: "No upstream commit fixes this: the seed patch (c2a7d2a11552) already re-reads page->mapping under the i_pages lock and retries when it changed. This level removes that re-check to show what it is for.",
    },
    Challenge {
        name: "unbreakable-recheck",
        title: "Unbreakable: the re-check",
        goal: "The re-check is back (fixed). Try to make mf lock another file's entry — then let the explorer prove whether any schedule can.",
        scenario: "inode-reuse",
        variant: Variant::Fixed,
        fixes: "",
        kind: ViolationKind::WrongEntryLocked,
        par: None,
        budget: 0,
        concept: "Under the i_pages lock, page->mapping cannot change: truncation clears it under that lock.",
        precondition: "To win you would need page->mapping to change after mf's re-check and before it sets the entry lock — both happen under the same lock.",
        fix: None,
        debrief: "Re-reading a pointer under the lock that guards its changes, and retrying when it moved, is the pattern the seed patch's comment describes.",
    },
    Challenge {
        name: "use-after-free",
        title: "A freed inode",
        goal: "Make mf touch the inode after it is freed (bug b).",
        scenario: "freed-inode",
        variant: Variant::V419,
        fixes: "",
        kind: ViolationKind::UseAfterFree,
        par: Some(1),
        budget: 2,
        concept: "RCU keeps the inode's memory only while mf is inside its read-side section. v4.19 sleeps outside that section and then uses the mapping again.",
        precondition: "mf must be asleep (outside RCU) when the last iput() evicts the inode and a grace period frees it.",
        fix: Some(Fix::WaitEntryUnlocked),
        debrief: "55e56f06ed71 starts from this: once the i_pages lock is dropped, the inode can be freed at any moment, so the waiter must not re-take that lock; its wait_entry_unlocked() sleeps without touching the address_space again.",
    },
    Challenge {
        name: "lost-wakeup",
        title: "A wake-up that goes nowhere",
        goal: "Under v4.19 plus the NULL check (c93db7bb6ef3), leave a memory failure asleep forever: an exclusive waiter gives up without passing the wake-up on (bug d).",
        scenario: "lost-wakeup",
        variant: Variant::V419,
        fixes: "c93db7bb6ef3",
        kind: ViolationKind::LostWakeup,
        par: Some(1),
        budget: 2,
        concept: "An exclusive waiter that is woken owes the next waiter a wake-up; a waiter that gives up instead (the entry is gone, page->mapping changed) swallows it.",
        precondition: "Two memory failures must sleep on the same entry; the first one woken must then find no entry to lock.",
        fix: Some(Fix::NonExclusiveWait),
        debrief: "The comment the fix left in wait_entry_unlocked(): unlike get_unlocked_entry(), this path has no guarantee that it ever takes the entry before the inode dies, so it waits non-exclusively in case it never performs its own wake-up. Mainline and 4.19.y both wait non-exclusively.",
    },
    Challenge {
        name: "truncate-wakeup",
        title: "Invalidation wakes one",
        goal: "Under the last 4.19 stable, leave a writeback asleep forever: invalidation wakes only one waiter (bug e, from v4.7).",
        scenario: "truncate-wakeup",
        variant: Variant::V419y,
        fixes: "",
        kind: ViolationKind::LostWakeup,
        par: Some(1),
        budget: 2,
        concept: "After truncation deletes an entry it wakes one exclusive waiter. That waiter finds no entry and returns without waking anyone.",
        precondition: "Two writebacks must sleep on the entry truncation is about to delete.",
        fix: Some(Fix::WakeAllOnInvalidate),
        debrief: "Reported by Sergio Lopez on virtiofs with DAX under `make -j`; Vivek Goyal's fix wakes every waiter after invalidating an entry. Its Fixes: tag names ac401cc78242 (\"dax: New fault locking\", v4.7), and 4.19.y never took it.",
    },
    Challenge {
        name: "unbreakable-fixed",
        title: "Unbreakable: every fix",
        goal: "Under every upstream fix, try to make mf touch a freed inode — then let the explorer prove whether any schedule can.",
        scenario: "freed-inode",
        variant: Variant::Fixed,
        fixes: "",
        kind: ViolationKind::UseAfterFree,
        par: None,
        budget: 0,
        concept: "mf uses the mapping only inside its RCU read-side section, or while it holds the entry lock, which truncation must wait for.",
        precondition: "To win, the inode would have to be freed while mf is inside its section or holds the entry lock.",
        fix: None,
        debrief: "The fixed code's two guarantees — RCU across the lookup, the entry lock afterwards — cover every use of the mapping.",
    },
];

/// The challenge called `name`.
pub fn challenge(name: &str) -> Option<&'static Challenge> {
    CHALLENGES.iter().find(|c| c.name == name)
}

/// Every challenge's name, in level order.
pub fn names() -> Vec<&'static str> {
    CHALLENGES.iter().map(|c| c.name).collect()
}

impl Challenge {
    /// Whether no schedule is meant to win (the student tries, the explorer proves).
    pub fn unbreakable(&self) -> bool {
        self.par.is_none()
    }

    /// The code the threads run.
    pub fn code(&self) -> Code {
        self.variant
            .code()
            .with_fixes(self.fixes)
            .unwrap_or(self.variant.code())
    }

    /// The options of its model.
    pub fn options(&self) -> Options {
        Options {
            variant: self.variant,
            code: Some(self.code()),
            truncate_wake: None,
        }
    }

    /// Its model.
    pub fn model(&self) -> Model {
        crate::scenario(self.scenario)
            .map(|s| s.model(self.options()))
            .unwrap_or_else(|| crate::SCENARIOS[0].model(self.options()))
    }

    /// Its level, from 1.
    pub fn level(&self) -> usize {
        CHALLENGES
            .iter()
            .position(|c| c.name == self.name)
            .map_or(0, |i| i + 1)
    }

    /// Points for a win with `preemptions` and the hints taken (highest level, 0 for none).
    pub fn points(&self, preemptions: u32, hints: u8) -> u32 {
        let spent: u32 = Hint::ALL
            .iter()
            .filter(|h| h.level() <= hints)
            .map(|h| h.cost())
            .sum();
        let over = preemptions.saturating_sub(self.par.unwrap_or(0));
        WIN_POINTS.saturating_sub(spent + over)
    }
}

/// Where a run of a challenge stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Preemptions used so far.
    pub used: u32,
    /// Preemptions allowed.
    pub budget: u32,
}

impl Budget {
    /// Preemptions left.
    pub fn left(&self) -> u32 {
        self.budget.saturating_sub(self.used)
    }
}

/// The preemptions of `steps` run from `model`'s start (`None` if a step cannot run).
pub fn preemptions(model: &Model, steps: &[Tid]) -> Option<u32> {
    preempt::count(model, &model.initial(), steps)
}

/// Whether stepping `next` at `world`, after `last`, is a preemption.
pub fn preempts(model: &Model, world: &World, last: Option<Tid>, next: Tid) -> bool {
    last.is_some_and(|l| l != next && model.is_runnable(world, l))
}

/// What the explorer says from the state on screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Guide {
    /// A schedule from here that reaches the goal within the preemptions left.
    Path(Vec<Tid>),
    /// No schedule from here reaches the goal within the preemptions left.
    NoWay {
        /// States searched.
        states: u64,
    },
    /// The search hit its bound.
    TooBig,
}

/// The explorer's way from `world` (which `last` stepped into) to the challenge's goal within
/// `left` more preemptions: the thread hint is its first step, the solution hint all of it.
pub fn guide(c: &Challenge, model: &Model, world: &World, last: Option<Tid>, left: u32) -> Guide {
    let r =
        preempt::fewest_preemptions_after(model, world, last, Some(c.kind), left, HINT_MAX_STATES);
    match r.found {
        Some(f) => Guide::Path(f.schedule),
        None if r.complete => Guide::NoWay { states: r.states },
        None => Guide::TooBig,
    }
}

/// The fewest preemptions that reach the challenge's goal from its start: what `daxlab explore
/// --kind KIND --preemptions` reports for the challenge's scenario, variant and fixes (the same
/// call with the CLI's default `--max-states`).
pub fn explorer_par(c: &Challenge) -> Option<u32> {
    preempt::fewest(&c.model(), Some(c.kind), crate::explore::DEFAULT_MAX_STATES)
        .found
        .map(|f| f.preemptions)
}

/// The debrief after a win: the commit that fixed it, its link, and the report the kernel
/// would print for the student's own violation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Debrief {
    /// "Fixed upstream by ..." or the story of a bug no commit fixed.
    pub fixed_by: String,
    /// The commit's page, if a commit fixed it.
    pub link: Option<String>,
    /// The kernel-style report of the student's violation.
    pub report: String,
    /// The scenario the commit's history entry shows.
    pub story: &'static str,
}

/// "Fixed upstream by …": the commit with its subject in quotes, or, where the subject line
/// could not be confirmed, what it does and that its subject and author are not known here
/// (never a placeholder in quotes as if it were the subject).
fn fixed_by(i: &crate::code::FixInfo) -> String {
    if i.subject_confirmed {
        format!(
            "Fixed upstream by {} \"{}\", by {}. Released: {}. What it changes: {}",
            i.commit, i.subject, i.author, i.release, i.change
        )
    } else {
        format!(
            "Fixed upstream by {}, in which {}; its subject line and author could not be confirmed here. Released: {}. What it changes: {}",
            i.commit, i.subject, i.release, i.change
        )
    }
}

/// The debrief for a win that ended in `violation`.
pub fn debrief(c: &Challenge, model: &Model, violation: &Violation) -> Debrief {
    let report = crate::words::report(model, violation);
    match c.fix {
        Some(fix) => {
            let i = fix.info();
            Debrief {
                fixed_by: fixed_by(&i),
                link: Some(i.link()),
                report,
                story: c.debrief,
            }
        }
        None => Debrief {
            fixed_by: String::from("No upstream commit: this safeguard was in the seed patch."),
            link: None,
            report,
            story: c.debrief,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_scenarios_exist_and_budgets_cover_par() {
        for (i, c) in CHALLENGES.iter().enumerate() {
            assert!(crate::scenario(c.scenario).is_some(), "{}", c.name);
            assert!(c.variant.code().with_fixes(c.fixes).is_ok(), "{}", c.name);
            assert!(
                CHALLENGES[..i].iter().all(|d| d.name != c.name),
                "{}",
                c.name
            );
            if let Some(par) = c.par {
                assert!(c.budget >= par, "{}", c.name);
            }
            assert_eq!(c.level(), i + 1);
        }
    }

    #[test]
    fn a_debrief_quotes_a_subject_only_when_it_is_confirmed() {
        for f in crate::code::Fix::ALL {
            let i = f.info();
            let text = fixed_by(&i);
            assert_eq!(
                text.contains(&format!("\"{}\"", i.subject)),
                i.subject_confirmed,
                "{text}"
            );
            assert!(!text.contains("could not be read"), "{text}");
            assert!(!text.contains("(not confirmed here;"), "{text}");
        }
    }

    #[test]
    fn points_fall_with_hints_and_extra_preemptions() {
        let c = challenge("deadlock").unwrap();
        assert_eq!(c.points(1, 0), WIN_POINTS);
        assert_eq!(c.points(2, 0), WIN_POINTS - 1);
        assert_eq!(c.points(1, 1), WIN_POINTS - 1);
        assert_eq!(c.points(1, 3), WIN_POINTS - 6);
        assert_eq!(c.points(1, 4), 0);
        assert_eq!(Hint::from_level(3), Some(Hint::Thread));
        assert_eq!(Hint::from_level(0), None);
        assert_eq!(Hint::from_level(5), None);
    }
}
