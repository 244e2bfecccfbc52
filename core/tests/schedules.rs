//! Property tests: random valid schedules never panic and always end, replay is deterministic,
//! schedule text round-trips, and invalid schedules are rejected with an error, never a panic.

use daxlab_core::schedule::{self, ParseError};
use daxlab_core::{Model, Options, SCENARIOS, Session, Tid, Variant, WakeMode, words};
use proptest::prelude::*;

/// The longest any run of a built-in scenario may take before we call it non-terminating.
const RUN_LIMIT: usize = 5_000;

fn model(scenario: usize, variant: usize, wake: Option<bool>) -> Model {
    let s = &SCENARIOS[scenario % SCENARIOS.len()];
    let variant = Variant::ALL[variant % Variant::ALL.len()];
    let truncate_wake = wake.map(|one| if one { WakeMode::One } else { WakeMode::All });
    s.model(Options {
        variant,
        truncate_wake,
        code: None,
    })
}

/// Pick among the runnable threads with `choices` until nothing can run.
fn random_run(m: &Model, choices: &[u8]) -> Session {
    let mut session = Session::new(m.clone());
    for i in 0..RUN_LIMIT {
        let runnable = m.runnable(session.world());
        if runnable.is_empty() {
            return session;
        }
        let pick = choices.get(i % choices.len().max(1)).copied().unwrap_or(0) as usize;
        let t = runnable[(pick + i / choices.len().max(1)) % runnable.len()];
        session.step(t).expect("a runnable thread can step");
    }
    panic!(
        "{} under {} did not end within {RUN_LIMIT} steps",
        m.scenario(),
        m.variant()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn random_valid_schedules_end_and_replay_identically(
        scenario in 0usize..64, variant in 0usize..64, wake in proptest::option::of(any::<bool>()),
        choices in proptest::collection::vec(any::<u8>(), 1..64),
    ) {
        let m = model(scenario, variant, wake);
        let a = random_run(&m, &choices);
        // It ended: finished, or stopped at a violation, never just stuck silently.
        prop_assert!(m.finished(a.world()) || a.world().halted,
            "{} {}: stuck without a violation after {}", m.scenario(), m.variant(), a.schedule_text());
        // Text round-trip.
        let text = a.schedule_text();
        let parsed = schedule::parse(&text, &m).unwrap();
        prop_assert_eq!(&parsed, &a.steps());
        prop_assert_eq!(schedule::format(&parsed, &m), text.clone());
        // Determinism: the same schedule gives the same events and world.
        let mut b = Session::new(m.clone());
        b.run_text(&text).unwrap();
        prop_assert_eq!(a.events(), b.events());
        prop_assert_eq!(a.world(), b.world());
        // Every step is told in a sentence.
        for e in a.events() {
            prop_assert!(!words::narration(&m, e).is_empty(), "{:?} at {:?} has no narration", e.tid, e.line);
        }
    }

    #[test]
    fn arbitrary_text_is_parsed_or_rejected_with_a_message(scenario in 0usize..64, text in ".{0,80}") {
        let m = model(scenario, 0, None);
        match schedule::parse(&text, &m) {
            Ok(steps) => {
                // Accepted text names only the scenario's threads, and replays or stops with an
                // error that names its step.
                let items = text.split(',').filter(|i| !i.trim().is_empty()).count();
                prop_assert!(steps.len() >= items);
                let mut s = Session::new(m.clone());
                match s.run(&steps) {
                    Ok(()) => prop_assert_eq!(s.len(), steps.len()),
                    Err(e) => {
                        prop_assert_eq!(e.step, s.len() + 1);
                        prop_assert_eq!(&e.thread, m.name(steps[s.len()]));
                    }
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn schedule_like_text_with_unknown_names_or_bad_counts_is_rejected(
        scenario in 0usize..64, name in "[a-z]{1,8}", count in "[0-9x-]{0,4}",
    ) {
        let m = model(scenario, 0, None);
        let text = if count.is_empty() { name.clone() } else { format!("{name}*{count}") };
        match schedule::parse(&text, &m) {
            Ok(steps) => {
                prop_assert!(m.tid(&name).is_some());
                prop_assert!(!steps.is_empty());
            }
            Err(ParseError::UnknownThread { name: n, known, .. }) => {
                prop_assert_eq!(n, name);
                prop_assert_eq!(known.len(), m.threads().len());
            }
            Err(ParseError::BadCount { .. }) => prop_assert!(m.tid(&name).is_some()),
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    #[test]
    fn stepping_a_thread_that_cannot_run_names_the_step_and_who_could(
        scenario in 0usize..64, variant in 0usize..64, choices in proptest::collection::vec(any::<u8>(), 1..16),
        cut in 0usize..200,
    ) {
        let m = model(scenario, variant, None);
        let full = random_run(&m, &choices);
        let mut s = Session::new(m.clone());
        s.run(&full.steps()[..cut.min(full.len())]).unwrap();
        let blocked: Vec<Tid> = (0..m.threads().len() as u8).map(Tid).filter(|&t| !m.is_runnable(s.world(), t)).collect();
        // A run's end always has a thread that cannot run (a finished one at least); cut a
        // state without one away by stepping on to the end.
        let blocked = if blocked.is_empty() {
            s.run(&full.steps()[s.len()..]).unwrap();
            (0..m.threads().len() as u8).map(Tid).filter(|&t| !m.is_runnable(s.world(), t)).collect()
        } else {
            blocked
        };
        prop_assert!(!blocked.is_empty(), "every run ends with a thread that cannot run");
        for t in blocked {
            let before = s.len();
            let err = s.step(t).unwrap_err();
            prop_assert_eq!(s.len(), before, "a refused step changes nothing");
            prop_assert_eq!(err.step, s.cursor() + 1);
            prop_assert_eq!(&err.thread, m.name(t));
            prop_assert!(!err.reason.is_empty());
            let runnable: Vec<String> = m.runnable(s.world()).into_iter().map(|t| m.name(t).to_string()).collect();
            prop_assert_eq!(err.runnable, runnable);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    /// Stepping at a point inside the history: the history's own next thread moves the cursor
    /// and keeps the rest (the worlds equal a fresh replay); any other thread cuts the history
    /// there and steps, as a fresh session would.
    #[test]
    fn stepping_inside_the_history_keeps_it_only_for_its_own_next_step(
        scenario in 0usize..64, variant in 0usize..64,
        choices in proptest::collection::vec(any::<u8>(), 1..32), at in any::<prop::sample::Index>(),
        pick in any::<prop::sample::Index>(),
    ) {
        let m = model(scenario, variant, None);
        let full = random_run(&m, &choices);
        let steps = full.steps();
        prop_assume!(!steps.is_empty());
        let k = at.index(steps.len());
        let mut s = full.clone();
        s.seek(k);
        let runnable = m.runnable(s.world());
        prop_assume!(!runnable.is_empty());
        let t = runnable[pick.index(runnable.len())];
        s.step(t).expect("a runnable thread can step");
        let mut fresh = Session::new(m.clone());
        fresh.run(&steps[..k]).unwrap();
        fresh.step(t).unwrap();
        prop_assert_eq!(s.cursor(), k + 1);
        prop_assert_eq!(s.world(), fresh.world());
        let history: Vec<Tid> = s.all_events().iter().map(|e| e.tid).collect();
        if t == steps[k] {
            prop_assert_eq!(history, steps.clone());
        } else {
            prop_assert_eq!(history, fresh.steps());
        }
    }
}

#[test]
fn parse_errors_say_what_is_wrong_and_what_is_accepted() {
    let m = model(0, 0, None);
    let e = schedule::parse("mf,,fault", &m).unwrap_err().to_string();
    assert_eq!(
        e,
        "item 2 of the schedule is empty; write names separated by commas, like mf*3,trunc"
    );
    let e = schedule::parse("mf*3,nobody", &m).unwrap_err().to_string();
    assert_eq!(
        e,
        "item 2: \"nobody\" is not a thread of this scenario; its threads are mf, fault"
    );
    let e = schedule::parse("mf*0", &m).unwrap_err().to_string();
    assert!(
        e.starts_with("item 1: repeat count \"0\" is not a whole number"),
        "{e}"
    );
    let e = schedule::parse("mf*999999,fault*999999", &m)
        .unwrap_err()
        .to_string();
    assert!(e.contains("at most 1000000"), "{e}");
    assert_eq!(schedule::parse(" mf * 2 , fault ", &m).unwrap().len(), 3);
}
