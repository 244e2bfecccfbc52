//! The view state's behaviour through the same `AppState` API the page uses.

use super::*;
use daxlab_core::ViolationKind;

fn violation(st: &AppState) -> Option<ViolationKind> {
    match st.session.outcome() {
        Outcome::Violation(v) => Some(v.kind),
        _ => None,
    }
}

#[test]
fn a_lesson_and_a_challenge_in_one_url_are_named() {
    let st = AppState::from_query("?challenge=null-deref&lesson=what-is-dax");
    assert!(st.lesson.is_some() && st.challenge.is_none());
    assert!(
        st.errors.iter().any(
            |e| e.contains("lesson=what-is-dax and challenge=null-deref")
                && e.contains("Open ?challenge=null-deref")
        ),
        "{:?}",
        st.errors
    );
}

#[test]
fn a_challenge_starts_without_its_scenario_story() {
    // The story says how the bug happens: the challenge's answer.
    let mut seen = 0;
    for c in daxlab_core::teach::challenge::CHALLENGES {
        let st = AppState::from_query(&format!("?challenge={}", c.name));
        if st.session.cursor() != 0 || st.challenge.is_none() {
            continue;
        }
        seen += 1;
        let opening = daxlab_core::words::opening(st.model());
        assert!(
            !st.narration().contains(&opening),
            "{}: {}",
            c.name,
            st.narration()
        );
        assert!(
            st.narration().contains("You are the scheduler"),
            "{}",
            c.name
        );
    }
    assert!(seen > 0, "no challenge starts at step 0");
    let plain = AppState::from_query("?scenario=null-mapping&variant=seed");
    assert!(
        plain
            .narration()
            .contains(&daxlab_core::words::opening(plain.model()))
    );
}

#[test]
fn a_schedule_that_does_not_parse_leaves_the_story_and_says_so() {
    let st = AppState::from_query("?scenario=freed-inode&variant=seed&schedule=mf*x");
    let story = AppState::from_query("?scenario=freed-inode&variant=seed");
    assert!(!story.session.is_empty());
    assert_eq!(st.session.all_events(), story.session.all_events());
    assert_eq!(st.session.cursor(), 0);
    assert_eq!(st.errors.len(), 1, "{:?}", st.errors);
    assert!(
        st.errors[0].contains("repeat count \"x\""),
        "{:?}",
        st.errors
    );
    assert!(
        st.errors[0].ends_with("own story (42 steps) instead."),
        "{:?}",
        st.errors
    );
    // A schedule that parses but stops (a thread that cannot run) keeps what ran.
    let st = AppState::from_query("?scenario=null-mapping&variant=fixed&schedule=trunc*50");
    assert!(!st.session.is_empty() && st.session.len() < 50);
    assert!(st.errors[0].contains("step(s) that ran"), "{:?}", st.errors);
}

#[test]
fn comparing_a_run_with_its_own_code_is_refused_with_what_is_accepted() {
    let st = AppState::from_query("?scenario=lost-wakeup&variant=seed&compare=seed");
    assert!(st.compare.is_none());
    assert_eq!(st.errors.len(), 1, "{:?}", st.errors);
    let e = &st.errors[0];
    assert!(e.contains("compare \"seed\"") && e.contains("fixed"), "{e}");
    assert!(!e.contains("e.g. seed,") && !e.contains(", seed,"), "{e}");
    // Another variant with the same code and fixes set by hand is the same run too; a
    // variant whose code differs is compared.
    let mut st = AppState::from_query("?scenario=lost-wakeup&variant=seed&compare=fixed");
    assert!(st.errors.is_empty(), "{:?}", st.errors);
    assert_eq!(st.compare.as_ref().map(|c| c.variant), Some(Variant::Fixed));
    st.apply(Action::SetCompare("seed".into()));
    assert_eq!(st.compare.as_ref().map(|c| c.variant), Some(Variant::Fixed));
    assert!(
        st.errors
            .iter()
            .any(|e| e.starts_with("Compare with \"seed\"")),
        "{:?}",
        st.errors
    );
}

#[test]
fn stepping_the_thread_the_story_steps_next_keeps_the_story() {
    let mut st = AppState::from_query("?scenario=freed-inode&variant=seed");
    let len = st.session.len();
    assert!(len > 10 && st.session.cursor() == 0, "{len}");
    let next = st.session.all_events()[0].tid;
    st.apply(Action::Step(next));
    assert_eq!((st.session.cursor(), st.session.len()), (1, len));
    // Another thread's step leaves the story there.
    let other = st
        .model()
        .runnable(st.session.world())
        .into_iter()
        .find(|t| *t != st.session.all_events()[1].tid)
        .expect("another thread can run");
    st.apply(Action::Step(other));
    assert_eq!((st.session.cursor(), st.session.len()), (2, 2));
}

#[test]
fn a_scenario_as_text_loads_keeps_its_text_and_finds_its_bug() {
    let q = "?threads=mf:0,mf:1,fault:0,fault:1,evict,rcu&pages=2&variant=v4.19";
    let mut st = AppState::from_query(q);
    assert!(st.errors.is_empty(), "{:?}", st.errors);
    assert_eq!(st.model().scenario(), "custom");
    assert_eq!(st.model().threads().len(), 6);
    assert!(
        st.query().starts_with("?threads=mf%3A0%2Cmf%3A1"),
        "{}",
        st.query()
    );
    // Another variant keeps the scenario.
    st.apply(Action::SetVariant("fixed".into()));
    assert_eq!(st.model().threads().len(), 6);
    assert!(
        st.query().contains("pages=2&variant=fixed"),
        "{}",
        st.query()
    );
    st.apply(Action::SetVariant("v4.19".into()));
    st.apply(Action::FindBug);
    for _ in 0..200 {
        if !st.searching() {
            break;
        }
        st.apply(Action::SearchTick { now_ms: 0.0 });
    }
    assert!(violation(&st).is_some(), "{:?}", st.notice);
    // The counterexample's link reloads the same scenario and violation.
    let again = AppState::from_query(&st.query());
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    assert_eq!(violation(&again), violation(&st));
}

