//! Toggle the upstream fixes and predict which violations remain reachable. The explorer
//! decides: for each kind, a targeted search (`Config { target: Some(kind), .. }`) in each
//! scenario until one reaches it. A [`Survey`] runs those searches in slices, so a browser can
//! draw between them.

use super::{Setup, Verdict};
use crate::code::Code;
use crate::explore::{Config, Search, Serial};
use crate::model::{Model, Options};
use crate::scenario::scenario;
use crate::violation::ViolationKind;
use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The bound on states of one targeted search.
pub const MAX_STATES: u64 = 2_000_000;

/// A kind the explorer reached, with a shortest schedule to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reached {
    /// The scenario.
    pub scenario: &'static str,
    /// The schedule.
    pub schedule: String,
    /// Its steps.
    pub steps: usize,
    /// The app query that replays it (`link::replay_query`).
    pub query: String,
}

/// What the explorer says about one kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindResult {
    /// The kind.
    pub kind: ViolationKind,
    /// Reached in some scenario, with a schedule.
    pub reached: Option<Reached>,
    /// States the searches for it visited.
    pub states: u64,
    /// Every search for it ran to the end (or found it).
    pub complete: bool,
    /// Its searches are done.
    pub done: bool,
}

/// The targeted searches for one code, run in slices.
pub struct Survey {
    code: Code,
    models: Vec<Model>,
    // Each job: (kind index, scenario index), in order; a kind's later jobs are dropped once it
    // is reached.
    jobs: VecDeque<(usize, usize)>,
    current: Option<(usize, Search)>,
    results: Vec<KindResult>,
}

impl Survey {
    /// The searches for `kinds` in `scenarios` under `code` (the setup gives the variant the
    /// replay links are written against).
    pub fn new(
        setup: &Setup,
        code: Code,
        scenarios: &[&'static str],
        kinds: &[ViolationKind],
    ) -> Survey {
        let options = Options {
            variant: setup.variant,
            code: Some(code),
            truncate_wake: None,
        };
        let models: Vec<Model> = scenarios
            .iter()
            .filter_map(|s| scenario(s))
            .map(|s| s.model(options))
            .collect();
        let jobs = (0..kinds.len())
            .flat_map(|k| (0..models.len()).map(move |s| (k, s)))
            .collect();
        Survey {
            code,
            models,
            jobs,
            current: None,
            results: kinds
                .iter()
                .map(|&kind| KindResult {
                    kind,
                    reached: None,
                    states: 0,
                    complete: true,
                    done: false,
                })
                .collect(),
        }
    }

    /// The code surveyed.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The results so far (a kind not `done` is still being searched).
    pub fn results(&self) -> &[KindResult] {
        &self.results
    }

    /// Every search has ended.
    pub fn done(&self) -> bool {
        self.current.is_none() && self.jobs.is_empty()
    }

    /// States visited so far, over all searches.
    pub fn states(&self) -> u64 {
        let running = self.current.as_ref().map_or(0, |(_, s)| s.states());
        self.results.iter().map(|r| r.states).sum::<u64>() + running
    }

    /// Expand about `budget` states; true once every search has ended.
    pub fn run(&mut self, budget: usize) -> bool {
        let mut left = budget.max(1);
        while left > 0 {
            if self.current.is_none() {
                let Some((k, s)) = self.jobs.pop_front() else {
                    break;
                };
                let config = Config {
                    target: Some(self.results[k].kind),
                    max_states: MAX_STATES,
                    ..Config::default()
                };
                self.current = Some((k, Search::new(self.models[s].clone(), config)));
            }
            let Some((k, search)) = &mut self.current else {
                break;
            };
            let k = *k;
            let before = search.states();
            let Some(e) = search.run(left, &Serial).cloned() else {
                left = left.saturating_sub((search.states() - before).max(1) as usize);
                continue;
            };
            left = left.saturating_sub((e.states - before).max(1) as usize);
            let model = search.model().clone();
            self.current = None;
            let r = &mut self.results[k];
            r.states += e.states;
            r.complete &= e.complete || e.found.is_some();
            if let Some(f) = e.found {
                let schedule = crate::schedule::format(&f.schedule, &model);
                r.reached = Some(Reached {
                    scenario: model.scenario(),
                    query: crate::link::replay_query(&model, &schedule),
                    steps: f.schedule.len(),
                    schedule,
                });
                self.jobs.retain(|(kk, _)| *kk != k);
            }
            if !self.jobs.iter().any(|(kk, _)| *kk == k) {
                r.done = true;
            }
        }
        self.done()
    }

    /// Run every search to the end.
    pub fn finish(mut self) -> Vec<KindResult> {
        while !self.run(usize::MAX) {}
        self.results
    }
}

/// The verdict on one kind: `predicted` says the student ticked it as reachable.
pub fn check(r: &KindResult, predicted: bool) -> Verdict {
    let kind = r.kind.name();
    match (&r.reached, predicted) {
        (Some(x), true) => Verdict {
            right: true,
            says: format!(
                "Right: {kind} is reachable — in {} after {} steps.",
                x.scenario, x.steps
            ),
        },
        (Some(x), false) => Verdict {
            right: false,
            says: format!(
                "{kind} is still reachable: the explorer reached it in {} after {} steps.",
                x.scenario, x.steps
            ),
        },
        (None, _) if !r.complete => Verdict {
            right: false,
            says: format!(
                "The search for {kind} stopped at its bound after {} states: no verdict.",
                r.states
            ),
        },
        (None, false) => Verdict {
            right: true,
            says: format!(
                "Right: no schedule reaches {kind} ({} states searched).",
                r.states
            ),
        },
        (None, true) => Verdict {
            right: false,
            says: format!(
                "No schedule reaches {kind}: every state was searched ({} states).",
                r.states
            ),
        },
    }
}

/// How a prediction fares against a survey's results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grade {
    /// Kinds predicted right.
    pub right: usize,
    /// Kinds graded.
    pub of: usize,
    /// Some kind is still reachable under the surveyed code.
    pub something_reachable: bool,
}

