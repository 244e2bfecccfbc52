//! Drawing the teaching parts: a lesson step's predictions (radio groups, so keyboards and
//! screen readers work), the challenge panel (budget, par, graded hints, win and debrief, or an
//! unbreakable level's proof), the levels, the progress dialog and the teacher's page.

use crate::lessons::CHALLENGES;
use crate::stage::Send;
use crate::state::{Action, AppState};
use crate::teach::{self, ClassRow, PredictionRun, TeachAction};
use daxlab_core::teach::challenge::{Hint, WIN_POINTS};
use daxlab_core::teach::predict::Show;
use yew::prelude::*;

fn act(send: &Send, a: TeachAction) -> Callback<MouseEvent> {
    send.reform(move |_| Action::Teach(a.clone()))
}

/// The lesson step's predictions.
pub fn predictions(st: &AppState, send: &Send) -> Html {
    html! {
        { for st.predictions.iter().enumerate().map(|(k, p)| prediction(st, send, k, p)) }
    }
}

fn prediction(st: &AppState, send: &Send, k: usize, p: &PredictionRun) -> Html {
    let id = format!("prediction-{k}");
    let q = match &p.question {
        Ok(q) => q,
        Err(e) => {
            // Most often the student followed a link in the step's text to another state: the
            // prediction belongs to the step's own state, one click away.
            let back = st
                .lesson
                .map(|(_, k)| send.reform(move |_| Action::LessonGo(k)));
            return html! {
                <p id={id} class="prediction prediction-error" role="status">
                    { format!("This step's prediction is about the step's own state, not the one on screen ({e}). ") }
                    if let Some(back) = back {
                        <button class="small" onclick={back}>{ "Back to the step's state" }</button>
                    }
                </p>
            };
        }
    };
    let first = st
        .lesson
        .and_then(|(l, _)| st.progress.answered(l.name, p.index));
    // Recorded as not right on an earlier visit because the step ran before an answer.
    let peeked_before = !p.peeked
        && st
            .lesson
            .is_some_and(|(l, _)| st.progress.peeked(l.name, p.index));
    let checked = p.checked;
    let check = act(send, TeachAction::Check(k));
    let show = act(send, TeachAction::ShowWhy(k));
    let prompt_id = format!("{id}-prompt");
    let asked = st.posed_at.cursor;
    let away = st.session.cursor() != asked || !st.posed_at.begins(&st.session.steps());
    let back = st
        .lesson
        .map(|(_, k)| send.reform(move |_| Action::LessonGo(k)));
    html! {
        <section id={id.clone()} class="prediction" aria-labelledby={prompt_id.clone()}>
            <p class="predict-label">{ "Predict" }</p>
            <p id={prompt_id.clone()} class="prompt">{ &q.prompt }</p>
            // On a phone the lesson comes first and the figures ~1500 px below it.
            <p class="to-figures"><a href="#object-graph">{ "See the objects and the timeline ↓" }</a></p>
            <div role="radiogroup" aria-labelledby={prompt_id} class="choices">
                { for q.choices.iter().enumerate().map(|(i, c)| {
                    let choose = send.reform(move |_| Action::Teach(TeachAction::Choose { k, choice: i }));
                    let class = classes!(
                        "choice",
                        (checked.is_some() && i == q.answer).then_some("right"),
                        (checked == Some(i) && i != q.answer).then_some("wrong"),
                    );
                    html! {
                        <label class={class}>
                            <input type="radio" name={format!("{id}-choice")} value={i.to_string()}
                                checked={p.chosen == Some(i)} disabled={checked.is_some()} onchange={choose} />
                            { " " }{ c }
                        </label>
                    }
                }) }
            </div>
            if checked.is_none() && (p.peeked || away) {
                // The question speaks of its own state ("Next, trunc runs …"): say where that is,
                // and, once the step it asks about has run, that its answer has been on screen.
                // (Not a live region: it changes with every step, which the narration says.)
                <p id={format!("{id}-away")} class="prediction-away">
                    if away {
                        { format!("Asked at step {asked}; you are at step {}. ", st.session.cursor()) }
                    }
                    if p.peeked {
                        { "You have stepped past it: the step it asks about ran, so its answer has been on screen, and it counts as not right." }
                    }
                    if let (true, Some(back)) = (away, back.clone()) {
                        { " " }<button class="small" onclick={back}>{ "Back to the question's state" }</button>
                    }
                </p>
            }
            if checked.is_none() {
                <button id={format!("{id}-check")} onclick={check} disabled={p.chosen.is_none()}>{ "Check my answer" }</button>
            }
            if let Some(c) = checked {
                // Focused after Check (lib.rs), which reads it out, and its why with it (a
                // live region as well would say the verdict twice).
                <p id={format!("{id}-verdict")} class={classes!("verdict", if c == q.answer { "right" } else { "wrong" })} tabindex="-1"
                    aria-describedby={format!("{id}-why")}>
                    { if c == q.answer { "✓ Right.".to_string() } else { format!("✗ Not quite: the answer is “{}”.", q.choices[q.answer]) } }
                    if let Some(f) = first {
                        { verdict_note(f, c == q.answer, p.peeked, peeked_before) }
                    }
                </p>
                <p class="why" id={format!("{id}-why")}>{ &q.why }</p>
                if q.show != Show::Nothing {
                    <button id={format!("{id}-show")} onclick={show}>
                        { match &q.show { Show::Step(_) => "Show me: take that step", _ => "Show me: load the explorer's schedule" } }
                    </button>
                }
            }
        </section>
    }
}

