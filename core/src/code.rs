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
    /// An exclusive `wait_entry_unlocked()` that does not pass the wake-up on.
    NoWakeNext,
}

/// What is known of an upstream commit, for the history page, the CLI and the app. Where a
/// detail could not be confirmed from the kernel sources or the mailing lists, the text says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixInfo {
    /// The commit id, 12 hex digits.
    pub commit: &'static str,
    /// Its subject line; where that could not be confirmed (`subject_confirmed` false), what
    /// the commit does in a few words instead.
    pub subject: &'static str,
    /// Whether `subject` is the commit's own subject line, read in the kernel's history.
    pub subject_confirmed: bool,
    /// Its author.
    pub author: &'static str,
    /// The release it first shipped in.
    pub release: &'static str,
    /// Whether linux-4.19.y carries it.
    pub in_4_19_y: &'static str,
    /// What it changes in the listing, in a sentence.
    pub change: &'static str,
    /// The scenario that shows why it was needed.
    pub scenario: &'static str,
}

/// A fix's subject for a label or a table: the subject line, or, where it could not be
/// confirmed (`confirmed` false), what the commit does, saying so.
pub fn subject_title(subject: &str, confirmed: bool) -> alloc::string::String {
    if confirmed {
        subject.into()
    } else {
        alloc::format!("{subject} (subject line not confirmed here)")
    }
}

impl FixInfo {
    /// The commit's subject for a label or a table: its subject line, or, where that could not
    /// be confirmed, what it does, saying so.
    pub fn title(&self) -> alloc::string::String {
        subject_title(self.subject, self.subject_confirmed)
    }

