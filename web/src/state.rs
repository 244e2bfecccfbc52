//! The visualizer's state and every action a student can take, free of the DOM so it can be
//! tested natively. The component in `lib.rs` owns one `AppState`, forwards events to
//! [`AppState::apply`] and draws what it holds.

mod teach;

use crate::exercise::{ExerciseAction, ExerciseRun, Visualizer};
use crate::figures::{CompareRun, Shared, TimelineCache, TimelineUi};
use crate::lessons::{self, Lesson};
use crate::params::{self, Params};
use crate::search::{Progress as SearchProgress, Verdict};
use crate::teach::{ChallengeRun, PosedAt, PredictionRun, TeachAction};
use daxlab_core::explore::{Config, Reduction, Search, Serial};
use daxlab_core::random::{RandomRunner, Strategy};
use daxlab_core::scenario::text::Spec;
use daxlab_core::teach::progress::Progress;
use daxlab_core::timeline::Timeline;
use daxlab_core::{
    Model, Options, Outcome, Session, Tid, Variant, ViolationKind, WakeMode, scenario, schedule,
    words,
};
use teach::GoalVerdict;

/// States the explorer expands per slice when it runs on the page's thread (no worker): small
/// enough to keep a frame.
pub const SEARCH_SLICE: usize = 4_000;
pub use crate::search::SEARCH_MAX_STATES;
/// Priority change points of the "random run" (PCT) strategy.
pub const PCT_DEPTH: u8 = 3;

/// Everything the student can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Run this thread's next step (after the cursor; later history is dropped).
    Step(Tid),
    /// Step the thread shown in column `n` (0-based), if it exists.
    StepColumn(usize),
    /// One step back in history.
    Back,
    /// One step forward in history.
    Forward,
    /// Go to this step of the history.
    Seek(usize),
    /// To the first step.
    Home,
    /// To the last recorded step.
    End,
    /// Back to the initial world with an empty history.
    Reset,
    /// Start or stop playing.
    TogglePlay,
    /// One tick of play: forward through history, stop at its end.
    Tick,
    /// Steps per second while playing.
    SetSpeed(f64),
    /// What Find a bug looks for: a violation kind's name, or "any".
    SetFindKind(String),
    /// Faster or slower by one notch.
    Faster,
    /// Slower by one notch.
    Slower,
    /// Load another scenario (with its story).
    SetScenario(String),
    /// Load a scenario from the builder, keeping the variant and the fixes on screen.
    Build(Spec),
    /// Show or hide the scenario builder.
    ToggleBuilder,
    /// Change the variant, keeping the schedule as far as it still applies.
    SetVariant(String),
    /// Change the truncate path's wake mode, keeping the schedule as far as it applies.
    SetTruncate(String),
    /// Add or take away one upstream commit (by id), keeping the schedule as far as it applies.
    ToggleFix(String),
    /// Replace the history with this schedule text.
    ApplySchedule(String),
    /// Edit the schedule box.
    EditSchedule(String),
    /// Edit the seed box.
    EditSeed(String),
    /// A seeded random run (PCT) with the seed in the seed box.
    RandomRun,
    /// A seeded random run with the next seed.
    NextSeed,
    /// Start the explorer on the current scenario and variant.
    FindBug,
    /// Let the explorer expand one slice; `now_ms` is the caller's clock.
    SearchTick {
        /// Milliseconds on the caller's clock.
        now_ms: f64,
    },
    /// Stop the explorer.
    CancelSearch,
    /// The search worker took the search over: the page stops expanding it itself.
    SearchInWorker,
    /// The search worker failed: the page expands the search itself, in slices.
    SearchInPage,
    /// The worker's progress.
    SearchProgress(SearchProgress),
    /// The worker's verdict.
    SearchDone(Verdict),
    /// Go back to the challenge just left, its run as it was.
    BackToChallenge,
    /// Put back the run Reset cleared.
    UndoReset,
    /// Replace the run with the scenario's story.
    LoadStory,
    /// Show or hide the keyboard help.
    ToggleHelp,
    /// Turn the single-key shortcuts (letters, digits, Space, punctuation) on or off.
    SetCharKeys(bool),
    /// Show or hide the embed dialog (iframe code for course notes).
    ToggleEmbedDialog,
    /// Go to this step of the lesson and load its state.
    LessonGo(usize),
    /// The challenge's next graded hint (the same as `Teach(TeachAction::Hint)`).
    Hint,
    /// The pointer is over this timeline column (or left the timeline).
    Hover(Option<usize>),
    /// Wider timeline columns.
    ZoomIn,
    /// Narrower timeline columns, down to the whole run.
    ZoomOut,
    /// The whole run in the timeline's width.
    ZoomFit,
    /// The page measured the timeline's width, in CSS pixels.
    SetTimelineWidth(f64),
    /// Show this thread's whole listing, or only its current function.
    ToggleListing(Tid),
    /// Whole listings for every thread, or current functions for every thread.
    ToggleAllListings,
    /// Show or hide the timeline and the graph as tables.
    ToggleTables,
    /// Compare with this variant ("" or "none": stop comparing).
    SetCompare(String),
    /// Predictions, challenges, progress and the teacher's page.
    Teach(TeachAction),
    /// Close overlays and messages.
    Escape,
    /// Dismiss the messages.
    DismissMessages,
    /// Something done in the exercise panel (`crate::exercise`).
    Exercise(ExerciseAction),
}

/// A search in progress.
pub struct SearchRun {
    /// The explorer, while the search runs on the page's thread (none while a worker runs it).
    explorer: Option<Search>,
    started_ms: Option<f64>,
    /// How far it has come.
    pub progress: SearchProgress,
    /// The bound on states.
    pub max_states: u64,
    /// The page has asked the worker to pause for the student's steps since its last progress.
    pub yielding: bool,
    /// The only kind of violation looked for, if not any.
    pub target: Option<ViolationKind>,
}

impl SearchRun {
    fn in_page(model: &Model, target: Option<ViolationKind>) -> SearchRun {
        let config = Config {
            max_states: SEARCH_MAX_STATES,
            reduction: crate::search::reduction_for(model),
            target,
            ..Config::default()
        };
        SearchRun {
            explorer: Some(Search::new(model.clone(), config)),
            started_ms: None,
            progress: SearchProgress::default(),
            max_states: SEARCH_MAX_STATES,
            yielding: false,
            target,
        }
    }
}

/// Whether `key` (a `KeyboardEvent.key`, or a name shown for one: "Space") is a single-key
/// shortcut, which the help can turn off: a printable character. Arrows, Home, End and Escape
/// are not.
pub fn is_character_key(key: &str) -> bool {
    key.chars().count() == 1 || key == "Space"
}

/// Whether `key` acts (and is advertised) with the single-key shortcuts on (`char_keys`) or
/// off: the one rule for the page's titles and for the key listener.
pub fn key_works(char_keys: bool, key: &str) -> bool {
    char_keys || !is_character_key(key)
}

/// A challenge as it was when the student left it (see `AppState::left_from`).
struct LeftChallenge {
    run: ChallengeRun,
    session: Session,
    variant_given: bool,
    /// The variant compared with, if any.
    compare: Option<Variant>,
}

/// A run a schedule stopped early, and why.
struct StoppedRun {
    code: daxlab_core::Code,
    truncate: WakeMode,
    schedule: String,
    error: String,
}

/// A run Reset cleared, and what went with it: Undo reset puts all of it back.
struct ResetRun {
    run: Session,
    /// Reset's notice (the Undo button belongs to it).
    said: String,
    /// The random run's seed, when the run was one.
    seed: Option<u64>,
    /// Why the schedule the run came from stopped early, if it did.
    schedule_error: Option<StoppedRun>,
}