/// What follows a verdict when the answer on record (the first, which counts) differs from
/// this one: `first` the record, `right` this answer, `peeked` whether the step it asks about
/// ran on this visit before an answer, `peeked_before` on an earlier one.
fn verdict_note(first: bool, right: bool, peeked: bool, peeked_before: bool) -> &'static str {
    match (first, right) {
        (true, true) | (false, false) => "",
        (true, false) => " (Your first answer, which counts, was right.)",
        (false, true) if peeked => {
            " (Counted as not right: you had stepped past the question, and its answer was on screen.)"
        }
        (false, true) if peeked_before => {
            " (Counted as not right: on an earlier visit you stepped past the question while its answer was on screen.)"
        }
        (false, true) => " (Your first answer, which counts, was not right.)",
    }
}

/// The challenge panel.
// Out of line: not merged into the App's view function (see index.html).
#[inline(never)]
pub fn challenge_panel(st: &AppState, send: &Send) -> Html {
    let Some(run) = &st.challenge else {
        return html! {};
    };
    let c = run.challenge;
    let n = CHALLENGES.len();
    let levels = levels(st);
    if let Some(first) = run.locked_by {
        return html! {
            <section id="challenge" class="challenge locked" aria-label="Challenge">
                <h2>{ format!("Level {} of {n}: {} — locked", c.level(), c.title) }</h2>
                { levels }
                <p id="challenge-locked" role="status">
                    { format!("Levels unlock in order. Win level {} first: ", first.level()) }
                    <a href={format!("?challenge={}", first.name)}>{ first.title }</a>{ "." }
                </p>
            </section>
        };
    }
    let hint = act(send, TeachAction::Hint);
    // Hints this visit or an earlier one: what a win is graded with.
    let charged = run.hints_charged(&st.progress);
    let prove = act(send, TeachAction::Prove);
    let next = CHALLENGES.get(c.level());
    let model = st.model();
    let last = st.session.steps().last().copied();
    let runnable_last = last.filter(|&l| model.is_runnable(st.session.world(), l));
    html! {
        <section id="challenge" class="challenge" aria-label="Challenge">
            <h2 id="challenge-title" tabindex="-1">{ format!("Level {} of {n}: {}", c.level(), c.title) }</h2>
            { levels }
            <p class="goal">{ c.goal }</p>
            if c.unbreakable() {
                <p>{ format!("{} under {}. No budget: try any schedule you like, then press Prove it.", c.scenario, c.variant) }</p>
            } else {
                <p id="budget" class={classes!("budget", (run.used >= c.budget).then_some("spent"))}>
                    { format!("{} under {}. You are the scheduler. Preemptions used: {} of {} (par {}).",
                        c.scenario, c.variant, run.used, c.budget, c.par.unwrap_or(0)) }
                </p>
                if run.won.is_none() {
                    <p class="preempt-note">
                        { match (last, runnable_last) {
                            (None, _) => "No thread has run yet: the first step is free.".to_string(),
                            (_, Some(l)) => format!("Running any thread but {} now is a preemption: {} can still run.", model.name(l), model.name(l)),
                            (Some(_), None) => "Switching threads now is free: the last thread cannot run.".to_string(),
                        } }
                    </p>
                }
            }
            // Read out from the page's status region (#announce) when it appears.
            if let Some(why) = st.goal_not_counted() {
                <p id="over-budget" class="broken">{ why }</p>
            }
            if let Some(w) = &run.won {
                // Read out from the page's status region (#announce), which is always there.
                <div id="challenge-solved" class="solved">
                    <p>{ run.outcome_sentence().unwrap_or_default() }</p>
                </div>
                <section id="debrief" class="debrief" aria-label="Debrief">
                    <h3>{ "Debrief" }</h3>
                    <p>{ code_spans(&w.debrief.fixed_by) }
                        if let Some(link) = &w.debrief.link {
                            { " " }<a href={link.clone()} target="_blank" rel="noopener">{ "The commit ↗" }</a>
                        }
                    </p>
                    <p>{ code_spans(w.debrief.story) }</p>
                    <p>{ "What the kernel would print:" }</p>
                    <pre class="report">{ &w.debrief.report }</pre>
                    if let Some(nx) = next {
                        <a id="next-level" class="next-level" href={format!("?challenge={}", nx.name)}>{ format!("Next: level {} ▶", nx.level()) }</a>
                    }
                </section>
            }
            if run.proof.is_some() {
                <div id="challenge-solved" class={classes!(if run.done() { "solved" } else { "broken" })}>
                    { run.outcome_sentence().unwrap_or_default() }
                </div>
                if run.done() && let Some(nx) = next {
                    <a id="next-level" class="next-level" href={format!("?challenge={}", nx.name)}>{ format!("Next: level {} ▶", nx.level()) }</a>
                }
            }
            if run.won.is_none() {
                <div class="hints">
                    if let Some(h) = run.next_hint() {
                        <button id="hint" onclick={hint} data-thread={run.hint_thread.clone()}
                            title="The next hint; each costs points (h goes here, Enter takes it)">
                            { if h.level() <= charged {
                                // Taken on an earlier visit: it counts already, and costs no more.
                                format!("Hint: {} (already counted)", h.label())
                            } else {
                                format!("Hint: {} (−{} point{})", h.label(), h.cost(), if h.cost() == 1 { "" } else { "s" })
                            } }
                        </button>
                    } else {
                        <button id="hint" disabled=true data-thread={run.hint_thread.clone()}>{ "No hints left" }</button>
                    }
                    if c.unbreakable() && run.proof.is_none() {
                        { " " }
                        <button id="prove" onclick={prove} disabled={st.session.is_empty()}
                            title="Search every schedule of this level">{ "Prove it" }</button>
                        if st.session.is_empty() { <span class="muted">{ " (try a few steps first)" }</span> }
                    }
                    if usize::from(charged) > run.hints.len() {
                        <p id="earlier-hints" class="muted">{ format!(
                            "{} hint(s) taken on an earlier visit to this level still count.",
                            charged) }</p>
                    }
                    if !run.hints.is_empty() {
                        <ol id="hints" class="hint-list">
                            { for run.hints.iter().map(|(h, text)| html! {
                                // Focused when taken (lib.rs), so it is read out, and a
                                // second Enter does not buy the next hint by accident.
                                <li class={format!("hint-{}", h.level())} id={format!("hint-{}", h.level())} tabindex="-1"><strong>{ format!("{}: ", h.label()) }</strong>{ text }</li>
                            }) }
                        </ol>
                    }
                </div>
            }
        </section>
    }
}

