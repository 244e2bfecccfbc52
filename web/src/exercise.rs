//! The exercise panel (issue 12): `?exercise=NAME` shows one of
//! `daxlab_core::teach::exercise::EXERCISES` beside the visualizer, which shows the exercise's
//! state. Every answer is checked by the core (the model or the explorer); this module keeps
//! the student's answers, runs the searches in slices and draws the panel. Each kind of
//! exercise lives in a submodule with its state, its actions and its view.
//!
//! An exercise touches the page only through a [`Visualizer`] (the visualizer's run and the page's
//! messages), so this module knows nothing of `AppState`. The hooks elsewhere are small:
//! `AppState::exercise` and `Action::Exercise` (which records a solve in the progress),
//! [`prepare`] and [`start`] in `AppState::from_query`/`from_params`, [`beside`] in the view,
//! and the timer in `lib.rs` that sends [`ExerciseAction::Tick`] while [`ExerciseRun::busy`].

mod capstone;
mod graph;
mod order;
mod predict;
mod report;
mod stability;

use crate::params::Params;
use daxlab_core::teach::exercise::{EXERCISES, Exercise, Kind, Verdict, exercise};
use daxlab_core::{Code, Fix, Model, Session};
use yew::prelude::*;

/// Callback type every control uses.
pub type Send = Callback<ExerciseAction>;

/// States a search expands per slice: small enough to keep a frame, like the page's own
/// Find a bug (`state::SEARCH_SLICE`).
const SLICE: usize = 4_000;

/// What an exercise may change of the page: the run in the visualizer and the page's messages.
pub struct Visualizer<'a> {
    /// The visualizer's run.
    pub session: &'a mut Session,
    /// The page's messages.
    pub errors: &'a mut Vec<String>,
    /// The exercise loaded another run: the page then forgets its random seed and its notice.
    pub loaded: bool,
}

impl Visualizer<'_> {
    /// The model on screen.
    fn model(&self) -> &Model {
        self.session.model()
    }

    /// Put `s` in the visualizer.
    fn load(&mut self, s: Session) {
        *self.session = s;
        self.loaded = true;
    }
}

/// Everything a student can do in the exercise panel.
#[derive(Clone, Debug, PartialEq)]
pub enum ExerciseAction {
    /// Object graph: pick the object with this key for pointer `hop` of chain `chain`.
    Pick {
        /// The chain (one per starting page).
        chain: usize,
        /// The pointer in the chain.
        hop: usize,
        /// The object's key (`graph::Node::key`).
        key: String,
    },
    /// Stability table: tick or untick a cell.
    ToggleCell {
        /// The row (`stability::Field::ALL` order).
        field: usize,
        /// The column (`stability::Guard::ALL` order).
        guard: usize,
    },
    /// Stability table: load a cell's counterexample into the visualizer.
    Replay {
        /// The row.
        field: usize,
        /// The column.
        guard: usize,
    },
    /// Order: move the movable line at `index` one place up (or down).
    Move {
        /// Its position among the movable lines.
        index: usize,
        /// Up (towards the top) or down.
        up: bool,
    },
    /// Predict / capstone: add or take away an upstream fix (by commit id).
    ToggleFix(String),
    /// Predict: tick or untick a violation kind (by position in the exercise's list).
    TogglePredict(usize),
    /// Check the answer (the order exercise runs the explorer; the capstone proves).
    Check,
    /// Let a search expand one slice; `now_ms` is the caller's clock.
    Tick {
        /// Milliseconds on the caller's clock.
        now_ms: f64,
    },
    /// Load the exercise's own state into the visualizer again.
    Restart,
}

/// What an action did to the verdict.
enum Outcome {
    /// Nothing to say.
    Nothing,
    /// The answer changed: the last verdict no longer applies.
    Stale,
    /// A verdict, and whether the exercise is solved.
    Verdict(Verdict, bool),
    /// Progress with nothing wrong in it, not yet a solution (neither ✓ nor ✗).
    Open(String),
    /// A search started.
    Busy,
}

