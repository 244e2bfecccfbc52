//! Exercises (issue 12): six kinds of task, each checked by the model or the explorer. Every
//! answer is computed from a [`World`] or a search, never from a hand-written key:
//!
//! - [`graph`]: build the object graph page → mapping → host → `i_pages` → entry → pfn;
//! - [`stability`]: which guard (RCU, the `i_pages` lock, the entry lock) keeps which field
//!   stable, answered with counterexample schedules;
//! - [`order`]: put the scrambled lines of `wait_entry_unlocked()` in order, and the explorer
//!   runs that order;
//! - [`predict`]: toggle upstream fixes and predict which violations remain reachable;
//! - [`report`]: given a kernel report, build a schedule that prints it;
//! - [`capstone`]: the fewest fixes that make a scaled `freed-inode` clean, proven by search.
//!
//! [`EXERCISES`] names them; the names are a contract (`?exercise=NAME`).

pub mod capstone;
pub mod graph;
pub mod order;
pub mod predict;
pub mod reach;
pub mod report;
pub mod stability;

use crate::code::Code;
use crate::listing::{Func, Line};
use crate::model::{Model, Options};
use crate::scenario::{Scale, scaled, scenario};
use crate::session::RunError;
use crate::variant::Variant;
use crate::violation::ViolationKind;
use crate::world::World;
use alloc::string::String;
use alloc::vec::Vec;

/// The six kinds of exercise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Choose each pointer of the object graph.
    ObjectGraph,
    /// Tick which guard keeps which field stable.
    StabilityTable,
    /// Order the scrambled lines of a function.
    Order,
    /// Toggle fixes, predict the reachable violations.
    FixesPredict,
    /// Build a schedule that prints a given kernel report.
    Report,
    /// The fewest fixes that make a scaled scenario clean.
    Capstone,
}

impl Kind {
    /// Every kind, in course order.
    pub const ALL: [Kind; 6] = [
        Kind::ObjectGraph,
        Kind::StabilityTable,
        Kind::Order,
        Kind::FixesPredict,
        Kind::Report,
        Kind::Capstone,
    ];

    /// A few words for the kind.
    pub fn title(self) -> &'static str {
        match self {
            Kind::ObjectGraph => "Build the object graph",
            Kind::StabilityTable => "Stability table",
            Kind::Order => "Put the lines in order",
            Kind::FixesPredict => "Predict what the fixes leave",
            Kind::Report => "From a kernel report to a schedule",
            Kind::Capstone => "Capstone: the fewest fixes",
        }
    }
}

/// The state an exercise starts from: a scenario (or the scaled `freed-inode`) under a code,
/// and a schedule from its initial world.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setup {
    /// The built-in scenario.
    pub scenario: &'static str,
    /// The variant.
    pub variant: Variant,
    /// Fixes added to (`-`: taken from) the variant's, as `--fixes` text.
    pub fixes: &'static str,
    /// The schedule to the exercise's state (empty: the initial world).
    pub schedule: &'static str,
    /// A scaled `freed-inode` instead of the built-in scenario.
    pub scale: Option<Scale>,
}

impl Setup {
    /// The code in force. (The fixes text is tested to parse; a bad one falls back to the
    /// variant's own code.)
    pub fn code(&self) -> Code {
        self.variant
            .code()
            .with_fixes(self.fixes)
            .unwrap_or(self.variant.code())
    }

    /// The model under `code`: the scenario, or the scaled `freed-inode`.
    pub fn model_with(&self, code: Code) -> Model {
        let options = Options {
            variant: self.variant,
            code: Some(code),
            truncate_wake: None,
        };
        if let Some(scale) = self.scale
            && let Ok(m) = scaled(scale, options)
        {
            return m;
        }
        scenario(self.scenario)
            .unwrap_or(&crate::SCENARIOS[0])
            .model(options)
    }

    /// The model under the setup's own code.
    pub fn model(&self) -> Model {
        self.model_with(self.code())
    }

