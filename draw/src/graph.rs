//! The object graph's layout: the pointers a student must follow. Left: each thread's local
//! `mapping` and each `struct page`'s `mapping`; middle: the inode memory they point at (its
//! `address_space`: `xa_lock` and the `i_pages` entries with their lock bits); right: the
//! `dev_pagemap` and the pfns the entries map. Below: the wait table's queues and RCU.
//!
//! Positions depend only on what exists, so a step moves little, and CSS transitions animate
//! what does move. Whatever changed in the last step carries the class `changed` (and `odd` or
//! `even` by step, so the flash restarts on every step).
//!
//! **Adding an object** (an `rw_semaphore` such as the MMAPLOCK): draw it as a row of its
//! inode box in [`inode_box`] (holders and queued waiters in order, like the wait table's
//! [`bucket_row`]), and list it in [`changes`].

use crate::{CHAR, Drawing, El, labels, num, path, patterns, rect, text};
use daxlab_core::world::{InodeKind, Life, World, entry_flags};
use daxlab_core::{Addr, Model, Pfn, Tid};

/// Options of one drawing of the graph.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphView {
    /// Prefix of the figure's ids (patterns and markers).
    pub prefix: String,
    /// The step on screen: its parity restarts the change animation.
    pub step: usize,
    /// Lay out for a phone: the dev_pagemap under the inodes instead of a third column, long
    /// lines wrapped, [`NARROW_W`] wide instead of 620.
    pub narrow: bool,
}

const ROW: f64 = 15.0;

/// Where the columns stand: three on a wide page, two on a phone (the `dev_pagemap` under
/// the inodes, and every column narrower, so that the figure is drawn larger).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Geo {
    /// The figure's width.
    w: f64,
    left_x: f64,
    left_w: f64,
    inode_x: f64,
    inode_w: f64,
    dev_x: f64,
    dev_w: f64,
}

const WIDE: Geo = Geo {
    w: 620.0,
    left_x: 6.0,
    left_w: 150.0,
    inode_x: 204.0,
    inode_w: 236.0,
    dev_x: 474.0,
    dev_w: 140.0,
};

/// The phone's columns: the pointers' column as narrow as its longest line
/// (`mapping=NULL index 0`), less room for the arrows between the columns and for the loop
/// of the entry → pfn arrows, so that a 390 px page draws the text 9.6 px high, not 8.5.
const NARROW: Geo = Geo {
    // The two columns and the loop of the entry → pfn arrows (`loop_right`'s 26).
    w: 168.0 + 226.0 + 26.0,
    left_x: 4.0,
    left_w: 142.0,
    inode_x: 168.0,
    inode_w: 226.0,
    dev_x: 168.0,
    dev_w: 226.0,
};

/// The narrow layout's width.
pub const NARROW_W: f64 = NARROW.w;

/// What changed between two worlds, as the graph names it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Threads whose local pointers or pins changed.
    pub threads: Vec<Tid>,
    /// Pages whose fields changed.
    pub pages: Vec<Pfn>,
    /// Inode memory whose life, identity, references or `xa_lock` changed.
    pub inodes: Vec<Addr>,
    /// Entries that appeared, vanished or changed: inode memory and index.
    pub entries: Vec<(Addr, u16)>,
    /// Wait-table buckets whose queue changed.
    pub buckets: Vec<u8>,
    /// The `dev_pagemap` changed.
    pub pgmap: bool,
    /// RCU's grace period or callbacks changed.
    pub rcu: bool,
}

impl Changes {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }
}

/// What changed from `a` to `b`.
pub fn changes(a: &World, b: &World) -> Changes {
    let mut c = Changes::default();
    for (i, (x, y)) in a.threads.iter().zip(b.threads.iter()).enumerate() {
        if x.locals.mapping != y.locals.mapping
            || x.locals.pinned != y.locals.pinned
            || x.result != y.result
        {
            c.threads.push(Tid(i as u8));
        }
    }
    for (i, (x, y)) in a.pages.iter().zip(b.pages.iter()).enumerate() {
        if x != y {
            c.pages.push(Pfn(i as u8));
        }
    }
    for (i, (x, y)) in a.inodes.iter().zip(b.inodes.iter()).enumerate() {
        let addr = Addr(i as u8);
        if x.life != y.life
            || x.ino != y.ino
            || x.xa_lock != y.xa_lock
            || x.users != y.users
            || x.mmaplock != y.mmaplock
        {
            c.inodes.push(addr);
        }
        for e in x.entries.iter().chain(y.entries.iter()) {
            let (p, q) = (
                x.entries.iter().find(|f| f.index == e.index),
                y.entries.iter().find(|f| f.index == e.index),
            );
            if p != q && !c.entries.contains(&(addr, e.index)) {
                c.entries.push((addr, e.index));
            }
        }
    }
    let buckets = a
        .waiters
        .iter()
        .chain(b.waiters.iter())
        .map(|q| q.bucket)
        .collect::<Vec<_>>();
    for bucket in buckets {
        let (p, q): (Vec<_>, Vec<_>) = (a.bucket(bucket).collect(), b.bucket(bucket).collect());
        if p != q && !c.buckets.contains(&bucket) {
            c.buckets.push(bucket);
        }
    }
    c.buckets.sort_unstable();
    c.pgmap = a.pgmap != b.pgmap;
    c.rcu = a.rcu != b.rcu;
    c
}

