//! The explorer's progress bar beside the "Stop search" button: states, depth and states per
//! second, against the browser's bound on states.

use crate::state::AppState;
use yew::prelude::*;

/// The progress of the search in progress (nothing when none runs).
pub(crate) fn progress(st: &AppState) -> Html {
    let Some(run) = &st.search else {
        return html! {};
    };
    let p = run.progress;
    let text = format!(
        "{} states, depth {}, {} states/s{}",
        group(p.states),
        p.depth,
        group(p.states_per_second as u64),
        if run.yielding {
            " · paused while you step"
        } else {
            ""
        }
    );
    html! {
        // Not a live region: its figures change ten times a second. The notice says when
        // the search starts and what it found.
        <span id="search-progress" class="search-progress">
            <progress max={run.max_states.to_string()} value={p.states.to_string()}
                aria-label="States searched, of the browser's bound"></progress>
            <span class="search-figures">{ text }</span>
        </span>
    }
}

/// `1234567` as `1 234 567`.
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}
