//! The export buttons' files: SVG and JSON and text as they are, PNG by drawing the same SVG
//! onto a canvas at twice its size. Every file is made from what `daxlab-draw` and
//! `daxlab-core` produce (`daxlab run --json --svg` writes the same JSON and SVG).

use crate::stage::Export;
use crate::state::AppState;
use daxlab_core::report::RunReport;
use daxlab_core::{Outcome, words};
use gloo::events::EventListener;
use wasm_bindgen::{JsCast, JsValue};

/// The file name stem of the view: `daxlab-SCENARIO-VARIANT`.
fn stem(st: &AppState) -> String {
    let m = st.model();
    format!("daxlab-{}-{}", m.scenario(), m.variant().name())
}

/// The run as JSON: what `daxlab run --json` prints for the same scenario, variant and
/// schedule (the whole recorded run, wherever the cursor is).
pub fn run_json(st: &AppState) -> String {
    let mut whole = st.session.clone();
    whole.seek(whole.len());
    let mut report = RunReport::new(&whole);
    report.error = st.schedule_error().map(str::to_string);
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

/// The kernel-style report of the run's violation, with the run that led to it: the whole
/// recorded run, as the JSON export and `daxlab run` take it, wherever the cursor stands.
pub fn report_text(st: &AppState) -> Option<String> {
    let mut whole = st.session.clone();
    whole.seek(whole.len());
    let Outcome::Violation(v) = whole.outcome() else {
        return None;
    };
    let st = &whole;
    let m = st.model();
    Some(format!(
        "daxlab: scenario {} under {} (truncate wakes {}), schedule {}\nstep {}: {} at {}(): {}\n{}\n\n{}\n",
        m.scenario(),
        m.variant(),
        m.truncate_wake().name(),
        st.schedule_text(),
        st.cursor(),
        m.name(v.tid),
        v.line.func().name_in(m.code()),
        v.kind.name(),
        words::message(m, &v),
        words::report(m, &v)
    ))
}

/// Make and download the file `e` asks for.
pub fn export(st: &AppState, e: Export) -> Result<(), String> {
    let stem = stem(st);
    let timeline = || {
        let t = st.timeline();
        let divergence = st.compare.as_ref().and_then(|c| c.divergence);
        daxlab_draw::export::timeline_svg_of(&st.session, &t, divergence)
    };
    match e {
        Export::TimelineSvg => save_text(
            &format!("{stem}-timeline.svg"),
            "image/svg+xml",
            &timeline(),
        ),
        Export::GraphSvg => save_text(
            &format!("{stem}-graph.svg"),
            "image/svg+xml",
            &daxlab_draw::export::graph_svg(&st.session),
        ),
        Export::TimelinePng => save_png(&format!("{stem}-timeline.png"), timeline()),
        Export::GraphPng => save_png(
            &format!("{stem}-graph.png"),
            daxlab_draw::export::graph_svg(&st.session),
        ),
        Export::Json => save_text(&format!("{stem}.json"), "application/json", &run_json(st)),
        Export::Report => match report_text(st) {
            Some(text) => save_text(&format!("{stem}-report.txt"), "text/plain", &text),
            None => Err("there is no violation to report".into()),
        },
    }
}

fn err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::JSON::stringify(&e).ok().and_then(|s| s.as_string()))
        .unwrap_or_else(|| "unknown error".into())
}

fn blob(text: &str, mime: &str) -> Result<web_sys::Blob, String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(err)
}

fn save_text(name: &str, mime: &str, text: &str) -> Result<(), String> {
    save_blob(name, &blob(text, mime)?)
}

