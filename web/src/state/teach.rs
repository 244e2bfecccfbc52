//! The teaching actions on the page's state: pose a lesson step's predictions, play a challenge
//! (its preemptions, budget, hints, win or proof) and keep the progress record. The teaching
//! types are `crate::teach`'s; these methods live with `AppState` so that `teach` does not
//! import `state`.

use super::AppState;
use crate::lessons::{self, Challenge};
use crate::teach::{ChallengeRun, PosedAt, PredictionRun, Proof, TeachAction, Win, level_names};
use daxlab_core::explore::{Config, Search, Serial};
use daxlab_core::teach::challenge::{self, Guide, Hint};
use daxlab_core::teach::predict::{self, Show};
use daxlab_core::teach::progress::Progress;
use daxlab_core::{Outcome, Tid};

/// Where a level stands against its goal ([`AppState::goal_verdict`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GoalVerdict {
    /// The goal is not on screen, or the level is closed to wins (won, locked, unbreakable).
    Open,
    /// The goal is on screen by the student's own play, within the budget: it is won.
    Counts,
    /// The goal is on screen by replaying the steps a link loaded: it does not count.
    Replayed,
    /// The goal is on screen with more preemptions than the budget allows: it does not count.
    OverBudget { used: u32, budget: u32 },
}

impl AppState {
    /// Pose the lesson step's predictions at the state on screen.
    pub(crate) fn pose_predictions(&mut self) {
        self.predictions.clear();
        let Some((lesson, k)) = self.lesson else {
            return;
        };
        let Some(step) = lesson.steps.get(k) else {
            return;
        };
        let model = self.session.model();
        let world = self.session.world();
        self.predictions = step
            .predictions
            .iter()
            .map(|p| PredictionRun {
                index: p.index,
                question: p
                    .ask
                    .clone()
                    .and_then(|ask| predict::pose(&ask, model, world)),
                chosen: None,
                checked: None,
                peeked: false,
            })
            .collect();
        self.posed_at = PosedAt {
            steps: self.session.steps(),
            cursor: self.session.cursor(),
        };
    }

    /// After any action: an open question about the next step ("Next, trunc runs …") whose
    /// step has run on the history it was asked on has had its answer on screen. It is marked,
    /// and recorded as answered not right at once (as hints are kept), so that going back to
    /// the step or reloading cannot take it back. Other questions (what is reachable under
    /// other fixes, what holds now) are not answered by stepping on.
    pub(crate) fn note_peeks(&mut self) {
        // Runs after every action (hovers too): nothing to do, nothing copied.
        let Some((lesson, _)) = self.lesson else {
            return;
        };
        let at = self.posed_at.cursor;
        if self.session.cursor() <= at
            || self
                .predictions
                .iter()
                .all(|p| p.checked.is_some() || p.peeked)
        {
            return;
        }
        let steps = self.session.steps();
        if !self.posed_at.begins(&steps) {
            return;
        }
        let next = steps[at];
        for p in &mut self.predictions {
            if p.checked.is_none()
                && !p.peeked
                && let Ok(q) = &p.question
                && q.show == Show::Step(next)
            {
                p.peeked = true;
                self.progress.peek(lesson.name, p.index);
            }
        }
    }

    /// Start playing challenge `c`, locked unless the level before it is done; `from_link`:
    /// the history on screen came with the link (a reload, a shared or a teacher's link), not
    /// from the student's play in this page.
    pub(crate) fn start_challenge(&mut self, c: &'static Challenge, from_link: bool) {
        let names = level_names();
        let level = c.level().saturating_sub(1);
        let locked_by = (level > self.progress.unlocked(&names))
            .then(|| lessons::CHALLENGES.get(self.progress.unlocked(&names)))
            .flatten();
        self.challenge = Some(ChallengeRun {
            challenge: c,
            locked_by,
            used: 0,
            hints: Vec::new(),
            hint_thread: None,
            won: None,
            proof: None,
            // Every recorded step, not only those up to the cursor: a link's `step=` may stand
            // before its goal, and Play would replay the rest.
            loaded: if from_link && !self.progress.won(c.name) {
                self.session.all_events().iter().map(|e| e.tid).collect()
            } else {
                Vec::new()
            },
        });
        // (A goal the link's steps reach is said not to count in the panel: goal_not_counted.)
        self.after_challenge_action();
    }

