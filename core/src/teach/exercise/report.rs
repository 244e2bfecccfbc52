//! Given a kernel report, build a schedule that produces it. The report shown is what
//! [`crate::words::report`] prints for the violation the explorer's shortest schedule to the
//! exercise's kind ends in — real model output, and no steps. A student's run matches when it
//! ends in a violation of the same kind whose report is the same text once every task name is
//! replaced by one placeholder ([`matches()`]).

use super::Verdict;
use crate::explore::{Config, Search, Serial};
use crate::model::Model;
use crate::violation::{Violation, ViolationKind};
use alloc::format;
use alloc::string::String;

/// The bound on the search for the target.
pub const MAX_STATES: u64 = 2_000_000;

/// The placeholder every task name becomes before reports are compared.
pub const TASK: &str = "TASK";

/// The report a student must reproduce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The violation the explorer reached first (a shortest schedule ends in it).
    pub violation: Violation,
    /// The report the kernel would print for it, as shown to the student.
    pub report: String,
    /// States the explorer visited to find it.
    pub states: u64,
}

/// The explorer's shortest violation of `kind` in `model`, with its report; `None` when no
/// schedule reaches `kind` within the bound.
pub fn target(model: &Model, kind: ViolationKind) -> Option<Target> {
    let config = Config {
        target: Some(kind),
        max_states: MAX_STATES,
        ..Config::default()
    };
    let e = Search::new(model.clone(), config).finish(&Serial);
    let found = e.found?;
    Some(Target {
        report: crate::words::report(model, &found.violation),
        violation: found.violation,
        states: e.states,
    })
}

/// `model` with every thread called [`TASK`].
fn anonymous(model: &Model) -> Model {
    let mut m = model.clone();
    for t in &mut m.threads {
        t.name = TASK.into();
    }
    m
}

/// The report of `v` with every task name replaced by [`TASK`].
pub fn normalized(model: &Model, v: &Violation) -> String {
    crate::words::report(&anonymous(model), v)
}

/// Whether `got` (the student's violation, in `model`) prints the target's report: the same
/// kind and the same normalized text. The verdict says where they differ.
pub fn matches(model: &Model, target: &Target, got: Option<&Violation>) -> Verdict {
    let want = &target.violation;
    let Some(got) = got else {
        return Verdict {
            right: false,
            says: String::from(
                "Your run has not ended in a violation yet: keep stepping threads (or step back and try another one).",
            ),
        };
    };
    if got.kind != want.kind {
        return Verdict {
            right: false,
            says: format!(
                "Your run ended in {}, not {}: a different report. Step back and try another interleaving.",
                got.kind.name(),
                want.kind.name()
            ),
        };
    }
    let (a, b) = (normalized(model, got), normalized(model, want));
    if a == b {
        return Verdict {
            right: true,
            says: format!(
                "Match: your run ends in {} and the kernel prints this very report.",
                got.kind.name()
            ),
        };
    }
    let differ = a.lines().zip(b.lines()).find(|(x, y)| x != y).map_or_else(
        || String::from("one report is longer than the other"),
        |(x, y)| {
            format!(
                "yours says \"{}\" where the target says \"{}\"",
                x.trim(),
                y.trim()
            )
        },
    );
    Verdict {
        right: false,
        says: format!(
            "Same kind ({}), but not the same report: {differ}. The violation happens elsewhere in the code.",
            got.kind.name()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::teach::exercise::reach;
    use crate::teach::exercise::{EXERCISES, Task};
    use crate::{Outcome, Session};
    use alloc::vec::Vec;

    fn report_exercises() -> Vec<(&'static crate::teach::exercise::Exercise, ViolationKind)> {
        EXERCISES
            .iter()
            .filter_map(|e| match e.task {
                Task::Report { kind } => Some((e, kind)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_targets_are_model_output_of_the_three_report_kinds() {
        let rs = report_exercises();
        assert_eq!(rs.len(), 3);
        for (e, kind) in rs {
            let m = e.setup.model();
            let t = target(&m, kind).unwrap_or_else(|| panic!("{} unreachable", e.name));
            assert_eq!(t.violation.kind, kind);
            assert_eq!(t.report, crate::words::report(&m, &t.violation));
            // The report gives away no schedule: no thread name followed by a repeat count.
            for spec in m.threads() {
                assert!(!t.report.contains(&format!("{}*", spec.name)), "{}", e.name);
            }
            // The kernel's own formats (kernel-history.md §16), as the instructions describe
            // them: 4.19's KASAN bug type, the hung-task line with its default 120 s, lockdep's
            // header followed by the NMI watchdog's line.
            let lines: &[&str] = match kind {
                ViolationKind::UseAfterFree => &[
                    "BUG: KASAN: use-after-free in ",
                    // %px: the address without 0x.
                    " at addr ffff",
                    " by task ",
                ],
                ViolationKind::LostWakeup => &[
                    "INFO: task ",
                    " blocked for more than 120 seconds.\n\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.",
                ],
                _ => &[
                    "WARNING: possible recursive locking detected",
                    "NMI watchdog: Watchdog detected hard LOCKUP on cpu ",
                ],
            };
            for l in lines {
                assert!(t.report.contains(l), "{}: {l:?} in {}", e.name, t.report);
            }
            assert!(!t.report.contains("slab-use-after-free"), "not a 4.19 name");
            let says = match kind {
                ViolationKind::UseAfterFree => "\"use-after-free\"",
                ViolationKind::LostWakeup => "120 seconds",
                _ => "hard-lockup",
            };
            assert!(e.instructions.contains(says), "{}", e.name);
        }
    }

    /// Every violation of the target's kind reachable in the exercise's scenario, by its
    /// normalized report: at least the target's, and a match exactly when the text is equal.
    #[test]
    fn the_matching_rule_ignores_task_names_and_nothing_else() {
        let mut saw_other_text = false;
        let mut saw_other_task = false;
        for (e, kind) in report_exercises() {
            let m = e.setup.model();
            let t = target(&m, kind).unwrap();
            let mut matched = 0;
            reach::walk(&m, 200_000, |_, tr| {
                let Some(v) = &tr.event.violation else {
                    return;
                };
                let verdict = matches(&m, &t, Some(v));
                let same_text = v.kind == kind && normalized(&m, v) == normalized(&m, &t.violation);
                assert_eq!(verdict.right, same_text, "{}: {verdict:?}", e.name);
                if verdict.right {
                    matched += 1;
                    saw_other_task |= v.tid != t.violation.tid;
                } else if v.kind == kind {
                    saw_other_text = true;
                    assert!(
                        verdict.says.contains("not the same report"),
                        "{}",
                        verdict.says
                    );
                }
            });
            assert!(matched > 0, "{}", e.name);
        }
        // The rule was exercised both ways: another task printing the same report matches; the
        // same kind with other text does not.
        assert!(saw_other_task && saw_other_text);
    }

    #[test]
    fn a_students_run_is_judged_by_its_outcome() {
        let (e, kind) = report_exercises()[0];
        let m = e.setup.model();
        let t = target(&m, kind).unwrap();
        assert!(!matches(&m, &t, None).right);
        // The explorer's own schedule, replayed as a student would step it, matches.
        let found = Search::new(
            m.clone(),
            Config {
                target: Some(kind),
                ..Config::default()
            },
        )
        .finish(&Serial)
        .found
        .unwrap();
        let mut s = Session::new(m.clone());
        s.run(&found.schedule).unwrap();
        let Outcome::Violation(v) = s.outcome() else {
            panic!()
        };
        assert!(matches(&m, &t, Some(&v)).right);
    }
}
