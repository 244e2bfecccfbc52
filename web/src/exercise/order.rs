//! Put the scrambled lines in order: up/down buttons (keyboard reachable, no dragging); the
//! visualizer always runs the order shown, and "Run the explorer" searches it
//! (`teach::exercise::order`), loading a violating or telling trace into the visualizer.

use super::{ExerciseAction, Outcome, Send, Visualizer, act, show};
use daxlab_core::teach::exercise::order::{model, run};
use daxlab_core::teach::exercise::{Exercise, Task, Verdict};
use daxlab_core::{Line, Model, Options, Session, scenario};
use yew::prelude::*;

pub(super) struct Order {
    /// The movable lines in the student's order.
    lines: Vec<Line>,
}

/// The exercise's task fields: the function, the fixed lines, the scrambled ones, the
/// scenarios.
fn task(
    e: &Exercise,
) -> (
    daxlab_core::Func,
    &'static [Line],
    &'static [Line],
    &'static [&'static str],
) {
    match e.task {
        Task::Order {
            func,
            fixed,
            scrambled,
            scenarios,
        } => (func, fixed, scrambled, scenarios),
        _ => (daxlab_core::Func::WaitEntryUnlocked, &[], &[], &[]),
    }
}

impl Order {
    pub(super) fn new(e: &Exercise, st: &mut Visualizer) -> Order {
        let o = Order {
            lines: task(e).2.to_vec(),
        };
        o.load(e, st);
        o
    }

    /// The model of `name` running the order shown.
    fn model(&self, e: &Exercise, name: &str) -> Result<Model, String> {
        let (func, fixed, _, _) = task(e);
        let base = scenario(name)
            .ok_or_else(|| format!("no scenario {name}"))?
            .model(Options {
                variant: e.setup.variant,
                code: Some(e.setup.code()),
                truncate_wake: None,
            });
        model(&base, func, fixed, &self.lines).map_err(|err| err.to_string())
    }

    /// The visualizer shows the exercise's scenario running the order shown.
    fn load(&self, e: &Exercise, st: &mut Visualizer) {
        match self.model(e, e.setup.scenario) {
            Ok(m) => st.load(Session::new(m)),
            Err(err) => st.errors.push(format!("This order cannot run: {err}.")),
        }
    }

    pub(super) fn apply(
        &mut self,
        e: &Exercise,
        st: &mut Visualizer,
        a: &ExerciseAction,
    ) -> Outcome {
        match *a {
            ExerciseAction::Move { index, up } => {
                let to = if up {
                    index.checked_sub(1)
                } else {
                    Some(index + 1)
                };
                match to {
                    Some(to) if index < self.lines.len() && to < self.lines.len() => {
                        self.lines.swap(index, to);
                        self.load(e, st);
                        Outcome::Stale
                    }
                    _ => Outcome::Nothing,
                }
            }
            ExerciseAction::Check => {
                let (func, _, _, scenarios) = task(e);
                let mut says = Vec::new();
                let mut solved = true;
                let mut shown = false;
                for name in scenarios {
                    let m = match self.model(e, name) {
                        Ok(m) => m,
                        Err(err) => {
                            return Outcome::Verdict(
                                Verdict {
                                    right: false,
                                    says: format!("This order cannot run: {err}."),
                                },
                                false,
                            );
                        }
                    };
                    let r = run(&m, func);
                    says.push(r.says(&m));
                    solved &= r.solved();
                    if !shown {
                        if let Some(trace) = r.trace() {
                            show(st, m, trace);
                            shown = true;
                        } else {
                            st.load(Session::new(m));
                        }
                    }
                }
                Outcome::Verdict(
                    Verdict {
                        right: solved,
                        says: says.join(" "),
                    },
                    solved,
                )
            }
            _ => Outcome::Nothing,
        }
    }

    pub(super) fn view(&self, e: &Exercise, send: &Send) -> Html {
        let (func, fixed, _, _) = task(e);
        let n = self.lines.len();
        html! {
            <div class="order">
                <p class="order-head"><code>{ format!("static void {}(…)", func.name()) }</code>{ " {" }</p>
                <ol class="order-lines">
                    { for fixed.iter().map(|l| html! {
                        <li class="fixed-line"><code>{ l.text() }</code><span class="pinned">{ " (stays first)" }</span></li>
                    }) }
                    { for self.lines.iter().enumerate().map(|(i, l)| {
                        let text = l.text();
                        html! {
                            <li class="movable" data-line={format!("{l:?}")}>
                                <code>{ text }</code>
                                <span class="moves">
                                    <button class="up" disabled={i == 0} aria-label={format!("Move {text} up")}
                                        onclick={act::<MouseEvent>(send, ExerciseAction::Move { index: i, up: true })}>{ "▲" }</button>
                                    <button class="down" disabled={i + 1 == n} aria-label={format!("Move {text} down")}
                                        onclick={act::<MouseEvent>(send, ExerciseAction::Move { index: i, up: false })}>{ "▼" }</button>
                                </span>
                            </li>
                        }
                    }) }
                </ol>
                <p class="order-head"><code>{ "}" }</code></p>
            </div>
        }
    }
}
