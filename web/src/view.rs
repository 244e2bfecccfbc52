//! Drawing: pure functions from the state to HTML. Every string from the URL or the student is
//! rendered as a text node (Yew escapes it), never as markup.

use crate::stage::{self, Export};
use crate::state::{Action, AppState};
use daxlab_core::Status;
use daxlab_core::listing::{Func, Mark, listing};
use daxlab_core::{Code, Line, Outcome, Program, SCENARIOS, Tid, Variant, words};
use daxlab_draw::El;
use daxlab_draw::graph::inode_label;
use yew::prelude::*;

pub use crate::stage::Send;

/// Up to this many threads (every built-in scenario) the plain view fits one screen; a larger
/// scenario written as text stacks and scrolls, so that no thread card is squeezed shut.
const ONE_SCREEN_THREADS: usize = 4;

/// The keyboard shortcuts, shown in the help overlay (key, what it does).
pub const SHORTCUTS: &[(&str, &str)] = &[
    (
        "1 … 9",
        "run the next step of thread 1 … 9 (columns left to right)",
    ),
    ("← / →", "step back / forward through the history"),
    ("Home / End", "first / last step of the history"),
    ("Space", "play or pause"),
    ("+ / −", "play faster / slower"),
    ("r", "reset to the initial state"),
    ("n", "random run with the next seed"),
    ("f", "find a bug (search every interleaving)"),
    ("s", "copy a link to this exact view"),
    (
        "z / x / 0",
        "zoom the timeline in / out / fit the whole run",
    ),
    (
        "l",
        "every thread's whole listing, or only its current function",
    ),
    ("a", "the timeline and the objects as tables"),
    ("t / T", "export the timeline as SVG / PNG"),
    ("o / O", "export the object graph as SVG / PNG"),
    ("j / R", "export the run as JSON / the kernel-style report"),
    ("e", "embed: iframe code for course notes"),
    (
        "b",
        "build a scenario: threads, pages, the wait table, the initial state",
    ),
    (
        "h",
        "challenge: to the hint button (Enter takes the next hint; each costs points)",
    ),
    ("[ / ]", "previous / next lesson step"),
    (
        "c / v / w / p",
        "focus the scenario / variant / truncate-wake / compare picker",
    ),
    (
        "k / d / g",
        "focus the schedule box / the seed box / the history scrubber",
    ),
    ("?", "show or hide this help"),
    ("Esc", "close help and messages"),
];

fn status_class(s: &Status) -> &'static str {
    match s {
        Status::Runnable => "runnable",
        Status::Spinning { .. } => "spinning",
        Status::Asleep { .. } => "asleep",
        Status::Done(_) => "done",
        Status::Halted => "halted",
        _ => "waiting",
    }
}

/// The whole page. `base` is the page's address without the query ("" in tests).
pub fn page(
    st: &AppState,
    send: &Send,
    share: &Callback<MouseEvent>,
    export: &Callback<Export>,
    base: &str,
) -> Html {
    let embed = st.embed;
    let outcome = st.session.outcome();
    let share_url = format!("{base}{}", st.query());
    // The same view outside the frame: the embed's "Open full view" and its teaching line.
    let full_view = share_url.replace("embed=1", "embed=0");
    let main = html! {
        <main id="main" class={classes!("main", st.compare.is_some().then_some("comparing"))}>
            // What the notices say, read out from a region that is always there: a live
            // region inserted together with its text is skipped by some screen readers.
            <p id="announce" class="visually-hidden" role="status">{ st.spoken.clone().unwrap_or_default() }</p>
            { messages(st, send) }
            if embed {
                { embed_teaching(st, &full_view) }
            } else {
                { crate::teach_view::challenge_panel(st, send) }
            }
            { controls(st, send, share, export, &share_url, &full_view) }
            if st.builder { { builder_panel(st, send) } }
            <div class="status-row">
                { narration(st) }
                if let Outcome::Violation(v) = &outcome {
                    { violation_panel(st, v) }
                }
                if let Outcome::Completed = &outcome {
                    // Read out from the page's status region (#announce) when the run completes.
                    <p class="completed">{ crate::state::COMPLETED }</p>
                }
            </div>
            // Crowded: a violation box or messages take rows above the stage (see style.css).
            <div class={classes!("stage", st.compare.is_some().then_some("compare"),
                (matches!(outcome, Outcome::Violation(_)) || st.has_messages())
                    .then_some("crowded"))}>
                { threads(st, send) }
                { stage::stage(st, send, export) }
            </div>
            if st.tables { { stage::tables(st) } }
        </main>
    };
    // In a frame the lesson, challenge or exercise is a line linking to the full view (its
    // panel and the page it needs do not fit an 800x500 frame).
    let main = crate::exercise::beside(
        st.exercise.as_ref().filter(|_| !embed),
        st.exercise
            .as_ref()
            .is_some_and(|r| st.progress.exercises.contains(r.exercise.name)),
        &send.reform(Action::Exercise),
        main,
    );
    if st.teacher {
        return crate::teach_view::teacher_page(st, send, messages(st, send));
    }
    html! {
        <div class={classes!("daxlab", embed.then_some("embed"), (st.lesson.is_some() && !embed).then_some("with-lesson"),
            st.compare.is_some().then_some("comparing"), (st.challenge.is_some() && !embed).then_some("with-challenge"),
            (st.exercise.is_some() && !embed).then_some("with-exercise"),
            (!embed && st.lesson.is_none() && st.compare.is_none() && st.challenge.is_none() && st.model().threads().len() <= ONE_SCREEN_THREADS && st.exercise.is_none() && !st.builder && !st.tables).then_some("one-screen"))}>
            <style>{ daxlab_draw::STYLE }</style>
            if !embed { { header(st, send) } } else {
                // A frame has no header; its page still has a title for heading navigation.
                <h1 class="visually-hidden">{ format!("daxlab: {} under {}", st.model().scenario(), st.model().variant()) }</h1>
            }
            if st.lesson.is_some() && !embed {
                <div class="lesson-layout">
                    { lesson_pane(st, send) }
                    { main }
                </div>
            } else {
                { main }
            }
            if st.help { { help(st, send) } }
            if st.embed_dialog { { embed_dialog(st, send, base) } }
            { crate::teach_view::progress_dialog(st, send) }
        </div>
    }
}

