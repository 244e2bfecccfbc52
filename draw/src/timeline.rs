//! The timeline's layout: a message-sequence chart of the run. One lane per thread (its state
//! as a band, its RCU read-side sections above it, the locks it holds as bars below it) and one
//! lane for RCU (grace periods, `call_rcu()`, the frees); x is the step. Wake-ups are arrows
//! from waker to woken; the violation, the cursor and, when comparing, the first divergence
//! are vertical marks.
//!
//! Only the columns of a [`View`] are drawn, and spans narrower than a pixel are merged, so the
//! number of elements is bounded by the width, not by the length of the run.

use crate::labels::{self, Names};
use crate::{CHAR, Drawing, El, line, num, path, patterns, rect, text};
use daxlab_core::Tid;
use daxlab_core::timeline::{LaneState, Timeline};

/// Width of the lane names on the left.
pub const GUTTER: f64 = 62.0;
/// Height of the step axis on top.
pub const AXIS: f64 = 18.0;
/// Margin on the right.
pub const RIGHT: f64 = 8.0;
const SECTION: f64 = 4.0;
const BAND: f64 = 12.0;
const LOCK_ROW: f64 = 4.0;
const RCU_LANE: f64 = 30.0;
const LEGEND_ROW: f64 = 16.0;
/// The narrowest the whole run is drawn ([`View::whole`]: the CLI and the exports); the page
/// draws the width it has.
const MIN_WIDTH: f64 = 560.0;

/// Column widths the zoom steps through, in pixels.
pub const ZOOM_STEPS: [f64; 8] = [2.0, 4.0, 8.0, 12.0, 18.0, 26.0, 36.0, 48.0];
/// The column widths [`Zoom::Fit`] chooses from, widest first: a run that grows by a step
/// keeps its width (and every position) until it no longer fits, so the page patches little.
/// Up to 44 px: a short run in a wide panel (a 23-step story at 1280 px) used to end two
/// thirds of the way across at 30.
pub const FIT_STEPS: [f64; 17] = [
    44.0, 36.0, 30.0, 26.0, 22.0, 18.0, 15.0, 12.0, 10.0, 8.0, 6.0, 5.0, 4.0, 3.0, 2.5, 2.0, 1.5,
];

/// How wide a column is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Zoom {
    /// The whole run in the width available.
    Fit,
    /// This many pixels per column; the view scrolls to keep the cursor visible.
    Px(f64),
}

impl Zoom {
    /// One step closer, given the column width `fit` would give now.
    pub fn zoom_in(self, fit_px: f64) -> Zoom {
        let now = match self {
            Zoom::Fit => fit_px,
            Zoom::Px(p) => p,
        };
        ZOOM_STEPS
            .iter()
            .find(|&&p| p > now + 0.01)
            .map_or(self, |&p| Zoom::Px(p))
    }
    /// One step further out; back to [`Zoom::Fit`] once the whole run fits.
    pub fn zoom_out(self, fit_px: f64) -> Zoom {
        match self {
            Zoom::Fit => Zoom::Fit,
            Zoom::Px(p) => match ZOOM_STEPS.iter().rev().find(|&&q| q < p - 0.01) {
                Some(&q) if q > fit_px => Zoom::Px(q),
                _ => Zoom::Fit,
            },
        }
    }
}

/// Which columns are drawn and how.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    /// The first column drawn (columns count from 1; column `n + 1`, labelled "end", is the state after the last step).
    pub first: usize,
    /// How many columns are drawn.
    pub cols: usize,
    /// The width of a column.
    pub px: f64,
    /// The cursor: steps taken in the world on screen.
    pub cursor: usize,
    /// A column to highlight (the pointer is over it).
    pub hover: Option<usize>,
    /// The first step where a compared run differs.
    pub divergence: Option<usize>,
    /// Prefix of the figure's ids (patterns and markers).
    pub prefix: String,
    /// The narrowest the figure is drawn, whatever the run's length: a short run's legend
    /// then wraps into rows, not a column.
    pub min_width: f64,
}

impl View {
    /// Every column of a run of `steps` steps at a readable width: the figure the CLI and the
    /// export buttons write.
    pub fn whole(steps: usize, cursor: usize, prefix: &str) -> View {
        let cols = steps + 1;
        View {
            first: 1,
            cols,
            px: (1200.0 / cols as f64).clamp(3.0, 20.0),
            cursor,
            hover: None,
            divergence: None,
            prefix: prefix.into(),
            min_width: MIN_WIDTH,
        }
    }

    /// The view of a run of `steps` steps in `width` pixels at `zoom`, keeping the cursor's
    /// columns in view and, when they already are, the first column `prev_first`.
    pub fn fit(steps: usize, width: f64, zoom: Zoom, cursor: usize, prev_first: usize) -> View {
        let total = steps + 1;
        let plot = (width - GUTTER - RIGHT).max(40.0);
        let exact = plot / total as f64;
        let fit_px = FIT_STEPS
            .iter()
            .copied()
            .find(|&p| p <= exact)
            .unwrap_or(exact);
        let px = match zoom {
            Zoom::Fit => fit_px,
            Zoom::Px(p) => p.max(fit_px),
        };
        let cols = ((plot / px).floor() as usize).clamp(1, total);
        let last_first = total + 1 - cols;
        // The columns either side of the cursor line: the step just taken and the next.
        let (a, b) = (cursor.max(1), (cursor + 1).min(total));
        let first = if prev_first >= 1 && prev_first <= a && b < prev_first + cols {
            prev_first
        } else {
            (b + 1).saturating_sub(cols / 2 + 1).max(1)
        };
        View {
            first: first.min(last_first).max(1),
            cols,
            px,
            cursor,
            hover: None,
            divergence: None,
            prefix: "tl".into(),
            // The room given, whole: the lanes go on to the right edge, where a finished
            // thread's label and the legend have room (never wider: a phone's figure is not
            // scaled down).
            min_width: width,
        }
    }

    /// The column under `x` (in figure units), if it is one of the drawn columns.
    pub fn column_at(&self, x: f64) -> Option<usize> {
        if x < GUTTER {
            return None;
        }
        let k = ((x - GUTTER) / self.px).floor() as usize;
        (k < self.cols).then_some(self.first + k)
    }

    /// The last column drawn.
    pub fn last(&self) -> usize {
        self.first + self.cols - 1
    }

    fn x(&self, col: usize) -> f64 {
        GUTTER + (col as f64 - self.first as f64) * self.px
    }

    /// The drawn extent of columns `start..=end`, clipped to the view, as (x, width).
    fn span(&self, start: usize, end: usize) -> Option<(f64, f64)> {
        let (s, e) = (start.max(self.first), end.min(self.last()));
        (s <= e).then(|| (self.x(s), (e - s + 1) as f64 * self.px))
    }

    fn centre(&self, col: usize) -> Option<f64> {
        (col >= self.first && col <= self.last()).then(|| self.x(col) + self.px / 2.0)
    }
}

/// Merges bars closer than a pixel, so a long run zoomed out draws one bar per pixel at most.
struct Bars {
    out: Vec<(f64, f64)>,
}

impl Bars {
    fn new() -> Bars {
        Bars { out: Vec::new() }
    }
    fn add(&mut self, x: f64, w: f64) {
        match self.out.last_mut() {
            Some((x0, w0)) if x <= *x0 + *w0 + 1.0 && (w < 1.0 || *w0 < 1.0) => {
                *w0 = (x + w).max(*x0 + *w0) - *x0;
            }
            _ => self.out.push((x, w)),
        }
    }
}

fn group(class: &str, children: Vec<El>) -> El {
    El::new("g").class(class).children_from(children)
}

fn data(el: El, kind: &str) -> El {
    el.attr("data-kind", kind.to_string())
}

fn end_attr(end: Option<usize>) -> String {
    end.map_or(String::new(), |e| e.to_string())
}

/// Geometry of the lanes.
struct Lanes {
    lane_h: f64,
    lock_kinds: Vec<&'static str>,
    /// The looks the run uses that only some runs do (idle, waiting, a wake-up that woke
    /// nobody, a call_rcu()): the legend names them when they are drawn. (The threads a violation stopped
    /// are left to the violation's mark and the readout.)
    occasional: Vec<&'static str>,
    threads: usize,
    /// Where labels end: a finished thread's label may run on past the last column.
    right: f64,
}

