//! Build the object graph: a radio group per pointer, shown in turn (the next pointer appears
//! once the ones before it are right); choices and answers from `teach::exercise::graph`.

use super::{ExerciseAction, Outcome, Send, Visualizer, mark};
use daxlab_core::teach::exercise::graph::{Chain, Node, chain, label};
use daxlab_core::teach::exercise::{Exercise, Task, Verdict};
use daxlab_core::{Pfn, World};
use yew::prelude::*;

pub(super) struct Graph {
    /// The world the questions are about: the exercise's state.
    world: World,
    chains: Vec<Chain>,
    picks: Vec<Vec<Option<Node>>>,
    /// Per chain, the pointers shown (at least one).
    shown: Vec<usize>,
    /// Per chain and pointer, the verdict of the last check.
    checked: Vec<Vec<Option<Verdict>>>,
}

impl Graph {
    pub(super) fn new(e: &Exercise, st: &Visualizer) -> Graph {
        let world = e
            .setup
            .world()
            .unwrap_or_else(|_| st.session.world().clone());
        let pages: &[u8] = match e.task {
            Task::ObjectGraph { pages } => pages,
            _ => &[],
        };
        let chains: Vec<Chain> = pages.iter().map(|&p| chain(&world, Pfn(p))).collect();
        Graph {
            picks: chains
                .iter()
                .map(|c| vec![None; c.questions.len()])
                .collect(),
            checked: chains
                .iter()
                .map(|c| vec![None; c.questions.len()])
                .collect(),
            shown: vec![1; chains.len()],
            chains,
            world,
        }
    }

    pub(super) fn apply(&mut self, a: &ExerciseAction) -> Outcome {
        match a {
            ExerciseAction::Pick { chain, hop, key } => {
                let Some(q) = self.chains.get(*chain).and_then(|c| c.questions.get(*hop)) else {
                    return Outcome::Nothing;
                };
                if let Some(node) = q.choices.iter().find(|n| n.key() == *key) {
                    self.picks[*chain][*hop] = Some(*node);
                    // The verdict under it was on the pick before.
                    self.checked[*chain][*hop] = None;
                }
                Outcome::Nothing
            }
            ExerciseAction::Check => self.check(),
            _ => Outcome::Nothing,
        }
    }

    fn check(&mut self) -> Outcome {
        let (mut right, mut wrong) = (0, 0);
        for (c, ch) in self.chains.iter().enumerate() {
            for h in 0..self.shown[c] {
                let v = ch.questions[h].check(&self.world, self.picks[c][h]);
                if v.right {
                    right += 1;
                } else if self.picks[c][h].is_some() {
                    // (A pointer not picked yet is open, not wrong.)
                    wrong += 1;
                }
                // An unpicked pointer gets no ✗ of its own: it is open.
                self.checked[c][h] = self.picks[c][h].map(|_| v);
            }
            let leading = self.checked[c]
                .iter()
                .take_while(|v| v.as_ref().is_some_and(|v| v.right))
                .count();
            self.shown[c] = (leading + 1).min(ch.questions.len());
        }
        let done = self.chains.iter().enumerate().all(|(c, ch)| {
            self.checked[c]
                .iter()
                .take(ch.questions.len())
                .all(|v| v.as_ref().is_some_and(|v| v.right))
        });
        if !done && wrong == 0 {
            // Nothing wrong: progress, not a failure.
            let n = if right == 1 {
                "1 pointer".to_string()
            } else {
                format!("{right} pointers")
            };
            return Outcome::Open(format!(
                "{n} right so far: the next ones are open; pick and Check again."
            ));
        }
        let says = if done {
            "Every pointer is right: the chains are as the world on screen holds them.".to_string()
        } else {
            format!(
                "{right} right, {wrong} not yet: see below what those pointers really point at, then Check again."
            )
        };
        Outcome::Verdict(Verdict { right: done, says }, done)
    }

    pub(super) fn view(&self, send: &Send) -> Html {
        let w = &self.world;
        html! {
            <div class="graph">
                { for self.chains.iter().enumerate().map(|(c, ch)| {
                    let complete = self.shown[c] == ch.questions.len()
                        && self.checked[c].iter().all(|v| v.as_ref().is_some_and(|v| v.right));
                    html! {
                        <fieldset class="chain" id={format!("chain-{c}")}>
                            <legend>{ format!("From the struct page of pfn {}", ch.pfn.0) }</legend>
                            { for ch.questions.iter().take(self.shown[c]).enumerate().map(|(h, q)| {
                                let name = format!("hop-{c}-{h}");
                                html! {
                                    <fieldset class="hop" id={name.clone()}>
                                        <legend><code>{ q.hop.pointer() }</code>{ " points at…" }</legend>
                                        { for q.choices.iter().map(|n| {
                                            let key = n.key();
                                            let id = format!("{name}-{key}");
                                            let pick = send.reform({
                                                let key = key.clone();
                                                move |_| ExerciseAction::Pick { chain: c, hop: h, key: key.clone() }
                                            });
                                            html! {
                                                <label for={id.clone()} class="choice">
                                                    <input type="radio" id={id} name={name.clone()} value={key}
                                                        checked={self.picks[c][h] == Some(*n)} onchange={pick} />
                                                    { label(w, *n) }
                                                </label>
                                            }
                                        }) }
                                        if let Some(v) = &self.checked[c][h] { <p class="hop-verdict">{ mark(v) }</p> }
                                    </fieldset>
                                }
                            }) }
                            if complete { <p class="chain-end">{ &ch.end }</p> }
                        </fieldset>
                    }
                }) }
            </div>
        }
    }
}