/// The label of inode memory: "inode #1 @…4000".
pub fn inode_label(w: &World, a: Addr) -> String {
    format!("inode #{} @{}", w.inode(a).ino, short_addr(a))
}

/// The last digits of a pointer, as the graph prints it.
pub fn short_addr(a: Addr) -> String {
    format!("…{:04x}", a.pointer_value() & 0xffff)
}

/// The words for where inode memory is in its life.
pub fn life_label(w: &World, a: Addr) -> String {
    let mem = w.inode(a);
    match (mem.life, mem.previous_ino) {
        (Life::Live, Some(p)) => format!("live · reused (was inode #{p})"),
        (Life::Live, None) => "live".into(),
        (Life::Freeing, _) => "I_FREEING (evicting)".into(),
        (Life::RcuPending, _) => "RCU-pending (call_rcu)".into(),
        (Life::Freed { after_gp }, _) => format!("✝ FREED after GP {after_gp}"),
    }
}

fn life_class(l: Life) -> &'static str {
    match l {
        Life::Live => "live",
        Life::Freeing => "freeing",
        Life::RcuPending => "rcu-pending",
        Life::Freed { .. } => "freed",
    }
}

struct Ctx<'a> {
    m: &'a Model,
    names: Vec<&'a str>,
    w: &'a World,
    ch: Changes,
    parity: &'static str,
    prefix: &'a str,
    g: Geo,
}

