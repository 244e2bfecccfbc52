//! Variants: named versions of the code the simulated threads run. The presets are real
//! releases, each the seed plus a set of upstream fixes ([`Fix`]); the teaching ablations are the
//! fixed code with one safeguard removed — they never shipped, and every place that names one
//! says so.

use crate::code::{Ablation, Code, Fix};
use core::fmt;
use core::str::FromStr;

/// One named version of the code under study.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// The patch exactly as posted (commit c2a7d2a11552).
    Seed,
    /// As v4.19 shipped: the seed plus f52afc93cd01.
    V419,
    /// The last 4.19 stable: every `dax_lock_mapping_entry()` fix, but invalidation still wakes
    /// one waiter.
    V419y,
    /// Every upstream fix, as mainline has had it since 2021 (v5.13-rc2), rendered in 4.19's
    /// radix-tree code.
    Fixed,
    /// Teaching ablation: `fixed` without the `mapping != page->mapping` re-check.
    NoRecheck,
    /// Teaching ablation: `fixed` without `rcu_read_lock()`.
    NoRcu,
    /// Teaching ablation: an exclusive `wait_entry_unlocked()` that never passes the wake-up on.
    ExclusiveWait,
    /// Teaching ablation: `fixed`, but the thread sleeps inside its RCU read-side section.
    SleepInRcu,
}

/// How `__dax_invalidate_mapping_entry()` wakes waiters after deleting an entry: a toggle of
/// 237388320def.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WakeMode {
    /// Wake one exclusive waiter, as through 4.19.y (bug e: truncate since c6dcf52c23d2, v4.10).
    One,
    /// Wake every waiter, as since 237388320def.
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

const V419: Code = Code::SEED.with(Fix::DropLockOnEagain);
const V419Y: Code = V419
    .with(Fix::NullMappingCheck)
    .with(Fix::WaitEntryUnlocked)
    .with(Fix::NonExclusiveWait);
const FIXED: Code = V419Y.with(Fix::WakeAllOnInvalidate);

impl Variant {
    /// Every variant: the presets in release order, then the teaching ablations.
    pub const ALL: [Variant; 8] = [
        Variant::Seed,
        Variant::V419,
        Variant::V419y,
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
            Variant::V419y => "v4.19.y",
            Variant::Fixed => "fixed",
            Variant::NoRecheck => "no-recheck",
            Variant::NoRcu => "no-rcu",
            Variant::ExclusiveWait => "exclusive-wait",
            Variant::SleepInRcu => "sleep-in-rcu",
        }
    }

    /// Whether this code ever shipped in a kernel (false: a teaching ablation).
    pub fn shipped(self) -> bool {
        matches!(
            self,
            Variant::Seed | Variant::V419 | Variant::V419y | Variant::Fixed
        )
    }

    /// The release this version is, in a few words (for an ablation: "never shipped").
    pub fn release(self) -> &'static str {
        match self {
            Variant::Seed => {
                "as posted on 2018-07-04 ([PATCH v5 07/11]) and merged for v4.19-rc1 as c2a7d2a11552"
            }
            Variant::V419 => "v4.19 as released",
            Variant::V419y => "the last 4.19 stable (linux-4.19.y)",
            Variant::Fixed => "mainline since v5.13-rc2 (2021): every upstream fix",
            _ => "never shipped: a teaching ablation",
        }
    }

    /// One sentence saying what this variant is.
    pub fn summary(self) -> &'static str {
        match self {
            Variant::Seed => {
                "The patch as posted: dax_lock_mapping_entry() with entry_wait_revalidate() (c2a7d2a11552)."
            }
            Variant::V419 => {
                "v4.19: the seed plus f52afc93cd01, which drops the i_pages lock before retrying on -EAGAIN."
            }
            Variant::V419y => {
                "The last 4.19 stable: the NULL check (c93db7bb6ef3) and wait_entry_unlocked(), which sleeps non-exclusively outside RCU and never touches the mapping again (55e56f06ed71, d8a706414af4). Invalidation still wakes only one waiter: 237388320def never reached 4.19.y."
            }
            Variant::Fixed => {
                "Every upstream fix, as mainline since v5.13-rc2: 4.19.y's code plus 237388320def, which wakes every waiter after invalidating an entry. Shown in 4.19's radix-tree code."
            }
            Variant::NoRecheck => {
                "Teaching ablation, never shipped: fixed without the re-check of page->mapping under the i_pages lock."
            }
            Variant::NoRcu => {
                "Teaching ablation, never shipped: fixed without rcu_read_lock(), so nothing keeps the inode's memory alive."
            }
            Variant::ExclusiveWait => {
                "Teaching ablation, never shipped: wait_entry_unlocked() waits exclusively and never passes the wake-up on, where 55e56f06ed71's first form (as we model it) woke the next waiter; invalidation wakes one."
            }
            Variant::SleepInRcu => {
                "Teaching ablation, never shipped: fixed, but the thread sleeps inside its RCU read-side section."
            }
        }
    }

    /// The code this variant runs: the seed plus its fixes, or the fixed code with one
    /// safeguard ablated.
    pub fn code(self) -> Code {
        match self {
            Variant::Seed => Code::SEED,
            Variant::V419 => V419,
            Variant::V419y => V419Y,
            Variant::Fixed => FIXED,
            Variant::NoRecheck => FIXED.ablate(Ablation::NoRecheck),
            Variant::NoRcu => FIXED.ablate(Ablation::NoRcu),
            Variant::ExclusiveWait => V419Y
                .without(Fix::NonExclusiveWait)
                .ablate(Ablation::NoWakeNext),
            Variant::SleepInRcu => FIXED.ablate(Ablation::SleepInRcu),
        }
    }

    /// The variant this one is described against: the listing marks lines that differ from it.
    pub fn base(self) -> Option<Variant> {
        match self {
            Variant::Seed => None,
            Variant::V419 => Some(Variant::Seed),
            Variant::V419y => Some(Variant::V419),
            Variant::Fixed => Some(Variant::V419y),
            Variant::NoRecheck | Variant::NoRcu | Variant::SleepInRcu => Some(Variant::Fixed),
            Variant::ExclusiveWait => Some(Variant::V419y),
        }
    }

    /// The invalidation wake mode when the scenario does not choose one.
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
