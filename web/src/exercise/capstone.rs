//! Capstone: fix checkboxes over the scaled `freed-inode`, and "Prove": an exhaustive search
//! in slices; a violation loads into the visualizer (`teach::exercise::capstone`).

use super::{
    ExerciseAction, Outcome, SLICE, Send, Visualizer, fix_boxes, searching, show, toggle_fix,
};
use daxlab_core::explore::{Search, Serial};
use daxlab_core::teach::exercise::Exercise;
use daxlab_core::teach::exercise::capstone::{Proof, config, toggles};
use daxlab_core::{Code, Session};
use yew::prelude::*;

pub(super) struct Capstone {
    code: Code,
    from: Code,
    search: Option<Search>,
}

impl Capstone {
    pub(super) fn new(e: &Exercise, st: &mut Visualizer) -> Capstone {
        // The fixes may come from the URL (a reload keeps the student's toggles).
        let code = st.model().code();
        st.load(Session::new(e.setup.model_with(code)));
        Capstone {
            code,
            from: e.setup.code(),
            search: None,
        }
    }

    pub(super) fn busy(&self) -> bool {
        self.search.is_some()
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
                self.search = None;
                Outcome::Stale
            }
            ExerciseAction::Check => {
                self.search = Some(Search::new(e.setup.model_with(self.code), config()));
                Outcome::Busy
            }
            _ => Outcome::Nothing,
        }
    }

    pub(super) fn tick(&mut self, e: &Exercise, st: &mut Visualizer, millis: f64) -> Outcome {
        let Some(search) = &mut self.search else {
            return Outcome::Nothing;
        };
        let Some(result) = search.run(SLICE, &Serial).cloned() else {
            return searching("Searching every interleaving…", search.states(), millis);
        };
        let model = search.model().clone();
        self.search = None;
        let proof = Proof::new(&e.setup, self.code, result);
        if let Some((_, steps)) = &proof.found {
            show(st, model.clone(), steps);
        } else {
            st.load(Session::new(model.clone()));
        }
        let mut v = proof.verdict(&model);
        v.says.push_str(&format!(" ({millis:.0} ms)"));
        let solved = proof.solved();
        // Clean with more fixes than needed: a step on the way, not a wrong answer.
        if proof.clean && !solved {
            return Outcome::Open(v.says);
        }
        Outcome::Verdict(v, solved)
    }

    pub(super) fn view(&self, send: &Send) -> Html {
        html! {
            <div class="capstone">
                { fix_boxes(self.code, send, &format!("Upstream fixes — toggled from the seed: {}", toggles(self.from, self.code))) }
            </div>
        }
    }
}
