//! Each scenario's story, replayed through the public `Session` API the UI and CLI use: the bug
//! shows under the variant that has it (kind, thread and line asserted), and the same story
//! under `fixed` ends without a violation.

use daxlab_core::{
    Line, Options, Outcome, SCENARIOS, Session, Variant, ViolationKind, WakeMode, scenario,
};

struct Case {
    scenario: &'static str,
    variant: Variant,
    wake: Option<WakeMode>,
    schedule: &'static str,
    expect: Expect,
}

enum Expect {
    Violation {
        kind: ViolationKind,
        thread: &'static str,
        line: Line,
    },
    Completed,
}

fn check(case: &Case) {
    let s = scenario(case.scenario).expect("scenario exists");
    let mut session = Session::new(s.model(Options {
        variant: case.variant,
        truncate_wake: case.wake,
    }));
    let ran = session.run_text(case.schedule);
    let what = format!(
        "{} under {} with {}",
        case.scenario, case.variant, case.schedule
    );
    assert!(ran.is_ok(), "{what}: {ran:?}");
    match (&case.expect, session.outcome()) {
        (Expect::Violation { kind, thread, line }, Outcome::Violation(v)) => {
            assert_eq!(v.kind, *kind, "{what}: {v:?}");
            assert_eq!(session.model().name(v.tid), *thread, "{what}");
            assert_eq!(v.line, *line, "{what}");
            assert!(!v.message.is_empty() && !v.report.is_empty());
        }
        (Expect::Completed, Outcome::Completed) => {}
        (_, got) => panic!("{what}: got {got:?}"),
    }
}

use Expect::*;

#[test]
fn seed_spins_on_its_own_i_pages_lock_after_eagain_and_v4_19_does_not() {
    check(&Case {
        scenario: "self-deadlock",
        variant: Variant::Seed,
        wake: None,
        schedule: "fault*4,mf*14,fault*5,mf*9",
        expect: Violation {
            kind: ViolationKind::Deadlock,
            thread: "mf",
            line: Line::DlXaLock,
        },
    });
    check(&Case {
        scenario: "self-deadlock",
        variant: Variant::V419,
        wake: None,
        schedule: "fault*4,mf*14,fault*5,mf*29",
        expect: Completed,
    });
    check(&Case {
        scenario: "self-deadlock",
        variant: Variant::Fixed,
        wake: None,
        schedule: "fault*4,mf*14,fault*5,mf*27",
        expect: Completed,
    });
}

#[test]
fn a_null_page_mapping_oopses_in_dax_mapping_until_the_null_check() {
    check(&Case {
        scenario: "null-mapping",
        variant: Variant::Seed,
        wake: None,
        schedule: "trunc*6,mf*4",
        expect: Violation {
            kind: ViolationKind::NullDeref,
            thread: "mf",
            line: Line::DlDaxMapping,
        },
    });
    check(&Case {
        scenario: "null-mapping",
        variant: Variant::V419,
        wake: None,
        schedule: "fault*4,mf*14,fault*5,trunc*6,mf*7",
        expect: Violation {
            kind: ViolationKind::NullDeref,
            thread: "mf",
            line: Line::DlDaxMapping,
        },
    });
    check(&Case {
        scenario: "null-mapping",
        variant: Variant::Fixed,
        wake: None,
        schedule: "fault*4,mf*14,fault*5,trunc*6,mf*7",
        expect: Completed,
    });
    check(&Case {
        scenario: "null-mapping",
        variant: Variant::Fixed,
        wake: None,
        schedule: "trunc*6,mf*6,fault*13",
        expect: Completed,
    });
}

