//! Component tests in headless Chromium.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_app_renders_every_scenario() {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<daxlab_web::App>::with_root(root.clone()).render();
    yew::platform::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(root.query_selector_all("li").unwrap().length(), 8);
}
