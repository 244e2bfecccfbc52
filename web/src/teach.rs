//! The teaching state: a lesson step's graded predictions, a challenge played against a
//! preemption budget with graded hints, the student's progress (kept by the page in
//! `localStorage`), and the teacher's page. Free of the DOM, like `state.rs`, and tested natively;
//! every answer, par, hint and proof comes from `daxlab_core::teach`. What the teaching actions
//! do to the page's state is `state/teach.rs`: this module knows nothing of `AppState`.

use crate::lessons::{self, Challenge};
use daxlab_core::Tid;
use daxlab_core::teach::challenge::{Debrief, Hint};
use daxlab_core::teach::predict::Question;
use daxlab_core::teach::progress::{self, Progress, Summary};

/// The `localStorage` key the page keeps progress under.
pub const STORAGE_KEY: &str = "daxlab-progress";

/// One prediction of the lesson step on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct PredictionRun {
    /// Its number within the lesson.
    pub index: usize,
    /// The question posed at the step's state, or why it cannot be.
    pub question: Result<Question, String>,
    /// The choice selected, not yet checked.
    pub chosen: Option<usize>,
    /// The choice checked: the answer is revealed.
    pub checked: Option<usize>,
    /// The student stepped past the state it was asked at before checking: its answer has
    /// been on screen, so a check counts as not right.
    pub peeked: bool,
}

/// Where the lesson step's predictions were posed: the steps taken and the cursor.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PosedAt {
    pub(crate) steps: Vec<Tid>,
    pub(crate) cursor: usize,
}

impl PosedAt {
    /// Whether `steps` (a history up to some cursor) begins with the history the questions
    /// were asked on.
    pub(crate) fn begins(&self, steps: &[Tid]) -> bool {
        steps.get(..self.cursor) == Some(&self.steps[..])
    }
}

/// A won challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Win {
    /// Preemptions used.
    pub preemptions: u32,
    /// Points earned.
    pub points: u32,
    /// Steps taken.
    pub steps: usize,
    /// The commit, its link and the report.
    pub debrief: Debrief,
}

/// An unbreakable level's proof: the exhaustive search's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    /// States searched.
    pub states: u64,
    /// Whether every state was searched.
    pub complete: bool,
    /// A schedule that broke it after all (never expected).
    pub broken: Option<String>,
}

/// A challenge being played.
#[derive(Clone, Debug, PartialEq)]
pub struct ChallengeRun {
    /// The challenge.
    pub challenge: &'static Challenge,
    /// The level that must be won first, when this one is locked.
    pub locked_by: Option<&'static Challenge>,
    /// Preemptions used by the run on screen (up to the cursor).
    pub used: u32,
    /// The hints taken, with their text.
    pub hints: Vec<(Hint, String)>,
    /// The thread the last thread hint named, for tests and the page (`data-thread`).
    pub hint_thread: Option<String>,
    /// The win, once the goal is reached within the budget.
    pub won: Option<Win>,
    /// An unbreakable level's proof.
    pub proof: Option<Proof>,
    /// The steps a link loaded into a level not yet won (a reload, a shared or a teacher's
    /// link): a goal reached only by replaying them is not the student's play, and does not
    /// count. Empty when the level starts from its start.
    pub loaded: Vec<daxlab_core::Tid>,
}

impl ChallengeRun {
    /// The next hint to take, if any are left.
    pub fn next_hint(&self) -> Option<Hint> {
        let next = Hint::from_level(self.hints.len() as u8 + 1)?;
        // An unbreakable level has no schedule to give: its third hint (that none wins, so
        // prove it) is its last; a fourth would say the same for 6 more points.
        if self.challenge.unbreakable() && next == Hint::Solution {
            return None;
        }
        Some(next)
    }
    /// The hints a win is graded with: those taken now, or more taken on an earlier visit.
    pub fn hints_charged(&self, progress: &daxlab_core::teach::progress::Progress) -> u8 {
        (self.hints.len() as u8).max(progress.hints(self.challenge.name))
    }
    /// The level's outcome in one sentence, once there is one: the win, or the proof's result.
    /// The panel shows it and the page's status region reads it out when it first appears.
    pub fn outcome_sentence(&self) -> Option<String> {
        use daxlab_core::teach::challenge::WIN_POINTS;
        let c = self.challenge;
        if let Some(w) = &self.won {
            return Some(format!(
                "★ Goal reached with {} (par {}) in {} steps: {} of {WIN_POINTS} points.",
                preemptions(w.preemptions),
                c.par.unwrap_or(0),
                w.steps,
                w.points
            ));
        }
        let p = self.proof.as_ref()?;
        Some(match (&p.broken, p.complete) {
            (Some(s), _) => format!("The explorer broke it after all: {s}."),
            (None, true) => format!(
                "Proven: the explorer searched all {} reachable states; no schedule reaches {}. Level done.",
                p.states,
                c.kind.name()
            ),
            (None, false) => format!(
                "The search stopped at {} states before it was complete: nothing is proven.",
                p.states
            ),
        })
    }

    /// Whether the level counts as done.
    pub fn done(&self) -> bool {
        self.won.is_some()
            || self
                .proof
                .as_ref()
                .is_some_and(|p| p.complete && p.broken.is_none())
    }
}

