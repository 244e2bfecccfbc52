//! The listing is the program: over every reachable state of every scenario, under every
//! variant and wake mode, each step lands on a step line that exists under the code and is shown
//! in that thread's listing, changes the world, and never trips the model itself. Under every
//! combination of the upstream fixes, no state reaches a model error.

use daxlab_core::code::{Code, Fix};
use daxlab_core::{Model, Options, SCENARIOS, Tid, Variant, ViolationKind, WakeMode, World};
use std::collections::HashSet;

/// Breadth-first over every reachable world of `model`, calling `check` on each transition.
fn every_transition(
    model: &Model,
    mut check: impl FnMut(&World, Tid, &World, &daxlab_core::Event),
) -> usize {
    // Fingerprints stand for worlds (the explorer's own test checks they count the same).
    let hasher = daxlab_core::explore::fingerprint_hasher();
    let mut seen: HashSet<u64> = HashSet::new();
    let mut level = vec![model.initial()];
    seen.insert(level[0].fingerprint(&hasher));
    let mut transitions = 0;
    while !level.is_empty() {
        let mut next = Vec::new();
        for w in &level {
            for t in model.runnable(w) {
                let mut after = w.clone();
                let event = model
                    .step_quiet(&mut after, t)
                    .expect("a runnable thread steps");
                transitions += 1;
                check(w, t, &after, &event);
                if event.violation.is_none() && seen.insert(after.fingerprint(&hasher)) {
                    next.push(after);
                }
            }
        }
        level = next;
    }
    transitions
}

#[test]
fn every_step_lands_on_a_present_step_line_of_its_listing_and_changes_the_world() {
    for s in SCENARIOS {
        for v in Variant::ALL {
            for wake in WakeMode::ALL {
                let model = s.model(Options {
                    variant: v,
                    truncate_wake: Some(wake),
                    code: None,
                });
                let code = model.code();
                let what = format!("{} under {v} (wake {})", s.name, wake.name());
                let listings: Vec<_> = model
                    .threads()
                    .iter()
                    .map(|t| t.program.funcs(code))
                    .collect();
                // The initial world already has every thread on a step line.
                for (i, t) in model.initial().threads.iter().enumerate() {
                    let line = t.pc;
                    if !model.threads()[i].program.is_daemon() {
                        assert!(
                            line.info().is_step() && line.present_in(code),
                            "{what}: {line:?}"
                        );
                        assert!(listings[i].contains(&line.func()), "{what}: {line:?}");
                    }
                }
                let n = every_transition(&model, |before, t, after, event| {
                    assert_ne!(
                        before, after,
                        "{what}: {t:?} at {:?} changed nothing",
                        event.line
                    );
                    assert!(
                        event.line.info().is_step(),
                        "{what}: stepped at {:?}",
                        event.line
                    );
                    assert!(
                        event.line.present_in(code),
                        "{what}: {:?} absent",
                        event.line
                    );
                    if let Some(v) = &event.violation {
                        assert_ne!(v.kind, ViolationKind::ModelError, "{what}: {v:?}");
                    }
                    let i = t.0 as usize;
                    let th = after.thread(t);
                    if th.result.is_none() && !model.threads()[i].program.is_daemon() {
                        let line = th.pc;
                        assert!(line.info().is_step(), "{what}: {t:?} rests on {line:?}");
                        assert!(
                            line.present_in(code),
                            "{what}: {t:?} rests on absent {line:?}"
                        );
                        assert!(
                            listings[i].contains(&line.func()),
                            "{what}: {line:?} is not in {}'s listing",
                            model.name(t)
                        );
                    }
                });
                assert!(n > 0, "{what}");
            }
        }
    }
}

#[test]
fn no_combination_of_upstream_fixes_trips_the_model() {
    let fixes = Fix::ALL;
    for bits in 0..1u32 << fixes.len() {
        let mut code = Code::SEED;
        for (i, f) in fixes.iter().enumerate() {
            if bits & (1 << i) != 0 {
                code = code.with(*f);
            }
        }
        for s in SCENARIOS {
            let model = s.model(Options {
                code: Some(code),
                ..Options::new(Variant::Seed)
            });
            every_transition(&model, |_, _, _, event| {
                if let Some(v) = &event.violation {
                    assert_ne!(
                        v.kind,
                        ViolationKind::ModelError,
                        "{} under {code}: {v:?}",
                        s.name
                    );
                }
            });
        }
    }
}

/// The locks the kernel holds: truncate holds the MMAPLOCK exclusive and faults hold it shared,
/// so no interleaving of any scenario has truncate asleep on an entry lock a fault holds, or a
/// fault and truncate inside at once.
#[test]
fn no_truncate_ever_waits_on_an_entry_lock_a_fault_holds() {
    use daxlab_core::Program;
    for s in SCENARIOS {
        for v in Variant::ALL {
            let model = s.model(Options::new(v));
            let is = |t: Tid, f: fn(&Program) -> bool| f(&model.threads()[t.0 as usize].program);
            let fault = |p: &Program| matches!(p, Program::Fault { .. });
            let trunc = |p: &Program| matches!(p, Program::Truncate { .. });
            every_transition(&model, |_, _, after, _| {
                for q in &after.waiters {
                    if !is(q.tid, trunc) {
                        continue;
                    }
                    let mem = after.inode(q.key.mapping);
                    if let Some(e) = mem.lookup(q.key.entry_start)
                        && let Some(holder) = e.locker
                        && e.locked()
                    {
                        assert!(
                            !is(holder, fault),
                            "{} under {v}: truncate waits on {}'s entry lock",
                            s.name,
                            model.name(holder)
                        );
                    }
                }
                for mem in &after.inodes {
                    let m = &mem.mmaplock;
                    let readers_are_faults = (0..model.threads().len() as u8)
                        .map(Tid)
                        .filter(|t| m.readers & (1 << t.0) != 0)
                        .all(|t| is(t, fault));
                    assert!(readers_are_faults, "{} under {v}", s.name);
                    assert!(
                        m.writer.is_none() || m.readers == 0,
                        "{} under {v}: a fault inside while truncate holds the MMAPLOCK",
                        s.name
                    );
                }
            });
        }
    }
}
