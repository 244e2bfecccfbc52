//! The course-notes API: a page that embeds the view in an iframe drives it with
//! `postMessage` and hears back after every change.
//!
//! The host sends (to the iframe's `contentWindow`):
//! - `{type: "daxlab:load", query: "?threads=mf:0,fault:0&variant=seed"}` — show another view,
//!   as if the iframe's URL had this query;
//! - `{type: "daxlab:step", thread: "mf"}` — run that thread's next step;
//! - `{type: "daxlab:goto", step: N}` — move to step N of the history (clamped to its end);
//! - `{type: "daxlab:find-bug"}` — start the explorer on the scenario shown;
//! - `{type: "daxlab:resize"}` — post the page's height now and whenever it changes.
//!
//! The view posts to its parent `{type: "daxlab:state", step, steps, thread, line, function,
//! line_number, narration, violation, runnable, scenario, query}` after every change (`thread`,
//! `line`... describe the last step taken, null at step 0; `violation` is null or `{kind,
//! thread, function, line, message}`), and `{type: "daxlab:height", height}` once asked.
//!
//! Only messages from the embedding parent are read: `event.source` must be `window.parent`
//! and `event.origin` the parent's origin (from `location.ancestorOrigins`, else the
//! referrer's origin, else the view's own). Anything else, or anything malformed, is ignored
//! with a console warning. Nothing from a message is ever inserted as HTML: a query goes
//! through the URL parser, a thread name is looked up among the scenario's threads.

use crate::state::AppState;
use daxlab_core::report::ViolationReport;
use daxlab_core::{Outcome, words};

/// The HTML a course page pastes to embed the view at `src`: the compact embed layout's size
/// (800×500), loaded lazily, allowed to copy its link. The app's embed dialog and the lesson
/// pages (`lesson-pages`) both write it.
pub fn iframe(src: &str, title: &str) -> String {
    use daxlab_draw::escape;
    format!(
        "<iframe src=\"{}\" width=\"800\" height=\"500\" title=\"daxlab: {}\" loading=\"lazy\" allow=\"clipboard-write\"></iframe>",
        escape(src),
        escape(title)
    )
}

/// The longest `query` a load message may carry.
pub const MAX_QUERY_LEN: usize = 8192;

/// A message from the host page, validated.
#[derive(Clone, Debug, PartialEq)]
pub enum HostMessage {
    /// Show the view this query describes.
    Load(String),
    /// Step the thread with this name.
    Step(String),
    /// Go to this step of the history.
    Goto(usize),
    /// Run the explorer.
    FindBug,
    /// Post the page's height, now and on every change.
    Resize,
}

/// The fields of a message as the browser gave them (read from a JavaScript object).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawMessage {
    /// `type`, when a string.
    pub kind: Option<String>,
    /// `query`, when a string.
    pub query: Option<String>,
    /// `thread`, when a string.
    pub thread: Option<String>,
    /// `step`, when a number.
    pub step: Option<f64>,
}

/// The message `raw` stands for, or why it is ignored.
pub fn parse(raw: &RawMessage) -> Result<HostMessage, String> {
    let kind = raw
        .kind
        .as_deref()
        .ok_or("a message needs a string field \"type\"")?;
    match kind {
        "daxlab:load" => match &raw.query {
            Some(q) if q.len() <= MAX_QUERY_LEN => Ok(HostMessage::Load(q.clone())),
            Some(q) => Err(format!(
                "daxlab:load: the query has {} characters; at most {MAX_QUERY_LEN} are accepted",
                q.len()
            )),
            None => Err("daxlab:load needs a string field \"query\"".into()),
        },
        "daxlab:step" => raw
            .thread
            .clone()
            .map(HostMessage::Step)
            .ok_or_else(|| "daxlab:step needs a string field \"thread\"".into()),
        "daxlab:goto" => match raw.step {
            Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 1e9 => {
                Ok(HostMessage::Goto(n as usize))
            }
            Some(n) => Err(format!(
                "daxlab:goto: step {n} is not accepted; accepted: a whole number from 0"
            )),
            None => Err("daxlab:goto needs a number field \"step\"".into()),
        },
        "daxlab:find-bug" => Ok(HostMessage::FindBug),
        "daxlab:resize" => Ok(HostMessage::Resize),
        other => Err(format!(
            "unknown message type {other:?}; accepted: daxlab:load, daxlab:step, daxlab:goto, daxlab:find-bug, daxlab:resize"
        )),
    }
}

