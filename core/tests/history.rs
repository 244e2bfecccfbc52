//! The kernel history the app teaches, asserted by search (no hand-written schedule): for every
//! preset and scenario, the verdict of the complete search, and for each bug the upstream
//! commit whose addition removes it. A preset is the seed plus real commits; `fixes` adds one.

use daxlab_core::code::{Code, Fix};
use daxlab_core::explore::{Config, explore};
use daxlab_core::{Options, Outcome, SCENARIOS, Session, Variant, ViolationKind, scenario};

use ViolationKind::*;

/// The first violation a complete search finds (any kind), or None when the space is clean.
fn verdict(name: &str, code: Code, target: Option<ViolationKind>) -> Option<ViolationKind> {
    let model = scenario(name).unwrap().model(Options {
        variant: Variant::Seed,
        code: Some(code),
        truncate_wake: None,
    });
    let r = explore(
        &model,
        Config {
            target,
            ..Config::default()
        },
    );
    match &r.found {
        Some(f) => {
            // The counterexample replays through the Session API the page uses.
            let mut s = Session::new(model.clone());
            s.run(&f.schedule).expect("replays");
            assert!(matches!(s.outcome(), Outcome::Violation(v) if v.kind == f.violation.kind));
            Some(f.violation.kind)
        }
        None => {
            assert!(r.complete, "{name} under {code}: incomplete search");
            None
        }
    }
}

const PRESETS: [Variant; 4] = [Variant::Seed, Variant::V419, Variant::V419y, Variant::Fixed];

#[test]
fn every_preset_and_scenario_has_the_verdict_history_says() {
    // (scenario, [seed, v4.19, v4.19.y, fixed]): the first violation found, or None.
    let table: [(&str, [Option<ViolationKind>; 4]); 8] = [
        ("self-deadlock", [Some(Deadlock), None, None, None]),
        (
            "null-mapping",
            [Some(NullDeref), Some(NullDeref), None, None],
        ),
        (
            "freed-inode",
            [Some(NullDeref), Some(NullDeref), None, None],
        ),
        (
            "lost-wakeup",
            [Some(NullDeref), Some(NullDeref), None, None],
        ),
        (
            "truncate-wakeup",
            [Some(LostWakeup), Some(LostWakeup), Some(LostWakeup), None],
        ),
        (
            "inode-reuse",
            [Some(NullDeref), Some(NullDeref), None, None],
        ),
        ("device-dax", [None, None, None, None]),
        ("hash-collision", [Some(Deadlock), None, None, None]),
    ];
    assert_eq!(table.len(), SCENARIOS.len());
    for (name, row) in table {
        for (preset, want) in PRESETS.iter().zip(row) {
            assert_eq!(
                verdict(name, preset.code(), None),
                want,
                "{name} under {preset}"
            );
        }
    }
}

#[test]
fn each_bug_is_removed_by_its_commit() {
    let v419 = Variant::V419.code();
    // (scenario, the bug, the code that has it, the commit that removes it)
    let cases: [(&str, ViolationKind, Code, Fix); 6] = [
        ("self-deadlock", Deadlock, Code::SEED, Fix::DropLockOnEagain),
        ("null-mapping", NullDeref, v419, Fix::NullMappingCheck),
        // The freed inode needs more than the NULL check: 55e56f06ed71's wait_entry_unlocked().
        (
            "freed-inode",
            UseAfterFree,
            v419.with(Fix::NullMappingCheck),
            Fix::WaitEntryUnlocked,
        ),
        // v4.19's exclusive waiter that gives up: hidden by the NULL dereference until
        // c93db7bb6ef3; 55e56f06ed71's first form (as modelled: its text is not in our
        // sources) passes mf's own wake-up on, but another exclusive waiter that gives up can
        // still strand it, until d8a706414af4 makes memory failure wait non-exclusively.
        (
            "lost-wakeup",
            LostWakeup,
            v419.with(Fix::NullMappingCheck)
                .with(Fix::WaitEntryUnlocked),
            Fix::NonExclusiveWait,
        ),
        // The invalidation wake-one (since ac401cc78242) survives every 4.19.y fix.
        (
            "truncate-wakeup",
            LostWakeup,
            Variant::V419y.code(),
            Fix::WakeAllOnInvalidate,
        ),
        ("inode-reuse", NullDeref, v419, Fix::NullMappingCheck),
    ];
    for (name, bug, code, fix) in cases {
        assert_eq!(
            verdict(name, code, Some(bug)),
            Some(bug),
            "{name} under {code}"
        );
        assert_eq!(
            verdict(name, code.with(fix), Some(bug)),
            None,
            "{name}: {} does not remove {bug}",
            fix.commit()
        );
    }
}

#[test]
fn v4_19_with_only_the_null_check_shows_the_lost_wakeup_the_oops_hid() {
    let v419 = Variant::V419.code();
    assert_eq!(verdict("lost-wakeup", v419, None), Some(NullDeref));
    assert_eq!(
        verdict("lost-wakeup", v419.with(Fix::NullMappingCheck), None),
        Some(LostWakeup)
    );
    // 55e56f06ed71's first form, as modelled, waits exclusively and passes its own wake-up on; a writeback
    // that finds no entry still strands an exclusive waiter (the invalidation wake-one).
    // d8a706414af4's non-exclusive wait means every wake-up reaches memory failure.
    let first_form = v419
        .with(Fix::NullMappingCheck)
        .with(Fix::WaitEntryUnlocked);
    assert_eq!(
        verdict("lost-wakeup", first_form, Some(LostWakeup)),
        Some(LostWakeup)
    );
    assert_eq!(
        verdict(
            "lost-wakeup",
            first_form.with(Fix::NonExclusiveWait),
            Some(LostWakeup)
        ),
        None
    );
}

#[test]
fn the_teaching_ablations_break_what_their_safeguard_protects() {
    assert_eq!(
        verdict("inode-reuse", Variant::NoRecheck.code(), None),
        Some(WrongEntryLocked)
    );
    assert_eq!(
        verdict("freed-inode", Variant::NoRcu.code(), Some(UseAfterFree)),
        Some(UseAfterFree)
    );
    assert_eq!(
        verdict("lost-wakeup", Variant::ExclusiveWait.code(), None),
        Some(LostWakeup)
    );
    assert_eq!(
        verdict("freed-inode", Variant::SleepInRcu.code(), None),
        Some(SleepInAtomic)
    );
    for v in Variant::ALL {
        assert_eq!(
            v.shipped(),
            v.release() != "never shipped: a teaching ablation",
            "{v}"
        );
        assert_eq!(
            !v.shipped(),
            v.summary().contains("never shipped"),
            "{v}: an ablation says so"
        );
    }
}

#[test]
fn fixed_is_complete_and_clean_everywhere() {
    for s in SCENARIOS {
        assert_eq!(
            verdict(s.name, Variant::Fixed.code(), None),
            None,
            "{}",
            s.name
        );
    }
}
