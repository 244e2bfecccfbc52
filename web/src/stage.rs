//! The figures on the page: the object graph and the timeline drawn from `daxlab-draw`'s
//! layout (the same elements the CLI writes to SVG files), the timeline's pointer and click
//! handling, its zoom buttons and readout, the side-by-side comparison, and the table view
//! that is their text alternative.

use crate::figures::Shared;
use crate::state::{Action, AppState};
use daxlab_core::timeline::{LaneState, Timeline};
use daxlab_core::{Addr, Model, Outcome, Session, Tid, World, words};
use daxlab_draw::graph;
use daxlab_draw::labels;
use daxlab_draw::timeline::{self as tl, View};
use daxlab_draw::{Drawing, El};
use wasm_bindgen::JsCast;
use yew::prelude::*;
use yew::virtual_dom::{AttrValue, AttributeOrProperty, Attributes, VNode, VTag, VText};

/// Callback type every control uses.
pub type Send = Callback<Action>;

/// What the export buttons write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    /// The timeline as an SVG file.
    TimelineSvg,
    /// The timeline as a PNG image.
    TimelinePng,
    /// The object graph as an SVG file.
    GraphSvg,
    /// The object graph as a PNG image.
    GraphPng,
    /// The run as JSON (what `daxlab run --json` prints).
    Json,
    /// The violation's kernel-style report as text.
    Report,
}

impl Export {
    /// Every export, in toolbar order.
    pub const ALL: [Export; 6] = [
        Export::TimelineSvg,
        Export::TimelinePng,
        Export::GraphSvg,
        Export::GraphPng,
        Export::Json,
        Export::Report,
    ];
    /// The button's label: the format.
    pub fn label(self) -> &'static str {
        match self {
            Export::TimelineSvg | Export::GraphSvg => "SVG",
            Export::TimelinePng | Export::GraphPng => "PNG",
            Export::Json => "JSON",
            Export::Report => "report",
        }
    }
    /// What it exports, for the accessible name and the title: it contains the label, so the
    /// name a screen reader says holds the word a sighted user clicks (and says it once).
    pub fn what(self) -> &'static str {
        match self {
            Export::TimelineSvg => "Timeline as SVG",
            Export::TimelinePng => "Timeline as PNG",
            Export::GraphSvg => "Object graph as SVG",
            Export::GraphPng => "Object graph as PNG",
            Export::Json => "The run as JSON",
            Export::Report => "The kernel-style report",
        }
    }
    /// Its keyboard shortcut.
    pub fn key(self) -> &'static str {
        match self {
            Export::TimelineSvg => "t",
            Export::TimelinePng => "T",
            Export::GraphSvg => "o",
            Export::GraphPng => "O",
            Export::Json => "j",
            Export::Report => "R",
        }
    }
    /// The button's id.
    pub fn id(self) -> &'static str {
        match self {
            Export::TimelineSvg => "export-timeline-svg",
            Export::TimelinePng => "export-timeline-png",
            Export::GraphSvg => "export-graph-svg",
            Export::GraphPng => "export-graph-png",
            Export::Json => "export-json",
            Export::Report => "export-report",
        }
    }
    /// The export a key stands for.
    pub fn from_key(key: &str) -> Option<Export> {
        Export::ALL.into_iter().find(|e| e.key() == key)
    }
}

/// An element of a layout as a Yew node.
fn vtag(el: &El) -> VTag {
    let mut tag = VTag::new(el.tag);
    // Yew diffs `Dynamic` attributes by position when the key slices are the same pointer, and
    // keeps `add_attribute`'s ones in a hashed map: so each distinct key list is interned once.
    let keys = interned_keys(&el.attrs);
    let values: Box<[Option<AttributeOrProperty>]> = el
        .attrs
        .iter()
        .map(|(_, v)| Some(AttributeOrProperty::Attribute(AttrValue::from(v.clone()))))
        .collect();
    tag.set_attributes(Attributes::Dynamic { keys, values });
    if let Some(t) = &el.text {
        tag.add_child(VNode::VText(VText::new(t.clone())));
    }
    // Yew matches unkeyed children from the end, so a group that grows by a step (a new tick,
    // a lane's new state) would shift every attribute of every element before it: keyed by
    // position from the start, the elements that stay put are left alone.
    let keyed = el.text.is_none();
    for (i, c) in el.children.iter().enumerate() {
        let mut child = vtag(c);
        if keyed {
            child.key = Some((i as u32).into());
        }
        tag.add_child(child.into());
    }
    tag
}

