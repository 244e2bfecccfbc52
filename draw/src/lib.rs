//! daxlab-draw: the layout of the timeline and the object graph, as a small tree of SVG
//! elements. One renderer for two front ends: the CLI serialises a [`Drawing`] to an SVG file
//! ([`Drawing::to_svg`]), the web page turns the same elements into Yew nodes and adds its
//! handlers, and its export buttons serialise them exactly as the CLI does.
//!
//! What is drawn comes from `daxlab-core` (the timeline query, the world); this crate decides
//! only where and how: positions, shapes, patterns and classes. Colours live in [`STYLE`], and
//! every state also has a shape or a pattern, so colour is never the only signal.

use core::fmt::Write;

pub mod export;
pub mod graph;
pub mod labels;
pub mod timeline;

/// Approximate advance of one character of the figures' 10–11 px monospace labels: what
/// decides whether a label fits.
pub const CHAR: f64 = 6.6;

/// One SVG element: its tag, attributes, text and children.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct El {
    /// The tag (`rect`, `g`, `text`...).
    pub tag: &'static str,
    /// Attributes in order.
    pub attrs: Vec<(&'static str, String)>,
    /// Text content (for `text`, `title`, `tspan`).
    pub text: Option<String>,
    /// Children.
    pub children: Vec<El>,
}

/// A number as SVG writes it: at most two decimals, no trailing zeros. Integer arithmetic on
/// hundredths: float formatting was a tenth of the page's time per step (every coordinate of
/// both figures goes through here).
pub fn num(v: f64) -> String {
    let c = (v * 100.0).round();
    if !c.is_finite() || c.abs() >= 1e15 {
        // Not finite, or too large for hundredths in an i64: never a coordinate we draw.
        return format!("{v}");
    }
    let c = c as i64;
    let a = c.unsigned_abs();
    let mut s = String::with_capacity(8);
    if c < 0 {
        s.push('-');
    }
    let _ = write!(s, "{}", a / 100);
    let f = (a % 100) as u8;
    if f != 0 {
        s.push('.');
        s.push(char::from(b'0' + f / 10));
        if !f.is_multiple_of(10) {
            s.push(char::from(b'0' + f % 10));
        }
    }
    s
}

impl El {
    /// An element with no attributes.
    pub fn new(tag: &'static str) -> El {
        El {
            tag,
            ..El::default()
        }
    }
    /// With this attribute (replacing an earlier value).
    pub fn attr(mut self, key: &'static str, value: impl Into<String>) -> El {
        let value = value.into();
        match self.attrs.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => self.attrs.push((key, value)),
        }
        self
    }
    /// With a numeric attribute.
    pub fn at(self, key: &'static str, value: f64) -> El {
        self.attr(key, num(value))
    }
    /// With a class.
    pub fn class(self, class: impl Into<String>) -> El {
        self.attr("class", class)
    }
    /// With text content.
    pub fn text(mut self, text: impl Into<String>) -> El {
        self.text = Some(text.into());
        self
    }
    /// With one more child.
    pub fn child(mut self, child: El) -> El {
        self.children.push(child);
        self
    }
    /// With these children added.
    pub fn children_from(mut self, children: impl IntoIterator<Item = El>) -> El {
        self.children.extend(children);
        self
    }
    /// Add a child.
    pub fn push(&mut self, child: El) {
        self.children.push(child);
    }
    /// The value of an attribute.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
    /// Whether this element or one below it has a class in [`TRANSITIONED`].
    pub fn transitions(&self) -> bool {
        let here = self.get("class").is_some_and(|c| {
            c.split_ascii_whitespace()
                .any(|c| TRANSITIONED.contains(&c))
        });
        here || self.children.iter().any(El::transitions)
    }
    /// This element and every descendant, depth first.
    pub fn walk(&self) -> Vec<&El> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.walk());
        }
        out
    }
    /// Write the element as XML.
    pub fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(self.tag);
        for (k, v) in &self.attrs {
            let _ = write!(out, " {k}=\"{}\"", escape(v));
        }
        if self.text.is_none() && self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        if let Some(t) = &self.text {
            out.push_str(&escape(t));
        }
        for c in &self.children {
            c.write(out);
        }
        let _ = write!(out, "</{}>", self.tag);
    }
}

