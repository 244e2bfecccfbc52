//! Graded predictions against independent observations of the model: every question posed
//! along seeded random runs of every scenario under every release is checked against what
//! stepping the world (or the run's RCU history, or random runs) shows, by another route than
//! the one `predict` takes.

use daxlab_core::scheduler::{Scheduler, Uniform};
use daxlab_core::teach::predict::{Ask, Question, Show, mapping_words, pose, tasks};
use daxlab_core::{Fact, Model, Options, SCENARIOS, Session, Tid, Variant, ViolationKind, World};
use std::collections::BTreeSet;

const RELEASES: [Variant; 4] = [Variant::Seed, Variant::V419, Variant::V419y, Variant::Fixed];

fn woken_by_world(before: &World, after: &World, stepper: Tid) -> u16 {
    (0..before.threads.len())
        .filter(|&i| i != stepper.0 as usize)
        .filter(|&i| !before.threads[i].running && after.threads[i].running)
        .fold(0, |m, i| m | 1 << i)
}

fn asks(model: &Model) -> Vec<Ask> {
    let mut v = vec![Ask::GpWaits, Ask::CanFree];
    for t in model.threads() {
        v.push(Ask::WakeWho {
            thread: t.name.clone(),
        });
        v.push(Ask::MappingAfter {
            thread: t.name.clone(),
            pfn: None,
        });
    }
    v
}

fn check(model: &Model, s: &Session, ask: &Ask, q: &Question) {
    let w = s.world();
    assert!(q.answer < q.choices.len(), "{q:?}");
    let distinct: BTreeSet<_> = q.choices.iter().collect();
    assert_eq!(distinct.len(), q.choices.len(), "choices repeat: {q:?}");
    assert!(q.choices.len() >= 2, "{q:?}");
    let right = &q.choices[q.answer];
    match ask {
        Ask::WakeWho { thread } => {
            let t = model.tid(thread).unwrap();
            let mut after = w.clone();
            model.step(&mut after, t).unwrap();
            assert_eq!(
                right,
                &tasks(model, woken_by_world(w, &after, t)),
                "{}: {ask:?} at {}",
                model.scenario(),
                s.schedule_text()
            );
            assert_eq!(q.show, Show::Step(t));
        }
        Ask::GpWaits => {
            // From the run's facts: the grace period's own record of whom it waits for, less
            // those whose section has since ended; or, when it starts next, the record the
            // starting step writes.
            let expected = match w.rcu.current {
                Some(gp) => {
                    let h = daxlab_core::history::rcu(s);
                    let span = h
                        .grace_periods
                        .iter()
                        .find(|g| g.number == gp.number)
                        .unwrap();
                    let open = h.readers_now();
                    span.waited_for & open
                }
                None => {
                    let Show::Step(rcu) = q.show else {
                        panic!("{q:?}")
                    };
                    let e = model.step(&mut w.clone(), rcu).unwrap();
                    e.facts
                        .iter()
                        .find_map(|f| match f {
                            Fact::GpStart { waiting, .. } => Some(*waiting),
                            _ => None,
                        })
                        .expect("the rcu thread starts a grace period")
                }
            };
            assert_eq!(
                right,
                &tasks(model, expected),
                "{ask:?} at {}",
                s.schedule_text()
            );
        }
        Ask::CanFree => {
            let rcu = model
                .threads()
                .iter()
                .position(|t| t.program.is_daemon())
                .map(|i| Tid(i as u8))
                .unwrap();
            let mut after = w.clone();
            let freed = model.step(&mut after, rcu).is_ok()
                && w.inodes
                    .iter()
                    .zip(after.inodes.iter())
                    .any(|(a, b)| !a.is_freed() && b.is_freed());
            assert_eq!(q.answer, if freed { 0 } else { 1 }, "{q:?}");
        }
        Ask::MappingAfter { thread, .. } => {
            let t = model.tid(thread).unwrap();
            let mut after = w.clone();
            model.step(&mut after, t).unwrap();
            let mf_page = model
                .threads()
                .iter()
                .find_map(|t| match t.program {
                    daxlab_core::Program::MemoryFailure { pfn } => Some(pfn),
                    _ => None,
                })
                .unwrap_or(model.threads()[t.0 as usize].program.pfn());
            assert_eq!(right, &mapping_words(&after, after.page(mf_page).mapping));
        }
        Ask::Reachable { .. } => unreachable!(),
    }
}