impl Lanes {
    fn top(&self, i: usize) -> f64 {
        AXIS + i as f64 * self.lane_h
    }
    fn band(&self, t: Tid) -> f64 {
        self.top(t.0 as usize) + 2.0 + SECTION + 2.0
    }
    fn mid(&self, t: Tid) -> f64 {
        self.band(t) + BAND / 2.0
    }
    fn rcu_top(&self) -> f64 {
        self.top(self.threads)
    }
    fn bottom(&self) -> f64 {
        self.rcu_top() + RCU_LANE
    }
}

/// Lay out `t` (with thread names `names`) as the view `v` shows it.
pub fn layout(t: &Timeline, names: Names, v: &View) -> Drawing {
    let p = &v.prefix;
    let mut kinds: Vec<&'static str> = Vec::new();
    for l in &t.locks {
        if !kinds.contains(&l.lock.kind()) {
            kinds.push(l.lock.kind());
        }
    }
    // The MMAPLOCK, the xa_lock, the entry lock, then any other kind in order of first use.
    kinds.sort_by_key(|k| match *k {
        "mmaplock" => 0,
        "xa-lock" => 1,
        "entry-lock" => 2,
        _ => 3,
    });
    let rows = kinds.len().max(1) as f64;
    // A short run's columns are few: the figure keeps a floor, so its legend stays a row or
    // two instead of a column (the lanes go on into the empty part, as the run will).
    let width = (GUTTER + v.cols as f64 * v.px + RIGHT).max(v.min_width);
    let mut occasional: Vec<&'static str> = ["idle", "waiting"]
        .into_iter()
        .filter(|k| t.states.iter().any(|s| s.state.name() == *k))
        .collect();
    if !t.empty_wakes.is_empty() {
        occasional.push("wake-none");
    }
    if !t.call_rcu.is_empty() {
        occasional.push("call-rcu");
    }
    let lanes = Lanes {
        lane_h: 2.0 + SECTION + 2.0 + BAND + 2.0 + rows * LOCK_ROW + 3.0,
        lock_kinds: kinds,
        occasional,
        threads: t.threads,
        // A label may use the margin too (a finished thread's, past the cursor).
        right: width - 2.0,
    };
    let plot_bottom = lanes.bottom();
    let (legend, legend_h) = legend(v, &lanes, width, plot_bottom);
    let height = plot_bottom + legend_h + 2.0;
    // Elements are grouped (frame, axis, one group per lane, RCU, wake-ups, marks) so that a
    // new step changes the few groups it touches: the page patches the figure in place.
    let mut frame = vec![rect(0.0, 0.0, width, height).class("bg")];
    for i in 0..=t.threads {
        frame.push(line(0.0, lanes.top(i), width, lanes.top(i)).class("grid"));
    }
    for i in 0..t.threads {
        let tid = Tid(i as u8);
        let name = names.get(i).copied().unwrap_or("?");
        frame.push(data(
            text(4.0, lanes.mid(tid) + 4.0, name)
                .class("lane-name")
                .attr("data-thread", name),
            "lane",
        ));
    }
    // The grace periods' lane (its id "RCU"): named apart from the `rcu` thread's lane above
    // it, which a student would take for the same thing drawn twice.
    let top = lanes.rcu_top();
    frame.push(data(
        text(4.0, top + 12.0, "grace")
            .class("lane-name")
            .attr("data-thread", "RCU")
            .child(El::new("tspan").at("x", 4.0).at("dy", 12.0).text("periods")),
        "lane",
    ));
    let mut body = vec![patterns(p), group("frame", frame)];

    // The cursor and the vertical marks: labels keep clear of them.
    let cursor_x = GUTTER + (v.cursor as f64 + 1.0 - v.first as f64) * v.px;
    let plot_right = GUTTER + v.cols as f64 * v.px;
    let cursor_shown = cursor_x >= GUTTER - 0.5 && cursor_x <= plot_right + 0.5;
    let head = cursor_shown.then_some((cursor_x - 6.0, cursor_x + 6.0));
    let mut cuts: Vec<f64> = t
        .violations
        .iter()
        .filter_map(|vm| v.centre(vm.step))
        .collect();
    cuts.extend(cursor_shown.then_some(cursor_x));
    cuts.extend(v.divergence.and_then(|k| v.span(k, k)).map(|(x, _)| x));
    // The violation's label and the divergence's sit in the axis row, clear of the cursor's
    // head and of each other, with no tick label under them: each as its element and the span
    // it takes.
    let mut taken: Vec<(f64, f64)> = head.into_iter().collect();
    let mut axis_label = |label: String, at: &[(f64, bool)], class: &str| {
        let (x, end, span) = place(at, label_width(&label), width, &taken)?;
        taken.push(span);
        let anchor = if end { "end" } else { "start" };
        Some((
            text(x, 12.0, label)
                .class(class)
                .attr("text-anchor", anchor),
            span,
        ))
    };
    let mut violation_label = t.violations.last().copied().and_then(|vm| {
        let cx = v.centre(vm.step)?;
        let label = format!("{} {}", if vm.halts { "✖" } else { "⚠" }, vm.kind.name());
        let mut at = vec![(cx + 4.0, false), (cx - 4.0, true)];
        if let Some((a, b)) = head {
            at.extend([(b + 1.0, false), (a - 1.0, true)]);
        }
        axis_label(label, &at, "tl-bad-text lbl")
    });
    let mut divergence_label = v.divergence.and_then(|k| {
        let (x, _) = v.span(k, k)?;
        axis_label(
            format!("≠ diverges at step {k}"),
            &[(x + 3.0, false), (x - 3.0, true)],
            "tl-diverge-label lbl",
        )
    });
    let skip: Vec<(f64, f64)> = [&violation_label, &divergence_label]
        .into_iter()
        .flatten()
        .map(|(_, span)| *span)
        .collect();
    let mut ticks = Vec::new();
    axis(&mut ticks, t, v, (plot_bottom, width - RIGHT), &skip);
    body.push(group("axis", ticks));
    let mut hover = Vec::new();
    if let Some((x, w)) = v.hover.and_then(|h| v.span(h, h)) {
        hover.push(rect(x, AXIS, w, plot_bottom - AXIS).class("tl-hover"));
    }
    body.push(group("hover", hover));
    // A wake arrow crosses the lanes between its waker and the woken thread (and half of the
    // waker's): their labels keep clear of it too.
    let lines = wake_lines(t, v, &lanes);
    let arrows: Vec<(f64, f64, f64)> = lines.iter().flatten().copied().collect();
    for i in 0..t.threads {
        let band = lanes.band(Tid(i as u8));
        let mut lane_cuts = cuts.clone();
        lane_cuts.extend(
            arrows
                .iter()
                .filter(|&&(_, y1, y2)| y1.min(y2) < band + BAND && y1.max(y2) > band)
                .map(|&(x, _, _)| x),
        );
        let mut l = Vec::new();
        lane(&mut l, t, names, v, &lanes, Tid(i as u8), &lane_cuts);
        body.push(group("lane", l));
    }
    let mut r = Vec::new();
    rcu_lane(&mut r, t, names, v, &lanes, &cuts);
    body.push(group("rcu-lane", r));
    let mut w = Vec::new();
    wakes(&mut w, t, names, v, &lanes, &lines);
    body.push(group("wakes", w));
    let mut body_marks = Vec::new();
    let marks = &mut body_marks;

    // The future (steps after the cursor) is faded; the cursor is a line with a handle.
    if cursor_x < plot_right {
        let x0 = cursor_x.max(GUTTER);
        marks.push(rect(x0, AXIS, plot_right - x0, plot_bottom - AXIS).class("tl-future"));
    }
    if let Some(k) = v.divergence
        && let Some((x, _)) = v.span(k, k)
    {
        marks.push(data(
            line(x, AXIS - 4.0, x, plot_bottom)
                .class("tl-diverge")
                .attr("data-step", k.to_string()),
            "divergence",
        ));
        marks.extend(divergence_label.take().map(|(el, _)| el));
    }
    let last = t.violations.len().saturating_sub(1);
    for (i, vm) in t.violations.iter().enumerate() {
        let Some(cx) = v.centre(vm.step) else {
            continue;
        };
        let name = names.get(vm.tid.0 as usize).copied().unwrap_or("?");
        marks.push(data(
            line(cx, AXIS, cx, plot_bottom)
                .class("tl-violation")
                .attr("data-step", vm.step.to_string())
                .attr("data-thread", name)
                .attr("data-violation", vm.kind.name())
                .attr("data-halts", vm.halts.to_string())
                .attr("stroke-dasharray", if vm.halts { "none" } else { "4 3" }),
            "violation",
        ));
        let y = lanes.mid(vm.tid);
        marks.push(
            path(format!(
                "M{} {} l8 8 m0 -8 l-8 8",
                num(cx - 4.0),
                num(y - 4.0)
            ))
            .class("tl-violation")
            .attr("style", "stroke-width:2.5"),
        );
        if i != last {
            // Only the last one is labelled in the axis row; the others say it on hover.
            continue;
        }
        marks.extend(violation_label.take().map(|(el, _)| el));
    }
    if cursor_shown {
        marks.push(data(
            line(cursor_x, AXIS - 2.0, cursor_x, plot_bottom)
                .class("tl-cursor")
                .attr("data-step", v.cursor.to_string()),
            "cursor",
        ));
        marks.push(
            path(format!(
                "M{} {} l5 -5 h-10 z",
                num(cursor_x),
                num(AXIS + 0.5)
            ))
            .class("tl-cursor-head"),
        );
    }
    body.push(group("marks", body_marks));
    body.push(legend);

    let shown = if v.first == 1 && v.last() == t.steps + 1 {
        "the whole run".to_string()
    } else {
        format!("columns {}–{} of {}", v.first, v.last(), t.steps + 1)
    };
    Drawing {
        width,
        height,
        title: format!("Timeline: {} steps, cursor at step {}", t.steps, v.cursor),
        desc: format!(
            "One lane per thread and one for RCU; x is the step ({shown}). Each lane shows the thread's state (a filled block when it runs, a line when it could run, a zigzag when it spins, dots when it sleeps in a wait queue), its RCU read-side sections above and the locks it holds below; the RCU lane shows grace periods and the frees after them; arrows go from waker to woken."
        ),
        body,
    }
}

