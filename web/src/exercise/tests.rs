//! Each exercise's flow through the same `AppState` API the panel uses.

use super::*;
use crate::state::{Action, AppState};
use daxlab_core::teach::exercise::graph::chain;
use daxlab_core::teach::exercise::{Task, report};
use daxlab_core::{Line, Outcome as Run, Pfn, ViolationKind};

fn open(name: &str) -> AppState {
    let st = AppState::from_query(&format!("?exercise={name}"));
    assert!(st.errors.is_empty(), "{name}: {:?}", st.errors);
    assert_eq!(st.exercise.as_ref().map(|r| r.exercise.name), Some(name));
    st
}

fn ex(st: &mut AppState, a: ExerciseAction) {
    st.apply(Action::Exercise(a));
}

fn verdict(st: &AppState) -> Verdict {
    st.exercise
        .as_ref()
        .unwrap()
        .verdict
        .clone()
        .expect("a verdict")
}

fn solved(st: &AppState) -> bool {
    st.exercise.as_ref().unwrap().solved()
}

/// Tick the running search to its end, as the page's timer does.
fn finish(st: &mut AppState) {
    let mut t = 0.0;
    while st.exercise.as_ref().unwrap().busy() {
        ex(st, ExerciseAction::Tick { now_ms: t });
        t += 16.0;
    }
}

#[test]
fn a_bad_exercise_name_is_named_with_the_accepted_ones_and_the_page_still_loads() {
    let st = AppState::from_query("?exercise=nope");
    assert!(st.exercise.is_none());
    assert!(
        st.errors[0].contains("exercise=\"nope\"") && st.errors[0].contains("object-graph"),
        "{:?}",
        st.errors
    );
}

#[test]
fn the_url_names_the_exercise_and_a_reload_keeps_it() {
    let st = open("object-graph");
    assert!(
        st.query().contains("exercise=object-graph"),
        "{}",
        st.query()
    );
    let again = AppState::from_query(&st.query());
    assert_eq!(
        again.exercise.as_ref().unwrap().exercise.name,
        "object-graph"
    );
    assert_eq!(again.session.world(), st.session.world());
}

#[test]
fn object_graph_in_turn_wrong_then_right() {
    let mut st = open("object-graph");
    let e = st.exercise.as_ref().unwrap().exercise;
    // The visualizer shows the exercise's state.
    assert_eq!(st.session.world(), &e.setup.world().unwrap());
    let Task::ObjectGraph { pages } = e.task else {
        panic!()
    };
    let w = e.setup.world().unwrap();
    let chains: Vec<_> = pages.iter().map(|&p| chain(&w, Pfn(p))).collect();
    // A wrong first pick: the verdict says what page->mapping really points at.
    ex(
        &mut st,
        ExerciseAction::Pick {
            chain: 0,
            hop: 0,
            key: "null".into(),
        },
    );
    ex(&mut st, ExerciseAction::Check);
    assert!(!verdict(&st).right && !solved(&st));
    assert!(!st.exercise.as_ref().unwrap().open);
    // Then every pointer in turn, each revealed by the check before.
    for (c, ch) in chains.iter().enumerate() {
        for (h, q) in ch.questions.iter().enumerate() {
            ex(
                &mut st,
                ExerciseAction::Pick {
                    chain: c,
                    hop: h,
                    key: q.answer.key(),
                },
            );
            ex(&mut st, ExerciseAction::Check);
            // Right so far, not done: progress (→), not a failure (✗).
            let run = st.exercise.as_ref().unwrap();
            if !run.solved() {
                assert!(run.open, "{:?}", verdict(&st));
                assert!(
                    verdict(&st).says.contains("right so far"),
                    "{:?}",
                    verdict(&st)
                );
            }
        }
    }
    assert!(verdict(&st).right, "{:?}", verdict(&st));
    assert!(solved(&st));
}

#[test]
fn stability_table_wrong_cell_replays_its_counterexample() {
    let mut st = open("stability-table");
    // RCU keeps the memory allocated; both locks keep all three fields.
    let stable = [[false, true, true], [true, true, true], [false, true, true]];
    // First tick everything: two cells are wrong.
    for f in 0..3 {
        for g in 0..3 {
            ex(&mut st, ExerciseAction::ToggleCell { field: f, guard: g });
        }
    }
    ex(&mut st, ExerciseAction::Check);
    assert!(
        verdict(&st).says.starts_with("7 of 9"),
        "{:?}",
        verdict(&st)
    );
    assert!(!solved(&st));
    ex(&mut st, ExerciseAction::Replay { field: 0, guard: 0 });
    // The counterexample is on screen: mf holds RCU and page->mapping changed at the last step.
    let mf = st.model().tid("mf").unwrap();
    let (before, after) = (
        st.session.world_at(st.session.len() - 1).clone(),
        st.session.world().clone(),
    );
    assert!(before.thread(mf).rcu_nesting > 0 && after.thread(mf).rcu_nesting > 0);
    assert_ne!(before.page(Pfn(0)).mapping, after.page(Pfn(0)).mapping);
    for (f, row) in stable.iter().enumerate() {
        for (g, keeps) in row.iter().enumerate() {
            if !keeps {
                ex(&mut st, ExerciseAction::ToggleCell { field: f, guard: g });
            }
        }
    }
    ex(&mut st, ExerciseAction::Check);
    assert!(verdict(&st).right && solved(&st), "{:?}", verdict(&st));
}

