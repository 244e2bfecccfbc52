//! The search worker: trunk builds this binary as a Web Worker (`data-type="worker"` in
//! index.html) with its own wasm, so a search never blocks the page's thread. It says `ready`,
//! then serves the request in ticks of `TICK_MS`, returning to its event loop between ticks so
//! that the page's `pause` hint arrives: after one it sleeps `PAUSE_MS` and leaves the
//! processor to the page (`search::Pauses`). After `done` it waits for the page's next request;
//! the page cancels a search by terminating the worker.

use daxlab_web::search::{PAUSE, Pauses, Reply, Serving, TICK_MS};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Progress messages at most this often.
const PROGRESS_EVERY_MS: f64 = 100.0;

/// The worker's state between ticks.
#[derive(Default)]
struct Worker {
    serving: Option<Serving>,
    /// The page's pause hints.
    pauses: Pauses,
    /// A tick is already scheduled.
    scheduled: bool,
}

fn now() -> f64 {
    js_sys::Date::now()
}

fn main() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let post = {
        let scope = scope.clone();
        move |r: Reply| {
            let _ = scope.post_message(&JsValue::from_str(&r.encode()));
        }
    };
    let state = Rc::new(RefCell::new(Worker::default()));
    // Ticks run from a message channel (a zero-delay yield: nested timers are clamped to 4 ms)
    // or, while paused, from a timer.
    let Ok(channel) = web_sys::MessageChannel::new() else {
        post(Reply::Error("the worker has no MessageChannel".into()));
        return;
    };
    let kick = channel.port2();
    // The tick's own function, to schedule itself on a timer (filled in once it exists).
    let itself: Rc<RefCell<Option<js_sys::Function>>> = Rc::default();
    let tick = Closure::<dyn FnMut()>::new({
        let (state, post, scope, kick) = (state.clone(), post.clone(), scope.clone(), kick.clone());
        let itself = itself.clone();
        move || {
            let mut w = state.borrow_mut();
            w.scheduled = false;
            let wait = w.pauses.wait(now());
            let done = if wait > 0.0 {
                false
            } else if let Some(s) = w.serving.as_mut() {
                s.tick(&now, TICK_MS, &mut |r| post(r))
            } else {
                true
            };
            if done {
                w.serving = None;
                return;
            }
            w.scheduled = true;
            if wait > 0.0 {
                if let Some(f) = itself.borrow().as_ref() {
                    let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(
                        f,
                        wait.ceil() as i32,
                    );
                }
            } else {
                let _ = kick.post_message(&JsValue::NULL);
            }
        }
    });
    let tick_fn: js_sys::Function = tick.as_ref().unchecked_ref::<js_sys::Function>().clone();
    *itself.borrow_mut() = Some(tick_fn.clone());
    channel.port1().set_onmessage(Some(&tick_fn));
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new({
        let (state, post) = (state.clone(), post.clone());
        move |e: web_sys::MessageEvent| {
            let msg = e.data().as_string().unwrap_or_default();
            let mut w = state.borrow_mut();
            if msg == PAUSE {
                w.pauses.hint(now());
                return;
            }
            match Serving::start(&msg, now(), PROGRESS_EVERY_MS) {
                Ok(s) => w.serving = Some(s),
                Err(e) => return post(e),
            }
            if !w.scheduled {
                w.scheduled = true;
                let _ = kick.post_message(&JsValue::NULL);
            }
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    tick.forget();
    post(Reply::Ready);
}
