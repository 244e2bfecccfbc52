//! The `daxlab` binary as a teacher uses it: every scenario under every variant runs with
//! `--json`, explore and random print their reports, and bad arguments exit non-zero with a
//! message instead of panicking.

use std::process::Command;

fn daxlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_daxlab"))
        .args(args)
        .output()
        .expect("daxlab runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn run_json_works_for_every_scenario_and_variant() {
    let (_, list, _) = daxlab(&["list", "--json"]);
    let list = json(&list);
    let scenarios = list["scenarios"].as_array().expect("scenarios");
    let variants = list["variants"].as_array().expect("variants");
    assert_eq!(scenarios.len(), 8);
    assert!(variants.len() >= 6);
    for s in scenarios {
        let name = s["name"].as_str().unwrap();
        let story = s["stories"][0]["schedule"].as_str().unwrap();
        for v in variants {
            let v = v["name"].as_str().unwrap();
            let (code, out, _) = daxlab(&[
                "run",
                "--scenario",
                name,
                "--variant",
                v,
                "--schedule",
                story,
                "--json",
            ]);
            let r = json(&out);
            assert_eq!(r["scenario"], name);
            assert_eq!(r["variant"], v);
            assert!(r["steps"].as_array().is_some_and(|a| !a.is_empty()));
            for step in r["steps"].as_array().unwrap() {
                assert!(step["thread"].is_string() && step["line"].is_string());
                assert!(step["narration"].as_str().is_some_and(|n| !n.is_empty()));
            }
            assert!(
                ["running", "completed", "violation"].contains(&r["outcome"].as_str().unwrap())
            );
            match r["violation"].as_object() {
                Some(v) => {
                    for k in ["kind", "thread", "line", "message"] {
                        assert!(v[k].is_string(), "{name}/{v:?}: {k}");
                    }
                }
                None => assert!(r["violation"].is_null()),
            }
            // A story written for another variant may stop applying: exit 1 and say why.
            assert_eq!(code != 0, r.get("error").is_some(), "{name} {v}: {out}");
        }
    }
}

#[test]
fn explore_json_prints_a_replayable_counterexample_and_url() {
    let (code, out, _) = daxlab(&[
        "explore",
        "--scenario",
        "null-mapping",
        "--variant",
        "seed",
        "--json",
    ]);
    assert_eq!(code, 0);
    let r = json(&out);
    for k in [
        "scenario",
        "variant",
        "complete",
        "states",
        "transitions",
        "depth",
        "millis",
    ] {
        assert!(!r[k].is_null(), "{k}");
    }
    let v = &r["violation"];
    assert_eq!(v["kind"], "null-deref");
    let schedule = v["schedule"].as_str().unwrap();
    assert!(v["url"].as_str().unwrap().contains("scenario=null-mapping"));
    let (_, out, _) = daxlab(&[
        "run",
        "--scenario",
        "null-mapping",
        "--variant",
        "seed",
        "--schedule",
        schedule,
        "--json",
    ]);
    assert_eq!(json(&out)["violation"]["kind"], "null-deref");

    let (_, out, _) = daxlab(&[
        "explore",
        "--scenario",
        "self-deadlock",
        "--variant",
        "fixed",
        "--json",
    ]);
    let r = json(&out);
    assert_eq!(r["complete"], true);
    assert!(r["violation"].is_null());
}

#[test]
fn random_runs_are_determined_by_the_seed() {
    let args = [
        "random",
        "--scenario",
        "lost-wakeup",
        "--variant",
        "exclusive-wait",
        "--seed",
        "3",
        "--runs",
        "50",
    ];
    let (code, a, _) = daxlab(&args);
    let (_, b, _) = daxlab(&args);
    assert_eq!(code, 0);
    assert_eq!(a, b);
    assert!(a.contains("lost-wakeup"), "{a}");
    // Failing runs print their violation and a schedule that replays to it.
    let (_, out, _) = daxlab(&[
        "random",
        "--scenario",
        "null-mapping",
        "--variant",
        "seed",
        "--seed",
        "3",
        "--runs",
        "5",
    ]);
    assert!(out.contains("null-deref by mf"), "{out}");
    let schedule = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("schedule: "))
        .expect("a failing run prints its schedule");
    let (_, run, _) = daxlab(&[
        "run",
        "--scenario",
        "null-mapping",
        "--variant",
        "seed",
        "--schedule",
        schedule,
        "--json",
    ]);
    assert_eq!(json(&run)["violation"]["kind"], "null-deref");
}