/// In a frame: the lesson step, challenge or exercise the view comes from, as one line with a
/// link to play or read it in the full page (a new tab).
// Out of line: not merged into the App's view function (see index.html).
#[inline(never)]
fn embed_teaching(st: &AppState, full_view: &str) -> Html {
    let what = if let Some(run) = &st.challenge {
        let c = run.challenge;
        format!(
            "Challenge, level {} of {}: {}. ",
            c.level(),
            daxlab_core::teach::challenge::CHALLENGES.len(),
            c.title
        )
    } else if let Some((lesson, k)) = &st.lesson {
        format!(
            "From the lesson \u{201c}{}\u{201d}, step {} of {}. ",
            lesson.title,
            k + 1,
            lesson.steps.len()
        )
    } else if let Some(run) = &st.exercise {
        format!("From the exercise \u{201c}{}\u{201d}. ", run.exercise.title)
    } else {
        return html! {};
    };
    let verb = if st.challenge.is_some() {
        "Play it"
    } else {
        "Read it"
    };
    html! {
        <p id="embed-teaching" class="embed-teaching">{ what }
            <a href={full_view.to_string()} target="_blank" rel="noopener">{ format!("{verb} in the full view ↗") }</a>
        </p>
    }
}

/// The scenario builder, showing the scenario on screen.
// Out of line: not merged into the App's view function (see index.html).
#[inline(never)]
fn builder_panel(st: &AppState, send: &Send) -> Html {
    use daxlab_core::scenario::text::Spec;
    let m = st.model();
    let spec = daxlab_core::link::spec_of(m)
        .or_else(|| Spec::preset(m.scenario()))
        .or_else(|| Spec::preset(daxlab_core::link::DEFAULT_SCENARIO));
    match spec {
        Some(spec) => html! {
            <crate::builder::Builder {spec} on_build={send.reform(Action::Build)}
                on_close={send.reform(|_| Action::ToggleBuilder)} />
        },
        None => Html::default(),
    }
}

/// The code in force, in words: the variant's release and the fixes changed on top of it. A
/// phone-width frame hides the fix boxes and the wake picker (style.css): the label then
/// carries the wake mode, and its title names the fixes.
fn release_label(m: &daxlab_core::Model) -> Html {
    let (wake, fixes) = daxlab_core::link::code_params(m);
    let release = m.variant().release();
    // A long release (the seed's "as posted on … and merged …") takes a line of its own in a
    // frame (style.css): squeezed beside the pickers it was seven lines tall.
    let long = release.len() > 40;
    html! {
        <span class={classes!("release", long.then_some("long"))} id="release" title={fixes.clone()}>
            { match &fixes {
                // Short, so the pickers' row stays one line: the ticks below name them.
                Some(f) if !f.contains(',') => format!("{release} with {f}"),
                Some(f) => format!("{release} with {} changed fixes", f.split(',').count()),
                None => release.to_string(),
            } }
            if let Some(f) = fixes.as_ref().filter(|f| f.contains(',')) {
                <span class="ticked">{ " (ticked below)" }</span>
                // A phone-width frame has no ticks to point at: the fixes, in short.
                <span class="fix-list">{ format!(
                    " ({})",
                    f.split(',')
                        .map(|c| {
                            let sign = if c.starts_with('-') { "−" } else { "" };
                            let id = c.trim_start_matches('-');
                            format!("{sign}{}", &id[..id.len().min(7)])
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                ) }</span>
            }
            if let Some(w) = wake {
                <span class="wake-note">{ format!("; truncate wakes {}", w.name()) }</span>
            }
        </span>
    }
}

/// The link to the challenges: the highest level the student may play (the first not won).
fn challenges_href(st: &AppState) -> String {
    let level = st.progress.unlocked(&crate::teach::level_names());
    format!("?challenge={}", crate::lessons::CHALLENGES[level].name)
}

// Out of line: not merged into the App's view function (see index.html).
#[inline(never)]
fn lesson_pane(st: &AppState, send: &Send) -> Html {
    let Some((lesson, k)) = &st.lesson else {
        return html! {};
    };
    let k = *k;
    let n = lesson.steps.len();
    let Some(step) = lesson.steps.get(k) else {
        return html! {};
    };
    let prev = send.reform(move |_| Action::LessonGo(k.saturating_sub(1)));
    let next = send.reform(move |_| Action::LessonGo(k + 1));
    use crate::lessons::ProseState;
    let (prose, missing) = match crate::lessons::prose(lesson) {
        ProseState::Ready(p) => (Some(p), Html::default()),
        ProseState::Absent | ProseState::Loading => (
            None,
            html! { <p class="muted">{ "Loading the lesson's text…" }</p> },
        ),
        ProseState::Failed(why) => (
            None,
            html! {
                <p class="errors" role="alert">
                    { format!("The lesson's text could not be loaded (lessons/{}.json: {why}). ", lesson.name) }
                    <a href={format!("lessons/{}.html", lesson.name)}>{ "Read it on its own page" }</a>
                    { "; the steps and their states work here." }
                </p>
            },
        ),
    };
    let next_lesson = crate::lessons::lessons()
        .iter()
        .skip_while(|l| l.name != lesson.name)
        .nth(1);
    html! {
        <aside class="lesson" aria-label="Lesson">
            <h2 class="lesson-title">{ &lesson.title }</h2>
            <p id="lesson-progress" class="count">{ format!("step {} of {n}", k + 1) }</p>
            if k == 0 && let Some(p) = &prose {
                <div class="lesson-intro">{ Html::from_html_unchecked(AttrValue::from(p.intro.clone())) }</div>
            }
            <h3 id="lesson-step-title" tabindex="-1">{ &step.title }</h3>
            // The view may show another scenario (a link the student followed, or a URL that
            // named one): the step's text is about its own.
            if let Some(own) = st.lesson_elsewhere() {
                <p id="lesson-elsewhere" class="prediction-error" role="status">
                    { format!("This step is about the {own} scenario; the view shows {}. ", st.model().scenario()) }
                    <button class="small" onclick={send.reform(move |_| Action::LessonGo(k))}>{ "Back to the step's state" }</button>
                </p>
            }
            // Our own markdown, rendered natively with raw HTML dropped (lessons::markdown); the
            // page fetches it when the lesson opens (lessons::prose).
            { match &prose {
                Some(p) => html! {
                    <div class="lesson-body">{ Html::from_html_unchecked(AttrValue::from(p.steps.get(k).cloned().unwrap_or_default())) }</div>
                },
                None => html! { <div class="lesson-body lesson-missing">{ missing }</div> },
            } }
            { crate::teach_view::predictions(st, send) }
            // Kept in view at the panel's foot (style.css): the first step's text is taller
            // than the window, and Next was below it.
            <div class="lesson-nav">
                <div class="row">
                    <button id="lesson-prev" onclick={prev} disabled={k == 0} title="Previous lesson step ([)">{ "◀ Previous" }</button>
                    <button id="lesson-next" onclick={next} disabled={k + 1 >= n} title="Next lesson step (])">{ "Next ▶" }</button>
                </div>
                // The last step leads on: to the next lesson, or after the last to the challenges.
                if k + 1 >= n {
                    { match next_lesson {
                        Some(l) => html! { <p class="next-lesson"><a id="next-lesson" href={format!("?lesson={}", l.name)}>{ format!("Next lesson: {} ▶", l.title) }</a></p> },
                        None => html! { <p class="next-lesson"><a id="next-lesson" href={challenges_href(st)}>{ "On to the challenges ▶" }</a></p> },
                    } }
                }
            </div>
        </aside>
    }
}

// Out of line: not merged into the App's view function (see index.html).
#[inline(never)]
fn embed_dialog(st: &AppState, send: &Send, base: &str) -> Html {
    let close = send.reform(|_| Action::ToggleEmbedDialog);
    let mut p = st.params();
    p.embed = true;
    let embed_url = format!("{base}{}", crate::params::format(&p));
    p.embed = false;
    let link = format!("{base}{}", crate::params::format(&p));
    let code = crate::notes_api::iframe(
        &embed_url,
        &format!("{} under {}", st.model().scenario(), st.model().variant()),
    );
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="embed-title">
            <div class="dialog" tabindex="-1">
                <h2 id="embed-title">{ "Embed this view in course notes" }</h2>
                <label for="embed-code">{ "iframe HTML (compact embed layout, 800×500):" }</label>
                <textarea id="embed-code" readonly=true rows="4" value={code} />
                <p>{ "Plain link: " }<a id="embed-link" href={link.clone()}>{ link.clone() }</a></p>
                <button onclick={close}>{ "Close (Esc)" }</button>
            </div>
        </div>
    }
}

/// The skip link's target, focused without putting `#threads-h` in the address (a reload or a
/// copied address would jump there).
fn skip_to_threads(e: MouseEvent) {
    use wasm_bindgen::JsCast;
    e.prevent_default();
    if let Some(h) = gloo::utils::document()
        .get_element_by_id("threads-h")
        .and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = h.focus();
    }
}