/// What the page showed before an action: what the action newly says is what differs after
/// it (`AppState::said_now`).
struct Shown {
    notice: Option<String>,
    /// The challenge just left, if one was.
    left: Option<&'static str>,
    /// The challenge in the panel and its outcome sentence.
    outcome: Option<(&'static str, Option<String>)>,
    completed: bool,
    /// Why the goal on screen does not count, if that line showed.
    over_budget: Option<String>,
}

/// What the page says under the threads when every thread finished without a violation.
pub const COMPLETED: &str = "✓ Every thread finished without a violation.";

/// The whole view state.
pub struct AppState {
    /// The simulation and its history.
    pub session: Session,
    /// Problems with the URL or the student's input, each naming the bad value.
    pub errors: Vec<String>,
    /// What the last action did, when it needs saying (a search result, a random run).
    pub notice: Option<String>,
    /// The last "cannot run" message among `errors`: the next one replaces it, and a move
    /// of the step takes it away (pressing a blocked thread again must not pile up copies).
    refusal: Option<String>,
    /// Why a schedule (the URL's or the Schedule box's) stopped before its end, with the run
    /// it describes: the JSON export carries it, as `daxlab run --json` does, only while the
    /// whole history is still that run.
    schedule_error: Option<StoppedRun>,
    /// Playing through the history.
    pub playing: bool,
    /// Play speed in steps per second.
    pub speed: f64,
    /// The seed box.
    pub seed_text: String,
    /// The seed of the run on screen, if it came from a random run.
    pub seed: Option<u64>,
    /// The schedule box.
    pub schedule_text: String,
    /// The explorer, while searching.
    pub search: Option<SearchRun>,
    /// The keyboard help is open.
    pub help: bool,
    /// The single-key shortcuts work (WCAG 2.1.4: a student using speech input, or one
    /// who presses keys by accident, can turn them off in the help; arrows, Home, End and
    /// Esc stay). The page keeps the choice in `localStorage`.
    pub char_keys: bool,
    /// Compact layout for an iframe.
    pub embed: bool,
    /// The embed dialog is open.
    pub embed_dialog: bool,
    /// The lesson beside the visualizer and its current step.
    pub lesson: Option<(&'static Lesson, usize)>,
    /// What Find a bug looks for: one kind of violation, or any (`None`).
    pub find_kind: Option<ViolationKind>,
    /// The challenge being played.
    pub challenge: Option<ChallengeRun>,
    /// The challenge the last change of scenario or code ended (the page says so, with a
    /// link back to it, until the messages are dismissed).
    pub left_challenge: Option<&'static lessons::Challenge>,
    /// The challenge's run and history as they were when the student left it: one arrow key
    /// on a focused picker leaves it, and "Back to the challenge" puts both back.
    left_from: Option<Box<LeftChallenge>>,
    /// What the page's status region (`#announce`) reads out after this action: only what it
    /// newly said (a notice, the challenge left, a challenge's outcome, where Play stopped; see
    /// `said_now`), so nothing older is read again.
    pub spoken: Option<String>,
    /// The run Reset cleared, until a new one is started: Reset (or `r`) has an undo.
    reset_from: Option<Box<ResetRun>>,
    /// The exercise beside the visualizer (`crate::exercise`).
    pub exercise: Option<ExerciseRun>,
    /// The lesson step's graded predictions, posed at its state.
    pub predictions: Vec<PredictionRun>,
    /// Where they were posed.
    pub posed_at: PosedAt,
    /// The student's progress (the page keeps it in `localStorage`).
    pub progress: Progress,
    /// The progress dialog (the export code) is open.
    pub progress_dialog: bool,
    /// The teacher's page instead of the visualizer.
    pub teacher: bool,
    /// The codes pasted into the teacher's page.
    pub teacher_text: String,
    /// Whether the variant was given (by URL or picker) or is the scenario's default.
    variant_given: bool,
    /// The timeline's zoom, scroll and hover.
    pub tl: TimelineUi,
    /// The timeline of the run on screen.
    timeline: TimelineCache,
    /// The same schedule under another variant, side by side.
    pub compare: Option<CompareRun>,
    /// The table view of the timeline and the graph is open.
    pub tables: bool,
    /// Bit per thread showing its whole listing instead of its current function.
    pub whole: u16,
    /// The scenario builder is open.
    pub builder: bool,
}

/// The options of a scenario's first story: what a bare `?scenario=` link shows.
fn story_options(name: &str) -> Options {
    scenario(name)
        .and_then(|s| s.stories.first())
        .map_or(Options::new(Variant::Seed), |s| s.options())
}

/// Whether `spec` is `name`'s preset with only its pages, buckets or init changed: the same
/// threads.
fn over_preset(name: &str, spec: &Spec) -> bool {
    Spec::preset(name).is_some_and(|p| p.threads_text() == spec.threads_text())
}

/// The options a variant, a wake mode and `fixes` text (already validated) describe.
fn options(variant: Variant, truncate: Option<WakeMode>, fixes: Option<&str>) -> Options {
    Options {
        variant,
        code: fixes.and_then(|f| variant.code().with_fixes(f).ok()),
        truncate_wake: truncate,
    }
}

fn model_for(name: &str, options: Options) -> Model {
    let s = scenario(name).unwrap_or(&daxlab_core::SCENARIOS[0]);
    s.model(options)
}

/// The model of a scenario given as text, or else of the built-in `name`.
fn model_of(name: &str, spec: Option<&Spec>, options: Options) -> Model {
    spec.map_or_else(|| model_for(name, options), |s| s.model(options))
}

impl AppState {
    /// The state a URL query describes, with a message for every problem in it.
    pub fn from_query(query: &str) -> AppState {
        AppState::from_query_with(query, Progress::default())
    }