impl Grade {
    /// Solved: every kind predicted right, for code that leaves something reachable. With
    /// every fix in force nothing is, and predicting nothing is right without a thought.
    pub fn solved(&self) -> bool {
        self.right == self.of && self.something_reachable
    }
}

/// Grade `predicted` (one flag per kind, in the results' order) against `results`.
pub fn grade(results: &[KindResult], predicted: &[bool]) -> Grade {
    Grade {
        right: results
            .iter()
            .zip(predicted)
            .filter(|(r, p)| check(r, **p).right)
            .count(),
        of: results.len(),
        something_reachable: results.iter().any(|r| r.reached.is_some()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Fix;
    use crate::explore::explore;
    use crate::teach::exercise::{Task, exercise};
    use crate::variant::Variant;

    fn survey_of(code: Code) -> Vec<KindResult> {
        let e = exercise("fixes-predict").unwrap();
        let Task::FixesPredict { scenarios, kinds } = e.task else {
            panic!()
        };
        Survey::new(&e.setup, code, scenarios, kinds).finish()
    }

    fn reached(rs: &[KindResult]) -> Vec<ViolationKind> {
        rs.iter()
            .filter(|r| r.reached.is_some())
            .map(|r| r.kind)
            .collect()
    }

    #[test]
    fn the_survey_agrees_with_plain_searches_and_its_schedules_replay() {
        let e = exercise("fixes-predict").unwrap();
        let Task::FixesPredict { scenarios, kinds } = e.task else {
            panic!()
        };
        for code in [
            Variant::V419.code(),
            Variant::V419y.code(),
            Variant::Fixed.code(),
        ] {
            let rs = survey_of(code);
            for r in &rs {
                assert!(r.done && r.complete, "{:?}", r.kind);
                // Independently: is the kind reachable in some scenario?
                let any = scenarios.iter().any(|s| {
                    let m = scenario(s).unwrap().model(Options {
                        variant: e.setup.variant,
                        code: Some(code),
                        truncate_wake: None,
                    });
                    explore(
                        &m,
                        Config {
                            target: Some(r.kind),
                            ..Config::default()
                        },
                    )
                    .found
                    .is_some()
                });
                assert_eq!(r.reached.is_some(), any, "{code} {:?}", r.kind);
                if let Some(x) = &r.reached {
                    let m = scenario(x.scenario).unwrap().model(Options {
                        variant: e.setup.variant,
                        code: Some(code),
                        truncate_wake: None,
                    });
                    let mut s = crate::Session::new(m);
                    s.run_text(&x.schedule).unwrap();
                    assert!(
                        matches!(s.outcome(), crate::Outcome::Violation(v) if v.kind == r.kind)
                    );
                    let (p, errors) = crate::link::parse(&x.query, &Default::default());
                    assert!(errors.is_empty());
                    assert_eq!(p.schedule.as_deref(), Some(x.schedule.as_str()));
                }
            }
            assert_eq!(rs.len(), kinds.len());
        }
    }

    #[test]
    fn the_fixes_take_the_violations_away_one_by_one() {
        use ViolationKind::*;
        let v419 = Variant::V419.code();
        assert_eq!(
            reached(&survey_of(v419)),
            [UseAfterFree, NullDeref, LostWakeup]
        );
        assert_eq!(
            reached(&survey_of(v419.with(Fix::NullMappingCheck))),
            [UseAfterFree, LostWakeup]
        );
        // Without f52afc93cd01 the seed's self-deadlock comes back.
        assert!(reached(&survey_of(Code::SEED)).contains(&Deadlock));
        assert_eq!(reached(&survey_of(Variant::V419y.code())), [LostWakeup]);
        assert_eq!(reached(&survey_of(Variant::Fixed.code())), []);
    }

    #[test]
    fn verdicts_follow_the_prediction() {
        let rs = survey_of(Variant::V419y.code());
        let lost = rs
            .iter()
            .find(|r| r.kind == ViolationKind::LostWakeup)
            .unwrap();
        assert!(check(lost, true).right && !check(lost, false).right);
        let uaf = rs
            .iter()
            .find(|r| r.kind == ViolationKind::UseAfterFree)
            .unwrap();
        assert!(check(uaf, false).right && !check(uaf, true).right);
    }

    #[test]
    fn nothing_reachable_is_not_a_solution() {
        let fixed = survey_of(Variant::Fixed.code());
        let none = vec![false; fixed.len()];
        let g = grade(&fixed, &none);
        assert_eq!((g.right, g.of), (fixed.len(), fixed.len()));
        assert!(!g.something_reachable && !g.solved());
        let y = survey_of(Variant::V419y.code());
        let lost: Vec<bool> = y
            .iter()
            .map(|r| r.kind == ViolationKind::LostWakeup)
            .collect();
        assert!(grade(&y, &lost).solved());
        assert!(!grade(&y, &none).solved());
        assert_eq!(grade(&y, &none).right, y.len() - 1);
    }

    #[test]
    fn slices_give_the_same_results_as_one_run() {
        let e = exercise("fixes-predict").unwrap();
        let Task::FixesPredict { scenarios, kinds } = e.task else {
            panic!()
        };
        let mut s = Survey::new(&e.setup, Code::SEED, scenarios, kinds);
        let mut rounds = 0;
        while !s.run(500) {
            rounds += 1;
        }
        assert!(rounds > 3);
        assert_eq!(s.results(), &survey_of(Code::SEED)[..]);
    }
}