fn header(st: &AppState, send: &Send) -> Html {
    html! {
        <header class="top">
            // The threads are ~50 tab stops in: the first stop skips there.
            <a class="skip-link" href="#threads-h" onclick={Callback::from(skip_to_threads)}>{ "Skip to the threads" }</a>
            <h1>{ "daxlab" }</h1>
            <p class="tagline">
                { "Step the kernel threads of the patch " }
                <code>{ "filesystem-dax: Introduce dax_lock_mapping_entry()" }</code>
                { " one action at a time, and see why " }
                <code>{ "page->mapping" }</code>
                { " must be re-checked under the i_pages lock." }
            </p>
            <nav class="learn" aria-label="Lessons and challenges">
                { "Lessons: " }
                { for crate::lessons::titles().enumerate().map(|(i, (name, title))| html! {
                    <><a href={format!("?lesson={name}")} title={title} aria-label={format!("Lesson {}: {title}", i + 1)}>{ i + 1 }</a>{ " " }</>
                }) }
                { "· " }<a id="challenges-link" href={challenges_href(st)}>{ "challenges" }</a>
                { " · " }<a href="lessons/index.html">{ "all lessons and challenges" }</a>
                { " · " }<a href="lessons/lab.html">{ "50-minute lab" }</a>
                { " · " }<a href="lessons/history.html">{ "kernel history" }</a>
                { " · " }<a href="static/course-notes.html">{ "course-notes demo" }</a>
                { " · " }{ crate::teach_view::progress_button(st, send) }
            </nav>
        </header>
    }
}

fn messages(st: &AppState, send: &Send) -> Html {
    if !st.has_messages() {
        return html! {};
    }
    let dismiss = send.reform(|_| Action::DismissMessages);
    html! {
        <div class="messages">
            if !st.errors.is_empty() {
                // The alert around the list, not on it: a list with role=alert no longer
                // holds its items as a list (axe: listitem).
                <div class="errors-box" role="alert" aria-label="Problems">
                    <ul class="errors">
                        { for st.errors.iter().map(|e| html! { <li class="error">{ "⚠ " }{ e }</li> }) }
                    </ul>
                </div>
            }
            // Read out from #announce, not from here.
            if let Some(n) = &st.notice {
                <p class="notice">{ n }
                    if st.can_undo_reset() {
                        { " " }<button id="undo-reset" class="small" onclick={send.reform(|_| Action::UndoReset)}>{ "Undo reset" }</button>
                    }
                </p>
            }
            if let (Some(c), Some(sentence)) = (st.left_challenge, st.left_challenge_sentence()) {
                <p class="notice" id="left-challenge">
                    { sentence }{ " " }
                    if st.can_go_back_to_challenge() {
                        <button id="back-to-challenge" class="small" onclick={send.reform(|_| Action::BackToChallenge)}>{ "Back to the challenge" }</button>
                        { " or " }
                    }
                    <a href={format!("?challenge={}", c.name)}>{ "play it again from the start" }</a>
                </p>
            }
            <button class="dismiss small" onclick={dismiss} title="Dismiss messages (Esc)">{ "Dismiss" }</button>
        </div>
    }
}