    /// Whether the goal is on screen only by the steps a link loaded (up to the cursor, the
    /// history is theirs): such a goal does not count.
    fn replays_loaded(&self) -> bool {
        let Some(run) = self.challenge.as_ref().filter(|r| !r.loaded.is_empty()) else {
            return false;
        };
        let k = self.session.cursor();
        k <= run.loaded.len() && self.session.steps()[..] == run.loaded[..k]
    }

    /// Where the level on screen stands against its goal, with `used` preemptions: the one
    /// place that decides whether a goal on screen counts (a win is recorded, the panel and the
    /// status region say why not, a hint is refused).
    pub(crate) fn goal_verdict(&self, used: u32) -> GoalVerdict {
        let Some(run) = &self.challenge else {
            return GoalVerdict::Open;
        };
        let c = run.challenge;
        let at_goal = matches!(self.session.outcome(), Outcome::Violation(v) if v.kind == c.kind);
        if !at_goal || run.won.is_some() || run.locked_by.is_some() || c.unbreakable() {
            GoalVerdict::Open
        } else if self.replays_loaded() {
            GoalVerdict::Replayed
        } else if used > c.budget {
            GoalVerdict::OverBudget {
                used,
                budget: c.budget,
            }
        } else {
            GoalVerdict::Counts
        }
    }

    /// After any action: count the preemptions on screen and record a win.
    pub(crate) fn after_challenge_action(&mut self) {
        let Some(run) = &self.challenge else {
            return;
        };
        let c = run.challenge;
        let model = self.session.model();
        let used = challenge::preemptions(model, &self.session.steps()).unwrap_or(0);
        // Hints taken on this level before (another visit, before a reload) still count.
        let hints = run.hints_charged(&self.progress);
        let win = match (self.goal_verdict(used), self.session.outcome()) {
            (GoalVerdict::Counts, Outcome::Violation(v)) => Some(Win {
                preemptions: used,
                points: c.points(used, hints),
                steps: self.session.cursor(),
                debrief: challenge::debrief(c, model, &v),
            }),
            _ => None,
        };
        if let Some(w) = &win {
            self.progress
                .win(c.name, w.points as u8, w.preemptions.min(255) as u8, hints);
        }
        let Some(run) = &mut self.challenge else {
            return;
        };
        run.used = used;
        if win.is_some() {
            run.won = win;
        }
    }

    /// Whether stepping `tid` now would overrun the challenge's budget: the message saying so.
    pub(crate) fn over_budget(&self, tid: Tid) -> Option<String> {
        let run = self.challenge.as_ref()?;
        let c = run.challenge;
        if c.unbreakable() || run.won.is_some() || run.locked_by.is_some() {
            return None;
        }
        let model = self.session.model();
        let last = self.session.steps().last().copied();
        let preempts = challenge::preempts(model, self.session.world(), last, tid);
        (preempts && run.used + 1 > c.budget).then(|| {
            let last = last.map_or("", |l| model.name(l));
            format!(
                "Out of budget: switching to {} while {last} can still run would be preemption {} of the {} allowed. Run {last} on, or step back (←) and spend your preemptions elsewhere.",
                model.name(tid),
                run.used + 1,
                c.budget
            )
        })
    }