    /// The world after the setup's schedule.
    pub fn world(&self) -> Result<World, RunError> {
        let mut s = crate::Session::new(self.model());
        s.run_text(self.schedule)?;
        Ok(s.world().clone())
    }
}

/// What the student is asked to do, with what the checker needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    /// Follow the pointers from each of these pages (by pfn) in the setup's world.
    ObjectGraph {
        /// The pages the chains start from.
        pages: &'static [u8],
    },
    /// The stability of each field under each guard, over every reachable step of these
    /// scenarios under the setup's code.
    StabilityTable {
        /// The scenarios walked.
        scenarios: &'static [&'static str],
    },
    /// Order the body of `func`: the first `fixed` lines stay in place, the rest start in the
    /// order `scrambled`; the explorer runs the order in each of `scenarios`.
    Order {
        /// The function.
        func: Func,
        /// Body lines that stay first (declarations the student does not move).
        fixed: &'static [Line],
        /// The movable lines, scrambled.
        scrambled: &'static [Line],
        /// The scenarios searched.
        scenarios: &'static [&'static str],
    },
    /// From the setup's code, toggle fixes and predict which of `kinds` remain reachable in at
    /// least one of `scenarios`.
    FixesPredict {
        /// The scenarios searched.
        scenarios: &'static [&'static str],
        /// The violation kinds to predict.
        kinds: &'static [ViolationKind],
    },
    /// Reach a violation of `kind` whose report matches the one the explorer's shortest
    /// schedule to `kind` prints (see [`report::matches`]).
    Report {
        /// The kind of the report shown.
        kind: ViolationKind,
    },
    /// From the setup's code, the fewest fix toggles that make the (scaled) model clean.
    Capstone,
}

/// One exercise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exercise {
    /// The stable name (`?exercise=NAME`).
    pub name: &'static str,
    /// A short title.
    pub title: &'static str,
    /// The state it starts from.
    pub setup: Setup,
    /// What the student reads.
    pub instructions: &'static str,
    /// What is asked, and what the checker needs.
    pub task: Task,
}

impl Exercise {
    /// Its kind.
    pub fn kind(&self) -> Kind {
        match self.task {
            Task::ObjectGraph { .. } => Kind::ObjectGraph,
            Task::StabilityTable { .. } => Kind::StabilityTable,
            Task::Order { .. } => Kind::Order,
            Task::FixesPredict { .. } => Kind::FixesPredict,
            Task::Report { .. } => Kind::Report,
            Task::Capstone => Kind::Capstone,
        }
    }
}

const fn setup(scenario: &'static str, variant: Variant, schedule: &'static str) -> Setup {
    Setup {
        scenario,
        variant,
        fixes: "",
        schedule,
        scale: None,
    }
}