#[test]
fn a_built_scenario_keeps_the_fixes_lands_in_the_url_and_reloads_the_same() {
    use crate::builder::{Draft, Edit};
    use daxlab_core::scenario::text::Path;
    let mut st = AppState::from_query("?scenario=self-deadlock&variant=fixed&fixes=-c93db7bb6ef3");
    let code = st.model().code();
    st.apply(Action::ToggleBuilder);
    assert!(st.builder);
    let mut d = Draft::of(&Spec::preset("self-deadlock").unwrap());
    d.edit(Edit::Add(Path::Fault));
    d.edit(Edit::Name(2, "writer".into()));
    st.apply(Action::Build(d.spec().unwrap()));
    assert!(st.builder, "the builder stays open");
    assert_eq!(st.model().scenario(), "custom");
    assert_eq!(st.model().variant(), Variant::Fixed);
    assert_eq!(st.model().code(), code);
    assert_eq!(st.session.len(), 0);
    let q = st.query();
    assert!(
        q.starts_with("?threads=mf%2Cfault%2Cfault%3Dwriter&pages=2%3A0"),
        "{q}"
    );
    let again = AppState::from_query(&q);
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    assert_eq!(again.model().code(), code);
    assert_eq!(
        daxlab_core::scenario::thread_names(again.model()),
        ["mf", "fault", "writer"]
    );
}

#[test]
fn a_bad_scenario_text_is_named_and_the_page_still_loads() {
    let st = AppState::from_query("?threads=mf,fault:0,frob&variant=fixed");
    assert_eq!(st.errors.len(), 1, "{:?}", st.errors);
    assert!(
        st.errors[0].contains("item 3") && st.errors[0].contains("\"frob\""),
        "{:?}",
        st.errors
    );
    assert_eq!(st.model().scenario(), params::DEFAULT_SCENARIO);
}

#[test]
fn a_scenario_written_as_text_opens_with_its_own_threads_not_a_built_in_story() {
    let freed = scenario("freed-inode").unwrap().summary;
    let scaled = AppState::from_query("?threads=3&pages=3&variant=fixed");
    assert!(scaled.errors.is_empty(), "{:?}", scaled.errors);
    assert_eq!(scaled.session.len(), 0);
    let text = scaled.narration();
    assert!(!text.contains(freed), "{text}");
    assert!(
        text.contains("(threads=3 pages=3, the freed-inode race scaled up)")
            && text.contains("8 threads")
            && text.contains("mf3 (memory_failure() on pfn 2)")
            && text.contains("fault1 (a fault at file index 0)")
            && text.contains("rcu (RCU's grace periods)"),
        "{text}"
    );
    let custom = AppState::from_query("?threads=mf:1,fault:0=writer,trunc&variant=fixed");
    assert!(custom.errors.is_empty(), "{:?}", custom.errors);
    let text = custom.narration();
    assert!(
        text.starts_with("A scenario written as text (threads=mf:1,fault:0=writer,trunc")
            && text.contains("mf (memory_failure() on pfn 1), writer (a fault at file index 0)"),
        "{text}"
    );
    // A built-in scenario, by name or by its preset text, still opens with its summary.
    for q in [
        "?scenario=freed-inode",
        "?threads=mf,fault,evict,rcu&pages=2:0",
    ] {
        let st = AppState::from_query(q);
        assert!(st.narration().starts_with(freed), "{q}: {}", st.narration());
    }
    // The preset text says which built-in it is; the name does not need to.
    let text = AppState::from_query("?threads=mf,fault,evict,rcu&pages=2:0");
    assert!(
        text.notice
            .as_deref()
            .is_some_and(|n| n.contains("the built-in freed-inode scenario")),
        "{:?}",
        text.notice
    );
    assert!(
        AppState::from_query("?scenario=freed-inode")
            .notice
            .is_none()
    );
    assert!(
        AppState::from_query("?threads=mf:1,fault,evict,rcu&pages=2:0")
            .notice
            .is_none()
    );
    for s in daxlab_core::SCENARIOS {
        let st = AppState::from_query(&format!("?scenario={}", s.name));
        assert!(st.narration().starts_with(s.summary), "{}", s.name);
    }
}

#[test]
fn a_story_under_code_with_its_fix_says_the_fix_is_there() {
    // Lesson 1 opens null-mapping under the mainline code: the story of the NULL
    // dereference, then that c93db7bb6ef3 is in force.
    let fixed = AppState::from_query("?scenario=null-mapping&variant=fixed").narration();
    assert!(
        fixed.contains("The code on screen has the fix for this (c93db7bb6ef3)."),
        "{fixed}"
    );
    let seed = AppState::from_query("?scenario=null-mapping&variant=seed").narration();
    assert!(!seed.contains("has the fix"), "{seed}");
    let ticked =
        AppState::from_query("?scenario=freed-inode&variant=v4.19&fixes=55e56f06ed71").narration();
    assert!(ticked.contains("(55e56f06ed71)."), "{ticked}");
}

#[test]
fn the_narration_names_the_thread_once() {
    // The use-after-free's sentence starts "mf: ..." (as in the violation box); after
    // "Step 42: mf — " the name is not said again.
    let st = AppState::from_query("?scenario=freed-inode&variant=seed&step=42");
    let text = st.narration();
    assert!(text.starts_with("Step 42: mf — xa_lock_irq("), "{text}");
    assert!(!text.contains("mf — mf"), "{text}");
    // Most sentences start with the name: "Step 62: mf2 calls schedule()…", not
    // "Step 62: mf2 — mf2 calls schedule()…".
    let st = AppState::from_query("?scenario=lost-wakeup&variant=v4.19&fixes=c93db7bb6ef3&step=62");
    let text = st.narration();
    assert!(text.starts_with("Step 62: mf2 calls schedule()"), "{text}");
    // Every step of a story: the thread's name is never said twice in a row.
    let mut st = AppState::from_query("?scenario=freed-inode&variant=seed");
    for k in 1..=st.session.len() {
        st.session.seek(k);
        let text = st.narration();
        let who = st
            .model()
            .name(st.session.last_event().unwrap().tid)
            .to_string();
        assert!(!text.contains(&format!("{who} — {who}")), "{text}");
    }
}

#[test]
fn without_variant_the_scenario_keeps_its_story_variant() {
    // A built-in with only its preset changed stays under its story's code.
    for (q, v) in [
        ("?scenario=hash-collision&buckets=16", Variant::Fixed),
        ("?scenario=hash-collision", Variant::Fixed),
        ("?scenario=lost-wakeup&init=reused", Variant::V419),
    ] {
        let st = AppState::from_query(q);
        assert!(st.errors.is_empty(), "{q}: {:?}", st.errors);
        assert_eq!(st.model().variant(), v, "{q}");
    }
    let text = AppState::from_query("?scenario=hash-collision&buckets=16")
        .model()
        .scenario_text()
        .to_vec();
    assert!(text.contains(&("buckets", "16".to_string())), "{text:?}");
    // fixes= adds to the story's code: lost-wakeup's story is v4.19 + c93db7bb6ef3, and
    // adding d8a706414af4 keeps the NULL check (it used to drop it).
    let st = AppState::from_query("?scenario=lost-wakeup&fixes=d8a706414af4");
    assert_eq!(st.model().variant(), Variant::V419);
    assert_eq!(
        st.model().code(),
        Variant::V419
            .code()
            .with_fixes("c93db7bb6ef3,d8a706414af4")
            .unwrap()
    );
    let minus = AppState::from_query("?scenario=lost-wakeup&fixes=-c93db7bb6ef3");
    assert_eq!(minus.model().code(), Variant::V419.code());
    // A scenario of one's own threads starts from the seed.
    let st = AppState::from_query("?threads=mf:0,fault:0");
    assert_eq!(st.model().variant(), Variant::Seed);
}