    /// As [`AppState::from_query`], for a student with `progress` (which unlocks levels).
    pub fn from_query_with(query: &str, progress: Progress) -> AppState {
        let (mut p, mut errors) = params::parse(query);
        // A URL that names a scenario carries the whole view (a reload, a shared link); a bare
        // `?lesson=` or `?challenge=` starts from the lesson step's or the challenge's state.
        let has_state = form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
            .any(|(k, _)| k == "scenario" || k == "threads");
        // One of a lesson, a challenge and an exercise: the first of them wins, and the others
        // are named rather than dropped without a word.
        let named: Vec<(&str, &str)> = [
            ("lesson", p.lesson),
            ("challenge", p.challenge),
            ("exercise", p.exercise),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .collect();
        if let [(k0, v0), rest @ ..] = named.as_slice()
            && !rest.is_empty()
        {
            let others: Vec<String> = rest.iter().map(|(k, v)| format!("{k}={v}")).collect();
            errors.push(format!(
                "URL parameters {k0}={v0} and {} each open a page of their own; showing the {k0}. Open ?{} for the other.",
                others.join(" and "),
                others.join(" or ?")
            ));
            if *k0 == "lesson" {
                p.challenge = None;
            }
            p.exercise = None;
        }
        // Parameters that another one overrides are named too, with what the page shows.
        if p.teacher
            && let Some((k, v)) = named.first()
        {
            errors.push(format!(
                "URL parameters teacher=1 and {k}={v} each open a page of their own; showing the {k}. Open ?teacher=1 for the teacher's page."
            ));
            p.teacher = false;
        }
        if p.teacher && p.embed {
            errors.push(
                "URL parameters teacher=1 and embed=1: the teacher's page is a page of its own, not a view to embed; showing it whole."
                    .into(),
            );
            p.embed = false;
        }
        if p.lesson.is_none()
            && let Some(k) = p.lesson_step
        {
            errors.push(format!(
                "URL parameter lesson_step={k} needs lesson=NAME beside it; it is ignored."
            ));
        }
        if let Some(c) = p.challenge.and_then(lessons::challenge) {
            let mut ignored = Vec::new();
            if let Some(v) = p.variant.filter(|v| *v != c.variant) {
                ignored.push(format!("variant={}", v.name()));
            }
            let base = p.variant.unwrap_or(c.variant).code();
            if let Some(f) = p
                .fixes
                .as_ref()
                .filter(|f| base.with_fixes(f).ok() != c.variant.code().with_fixes(c.fixes).ok())
            {
                ignored.push(format!("fixes={f}"));
            }
            if let Some(t) = p.truncate {
                ignored.push(format!("truncate={}", t.name()));
            }
            if p.autoplay {
                // Playing the challenge's story would give its answer away.
                ignored.push("autoplay=1".to_string());
                p.autoplay = false;
            }
            if !has_state {
                if let Some(s) = p.schedule.as_ref().filter(|s| !s.is_empty()) {
                    ignored.push(format!("schedule={s}"));
                }
                if let Some(s) = p.seed {
                    ignored.push(format!("seed={s}"));
                }
            }
            if !ignored.is_empty() {
                errors.push(format!(
                    "The challenge {} plays {} under its own code, from its start: {} {} ignored (change the code after it loads to leave the challenge).",
                    c.name,
                    c.scenario,
                    ignored.join(", "),
                    if ignored.len() == 1 { "is" } else { "are" }
                ));
            }
        }
        if let Some(l) = p.lesson.and_then(lessons::lesson) {
            let mut k = p.lesson_step.unwrap_or(0);
            if k >= l.steps.len() {
                errors.push(format!(
                    "URL parameter lesson_step={k} is beyond lesson {:?}: lesson_step counts from 0, so its {} steps are lesson_step=0 to {} (the panel's step 1 to {}). Showing its first step.",
                    l.name,
                    l.steps.len(),
                    l.steps.len() - 1,
                    l.steps.len()
                ));
                k = 0;
            }
            if !has_state && let Some(q) = &l.steps[k].state {
                let (sp, e) = params::parse(q);
                errors.extend(e.into_iter().map(|m| format!("Lesson link: {m}")));
                p = Params {
                    lesson: p.lesson,
                    embed: p.embed,
                    speed: p.speed,
                    autoplay: p.autoplay,
                    ..sp
                };
            }
            p.lesson_step = Some(k);
            if p.autoplay && !l.steps[k].predictions.is_empty() {
                errors.push(format!(
                    "URL parameter autoplay=1 is ignored: step {} of lesson {} asks a question first, and playing would show its answer. Press Play after answering.",
                    k + 1,
                    l.name
                ));
                p.autoplay = false;
            }
        }
        if let Some(c) = p.challenge.and_then(lessons::challenge) {
            p.scenario = c.scenario;
            p.variant = Some(c.variant);
            p.truncate = None;
            p.fixes = (!c.fixes.is_empty()).then(|| c.fixes.to_string());
            if !has_state {
                p.schedule = Some(String::new());
                p.seed = None;
            }
        }
        crate::exercise::prepare(&mut p, has_state);
        let mut st = AppState::from_params_with(&p, progress);
        st.errors.splice(0..0, errors);
        st
    }

    /// The state validated parameters describe. Without a variant the scenario's first story
    /// chooses it, and `fixes` apply on top of the story's code.
    pub fn from_params(p: &Params) -> AppState {
        AppState::from_params_with(p, Progress::default())
    }

    /// As [`AppState::from_params`], for a student with `progress`.
    pub fn from_params_with(p: &Params, progress: Progress) -> AppState {
        // Without variant=, the scenario's story variant (README: `fixes=` adds to it): also
        // for a built-in whose preset only had its pages, buckets or init changed
        // (`?scenario=hash-collision&buckets=16` is still hash-collision under fixed). A
        // scenario of its own threads starts from the seed.
        // Text that is a built-in's whole preset is that built-in, story code and all.
        let built_in = p.spec.as_ref().and_then(Spec::built_in);
        let base = match &p.spec {
            Some(spec) => built_in.unwrap_or(if over_preset(p.scenario, spec) {
                p.scenario
            } else {
                ""
            }),
            None => p.scenario,
        };
        // The code the fixes go on top of, to name those that change nothing.
        let mut fix_base = None;
        let opts = match (p.variant, &p.fixes) {
            (Some(v), f) => {
                fix_base = Some((v.code(), v.name()));
                options(v, p.truncate, f.as_deref())
            }
            // On top of the story's code: its variant and any fixes the story adds.
            (None, Some(f)) => {
                let story = story_options(base);
                let code = story.code.unwrap_or_else(|| story.variant.code());
                fix_base = Some((
                    code,
                    if base.is_empty() {
                        "seed"
                    } else {
                        "the story's code"
                    },
                ));
                Options {
                    variant: story.variant,
                    code: code.with_fixes(f).ok(),
                    truncate_wake: p.truncate,
                }
            }
            (None, None) => Options {
                truncate_wake: p.truncate,
                ..story_options(base)
            },
        };
        let mut st = AppState {
            session: Session::new(model_of(p.scenario, p.spec.as_ref(), opts)),
            errors: Vec::new(),
            notice: None,
            refusal: None,
            schedule_error: None,
            left_challenge: None,
            left_from: None,
            reset_from: None,
            spoken: None,
            find_kind: None,
            playing: p.autoplay,
            speed: p.speed,
            seed_text: p.seed.unwrap_or(1).to_string(),
            seed: None,
            schedule_text: String::new(),
            search: None,
            help: false,
            char_keys: true,
            embed: p.embed,
            embed_dialog: false,
            lesson: p
                .lesson
                .and_then(lessons::lesson)
                .map(|l| (l, p.lesson_step.unwrap_or(0))),
            challenge: None,
            exercise: None,
            predictions: Vec::new(),
            posed_at: PosedAt::default(),
            progress,
            progress_dialog: false,
            teacher: p.teacher,
            teacher_text: String::new(),
            variant_given: p.variant.is_some() || p.fixes.is_some(),
            tl: TimelineUi::default(),
            timeline: TimelineCache::default(),
            compare: None,
            tables: false,
            whole: 0,
            builder: false,
        };
        if let (Some(f), Some((code, name))) = (&p.fixes, fix_base) {
            let idle = code.idle_fixes(f);
            if !idle.is_empty() {
                st.errors.push(format!(
                    "URL parameter fixes={}: under {name}, {}.",
                    daxlab_core::link::shown(f),
                    idle.join("; "),
                ));
            }
        }
        // Scenario text that is a built-in's preset opens that scenario, story and all: say so,
        // or a teacher who pasted the text expects an empty run.
        let mut explicit = p.schedule.is_some() || p.seed.is_some();
        if let Some(text) = &p.schedule {
            match st.session.run_text(text) {
                Ok(()) => {}
                // Not a schedule of this scenario: nothing ran, so the view opens as it would
                // without the parameter.
                Err(e @ daxlab_core::session::RunError::Parse(_)) => {
                    st.load_story();
                    explicit = false;
                    let instead = match st.session.len() {
                        0 => "Showing the scenario from its start".to_string(),
                        n => format!("Showing the scenario's own story ({n} steps) instead"),
                    };
                    st.errors.push(format!(
                        "URL parameter schedule={}: {e}. {instead}.",
                        daxlab_core::link::shown(text)
                    ));
                }
                Err(e) => {
                    st.errors.push(format!(
                        "URL parameter schedule={}: {e}. Showing the {} step(s) that ran.",
                        daxlab_core::link::shown(text),
                        st.session.len()
                    ));
                    st.stopped(e.to_string());
                }
            }
        } else if let Some(seed) = p.seed {
            st.random_run(seed);
        } else {
            st.load_story();
        }
        // (Said once the schedule has run or fallen back to the story.)
        if let Some(name) = built_in
            && st.notice.is_none()
        {
            st.notice = Some(if explicit {
                format!("This scenario text is the built-in {name} scenario (?scenario={name}).")
            } else {
                format!(
                    "This scenario text is the built-in {name} scenario: its story is loaded, as ?scenario={name} loads it."
                )
            });
        }
        let len = st.session.len();
        match p.step {
            Some(n) if n > len => {
                st.errors.push(format!(
                    "URL parameter step={n} is beyond the schedule's {len} steps; accepted: 0 to {len}. Showing step {len}."
                ));
                st.session.seek(len);
            }
            Some(n) => st.session.seek(n),
            None => st.session.seek(if explicit { len } else { 0 }),
        }
        st.schedule_text = st.full_schedule();
        if let Some(c) = p.challenge.and_then(lessons::challenge) {
            st.start_challenge(c, true);
        }
        let mut vis = Visualizer {
            session: &mut st.session,
            errors: &mut st.errors,
            loaded: false,
        };
        st.exercise = crate::exercise::start(p.exercise, &mut vis);
        st.compare = p
            .compare
            .and_then(|v| st.compare_with(v, "URL parameter compare"));
        st.pose_predictions();
        st.after_action();
        st
    }

    /// Whether the messages row shows anything (errors or a notice).
    pub fn has_messages(&self) -> bool {
        !self.errors.is_empty() || self.notice.is_some() || self.left_challenge.is_some()
    }

    /// End the challenge being played, if any, because the scenario or the code changed: its
    /// messages go with it, and the page says how to play it again.
    fn leave_challenge(&mut self) {
        if let Some(run) = self.challenge.take() {
            self.errors.clear();
            self.left_challenge = Some(run.challenge);
            self.left_from = Some(Box::new(LeftChallenge {
                run,
                session: self.session.clone(),
                variant_given: self.variant_given,
                compare: self.compare.as_ref().map(|c| c.variant),
            }));
        }
    }

    /// `key` to advertise (a title's "(key)", `aria-keyshortcuts`) while it works: a
    /// single-character key or Space only while the single-key shortcuts are on.
    pub fn shortcut<'k>(&self, key: &'k str) -> Option<&'k str> {
        key_works(self.char_keys, key).then_some(key)
    }

