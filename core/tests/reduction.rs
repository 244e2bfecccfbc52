//! Reductions keep verdicts: for every scenario × variant × truncate wake mode (and scaled
//! `freed-inode` sizes, symmetric ones included), and for every violation kind as the target, a
//! search with `por` and with `por+symmetry` finds a violation exactly when the full search does,
//! and its counterexample replays through a `Session` to the violation it reports.

use daxlab_core::explore::{Config, Exploration, Reduction, explore};
use daxlab_core::scenario::{Scale, scaled};
use daxlab_core::{Model, Options, Outcome, SCENARIOS, Session, Variant, ViolationKind, WakeMode};

fn search(model: &Model, target: Option<ViolationKind>, reduction: Reduction) -> Exploration {
    explore(
        model,
        Config {
            target,
            reduction,
            ..Config::default()
        },
    )
}

/// The counterexample replays to the violation the search reports (kind, thread and line).
fn replays(model: &Model, r: &Exploration, what: &str) {
    let Some(found) = &r.found else { return };
    let mut session = Session::new(model.clone());
    session
        .run(&found.schedule)
        .unwrap_or_else(|e| panic!("{what}: counterexample does not replay: {e}"));
    match session.outcome() {
        Outcome::Violation(v) => {
            assert_eq!(v.kind, found.violation.kind, "{what}");
            assert_eq!(v.tid, found.violation.tid, "{what}");
            assert_eq!(v.line, found.violation.line, "{what}");
        }
        other => panic!("{what}: replay ended {other:?}"),
    }
}

fn compare(model: &Model, label: &str, targets: &[Option<ViolationKind>]) {
    for &target in targets {
        let full = search(model, target, Reduction::None);
        assert!(
            full.complete || full.found.is_some(),
            "{label}: full search bounded"
        );
        for reduction in [Reduction::Por, Reduction::PorSymmetry] {
            let what = format!("{label} target {target:?} {reduction}");
            let r = search(model, target, reduction);
            assert_eq!(
                r.found.is_some(),
                full.found.is_some(),
                "{what}: verdicts differ (full {:?}, reduced {:?})",
                full.found.as_ref().map(|f| f.violation.kind),
                r.found.as_ref().map(|f| f.violation.kind)
            );
            if let (Some(k), Some(f)) = (target, &r.found) {
                assert_eq!(f.violation.kind, k, "{what}");
            }
            assert!(r.complete || r.found.is_some(), "{what}: bounded");
            if r.found.is_none() {
                assert!(
                    r.states <= full.states,
                    "{what}: more states than the full search"
                );
            }
            replays(model, &r, &what);
        }
    }
}

#[test]
fn every_built_in_scenario_keeps_its_verdicts_under_every_reduction() {
    for s in SCENARIOS {
        for v in Variant::ALL {
            for wake in WakeMode::ALL {
                let model = s.model(Options {
                    variant: v,
                    truncate_wake: Some(wake),
                    code: None,
                });
                let every: Vec<Option<ViolationKind>> = std::iter::once(None)
                    .chain(ViolationKind::ALL.into_iter().map(Some))
                    .collect();
                compare(&model, &format!("{} {v} {}", s.name, wake.name()), &every);
            }
        }
    }
}

#[test]
fn scaled_scenarios_keep_their_verdicts_under_every_reduction() {
    // (2,1) has interchangeable threads (two memory failures of page 0, two faults on index 0).
    // Any violation, and the use-after-free the scenario is about (every kind is compared on
    // the built-in scenarios above; these searches are a thousand times larger).
    let targets = [None, Some(ViolationKind::UseAfterFree)];
    for (threads, pages) in [(1, 1), (2, 1), (2, 2)] {
        for v in Variant::ALL {
            let model = scaled(Scale { threads, pages }, Options::new(v)).expect("fits");
            compare(
                &model,
                &format!("freed-inode/{threads}x{pages} {v}"),
                &targets,
            );
        }
    }
}

#[test]
fn reductions_explore_fewer_states_on_the_scaled_scenario() {
    let model = scaled(
        Scale {
            threads: 2,
            pages: 1,
        },
        Options::new(Variant::Fixed),
    )
    .expect("fits");
    let none = search(&model, None, Reduction::None);
    let por = search(&model, None, Reduction::Por);
    let sym = search(&model, None, Reduction::PorSymmetry);
    assert!(none.complete && por.complete && sym.complete);
    assert!(
        por.states < none.states,
        "{} vs {}",
        por.states,
        none.states
    );
    assert!(sym.states < por.states, "{} vs {}", sym.states, por.states);
    assert_eq!(sym.reduction, Reduction::PorSymmetry);
}

#[test]
fn the_fewest_preemption_counterexample_has_no_rival_with_fewer() {
    use daxlab_core::preempt::{count, fewest_preemptions};
    for (name, variant, kind) in [
        (
            "lost-wakeup",
            Variant::ExclusiveWait,
            ViolationKind::LostWakeup,
        ),
        ("freed-inode", Variant::V419, ViolationKind::UseAfterFree),
        ("self-deadlock", Variant::Seed, ViolationKind::Deadlock),
    ] {
        let model = daxlab_core::scenario(name)
            .unwrap()
            .model(Options::new(variant));
        let start = model.initial();
        let b = fewest_preemptions(&model, &start, Some(kind), 12, 1_000_000);
        let f = b.found.expect("found");
        assert_eq!(f.violation.kind, kind, "{name}");
        assert_eq!(count(&model, &start, &f.schedule), Some(f.preemptions));
        let mut session = Session::new(model.clone());
        session.run(&f.schedule).expect("replays");
        assert!(matches!(session.outcome(), Outcome::Violation(v) if v.kind == kind));
        if f.preemptions > 0 {
            let fewer =
                fewest_preemptions(&model, &start, Some(kind), f.preemptions - 1, 1_000_000);
            assert!(fewer.found.is_none() && fewer.complete, "{name}");
        }
        // The shortest counterexample needs at least as many preemptions.
        let shortest = search(&model, Some(kind), Reduction::None).found.unwrap();
        assert!(count(&model, &start, &shortest.schedule).unwrap() >= f.preemptions);
    }
}
