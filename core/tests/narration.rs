//! Snapshot of the words: every story's narration step by step, and each violation's message and
//! kernel report, as `words.rs` says them. A change of wording shows up as a diff of
//! `narration.txt`; rewrite it on purpose with `DAXLAB_BLESS=1 cargo test --test narration`.

use daxlab_core::{Outcome, SCENARIOS, Session, words};

fn snapshot() -> String {
    let mut out = String::new();
    for s in SCENARIOS {
        for story in s.stories {
            let m = s.model(story.options());
            let mut session = Session::new(m.clone());
            session.run_text(story.schedule).expect("stories replay");
            out.push_str(&format!(
                "## {} under {} {} (truncate wakes {}): {}\n",
                s.name,
                story.variant,
                story.fixes,
                m.truncate_wake().name(),
                story.schedule
            ));
            for (i, e) in session.events().iter().enumerate() {
                out.push_str(&format!(
                    "{:>3} {:<6} {}:{} {}\n",
                    i + 1,
                    m.name(e.tid),
                    e.line.func().name_in(m.code()),
                    e.line.number_in(m.code()),
                    words::narration(&m, e)
                ));
            }
            if let Outcome::Violation(v) = session.outcome() {
                out.push_str(&format!(
                    "VIOLATION {} on {}\n{}\n{}\n",
                    v.kind,
                    words::object(&m, &v),
                    words::message(&m, &v),
                    words::report(&m, &v)
                ));
            }
            out.push('\n');
        }
    }
    out
}

#[test]
fn every_story_is_narrated_as_recorded() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/narration.txt");
    let now = snapshot();
    if std::env::var_os("DAXLAB_BLESS").is_some() {
        std::fs::write(path, &now).expect("write snapshot");
        return;
    }
    let recorded = std::fs::read_to_string(path).expect("narration.txt is recorded");
    for (i, (a, b)) in recorded.lines().zip(now.lines()).enumerate() {
        assert_eq!(a, b, "line {} of narration.txt differs", i + 1);
    }
    assert_eq!(recorded.lines().count(), now.lines().count());
}
