//! Lessons (markdown in `tutorials/`, compiled in) and challenges. A lesson is `# Title`, an
//! introduction, then one `## ` section per step; a step's state is its first link whose target
//! starts with `?`, and a link title `"expect: KIND"` says what that state shows.

use daxlab_core::{Variant, ViolationKind, WakeMode};
use pulldown_cmark::{Event, Parser, Tag};

/// Every lesson's name and source, in course order.
pub static LESSON_SOURCES: &[(&str, &str)] = &[
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
    for (k, s) in steps.iter_mut().enumerate() {
        s.state = links(&s.markdown)
            .into_iter()
            .map(|(url, _)| url)
            .find(|u| u.starts_with('?'));
        s.html = to_html(&s.markdown, &format!("&lesson={name}&lesson_step={k}"));
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
    let events = Parser::new(markdown).filter_map(|e| match e {
        Event::Html(_) | Event::InlineHtml(_) => None,
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

/// A challenge: you are the scheduler.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Challenge {
    /// Stable name (`?challenge=NAME`).
    pub name: &'static str,
    /// The goal, as the student reads it.
    pub goal: &'static str,
    /// The scenario.
    pub scenario: &'static str,
    /// The variant.
    pub variant: Variant,
    /// The truncate wake mode, when not the variant's default.
    pub truncate: Option<WakeMode>,
    /// Upstream commits added to the variant's (`fixes=` text).
    pub fixes: &'static str,
    /// The violation that counts as success.
    pub kind: ViolationKind,
}

/// Every challenge, one per bug.
pub static CHALLENGES: &[Challenge] = &[
    Challenge {
        name: "deadlock",
        goal: "Make mf spin forever on an i_pages lock it holds itself (bug 0).",
        scenario: "self-deadlock",
        variant: Variant::Seed,
        truncate: None,
        fixes: "",
        kind: ViolationKind::Deadlock,
    },
    Challenge {
        name: "null-deref",
        goal: "Make mf dereference a NULL page->mapping (bug a).",
        scenario: "null-mapping",
        variant: Variant::Seed,
        truncate: None,
        fixes: "",
        kind: ViolationKind::NullDeref,
    },
    Challenge {
        name: "use-after-free",
        goal: "Make mf touch the inode after it is freed (bug b).",
        scenario: "freed-inode",
        variant: Variant::V419,
        truncate: None,
        fixes: "",
        kind: ViolationKind::UseAfterFree,
    },
    Challenge {
        name: "lost-wakeup",
        goal: "Under v4.19 plus the NULL check (c93db7bb6ef3), leave a memory failure asleep forever: an exclusive waiter gives up without passing the wake-up on (bug d).",
        scenario: "lost-wakeup",
        variant: Variant::V419,
        truncate: None,
        fixes: "c93db7bb6ef3",
        kind: ViolationKind::LostWakeup,
    },
    Challenge {
        name: "truncate-wakeup",
        goal: "Under the last 4.19 stable, leave a writeback asleep forever: invalidation wakes only one waiter (bug e, from v4.7).",
        scenario: "truncate-wakeup",
        variant: Variant::V419y,
        truncate: None,
        fixes: "",
        kind: ViolationKind::LostWakeup,
    },
    Challenge {
        name: "wrong-entry",
        goal: "Without the re-check, make mf lock an entry of a different file.",
        scenario: "inode-reuse",
        variant: Variant::NoRecheck,
        truncate: None,
        fixes: "",
        kind: ViolationKind::WrongEntryLocked,
    },
];

/// The challenge called `name`.
pub fn challenge(name: &str) -> Option<&'static Challenge> {
    CHALLENGES.iter().find(|c| c.name == name)
}

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

    #[test]
    fn every_challenge_names_a_scenario() {
        for c in CHALLENGES {
            assert!(daxlab_core::scenario(c.scenario).is_some(), "{}", c.name);
        }
    }
}