fn controls(
    st: &AppState,
    send: &Send,
    share: &Callback<MouseEvent>,
    export: &Callback<Export>,
    share_url: &str,
    full_view: &str,
) -> Html {
    let m = st.model();
    let len = st.session.len();
    let cursor = st.session.cursor();
    let on_scenario = send.reform(|e: Event| Action::SetScenario(select_value(&e)));
    let on_variant = send.reform(|e: Event| Action::SetVariant(select_value(&e)));
    let on_truncate = send.reform(|e: Event| Action::SetTruncate(select_value(&e)));
    let on_compare = send.reform(|e: Event| Action::SetCompare(select_value(&e)));
    let comparing = st.compare.as_ref().map(|c| c.variant);
    let on_scrub = send.reform(|e: InputEvent| Action::Seek(input_value(&e).parse().unwrap_or(0)));
    let on_speed =
        send.reform(|e: Event| Action::SetSpeed(select_value(&e).parse().unwrap_or(2.0)));
    let on_sched_edit = send.reform(|e: InputEvent| Action::EditSchedule(input_value(&e)));
    let sched = st.schedule_text.clone();
    let on_sched_apply = {
        let send = send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send.emit(Action::ApplySchedule(sched.clone()));
        })
    };
    let on_seed = send.reform(|e: InputEvent| Action::EditSeed(input_value(&e)));
    let on_find_kind = send.reform(|e: Event| Action::SetFindKind(select_value(&e)));
    let button = |label: &str, key: &str, action: Action, disabled: bool, id: &str| {
        let cb = send.reform(move |_| action.clone());
        // Named by its words: a screen reader would read "|◀" or "❚❚" aloud.
        let words = label.trim_matches(|c: char| "|◀▶❚↺? ".contains(c));
        // A single-character key is advertised only while the single-key shortcuts work.
        let key = st.shortcut(key);
        // The words apart from the symbol: a narrow frame shows the symbol alone (style.css).
        let at = label.find(words).unwrap_or(0);
        let (before, after) = (&label[..at], &label[at + words.len()..]);
        html! {
            <button id={id.to_string()} onclick={cb} disabled={disabled}
                aria-label={(words != label).then(|| words.to_string())}
                title={key.map_or_else(|| label.to_string(), |k| format!("{label} ({k})"))}
                aria-keyshortcuts={key.map(str::to_string)}>
                if words == label { { label.to_string() } } else {
                    { before.to_string() }<span class="word">{ words.to_string() }</span>{ after.to_string() }
                }
            </button>
        }
    };
    // A button whose action is refused here: still pressable (it says why), but marked off.
    let refused = |label: &str, action: Action, why: String, id: &str| {
        let cb = send.reform(move |_| action.clone());
        html! {
            <button id={id.to_string()} class="refused" onclick={cb} aria-disabled="true" title={why}>
                { label.to_string() }
            </button>
        }
    };
    // The usual speeds, plus the current one when a URL or the +/- keys chose another.
    let mut speeds = vec![0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0];
    if !speeds.iter().any(|s| (s - st.speed).abs() < 1e-9) {
        speeds.push(st.speed);
        speeds.sort_by(f64::total_cmp);
    }
    html! {
        <div class="controls">
            <div class="row pickers">
                <label>{ "Scenario " }
                    <select id="scenario" onchange={on_scenario} aria-label="Scenario">
                        if !m.scenario_text().is_empty() {
                            <option value="" selected=true disabled=true>{ "written as text (threads=)" }</option>
                        }
                        { for SCENARIOS.iter().map(|s| html! {
                            <option value={s.name} selected={s.name == m.scenario() && m.scenario_text().is_empty()} title={s.summary}>{ s.name }</option>
                        }) }
                    </select>
                </label>
                <button id="builder-toggle" class="small" onclick={send.reform(|_| Action::ToggleBuilder)}
                    aria-expanded={st.builder.to_string()} aria-controls="builder" aria-keyshortcuts={st.shortcut("b")}
                    title={format!("Build a scenario of your own: threads, pages, wait table{}", st.key_hint("b"))}>{ "Build…" }</button>
                <label>{ "Variant " }
                    <select id="variant" onchange={on_variant} aria-label="Variant">
                        { for Variant::ALL.iter().map(|v| html! {
                            <option value={v.name()} selected={*v == m.variant()} title={v.summary()}>
                                { if v.shipped() { v.name().to_string() } else { format!("{} (never shipped)", v.name()) } }
                            </option>
                        }) }
                    </select>
                </label>
                <label class="truncate-picker">{ "Truncate wakes " }
                    <select id="truncate" onchange={on_truncate} aria-label="Truncate wake mode">
                        { for daxlab_core::WakeMode::ALL.iter().map(|w| html! {
                            <option value={w.name()} selected={*w == m.truncate_wake()}>{ w.name() }</option>
                        }) }
                    </select>
                </label>
                if !st.embed {
                    <label>{ "Compare with " }
                        <select id="compare" onchange={on_compare} aria-label="Compare with another variant" title={format!("Run the same schedule under another variant, side by side{}", st.key_hint("p"))}>
                            <option value="none" selected={comparing.is_none()}>{ "none" }</option>
                            // Only variants whose code differs from the view's: the same code
                            // would give the same run, step for step (`compare` refuses it).
                            { for Variant::ALL.iter().filter(|v| comparing == Some(**v) || crate::figures::CompareRun::differs(**v, &st.session)).map(|v| html! {
                                <option value={v.name()} selected={comparing == Some(*v)}>{ v.name() }</option>
                            }) }
                        </select>
                    </label>
                }
                { release_label(m) }
            </div>
            <div class="row">
                { fixes(st, send) }
            </div>
            <div class="row transport">
                { button("|◀ First", "Home", Action::Home, cursor == 0, "first") }
                { button("◀ Back", "ArrowLeft", Action::Back, cursor == 0, "back") }
                { button(if st.playing { "❚❚ Pause" } else { "▶ Play" }, "Space", Action::TogglePlay, len == 0, "play") }
                { button("Forward ▶", "ArrowRight", Action::Forward, cursor == len, "forward") }
                { button("Last ▶|", "End", Action::End, cursor == len, "last") }
                <label class="scrub">
                    <span class="visually-hidden">{ "Step in history" }</span>
                    <input id="scrubber" type="range" min="0" max={len.to_string()} value={cursor.to_string()}
                        oninput={on_scrub} aria-label="Step in history"
                        aria-valuetext={format!("step {cursor} of {len}")} />
                </label>
                <span id="step-count" class="count">{ format!("step {cursor} / {len}") }</span>
                <label>{ "Speed " }
                    <select id="speed" onchange={on_speed} aria-label="Play speed">
                        { for speeds.iter().map(|s| html! {
                            <option value={s.to_string()} selected={(*s - st.speed).abs() < 1e-9}>{ format!("{s}/s") }</option>
                        }) }
                    </select>
                </label>
                { button("↺ Reset", "r", Action::Reset, false, "reset") }
                // The story back after a step off it or a reset (the menu cannot choose the
                // scenario it shows).
                if !st.embed && st.can_load_story() {
                    <button id="load-story" onclick={send.reform(|_| Action::LoadStory)}
                        title="Replace the run on screen with the scenario's own story">{ "↺ Story" }</button>
                }
                // In a frame, after the transport (its own row would leave the fixes one line).
                // A frame has no help: the switch's way back, when the shortcuts are off.
                if st.embed && !st.char_keys {
                    <button id="char-keys-on" class="small" onclick={send.reform(|_| Action::SetCharKeys(true))}
                        aria-label="Turn the single-key shortcuts on"
                        title="Single-key shortcuts are off (turned off in the help of the full view): turn them on">{ "Keys on" }</button>
                }
                if st.embed {
                    <a class="full-view" href={full_view.to_string()} target="_blank" rel="noopener"
                        title="Open this view in the full page (a new tab)">{ "Open full view ↗" }</a>
                }
            </div>
            if !st.embed {
                <div class="row tools">
                    <form class="schedule" onsubmit={on_sched_apply}>
                        <label for="schedule-box">{ "Schedule " }</label>
                        <input id="schedule-box" type="text" value={st.schedule_text.clone()} oninput={on_sched_edit}
                            spellcheck="false" autocomplete="off" aria-label="Schedule, like mf*3,trunc,rcu*2" />
                        <button type="submit">{ "Apply" }</button>
                    </form>
                    <label>{ "Seed " }
                        <input id="seed-box" type="text" inputmode="numeric" size="6" value={st.seed_text.clone()} oninput={on_seed} />
                    </label>
                    // Off in a challenge still to be won: marked so beforehand (pressed, they
                    // say why in the messages).
                    { match st.scheduler_refusal(false) {
                        Some(why) => refused("Random run", Action::RandomRun, why, "random"),
                        None => button("Random run", "n", Action::RandomRun, false, "random"),
                    } }
                    // One element in both states (patched, never replaced): the focus stays on it.
                    { if st.searching() {
                        button("Stop search", "f", Action::CancelSearch, false, "find")
                    } else if let Some(why) = st.scheduler_refusal(true) {
                        refused("Find a bug", Action::FindBug, why, "find")
                    } else {
                        button("Find a bug", "f", Action::FindBug, false, "find")
                    } }
                    { crate::search_view::progress(st) }
                    <select id="find-kind" onchange={on_find_kind} aria-label="What Find a bug looks for"
                        title="What Find a bug looks for: any violation (the shortest), or one kind">
                        <option value="any" selected={st.find_kind.is_none()}>{ "any bug" }</option>
                        // model-error is the model's own self-check, not a kernel bug.
                        { for daxlab_core::ViolationKind::ALL.iter().filter(|k| **k != daxlab_core::ViolationKind::ModelError).map(|k| html! {
                            <option value={k.name()} selected={st.find_kind == Some(*k)}>{ k.name() }</option>
                        }) }
                    </select>
                    <button id="share" onclick={share.clone()} title={format!("Copy a link to this exact view{}", st.key_hint("s"))} aria-keyshortcuts={st.shortcut("s")}>{ "Share link" }</button>
                    { button("Embed", "e", Action::ToggleEmbedDialog, false, "embed-button") }
                    { button("? Help", "?", Action::ToggleHelp, false, "help-button") }
                    <span class="export-group" role="group" aria-label="Export the run">{ "Run " }
                        { stage::export_button(st, export, Export::Json) }{ stage::export_button(st, export, Export::Report) }</span>
                    <span class="share-line">
                        <label for="share-url">{ "Link: " }</label>
                        <input id="share-url" type="text" readonly=true value={share_url.to_string()} />
                    </span>
                </div>
            }
        </div>
    }
}