/// Along random runs, every question that fits the state is answered as the world shows, and
/// each kind meets more than one right answer (the answer follows the state, not a key).
#[test]
fn every_answer_matches_what_the_model_shows() {
    let mut posed = std::collections::BTreeMap::<&str, BTreeSet<String>>::new();
    for sc in SCENARIOS {
        for v in RELEASES {
            let model = sc.model(Options::new(v));
            for seed in 0..6 {
                let mut s = Session::new(model.clone());
                let mut pick = Uniform::new(seed);
                loop {
                    for ask in asks(&model) {
                        if let Ok(q) = pose(&ask, &model, s.world()) {
                            check(&model, &s, &ask, &q);
                            posed
                                .entry(ask.kind())
                                .or_default()
                                .insert(q.choices[q.answer].clone());
                        }
                    }
                    let mask = model.runnable_mask(s.world());
                    let Some(t) = pick.next(&model, s.world(), mask) else {
                        break;
                    };
                    if s.step(t).unwrap().violation.is_some() {
                        break;
                    }
                }
            }
        }
    }
    for kind in ["wake-who", "gp-waits", "can-free", "mapping-after"] {
        let answers = &posed[kind];
        assert!(answers.len() >= 2, "{kind}: always {answers:?}");
    }
}

/// A `reachable` answer of yes comes with a run that reaches the violation; an answer of no is
/// never contradicted by 1,000 seeded random runs.
#[test]
fn reachable_answers_are_backed_by_a_run_or_survive_random_runs() {
    for (scenario, v, kind, fixes) in [
        ("null-mapping", Variant::Seed, ViolationKind::NullDeref, ""),
        (
            "null-mapping",
            Variant::Seed,
            ViolationKind::NullDeref,
            "c93db7bb6ef3",
        ),
        ("lost-wakeup", Variant::V419y, ViolationKind::LostWakeup, ""),
        (
            "truncate-wakeup",
            Variant::V419y,
            ViolationKind::LostWakeup,
            "237388320def",
        ),
        (
            "freed-inode",
            Variant::V419,
            ViolationKind::UseAfterFree,
            "",
        ),
    ] {
        let model = daxlab_core::scenario(scenario)
            .unwrap()
            .model(Options::new(v));
        let q = pose(
            &Ask::Reachable {
                violation: kind,
                fixes: fixes.into(),
            },
            &model,
            &model.initial(),
        )
        .unwrap();
        let code = model.code().with_fixes(fixes).unwrap();
        let m = daxlab_core::scenario(scenario).unwrap().model(Options {
            variant: v,
            code: Some(code),
            truncate_wake: None,
        });
        match &q.show {
            Show::Replay(query) => {
                assert_eq!(q.answer, 0);
                let (p, errors) =
                    daxlab_core::link::parse(query, &daxlab_core::link::Catalog::default());
                assert!(errors.is_empty(), "{errors:?}");
                let text = p.schedule.unwrap();
                let mut s = Session::new(m.clone());
                s.run_text(&text).unwrap();
                match s.outcome() {
                    daxlab_core::Outcome::Violation(got) => assert_eq!(got.kind, kind),
                    o => panic!("{scenario}: {o:?}"),
                }
            }
            _ => {
                assert_eq!(q.answer, 1, "{scenario} {fixes}");
                for seed in 0..1000 {
                    let run = daxlab_core::scheduler::run(&m, m.initial(), &mut Uniform::new(seed));
                    assert_ne!(
                        run.violation.map(|v| v.kind),
                        Some(kind),
                        "{scenario} {fixes}: seed {seed} contradicts the explorer"
                    );
                }
            }
        }
    }
}