    /// Apply a teaching action.
    pub(crate) fn teach(&mut self, a: TeachAction) {
        match a {
            TeachAction::Choose { k, choice } => {
                if let Some(p) = self.predictions.get_mut(k)
                    && p.checked.is_none()
                {
                    p.chosen = Some(choice);
                }
            }
            TeachAction::Check(k) => {
                let Some((lesson, _)) = self.lesson else {
                    return;
                };
                let Some(p) = self.predictions.get_mut(k) else {
                    return;
                };
                let (Some(choice), Ok(q)) = (p.chosen, &p.question) else {
                    return;
                };
                if p.checked.is_none() {
                    p.checked = Some(choice);
                    // (After a peek the answer is recorded already, as not right: note_peeks.)
                    let right = q.grade(choice);
                    self.progress.answer(lesson.name, p.index, right);
                }
            }
            TeachAction::ShowWhy(k) => self.show_why(k),
            TeachAction::Hint => self.take_hint(),
            TeachAction::Prove => self.prove(),
            TeachAction::ToggleProgress => self.progress_dialog = !self.progress_dialog,
            TeachAction::ResetProgress => {
                self.progress = Progress::default();
                self.notice =
                    Some("Progress reset: every level but the first is locked again.".into());
                if let Some(c) = self.challenge.as_ref().map(|r| r.challenge) {
                    // The steps on screen are the student's own.
                    self.start_challenge(c, false);
                }
            }
            TeachAction::TeacherCodes(text) => self.teacher_text = text,
        }
    }

    fn show_why(&mut self, k: usize) {
        let Some(p) = self.predictions.get(k) else {
            return;
        };
        let Ok(q) = &p.question else {
            return;
        };
        match q.show.clone() {
            Show::Step(tid) => {
                // Back to the state the question was asked at, then the step.
                let at = self.posed_at.clone();
                if !at.begins(&self.session.steps()) {
                    self.session.reset();
                    let _ = self.session.run(&at.steps);
                }
                self.session.seek(at.cursor);
                if let Err(e) = self.session.step(tid) {
                    self.errors.push(e.to_string());
                }
                self.schedule_text = self.full_schedule();
            }
            Show::Replay(query) => {
                let Some((lesson, step)) = self.lesson else {
                    return;
                };
                let keep = (
                    std::mem::take(&mut self.predictions),
                    std::mem::take(&mut self.posed_at),
                    std::mem::take(&mut self.progress),
                    self.embed,
                    self.speed,
                );
                *self = AppState::from_query(&format!(
                    "{query}&lesson={}&lesson_step={step}",
                    lesson.name
                ));
                (
                    self.predictions,
                    self.posed_at,
                    self.progress,
                    self.embed,
                    self.speed,
                ) = keep;
                self.notice = Some(
                    "The explorer's schedule is loaded: step back (←) to watch it happen.".into(),
                );
            }
            Show::Nothing => {}
        }
    }

    fn take_hint(&mut self) {
        let Some(run) = &self.challenge else {
            return;
        };
        if run.won.is_some() || run.locked_by.is_some() {
            return;
        }
        // The goal is on screen but does not count: a hint from a finished run has nothing to
        // say, and would cost points.
        if matches!(
            self.goal_verdict(run.used),
            GoalVerdict::Replayed | GoalVerdict::OverBudget { .. }
        ) {
            self.errors.push(
                "The goal is on screen already: step back (←) to where you want a hint; no hint was taken."
                    .into(),
            );
            return;
        }
        let Some(hint) = run.next_hint() else {
            return;
        };
        let c = run.challenge;
        let model = self.session.model();
        let last = self.session.steps().last().copied();
        let left = c.budget.saturating_sub(run.used);
        let mut thread = None;
        let text = match hint {
            Hint::Concept => c.concept.to_string(),
            Hint::Precondition => c.precondition.to_string(),
            Hint::Thread | Hint::Solution if c.unbreakable() => {
                "No schedule wins this level: the explorer's proof is the answer. Press Prove it."
                    .into()
            }
            Hint::Thread | Hint::Solution => {
                match challenge::guide(c, model, self.session.world(), last, left) {
                    Guide::Path(path) => {
                        let first = model.name(path[0]).to_string();
                        thread = Some(first.clone());
                        if hint == Hint::Thread {
                            format!("Run {first} next.")
                        } else {
                            format!(
                                "From here: {} ({} step{}).",
                                daxlab_core::schedule::format(&path, model),
                                path.len(),
                                if path.len() == 1 { "" } else { "s" }
                            )
                        }
                    }
                    Guide::NoWay { .. } => format!(
                        "From this state no schedule reaches {} with {} left: step back (←) and try another order.",
                        c.kind.name(),
                        crate::teach::preemptions(left)
                    ),
                    Guide::TooBig => {
                        "The explorer could not decide from here within its bound.".into()
                    }
                }
            }
        };
        self.progress.hint(c.name, hint.level());
        if let Some(run) = &mut self.challenge {
            run.hints.push((hint, text));
            run.hint_thread = thread;
        }
    }

