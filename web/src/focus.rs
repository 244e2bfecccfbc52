//! Where the keyboard focus goes: by id after a render, kept on a working control when the
//! focused one is disabled or replaced, and held inside an open dialog.

use crate::state::AppState;
use std::cell::Cell;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

/// The HTML element with this id, if any.
pub(crate) fn html_element(id: &str) -> Option<web_sys::HtmlElement> {
    gloo::utils::document()
        .get_element_by_id(id)?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

/// Put the keyboard focus on the element with this id, if there is one.
pub(crate) fn focus_id(id: &str) {
    if let Some(el) = html_element(id) {
        let _ = el.focus();
    }
}

/// The focused element's id, if it has one, is not the page itself, and has the keyboard's
/// focus (`:focus-visible`): after a mouse click the focus is left where the browser puts it,
/// or Space would press the neighbour it was moved to instead of playing.
pub(crate) fn focused_id() -> Option<String> {
    let el = gloo::utils::document().active_element()?;
    let id = el.id();
    (!id.is_empty() && el.matches(":focus-visible").unwrap_or(false)).then_some(id)
}

/// Where the focus goes when the control that had it (`id`) is gone or disabled: the same id
/// if it is back (Find a bug and Stop search share one), else the control next to it that
/// still works. Nothing moves when the focus is anywhere but on the page itself.
pub(crate) fn keep_focus(id: &str) {
    let doc = gloo::utils::document();
    // A focused control that is now disabled still holds the focus until the browser's next
    // rendering update, which then drops it to the page.
    let lost = match doc.active_element() {
        None => true,
        Some(a) => doc.body().is_some_and(|b| *b == a) || a.has_attribute("disabled"),
    };
    if !lost {
        return;
    }
    let usable = |el: &web_sys::Element| !el.has_attribute("disabled") && el.is_connected();
    for candidate in focus_fallbacks(id) {
        let el = match candidate {
            Fallback::Id(c) => doc.get_element_by_id(c),
            Fallback::Selector(q) => doc.query_selector(q).ok().flatten(),
        };
        if let Some(el) = el.filter(usable)
            && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = el.focus();
            return;
        }
    }
}

/// A control to try for the focus: by id, or the first match of a selector.
enum Fallback<'a> {
    Id(&'a str),
    Selector(&'static str),
}

/// The controls to try, in order, when `id` lost the focus (see [`keep_focus`]).
fn focus_fallbacks(id: &str) -> Vec<Fallback<'_>> {
    use Fallback::{Id, Selector};
    let mut out = vec![Id(id)];
    match id {
        "first" | "back" => out.extend([Id("forward"), Id("play"), Id("scrubber")]),
        "forward" | "last" | "play" => out.extend([Id("back"), Id("scrubber")]),
        // Buttons that go once used: to the control they belong with.
        "undo-reset" => out.extend([Id("reset"), Id("scrubber")]),
        "char-keys-on" | "load-story" => out.extend([Id("play"), Id("scrubber")]),
        _ if id.starts_with("step-") => out.extend([
            Selector(".thread button.step:not([disabled])"),
            Id("scrubber"),
        ]),
        _ => {}
    }
    out
}

/// The open dialog, by the id of the button that opens it.
pub(crate) fn open_dialog(st: &AppState) -> Option<&'static str> {
    if st.help {
        Some("help-button")
    } else if st.embed_dialog {
        Some("embed-button")
    } else if st.progress_dialog {
        Some("progress-button")
    } else {
        None
    }
}