#[test]
fn order_runs_the_students_order_and_loads_the_violation() {
    use Line::*;
    let mut st = open("order-wait-entry-unlocked");
    let order = |st: &AppState| st.model().body_order().unwrap().lines().to_vec();
    assert_eq!(
        order(&st),
        [WeWaitqueue, WeSchedule, WeFinish, WeUnlock, WePrepare]
    );
    // Move to unlock, prepare, schedule, finish: a lost wake-up.
    let moves = [(2, true), (1, true), (3, true), (2, true)];
    for (index, up) in moves {
        ex(&mut st, ExerciseAction::Move { index, up });
    }
    assert_eq!(
        order(&st),
        [WeWaitqueue, WeUnlock, WePrepare, WeSchedule, WeFinish]
    );
    ex(&mut st, ExerciseAction::Check);
    assert!(!verdict(&st).right);
    assert!(
        matches!(st.session.outcome(), Run::Violation(v) if v.kind == ViolationKind::LostWakeup)
    );
    // The run on screen is the reordered model.
    assert_eq!(order(&st)[1], WeUnlock);
    // Swap the first two movable lines: the kernel's order.
    ex(
        &mut st,
        ExerciseAction::Move {
            index: 0,
            up: false,
        },
    );
    ex(&mut st, ExerciseAction::Check);
    assert!(verdict(&st).right && solved(&st), "{:?}", verdict(&st));
    // Moves past the ends are ignored.
    ex(&mut st, ExerciseAction::Move { index: 0, up: true });
    ex(
        &mut st,
        ExerciseAction::Move {
            index: 9,
            up: false,
        },
    );
    assert_eq!(order(&st)[1], WePrepare);
}

#[test]
fn fixes_predict_searches_in_slices_and_grades_each_kind() {
    let mut st = open("fixes-predict");
    // From v4.19 add the three 4.19.y fixes: only the lost wake-up of truncate remains.
    for c in ["c93db7bb6ef3", "55e56f06ed71", "d8a706414af4"] {
        ex(&mut st, ExerciseAction::ToggleFix(c.into()));
    }
    assert_eq!(st.model().code(), daxlab_core::Variant::V419y.code());
    ex(&mut st, ExerciseAction::Check);
    assert!(st.exercise.as_ref().unwrap().busy());
    finish(&mut st);
    assert!(
        !verdict(&st).right,
        "nothing ticked, lost-wakeup is reachable"
    );
    let kinds = match st.exercise.as_ref().unwrap().exercise.task {
        Task::FixesPredict { kinds, .. } => kinds,
        _ => panic!(),
    };
    let k = kinds
        .iter()
        .position(|k| *k == ViolationKind::LostWakeup)
        .unwrap();
    ex(&mut st, ExerciseAction::TogglePredict(k));
    ex(&mut st, ExerciseAction::Check);
    assert!(verdict(&st).right && solved(&st), "{:?}", verdict(&st));
    // The fixes ride in the URL.
    assert!(st.query().contains("fixes="), "{}", st.query());
    let again = AppState::from_query(&st.query());
    assert_eq!(again.model().code(), st.model().code());
    ex(&mut st, ExerciseAction::ToggleFix("zzz".into()));
    assert!(st.errors.last().unwrap().contains("\"zzz\""));
}

#[test]
fn fixes_predict_with_nothing_reachable_is_open_not_solved() {
    // Every fix in force and nothing predicted is right, but no solution: nothing was left to
    // predict. The verdict is open (→), and says how long the searches took, as all do.
    let mut st = open("fixes-predict");
    for c in [
        "c93db7bb6ef3",
        "55e56f06ed71",
        "d8a706414af4",
        "237388320def",
    ] {
        ex(&mut st, ExerciseAction::ToggleFix(c.into()));
    }
    assert_eq!(st.model().code(), daxlab_core::Variant::Fixed.code());
    ex(&mut st, ExerciseAction::Check);
    finish(&mut st);
    assert!(st.exercise.as_ref().unwrap().open, "{:?}", verdict(&st));
    assert!(!solved(&st) && !verdict(&st).right);
    assert!(
        verdict(&st).says.contains("nothing to predict"),
        "{:?}",
        verdict(&st)
    );
    assert!(verdict(&st).says.contains(" ms)"), "{:?}", verdict(&st));
    // Checked again without a change: the same verdict from the same searches, time and all.
    let before = verdict(&st).says.clone();
    ex(&mut st, ExerciseAction::Check);
    assert!(!st.exercise.as_ref().unwrap().busy());
    assert_eq!(verdict(&st).says, before);
}