    /// " (key)" for a title while `key` works, else nothing.
    pub fn key_hint(&self, key: &str) -> String {
        self.shortcut(key)
            .map_or_else(String::new, |k| format!(" ({k})"))
    }

    /// Whether Reset's run can be put back (nothing has run since), while its notice shows:
    /// the Undo button belongs to that notice, not to whatever the page says next.
    pub fn can_undo_reset(&self) -> bool {
        self.reset_from
            .as_deref()
            .is_some_and(|r| self.notice.as_ref() == Some(&r.said))
    }

    /// What the page says about the challenge just left, if one was (the notice and the
    /// status region read the same words).
    pub fn left_challenge_sentence(&self) -> Option<String> {
        self.left_challenge.map(|c| {
            format!(
                "You left the challenge “{}”: changing the scenario or the code ends it.",
                c.title
            )
        })
    }

    /// Whether the challenge just left can be gone back to, as it was.
    pub fn can_go_back_to_challenge(&self) -> bool {
        self.left_from.is_some() && self.left_challenge.is_some()
    }

    /// The run of the same schedule under `v`, or a message (from `what`) when `v` runs the
    /// code already on screen.
    fn compare_with(&mut self, v: Variant, what: &str) -> Option<CompareRun> {
        if CompareRun::differs(v, &self.session) {
            return Some(CompareRun::new(v, &self.session));
        }
        self.errors.push(format!(
            "{what} {:?} runs the same code as the view itself, so the two runs would be the same \
             step for step; accepted: a variant whose code differs (e.g. {}). Not comparing.",
            v.name(),
            Variant::ALL
                .iter()
                .filter(|w| CompareRun::differs(**w, &self.session))
                .map(|w| w.name())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        None
    }

    /// The timeline of the whole recorded run (computed once per history).
    pub fn timeline(&self) -> Shared<Timeline> {
        self.timeline.of(&self.session)
    }

    /// Keep the compared run and the timeline's scroll in step with the run on screen.
    fn after_action(&mut self) {
        if let Some(c) = &mut self.compare {
            c.sync(&self.session);
        }
        let (n, cursor) = (self.session.len(), self.session.cursor());
        if self.tl.hover.is_some_and(|h| h > n + 1) {
            self.tl.hover = None;
        }
        self.tl.follow(n, cursor);
        self.note_peeks();
    }

    /// The story the scenario on screen tells under its code: none for a scenario built from
    /// text (a scaled one is not the built-in's).
    fn story(&self) -> Option<&'static daxlab_core::scenario::Story> {
        let model = self.session.model();
        let wake = model.truncate_wake();
        let built_in = model.scenario_text().is_empty();
        scenario(model.scenario())
            .filter(|_| built_in)
            .and_then(|s| {
                s.stories
                    .iter()
                    .find(|st| st.options().code() == model.code())
                    .or_else(|| {
                        s.stories.iter().find(|st| {
                            st.variant == model.variant() && st.wake.is_none_or(|w| w == wake)
                        })
                    })
                    .or(s.stories.first())
            })
    }

    fn load_story(&mut self) {
        self.schedule_error = None;
        if let Some(story) = self.story() {
            // A story written for another variant may stop applying part-way; keep what runs.
            let _ = self.session.run_text(story.schedule);
        }
        self.session.seek(0);
    }

    /// Whether the page offers the scenario's story back: it has one, the run on screen is
    /// another (a step off the story, a reset, a schedule), and no challenge (its story is the
    /// answer), lesson or exercise (each sets its own runs) is on screen.
    pub fn can_load_story(&self) -> bool {
        if self.challenge.is_some() || self.lesson.is_some() || self.exercise.is_some() {
            return false;
        }
        let Some(story) = self.story() else {
            return false;
        };
        // (Parsed, not run: this is asked at every render. A story that stops applying
        // part-way under other fixes is never equal, and loading it keeps what runs.)
        schedule::parse(story.schedule, self.session.model()).is_ok_and(|told| {
            !told
                .iter()
                .copied()
                .eq(self.session.all_events().iter().map(|e| e.tid))
        })
    }

    /// Whether a tool that would choose the schedule (Random run, Find a bug) is refused here,
    /// saying why: in a level still to be won it would play the level for the student, and a
    /// goal it reached would not count. A locked level counts nothing and a won one is done:
    /// there both may be used. No order wins an unbreakable level: a random run may be
    /// watched there, and the search is the level's own Prove it.
    fn scheduler_refused(&mut self, find_bug: bool) -> bool {
        let Some(message) = self.scheduler_refusal(find_bug) else {
            return false;
        };
        self.errors.push(message);
        true
    }

    /// Why Random run (`find_bug` false) or Find a bug is refused here, if it is (see
    /// [`AppState::scheduler_refused`]); the page marks the button with it beforehand.
    pub fn scheduler_refusal(&self, find_bug: bool) -> Option<String> {
        let run = self
            .challenge
            .as_ref()
            .filter(|r| r.locked_by.is_none() && r.won.is_none())?;
        let c = run.challenge;
        match (find_bug, c.unbreakable()) {
            (false, true) => None,
            (true, true) => Some(
                "In this challenge the search is Prove it: try a few steps, then press it.".into(),
            ),
            (true, false) => Some(format!(
                "Find a bug is off in a challenge still to be won: the explorer's schedule would be the answer, and you are the scheduler. Pick each step yourself, or take a hint (h); open {} outside the challenge to search it.",
                c.scenario
            )),
            (false, false) => Some(format!(
                "Random run is off in a challenge still to be won: a random order would play the level for you, and you are the scheduler. Pick each step yourself, or take a hint (h); open {} outside the challenge for random runs.",
                c.scenario
            )),
        }
    }

    fn random_run(&mut self, seed: u64) {
        let model = self.session.model().clone();
        let run = RandomRunner::new(seed, Strategy::Pct { depth: PCT_DEPTH }).run(&model);
        self.session.reset();
        self.schedule_error = None;
        let _ = self.session.run(&run.schedule);
        self.seed = Some(seed);
        self.seed_text = seed.to_string();
        let end = match self.session.outcome() {
            Outcome::Violation(v) => format!("ended in {}", v.kind.name()),
            Outcome::Completed => "completed without a violation".into(),
            Outcome::Running => "stopped".into(),
        };
        self.notice = Some(format!(
            "Random run with seed {seed}: {} steps, {end}. Press Home to watch it from the start.",
            self.session.len()
        ));
    }

    /// The narration line: the step under the cursor, or at step 0 what the scenario is.
    pub fn narration(&self) -> String {
        let m = self.model();
        match self.session.last_event() {
            Some(e) => {
                let who = m.name(e.tid);
                let said = words::narration(m, e);
                let n = self.session.cursor();
                // Most sentences start with the thread's name ("mf2 calls schedule()…"): the
                // line says it once. Others name it with a colon first ("mf: …", as the
                // violation box has it) or not at all: the line puts it in front.
                let rest = said.strip_prefix(who);
                if rest.is_some_and(|r| r.starts_with([' ', ','])) {
                    return format!("Step {n}: {said}");
                }
                let said = rest.and_then(|r| r.strip_prefix(": ")).unwrap_or(&said);
                format!("Step {n}: {who} — {said}")
            }
            // A challenge's scenario story tells how the bug happens, which is the challenge's
            // answer: at its start the page says only what the student is to do.
            None if self.challenge.is_some() => "The initial state: no thread has run yet. You \
                are the scheduler: pick a thread to run its next step."
                .into(),
            // Play replays recorded steps: with none (no story, a reset) it is off.
            None if self.session.is_empty() => {
                format!("{} Pick a thread to run its next step.", words::opening(m))
            }
            None => format!(
                "{} Pick a thread to run its next step, or press Play.",
                words::opening(m)
            ),
        }
    }

    /// The model on screen.
    pub fn model(&self) -> &Model {
        self.session.model()
    }

    /// The whole recorded history as schedule text (not only up to the cursor).
    pub fn full_schedule(&self) -> String {
        let steps: Vec<Tid> = self.session.all_events().iter().map(|e| e.tid).collect();
        schedule::format(&steps, self.model())
    }

    /// The parameters that reproduce this view exactly.
    pub fn params(&self) -> Params {
        let m = self.model();
        let len = self.session.len();
        let (truncate, fixes) = daxlab_core::link::code_params(m);
        Params {
            scenario: scenario(m.scenario()).map_or(params::DEFAULT_SCENARIO, |s| s.name),
            spec: daxlab_core::link::spec_of(m),
            variant: Some(m.variant()),
            truncate,
            fixes,
            schedule: Some(self.full_schedule()),
            step: (self.session.cursor() != len).then_some(self.session.cursor()),
            seed: self.seed,
            autoplay: false,
            speed: self.speed,
            embed: self.embed,
            lesson: self.lesson.as_ref().map(|(l, _)| l.name),
            lesson_step: self.lesson.as_ref().map(|(_, k)| *k),
            challenge: self.challenge.as_ref().map(|c| c.challenge.name),
            exercise: self.exercise.as_ref().map(|e| e.exercise.name),
            compare: self.compare.as_ref().map(|c| c.variant),
            teacher: self.teacher,
        }
    }

    /// The query string that reproduces this view.
    pub fn query(&self) -> String {
        // The teacher's page is one page, whatever visualizer state lies behind it.
        if self.teacher {
            return "?teacher=1".into();
        }
        params::format(&self.params())
    }

    /// Rebuild the model (another variant or wake mode) and replay the history by thread name as
    /// far as it applies.
    fn rebuild(&mut self, opts: Options) {
        // A refusal was about the old code's run.
        self.drop_refusal();
        let variant = opts.variant;
        let old = &self.session;
        let names: Vec<String> = old
            .all_events()
            .iter()
            .map(|e| old.model().name(e.tid).to_string())
            .collect();
        let cursor = old.cursor();
        let scenario = old.model().scenario();
        let spec = daxlab_core::link::spec_of(old.model());
        let mut session = Session::new(model_of(scenario, spec.as_ref(), opts));
        let mut applied = 0;
        for name in &names {
            let Some(t) = session.model().tid(name) else {
                break;
            };
            if session.step(t).is_err() {
                break;
            }
            applied += 1;
        }
        if applied < names.len() {
            self.notice = Some(format!(
                "Under {variant} the schedule applies for {applied} of its {} steps; the rest was dropped.",
                names.len()
            ));
        }
        session.seek(cursor.min(applied));
        self.session = session;
    }

    /// The scenario the open lesson step is about, when the view shows another one.
    pub fn lesson_elsewhere(&self) -> Option<&'static str> {
        let (lesson, k) = self.lesson?;
        let q = lesson.steps.get(k)?.state.as_deref()?;
        let (p, _) = params::parse(q);
        // (A step with a scenario of its own text is not compared: its name is "custom".)
        if p.spec.is_some() {
            return None;
        }
        (p.scenario != self.model().scenario()).then_some(p.scenario)
    }