impl Ctx<'_> {
    fn name(&self, t: Tid) -> &str {
        self.m.name(t)
    }
    fn mark(&self, el: El, changed: bool) -> El {
        if changed {
            let class = el.get("class").unwrap_or("").to_string();
            el.class(
                format!("{class} changed {}", self.parity)
                    .trim()
                    .to_string(),
            )
        } else {
            el
        }
    }
    fn arrow(&self, d: String, kind: &str, data: &[(&'static str, String)]) -> El {
        let mut el = path(d)
            .class(format!("og-ptr {kind}"))
            .attr("marker-end", format!("url(#{}-arrow-{kind})", self.prefix))
            .attr("data-kind", "pointer");
        for (k, v) in data {
            el = el.attr(k, v.clone());
        }
        el
    }
}

/// A cubic from (x1, y1) to (x2, y2) leaving and arriving horizontally, both control points
/// at `cx`.
fn horizontal_cubic(x1: f64, y1: f64, cx: f64, x2: f64, y2: f64) -> String {
    format!(
        "M{} {} C{} {} {} {} {} {}",
        num(x1),
        num(y1),
        num(cx),
        num(y1),
        num(cx),
        num(y2),
        num(x2),
        num(y2)
    )
}

fn curve(x1: f64, y1: f64, x2: f64, y2: f64) -> String {
    horizontal_cubic(x1, y1, (x1 + x2) / 2.0, x2 - 1.0, y2)
}

/// An arrow from the right edge at (x1, y1) out to the right and back into (x2, y2), for two
/// boxes one above the other.
fn loop_right(x1: f64, y1: f64, x2: f64, y2: f64) -> String {
    horizontal_cubic(x1, y1, x1.max(x2) + 26.0, x2 + 1.0, y2)
}

/// Lay out the objects of `w` (a world of `m`), highlighting what changed since `prev`.
pub fn layout(m: &Model, w: &World, prev: Option<&World>, v: &GraphView) -> Drawing {
    let ch = prev.map(|p| changes(p, w)).unwrap_or_default();
    let cx = Ctx {
        m,
        names: m.threads().iter().map(|t| t.name.as_str()).collect(),
        w,
        ch,
        parity: if v.step.is_multiple_of(2) {
            "even"
        } else {
            "odd"
        },
        prefix: &v.prefix,
        g: if v.narrow { NARROW } else { WIDE },
    };
    let g = cx.g;
    let mut body = vec![patterns(&v.prefix)];
    let mut arrows = Vec::new();

    // Middle column first: the pointers on the left aim at it.
    let mut y = 20.0;
    let mut inode_y = Vec::new();
    let mut entry_rows: Vec<(Addr, u16, f64, Option<Pfn>)> = Vec::new();
    let mut boxes = Vec::new();
    for i in 0..w.inodes.len() {
        let a = Addr(i as u8);
        let (g, h) = inode_box(&cx, a, y, &mut entry_rows);
        inode_y.push(y);
        boxes.push(g);
        y += h + 10.0;
    }
    let mid_bottom = y;

    // Left column: threads' local mapping pointers, then the struct pages.
    let mut ly = 20.0;
    let mut left = vec![text(g.left_x, 12.0, "pointers").class("og-title muted")];
    for (i, spec) in m.threads().iter().enumerate() {
        if !has_mapping(&spec.program) {
            continue;
        }
        let tid = Tid(i as u8);
        let t = w.thread(tid);
        let done = t.result.is_some();
        let ptr = if done { None } else { t.locals.mapping };
        let label = match ptr {
            Some(_) => format!("{}: mapping", spec.name),
            None if done => format!("{}: done", spec.name),
            None => format!("{}: mapping=NULL", spec.name),
        };
        let chip = rect(g.left_x, ly, g.left_w, 17.0)
            .class(if done { "og-box done" } else { "og-box" })
            .attr("data-kind", "thread")
            .attr("data-thread", spec.name.clone());
        left.push(cx.mark(chip, cx.ch.threads.contains(&tid)));
        left.push(
            text(g.left_x + 4.0, ly + 12.5, label).attr("class", if done { "muted" } else { "" }),
        );
        if let Some(a) = ptr
            && let Some(&iy) = inode_y.get(a.0 as usize)
        {
            let stale = w.inode(a).is_freed();
            let (x1, y1) = (g.left_x + g.left_w, ly + 8.5);
            left.push(
                El::new("circle")
                    .at("cx", x1 - 6.0)
                    .at("cy", y1)
                    .at("r", 2.5)
                    .attr("style", "fill:var(--f-spin)"),
            );
            arrows.push(cx.arrow(
                curve(x1 - 6.0, y1, g.inode_x, iy + 9.0 + i as f64 * 2.0),
                if stale { "dangling" } else { "local" },
                &[
                    ("data-from", format!("thread {}", spec.name)),
                    ("data-to", a.0.to_string()),
                    ("data-stale", stale.to_string()),
                ],
            ));
        }
        if t.locals.pinned && !done {
            left.push(
                text(g.left_x + g.left_w - 30.0, ly + 12.5, "pin")
                    .class("muted")
                    .child(El::new("title").text(format!(
                        "pin: {} holds a dev_pagemap reference (get_dev_pagemap()): the struct page array cannot go away",
                        spec.name
                    ))),
            );
        }
        ly += 20.0;
    }
    ly += 6.0;
    // Once unbind has removed the device memory, its struct pages are gone with it: drawn
    // dead, as the dev_pagemap's pfns are, with no mapping pointer left to follow.
    let removed = w.pgmap.removed;
    for (i, page) in w.pages.iter().enumerate() {
        let pfn = Pfn(i as u8);
        let mut b = rect(g.left_x, ly, g.left_w, 34.0)
            .class(if removed {
                "og-box removed"
            } else if page.hwpoison {
                "og-box poisoned"
            } else {
                "og-box"
            })
            .attr("data-kind", "page")
            .attr("data-pfn", i.to_string());
        if removed {
            // As a style: the .og-box rule's fill would beat a fill attribute.
            b = b.attr("style", format!("fill:url(#{}-dead)", cx.prefix));
        }
        left.push(cx.mark(b, cx.ch.pages.contains(&pfn)));
        if removed {
            left.push(
                text(g.left_x + 4.0, ly + 12.0, format!("struct page pfn {i}"))
                    .class("og-title og-dead-text"),
            );
            left.push(text(g.left_x + 4.0, ly + 27.0, "✖ removed (unbind)").class("og-dead-text"));
            ly += 40.0;
            continue;
        }
        left.push(
            // Short enough that the HWP badge at the box's right end covers none of it.
            text(g.left_x + 4.0, ly + 12.0, format!("struct page pfn {i}")).class("og-title"),
        );
        if page.hwpoison {
            left.push(rect(g.left_x + g.left_w - 26.0, ly + 3.0, 22.0, 11.0).class("og-poison"));
            left.push(
                text(g.left_x + g.left_w - 24.5, ly + 12.0, "HWP")
                    .attr("style", "fill:#fff;font-size:10px"),
            );
        }
        // The pointer leaves from a dot at the box's right edge, as a thread's does, so its
        // arrow crosses none of the row's text; NULL draws no arrow and keeps its order.
        let mapping = match page.mapping {
            Some(_) => format!("index {} · mapping", page.index),
            None => format!("mapping=NULL index {}", page.index),
        };
        left.push(text(g.left_x + 4.0, ly + 27.0, mapping));
        if let Some(a) = page.mapping
            && let Some(&iy) = inode_y.get(a.0 as usize)
        {
            let stale = w.inode(a).is_freed();
            let (x1, y1) = (g.left_x + g.left_w - 6.0, ly + 23.5);
            left.push(
                El::new("circle")
                    .at("cx", x1)
                    .at("cy", y1)
                    .at("r", 2.5)
                    .attr("style", "fill:var(--f-gp)"),
            );
            arrows.push(cx.arrow(
                curve(x1, y1, g.inode_x, iy + 16.0),
                if stale { "dangling" } else { "page" },
                &[
                    ("data-from", format!("page {i}")),
                    ("data-to", a.0.to_string()),
                    ("data-stale", stale.to_string()),
                ],
            ));
        }
        ly += 40.0;
    }

    // Right column (narrow: under the inodes): the dev_pagemap around the device's pfns.
    let width = g.w;
    let (dev_x, dev_w) = (g.dev_x, g.dev_w);
    let dev_y = if v.narrow { mid_bottom } else { 20.0 };
    let mut right = Vec::new();
    let pg = w.pgmap;
    let holders = pgmap_holders(m, w);
    let dev_h = 44.0 + w.pages.len() as f64 * 20.0;
    let dev = rect(dev_x, dev_y, dev_w, dev_h)
        .class(if pg.removed {
            "og-box removed"
        } else {
            "og-box"
        })
        .attr("data-kind", "pgmap");
    right.push(cx.mark(dev, cx.ch.pgmap));
    right.push(text(dev_x + 4.0, dev_y + 12.0, "dev_pagemap").class("og-title"));
    right.push(text(
        dev_x + 4.0,
        dev_y + 25.0,
        format!(
            "refs {}{}",
            pg.pins,
            if holders.is_empty() {
                String::new()
            } else {
                format!(": {}", holders.join(","))
            }
        ),
    ));
    right.push(
        text(
            dev_x + 4.0,
            dev_y + 37.0,
            if pg.removed {
                "✖ removed"
            } else if pg.killed {
                "killed (no new refs)"
            } else {
                "live"
            },
        )
        .class("muted"),
    );
    let mut pfn_y = Vec::new();
    for i in 0..w.pages.len() {
        let y = dev_y + 42.0 + i as f64 * 20.0;
        pfn_y.push(y);
        right.push(
            rect(dev_x + 8.0, y, dev_w - 16.0, 16.0)
                .class(if pg.removed {
                    "og-entry dead"
                } else {
                    "og-entry"
                })
                .attr(
                    "fill",
                    if pg.removed {
                        format!("url(#{}-dead)", v.prefix)
                    } else {
                        "var(--f-box)".into()
                    },
                )
                .attr("style", if pg.removed { "" } else { "fill:var(--f-box)" })
                .attr("data-kind", "pfn")
                .attr("data-pfn", i.to_string()),
        );
        right.push(text(dev_x + 12.0, y + 12.0, format!("pfn {i} (pmem)")));
    }
    for (a, index, ey, pfn) in &entry_rows {
        let Some(p) = pfn else { continue };
        let Some(&py) = pfn_y.get(p.0 as usize) else {
            continue;
        };
        arrows.push(cx.arrow(
            if v.narrow {
                // Out to the right of both boxes and back into the pfn's row.
                loop_right(
                    g.inode_x + g.inode_w - 4.0,
                    *ey,
                    dev_x + dev_w - 8.0,
                    py + 8.0,
                )
            } else {
                curve(g.inode_x + g.inode_w - 4.0, *ey, g.dev_x + 8.0, py + 8.0)
            },
            "to-pfn",
            &[
                ("data-from", format!("entry {}:{index}", w.inode(*a).ino)),
                ("data-to", format!("pfn {}", p.0)),
            ],
        ));
    }
    let top_bottom = mid_bottom.max(ly).max(dev_y + dev_h + 10.0);

    // Bottom: the wait table, then RCU.
    let mut bottom = Vec::new();
    let buckets = m.buckets();
    let busy: Vec<u8> = (0..buckets)
        .filter(|&b| w.bucket(b).next().is_some())
        .collect();
    let mut by = top_bottom + 6.0;
    bottom.push(
        text(
            g.left_x,
            by + 10.0,
            format!("wait table: {buckets} buckets"),
        )
        .class("og-title"),
    );
    // A strip of every bucket: filled when someone waits in it.
    let strip_x = g.left_x + 150.0;
    let cell = ((width - strip_x - 8.0) / buckets as f64).min(16.0);
    for b in 0..buckets {
        let x = strip_x + b as f64 * cell;
        let el = rect(x, by + 1.0, cell - 2.0, 12.0)
            .class(if busy.contains(&b) {
                "og-waiter"
            } else {
                "og-entry"
            })
            .attr(
                "fill",
                if busy.contains(&b) {
                    format!("url(#{}-sleep)", v.prefix)
                } else {
                    "var(--f-box)".into()
                },
            )
            .attr(
                "style",
                if busy.contains(&b) {
                    ""
                } else {
                    "fill:var(--f-box)"
                },
            );
        bottom.push(cx.mark(el, cx.ch.buckets.contains(&b)));
        if cell >= 12.0 {
            bottom.push(
                text(x + (cell - 2.0) / 2.0, by + 10.5, b.to_string())
                    .attr("text-anchor", "middle"),
            );
        }
    }
    by += 18.0;
    for &b in &busy {
        let (row, h) = bucket_row(&cx, b, by, width);
        bottom.push(row);
        by += h;
    }
    if busy.is_empty() {
        bottom.push(text(g.left_x, by + 11.0, "no task waits").class("muted"));
        by += 16.0;
    }
    let (rcu_line, cb) = rcu_words(cx.m, w);
    // Narrow: the queued callbacks on a line of their own.
    let lines = if cb.is_empty() {
        vec![rcu_line]
    } else if v.narrow {
        vec![format!("{rcu_line};"), format!("queued: {}", cb.join(", "))]
    } else {
        vec![format!("{rcu_line}; queued: {}", cb.join(", "))]
    };
    for line in lines {
        let el = text(g.left_x, by + 12.0, line).attr("data-kind", "rcu");
        bottom.push(if cx.ch.rcu { el.class("og-title") } else { el });
        by += 18.0;
    }

    body.push(El::new("g").class("og-left").children_from(left));
    body.push(El::new("g").class("og-inodes").children_from(boxes));
    body.push(El::new("g").class("og-device").children_from(right));
    body.push(El::new("g").class("og-waits").children_from(bottom));
    body.push(El::new("g").class("og-arrows").children_from(arrows));
    let height = by + 4.0;
    let mut all = vec![rect(0.0, 0.0, width, height).class("bg")];
    all.push(text(g.inode_x, 12.0, "inode memory (address_space)").class("og-title muted"));
    all.extend(body);
    Drawing {
        width,
        height,
        title: "Object graph".into(),
        desc: describe(m, w, &cx.ch),
        body: all,
    }
}

/// Whether a thread's program has a `mapping` variable (the RCU machinery and unbind do not).
fn has_mapping(p: &daxlab_core::Program) -> bool {
    !matches!(p, daxlab_core::Program::Rcu | daxlab_core::Program::Unbind)
}

fn inode_box(
    cx: &Ctx,
    a: Addr,
    y: f64,
    entry_rows: &mut Vec<(Addr, u16, f64, Option<Pfn>)>,
) -> (El, f64) {
    let w = cx.w;
    let mem = w.inode(a);
    let freed = mem.is_freed();
    let h = 63.0 + mem.entries.len().max(1) as f64 * (ROW + 2.0);
    let mut g = El::new("g")
        .attr("data-kind", "inode")
        .attr("data-addr", a.0.to_string())
        .attr("data-ino", mem.ino.to_string())
        .attr("data-life", life_class(mem.life));
    if freed {
        // Its text is haloed: the hatching of dead memory does not run through the letters.
        g = g.class("og-inode-freed");
    }
    let mut frame = rect(cx.g.inode_x, y, cx.g.inode_w, h)
        .class(format!("og-inode {}", life_class(mem.life)))
        .attr("rx", "4");
    frame = frame.attr(
        "fill",
        if freed {
            format!("url(#{}-dead)", cx.prefix)
        } else {
            "var(--f-box)".into()
        },
    );
    if !freed {
        frame = frame.attr("style", "fill:var(--f-box)");
    }
    g.push(cx.mark(frame, cx.ch.inodes.contains(&a)));
    let dead = |el: El| if freed { el.class("og-dead-text") } else { el };
    let kind = match mem.kind {
        InodeKind::Regular => "",
        InodeKind::CharDevice => " (char dev)",
    };
    g.push(dead(
        text(
            cx.g.inode_x + 5.0,
            y + 13.0,
            format!("{}{kind}", inode_label(w, a)),
        )
        .class("og-title"),
    ));
    // The references at the title's right end: the life line of reused memory
    // (`live · reused (was inode #1)`) fills the phone's narrower box by itself.
    g.push(dead(
        text(
            cx.g.inode_x + cx.g.inode_w - 5.0,
            y + 13.0,
            format!("refs {}", mem.users),
        )
        .attr("text-anchor", "end"),
    ));
    g.push(
        text(cx.g.inode_x + 5.0, y + 26.0, life_label(w, a)).class(if freed {
            "tl-bad-text"
        } else {
            "muted"
        }),
    );
    // The i_pages lock.
    let held = mem.xa_lock;
    g.push(
        rect(cx.g.inode_x + 5.0, y + 31.0, 9.0, 9.0)
            .class(if held.is_some() {
                "og-xa held"
            } else {
                "og-xa"
            })
            .attr("data-kind", "xa-lock")
            .attr(
                "data-holder",
                held.map(|t| cx.name(t).to_string()).unwrap_or_default(),
            ),
    );
    g.push(dead(text(
        cx.g.inode_x + 18.0,
        y + 40.0,
        match held {
            Some(t) => format!("i_pages xa_lock: held by {}", cx.name(t)),
            None => "i_pages xa_lock: free".into(),
        },
    )));
    // The MMAPLOCK: who holds it (shared or exclusive) and who sleeps for it, in order. XFS's
    // i_mmaplock: a device-dax character device's inode has none.
    if mem.kind == InodeKind::CharDevice {
        g.push(
            text(
                cx.g.inode_x + 18.0,
                y + 53.0,
                "no MMAPLOCK (not an XFS file)",
            )
            .class("muted"),
        );
    } else {
        let l = &mem.mmaplock;
        let held = l.writer.is_some() || l.readers != 0;
        g.push(
            rect(cx.g.inode_x + 5.0, y + 44.0, 9.0, 9.0)
                .class(if l.writer.is_some() {
                    "og-xa held"
                } else if held {
                    "og-xa shared"
                } else {
                    "og-xa"
                })
                .attr("data-kind", "mmaplock")
                .attr("data-holders", labels::mmaplock_holders(l, &cx.names))
                .attr(
                    "data-queue",
                    l.queue
                        .iter()
                        .map(|(t, _)| cx.name(*t).to_string())
                        .collect::<Vec<_>>()
                        .join(","),
                ),
        );
        g.push(dead(text(
            cx.g.inode_x + 18.0,
            y + 53.0,
            fit(labels::mmaplock(l, &cx.names), cx.g.inode_w - 24.0),
        )));
    }
    let mut ey = y + 59.0;
    if mem.entries.is_empty() {
        let none = text(cx.g.inode_x + 8.0, ey + 11.0, "i_pages: no entries");
        // Over dead memory's hatching, muted grey is too faint (dark theme): the dead text.
        g.push(if freed {
            dead(none)
        } else {
            none.class("muted")
        });
    }
    for e in mem.entries.iter() {
        let locked = e.locked();
        let row = rect(cx.g.inode_x + 5.0, ey, cx.g.inode_w - 10.0, ROW)
            .class(if locked {
                "og-entry locked"
            } else {
                "og-entry"
            })
            .attr(
                "fill",
                if locked {
                    format!("url(#{}-entry)", cx.prefix)
                } else {
                    "var(--f-box)".into()
                },
            )
            .attr("style", if locked { "" } else { "fill:var(--f-box)" })
            .attr("data-kind", "entry")
            .attr("data-index", e.index.to_string())
            .attr("data-locked", locked.to_string());
        g.push(cx.mark(row, cx.ch.entries.contains(&(a, e.index))));
        // The lock bit: a square, filled when set.
        g.push(
            rect(cx.g.inode_x + 9.0, ey + 3.0, 9.0, 9.0).class(if locked {
                "og-lockbit set"
            } else {
                "og-lockbit"
            }),
        );
        let mut what = if e.is_empty() {
            "EMPTY".to_string()
        } else {
            format!("pfn {}", e.pfn.0)
        };
        if e.flags & entry_flags::PMD != 0 {
            what.push_str(" PMD");
        }
        if e.flags & entry_flags::ZERO_PAGE != 0 {
            what.push_str(" ZERO");
        }
        let lock = if locked {
            format!(
                " LOCKED{}",
                e.locker
                    .map(|t| format!(" by {}", cx.name(t)))
                    .unwrap_or_default()
            )
        } else {
            String::new()
        };
        let label = fit(format!("[{}] {what}{lock}", e.index), cx.g.inode_w - 40.0);
        // Over a locked entry's stripes the text is haloed, as over dead memory's hatching.
        let label = text(cx.g.inode_x + 22.0, ey + 11.5, label);
        g.push(dead(if locked {
            label.class("og-halo")
        } else {
            label
        }));
        entry_rows.push((
            a,
            e.index,
            ey + ROW / 2.0,
            (!e.is_empty() && !freed).then_some(e.pfn),
        ));
        ey += ROW + 2.0;
    }
    (g, h)
}

/// `s`, cut with an ellipsis to fit `width` pixels.
fn fit(s: String, width: f64) -> String {
    let max = (width / CHAR) as usize;
    if s.chars().count() > max {
        s.chars().take(max.saturating_sub(1)).collect::<String>() + "…"
    } else {
        s
    }
}

/// One busy bucket: its waiters in queue order (head first), each with its key and whether it
/// waits exclusively (a thicker frame and the word, not only a colour).
/// Waiters that would pass `limit` go on to a new line; returns the row and its height.
fn bucket_row(cx: &Ctx, b: u8, y: f64, limit: f64) -> (El, f64) {
    let w = cx.w;
    let top = y;
    let mut y = y;
    let mut g = El::new("g")
        .attr("data-kind", "bucket")
        .attr("data-bucket", b.to_string());
    g.push(text(cx.g.left_x, y + 12.0, format!("bucket {b} ▸")));
    let mut x = cx.g.left_x + 70.0;
    for (k, q) in w.bucket(b).enumerate() {
        let label = format!(
            "{} {} key(#{},{})",
            cx.name(q.tid),
            if q.exclusive { "excl" } else { "shared" },
            w.inode(q.key.mapping).ino,
            q.key.entry_start
        );
        let width = label.chars().count() as f64 * CHAR + 10.0;
        if k > 0 && x + width > limit - 2.0 {
            x = cx.g.left_x + 70.0;
            y += 20.0;
        }
        if k > 0 {
            g.push(text(x - 11.0, y + 12.0, "→").class("muted"));
        }
        g.push(
            rect(x, y, width, 16.0)
                .class(if q.exclusive {
                    "og-waiter exclusive"
                } else {
                    "og-waiter"
                })
                .attr("fill", format!("url(#{}-sleep)", cx.prefix))
                .attr("rx", "3")
                .attr("data-kind", "waiter")
                .attr("data-thread", cx.name(q.tid).to_string())
                .attr("data-exclusive", q.exclusive.to_string())
                .attr("data-position", k.to_string()),
        );
        g.push(
            rect(x + 2.0, y + 2.0, width - 4.0, 12.0)
                .class("bg")
                .attr("rx", "2")
                .attr("opacity", "0.85"),
        );
        g.push(text(x + 5.0, y + 12.0, label));
        x += width + 14.0;
    }
    (cx.mark(g, cx.ch.buckets.contains(&b)), y - top + 20.0)
}

/// RCU's state in words: its grace period (which readers it waits for) or how many have
/// completed, and the callbacks queued for after it.
pub fn rcu_words(m: &Model, w: &World) -> (String, Vec<String>) {
    let rcu = &w.rcu;
    let line = match rcu.current {
        Some(gp) => format!(
            "RCU: grace period {} waits for {}",
            gp.number,
            crate::labels::mask(
                gp.waiting_for,
                &m.threads()
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect::<Vec<_>>()
            )
        ),
        None => format!("RCU: no grace period running ({} completed)", rcu.completed),
    };
    let callbacks = rcu
        .callbacks
        .iter()
        .map(|c| format!("xfs_inode_free_callback(@{})", short_addr(c.addr)))
        .collect();
    (line, callbacks)
}

/// The threads holding a `dev_pagemap` reference.
pub fn pgmap_holders<'m>(m: &'m Model, w: &World) -> Vec<&'m str> {
    (0..m.threads().len())
        .map(|i| Tid(i as u8))
        .filter(|&t| w.thread(t).locals.pinned)
        .map(|t| m.name(t))
        .collect()
}