/// The student's work on one kind of exercise.
enum Body {
    Graph(graph::Graph),
    Stability(stability::Stability),
    Order(order::Order),
    Predict(predict::Predict),
    Report(report::Report),
    Capstone(capstone::Capstone),
}

/// An exercise being worked on.
pub struct ExerciseRun {
    /// The exercise.
    pub exercise: &'static Exercise,
    body: Body,
    /// The verdict of the last check, or the progress of a search.
    pub verdict: Option<Verdict>,
    /// The verdict is progress with nothing wrong in it ([`Outcome::Open`]).
    pub open: bool,
    solved: bool,
    started_ms: Option<f64>,
}

impl ExerciseRun {
    /// Whether the student has solved it in this run (the page's progress then records it).
    pub fn solved(&self) -> bool {
        self.solved
    }

    /// Whether a search is running (the page then sends [`ExerciseAction::Tick`]).
    pub fn busy(&self) -> bool {
        match &self.body {
            Body::Predict(p) => p.busy(),
            Body::Capstone(c) => c.busy(),
            _ => false,
        }
    }

    fn new(e: &'static Exercise, st: &mut Visualizer) -> ExerciseRun {
        let body = match e.kind() {
            Kind::ObjectGraph => Body::Graph(graph::Graph::new(e, st)),
            Kind::StabilityTable => Body::Stability(stability::Stability::new()),
            Kind::Order => Body::Order(order::Order::new(e, st)),
            Kind::FixesPredict => Body::Predict(predict::Predict::new(e, st)),
            Kind::Report => Body::Report(report::Report::new(e)),
            Kind::Capstone => Body::Capstone(capstone::Capstone::new(e, st)),
        };
        ExerciseRun {
            exercise: e,
            body,
            verdict: None,
            open: false,
            solved: false,
            started_ms: None,
        }
    }

    /// Do what the student asked.
    pub fn apply(&mut self, st: &mut Visualizer, a: ExerciseAction) {
        let e = self.exercise;
        if a == ExerciseAction::Restart {
            restart(e, st);
            return;
        }
        if let ExerciseAction::Tick { now_ms } = a {
            let started = *self.started_ms.get_or_insert(now_ms);
            let millis = now_ms - started;
            let out = match &mut self.body {
                Body::Predict(p) => p.tick(e, st, millis),
                Body::Capstone(c) => c.tick(e, st, millis),
                _ => Outcome::Nothing,
            };
            self.take(out);
            return;
        }
        let out = match &mut self.body {
            Body::Graph(g) => g.apply(&a),
            Body::Stability(s) => s.apply(e, st, &a),
            Body::Order(o) => o.apply(e, st, &a),
            Body::Predict(p) => p.apply(e, st, &a),
            Body::Report(r) => r.apply(e, st, &a),
            Body::Capstone(c) => c.apply(e, st, &a),
        };
        self.take(out);
    }

    fn take(&mut self, out: Outcome) {
        // The flag goes with the verdict it describes: any new verdict (or none) resets it.
        if !matches!(out, Outcome::Nothing) {
            self.open = matches!(out, Outcome::Open(_));
        }
        match out {
            Outcome::Nothing => {}
            Outcome::Stale => self.verdict = None,
            Outcome::Busy => {
                self.started_ms = None;
                self.verdict = Some(Verdict {
                    right: false,
                    says: "Searching every interleaving…".into(),
                });
            }
            Outcome::Verdict(v, solved) => {
                self.solved |= solved;
                self.verdict = Some(v);
            }
            Outcome::Open(says) => self.verdict = Some(Verdict { right: false, says }),
        }
    }
}