#[test]
fn a_schedule_that_does_not_parse_prints_no_run_and_writes_no_figure() {
    let svg = std::env::temp_dir().join(format!("daxlab-bad-{}.svg", std::process::id()));
    let _ = std::fs::remove_file(&svg);
    let (code, out, err) = daxlab(&[
        "run",
        "--scenario",
        "null-mapping",
        "--schedule",
        "mf,zz",
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("\"zz\""), "{err}");
    assert!(!out.contains("Outcome"), "{out}");
    assert!(!svg.exists(), "a figure of a run that did not happen");
    // With --json, the report on stdout says so.
    let (code, out, _) = daxlab(&[
        "run",
        "--scenario",
        "null-mapping",
        "--schedule",
        "mf,zz",
        "--json",
    ]);
    assert_eq!(code, 1);
    assert!(
        json(&out)["error"].as_str().unwrap().contains("\"zz\""),
        "{out}"
    );
    // After a kernel report, the threads' results come under a heading of their own.
    let (_, out, _) = daxlab(&[
        "run",
        "--scenario",
        "null-mapping",
        "--variant",
        "seed",
        "--schedule",
        "trunc*8,mf*4",
    ]);
    assert!(
        out.contains("Call Trace:") && out.contains("\nThreads:\n  trunc: done"),
        "{out}"
    );
}

#[test]
fn bad_arguments_exit_non_zero_with_a_message() {
    for args in [
        &["run", "--scenario", "nope", "--schedule", "mf"][..],
        &[
            "run",
            "--scenario",
            "null-mapping",
            "--variant",
            "v9",
            "--schedule",
            "mf",
        ],
        &["run", "--scenario", "null-mapping", "--schedule", "zz*2"],
        &["run", "--scenario", "null-mapping", "--schedule", "mf*9999"],
        &["explore", "--scenario", "freed-inode", "--threads", "99"],
        &[
            "explore",
            "--scenario",
            "null-mapping",
            "--kind",
            "nonsense",
        ],
    ] {
        let (code, _, err) = daxlab(args);
        assert!(code == 1 || code == 2, "{args:?}: exit {code}");
        assert!(
            !err.trim().is_empty() && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn fixes_that_change_nothing_are_said_and_the_run_goes_on() {
    let (code, out, err) = daxlab(&[
        "run",
        "--scenario",
        "null-mapping",
        "--variant",
        "v4.19",
        "--fixes=-c93db7b,f52afc93cd01",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Outcome:"), "{out}");
    assert!(
        err.contains("takes away c93db7bb6ef3, which is not in force")
            && err.contains("adds f52afc93cd01, which is already in force"),
        "{err}"
    );
    // Fixes that do change the code are not remarked on.
    let (_, _, err) = daxlab(&["run", "--scenario", "null-mapping", "--fixes", "c93db7b"]);
    assert!(!err.contains("changes nothing"), "{err}");
}

#[test]
fn run_writes_the_timeline_and_the_graph_as_svg_and_each_step_names_its_violation() {
    let dir = std::env::temp_dir().join(format!("daxlab-cli-svg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (tl, og) = (dir.join("timeline.svg"), dir.join("graph.svg"));
    let (code, out, err) = daxlab(&[
        "run",
        "--scenario",
        "freed-inode",
        "--variant",
        "seed",
        "--schedule",
        "fault*5,mf*14,fault*6,evict*10,rcu*3,mf*4",
        "--json",
        "--svg",
        tl.to_str().unwrap(),
        "--graph-svg",
        og.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let steps = json(&out)["steps"].as_array().unwrap().clone();
    assert_eq!(steps.len(), 42);
    assert!(steps[..41].iter().all(|s| s["violation"].is_null()));
    assert_eq!(steps[41]["violation"], "use-after-free");
    let tl = std::fs::read_to_string(&tl).unwrap();
    assert!(tl.starts_with("<?xml") && tl.trim_end().ends_with("</svg>"));
    assert!(tl.contains("id=\"timeline\""));
    // One grace period that waited for no reader, the free after it, fault waking mf.
    assert_eq!(tl.matches("data-kind=\"gp\"").count(), 1);
    assert!(tl.contains("data-waited-for=\"\""));
    assert!(tl.contains("data-kind=\"free\""));
    assert!(tl.contains("data-waker=\"fault\" data-woken=\"mf\""));
    assert_eq!(tl.matches("data-kind=\"lane\"").count(), 5);
    let og = std::fs::read_to_string(&og).unwrap();
    assert!(og.contains("id=\"object-graph\"") && og.contains("data-life=\"freed\""));

    // The scaled scenario draws too; an unwritable path is an error naming it.
    let big = dir.join("big.svg");
    let (code, _, err) = daxlab(&[
        "run",
        "--scenario",
        "freed-inode",
        "--variant",
        "fixed",
        "--threads",
        "3",
        "--pages",
        "2",
        "--schedule",
        "fault1*5,mf1*3",
        "--svg",
        big.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let big = std::fs::read_to_string(&big).unwrap();
    assert_eq!(big.matches("data-kind=\"lane\"").count(), 9);
    let (code, _, err) = daxlab(&[
        "run",
        "--scenario",
        "null-mapping",
        "--svg",
        "/nonexistent-dir/x.svg",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("/nonexistent-dir/x.svg"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_race_written_as_threads_text_is_explored_and_its_counterexample_replays() {
    let threads = "mf:0,mf:1,fault:0,fault:1,evict,rcu";
    let (code, out, err) = daxlab(&[
        "explore",
        "--threads",
        threads,
        "--pages",
        "2",
        "--variant",
        "v4.19",
        "--kind",
        "use-after-free",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    assert_eq!(r["scenario"], "custom");
    assert_eq!(r["threads"], 6);
    let v = &r["violation"];
    assert_eq!(v["kind"], "use-after-free");
    let url = v["url"].as_str().unwrap();
    assert!(
        url.contains("threads=mf%3A0%2Cmf%3A1%2Cfault%3A0%2Cfault%3A1%2Cevict%2Crcu&pages=2"),
        "{url}"
    );
    let schedule = v["schedule"].as_str().unwrap();
    let (code, out, err) = daxlab(&[
        "run",
        "--threads",
        threads,
        "--pages",
        "2",
        "--variant",
        "v4.19",
        "--schedule",
        schedule,
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["violation"]["kind"], "use-after-free");
}

#[test]
fn a_bare_number_of_threads_keeps_the_scaled_meaning() {
    let explore = |extra: &[&str]| {
        // Unreduced, so the counts are the baseline's full state space.
        let mut args = vec![
            "explore",
            "--variant",
            "fixed",
            "--reduction",
            "none",
            "--json",
        ];
        args.extend_from_slice(extra);
        let (code, out, err) = daxlab(&args);
        assert_eq!(code, 0, "{args:?}: {err}");
        let r = json(&out);
        (
            r["states"].clone(),
            r["transitions"].clone(),
            r["scenario"].clone(),
        )
    };
    let old = explore(&[
        "--scenario",
        "freed-inode",
        "--threads",
        "2",
        "--pages",
        "2",
    ]);
    let new = explore(&["--threads", "2", "--pages", "2"]);
    assert_eq!(old, new);
    assert_eq!(old.2, "freed-inode");
    // The same counts as the behaviour baseline's freed-inode/2x2 under fixed.
    let baseline = include_str!("../../core/tests/baseline.txt");
    let row = baseline
        .lines()
        .find(|l| l.starts_with("freed-inode/2x2\tfixed\t"))
        .expect("baseline row");
    assert!(
        row.contains(&format!("states={}\t", new.0)),
        "{row} vs {new:?}"
    );
}

#[test]
fn bad_threads_text_names_the_item_and_what_is_accepted() {
    for (args, expect) in [
        (
            &["explore", "--threads", "mf,frob:1"][..],
            &["--threads item 2", "\"frob:1\"", "mf[:PFN]", "unbind"][..],
        ),
        (
            &["run", "--threads", "mf:7"],
            &["--threads item 1", "a page from 0 to 1"],
        ),
        (
            &["explore", "--threads", "6"],
            &[
                "--threads",
                "from 1 to 5",
                "at most 12 threads (MAX_THREADS)",
            ],
        ),
        (
            &["run", "--threads", "mf", "--pages", "2:0,0"],
            &["--pages item 2", "already mapped"],
        ),
        (
            &[
                "explore",
                "--scenario",
                "null-mapping",
                "--threads",
                "mf,rcu",
            ],
            &["leave out --scenario null-mapping"],
        ),
        (
            &["random", "--threads", "mf", "--buckets", "7"],
            &["--buckets", "\"7\"", "2, 4, 8"],
        ),
    ] {
        let (code, _, err) = daxlab(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        for x in expect {
            assert!(err.contains(x), "{args:?}: {err:?} lacks {x:?}");
        }
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn explore_reports_its_reduction_and_the_fewest_preemptions() {
    let args = |reduction: &'static str| {
        [
            "explore",
            "--scenario",
            "freed-inode",
            "--threads",
            "2",
            "--pages",
            "1",
            "--variant",
            "fixed",
            "--reduction",
            reduction,
            "--states-full",
            "--json",
        ]
    };
    let (code, out, err) = daxlab(&args("por+symmetry"));
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "no progress line without a terminal: {err}");
    let r = json(&out);
    assert_eq!(r["reduction"], "por+symmetry");
    assert_eq!(r["complete"], true);
    let (states, full) = (
        r["states"].as_u64().unwrap(),
        r["states_full"].as_u64().unwrap(),
    );
    assert!(states < full, "{states} vs {full}");
    assert!(r["bytes_per_state"].as_f64().unwrap() > 0.0);
    let (_, out, _) = daxlab(&args("none"));
    let none = json(&out);
    assert_eq!(none["states"].as_u64(), Some(full));
    assert_eq!(none["states_full"].as_u64(), Some(full));

    // The default is por+symmetry; --preemptions adds a fewest-preemption counterexample.
    let (code, out, _) = daxlab(&[
        "explore",
        "--scenario",
        "lost-wakeup",
        "--variant",
        "exclusive-wait",
        "--preemptions",
        "--json",
    ]);
    assert_eq!(code, 0);
    let r = json(&out);
    assert_eq!(r["reduction"], "por+symmetry");
    let (v, f) = (&r["violation"], &r["fewest_preemptions"]);
    assert_eq!(v["kind"], "lost-wakeup");
    assert_eq!(f["kind"], "lost-wakeup");
    assert!(f["preemptions"].as_u64().unwrap() <= v["preemptions"].as_u64().unwrap());
    let (code, _, err) = daxlab(&[
        "explore",
        "--scenario",
        "lost-wakeup",
        "--reduction",
        "dpor",
    ]);
    assert_ne!(code, 0);
    assert!(
        err.contains("dpor") && err.contains("por+symmetry"),
        "{err}"
    );
}

/// A challenge's par is what `daxlab explore --kind KIND --preemptions` prints for the
/// challenge's scenario, variant and fixes.
#[test]
fn each_challenge_par_is_what_explore_preemptions_prints() {
    use daxlab_core::teach::challenge::CHALLENGES;
    for c in CHALLENGES.iter().filter(|c| !c.unbreakable()) {
        let fixes = format!("--fixes={}", c.fixes);
        let mut args = vec![
            "explore",
            "--scenario",
            c.scenario,
            "--variant",
            c.variant.name(),
            "--kind",
            c.kind.name(),
            "--preemptions",
            "--json",
        ];
        if !c.fixes.is_empty() {
            args.push(&fixes);
        }
        let (code, out, err) = daxlab(&args);
        assert_eq!(code, 0, "{}: {err}", c.name);
        let r = json(&out);
        let f = &r["fewest_preemptions"];
        assert_eq!(f["kind"], c.kind.name(), "{}: {out}", c.name);
        assert_eq!(
            f["preemptions"].as_u64(),
            c.par.map(u64::from),
            "{}: {out}",
            c.name
        );
    }
}

/// Counts in the text reports agree with their nouns: "1 preemption", "6 preemptions".
#[test]
fn text_reports_put_a_count_of_one_in_the_singular() {
    let runs = [
        &[
            "explore",
            "--scenario",
            "self-deadlock",
            "--variant",
            "seed",
            "--preemptions",
        ][..],
        &[
            "random",
            "--scenario",
            "null-mapping",
            "--variant",
            "seed",
            "--runs",
            "1",
        ],
        &[
            "explore",
            "--threads",
            "mf",
            "--pages",
            "1",
            "--max-states",
            "1",
        ],
    ];
    let outs: Vec<String> = runs
        .iter()
        .map(|args| {
            let (code, out, err) = daxlab(args);
            assert_eq!(code, 0, "{args:?}: {err}");
            out
        })
        .collect();
    assert!(outs[0].contains(" 1 preemption):"), "{}", outs[0]);
    // The reduced search's schedule has several (how many depends on the reduction).
    assert!(outs[0].contains(" preemptions):"), "{}", outs[0]);
    assert!(outs[1].starts_with("1 run of null-mapping"), "{}", outs[1]);
    assert!(
        outs[2].contains(", 1 thread, ")
            && outs[2].contains(": 1 distinct state, ")
            && outs[2].contains("stopped at its bound of 1 distinct state (--max-states;"),
        "{}",
        outs[2]
    );
    for out in &outs {
        for wrong in [
            "1 preemptions",
            "1 steps",
            "1 states",
            "1 runs",
            "1 threads",
        ] {
            assert!(!out.contains(&format!(" {wrong}")), "{wrong}: {out}");
            assert!(!out.starts_with(wrong), "{wrong}: {out}");
        }
    }
}