    fn prove(&mut self) {
        let Some(run) = &self.challenge else {
            return;
        };
        let c = run.challenge;
        if !c.unbreakable() || run.locked_by.is_some() || self.session.is_empty() {
            return;
        }
        let config = Config {
            target: Some(c.kind),
            ..Config::default()
        };
        let r = Search::new(c.model(), config).finish(&Serial);
        let broken = r
            .found
            .map(|f| daxlab_core::schedule::format(&f.schedule, self.session.model()));
        let proof = Proof {
            states: r.states,
            complete: r.complete,
            broken,
        };
        if proof.complete && proof.broken.is_none() {
            self.progress.win(c.name, challenge::WIN_POINTS as u8, 0, 0);
        }
        if let Some(run) = &mut self.challenge {
            run.proof = Some(proof);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Action;

    fn with_progress(query: &str, p: &Progress) -> AppState {
        AppState::from_query_with(query, p.clone())
    }

    /// The unbreakable level, unlocked by winning the three levels before it.
    fn unbreakable_unlocked() -> AppState {
        let mut p = Progress::default();
        for c in lessons::CHALLENGES.iter().take(3) {
            p.win(c.name, 10, 0, 0);
        }
        with_progress("?challenge=unbreakable-recheck", &p)
    }

    /// No order wins an unbreakable level: a random run may be watched there.
    #[test]
    fn a_random_run_may_be_watched_in_an_unbreakable_level() {
        let mut st = unbreakable_unlocked();
        assert!(st.challenge.as_ref().unwrap().locked_by.is_none());
        st.apply(Action::RandomRun);
        assert!(!st.session.is_empty(), "{:?}", st.errors);
        assert!(st.errors.is_empty(), "{:?}", st.errors);
        // Its search is the level's own Prove it, which Find a bug points to.
        st.apply(Action::FindBug);
        assert!(st.search.is_none());
        let said = st.errors.join(" ");
        assert!(said.contains("the search is Prove it"), "{said}");
    }

    /// A lesson step with one prediction of each simple kind: graded right and wrong from the
    /// model's answer, the first answer recorded, and Show me steps the model.
    #[test]
    fn a_prediction_is_graded_from_the_model_and_recorded_once() {
        let mut st = AppState::from_query("?lesson=why-recheck");
        // Pose one by hand at this state (lessons may not carry one at step 0).
        let ask = daxlab_core::teach::predict::Ask::MappingAfter {
            thread: "mf".into(),
            pfn: None,
        };
        let q = predict::pose(&ask, st.model(), st.session.world()).unwrap();
        st.predictions = vec![PredictionRun {
            index: 3,
            question: Ok(q.clone()),
            chosen: None,
            checked: None,
            peeked: false,
        }];
        let wrong = (q.answer + 1) % q.choices.len();
        st.apply(Action::Teach(TeachAction::Check(0)));
        assert_eq!(st.predictions[0].checked, None, "nothing chosen yet");
        st.apply(Action::Teach(TeachAction::Choose {
            k: 0,
            choice: wrong,
        }));
        st.apply(Action::Teach(TeachAction::Check(0)));
        assert_eq!(st.predictions[0].checked, Some(wrong));
        assert_eq!(st.progress.answered("why-recheck", 3), Some(false));
        // A later choice is refused once checked; the record keeps the first answer.
        st.apply(Action::Teach(TeachAction::Choose {
            k: 0,
            choice: q.answer,
        }));
        assert_eq!(st.predictions[0].chosen, Some(wrong));
        let before = st.session.cursor();
        st.apply(Action::Teach(TeachAction::ShowWhy(0)));
        assert_eq!(st.session.cursor(), before + 1);
    }

    /// Stepping past a question before answering puts its answer on screen (found by the UX
    /// review of stop 37): the check then counts as not right. Stepping back and returning,
    /// or answering in place, does not.
    #[test]
    fn an_answer_given_after_stepping_past_the_question_counts_as_not_right() {
        let query = "?lesson=what-is-dax&lesson_step=2";
        let open = |st: &AppState| {
            let k = st
                .predictions
                .iter()
                .position(|p| p.question.is_ok())
                .expect("the step asks a question");
            let p = &st.predictions[k];
            (k, p.index, p.question.as_ref().unwrap().answer)
        };
        let answer = |st: &mut AppState, k: usize, choice: usize| {
            st.apply(Action::Teach(TeachAction::Choose { k, choice }));
            st.apply(Action::Teach(TeachAction::Check(k)));
        };
        let mut st = AppState::from_query(query);
        let (k, index, right) = open(&st);
        let at = st.session.cursor();
        assert!(
            at > 0 && at < st.session.len(),
            "history on both sides of step {at}"
        );
        st.apply(Action::Back);
        st.apply(Action::Forward);
        assert!(!st.predictions[k].peeked, "back and forth to its own state");
        st.apply(Action::Forward);
        assert!(
            st.predictions[k].peeked,
            "the step after the question is on screen"
        );
        st.apply(Action::Back);
        assert!(st.predictions[k].peeked, "seen stays seen");
        answer(&mut st, k, right);
        assert_eq!(st.predictions[k].checked, Some(right));
        assert_eq!(st.progress.answered("what-is-dax", index), Some(false));

        // Recorded the moment the step ran, so going back to the lesson step (or a reload)
        // does not take it back.
        let mut st = AppState::from_query(query);
        st.apply(Action::Forward);
        assert_eq!(st.progress.answered("what-is-dax", index), Some(false));
        st.apply(Action::LessonGo(2));
        assert!(!st.predictions[k].peeked, "posed again");
        answer(&mut st, k, right);
        assert_eq!(st.progress.answered("what-is-dax", index), Some(false));
        // The record says why (the verdict's note: "on an earlier visit you stepped past").
        assert!(st.progress.peeked("what-is-dax", index));

        // Another thread's step at the question's state does not show its answer.
        let mut st = AppState::from_query(query);
        let Show::Step(asked) = st.predictions[k].question.as_ref().unwrap().show else {
            panic!("a question about the next step");
        };
        let other = (0..st.model().threads().len() as u8)
            .map(Tid)
            .find(|&t| {
                t != asked
                    && st.model().status(st.session.world(), t) == daxlab_core::Status::Runnable
            })
            .expect("another runnable thread");
        st.apply(Action::Step(other));
        assert!(!st.predictions[k].peeked, "{other:?} ran, not {asked:?}");
        assert_eq!(st.progress.answered("what-is-dax", index), None);

        let mut st = AppState::from_query(query);
        let n = st.predictions[k].question.as_ref().unwrap().choices.len();
        answer(&mut st, k, (right + 1) % n);
        assert_eq!(st.progress.answered("what-is-dax", index), Some(false));
        assert!(
            !st.progress.peeked("what-is-dax", index),
            "answered, not peeked"
        );
        let mut st = AppState::from_query(query);
        answer(&mut st, k, right);
        assert_eq!(st.progress.answered("what-is-dax", index), Some(true));
        // Once checked, stepping on is the point: nothing changes.
        st.apply(Action::Forward);
        assert!(!st.predictions[k].peeked);
        assert_eq!(st.progress.answered("what-is-dax", index), Some(true));
    }

    /// A question whose answer a step does not show (what is reachable, under other fixes) is
    /// not marked seen when the student steps on.
    #[test]
    fn stepping_on_does_not_peek_a_reachable_question() {
        for l in lessons::lessons() {
            for k in 0..l.steps.len() {
                let mut st = AppState::from_query(&format!("?lesson={}&lesson_step={k}", l.name));
                let open: Vec<usize> = (0..st.predictions.len())
                    .filter(|&i| {
                        st.predictions[i]
                            .question
                            .as_ref()
                            .is_ok_and(|q| !matches!(q.show, Show::Step(_)))
                    })
                    .collect();
                if open.is_empty() || st.session.cursor() == st.session.len() {
                    continue;
                }
                st.apply(Action::End);
                for i in open {
                    assert!(!st.predictions[i].peeked, "{} step {k}", l.name);
                }
                return;
            }
        }
        panic!("no lesson step asks a question a step does not answer, with history after it");
    }

    /// Every lesson asks at least two predictions, and every one can be asked at its step's
    /// state: the model has an answer for it.
    #[test]
    fn every_lesson_prediction_is_posed_from_the_model_at_its_step() {
        for l in lessons::lessons() {
            let mut asked = 0;
            for (k, step) in l.steps.iter().enumerate() {
                let st = AppState::from_query(&format!("?lesson={}&lesson_step={k}", l.name));
                assert_eq!(st.predictions.len(), step.predictions.len());
                for p in &st.predictions {
                    let q = p.question.as_ref().unwrap_or_else(|e| {
                        panic!(
                            "{} step {k} ({}): prediction {}: {e}",
                            l.name, step.title, p.index
                        )
                    });
                    assert!(q.answer < q.choices.len());
                    asked += 1;
                }
            }
            assert!(asked >= 2, "{} asks {asked} predictions", l.name);
        }
    }

    #[test]
    fn levels_unlock_in_order_and_a_locked_level_says_which_to_win_first() {
        let p = Progress::default();
        let st = with_progress("?challenge=deadlock", &p);
        let run = st.challenge.as_ref().unwrap();
        assert_eq!(run.locked_by.map(|c| c.name), Some("null-deref"));
        let st = with_progress("?challenge=null-deref", &p);
        assert!(st.challenge.as_ref().unwrap().locked_by.is_none());
    }

    /// Win null-deref without a preemption: truncate to its end, then memory failure. The win.
    fn win_null_deref(st: &mut AppState) -> &Win {
        let m = st.model().clone();
        let (trunc, mf) = (m.tid("trunc").unwrap(), m.tid("mf").unwrap());
        while m.is_runnable(st.session.world(), trunc) {
            st.apply(Action::Step(trunc));
        }
        while st.session.outcome() == Outcome::Running {
            st.apply(Action::Step(mf));
        }
        st.challenge.as_ref().unwrap().won.as_ref().expect("won")
    }

    /// A frame shows no challenge panel: a win there is recorded but not read out.
    #[test]
    fn a_win_in_a_frame_is_not_read_out() {
        let mut st = AppState::from_query("?challenge=null-deref&embed=1");
        win_null_deref(&mut st);
        let said = st.spoken.clone().unwrap_or_default();
        assert!(!said.contains("Goal reached"), "{said}");
        assert!(st.progress.won("null-deref"));
    }

    /// Win level 1 within its budget through the same actions the page sends, with one hint
    /// costing a point; level 2 is unlocked after.
    #[test]
    fn a_win_within_budget_scores_par_minus_hints_and_unlocks_the_next_level() {
        let mut st = AppState::from_query("?challenge=null-deref");
        st.apply(Action::Teach(TeachAction::Hint));
        let win = win_null_deref(&mut st);
        assert_eq!(win.preemptions, 0);
        assert_eq!(win.points, challenge::WIN_POINTS - Hint::Concept.cost());
        assert!(win.debrief.fixed_by.contains("c93db7bb6ef3"));
        assert!(win.debrief.report.contains("NULL pointer"));
        assert!(st.progress.won("null-deref"));
        // The win is read out once, from the page's status region, in the panel's words.
        let said = st.challenge.as_ref().unwrap().outcome_sentence();
        assert!(said.as_deref().unwrap().starts_with("★ Goal reached"));
        assert_eq!(st.spoken, said);
        st.apply(Action::Hover(Some(1)));
        assert_eq!(st.spoken, said, "a hover keeps it");
        st.apply(Action::Back);
        assert_eq!(st.spoken, None, "said once, not at every later step");
        let next = with_progress("?challenge=deadlock", &st.progress);
        assert!(next.challenge.as_ref().unwrap().locked_by.is_none());
    }

    #[test]
    fn hints_count_after_a_reload_and_in_a_replay() {
        let mut st = AppState::from_query("?challenge=null-deref");
        for _ in 0..4 {
            st.apply(Action::Teach(TeachAction::Hint));
        }
        // Reload: a new page with the stored progress, no hint taken in it.
        let mut again = with_progress("?challenge=null-deref", &st.progress);
        assert!(again.challenge.as_ref().unwrap().hints.is_empty());
        let all = Hint::ALL.iter().map(|h| h.cost()).sum::<u32>();
        let want = challenge::WIN_POINTS.saturating_sub(all);
        assert_eq!(win_null_deref(&mut again).points, want);
        // A replay without hints keeps them on record.
        let mut replay = with_progress("?challenge=null-deref", &again.progress);
        assert_eq!(win_null_deref(&mut replay).points, want);
        assert_eq!(replay.progress.hints("null-deref"), 4);
    }

    #[test]
    fn changing_the_code_leaves_the_challenge_and_says_how_to_come_back() {
        for leave in [
            Action::SetVariant("fixed".into()),
            Action::SetScenario("freed-inode".into()),
            Action::ToggleFix("c93db7bb6ef3".into()),
            Action::SetTruncate("all".into()),
        ] {
            let mut st = AppState::from_query("?challenge=null-deref");
            st.apply(Action::FindBug);
            assert!(!st.errors.is_empty());
            st.apply(leave.clone());
            assert!(st.challenge.is_none(), "{leave:?}");
            // The challenge's own message went with it; the page names the challenge left.
            assert!(st.errors.is_empty(), "{leave:?}: {:?}", st.errors);
            assert_eq!(st.left_challenge.map(|c| c.name), Some("null-deref"));
            assert!(st.has_messages());
            st.apply(Action::DismissMessages);
            assert!(st.left_challenge.is_none() && !st.has_messages());
        }
        // Outside a challenge the same change says nothing.
        let mut plain = AppState::from_query("?scenario=null-mapping&variant=seed");
        plain.apply(Action::SetVariant("fixed".into()));
        assert!(plain.left_challenge.is_none());
    }

    #[test]
    fn a_challenge_left_by_a_slip_comes_back_as_it_was() {
        // One arrow key on the focused Variant picker leaves the challenge: Back to the
        // challenge restores its run, hints and history.
        let mut st = AppState::from_query("?challenge=null-deref");
        for _ in 0..3 {
            st.apply(Action::StepColumn(0));
        }
        st.apply(Action::Hint);
        let (steps, schedule) = (st.session.len(), st.full_schedule());
        assert!(steps > 0);
        st.apply(Action::SetVariant("v4.19".into()));
        assert!(st.challenge.is_none() && st.can_go_back_to_challenge());
        st.apply(Action::BackToChallenge);
        let run = st.challenge.as_ref().expect("the challenge is back");
        assert_eq!(run.challenge.name, "null-deref");
        assert_eq!(run.hints.len(), 1);
        assert_eq!((st.session.len(), st.full_schedule()), (steps, schedule));
        assert!(st.left_challenge.is_none() && !st.can_go_back_to_challenge());
        // Dismissing the message forgets the way back.
        st.apply(Action::SetScenario("freed-inode".into()));
        st.apply(Action::DismissMessages);
        assert!(!st.can_go_back_to_challenge());
        st.apply(Action::BackToChallenge);
        assert!(st.challenge.is_none());
    }

    #[test]
    fn find_a_bug_does_not_play_a_challenge() {
        let mut st = AppState::from_query("?challenge=null-deref");
        st.apply(Action::FindBug);
        assert!(st.search.is_none());
        assert!(
            st.errors
                .last()
                .unwrap()
                .contains("Find a bug is off in a challenge"),
            "{:?}",
            st.errors
        );
        // Outside a challenge it searches.
        let mut plain = AppState::from_query("?scenario=null-mapping&variant=seed");
        plain.apply(Action::FindBug);
        assert!(plain.search.is_some());
    }

    #[test]
    fn an_unbreakable_level_has_three_hints_the_last_saying_prove_it() {
        let mut st = unbreakable_unlocked();
        for _ in 0..5 {
            st.apply(Action::Teach(TeachAction::Hint));
        }
        let run = st.challenge.as_ref().unwrap();
        assert_eq!(run.hints.len(), 3);
        assert!(run.hints[2].1.contains("Prove it"), "{}", run.hints[2].1);
        assert_eq!(run.next_hint(), None);
    }

    #[test]
    fn a_step_over_the_budget_is_refused_with_a_message() {
        let mut st = AppState::from_query("?challenge=null-deref");
        let m = st.model().clone();
        let (trunc, mf) = (m.tid("trunc").unwrap(), m.tid("mf").unwrap());
        st.apply(Action::Step(trunc));
        st.apply(Action::Step(mf)); // preemption 1 of 1
        assert_eq!(st.challenge.as_ref().unwrap().used, 1);
        let len = st.session.len();
        st.apply(Action::Step(trunc)); // would be preemption 2
        st.apply(Action::Step(trunc)); // and again: said once
        assert_eq!(st.session.len(), len);
        assert_eq!(
            st.errors
                .iter()
                .filter(|e| e.contains("Out of budget"))
                .count(),
            1
        );
        assert!(
            st.errors.last().unwrap().contains("Out of budget"),
            "{:?}",
            st.errors
        );
    }

    #[test]
    fn hints_are_graded_and_the_thread_hint_comes_from_the_explorer() {
        let mut st = AppState::from_query("?challenge=null-deref");
        for h in Hint::ALL {
            st.apply(Action::Teach(TeachAction::Hint));
            assert_eq!(st.challenge.as_ref().unwrap().hints.last().unwrap().0, h);
        }
        st.apply(Action::Teach(TeachAction::Hint));
        let run = st.challenge.as_ref().unwrap();
        assert_eq!(run.hints.len(), 4, "no fifth hint");
        // The thread hint named a thread that starts a par schedule.
        let thread = run.hint_thread.clone().unwrap();
        assert!(["mf", "trunc"].contains(&thread.as_str()));
        assert!(
            run.hints[3].1.starts_with("From here: "),
            "{}",
            run.hints[3].1
        );
    }

    #[test]
    fn an_unbreakable_level_is_done_once_tried_and_proven() {
        let mut st = unbreakable_unlocked();
        st.apply(Action::Teach(TeachAction::Prove));
        assert!(st.challenge.as_ref().unwrap().proof.is_none(), "try first");
        st.apply(Action::StepColumn(0));
        st.apply(Action::Teach(TeachAction::Prove));
        let run = st.challenge.as_ref().unwrap();
        let proof = run.proof.as_ref().unwrap();
        assert!(proof.complete && proof.broken.is_none() && proof.states > 100);
        assert!(run.done());
        assert!(st.progress.won("unbreakable-recheck"));
    }
}