/// The origin whose messages are accepted: the embedding page's.
pub fn parent_origin(ancestor: Option<&str>, referrer: &str, own: &str) -> String {
    if let Some(a) = ancestor.filter(|a| !a.is_empty() && *a != "null") {
        return a.to_string();
    }
    // The referrer's scheme://host[:port].
    let origin = referrer.find("://").map(|i| {
        let rest = &referrer[i + 3..];
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        &referrer[..i + 3 + end]
    });
    origin.filter(|o| o.len() > 3).unwrap_or(own).to_string()
}

/// What the view posts after each change.
#[derive(Clone, Debug, PartialEq)]
pub struct NotesState {
    /// Steps taken up to the cursor.
    pub step: usize,
    /// Steps recorded in all.
    pub steps: usize,
    /// The thread of the last step, if any.
    pub thread: Option<String>,
    /// The last step's line of code.
    pub line: Option<&'static str>,
    /// Its function.
    pub function: Option<&'static str>,
    /// Its number in the function's listing.
    pub line_number: Option<usize>,
    /// The last step's narration (empty at step 0).
    pub narration: String,
    /// The violation the run stopped at, if any.
    pub violation: Option<ViolationReport>,
    /// The threads that can run next.
    pub runnable: Vec<String>,
    /// The scenario's name (`custom` for one written as text).
    pub scenario: &'static str,
    /// The query that reproduces the view.
    pub query: String,
}

/// The state to post for `st`.
pub fn state_of(st: &AppState) -> NotesState {
    let m = st.model();
    let s = &st.session;
    let last = s.last_event();
    NotesState {
        step: s.cursor(),
        steps: s.len(),
        thread: last.map(|e| m.name(e.tid).to_string()),
        line: last.map(|e| e.line.text()),
        function: last.map(|e| e.line.func().name_in(m.code())),
        line_number: last.map(|e| e.line.number_in(m.code())),
        narration: last.map(|e| words::narration(m, e)).unwrap_or_default(),
        violation: match s.outcome() {
            Outcome::Violation(v) => Some(ViolationReport::new(&v, m)),
            _ => None,
        },
        runnable: m
            .runnable(s.world())
            .into_iter()
            .map(|t| m.name(t).to_string())
            .collect(),
        scenario: m.scenario(),
        query: st.query(),
    }
}

#[cfg(target_arch = "wasm32")]
pub use browser::Notes;

/// Outside the browser (native tests) the view has no host page.
#[cfg(not(target_arch = "wasm32"))]
pub struct Notes;

#[cfg(not(target_arch = "wasm32"))]
impl Notes {
    /// No host page: nothing to listen to.
    pub fn new(_deliver: impl Fn(HostMessage) + 'static) -> Notes {
        Notes
    }
    /// No host page: nothing to post.
    pub fn want_height(&mut self) {}
    /// No host page: nothing to post.
    pub fn want_state(&mut self) {}
    /// No host page: nothing to post.
    pub fn after_render(&mut self, _state: NotesState) {}
}

#[cfg(target_arch = "wasm32")]
mod browser {
    //! The browser side: the `message` listener and the posts to the parent.

