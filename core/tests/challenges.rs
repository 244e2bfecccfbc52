//! Challenges against the explorer: each par is the explorer's fewest preemptions, each
//! unbreakable level is proven by an exhaustive search, uniform random play rarely wins within a
//! budget, and the thread hints lead to a win within the budget.

use daxlab_core::explore::{Config, Search, Serial};
use daxlab_core::scheduler::{Scheduler, Uniform};
use daxlab_core::teach::challenge::{
    CHALLENGES, Guide, debrief, explorer_par, guide, preemptions, preempts,
};
use daxlab_core::{Outcome, Session, Tid};

#[test]
fn each_par_is_the_explorers_fewest_preemptions() {
    for c in CHALLENGES {
        if c.unbreakable() {
            continue;
        }
        assert_eq!(c.par, explorer_par(c), "{}", c.name);
    }
}

#[test]
fn unbreakable_levels_are_proven_by_an_exhaustive_search() {
    for c in CHALLENGES.iter().filter(|c| c.unbreakable()) {
        let config = Config {
            target: Some(c.kind),
            ..Config::default()
        };
        let r = Search::new(c.model(), config).finish(&Serial);
        assert!(r.complete, "{}", c.name);
        assert!(r.found.is_none(), "{}: {:?}", c.name, r.found);
        assert!(r.states > 100, "{}: only {} states", c.name, r.states);
    }
}

/// Uniform random play: each step a runnable thread chosen uniformly; a run that would use more
/// preemptions than the budget has lost.
#[test]
fn uniform_random_play_wins_no_challenge_more_than_five_percent_of_the_time() {
    const RUNS: u64 = 1_000;
    for c in CHALLENGES.iter().filter(|c| !c.unbreakable()) {
        let m = c.model();
        let mut wins = 0;
        for seed in 0..RUNS {
            let mut w = m.initial();
            let mut pick = Uniform::new(seed);
            let mut last: Option<Tid> = None;
            let mut used = 0;
            loop {
                let mask = m.runnable_mask(&w);
                let Some(t) = pick.next(&m, &w, mask) else {
                    break;
                };
                used += preempts(&m, &w, last, t) as u32;
                if used > c.budget {
                    break;
                }
                let e = m.step_quiet(&mut w, t).unwrap();
                last = Some(t);
                if let Some(v) = e.violation {
                    wins += (v.kind == c.kind) as u32;
                    break;
                }
            }
        }
        let rate = wins as f64 / RUNS as f64;
        println!("{}: random wins {:.1}%", c.name, rate * 100.0);
        assert!(
            rate <= 0.05,
            "{}: random play wins {:.1}%",
            c.name,
            rate * 100.0
        );
    }
}

/// Asking for the thread hint at every step and following it wins within the budget, and the
/// debrief names the commit and prints the report of the student's violation.
#[test]
fn following_thread_hints_wins_within_the_budget() {
    for c in CHALLENGES.iter().filter(|c| !c.unbreakable()) {
        let m = c.model();
        let mut s = Session::new(m.clone());
        for _ in 0..500 {
            if s.outcome() != Outcome::Running {
                break;
            }
            let used = preemptions(&m, &s.steps()).unwrap();
            let last = s.steps().last().copied();
            let Guide::Path(path) = guide(c, &m, s.world(), last, c.budget - used) else {
                panic!("{}: no way from {}", c.name, s.schedule_text())
            };
            s.step(path[0]).unwrap();
        }
        let Outcome::Violation(v) = s.outcome() else {
            panic!("{}: {:?}", c.name, s.outcome())
        };
        assert_eq!(v.kind, c.kind, "{}", c.name);
        let used = preemptions(&m, &s.steps()).unwrap();
        assert!(used <= c.budget, "{}: {used}", c.name);
        assert_eq!(Some(used), c.par, "{}: hints should reach par", c.name);
        let d = debrief(c, &m, &v);
        assert!(!d.report.is_empty());
        assert_eq!(d.link.is_some(), c.fix.is_some(), "{}", c.name);
        if let Some(f) = c.fix {
            assert!(d.fixed_by.contains(f.commit()), "{}", c.name);
        }
    }
}

/// From a state the goal cannot be reached from within the budget, the explorer says so.
#[test]
fn a_dead_end_gets_no_way_not_a_wrong_hint() {
    let c = daxlab_core::teach::challenge::challenge("null-deref").unwrap();
    let m = c.model();
    let mut s = Session::new(m.clone());
    // Run mf to its end first: with page->mapping still set it recovers the page, and the goal
    // is out of reach.
    let mf = m.tid("mf").unwrap();
    while m.is_runnable(s.world(), mf) {
        s.step(mf).unwrap();
    }
    match guide(c, &m, s.world(), Some(mf), c.budget) {
        Guide::NoWay { states } => assert!(states > 0),
        g => panic!("{g:?} after {}", s.schedule_text()),
    }
}
