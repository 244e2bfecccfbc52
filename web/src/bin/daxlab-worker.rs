//! The search worker: trunk builds this binary as a Web Worker (`data-type="worker"` in
//! index.html) with its own wasm, so a search never blocks the page's thread. It says `ready`,
//! then serves each request to its end; the page cancels a search by terminating the worker.

use daxlab_web::search::{Reply, serve};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Progress messages at most this often.
const PROGRESS_EVERY_MS: f64 = 100.0;

fn main() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let poster = scope.clone();
    let post = move |r: Reply| {
        let _ = poster.post_message(&JsValue::from_str(&r.encode()));
    };
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new({
        let post = post.clone();
        move |e: web_sys::MessageEvent| {
            let msg = e.data().as_string().unwrap_or_default();
            let now = || js_sys::Date::now();
            serve(&msg, &now, PROGRESS_EVERY_MS, &mut |r| post(r));
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(Reply::Ready);
}
