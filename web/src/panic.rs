//! A panic inside wasm must never leave a blank page: the hook writes an error panel (as text,
//! never HTML) on top of whatever the page shows, and logs to the console.

use wasm_bindgen::JsCast;

/// Install the hook through Yew, which would otherwise replace it with its console-only hook
/// when the app is rendered. Safe to call more than once.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = info.to_string();
        gloo::console::error!(format!("daxlab panicked: {message}"));
        show(&message);
    }));
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