    /// The commit's page on git.kernel.org.
    pub fn link(&self) -> alloc::string::String {
        alloc::format!(
            "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id={}",
            self.commit
        )
    }
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
        self.info().commit
    }

    /// The fix whose commit id is `id`: the 12-digit id, the full hash, or a prefix of 7 or
    /// more digits.
    pub fn from_commit(id: &str) -> Option<Fix> {
        let id = id.trim().to_ascii_lowercase();
        Fix::ALL.into_iter().find(|f| {
            // The 12-character id, the full hash, or a prefix of 7 or more (the five ids
            // differ in their first character already).
            (id.len() <= 40 && id.starts_with(f.commit()))
                || (id.len() >= 7 && f.commit().starts_with(id.as_str()))
        })
    }

    /// What is known of the commit.
    pub fn info(self) -> FixInfo {
        match self {
            Fix::DropLockOnEagain => FixInfo {
                commit: "f52afc93cd01",
                subject: "dax: Fix deadlock in dax_lock_mapping_entry()",
                subject_confirmed: true,
                author: "Jan Kara (reported by Barret Rhoden)",
                release: "the v4.19 cycle: written days after the report of 2018-09-24, before v4.19 shipped on 2018-10-22 (the exact -rc could not be confirmed here)",
                in_4_19_y: "yes (in v4.19 itself); 4.19.y's port of 55e56f06ed71 later removed the -EAGAIN path it patched",
                change: "dax_lock_mapping_entry() drops the i_pages lock before `continue` when __get_unlocked_mapping_entry() returns -EAGAIN.",
                scenario: "self-deadlock",
            },
            Fix::NullMappingCheck => FixInfo {
                commit: "c93db7bb6ef3",
                subject: "dax: Check page->mapping isn't NULL",
                subject_confirmed: true,
                author: "Matthew Wilcox",
                release: "v4.20-rc6 (inferred: dated 2018-11-27 with 55e56f06ed71), Cc: stable",
                in_4_19_y: "yes",
                change: "`if (!dax_mapping(mapping))` becomes `if (!mapping || !dax_mapping(mapping))`.",
                scenario: "null-mapping",
            },
            Fix::WaitEntryUnlocked => FixInfo {
                commit: "55e56f06ed71",
                subject: "dax: Don't access a freed inode",
                subject_confirmed: true,
                author: "Matthew Wilcox",
                release: "v4.20-rc6 (inferred, as for c93db7bb6ef3), Cc: stable (written against the XArray code; 4.19.y carries a radix-tree port)",
                in_4_19_y: "yes (a radix-tree port, together with d8a706414af4's non-exclusive wait)",
                change: "A new wait_entry_unlocked() sleeps outside RCU and never touches the mapping again; dax_lock_mapping_entry() looks the entry up itself and restarts from page->mapping after sleeping. Its first form's text is not in our sources; we model it, from d8a706414af4's comment, as an exclusive wait followed by a wake of the next waiter: the shape of the XArray code just before it (get_unlocked_entry()'s prepare_to_wait_exclusive(), then put_unlocked_entry(): \"If we were the only waiter woken, wake the next one\"). d8a706414af4 made the wait non-exclusive \"in case this path never successfully performs its own wake up\" (its comment).",
                scenario: "freed-inode",
            },
            Fix::NonExclusiveWait => FixInfo {
                commit: "d8a706414af4",
                subject: "wait_entry_unlocked() waits non-exclusively",
                subject_confirmed: false,
                author: "author not confirmed here",
                release: "v5.0 at the latest (the non-exclusive wait is in mainline v5.0); the exact -rc could not be confirmed",
                in_4_19_y: "yes",
                change: "prepare_to_wait_exclusive() and the explicit wake of the next waiter become prepare_to_wait(): \"there is no guarantee that this path ever successfully retrieves an unlocked entry before an inode dies\".",
                scenario: "lost-wakeup",
            },
            Fix::WakeAllOnInvalidate => FixInfo {
                commit: "237388320def",
                subject: "dax: Wake up all waiters after invalidating dax entry",
                subject_confirmed: true,
                author: "Vivek Goyal (reported by Sergio Lopez)",
                release: "v5.13-rc2 (listed in Linus's \"Linux 5.13-rc2\" announcement of 2021-05-16), backported to 5.10.y; Fixes: ac401cc78242 (\"dax: New fault locking\", Jan Kara, v4.7-rc1)",
                in_4_19_y: "no: 4.19.y's put_unlocked_mapping_entry() still wakes one waiter",
                change: "__dax_invalidate_mapping_entry() ends by waking every waiter instead of one (at its out: label, so also when it leaves the entry in place). The third of a series: 698ab77aebff (\"dax: Add an enum for specifying dax wakup mode\") and 4c3d043d271d (\"dax: Add a wakeup mode parameter to put_unlocked_entry()\") add the WAKE_NEXT / WAKE_ALL argument the other callers pass; this code toggles the three together.",
                scenario: "truncate-wakeup",
            },
        }
    }

    const fn bit(self) -> u16 {
        1 << self as u16
    }
}

impl Ablation {
    /// The ablation's name.
    pub fn name(self) -> &'static str {
        match self {
            Ablation::NoRecheck => "no-recheck",
            Ablation::NoRcu => "no-rcu",
            Ablation::SleepInRcu => "sleep-in-rcu",
            Ablation::NoWakeNext => "no-wake-next",
        }
    }

    /// Every ablation.
    pub const ALL: [Ablation; 4] = [
        Ablation::NoRecheck,
        Ablation::NoRcu,
        Ablation::SleepInRcu,
        Ablation::NoWakeNext,
    ];

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

/// Text naming fixes that is not understood: the bad item and the accepted commit ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixesError {
    /// The item that is not a known commit.
    pub item: alloc::string::String,
}

impl FixesError {
    /// The fix whose id the item begins, when the item is shorter than the 7 characters an id
    /// needs (a leading `-` aside).
    fn short_prefix_of(&self) -> Option<Fix> {
        let item = self.item.trim();
        let id = item
            .strip_prefix('-')
            .or_else(|| item.strip_prefix('+'))
            .unwrap_or(item)
            .to_ascii_lowercase();
        if id.is_empty() || id.len() >= 7 {
            return None;
        }
        Fix::ALL
            .into_iter()
            .find(|f| f.commit().starts_with(id.as_str()))
    }
}