    use super::{HostMessage, NotesState, RawMessage, parent_origin, parse};
    use gloo::events::EventListener;
    use js_sys::{Array, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    /// The view's link to its host page.
    pub struct Notes {
        _listener: Option<EventListener>,
        parent: Option<web_sys::Window>,
        /// Whether posts can reach the parent (its origin is known, or it is this one).
        can_post: bool,
        origin: String,
        last: Option<NotesState>,
        height: Option<i32>,
        wants_height: bool,
    }

    fn window() -> web_sys::Window {
        gloo::utils::window()
    }

    /// The parent window, when the view is embedded.
    fn embedding_parent() -> Option<web_sys::Window> {
        let w = window();
        let parent = w.parent().ok().flatten()?;
        (!Object::is(&parent, &w)).then_some(parent)
    }

    fn origin_of_parent() -> String {
        let loc = window().location();
        // Chromium and WebKit list the embedding pages' origins; Firefox does not.
        let ancestor = Reflect::get(&loc, &"ancestorOrigins".into())
            .ok()
            .filter(|l| l.is_object())
            .and_then(|l| Reflect::get(&l, &0.into()).ok())
            .and_then(|o| o.as_string());
        let referrer = gloo::utils::document().referrer();
        parent_origin(
            ancestor.as_deref(),
            &referrer,
            &loc.origin().unwrap_or_default(),
        )
    }

    fn string(data: &JsValue, key: &str) -> Option<String> {
        Reflect::get(data, &key.into()).ok()?.as_string()
    }

    fn raw(data: &JsValue) -> Option<RawMessage> {
        if !data.is_object() {
            return None;
        }
        Some(RawMessage {
            kind: string(data, "type"),
            query: string(data, "query"),
            thread: string(data, "thread"),
            step: Reflect::get(data, &"step".into()).ok()?.as_f64(),
        })
    }

    impl Notes {
        /// Listen for the parent's messages and hand the valid ones to `deliver`; does
        /// nothing when the view is not embedded.
        pub fn new(deliver: impl Fn(HostMessage) + 'static) -> Notes {
            let parent = embedding_parent();
            let origin = origin_of_parent();
            // Posting needs the parent's origin: when it could not be learned (a sandboxed or
            // about:blank parent, whose origin is "null") the fallback, the view's own origin,
            // is right only for a same-origin parent; otherwise every post would be refused,
            // with a console warning, and deliver nothing.
            let own = window().location().origin().unwrap_or_default();
            let can_post = parent
                .as_ref()
                .is_some_and(|p| origin != own || p.location().origin().is_ok_and(|o| o == own));
            let listener = parent.as_ref().map(|parent| {
                let parent = parent.clone();
                let origin = origin.clone();
                EventListener::new(&window(), "message", move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() else {
                        return;
                    };
                    let from_parent = e.source().is_some_and(|s| Object::is(&s, &parent));
                    if !from_parent || e.origin() != origin {
                        gloo::console::warn!(format!(
                            "daxlab: ignored a message from {:?}: only the embedding page ({origin}) may drive this view",
                            e.origin()
                        ));
                        return;
                    }
                    match raw(&e.data()).ok_or_else(|| "a message must be an object".to_string())
                        .and_then(|r| parse(&r))
                    {
                        Ok(m) => deliver(m),
                        Err(why) => gloo::console::warn!(format!("daxlab: ignored a message: {why}")),
                    }
                })
            });
            Notes {
                _listener: listener,
                parent,
                can_post,
                origin,
                last: None,
                height: None,
                wants_height: false,
            }
        }

        /// Post the state after the next render even if it did not change (the answer to a
        /// `daxlab:load`, which the host may be waiting for).
        pub fn want_state(&mut self) {
            self.last = None;
        }

        /// The host asked for the height: post it now and on every change.
        pub fn want_height(&mut self) {
            self.wants_height = true;
            self.height = None;
        }

        /// After a render: post the state if it changed, and the height if asked and changed.
        pub fn after_render(&mut self, state: NotesState) {
            let Some(parent) = self.parent.as_ref().filter(|_| self.can_post) else {
                return;
            };
            if self.last.as_ref() != Some(&state) {
                let _ = parent.post_message(&state_object(&state), &self.origin);
                self.last = Some(state);
            }
            if self.wants_height {
                let document = gloo::utils::document();
                // In embed mode the app fills the frame (100vh, overflow hidden) and its panes
                // scroll (or a squeezed grid row clips): the content's height is the page's plus what those hide.
                let hidden: i32 = [".daxlab", ".stage", ".threads"]
                    .iter()
                    .filter_map(|sel| document.query_selector(sel).ok().flatten())
                    .map(|e| (e.scroll_height() - e.client_height()).max(0))
                    .sum();
                let height = document.document_element().map_or(0, |e| e.scroll_height()) + hidden;
                if self.height != Some(height) {
                    let o = Object::new();
                    set(&o, "type", &"daxlab:height".into());
                    set(&o, "height", &height.into());
                    let _ = parent.post_message(&o, &self.origin);
                    self.height = Some(height);
                }
            }
        }
    }

    fn set(o: &Object, key: &str, value: &JsValue) {
        let _ = Reflect::set(o, &key.into(), value);
    }

    fn opt_str(s: Option<&str>) -> JsValue {
        s.map_or(JsValue::NULL, JsValue::from_str)
    }