#[test]
fn parameters_another_overrides_are_named() {
    let said = |q: &str| AppState::from_query(q).errors.join(" | ");
    let e = said("?challenge=null-deref&variant=fixed&schedule=mf*2");
    assert!(
        e.contains("variant=fixed, schedule=mf*2 are ignored"),
        "{e}"
    );
    assert!(said("?teacher=1&lesson=why-recheck").contains("showing the lesson"));
    assert!(!AppState::from_query("?teacher=1&lesson=why-recheck").teacher);
    let t = AppState::from_query("?embed=1&teacher=1");
    assert!(t.teacher && !t.embed);
    assert!(
        t.errors.join(" ").contains("teacher=1 and embed=1"),
        "{:?}",
        t.errors
    );
    // A variant that is not one: the message says what is used instead.
    assert!(said("?variant=xyz").contains("the variant the view takes without variant="));
    assert!(said("?lesson_step=2").contains("lesson_step=2 needs lesson=NAME"));
    // A random run's own link carries both its schedule and its seed: no message.
    let mut st = AppState::from_query("?scenario=null-mapping&variant=seed");
    st.random_run(5);
    assert!(st.query().contains("seed=5"), "{}", st.query());
    assert!(AppState::from_query(&st.query()).errors.is_empty());
    // The page's own links do not trip them: a challenge reloaded, a lesson step's link.
    for q in ["?challenge=null-deref", "?lesson=why-recheck&lesson_step=2"] {
        let again = AppState::from_query(&AppState::from_query(q).query());
        assert!(again.errors.is_empty(), "{q}: {:?}", again.errors);
    }
    for c in lessons::CHALLENGES {
        let q = AppState::from_query(&format!("?challenge={}", c.name)).query();
        let again = AppState::from_query(&q);
        assert!(again.errors.is_empty(), "{q}: {:?}", again.errors);
    }
}

#[test]
fn a_scenario_link_loads_its_story_at_step_zero() {
    let st = AppState::from_query("?scenario=self-deadlock");
    assert!(st.errors.is_empty());
    assert_eq!(st.model().variant(), Variant::Seed);
    assert_eq!(st.session.cursor(), 0);
    assert_eq!(st.session.len(), 33);
}

#[test]
fn a_replay_link_shows_the_violation_and_step_rewinds() {
    let q = "?scenario=null-mapping&variant=seed&schedule=trunc*6,mf*4";
    let st = AppState::from_query(q);
    assert_eq!(violation(&st), Some(ViolationKind::NullDeref));
    let mut st = AppState::from_query(&format!("{q}&step=3"));
    assert_eq!(st.session.cursor(), 3);
    assert_eq!(violation(&st), None);
    st.apply(Action::End);
    assert_eq!(violation(&st), Some(ViolationKind::NullDeref));
    // The view's own URL reproduces it.
    let again = AppState::from_query(&st.query());
    assert_eq!(again.session.cursor(), st.session.cursor());
    assert_eq!(again.full_schedule(), st.full_schedule());
}

#[test]
fn a_lesson_beside_another_scenario_says_so_and_its_own_steps_do_not() {
    for l in lessons::lessons() {
        for k in 0..l.steps.len() {
            let st = AppState::from_query(&format!("?lesson={}&lesson_step={k}", l.name));
            assert_eq!(st.lesson_elsewhere(), None, "{} step {k}", l.name);
        }
    }
    let st = AppState::from_query("?lesson=why-recheck&scenario=device-dax");
    assert_eq!(st.lesson_elsewhere(), Some("inode-reuse"));
}

#[test]
fn autoplay_does_not_play_past_a_question_or_a_challenge() {
    let l = lessons::lessons()
        .iter()
        .find(|l| l.steps.iter().any(|s| !s.predictions.is_empty()))
        .unwrap();
    let k = l
        .steps
        .iter()
        .position(|s| !s.predictions.is_empty())
        .unwrap();
    let st = AppState::from_query(&format!("?lesson={}&lesson_step={k}&autoplay=1", l.name));
    assert!(!st.playing);
    assert!(
        st.errors[0].contains("autoplay=1 is ignored"),
        "{:?}",
        st.errors
    );
    let st = AppState::from_query("?challenge=null-deref&autoplay=1");
    assert!(!st.playing);
    assert!(st.errors[0].contains("autoplay=1"), "{:?}", st.errors);
    // A step without a question may play.
    if let Some(k) = l
        .steps
        .iter()
        .position(|s| s.predictions.is_empty() && s.state.is_some())
    {
        let st = AppState::from_query(&format!("?lesson={}&lesson_step={k}&autoplay=1", l.name));
        assert!(st.playing, "{:?}", st.errors);
    }
}

#[test]
fn text_that_is_a_built_in_loads_as_that_built_in_does() {
    let named = AppState::from_query("?scenario=null-mapping");
    let text = AppState::from_query("?scenario=self-deadlock&threads=mf,fault,trunc");
    assert_eq!(text.model().scenario(), "null-mapping");
    assert_eq!(text.model().variant(), named.model().variant());
    assert_eq!(text.session.len(), named.session.len());
    assert!(
        text.notice
            .as_deref()
            .unwrap()
            .contains("its story is loaded")
    );
    assert!(
        text.errors[0].contains("threads= is used"),
        "{:?}",
        text.errors
    );
    // With a schedule of its own, the notice does not claim the story was loaded.
    let ran = AppState::from_query("?threads=mf,fault,trunc&schedule=mf*3");
    assert_eq!(ran.session.len(), 3);
    assert!(
        !ran.notice.as_deref().unwrap().contains("story"),
        "{:?}",
        ran.notice
    );
    // A schedule that is not one of the scenario's falls back to the story, and says so.
    let back = AppState::from_query("?threads=mf,fault,trunc&schedule=zz");
    assert_eq!(back.session.len(), named.session.len());
    assert!(
        back.notice
            .as_deref()
            .unwrap()
            .contains("its story is loaded"),
        "{:?}",
        back.notice
    );
}