/// Every exercise, in course order.
pub static EXERCISES: &[Exercise] = &[
    Exercise {
        name: "object-graph",
        title: "Follow the pointers: page → mapping → host → i_pages → entry → pfn",
        setup: setup("inode-reuse", Variant::Fixed, "mf*6,reuse*13"),
        instructions: "Memory failure (mf) has read page->mapping of its poisoned page (pfn 0) and keeps that pointer in its local `mapping`. Meanwhile XFS evicted the file and reused the inode's memory for another file, whose first page is pfn 1. Follow the pointers the kernel follows, starting from each page: page->mapping (an address_space, which lives inside an inode's memory), mapping->host (the inode), the inode's i_pages tree, the entry at page->index, and the pfn that entry maps. Pick each pointer among the objects of the state on screen, then Check: a wrong pick is told what that pointer really points at.",
        task: Task::ObjectGraph { pages: &[1, 0] },
    },
    Exercise {
        name: "stability-table",
        title: "Which guard keeps which field stable?",
        setup: setup("null-mapping", Variant::Fixed, "mf*3"),
        instructions: "Memory failure (mf) reads page->mapping without a lock and must make sure what it read stays true while it uses it. For each field below, tick every guard that keeps it stable: while mf holds that guard, no other thread can change the field. The model decides, over every reachable step of the freed-inode, null-mapping and inode-reuse scenarios under the fixed code. A tick on a guard that does not keep the field stable is answered with a counterexample: a schedule that changes the field while mf holds the guard, which you can replay.",
        task: Task::StabilityTable {
            scenarios: &["freed-inode", "null-mapping", "inode-reuse"],
        },
    },
    Exercise {
        name: "order-wait-entry-unlocked",
        title: "Put wait_entry_unlocked() back in order",
        setup: setup("self-deadlock", Variant::Fixed, ""),
        instructions: "55e56f06ed71 (\"dax: Don't access a freed inode\") gave dax_lock_mapping_entry() its own wait: it holds the i_pages lock, finds the entry locked, and calls wait_entry_unlocked(), which must queue itself on the entry's wait queue, drop the lock, sleep until the entry's holder wakes it, and leave the queue — never touching the mapping after the lock is dropped, since the inode may be freed then. Its four statements are scrambled below. Move them into order, then Run: the explorer searches every interleaving of memory failure (mf) and a fault holding the entry lock (the self-deadlock scenario under the fixed code), with wait_entry_unlocked() executing your order, and shows a violating schedule in the visualizer if there is one. The listing of mf shows your order.",
        task: Task::Order {
            func: Func::WaitEntryUnlocked,
            fixed: &[Line::WeWaitqueue],
            scrambled: &[
                Line::WeSchedule,
                Line::WeFinish,
                Line::WeUnlock,
                Line::WePrepare,
            ],
            scenarios: &["self-deadlock"],
        },
    },
    Exercise {
        name: "fixes-predict",
        title: "Toggle the fixes, predict what remains",
        setup: setup("freed-inode", Variant::V419, ""),
        instructions: "Start from v4.19 as released (the seed patch plus f52afc93cd01). Toggle upstream fixes, then tick every kind of violation you predict can still happen in at least one of the scenarios self-deadlock, null-mapping, freed-inode and truncate-wakeup. Check runs the explorer: a targeted search for each kind in each scenario under your code. Each kind it reaches comes with a replay link. It is solved when every prediction is right for code that still lets something happen: with every fix in force nothing can, and there is nothing to predict.",
        task: Task::FixesPredict {
            scenarios: &[
                "self-deadlock",
                "null-mapping",
                "freed-inode",
                "truncate-wakeup",
            ],
            kinds: &[
                ViolationKind::UseAfterFree,
                ViolationKind::NullDeref,
                ViolationKind::Deadlock,
                ViolationKind::LostWakeup,
                ViolationKind::SleepInAtomic,
            ],
        },
    },
    Exercise {
        name: "report-kasan",
        title: "KASAN: build the schedule behind a use-after-free report",
        setup: setup("freed-inode", Variant::V419, ""),
        instructions: "A v4.19 kernel built with KASAN, running the freed-inode scenario's threads (memory failure, a fault, the last iput() of the file, and RCU), printed the report below (an excerpt: the bug, the access, the call trace and who freed the memory; a real report also shows where the object was allocated, the cache it belongs to and a dump of shadow memory). 4.19's KASAN calls a freed slab object's bug \"use-after-free\"; kernels since Kuan-Ying Lee's 2023 patch \"kasan: infer allocation size by scanning metadata\" print \"slab-use-after-free\" for it. You are the scheduler: step the threads in the visualizer until your run ends in a violation that prints the same report (the same kind and the same text, whichever task it names), then Check.",
        task: Task::Report {
            kind: ViolationKind::UseAfterFree,
        },
    },
    Exercise {
        name: "report-hung-task",
        title: "Hung task: build the schedule behind a lost wake-up",
        setup: Setup {
            fixes: "c93db7bb6ef3",
            ..setup("lost-wakeup", Variant::V419, "")
        },
        instructions: "A v4.19 kernel with c93db7bb6ef3 (the NULL check) running the lost-wakeup scenario's threads (fsync's writeback, truncate and two memory failures on one page) printed the hung-task report below: khungtaskd prints it for a task that has slept in TASK_UNINTERRUPTIBLE, as the DAX entry waits do, for longer than hung_task_timeout_secs (120 seconds by default). You are the scheduler: step the threads in the visualizer until your run ends in a violation that prints the same report (the same kind and the same text, whichever task it names), then Check.",
        task: Task::Report {
            kind: ViolationKind::LostWakeup,
        },
    },
    Exercise {
        name: "report-lockup",
        title: "Lockup: build the schedule behind a hard lockup",
        setup: setup("self-deadlock", Variant::Seed, ""),
        instructions: "The seed patch running the self-deadlock scenario's threads (memory failure and a fault) printed the report below: lockdep's warning as the task takes a lock it already holds, then, since it spins with interrupts off, the NMI watchdog's hard-lockup report. You are the scheduler: step the threads in the visualizer until your run ends in a violation that prints the same report (the same kind and the same text, whichever task it names), then Check.",
        task: Task::Report {
            kind: ViolationKind::Deadlock,
        },
    },
    Exercise {
        name: "capstone-fewest-fixes",
        title: "Capstone: the fewest fixes that make freed-inode clean",
        setup: Setup {
            scale: Some(capstone::SCALE),
            ..setup("freed-inode", Variant::Seed, "")
        },
        instructions: "The visualizer shows a scaled freed-inode: two memory failures and two faults over a two-page file, the last iput() of the file and RCU, running the seed patch. Tick the fewest upstream fixes that make it clean — no violation in any interleaving — then Prove: the explorer searches every reachable state. You have solved it when the search proves your code clean with as few fixes as the explorer's own minimum.",
        task: Task::Capstone,
    },
];

