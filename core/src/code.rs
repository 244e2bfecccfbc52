//! Which code the simulated threads run: the seed patch plus a set of upstream fixes, each a
//! real commit, and optionally a teaching ablation that never shipped. A listing line exists
//! under a [`Code`] when its [`When`] says so; that is the only way versions differ.

use core::fmt;

/// An upstream commit that changed the code this simulation runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fix {
    /// f52afc93cd01: drop the `i_pages` lock before retrying on `-EAGAIN`.
    DropLockOnEagain,
    /// c93db7bb6ef3: check `page->mapping` for NULL before `dax_mapping()`.
    NullMappingCheck,
    /// 55e56f06ed71: sleep with `wait_entry_unlocked()`, outside RCU, never touching the mapping
    /// again.
    WaitEntryUnlocked,
    /// d8a706414af4: `wait_entry_unlocked()` waits non-exclusively.
    NonExclusiveWait,
    /// 237388320def: wake every waiter after invalidating an entry.
    WakeAllOnInvalidate,
}

/// A teaching ablation: one safeguard removed from the fixed code. Never shipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ablation {
    /// No re-check of `page->mapping` under the `i_pages` lock.
    NoRecheck,
    /// No `rcu_read_lock()` in `dax_lock_mapping_entry()`.
    NoRcu,
    /// Sleep without leaving the RCU read-side section.
    SleepInRcu,
}

impl Fix {
    /// Every fix, in the order upstream merged them.
    pub const ALL: [Fix; 5] = [
        Fix::DropLockOnEagain,
        Fix::NullMappingCheck,
        Fix::WaitEntryUnlocked,
        Fix::NonExclusiveWait,
        Fix::WakeAllOnInvalidate,
    ];

    /// The commit id, abbreviated to 12 hex digits as the kernel's `Fixes:` tags write it.
    pub fn commit(self) -> &'static str {
        match self {
            Fix::DropLockOnEagain => "f52afc93cd01",
            Fix::NullMappingCheck => "c93db7bb6ef3",
            Fix::WaitEntryUnlocked => "55e56f06ed71",
            Fix::NonExclusiveWait => "d8a706414af4",
            Fix::WakeAllOnInvalidate => "237388320def",
        }
    }

    const fn bit(self) -> u16 {
        1 << self as u16
    }
}

impl Ablation {
    /// Every ablation.
    pub const ALL: [Ablation; 3] = [Ablation::NoRecheck, Ablation::NoRcu, Ablation::SleepInRcu];

    const fn bit(self) -> u16 {
        1 << (8 + self as u16)
    }
}

/// A set of fixes and ablations: the code in force.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Code(u16);

impl Code {
    /// The seed patch as posted, with no fix.
    pub const SEED: Code = Code(0);

    /// This code with `fix` added.
    pub const fn with(self, fix: Fix) -> Code {
        Code(self.0 | fix.bit())
    }
    /// This code without `fix`.
    pub const fn without(self, fix: Fix) -> Code {
        Code(self.0 & !fix.bit())
    }
    /// This code with `ablation` applied.
    pub const fn ablate(self, ablation: Ablation) -> Code {
        Code(self.0 | ablation.bit())
    }
    /// Whether `fix` is in.
    pub const fn has(self, fix: Fix) -> bool {
        self.0 & fix.bit() != 0
    }
    /// Whether `ablation` is applied.
    pub const fn ablates(self, ablation: Ablation) -> bool {
        self.0 & ablation.bit() != 0
    }
    /// The fixes in force, in merge order.
    pub fn fixes(self) -> impl Iterator<Item = Fix> {
        Fix::ALL.into_iter().filter(move |f| self.has(*f))
    }
    /// The ablations applied.
    pub fn ablations(self) -> impl Iterator<Item = Ablation> {
        Ablation::ALL.into_iter().filter(move |a| self.ablates(*a))
    }
    /// The raw bits (for fingerprints and tests).
    pub const fn bits(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for fix in self.fixes() {
            if !first {
                f.write_str(",")?;
            }
            first = false;
            f.write_str(fix.commit())?;
        }
        if first {
            f.write_str("seed")?;
        }
        Ok(())
    }
}

/// When a listing line exists: every bit of `all` is set and no bit of `none`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct When {
    all: u16,
    none: u16,
}

impl When {
    /// In every version.
    pub const ALWAYS: When = When { all: 0, none: 0 };

    /// Only where `fix` is in.
    pub const fn with(fix: Fix) -> When {
        When {
            all: fix.bit(),
            none: 0,
        }
    }
    /// Only where `fix` is not in.
    pub const fn without(fix: Fix) -> When {
        When {
            all: 0,
            none: fix.bit(),
        }
    }
    /// Also requires `fix`.
    pub const fn and(self, fix: Fix) -> When {
        When {
            all: self.all | fix.bit(),
            none: self.none,
        }
    }
    /// Also requires `fix` to be absent.
    pub const fn and_not(self, fix: Fix) -> When {
        When {
            all: self.all,
            none: self.none | fix.bit(),
        }
    }
    /// Also requires `ablation` not to be applied.
    pub const fn unless(self, ablation: Ablation) -> When {
        When {
            all: self.all,
            none: self.none | ablation.bit(),
        }
    }
    /// Whether a line with this condition exists under `code`.
    pub const fn holds(self, code: Code) -> bool {
        code.0 & self.all == self.all && code.0 & self.none == 0
    }
}