#[test]
fn fixes_that_change_nothing_are_named() {
    let st = AppState::from_query("?scenario=null-mapping&variant=v4.19&fixes=-c93db7bb6ef3");
    assert!(
        st.errors[0].contains(
            "under v4.19, \"-c93db7bb6ef3\" takes away c93db7bb6ef3, which is not in force"
        ),
        "{:?}",
        st.errors
    );
    let st = AppState::from_query("?scenario=null-mapping&fixes=c93db7bb6ef3,c93db7bb6ef3");
    assert!(st.errors[0].contains("repeats"), "{:?}", st.errors);
    let st = AppState::from_query("?scenario=null-mapping&variant=v4.19&fixes=c93db7b,-c93db7b");
    assert!(
        st.errors[0]
            .contains("\"c93db7b\" and \"-c93db7b\" cancel out: together they change nothing"),
        "{:?}",
        st.errors
    );
    // A list of threads of its own has no story: its code is the seed.
    let st = AppState::from_query("?threads=mf,trunc&fixes=-c93db7bb6ef3");
    assert!(st.errors[0].contains("under seed,"), "{:?}", st.errors);
    // The page's own links never trip it.
    let mut own = AppState::from_query("?scenario=null-mapping&variant=v4.19");
    own.apply(Action::ToggleFix("c93db7bb6ef3".into()));
    assert!(AppState::from_query(&own.query()).errors.is_empty());
}

#[test]
fn a_long_bad_value_never_fills_the_page() {
    let long = "x".repeat(20_000);
    // Every parameter the page reads (link::NAMES, teacher included), and an unknown one.
    for param in daxlab_core::link::NAMES.iter().chain(&["nope"]) {
        for q in [
            format!("?{param}={long}"),
            format!("?{param}={long}&{param}=1"),
        ] {
            let st = AppState::from_query(&q);
            assert!(!st.errors.is_empty(), "{param}");
            for e in &st.errors {
                assert!(
                    e.len() < 1_500,
                    "{param}: {} characters: {}",
                    e.len(),
                    &e[..200]
                );
            }
        }
    }
    let mut st = AppState::from_query("?scenario=null-mapping");
    st.apply(Action::ApplySchedule(format!("mf,{long}")));
    assert!(st.errors.iter().all(|e| e.len() < 1_500));
}

#[test]
fn a_blocked_thread_pressed_again_is_said_once_and_a_step_clears_it() {
    // mf sleeps in its wait queue after these steps (the story's first 19).
    let mut st = AppState::from_query("?scenario=freed-inode&variant=v4.19&schedule=fault*5,mf*14");
    assert!(st.errors.is_empty(), "{:?}", st.errors);
    let (mf, fault) = (Tid(0), Tid(1));
    assert_eq!(st.model().threads()[0].name, "mf");
    for _ in 0..5 {
        st.apply(Action::Step(mf));
    }
    assert_eq!(st.errors.len(), 1, "{:?}", st.errors);
    assert!(st.errors[0].contains("mf cannot run"), "{:?}", st.errors);
    // Another thread runs: the step moves, and the refusal goes.
    st.apply(Action::Step(fault));
    assert!(st.errors.is_empty(), "{:?}", st.errors);
    // Other messages stay: only the refusal is replaced.
    st.errors.push("a URL message".into());
    st.apply(Action::Step(mf));
    st.apply(Action::Step(mf));
    assert_eq!(st.errors.len(), 2, "{:?}", st.errors);
    st.apply(Action::Back);
    assert_eq!(st.errors, ["a URL message"]);
}

#[test]
fn an_impossible_schedule_names_the_step_and_keeps_what_ran() {
    let st = AppState::from_query("?scenario=null-mapping&schedule=mf*2,zz");
    assert!(st.errors[0].contains("\"zz\""), "{:?}", st.errors);
    let st = AppState::from_query("?scenario=null-mapping&variant=fixed&schedule=mf*200");
    assert!(st.errors[0].contains("cannot run"), "{:?}", st.errors);
    assert!(!st.session.is_empty());
}

#[test]
fn step_beyond_the_schedule_is_clamped_with_a_message() {
    let st = AppState::from_query("?scenario=null-mapping&schedule=mf*2&step=9");
    assert!(st.errors[0].contains("step=9"));
    assert_eq!(st.session.cursor(), 2);
}

#[test]
fn variant_change_keeps_the_schedule_where_it_applies() {
    let mut st = AppState::from_query(
        "?scenario=self-deadlock&variant=seed&schedule=fault*5,mf*14,fault*5,mf*9",
    );
    assert_eq!(violation(&st), Some(ViolationKind::Deadlock));
    st.apply(Action::SetVariant("v4.19".into()));
    assert_eq!(st.model().variant(), Variant::V419);
    assert_eq!(st.session.len(), 33);
    assert_eq!(violation(&st), None);
    st.apply(Action::SetVariant("bogus".into()));
    assert!(st.errors[0].contains("bogus"));
}

#[test]
fn fix_toggles_rebuild_the_code_and_the_url_carries_them() {
    let mut st = AppState::from_query("?scenario=lost-wakeup&variant=v4.19");
    st.apply(Action::ToggleFix("c93db7bb6ef3".into()));
    assert!(st.model().code().has(daxlab_core::Fix::NullMappingCheck));
    assert!(st.query().contains("fixes=c93db7bb6ef3"), "{}", st.query());
    let again = AppState::from_query(&st.query());
    assert_eq!(again.model().code(), st.model().code());
    st.apply(Action::ToggleFix("c93db7bb6ef3".into()));
    assert_eq!(st.model().code(), Variant::V419.code());
    st.apply(Action::ToggleFix("nope".into()));
    assert!(st.errors[0].contains("\"nope\"") && st.errors[0].contains("237388320def"));
    // Fixes alone add to the scenario's story variant (null-mapping's is v4.19).
    let only = AppState::from_query("?scenario=null-mapping&fixes=c93db7bb6ef3");
    assert_eq!(only.model().variant(), Variant::V419);
    assert!(only.model().code().has(daxlab_core::Fix::NullMappingCheck));
    let bad = AppState::from_query("?scenario=null-mapping&fixes=abc");
    assert!(bad.errors[0].contains("fixes=\"abc\""), "{:?}", bad.errors);
    let slip = AppState::from_query("?scenario=null-mapping&fixes=,,");
    assert!(
        slip.errors[0].contains("fixes=\",,\": an empty item"),
        "{:?}",
        slip.errors
    );
    assert_eq!(slip.model().variant(), Variant::V419);
}