#[test]
fn memory_failure_takes_the_lock_of_a_freed_inode_after_sleeping_outside_rcu() {
    check(&Case {
        scenario: "freed-inode",
        variant: Variant::V419,
        wake: None,
        schedule: "fault*4,mf*14,fault*5,evict*10,rcu*3,mf*4",
        expect: Violation {
            kind: ViolationKind::UseAfterFree,
            thread: "mf",
            line: Line::GuLock,
        },
    });
    check(&Case {
        scenario: "freed-inode",
        variant: Variant::Seed,
        wake: None,
        schedule: "fault*4,mf*14,fault*5,evict*10,rcu*3,mf*4",
        expect: Violation {
            kind: ViolationKind::UseAfterFree,
            thread: "mf",
            line: Line::GuLock,
        },
    });
    check(&Case {
        scenario: "freed-inode",
        variant: Variant::NoRcu,
        wake: None,
        schedule: "fault*9,mf*3,evict*10,rcu*3,mf",
        expect: Violation {
            kind: ViolationKind::UseAfterFree,
            thread: "mf",
            line: Line::DlHost,
        },
    });
    check(&Case {
        scenario: "freed-inode",
        variant: Variant::Fixed,
        wake: None,
        schedule: "fault*4,mf*14,fault*5,evict*10,rcu*3,mf*7",
        expect: Completed,
    });
}

#[test]
fn rcu_keeps_the_inode_alive_while_memory_failure_reads_it() {
    // Same interleaving as the no-rcu story: with RCU the grace period waits for mf.
    let s = scenario("freed-inode").unwrap();
    let mut session = Session::new(s.model(Options::new(Variant::Fixed)));
    session.run_text("fault*9,mf*4,evict*10,rcu").unwrap();
    let rcu = session.model().tid("rcu").unwrap();
    assert!(
        session.step(rcu).is_err(),
        "the grace period must wait for mf"
    );
    let mf = session.model().tid("mf").unwrap();
    while session.step(mf).is_ok() {}
    assert_eq!(session.results()[0].1.map(|r| r.word()), Some("Failed"));
    session.run_text("rcu*2").unwrap();
    assert_eq!(session.outcome(), Outcome::Completed);
    assert!(session.world().inodes[0].is_freed());
}

#[test]
fn an_exclusive_waiter_that_gives_up_strands_the_next_waiter() {
    check(&Case {
        scenario: "lost-wakeup",
        variant: Variant::ExclusiveWait,
        wake: None,
        schedule: "fault*4,trunc*5,mf*14,fault2*5,fault*5,trunc*8,mf*7",
        expect: Violation {
            kind: ViolationKind::LostWakeup,
            thread: "fault2",
            line: Line::GuSchedule,
        },
    });
    for wake in [None, Some(WakeMode::One), Some(WakeMode::All)] {
        check(&Case {
            scenario: "lost-wakeup",
            variant: Variant::Fixed,
            wake,
            schedule: "fault*4,trunc*5,mf*14,fault2*5,fault*5,trunc*8,mf*7,fault2*15",
            expect: Completed,
        });
    }
}

#[test]
fn truncate_waking_one_strands_the_third_invalidator_and_waking_all_does_not() {
    check(&Case {
        scenario: "truncate-wakeup",
        variant: Variant::V419,
        wake: None,
        schedule: "fault*4,trunc*5,trunc2*5,trunc3*5,fault*5,trunc*8,trunc2*6",
        expect: Violation {
            kind: ViolationKind::LostWakeup,
            thread: "trunc3",
            line: Line::EwSchedule,
        },
    });
    check(&Case {
        scenario: "truncate-wakeup",
        variant: Variant::Fixed,
        wake: Some(WakeMode::One),
        schedule: "fault*4,trunc*5,trunc2*5,trunc3*5,fault*5,trunc*8,trunc2*6",
        expect: Violation {
            kind: ViolationKind::LostWakeup,
            thread: "trunc3",
            line: Line::GuSchedule,
        },
    });
    check(&Case {
        scenario: "truncate-wakeup",
        variant: Variant::Fixed,
        wake: None,
        schedule: "fault*4,trunc*5,trunc2*5,trunc3*5,fault*5,trunc*8,trunc2*6,trunc3*6",
        expect: Completed,
    });
}