/// Text with `backtick` spans shown as code.
fn code_spans(text: &str) -> Html {
    html! {
        { for text.split('`').enumerate().map(|(i, part)| if i % 2 == 1 {
            html! { <code>{ part.to_string() }</code> }
        } else {
            html! { { part.to_string() } }
        }) }
    }
}

fn levels(st: &AppState) -> Html {
    let names = teach::level_names();
    let open = st.progress.unlocked(&names);
    let current = st.challenge.as_ref().map(|r| r.challenge.name);
    html! {
        <nav id="levels" class="levels" aria-label="Levels">
            <ol>
                { for CHALLENGES.iter().enumerate().map(|(i, c)| {
                    let won = st.progress.won(c.name);
                    // Locked: "⊘", not "×", which read as a level failed.
                    let mark = if won { "★" } else if i <= open { "○" } else { "⊘" };
                    let label = format!("{mark} {}", i + 1);
                    let title = format!("Level {}: {}{}", i + 1, c.title, if i > open { " (locked)" } else { "" });
                    html! {
                        <li class={classes!(won.then_some("won"), (i > open).then_some("locked"), (Some(c.name) == current).then_some("current"))}>
                            if i <= open {
                                <a href={format!("?challenge={}", c.name)} title={title}
                                    aria-current={(Some(c.name) == current).then_some("page")}>{ label }</a>
                            } else {
                                <span title={title} aria-disabled="true">{ label }</span>
                            }
                        </li>
                    }
                }) }
            </ol>
        </nav>
    }
}