/// The first of the places `at` (x, and whether the label ends there) where a label `w` wide
/// fits in the figure's `width` without covering a span in `taken`: x, the end flag, the span.
fn place(
    at: &[(f64, bool)],
    w: f64,
    width: f64,
    taken: &[(f64, f64)],
) -> Option<(f64, bool, (f64, f64))> {
    at.iter().find_map(|&(x, end)| {
        let (x0, x1) = if end { (x - w, x) } else { (x, x + w) };
        (x0 >= 2.0 && x1 <= width - 2.0 && taken.iter().all(|&(a, b)| x1 <= a || x0 >= b))
            .then_some((x, end, (x0, x1)))
    })
}

/// A label, then the same without its last word, and so on down to its first word.
fn shortened(label: &str) -> impl Iterator<Item = &str> {
    let cuts = label.match_indices(' ').map(|(i, _)| i).rev();
    core::iter::once(label).chain(cuts.map(|i| &label[..i]))
}

/// The width of a 10 px label: 0.6 em a character in the monospace font, a whole em for a
/// symbol (it comes from a fallback font).
fn label_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 6.0 } else { 10.0 })
        .sum()
}

/// Where a label starts inside the span `x..x + w`, which the vertical marks at `cuts` divide:
/// in the first part with room for it, or nowhere. The first part needs `first` pixels, a
/// later one (after a mark, with no padding to keep) `later`; the flag says which it is.
fn room(x: f64, w: f64, (first, later): (f64, f64), cuts: &[f64]) -> Option<(f64, bool)> {
    let mut inner: Vec<f64> = cuts
        .iter()
        .copied()
        .filter(|&c| c > x + 0.5 && c < x + w - 0.5)
        .collect();
    inner.sort_by(f64::total_cmp);
    let mut start = x;
    for c in inner.into_iter().chain([x + w]) {
        let need = if start == x { first } else { later };
        if c - start >= need {
            return Some((start, start == x));
        }
        // A mark is a line 2 px wide: the next part starts clear of it.
        start = c + 1.5;
    }
    None
}

fn axis(
    body: &mut Vec<El>,
    t: &Timeline,
    v: &View,
    (bottom, right): (f64, f64),
    skip: &[(f64, f64)],
) {
    let tick = [
        1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000,
    ]
    .into_iter()
    .find(|&k| k as f64 * v.px >= 30.0)
    .unwrap_or(100_000);
    let now = t.steps + 1;
    // "end" (the column after the last step: the state the run ends in; the cursor, not this
    // label, marks the step on screen) first: in a narrow column it starts right of the
    // cursor's head, when the figure goes on past it, and the step numbers keep clear of it.
    // A compared run shorter than the one on screen has no numbers past its "end".
    let mut skip = skip.to_vec();
    let narrow_now = !(v.px * v.cols as f64 >= 60.0 && v.px >= 24.0);
    if narrow_now && now >= v.first && now <= v.last() {
        let x0 = v.x(now) + 7.0;
        let x1 = x0 + 3.0 * CHAR;
        if x1 <= right && skip.iter().all(|&(a, b)| x1 <= a - 2.0 || x0 >= b + 2.0) {
            body.push(
                text(x0, 12.0, "end")
                    .class("muted")
                    .attr("data-kind", "tick"),
            );
            skip.push((x0, x1));
        }
    }
    for col in v.first..=v.last().min(now) {
        let clear = |x0: f64, x1: f64| skip.iter().all(|&(a, b)| x1 <= a - 2.0 || x0 >= b + 2.0);
        let label = if col == now {
            if !narrow_now && (v.px >= 26.0 || col % tick != 0) {
                "end".to_string()
            } else {
                continue;
            }
        } else if col % tick == 0 || (col == 1 && tick <= 2) {
            col.to_string()
        } else {
            continue;
        };
        let Some(cx) = v.centre(col) else { continue };
        if col != now {
            body.push(
                line(cx, AXIS, cx, bottom)
                    .class("grid")
                    .attr("stroke-dasharray", "1 3"),
            );
        }
        let half = label.len() as f64 * CHAR / 2.0;
        if !clear(cx - half, cx + half) {
            continue;
        }
        body.push(
            text(cx, 12.0, label)
                .class("muted")
                .attr("text-anchor", "middle")
                .attr("data-kind", "tick"),
        );
    }
}

