//! The stability table: which guard keeps which field stable for memory failure. A field is
//! stable under a guard iff, over every reachable step of the scenarios, no step by another
//! thread changes the field (as the memory-failure thread T sees it: T's page, T's local
//! `mapping`) while T holds the guard both before and after the step. Each unstable cell keeps
//! the first (shortest, breadth-first) counterexample, which replays.

use super::Verdict;
use super::reach::{self, Transition};
use crate::ids::{Addr, Tid};
use crate::listing::Line;
use crate::model::Model;
use crate::program::Program;
use crate::world::{Entry, World};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The browser-sized bound on states per scenario (the exercise's scenarios need a few
/// thousand).
pub const MAX_STATES: u64 = 200_000;

/// A field memory failure reads and must keep stable while it uses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// `page->mapping` of T's poisoned page.
    PageMapping,
    /// Whether the inode memory T's `mapping` points to is still allocated.
    Allocated,
    /// The entry at `page->index` in the `i_pages` of T's `mapping`.
    Entry,
}

/// A guard T can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Guard {
    /// Inside an RCU read-side section.
    Rcu,
    /// The `i_pages` lock of T's `mapping`.
    IPagesLock,
    /// An entry lock T took.
    EntryLock,
}

impl Field {
    /// Every field, in table order.
    pub const ALL: [Field; 3] = [Field::PageMapping, Field::Allocated, Field::Entry];

    /// The row heading.
    pub fn title(self) -> &'static str {
        match self {
            Field::PageMapping => "page->mapping of the poisoned page (once mf has read it)",
            Field::Allocated => {
                "the inode memory mf's `mapping` points to is allocated (once mf has read it)"
            }
            Field::Entry => "the i_pages entry at page->index (in mf's `mapping`)",
        }
    }

    /// A short name for sentences.
    pub fn short(self) -> &'static str {
        match self {
            Field::PageMapping => "page->mapping",
            Field::Allocated => "the inode memory its `mapping` points to",
            Field::Entry => "the i_pages entry at page->index",
        }
    }
}

impl Guard {
    /// Every guard, in table order.
    pub const ALL: [Guard; 3] = [Guard::Rcu, Guard::IPagesLock, Guard::EntryLock];

    /// The column heading.
    pub fn title(self) -> &'static str {
        match self {
            Guard::Rcu => "RCU read-side section",
            Guard::IPagesLock => "the i_pages lock",
            Guard::EntryLock => "the entry lock",
        }
    }

    /// "T holds …" in a sentence.
    pub fn holding(self) -> &'static str {
        match self {
            Guard::Rcu => "is inside an RCU read-side section",
            Guard::IPagesLock => "holds the i_pages lock",
            Guard::EntryLock => "holds the entry lock",
        }
    }

    /// Whether `t` holds this guard in `w`.
    pub fn held(self, w: &World, t: Tid) -> bool {
        let th = w.thread(t);
        match self {
            Guard::Rcu => th.rcu_nesting > 0,
            Guard::IPagesLock => th
                .locals
                .mapping
                .is_some_and(|a| w.inode(a).xa_lock == Some(t)),
            Guard::EntryLock => w.entry_lock_held_by(t).is_some(),
        }
    }
}

/// A field's value as T sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Value {
    Ptr(Option<Addr>),
    Allocated(bool),
    Entry(Option<Entry>),
    FreedTree,
}

/// The value of `field` for memory-failure thread `t` of `m` in `w`; `None` where the field is
/// not in use: T has no `mapping` yet, or its next step overwrites it (`mapping =
/// READ_ONCE(page->mapping)`), so the old value is dead.
///
/// The second exclusion matters: under the fixed code, mf leaves its read-side section to sleep
/// and takes `rcu_read_lock()` again before re-reading `page->mapping`. In between it holds RCU
/// with the pointer it read before sleeping, and a grace period that began while it slept may
/// free that memory. That is no counterexample: RCU protects only pointers loaded inside the
/// current section, and mf never uses the old one (v4.19 does, which is bug b; see the tests).
fn value(m: &Model, w: &World, t: Tid, field: Field) -> Option<Value> {
    let pfn = m.threads()[t.0 as usize].program.pfn();
    let th = w.thread(t);
    let mapping = th.locals.mapping.filter(|_| th.pc != Line::DlRead);
    let page = w.pages.get(pfn.0 as usize)?;
    Some(match field {
        // Only while mf holds what it read: before its read (and once it re-reads) the
        // field's changes are nothing mf relies on.
        Field::PageMapping => {
            mapping?;
            Value::Ptr(page.mapping)
        }
        Field::Allocated => Value::Allocated(!w.inode(mapping?).is_freed()),
        Field::Entry => {
            let mem = w.inode(mapping?);
            if mem.is_freed() {
                Value::FreedTree
            } else {
                Value::Entry(mem.lookup(page.index).copied())
            }
        }
    })
}

