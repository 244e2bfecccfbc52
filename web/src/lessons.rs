//! Lessons (markdown in `tutorials/`, rendered to HTML by `build.rs` and compiled in: in the
//! page's wasm without their prose, which [`prose`] fetches) and challenges. A lesson is `# Title`, an
//! introduction, then one `## ` section per step; a step's state is its first link whose target
//! starts with `?`, and a link title `"expect: KIND"` says what that state shows.

#[cfg(not(target_arch = "wasm32"))]
pub mod markdown;

use daxlab_core::teach::predict::Ask;
#[cfg(not(target_arch = "wasm32"))]
pub use markdown::{links, split_predictions, to_html_with};

/// A lesson as `build.rs` rendered it.
pub(crate) struct Rendered {
    name: &'static str,
    title: &'static str,
    intro_html: &'static str,
    steps: &'static [RenderedStep],
}

/// A lesson step as `build.rs` rendered it.
pub(crate) struct RenderedStep {
    title: &'static str,
    html: &'static str,
    state: Option<&'static str>,
    predict: &'static [&'static str],
}

// RENDERED (every lesson) and, natively, LESSON_SOURCES (their markdown), in course order.
include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

/// The 50-minute lab for teachers (`tutorials/lab.md`), printed as `lessons/lab.html`.
#[cfg(not(target_arch = "wasm32"))]
pub static LAB: &str = include_str!("../../tutorials/lab.md");

/// The history page's markdown (`tutorials/history.md`) with its table of commits filled in
/// from the same facts the CLI lists (`daxlab_core::code::FixInfo`), so the two cannot drift.
#[cfg(not(target_arch = "wasm32"))]
pub fn history_markdown() -> String {
    let rows: Vec<String> = daxlab_core::Fix::ALL
        .iter()
        .map(|f| {
            let i = f.info();
            format!(
                "| [{}]({}) | {} | {} | {} | {} | {} | `{}` |",
                i.commit,
                i.link(),
                i.title().replace('|', "\\|"),
                i.author,
                i.release,
                i.in_4_19_y,
                i.change.replace('|', "\\|"),
                i.scenario
            )
        })
        .collect();
    include_str!("../../tutorials/history.md").replace("<!-- FIXES -->", &rows.join("\n"))
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonStep {
    /// The `## ` heading, as plain text (markdown backticks removed).
    pub title: &'static str,
    /// The section rendered for the app, its app links kept inside the lesson (rendered when
    /// the crate was built, see `markdown::to_html_with`). Empty in the page's wasm: read a
    /// step's text through [`prose`].
    pub html: &'static str,
    /// The app query (starting with `?`) of the state this step loads.
    pub state: Option<String>,
    /// The step's graded predictions (```` ```predict ```` blocks), in order: each the question
    /// or why its block cannot be read. Their answers come from the model at the step's state.
    pub predictions: Vec<Prediction>,
}

/// One ```` ```predict ```` block of a lesson step.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// Its number within the lesson (0-based, over every step): progress is kept by it.
    pub index: usize,
    /// The question, or why the block cannot be read.
    pub ask: Result<Ask, String>,
}

/// A lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// Its stable name (`?lesson=NAME`).
    pub name: &'static str,
    /// The `# ` heading, as plain text (markdown backticks removed).
    pub title: &'static str,
    /// The introduction (markdown before the first step) rendered for the app. Empty in the
    /// page's wasm: read it through [`prose`].
    pub intro_html: &'static str,
    /// The steps.
    pub steps: Vec<LessonStep>,
}

/// The names of every lesson.
pub fn lesson_names() -> Vec<&'static str> {
    RENDERED.iter().map(|l| l.name).collect()
}

/// Every lesson, its predictions read once on first use.
pub fn lessons() -> &'static [Lesson] {
    static LESSONS: std::sync::OnceLock<Vec<Lesson>> = std::sync::OnceLock::new();
    LESSONS.get_or_init(|| RENDERED.iter().map(lesson_of).collect())
}