#[test]
fn find_a_bug_in_slices_loads_a_replayable_counterexample() {
    let mut st = AppState::from_query("?scenario=self-deadlock&variant=seed");
    st.apply(Action::FindBug);
    let mut t = 0.0;
    while st.searching() {
        st.apply(Action::SearchTick { now_ms: t });
        t += 16.0;
    }
    assert_eq!(violation(&st), Some(ViolationKind::Deadlock));
    assert!(st.notice.as_deref().unwrap().contains("deadlock"));
    let mut clean = AppState::from_query("?scenario=self-deadlock&variant=fixed");
    clean.apply(Action::FindBug);
    while clean.searching() {
        clean.apply(Action::SearchTick { now_ms: 0.0 });
    }
    assert!(clean.notice.as_deref().unwrap().starts_with("No violation"));
}

#[test]
fn find_a_bug_can_look_for_one_kind() {
    let search = |st: &mut AppState| {
        st.apply(Action::FindBug);
        while st.searching() {
            st.apply(Action::SearchTick { now_ms: 0.0 });
        }
    };
    // v4.19 lacks c93db7bb6ef3: the shortest bug of freed-inode is a NULL dereference.
    let mut any = AppState::from_query("?scenario=freed-inode&variant=v4.19");
    search(&mut any);
    assert_eq!(violation(&any), Some(ViolationKind::NullDeref));
    // Asked for the scenario's own bug, it loads the use-after-free.
    let mut uaf = AppState::from_query("?scenario=freed-inode&variant=v4.19");
    uaf.apply(Action::SetFindKind("use-after-free".into()));
    search(&mut uaf);
    assert_eq!(violation(&uaf), Some(ViolationKind::UseAfterFree));
    assert!(
        uaf.notice
            .as_deref()
            .unwrap()
            .starts_with("Found use-after-free")
    );
    // Under the mainline code there is none, and the page says which kind it looked for.
    let mut fixed = AppState::from_query("?scenario=freed-inode&variant=fixed");
    fixed.apply(Action::SetFindKind("use-after-free".into()));
    search(&mut fixed);
    assert!(
        fixed
            .notice
            .as_deref()
            .unwrap()
            .starts_with("No use-after-free: all "),
        "{:?}",
        fixed.notice
    );
    // Back to any; a kind that does not exist is named.
    fixed.apply(Action::SetFindKind("any".into()));
    assert_eq!(fixed.find_kind, None);
    fixed.apply(Action::SetFindKind("crash".into()));
    assert!(fixed.errors.last().unwrap().contains("\"crash\""));
}

#[test]
fn a_scaled_freed_inode_link_loads_its_threads_and_other_scenarios_refuse_a_scale() {
    let st = AppState::from_query("?scenario=freed-inode&variant=fixed&threads=3&pages=2");
    assert!(st.errors.is_empty(), "{:?}", st.errors);
    assert_eq!(st.model().threads().len(), 8);
    assert!(st.query().contains("threads=3") && st.query().contains("pages=2"));
    let bad = AppState::from_query("?scenario=lost-wakeup&threads=2");
    // A bare number scales freed-inode (as the CLI's --threads N); the page says so.
    assert!(
        bad.errors[0].contains("threads=\"2\"") && bad.errors[0].contains("freed-inode"),
        "{:?}",
        bad.errors
    );
    assert_eq!(bad.model().scenario(), "freed-inode");
    let big = AppState::from_query("?scenario=freed-inode&threads=9");
    assert!(big.errors[0].contains("threads"), "{:?}", big.errors);
}

#[test]
fn a_worker_search_shows_progress_and_loads_its_verdict() {
    let mut st = AppState::from_query("?scenario=freed-inode&variant=v4.19&threads=2&pages=1");
    st.apply(Action::FindBug);
    assert!(st.searching_in_page());
    st.apply(Action::SearchInWorker);
    assert!(st.searching() && !st.searching_in_page());
    let p = SearchProgress {
        states: 1234,
        depth: 7,
        states_per_second: 5e5,
    };
    st.apply(Action::SearchProgress(p));
    assert_eq!(st.search.as_ref().unwrap().progress, p);
    // What the worker would answer, computed here.
    let mut replies = Vec::new();
    crate::search::serve(
        &crate::search::request(st.model(), None),
        &|| 0.0,
        1e9,
        &mut |r| replies.push(r),
    );
    let Some(crate::search::Reply::Done(v)) = replies.pop() else {
        panic!("no verdict")
    };
    st.apply(Action::SearchDone(v));
    assert!(!st.searching());
    assert!(violation(&st).is_some());
    assert!(st.notice.as_deref().unwrap().contains("por+symmetry"));
    // `f` while searching stops the search.
    st.apply(Action::FindBug);
    st.apply(Action::FindBug);
    assert!(!st.searching());
}

#[test]
fn a_seeded_random_run_is_reproducible_from_its_url() {
    let a = AppState::from_query("?scenario=lost-wakeup&variant=exclusive-wait&seed=7");
    let b = AppState::from_query(&a.query());
    assert_eq!(a.full_schedule(), b.full_schedule());
    assert!(a.query().contains("seed=7"));
    assert!(!a.session.is_empty());
}

#[test]
fn a_lesson_link_loads_its_first_step_and_next_moves_on() {
    let mut st = AppState::from_query("?lesson=why-recheck");
    assert!(st.errors.is_empty(), "{:?}", st.errors);
    assert_eq!(st.model().scenario(), "inode-reuse");
    assert_eq!(st.session.cursor(), 6);
    st.apply(Action::LessonGo(3));
    assert_eq!(st.lesson.as_ref().unwrap().1, 3);
    // Step 4 stops with mf holding the reused inode's lock, just before the re-check.
    assert_eq!(st.session.cursor(), 20);
    assert_eq!(violation(&st), None);
    assert!(st.query().contains("lesson=why-recheck") && st.query().contains("lesson_step=3"));
    let bad = AppState::from_query("?lesson=why-recheck&lesson_step=99");
    assert!(bad.errors[0].contains("lesson_step=99"));
}