    fn state_object(s: &NotesState) -> Object {
        let o = Object::new();
        set(&o, "type", &"daxlab:state".into());
        set(&o, "step", &(s.step as f64).into());
        set(&o, "steps", &(s.steps as f64).into());
        set(&o, "thread", &opt_str(s.thread.as_deref()));
        set(&o, "line", &opt_str(s.line));
        set(&o, "function", &opt_str(s.function));
        set(
            &o,
            "line_number",
            &s.line_number.map_or(JsValue::NULL, |n| (n as f64).into()),
        );
        set(&o, "narration", &s.narration.as_str().into());
        let violation = s.violation.as_ref().map_or(JsValue::NULL, |v| {
            let vo = Object::new();
            set(&vo, "kind", &v.kind.name().into());
            set(&vo, "thread", &v.thread.as_str().into());
            set(&vo, "function", &v.function.into());
            set(&vo, "line", &v.line.into());
            set(&vo, "message", &v.message.as_str().into());
            vo.into()
        });
        set(&o, "violation", &violation);
        let runnable: Array = s.runnable.iter().map(|n| JsValue::from_str(n)).collect();
        set(&o, "runnable", &runnable);
        set(&o, "scenario", &s.scenario.into());
        set(&o, "query", &s.query.as_str().into());
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(kind: &str) -> RawMessage {
        RawMessage {
            kind: Some(kind.into()),
            ..RawMessage::default()
        }
    }

    #[test]
    fn iframe_code_escapes_its_address_and_title() {
        let code = iframe("?scenario=null-mapping&step=8", "Bob's \"first\" <look>");
        assert_eq!(
            code,
            "<iframe src=\"?scenario=null-mapping&amp;step=8\" width=\"800\" height=\"500\" title=\"daxlab: Bob&#39;s &quot;first&quot; &lt;look&gt;\" loading=\"lazy\" allow=\"clipboard-write\"></iframe>"
        );
    }

    #[test]
    fn each_message_type_is_read_and_malformed_ones_say_why() {
        let load = RawMessage {
            query: Some("?scenario=self-deadlock".into()),
            ..raw("daxlab:load")
        };
        assert_eq!(
            parse(&load),
            Ok(HostMessage::Load("?scenario=self-deadlock".into()))
        );
        let step = RawMessage {
            thread: Some("mf".into()),
            ..raw("daxlab:step")
        };
        assert_eq!(parse(&step), Ok(HostMessage::Step("mf".into())));
        let goto = RawMessage {
            step: Some(7.0),
            ..raw("daxlab:goto")
        };
        assert_eq!(parse(&goto), Ok(HostMessage::Goto(7)));
        assert_eq!(parse(&raw("daxlab:find-bug")), Ok(HostMessage::FindBug));
        assert_eq!(parse(&raw("daxlab:resize")), Ok(HostMessage::Resize));
        for (bad, why) in [
            (RawMessage::default(), "\"type\""),
            (raw("daxlab:load"), "\"query\""),
            (raw("daxlab:step"), "\"thread\""),
            (raw("daxlab:goto"), "\"step\""),
            (
                RawMessage {
                    step: Some(-1.0),
                    ..raw("daxlab:goto")
                },
                "step -1",
            ),
            (
                RawMessage {
                    step: Some(2.5),
                    ..raw("daxlab:goto")
                },
                "step 2.5",
            ),
            (
                RawMessage {
                    step: Some(f64::NAN),
                    ..raw("daxlab:goto")
                },
                "NaN",
            ),
            (raw("daxlab:explode"), "daxlab:find-bug"),
            (
                RawMessage {
                    query: Some("x".repeat(MAX_QUERY_LEN + 1)),
                    ..raw("daxlab:load")
                },
                "at most 8192",
            ),
        ] {
            let e = parse(&bad).expect_err(&format!("{bad:?}"));
            assert!(e.contains(why), "{bad:?}: {e}");
        }
    }

    #[test]
    fn the_parent_origin_comes_from_ancestors_then_the_referrer() {
        let own = "http://127.0.0.1:8080";
        assert_eq!(
            parent_origin(Some("https://notes.example"), "", own),
            "https://notes.example"
        );
        assert_eq!(
            parent_origin(None, "https://notes.example:8443/week7.html?x#y", own),
            "https://notes.example:8443"
        );
        assert_eq!(parent_origin(None, "", own), own);
        assert_eq!(parent_origin(Some("null"), "nonsense", own), own);
    }

    #[test]
    fn the_state_names_the_last_step_and_the_violation() {
        let st = AppState::from_query("?scenario=null-mapping&variant=seed&schedule=trunc*8,mf*4");
        let s = state_of(&st);
        assert_eq!((s.step, s.steps), (12, 12));
        assert_eq!(s.thread.as_deref(), Some("mf"));
        assert_eq!(s.function, Some("dax_lock_mapping_entry"));
        assert!(!s.narration.is_empty());
        let v = s.violation.expect("NULL dereference");
        assert_eq!(v.kind.name(), "null-deref");
        assert!(s.query.contains("schedule=trunc*8%2Cmf*4"), "{}", s.query);
        let start = state_of(&AppState::from_query("?scenario=null-mapping&schedule="));
        assert_eq!(start.step, 0);
        assert_eq!(start.thread, None);
        assert_eq!(start.violation, None);
        assert_eq!(start.runnable, ["mf", "fault", "trunc"]);
    }
}