/// The graph in words (its `<desc>`): what points where, RCU, and what changed. The locks,
/// the entries and the wait queues are in the page's table view.
pub fn describe(m: &Model, w: &World, ch: &Changes) -> String {
    let mut parts = Vec::new();
    for (i, p) in w.pages.iter().enumerate() {
        parts.push(match p.mapping {
            Some(a) => format!("page pfn {i}: mapping → {}", inode_label(w, a)),
            None => format!("page pfn {i}: mapping NULL"),
        });
    }
    for i in 0..w.inodes.len() {
        let a = Addr(i as u8);
        parts.push(format!("{} is {}", inode_label(w, a), life_label(w, a)));
    }
    for (i, spec) in m.threads().iter().enumerate() {
        let t = w.thread(Tid(i as u8));
        if let (Some(a), None) = (t.locals.mapping, t.result) {
            parts.push(format!("{}'s mapping → {}", spec.name, inode_label(w, a)));
        }
    }
    let (rcu, callbacks) = rcu_words(m, w);
    parts.push(if callbacks.is_empty() {
        rcu
    } else {
        format!("{rcu}, queued: {}", callbacks.join(", "))
    });
    let mut s = format!("Objects: {}.", parts.join("; "));
    if !ch.is_empty() {
        s.push_str(&format!(
            " Changed in the last step: {}.",
            change_words(m, w, ch).join(", ")
        ));
    }
    s
}

