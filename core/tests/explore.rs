//! The acceptance table of the explorer (kernel-notes §4–5): each row is asserted by search,
//! never by a hand-written schedule, and every counterexample is replayed through the same
//! `Session` API the UI uses to the same violation.

use daxlab_core::explore::{Bound, Config, Exploration, Search, Serial, explore};
use daxlab_core::{
    Options, Outcome, SCENARIOS, Session, Variant, ViolationKind, WakeMode, scenario,
};

fn search(
    name: &str,
    variant: Variant,
    wake: Option<WakeMode>,
    target: Option<ViolationKind>,
) -> (Exploration, daxlab_core::Model) {
    let model = scenario(name).expect("built-in scenario").model(Options {
        variant,
        truncate_wake: wake,
        code: None,
    });
    let config = Config {
        target,
        ..Config::default()
    };
    (explore(&model, config), model)
}

/// Search, expect `kind`, and replay the counterexample through a `Session`.
fn finds(
    name: &str,
    variant: Variant,
    wake: Option<WakeMode>,
    target: Option<ViolationKind>,
    kind: ViolationKind,
) -> usize {
    let what = format!("{name} under {variant} (target {target:?}, wake {wake:?})");
    let (result, model) = search(name, variant, wake, target);
    let found = result
        .found
        .unwrap_or_else(|| panic!("{what}: nothing found in {} states", result.states));
    assert_eq!(found.violation.kind, kind, "{what}: {:?}", found.violation);

    let mut session = Session::new(model.clone());
    session
        .run(&found.schedule)
        .unwrap_or_else(|e| panic!("{what}: counterexample does not replay: {e:?}"));
    match session.outcome() {
        Outcome::Violation(v) => {
            assert_eq!(v.kind, kind, "{what}");
            assert_eq!(v.tid, found.violation.tid, "{what}");
            assert_eq!(v.line, found.violation.line, "{what}");
        }
        other => panic!("{what}: replay ended {other:?}"),
    }
    // The printed schedule text replays too (what `daxlab run --schedule` and the URL carry).
    let text = session.schedule_text();
    let mut again = Session::new(model.clone());
    again.run_text(&text).expect("schedule text replays");
    assert!(matches!(again.outcome(), Outcome::Violation(v) if v.kind == kind));

    // Shortest: nothing of this kind within one step less.
    let shorter = explore(
        &model,
        Config {
            target: Some(kind),
            max_depth: found.schedule.len() as u32 - 1,
            ..Config::default()
        },
    );
    assert!(shorter.found.is_none(), "{what}: a shorter schedule exists");
    found.schedule.len()
}

/// Search and expect no violation (of `target`, or of any kind) over the whole space.
fn clean(name: &str, variant: Variant, wake: Option<WakeMode>, target: Option<ViolationKind>) {
    let (result, _) = search(name, variant, wake, target);
    assert!(
        result.found.is_none(),
        "{name} under {variant}: found {:?}",
        result.found
    );
    assert!(
        result.complete,
        "{name} under {variant}: {:?}",
        result.bound
    );
    assert!(result.states > 1);
}

use ViolationKind::*;

#[test]
fn seed_deadlocks_dereferences_null_and_uses_a_freed_inode() {
    finds("self-deadlock", Variant::Seed, None, None, Deadlock);
    finds("null-mapping", Variant::Seed, None, None, NullDeref);
    finds(
        "freed-inode",
        Variant::Seed,
        None,
        Some(UseAfterFree),
        UseAfterFree,
    );
}

#[test]
fn v4_19_never_deadlocks_but_still_null_derefs_and_uses_after_free() {
    for s in SCENARIOS {
        clean(s.name, Variant::V419, None, Some(Deadlock));
    }
    finds("null-mapping", Variant::V419, None, None, NullDeref);
    finds(
        "freed-inode",
        Variant::V419,
        None,
        Some(UseAfterFree),
        UseAfterFree,
    );
}

#[test]
fn fixed_is_clean_over_every_built_in_state_space() {
    for s in SCENARIOS {
        clean(s.name, Variant::Fixed, None, None);
    }
}

#[test]
fn each_regression_variant_finds_its_bug() {
    finds(
        "inode-reuse",
        Variant::NoRecheck,
        None,
        None,
        WrongEntryLocked,
    );
    finds(
        "freed-inode",
        Variant::NoRcu,
        None,
        Some(UseAfterFree),
        UseAfterFree,
    );
    finds(
        "lost-wakeup",
        Variant::ExclusiveWait,
        None,
        Some(LostWakeup),
        LostWakeup,
    );
}

#[test]
fn truncate_wake_one_loses_a_wakeup_and_wake_all_does_not() {
    for v in [Variant::Seed, Variant::V419, Variant::Fixed] {
        finds(
            "truncate-wakeup",
            v,
            Some(WakeMode::One),
            Some(LostWakeup),
            LostWakeup,
        );
        clean("truncate-wakeup", v, Some(WakeMode::All), Some(LostWakeup));
    }
}

#[test]
fn a_search_in_slices_matches_one_search_to_the_end() {
    let model = scenario("lost-wakeup")
        .unwrap()
        .model(Options::new(Variant::Fixed));
    let whole = explore(&model, Config::default());
    let mut sliced = Search::new(model, Config::default());
    let mut rounds = 0;
    let result = loop {
        rounds += 1;
        if let Some(r) = sliced.run(97, &Serial) {
            break r.clone();
        }
    };
    assert!(rounds > 10);
    assert_eq!(result, whole);
}

#[test]
fn bounds_end_the_search_as_incomplete_and_say_which() {
    let model = scenario("lost-wakeup")
        .unwrap()
        .model(Options::new(Variant::Fixed));
    let r = explore(
        &model,
        Config {
            max_states: 100,
            ..Config::default()
        },
    );
    assert!(!r.complete);
    assert_eq!(r.bound, Some(Bound::MaxStates));
    assert_eq!(r.states, 100);
    let r = explore(
        &model,
        Config {
            max_depth: 5,
            ..Config::default()
        },
    );
    assert!(!r.complete);
    assert_eq!(r.bound, Some(Bound::MaxDepth));
    assert!(r.bytes_per_state() > 0.0);
}