/// One `&'static` slice per distinct list of attribute names the layouts use (a few dozen;
/// they live as long as the page).
fn interned_keys(attrs: &[(&'static str, String)]) -> &'static [&'static str] {
    thread_local! {
        static KEYS: std::cell::RefCell<Vec<&'static [&'static str]>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    KEYS.with(|k| {
        let mut k = k.borrow_mut();
        let same = |s: &&'static [&'static str]| {
            s.len() == attrs.len() && s.iter().zip(attrs).all(|(a, (b, _))| a == b)
        };
        if let Some(s) = k.iter().find(|s| same(s)) {
            return *s;
        }
        let s: &'static [&'static str] =
            Box::leak(attrs.iter().map(|(k, _)| *k).collect::<Box<[_]>>());
        k.push(s);
        s
    })
}

/// Equal when the elements are (a new `Rc` every render: compared by content).
#[derive(Properties, PartialEq)]
struct PartProps {
    el: std::rc::Rc<El>,
    /// Whether it may go in as markup (see [`markup_first`]).
    raw: bool,
}

/// One top-level group of a figure (a lane, the axis, the legend, the defs...): Yew skips it
/// when it is the same as in the last render, so a step redraws only the groups it changed.
#[function_component(Part)]
fn part(p: &PartProps) -> Html {
    let first = use_first_render();
    elements(std::slice::from_ref(&*p.el), p.raw && first)
}

/// Whether this is the component's first render: what [`elements`] is told, so markup goes in
/// once and changes are patched element by element.
#[hook]
pub fn use_first_render() -> bool {
    let first = use_mut_ref(|| true);
    std::mem::replace(&mut *first.borrow_mut(), false)
}

/// Elements as Yew nodes: as markup (`raw`), or element by element (keyed by position).
///
/// Why both ([`markup_first`]): creating elements one by one from wasm costs several calls per
/// element (Yew asks the parent's namespace twice, clones, sets each attribute, inserts),
/// where the browser parses markup at once: the first view's ~600 elements took ~10 ms into
/// the DOM element by element. But markup changed is made anew, where Yew's elements are
/// patched in place: a step changes a few attributes of most of the timeline's groups, and
/// re-parsing them took the step's p95 from 3.3 to 8.9 ms. So a group goes in as markup the
/// first time and, once it changes, element by element.
pub fn elements(els: &[El], raw: bool) -> Html {
    if raw {
        let mut markup = String::new();
        for el in els {
            el.write(&mut markup);
        }
        return Html::from_html_unchecked(AttrValue::from(markup));
    }
    els.iter()
        .enumerate()
        .map(|(i, el)| {
            let mut t = vtag(el);
            t.key = Some((i as u32).into());
            VNode::from(t)
        })
        .collect()
}

/// Whether a figure's group may go in as markup at first (see [`elements`]): not a group
/// with a transitioned element (the graph's inodes and pointers), whose first change must
/// move the element on screen, not replace it.
fn markup_first(el: &El) -> bool {
    !el.transitions()
}

fn body(d: Drawing) -> Html {
    d.body
        .into_iter()
        .map(|el| {
            let raw = markup_first(&el);
            html! { <Part el={std::rc::Rc::new(el)} {raw} /> }
        })
        .collect::<Html>()
}

/// The thread names of a model.
pub fn names(m: &Model) -> Vec<&str> {
    m.threads().iter().map(|t| t.name.as_str()).collect()
}

/// Below this width (the timeline's box, measured: the page's width less its margins) the
/// object graph is laid out for a phone, in two columns instead of three.
const NARROW_GRAPH_BELOW: f64 = 560.0;

/// Whether the page is narrow enough for the phone's object graph.
fn narrow_graph(st: &AppState) -> bool {
    st.tl.width < NARROW_GRAPH_BELOW
}

/// The most the object graph is scaled up: its 11 px text at most 14 px, however much room
/// the panel has (a challenge's full-width graph drew it at 25 px).
const GRAPH_MAX_SCALE: f64 = 1.25;

/// The object graph of a session at its cursor, as an SVG element with `id` (`narrow`: the
/// phone's layout).
pub fn graph_figure(s: &Session, id: &str, prefix: &str, narrow: bool) -> Html {
    let d = graph::at_cursor(s, prefix, narrow);
    let cap = format!(
        "max-width:{}px",
        daxlab_draw::num(d.width * GRAPH_MAX_SCALE)
    );
    html! {
        <svg id={id.to_string()} class="daxlab-figure graph" viewBox={d.view_box()}
            preserveAspectRatio="xMidYMin meet" role="img" style={cap}
            aria-labelledby={format!("{id}-title {id}-desc")}>
            <title id={format!("{id}-title")}>{ &d.title }</title>
            <desc id={format!("{id}-desc")}>{ &d.desc }</desc>
            { body(d) }
        </svg>
    }
}

/// What changed in the last step, as the graph's caption says it.
pub fn changed_caption(s: &Session) -> Html {
    let Some(prev) = s.cursor().checked_sub(1).map(|c| s.world_at(c)) else {
        return html! { "the initial state" };
    };
    let ch = graph::changes(prev, s.world());
    let words = graph::change_words(s.model(), s.world(), &ch);
    if words.is_empty() {
        return html! { format!("step {}: no object changed", s.cursor()) };
    }
    // Each object's name kept on one line: a narrow frame broke "inode #1 @…" from "4000".
    let last = words.len() - 1;
    html! {
        <>
            { format!("step {} changed: ", s.cursor()) }
            { for words.into_iter().enumerate().map(|(i, w)| html! {
                <><span class="nobr">{ w }</span>{ if i < last { ", " } else { "" } }</>
            }) }
        </>
    }
}

/// The timeline of `s` (whose timeline is `t`) in the view `v`, with its handlers: a click
/// moves the cursor to the step under the pointer, hovering shows that step's narration.
pub fn timeline_figure(s: &Session, t: &Timeline, v: &View, id: &str, send: &Send) -> Html {
    let names = names(s.model());
    let d = tl::layout(t, &names, v);
    let steps = t.steps;
    let width = d.width;
    let column = {
        let v = v.clone();
        move |e: &MouseEvent| -> Option<usize> {
            // Yew delegates events to its root, so the current target is not the figure: find
            // the figure from the element under the pointer.
            let el = e
                .target()?
                .dyn_into::<web_sys::Element>()
                .ok()?
                .closest("svg.timeline")
                .ok()??;
            let r = el.get_bounding_client_rect();
            if r.width() <= 0.0 {
                return None;
            }
            let x = (e.client_x() as f64 - r.left()) * width / r.width();
            v.column_at(x)
        }
    };
    let onclick = {
        let column = column.clone();
        send.reform(move |e: MouseEvent| match column(&e) {
            Some(col) => Action::Seek(col.min(steps)),
            None => Action::Hover(None),
        })
    };
    let onmousemove = {
        let (send, hover) = (send.clone(), v.hover);
        Callback::from(move |e: MouseEvent| {
            let col = column(&e);
            if col != hover {
                send.emit(Action::Hover(col));
            }
        })
    };
    let onmouseleave = send.reform(|_| Action::Hover(None));
    let m = s.model();
    let now = s.cursor();
    let valuetext = match now.checked_sub(1).and_then(|k| s.all_events().get(k)) {
        Some(e) => format!("step {now} of {steps}: {}", words::narration(m, e)),
        None => format!("step 0 of {steps}: the initial state"),
    };
    html! {
        <svg id={id.to_string()} class="daxlab-figure timeline" width={daxlab_draw::num(d.width)}
            height={daxlab_draw::num(d.height)} viewBox={d.view_box()} role="slider" tabindex="0"
            aria-label={format!("Timeline of {steps} steps: click a step to go there; ← and → step")}
            aria-valuemin="0" aria-valuemax={steps.to_string()} aria-valuenow={now.to_string()}
            aria-valuetext={valuetext} data-first={v.first.to_string()} data-cols={v.cols.to_string()}
            data-px={daxlab_draw::num(v.px)} data-steps={steps.to_string()}
            {onclick} {onmousemove} {onmouseleave}>
            { body(d) }
        </svg>
    }
}

/// The line under the timeline: the hovered step's narration, or how to use it.
pub fn readout(s: &Session, hover: Option<usize>) -> String {
    let m = s.model();
    let n = s.len();
    match hover {
        Some(k) if k >= 1 && k <= n => {
            let e = &s.all_events()[k - 1];
            format!(
                "Step {k}: {} at {}() — {}",
                m.name(e.tid),
                e.line.func().name_in(m.code()),
                words::narration(m, e)
            )
        }
        Some(_) => format!("After step {n}: where every thread stands at the end of the run."),
        None => format!(
            "Cursor at step {} of {n}. Click a step to go there, hover for its narration; ← → step.",
            s.cursor()
        ),
    }
}

fn zoom_buttons(st: &AppState, send: &Send) -> Html {
    let b = |id: &'static str, label: &'static str, key: &'static str, what: &str, a: Action| {
        html! {
            <button id={id} class="small" onclick={send.reform(move |_| a.clone())}
                title={format!("{what}{}", st.key_hint(key))} aria-label={what.to_string()}
                aria-keyshortcuts={st.shortcut(key)}>{ label }</button>
        }
    };
    html! {
        <span class="zoom" role="group" aria-label="Timeline zoom">
            { b("zoom-out", "−", "x", "Zoom the timeline out", Action::ZoomOut) }
            { b("zoom-in", "+", "z", "Zoom the timeline in", Action::ZoomIn) }
            { b("zoom-fit", "Fit", "0", "Fit the whole run", Action::ZoomFit) }
        </span>
    }
}