fn save_blob(name: &str, blob: &web_sys::Blob) -> Result<(), String> {
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(err)?;
    let document = gloo::utils::document();
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(err)?
        .dyn_into()
        .map_err(|_| "no anchor".to_string())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoke once the browser has started the download.
    gloo::timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Draw `svg` onto a canvas at twice its size and download the PNG.
fn save_png(name: &str, svg: String) -> Result<(), String> {
    let url =
        web_sys::Url::create_object_url_with_blob(&blob(&svg, "image/svg+xml")?).map_err(err)?;
    let img = web_sys::HtmlImageElement::new().map_err(err)?;
    let name = name.to_string();
    let on_load = {
        let (img, url) = (img.clone(), url.clone());
        move |_: &web_sys::Event| {
            let result = draw_png(&img, name.clone());
            let _ = web_sys::Url::revoke_object_url(&url);
            if let Err(e) = result {
                gloo::console::error!(format!("PNG export failed: {e}"));
            }
        }
    };
    EventListener::once(&img, "load", on_load).forget();
    let on_error = {
        let url = url.clone();
        move |_: &web_sys::Event| {
            let _ = web_sys::Url::revoke_object_url(&url);
            gloo::console::error!("PNG export failed: the SVG did not load as an image");
        }
    };
    EventListener::once(&img, "error", on_error).forget();
    img.set_src(&url);
    Ok(())
}

fn draw_png(img: &web_sys::HtmlImageElement, name: String) -> Result<(), String> {
    let scale = 2.0;
    let (w, h) = (img.natural_width(), img.natural_height());
    if w == 0 || h == 0 {
        return Err("the SVG has no size".into());
    }
    let document = gloo::utils::document();
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(err)?
        .dyn_into()
        .map_err(|_| "no canvas".to_string())?;
    canvas.set_width((w as f64 * scale) as u32);
    canvas.set_height((h as f64 * scale) as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(err)?
        .ok_or("no 2d context")?
        .dyn_into()
        .map_err(|_| "no 2d context".to_string())?;
    ctx.scale(scale, scale).map_err(err)?;
    ctx.draw_image_with_html_image_element(img, 0.0, 0.0)
        .map_err(err)?;
    let done = wasm_bindgen::closure::Closure::once_into_js(move |b: JsValue| match b
        .dyn_into::<web_sys::Blob>()
    {
        Ok(b) => {
            if let Err(e) = save_blob(&name, &b) {
                gloo::console::error!(format!("PNG export failed: {e}"));
            }
        }
        Err(_) => gloo::console::error!("PNG export failed: the canvas gave no image"),
    });
    canvas.to_blob(done.unchecked_ref()).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_that_stopped_early_exports_its_error_as_the_cli_does() {
        let mut st = AppState::from_query(
            "?threads=2&pages=2&variant=v4.19&fixes=c93db7b&schedule=fault1*5,mf1*14,fault1*6,evict*10,rcu*3,mf1*4",
        );
        let v: serde_json::Value = serde_json::from_str(&run_json(&st)).unwrap();
        assert_eq!(v["schedule"], "fault1*5,mf1*14,fault1*6");
        assert!(
            v["error"]
                .as_str()
                .unwrap()
                .starts_with("step 26: evict cannot run"),
            "{}",
            v["error"]
        );
        // Stepping on makes another run, which the error no longer describes; so do stepping
        // back and taking another thread, another code, and another schedule of one length.
        use crate::state::Action;
        let error_after = |f: &dyn Fn(&mut AppState)| {
            let mut st = AppState::from_query(
                "?threads=2&pages=2&variant=v4.19&fixes=c93db7b&schedule=fault1*5,mf1*14,fault1*6,evict*10,rcu*3,mf1*4",
            );
            f(&mut st);
            let v: serde_json::Value = serde_json::from_str(&run_json(&st)).unwrap();
            v.get("error").cloned()
        };
        let mf1 = st.model().tid("mf1").unwrap();
        assert!(error_after(&|st| st.apply(Action::Step(mf1))).is_none());
        assert!(
            error_after(&|st| {
                st.apply(Action::Back);
                st.apply(Action::Step(mf1));
            })
            .is_none()
        );
        assert!(error_after(&|st| st.apply(Action::ToggleFix("55e56f06ed71".into()))).is_none());
        assert!(error_after(&|_| ()).is_some());
        // The steps that ran, applied again, run to their end: no error, as in the CLI; nor
        // after Reset and the same steps by hand.
        assert!(
            error_after(&|st| st.apply(Action::ApplySchedule("fault1*5,mf1*14,fault1*6".into())))
                .is_none()
        );
        assert!(
            error_after(&|st| {
                st.apply(Action::Reset);
                st.apply(Action::ApplySchedule("fault1*5,mf1*14,fault1*6".into()));
            })
            .is_none()
        );
        // The Schedule box's stopped schedule is exported with its error too.
        st.apply(Action::ApplySchedule("fault1*5,evict".into()));
        let v: serde_json::Value = serde_json::from_str(&run_json(&st)).unwrap();
        assert!(
            v["error"]
                .as_str()
                .unwrap()
                .starts_with("step 6: evict cannot run"),
            "{}",
            v["error"]
        );
    }

    #[test]
    fn the_json_export_is_the_cli_report_of_the_whole_run() {
        let q = "?scenario=freed-inode&variant=v4.19&schedule=fault*5,mf*14,fault*6,evict*10,rcu*3,mf*4&step=5";
        let st = AppState::from_query(q);
        let v: serde_json::Value = serde_json::from_str(&run_json(&st)).unwrap();
        assert_eq!(v["scenario"], "freed-inode");
        assert_eq!(v["variant"], "v4.19");
        assert_eq!(v["schedule"], "fault*5,mf*14,fault*6,evict*10,rcu*3,mf*4");
        let steps = v["steps"].as_array().unwrap();
        assert_eq!(steps.len(), 42, "the whole run, not up to the cursor");
        assert_eq!(steps[41]["violation"], "use-after-free");
        assert_eq!(steps[0]["thread"], "fault");
        // The report is the whole run's too: the same at step 5 as at the end.
        let end = AppState::from_query(&q.replace("&step=5", ""));
        let r = report_text(&end).unwrap();
        assert_eq!(report_text(&st).as_deref(), Some(r.as_str()));
        assert!(
            report_text(&AppState::from_query(
                "?scenario=null-mapping&variant=fixed"
            ))
            .is_none()
        );
        assert!(
            r.contains("KASAN: use-after-free") && r.contains("step 42: mf"),
            "{r}"
        );
    }
}