#[test]
fn without_the_recheck_memory_failure_locks_the_recycled_inodes_entry() {
    check(&Case {
        scenario: "inode-reuse",
        variant: Variant::NoRecheck,
        wake: None,
        schedule: "mf*6,reuse*13,mf*4",
        expect: Violation {
            kind: ViolationKind::WrongEntryLocked,
            thread: "mf",
            line: Line::DlLockSlot,
        },
    });
    check(&Case {
        scenario: "inode-reuse",
        variant: Variant::Fixed,
        wake: None,
        schedule: "mf*6,reuse*13,mf*7",
        expect: Completed,
    });
}

#[test]
fn device_dax_returns_true_without_an_entry_lock_and_unbind_waits_for_the_pin() {
    check(&Case {
        scenario: "device-dax",
        variant: Variant::Fixed,
        wake: None,
        schedule: "mf*6,unbind,mf*9,unbind*2",
        expect: Completed,
    });
    let s = scenario("device-dax").unwrap();
    let mut session = Session::new(s.model(Options::new(Variant::Seed)));
    session.run_text("mf*6,unbind").unwrap();
    let err = session.run_text("unbind").unwrap_err().to_string();
    assert!(err.contains("waiting for 1 dev_pagemap reference"), "{err}");
    // Unbinding first: get_dev_pagemap() fails and memory failure is ignored.
    let mut session = Session::new(s.model(Options::new(Variant::Seed)));
    session.run_text("unbind,mf,unbind*2").unwrap();
    assert_eq!(session.outcome(), Outcome::Completed);
    assert_eq!(
        session.results()[0].1.map(|r| r.word()),
        Some("Ignored (-ENXIO)")
    );
}

#[test]
fn a_keyed_wake_passes_over_a_colliding_waiter() {
    check(&Case {
        scenario: "hash-collision",
        variant: Variant::Fixed,
        wake: None,
        schedule: "fault*4,fault2*4,mf*14,trunc*5,fault2*5,trunc*8,fault*5,mf*27",
        expect: Completed,
    });
    let s = scenario("hash-collision").unwrap();
    let mut session = Session::new(s.model(Options::new(Variant::Fixed)));
    session
        .run_text("fault*4,fault2*4,mf*14,trunc*5,fault2*5")
        .unwrap();
    let w = session.world();
    let mf = session.model().tid("mf").unwrap();
    let trunc = session.model().tid("trunc").unwrap();
    assert!(
        w.queued(mf).is_some(),
        "mf still queued: the wake for another key passed it by"
    );
    assert!(
        w.queued(trunc).is_none() && w.thread(trunc).running,
        "trunc was woken"
    );
    assert!(
        session
            .last_event()
            .unwrap()
            .narration
            .contains("passes over mf")
    );
}

#[test]
fn every_scenario_has_a_story_that_replays_as_declared() {
    for s in SCENARIOS {
        assert!(!s.stories.is_empty(), "{}", s.name);
        for story in s.stories {
            let mut session = Session::new(s.model(Options::new(story.variant)));
            session
                .run_text(story.schedule)
                .unwrap_or_else(|e| panic!("{} {}: {e}", s.name, story.variant));
            let got = match session.outcome() {
                Outcome::Violation(v) => Some(v.kind),
                Outcome::Completed => None,
                Outcome::Running => panic!("{} {}: story does not finish", s.name, story.variant),
            };
            assert_eq!(got, story.expect, "{} {}", s.name, story.variant);
        }
    }
}

#[test]
fn a_violation_stops_the_run() {
    let s = scenario("self-deadlock").unwrap();
    let mut session = Session::new(s.model(Options::new(Variant::Seed)));
    session.run_text("fault*4,mf*14,fault*5,mf*9").unwrap();
    assert!(session.model().runnable(session.world()).is_empty());
    let err = session.run_text("mf").unwrap_err().to_string();
    assert!(err.contains("stopped at a violation"), "{err}");
}
