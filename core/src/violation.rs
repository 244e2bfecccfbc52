//! Violations: the bad outcomes the checks detect, as values with thread, line and object.

use crate::ids::Tid;
use crate::listing::Line;
use alloc::string::String;
use core::fmt;
use core::str::FromStr;

/// What went wrong. The kebab-case names are a stable contract (CLI, JSON, URLs, lessons).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ViolationKind {
    /// Memory of a freed inode was touched.
    UseAfterFree,
    /// A NULL `mapping` was dereferenced.
    NullDeref,
    /// A thread locked an entry that does not belong to its page.
    WrongEntryLocked,
    /// A thread sleeps in a wait queue and no task will ever wake it.
    LostWakeup,
    /// A thread spins on a lock that will never be released (including its own).
    Deadlock,
    /// A thread called `schedule()` holding a spinlock or inside an RCU read-side section.
    SleepInAtomic,
    /// A thread finished while still holding a lock or an RCU read-side section.
    LockLeak,
}

impl ViolationKind {
    /// Every kind, in a fixed order.
    pub const ALL: [ViolationKind; 7] = [
        ViolationKind::UseAfterFree,
        ViolationKind::NullDeref,
        ViolationKind::WrongEntryLocked,
        ViolationKind::LostWakeup,
        ViolationKind::Deadlock,
        ViolationKind::SleepInAtomic,
        ViolationKind::LockLeak,
    ];

    /// The stable kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            ViolationKind::UseAfterFree => "use-after-free",
            ViolationKind::NullDeref => "null-deref",
            ViolationKind::WrongEntryLocked => "wrong-entry-locked",
            ViolationKind::LostWakeup => "lost-wakeup",
            ViolationKind::Deadlock => "deadlock",
            ViolationKind::SleepInAtomic => "sleep-in-atomic",
            ViolationKind::LockLeak => "lock-leak",
        }
    }
}

impl fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ViolationKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        ViolationKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or(())
    }
}

/// One violation: what, who, where, on which object, and how the kernel would have said it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// What went wrong.
    pub kind: ViolationKind,
    /// The thread at fault (for a lost wake-up: the thread left asleep).
    pub tid: Tid,
    /// The line that thread was at.
    pub line: Line,
    /// The object involved, in words ("inode #2", "bucket 5").
    pub object: String,
    /// One or two sentences for a student.
    pub message: String,
    /// The report the kernel would have printed (KASAN, lockdep, hung task...).
    pub report: String,
}