fn lane(
    body: &mut Vec<El>,
    t: &Timeline,
    names: Names,
    v: &View,
    lanes: &Lanes,
    tid: Tid,
    cuts: &[f64],
) {
    let name = names.get(tid.0 as usize).copied().unwrap_or("?");
    let p = &v.prefix;
    let (band, mid) = (lanes.band(tid), lanes.mid(tid));
    let mut dense = Bars::new();
    for s in t.states_of(tid) {
        let Some((x, w)) = v.span(s.start, s.end) else {
            continue;
        };
        if w < 1.0 && matches!(s.state, LaneState::Ran | LaneState::Ready) {
            dense.add(x, w);
            continue;
        }
        let el = match s.state {
            LaneState::Ran => rect(x, band, w, BAND),
            LaneState::Ready | LaneState::Idle | LaneState::Halted => line(x, mid, x + w, mid),
            LaneState::Finished(_) => line(x + 1.0, band, x + 1.0, band + BAND),
            LaneState::Spinning { .. } => {
                rect(x, band + 1.0, w, BAND - 2.0).attr("fill", format!("url(#{p}-spin)"))
            }
            LaneState::Asleep { .. } | LaneState::MmaplockWait { .. } => {
                rect(x, band + 1.0, w, BAND - 2.0).attr("fill", format!("url(#{p}-sleep)"))
            }
            LaneState::Waiting => rect(x + 0.5, band + 2.0, (w - 1.0).max(0.5), BAND - 4.0),
            LaneState::Faulted => rect(x, band, w, BAND).attr("fill", format!("url(#{p}-fault)")),
        };
        body.push(data(
            el.class(format!("tl-{}", s.state.name()))
                .attr("data-thread", name)
                .attr("data-state", s.state.name())
                .attr("data-start", s.start.to_string())
                .attr("data-end", s.end.to_string()),
            "state",
        ));
        // The label goes where it clears the cursor and the violation, or is left to the
        // table view and the narration.
        let label = labels::state_short(s.state);
        let pad = if matches!(s.state, LaneState::Finished(_)) {
            5.0
        } else {
            3.0
        };
        // A thread finished for good: its state runs on to the figure's edge.
        let w = if matches!(s.state, LaneState::Finished(_)) && s.end >= v.last() {
            w.max(lanes.right - x)
        } else {
            w
        };
        // A span too short for the whole label gets its first words, down to the symbol
        // alone ("zZ b0 excl", "zZ b0", "zZ"): the rest is in the readout on hover and in
        // the table view.
        for label in shortened(&label) {
            let lw = label_width(label);
            if !label.is_empty()
                && let Some((at, first)) = room(x, w, (lw + pad + 3.0, lw + 2.0), cuts)
            {
                let tx = if first { at + pad } else { at + 1.0 };
                body.push(text(tx, band + BAND - 2.5, label).class("lbl"));
                break;
            }
        }
    }
    for (x, w) in dense.out {
        body.push(rect(x, band + 3.0, w.max(1.0), BAND - 6.0).class("tl-dense"));
    }
    // RCU read-side sections: a bar above the band.
    let mut bars = Bars::new();
    let mut small = Vec::new();
    for sec in t.rcu.sections_of(tid) {
        let end = sec.end.unwrap_or(t.steps + 1);
        let Some((x, w)) = v.span(sec.start, end) else {
            continue;
        };
        if w < 1.0 {
            bars.add(x, w);
            continue;
        }
        small.push(data(
            rect(x, band - SECTION - 2.0, w, SECTION)
                .class("tl-rcu")
                .attr("data-thread", name)
                .attr("data-start", sec.start.to_string())
                .attr("data-end", end_attr(sec.end)),
            "rcu-section",
        ));
    }
    body.extend(small);
    for (x, w) in bars.out {
        body.push(rect(x, band - SECTION - 2.0, w.max(1.0), SECTION).class("tl-rcu"));
    }
    // Locks: one row per kind below the band.
    for (row, kind) in lanes.lock_kinds.iter().enumerate() {
        let y = band + BAND + 2.0 + row as f64 * LOCK_ROW;
        let mut bars = Bars::new();
        for l in t.locks_of(tid).filter(|l| l.lock.kind() == *kind) {
            let end = l.end.unwrap_or(t.steps + 1);
            let Some((x, w)) = v.span(l.start.max(1), end) else {
                continue;
            };
            if w < 1.0 {
                bars.add(x, w);
                continue;
            }
            let excl = matches!(
                l.lock,
                daxlab_core::timeline::Lock::Mmaplock { write: true, .. }
            );
            let mut el = rect(x, y, w, LOCK_ROW - 0.8)
                .class(format!("tl-lock {kind}{}", if excl { " excl" } else { "" }))
                .attr("data-lock", *kind)
                .attr("data-thread", name)
                .attr("data-start", l.start.to_string())
                .attr("data-end", end_attr(l.end))
                .child(El::new("title").text(format!(
                    "{name} holds {}, {}",
                    labels::lock(l.lock),
                    labels::steps(l.start, l.end)
                )));
            if *kind == "entry-lock" {
                el = el.attr("fill", format!("url(#{p}-entry)"));
            }
            body.push(data(el, "lock"));
        }
        for (x, w) in bars.out {
            body.push(rect(x, y, w.max(1.0), LOCK_ROW - 0.8).class(format!("tl-lock {kind}")));
        }
    }
}

fn rcu_lane(body: &mut Vec<El>, t: &Timeline, names: Names, v: &View, lanes: &Lanes, cuts: &[f64]) {
    let top = lanes.rcu_top();
    let p = &v.prefix;
    // What a free's label must not cover: the call_rcu() circles, the frees' triangles and the
    // vertical marks, as spans of x in the row they share.
    let mut taken: Vec<(f64, f64)> = t
        .call_rcu
        .iter()
        .filter_map(|&(step, _)| v.centre(step))
        .map(|cx| (cx - 4.5, cx + 4.5))
        .collect();
    for gp in &t.rcu.grace_periods {
        taken.extend(
            gp.freed
                .iter()
                .filter_map(|&(step, _)| v.centre(step))
                .map(|cx| (cx - 5.5, cx + 5.5)),
        );
    }
    taken.extend(cuts.iter().map(|&c| (c - 1.5, c + 1.5)));
    let (left, right) = (GUTTER, v.x(v.last() + 1));
    for gp in &t.rcu.grace_periods {
        let end = gp.end.unwrap_or(t.steps + 1);
        let Some((x, w)) = v.span(gp.start, end) else {
            continue;
        };
        let waited = labels::mask(gp.waited_for, names);
        let who: Vec<&str> = (0..names.len())
            .filter(|i| gp.waited_for & (1 << i) != 0)
            .map(|i| names[i])
            .collect();
        body.push(data(
            rect(x, top + 3.0, w.max(1.0), 13.0)
                .class(if gp.end.is_some() {
                    "tl-gp"
                } else {
                    "tl-gp open"
                })
                .attr("fill", format!("url(#{p}-gp)"))
                .attr("data-number", gp.number.to_string())
                .attr("data-start", gp.start.to_string())
                .attr("data-end", end_attr(gp.end))
                .attr("data-waited-for", who.join(","))
                .child(El::new("title").text(format!(
                    "grace period {}: {}, waited for {waited}",
                    gp.number,
                    labels::steps(gp.start, gp.end)
                ))),
            "gp",
        ));
        let long = format!("GP {} waits for {waited}", gp.number);
        let short = format!("GP {}", gp.number);
        for label in [long, short] {
            let need = label_width(&label) + 6.0;
            if let Some((at, _)) = room(x, w.max(1.0), (need, need), cuts) {
                body.push(
                    // Haloed (lbl): the hatching of the span does not run through it.
                    text(at + 3.0, top + 13.0, label)
                        .class("lbl")
                        .attr("style", "font-weight:700"),
                );
                break;
            }
        }
        for &(step, ino) in &gp.freed {
            let Some(cx) = v.centre(step) else { continue };
            body.push(data(
                path(format!("M{} {} l5 -8 h-10 z", num(cx), num(top + 27.0)))
                    .class("tl-free")
                    .attr("data-step", step.to_string())
                    .attr("data-ino", ino.to_string())
                    .attr("data-gp", gp.number.to_string())
                    .child(El::new("title").text(format!(
                        "step {step}: xfs_inode_free_callback() frees inode #{ino} after grace period {}",
                        gp.number
                    ))),
                "free",
            ));
            // Right of its triangle, else left of it, else only in the triangle's title.
            let label = format!("✝ free #{ino}");
            let lw = label_width(&label);
            let free = |x0: f64, x1: f64| {
                x0 >= left && x1 <= right && taken.iter().all(|&(a, b)| x1 <= a || x0 >= b)
            };
            let at = if free(cx + 6.0, cx + 7.0 + lw) {
                Some((cx + 7.0, "start"))
            } else if free(cx - 7.0 - lw, cx - 6.0) {
                Some((cx - 7.0, "end"))
            } else {
                None
            };
            if let Some((tx, anchor)) = at {
                body.push(
                    text(tx, top + 27.0, label)
                        .class("tl-bad-text")
                        .attr("text-anchor", anchor)
                        .attr("style", "font-size:10px"),
                );
            }
        }
    }
    for &(step, ino) in &t.call_rcu {
        let Some(cx) = v.centre(step) else { continue };
        body.push(data(
            El::new("circle")
                .at("cx", cx)
                .at("cy", top + 22.0)
                .at("r", 3.5)
                .class("tl-callrcu")
                .attr("data-step", step.to_string())
                .attr("data-ino", ino.to_string())
                .child(El::new("title").text(format!(
                    "step {step}: call_rcu() queues xfs_inode_free_callback for inode #{ino}"
                ))),
            "call-rcu",
        ));
    }
}

/// Where each wake arrow is drawn, in `t.wakes`' order (`None` off screen): its x, and its y
/// from the waker's lane to the edge of the woken one's band. Wake-ups at one step sit 2.5 px
/// apart.
fn wake_lines(t: &Timeline, v: &View, lanes: &Lanes) -> Vec<Option<(f64, f64, f64)>> {
    let mut at_step = (0usize, 0usize);
    t.wakes
        .iter()
        .map(|w| {
            let cx = v.centre(w.step)?;
            let k = if at_step.0 == w.step {
                at_step.1 + 1
            } else {
                0
            };
            at_step = (w.step, k);
            let x = cx + k as f64 * 2.5;
            let (y1, target) = (lanes.mid(w.waker), lanes.band(w.woken));
            let y2 = if target > y1 {
                target - 1.0
            } else {
                target + BAND + 1.0
            };
            Some((x, y1, y2))
        })
        .collect()
}