/// What the teaching parts of the page can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum TeachAction {
    /// Select choice `choice` of prediction `k` (index in the step's list).
    Choose {
        /// The prediction, in the step's list.
        k: usize,
        /// The choice.
        choice: usize,
    },
    /// Check prediction `k`: grade, record the first answer, reveal why.
    Check(usize),
    /// Show prediction `k`'s answer on the timeline and object graph.
    ShowWhy(usize),
    /// Take the next graded hint.
    Hint,
    /// Unbreakable level: let the explorer search every schedule.
    Prove,
    /// Open or close the progress dialog.
    ToggleProgress,
    /// Forget every win, answer and exercise.
    ResetProgress,
    /// The teacher's page: the pasted codes.
    TeacherCodes(String),
}

/// The level names, in order.
pub fn level_names() -> Vec<&'static str> {
    lessons::CHALLENGES.iter().map(|c| c.name).collect()
}

/// The exercise names progress codes count (in order; part of the code): every exercise of
/// `daxlab_core::teach::exercise::EXERCISES`, in course order.
pub fn exercise_names() -> Vec<&'static str> {
    daxlab_core::teach::exercise::names()
}

/// The code a student exports.
pub fn progress_code(p: &Progress) -> String {
    p.code(&level_names(), &exercise_names())
}

/// One line of the teacher's page: the student's name (if given) and what the code says.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassRow {
    /// The line's number, from 1.
    pub line: usize,
    /// The name before the code ("Ana: DX1-..."), if any.
    pub name: String,
    /// The code's summary, or what is wrong with it.
    pub summary: Result<Summary, String>,
    /// An earlier line with the very same code. A code records progress, not who made it, so
    /// two students with the same progress have the same code; but a pasted line twice, or a
    /// code shared, looks the same, so the teacher is told.
    pub same_as: Option<usize>,
}

/// Read the teacher's pasted lines: one code per line, optionally `name: code` or `name code`.
pub fn class_rows(text: &str) -> Vec<ClassRow> {
    let levels = level_names();
    let exercises = exercise_names();
    let rows = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let l = l.trim();
            let at = l.to_ascii_uppercase().find(progress::PREFIX);
            // Lines as forms, spreadsheets and mail give them: `"Ana","DX1-…"`, `Ben<TAB>DX1-…<TAB>
            // 2026-11-30`, `Cy: DX1-….`. The code runs to a tab, quote, comma or semicolon (a
            // trailing full stop dropped); spaces may stand for its dashes, so when the whole
            // run does not read, its first word is tried (`DX1-… 2026-11-30`). The name loses
            // its separators and quotes.
            let (name, summary) = match at {
                Some(k) => {
                    let rest = &l[k..];
                    let end = rest.find(['\t', '"', '\'', ',', ';']).unwrap_or(rest.len());
                    let run = rest[..end].trim().trim_end_matches('.');
                    let word = run
                        .split_whitespace()
                        .next()
                        .unwrap_or(run)
                        .trim_end_matches('.');
                    let summary = progress::decode(run, &levels, &exercises).or_else(|e| {
                        if word == run {
                            Err(e)
                        } else {
                            progress::decode(word, &levels, &exercises).map_err(|_| e)
                        }
                    });
                    let sep = |c: char| {
                        c.is_whitespace() || matches!(c, ':' | ',' | ';' | '-' | '"' | '\'')
                    };
                    (l[..k].trim_matches(sep), summary)
                }
                None => ("", progress::decode(l, &levels, &exercises)),
            };
            ClassRow {
                line: i + 1,
                name: name.to_string(),
                summary,
                same_as: None,
            }
        })
        .collect::<Vec<_>>();
    // The same code however it was typed (dashes, case, O for 0): the same decoded summary.
    let mut out: Vec<ClassRow> = Vec::with_capacity(rows.len());
    for mut row in rows {
        if let Ok(s) = &row.summary {
            row.same_as = out
                .iter()
                .find(|r| r.summary.as_ref() == Ok(s))
                .map(|r| r.line);
        }
        out.push(row);
    }
    out
}

/// "no preemption", "1 preemption", "2 preemptions".
pub fn preemptions(n: u32) -> String {
    match n {
        0 => "no preemption".to_string(),
        1 => "1 preemption".to_string(),
        n => format!("{n} preemptions"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_teacher_reads_names_and_codes_and_names_bad_lines() {
        let mut p = Progress::default();
        p.win("null-deref", 9, 0, 1);
        let code = progress_code(&p);
        let rows = class_rows(&format!("Ana: {code}\n\n{code}\nBen: DX1-XXXX\nnot a code"));
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].name, "Ana");
        assert_eq!(rows[0].summary.as_ref().unwrap().points(), 9);
        assert_eq!(rows[1].name, "");
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[0].same_as, None);
        assert_eq!(rows[1].same_as, Some(1), "line 3 repeats line 1's code");
        // Typed without dashes, in lower case: the same code.
        let sloppy = code.replace('-', "").to_lowercase().replace("dx1", "DX1");
        let again = class_rows(&format!("Ana: {code}\nBo: {sloppy}"));
        assert_eq!(again[1].same_as, Some(1));
        assert!(rows[2].summary.as_ref().unwrap_err().contains("DX1-XXXX"));
        assert!(rows[3].summary.is_err());
        // Lines from a CSV, a form export with a date column, a mail with a full stop.
        let pasted = class_rows(&format!(
            "\"Ana\",\"{code}\"\nBen\t{code}\t2026-11-30\nCy: {code}.\nDee - {code}\nEve; {code}\nFay: {}\nGus {code} 2026-11-30",
            code.replace('-', " ")
        ));
        for (row, name) in pasted
            .iter()
            .zip(["Ana", "Ben", "Cy", "Dee", "Eve", "Fay", "Gus"])
        {
            assert_eq!(row.name, name);
            assert_eq!(row.summary.as_ref().map(|s| s.points()), Ok(9), "{name}");
        }
    }
}
