//! Our lesson markdown, parsed and rendered with pulldown-cmark. Pure text in, text out (no
//! crate items), so that `web/build.rs` renders the lessons with this same code when the page
//! is built: the browser's wasm carries the rendered HTML, not a markdown parser. Natively
//! (tests, `bin/lesson-pages.rs`) the crate uses it directly.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// Our markdown: CommonMark with tables (the history page's commits, the lab's schedule).
pub fn parser(markdown: &str) -> Parser<'_> {
    Parser::new_ext(markdown, Options::ENABLE_TABLES)
}

/// Every link of a markdown text: (target, title).
pub fn links(markdown: &str) -> Vec<(String, String)> {
    parser(markdown)
        .filter_map(|e| match e {
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) => Some((dest_url.to_string(), title.to_string())),
            _ => None,
        })
        .collect()
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

/// Whether an app link (`?…`) opens something other than a state of the lesson it is in.
fn leaves_lesson(url: &str) -> bool {
    url.trim_start_matches('?').split('&').any(|kv| {
        let key = kv.split('=').next().unwrap_or("");
        matches!(key, "challenge" | "lesson" | "exercise" | "teacher")
    })
}

/// Render our own markdown to HTML. Raw HTML in the source is dropped, and app links (targets
/// starting with `?`) get `prefix` (the app's page, like `../index.html`) before them and
/// `suffix` after, so they stay in the lesson; a link that leaves the lesson gets no suffix.
pub fn to_html_with(markdown: &str, prefix: &str, suffix: &str) -> String {
    let mut in_predict = false;
    let events = parser(markdown).filter_map(move |e| match e {
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
            // A link that leaves the lesson (to a challenge, another lesson, an exercise) gets
            // no suffix: the lesson's own parameters would win and keep the page where it was.
            dest_url: if leaves_lesson(&dest_url) {
                format!("{prefix}{dest_url}").into()
            } else {
                format!("{prefix}{dest_url}{suffix}").into()
            },
            title,
            id,
        })),
        other => Some(other),
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// One `## ` section of a lesson, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct StepText {
    /// The heading, backticks removed.
    pub title: String,
    /// The section's markdown, heading excluded.
    pub markdown: String,
    /// The section rendered for the app (predict blocks left out, app links kept in the lesson).
    pub html: String,
    /// Its first app link (a target starting with `?`): the state the step loads.
    pub state: Option<String>,
    /// Its ```` ```predict ```` blocks, as written.
    pub predict: Vec<String>,
}

/// A lesson's markdown, parsed: a `# Title`, an introduction, then one `## ` section per step.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonText {
    /// The `# ` heading, backticks removed.
    pub title: String,
    /// Markdown before the first step.
    pub intro: String,
    /// The introduction rendered for the app.
    pub intro_html: String,
    /// The steps.
    pub steps: Vec<StepText>,
}

/// Parse and render lesson `name`'s markdown `src`.
pub fn parse_lesson(name: &str, src: &str) -> LessonText {
    let mut title = String::new();
    let mut intro = String::new();
    let mut steps: Vec<StepText> = Vec::new();
    for line in src.lines() {
        if let Some(t) = line.strip_prefix("# ") {
            title = t.trim().replace('`', "");
        } else if let Some(t) = line.strip_prefix("## ") {
            steps.push(StepText {
                title: t.trim().replace('`', ""),
                markdown: String::new(),
                html: String::new(),
                state: None,
                predict: Vec::new(),
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
        let (blocks, prose) = split_predictions(&s.markdown);
        s.predict = blocks;
        s.html = to_html_with(&prose, "", &format!("&lesson={name}&lesson_step={k}"));
    }
    let intro_html = to_html_with(&intro, "", &format!("&lesson={name}&lesson_step=0"));
    LessonText {
        title,
        intro,
        intro_html,
        steps,
    }
}