/// Before the state is built from `p`: an exercise sets the scenario, the code and the
/// schedule it starts from. A URL that carries a whole view (`has_state`) keeps what the
/// exercise allows to change: the student's stepping, or the fixes they toggled.
pub fn prepare(p: &mut Params, has_state: bool) {
    let Some(e) = p.exercise.and_then(exercise) else {
        return;
    };
    let s = e.setup;
    let own_code = || (!s.fixes.is_empty()).then(|| s.fixes.to_string());
    let (keep_schedule, keep_fixes) = match e.kind() {
        Kind::ObjectGraph | Kind::StabilityTable if has_state => return,
        Kind::ObjectGraph | Kind::StabilityTable => (false, false),
        // The order is not part of the URL; the scaled model is not a URL scenario.
        Kind::Order => (false, false),
        Kind::Capstone => (false, has_state),
        Kind::FixesPredict => (has_state, has_state),
        Kind::Report => (has_state, false),
    };
    p.scenario = s.scenario;
    p.variant = Some(s.variant);
    p.truncate = None;
    if !keep_fixes {
        p.fixes = own_code();
    }
    if !keep_schedule {
        p.schedule = Some(s.schedule.to_string());
        p.step = None;
    }
    p.seed = None;
    p.challenge = None;
}

/// After the state is built: the exercise `name`, started beside the visualizer.
pub fn start(name: Option<&'static str>, st: &mut Visualizer) -> Option<ExerciseRun> {
    name.and_then(exercise).map(|e| ExerciseRun::new(e, st))
}

/// Show `model` in the visualizer, run through `steps` (a counterexample), at its end.
fn show(st: &mut Visualizer, model: Model, steps: &[daxlab_core::Tid]) {
    let mut s = Session::new(model);
    if let Err(e) = s.run(steps) {
        st.errors
            .push(format!("The exercise's schedule did not replay: {e}."));
    }
    st.load(s);
}

/// The exercise's own state, in the visualizer again (under the code the student chose, for
/// the exercises that toggle fixes, and in the student's order for the order exercise).
fn restart(e: &Exercise, st: &mut Visualizer) {
    let model = match e.kind() {
        Kind::Order => st.model().clone(),
        Kind::Capstone | Kind::FixesPredict => e.setup.model_with(st.model().code()),
        _ => e.setup.model(),
    };
    let mut s = Session::new(model);
    if let Err(err) = s.run_text(e.setup.schedule) {
        st.errors
            .push(format!("The exercise's state did not load: {err}."));
    }
    st.load(s);
}

/// The page's main column, with the exercise panel beside it when an exercise is open.
/// `solved_before`: the student's progress has this exercise.
pub fn beside(run: Option<&ExerciseRun>, solved_before: bool, send: &Send, main: Html) -> Html {
    let Some(run) = run else {
        return main;
    };
    html! {
        <div class="exercise-layout">
            { panel(run, solved_before, send) }
            { main }
        </div>
    }
}

/// A callback (for any event) that sends `a`.
fn act<E: 'static>(send: &Send, a: ExerciseAction) -> Callback<E> {
    send.reform(move |_: E| a.clone())
}

