//! A panic inside wasm must never leave a blank page: the hook writes an error panel (as text,
//! never HTML) on top of whatever the page shows, and logs to the console.

use wasm_bindgen::JsCast;

/// Install the hook through Yew, which would otherwise replace it with its console-only hook
/// when the app is rendered, and the page's listener for errors thrown through the wasm. Call
/// once.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = info.to_string();
        gloo::console::error!(format!("daxlab panicked: {message}"));
        show(&message);
    }));
    // A JavaScript exception thrown through the wasm (a browser API that is missing or
    // refuses) unwinds Yew's scheduler mid-update: the page would stop answering without a
    // word. Such an error carries wasm frames in its stack; other scripts' errors do not.
    let on_error = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(
        |e: web_sys::ErrorEvent| {
            let stack = js_sys::Reflect::get(&e.error(), &"stack".into())
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default();
            if stack.contains("wasm://") || stack.contains(".wasm") {
                show(&e.message());
            }
        },
    );
    let _ = gloo::utils::window()
        .add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
    // Once, for the page's life.
    on_error.forget();
}

/// Show the error panel with `message`.
pub fn show(message: &str) {
    let document = gloo::utils::document();
    let panel = match document.get_element_by_id("panic-panel") {
        Some(p) => p,
        None => {
            let Ok(p) = document.create_element("div") else {
                return;
            };
            p.set_id("panic-panel");
            let _ = p.set_attribute("role", "alert");
            if let Some(body) = document.body() {
                let _ = body.prepend_with_node_1(&p);
            }
            p
        }
    };
    panel.set_text_content(Some(&format!(
        "daxlab hit an internal error and stopped. Reload the page to start again. Details: {message}"
    )));
    if let Some(el) = panel.dyn_ref::<web_sys::HtmlElement>() {
        let _ = el.style().set_property("display", "block");
    }
}
