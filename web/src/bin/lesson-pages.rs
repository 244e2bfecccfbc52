//! Writes one standalone HTML page per lesson (and an index with the challenges) into
//! `DIR/lessons/`, for static hosting next to the app: each step's state is an embedded view
//! (`../index.html?...&embed=1`), so the pages work from the file layout of `dist/`.
//! Usage: `lesson-pages [DIR]`; without DIR it writes into `$TRUNK_STAGING_DIR` (trunk's
//! post-build hook, see Trunk.toml).

use daxlab_web::lessons::{self, CHALLENGES};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn head(title: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n<title>{} — daxlab</title>\n<link rel=\"stylesheet\" href=\"../static/lesson-page.css\" />\n</head>\n<body>\n<main>\n",
        escape(title)
    )
}

fn main() -> ExitCode {
    let dir = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("TRUNK_STAGING_DIR").ok());
    let Some(dir) = dir else {
        eprintln!("lesson-pages: give the output directory (or run as trunk's post_build hook)");
        return ExitCode::from(2);
    };
    let out = PathBuf::from(dir).join("lessons");
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("lesson-pages: cannot create {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let mut index = head("Lessons");
    index.push_str("<h1>daxlab lessons</h1>\n<ol>\n");
    for l in lessons::lessons() {
        let name = l.name;
        let _ = writeln!(
            index,
            "<li><a href=\"{name}.html\">{}</a> (<a href=\"../index.html?lesson={name}\">in the app</a>)</li>",
            escape(&l.title)
        );
        let mut page = head(&l.title);
        let _ = writeln!(
            page,
            "<p><a href=\"index.html\">All lessons</a> · <a href=\"../index.html?lesson={name}\">Follow this lesson in the app</a></p>\n<h1>{}</h1>",
            escape(&l.title)
        );
        page.push_str(&lessons::to_html_with(
            &l.intro,
            "../index.html",
            "&embed=0",
        ));
        for (k, step) in l.steps.iter().enumerate() {
            let _ = writeln!(
                page,
                "<section>\n<h2>{}. {}</h2>",
                k + 1,
                escape(&step.title)
            );
            page.push_str(&lessons::to_html_with(&step.markdown, "../index.html", ""));
            if let Some(state) = &step.state {
                let src = escape(&format!("../index.html{state}&embed=1"));
                let full = escape(&format!(
                    "../index.html{state}&lesson={name}&lesson_step={k}"
                ));
                let _ = writeln!(
                    page,
                    "<iframe src=\"{src}\" width=\"800\" height=\"500\" title=\"daxlab: {}\" loading=\"lazy\"></iframe>\n<p><a href=\"{full}\">Open this step in the full app</a></p>",
                    escape(&step.title)
                );
            }
            page.push_str("</section>\n");
        }
        page.push_str("</main>\n</body>\n</html>\n");
        if let Err(e) = std::fs::write(out.join(format!("{name}.html")), page) {
            eprintln!("lesson-pages: cannot write {name}.html: {e}");
            return ExitCode::FAILURE;
        }
    }
    index.push_str("</ol>\n<p><a href=\"history.html\">The history of dax_lock_mapping_entry(), commit by commit</a></p>\n<h2>Challenges</h2>\n<ul>\n");
    let mut history = head("Kernel history");
    history.push_str(
        "<p><a href=\"index.html\">All lessons</a> · <a href=\"../index.html\">The app</a></p>\n",
    );
    history.push_str(&lessons::to_html_with(
        &lessons::history_markdown(),
        "../index.html",
        "",
    ));
    history.push_str("</main>\n</body>\n</html>\n");
    if let Err(e) = std::fs::write(out.join("history.html"), history) {
        eprintln!("lesson-pages: cannot write history.html: {e}");
        return ExitCode::FAILURE;
    }
    for c in CHALLENGES {
        let _ = writeln!(
            index,
            "<li><a class=\"challenge\" href=\"../index.html?challenge={}\">{}</a>: {}</li>",
            c.name,
            c.name,
            escape(c.goal)
        );
    }
    index.push_str("</ul>\n</main>\n</body>\n</html>\n");
    if let Err(e) = std::fs::write(out.join("index.html"), index) {
        eprintln!("lesson-pages: cannot write index.html: {e}");
        return ExitCode::FAILURE;
    }
    println!("lesson-pages: wrote {}", out.display());
    ExitCode::SUCCESS
}
