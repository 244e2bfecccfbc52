//! From a kernel report to a schedule: the report the explorer's shortest run to the kind
//! prints (`teach::exercise::report::target`), and a check of the student's run on screen.

use super::{ExerciseAction, Outcome, Visualizer};
use daxlab_core::Outcome as Run;
use daxlab_core::teach::exercise::report::{TASK, Target, matches, target};
use daxlab_core::teach::exercise::{Exercise, Task, Verdict};
use yew::prelude::*;

pub(super) struct Report {
    target: Option<Target>,
}

impl Report {
    pub(super) fn new(e: &Exercise) -> Report {
        let target = match e.task {
            Task::Report { kind } => target(&e.setup.model(), kind),
            _ => None,
        };
        Report { target }
    }

    pub(super) fn apply(
        &mut self,
        e: &Exercise,
        st: &mut Visualizer,
        a: &ExerciseAction,
    ) -> Outcome {
        if *a != ExerciseAction::Check {
            return Outcome::Nothing;
        }
        let Some(t) = &self.target else {
            return Outcome::Verdict(
                Verdict {
                    right: false,
                    says: "The explorer found no such report in this scenario: nothing to match."
                        .into(),
                },
                false,
            );
        };
        let m = st.model();
        if m.scenario() != e.setup.scenario || m.code() != e.setup.code() {
            return Outcome::Verdict(
                Verdict {
                    right: false,
                    says: format!(
                        "The report comes from {} under {}; the visualizer now runs {} under {}. Press \"Show the exercise's state\" to go back.",
                        e.setup.scenario,
                        e.setup.code(),
                        m.scenario(),
                        m.code()
                    ),
                },
                false,
            );
        }
        let got = match st.session.outcome() {
            Run::Violation(v) => Some(v),
            _ => None,
        };
        let v = matches(m, t, got.as_ref());
        let solved = v.right;
        Outcome::Verdict(v, solved)
    }

    pub(super) fn view(&self) -> Html {
        match &self.target {
            Some(t) => html! {
                <div class="kernel-report">
                    <p>{ format!("The report ({}):", t.violation.kind.name()) }</p>
                    <pre id="exercise-report" class="report">{ &t.report }</pre>
                    <p class="rule">{ format!("Your run matches when it ends in a violation of the same kind whose report is the same text once every task name is replaced by {TASK}.") }</p>
                </div>
            },
            None => html! { <p>{ "The explorer found no such report in this scenario." }</p> },
        }
    }
}