    /// Apply one action.
    pub fn apply(&mut self, action: Action) {
        let at = self.session.cursor();
        // What is read out (`spoken`) is an event: a sentence this action produced, never an
        // older one again. Hovers and progress keep the last one (they say nothing new).
        let quiet = matches!(
            action,
            Action::Hover(_)
                | Action::SetTimelineWidth(_)
                | Action::SearchProgress(_)
                // A search's own continuations, in the same update as Find a bug.
                | Action::SearchInWorker
                | Action::SearchInPage
                | Action::SearchTick { .. }
        );
        // Play paused, or run to its end: say where (the narration is silent while playing).
        let was_playing = self.playing && matches!(action, Action::TogglePlay | Action::Tick);
        let shown = self.shown();
        let challenge = self.challenge.as_ref().map(|c| c.challenge.name);
        let undo = matches!(action, Action::Reset | Action::UndoReset);
        // A random run's notice says how it ended.
        let notice_names_end = matches!(action, Action::RandomRun | Action::NextSeed);
        self.apply_action(action);
        // Reset's undo lasts until something else is run or loaded, the code changes, or a
        // challenge starts or ends; its notice goes with it.
        if !undo && let Some(r) = self.reset_from.as_deref() {
            let (a, b) = (r.run.model(), self.session.model());
            let same = a.scenario() == b.scenario()
                && a.scenario_text() == b.scenario_text()
                && a.code() == b.code()
                && a.truncate_wake() == b.truncate_wake()
                && challenge == self.challenge.as_ref().map(|c| c.challenge.name);
            if !same || !self.session.is_empty() {
                self.drop_reset_undo();
            }
        }
        // A quiet action keeps what was said, unless it says something itself (an in-page
        // search's last slice gives its verdict).
        let said = self.said_now(shown, was_playing, notice_names_end);
        if !quiet || said.is_some() {
            self.spoken = said;
        }
        if self.session.cursor() != at {
            self.drop_refusal();
        }
        self.after_action();
    }