/// The wake arrows at `lines` (from [`wake_lines`], which the lanes' labels already used).
fn wakes(
    body: &mut Vec<El>,
    t: &Timeline,
    names: Names,
    v: &View,
    lanes: &Lanes,
    lines: &[Option<(f64, f64, f64)>],
) {
    for (w, &line) in t.wakes.iter().zip(lines) {
        let Some((x, y1, y2)) = line else { continue };
        let waker = names.get(w.waker.0 as usize).copied().unwrap_or("?");
        let woken = names.get(w.woken.0 as usize).copied().unwrap_or("?");
        let mut el = if w.passed {
            path(format!(
                "M{x} {y1} L{x} {y2} M{a} {y2} L{b} {y2}",
                x = num(x),
                y1 = num(y1),
                y2 = num(y2),
                a = num(x - 3.5),
                b = num(x + 3.5)
            ))
            .class("tl-wake passed")
        } else {
            path(format!("M{} {} L{} {}", num(x), num(y1), num(x), num(y2)))
                .class("tl-wake")
                .attr("marker-end", format!("url(#{}-arrow-wake)", v.prefix))
        };
        el = el
            .attr("data-step", w.step.to_string())
            .attr("data-waker", waker)
            .attr("data-woken", woken)
            .attr(
                "data-bucket",
                w.bucket.map_or(String::new(), |b| b.to_string()),
            )
            .attr("data-passed", w.passed.to_string())
            .child(El::new("title").text(match (w.bucket, w.passed) {
                (Some(b), true) => format!(
                    "step {}: {waker}'s wake-up in bucket {b} passes over {woken} (another key)",
                    w.step
                ),
                (Some(b), false) => format!(
                    "step {}: {waker} wakes {woken} in bucket {b}{}",
                    w.step,
                    if w.exclusive {
                        " (exclusive waiter)"
                    } else {
                        ""
                    }
                ),
                (None, _) => format!(
                    "step {}: {waker} releases the MMAPLOCK and hands it to {woken}",
                    w.step
                ),
            }));
        body.push(data(el, "wake"));
    }
    for &(step, tid) in &t.empty_wakes {
        let Some(cx) = v.centre(step) else { continue };
        let name = names.get(tid.0 as usize).copied().unwrap_or("?");
        let y = lanes.band(tid) + BAND + 1.0;
        body.push(data(
            El::new("circle")
                .at("cx", cx)
                .at("cy", y + 2.0)
                .at("r", 3.0)
                .class("tl-wake-none")
                .attr("data-step", step.to_string())
                .attr("data-thread", name)
                .child(
                    El::new("title").text(format!("step {step}: {name}'s wake-up wakes nobody")),
                ),
            "wake-none",
        ));
        body.push(path(format!("M{} {} l6 -6", num(cx - 3.0), num(y + 5.0))).class("tl-wake-none"));
    }
}

/// The legend below the lanes, wrapped to `width`: the group and its height.
fn legend(v: &View, lanes: &Lanes, width: f64, top: f64) -> (El, f64) {
    let p = &v.prefix;
    let sw = |x: f64, y: f64| rect(x, y + 1.0, 13.0, 9.0);
    #[allow(clippy::type_complexity)]
    let mut items: Vec<(Box<dyn Fn(f64, f64) -> El>, String)> = vec![
        (Box::new(|x, y| sw(x, y).class("tl-ran")), "runs".into()),
        (
            Box::new(|x, y| line(x, y + 5.5, x + 13.0, y + 5.5).class("tl-ready")),
            "runnable".into(),
        ),
        (
            Box::new(|x, y| {
                sw(x, y)
                    .class("tl-spinning")
                    .attr("fill", format!("url(#{p}-spin)"))
            }),
            "spins".into(),
        ),
        (
            Box::new(|x, y| {
                sw(x, y)
                    .class("tl-asleep")
                    .attr("fill", format!("url(#{p}-sleep)"))
            }),
            "asleep".into(),
        ),
        (
            Box::new(|x, y| line(x + 1.0, y, x + 1.0, y + 11.0).class("tl-finished")),
            "done".into(),
        ),
    ];
    let has = |k: &str| lanes.occasional.contains(&k);
    if has("waiting") {
        items.push((
            Box::new(|x, y| rect(x + 0.5, y + 2.0, 12.0, 7.0).class("tl-waiting")),
            "waits".into(),
        ));
    }
    if has("idle") {
        items.push((
            Box::new(|x, y| line(x, y + 5.5, x + 13.0, y + 5.5).class("tl-idle")),
            "idle".into(),
        ));
    }
    items.push((
        Box::new(|x, y| sw(x, y).class("tl-rcu").at("height", SECTION)),
        "rcu_read_lock".into(),
    ));
    for kind in lanes.lock_kinds.iter().copied() {
        let label = match kind {
            "xa-lock" => "xa_lock",
            "entry-lock" => "entry lock",
            "mmaplock" => "MMAPLOCK",
            k => k,
        };
        items.push((
            Box::new(move |x, y| {
                let s = sw(x, y)
                    .class(format!("tl-lock {kind}"))
                    .at("height", LOCK_ROW);
                if kind == "entry-lock" {
                    s.attr("fill", format!("url(#{p}-entry)"))
                } else {
                    s
                }
            }),
            label.into(),
        ));
    }
    items.push((
        Box::new(|x, y| {
            sw(x, y)
                .class("tl-gp")
                .attr("fill", format!("url(#{p}-gp)"))
        }),
        "grace period".into(),
    ));
    if has("call-rcu") {
        items.push((
            Box::new(|x, y| {
                El::new("circle")
                    .at("cx", x + 6.0)
                    .at("cy", y + 5.5)
                    .at("r", 3.5)
                    .class("tl-callrcu")
            }),
            "call_rcu()".into(),
        ));
    }
    items.push((
        Box::new(|x, y| {
            path(format!("M{} {} l-6 -9 h12 z", num(x + 6.0), num(y + 10.0))).class("tl-free")
        }),
        "free".into(),
    ));
    items.push((
        Box::new(|x, y| {
            path(format!("M{} {} h11", num(x), num(y + 5.5)))
                .class("tl-wake")
                .attr("marker-end", format!("url(#{p}-arrow-wake)"))
        }),
        "wakes".into(),
    ));
    if has("wake-none") {
        items.push((
            Box::new(|x, y| {
                El::new("g")
                    .child(
                        El::new("circle")
                            .at("cx", x + 6.0)
                            .at("cy", y + 5.5)
                            .at("r", 3.0)
                            .class("tl-wake-none"),
                    )
                    .child(
                        path(format!("M{} {} l6 -6", num(x + 3.0), num(y + 8.5)))
                            .class("tl-wake-none"),
                    )
            }),
            "woke nobody".into(),
        ));
    }
    let mut g = El::new("g").class("legend").attr("aria-hidden", "true");
    let (mut x, mut y) = (4.0, top + 4.0);
    for (swatch, label) in items {
        let w = 24.0 + label.chars().count() as f64 * 6.0;
        if x + w > width && x > 4.0 {
            (x, y) = (4.0, y + LEGEND_ROW);
        }
        g.push(swatch(x, y));
        g.push(
            text(x + 16.0, y + 9.0, label.clone())
                .class("muted")
                .attr("style", "font-size:10px"),
        );
        x += w;
    }
    (g, y + LEGEND_ROW - top)
}

#[cfg(test)]
mod tests {
    use super::*;
    use daxlab_core::timeline::{StateSpan, Wake};
    use daxlab_core::{Options, Session, Variant, scenario};

    /// A story run to its end, and its timeline.
    fn told(st: &daxlab_core::scenario::Story, sc: &daxlab_core::Scenario) -> (Session, Timeline) {
        let mut s = Session::new(sc.model(st.options()));
        s.run_text(st.schedule).unwrap();
        let t = Timeline::of(&s);
        (s, t)
    }