impl fmt::Display for FixesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.item.is_empty() {
            f.write_str(
                "an empty item (two commas in a row, or one at an end) is not a commit; accepted: ",
            )?;
        } else if let Some(fix) = self.short_prefix_of() {
            // The start of a known id, too short to be taken as one: say so.
            write!(
                f,
                "{} is too short for a commit id: give 7 or more characters, such as {}; accepted: ",
                crate::quote::shown(&self.item),
                fix.commit()
            )?;
        } else {
            write!(
                f,
                "{} is not one of the commits this model knows; accepted: ",
                crate::quote::shown(&self.item)
            )?;
        }
        for (i, fix) in Fix::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(fix.commit())?;
        }
        f.write_str(" (or their first 7 or more characters; a leading - takes a fix away)")
    }
}

/// The items of fixes text, each as written, whether it takes the fix away (`-`), and the
/// fix; or the item that names no known commit. An empty text has no items; an empty item in
/// a list ("a,,b", "a,") is a slip the reader is told about rather than a silent no-op.
fn fix_items(text: &str) -> impl Iterator<Item = Result<(&str, bool, Fix), FixesError>> {
    let items = (!text.trim().is_empty()).then(|| text.split(',').map(str::trim));
    items.into_iter().flatten().map(|item| {
        let (remove, id) = match item.strip_prefix('-') {
            Some(id) => (true, id),
            None => (false, item.strip_prefix('+').unwrap_or(item)),
        };
        Fix::from_commit(id)
            .map(|fix| (item, remove, fix))
            .ok_or_else(|| FixesError { item: item.into() })
    })
}

impl Code {
    /// `base` with the fixes `text` names: commit ids separated by commas, each added, or
    /// taken away when it starts with `-`. An empty text changes nothing.
    pub fn with_fixes(self, text: &str) -> Result<Code, FixesError> {
        let mut code = self;
        for item in fix_items(text) {
            let (_, remove, fix) = item?;
            code = code.toggled(fix, remove);
        }
        Ok(code)
    }

    /// The items of valid fixes `text` that change nothing on top of this code, each with
    /// why: a fix added that is already in force, one taken away that is not, a repeat, or
    /// an item that undoes an earlier one (`c93db7b,-c93db7b`: the pair cancels out). Each
    /// message says what changes nothing.
    pub fn idle_fixes(self, text: &str) -> alloc::vec::Vec<alloc::string::String> {
        use alloc::format;
        let mut code = self;
        // The items so far that changed the code.
        let mut changed: alloc::vec::Vec<(&str, bool, Fix)> = alloc::vec::Vec::new();
        let mut idle = alloc::vec::Vec::new();
        // (Items `with_fixes` refuses are not this function's to name.)
        for (item, remove, fix) in fix_items(text).flatten() {
            let earlier = changed.iter().rev().find(|c| c.2 == fix).copied();
            if code.has(fix) != remove {
                idle.push(match earlier {
                    Some((_, r, _)) if r == remove => {
                        format!("{item:?} repeats {}: it changes nothing", fix.commit())
                    }
                    _ if remove => format!(
                        "{item:?} takes away {}, which is not in force: it changes nothing",
                        fix.commit()
                    ),
                    _ => format!(
                        "{item:?} adds {}, which is already in force: it changes nothing",
                        fix.commit()
                    ),
                });
                continue;
            }
            if let Some((before, _, _)) = earlier {
                // The only earlier change to this fix went the other way.
                idle.push(format!(
                    "{before:?} and {item:?} cancel out: together they change nothing"
                ));
            }
            changed.push((item, remove, fix));
            code = code.toggled(fix, remove);
        }
        idle
    }

    /// This code with `fix` taken away (`remove`) or added.
    fn toggled(self, fix: Fix, remove: bool) -> Code {
        if remove {
            self.without(fix)
        } else {
            self.with(fix)
        }
    }