    /// What the page shows now, for what the next action newly says.
    fn shown(&self) -> Shown {
        Shown {
            notice: self.notice.clone(),
            left: self.left_challenge.map(|c| c.name),
            outcome: self
                .panel_challenge()
                .map(|c| (c.challenge.name, c.outcome_sentence())),
            completed: self.session.outcome() == Outcome::Completed,
            over_budget: self.goal_not_counted(),
        }
    }

    /// The challenge whose panel the page shows: none in a frame, whose line sends the student
    /// to the full view to play.
    fn panel_challenge(&self) -> Option<&ChallengeRun> {
        self.challenge.as_ref().filter(|_| !self.embed)
    }

    /// Why the goal on screen does not count in the challenge's panel, if that is so: reached
    /// only by replaying a link's steps, or over the budget.
    pub(crate) fn goal_not_counted(&self) -> Option<String> {
        let run = self.panel_challenge()?;
        match self.goal_verdict(run.used) {
            GoalVerdict::Replayed => Some(
                "The goal is on screen by the steps a link loaded, not by your play: it does not count. Step back (←) and take an order of your own: the link's order, replayed or stepped again by hand, never counts."
                    .into(),
            ),
            GoalVerdict::OverBudget { used, budget } => Some(format!(
                "The goal is on screen, but with {used} preemptions, over the budget of {budget}: it does not count. Step back (←) and find an order within the budget."
            )),
            GoalVerdict::Open | GoalVerdict::Counts => None,
        }
    }

    /// What this action newly says, for the page's status region, against what the page
    /// showed before it: a new notice, the challenge just left, a challenge's new outcome,
    /// where Play stopped, a run just completed (unless the new notice says how it ended), a
    /// goal just reached over the budget.
    fn said_now(&self, before: Shown, was_playing: bool, notice_names_end: bool) -> Option<String> {
        let mut said = Vec::new();
        let new_notice = self.notice != before.notice;
        if new_notice && let Some(n) = &self.notice {
            said.push(n.clone());
        }
        if self.left_challenge.map(|c| c.name) != before.left
            && let Some(sentence) = self.left_challenge_sentence()
        {
            said.push(sentence);
        }
        // The same challenge, with an outcome it did not have (a level gone back to that was
        // won before says where it is, not its old win).
        if let (Some((name, was)), Some(c)) = (before.outcome, self.panel_challenge())
            && name == c.challenge.name
            && let Some(now) = c.outcome_sentence()
            && was.as_ref() != Some(&now)
        {
            said.push(now);
        }
        if was_playing && !self.playing {
            let (k, n) = (self.session.cursor(), self.session.len());
            // At a violation the alert says what happened: only where.
            said.push(if self.session.outcome() == Outcome::Running || k < n {
                format!("Stopped at step {k} of {n}. {}", self.narration())
            } else {
                format!("Stopped at step {k} of {n}.")
            });
        }
        // The two lines the page inserts with their text (some screen readers skip a live
        // region that appears already filled): read out from here instead.
        // (A new notice from a random run says how it ended.)
        let notice_says_end = notice_names_end && new_notice;
        if !before.completed && !notice_says_end && self.session.outcome() == Outcome::Completed {
            said.push(COMPLETED.to_string());
        }
        if let Some(why) = self.goal_not_counted()
            && before.over_budget.as_ref() != Some(&why)
        {
            said.push(why);
        }
        (!said.is_empty()).then(|| said.join(" "))
    }

    /// Forget Reset's undo, and its notice if that is still showing.
    fn drop_reset_undo(&mut self) {
        if let Some(r) = self.reset_from.take()
            && self.notice.as_ref() == Some(&r.said)
        {
            self.notice = None;
        }
    }

    /// A notice set from outside an action (the copy of a link): shown, and read out.
    pub fn say_notice(&mut self, text: String) {
        self.spoken = Some(text.clone());
        self.notice = Some(text);
    }

    /// Note that a schedule stopped early with `error`, after the steps now recorded.
    fn stopped(&mut self, error: String) {
        let m = self.session.model();
        self.schedule_error = Some(StoppedRun {
            code: m.code(),
            truncate: m.truncate_wake(),
            schedule: self.full_schedule(),
            error,
        });
    }

    /// Why a schedule stopped early, while the whole recorded run is still the one it
    /// stopped (the same code, wake mode and steps).
    pub fn schedule_error(&self) -> Option<&str> {
        let s = self.schedule_error.as_ref()?;
        let m = self.model();
        (m.code() == s.code
            && m.truncate_wake() == s.truncate
            && self.full_schedule() == s.schedule)
            .then_some(s.error.as_str())
    }

    /// Say that a step was refused, in place of the last such message.
    fn refuse(&mut self, message: String) {
        self.drop_refusal();
        self.errors.push(message.clone());
        self.refusal = Some(message);
    }

    fn drop_refusal(&mut self) {
        if let Some(r) = self.refusal.take()
            && let Some(i) = self.errors.iter().rposition(|e| *e == r)
        {
            self.errors.remove(i);
        }
    }

