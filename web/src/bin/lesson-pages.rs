//! Writes one standalone HTML page per lesson (and an index with the challenges) into
//! `DIR/lessons/`, for static hosting next to the app: each step's state is an embedded view
//! (`../index.html?...&embed=1`), so the pages work from the file layout of `dist/`.
//! Usage: `lesson-pages [DIR]`; without DIR it writes into `$TRUNK_STAGING_DIR` (trunk's
//! post-build hook, see Trunk.toml).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    pages::main()
}

/// The lesson pages are written natively (the markdown is rendered natively); a wasm build of
/// this binary does nothing.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod pages {
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
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n<title>{} — daxlab</title>\n<link rel=\"stylesheet\" href=\"../static/lesson-page.css\" />\n<link rel=\"icon\" href=\"../static/favicon.svg\" />\n</head>\n<body>\n<main>\n",
            escape(title)
        )
    }

    /// The printable lab page: `tutorials/lab.md`, with each app link also printed as the full
    /// address a teacher pastes into course notes (the page knows its own address only when it is
    /// opened, so a few lines of script write them).
    fn lab_page() -> String {
        let mut page = head("A 50-minute lab");
        page.push_str("<p class=\"noprint\"><a href=\"index.html\">All lessons</a> · <a href=\"../index.html\">The app</a> · <a href=\"../index.html?teacher=1\">The teacher's page</a> · <button type=\"button\" onclick=\"window.print()\">Print</button></p>\n");
        page.push_str(&lessons::to_html_with(lessons::LAB, "../index.html", ""));
        // Under each paragraph (or list item) with app links, the links' full addresses, so the
        // printed page carries what a teacher pastes and the prose reads on unbroken.
        page.push_str(concat!(
        "<script>\n",
        "for (const a of document.querySelectorAll('main a[href^=\"../index.html\"]')) {\n",
        "  if (a.closest('.noprint')) continue;\n",
        "  const block = a.closest('p, li, td, th') || a;\n",
        "  let list = block.tagName === 'LI' ? block.querySelector(':scope > ul.urls') : block.nextElementSibling;\n",
        "  if (!list || !list.classList.contains('urls')) {\n",
        "    list = document.createElement('ul');\n",
        "    list.className = 'urls';\n",
        "    if (block.tagName === 'LI') block.append(list); else block.after(list);\n",
        "  }\n",
        "  const item = document.createElement('li');\n",
        "  const url = document.createElement('code');\n",
        "  url.className = 'url';\n",
        "  url.textContent = new URL(a.getAttribute('href'), document.baseURI).href;\n",
        "  item.append(a.textContent + ': ', url);\n",
        "  list.append(item);\n",
        "}\n",
        "</script>\n",
    ));
        page.push_str("</main>\n</body>\n</html>\n");
        page
    }

    pub fn main() -> ExitCode {
        let dir = std::env::args()
            .nth(1)
            .or_else(|| std::env::var("TRUNK_STAGING_DIR").ok());
        let Some(dir) = dir else {
            eprintln!(
                "lesson-pages: give the output directory (or run as trunk's post_build hook)"
            );
            return ExitCode::from(2);
        };
        let out = PathBuf::from(dir).join("lessons");
        if let Err(e) = std::fs::create_dir_all(&out) {
            eprintln!("lesson-pages: cannot create {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
        let mut index = head("Lessons");
        index.push_str("<h1>daxlab lessons</h1>\n<ol>\n");
        for (name, src) in lessons::LESSON_SOURCES {
            let name = *name;
            let l = lessons::markdown::parse_lesson(name, src);
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
                    let full = escape(&format!(
                        "../index.html{state}&lesson={name}&lesson_step={k}"
                    ));
                    let _ = writeln!(
                        page,
                        "{}\n<p><a href=\"{full}\">Open this step in the full app</a></p>",
                        daxlab_web::notes_api::iframe(
                            &format!("../index.html{state}&embed=1"),
                            &step.title
                        )
                    );
                }
                page.push_str("</section>\n");
            }
            page.push_str("</main>\n</body>\n</html>\n");
            if let Err(e) = std::fs::write(out.join(format!("{name}.html")), page) {
                eprintln!("lesson-pages: cannot write {name}.html: {e}");
                return ExitCode::FAILURE;
            }
            // The app's prose of the lesson, which the page fetches when the lesson opens
            // (its wasm carries the steps but not their text).
            let Some(app) = lessons::lesson(name) else {
                eprintln!("lesson-pages: no lesson {name} in the app");
                return ExitCode::FAILURE;
            };
            if let Err(e) =
                std::fs::write(out.join(format!("{name}.json")), lessons::prose_json(app))
            {
                eprintln!("lesson-pages: cannot write {name}.json: {e}");
                return ExitCode::FAILURE;
            }
        }
        index.push_str("</ol>\n<p><a href=\"history.html\">The history of dax_lock_mapping_entry(), commit by commit</a> · <a href=\"lab.html\">A 50-minute lab for a class</a></p>\n<h2>Challenges</h2>\n<ul>\n");
        if let Err(e) = std::fs::write(out.join("lab.html"), lab_page()) {
            eprintln!("lesson-pages: cannot write lab.html: {e}");
            return ExitCode::FAILURE;
        }
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
}
