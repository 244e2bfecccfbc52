//! daxlab-web: a Yew app that draws daxlab-core's world and forwards the student's choices.
//! It holds no kernel logic: everything it shows is read from a `daxlab_core::Session` through
//! [`state::AppState`]; this file only wires browser events, timers and the URL to it.

use focus::{DialogFocus, focus_id, focused_id, keep_focus, open_dialog, wrap_tab};
use gloo::events::EventListener;
use gloo::timers::callback::{Interval, Timeout};
use state::{Action, AppState};
use wasm_bindgen::JsCast;
use yew::prelude::*;

pub mod bench;
pub mod builder;
mod download;
pub mod exercise;
pub mod figures;
pub(crate) mod focus;
pub mod lessons;
pub mod notes_api;
mod panic;
pub mod params;
pub mod search;
mod search_view;
pub mod stage;
pub mod state;
pub mod teach;
mod teach_view;
mod view;

/// Install the panic hook and mount the app on `#app` (or the body).
pub fn start() {
    mark("daxlab-start");
    panic::install();
    match gloo::utils::document().get_element_by_id("app") {
        Some(root) => {
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}

/// Properties of the app: tests pass a query; the page reads its own URL.
#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// The query string to start from instead of the page's URL (for tests).
    #[prop_or_default]
    pub query: Option<AttrValue>,
}

/// Messages of the component.
pub enum Msg {
    /// A student action.
    Act(Action),
    /// Copy the share link.
    Share,
    /// The clipboard took the link (`Ok`) or refused it (`Err`, why).
    Copied(String, Result<(), String>),
    /// Move the lesson by this many steps.
    LessonStep(isize),
    /// Put the keyboard focus on the control with this id (pickers, boxes, the scrubber).
    Focus(&'static str),
    /// Write a file: a figure, the run or the report.
    Export(stage::Export),
    /// The window was resized: measure the timeline again.
    Resized,
    /// A message from the course notes embedding the view (see `notes_api`).
    Host(notes_api::HostMessage),
    /// The search worker could not start, failed or panicked: search on the page instead.
    WorkerFailed(String),
    /// A lesson's prose arrived (`lessons/NAME.json`), or why it did not.
    LessonProse(&'static str, Result<String, String>),
}

/// The search worker, with its handlers. It outlives its search: the next search reuses it,
/// so its wasm is compiled once (a compile competes with the page's steps for the processor).
struct WorkerRun {
    worker: web_sys::Worker,
    /// The worker has said `ready`.
    ready: std::rc::Rc<std::cell::Cell<bool>>,
    /// A search is running in it (a cancelled one ends only with the worker).
    busy: std::rc::Rc<std::cell::Cell<bool>>,
    /// The request to send once it is ready.
    pending: std::rc::Rc<std::cell::RefCell<Option<String>>>,
    _on_message: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for WorkerRun {
    fn drop(&mut self) {
        // Cancelling a search ends the worker at once, wherever it is.
        self.worker.terminate();
    }
}

impl WorkerRun {
    /// Start the search `request` in this (idle) worker.
    fn start(&self, request: String) {
        self.busy.set(true);
        if self.ready.get() {
            let _ = self
                .worker
                .post_message(&wasm_bindgen::JsValue::from_str(&request));
        } else {
            *self.pending.borrow_mut() = Some(request);
        }
    }
}

/// The worker's start script (`web/daxlab-worker-loader.js`, copied next to index.html), which loads
/// what trunk emits for `bin/daxlab-worker.rs`.
const WORKER_URL: &str = "./daxlab-worker-loader.js";

/// Start a worker; it answers through `link`.
fn spawn_worker(link: &html::Scope<App>) -> Result<WorkerRun, wasm_bindgen::JsValue> {
    use search::Reply;
    use wasm_bindgen::closure::Closure;
    let worker = web_sys::Worker::new(WORKER_URL)?;
    let ready: std::rc::Rc<std::cell::Cell<bool>> = std::rc::Rc::default();
    let busy: std::rc::Rc<std::cell::Cell<bool>> = std::rc::Rc::default();
    let pending: std::rc::Rc<std::cell::RefCell<Option<String>>> = std::rc::Rc::default();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new({
        let (to, l) = (worker.clone(), link.clone());
        let (ready, busy, pending) = (
            std::rc::Rc::clone(&ready),
            std::rc::Rc::clone(&busy),
            pending.clone(),
        );
        move |e: web_sys::MessageEvent| {
            let msg = e.data().as_string().unwrap_or_default();
            match Reply::decode(&msg) {
                Some(Reply::Ready) => {
                    ready.set(true);
                    if let Some(request) = pending.borrow_mut().take() {
                        let _ = to.post_message(&wasm_bindgen::JsValue::from_str(&request));
                    }
                }
                Some(Reply::Progress(p)) => l.send_message(Msg::Act(Action::SearchProgress(p))),
                Some(Reply::Done(v)) => {
                    busy.set(false);
                    l.send_message(Msg::Act(Action::SearchDone(v)));
                }
                Some(Reply::Error(e)) => l.send_message(Msg::WorkerFailed(e)),
                None => {}
            }
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let l = link.clone();
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        e.prevent_default();
        let what = e
            .dyn_ref::<web_sys::ErrorEvent>()
            .map(|e| e.message())
            .unwrap_or_else(|| "it could not start".into());
        l.send_message(Msg::WorkerFailed(what));
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(WorkerRun {
        worker,
        ready,
        busy,
        pending,
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// The application component.
pub struct App {
    st: AppState,
    // One callback for every control, made once, so figures can tell when nothing changed.
    send: Callback<Action>,
    _resize: Option<EventListener>,
    // The progress text last written to localStorage.
    saved: String,
    // The teacher page's codes last written to sessionStorage (or read from it).
    teacher_saved: String,
    play: Option<(Interval, f64)>,
    search: Option<Timeout>,
    /// The worker running the search, if one does.
    worker: Option<WorkerRun>,
    /// A worker failed once: search on the page from now on.
    no_worker: bool,
    _keys: Option<EventListener>,
    /// Whether the single-key shortcuts are on, as the last view showed: read by the key
    /// listener, which decides what a key does when it is pressed.
    keys_on: std::rc::Rc<std::cell::Cell<bool>>,
    reads_url: bool,
    // The address bar is updated at most every URL_EVERY_MS while stepping fast: browsers
    // throttle history.replaceState, and a teacher only needs the settled view in the URL.
    url_pending: std::rc::Rc<std::cell::RefCell<Option<String>>>,
    url_timer: Option<Timeout>,
    notes: notes_api::Notes,
    /// The first view was built (for the `daxlab-view` mark).
    viewed: std::cell::Cell<bool>,
    /// The timeline box's `clientWidth` when last measured, and the figure width it gave:
    /// the padding is read only when that changes, not after every step's render.
    tl_box: (i32, f64),
    /// The dialog whose focus was placed last, shared with the task that places it.
    dialog: std::rc::Rc<DialogFocus>,
    /// An element to focus after the next render (by id).
    focus_after: Option<String>,
    /// The focused element's id before this update: a control that the render replaces or
    /// disables (Find a bug becoming Stop search, Forward at the end, a Step button whose
    /// thread sleeps) would leave the focus on the page itself.
    focused_before: Option<String>,
    /// What the page said at the last render (messages, a challenge's verdict), so that a new
    /// one is scrolled into sight: on a phone they sit far above the buttons that caused them.
    said: (usize, Option<String>, bool),
}

const URL_EVERY_MS: u32 = 150;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn page_url_without_query() -> String {
    let loc = gloo::utils::window().location();
    format!(
        "{}{}",
        loc.origin().unwrap_or_default(),
        loc.pathname().unwrap_or_default()
    )
}

/// The action a key stands for, if any (see `view::SHORTCUTS`).
fn key_action(key: &str) -> Option<Msg> {
    let act = |a| Some(Msg::Act(a));
    match key {
        "ArrowLeft" => act(Action::Back),
        "ArrowRight" => act(Action::Forward),
        "Home" => act(Action::Home),
        "End" => act(Action::End),
        " " | "Spacebar" => act(Action::TogglePlay),
        "+" | "=" => act(Action::Faster),
        "-" | "_" => act(Action::Slower),
        "r" => act(Action::Reset),
        "n" => act(Action::NextSeed),
        "f" => act(Action::FindBug),
        "s" => Some(Msg::Share),
        "?" => act(Action::ToggleHelp),
        "e" => act(Action::ToggleEmbedDialog),
        // A hint costs points: the key puts the focus on the button, whose label says what
        // the next hint costs, and Enter takes it (it used to be spent at once).
        "h" => Some(Msg::Focus("hint")),
        "b" => act(Action::ToggleBuilder),
        "c" => Some(Msg::Focus("scenario")),
        "v" => Some(Msg::Focus("variant")),
        "w" => Some(Msg::Focus("truncate")),
        "k" => Some(Msg::Focus("schedule-box")),
        "d" => Some(Msg::Focus("seed-box")),
        "g" => Some(Msg::Focus("scrubber")),
        "p" => Some(Msg::Focus("compare")),
        "z" => act(Action::ZoomIn),
        "x" => act(Action::ZoomOut),
        "0" => act(Action::ZoomFit),
        "l" => act(Action::ToggleAllListings),
        "a" => act(Action::ToggleTables),
        k if stage::Export::from_key(k).is_some() => stage::Export::from_key(k).map(Msg::Export),
        "[" => Some(Msg::LessonStep(-1)),
        "]" => Some(Msg::LessonStep(1)),
        "Escape" => act(Action::Escape),
        k if k.len() == 1 && ('1'..='9').contains(&k.chars().next().unwrap_or('0')) => {
            let n = k.parse::<usize>().unwrap_or(1);
            act(Action::StepColumn(n - 1))
        }
        _ => None,
    }
}

/// What a key pressed on the page does, decided as it is pressed: a message for the App, its
/// default action prevented, or nothing (the browser's own: typing, pressing a focused
/// button). Not in the App's update: a key pressed while Yew yields to the browser after a
/// long render (past 16 ms) reaches the update only after the browser has taken its default
/// action (Space scrolling the page, Tab leaving a dialog). The page as drawn when the key
/// is pressed decides: whether a dialog is open, and `keys_on`, whether the single-key
/// shortcuts are on.
fn on_key(e: &KeyboardEvent, keys_on: bool) -> Option<Msg> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let target = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    let typing = target
        .as_ref()
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
    let doc = gloo::utils::document();
    // The teacher's page (no visualizer drawn) has no shortcuts: its boxes and buttons only.
    doc.query_selector(".daxlab").ok().flatten()?;
    let key = e.key();
    // Space and Enter on a focused button, link or summary press it, as a keyboard or
    // screen-reader user expects: the page's Space (play) must not take them.
    if (key == " " || key == "Enter")
        && target.as_ref().is_some_and(|el| {
            matches!(el.tag_name().as_str(), "BUTTON" | "A" | "SUMMARY")
                || el
                    .get_attribute("role")
                    .is_some_and(|r| matches!(r.as_str(), "button" | "link" | "checkbox" | "tab"))
        })
    {
        return None;
    }
    // Escape in a picker or a box gives the keys back to the page: focus leaves it.
    if typing
        && key == "Escape"
        && let Some(el) = target
            .as_ref()
            .and_then(|t| t.dyn_ref::<web_sys::HtmlElement>())
    {
        let _ = el.blur();
    }
    // Typing, or a dialog open (its buttons take Enter and Tab): only Escape.
    let dialog = doc
        .query_selector(".daxlab .overlay[role=dialog]")
        .ok()
        .flatten()
        .is_some();
    if dialog && key == "Tab" {
        // Tab and Shift+Tab go round the dialog's controls, never out of it.
        wrap_tab(e);
        return None;
    }
    if (typing || dialog) && key != "Escape" {
        return None;
    }
    // Turned off in the help: no printable key acts (arrows, Home, End, Esc do).
    if !state::key_works(keys_on, &key) {
        return None;
    }
    let msg = key_action(&key)?;
    e.prevent_default();
    Some(msg)
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let (query, reads_url) = match &ctx.props().query {
            Some(q) => (q.to_string(), false),
            None => (
                gloo::utils::window()
                    .location()
                    .search()
                    .unwrap_or_default(),
                true,
            ),
        };
        let store = storage();
        let progress = load_progress(store.as_ref());
        let char_keys = store
            .and_then(|s| s.get_item(KEYS_KEY).ok().flatten())
            .is_none_or(|v| v != "off");
        let link = ctx.link().clone();
        let keys_on = std::rc::Rc::new(std::cell::Cell::new(char_keys));
        // Not passive: a handled key's default (scrolling, for the arrows) is prevented.
        let keys = {
            let keys_on = keys_on.clone();
            EventListener::new_with_options(
                &gloo::utils::document(),
                "keydown",
                gloo::events::EventListenerOptions::enable_prevent_default(),
                move |e| {
                    if let Some(e) = e.dyn_ref::<KeyboardEvent>()
                        && let Some(msg) = on_key(e, keys_on.get())
                    {
                        link.send_message(msg);
                    }
                },
            )
        };
        let send = {
            let link = ctx.link().clone();
            Callback::from(move |a: Action| link.send_message(Msg::Act(a)))
        };
        let resize = {
            let link = ctx.link().clone();
            EventListener::new(&gloo::utils::window(), "resize", move |_| {
                link.send_message(Msg::Resized)
            })
        };
        let saved = progress.to_storage();
        let mut st = AppState::from_query_with(&query, progress);
        st.char_keys = char_keys;
        // The teacher's pasted codes outlive a reload of the tab (sessionStorage: this tab
        // only, gone with it; nothing leaves the browser).
        if st.teacher
            && let Some(text) =
                session_storage().and_then(|s| s.get_item(TEACHER_CODES_KEY).ok().flatten())
        {
            st.teacher_text = text;
        }
        mark("daxlab-state");
        // Until the page measures it, the timeline is as wide as the window allows.
        if let Some(w) = gloo::utils::window()
            .inner_width()
            .ok()
            .and_then(|w| w.as_f64())
        {
            st.apply(Action::SetTimelineWidth(timeline_width_guess(
                w,
                Layout::of(&st),
            )));
        }
        let host = ctx.link().clone();
        let notes = notes_api::Notes::new(move |m| host.send_message(Msg::Host(m)));
        let teacher_saved = st.teacher_text.clone();
        App {
            st,
            send,
            _resize: Some(resize),
            saved,
            teacher_saved,
            play: None,
            search: None,
            worker: None,
            no_worker: false,
            _keys: Some(keys),
            keys_on,
            reads_url,
            url_pending: Default::default(),
            url_timer: None,
            notes,
            viewed: std::cell::Cell::new(false),
            tl_box: (0, 0.0),
            dialog: Default::default(),
            focus_after: None,
            focused_before: None,
            said: (0, None, false),
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        // Nothing between two updates moves the focus but a render: the last update's
        // reading is the one before the render.
        self.focused_before = focused_id();
        match msg {
            Msg::Act(a) => {
                if let Some(w) = self.worker.as_ref().filter(|w| w.busy.get())
                    && !matches!(
                        a,
                        Action::SearchProgress(_)
                            | Action::SearchDone(_)
                            | Action::SearchTick { .. }
                            | Action::SearchInWorker
                            | Action::SearchInPage
                            // Hovering the timeline redraws only its readout line.
                            | Action::Hover(_)
                    )
                {
                    // The student is acting: the worker leaves the processor to this render.
                    let _ = w.worker.post_message(&search::PAUSE.into());
                    if let Some(run) = self.st.search.as_mut() {
                        run.yielding = true;
                    }
                }
                // The Check button goes away with the answer: the focus goes to the verdict
                // (which reads it out), with Show me next in the tab order.
                if let Action::Teach(teach::TeachAction::Check(k)) = &a {
                    self.focus_after = Some(format!("prediction-{k}-verdict"));
                }
                // The tables open under the stage, below the window's edge: the focus takes
                // the reader there.
                if matches!(a, Action::LessonGo(_)) {
                    // The new step's title, prose and question sit above the Next button: the
                    // focus goes to the title, so they are read from the top.
                    self.focus_after = Some("lesson-step-title".to_string());
                }
                if matches!(a, Action::ToggleBuilder) {
                    // It opens below the tools row, ~30 stops on: the focus goes to it, and
                    // back to its button when it closes.
                    self.focus_after = Some(
                        if self.st.builder {
                            "builder-toggle"
                        } else {
                            "builder-title"
                        }
                        .to_string(),
                    );
                }
                if matches!(a, Action::ToggleTables) {
                    // Closing them gives the focus back to their button (a frame hides it:
                    // there, to the history's scrubber).
                    let closed_to = if self.st.embed {
                        "scrubber"
                    } else {
                        "tables-button"
                    };
                    self.focus_after = Some(
                        if self.st.tables {
                            closed_to
                        } else {
                            "data-tables"
                        }
                        .to_string(),
                    );
                }
                if let Action::SetCharKeys(on) = a
                    && let Some(s) = storage()
                {
                    let _ = if on {
                        s.remove_item(KEYS_KEY)
                    } else {
                        s.set_item(KEYS_KEY, "off")
                    };
                }
                let back = matches!(a, Action::BackToChallenge);
                let hints = |st: &AppState| st.challenge.as_ref().map_or(0, |c| c.hints.len());
                let before = hints(&self.st);
                self.st.apply(a);
                if back && self.st.challenge.is_some() {
                    // Its button is gone: the focus goes to the challenge, from its title.
                    self.focus_after = Some("challenge-title".to_string());
                }
                // A hint taken: the focus goes to its text, which a screen reader then reads,
                // instead of staying on the button that now offers the next, dearer hint.
                if !back
                    && hints(&self.st) > before
                    && let Some((h, _)) = self.st.challenge.as_ref().and_then(|c| c.hints.last())
                {
                    self.focus_after = Some(format!("hint-{}", h.level()));
                }
            }
            Msg::Host(m) => self.host_message(m),
            Msg::WorkerFailed(why) => {
                self.worker = None;
                self.no_worker = true;
                if self.st.searching() {
                    gloo::console::warn!(format!(
                        "daxlab: the search worker failed ({why}); searching on the page instead"
                    ));
                    self.st.apply(Action::SearchInPage);
                }
            }
            Msg::Focus(id) => {
                focus_id(id);
                return false;
            }
            Msg::LessonStep(d) => {
                // LessonGo ignores a step past the lesson's end.
                let Some(to) = self
                    .st
                    .lesson
                    .as_ref()
                    .and_then(|(_, k)| k.checked_add_signed(d))
                else {
                    return false;
                };
                return Component::update(self, ctx, Msg::Act(Action::LessonGo(to)));
            }
            Msg::Export(e) => {
                if let Err(why) = download::export(&self.st, e) {
                    self.st
                        .errors
                        .push(format!("{} could not be written: {why}.", e.what()));
                } else {
                    return false;
                }
            }
            Msg::Resized => {
                self.measure_timeline();
                return false;
            }
            Msg::LessonProse(name, text) => {
                let state = match (lessons::lesson(name), text) {
                    (Some(l), Ok(json)) => match lessons::parse_prose(l, &json) {
                        Ok(p) => lessons::ProseState::Ready(std::rc::Rc::new(p)),
                        Err(e) => lessons::ProseState::Failed(e),
                    },
                    (_, Err(e)) => lessons::ProseState::Failed(e),
                    (None, Ok(_)) => return false,
                };
                lessons::set_prose(name, state);
                return true;
            }
            Msg::Share => {
                let url = format!("{}{}", self.base(), self.st.query());
                // `navigator.clipboard` is missing outside a secure context (a lab machine
                // reached as http://host/), and a frame without `clipboard-write` refuses.
                let clipboard = gloo::utils::window().navigator().clipboard();
                if clipboard.is_undefined() || clipboard.is_null() {
                    ctx.link().send_message(Msg::Copied(
                        url,
                        Err("this page has no clipboard access (it is not served over https or from localhost)".into()),
                    ));
                } else {
                    let promise = clipboard.write_text(&url);
                    let link = ctx.link().clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let result = wasm_bindgen_futures::JsFuture::from(promise)
                            .await
                            .map(|_| ())
                            .map_err(|e| {
                                js_sys::Reflect::get(&e, &"message".into())
                                    .ok()
                                    .and_then(|m| m.as_string())
                                    .unwrap_or_else(|| "the browser refused".into())
                            });
                        link.send_message(Msg::Copied(url, result));
                    });
                }
                return false;
            }
            Msg::Copied(url, result) => {
                self.st.say_notice(match result {
                    Ok(()) => format!("Link to this view copied: {url}"),
                    Err(why) => {
                        // The Link box holds the same address: select it, ready for Ctrl+C
                        // (a frame has no Link box: the notice's own text is the link).
                        match gloo::utils::document()
                            .get_element_by_id("share-url")
                            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                        {
                            Some(input) => {
                                let _ = input.focus();
                                input.select();
                                format!(
                                    "Could not copy the link ({why}); it is selected in the Link box, ready to copy: {url}"
                                )
                            }
                            None => {
                                format!("Could not copy the link ({why}); select it here: {url}")
                            }
                        }
                    }
                });
            }
        }
        self.sync_timers(ctx);
        self.sync_url(false);
        self.save_progress();
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let share = ctx.link().callback(|_| Msg::Share);
        let export = ctx.link().callback(Msg::Export);
        let html = view::page(&self.st, &self.send, &share, &export, &self.base());
        self.keys_on.set(self.st.char_keys);
        if !self.viewed.replace(true) {
            mark("daxlab-view");
            // Runs once Yew's first pass, which puts this view and its child components in
            // the DOM, gives the thread back: before the rendered() hooks when Yew yields to
            // the browser first (past 16 ms), after them otherwise (measure.mjs takes the
            // earlier of this mark and daxlab-first-render).
            yew::platform::spawn_local(async { mark("daxlab-dom") });
        }
        // The focus kept as soon as the DOM is patched: when Yew yields to the browser before
        // the rendered() hooks, a replaced or disabled control would leave it on the page for
        // a frame or more (a key pressed then goes to the page). Whichever of this task and
        // rendered()'s own keep_focus runs second (this one when Yew does not yield) finds the
        // focus kept and does nothing; a set destination (`focus_after`) waits for rendered().
        // A dialog opening or closing moves the focus in the same way (a key pressed in the
        // yield would otherwise go to the page: Space after ? did not reach Close), and first,
        // so that the keep_focus below finds the focus on the dialog and leaves it there.
        if self.dialog.want(open_dialog(&self.st)) {
            let dialog = self.dialog.clone();
            yew::platform::spawn_local(async move { dialog.place_wanted() });
        }
        if self.focus_after.is_none()
            && let Some(id) = self.focused_before.clone()
        {
            yew::platform::spawn_local(async move { keep_focus(&id) });
        }
        html
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        if first_render {
            // Yew has put the first view in the DOM (the blank baseline marks the same moment).
            mark("daxlab-first-render");
        }
        scroll_current_lines_into_view();
        self.dialog.place(open_dialog(&self.st));
        self.show_what_is_new(first_render);
        let focused_before = self.focused_before.take();
        if let Some(id) = self.focus_after.take() {
            focus_id(&id);
        } else if let Some(id) = focused_before {
            keep_focus(&id);
        }
        self.measure_timeline();
        self.notes.after_render(notes_api::state_of(&self.st));
        if first_render {
            self.sync_timers(ctx);
            self.sync_url(true);
        }
        self.fetch_lesson_prose(ctx);
    }
}

/// `url`'s body as text, or why not.
async fn fetch_text(url: String) -> Result<String, String> {
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let why = |e: wasm_bindgen::JsValue| e.as_string().unwrap_or_else(|| format!("{e:?}"));
    let resp = JsFuture::from(window.fetch_with_str(&url))
        .await
        .map_err(why)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response".to_string())?;
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(why)?)
        .await
        .map_err(why)?;
    text.as_string().ok_or_else(|| "not text".to_string())
}

fn write_url(pending: &std::cell::RefCell<Option<String>>) {
    let Some(query) = pending.borrow_mut().take() else {
        return;
    };
    let window = gloo::utils::window();
    if window.location().search().unwrap_or_default() == query {
        return;
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&query));
    }
}

/// Keep each thread's current line visible inside its (scrolling) listing, without moving the
/// page itself. Every listing is measured before any is scrolled: a scroll between two reads
/// would make the browser lay the page out again for the next read.
fn scroll_current_lines_into_view() {
    let Ok(lists) = gloo::utils::document().query_selector_all(".listing") else {
        return;
    };
    let mut scrolls = Vec::new();
    for i in 0..lists.length() {
        let Some(list) = lists
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            continue;
        };
        let Ok(Some(current)) = list.query_selector(".current") else {
            continue;
        };
        let Ok(current) = current.dyn_into::<web_sys::HtmlElement>() else {
            continue;
        };
        let top = current.offset_top(); // .listing is position: relative
        let (view_top, height) = (list.scroll_top(), list.client_height());
        let line = current.offset_height();
        if top < view_top || top + line > view_top + height {
            // A third of the spare room above the line, so a wrapped line still fits whole,
            // moved down to where a line begins: the window's first line shows whole, not its
            // lower half.
            let want = (top - (height - line).max(0) / 3).max(0);
            let mut at = top;
            let mut before = current.previous_element_sibling();
            while let Some(e) = before {
                let Some(t) = e.dyn_ref::<web_sys::HtmlElement>().map(|h| h.offset_top()) else {
                    break;
                };
                if t < want {
                    break;
                }
                at = t;
                before = e.previous_element_sibling();
            }
            scrolls.push((list, at));
        }
    }
    for (list, top) in scrolls {
        list.set_scroll_top(top);
    }
}

/// The page's layouts, as far as the timeline's width goes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Layout {
    Main,
    Embed,
    Compare,
    Lesson,
    Exercise,
}

impl Layout {
    fn of(st: &AppState) -> Layout {
        if st.embed {
            Layout::Embed
        } else if st.compare.is_some() {
            Layout::Compare
        } else if st.lesson.is_some() {
            Layout::Lesson
        } else if st.exercise.is_some() {
            Layout::Exercise
        } else {
            Layout::Main
        }
    }
}

/// The timeline's width before the page is laid out: the window less the margins, paddings and
/// side panels of static/style.css, so that the first view is drawn at the width the page then
/// measures and the timeline is not laid out and made twice before the first paint. A wrong
/// guess costs only that: the measured width wins. The e2e test "the first view draws the
/// timeline once" checks every layout at common sizes, so a change of the stylesheet that
/// makes a guess wrong is caught there.
fn timeline_width_guess(window: f64, layout: Layout) -> f64 {
    // The page: 0.8rem of padding a side (0.3rem at 480 px and below), at most 1800 px wide,
    // and the box's own padding and border.
    let page = if window <= 480.0 {
        window - 26.0
    } else {
        window.min(1800.0) - 42.0
    };
    let w = match layout {
        // Up to 700 px the figures stack, each the frame's width less its padding.
        Layout::Embed if window <= 700.0 => window - 24.0,
        // The figures' column: one of the stage's two equal columns.
        Layout::Embed => window.min(1800.0) * 0.5 - 22.0,
        // From 1000 px two sides share the width; stacked below, inside the compare box.
        Layout::Compare if window >= 1000.0 => page / 2.0 - 19.0,
        Layout::Compare => page - 14.0,
        // Beside the lesson's or the exercise's pane from 901 px.
        Layout::Lesson if window > 900.0 => window.min(1800.0) - 438.0,
        Layout::Exercise if window > 900.0 => window.min(1800.0) - 454.0,
        Layout::Main | Layout::Lesson | Layout::Exercise => page,
    };
    w.max(100.0)
}

/// `performance.mark(name)`: `scripts/measure.sh` reads `daxlab-start` (the wasm starts),
/// `daxlab-state` (the state the URL describes is built), `daxlab-view` (the first view's
/// virtual DOM is built), `daxlab-dom` (Yew's first pass has put it in the DOM) and
/// `daxlab-first-render` (the rendered() hooks have run).
fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

impl App {
    /// The open lesson's prose is not in the wasm: fetch it once (`lessons/NAME.json`, next to
    /// the lesson pages), and draw the pane again when it arrives.
    fn fetch_lesson_prose(&self, ctx: &Context<Self>) {
        let Some((l, _)) = &self.st.lesson else {
            return;
        };
        if lessons::prose(l) != lessons::ProseState::Absent {
            return;
        }
        let name = l.name;
        lessons::set_prose(name, lessons::ProseState::Loading);
        let link = ctx.link().clone();
        wasm_bindgen_futures::spawn_local(async move {
            let text = fetch_text(format!("lessons/{name}.json")).await;
            link.send_message(Msg::LessonProse(name, text));
        });
    }

    /// Scroll a new message, or a challenge's new verdict, into sight (no scroll when it is
    /// in sight already, nor at the first render).
    fn show_what_is_new(&mut self, first_render: bool) {
        let verdict = self
            .st
            .challenge
            .as_ref()
            .is_some_and(|r| r.won.is_some() || r.proof.is_some());
        let now = (self.st.errors.len(), self.st.notice.clone(), verdict);
        // A notice that appears, not one whose text moves on (a search's progress updates it
        // ten times a second, and the page must not pull a reader back to it each time).
        let new_message = now.0 > self.said.0 || (now.1.is_some() && self.said.1.is_none());
        let new_verdict = now.2 && !self.said.2;
        self.said = now;
        if first_render {
            return;
        }
        let target = if new_verdict {
            "#challenge-solved"
        } else if new_message {
            ".messages"
        } else {
            return;
        };
        if let Ok(Some(el)) = gloo::utils::document().query_selector(target) {
            let o = web_sys::ScrollIntoViewOptions::new();
            o.set_block(web_sys::ScrollLogicalPosition::Nearest);
            el.scroll_into_view_with_scroll_into_view_options(&o);
        }
    }

    /// Measure the timeline's box and redraw it at that width if it changed.
    fn measure_timeline(&mut self) {
        let Ok(Some(el)) = gloo::utils::document().query_selector(".timeline-box") else {
            return;
        };
        let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() else {
            return;
        };
        let outer = el.client_width();
        let w = if outer == self.tl_box.0 {
            // (A new state, from a lesson or the course notes, starts from a guess: it gets
            // the width again below.)
            self.tl_box.1
        } else {
            // The content box: the figure fills it (its lanes and legend use the whole width).
            let padding: f64 = web_sys::window()
                .and_then(|w| w.get_computed_style(&el).ok().flatten())
                .map_or(0.0, |st| {
                    ["padding-left", "padding-right"]
                        .iter()
                        .filter_map(|k| st.get_property_value(k).ok())
                        .filter_map(|v| v.trim_end_matches("px").parse::<f64>().ok())
                        .sum()
                });
            let w = (outer as f64 - padding).floor() - 1.0;
            self.tl_box = (outer, w);
            w
        };
        if w > 0.0 && (w - self.st.tl.width).abs() > 1.0 {
            self.send.emit(Action::SetTimelineWidth(w));
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The tab's `sessionStorage`: the teacher's pasted codes.
fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// Where the page keeps the single-key shortcuts' setting ("off" when turned off).
const KEYS_KEY: &str = "daxlab-keys";

/// Where the teacher's page keeps the codes pasted into it.
const TEACHER_CODES_KEY: &str = "daxlab-teacher-codes";

/// The student's progress from `localStorage` (none when storage is unavailable or empty;
/// lines it cannot read are reported on the console and skipped).
fn load_progress(store: Option<&web_sys::Storage>) -> daxlab_core::teach::progress::Progress {
    let text = store
        .and_then(|s| s.get_item(teach::STORAGE_KEY).ok().flatten())
        .unwrap_or_default();
    let (p, bad) = daxlab_core::teach::progress::Progress::from_storage(&text);
    for line in bad {
        gloo::console::warn!(format!(
            "daxlab: skipped a progress line it cannot read: {line:?}"
        ));
    }
    p
}

impl App {
    /// Apply a message from the course notes (already checked for its sender and shape).
    fn host_message(&mut self, m: notes_api::HostMessage) {
        use notes_api::HostMessage;
        match m {
            HostMessage::Load(query) => {
                let (embed, char_keys) = (self.st.embed, self.st.char_keys);
                let next = AppState::from_query_with(&query, self.st.progress.clone());
                if next.teacher {
                    // The class's codes are the teacher's, in a page of their own, not a view
                    // course notes can turn a student's frame into.
                    gloo::console::warn!(format!(
                        "daxlab: ignored daxlab:load {query:?}: the teacher's page (teacher=1) opens only as a page of its own"
                    ));
                } else {
                    self.st = next;
                    self.st.embed |= embed;
                    // The student's choice (kept in the browser) outlives the course's view.
                    self.st.char_keys = char_keys;
                }
                self.notes.want_state();
            }
            HostMessage::Step(name) => match self.st.model().tid(&name) {
                Some(t) => self.st.apply(Action::Step(t)),
                None => gloo::console::warn!(format!(
                    "daxlab: ignored daxlab:step: {name:?} is not a thread of this scenario; its threads are {}",
                    daxlab_core::scenario::thread_names(self.st.model()).join(", ")
                )),
            },
            HostMessage::Goto(n) => {
                let len = self.st.session.len();
                if n > len {
                    gloo::console::warn!(format!(
                        "daxlab: daxlab:goto step {n} is beyond the history's {len} steps; going to {len}"
                    ));
                }
                self.st.apply(Action::Seek(n.min(len)));
            }
            HostMessage::FindBug => self.st.apply(Action::FindBug),
            HostMessage::Resize => self.notes.want_height(),
        }
    }

    /// Write the progress to `localStorage` when it changed.
    fn save_progress(&mut self) {
        if self.st.teacher && self.st.teacher_text != self.teacher_saved {
            if let Some(s) = session_storage() {
                let _ = s.set_item(TEACHER_CODES_KEY, &self.st.teacher_text);
            }
            self.teacher_saved.clone_from(&self.st.teacher_text);
        }
        let text = self.st.progress.to_storage();
        if text != self.saved {
            if let Some(s) = storage() {
                let _ = s.set_item(teach::STORAGE_KEY, &text);
            }
            self.saved = text;
        }
    }

    /// The page's address without its query, or nothing when a test gave the query.
    fn base(&self) -> String {
        if self.reads_url {
            page_url_without_query()
        } else {
            String::new()
        }
    }

    /// Start, retime or stop the play interval and the explorer's slices to match the state.
    fn sync_timers(&mut self, ctx: &Context<Self>) {
        if self.st.playing {
            let speed = self.st.speed;
            if self.play.as_ref().is_none_or(|(_, s)| *s != speed) {
                let link = ctx.link().clone();
                let every = (1000.0 / speed).round() as u32;
                let interval = Interval::new(every, move || {
                    link.send_message(Msg::Act(Action::Tick));
                });
                self.play = Some((interval, speed));
            }
        } else {
            self.play = None;
        }
        if self
            .st
            .exercise
            .as_ref()
            .is_some_and(exercise::ExerciseRun::busy)
        {
            // An exercise's own search runs in slices on the page's timer.
            let link = ctx.link().clone();
            self.search = Some(Timeout::new(0, move || {
                let tick = exercise::ExerciseAction::Tick { now_ms: now_ms() };
                link.send_message(Msg::Act(Action::Exercise(tick)));
            }));
            return;
        }
        if !self.st.searching() {
            self.search = None;
            // A worker still searching was cancelled: end it. An idle one waits for the next.
            if self.worker.as_ref().is_some_and(|w| w.busy.get()) {
                self.worker = None;
            }
            return;
        }
        if self.st.searching_in_page() && !self.no_worker {
            if self.worker.is_none() {
                match spawn_worker(ctx.link()) {
                    Ok(w) => self.worker = Some(w),
                    Err(_) => self.no_worker = true,
                }
            }
            if let Some(w) = &self.worker {
                w.start(search::request(self.st.model(), self.st.search_target()));
                self.st.apply(Action::SearchInWorker);
            }
        }
        if self.st.searching_in_page() {
            let link = ctx.link().clone();
            self.search = Some(Timeout::new(0, move || {
                link.send_message(Msg::Act(Action::SearchTick { now_ms: now_ms() }));
            }));
        } else {
            self.search = None;
        }
    }

    /// Reflect the view in the address bar (replace, never push, so Back leaves the page). The
    /// write is deferred and coalesced unless `now`.
    fn sync_url(&mut self, now: bool) {
        if !self.reads_url {
            return;
        }
        // A write is scheduled exactly when a query is pending (write_url takes it).
        let scheduled = self.url_pending.borrow().is_some();
        *self.url_pending.borrow_mut() = Some(self.st.query());
        if now {
            write_url(&self.url_pending);
            return;
        }
        if !scheduled {
            let pending = self.url_pending.clone();
            self.url_timer = Some(Timeout::new(URL_EVERY_MS, move || write_url(&pending)));
        }
    }
}
