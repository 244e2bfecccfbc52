//! The state behind the two figures, free of the DOM so it is tested natively: the timeline's
//! zoom, scroll and hovered column, the timeline of the run on screen (computed once per
//! history, not per frame), and a compared run (`compare=VARIANT`) that follows the main one.

use daxlab_core::timeline::{self, Timeline};
use daxlab_core::{Code, Options, Session, Tid, Variant, scenario};
use daxlab_draw::timeline::{View, Zoom};
use std::cell::RefCell;
use std::rc::Rc;

/// The timeline's width before the page has measured it, in CSS pixels.
pub const DEFAULT_WIDTH: f64 = 1200.0;

/// What a timeline is computed from: the same model and steps give the same timeline.
#[derive(Clone, Debug, PartialEq)]
struct Key {
    scenario: &'static str,
    code: Code,
    steps: Vec<Tid>,
}

fn key(s: &Session) -> Key {
    Key {
        scenario: s.model().scenario(),
        code: s.model().code(),
        steps: s.all_events().iter().map(|e| e.tid).collect(),
    }
}

/// A shared value compared by identity, so a figure is redrawn only when its data is new.
#[derive(Debug)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// The timeline of a session, recomputed only when its history changes.
#[derive(Default)]
pub struct TimelineCache(RefCell<Option<(Key, Shared<Timeline>)>>);

impl TimelineCache {
    /// The timeline of `s`'s whole recorded run.
    pub fn of(&self, s: &Session) -> Shared<Timeline> {
        let k = key(s);
        if let Some((old, t)) = &*self.0.borrow()
            && *old == k
        {
            return t.clone();
        }
        let t = Shared(Rc::new(Timeline::of(s)));
        *self.0.borrow_mut() = Some((k, t.clone()));
        t
    }
}

/// The timeline's zoom, scroll and hover.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineUi {
    /// Column width.
    pub zoom: Zoom,
    /// The first column shown (kept while the cursor stays in view).
    pub first: usize,
    /// The width available, in CSS pixels (measured by the page).
    pub width: f64,
    /// The column under the pointer.
    pub hover: Option<usize>,
}

impl Default for TimelineUi {
    fn default() -> Self {
        TimelineUi {
            zoom: Zoom::Fit,
            first: 1,
            width: DEFAULT_WIDTH,
            hover: None,
        }
    }
}

impl TimelineUi {
    /// The view of a run of `steps` steps with the cursor at `cursor`.
    pub fn view(&self, steps: usize, cursor: usize) -> View {
        let mut v = View::fit(steps, self.width, self.zoom, cursor, self.first);
        v.hover = self.hover.filter(|&h| h >= v.first && h <= v.last());
        v
    }
    /// Scroll so the cursor stays in view.
    pub fn follow(&mut self, steps: usize, cursor: usize) {
        self.first = self.view(steps, cursor).first;
    }
    /// The column width [`Zoom::Fit`] gives now.
    pub fn fit_px(&self, steps: usize) -> f64 {
        View::fit(steps, self.width, Zoom::Fit, 0, 1).px
    }
}

/// The same schedule under another variant, stepping with the main run.
pub struct CompareRun {
    /// The other variant.
    pub variant: Variant,
    /// Its run: the main run's threads, in order, as far as they can run.
    pub session: Session,
    /// Why it stopped before the main run's end, if it did.
    pub stopped: Option<String>,
    /// The first step where the two runs differ.
    pub divergence: Option<usize>,
    /// Its timeline.
    pub timeline: TimelineCache,
}

impl CompareRun {
    /// Whether `variant` runs other code than `main` (with the fixes and truncate wake mode in
    /// force): comparing a run with itself shows nothing.
    /// (What [`model`] would build runs `Options::new(variant).code()`; asked without building
    /// it, so the picker can ask for every variant at every render.)
    pub fn differs(variant: Variant, main: &Session) -> bool {
        Options::new(variant).code() != main.model().code()
    }

    /// Start comparing `main` with `variant`.
    pub fn new(variant: Variant, main: &Session) -> CompareRun {
        let mut c = CompareRun {
            variant,
            session: Session::new(model(main, variant)),
            stopped: None,
            divergence: None,
            timeline: TimelineCache::default(),
        };
        c.sync(main);
        c
    }