/// The graph of a session at its cursor, marking what the last step changed: the figure the
/// page shows and the export writes.
pub fn at_cursor(s: &daxlab_core::Session, prefix: &str, narrow: bool) -> Drawing {
    let prev = s.cursor().checked_sub(1).map(|c| s.world_at(c));
    layout(
        s.model(),
        s.world(),
        prev,
        &GraphView {
            prefix: prefix.into(),
            step: s.cursor(),
            narrow,
        },
    )
}

/// What changed, as a list of object names.
pub fn change_words(m: &Model, w: &World, ch: &Changes) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(
        ch.threads
            .iter()
            .map(|t| format!("{}'s pointers", m.name(*t))),
    );
    out.extend(ch.pages.iter().map(|p| format!("struct page pfn {}", p.0)));
    out.extend(ch.inodes.iter().map(|a| inode_label(w, *a)));
    out.extend(
        ch.entries
            .iter()
            .map(|(a, i)| format!("entry {i} of inode #{}", w.inode(*a).ino)),
    );
    out.extend(ch.buckets.iter().map(|b| format!("wait bucket {b}")));
    if ch.pgmap {
        out.push("dev_pagemap".into());
    }
    if ch.rcu {
        out.push("RCU".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use daxlab_core::{Options, Session, Variant, scenario};

    fn run(name: &str, variant: Variant, schedule: &str) -> Session {
        let mut s = Session::new(scenario(name).unwrap().model(Options::new(variant)));
        s.run_text(schedule).unwrap();
        s
    }

    fn draw(s: &Session) -> Drawing {
        at_cursor(s, "og", false)
    }

    fn of_kind<'a>(d: &'a Drawing, kind: &str) -> Vec<&'a El> {
        d.of_kind(kind)
    }

    #[test]
    fn freed_memory_is_dead_and_pointers_still_aim_at_it() {
        let s = run(
            "freed-inode",
            Variant::Seed,
            "fault*5,mf*14,fault*6,evict*10,rcu*3,mf*3",
        );
        let d = draw(&s);
        let inode = &of_kind(&d, "inode")[0];
        assert_eq!(inode.get("data-life"), Some("freed"));
        // mf's local mapping still points at the freed memory: a stale pointer.
        let stale: Vec<_> = of_kind(&d, "pointer")
            .into_iter()
            .filter(|e| e.get("data-stale") == Some("true"))
            .collect();
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].get("data-from"), Some("thread mf"));
        assert!(stale[0].get("class").unwrap().contains("dangling"));
        assert!(d.desc.contains("FREED"));
    }

    #[test]
    fn device_dax_has_no_mmaplock_and_its_pages_go_with_the_device() {
        // The seed's device-dax story: unbind removes the memory before mf pins it.
        let before = draw(&run("device-dax", Variant::Seed, "unbind"));
        assert!(of_kind(&before, "mmaplock").is_empty());
        assert!(
            before
                .elements()
                .iter()
                .any(|e| e.text.as_deref() == Some("no MMAPLOCK (not an XFS file)"))
        );
        let pages = of_kind(&before, "page");
        assert!(
            pages
                .iter()
                .all(|p| !p.get("class").unwrap().contains("removed"))
        );
        let after = draw(&run("device-dax", Variant::Seed, "unbind,mf,unbind*2"));
        let pages = of_kind(&after, "page");
        assert_eq!(pages.len(), 2);
        assert!(
            pages
                .iter()
                .all(|p| p.get("class") == Some("og-box removed")),
            "{pages:?}"
        );
        // Hatched as dead memory: the fill is a style, which the .og-box rule cannot override.
        assert!(
            pages
                .iter()
                .all(|p| p.get("style") == Some("fill:url(#og-dead)")),
            "{pages:?}"
        );
        // No pointer leaves a removed struct page.
        assert!(
            of_kind(&after, "pointer")
                .iter()
                .all(|p| p.get("data-from").is_none_or(|f| !f.starts_with("page"))),
        );
        // A regular file's inode keeps its MMAPLOCK row.
        let file = draw(&run("null-mapping", Variant::V419, "fault"));
        assert_eq!(of_kind(&file, "mmaplock").len(), 1);
    }

    #[test]
    fn the_wait_table_shows_queued_waiters_in_order_with_their_keys() {
        // The lost-wakeup story where most tasks are queued at once.
        let sc = scenario("lost-wakeup").unwrap();
        let st = &sc.stories[0];
        let mut s = Session::new(sc.model(st.options()));
        s.run_text(st.schedule).unwrap();
        let busiest = (0..=s.len())
            .max_by_key(|&k| s.world_at(k).waiters.len())
            .unwrap();
        s.seek(busiest);
        let d = draw(&s);
        let waiters: Vec<_> = of_kind(&d, "waiter")
            .iter()
            .map(|e| {
                (
                    e.get("data-thread").unwrap(),
                    e.get("data-exclusive").unwrap(),
                )
            })
            .collect();
        let w = s.world();
        assert!(w.waiters.len() >= 2, "{}", w.waiters.len());
        // Buckets in bucket order, each queue head first, exclusive or not.
        let mut want: Vec<_> = w.waiters.iter().enumerate().collect();
        want.sort_by_key(|(i, q)| (q.bucket, *i));
        let want: Vec<_> = want
            .iter()
            .map(|(_, q)| {
                (
                    s.model().name(q.tid),
                    if q.exclusive { "true" } else { "false" },
                )
            })
            .collect();
        assert_eq!(waiters, want);
    }

    #[test]
    fn what_the_last_step_changed_is_marked() {
        // Step 1 of the null-mapping story: the fault takes the MMAPLOCK shared.
        let s = run("null-mapping", Variant::V419, "fault");
        let d = draw(&s);
        let changed: Vec<_> = d
            .elements()
            .into_iter()
            .filter(|e| e.get("class").is_some_and(|c| c.contains("changed")))
            .collect();
        assert_eq!(changed.len(), 1, "{changed:?}");
        assert!(changed[0].get("class").unwrap().contains("og-inode"));
        assert!(changed[0].get("class").unwrap().contains("odd"));
        let held = &of_kind(&d, "mmaplock")[0];
        assert_eq!(held.get("data-holders"), Some("fault"));
        assert_eq!(of_kind(&d, "xa-lock")[0].get("data-holder"), Some(""));
        // Nothing is marked before the first step.
        let s0 = Session::new(
            scenario("null-mapping")
                .unwrap()
                .model(Options::new(Variant::V419)),
        );
        assert!(
            !draw(&s0)
                .elements()
                .iter()
                .any(|e| e.get("class").is_some_and(|c| c.contains("changed")))
        );
    }

    #[test]
    fn every_scenario_at_every_step_of_its_story_lays_out_inside_the_figure() {
        for sc in daxlab_core::SCENARIOS {
            for st in sc.stories {
                let mut s = Session::new(sc.model(st.options()));
                s.run_text(st.schedule).unwrap();
                for k in 0..=s.len() {
                    s.seek(k);
                    // The phone's layout: narrower, and no text runs past its right edge
                    // (start-anchored text at the monospace estimate the labels use).
                    let n = at_cursor(&s, "og", true);
                    assert_eq!(n.width, NARROW_W);
                    // Each column's text stays inside its column, in both layouts (a pointer
                    // column narrowed for the phone must still hold its longest line).
                    let wide = draw(&s);
                    for (d, group, right_edge) in [
                        (&n, "og-left", NARROW.left_x + NARROW.left_w),
                        (&n, "og-inodes", NARROW.inode_x + NARROW.inode_w),
                        (&wide, "og-left", WIDE.left_x + WIDE.left_w),
                        (&wide, "og-inodes", WIDE.inode_x + WIDE.inode_w),
                        (&n, "og-device", NARROW.dev_x + NARROW.dev_w),
                        (&wide, "og-device", WIDE.dev_x + WIDE.dev_w),
                    ] {
                        let g = d
                            .body
                            .iter()
                            .find(|e| e.get("class") == Some(group))
                            .expect(group);
                        for e in g.walk() {
                            let (Some(x), Some(t)) = (e.get("x"), e.text.as_ref()) else {
                                continue;
                            };
                            let x: f64 = x.parse().unwrap();
                            // Small print (the HWP badge) is narrower than the estimate.
                            let per =
                                if e.get("style").is_some_and(|s| s.contains("font-size:10px")) {
                                    6.0
                                } else {
                                    CHAR
                                };
                            let right = x + t.chars().count() as f64 * per;
                            assert!(
                                e.tag != "text"
                                    || e.get("text-anchor").is_some()
                                    || right <= right_edge,
                                "{} step {k}: {group} text {t:?} at {x} ends at {right}, past {right_edge}",
                                sc.name
                            );
                        }
                    }
                    for e in n.elements() {
                        let (Some(x), Some(t)) = (e.get("x"), e.text.as_ref()) else {
                            continue;
                        };
                        let x: f64 = x.parse().unwrap();
                        let right = x + t.chars().count() as f64 * CHAR;
                        assert!(
                            e.tag != "text" || e.get("text-anchor").is_some() || right <= n.width,
                            "{} step {k}: narrow text {t:?} at {x} ends at {right}",
                            sc.name
                        );
                    }
                    for (d, most) in [(draw(&s), 440.0), (n, 560.0)] {
                        for e in d.elements() {
                            for (key, lim) in [("x", d.width), ("y", d.height)] {
                                if let Some(v) = e.get(key).and_then(|v| v.parse::<f64>().ok()) {
                                    assert!(
                                        v >= 0.0 && v <= lim,
                                        "{} step {k}: {key}={v} outside {lim}",
                                        sc.name
                                    );
                                }
                            }
                        }
                        assert!(d.height < most, "{} step {k}: {}", sc.name, d.height);
                    }
                }
            }
        }
    }
}
