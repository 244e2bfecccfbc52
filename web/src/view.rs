//! Drawing: pure functions from the state to HTML. Every string from the URL or the student is
//! rendered as a text node (Yew escapes it), never as markup.

use crate::state::{Action, AppState};
use daxlab_core::Status;
use daxlab_core::listing::{Mark, listing};
use daxlab_core::world::{Life, entry_flags};
use daxlab_core::{Addr, Code, Line, Outcome, Program, SCENARIOS, Tid, Variant, World, words};
use yew::prelude::*;

/// Callback type every control uses.
pub type Send = Callback<Action>;

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
    ("e", "embed: iframe code for course notes"),
    ("h", "challenge: the next graded hint (each costs points)"),
    ("[ / ]", "previous / next lesson step"),
    (
        "c / v / w",
        "focus the scenario / variant / truncate-wake picker",
    ),
    (
        "k / d / g",
        "focus the schedule box / the seed box / the history scrubber",
    ),
    ("?", "show or hide this help"),
    ("Esc", "close help and messages"),
];

fn life_word(life: Life) -> &'static str {
    match life {
        Life::Live => "live",
        Life::Freeing => "evicted (I_FREEING)",
        Life::RcuPending => "waiting for a grace period",
        Life::Freed { .. } => "freed",
    }
}

fn inode_label(w: &World, a: Addr) -> String {
    let mem = w.inode(a);
    format!("inode #{} @{}", mem.ino, short_addr(a))
}

fn short_addr(a: Addr) -> String {
    format!("…{:04x}", a.pointer_value() & 0xffff)
}

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
pub fn page(st: &AppState, send: &Send, share: &Callback<MouseEvent>, base: &str) -> Html {
    let embed = st.embed;
    let outcome = st.session.outcome();
    let share_url = format!("{base}{}", st.query());
    let main = html! {
        <div class="main">
            { messages(st, send) }
            { crate::teach_view::challenge_panel(st, send) }
            { controls(st, send, share, &share_url) }
            { narration(st) }
            if let Outcome::Violation(v) = &outcome {
                { violation_panel(st, v) }
            }
            if let Outcome::Completed = &outcome {
                <p class="completed" role="status">{ "✓ Every thread finished without a violation." }</p>
            }
            <div class="panes">
                { threads(st, send) }
                { objects(st) }
            </div>
            { rcu_timeline(st) }
        </div>
    };
    if st.teacher {
        return crate::teach_view::teacher_page(st, send);
    }
    html! {
        <div class={classes!("daxlab", embed.then_some("embed"), st.lesson.is_some().then_some("with-lesson"))}>
            if !embed { { header(st, send) } }
            if st.lesson.is_some() && !embed {
                <div class="lesson-layout">
                    { lesson_pane(st, send) }
                    { main }
                </div>
            } else {
                { main }
            }
            if st.help { { help(send) } }
            if st.embed_dialog { { embed_dialog(st, send, base) } }
            { crate::teach_view::progress_dialog(st, send) }
        </div>
    }
}

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
    html! {
        <aside class="lesson" aria-label="Lesson">
            <p class="lesson-title">{ &lesson.title }</p>
            <p id="lesson-progress" class="count">{ format!("step {} of {n}", k + 1) }</p>
            if k == 0 {
                <div class="lesson-intro">{ Html::from_html_unchecked(AttrValue::Static(&lesson.intro_html)) }</div>
            }
            <h2 id="lesson-step-title">{ &step.title }</h2>
            // Our own markdown, rendered once with raw HTML dropped (lessons::to_html).
            <div class="lesson-body">{ Html::from_html_unchecked(AttrValue::Static(&step.html)) }</div>
            { crate::teach_view::predictions(st, send) }
            <div class="row">
                <button id="lesson-prev" onclick={prev} disabled={k == 0} title="Previous lesson step ([)">{ "◀ Previous" }</button>
                <button id="lesson-next" onclick={next} disabled={k + 1 >= n} title="Next lesson step (])">{ "Next ▶" }</button>
            </div>
        </aside>
    }
}