/// The header's progress button and, when open, the dialog with the export code.
pub fn progress_button(st: &AppState, send: &Send) -> Html {
    let toggle = act(send, TeachAction::ToggleProgress);
    let wins = CHALLENGES
        .iter()
        .filter(|c| st.progress.won(c.name))
        .count();
    html! {
        <button id="progress-button" class="link-button" onclick={toggle} aria-expanded={st.progress_dialog.to_string()}>
            { format!("your progress ({wins}/{} levels)", CHALLENGES.len()) }
        </button>
    }
}

/// The progress dialog.
// Out of line: not merged into the App's view function (see index.html).
#[inline(never)]
pub fn progress_dialog(st: &AppState, send: &Send) -> Html {
    if !st.progress_dialog {
        return html! {};
    }
    let close = act(send, TeachAction::ToggleProgress);
    let reset = act(send, TeachAction::ResetProgress);
    let code = teach::progress_code(&st.progress);
    let (answered, right) = st.progress.prediction_totals();
    let points: u32 = st
        .progress
        .challenges
        .values()
        .map(|r| r.points as u32)
        .sum();
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="progress-title">
            <div class="dialog" id="progress-dialog" tabindex="-1">
                <h2 id="progress-title">{ "Your progress" }</h2>
                <p>{ format!("Levels won: {} of {} ({points} points). Predictions: {right} right of {answered} answered. Exercises solved: {}.",
                    CHALLENGES.iter().filter(|c| st.progress.won(c.name)).count(), CHALLENGES.len(), st.progress.exercises.len()) }</p>
                <label for="progress-code">{ "Your code — give it to your teacher:" }</label>
                <input id="progress-code" readonly=true value={code} size="40" />
                <p class="muted">{ "Kept in this browser only. The code records your progress; it is not a proof." }</p>
                <div class="row">
                    <button onclick={close}>{ "Close" }</button>
                    <button id="progress-reset" onclick={reset}>{ "Forget my progress" }</button>
                </div>
            </div>
        </div>
    }
}