// Out of line: not merged into the App's view function (see index.html).
#[inline(never)]
fn panel(run: &ExerciseRun, solved_before: bool, send: &Send) -> Html {
    let e = run.exercise;
    let k = EXERCISES.iter().position(|x| x.name == e.name).unwrap_or(0);
    let (body, check_label) = match &run.body {
        Body::Graph(g) => (g.view(send), "Check"),
        Body::Stability(s) => (s.view(e, send), "Check"),
        Body::Order(o) => (o.view(e, send), "Run the explorer"),
        Body::Predict(p) => (p.view(e, send), "Check"),
        Body::Report(r) => (r.view(), "Check my run"),
        Body::Capstone(c) => (c.view(send), "Prove"),
    };
    let busy = run.busy();
    let verdict_class = match (&run.verdict, busy) {
        (_, true) => "working",
        (Some(v), _) if v.right => "right",
        (Some(_), _) if run.open => "open",
        (Some(_), _) => "wrong",
        (None, _) => "none",
    };
    let nav = |i: usize, label: &str| -> Html {
        match EXERCISES.get(i) {
            Some(x) => html! {
                <a href={format!("?exercise={}", x.name)} title={x.title}>{ label.to_string() }</a>
            },
            None => html! {},
        }
    };
    html! {
        <aside id="exercise" class="exercise" aria-labelledby="exercise-title" data-kind={format!("{:?}", e.kind())}>
            <p class="exercise-kind">{ format!("Exercise {} of {} · {}", k + 1, EXERCISES.len(), e.kind().title()) }</p>
            <h2 id="exercise-title">{ e.title }</h2>
            <p class="instructions">{ text(e.instructions) }</p>
            { body }
            // Buttons and verdict stay in sight at the foot of the panel while it scrolls.
            <div class="exercise-footer">
            <div class="exercise-buttons">
                <button id="exercise-check" onclick={act::<MouseEvent>(send, ExerciseAction::Check)} disabled={busy}>{ check_label }</button>
                <button id="exercise-restart" onclick={act::<MouseEvent>(send, ExerciseAction::Restart)} disabled={busy}
                    title="Load the exercise's own state into the visualizer again">{ "Show the exercise's state" }</button>
            </div>
            <div id="exercise-verdict" class={classes!("exercise-verdict", verdict_class)} role="status" aria-live="polite">
                if let Some(v) = &run.verdict {
                    <p>{ if busy { "… " } else if v.right { "✓ " } else if run.open { "→ " } else { "✗ " } }{ text(&v.says) }</p>
                }
                if run.solved() {
                    <p id="exercise-solved" class="solved">{ "★ Solved — kept in your progress" }</p>
                } else if solved_before {
                    <p class="solved-before">{ "★ You solved this one before; it stays in your progress." }</p>
                }
            </div>
            </div>
            <nav class="exercise-nav" aria-label="Other exercises">
                { if k > 0 { nav(k - 1, "◀ previous exercise") } else { html! {} } }
                { " " }
                { nav(k + 1, "next exercise ▶") }
            </nav>
        </aside>
    }
}

/// Toggles the fix `commit` in `code` and loads the exercise's world under the result; false
/// (and a message naming what is accepted) when there is no such commit.
fn toggle_fix(e: &Exercise, st: &mut Visualizer, code: &mut Code, commit: &str) -> bool {
    let Some(fix) = Fix::from_commit(commit) else {
        st.errors.push(format!(
            "There is no upstream commit {commit:?} in this model; accepted: {}.",
            Fix::ALL.map(|f| f.commit()).join(", ")
        ));
        return false;
    };
    *code = if code.has(fix) {
        code.without(fix)
    } else {
        code.with(fix)
    };
    st.load(Session::new(e.setup.model_with(*code)));
    true
}

/// The line shown while a check searches in slices.
fn searching(what: &str, states: u64, millis: f64) -> Outcome {
    Outcome::Verdict(
        Verdict {
            right: false,
            says: format!("{what} {states} states so far ({millis:.0} ms)."),
        },
        false,
    )
}

/// A checkbox per upstream fix, ticked when `code` has it.
fn fix_boxes(code: Code, send: &Send, legend: &str) -> Html {
    html! {
        <fieldset class="exercise-fixes">
            <legend>{ legend.to_string() }</legend>
            { for Fix::ALL.iter().map(|f| {
                let info = f.info();
                html! {
                    <label class="fix" title={info.title()}>
                        <input type="checkbox" id={format!("exfix-{}", info.commit)} checked={code.has(*f)}
                            onchange={act::<Event>(send, ExerciseAction::ToggleFix(info.commit.to_string()))} />
                        // What the commit does; a subject line not confirmed says so in
                        // the tooltip (FixInfo::title), not in the student's list.
                        <code>{ info.commit }</code>{ format!(" {}", info.subject) }
                    </label>
                }
            }) }
        </fieldset>
    }
}

/// ✓ or ✗ with a class, for one checked item.
fn mark(v: &Verdict) -> Html {
    html! {
        <span class={classes!("mark", if v.right { "right" } else { "wrong" })}>
            { if v.right { "✓ " } else { "✗ " } }{ text(&v.says) }
        </span>
    }
}

/// Text whose `backquoted` words are code (the core writes identifiers that way).
fn text(s: &str) -> Html {
    html! {
        { for s.split('`').enumerate().map(|(i, part)| {
            if i % 2 == 1 { html! { <code>{ part.to_string() }</code> } } else { html! { { part.to_string() } } }
        }) }
    }
}

#[cfg(test)]
mod tests;