fn lesson_of(r: &'static Rendered) -> Lesson {
    let mut index = 0;
    Lesson {
        name: r.name,
        title: r.title,
        intro_html: r.intro_html,
        steps: r
            .steps
            .iter()
            .map(|s| LessonStep {
                title: s.title,
                html: s.html,
                state: s.state.map(str::to_string),
                predictions: s
                    .predict
                    .iter()
                    .map(|b| {
                        index += 1;
                        Prediction {
                            index: index - 1,
                            ask: Ask::parse(b),
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Every lesson's name and title (its `# ` line, backticks removed): the header lists them on
/// every page.
pub fn titles() -> impl Iterator<Item = (&'static str, &'static str)> {
    RENDERED.iter().map(|l| (l.name, l.title))
}

/// The lesson called `name`.
pub fn lesson(name: &str) -> Option<&'static Lesson> {
    lessons().iter().find(|l| l.name == name)
}

/// Render our own markdown to HTML for the app: raw HTML dropped, app links (targets starting
/// with `?`) get `suffix` appended so they stay in the lesson.
#[cfg(not(target_arch = "wasm32"))]
pub fn to_html(markdown: &str, suffix: &str) -> String {
    to_html_with(markdown, "", suffix)
}

/// A lesson's prose: its introduction and each step's text, as HTML. The page's wasm carries
/// none of it (`web/build.rs`); it fetches `lessons/NAME.json` ([`prose_json`], written next to
/// the lesson pages) when the lesson opens. Native builds have it in [`Lesson`] itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Prose {
    /// The introduction.
    pub intro: String,
    /// Each step's text, in order.
    pub steps: Vec<String>,
}

/// Where a lesson's prose stands in the page.
#[derive(Clone, Debug, PartialEq)]
pub enum ProseState {
    /// Not asked for yet.
    Absent,
    /// Being fetched.
    Loading,
    /// Here.
    Ready(std::rc::Rc<Prose>),
    /// The fetch failed: why.
    Failed(String),
}

thread_local! {
    static PROSE: std::cell::RefCell<Vec<(&'static str, ProseState)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The prose of `l`: its own when the build carries it (native), else what the page fetched.
pub fn prose(l: &Lesson) -> ProseState {
    if !l.intro_html.is_empty() || l.steps.iter().any(|s| !s.html.is_empty()) {
        return ProseState::Ready(std::rc::Rc::new(Prose {
            intro: l.intro_html.to_string(),
            steps: l.steps.iter().map(|s| s.html.to_string()).collect(),
        }));
    }
    PROSE.with(|p| {
        p.borrow()
            .iter()
            .find(|(n, _)| *n == l.name)
            .map_or(ProseState::Absent, |(_, s)| s.clone())
    })
}

/// Record where the prose of the lesson `name` stands.
pub fn set_prose(name: &'static str, state: ProseState) {
    PROSE.with(|p| {
        let mut p = p.borrow_mut();
        match p.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = state,
            None => p.push((name, state)),
        }
    });
}

/// A lesson's prose as the JSON the page fetches: `{"intro": HTML, "steps": [HTML, ...]}`.
pub fn prose_json(l: &Lesson) -> String {
    serde_json::json!({
        "intro": l.intro_html,
        "steps": l.steps.iter().map(|s| s.html).collect::<Vec<_>>(),
    })
    .to_string()
}

/// Read [`prose_json`]'s JSON for `l` (its step count must match: a stale file is refused).
pub fn parse_prose(l: &Lesson, json: &str) -> Result<Prose, String> {
    let (intro, steps) = read_prose(json)?;
    if steps.len() != l.steps.len() {
        return Err(format!(
            "{} steps, the page knows {} (a file from another build)",
            steps.len(),
            l.steps.len()
        ));
    }
    Ok(Prose { intro, steps })
}

/// The intro and the steps of prose JSON. The page reads it with the browser's own
/// `JSON.parse`, which keeps a JSON parser out of its wasm (the page only writes JSON).
#[cfg(target_arch = "wasm32")]
fn read_prose(json: &str) -> Result<(String, Vec<String>), String> {
    use wasm_bindgen::JsCast;
    let v = js_sys::JSON::parse(json).map_err(|_| "not JSON".to_string())?;
    let field = |k: &str| js_sys::Reflect::get(&v, &k.into()).ok();
    let intro = field("intro")
        .and_then(|s| s.as_string())
        .ok_or("no \"intro\"")?;
    let steps = field("steps")
        .and_then(|a| a.dyn_into::<js_sys::Array>().ok())
        .ok_or("no \"steps\"")?
        .iter()
        .map(|s| s.as_string().ok_or("a step that is not text"))
        .collect::<Result<_, _>>()?;
    Ok((intro, steps))
}

/// The intro and the steps of prose JSON (native builds: the tests and the lesson pages).
#[cfg(not(target_arch = "wasm32"))]
fn read_prose(json: &str) -> Result<(String, Vec<String>), String> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("not JSON ({e})"))?;
    let intro = v["intro"].as_str().ok_or("no \"intro\"")?.to_string();
    let steps = v["steps"]
        .as_array()
        .ok_or("no \"steps\"")?
        .iter()
        .map(|s| {
            s.as_str()
                .map(str::to_string)
                .ok_or("a step that is not text")
        })
        .collect::<Result<_, _>>()?;
    Ok((intro, steps))
}

/// Every challenge, in level order (defined in the core, where their pars are checked).
pub use daxlab_core::teach::challenge::{CHALLENGES, Challenge, challenge};

// The markdown side is native only (the page carries rendered lessons).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #[test]
    fn the_prose_json_round_trips_and_a_stale_file_is_refused() {
        for l in super::lessons() {
            let back = super::parse_prose(l, &super::prose_json(l)).unwrap();
            assert_eq!(back.intro, l.intro_html, "{}", l.name);
            let steps: Vec<&str> = l.steps.iter().map(|s| s.html).collect();
            assert_eq!(back.steps, steps, "{}", l.name);
            assert!(!back.intro.is_empty(), "{}", l.name);
        }
        let l = &super::lessons()[0];
        let e = super::parse_prose(l, r#"{"intro":"x","steps":["a"]}"#).unwrap_err();
        assert!(e.contains("another build"), "{e}");
        assert!(
            super::parse_prose(l, "<html>")
                .unwrap_err()
                .contains("not JSON")
        );
    }

    use super::*;

    #[test]
    fn a_link_out_of_the_lesson_keeps_no_lesson_parameters() {
        let html = to_html(
            "[a state](?scenario=lost-wakeup&step=3) and [level 1](?challenge=null-deref)",
            "&lesson=shipped-bugs&lesson_step=7",
        );
        assert!(html.contains("href=\"?scenario=lost-wakeup&amp;step=3&amp;lesson=shipped-bugs&amp;lesson_step=7\""), "{html}");
        assert!(html.contains("href=\"?challenge=null-deref\""), "{html}");
        // And in the lessons as built: no challenge link carries a lesson's parameters.
        for l in lessons() {
            for s in &l.steps {
                assert!(
                    !s.html.contains("challenge=null-deref&amp;lesson="),
                    "{}",
                    l.name
                );
            }
        }
    }

    #[test]
    fn every_lesson_parses_and_every_step_has_a_state() {
        for name in lesson_names() {
            let l = lesson(name).unwrap();
            assert!(!l.title.is_empty(), "{name}");
            assert!(l.steps.len() >= 3, "{name}");
            for s in &l.steps {
                assert!(s.state.is_some(), "{name}: {}", s.title);
            }
        }
    }

    #[test]
    fn the_lessons_built_in_are_the_markdown_rendered_now() {
        // build.rs renders with the same module; this catches a stale or partial rendering.
        assert_eq!(LESSON_SOURCES.len(), RENDERED.len());
        for ((name, src), r) in LESSON_SOURCES.iter().zip(RENDERED) {
            let now = markdown::parse_lesson(name, src);
            assert_eq!(*name, r.name);
            assert_eq!(now.title, r.title, "{name}");
            assert_eq!(now.intro_html, r.intro_html, "{name}");
            assert_eq!(now.steps.len(), r.steps.len(), "{name}");
            for (a, b) in now.steps.iter().zip(r.steps) {
                assert_eq!(a.title, b.title, "{name}");
                assert_eq!(a.html, b.html, "{name}: {}", a.title);
                assert_eq!(a.state.as_deref(), b.state, "{name}: {}", a.title);
                assert_eq!(a.predict, b.predict, "{name}: {}", a.title);
            }
        }
        let quick: Vec<_> = titles().collect();
        let parsed: Vec<_> = lessons().iter().map(|l| (l.name, l.title)).collect();
        assert_eq!(quick, parsed);
    }

    #[test]
    fn raw_html_is_dropped_and_app_links_keep_the_lesson() {
        let h = to_html(
            "a <script>x</script> [s](?scenario=a) [o](https://x.org)",
            "&lesson=l",
        );
        assert!(!h.contains("<script"));
        assert!(h.contains("href=\"?scenario=a&amp;lesson=l\""), "{h}");
        assert!(h.contains("href=\"https://x.org\""));
    }

    #[test]
    fn tables_render_as_tables() {
        for md in [LAB, &history_markdown()] {
            let h = to_html(md, "");
            assert!(h.contains("<table>") && h.contains("<th>"), "{h}");
            assert!(!h.contains("|---"), "a table left as text");
        }
    }

    /// A lesson from markdown, the way build.rs renders and the page reads it.
    fn parse(name: &'static str, src: &str) -> Lesson {
        let t = markdown::parse_lesson(name, src);
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let steps: Vec<RenderedStep> = t
            .steps
            .into_iter()
            .map(|s| RenderedStep {
                title: leak(s.title),
                html: leak(s.html),
                state: s.state.map(leak),
                predict: Box::leak(s.predict.into_iter().map(leak).collect()),
            })
            .collect();
        lesson_of(Box::leak(Box::new(Rendered {
            name,
            title: leak(t.title),
            intro_html: leak(t.intro_html),
            steps: Box::leak(steps.into_boxed_slice()),
        })))
    }

    #[test]
    fn predict_blocks_are_taken_out_of_the_prose_and_numbered_across_steps() {
        let (blocks, rest) =
            split_predictions("a\n```predict\nkind: can-free\n```\nb\n```rust\nx\n```\n");
        assert_eq!(blocks, ["kind: can-free\n"]);
        assert_eq!(rest, "a\nb\n```rust\nx\n```\n");
        let h = to_html("x\n\n```predict\nkind: can-free\n```\n", "");
        assert!(!h.contains("can-free"), "{h}");
        let l = parse(
            "t",
            "# T\n## one\n[s](?scenario=freed-inode)\n```predict\nkind: can-free\n```\n## two\n[s](?scenario=freed-inode)\n```predict\nkind: bogus\n```\n```predict\nkind: gp-waits\n```\n",
        );
        assert!(!l.steps[0].html.contains("predict"), "{}", l.steps[0].html);
        let idx: Vec<_> = l
            .steps
            .iter()
            .flat_map(|s| s.predictions.iter().map(|p| p.index))
            .collect();
        assert_eq!(idx, [0, 1, 2]);
        assert!(
            l.steps[1].predictions[0]
                .ask
                .as_ref()
                .unwrap_err()
                .contains("bogus")
        );
    }

    /// The lab's schedule: blocks back to back from 0:00 to 0:50, each with its section, and
    /// every lesson, exercise and challenge the table opens exists (a renamed one fails here).
    #[test]
    fn the_lab_is_fifty_minutes_of_blocks_that_open_what_exists() {
        let minutes = |t: &str| -> u32 {
            let (h, m) = t.split_once(':').unwrap();
            h.parse::<u32>().unwrap() * 60 + m.parse::<u32>().unwrap()
        };
        let rows: Vec<Vec<&str>> = LAB
            .lines()
            .filter(|l| l.starts_with("| ") && l.contains('–'))
            .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
            .collect();
        assert!(rows.len() >= 5, "{rows:?}");
        let mut at = 0;
        let (mut exercises, mut challenges) = (0, 0);
        for row in &rows {
            let (from, to) = row[0].split_once('–').unwrap();
            assert_eq!(
                minutes(from),
                at,
                "{row:?} does not start where the last block ended"
            );
            assert!(minutes(to) > at, "{row:?}");
            at = minutes(to);
            assert!(
                LAB.contains(&format!("\n## {} {}\n", row[0], row[1])),
                "no section for {row:?}"
            );
            let open = row[2];
            for (what, names) in [("lesson", 0), ("exercise", 1), ("challenge", 2)] {
                if let Some(rest) = open.split(&format!("{what} `")).nth(1) {
                    let name = rest.split('`').next().unwrap();
                    let exists = match names {
                        0 => lesson(name).is_some(),
                        1 => daxlab_core::teach::exercise::exercise(name).is_some(),
                        _ => challenge(name).is_some(),
                    };
                    assert!(exists, "{what} {name} in {row:?}");
                    exercises += (names == 1) as u32;
                    challenges += (names == 2) as u32;
                }
            }
        }
        assert_eq!(at, 50, "the lab lasts {at} minutes");
        assert!(exercises >= 2 && challenges >= 1, "{rows:?}");
        assert!(rows.last().unwrap()[1].starts_with("Final check"));
    }
}
