//! The scenario grammar against the built-in scenarios: every preset builds the built-in's
//! world and threads and gives the same complete search (verdict, counterexample, states,
//! transitions, depth) under every variant and wake mode; a bare number of threads is the scaled
//! `freed-inode`. Property tests: accepted text round-trips, any text is answered without a
//! panic, and random runs of random scenarios never hit a `model-error`.
//!
//! `PROPTEST_CASES` sets the number of cases (the fuzz run in `scripts/fuzz-grammar.sh` raises
//! it for a bounded time).

mod common;

use daxlab_core::explore::{Config, explore};
use daxlab_core::random::{RandomRunner, Strategy as RunStrategy};
use daxlab_core::scenario::text::{PRESETS, Spec, SpecText};
use daxlab_core::scenario::{Scale, scaled};
use daxlab_core::{Model, Options, SCENARIOS, Variant, ViolationKind, WakeMode};
use proptest::prelude::*;

/// The complete search without reduction, as one comparable line.
fn search_row(model: &Model) -> String {
    let r = common::unreduced(model);
    format!(
        "states={} transitions={} depth={} {}",
        r.states, r.transitions, r.depth, r.verdict
    )
}

fn same_model(label: &str, built_in: &Model, from_text: &Model) {
    assert_eq!(built_in.scenario(), from_text.scenario(), "{label}");
    assert_eq!(built_in.threads(), from_text.threads(), "{label}");
    assert_eq!(built_in.initial(), from_text.initial(), "{label}");
    assert_eq!(built_in.buckets(), from_text.buckets(), "{label}");
    assert_eq!(built_in.code(), from_text.code(), "{label}");
}

#[test]
fn every_built_in_scenario_is_a_preset_with_the_same_searches() {
    assert_eq!(PRESETS.len(), SCENARIOS.len());
    for s in SCENARIOS {
        let spec = Spec::preset(s.name).unwrap_or_else(|| panic!("no preset for {}", s.name));
        for v in Variant::ALL {
            for wake in WakeMode::ALL {
                let options = Options {
                    variant: v,
                    truncate_wake: Some(wake),
                    code: None,
                };
                let label = format!("{} {v} {}", s.name, wake.name());
                let (a, b) = (s.model(options), spec.model(options));
                same_model(&label, &a, &b);
                assert_eq!(search_row(&a), search_row(&b), "{label}");
            }
        }
    }
}

#[test]
fn a_bare_number_of_threads_is_the_scaled_freed_inode() {
    for (threads, pages) in [(1, 1), (1, 2), (2, 2), (2, 3)] {
        for v in [Variant::V419, Variant::Fixed] {
            let options = Options::new(v);
            let label = format!("{threads}x{pages} {v}");
            let a = scaled(Scale { threads, pages }, options).expect("fits");
            let pages_text = pages.to_string();
            let threads_text = threads.to_string();
            let spec = Spec::parse(SpecText {
                threads: &threads_text,
                pages: Some(&pages_text),
                ..SpecText::default()
            })
            .expect(&label);
            let b = spec.model(options);
            same_model(&label, &a, &b);
            assert_eq!(search_row(&a), search_row(&b), "{label}");
        }
    }
}

#[test]
fn a_custom_race_finds_its_bug() {
    // Two memory failures on different pages, each with a fault holding its entry, then the
    // file is evicted: under v4.19 one of them can touch the freed inode (its NULL dereference
    // comes first, so the search asks for the use-after-free).
    let spec = Spec::parse(SpecText {
        threads: "mf:0,mf:1,fault:0,fault:1,evict,rcu",
        pages: Some("2"),
        ..SpecText::default()
    })
    .unwrap();
    let m = spec.model(Options::new(Variant::V419));
    assert_eq!(m.scenario(), "custom");
    let uaf = Config {
        target: Some(ViolationKind::UseAfterFree),
        ..Config::default()
    };
    let found = explore(&m, uaf).found.expect("a use-after-free");
    assert_eq!(found.violation.kind, ViolationKind::UseAfterFree);
    let fixed = explore(&spec.model(Options::new(Variant::Fixed)), Config::default());
    assert!(fixed.complete && fixed.found.is_none(), "{:?}", fixed.found);
}

#[test]
fn a_pre_truncated_page_is_the_seed_null_deref_in_one_thread() {
    let spec = Spec::parse(SpecText {
        threads: "mf:0",
        pages: Some("2:-"),
        ..SpecText::default()
    })
    .unwrap();
    let r = explore(&spec.model(Options::new(Variant::Seed)), Config::default());
    assert_eq!(
        r.found.expect("NULL").violation.kind,
        ViolationKind::NullDeref
    );
}