/// The teacher's page (`?teacher=1`): paste a class's codes, read a table.
// Out of line: not merged into the App's view function (see index.html).
#[inline(never)]
pub fn teacher_page(st: &AppState, send: &Send, messages: Html) -> Html {
    let rows = teach::class_rows(&st.teacher_text);
    let exercises = daxlab_core::teach::exercise::EXERCISES;
    let oninput = send.reform(|e: InputEvent| {
        let v = e
            .target_dyn_into::<web_sys::HtmlTextAreaElement>()
            .map(|t| t.value())
            .unwrap_or_default();
        Action::Teach(TeachAction::TeacherCodes(v))
    });
    let ok: Vec<&ClassRow> = rows.iter().filter(|r| r.summary.is_ok()).collect();
    html! {
        <main id="teacher" class="teacher">
            <h1>{ "daxlab — the class's progress" }</h1>
            { messages }
            <p>{ "Paste the codes your students exported (one per line; “Name: code” keeps the name). Nothing leaves this page." }</p>
            <label for="teacher-codes">{ "Codes" }</label>
            <textarea id="teacher-codes" rows="8" cols="70" value={st.teacher_text.clone()} {oninput}
                placeholder="Ana: DX1-....." />
            if rows.iter().any(|r| r.summary.is_err()) {
                <div class="errors-box" role="alert">
                    <ul class="errors">
                        { for rows.iter().filter_map(|r| r.summary.as_ref().err().map(|e| html! {
                            <li class="error">{ if r.name.is_empty() {
                                format!("Line {}: {e}", r.line)
                            } else {
                                format!("Line {} ({}): {e}", r.line, r.name)
                            } }</li>
                        })) }
                    </ul>
                </div>
            }
            // On a phone the table scrolls sideways inside its box, not the page.
            <div class="table-scroll" tabindex="0" role="region" aria-label="The class's progress">
            <table id="teacher-table">
                <caption>{ format!("{} student code(s) read", ok.len()) }</caption>
                <thead><tr>
                    <th scope="col">{ "Student" }</th>
                    { for CHALLENGES.iter().map(|c| html! { <th scope="col" title={c.title}>{ format!("L{}", c.level()) }</th> }) }
                    <th scope="col">{ "Points" }</th>
                    <th scope="col">{ "Predictions right / answered" }</th>
                    { for exercises.iter().enumerate().map(|(i, x)| html! {
                        <th scope="col" title={x.title}>{ format!("E{}", i + 1) }</th>
                    }) }
                    <th scope="col">{ "Exercises" }</th>
                </tr></thead>
                <tbody>
                    { for ok.iter().map(|r| {
                        let s = r.summary.as_ref().ok();
                        html! {
                            <tr>
                                <th scope="row">{ if r.name.is_empty() { format!("line {}", r.line) } else { r.name.clone() } }
                                    if let Some(k) = r.same_as {
                                        <small class="muted">{ format!(" (same code as line {k})") }</small>
                                    }
                                </th>
                                { for s.iter().flat_map(|s| s.challenges.iter()).map(|(_, won, pts, hints)| html! {
                                    <td class={classes!(won.then_some("won"))}>
                                        { if *won { format!("★ {pts}") } else if *hints > 0 { format!("– (hint {hints})") } else { "–".into() } }
                                    </td>
                                }) }
                                <td>{ s.map_or(0, |s| s.points()) }</td>
                                <td>{ s.map_or(String::new(), |s| format!("{} / {}", s.right, s.answered)) }</td>
                                { for exercises.iter().map(|x| {
                                    let solved = s.is_some_and(|s| s.exercises.iter().any(|n| n == x.name));
                                    html! {
                                        <td class={classes!(solved.then_some("won"))} data-exercise={x.name}>
                                            { if solved { "✓" } else { "–" } }
                                        </td>
                                    }
                                }) }
                                <td>{ s.map_or(String::new(), |s| format!("{} / {}", s.exercises.len(), exercises.len())) }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            </div>
            <p class="muted">{ format!("★ n: level won with n of {WIN_POINTS} points: each hint taken costs its points ({}), and so does each preemption over the level's par; never below 0. (hint n): the deepest hint taken. Two students with the same progress have the same code, so \"same code as line n\" is a question to ask, not a proof of copying; a code is a record, not a proof.",
                Hint::ALL.iter().map(|h| h.cost().to_string()).collect::<Vec<_>>().join(", ")) }</p>
            <p class="muted" id="teacher-exercises">{ "Exercises: " }
                { for exercises.iter().enumerate().map(|(i, x)| html! {
                    <>{ if i > 0 { " · " } else { "" } }<a href={format!("?exercise={}", x.name)}>{ format!("E{} {}", i + 1, x.name) }</a></>
                }) }
                { " (✓ solved)." }
            </p>
            <p><a href="?">{ "Back to the visualizer" }</a>{ " · " }<a href="lessons/lab.html">{ "the 50-minute lab" }</a></p>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::verdict_note;

    #[test]
    fn a_verdict_says_why_the_record_differs_from_this_answer() {
        // (recorded right, this answer right, peeked this visit, peeked on an earlier one)
        assert_eq!(verdict_note(true, true, false, false), "");
        assert_eq!(verdict_note(false, false, false, false), "");
        assert!(verdict_note(true, false, false, false).contains("was right"));
        assert!(verdict_note(false, true, false, false).contains("was not right"));
        assert!(verdict_note(false, true, true, false).contains("you had stepped past"));
        assert!(verdict_note(false, true, false, true).contains("on an earlier visit"));
        // Before, a right answer on a wrong record said "your first answer, or the step it
        // asks about seen before answering": now each cause is named.
        for peeked in [(false, false), (true, false), (false, true)] {
            assert!(!verdict_note(false, true, peeked.0, peeked.1).contains(" or "));
        }
    }
}