    fn apply_action(&mut self, action: Action) {
        match action {
            Action::Step(tid) => {
                self.playing = false;
                if let Some(refused) = self.over_budget(tid) {
                    // Said once, however often the refused button is pressed.
                    self.refuse(refused);
                    return;
                }
                if let Err(e) = self.session.step(tid) {
                    self.refuse(e.to_string());
                }
                self.seed = None;
            }
            Action::StepColumn(n) => {
                if n < self.model().threads().len() {
                    self.apply_action(Action::Step(Tid(n as u8)));
                }
                return;
            }
            Action::Back => {
                self.playing = false;
                self.session.back();
            }
            Action::Forward => {
                self.session.forward();
            }
            Action::Seek(n) => {
                self.playing = false;
                self.session.seek(n);
            }
            Action::Home => {
                self.playing = false;
                self.session.seek(0);
            }
            Action::End => {
                self.playing = false;
                let len = self.session.len();
                self.session.seek(len);
            }
            Action::Reset => {
                self.playing = false;
                let steps = self.session.len();
                let run = self.session.clone();
                self.session.reset();
                let schedule_error = self.schedule_error.take();
                let seed = self.seed.take();
                self.notice = None;
                self.reset_from = None;
                if steps > 0 {
                    let said = format!(
                        "Reset: the run of {steps} step{} is cleared. Undo reset brings it back until you run a step.",
                        if steps == 1 { "" } else { "s" }
                    );
                    self.notice = Some(said.clone());
                    self.reset_from = Some(Box::new(ResetRun {
                        run,
                        said,
                        seed,
                        schedule_error,
                    }));
                }
            }
            Action::LoadStory => {
                if !self.can_load_story() {
                    return;
                }
                self.playing = false;
                self.drop_reset_undo();
                self.seed = None;
                self.session.reset();
                self.load_story();
                self.notice = Some(format!(
                    "The scenario's story is loaded ({} steps): Play or → follows it.",
                    self.session.len()
                ));
            }
            Action::UndoReset => {
                if let Some(r) = self.reset_from.take().map(|b| *b) {
                    self.session = r.run;
                    self.seed = r.seed;
                    if let Some(seed) = r.seed {
                        self.seed_text = seed.to_string();
                    }
                    self.schedule_error = r.schedule_error;
                    self.notice = Some(format!(
                        "Reset undone: step {} of {}.",
                        self.session.cursor(),
                        self.session.len()
                    ));
                    self.playing = false;
                    self.schedule_text = self.full_schedule();
                }
            }
            Action::TogglePlay => {
                if !self.playing && self.session.cursor() == self.session.len() {
                    self.session.seek(0);
                }
                self.playing = !self.playing && !self.session.is_empty();
            }
            Action::Tick => {
                if self.playing && !self.session.forward() {
                    self.playing = false;
                }
                if self.session.cursor() == self.session.len() {
                    self.playing = false;
                }
            }
            Action::SetFindKind(k) => match k.as_str() {
                "any" => self.find_kind = None,
                _ => match k.parse::<ViolationKind>() {
                    Ok(kind) => self.find_kind = Some(kind),
                    Err(_) => self.errors.push(format!(
                        "There is no violation kind {k:?}; accepted: any, {}.",
                        ViolationKind::ALL.map(|v| v.name()).join(", ")
                    )),
                },
            },
            Action::SetSpeed(s) => {
                self.speed = s.clamp(params::SPEED_RANGE.0, params::SPEED_RANGE.1);
            }
            Action::Faster => self.apply_action(Action::SetSpeed(self.speed * 2.0)),
            Action::Slower => self.apply_action(Action::SetSpeed(self.speed / 2.0)),
            Action::SetScenario(name) => match scenario(&name) {
                Some(s) => {
                    self.leave_challenge();
                    let opts = if self.variant_given {
                        Options {
                            variant: self.model().variant(),
                            code: Some(self.model().code()),
                            truncate_wake: None,
                        }
                    } else {
                        story_options(s.name)
                    };
                    self.session = Session::new(model_for(s.name, opts));
                    self.schedule_error = None;
                    self.seed = None;
                    self.notice = None;
                    self.playing = false;
                    self.search = None;
                    self.load_story();
                }
                None => self.errors.push(format!(
                    "There is no scenario {name:?}; accepted: {}.",
                    params::accepted_scenarios()
                )),
            },
            Action::Build(spec) => {
                self.leave_challenge();
                let m = self.model();
                let opts = Options {
                    variant: m.variant(),
                    code: Some(m.code()),
                    truncate_wake: None,
                };
                self.variant_given = true;
                self.session = Session::new(spec.model(opts));
                self.schedule_error = None;
                self.whole = 0;
                self.seed = None;
                self.notice = None;
                self.playing = false;
                self.search = None;
                self.load_story();
            }
            Action::ToggleBuilder => {
                self.builder = !self.builder;
                return;
            }
            Action::SetVariant(name) => match name.parse::<Variant>() {
                Ok(v) => {
                    self.leave_challenge();
                    self.variant_given = true;
                    self.playing = false;
                    self.search = None;
                    self.rebuild(Options::new(v));
                }
                Err(()) => self.errors.push(format!(
                    "There is no variant {name:?}; accepted: {}.",
                    params::accepted_variants()
                )),
            },
            Action::SetTruncate(name) => match name.parse::<WakeMode>() {
                Ok(m) => {
                    self.leave_challenge();
                    self.playing = false;
                    self.search = None;
                    let opts = Options {
                        variant: self.model().variant(),
                        code: Some(self.model().code()),
                        truncate_wake: Some(m),
                    };
                    self.rebuild(opts);
                }
                Err(()) => self.errors.push(format!(
                    "There is no truncate wake mode {name:?}; accepted: one, all."
                )),
            },
            Action::ToggleFix(commit) => match daxlab_core::Fix::from_commit(&commit) {
                Some(fix) => {
                    self.leave_challenge();
                    self.variant_given = true;
                    self.playing = false;
                    self.search = None;
                    let code = self.model().code();
                    let code = if code.has(fix) {
                        code.without(fix)
                    } else {
                        code.with(fix)
                    };
                    self.rebuild(Options {
                        variant: self.model().variant(),
                        code: Some(code),
                        truncate_wake: None,
                    });
                }
                None => self.errors.push(format!(
                    "There is no upstream commit {commit:?} in this model; accepted: {}.",
                    daxlab_core::Fix::ALL.map(|f| f.commit()).join(", ")
                )),
            },
            Action::ApplySchedule(text) => {
                self.playing = false;
                self.seed = None;
                self.session.reset();
                self.schedule_error = None;
                match self.session.run_text(&text) {
                    Ok(()) => self.notice = None,
                    Err(e) => {
                        self.errors.push(format!(
                            "Schedule {}: {e}. Showing the {} step(s) that ran.",
                            daxlab_core::link::shown(&text),
                            self.session.len()
                        ));
                        self.stopped(e.to_string());
                    }
                }
            }
            Action::EditSchedule(text) => {
                self.schedule_text = text;
                return;
            }
            Action::EditSeed(text) => {
                self.seed_text = text;
                return;
            }
            Action::RandomRun | Action::NextSeed if self.scheduler_refused(false) => {}
            Action::RandomRun => match self.seed_text.trim().parse::<u64>() {
                Ok(seed) => {
                    self.playing = false;
                    self.random_run(seed);
                }
                Err(_) => self.errors.push(format!(
                    "Seed {:?} is not {}.",
                    self.seed_text,
                    params::SEED_ACCEPTED
                )),
            },
            Action::NextSeed => {
                let seed = self
                    .seed_text
                    .trim()
                    .parse::<u64>()
                    .map_or(1, |s| s.wrapping_add(1));
                self.playing = false;
                self.random_run(seed);
            }
            Action::FindBug => {
                if self.searching() {
                    // `f` again stops the search, as the button does.
                    self.apply(Action::CancelSearch);
                    return;
                }
                if self.scheduler_refused(true) {
                    return;
                }
                self.playing = false;
                self.search = Some(SearchRun::in_page(self.model(), self.find_kind));
                self.notice = Some("Searching every interleaving…".into());
                return;
            }
            Action::SearchInWorker => {
                if let Some(run) = &mut self.search {
                    run.explorer = None;
                }
                return;
            }
            Action::SearchInPage => {
                if let Some(run) = &mut self.search
                    && run.explorer.is_none()
                {
                    *run = SearchRun::in_page(self.session.model(), run.target);
                }
                return;
            }
            Action::SearchProgress(p) => {
                if let Some(run) = &mut self.search {
                    run.progress = p;
                    run.yielding = false;
                }
                return;
            }
            Action::SearchDone(outcome) => {
                if let Some(run) = self.search.take() {
                    self.finish_search(outcome, run.target);
                }
                return;
            }
            Action::SearchTick { now_ms } => {
                self.search_tick(now_ms);
                return;
            }
            Action::CancelSearch => {
                if self.search.take().is_some() {
                    self.notice = Some("Search cancelled.".into());
                }
                return;
            }
            Action::ToggleHelp => {
                self.help = !self.help;
                return;
            }
            Action::SetCharKeys(on) => {
                self.char_keys = on;
                self.notice = Some(if on {
                    "Single-key shortcuts are on.".into()
                } else {
                    "Single-key shortcuts are off: only the arrows, Home, End and Esc act on the page.".into()
                });
                return;
            }
            Action::ToggleEmbedDialog => {
                self.embed_dialog = !self.embed_dialog;
                return;
            }
            Action::LessonGo(k) => {
                let Some((l, _)) = &self.lesson else {
                    return;
                };
                let Some(step) = l.steps.get(k) else {
                    return;
                };
                let query = format!(
                    "{}&lesson={}&lesson_step={k}",
                    step.state.clone().unwrap_or_else(|| "?".into()),
                    l.name
                );
                let (embed, speed, width) = (self.embed, self.speed, self.tl.width);
                let progress = std::mem::take(&mut self.progress);
                *self = AppState::from_query_with(&query, progress);
                self.embed = embed;
                self.speed = speed;
                self.tl.width = width;
                return;
            }
            Action::Hint => {
                self.teach(TeachAction::Hint);
                return;
            }
            Action::Hover(col) => {
                self.tl.hover = col;
                return;
            }
            Action::ZoomIn => {
                let fit = self.tl.fit_px(self.session.len());
                self.tl.zoom = self.tl.zoom.zoom_in(fit);
                return;
            }
            Action::ZoomOut => {
                let fit = self.tl.fit_px(self.session.len());
                self.tl.zoom = self.tl.zoom.zoom_out(fit);
                return;
            }
            Action::ZoomFit => {
                self.tl.zoom = daxlab_draw::timeline::Zoom::Fit;
                return;
            }
            Action::SetTimelineWidth(w) => {
                if w.is_finite() && w > 0.0 {
                    self.tl.width = w;
                }
                return;
            }
            Action::ToggleListing(t) => {
                self.whole ^= 1 << t.0;
                return;
            }
            Action::ToggleAllListings => {
                let all = (1u16 << self.model().threads().len()) - 1;
                self.whole = if self.whole == all { 0 } else { all };
                return;
            }
            Action::ToggleTables => {
                self.tables = !self.tables;
                return;
            }
            Action::SetCompare(name) => {
                match name.as_str() {
                    "" | "none" => self.compare = None,
                    _ => match name.parse::<Variant>() {
                        Ok(v) => {
                            if let Some(c) = self.compare_with(v, "Compare with") {
                                self.compare = Some(c);
                            }
                        }
                        Err(()) => self.errors.push(format!(
                            "There is no variant {name:?} to compare with; accepted: none, {}.",
                            params::accepted_variants()
                        )),
                    },
                }
                return;
            }
            Action::Teach(a) => {
                let steps = matches!(a, TeachAction::ShowWhy(_));
                self.teach(a);
                if !steps {
                    return;
                }
            }
            Action::Escape => {
                self.help = false;
                self.embed_dialog = false;
                self.progress_dialog = false;
                self.errors.clear();
                return;
            }
            Action::DismissMessages => {
                self.errors.clear();
                self.notice = None;
                self.left_challenge = None;
                self.left_from = None;
                self.reset_from = None;
                return;
            }
            Action::BackToChallenge => {
                if let Some(left) = self.left_from.take() {
                    let LeftChallenge {
                        run,
                        session,
                        variant_given,
                        compare,
                    } = *left;
                    self.notice = Some(format!(
                        "Back in the challenge “{}”, at step {} of {}.",
                        run.challenge.title,
                        session.cursor(),
                        session.len()
                    ));
                    self.compare = compare.map(|v| CompareRun::new(v, &session));
                    self.challenge = Some(run);
                    self.session = session;
                    self.variant_given = variant_given;
                    self.left_challenge = None;
                    self.schedule_error = None;
                    self.errors.clear();
                    self.playing = false;
                    self.search = None;
                    self.schedule_text = self.full_schedule();
                }
            }
            Action::Exercise(a) => {
                self.exercise_action(a);
                self.schedule_text = self.full_schedule();
                return;
            }
        }
        self.schedule_text = self.full_schedule();
        self.after_challenge_action();
    }

