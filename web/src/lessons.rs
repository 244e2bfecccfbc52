//! Lessons (markdown in `tutorials/`, compiled in) and challenges. A lesson is `# Title`, an
//! introduction, then one `## ` section per step; a step's state is its first link whose target
//! starts with `?`, and a link title `"expect: KIND"` says what that state shows.

use daxlab_core::teach::predict::Ask;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// Every lesson's name and source, in course order.
pub static LESSON_SOURCES: &[(&str, &str)] = &[
    (
        "what-is-dax",
        include_str!("../../tutorials/what-is-dax.md"),
    ),
    (
        "locking-a-page",
        include_str!("../../tutorials/locking-a-page.md"),
    ),
    (
        "rcu-keeps-the-inode-alive",
        include_str!("../../tutorials/rcu-keeps-the-inode-alive.md"),
    ),
    (
        "why-recheck",
        include_str!("../../tutorials/why-recheck.md"),
    ),
    (
        "entry-lock-pins-inode",
        include_str!("../../tutorials/entry-lock-pins-inode.md"),
    ),
    (
        "clear-inode-cycling",
        include_str!("../../tutorials/clear-inode-cycling.md"),
    ),
    (
        "exclusive-waits",
        include_str!("../../tutorials/exclusive-waits.md"),
    ),
    (
        "shipped-bugs",
        include_str!("../../tutorials/shipped-bugs.md"),
    ),
];

/// The history page's markdown (`tutorials/history.md`) with its table of commits filled in
/// from the same facts the CLI lists (`daxlab_core::code::FixInfo`), so the two cannot drift.
pub fn history_markdown() -> String {
    let rows: Vec<String> = daxlab_core::Fix::ALL
        .iter()
        .map(|f| {
            let i = f.info();
            format!(
                "| [{}]({}) | {} | {} | {} | {} | {} | `{}` |",
                i.commit,
                i.link(),
                i.subject.replace('|', "\\|"),
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
    pub title: String,
    /// The section's markdown, heading excluded.
    pub markdown: String,
    /// The section rendered for the app, its app links kept inside the lesson (see
    /// [`to_html`]); rendered once, when the lessons are parsed.
    pub html: String,
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

/// The ```` ```predict ```` blocks of a markdown text, and the text without them.
pub fn split_predictions(markdown: &str) -> (Vec<String>, String) {
    let mut blocks = Vec::new();
    let mut rest = String::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim_start().starts_with("```predict") => current = Some(String::new()),
            None => {
                rest.push_str(line);
                rest.push('\n');
            }
            Some(_) if line.trim_start().starts_with("```") => {
                blocks.extend(current.take());
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    // An unclosed block still counts (and its text is not shown as prose).
    blocks.extend(current);
    (blocks, rest)
}

/// A parsed lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// Its stable name (`?lesson=NAME`).
    pub name: &'static str,
    /// The `# ` heading, as plain text (markdown backticks removed).
    pub title: String,
    /// Markdown before the first step.
    pub intro: String,
    /// The introduction rendered for the app.
    pub intro_html: String,
    /// The steps.
    pub steps: Vec<LessonStep>,
}

/// The names of every lesson.
pub fn lesson_names() -> Vec<&'static str> {
    LESSON_SOURCES.iter().map(|(n, _)| *n).collect()
}

/// Every lesson, parsed and rendered once on first use.
pub fn lessons() -> &'static [Lesson] {
    static LESSONS: std::sync::OnceLock<Vec<Lesson>> = std::sync::OnceLock::new();
    LESSONS.get_or_init(|| {
        LESSON_SOURCES
            .iter()
            .map(|(name, src)| parse(name, src))
            .collect()
    })
}

/// The lesson called `name`.
pub fn lesson(name: &str) -> Option<&'static Lesson> {
    lessons().iter().find(|l| l.name == name)
}

/// Every link of a markdown text: (target, title).
pub fn links(markdown: &str) -> Vec<(String, String)> {
    Parser::new(markdown)
        .filter_map(|e| match e {
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) => Some((dest_url.to_string(), title.to_string())),
            _ => None,
        })
        .collect()
}

fn parse(name: &'static str, src: &str) -> Lesson {
    let mut title = String::new();
    let mut intro = String::new();
    let mut steps: Vec<LessonStep> = Vec::new();
    for line in src.lines() {
        if let Some(t) = line.strip_prefix("# ") {
            title = t.trim().replace('`', "");
        } else if let Some(t) = line.strip_prefix("## ") {
            steps.push(LessonStep {
                title: t.trim().replace('`', ""),
                markdown: String::new(),
                html: String::new(),
                state: None,
                predictions: Vec::new(),
            });
        } else {
            let target = match steps.last_mut() {
                Some(s) => &mut s.markdown,
                None => &mut intro,
            };
            target.push_str(line);
            target.push('\n');
        }
    }
    let mut index = 0;
    for (k, s) in steps.iter_mut().enumerate() {
        s.state = links(&s.markdown)
            .into_iter()
            .map(|(url, _)| url)
            .find(|u| u.starts_with('?'));
        let (blocks, prose) = split_predictions(&s.markdown);
        s.predictions = blocks
            .iter()
            .map(|b| {
                index += 1;
                Prediction {
                    index: index - 1,
                    ask: Ask::parse(b),
                }
            })
            .collect();
        s.html = to_html(&prose, &format!("&lesson={name}&lesson_step={k}"));
    }
    let intro_html = to_html(&intro, &format!("&lesson={name}&lesson_step=0"));
    Lesson {
        name,
        title,
        intro,
        intro_html,
        steps,
    }
}

