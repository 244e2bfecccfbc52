//! Each scenario's stories, replayed through the public `Session` API the UI and CLI use. The
//! story table in `scenario.rs` says how each ends — the kind, the thread at fault and its line,
//! or every thread finished — and this file checks every row; the tests after it check what a
//! story alone cannot (who waits for whom, what an error says).

use daxlab_core::scenario::Story;
use daxlab_core::{Options, Outcome, SCENARIOS, Session, Variant, scenario, words};

fn replay(name: &str, story: &Story) -> Session {
    let s = scenario(name).expect("scenario exists");
    let mut session = Session::new(s.model(story.options()));
    session
        .run_text(story.schedule)
        .unwrap_or_else(|e| panic!("{name} under {}: {e}", story.variant));
    session
}

#[test]
fn every_story_ends_as_its_table_row_says() {
    let mut violations = 0;
    for s in SCENARIOS {
        assert!(!s.stories.is_empty(), "{}", s.name);
        for story in s.stories {
            let session = replay(s.name, story);
            let what = format!(
                "{} under {} ({:?}): {}",
                s.name, story.variant, story.wake, story.schedule
            );
            match (story.expect, session.outcome()) {
                (Some(e), Outcome::Violation(v)) => {
                    violations += 1;
                    assert_eq!(v.kind, e.kind, "{what}: {v:?}");
                    assert_eq!(session.model().name(v.tid), e.thread, "{what}");
                    assert_eq!(v.line, e.line, "{what}");
                    let m = session.model();
                    assert!(!words::message(m, &v).is_empty() && !words::report(m, &v).is_empty());
                }
                (None, Outcome::Completed) => {}
                (_, got) => panic!("{what}: got {got:?}"),
            }
        }
    }
    assert!(violations >= 7, "the table tells every bug");
}

#[test]
fn rcu_keeps_the_inode_alive_while_memory_failure_reads_it() {
    // Same interleaving as the no-rcu story: with RCU the grace period waits for mf.
    let s = scenario("freed-inode").unwrap();
    let mut session = Session::new(s.model(Options::new(Variant::Fixed)));
    session.run_text("fault*11,mf*4,evict*10,rcu").unwrap();
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
fn device_dax_returns_true_without_an_entry_lock_and_unbind_waits_for_the_pin() {
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
    let s = scenario("hash-collision").unwrap();
    let mut session = Session::new(s.model(Options::new(Variant::Fixed)));
    session
        .run_text("fault*5,fault2*5,mf*14,wb*5,fault2*5")
        .unwrap();
    let w = session.world();
    let mf = session.model().tid("mf").unwrap();
    let wb = session.model().tid("wb").unwrap();
    assert!(
        w.queued(mf).is_some(),
        "mf still queued: the wake for another key passed it by"
    );
    assert!(
        w.queued(wb).is_none() && w.thread(wb).running,
        "the writeback was woken"
    );
    let said = words::narration(session.model(), session.last_event().unwrap());
    assert!(said.contains("passes over mf"), "{said}");
}

#[test]
fn a_violation_stops_the_run() {
    let s = scenario("self-deadlock").unwrap();
    let mut session = Session::new(s.model(Options::new(Variant::Seed)));
    session.run_text("fault*5,mf*14,fault*5,mf*9").unwrap();
    assert!(session.model().runnable(session.world()).is_empty());
    let err = session.run_text("mf").unwrap_err().to_string();
    assert!(err.contains("stopped at a violation"), "{err}");
}
