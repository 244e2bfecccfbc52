//! The stability table: a checkbox per (field, guard); the model's table
//! (`teach::exercise::stability`) decides, and a wrong "stable" cell gets its counterexample,
//! which loads into the visualizer or opens as a replay link.

use super::{ExerciseAction, Outcome, Send, Visualizer, act, mark, show};
use daxlab_core::teach::exercise::stability::{Field, Guard, Table, table};
use daxlab_core::teach::exercise::{Exercise, Task, Verdict};
use daxlab_core::{Model, Options, scenario};
use yew::prelude::*;

pub(super) struct Stability {
    ticks: [[bool; 3]; 3],
    /// The model's table, computed at the first check.
    table: Option<Table>,
    /// The ticks the verdicts below are about.
    checked: Option<[[bool; 3]; 3]>,
}

fn models(e: &Exercise) -> Vec<Model> {
    let names: &[&str] = match e.task {
        Task::StabilityTable { scenarios } => scenarios,
        _ => &[],
    };
    let options = Options {
        variant: e.setup.variant,
        code: Some(e.setup.code()),
        truncate_wake: None,
    };
    names
        .iter()
        .filter_map(|n| scenario(n))
        .map(|s| s.model(options))
        .collect()
}

impl Stability {
    pub(super) fn new() -> Stability {
        Stability {
            ticks: [[false; 3]; 3],
            table: None,
            checked: None,
        }
    }

    pub(super) fn apply(
        &mut self,
        e: &Exercise,
        st: &mut Visualizer,
        a: &ExerciseAction,
    ) -> Outcome {
        match *a {
            ExerciseAction::ToggleCell { field, guard } if field < 3 && guard < 3 => {
                self.ticks[field][guard] ^= true;
                Outcome::Nothing
            }
            ExerciseAction::Replay { field, guard } => {
                let Some(c) = self.table.as_ref().and_then(|t| {
                    t.cell(Field::ALL[field % 3], Guard::ALL[guard % 3])
                        .counterexample
                        .clone()
                }) else {
                    return Outcome::Nothing;
                };
                let Some(m) = models(e).into_iter().find(|m| m.scenario() == c.scenario) else {
                    return Outcome::Nothing;
                };
                match daxlab_core::schedule::parse(&c.schedule, &m) {
                    Ok(steps) => show(st, m, &steps),
                    Err(err) => st
                        .errors
                        .push(format!("Counterexample {}: {err}.", c.schedule)),
                }
                Outcome::Nothing
            }
            ExerciseAction::Check => {
                let t = self.table.get_or_insert_with(|| table(&models(e)));
                self.checked = Some(self.ticks);
                let mut right = 0;
                for (f, field) in Field::ALL.iter().enumerate() {
                    for (g, guard) in Guard::ALL.iter().enumerate() {
                        right += t.check(*field, *guard, self.ticks[f][g]).right as usize;
                    }
                }
                let done = right == 9;
                let says = format!(
                    "{right} of 9 cells right. The model walked every reachable step of {} states ({} transitions){}.",
                    t.states,
                    t.transitions,
                    if t.complete {
                        ""
                    } else {
                        " — the walk stopped at its bound"
                    }
                );
                Outcome::Verdict(Verdict { right: done, says }, done && t.complete)
            }
            _ => Outcome::Nothing,
        }
    }

    pub(super) fn view(&self, e: &Exercise, send: &Send) -> Html {
        let verdict = |f: usize, g: usize| -> Option<Verdict> {
            let (t, ticks) = (self.table.as_ref()?, self.checked?);
            Some(t.check(Field::ALL[f], Guard::ALL[g], ticks[f][g]))
        };
        html! {
            <div class="stability">
                <table class="stability-table">
                    <caption>{ "Tick a cell when the guard keeps the field stable for mf" }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ "field" }</th>
                            { for Guard::ALL.iter().map(|g| html! { <th scope="col">{ g.title() }</th> }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for Field::ALL.iter().enumerate().map(|(f, field)| html! {
                            <tr>
                                <th scope="row">{ super::text(field.title()) }</th>
                                { for Guard::ALL.iter().enumerate().map(|(g, guard)| {
                                    let id = format!("stable-{f}-{g}");
                                    let v = verdict(f, g);
                                    let class = v.as_ref().map(|v| if v.right { "right" } else { "wrong" });
                                    html! {
                                        <td class={classes!(class)}>
                                            <input type="checkbox" id={id.clone()} checked={self.ticks[f][g]}
                                                aria-label={format!("{} keeps {} stable", guard.title(), field.short().replace('`', ""))}
                                                onchange={act(send, ExerciseAction::ToggleCell { field: f, guard: g })} />
                                            if let Some(v) = &v {
                                                <span class="cell-mark" aria-hidden="true">{ if v.right { " ✓" } else { " ✗" } }</span>
                                            }
                                        </td>
                                    }
                                }) }
                            </tr>
                        }) }
                    </tbody>
                </table>
                if self.checked.is_some() {
                    <ul class="cell-verdicts">
                        { for Field::ALL.iter().enumerate().flat_map(|(f, field)| Guard::ALL.iter().enumerate().map(move |(g, guard)| (f, *field, g, *guard))).filter_map(|(f, field, g, guard)| {
                            let v = verdict(f, g)?;
                            if v.right {
                                return None;
                            }
                            let c = self.table.as_ref()?.cell(field, guard).counterexample.clone();
                            Some(html! {
                                <li id={format!("verdict-{f}-{g}")}>
                                    <strong>{ super::text(&format!("{} / {}: ", field.short(), guard.title())) }</strong>{ mark(&v) }
                                    if let Some(c) = c {
                                        { " " }
                                        <button class="replay" onclick={act(send, ExerciseAction::Replay { field: f, guard: g })}>{ "Show in the visualizer" }</button>
                                        { " " }
                                        <a class="replay-link" href={format!("{}&exercise={}", c.query, e.name)}>{ "replay link" }</a>
                                    }
                                </li>
                            })
                        }) }
                    </ul>
                }
            </div>
        }
    }
}