/// Render our own markdown to HTML. Raw HTML in the source is dropped, and app links (targets
/// starting with `?`) get `suffix` appended so they stay in the lesson.
pub fn to_html(markdown: &str, suffix: &str) -> String {
    to_html_with(markdown, "", suffix)
}

/// As [`to_html`], with `prefix` (the app's page, like `../index.html`) put before app links.
pub fn to_html_with(markdown: &str, prefix: &str, suffix: &str) -> String {
    let mut in_predict = false;
    let events = Parser::new(markdown).filter_map(move |e| match e {
        Event::Html(_) | Event::InlineHtml(_) => None,
        // Predictions are asked by the app, not printed.
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref info)))
            if info.as_ref() == "predict" =>
        {
            in_predict = true;
            None
        }
        Event::End(TagEnd::CodeBlock) if in_predict => {
            in_predict = false;
            None
        }
        _ if in_predict => None,
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if dest_url.starts_with('?') => Some(Event::Start(Tag::Link {
            link_type,
            dest_url: format!("{prefix}{dest_url}{suffix}").into(),
            title,
            id,
        })),
        other => Some(other),
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// Every challenge, in level order (defined in the core, where their pars are checked).
pub use daxlab_core::teach::challenge::{CHALLENGES, Challenge, challenge};

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_history_page_lists_every_commit_and_its_links_are_app_links_with_expectations() {
        let md = history_markdown();
        for f in daxlab_core::Fix::ALL {
            assert!(
                md.contains(&format!("[{}](https://git.kernel.org", f.commit())),
                "{f:?}"
            );
        }
        assert!(!md.contains("<!-- FIXES -->"));
        let app: Vec<_> = links(&md)
            .into_iter()
            .filter(|(u, _)| u.starts_with('?'))
            .collect();
        assert!(app.len() >= 5);
        for (url, title) in app {
            assert!(title.starts_with("expect: "), "{url}");
            let st = crate::state::AppState::from_query(&url);
            assert!(st.errors.is_empty(), "{url}: {:?}", st.errors);
        }
    }

    /// Every schedule a lesson's text holds: each app link's `schedule=` and each code span or
    /// block that reads as a schedule.
    fn schedules_in(markdown: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut in_code = false;
        for e in Parser::new(markdown) {
            match e {
                Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with('?') => {
                    let (p, _) = crate::params::parse(&dest_url);
                    out.extend(p.schedule);
                }
                Event::Code(t) => out.push(t.to_string()),
                Event::Start(Tag::CodeBlock(_)) => in_code = true,
                Event::End(TagEnd::CodeBlock) => in_code = false,
                Event::Text(t) if in_code => out.extend(t.lines().map(str::to_string)),
                _ => {}
            }
        }
        out
    }

    /// Whether `text`, replayed under challenge `c`, reaches its goal at any step.
    fn solves(c: &Challenge, text: &str) -> bool {
        let model = c.model();
        let Ok(steps) = daxlab_core::schedule::parse(text, &model) else {
            return false;
        };
        let mut w = model.initial();
        for t in steps {
            match model.step_quiet(&mut w, t) {
                Ok(e) => {
                    if let Some(v) = e.violation {
                        return v.kind == c.kind;
                    }
                }
                Err(_) => return false,
            }
        }
        false
    }

    /// No lesson gives a challenge away: no schedule in any lesson's text or links, replayed
    /// under a challenge's scenario and code, reaches that challenge's goal.
    #[test]
    fn no_lesson_text_holds_a_challenge_solution() {
        let mut checked = 0;
        let mut found = Vec::new();
        for (name, src) in LESSON_SOURCES {
            for sched in schedules_in(src) {
                for c in CHALLENGES {
                    checked += 1;
                    if solves(c, &sched) {
                        found.push(format!("{name}: {sched:?} solves challenge {}", c.name));
                    }
                }
            }
        }
        assert!(found.is_empty(), "{found:#?}");
        assert!(checked > 100, "only {checked} checks");
        // The check can fail: a known solution is caught.
        let c = challenge("null-deref").unwrap();
        assert!(solves(c, "trunc*6,mf*4"));
        assert!(
            schedules_in("[x](?scenario=null-mapping&schedule=trunc*6,mf*4) `a,b`")
                .contains(&"trunc*6,mf*4".to_string())
        );
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
}