#[test]
fn report_exercises_match_the_students_run() {
    for name in ["report-kasan", "report-hung-task", "report-lockup"] {
        let mut st = open(name);
        assert!(
            st.session.is_empty(),
            "{name}: starts from the initial state"
        );
        ex(&mut st, ExerciseAction::Check);
        assert!(!verdict(&st).right);
        let e = st.exercise.as_ref().unwrap().exercise;
        let Task::Report { kind } = e.task else {
            panic!()
        };
        // The student steps the threads of a schedule that prints the report.
        let m = e.setup.model();
        let t = report::target(&m, kind).unwrap();
        let found = daxlab_core::explore::Search::new(
            m.clone(),
            daxlab_core::explore::Config {
                target: Some(kind),
                ..Default::default()
            },
        )
        .finish(&daxlab_core::explore::Serial)
        .found
        .unwrap();
        for tid in found.schedule {
            st.apply(Action::Step(tid));
        }
        ex(&mut st, ExerciseAction::Check);
        assert!(
            verdict(&st).right && solved(&st),
            "{name}: {:?}",
            verdict(&st)
        );
        assert_eq!(
            match st.session.outcome() {
                Run::Violation(v) => daxlab_core::words::report(st.model(), &v),
                _ => String::new(),
            },
            t.report
        );
        // Another code on screen is not accepted.
        st.apply(Action::SetVariant("fixed".into()));
        ex(&mut st, ExerciseAction::Check);
        assert!(verdict(&st).says.contains("Show the exercise's state"));
        ex(&mut st, ExerciseAction::Restart);
        assert_eq!(st.model().code(), e.setup.code());
    }
}

#[test]
fn capstone_proves_in_slices_and_is_solved_by_the_fewest_fixes() {
    let mut st = open("capstone-fewest-fixes");
    assert_eq!(st.model().threads().len(), 6, "the scaled freed-inode");
    ex(&mut st, ExerciseAction::Check);
    finish(&mut st);
    assert!(!verdict(&st).right);
    assert!(
        matches!(st.session.outcome(), Run::Violation(_)),
        "the counterexample is loaded"
    );
    for c in ["c93db7bb6ef3", "55e56f06ed71", "d8a706414af4"] {
        ex(&mut st, ExerciseAction::ToggleFix(c.into()));
    }
    ex(&mut st, ExerciseAction::Check);
    finish(&mut st);
    let v = verdict(&st);
    assert!(!v.right && v.says.contains("fewer"), "{v:?}");
    ex(&mut st, ExerciseAction::ToggleFix("d8a706414af4".into()));
    ex(&mut st, ExerciseAction::Check);
    finish(&mut st);
    assert!(verdict(&st).right && solved(&st), "{:?}", verdict(&st));
    // A reload keeps the toggles and the scaled model.
    let again = AppState::from_query(&st.query());
    assert_eq!(again.model().code(), st.model().code());
    assert_eq!(again.model().threads().len(), 6);
    assert!(again.errors.is_empty(), "{:?}", again.errors);
}

#[test]
fn a_solved_exercise_goes_into_the_progress_code_the_teacher_reads() {
    use Line::*;
    let mut st = open("order-wait-entry-unlocked");
    // A wrong order records nothing.
    ex(&mut st, ExerciseAction::Check);
    assert!(!verdict(&st).right);
    assert!(st.progress.exercises.is_empty());
    // prepare, unlock, schedule, finish: the kernel's order.
    for (index, up) in [(3, true), (2, true), (1, true), (3, true), (2, true)] {
        ex(&mut st, ExerciseAction::Move { index, up });
    }
    assert_eq!(
        st.model().body_order().unwrap().lines(),
        [WeWaitqueue, WePrepare, WeUnlock, WeSchedule, WeFinish]
    );
    ex(&mut st, ExerciseAction::Check);
    assert!(solved(&st), "{:?}", verdict(&st));
    assert!(st.progress.exercises.contains("order-wait-entry-unlocked"));
    // Kept in the page's storage text and in the code a teacher pastes.
    let (kept, bad) =
        daxlab_core::teach::progress::Progress::from_storage(&st.progress.to_storage());
    assert!(bad.is_empty());
    assert_eq!(kept, st.progress);
    let code = crate::teach::progress_code(&st.progress);
    let rows = crate::teach::class_rows(&format!("Ana: {code}"));
    let summary = rows[0].summary.as_ref().unwrap();
    assert_eq!(summary.exercises, ["order-wait-entry-unlocked"]);
    // The code counts every exercise, in course order.
    assert_eq!(
        crate::teach::exercise_names(),
        EXERCISES.iter().map(|e| e.name).collect::<Vec<_>>()
    );
    // A reload with that progress opens the exercise as solved before.
    let again = AppState::from_query_with("?exercise=object-graph", kept);
    assert!(
        again
            .progress
            .exercises
            .contains("order-wait-entry-unlocked")
    );
    assert!(!again.exercise.as_ref().unwrap().solved());
}
