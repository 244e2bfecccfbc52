//! The behaviour snapshot: for every scenario × variant × truncate-wake mode (and the scaled
//! `freed-inode` at (1,1) (2,2) (2,3) (3,3)), the complete search's verdict, the shortest
//! counterexample, distinct states, transitions and depth. `baseline.txt` was recorded before
//! the core redesign; a change to the engine must leave it identical, and a change that means
//! to alter behaviour rewrites it (`DAXLAB_BLESS=1 cargo test --test baseline`) and says why in
//! its commit.

mod common;

use daxlab_core::scenario::{Scale, scaled};
use daxlab_core::{Model, Options, SCENARIOS, Variant, WakeMode};

fn row(label: &str, model: &Model) -> String {
    // Pinned: the baseline is the complete, unreduced search (shortest schedules, every state).
    let r = common::unreduced(model);
    format!(
        "{label}\tstates={}\ttransitions={}\tdepth={}\t{}",
        r.states, r.transitions, r.depth, r.verdict
    )
}

fn table() -> Vec<String> {
    let mut rows = Vec::new();
    for s in SCENARIOS {
        for v in Variant::ALL {
            for wake in WakeMode::ALL {
                let model = s.model(Options {
                    variant: v,
                    truncate_wake: Some(wake),
                    code: None,
                });
                rows.push(row(&format!("{}\t{v}\t{}", s.name, wake.name()), &model));
            }
        }
    }
    let scales = [(1, 1), (2, 2), (2, 3), (3, 3)];
    for (threads, pages) in scales {
        for v in Variant::ALL {
            // The largest size is checked under `fixed` only (7.4 M states, tens of seconds).
            if (threads, pages) == (3, 3) && v != Variant::Fixed {
                continue;
            }
            let model = scaled(Scale { threads, pages }, Options::new(v)).expect("fits");
            rows.push(row(
                &format!("freed-inode/{threads}x{pages}\t{v}\tdefault"),
                &model,
            ));
        }
    }
    rows
}

#[test]
fn every_search_result_matches_the_recorded_baseline() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/baseline.txt");
    let now = table().join("\n") + "\n";
    if std::env::var_os("DAXLAB_BLESS").is_some() {
        std::fs::write(path, &now).expect("write baseline");
        return;
    }
    let recorded = std::fs::read_to_string(path).expect("baseline.txt is recorded");
    let (a, b): (Vec<&str>, Vec<&str>) = (recorded.lines().collect(), now.lines().collect());
    assert_eq!(a.len(), b.len(), "the table has another number of rows");
    let diffs: Vec<String> = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x != y)
        .map(|(x, y)| format!("- {x}\n+ {y}"))
        .collect();
    assert!(
        diffs.is_empty(),
        "{} rows differ:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}
