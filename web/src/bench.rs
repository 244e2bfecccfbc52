//! The explorer benchmark compiled to wasm, and a probe of the core's history for the
//! end-to-end tests. The benchmark: `scripts/measure.sh` calls it in headless Chromium
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

/// The core's history of the run a query describes, as JSON, for the end-to-end tests to
/// compare with what the page draws: the lanes, the RCU history (`daxlab_core::history::rcu`
/// at the end of the run: grace periods with whom they waited for and what they freed,
/// read-side sections), every wake-up (`daxlab_core::timeline::wakes_of`) and the violation.
/// Serialized from plain structs: `serde_json::json!` built the same through `Value`, whose
/// code cost the page 9 KiB of gzip for this test probe.
#[wasm_bindgen]
pub fn history_json(query: &str) -> String {
    use serde::Serialize;
    #[derive(Serialize)]
    struct History {
        steps: usize,
        lanes: Vec<String>,
        grace_periods: Vec<GracePeriod>,
        sections: Vec<Section>,
        wakes: Vec<Wake>,
        violation: Option<Violation>,
    }
    #[derive(Serialize)]
    struct GracePeriod {
        number: u8,
        start: usize,
        end: Option<usize>,
        waited_for: Vec<String>,
        freed: Vec<Freed>,
    }
    #[derive(Serialize)]
    struct Freed {
        step: usize,
        ino: u8,
    }
    #[derive(Serialize)]
    struct Section {
        thread: String,
        start: usize,
        end: Option<usize>,
    }
    #[derive(Serialize)]
    struct Wake {
        step: usize,
        waker: String,
        woken: String,
        bucket: Option<u8>,
        passed: bool,
    }
    #[derive(Serialize)]
    struct Violation {
        step: usize,
        thread: String,
        kind: &'static str,
    }
    let st = crate::state::AppState::from_query(query);
    let mut s = st.session.clone();
    s.seek(s.len());
    let m = s.model();
    let name = |t: daxlab_core::Tid| m.name(t).to_string();
    let names = |mask: u16| -> Vec<String> {
        (0..m.threads().len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| name(daxlab_core::Tid(i as u8)))
            .collect()
    };
    let h = daxlab_core::history::rcu(&s);
    let mut lanes: Vec<String> = m.threads().iter().map(|t| t.name.clone()).collect();
    lanes.push("RCU".into());
    let history = History {
        steps: s.len(),
        lanes,
        grace_periods: h
            .grace_periods
            .iter()
            .map(|g| GracePeriod {
                number: g.number,
                start: g.start,
                end: g.end,
                waited_for: names(g.waited_for),
                freed: g
                    .freed
                    .iter()
                    .map(|&(step, ino)| Freed { step, ino })
                    .collect(),
            })
            .collect(),
        sections: h
            .sections
            .iter()
            .map(|x| Section {
                thread: name(x.tid),
                start: x.start,
                end: x.end,
            })
            .collect(),
        wakes: s
            .events()
            .iter()
            .enumerate()
            .flat_map(|(i, e)| daxlab_core::timeline::wakes_of(i + 1, e))
            .map(|w| Wake {
                step: w.step,
                waker: name(w.waker),
                woken: name(w.woken),
                bucket: w.bucket,
                passed: w.passed,
            })
            .collect(),
        violation: s.events().iter().enumerate().find_map(|(i, e)| {
            e.violation.as_ref().map(|v| Violation {
                step: i + 1,
                thread: name(v.tid),
                kind: v.kind.name(),
            })
        }),
    };
    serde_json::to_string(&history).unwrap_or_default()
}