/// An export button: its format as label, what it exports and its key in the title.
pub fn export_button(st: &AppState, export: &Callback<Export>, e: Export) -> Html {
    // (The report is the whole recorded run's, as the JSON export is.)
    let disabled = e == Export::Report
        && !st
            .session
            .all_events()
            .iter()
            .any(|ev| ev.violation.is_some());
    let title = if disabled {
        format!(
            "{} — there is no violation to report{}",
            e.what(),
            st.key_hint(e.key())
        )
    } else {
        format!("{}{}", e.what(), st.key_hint(e.key()))
    };
    html! {
        <button id={e.id()} class="small" onclick={export.reform(move |_| e)} disabled={disabled}
            title={title} aria-label={e.what()} aria-keyshortcuts={st.shortcut(e.key())}>{ e.label() }</button>
    }
}

fn figure_exports(
    st: &AppState,
    export: &Callback<Export>,
    svg: Export,
    png: Export,
    what: &str,
    shown: &str,
) -> Html {
    html! {
        <span class="export-group" role="group" aria-label={format!("Export the {what}")}>
            { shown.to_string() }{ export_button(st, export, svg) }{ export_button(st, export, png) }
        </span>
    }
}

/// The graph and the timeline of the run on screen (or, comparing, of both runs).
pub fn stage(st: &AppState, send: &Send, export: &Callback<Export>) -> Html {
    let s = &st.session;
    let t = st.timeline();
    let tables = {
        let pressed = st.tables;
        html! {
            <button id="tables-button" class="small" aria-pressed={pressed.to_string()}
                onclick={send.reform(|_| Action::ToggleTables)} title={format!("Show the timeline and the objects as tables{}", st.key_hint("a"))}
                aria-keyshortcuts={st.shortcut("a")}>{ "Tables" }</button>
        }
    };
    let Some(c) = &st.compare else {
        let mut v = st.tl.view(t.steps, s.cursor());
        v.prefix = "tl".into();
        return html! {
            <>
            <section class="graph-box" aria-labelledby="graph-h">
                <div class="tl-head">
                    <h2 id="graph-h">{ "Objects " }<small id="changed">{ changed_caption(s) }</small></h2>
                    { figure_exports(st, export, Export::GraphSvg, Export::GraphPng, "object graph", "Export ") }
                </div>
                <div class="graph-scroll">{ graph_figure(s, "object-graph", "og", narrow_graph(st)) }</div>
            </section>
            <section class="timeline-box" aria-labelledby="timeline-h">
                <div class="tl-head">
                    <h2 id="timeline-h">{ "Timeline" }</h2>
                    { zoom_buttons(st, send) }
                    { tables }
                    { figure_exports(st, export, Export::TimelineSvg, Export::TimelinePng, "timeline", "Export ") }
                </div>
                { timeline_figure(s, &t, &v, "timeline", send) }
                <p id="timeline-readout" class="tl-readout">{ readout(s, st.tl.hover) }</p>
            </section>
            </>
        };
    };
    let ct = c.timeline.of(&c.session);
    let mut va = st.tl.view(t.steps.max(ct.steps), s.cursor());
    va.divergence = c.divergence;
    va.prefix = "tl".into();
    let mut vb = va.clone();
    vb.prefix = "tlb".into();
    vb.cursor = c.session.cursor();
    let narrow = narrow_graph(st);
    let side = |title: String,
                run: &Session,
                tl: &Shared<Timeline>,
                v: &View,
                ids: (&str, &str, &str),
                note: Option<String>| {
        let outcome = match run.outcome() {
            Outcome::Violation(v) => format!("✖ {} at step {}", v.kind.name(), run.len()),
            Outcome::Completed => "✓ every thread finished".into(),
            Outcome::Running => "running".into(),
        };
        let narration = match run.last_event() {
            Some(e) => format!(
                "Step {}: {}",
                run.cursor(),
                words::narration(run.model(), e)
            ),
            None => "The initial state.".into(),
        };
        html! {
            <section class="side timeline-box" aria-label={title.clone()}>
                <h2>{ title }<small>{ format!(" · {outcome}") }</small></h2>
                <p class="side-narration">{ narration }</p>
                if let Some(n) = note { <p class="side-note">{ n }</p> }
                // The timelines first: where the runs part is what a comparison is for, and
                // at 1280x800 the two timelines then start on the first screen.
                { timeline_figure(run, tl, v, ids.0, send) }
                <div class="graph-scroll">{ graph_figure(run, ids.1, ids.2, narrow) }</div>
            </section>
        }
    };
    let diverge = match c.divergence {
        Some(k) => {
            format!("The runs first differ at step {k} (the dashed line on both).")
        }
        None => "The two runs are the same step for step.".into(),
    };
    html! {
        <section class="compare-box" aria-labelledby="compare-h">
            <div class="tl-head">
                <h2 id="compare-h">{ format!("Compare: {} and {}", s.model().variant(), c.variant) }</h2>
                <span id="divergence" class="count">{ diverge }</span>
                { zoom_buttons(st, send) }
                { tables }
                // The exports are the view's own run (the left side): say so on the buttons.
                { figure_exports(st, export, Export::TimelineSvg, Export::TimelinePng,
                    &format!("{} timeline", s.model().variant()), &format!("Export {}'s timeline ", s.model().variant())) }
                { figure_exports(st, export, Export::GraphSvg, Export::GraphPng,
                    &format!("{} object graph", s.model().variant()), "graph ") }
            </div>
            <div class="sides">
                { side(format!("{} (this run)", s.model().variant()), s, &t, &va, ("timeline", "object-graph", "og"), None) }
                { side(format!("{} (same schedule)", c.variant), &c.session, &ct, &vb, ("timeline-compare", "object-graph-compare", "ogb"),
                    c.stopped.as_ref().map(|w| format!("Stopped: {w}"))) }
            </div>
            <p id="timeline-readout" class="tl-readout">{ readout(s, st.tl.hover) }</p>
        </section>
    }
}