    /// Something done in the exercise panel: the exercise changes the run on screen through a
    /// `Visualizer`, and a solve goes into the progress (which the page keeps in `localStorage`
    /// and exports in the progress code).
    fn exercise_action(&mut self, a: ExerciseAction) {
        let Some(mut run) = self.exercise.take() else {
            return;
        };
        self.playing = false;
        let mut vis = Visualizer {
            session: &mut self.session,
            errors: &mut self.errors,
            loaded: false,
        };
        run.apply(&mut vis, a);
        if vis.loaded {
            self.seed = None;
            self.notice = None;
        }
        if run.solved() {
            self.progress.solve(run.exercise.name);
        }
        self.exercise = Some(run);
    }

    fn search_tick(&mut self, now_ms: f64) {
        let Some(search) = &mut self.search else {
            return;
        };
        let Some(explorer) = &mut search.explorer else {
            return;
        };
        let started = *search.started_ms.get_or_insert(now_ms);
        let Some(result) = explorer.run(SEARCH_SLICE, &Serial).cloned() else {
            let secs = ((now_ms - started) / 1000.0).max(1e-3);
            // The figures are in the progress bar; the notice (a live region) said
            // "Searching…" once, and speaks again with the verdict.
            search.progress = SearchProgress::of(explorer, secs);
            return;
        };
        let target = search.target;
        self.search = None;
        let model = self.model().clone();
        self.finish_search(
            Verdict::of(&result, &model, (now_ms - started).max(0.0)),
            target,
        );
    }

    /// Show a search's verdict: load its counterexample, or say the space is clean (of
    /// `target`, when it looked for one kind only).
    fn finish_search(&mut self, o: Verdict, target: Option<ViolationKind>) {
        let variant = self.model().variant();
        let none = target.map_or("No violation".to_string(), |k| format!("No {}", k.name()));
        let millis = o.millis;
        match o.found {
            Some((kind, text)) => {
                self.session.reset();
                self.schedule_error = None;
                if let Err(e) = self.session.run_text(&text) {
                    self.errors.push(format!(
                        "The search's schedule {text:?} did not replay: {e}"
                    ));
                }
                self.seed = None;
                let what = if o.reduction == Reduction::None {
                    "a shortest schedule".to_string()
                } else {
                    format!("a schedule (reduced search, {})", o.reduction)
                };
                self.notice = Some(format!(
                    "Found {kind} after searching {} states ({millis:.0} ms): {what} of {} steps, loaded. Step back to see how it happens.",
                    o.states,
                    self.session.len()
                ));
            }
            None if o.complete => {
                let reduced = if o.reduction == Reduction::None {
                    String::new()
                } else {
                    format!(" (reduced search, {})", o.reduction)
                };
                self.notice = Some(format!(
                    "{none}: all {} reachable states of this scenario under {variant} were searched{reduced} ({millis:.0} ms).",
                    o.states
                ));
            }
            None => {
                self.notice = Some(format!(
                    "{none} in the first {} states; the search stopped at its bound.",
                    o.states
                ));
            }
        }
        self.schedule_text = self.full_schedule();
    }

    /// The kind the search running looks for, if only one.
    pub fn search_target(&self) -> Option<ViolationKind> {
        self.search.as_ref().and_then(|s| s.target)
    }

    /// Whether the page itself must expand the search (no worker runs it).
    pub fn searching_in_page(&self) -> bool {
        self.search.as_ref().is_some_and(|s| s.explorer.is_some())
    }

    /// Whether the explorer is running.
    pub fn searching(&self) -> bool {
        self.search.is_some()
    }
}

#[cfg(test)]
mod tests;