fn embed_dialog(st: &AppState, send: &Send, base: &str) -> Html {
    let close = send.reform(|_| Action::ToggleEmbedDialog);
    let mut p = st.params();
    p.embed = true;
    let embed_url = format!("{base}{}", crate::params::format(&p));
    p.embed = false;
    let link = format!("{base}{}", crate::params::format(&p));
    let code = format!(
        "<iframe src=\"{}\" width=\"800\" height=\"500\" title=\"daxlab: {} under {}\" loading=\"lazy\"></iframe>",
        embed_url.replace('&', "&amp;").replace('"', "&quot;"),
        st.model().scenario(),
        st.model().variant()
    );
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="embed-title">
            <div class="dialog">
                <h2 id="embed-title">{ "Embed this view in course notes" }</h2>
                <label for="embed-code">{ "iframe HTML (compact embed layout, 800×500):" }</label>
                <textarea id="embed-code" readonly=true rows="4" value={code} />
                <p>{ "Plain link: " }<a id="embed-link" href={link.clone()}>{ link.clone() }</a></p>
                <button onclick={close}>{ "Close (Esc)" }</button>
            </div>
        </div>
    }
}

fn header(st: &AppState, send: &Send) -> Html {
    html! {
        <header class="top">
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
                { for crate::lessons::lessons().iter().enumerate().map(|(i, l)| html! {
                    <><a href={format!("?lesson={}", l.name)} title={l.title.as_str()}>{ i + 1 }</a>{ " " }</>
                }) }
                { "· " }<a id="challenges-link" href={format!("?challenge={}", crate::lessons::CHALLENGES[st.progress.unlocked(&crate::teach::level_names())].name)}>{ "challenges" }</a>
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
    if st.errors.is_empty() && st.notice.is_none() {
        return html! {};
    }
    let dismiss = send.reform(|_| Action::DismissMessages);
    html! {
        <div class="messages">
            if !st.errors.is_empty() {
                <ul class="errors" role="alert" aria-label="Problems">
                    { for st.errors.iter().map(|e| html! { <li class="error">{ "⚠ " }{ e }</li> }) }
                </ul>
            }
            if let Some(n) = &st.notice {
                <p class="notice" role="status">{ n }</p>
            }
            <button class="dismiss" onclick={dismiss} title="Dismiss messages (Esc)">{ "Dismiss" }</button>
        </div>
    }
}

fn controls(st: &AppState, send: &Send, share: &Callback<MouseEvent>, share_url: &str) -> Html {
    let m = st.model();
    let len = st.session.len();
    let cursor = st.session.cursor();
    let on_scenario = send.reform(|e: Event| Action::SetScenario(select_value(&e)));
    let on_variant = send.reform(|e: Event| Action::SetVariant(select_value(&e)));
    let on_truncate = send.reform(|e: Event| Action::SetTruncate(select_value(&e)));
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
    let button = |label: &str, key: &str, action: Action, disabled: bool, id: &str| {
        let cb = send.reform(move |_| action.clone());
        html! {
            <button id={id.to_string()} onclick={cb} disabled={disabled}
                title={format!("{label} ({key})")} aria-keyshortcuts={key.to_string()}>{ label.to_string() }</button>
        }
    };
    // The usual speeds, plus the current one when a URL or the +/- keys chose another.
    let mut speeds = vec![0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0];
    if !speeds.iter().any(|s| (s - st.speed).abs() < 1e-9) {
        speeds.push(st.speed);
        speeds.sort_by(f64::total_cmp);
    }
    let full_view = share_url.replace("embed=1", "embed=0");
    html! {
        <div class="controls">
            <div class="row pickers">
                <label>{ "Scenario " }
                    <select id="scenario" onchange={on_scenario} aria-label="Scenario">
                        { for SCENARIOS.iter().map(|s| html! {
                            <option value={s.name} selected={s.name == m.scenario()} title={s.summary}>{ s.name }</option>
                        }) }
                    </select>
                </label>
                <label>{ "Variant " }
                    <select id="variant" onchange={on_variant} aria-label="Variant">
                        { for Variant::ALL.iter().map(|v| html! {
                            <option value={v.name()} selected={*v == m.variant()} title={v.summary()}>
                                { if v.shipped() { v.name().to_string() } else { format!("{} (never shipped)", v.name()) } }
                            </option>
                        }) }
                    </select>
                </label>
                <label>{ "Truncate wakes " }
                    <select id="truncate" onchange={on_truncate} aria-label="Truncate wake mode">
                        { for daxlab_core::WakeMode::ALL.iter().map(|w| html! {
                            <option value={w.name()} selected={*w == m.truncate_wake()}>{ w.name() }</option>
                        }) }
                    </select>
                </label>
                <span class="release" id="release">{ match daxlab_core::link::code_params(m).1 {
                    Some(f) => format!("{} with fixes {f}", m.variant().release()),
                    None => m.variant().release().to_string(),
                } }</span>
            </div>
            <div class="row">
                { fixes(st, send) }
                if st.embed {
                    <a class="full-view" href={full_view} target="_blank" rel="noopener">{ "Open full view ↗" }</a>
                }
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
                        oninput={on_scrub} aria-label="Step in history" />
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
                    { button("Random run", "n", Action::RandomRun, false, "random") }
                    if st.searching() {
                        { button("Stop search", "f", Action::CancelSearch, false, "find") }
                        { crate::search_view::progress(st) }
                    } else {
                        { button("Find a bug", "f", Action::FindBug, false, "find") }
                    }
                    <button id="share" onclick={share.clone()} title="Copy a link to this exact view (s)" aria-keyshortcuts="s">{ "Share link" }</button>
                    { button("Embed", "e", Action::ToggleEmbedDialog, false, "embed-button") }
                    { button("? Help", "?", Action::ToggleHelp, false, "help-button") }
                </div>
                <p class="share-line">
                    <label for="share-url">{ "Link to this view: " }</label>
                    <input id="share-url" type="text" readonly=true value={share_url.to_string()} />
                </p>
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
    let text = match st.session.last_event() {
        Some(e) => format!(
            "Step {}: {} — {}",
            st.session.cursor(),
            st.model().name(e.tid),
            daxlab_core::words::narration(st.model(), e)
        ),
        None => {
            let s = daxlab_core::scenario(st.model().scenario());
            format!(
                "{} Pick a thread to run its next step, or press Play.",
                s.map_or("", |s| s.summary)
            )
        }
    };
    html! { <p id="narration" class="narration" aria-live="polite">{ text }</p> }
}

fn violation_panel(st: &AppState, v: &daxlab_core::Violation) -> Html {
    let m = st.model();
    html! {
        <section id="violation" class="violation" role="alert">
            <h2>{ format!("✖ {}: {} at {}()", v.kind.name(), m.name(v.tid), v.line.func().name_in(m.code())) }</h2>
            <p class="where"><code>{ v.line.text() }</code>{ format!(" — {}", words::object(m, v)) }</p>
            <p>{ words::message(m, v) }</p>
            <pre class="report" aria-label="What the kernel would print">{ words::report(m, v) }</pre>
        </section>
    }
}

fn threads(st: &AppState, send: &Send) -> Html {
    let m = st.model();
    let w = st.session.world();
    let last = st.session.last_event().map(|e| e.tid);
    html! {
        <section class="threads" aria-label="Threads">
            { for m.threads().iter().enumerate().map(|(i, spec)| {
                let tid = Tid(i as u8);
                let status = m.status(w, tid);
                let said = words::status(m, w, tid);
                let runnable = status == Status::Runnable;
                let current = m.current_line(w, tid);
                let done = matches!(status, Status::Done(_) | Status::Halted);
                let finished = matches!(status, Status::Done(_));
                let step = send.reform(move |_| Action::Step(tid));
                let t = w.thread(tid);
                let mapping = t.locals.mapping;
                html! {
                    <article class={classes!("thread", status_class(&status), (last == Some(tid)).then_some("last"))}
                        data-thread={spec.name.clone()} aria-label={format!("thread {}", spec.name)}>
                        <header>
                            <h3>{ format!("{} ", i + 1) }<span class="name">{ &spec.name }</span></h3>
                            <p class="program" title={spec.program.path()}>{ program_words(&spec.program) }</p>
                            <p class="path">{ spec.program.path() }</p>
                            <p class="status">{ &said }</p>
                            if t.rcu_nesting > 0 {
                                <p class="badge rcu-badge">{ format!("in rcu_read_lock() ×{}", t.rcu_nesting) }</p>
                            }
                            if let (Some(a), None) = (mapping, t.result) {
                                <p class="local" data-points-to={a.0.to_string()}>{ "mapping → " }{ inode_label(w, a) }
                                    if w.inode(a).is_freed() { <span class="stale">{ " (freed!)" }</span> }
                                </p>
                            }
                            <button class="step" onclick={step} disabled={!runnable}
                                title={if runnable { format!("Run {}'s next step ({})", spec.name, i + 1) } else { format!("{} cannot run: {said}", spec.name) }}>
                                { if done { "done".to_string() } else { format!("Step {}", spec.name) } }
                            </button>
                        </header>
                        <ListingView program={spec.program.clone()} code={m.code()} base={base_code(m)}
                            current={(!finished).then_some(current)} embed={st.embed} />
                    </article>
                }
            }) }
        </section>
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
    /// Show only a window around the current line.
    pub embed: bool,
}

/// One thread's listing.
#[component]
pub fn ListingView(p: &ListingProps) -> Html {
    let lines = listing(&p.program.funcs(p.code), p.code, p.base);
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
    html! {
        <ol class="listing">
            { for lines[lo..hi].iter().map(|l| listing_line(l.line, l.mark, Some(l.line) == p.current, p.code)) }
        </ol>
    }
}

/// The code the listing of `m` is described against: the variant's base, with the same wake mode.
fn base_code(m: &daxlab_core::Model) -> Option<Code> {
    m.variant()
        .base()
        .map(|b| m.truncate_wake().apply(b.code()))
}

fn listing_line(line: Line, mark: Mark, current: bool, code: Code) -> Html {
    let info = line.info();
    let (sign, mark_class, label) = match mark {
        Mark::Same => (" ", None, None),
        Mark::Added => ("+", Some("added"), Some("changed by this variant")),
        Mark::Removed => ("−", Some("removed"), Some("removed by this variant")),
    };
    let number = line.number_in(code);
    let func_header = number == 1 || (mark == Mark::Removed && info.indent == 0);
    html! {
        <>
        if func_header && info.indent == 0 && number <= 1 {
            <li class="func" aria-hidden="true"></li>
        }
        <li class={classes!("line", mark_class, current.then_some("current"), (!info.is_step()).then_some("read-only"))}
            title={label} aria-current={current.then_some("step")}>
            <span class="marker">{ if current { "▶" } else { sign } }</span>
            <code style={format!("padding-left: {}ch", info.indent as usize * 2)}>{ info.text }</code>
        </li>
        </>
    }
}

/// A checkbox per upstream commit: which fixes are in the code on screen.
fn fixes(st: &AppState, send: &Send) -> Html {
    let code = st.model().code();
    html! {
        <fieldset id="fixes" class="fixes">
            <legend>{ "Upstream fixes in force " }<a href="lessons/history.html">{ "(history)" }</a></legend>
            { for daxlab_core::Fix::ALL.iter().map(|f| {
                let info = f.info();
                let commit = info.commit.to_string();
                let toggle = send.reform(move |_| Action::ToggleFix(commit.clone()));
                html! {
                    <label class="fix" title={format!("{} — {} ({})", info.subject, info.author, info.release)}>
                        <input type="checkbox" id={format!("fix-{}", info.commit)} checked={code.has(*f)} onchange={toggle} />
                        <code>{ info.commit }</code>
                        <a class="commit-link" href={info.link()} target="_blank" rel="noopener" title={format!("{} on git.kernel.org", info.commit)}>{ "↗" }</a>
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

fn program_words(p: &Program) -> String {
    match p {
        Program::MemoryFailure { pfn } => format!("memory_failure(pfn {})", pfn.0),
        Program::Fault { index, pfn, .. } => format!("DAX fault at index {index} (pfn {})", pfn.0),
        Program::Truncate { indices, .. } => format!("truncate indices {indices:?}"),
        Program::Evict { .. } => "last iput(): evict → destroy_inode".into(),
        Program::Recycle { .. } => "evict, then reuse the inode memory".into(),
        Program::Writeback { index, .. } => format!("fsync writeback of index {index}"),
        Program::Rcu => "RCU grace-period kthread".into(),
        Program::Unbind => "unbind the device".into(),
    }
}

fn objects(st: &AppState) -> Html {
    let m = st.model();
    let w = st.session.world();
    let names = |mask: u16| -> String {
        (0..m.threads().len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| m.name(Tid(i as u8)).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let pointers_to = |a: Addr| -> Vec<String> {
        let (pages, threads) = daxlab_core::pointers_to(w, a);
        pages
            .iter()
            .map(|p| format!("page pfn {}->mapping", p.0))
            .chain(threads.iter().map(|t| format!("{}: mapping", m.name(*t))))
            .collect()
    };
    let buckets = m.buckets() as usize;
    html! {
        <section class="objects" aria-label="Shared state">
            <div class="device">
                <h3>{ "pmem device" }</h3>
                <p class="pgmap">{ format!("dev_pagemap: {} reference(s){}{}", w.pgmap.pins,
                    if w.pgmap.killed { ", killed" } else { "" }, if w.pgmap.removed { ", removed" } else { "" }) }</p>
                <ol class="pages">
                    { for w.pages.iter().enumerate().map(|(i, p)| html! {
                        <li class={classes!("page", p.hwpoison.then_some("poisoned"))} data-pfn={i.to_string()}>
                            <span class="pfn">{ format!("pfn {i}") }</span>
                            <span class="ptr" data-points-to={p.mapping.map(|a| a.0.to_string())}>{ "mapping → " }{ match p.mapping {
                                Some(a) => inode_label(w, a),
                                None => "NULL".into(),
                            } }</span>
                            <span>{ format!("index {}", p.index) }</span>
                            if p.hwpoison { <span class="badge poison">{ "HWPoison" }</span> }
                        </li>
                    }) }
                </ol>
            </div>
            <div class="inodes">
                { for w.inodes.iter().enumerate().map(|(i, mem)| {
                    let a = Addr(i as u8);
                    let ptrs = pointers_to(a);
                    let freed = mem.is_freed();
                    html! {
                        <div class={classes!("inode", freed.then_some("freed"), (mem.life != Life::Live).then_some("dying"))} data-inode={mem.ino.to_string()} data-addr={i.to_string()}>
                            <h3>{ format!("inode #{} ", mem.ino) }<small>{ format!("@{}", a) }</small></h3>
                            <p>{ format!("{} · {}{}", if mem.kind == daxlab_core::world::InodeKind::CharDevice { "device-dax char device" } else { "fs-dax regular file" },
                                life_word(mem.life),
                                mem.previous_ino.map(|p| format!(" · memory reused (was inode #{p})")).unwrap_or_default()) }</p>
                            if freed { <p class="badge freed-badge">{ "✖ freed memory: any access is a use-after-free" }</p> }
                            <p>{ "xa_lock: " }{ match mem.xa_lock { Some(t) => format!("held by {}", m.name(t)), None => "free".into() } }</p>
                            <p class="mmaplock">{ "MMAPLOCK: " }{ mmaplock_words(m, &mem.mmaplock) }</p>
                            <table class="entries">
                                <caption>{ "i_pages" }</caption>
                                <thead><tr><th>{ "index" }</th><th>{ "entry" }</th><th>{ "lock" }</th></tr></thead>
                                <tbody>
                                { for mem.entries.iter().map(|e| html! {
                                    <tr class={classes!(e.locked().then_some("locked"))}>
                                        <td>{ e.index }</td>
                                        <td>{ entry_words(e) }</td>
                                        <td>{ if e.locked() { format!("LOCKED{}", e.locker.map(|t| format!(" by {}", m.name(t))).unwrap_or_default()) } else { "unlocked".into() } }</td>
                                    </tr>
                                }) }
                                </tbody>
                            </table>
                            if !ptrs.is_empty() {
                                <p class="pointed">{ "← pointed to by: " }{ ptrs.join(", ") }</p>
                            }
                        </div>
                    }
                }) }
            </div>
            <div class="waitq">
                <h3>{ format!("wait table ({buckets} buckets)") }</h3>
                <ol class="buckets">
                    { for (0..buckets).map(|b| {
                        let waiters: Vec<_> = w.bucket(b as u8).collect();
                        html! {
                            <li class={classes!("bucket", (!waiters.is_empty()).then_some("busy"))} data-bucket={b.to_string()}>
                                <span class="bn">{ format!("{b}") }</span>
                                { for waiters.iter().map(|q| html! {
                                    <span class="waiter">{ format!("{} waits for (inode #{}, index {}) {}", m.name(q.tid),
                                        w.inode(q.key.mapping).ino, q.key.entry_start,
                                        if q.exclusive { "exclusive" } else { "non-exclusive" }) }</span>
                                }) }
                            </li>
                        }
                    }) }
                </ol>
            </div>
            <div class="rcu-now">
                <h3>{ "RCU" }</h3>
                <p>{ format!("grace periods completed: {}", w.rcu.completed) }</p>
                if let Some(gp) = w.rcu.current {
                    <p>{ format!("grace period {} in progress, waiting for: {}", gp.number,
                        if gp.waiting_for == 0 { "nobody (can end)".to_string() } else { names(gp.waiting_for) }) }</p>
                }
                <p>{ format!("call_rcu callbacks queued: {}", w.rcu.callbacks.len()) }</p>
            </div>
        </section>
    }
}

fn mmaplock_words(m: &daxlab_core::Model, l: &daxlab_core::world::RwSem) -> String {
    let holders = if let Some(w) = l.writer {
        format!("held exclusive by {}", m.name(w))
    } else if l.readers != 0 {
        let names: Vec<&str> = (0..m.threads().len())
            .filter(|i| l.readers & (1 << i) != 0)
            .map(|i| m.name(Tid(i as u8)))
            .collect();
        format!("held shared by {}", names.join(", "))
    } else {
        "free".into()
    };
    if l.queue.is_empty() {
        holders
    } else {
        let q: Vec<String> = l
            .queue
            .iter()
            .map(|(t, w)| {
                format!(
                    "{} ({})",
                    m.name(*t),
                    if *w { "exclusive" } else { "shared" }
                )
            })
            .collect();
        format!("{holders}; sleeping in down_*(): {}", q.join(", "))
    }
}

fn entry_words(e: &daxlab_core::world::Entry) -> String {
    let mut s = if e.is_empty() {
        "EMPTY".to_string()
    } else {
        format!("pfn {}", e.pfn.0)
    };
    if e.flags & entry_flags::PMD != 0 {
        s.push_str(" PMD");
    }
    if e.flags & entry_flags::ZERO_PAGE != 0 {
        s.push_str(" ZERO_PAGE");
    }
    if e.flags & entry_flags::TOWRITE != 0 {
        s.push_str(" TOWRITE");
    }
    s
}

/// One grace period as the timeline shows it.
fn rcu_timeline(st: &AppState) -> Html {
    let s = &st.session;
    let m = s.model();
    let h = daxlab_core::history::rcu(s);
    let names = |mask: u16| -> Vec<String> {
        (0..m.threads().len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| m.name(Tid(i as u8)).to_string())
            .collect()
    };
    // Each thread's read-side sections, as step ranges (from the step that entered to the
    // step that left).
    let sections: Vec<(String, Vec<String>)> = (0..m.threads().len())
        .map(|t| Tid(t as u8))
        .filter_map(|tid| {
            let spans: Vec<String> = h
                .sections_of(tid)
                .map(|sec| match sec.end {
                    Some(end) => format!("steps {}–{end}", sec.start),
                    None => format!("step {}–now", sec.start),
                })
                .collect();
            (!spans.is_empty()).then(|| (m.name(tid).to_string(), spans))
        })
        .collect();
    let readers_now = names(h.readers_now());
    html! {
        <section class="rcu" aria-label="RCU timeline">
            <h3>{ "RCU grace periods" }</h3>
            <p class="rcu-model">{ "The model follows preemptible RCU (CONFIG_PREEMPT_RCU), the API contract: a read-side section may be preempted but must not sleep, and a grace period waits only for the sections open when it began." }</p>
            <p class="readers">{ "In a read-side section now: " }{ if readers_now.is_empty() { "nobody".to_string() } else { readers_now.join(", ") } }</p>
            if !sections.is_empty() {
                <ul class="sections" aria-label="Read-side sections">
                    { for sections.iter().map(|(name, spans)| html! {
                        <li>{ format!("{name}: rcu_read_lock() … rcu_read_unlock() at {}", spans.join(", ")) }</li>
                    }) }
                </ul>
            }
            if h.grace_periods.is_empty() {
                <p class="none">{ "No grace period has started yet (one starts when call_rcu() queues a callback)." }</p>
            } else {
                <ol class="gps">
                    { for h.grace_periods.iter().map(|g| {
                        let readers = names(g.waited_for);
                        html! {
                            <li class={classes!("gp", g.end.is_none().then_some("open"))}>
                                { format!("GP {}: started at step {}, waited for {}, {}{}", g.number, g.start,
                                    if readers.is_empty() { "no readers".to_string() } else { readers.join(", ") },
                                    g.end.map_or("still waiting".to_string(), |e| format!("ended at step {e}")),
                                    if g.freed.is_empty() { String::new() } else {
                                        format!("; callbacks: {}", g.freed.iter().map(|(_, ino)| format!("freed inode #{ino}")).collect::<Vec<_>>().join(", "))
                                    }) }
                            </li>
                        }
                    }) }
                </ol>
            }
        </section>
    }
}

fn help(send: &Send) -> Html {
    let close = send.reform(|_| Action::ToggleHelp);
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="help-title">
            <div class="dialog">
                <h2 id="help-title">{ "Keyboard shortcuts" }</h2>
                <dl>
                    { for SHORTCUTS.iter().map(|(k, what)| html! { <><dt><kbd>{ *k }</kbd></dt><dd>{ *what }</dd></> }) }
                </dl>
                <button onclick={close} autofocus=true>{ "Close (Esc)" }</button>
            </div>
        </div>
    }
}