fn select_value(e: &Event) -> String {
    use wasm_bindgen::JsCast;
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

fn input_value(e: &InputEvent) -> String {
    use wasm_bindgen::JsCast;
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

fn narration(st: &AppState) -> Html {
    let text = st.narration();
    // Focusable: a long narration scrolls inside its box. Read out as it changes, except
    // while playing: at 4 steps a second, speech would fall ever further behind the picture.
    let live = if st.playing { "off" } else { "polite" };
    html! { <p id="narration" class="narration" aria-live={live} tabindex="0">{ text }</p> }
}

// Out of line: not merged into the App's view function (see index.html).
#[inline(never)]
fn violation_panel(st: &AppState, v: &daxlab_core::Violation) -> Html {
    let m = st.model();
    html! {
        <section id="violation" class="violation" role="alert">
            <h2>{ format!("✖ {}: {} at {}()", v.kind.name(), m.name(v.tid), v.line.func().name_in(m.code())) }</h2>
            <p class="where"><code>{ v.line.text() }</code>{ format!(" — {}", words::object(m, v)) }</p>
            <p class="message">{ words::message(m, v) }</p>
            <details class="report-box">
                <summary>{ "What the kernel would print" }</summary>
                <pre class="report" aria-label="What the kernel would print">{ words::report(m, v) }</pre>
            </details>
        </section>
    }
}

fn threads(st: &AppState, send: &Send) -> Html {
    let m = st.model();
    let w = st.session.world();
    let last = st.session.last_event().map(|e| e.tid);
    let n = m.threads().len();
    html! {
        <section class={classes!("threads", format!("n{n}"))} aria-label="Threads">
            <h2 id="threads-h" class="visually-hidden" tabindex="-1">{ "Threads" }</h2>
            { for m.threads().iter().enumerate().map(|(i, spec)| {
                let tid = Tid(i as u8);
                let status = m.status(w, tid);
                let said = words::status(m, w, tid);
                let runnable = status == Status::Runnable;
                let current = m.current_line(w, tid);
                let finished = matches!(status, Status::Done(_));
                let step = send.reform(move |_| Action::Step(tid));
                let whole = st.whole & (1 << i) != 0;
                let toggle = send.reform(move |_| Action::ToggleListing(tid));
                let t = w.thread(tid);
                let mapping = t.locals.mapping;
                html! {
                    <article class={classes!("thread", status_class(&status), (last == Some(tid)).then_some("last"))}
                        data-thread={spec.name.clone()} aria-label={format!("thread {}", spec.name)}>
                        <header>
                            <div class="thread-top">
                                <h3 title={format!("{} — {}", program_words(&spec.program), spec.program.path())}>{ format!("{} ", i + 1) }<span class="name">{ &spec.name }</span>
                                    <span class="program">{ program_args(&spec.program) }</span></h3>
                                if !st.embed {
                                    <button class="whole small" onclick={toggle} aria-pressed={whole.to_string()}
                                        aria-label={format!("whole listing of {}", spec.name)}
                                        title={format!("{}{}", if whole { "Show only the current function" } else { "Show the whole listing" }, st.shortcut("l").map_or("", |_| " (l: every thread)"))}>
                                        { "whole" }
                                    </button>
                                }
                                <button class="step" id={format!("step-{}", spec.name)} onclick={step} disabled={!runnable}
                                    title={if runnable { format!("Run {}'s next step{}", spec.name, if i < 9 { st.key_hint(&(i + 1).to_string()) } else { String::new() }) } else { format!("{} cannot run: {said}", spec.name) }}>
                                    { match status { Status::Done(_) => "done".to_string(), Status::Halted => "stopped".to_string(), _ => format!("Step {}", spec.name) } }
                                </button>
                            </div>
                            // Focusable: it shows whole while it has the focus (see style.css).
                            <p class="path" tabindex="0" title={spec.program.path()}>{ spec.program.path() }</p>
                            <p class="status" title={status_title(&status, &said)}>{ &said }
                                // Seen, not only hovered: beside a fix, "Failed" reads as the fix failing.
                                if status == Status::Done(daxlab_core::world::ThreadResult::Failed) {
                                    <span class="verdict-note">{ " (memory_failure()'s verdict on the page)" }</span>
                                }
                                if t.rcu_nesting > 0 {
                                    <span class="badge rcu-badge">{ format!("in rcu_read_lock() ×{}", t.rcu_nesting) }</span>
                                }
                            </p>
                            if let (Some(a), None) = (mapping, t.result) {
                                <p class="local">{ "mapping → " }{ inode_label(w, a) }
                                    if w.inode(a).is_freed() { <span class="stale">{ " (freed!)" }</span> }
                                </p>
                            }
                        </header>
                        <ListingView program={spec.program.clone()} code={m.code()} base={base_code(m)}
                            current={(!finished).then_some(current)} func={(!whole).then_some(current.func())}
                            embed={st.embed} name={spec.name.clone()} order={m.body_order().cloned()} />
                    </article>
                }
            }) }
        </section>
    }
}

/// A thread status's tooltip: the status, and for memory failure's "Failed" whose verdict it is
/// (beside a fix, "Failed" reads as the fix failing).
fn status_title(status: &Status, said: &str) -> String {
    match status {
        Status::Done(daxlab_core::world::ThreadResult::Failed) => format!(
            "{said}: memory_failure()'s verdict on the page, which the kernel prints as \"recovery action for dax page: Failed\" (action_result(pfn, MF_MSG_DAX, MF_FAILED)): dax_lock_mapping_entry() returned false, so it gave up on the page. Not a failed fix."
        ),
        _ => said.to_string(),
    }
}

/// Properties of one thread's listing: it is redrawn only when one of them changes, so a step
/// re-renders the listing of the thread that moved and leaves the others alone.
#[derive(Properties, PartialEq)]
pub struct ListingProps {
    /// The thread's program.
    pub program: Program,
    /// The code in force.
    pub code: Code,
    /// The code the listing marks changes against.
    pub base: Option<Code>,
    /// The highlighted line, if the thread has not finished.
    pub current: Option<Line>,
    /// Show only this function (the current one); `None`: the whole listing.
    pub func: Option<Func>,
    /// Show only a window around the current line.
    pub embed: bool,
    /// The thread's name, for the listing's label.
    pub name: AttrValue,
    /// A function body the model runs in another order (an exercise): shown in that order.
    pub order: Option<daxlab_core::body_order::BodyOrder>,
}

/// One thread's listing.
#[component]
pub fn ListingView(p: &ListingProps) -> Html {
    // Markup the first time, element by element once it changes (see `stage::elements`).
    let first = stage::use_first_render();
    let mut lines = listing(&p.program.funcs(p.code), p.code, p.base);
    if let Some(order) = &p.order {
        lines = order.arrange(&lines);
    }
    if let Some(f) = p.func {
        lines.retain(|l| l.line.func() == f);
    }
    let pos = lines
        .iter()
        .position(|l| Some(l.line) == p.current)
        .unwrap_or(0);
    // In embed mode only a window around the current line is shown.
    let (lo, hi) = if p.embed {
        (pos.saturating_sub(2), (pos + 3).min(lines.len()))
    } else {
        (0, lines.len())
    };
    let func = p.func.map(|f| f.name_in(p.code));
    html! {
        <ol class="listing" tabindex="0" aria-label={match func {
            Some(f) => format!("{}: {f}()", p.name),
            None => format!("{}: whole listing", p.name),
        }}>
            { stage::elements(&listing_lines(&lines[lo..hi], p.current, p.code), first) }
        </ol>
    }
}

/// The code the listing of `m` is described against: the variant's base, with the same wake mode.
fn base_code(m: &daxlab_core::Model) -> Option<Code> {
    m.variant()
        .base()
        .map(|b| m.truncate_wake().apply(b.code()))
}

/// A listing's lines as elements (`li`s), for [`stage::elements`].
fn listing_lines(
    lines: &[daxlab_core::listing::ListingLine],
    current: Option<Line>,
    code: Code,
) -> Vec<El> {
    let mut out = Vec::with_capacity(lines.len() + 2);
    for l in lines {
        let (line, mark) = (l.line, l.mark);
        let current = Some(line) == current;
        let info = line.info();
        let (sign, mark_class, label) = match mark {
            Mark::Same => (" ", None, None),
            Mark::Added => ("+", Some("added"), Some("changed by this variant")),
            Mark::Removed => ("−", Some("removed"), Some("removed by this variant")),
        };
        let number = line.number_in(code);
        let func_header = number == 1 || (mark == Mark::Removed && info.indent == 0);
        if func_header && info.indent == 0 && number <= 1 {
            out.push(El::new("li").class("func").attr("aria-hidden", "true"));
        }
        let class = [
            Some("line"),
            mark_class,
            current.then_some("current"),
            (!info.is_step()).then_some("read-only"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        let mut li = El::new("li").class(class);
        if let Some(label) = label {
            li = li.attr("title", label);
        }
        if current {
            li = li.attr("aria-current", "step");
        }
        out.push(
            li.child(
                El::new("span")
                    .class("marker")
                    .text(if current { "▶" } else { sign }),
            )
            .child(listing_code(info)),
        );
    }
    out
}

/// A line of code cut where a narrow card may wrap it without splitting a name: after an
/// opening parenthesis (`xfs_ilock(` | `XFS_I(inode),`) and before a `->` (`page` | `->mapping`);
/// the page joins the parts with `<wbr>`, and copies the line as one. A line that fits the
/// narrowest card (a frame's, ~20 characters) stays whole: no elements for nothing.
fn code_breaks(code: &str) -> Vec<&str> {
    const FITS: usize = 20;
    if code.trim_start().chars().count() <= FITS {
        return vec![code];
    }
    let b = code.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 1..b.len() {
        let after_paren = b[i - 1] == b'(' && b[i] != b')';
        let before_arrow = b[i] == b'-' && b.get(i + 1) == Some(&b'>') && b[i - 1] != b' ';
        if (after_paren || before_arrow) && code.is_char_boundary(i) && i > start {
            parts.push(&code[start..i]);
            start = i;
        }
    }
    parts.push(&code[start..]);
    parts
}

/// A line's code, with daxlab's note on it (every `/* ... */`: the kernel's own comments are
/// not shown) set apart, so that no note reads as kernel text.
fn listing_code(info: &daxlab_core::listing::LineInfo) -> El {
    let (code, note) = info.code_and_note();
    let mut el = El::new("code").attr(
        "style",
        format!("padding-left: {}ch", info.indent as usize * 2),
    );
    let mut parts = code_breaks(code).into_iter();
    if let Some(first) = parts.next().filter(|c| !c.is_empty()) {
        el = el.text(first);
    }
    for part in parts {
        el = el.child(El::new("wbr")).child(El::new("span").text(part));
    }
    match note {
        Some(note) => el.child(
            El::new("span")
                .class("note")
                .attr("title", "daxlab's note, not kernel source")
                .text(note),
        ),
        None => el,
    }
}

/// A checkbox per upstream commit: which fixes are in the code on screen.
fn fixes(st: &AppState, send: &Send) -> Html {
    let code = st.model().code();
    html! {
        <fieldset id="fixes" class="fixes">
            // In a frame, like every other link there, it opens a new tab: inside the frame
            // there is no way back to the view.
            <legend>{ "Upstream fixes in force " }<a href="lessons/history.html"
                target={st.embed.then_some("_blank")} rel={st.embed.then_some("noopener")}>{ "(history)" }</a></legend>
            { for daxlab_core::Fix::ALL.iter().map(|f| {
                let info = f.info();
                let commit = info.commit.to_string();
                let toggle = send.reform(move |_| Action::ToggleFix(commit.clone()));
                html! {
                    <label class="fix" title={format!("{} — {} ({})", info.title(), info.author, info.release)}>
                        <input type="checkbox" id={format!("fix-{}", info.commit)} checked={code.has(*f)} onchange={toggle}
                            aria-label={format!("{}: {}", info.commit, info.title())} />
                        <code>{ info.commit }</code>
                        <a class="commit-link" href={info.link()} target="_blank" rel="noopener" title={format!("{} on git.kernel.org", info.commit)}
                            aria-label={format!("{} on git.kernel.org", info.commit)}>{ "↗" }</a>
                    </label>
                }
            }) }
            if code.ablations().next().is_some() {
                <span class="ablation">{ format!("+ teaching ablation (never shipped): {}",
                    code.ablations().map(|a| a.name()).collect::<Vec<_>>().join(", ")) }</span>
            }
        </fieldset>
    }
}

/// A thread's arguments, after its name in the card's title: the line below says what the
/// path is (and the title's tooltip has both), so four cards fit 1280 px uncut.
fn program_args(p: &Program) -> String {
    // A no-break space inside each "word number" pair: a title that wraps does so between
    // the pairs ("index 0," / "pfn 0"), never inside one.
    const NB: char = '\u{a0}';
    let list = |v: &[u16]| v.iter().map(u16::to_string).collect::<Vec<_>>().join(",");
    match p {
        Program::MemoryFailure { pfn } => format!(" pfn{NB}{}", pfn.0),
        Program::Fault { index, pfn, .. } => format!(" index{NB}{index}, pfn{NB}{}", pfn.0),
        Program::Truncate { indices, .. } | Program::Invalidate { indices, .. } => {
            format!(" indices{NB}{}", list(indices))
        }
        Program::Writeback { index, .. } => format!(" index{NB}{index}"),
        Program::Recycle { new_pfn, .. } => format!(" new file → pfn{NB}{}", new_pfn.0),
        Program::Evict { .. } | Program::Rcu | Program::Unbind => String::new(),
    }
}

fn program_words(p: &Program) -> String {
    match p {
        Program::MemoryFailure { pfn } => format!("memory_failure(pfn {})", pfn.0),
        Program::Fault { index, pfn, .. } => format!("DAX fault at index {index} (pfn {})", pfn.0),
        Program::Truncate { indices, .. } => format!("truncate indices {indices:?}"),
        Program::Invalidate { indices, .. } => format!("invalidate indices {indices:?}"),
        Program::Evict { .. } => "last iput(): evict → destroy_inode".into(),
        Program::Recycle { .. } => "evict, then reuse the inode memory".into(),
        Program::Writeback { index, .. } => format!("fsync writeback of index {index}"),
        Program::Rcu => "RCU grace-period kthread".into(),
        Program::Unbind => "unbind the device".into(),
    }
}

// Out of line: not merged into the App's view function (see index.html).
#[inline(never)]
fn help(st: &AppState, send: &Send) -> Html {
    let close = send.reform(|_| Action::ToggleHelp);
    let on_keys = send.reform(|e: Event| {
        use wasm_bindgen::JsCast;
        Action::SetCharKeys(
            e.target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .is_some_and(|i| i.checked()),
        )
    });
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="help-title">
            <div class="dialog" tabindex="-1">
                <h2 id="help-title">{ "Keyboard shortcuts" }</h2>
                <dl>
                    { for SHORTCUTS.iter().map(|(k, what)| html! { <><dt><kbd>{ *k }</kbd></dt><dd>{ *what }</dd></> }) }
                </dl>
                <p class="muted">{ "In a listing, " }<code class="note-sample">{ "/* grey italics */" }</code>{ " are daxlab's notes, never kernel text: the listings leave the kernel's own comments out." }</p>
                // Close first: the dialog's first control takes the focus, and Space there must
                // not flip the switch below.
                <button onclick={close}>{ "Close (Esc)" }</button>
                <p class="char-keys">
                    <label>
                        <input type="checkbox" id="char-keys" checked={st.char_keys} onchange={on_keys} />
                        { " Single-key shortcuts (letters, digits, Space, + - [ ] ?)" }
                    </label>
                    <br /><span class="muted">{ if st.char_keys {
                        "Turn them off if you use speech input or press keys by accident; the arrows, Home, End and Esc keep working. This browser remembers the choice."
                    } else {
                        "Off: only the arrows, Home, End and Esc act on the page. The ? Help button turns them back on (in a frame: Keys on)."
                    } }</span>
                </p>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_of_code_are_cut_between_names_and_read_whole() {
        assert_eq!(
            code_breaks("xfs_ilock(XFS_I(inode), XFS_MMAPLOCK_SHARED);"),
            ["xfs_ilock(", "XFS_I(", "inode), XFS_MMAPLOCK_SHARED);"]
        );
        assert_eq!(
            code_breaks("if (mapping != page->mapping) {"),
            ["if (", "mapping != page", "->mapping) {"]
        );
        assert_eq!(code_breaks("break;"), ["break;"]);
        assert_eq!(code_breaks("rcu_read_unlock();"), ["rcu_read_unlock();"]);
        // Every line of the listings: the parts put back are the line, and no cut falls
        // inside a name (each part but the first starts after `(` or at `->`).
        for line in daxlab_core::listing::Line::all() {
            let (code, _) = line.info().code_and_note();
            let parts = code_breaks(code);
            assert_eq!(parts.concat(), code);
            for w in parts.windows(2) {
                assert!(
                    w[0].ends_with('(') || w[1].starts_with("->"),
                    "{code:?} cut as {parts:?}"
                );
            }
        }
    }

    #[test]
    fn a_failed_memory_failure_says_whose_verdict_it_is() {
        // lost-wakeup's story with the NULL check ends with mf finished "Failed" (its page was
        // truncated away).
        let mut st = AppState::from_query("?scenario=lost-wakeup&variant=v4.19&fixes=c93db7bb6ef3");
        st.apply(Action::End);
        let (m, w) = (st.model(), st.session.world());
        let mut seen = false;
        for i in 0..m.threads().len() {
            let tid = Tid(i as u8);
            let status = m.status(w, tid);
            let said = words::status(m, w, tid);
            let title = status_title(&status, &said);
            if status == Status::Done(daxlab_core::world::ThreadResult::Failed) {
                assert!(
                    title.starts_with("finished: Failed: memory_failure()'s verdict"),
                    "{title}"
                );
                assert!(title.contains("Not a failed fix"), "{title}");
                seen = true;
            } else {
                assert_eq!(title, said);
            }
        }
        assert!(seen, "no thread of lost-wakeup's story ends Failed");
    }
}