/// Every app link in every lesson loads without a problem and shows the state its title
/// promises (`"expect: KIND"`, `completed` or `running`): the same check the end-to-end test
/// makes in the browser, natively.
#[test]
#[cfg(not(target_arch = "wasm32"))]
fn every_lesson_link_reaches_the_state_its_title_promises() {
    let mut checked = 0;
    for (name, src) in lessons::LESSON_SOURCES {
        for (url, title) in lessons::links(src) {
            if !url.starts_with('?') {
                continue;
            }
            let expect = title
                .strip_prefix("expect: ")
                .unwrap_or_else(|| panic!("{name}: link {url} has no \"expect: KIND\" title"));
            let st = AppState::from_query(&url);
            assert!(st.errors.is_empty(), "{name}: {url}: {:?}", st.errors);
            let got = match st.session.outcome() {
                Outcome::Violation(v) => v.kind.name().to_string(),
                Outcome::Completed => "completed".into(),
                Outcome::Running => "running".into(),
            };
            assert_eq!(got, expect, "{name}: {url}");
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} links");
}

/// Every app link of the lab page loads without a problem and shows what its title says.
#[test]
#[cfg(not(target_arch = "wasm32"))]
fn every_lab_link_loads_the_state_its_title_promises() {
    let links: Vec<_> = lessons::links(lessons::LAB)
        .into_iter()
        .filter(|(u, _)| u.starts_with('?'))
        .collect();
    assert!(links.len() >= 10, "{links:?}");
    for (url, title) in links {
        let st = AppState::from_query(&url);
        assert!(st.errors.is_empty(), "lab: {url}: {:?}", st.errors);
        let got = match st.session.outcome() {
            Outcome::Violation(v) => v.kind.name().to_string(),
            Outcome::Completed => "completed".into(),
            Outcome::Running => "running".into(),
        };
        assert_eq!(
            Some(got.as_str()),
            title.strip_prefix("expect: "),
            "lab: {url}"
        );
    }
}

#[test]
fn play_walks_the_history_and_stops_at_its_end() {
    let mut st =
        AppState::from_query("?scenario=null-mapping&variant=seed&schedule=trunc*6,mf*4&step=0");
    st.apply(Action::TogglePlay);
    let mut ticks = 0;
    while st.playing {
        st.apply(Action::Tick);
        ticks += 1;
    }
    assert_eq!(ticks, 10);
    assert_eq!(st.session.cursor(), 10);
}

/// The lessons' links and schedules checked against the app (here, not in `lessons.rs`,
/// so that the lessons do not import the state).
#[cfg(not(target_arch = "wasm32"))]
mod lesson_links {
    use super::AppState;
    use crate::lessons::{
        CHALLENGES, Challenge, LESSON_SOURCES, challenge, history_markdown, links, markdown,
    };

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
            let st = AppState::from_query(&url);
            assert!(st.errors.is_empty(), "{url}: {:?}", st.errors);
        }
    }

    /// Every schedule a lesson's text holds: each app link's `schedule=` and each code span or
    /// block that reads as a schedule.
    fn schedules_in(markdown: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut in_code = false;
        use pulldown_cmark::{Event, Tag, TagEnd};
        for e in markdown::parser(markdown) {
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
}

#[test]
fn reset_has_an_undo_until_something_else_runs() {
    let mut st = AppState::from_query("?scenario=null-mapping&variant=v4.19");
    let (steps, schedule) = (st.session.len(), st.full_schedule());
    assert!(steps > 0);
    st.apply(Action::Reset);
    assert!(st.session.is_empty() && st.can_undo_reset());
    assert!(
        st.notice
            .as_deref()
            .unwrap()
            .contains(&format!("{steps} steps is cleared"))
    );
    assert_eq!(st.spoken, st.notice, "read out");
    st.apply(Action::UndoReset);
    assert_eq!((st.session.len(), st.full_schedule()), (steps, schedule));
    assert!(!st.can_undo_reset());
    assert_eq!(
        st.notice.as_deref(),
        Some(format!("Reset undone: step 0 of {steps}.").as_str())
    );
    // A step after the reset starts a new run: the undo and its notice go.
    st.apply(Action::Reset);
    st.apply(Action::StepColumn(0));
    assert!(!st.can_undo_reset() && st.notice.is_none());
    // Another notice does not carry the Undo button.
    st.apply(Action::Reset);
    st.apply(Action::SetCharKeys(false));
    assert!(!st.can_undo_reset());
    // A step after the reset starts a new run: the old one is gone for good.
    st.apply(Action::Reset);
    st.apply(Action::StepColumn(0));
    assert!(!st.can_undo_reset());
    st.apply(Action::UndoReset);
    assert_eq!(st.session.len(), 1);
    // So is it when the code changes, even with nothing run.
    st.apply(Action::Reset);
    st.apply(Action::ToggleFix("c93db7bb6ef3".into()));
    assert!(!st.can_undo_reset());
    let mut other = AppState::from_query("?scenario=null-mapping&variant=v4.19");
    other.apply(Action::Reset);
    other.apply(Action::SetTruncate("all".into()));
    assert!(!other.can_undo_reset());
    // Nothing to undo after resetting an empty run.
    let mut empty = AppState::from_query("?threads=mf,trunc");
    empty.apply(Action::Reset);
    assert!(!empty.can_undo_reset() && empty.notice.is_none());
}

#[test]
fn undo_reset_brings_back_the_seed_and_the_schedule_s_error_too() {
    // A random run: its seed is in the address and the controls again after the undo.
    let mut st = AppState::from_query("?scenario=null-mapping&variant=v4.19");
    st.apply(Action::EditSeed("7".into()));
    st.apply(Action::RandomRun);
    let query = st.query();
    assert_eq!(st.seed, Some(7));
    st.apply(Action::Reset);
    assert_eq!(st.seed, None);
    st.apply(Action::EditSeed("12".into()));
    st.apply(Action::UndoReset);
    assert_eq!((st.seed, st.query()), (Some(7), query));
    assert_eq!(st.seed_text, "7", "the seed box shows the run's seed again");
    // A schedule that stopped early: why is said again with its run.
    let mut st = AppState::from_query("?scenario=null-mapping&variant=fixed&schedule=trunc*20");
    let why = st.schedule_error().map(str::to_string);
    assert!(
        why.as_deref().is_some_and(|w| w.contains("trunc")),
        "{why:?}"
    );
    st.apply(Action::Reset);
    assert_eq!(st.schedule_error(), None);
    st.apply(Action::UndoReset);
    assert_eq!(st.schedule_error().map(str::to_string), why);
}

#[test]
fn the_status_region_says_only_what_is_new() {
    let mut st = AppState::from_query("?scenario=null-mapping&variant=v4.19");
    st.apply(Action::SetCharKeys(false));
    assert!(
        st.spoken
            .as_deref()
            .unwrap()
            .starts_with("Single-key shortcuts are off")
    );
    // The next action says nothing new: the old notice is not read again.
    st.apply(Action::Forward);
    assert_eq!(st.spoken, None);
    assert!(st.notice.is_some());
    // Play, then pause: where it stopped, with the narration.
    st.apply(Action::Home);
    st.apply(Action::TogglePlay);
    st.apply(Action::Tick);
    st.apply(Action::TogglePlay);
    assert!(
        st.spoken
            .as_deref()
            .unwrap()
            .starts_with("Stopped at step 1 of "),
        "{:?}",
        st.spoken
    );
    // Played to a violation: only where (the alert says what).
    st.apply(Action::End);
    st.apply(Action::Back);
    st.apply(Action::TogglePlay);
    st.apply(Action::Tick);
    let n = st.session.len();
    assert_eq!(st.spoken, Some(format!("Stopped at step {n} of {n}.")));
    // A search on the page's thread: "Searching…" once, then its verdict.
    let mut st = AppState::from_query("?scenario=null-mapping&variant=v4.19");
    st.apply(Action::FindBug);
    assert_eq!(st.spoken.as_deref(), Some("Searching every interleaving…"));
    let mut t = 0.0;
    while st.searching() {
        st.apply(Action::SearchTick { now_ms: t });
        t += 10.0;
        if st.searching() {
            assert_eq!(st.spoken.as_deref(), Some("Searching every interleaving…"));
        }
    }
    assert!(
        st.spoken.as_deref().unwrap().starts_with("Found"),
        "{:?}",
        st.spoken
    );
}

#[test]
fn a_completed_run_is_read_out_when_it_completes() {
    use crate::state::COMPLETED;
    let mut st = AppState::from_query("?scenario=null-mapping&variant=fixed");
    let m = st.model().clone();
    while st.session.outcome() == Outcome::Running {
        assert_ne!(st.spoken.as_deref(), Some(COMPLETED));
        let tid = m.runnable(st.session.world())[0];
        st.apply(Action::Step(tid));
    }
    assert_eq!(st.session.outcome(), Outcome::Completed);
    assert_eq!(st.spoken.as_deref(), Some(COMPLETED));
    st.apply(Action::Hover(Some(1)));
    assert_eq!(st.spoken.as_deref(), Some(COMPLETED), "a hover keeps it");
    st.apply(Action::Back);
    assert_eq!(
        st.spoken, None,
        "not said again while the run is not complete"
    );
    st.apply(Action::Forward);
    assert_eq!(st.spoken.as_deref(), Some(COMPLETED), "complete again");
}

#[test]
fn a_goal_reached_over_the_budget_is_read_out_once() {
    // A random run ignores the budget: find a level and a seed whose run, typed into the
    // schedule box of the challenge (a random run itself is off there), reaches the goal
    // over it.
    let mut found = None;
    let mut open = daxlab_core::teach::progress::Progress::default();
    for c in crate::lessons::CHALLENGES.iter().take(4) {
        open.win(c.name, 10, 0, 0);
    }
    'search: for level in ["null-deref", "deadlock", "use-after-free", "lost-wakeup"] {
        let mut st = AppState::from_query_with(&format!("?challenge={level}"), open.clone());
        let c = st.challenge.as_ref().unwrap().challenge;
        let mut free = AppState::from_params(&Params {
            scenario: c.scenario,
            variant: Some(c.variant),
            fixes: (!c.fixes.is_empty()).then(|| c.fixes.to_string()),
            ..Params::default()
        });
        for seed in 1..100u64 {
            free.apply(Action::EditSeed(seed.to_string()));
            free.apply(Action::RandomRun);
            st.apply(Action::ApplySchedule(free.full_schedule()));
            if let Some(why) = st.goal_not_counted() {
                assert!(why.starts_with("The goal is on screen, but with"), "{why}");
                let said = st.spoken.as_deref().unwrap_or_default();
                assert!(said.contains(&why), "{level}, seed {seed}: {said:?}");
                found = Some(st);
                break 'search;
            }
        }
    }
    let mut st = found.expect("no level and seed below 100 reach the goal over the budget");
    st.apply(Action::Hover(Some(0)));
    assert!(
        st.spoken
            .as_deref()
            .unwrap_or_default()
            .contains("over the budget")
    );
    st.apply(Action::Back);
    st.apply(Action::Forward);
    assert!(
        st.spoken
            .as_deref()
            .unwrap_or_default()
            .contains("over the budget"),
        "shown again, said again"
    );
    st.apply(Action::Forward);
    assert_eq!(st.spoken, None, "at the end already: nothing new");
    // A locked level shows only its lock: nothing about a budget is said.
    let mut locked = AppState::from_query("?challenge=deadlock");
    assert!(locked.challenge.as_ref().unwrap().locked_by.is_some());
    for seed in 1..100u64 {
        locked.apply(Action::EditSeed(seed.to_string()));
        locked.apply(Action::RandomRun);
        assert_eq!(locked.goal_not_counted(), None);
        let said = locked.spoken.clone().unwrap_or_default();
        assert!(!said.contains("budget"), "seed {seed}: {said}");
    }
}

