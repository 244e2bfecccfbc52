//! Toggle the fixes, predict the reachable violations: the explorer's targeted searches
//! (`teach::exercise::predict::Survey`) run in slices, then each kind gets its verdict and,
//! when reached, a replay link.

use super::{
    ExerciseAction, Outcome, SLICE, Send, Visualizer, act, fix_boxes, mark, searching, toggle_fix,
};
use daxlab_core::teach::exercise::predict::{KindResult, Survey, check, grade};
use daxlab_core::teach::exercise::{Exercise, Task, Verdict};
use daxlab_core::{Code, ViolationKind};
use yew::prelude::*;

pub(super) struct Predict {
    code: Code,
    predicted: Vec<bool>,
    survey: Option<Survey>,
    /// The last finished survey's results, for the code it surveyed, and how long it took
    /// (ms).
    results: Option<(Code, Vec<KindResult>, f64)>,
}

fn task(e: &Exercise) -> (&'static [&'static str], &'static [ViolationKind]) {
    match e.task {
        Task::FixesPredict { scenarios, kinds } => (scenarios, kinds),
        _ => (&[], &[]),
    }
}

impl Predict {
    pub(super) fn new(e: &Exercise, st: &Visualizer) -> Predict {
        Predict {
            code: st.model().code(),
            predicted: vec![false; task(e).1.len()],
            survey: None,
            results: None,
        }
    }

    pub(super) fn busy(&self) -> bool {
        self.survey.is_some()
    }

    fn verdict(&self) -> Outcome {
        let Some((code, results, millis)) = &self.results else {
            return Outcome::Nothing;
        };
        let g = grade(results, &self.predicted);
        let states: u64 = results.iter().map(|r| r.states).sum();
        let fixes = daxlab_core::teach::exercise::capstone::commits(*code);
        let searched =
            format!("The explorer ran targeted searches over {states} states ({millis:.0} ms).");
        if g.right == g.of && !g.something_reachable {
            return Outcome::Open(format!(
                "Right: with fixes {fixes} nothing is reachable, so there was nothing to predict. {searched} Now take fixes away and predict what comes back."
            ));
        }
        let says = format!(
            "{} of {} kinds predicted right for fixes {fixes}. {searched}",
            g.right, g.of
        );
        Outcome::Verdict(
            Verdict {
                right: g.solved(),
                says,
            },
            g.solved(),
        )
    }

    pub(super) fn apply(
        &mut self,
        e: &Exercise,
        st: &mut Visualizer,
        a: &ExerciseAction,
    ) -> Outcome {
        match a {
            ExerciseAction::ToggleFix(commit) => {
                if !toggle_fix(e, st, &mut self.code, commit) {
                    return Outcome::Nothing;
                }
                self.survey = None;
                Outcome::Stale
            }
            ExerciseAction::TogglePredict(k) => {
                if let Some(p) = self.predicted.get_mut(*k) {
                    *p ^= true;
                }
                Outcome::Nothing
            }
            ExerciseAction::Check => {
                if self.results.as_ref().is_some_and(|(c, ..)| *c == self.code) {
                    return self.verdict();
                }
                let (scenarios, kinds) = task(e);
                self.survey = Some(Survey::new(&e.setup, self.code, scenarios, kinds));
                Outcome::Busy
            }
            _ => Outcome::Nothing,
        }
    }

    pub(super) fn tick(&mut self, _e: &Exercise, _st: &mut Visualizer, millis: f64) -> Outcome {
        let Some(s) = &mut self.survey else {
            return Outcome::Nothing;
        };
        if !s.run(SLICE) {
            return searching("Searching…", s.states(), millis);
        }
        let code = s.code();
        let results = s.results().to_vec();
        self.survey = None;
        self.results = Some((code, results, millis));
        self.verdict()
    }

    pub(super) fn view(&self, e: &Exercise, send: &Send) -> Html {
        let (_, kinds) = task(e);
        let results = self
            .results
            .as_ref()
            .filter(|(c, ..)| *c == self.code)
            .map(|(_, r, _)| r);
        html! {
            <div class="predict">
                { fix_boxes(self.code, send, "Upstream fixes in force") }
                <fieldset class="kinds">
                    <legend>{ "Still reachable, I predict:" }</legend>
                    { for kinds.iter().enumerate().map(|(k, kind)| {
                        let r = results.and_then(|rs| rs.get(k));
                        let v = r.map(|r| check(r, self.predicted[k]));
                        html! {
                            <div class="kind-row">
                                <label>
                                    <input type="checkbox" id={format!("predict-{}", kind.name())} checked={self.predicted[k]}
                                        onchange={act::<Event>(send, ExerciseAction::TogglePredict(k))} />
                                    <code>{ kind.name() }</code>
                                </label>
                                if let Some(v) = &v { { " " }{ mark(v) } }
                                if let Some(x) = r.and_then(|r| r.reached.as_ref()) {
                                    { " " }<a class="replay-link" href={format!("{}&exercise={}", x.query, e.name)}>{ "replay" }</a>
                                }
                            </div>
                        }
                    }) }
                </fieldset>
            </div>
        }
    }
}
