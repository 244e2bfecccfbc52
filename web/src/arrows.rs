//! Pointer arrows: from each `page->mapping` and each thread's local `mapping` to the inode
//! memory it points at, drawn as an SVG layer over the panes after every render. Elements opt in
//! with `data-points-to="ADDR"`; inode cards carry `data-addr="ADDR"`. The layer ignores the
//! pointer (clicks go through) and is rebuilt from scratch, so it never goes stale.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

const SVG: &str = "http://www.w3.org/2000/svg";

fn svg(document: &Document, tag: &str, attrs: &[(&str, &str)]) -> Option<Element> {
    let el = document.create_element_ns(Some(SVG), tag).ok()?;
    for (k, v) in attrs {
        el.set_attribute(k, v).ok()?;
    }
    Some(el)
}

/// Rebuild the arrow layer of `.panes`.
pub fn draw() {
    let _ = try_draw();
}

fn try_draw() -> Option<()> {
    let document = gloo::utils::document();
    let panes = document.query_selector(".panes").ok()??;
    if let Some(old) = panes.query_selector("svg.arrows").ok()? {
        old.remove();
    }
    let origin = panes.get_bounding_client_rect();
    let (w, h) = (panes.scroll_width(), panes.scroll_height());
    let layer = svg(
        &document,
        "svg",
        &[
            ("class", "arrows"),
            ("aria-hidden", "true"),
            ("width", &w.to_string()),
            ("height", &h.to_string()),
        ],
    )?;
    let defs = svg(&document, "defs", &[])?;
    for (id, colour) in [
        ("arrow-page", "#0b57d0"),
        ("arrow-thread", "#b35c00"),
        ("arrow-stale", "#b3261e"),
    ] {
        let marker = svg(
            &document,
            "marker",
            &[
                ("id", id),
                ("viewBox", "0 0 10 10"),
                ("refX", "9"),
                ("refY", "5"),
                ("markerWidth", "7"),
                ("markerHeight", "7"),
                ("orient", "auto-start-reverse"),
            ],
        )?;
        let head = svg(
            &document,
            "path",
            &[("d", "M 0 0 L 10 5 L 0 10 z"), ("fill", colour)],
        )?;
        marker.append_child(&head).ok()?;
        defs.append_child(&marker).ok()?;
    }
    layer.append_child(&defs).ok()?;
    // Sources scrolled out of the thread row are not drawn.
    let threads = panes
        .query_selector(".threads")
        .ok()??
        .get_bounding_client_rect();
    let sources = panes.query_selector_all("[data-points-to]").ok()?;
    for i in 0..sources.length() {
        let Some(src) = sources.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let Some(addr) = src.get_attribute("data-points-to") else {
            continue;
        };
        let Ok(Some(target)) = panes.query_selector(&format!(".inode[data-addr=\"{addr}\"]"))
        else {
            continue;
        };
        let a = src.get_bounding_client_rect();
        let b = target.get_bounding_client_rect();
        let in_thread = src.closest(".thread").ok().flatten().is_some();
        if a.width() == 0.0
            || (in_thread && (a.right() < threads.left() || a.left() > threads.right()))
        {
            continue;
        }
        let stale = target.class_list().contains("freed");
        let (class, marker) = match (stale, in_thread) {
            (true, _) => ("arrow-stale", "head-stale"),
            (false, true) => ("arrow-thread", "head-thread"),
            (false, false) => ("arrow-page", "head-page"),
        };
        let (x1, y1) = if in_thread {
            (a.left() + a.width() / 2.0, a.bottom())
        } else {
            (a.right(), a.top() + a.height() / 2.0)
        };
        let (x2, y2) = if in_thread {
            (b.left() + b.width() / 2.0, b.top())
        } else {
            (b.left(), b.top() + 14.0)
        };
        let (x1, y1, x2, y2) = (
            x1 - origin.left(),
            y1 - origin.top(),
            x2 - origin.left(),
            y2 - origin.top(),
        );
        let d = if in_thread {
            let my = (y1 + y2) / 2.0;
            format!("M {x1:.1} {y1:.1} C {x1:.1} {my:.1}, {x2:.1} {my:.1}, {x2:.1} {y2:.1}")
        } else {
            let mx = (x1 + x2) / 2.0;
            format!("M {x1:.1} {y1:.1} C {mx:.1} {y1:.1}, {mx:.1} {y2:.1}, {x2:.1} {y2:.1}")
        };
        let path = svg(
            &document,
            "path",
            &[
                ("d", &d),
                ("class", &format!("arrow {class}")),
                ("marker-end", &format!("url(#{marker})")),
            ],
        )?;
        layer.append_child(&path).ok()?;
    }
    panes.append_child(&layer).ok()?;
    Some(())
}