fn words(m: &Model, w: &World, v: Value) -> String {
    match v {
        Value::Ptr(None) => "NULL".into(),
        Value::Ptr(Some(a)) => format!("inode #{}'s mapping", w.inode(a).ino),
        Value::Allocated(true) => "allocated".into(),
        Value::Allocated(false) => "freed".into(),
        Value::FreedTree => "freed memory".into(),
        Value::Entry(None) => "no entry".into(),
        Value::Entry(Some(e)) => {
            let what = if e.is_empty() {
                String::from("an empty placeholder entry")
            } else {
                format!("the entry for pfn {}", e.pfn.0)
            };
            match e.locker.filter(|_| e.locked()) {
                Some(l) => format!("{what}, locked by {}", m.name(l)),
                None => format!("{what}, unlocked"),
            }
        }
    }
}

/// A schedule that changes a field while a thread holds a guard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counterexample {
    /// The scenario.
    pub scenario: &'static str,
    /// The thread holding the guard.
    pub holder: String,
    /// The thread whose step changes the field.
    pub changer: String,
    /// The schedule, up to and including the changing step.
    pub schedule: String,
    /// Steps in it.
    pub steps: usize,
    /// The app query that loads it (`link::replay_query`).
    pub query: String,
    /// The field before the step, in words.
    pub before: String,
    /// The field after the step, in words.
    pub after: String,
}

/// One cell of the table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    /// Steps by another thread while a memory-failure thread held the guard before and after,
    /// with the field in use: the evidence a "stable" answer rests on.
    pub guarded_steps: u64,
    /// The first counterexample found, if the field is not stable under the guard.
    pub counterexample: Option<Counterexample>,
}

/// The table the model computes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// `cells[field][guard]`, in [`Field::ALL`] and [`Guard::ALL`] order.
    pub cells: [[Cell; 3]; 3],
    /// States visited over all scenarios.
    pub states: u64,
    /// Transitions taken over all scenarios.
    pub transitions: u64,
    /// Every scenario was walked to the end.
    pub complete: bool,
}

impl Table {
    /// The cell of `field` under `guard`.
    pub fn cell(&self, field: Field, guard: Guard) -> &Cell {
        &self.cells[field as usize][guard as usize]
    }

    /// Whether `field` is stable under `guard`.
    pub fn stable(&self, field: Field, guard: Guard) -> bool {
        self.cell(field, guard).counterexample.is_none()
    }

    /// The verdict on the student's tick (`ticked`: they say the guard keeps the field stable).
    pub fn check(&self, field: Field, guard: Guard, ticked: bool) -> Verdict {
        let cell = self.cell(field, guard);
        match (&cell.counterexample, ticked) {
            (Some(c), true) => Verdict {
                right: false,
                says: c.sentence(field, guard),
            },
            (Some(_), false) => Verdict {
                right: true,
                says: format!(
                    "Right: {} does not keep {} stable.",
                    guard.title(),
                    field.short()
                ),
            },
            (None, ticked) if cell.guarded_steps == 0 => Verdict {
                right: !ticked,
                says: format!(
                    "No memory-failure thread ever holds {} while it uses {} in these scenarios, so nothing can be concluded: leave it unticked.",
                    guard.title(),
                    field.short()
                ),
            },
            (None, true) => Verdict {
                right: true,
                says: format!(
                    "Right: in {} steps by other threads while mf held {}, none changed {}.",
                    cell.guarded_steps,
                    guard.title(),
                    field.short()
                ),
            },
            (None, false) => Verdict {
                right: false,
                says: format!(
                    "It is stable: in {} steps by other threads while mf held {}, none changed {}.",
                    cell.guarded_steps,
                    guard.title(),
                    field.short()
                ),
            },
        }
    }
}

impl Counterexample {
    /// The sentence naming holder, guard, changer and field.
    pub fn sentence(&self, field: Field, guard: Guard) -> String {
        format!(
            "Not stable: in {}, {} changes {} (as {} sees it) from {} to {} at step {} while {} {} before and after that step.",
            self.scenario,
            self.changer,
            field.short(),
            self.holder,
            self.before,
            self.after,
            self.steps,
            self.holder,
            guard.holding()
        )
    }
}

fn memory_failures(m: &Model) -> Vec<Tid> {
    m.threads()
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s.program, Program::MemoryFailure { .. }))
        .map(|(i, _)| Tid(i as u8))
        .collect()
}