/// Escape text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A rectangle.
pub fn rect(x: f64, y: f64, w: f64, h: f64) -> El {
    El::new("rect")
        .at("x", x)
        .at("y", y)
        .at("width", w.max(0.0))
        .at("height", h.max(0.0))
}

/// A line.
pub fn line(x1: f64, y1: f64, x2: f64, y2: f64) -> El {
    El::new("line")
        .at("x1", x1)
        .at("y1", y1)
        .at("x2", x2)
        .at("y2", y2)
}

/// A text label.
pub fn text(x: f64, y: f64, s: impl Into<String>) -> El {
    El::new("text").at("x", x).at("y", y).text(s)
}

/// A path.
pub fn path(d: impl Into<String>) -> El {
    El::new("path").attr("d", d)
}

/// A finished figure: its size, its accessible title and description, and its elements.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawing {
    /// Width in CSS pixels (and viewBox units).
    pub width: f64,
    /// Height.
    pub height: f64,
    /// A short title (`<title>`, and the web's `aria-label`).
    pub title: String,
    /// What it shows, in a sentence or two (`<desc>`).
    pub desc: String,
    /// The elements, `defs` first.
    pub body: Vec<El>,
}

impl Drawing {
    /// The viewBox attribute.
    pub fn view_box(&self) -> String {
        format!("0 0 {} {}", num(self.width), num(self.height))
    }

    /// A standalone SVG file with `id` on the root, its style included, so it looks the same
    /// opened on its own, as an image, or inside a page.
    pub fn to_svg(&self, id: &str) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{}\" class=\"daxlab-figure\" width=\"{}\" height=\"{}\" viewBox=\"{}\" role=\"img\" aria-labelledby=\"{}-title {}-desc\">",
            escape(id),
            num(self.width),
            num(self.height),
            self.view_box(),
            escape(id),
            escape(id)
        );
        El::new("title")
            .attr("id", format!("{id}-title"))
            .text(self.title.clone())
            .write(&mut out);
        El::new("desc")
            .attr("id", format!("{id}-desc"))
            .text(self.desc.clone())
            .write(&mut out);
        El::new("style").text(STYLE).write(&mut out);
        for el in &self.body {
            el.write(&mut out);
        }
        out.push_str("</svg>\n");
        out
    }

    /// Every element, depth first.
    pub fn elements(&self) -> Vec<&El> {
        self.body.iter().flat_map(|e| e.walk()).collect()
    }

    /// The elements whose `data-kind` is `kind` (a lane, a grace period, a pointer...), in
    /// order: what tests and tools read a figure by.
    pub fn of_kind(&self, kind: &str) -> Vec<&El> {
        self.elements()
            .into_iter()
            .filter(|e| e.get("data-kind") == Some(kind))
            .collect()
    }
}

/// The classes [`STYLE`] gives a CSS transition (from an element's old attributes to its new
/// ones). For such an element to move rather than jump, the page must keep it from one step
/// to the next and change its attributes, never make it anew: [`El::transitions`].
pub const TRANSITIONED: [&str; 2] = ["og-inode", "og-ptr"];