/// The timeline and the objects as tables: the figures' text alternative.
// Out of line: not merged into the App's view function (see index.html).
#[inline(never)]
pub fn tables(st: &AppState) -> Html {
    let s = &st.session;
    let m = s.model();
    let t = st.timeline();
    let names = names(m);
    let name = |tid: Tid| m.name(tid).to_string();
    let state_rows = t.states.iter().filter(|x| x.state != LaneState::Ran).map(|x| {
        html! { <tr><td>{ name(x.tid) }</td><td>{ columns(x.start, x.end, t.steps) }</td><td>{ labels::state(x.state, &names) }</td></tr> }
    });
    let ran_rows = runs_of(&t);
    html! {
        <section id="data-tables" class="tables" aria-labelledby="tables-h" tabindex="-1">
            <h2 id="tables-h">{ "The timeline and the objects as tables" }
                // Comparing, they are the run on the left's: say so.
                if st.compare.is_some() { <small>{ format!(" · {} (this run)", m.variant()) }</small> }
            </h2>
            <table id="table-steps">
                <caption>{ "Who ran each run of steps" }</caption>
                <thead><tr><th scope="col">{ "thread" }</th><th scope="col">{ "steps" }</th></tr></thead>
                <tbody>{ for ran_rows.iter().map(|(tid, a, b)| html! { <tr><td>{ name(*tid) }</td><td>{ labels::steps(*a, Some(*b)) }</td></tr> }) }</tbody>
            </table>
            <table id="table-states">
                <caption>{ "What each thread did while others ran" }</caption>
                <thead><tr><th scope="col">{ "thread" }</th><th scope="col">{ "steps" }</th><th scope="col">{ "state" }</th></tr></thead>
                <tbody>{ for state_rows }</tbody>
            </table>
            <table id="table-locks">
                <caption>{ "Locks held" }</caption>
                <thead><tr><th scope="col">{ "thread" }</th><th scope="col">{ "lock" }</th><th scope="col">{ "steps" }</th></tr></thead>
                <tbody>{ for t.locks.iter().map(|l| html! {
                    <tr><td>{ name(l.tid) }</td><td>{ labels::lock(l.lock) }</td><td>{ labels::steps(l.start, l.end) }</td></tr>
                }) }</tbody>
            </table>
            <table id="table-rcu">
                <caption>{ "RCU: read-side sections and grace periods" }</caption>
                <thead><tr><th scope="col">{ "what" }</th><th scope="col">{ "steps" }</th><th scope="col">{ "waited for / freed" }</th></tr></thead>
                <tbody>
                    { for t.rcu.sections.iter().map(|x| html! {
                        <tr><td>{ format!("{}: rcu_read_lock() section", name(x.tid)) }</td><td>{ labels::steps(x.start, x.end) }</td><td></td></tr>
                    }) }
                    { for t.rcu.grace_periods.iter().map(|g| html! {
                        <tr data-gp={g.number.to_string()}><td>{ format!("grace period {}", g.number) }</td><td>{ labels::steps(g.start, g.end) }</td>
                            <td>{ format!("waited for {}; {}", labels::mask(g.waited_for, &names),
                                if g.freed.is_empty() { "freed nothing".to_string() } else {
                                    g.freed.iter().map(|(k, ino)| format!("freed inode #{ino} at step {k}")).collect::<Vec<_>>().join(", ") }) }</td></tr>
                    }) }
                </tbody>
            </table>
            <table id="table-wakes">
                <caption>{ "Wake-ups" }</caption>
                <thead><tr><th scope="col">{ "step" }</th><th scope="col">{ "waker" }</th><th scope="col">{ "woken" }</th><th scope="col">{ "how" }</th></tr></thead>
                <tbody>
                    { for t.wakes.iter().map(|w| html! {
                        <tr><td>{ w.step }</td><td>{ name(w.waker) }</td><td>{ name(w.woken) }</td>
                            <td>{ match w.bucket {
                                Some(b) => format!("bucket {b}{}", if w.passed { ", passed over (other key)" } else if w.exclusive { ", exclusive waiter" } else { "" }),
                                None => "the MMAPLOCK handed over".to_string(),
                            } }</td></tr>
                    }) }
                    { for t.empty_wakes.iter().map(|(k, tid)| html! {
                        <tr><td>{ k }</td><td>{ name(*tid) }</td><td>{ "nobody" }</td><td>{ "no waiter matched" }</td></tr>
                    }) }
                </tbody>
            </table>
            { for t.violations.iter().map(|v| html! {
                <p class="table-violation">{ format!("{} at step {}: {} by {}.", if v.halts { "Violation" } else { "Warning" },
                    v.step, v.kind.name(), name(v.tid)) }</p>
            }) }
            { objects_table(m, s.world(), s.cursor(), s.len()) }
        </section>
    }
}

