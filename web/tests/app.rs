//! Component tests in headless Chromium: the real App rendered into the test page, driven by
//! its query and by clicks.
#![cfg(target_arch = "wasm32")]

use daxlab_web::{App, AppProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};
wasm_bindgen_test_configure!(run_in_browser);

async fn render(query: &str) -> Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            query: Some(query.to_string().into()),
        },
    )
    .render();
    settle().await;
    root
}

async fn settle() {
    yew::platform::time::sleep(std::time::Duration::from_millis(30)).await;
}

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .map(|e| e.text_content().unwrap_or_default())
        .unwrap_or_default()
}

fn click(root: &Element, selector: &str) {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

#[wasm_bindgen_test]
async fn every_scenario_draws_one_column_per_thread() {
    for s in daxlab_core::SCENARIOS {
        let root = render(&format!("?scenario={}", s.name)).await;
        let model = s.model(daxlab_core::Options::new(daxlab_core::Variant::Fixed));
        assert_eq!(
            root.query_selector_all(".thread").unwrap().length() as usize,
            model.threads().len(),
            "{}",
            s.name
        );
        assert!(root.query_selector(".listing .current").unwrap().is_some());
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn a_replayed_counterexample_shows_the_violation_and_back_hides_it() {
    let root = render("?scenario=null-mapping&variant=seed&schedule=trunc*8,mf*4").await;
    let panel = text(&root, "#violation");
    assert!(panel.contains("null-deref"), "{panel}");
    assert!(panel.contains("mf"), "{panel}");
    click(&root, "#back");
    settle().await;
    assert!(root.query_selector("#violation").unwrap().is_none());
    assert_eq!(text(&root, "#step-count"), "step 11 / 12");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_tables_end_at_the_last_step_and_leave_the_one_screen_layout() {
    // 12 steps, the last one mf's NULL dereference: the timeline's column 13 is the state
    // after step 12, not a 13th step.
    let root = render("?scenario=null-mapping&variant=seed&schedule=trunc*8,mf*4").await;
    assert!(root.query_selector(".daxlab.one-screen").unwrap().is_some());
    click(&root, "#tables-button");
    settle().await;
    let states = text(&root, "#table-states");
    assert!(!states.contains("13"), "{states}");
    assert!(states.contains("after step 12"), "{states}");
    assert!(states.contains("–end"), "{states}");
    // Open, the tables go under the stage and the page scrolls: the one-screen layout, which
    // shares the window's height, would draw the cards over them.
    assert!(root.query_selector(".daxlab.one-screen").unwrap().is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn a_lessons_last_step_leads_to_the_next_lesson_and_the_last_to_the_challenges() {
    let lessons = daxlab_web::lessons::lessons();
    for (i, l) in lessons.iter().enumerate() {
        let last = l.steps.len() - 1;
        let root = render(&format!("?lesson={}&lesson_step={last}", l.name)).await;
        let href = root
            .query_selector("#next-lesson")
            .unwrap()
            .and_then(|a| a.get_attribute("href"))
            .unwrap_or_default();
        match lessons.get(i + 1) {
            Some(next) => assert_eq!(href, format!("?lesson={}", next.name)),
            None => assert!(href.starts_with("?challenge="), "{href}"),
        }
        root.remove();
    }
    // Before the last step there is none.
    let root = render(&format!("?lesson={}&lesson_step=0", lessons[0].name)).await;
    assert!(root.query_selector("#next-lesson").unwrap().is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn the_step_button_runs_the_thread_and_narrates() {
    let root = render("?scenario=null-mapping&variant=fixed&schedule=").await;
    assert_eq!(text(&root, "#step-count"), "step 0 / 0");
    click(&root, ".thread[data-thread=\"mf\"] .step");
    settle().await;
    assert_eq!(text(&root, "#step-count"), "step 1 / 1");
    assert!(text(&root, "#narration").contains("mf"));
    root.remove();
}

#[wasm_bindgen_test]
async fn bad_parameters_are_named_and_the_page_still_works() {
    let root = render("?scenario=nope&speed=fast&x=<b>y</b>").await;
    let errors = text(&root, ".errors");
    assert!(errors.contains("scenario=\"nope\""), "{errors}");
    assert!(errors.contains("speed=\"fast\""), "{errors}");
    assert!(errors.contains("<b>y</b>"), "shown as text: {errors}");
    assert!(root.query_selector(".errors b").unwrap().is_none());
    assert!(root.query_selector_all(".thread").unwrap().length() > 0);
    root.remove();
}

#[wasm_bindgen_test]
fn the_page_reads_lesson_prose_with_the_browsers_json_parser() {
    use daxlab_web::lessons;
    let l = lessons::lessons().first().unwrap();
    let json = r#"{"intro": "<p>In</p>", "steps": STEPS}"#.replace(
        "STEPS",
        &format!("[{}]", vec!["\"<p>s</p>\""; l.steps.len()].join(",")),
    );
    let p = lessons::parse_prose(l, &json).unwrap();
    assert_eq!(p.intro, "<p>In</p>");
    assert_eq!(p.steps.len(), l.steps.len());
    assert_eq!(lessons::parse_prose(l, "{").unwrap_err(), "not JSON");
    assert_eq!(
        lessons::parse_prose(l, r#"{"intro": 1, "steps": []}"#).unwrap_err(),
        "no \"intro\""
    );
    assert!(
        lessons::parse_prose(l, r#"{"intro": "", "steps": []}"#)
            .unwrap_err()
            .contains("a file from another build")
    );
}
