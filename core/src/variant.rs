//! Variants: which version of the code the simulated threads run.
//!
//! `seed` is the patch as posted. `v4.19` and `fixed` follow upstream's history. The remaining
//! variants are teaching breakages: `fixed` with one safeguard removed, so that a student can see
//! what each safeguard is for.

use crate::code::{Ablation, Code, Fix};
use core::fmt;
use core::str::FromStr;

/// One version of the code under study.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// The patch exactly as posted (commit c2a7d2a11552).
    Seed,
    /// The seed plus f52afc93cd01 (drop `xa_lock` before `continue` on `-EAGAIN`): as in v4.19.
    V419,
    /// The 4.19.y stable shape: NULL check (c93db7bb6ef3), `wait_entry_unlocked()` with a
    /// non-exclusive wait outside RCU (55e56f06ed71, d8a706414af4).
    Fixed,
    /// `fixed` without the `mapping != page->mapping` re-check under the lock.
    NoRecheck,
    /// `fixed` without `rcu_read_lock()`.
    NoRcu,
    /// `fixed`, but `wait_entry_unlocked()` waits exclusively.
    ExclusiveWait,
    /// `fixed`, but the thread sleeps without leaving its RCU read-side section.
    SleepInRcu,
}

/// How `put_unlocked_mapping_entry()` in the truncate path wakes waiters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WakeMode {
    /// Wake one exclusive waiter, as in v4.19 (bug e).
    One,
    /// Wake every waiter, as since the 2021 fix "dax: Wake up all waiters after invalidating dax
    /// entry".
    All,
}

impl WakeMode {
    /// The wake mode `code` has.
    pub fn of(code: Code) -> WakeMode {
        if code.has(Fix::WakeAllOnInvalidate) {
            WakeMode::All
        } else {
            WakeMode::One
        }
    }

    /// `code` with this wake mode.
    pub fn apply(self, code: Code) -> Code {
        match self {
            WakeMode::One => code.without(Fix::WakeAllOnInvalidate),
            WakeMode::All => code.with(Fix::WakeAllOnInvalidate),
        }
    }

    /// Every wake mode, in display order.
    pub const ALL: [WakeMode; 2] = [WakeMode::One, WakeMode::All];

    /// The stable name used in the CLI and URLs.
    pub fn name(self) -> &'static str {
        match self {
            WakeMode::One => "one",
            WakeMode::All => "all",
        }
    }
}

impl FromStr for WakeMode {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        WakeMode::ALL.into_iter().find(|m| m.name() == s).ok_or(())
    }
}

impl Variant {
    /// Every variant, in the order lessons present them.
    pub const ALL: [Variant; 7] = [
        Variant::Seed,
        Variant::V419,
        Variant::Fixed,
        Variant::NoRecheck,
        Variant::NoRcu,
        Variant::ExclusiveWait,
        Variant::SleepInRcu,
    ];

    /// The stable name used in the CLI, URLs and lessons.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Seed => "seed",
            Variant::V419 => "v4.19",
            Variant::Fixed => "fixed",
            Variant::NoRecheck => "no-recheck",
            Variant::NoRcu => "no-rcu",
            Variant::ExclusiveWait => "exclusive-wait",
            Variant::SleepInRcu => "sleep-in-rcu",
        }
    }

    /// One sentence saying what this variant is.
    pub fn summary(self) -> &'static str {
        match self {
            Variant::Seed => {
                "The patch as posted: dax_lock_mapping_entry() with entry_wait_revalidate()."
            }
            Variant::V419 => {
                "As merged for v4.19: the seed plus f52afc93cd01, which drops the i_pages lock before retrying on -EAGAIN."
            }
            Variant::Fixed => {
                "The 4.19.y stable shape: a NULL check on page->mapping (c93db7bb6ef3) and wait_entry_unlocked(), which sleeps non-exclusively outside RCU and never touches the mapping again (55e56f06ed71, d8a706414af4); truncate wakes all waiters."
            }
            Variant::NoRecheck => {
                "Teaching breakage: fixed without the re-check of page->mapping under the i_pages lock."
            }
            Variant::NoRcu => {
                "Teaching breakage: fixed without rcu_read_lock(), so nothing keeps the inode's memory alive."
            }
            Variant::ExclusiveWait => {
                "Teaching breakage: fixed, but wait_entry_unlocked() waits exclusively (the wake-up it consumes may never be passed on)."
            }
            Variant::SleepInRcu => {
                "Teaching breakage: fixed, but the thread sleeps inside its RCU read-side section."
            }
        }
    }

    /// The variant this one is described against: the listing marks lines that differ from it.
    pub fn base(self) -> Option<Variant> {
        match self {
            Variant::Seed => None,
            Variant::V419 => Some(Variant::Seed),
            Variant::Fixed => Some(Variant::V419),
            Variant::NoRecheck | Variant::NoRcu | Variant::ExclusiveWait | Variant::SleepInRcu => {
                Some(Variant::Fixed)
            }
        }
    }

    /// The code this variant runs: the seed plus its fixes, or the fixed code with one
    /// safeguard ablated. The truncate path's wake-up follows 237388320def unless a scenario
    /// chooses ([`WakeMode`]).
    pub fn code(self) -> Code {
        let v419 = Code::SEED.with(Fix::DropLockOnEagain);
        let fixed = v419
            .with(Fix::NullMappingCheck)
            .with(Fix::WaitEntryUnlocked)
            .with(Fix::NonExclusiveWait)
            .with(Fix::WakeAllOnInvalidate);
        match self {
            Variant::Seed => Code::SEED,
            Variant::V419 => v419,
            Variant::Fixed => fixed,
            Variant::NoRecheck => fixed.ablate(Ablation::NoRecheck),
            Variant::NoRcu => fixed.ablate(Ablation::NoRcu),
            Variant::ExclusiveWait => fixed
                .without(Fix::NonExclusiveWait)
                .without(Fix::WakeAllOnInvalidate),
            Variant::SleepInRcu => fixed.ablate(Ablation::SleepInRcu),
        }
    }

    /// The truncate path's wake mode when the scenario does not choose one.
    pub fn default_truncate_wake(self) -> WakeMode {
        WakeMode::of(self.code())
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Variant {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Variant::ALL.into_iter().find(|v| v.name() == s).ok_or(())
    }
}