/// A run of timeline columns in words: columns 1..=`steps` are the steps, the column after
/// them is the state after the last step (the timeline's "end"), not a step of its own.
fn columns(start: usize, end: usize, steps: usize) -> String {
    if start > steps {
        format!("after step {steps}")
    } else if end > steps {
        labels::steps(start, None)
    } else {
        labels::steps(start, Some(end))
    }
}

/// Consecutive steps by one thread: (thread, first, last).
fn runs_of(t: &Timeline) -> Vec<(Tid, usize, usize)> {
    let mut out: Vec<(Tid, usize, usize)> = Vec::new();
    for (i, &tid) in t.ran.iter().enumerate() {
        match out.last_mut() {
            Some((t0, _, end)) if *t0 == tid => *end = i + 1,
            _ => out.push((tid, i + 1, i + 1)),
        }
    }
    out
}

fn objects_table(m: &Model, w: &World, step: usize, steps: usize) -> Html {
    let mut rows: Vec<(String, String)> = Vec::new();
    for (i, spec) in m.threads().iter().enumerate() {
        let t = w.thread(Tid(i as u8));
        if let (Some(a), None) = (t.locals.mapping, t.result) {
            rows.push((
                format!("{}'s mapping", spec.name),
                format!(
                    "→ {}{}",
                    graph::inode_label(w, a),
                    if w.inode(a).is_freed() {
                        " (freed memory)"
                    } else {
                        ""
                    }
                ),
            ));
        }
    }
    for (i, p) in w.pages.iter().enumerate() {
        rows.push((
            format!("struct page pfn {i}"),
            format!(
                "mapping → {}, index {}{}",
                p.mapping
                    .map_or("NULL".into(), |a| graph::inode_label(w, a)),
                p.index,
                if p.hwpoison { ", HWPoison" } else { "" }
            ),
        ));
    }
    for i in 0..w.inodes.len() {
        let a = Addr(i as u8);
        let mem = w.inode(a);
        rows.push((
            graph::inode_label(w, a),
            format!(
                "{}; {}; xa_lock {}; i_pages: {}",
                graph::life_label(w, a),
                labels::mmaplock(&mem.mmaplock, &names(m)),
                mem.xa_lock
                    .map_or("free".into(), |t| format!("held by {}", m.name(t))),
                if mem.entries.is_empty() {
                    "none".into()
                } else {
                    mem.entries
                        .iter()
                        .map(|e| {
                            format!(
                                "[{}] {}{}",
                                e.index,
                                if e.is_empty() {
                                    "EMPTY".into()
                                } else {
                                    format!("pfn {}", e.pfn.0)
                                },
                                if e.locked() {
                                    format!(" LOCKED by {}", e.locker.map_or("?", |t| m.name(t)))
                                } else {
                                    String::new()
                                }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
        ));
    }
    for b in 0..m.buckets() {
        let q: Vec<String> = w
            .bucket(b)
            .map(|q| {
                format!(
                    "{} ({}, key inode #{} index {})",
                    m.name(q.tid),
                    if q.exclusive {
                        "exclusive"
                    } else {
                        "non-exclusive"
                    },
                    w.inode(q.key.mapping).ino,
                    q.key.entry_start
                )
            })
            .collect();
        if !q.is_empty() {
            rows.push((format!("wait bucket {b}"), q.join(" → ")));
        }
    }
    let holders = graph::pgmap_holders(m, w);
    rows.push((
        "dev_pagemap".into(),
        format!(
            "{} reference(s){}{}{}",
            w.pgmap.pins,
            if holders.is_empty() {
                String::new()
            } else {
                format!(" (held by {})", holders.join(", "))
            },
            if w.pgmap.killed { ", killed" } else { "" },
            if w.pgmap.removed { ", removed" } else { "" }
        ),
    ));
    let (rcu, callbacks) = graph::rcu_words(m, w);
    rows.push((
        "RCU".into(),
        format!(
            "{}{}",
            rcu.trim_start_matches("RCU: "),
            if callbacks.is_empty() {
                String::new()
            } else {
                format!("; queued: {}", callbacks.join(", "))
            }
        ),
    ));
    html! {
        <table id="table-objects">
            <caption>{ format!("The objects on screen, at step {step} of {steps}") }</caption>
            <thead><tr><th scope="col">{ "object" }</th><th scope="col">{ "state" }</th></tr></thead>
            <tbody>{ for rows.into_iter().map(|(k, v)| html! { <tr><th scope="row">{ k }</th><td>{ v }</td></tr> }) }</tbody>
        </table>
    }
}