    /// The fixes by which this code differs from `base`, as text `with_fixes` reads back.
    pub fn fixes_from(self, base: Code) -> alloc::string::String {
        let mut out = alloc::string::String::new();
        for fix in Fix::ALL {
            let sign = match (base.has(fix), self.has(fix)) {
                (false, true) => "",
                (true, false) => "-",
                _ => continue,
            };
            if !out.is_empty() {
                out.push(',');
            }
            out.push_str(sign);
            out.push_str(fix.commit());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_too_short_start_of_a_known_id_is_called_too_short() {
        use alloc::string::ToString;
        for text in ["c93d", "-c93d", "+C93DB7"] {
            let e = Code::SEED.with_fixes(text).unwrap_err().to_string();
            assert!(e.contains("is too short for a commit id"), "{text}: {e}");
            assert!(e.contains("such as c93db7bb6ef3"), "{text}: {e}");
        }
        // Not the start of any id, or long enough and wrong: unknown, as before.
        for text in ["zz", "c93db7bXXX"] {
            let e = Code::SEED.with_fixes(text).unwrap_err().to_string();
            assert!(e.contains("is not one of the commits"), "{text}: {e}");
        }
    }

    #[test]
    fn fix_text_adds_removes_and_round_trips() {
        let c = Code::SEED
            .with_fixes("f52afc93cd01, c93db7bb6ef3")
            .expect("known commits");
        assert!(c.has(Fix::DropLockOnEagain) && c.has(Fix::NullMappingCheck));
        let d = c.with_fixes("-f52afc93cd01").unwrap();
        assert!(!d.has(Fix::DropLockOnEagain));
        assert_eq!(Code::SEED.with_fixes(&c.fixes_from(Code::SEED)), Ok(c));
        assert_eq!(c.with_fixes(&d.fixes_from(c)), Ok(d));
        // The full 40-digit id works too.
        assert!(
            Code::SEED
                .with_fixes("237388320deffde7c2d65ed8fc9eef670dc979b3")
                .unwrap()
                .has(Fix::WakeAllOnInvalidate)
        );
        // No text is no fix; an empty item in a list is refused and said so.
        assert_eq!(Code::SEED.with_fixes(" "), Ok(Code::SEED));
        for slip in [",,", "c93db7b,", "c93db7b,,f52afc93cd01"] {
            let e = Code::SEED.with_fixes(slip).unwrap_err();
            assert!(e.to_string().starts_with("an empty item"), "{slip}: {e}");
        }
        // Items that change nothing are found, with why.
        let v419 = Code::SEED.with(Fix::DropLockOnEagain);
        assert_eq!(
            v419.idle_fixes("c93db7b"),
            alloc::vec::Vec::<alloc::string::String>::new()
        );
        // The last item adds c93db7bb6ef3, which the first did not take away: it counts.
        let idle = v419.idle_fixes("-c93db7b,f52afc93cd01,c93db7b");
        assert_eq!(idle.len(), 2, "{idle:?}");
        assert!(idle[0].contains("not in force") && idle[1].contains("already in force"));
        assert_eq!(
            v419.idle_fixes("c93db7b,c93db7bb6ef3"),
            ["\"c93db7bb6ef3\" repeats c93db7bb6ef3: it changes nothing"]
        );
        // Adding a fix and taking it away again is named as the undo it is, not a repeat.
        assert_eq!(
            v419.idle_fixes("c93db7b,-c93db7bb6ef3"),
            ["\"c93db7b\" and \"-c93db7bb6ef3\" cancel out: together they change nothing"]
        );
        // A prefix of 7 or more, as `git log --oneline` prints them; shorter ones are refused.
        assert!(
            Code::SEED
                .with_fixes("c93db7b")
                .unwrap()
                .has(Fix::NullMappingCheck)
        );
        assert!(Code::SEED.with_fixes("c93db7").is_err());
        let e = Code::SEED.with_fixes("c93db7bb6ef3,deadbeef").unwrap_err();
        assert_eq!(e.item, "deadbeef");
        assert!(e.to_string().contains("237388320def"), "{e}");
    }
}