#[test]
fn a_random_run_that_completes_says_so_once() {
    let mut st = AppState::from_query("?scenario=null-mapping&variant=fixed");
    let mut seen = false;
    for seed in 1..50u64 {
        st.apply(Action::EditSeed(seed.to_string()));
        st.apply(Action::RandomRun);
        if st.session.outcome() == Outcome::Completed {
            let said = st.spoken.clone().unwrap_or_default();
            assert_eq!(
                said.matches("without a violation").count(),
                1,
                "seed {seed}: {said}"
            );
            // The same run again from its start: the notice is unchanged (and not read
            // again), so the status region says the completion itself.
            st.apply(Action::Home);
            st.apply(Action::RandomRun);
            assert_eq!(
                st.spoken.as_deref(),
                Some(crate::state::COMPLETED),
                "seed {seed} again"
            );
            seen = true;
        }
    }
    assert!(seen, "no random run below seed 50 completes");
}

/// Level 1 and seed 1's random run of its scenario and code, outside the challenge.
fn null_deref_seed_one() -> (&'static crate::lessons::Challenge, AppState) {
    let c = crate::lessons::challenge("null-deref").unwrap();
    assert!(c.fixes.is_empty());
    let mut free = AppState::from_query(&format!(
        "?scenario={}&variant={}",
        c.scenario,
        c.variant.name()
    ));
    free.apply(Action::EditSeed("1".into()));
    free.apply(Action::RandomRun);
    (c, free)
}