/// The controls of the open dialog that take the focus, in tab order.
pub(crate) fn dialog_controls() -> Vec<web_sys::HtmlElement> {
    let Ok(list) = gloo::utils::document().query_selector_all(
        ".overlay .dialog button:not([disabled]), .overlay .dialog input, .overlay .dialog textarea, .overlay .dialog a[href], .overlay .dialog select",
    ) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// Tab in an open dialog: from its last control to its first (Shift+Tab: the other way), so
/// the focus never leaves it for the page behind or the browser's own controls.
pub(crate) fn wrap_tab(e: &KeyboardEvent) {
    let items = dialog_controls();
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        return;
    };
    let active = gloo::utils::document().active_element();
    let at = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == el.as_ref());
    let inside = items.iter().any(at);
    let to = match (e.shift_key(), inside) {
        (false, true) if at(last) => Some(first),
        (true, true) if at(first) => Some(last),
        (_, true) => None,
        (false, false) => Some(first),
        (true, false) => Some(last),
    };
    if let Some(el) = to {
        e.prevent_default();
        let _ = el.focus();
    }
}

/// Where an open dialog put the focus: the dialog placed last (by its opener's id) and whether
/// it was opened by a key on the page. Shared between the App and the task that its view
/// queues, so the focus moves as soon as the DOM is patched: before a key pressed after the
/// update is handled, even when Yew yields to the browser before its rendered() hooks (which
/// then find the focus placed).
#[derive(Default)]
pub(crate) struct DialogFocus {
    shown: Cell<Option<&'static str>>,
    /// The dialog the last view drew: a queued task places this one, never an older view's.
    wanted: Cell<Option<&'static str>>,
    /// The open dialog came from a key on the page, not from its button: closing it gives
    /// the focus back to the page, so the next Space plays instead of opening it again.
    from_page: Cell<bool>,
}

impl DialogFocus {
    /// The view draws `open`: whether its focus is still to be placed.
    pub(crate) fn want(&self, open: Option<&'static str>) -> bool {
        self.wanted.set(open);
        open != self.shown.get()
    }

    /// Places the focus for the dialog the last view drew.
    pub(crate) fn place_wanted(&self) {
        self.place(self.wanted.get());
    }

    /// A dialog that opens takes the focus and makes the page behind it inert (so Tab stays in
    /// it); one that closes gives the focus back to the button that opened it. Nothing happens
    /// when `open` is the dialog placed last.
    pub(crate) fn place(&self, open: Option<&'static str>) {
        let shown = self.shown.get();
        if open == shown {
            return;
        }
        let doc = gloo::utils::document();
        if let Ok(behind) = doc.query_selector_all(".daxlab > :not(.overlay):not(style)") {
            for i in 0..behind.length() {
                if let Some(el) = behind
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                {
                    let _ = if open.is_some() {
                        el.set_attribute("inert", "")
                    } else {
                        el.remove_attribute("inert")
                    };
                }
            }
        }
        if open.is_some() && shown.is_none() {
            let active = doc.active_element();
            self.from_page
                .set(active.is_none_or(|a| a.id().is_empty() || Some(a.id().as_str()) != open));
        }
        let target = match open {
            Some(_) => {
                // The dialog opens at its title. Its first control takes the focus when it is
                // in view; one at the end (the help's Close) would scroll the title away in a
                // frame or on a phone, so the dialog itself takes it (Tab then reaches Close).
                for sel in [".overlay", ".overlay .dialog"] {
                    if let Ok(Some(el)) = doc.query_selector(sel) {
                        el.set_scroll_top(0);
                    }
                }
                let height = gloo::utils::window()
                    .inner_height()
                    .ok()
                    .and_then(|h| h.as_f64())
                    .unwrap_or(0.0);
                dialog_controls()
                    .into_iter()
                    .next()
                    .filter(|el| el.get_bounding_client_rect().bottom() <= height)
                    .or_else(|| {
                        doc.query_selector(".overlay .dialog")
                            .ok()
                            .flatten()
                            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
                    })
            }
            // Back to the button that opened it; opened by a key, the focus stays on the page.
            None if self.from_page.get() => None,
            None => shown.and_then(html_element),
        };
        if let Some(el) = target {
            let _ = el.focus();
        }
        self.shown.set(open);
    }
}
