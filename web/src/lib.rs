//! daxlab-web: a Yew app that draws daxlab-core's world and forwards the student's choices.
//! It holds no kernel logic: everything it shows is read from a `daxlab_core::Session`.

use yew::prelude::*;

mod panic;

/// Install the panic hook and mount the app on `#app` (or the body).
pub fn start() {
    panic::install();
    let root = gloo::utils::document().get_element_by_id("app");
    match root {
        Some(root) => {
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}

/// The application.
#[component]
pub fn App() -> Html {
    html! {
        <main>
            <h1>{ "daxlab" }</h1>
            <ul>
                { for daxlab_core::SCENARIOS.iter().map(|s| html! { <li key={s.name}>{ s.name }{ " — " }{ s.title }</li> }) }
            </ul>
        </main>
    }
}