    /// Follow `main`: replay its steps (by thread name) that this run has not taken, rebuild
    /// when main's history is no longer an extension of this one, and move to main's cursor.
    pub fn sync(&mut self, main: &Session) {
        let want: Vec<&str> = main
            .all_events()
            .iter()
            .map(|e| main.model().name(e.tid))
            .collect();
        let have: Vec<&str> = self
            .session
            .all_events()
            .iter()
            .map(|e| self.session.model().name(e.tid))
            .collect();
        let same_scenario = self.session.model().scenario() == main.model().scenario();
        let extends = same_scenario && want.len() >= have.len() && want[..have.len()] == have[..];
        if !extends {
            self.session = Session::new(model(main, self.variant));
            self.stopped = None;
        }
        if self.stopped.is_none() {
            let done = self.session.len();
            self.session.seek(done);
            for name in &want[done..] {
                let Some(t) = self.session.model().tid(name) else {
                    self.stopped =
                        Some(format!("there is no thread {name} under {}", self.variant));
                    break;
                };
                if let Err(e) = self.session.step(t) {
                    self.stopped = Some(e.to_string());
                    break;
                }
            }
        }
        self.session.seek(main.cursor().min(self.session.len()));
        self.divergence = timeline::divergence(main, &self.session);
    }
}
fn model(main: &Session, variant: Variant) -> daxlab_core::Model {
    let name = main.model().scenario();
    scenario(name)
        .unwrap_or(&daxlab_core::SCENARIOS[0])
        .model(Options::new(variant))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(name: &str, v: Variant, sched: &str) -> Session {
        let mut s = Session::new(scenario(name).unwrap().model(Options::new(v)));
        let _ = s.run_text(sched);
        s
    }

    #[test]
    fn the_timeline_is_computed_once_per_history() {
        let cache = TimelineCache::default();
        let mut s = session("null-mapping", Variant::Seed, "trunc*6,mf*4");
        let a = cache.of(&s);
        s.seek(3);
        assert!(a == cache.of(&s), "moving the cursor keeps the timeline");
        s.step(Tid(0)).unwrap();
        let b = cache.of(&s);
        assert!(a != b);
        assert_eq!(b.steps, 4);
    }

    #[test]
    fn differs_says_what_building_the_compared_run_would() {
        // Every scenario under every variant, and under each story's fixes and wake mode.
        for sc in daxlab_core::SCENARIOS {
            let mut mains: Vec<Options> = Variant::ALL.iter().map(|v| Options::new(*v)).collect();
            mains.extend(sc.stories.iter().map(|st| st.options()));
            for o in mains {
                let main = Session::new(sc.model(o));
                for v in Variant::ALL {
                    let built = CompareRun::new(v, &main);
                    assert_eq!(
                        CompareRun::differs(v, &main),
                        built.session.model().code() != main.model().code(),
                        "{} {:?} against {v:?}",
                        sc.name,
                        o
                    );
                }
            }
        }
    }

    #[test]
    fn a_compared_run_steps_with_the_main_one_and_marks_where_they_part() {
        let sched = "fault*4,mf*14,fault*5,evict*10,rcu*3,mf*4";
        let mut main = session("freed-inode", Variant::V419, sched);
        let mut c = CompareRun::new(Variant::Fixed, &main);
        let k = c.divergence.expect("fixed differs from v4.19");
        assert_eq!(k, timeline::divergence(&main, &c.session).unwrap());
        assert_eq!(c.session.cursor(), c.session.len().min(main.cursor()));
        // Stepping back moves both.
        main.seek(10);
        c.sync(&main);
        assert_eq!(c.session.cursor(), 10);
        // A new history (reset, other steps) rebuilds the compared run.
        main.reset();
        main.step(Tid(1)).unwrap();
        c.sync(&main);
        assert_eq!(c.session.len(), 1);
        assert_eq!(c.divergence, timeline::divergence(&main, &c.session));
        assert!(c.stopped.is_none());
        // Under its own variant a run never diverges.
        let same = CompareRun::new(Variant::V419, &main);
        assert_eq!(same.divergence, None);
    }

    #[test]
    fn a_step_the_other_variant_cannot_take_stops_it_with_the_reason() {
        // Every story under every other variant: where the other code cannot take a step, the
        // compared run stops there with the reason, and they diverge no later than that.
        let mut stops = 0;
        for sc in daxlab_core::SCENARIOS {
            for st in sc.stories {
                let main = session(sc.name, st.variant, st.schedule);
                for v in Variant::ALL {
                    let c = CompareRun::new(v, &main);
                    assert!(c.session.len() <= main.len());
                    if let Some(why) = &c.stopped {
                        stops += 1;
                        let step = c.session.len() + 1;
                        assert!(why.contains(&format!("step {step}")), "{why}");
                        assert!(c.divergence.is_some_and(|k| k <= step), "{}", sc.name);
                    } else {
                        assert_eq!(c.session.len(), main.len());
                    }
                    if v == st.variant && st.wake.is_none() {
                        assert_eq!(c.divergence, None, "{} under its own variant", sc.name);
                    }
                }
            }
        }
        assert!(
            stops > 0,
            "some story cannot be replayed under some variant"
        );
    }

    #[test]
    fn the_view_follows_the_cursor_when_zoomed_in() {
        let mut ui = TimelineUi {
            zoom: Zoom::Px(26.0),
            width: 600.0,
            ..TimelineUi::default()
        };
        ui.follow(100, 0);
        assert_eq!(ui.first, 1);
        ui.follow(100, 90);
        let v = ui.view(100, 90);
        assert!(v.first <= 90 && 91 <= v.last(), "{v:?}");
        ui.zoom = Zoom::Fit;
        ui.follow(100, 90);
        assert_eq!(ui.view(100, 90).first, 1);
    }
}