    fn story(name: &str, variant: Variant) -> (Session, Timeline) {
        let sc = scenario(name).unwrap();
        told(
            sc.stories.iter().find(|s| s.variant == variant).unwrap(),
            sc,
        )
    }

    /// Every built-in story run to its end: "scenario Variant", the run and its timeline.
    fn every_story() -> Vec<(String, Session, Timeline)> {
        daxlab_core::SCENARIOS
            .iter()
            .flat_map(|sc| sc.stories.iter().map(move |st| (sc, st)))
            .map(|(sc, st)| {
                let (s, t) = told(st, sc);
                (format!("{} {:?}", sc.name, st.variant), s, t)
            })
            .collect()
    }

    fn names(s: &Session) -> Vec<&str> {
        s.model()
            .threads()
            .iter()
            .map(|t| t.name.as_str())
            .collect()
    }

    fn of_kind<'a>(d: &'a Drawing, kind: &str) -> Vec<&'a El> {
        d.of_kind(kind)
    }

    #[test]
    fn the_whole_freed_inode_run_draws_the_core_history() {
        let (s, t) = story("freed-inode", Variant::Seed);
        let names = names(&s);
        let d = layout(&t, &names, &View::whole(t.steps, t.steps, "tl"));
        // One lane per thread plus RCU.
        let lanes: Vec<_> = of_kind(&d, "lane")
            .iter()
            .map(|e| e.get("data-thread").unwrap())
            .collect();
        assert_eq!(lanes, ["mf", "fault", "evict", "rcu", "RCU"]);
        // The grace periods and frees, exactly as the core's history has them.
        let gps = of_kind(&d, "gp");
        assert_eq!(gps.len(), t.rcu.grace_periods.len());
        for (el, gp) in gps.iter().zip(&t.rcu.grace_periods) {
            assert_eq!(el.get("data-start"), Some(gp.start.to_string().as_str()));
            assert_eq!(el.get("data-end").map(String::from), Some(end_attr(gp.end)));
            assert_eq!(
                el.get("data-waited-for"),
                Some(""),
                "it waited for no reader"
            );
        }
        let frees = of_kind(&d, "free");
        assert_eq!(frees.len(), 1);
        assert_eq!(frees[0].get("data-ino"), Some("1"));
        // mf's read-side sections.
        let sections: Vec<_> = of_kind(&d, "rcu-section")
            .iter()
            .filter(|e| e.get("data-thread") == Some("mf"))
            .map(|e| {
                (
                    e.get("data-start").unwrap().to_string(),
                    e.get("data-end").unwrap().to_string(),
                )
            })
            .collect();
        let want: Vec<_> = t
            .rcu
            .sections_of(Tid(0))
            .map(|x| (x.start.to_string(), end_attr(x.end)))
            .collect();
        assert_eq!(sections, want);
        // The wake arrow from fault to mf, the violation and the cursor at the end.
        let wakes = of_kind(&d, "wake");
        assert_eq!(wakes.len(), 1);
        assert_eq!(wakes[0].get("data-waker"), Some("fault"));
        assert_eq!(wakes[0].get("data-woken"), Some("mf"));
        let v = of_kind(&d, "violation");
        assert_eq!(v[0].get("data-violation"), Some("use-after-free"));
        assert_eq!(v[0].get("data-step"), Some("42"));
        assert_eq!(of_kind(&d, "cursor")[0].get("data-step"), Some("42"));
        // Every state span of every lane is drawn.
        assert_eq!(of_kind(&d, "state").len(), t.states.len());
    }

    #[test]
    fn every_state_differs_from_the_others_without_colour() {
        // Shape (rect, line), pattern and dash tell states apart in greyscale.
        let (s, t) = story("freed-inode", Variant::Seed);
        let names = names(&s);
        let d = layout(&t, &names, &View::whole(t.steps, t.steps, "tl"));
        let css = crate::STYLE;
        let mut seen: Vec<(String, String, String)> = Vec::new();
        let mut by_state: Vec<(&str, (String, String, String))> = Vec::new();
        for e in of_kind(&d, "state") {
            let class = e.get("class").unwrap().to_string();
            let rule = css
                .split('\n')
                .find(|l| l.starts_with(&format!(".{class}{{")))
                .unwrap_or("")
                .to_string();
            let dash = rule
                .split("stroke-dasharray:")
                .nth(1)
                .and_then(|d| d.split(['}', ';']).next())
                .unwrap_or("")
                .to_string();
            // A line is horizontal (a lifeline) or vertical (an end mark).
            let shape = match e.tag {
                "line" if e.get("x1") == e.get("x2") => "vertical line",
                "line" => "horizontal line",
                t => t,
            };
            let key = (
                shape.to_string(),
                e.get("fill").unwrap_or("").to_string(),
                dash,
            );
            let state = e.get("data-state").unwrap();
            match by_state.iter().find(|(s, _)| *s == state) {
                Some((_, k)) => assert_eq!(*k, key, "{state} is drawn one way"),
                None => by_state.push((state, key.clone())),
            }
            if !seen.contains(&key) {
                seen.push(key);
            }
        }
        let states: std::collections::BTreeSet<_> =
            t.states.iter().map(|s| s.state.name()).collect();
        // ran, ready, asleep, idle, waiting, finished, faulted: each its own look.
        assert_eq!(seen.len(), states.len(), "{seen:?} for {states:?}");
    }

    #[test]
    fn clicking_a_column_finds_it_and_the_view_follows_the_cursor() {
        let v = View::fit(40, 800.0, Zoom::Px(18.0), 0, 1);
        assert_eq!(v.first, 1);
        assert_eq!(v.column_at(GUTTER + 18.0 * 2.5), Some(3));
        assert_eq!(v.column_at(GUTTER - 1.0), None);
        // The cursor moves past the right edge: the view scrolls to keep it in sight.
        let w = View::fit(40, 800.0, Zoom::Px(18.0), 39, v.first);
        assert!(w.first <= 39 && 40 <= w.last(), "{w:?}");
        // Fit shows every column.
        let f = View::fit(40, 800.0, Zoom::Fit, 10, 1);
        assert_eq!((f.first, f.last()), (1, 41));
        assert_eq!(
            Zoom::Fit.zoom_in(f.px),
            Zoom::Px(ZOOM_STEPS.iter().copied().find(|&p| p > f.px).unwrap())
        );
        assert_eq!(Zoom::Px(2.0).zoom_out(f.px), Zoom::Fit);
    }

    #[test]
    fn a_new_step_keeps_the_column_width_so_little_moves() {
        // Fit picks widths from a ladder: most new steps leave every position where it was.
        let mut changes = 0;
        for n in 1..200 {
            let (a, b) = (
                View::fit(n, 1200.0, Zoom::Fit, n, 1),
                View::fit(n + 1, 1200.0, Zoom::Fit, n + 1, 1),
            );
            assert!(a.cols == n + 1 && b.cols == n + 2, "the whole run fits");
            changes += usize::from(a.px != b.px);
        }
        assert!(
            changes <= FIT_STEPS.len(),
            "{changes} width changes in 200 steps"
        );
    }

    #[test]
    fn a_short_span_gets_the_first_words_of_its_label() {
        let all: Vec<&str> = shortened("zZ b0 excl").collect();
        assert_eq!(all, ["zZ b0 excl", "zZ b0", "zZ"]);
        assert_eq!(shortened("✓ Failed").collect::<Vec<_>>(), ["✓ Failed", "✓"]);
        assert_eq!(shortened("✖").collect::<Vec<_>>(), ["✖"]);
        // In every story, at widths from a phone to a wide screen, every state span with a
        // label of its own kind is labelled when the symbol alone would fit in it whole.
        for (what, s, t) in every_story() {
            let names = names(&s);
            for width in [360.0, 700.0, 1242.0] {
                let v = View::fit(t.steps, width, Zoom::Fit, t.steps, 1);
                let d = layout(&t, &names, &v);
                let texts: Vec<(f64, f64)> = d
                    .elements()
                    .iter()
                    .filter(|e| e.tag == "text")
                    .filter_map(|e| Some((e.get("x")?.parse().ok()?, e.get("y")?.parse().ok()?)))
                    .collect();
                for e in d.of_kind("state") {
                    let (Some(x), Some(w), Some(y)) = (
                        e.get("x").and_then(|v| v.parse::<f64>().ok()),
                        e.get("width").and_then(|v| v.parse::<f64>().ok()),
                        e.get("y").and_then(|v| v.parse::<f64>().ok()),
                    ) else {
                        continue;
                    };
                    let spin_or_sleep = matches!(e.get("data-state"), Some("spinning" | "asleep"));
                    if !spin_or_sleep || w < 10.0 + 3.0 + 3.0 + 40.0 {
                        continue;
                    }
                    // Spans 56 px or wider: room for the symbol even beside the cursor's or a
                    // violation's line.
                    assert!(
                        texts.iter().any(|&(tx, ty)| tx >= x
                            && tx < x + w
                            && ty > y
                            && ty < y + BAND + 2.0),
                        "{what} at {width} px: the {} span at x {x}, {w} px wide, has no label",
                        e.get("data-state").unwrap_or("")
                    );
                }
            }
        }
    }

    #[test]
    fn a_late_finish_is_labelled_past_the_cursor() {
        // lost-wakeup's mf finishes ("Failed") five steps before the end: its label goes past
        // the cursor, where there is room only when the ladder of column widths leaves some.
        // In the 1280 px page's 1242 px it was missing, 4 px short of a padding it did not
        // need there. Where the words do not fit (1210-1230 px, for one) the tick does.
        let (s, t) = story("lost-wakeup", Variant::V419);
        let names = names(&s);
        let mut words = 0;
        for width in (1150..=1400).step_by(10).map(f64::from).chain([1242.0]) {
            let d = layout(
                &t,
                &names,
                &View::fit(t.steps, width, Zoom::Fit, t.steps, 1),
            );
            let has = |l: &str| d.elements().iter().any(|e| e.text.as_deref() == Some(l));
            assert!(
                has("✓ Failed") || has("✓"),
                "no label for mf's finish at {width} px"
            );
            words += usize::from(has("✓ Failed"));
        }
        assert!(words >= 10, "the words fit at {words} widths");
    }

    #[test]
    fn a_short_run_fills_most_of_a_wide_panel() {
        // inode-reuse's story is 23 steps: at 30 px a column, the widest the ladder had, its
        // lanes ended two thirds of the way across a 1280 px page.
        let v = View::fit(23, 1180.0, Zoom::Fit, 23, 1);
        let plot = 1180.0 - GUTTER - RIGHT;
        let fill = v.cols as f64 * v.px / plot;
        assert!(
            fill >= 0.85,
            "{fill:.2} of the panel at {} px a column",
            v.px
        );
    }

    /// A run of 10 000 steps: the freed-inode story's timeline repeated.
    fn long(t: &Timeline, times: usize) -> Timeline {
        let n = t.steps;
        let mut out = Timeline {
            threads: t.threads,
            steps: n * times,
            ..Timeline::default()
        };
        for k in 0..times {
            let off = k * n;
            out.ran.extend(&t.ran);
            for s in &t.states {
                // The "end" column of a repetition is the next one's first column.
                if s.start > n {
                    continue;
                }
                out.states.push(StateSpan {
                    start: s.start + off,
                    end: s.end.min(n) + off,
                    ..*s
                });
            }
            out.wakes.extend(t.wakes.iter().map(|w| Wake {
                step: w.step + off,
                ..*w
            }));
            out.locks
                .extend(t.locks.iter().map(|l| daxlab_core::timeline::LockSpan {
                    start: l.start + off,
                    end: Some(l.end.unwrap_or(n) + off),
                    ..*l
                }));
        }
        for s in t.states.iter().filter(|s| s.start > n) {
            out.states.push(StateSpan {
                start: out.steps + 1,
                end: out.steps + 1,
                ..*s
            });
        }
        out
    }

    /// The legend names the looks only some runs use when the run uses them (idle, waiting, a
    /// wake-up that woke nobody: the UX review of stop 37 found them unexplained), and not
    /// otherwise; the grace periods' lane is named apart from the `rcu` thread's.
    #[test]
    fn the_legend_names_the_occasional_looks_the_run_draws() {
        let legend_of = |t: &Timeline, s: &Session| {
            let svg = layout(t, &names(s), &View::fit(t.steps, 1200.0, Zoom::Fit, 1, 1))
                .to_svg("timeline");
            let at = svg.find("class=\"legend\"").expect("a legend");
            (svg[at..].to_string(), svg)
        };
        let (s, t) = story("freed-inode", Variant::Seed);
        assert!(t.states.iter().any(|x| x.state == LaneState::Idle));
        assert!(t.states.iter().any(|x| x.state == LaneState::Waiting));
        assert!(!t.empty_wakes.is_empty());
        assert!(!t.call_rcu.is_empty());
        let (legend, svg) = legend_of(&t, &s);
        for (look, word) in [
            ("tl-idle", ">idle<"),
            ("tl-waiting", ">waits<"),
            ("tl-wake-none", ">woke nobody<"),
            ("tl-callrcu", ">call_rcu()<"),
        ] {
            assert!(
                legend.contains(look) && legend.contains(word),
                "{look} {word}"
            );
        }
        assert!(svg.contains(">grace<tspan") && svg.contains(">periods</tspan>"));
        // One step of null-mapping, a scenario with no rcu thread (whose lane is idle until a
        // grace period is wanted), draws none of them: its legend does not name them.
        let (s, t) = first_fault("null-mapping");
        let (legend, _) = legend_of(&t, &s);
        for word in [">idle<", ">waits<", ">woke nobody<", ">call_rcu()<"] {
            assert!(!legend.contains(word), "{word} in a one-step run's legend");
        }
    }

    /// A scenario's seed story after one step, the fault's: its session and timeline.
    fn first_fault(name: &str) -> (Session, Timeline) {
        let sc = scenario(name).unwrap();
        let st = sc
            .stories
            .iter()
            .find(|s| s.variant == Variant::Seed)
            .unwrap();
        let mut s = Session::new(sc.model(st.options()));
        s.run_text("fault").unwrap();
        let t = Timeline::of(&s);
        (s, t)
    }

    #[test]
    fn a_short_run_keeps_its_legend_in_rows() {
        // One step: two columns at the widest fit. The figure keeps a floor, so the legend
        // wraps as for a long run instead of standing as a column.
        let (s, t) = first_fault("freed-inode");
        let short = |room: f64| layout(&t, &names(&s), &View::fit(t.steps, room, Zoom::Fit, 1, 1));
        let (fs, ft) = story("freed-inode", Variant::Seed);
        let full = layout(
            &ft,
            &names(&fs),
            &View::fit(ft.steps, 1200.0, Zoom::Fit, 1, 1),
        );
        let wide = short(1200.0);
        assert!(wide.width >= MIN_WIDTH, "{}", wide.width);
        assert!(
            wide.height <= full.height + 2.0 * LEGEND_ROW,
            "{} against {}",
            wide.height,
            full.height
        );
        // In less room (a phone) the floor is the room itself: the page does not scale the
        // figure, and its text, down to fit.
        let phone = short(360.0);
        assert!(phone.width <= 360.0, "{}", phone.width);
    }

    #[test]
    fn a_ten_thousand_step_run_stays_bounded_and_readable() {
        let (s, t) = story("freed-inode", Variant::Seed);
        let names = names(&s);
        let big = long(&t, 10_000usize.div_ceil(t.steps));
        assert!(big.steps >= 10_000 && big.steps < 10_000 + t.steps);
        // Zoomed out to the whole run: at most a few elements per pixel column.
        let fit = View::fit(big.steps, 1200.0, Zoom::Fit, 5000, 1);
        let d = layout(&big, &names, &fit);
        assert!(d.width <= 1200.0 + 0.5);
        assert!(d.elements().len() < 8_000, "{}", d.elements().len());
        // Zoomed in: a window around the cursor with every state labelled as usual.
        let near = View::fit(big.steps, 1200.0, Zoom::Px(18.0), 5000, 1);
        assert!(near.first <= 5000 && 5001 <= near.last());
        let d = layout(&big, &names, &near);
        assert!(d.elements().len() < 1_500, "{}", d.elements().len());
        assert!(!of_kind(&d, "wake").is_empty());
        let ticks: Vec<_> = of_kind(&d, "tick")
            .iter()
            .map(|e| e.text.clone().unwrap())
            .collect();
        assert!(ticks.contains(&"5000".to_string()), "{ticks:?}");
    }

    #[test]
    fn a_scaled_scenario_draws_a_lane_per_thread() {
        let m = daxlab_core::scenario::scaled(
            daxlab_core::scenario::Scale {
                threads: 4,
                pages: 2,
            },
            Options::new(Variant::Fixed),
        )
        .unwrap();
        let mut s = Session::new(m);
        let mut r = daxlab_core::scheduler::Uniform::new(3);
        let _ = s.drive(&mut r);
        let t = Timeline::of(&s);
        let names = names(&s);
        let d = layout(&t, &names, &View::whole(t.steps, t.steps, "tl"));
        assert_eq!(of_kind(&d, "lane").len(), 11);
        assert!(d.height < 500.0, "{}", d.height);
        let svg = d.to_svg("timeline");
        assert!(svg.starts_with("<?xml") && svg.contains("id=\"timeline\""));
    }

    /// A drawn element's box, as the tests estimate it: (x0, y0, x1, y1).
    type Box4 = (f64, f64, f64, f64);

    /// The box of a label: monospace advance 0.6 em for ASCII, a whole em for symbols (they
    /// come from a fallback font), from the ascender to the descender.
    fn text_box(e: &El) -> Box4 {
        let small = e
            .get("class")
            .is_some_and(|c| c.split(' ').any(|c| c == "lbl"))
            || e.get("style").is_some_and(|s| s.contains("font-size:10px"));
        let fs = if small { 10.0 } else { 11.0 };
        let s = e.text.as_deref().unwrap_or("");
        let w: f64 = s
            .chars()
            .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
            .sum::<f64>()
            * fs;
        let x: f64 = e.get("x").unwrap().parse().unwrap();
        let y: f64 = e.get("y").unwrap().parse().unwrap();
        let x0 = match e.get("text-anchor") {
            Some("end") => x - w,
            Some("middle") => x - w / 2.0,
            _ => x,
        };
        // Digits and most letters end on the baseline; g, j, p, q, y and commas go below it.
        let below = if s.contains(['g', 'j', 'p', 'q', 'y', ',']) {
            0.22
        } else {
            0.02
        };
        (x0, y - 0.78 * fs, x0 + w, y + below * fs)
    }

    fn path_start(e: &El) -> (f64, f64) {
        let d = e.get("d").unwrap();
        let mut it = d[1..]
            .split([' ', 'l', 'L', 'M', 'm', 'h', 'z'])
            .filter(|s| !s.is_empty());
        (
            it.next().unwrap().parse().unwrap(),
            it.next().unwrap().parse().unwrap(),
        )
    }

    /// The marks a label must leave visible: the frees and call_rcu()s, the cursor, the
    /// violation, the divergence and the wake arrows, with a name for the failure message.
    fn marks(d: &Drawing) -> Vec<(String, Box4)> {
        let mut out = Vec::new();
        for e in d.elements() {
            let class = e.get("class").unwrap_or("");
            let kind = e.get("data-kind").unwrap_or("");
            let f = |k: &str| e.get(k).unwrap().parse::<f64>().unwrap();
            let b = match (e.tag, kind, class) {
                ("path", "free", _) => {
                    let (x, y) = path_start(e);
                    (x - 5.0, y - 8.0, x + 5.0, y)
                }
                ("path", _, "tl-cursor-head") => {
                    let (x, y) = path_start(e);
                    (x - 5.0, y - 5.0, x + 5.0, y)
                }
                ("path", "", "tl-violation") => {
                    let (x, y) = path_start(e);
                    (x, y, x + 8.0, y + 8.0)
                }
                ("circle", "call-rcu", _) => {
                    (f("cx") - 3.5, f("cy") - 3.5, f("cx") + 3.5, f("cy") + 3.5)
                }
                ("line", "cursor" | "violation" | "divergence", _) => {
                    (f("x1") - 1.0, f("y1"), f("x1") + 1.0, f("y2"))
                }
                // A wake arrow: "M x y1 L x y2" (a passed-over one adds its bar after).
                ("path", "wake", _) => {
                    let nums: Vec<f64> = e.get("d").unwrap()[1..]
                        .split([' ', 'L', 'M'])
                        .filter_map(|s| s.parse().ok())
                        .collect();
                    let (x, y1, y2) = (nums[0], nums[1], nums[3]);
                    (x - 0.8, y1.min(y2), x + 0.8, y1.max(y2))
                }
                _ => continue,
            };
            out.push((format!("{} {kind}{class}", e.tag), b));
        }
        out
    }

    fn overlap(a: Box4, b: Box4) -> bool {
        a.0 < b.2 - 0.5 && b.0 < a.2 - 0.5 && a.1 < b.3 - 0.5 && b.1 < a.3 - 0.5
    }

    /// Every label that covers another label or a mark, in words.
    fn collisions(d: &Drawing) -> Vec<String> {
        let texts: Vec<(&str, Box4)> = d
            .elements()
            .into_iter()
            .filter(|e| e.tag == "text")
            .map(|e| (e.text.as_deref().unwrap_or(""), text_box(e)))
            .collect();
        let marks = marks(d);
        let mut out = Vec::new();
        for (i, (a, ab)) in texts.iter().enumerate() {
            for (b, bb) in &texts[i + 1..] {
                if overlap(*ab, *bb) {
                    out.push(format!("{a:?} on {b:?}"));
                }
            }
            for (m, mb) in &marks {
                if overlap(*ab, *mb) {
                    out.push(format!("{a:?} on {m}"));
                }
            }
        }
        out
    }

    #[test]
    fn at_the_end_of_every_story_end_and_every_finish_are_labelled() {
        // The page's figure fills its panel: past the last column there is room for "end"
        // and for the label of a thread that finished late (hash-collision's fault2 and mf
        // had none).
        for (what, s, t) in every_story() {
            let names = names(&s);
            let v = View::fit(t.steps, 1180.0, Zoom::Fit, t.steps, 1);
            let d = layout(&t, &names, &v);
            let texts: Vec<String> = d
                .elements()
                .iter()
                .filter(|e| e.tag == "text")
                .filter_map(|e| e.text.clone())
                .collect();
            assert!(texts.iter().any(|x| x == "end"), "{what}: {texts:?}");
            let finished = (0..t.threads)
                .filter(|&i| {
                    t.states_of(Tid(i as u8))
                        .last()
                        .is_some_and(|x| matches!(x.state, LaneState::Finished(_)))
                })
                .count();
            let labels = texts.iter().filter(|x| x.starts_with('✓')).count();
            // Room past the last column (the ladder of column widths leaves some).
            let spare = d.width - RIGHT - (GUTTER + v.cols as f64 * v.px);
            if spare >= 60.0 {
                assert_eq!(labels, finished, "{what}: {spare} px spare, {texts:?}");
            }
        }
    }

    #[test]
    fn no_label_covers_another_or_a_mark() {
        let mut bad = Vec::new();
        for (what_story, s, t) in every_story() {
            let names = names(&s);
            let mut views = vec![("whole".to_string(), View::whole(t.steps, t.steps, "tl"))];
            for width in [1180.0, 900.0, 600.0, 360.0] {
                let mut first = 1;
                for cursor in 0..=t.steps {
                    let v = View::fit(t.steps, width, Zoom::Fit, cursor, first);
                    first = v.first;
                    views.push((format!("fit {width} at {cursor}"), v));
                }
                let v = View::fit(t.steps, width, Zoom::Px(26.0), t.steps, 1);
                views.push((format!("26 px {width}"), v));
                // Drawn beside a longer run (a compared run that ended sooner).
                let v = View::fit(t.steps + 25, width, Zoom::Fit, t.steps, 1);
                views.push((format!("fit {width} beside a longer run"), v));
                // Compared with another run that parts from this one at step k.
                for k in (1..=t.steps).step_by(3) {
                    let mut v = View::fit(t.steps, width, Zoom::Fit, t.steps, 1);
                    v.divergence = Some(k);
                    views.push((format!("fit {width} diverging at {k}"), v));
                }
            }
            for (what, v) in views {
                let d = layout(&t, &names, &v);
                for c in collisions(&d) {
                    bad.push(format!("{what_story} {what}: {c}"));
                }
            }
        }
        bad.dedup_by(|a, b| a.split(':').nth(1) == b.split(':').nth(1));
        assert!(
            bad.is_empty(),
            "{} collisions:\n{}",
            bad.len(),
            bad.join("\n")
        );
    }
}