/// The exercise called `name`.
pub fn exercise(name: &str) -> Option<&'static Exercise> {
    EXERCISES.iter().find(|e| e.name == name)
}

/// Every exercise's name: what `exercise=` accepts.
pub fn names() -> Vec<&'static str> {
    EXERCISES.iter().map(|e| e.name).collect()
}

/// A right-or-wrong answer with the reason, for a student.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the answer is right.
    pub right: bool,
    /// Why, in a sentence or two.
    pub says: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_every_kind_has_an_exercise() {
        let names = names();
        for (i, n) in names.iter().enumerate() {
            assert!(!names[..i].contains(n), "{n} twice");
            assert!(n.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{n}");
        }
        for k in Kind::ALL {
            assert!(EXERCISES.iter().any(|e| e.kind() == k), "{k:?}");
        }
    }

    /// The names lessons, the lab and teachers' notes link to (`?exercise=NAME`) are a
    /// contract: renaming one breaks links already handed out.
    #[test]
    fn the_linked_names_stay() {
        for n in [
            "object-graph",
            "stability-table",
            "order-wait-entry-unlocked",
            "fixes-predict",
            "report-kasan",
            "report-hung-task",
            "capstone-fewest-fixes",
        ] {
            assert!(exercise(n).is_some_and(|e| e.name == n), "{n}");
        }
    }

    #[test]
    fn every_setup_builds_and_its_schedule_runs() {
        for e in EXERCISES {
            assert!(
                e.setup.variant.code().with_fixes(e.setup.fixes).is_ok(),
                "{}",
                e.name
            );
            let m = e.setup.model();
            assert_eq!(m.scenario(), e.setup.scenario, "{}", e.name);
            assert_eq!(m.code(), e.setup.code(), "{}", e.name);
            let w = e
                .setup
                .world()
                .unwrap_or_else(|err| panic!("{}: {err}", e.name));
            assert!(!w.halted, "{}", e.name);
        }
    }
}