/// Walk every reachable step of each model and fill the table.
pub fn table(models: &[Model]) -> Table {
    let mut cells: [[Cell; 3]; 3] = Default::default();
    let (mut states, mut transitions, mut complete) = (0, 0, true);
    for m in models {
        let holders = memory_failures(m);
        let r = reach::walk(m, MAX_STATES, |reach, t: &Transition| {
            for &holder in holders.iter().filter(|h| **h != t.tid) {
                for field in Field::ALL {
                    let (Some(before), Some(after)) = (
                        value(m, t.before, holder, field),
                        value(m, t.after, holder, field),
                    ) else {
                        continue;
                    };
                    for guard in Guard::ALL {
                        if !(guard.held(t.before, holder) && guard.held(t.after, holder)) {
                            continue;
                        }
                        let cell = &mut cells[field as usize][guard as usize];
                        cell.guarded_steps += 1;
                        if before == after || cell.counterexample.is_some() {
                            continue;
                        }
                        let path = reach.path_through(t);
                        let schedule = crate::schedule::format(&path, m);
                        cell.counterexample = Some(Counterexample {
                            scenario: m.scenario(),
                            holder: m.name(holder).into(),
                            changer: m.name(t.tid).into(),
                            query: crate::link::replay_query(m, &schedule),
                            schedule,
                            steps: path.len(),
                            before: words(m, t.before, before),
                            after: words(m, t.after, after),
                        });
                    }
                }
            }
        });
        states += r.states();
        transitions += r.transitions;
        complete &= r.complete;
    }
    Table {
        cells,
        states,
        transitions,
        complete,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::teach::exercise::{Task, exercise};
    use crate::{Options, Session, Variant, scenario};

    fn exercise_table() -> (Table, Vec<Model>) {
        let e = exercise("stability-table").unwrap();
        let Task::StabilityTable { scenarios } = e.task else {
            panic!()
        };
        let models: Vec<Model> = scenarios
            .iter()
            .map(|s| scenario(s).unwrap().model(Options::new(e.setup.variant)))
            .collect();
        (table(&models), models)
    }

    #[test]
    fn the_table_matches_the_kernels_reasoning() {
        let (t, _) = exercise_table();
        assert!(t.complete);
        let row = |f| Guard::ALL.map(|g| t.stable(f, g));
        // RCU keeps the inode's memory allocated, but page->mapping and the entry can change
        // under it (truncate, eviction). The i_pages lock and the entry lock keep both.
        assert_eq!(row(Field::PageMapping), [false, true, true]);
        assert_eq!(row(Field::Allocated), [true, true, true]);
        assert_eq!(row(Field::Entry), [false, true, true]);
        for f in Field::ALL {
            for g in Guard::ALL {
                assert!(
                    t.cell(f, g).guarded_steps > 0,
                    "{f:?} {g:?} is never exercised"
                );
            }
        }
    }

    #[test]
    fn each_counterexample_replays_to_a_change_under_the_guard() {
        let (t, models) = exercise_table();
        let mut checked = 0;
        for f in Field::ALL {
            for g in Guard::ALL {
                let Some(c) = &t.cell(f, g).counterexample else {
                    continue;
                };
                let m = models.iter().find(|m| m.scenario() == c.scenario).unwrap();
                let mut s = Session::new(m.clone());
                s.run_text(&c.schedule).unwrap();
                assert_eq!(s.len(), c.steps);
                let holder = m.tid(&c.holder).unwrap();
                let last = s.all_events().last().unwrap();
                assert_eq!(m.name(last.tid), c.changer);
                assert_ne!(last.tid, holder);
                let (before, after) = (s.world_at(c.steps - 1), s.world_at(c.steps));
                assert!(
                    g.held(before, holder) && g.held(after, holder),
                    "{f:?} {g:?}"
                );
                let (vb, va) = (value(m, before, holder, f), value(m, after, holder, f));
                assert!(vb.is_some() && va.is_some() && vb != va, "{f:?} {g:?}");
                // "As mf sees it": mf holds the pointer it read (the review found a
                // page->mapping counterexample from before mf's read).
                assert!(
                    before.thread(holder).locals.mapping.is_some(),
                    "{f:?} {g:?}"
                );
                // The link loads the same schedule.
                let (p, e) = crate::link::parse(&c.query, &crate::link::Catalog::default());
                assert!(e.is_empty(), "{e:?}");
                assert_eq!(p.schedule.as_deref(), Some(c.schedule.as_str()));
                assert!(c.sentence(f, g).contains(&c.changer));
                checked += 1;
            }
        }
        assert_eq!(checked, 2);
    }

    #[test]
    fn the_answers_change_with_the_code() {
        // v4.19 sleeps in entry_wait_revalidate() outside RCU, takes rcu_read_lock() again and
        // goes on with the mapping it read before sleeping (bug b): RCU no longer keeps that
        // memory allocated, and the counterexample is the grace period that frees it.
        let m = scenario("freed-inode")
            .unwrap()
            .model(Options::new(Variant::V419));
        let t = table(&[m]);
        let c = t.cell(Field::Allocated, Guard::Rcu).counterexample.clone();
        let c = c.expect("v4.19 frees the inode under a stale pointer");
        assert_eq!((c.changer.as_str(), c.after.as_str()), ("rcu", "freed"));
        assert!(t.stable(Field::Allocated, Guard::EntryLock));
        // Without rcu_read_lock() (a teaching ablation) nobody holds RCU: nothing to conclude.
        let m = scenario("freed-inode")
            .unwrap()
            .model(Options::new(Variant::NoRcu));
        let t = table(&[m]);
        assert_eq!(t.cell(Field::Allocated, Guard::Rcu).guarded_steps, 0);
        assert!(!t.check(Field::Allocated, Guard::Rcu, true).right);
        assert!(t.check(Field::Allocated, Guard::Rcu, false).right);
    }
}