/// The figures' style: colours (light and dark), strokes, fonts and the change animation.
/// The page includes it once; each exported SVG carries its own copy.
pub const STYLE: &str = r#"
.daxlab-figure{--f-bg:#ffffff;--f-fg:#1d1d1f;--f-muted:#5f6368;--f-grid:#e3e3de;--f-ran:#1a56c4;--f-spin:#a04f00;--f-sleep:#6a3fb5;--f-bad:#b3261e;--f-ok:#0d652d;--f-rcu:#0d652d;--f-gp:#0b57d0;--f-lock:#3c4043;--f-entry:#8a5a00;--f-cursor:#1d1d1f;--f-diverge:#a8006f;--f-future:rgba(251,251,248,.35);--f-hover:rgba(11,87,208,.12);--f-dead:#d6d6d6;--f-box:#ffffff;--f-change:#e0b400;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:11px}
@media (prefers-color-scheme:dark){.daxlab-figure{--f-bg:#1e1f22;--f-fg:#e8eaed;--f-muted:#a8abb0;--f-grid:#3a3c40;--f-ran:#8ab4f8;--f-spin:#f6ad55;--f-sleep:#c3a6f5;--f-bad:#f28b82;--f-ok:#81c995;--f-rcu:#81c995;--f-gp:#8ab4f8;--f-lock:#dadce0;--f-entry:#fdd663;--f-cursor:#e8eaed;--f-diverge:#ff7ac6;--f-future:rgba(30,31,34,.35);--f-hover:rgba(138,180,248,.18);--f-dead:#4a4b4f;--f-box:#26272b;--f-change:#fdd663}}
.daxlab-figure text{fill:var(--f-fg)}
.daxlab-figure .bg{fill:var(--f-bg)}
.daxlab-figure .muted{fill:var(--f-muted)}
.daxlab-figure .grid{stroke:var(--f-grid);stroke-width:1}
.daxlab-figure .lane-name{font-weight:700}
.daxlab-figure .lbl{font-size:10px;paint-order:stroke;stroke:var(--f-bg);stroke-width:3px;stroke-linejoin:round}
.tl-ran{fill:var(--f-ran)}
.tl-ready{stroke:var(--f-muted);stroke-width:1.5}
.tl-spinning{stroke:var(--f-spin);stroke-width:1}
.tl-asleep{stroke:var(--f-sleep);stroke-width:1}
.tl-waiting{fill:none;stroke:var(--f-muted);stroke-width:1;stroke-dasharray:3 2}
.tl-idle{stroke:var(--f-muted);stroke-width:1;stroke-dasharray:1 3}
.tl-finished{stroke:var(--f-ok);stroke-width:2}
.tl-faulted{stroke:var(--f-bad);stroke-width:1.5}
.tl-halted{stroke:var(--f-muted);stroke-width:1;stroke-dasharray:6 3}
.tl-dense{fill:var(--f-muted);opacity:.5}
.tl-rcu{fill:var(--f-rcu)}
.tl-lock.xa-lock{fill:var(--f-lock)}
.tl-lock.mmaplock{fill:var(--f-bg);stroke:var(--f-lock);stroke-width:1}
.tl-lock.mmaplock.excl{fill:var(--f-lock)}
.tl-mmaplock-wait{stroke:var(--f-sleep);stroke-width:1;stroke-dasharray:4 1}
.tl-lock.entry-lock{stroke:var(--f-entry);stroke-width:.8}
.tl-gp{stroke:var(--f-gp);stroke-width:1.2}
.tl-gp.open{stroke-dasharray:4 2}
.tl-free{fill:var(--f-bad)}
.tl-callrcu{fill:none;stroke:var(--f-gp);stroke-width:1.5}
.tl-wake{stroke:var(--f-sleep);stroke-width:1.6;fill:none}
.tl-wake.passed{stroke:var(--f-muted);stroke-dasharray:3 2}
.tl-wake-none{fill:none;stroke:var(--f-sleep);stroke-width:1.2}
.tl-violation{stroke:var(--f-bad);stroke-width:2}
.tl-violation-mark{fill:var(--f-bad)}
.tl-cursor{stroke:var(--f-cursor);stroke-width:2}
.tl-cursor-head{fill:var(--f-cursor)}
.tl-future{fill:var(--f-future)}
.tl-hover{fill:var(--f-hover)}
.tl-diverge{stroke:var(--f-diverge);stroke-width:2;stroke-dasharray:5 3}
.daxlab-figure .tl-diverge-label{fill:var(--f-diverge);font-weight:700}
.daxlab-figure .tl-bad-text{fill:var(--f-bad);font-weight:700}
.og-box{fill:var(--f-box);stroke:var(--f-muted);stroke-width:1}
.og-title{font-weight:700}
.og-inode{stroke:var(--f-fg);stroke-width:1.5;transition:fill .4s,stroke .4s}
.og-inode.freeing{stroke-dasharray:6 3}
.og-inode.rcu-pending{stroke-dasharray:2 2}
.og-inode.freed{stroke:var(--f-bad);stroke-dasharray:2 3}
.daxlab-figure .og-dead-text{fill:var(--f-fg);font-style:italic}
.og-inode-freed text,.daxlab-figure .og-halo{paint-order:stroke;stroke:var(--f-box);stroke-width:5px;stroke-linejoin:round}
.og-entry{stroke:var(--f-muted);stroke-width:.8}
.og-entry.locked{stroke:var(--f-entry);stroke-width:1.2}
.og-lockbit{fill:var(--f-box);stroke:var(--f-fg)}
.og-lockbit.set{fill:var(--f-fg)}
.og-xa.held{fill:var(--f-lock)}
.og-xa.shared{fill:var(--f-muted)}
.og-xa{fill:var(--f-box);stroke:var(--f-lock)}
.og-ptr{fill:none;stroke:var(--f-gp);stroke-width:1.5;transition:d .4s}
.og-ptr.local{stroke:var(--f-spin);stroke-dasharray:5 3}
.og-ptr.to-pfn{stroke:var(--f-ok)}
.og-ptr.dangling{stroke:var(--f-bad);stroke-width:2.2;stroke-dasharray:2 2}
.head.page{fill:var(--f-gp)}
.head.wake{fill:var(--f-sleep)}
.head.local{fill:var(--f-spin)}
.head.to-pfn{fill:var(--f-ok)}
.head.dangling{fill:var(--f-bad)}
.og-waiter{stroke:var(--f-sleep);stroke-width:1}
.og-waiter.exclusive{stroke-width:2.5}
.og-poison{fill:var(--f-bad)}
.changed.odd{animation:og-flash-a 1.2s ease-out}
.changed.even{animation:og-flash-b 1.2s ease-out}
.og-changed-ring{fill:none;stroke:var(--f-change);stroke-width:3}
@keyframes og-flash-a{from{stroke:var(--f-change);stroke-width:4}}
@keyframes og-flash-b{from{stroke:var(--f-change);stroke-width:4}}
@media (prefers-reduced-motion:reduce){.daxlab-figure *{transition:none!important;animation:none!important}}
"#;

/// The patterns and arrow heads every figure uses, under `prefix` (`{prefix}-spin`,
/// `{prefix}-arrow-wake`, ...): elements refer to them by attribute (`fill="url(#…)"`,
/// `marker-end`), so two figures on one page never share an id. Each differs in
/// shape, not only in colour: zigzag (spinning), dots (asleep), cross-hatch (faulted), stripes
/// (entry lock), diagonal hatch (grace period), cross-hatch grey (freed memory).
pub fn patterns(prefix: &str) -> El {
    let pat = |id: &str, size: f64, body: Vec<El>| {
        let mut p = El::new("pattern")
            .attr("id", format!("{prefix}-{id}"))
            .attr("patternUnits", "userSpaceOnUse")
            .at("width", size)
            .at("height", size);
        p.children = body;
        p
    };
    let stroke = |d: &str, colour: &str, w: f64| {
        path(d)
            .attr("fill", "none")
            .attr("style", format!("stroke:var({colour});stroke-width:{w}"))
    };
    let fill_bg =
        |colour: &str| rect(0.0, 0.0, 12.0, 12.0).attr("style", format!("fill:var({colour})"));
    El::new("defs")
        .child(pat(
            "spin",
            6.0,
            vec![
                fill_bg("--f-bg"),
                stroke("M0 4.5 L1.5 1.5 L3 4.5 L4.5 1.5 L6 4.5", "--f-spin", 1.2),
            ],
        ))
        .child(pat(
            "sleep",
            5.0,
            vec![
                fill_bg("--f-bg"),
                El::new("circle")
                    .at("cx", 2.5)
                    .at("cy", 2.5)
                    .at("r", 1.1)
                    .attr("style", "fill:var(--f-sleep)"),
            ],
        ))
        .child(pat(
            "fault",
            5.0,
            vec![
                fill_bg("--f-bg"),
                stroke("M0 0 L5 5 M5 0 L0 5", "--f-bad", 1.1),
            ],
        ))
        .child(pat(
            "entry",
            4.0,
            vec![fill_bg("--f-bg"), stroke("M0 4 L4 0", "--f-entry", 1.4)],
        ))
        .child(pat(
            "gp",
            6.0,
            vec![fill_bg("--f-bg"), stroke("M0 6 L6 0", "--f-gp", 0.7)],
        ))
        .child(pat(
            "dead",
            8.0,
            vec![
                fill_bg("--f-dead"),
                stroke("M0 0 L8 8 M8 0 L0 8", "--f-muted", 0.6),
            ],
        ))
        .children_from(["wake", "page", "local", "dangling", "to-pfn"].map(|kind| {
            El::new("marker")
                .attr("id", format!("{prefix}-arrow-{kind}"))
                .attr("viewBox", "0 0 10 10")
                .at("refX", 9.0)
                .at("refY", 5.0)
                .at("markerWidth", 7.0)
                .at("markerHeight", 7.0)
                .attr("orient", "auto-start-reverse")
                .attr("markerUnits", "userSpaceOnUse")
                .child(path("M0 0 L10 5 L0 10 z").class(format!("head {kind}")))
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitioned_names_every_class_the_style_moves() {
        // Every rule of STYLE with a transition (outside the reduced-motion rule, which turns
        // them off) is on classes TRANSITIONED lists, and each listed class has one.
        let mut moved = Vec::new();
        for rule in STYLE.lines() {
            let Some((selector, body)) = rule.split_once('{') else {
                continue;
            };
            if !body.contains("transition:") || rule.starts_with("@media") {
                continue;
            }
            for class in selector.split('.').skip(1) {
                moved.push(class.trim().to_string());
            }
        }
        moved.sort();
        let mut listed: Vec<String> = TRANSITIONED.iter().map(|c| c.to_string()).collect();
        listed.sort();
        assert_eq!(moved, listed);
        let ptr = El::new("g").child(path("M0 0").class("og-ptr dangling"));
        assert!(ptr.transitions());
        assert!(
            !El::new("g")
                .child(rect(0.0, 0.0, 1.0, 1.0).class("og-box"))
                .transitions()
        );
        assert!(
            !El::new("g").class("og-inodes").transitions(),
            "a class's prefix is not it"
        );
    }

    #[test]
    fn numbers_are_short_and_text_is_escaped() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(2.456), "2.46");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(-2.5), "-2.5");
        assert_eq!(num(0.05), "0.05");
        assert_eq!(num(-0.05), "-0.05");
        assert_eq!(num(1234.999), "1235");
        assert_eq!(num(10.10), "10.1");
        // The same text as rounding and formatting the float, over a sweep of values.
        for i in -20000..20000 {
            let v = f64::from(i) * 0.0137;
            let r = (v * 100.0).round() / 100.0;
            let mut t = format!("{r:.2}");
            while t.ends_with('0') {
                t.pop();
            }
            if t.ends_with('.') {
                t.pop();
            }
            if t == "-0" {
                t = "0".into();
            }
            assert_eq!(num(v), t, "{v}");
        }
        let mut s = String::new();
        text(1.0, 2.0, "a<b & \"c\"").write(&mut s);
        assert_eq!(s, "<text x=\"1\" y=\"2\">a&lt;b &amp; &quot;c&quot;</text>");
    }
}