/// One thread item, as text, over small ranges (most are accepted, some not).
fn item() -> impl Strategy<Value = String> {
    let path = prop::sample::select(vec![
        "mf", "fault", "trunc", "inval", "wb", "evict", "reuse", "unbind", "rcu", "frob",
    ]);
    (
        path,
        prop::option::of(0u16..5),
        prop::option::of(0u8..4),
        prop::option::of("[a-z][a-z0-9]{0,3}"),
    )
        .prop_map(|(p, arg, pfn, name)| {
            let mut s = p.to_string();
            if let Some(a) = arg {
                s.push_str(&format!(":{a}"));
                if let Some(f) = pfn {
                    s.push_str(&format!("@{f}"));
                }
            }
            if let Some(n) = name {
                s.push('=');
                s.push_str(&n);
            }
            s
        })
}

fn threads_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(item(), 1..7).prop_map(|v| v.join(",")),
        (0u8..8).prop_map(|n| n.to_string()),
    ]
}

fn pages_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        (0u8..10).prop_map(|n| n.to_string()),
        (
            1u8..5,
            prop::collection::vec(prop::option::of(0u16..5), 0..5)
        )
            .prop_map(|(n, map)| {
                let m: Vec<String> = map
                    .iter()
                    .map(|p| p.map_or("-".into(), |i| i.to_string()))
                    .collect();
                format!("{n}:{}", m.join(","))
            }),
    ])
}

fn spec_texts() -> impl Strategy<Value = (String, Option<String>, Option<String>, Option<String>)> {
    (
        threads_text(),
        pages_text(),
        prop::option::of(prop::sample::select(vec!["2", "8", "16", "64", "3", "128"])),
        prop::option::of(prop::sample::select(vec![
            "devdax",
            "reused",
            "devdax,reused",
            "",
            "nope",
        ])),
    )
        .prop_map(|(t, p, b, i)| (t, p, b.map(String::from), i.map(String::from)))
}

/// Mostly accepted scenarios: plausible threads over a few page layouts.
fn plausible_texts()
-> impl Strategy<Value = (String, Option<String>, Option<String>, Option<String>)> {
    let token = prop::sample::select(vec![
        "mf",
        "mf:1",
        "fault",
        "fault:1",
        "fault:2@1",
        "trunc",
        "trunc:1",
        "inval:0",
        "wb",
        "wb:1",
        "evict",
        "reuse",
        "reuse:2@1",
        "unbind",
        "rcu",
    ]);
    (
        prop::collection::vec(token, 1..8).prop_map(|v| v.join(",")),
        prop::sample::select(vec!["2:0", "2:0,1", "3:0,-,1", "2:-,0", "2"]),
        prop::sample::select(vec![None, Some("2"), Some("16")]),
        prop::sample::select(vec![None, Some("reused"), Some("devdax")]),
    )
        .prop_map(|(t, p, b, i)| (t, Some(p.into()), b.map(String::from), i.map(String::from)))
}

fn parse4(t: &str, p: Option<&str>, b: Option<&str>, i: Option<&str>) -> Result<Spec, String> {
    Spec::parse(SpecText {
        threads: t,
        pages: p,
        buckets: b,
        init: i,
    })
    .map_err(|e| e.to_string())
}

fn reparse(spec: &Spec) -> Result<Spec, String> {
    let params = spec.params();
    let get = |k: &str| {
        params
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.as_str())
    };
    parse4(
        get("threads").unwrap_or(""),
        get("pages"),
        get("buckets"),
        get("init"),
    )
}

proptest! {
    #[test]
    fn accepted_text_formats_back_to_text_that_parses_equal((t, p, b, i) in spec_texts()) {
        if let Ok(spec) = parse4(&t, p.as_deref(), b.as_deref(), i.as_deref()) {
            prop_assert_eq!(reparse(&spec), Ok(spec.clone()));
            prop_assert_eq!(spec.names().len(), spec.thread_list().len());
        }
    }

    #[test]
    fn any_text_gets_an_answer_not_a_panic(
        t in "[a-z0-9:@=,\\- ]{0,40}|.{0,40}",
        p in prop::option::of("[0-9:,\\- ]{0,12}|.{0,12}"),
        b in prop::option::of(".{0,6}"),
        i in prop::option::of("[a-z,]{0,14}"),
    ) {
        if let Ok(spec) = parse4(&t, p.as_deref(), b.as_deref(), i.as_deref()) {
            prop_assert_eq!(reparse(&spec), Ok(spec));
        }
    }

    #[test]
    fn random_runs_of_any_accepted_scenario_never_hit_a_model_error(
        (t, p, b, i) in prop_oneof![spec_texts(), plausible_texts()],
        v in 0..Variant::ALL.len(),
        seed in any::<u64>(),
    ) {
        if let Ok(spec) = parse4(&t, p.as_deref(), b.as_deref(), i.as_deref()) {
            let m = spec.model(Options::new(Variant::ALL[v]));
            let mut runner = RandomRunner::new(seed, RunStrategy::Pct { depth: 3 });
            for _ in 0..4 {
                let run = runner.run(&m);
                if let Some(v) = &run.violation {
                    prop_assert_ne!(v.kind, ViolationKind::ModelError, "{} {:?}", t, run);
                }
            }
        }
    }
}
