//! A blank Yew app: one component that renders a heading. `scripts/measure.sh` builds it with
//! the same profile, wasm-opt level and trunk as the visualizer and prints both first renders.

use yew::prelude::*;

/// The only component.
struct Blank;

impl Component for Blank {
    type Message = ();
    type Properties = ();

    fn create(_: &Context<Self>) -> Self {
        Blank
    }

    fn view(&self, _: &Context<Self>) -> Html {
        // The visualizer's `daxlab-dom`: set when Yew's pass gives the thread back. Queued by
        // every view, as the app renders only once (the visualizer queues it from its first).
        yew::platform::spawn_local(async {
            if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
                let _ = p.mark("daxlab-dom");
            }
        });
        html! { <main class="blank"><h1>{ "blank" }</h1></main> }
    }

    fn rendered(&mut self, _: &Context<Self>, first_render: bool) {
        if first_render && let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            // The same mark the visualizer sets after its first render.
            let _ = p.mark("daxlab-first-render");
        }
    }
}

fn main() {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark("daxlab-start");
    }
    yew::Renderer::<Blank>::new().render();
}
