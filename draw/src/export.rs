//! The figures as files: what `daxlab run --svg/--graph-svg` writes and what the page's export
//! buttons download, from the same functions.

use crate::graph;
use crate::timeline::{self, View};
use daxlab_core::Session;
use daxlab_core::timeline::Timeline;

/// The thread names of a session's model, by id.
pub fn names(s: &Session) -> Vec<&str> {
    s.model()
        .threads()
        .iter()
        .map(|t| t.name.as_str())
        .collect()
}

/// The timeline of the whole recorded run as an SVG file, the cursor where the session has it.
pub fn timeline_svg(s: &Session) -> String {
    timeline_svg_of(s, &Timeline::of(s), None)
}

/// As [`timeline_svg`], from a timeline already computed, with a divergence mark.
pub fn timeline_svg_of(s: &Session, t: &Timeline, divergence: Option<usize>) -> String {
    let mut v = View::whole(t.steps, s.cursor(), "tl");
    v.divergence = divergence;
    timeline::layout(t, &names(s), &v).to_svg("timeline")
}

/// The object graph at the session's cursor as an SVG file, marking what the last step changed.
pub fn graph_svg(s: &Session) -> String {
    graph::at_cursor(s, "og", false).to_svg("object-graph")
}