#[test]
fn a_random_run_is_off_in_an_open_challenge_and_wins_nothing() {
    // Seed 1's random run reaches null-deref's goal within its budget outside the challenge
    // (found by the UX review of stop 37): in the challenge, neither the button nor `n` runs it.
    let (c, free) = null_deref_seed_one();
    let reached = matches!(free.session.outcome(), Outcome::Violation(v) if v.kind == c.kind);
    assert!(
        reached,
        "seed 1 no longer reaches {}: pick another seed",
        c.kind.name()
    );

    let mut st = AppState::from_query("?challenge=null-deref");
    for action in [Action::RandomRun, Action::NextSeed] {
        st.apply(action);
        assert!(st.session.is_empty(), "nothing ran");
        assert!(st.challenge.as_ref().unwrap().won.is_none());
        assert!(!st.progress.won("null-deref"));
        let said = st.errors.join(" ");
        assert!(said.contains("Random run is off in a challenge"), "{said}");
        assert!(
            said.contains("null-mapping"),
            "names where random runs work: {said}"
        );
    }
    // The student's own order still wins: the same schedule, typed in.
    st.apply(Action::ApplySchedule(free.full_schedule()));
    assert!(st.challenge.as_ref().unwrap().won.is_some());
    // A won level is done: both tools that choose the schedule work there again.
    st.apply(Action::DismissMessages);
    st.apply(Action::RandomRun);
    assert!(st.errors.is_empty(), "{:?}", st.errors);
    assert!(!st.session.is_empty(), "the random run ran");
    st.apply(Action::FindBug);
    assert!(st.search.is_some(), "{:?}", st.errors);
}

#[test]
fn a_goal_a_link_loads_does_not_count_until_the_student_plays_past_it() {
    // A winning order for null-deref (seed 1's random run, within the budget: see above).
    let (c, free) = null_deref_seed_one();
    let win: Vec<Tid> = free.session.steps();
    let link = |steps: &[Tid]| {
        format!(
            "?scenario={}&variant={}&schedule={}&challenge={}",
            c.scenario,
            c.variant.name(),
            daxlab_core::schedule::format(steps, free.model()),
            c.name
        )
    };
    // A teacher's solution link, or a shared one: the goal is on screen, and does not count.
    let mut st = AppState::from_query(&link(&win));
    assert!(matches!(st.session.outcome(), Outcome::Violation(v) if v.kind == c.kind));
    assert!(st.challenge.as_ref().unwrap().won.is_none());
    assert!(!st.progress.won(c.name));
    let why = st.goal_not_counted().expect("the panel says why");
    assert!(why.contains("by the steps a link loaded"), "{why}");
    // A link that stands before its goal (step=0): Play or the keys replay it, and that does
    // not count either.
    let mut early = AppState::from_query(&format!("{}&step=0", link(&win)));
    assert_eq!(early.session.cursor(), 0);
    early.apply(Action::End);
    assert!(matches!(early.session.outcome(), Outcome::Violation(v) if v.kind == c.kind));
    assert!(!early.progress.won(c.name));
    assert!(early.goal_not_counted().is_some());
    // A hint there would say nothing and cost points: refused, none taken.
    early.apply(Action::Teach(crate::teach::TeachAction::Hint));
    assert!(early.challenge.as_ref().unwrap().hints.is_empty());
    // Replaying them, with the keys or step by step in the same order, is not play either.
    st.apply(Action::Back);
    st.apply(Action::Forward);
    assert!(!st.progress.won(c.name));
    st.apply(Action::Home);
    for &tid in &win {
        st.apply(Action::Step(tid));
    }
    assert!(
        !st.progress.won(c.name),
        "the link's order, stepped by hand"
    );

    // A reload part-way (the URL holds the student's steps so far): the steps played after it
    // are the student's, and the goal counts.
    let (before, last) = win.split_at(win.len() - 1);
    let mut st = AppState::from_query(&link(before));
    assert!(st.goal_not_counted().is_none());
    st.apply(Action::Step(last[0]));
    assert!(st.challenge.as_ref().unwrap().won.is_some());
    assert!(st.progress.won(c.name));

    // A level already won shows its win again when a link reloads it.
    let st = AppState::from_query_with(&link(&win), st.progress.clone());
    assert!(st.challenge.as_ref().unwrap().won.is_some());
    assert!(st.goal_not_counted().is_none());
}

#[test]
fn the_opening_offers_play_only_when_there_are_steps_to_play() {
    // A built-in story: Play replays it.
    let st = AppState::from_query("?scenario=freed-inode&variant=seed");
    assert!(!st.session.is_empty());
    assert!(
        st.narration().contains("or press Play"),
        "{}",
        st.narration()
    );
    // No story (a scenario as text), or a reset: Play is off, and the opening does not offer it.
    let st = AppState::from_query("?threads=mf:0,fault:0&variant=seed");
    assert!(st.session.is_empty());
    assert!(!st.narration().contains("Play"), "{}", st.narration());
}

#[test]
fn a_story_left_by_a_step_or_a_reset_can_be_loaded_again() {
    // Found by the UX review of stop 38: one key off the story (or Reset) lost it for good,
    // and the Scenario menu cannot choose the scenario it already shows.
    let mut st = AppState::from_query("?scenario=freed-inode&variant=seed");
    let all = |st: &AppState| {
        st.session
            .all_events()
            .iter()
            .map(|e| e.tid)
            .collect::<Vec<_>>()
    };
    let story = all(&st);
    assert!(!st.can_load_story(), "the story is on screen");
    st.apply(Action::Forward);
    let next = story[1];
    let off = (0..st.model().threads().len() as u8)
        .map(Tid)
        .find(|&t| {
            t != next && st.model().status(st.session.world(), t) == daxlab_core::Status::Runnable
        })
        .expect("another runnable thread");
    st.apply(Action::Step(off));
    assert_eq!(st.session.len(), 2, "a new history from there");
    assert!(st.can_load_story());
    st.apply(Action::LoadStory);
    assert_eq!(all(&st), story);
    assert_eq!(st.session.cursor(), 0);
    assert!(!st.can_load_story());
    let said = st.notice.clone().unwrap();
    assert!(said.contains("story is loaded (42 steps)"), "{said}");
    // After a reset too; never in a challenge, whose story is its answer.
    st.apply(Action::Reset);
    assert!(st.can_load_story());
    let c = AppState::from_query("?challenge=null-deref");
    assert!(!c.can_load_story());
    // Nor beside a lesson, whose steps load runs of their own.
    let mut l = AppState::from_query("?lesson=why-recheck");
    l.apply(Action::Reset);
    assert!(!l.can_load_story());
    // A scenario built from text has none.
    let t = AppState::from_query("?threads=mf:0,fault:0&variant=seed");
    assert!(!t.can_load_story());
}
