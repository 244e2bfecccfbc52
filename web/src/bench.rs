//! The explorer benchmark compiled to wasm: `scripts/measure.sh` calls it in headless Chromium
//! (through the bindings trunk exposes as `window.wasmBindings`) and compares with native.

use daxlab_core::explore::{Config, explore};
use daxlab_core::{Options, Variant, scenario};
use wasm_bindgen::prelude::*;

/// Search `scenario` under `variant` completely `repeats` times; returns JSON with the states,
/// the best time in milliseconds and states per second, or an error message.
#[wasm_bindgen]
pub fn bench_explore(name: &str, variant: &str, repeats: u32) -> String {
    let Some(s) = scenario(name) else {
        return format!("{{\"error\":\"unknown scenario {name:?}\"}}");
    };
    let Ok(v) = variant.parse::<Variant>() else {
        return format!("{{\"error\":\"unknown variant {variant:?}\"}}");
    };
    let model = s.model(Options::new(v));
    let perf = web_sys::window().and_then(|w| w.performance());
    let now = || perf.as_ref().map_or(0.0, |p| p.now());
    let mut best = f64::INFINITY;
    let mut states = 0;
    for _ in 0..repeats.max(1) {
        let t0 = now();
        let r = explore(&model, Config::default());
        best = best.min(now() - t0);
        states = r.states;
    }
    format!(
        "{{\"scenario\":\"{}\",\"variant\":\"{}\",\"states\":{states},\"millis\":{best},\"states_per_second\":{}}}",
        s.name,
        v.name(),
        states as f64 / (best / 1000.0).max(1e-9)
    )
}

/// Panic on purpose, so the end-to-end tests can check that a panic inside wasm shows the error
/// panel instead of a blank page. Nothing in the app calls it.
#[wasm_bindgen]
pub fn trigger_panic_for_tests() {
    panic!("panic requested by trigger_panic_for_tests()");
}
