//! Graded predictions: a lesson asks a question about the state on screen, and the answer comes
//! from the model — by stepping a copy of the world, reading it, or searching — never from a
//! key written by hand. A lesson writes the question as a fenced ```` ```predict ```` block:
//!
//! ```text
//! kind: wake-who
//! thread: trunc
//! ```
//!
//! Kinds: `wake-who` (whom does THREAD's next step wake?), `gp-waits` (which tasks must the
//! grace period wait for?), `can-free` (if the rcu thread runs next, does it free an inode?),
//! `mapping-after` (what does `page->mapping` hold after THREAD's next step?) and `reachable`
//! (under this code, with `fixes:` applied, can any schedule reach `violation:`?).

use crate::explore::{Config, Search, Serial};
use crate::facts::{Event, Fact};
use crate::ids::{Addr, Pfn, Tid};
use crate::model::{Model, Options, Status};
use crate::program::Program;
use crate::violation::ViolationKind;
use crate::world::{Life, World};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// The most states a `reachable` question's search visits (the built-in scenarios need far
/// fewer; a bigger one is a lesson-writing error, reported as such).
pub const REACHABLE_MAX_STATES: u64 = 3_000_000;

/// What a lesson asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ask {
    /// Which tasks does `thread`'s next step wake?
    WakeWho {
        /// The waker.
        thread: String,
    },
    /// Which tasks must the grace period (in progress, or starting at the rcu thread's next
    /// step) wait for?
    GpWaits,
    /// If the rcu thread runs next, does it free inode memory?
    CanFree,
    /// What does `page->mapping` hold after `thread`'s next step?
    MappingAfter {
        /// The thread that steps.
        thread: String,
        /// The page asked about; `None`: the poisoned page (the first memory failure's), or the
        /// thread's own page.
        pfn: Option<u8>,
    },
    /// Under the code on screen with `fixes` applied, can any schedule reach `violation`?
    Reachable {
        /// The violation asked about.
        violation: ViolationKind,
        /// `fixes=` text applied to the code on screen.
        fixes: String,
    },
}

/// Every kind a `predict` block may name.
pub const KINDS: [&str; 5] = [
    "wake-who",
    "gp-waits",
    "can-free",
    "mapping-after",
    "reachable",
];

impl Ask {
    /// Read a `predict` block: `key: value` lines (`kind`, `thread`, `violation`, `fixes`,
    /// `pfn`). Errors name the bad line and what is accepted.
    pub fn parse(block: &str) -> Result<Ask, String> {
        let mut kind = None;
        let mut thread = None;
        let mut violation = None;
        let mut fixes = String::new();
        let mut pfn = None;
        for line in block.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let Some((key, value)) = line.split_once(':') else {
                return Err(format!(
                    "predict line {line:?} is not \"key: value\"; keys: kind, thread, violation, fixes, pfn"
                ));
            };
            let value = value.trim();
            match key.trim() {
                "kind" => kind = Some(value.to_string()),
                "thread" => thread = Some(value.to_string()),
                "violation" => {
                    violation = Some(value.parse::<ViolationKind>().map_err(|_| {
                        format!(
                            "predict violation {value:?} is not a violation kind; accepted: {}",
                            ViolationKind::ALL.map(|k| k.name()).join(", ")
                        )
                    })?)
                }
                "fixes" => fixes = value.to_string(),
                "pfn" => {
                    pfn = Some(value.parse::<u8>().map_err(|_| {
                        format!("predict pfn {value:?} is not a page number (0 to 255)")
                    })?)
                }
                other => {
                    return Err(format!(
                        "predict key {other:?} is unknown; keys: kind, thread, violation, fixes, pfn"
                    ));
                }
            }
        }
        let need_thread = |k: &str| {
            thread
                .clone()
                .ok_or_else(|| format!("a {k} prediction needs \"thread: NAME\""))
        };
        match kind.as_deref() {
            Some("wake-who") => Ok(Ask::WakeWho {
                thread: need_thread("wake-who")?,
            }),
            Some("gp-waits") => Ok(Ask::GpWaits),
            Some("can-free") => Ok(Ask::CanFree),
            Some("mapping-after") => Ok(Ask::MappingAfter {
                thread: need_thread("mapping-after")?,
                pfn,
            }),
            Some("reachable") => Ok(Ask::Reachable {
                violation: violation
                    .ok_or("a reachable prediction needs \"violation: KIND\"".to_string())?,
                fixes,
            }),
            Some(other) => Err(format!(
                "predict kind {other:?} is unknown; accepted: {}",
                KINDS.join(", ")
            )),
            None => Err(format!(
                "a predict block needs \"kind: KIND\"; accepted: {}",
                KINDS.join(", ")
            )),
        }
    }

    /// The kind's stable name.
    pub fn kind(&self) -> &'static str {
        match self {
            Ask::WakeWho { .. } => KINDS[0],
            Ask::GpWaits => KINDS[1],
            Ask::CanFree => KINDS[2],
            Ask::MappingAfter { .. } => KINDS[3],
            Ask::Reachable { .. } => KINDS[4],
        }
    }
}

/// How the app shows why an answer is right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Show {
    /// Step this thread: the timeline and object graph then show what the step did.
    Step(Tid),
    /// Load this run (an app query): the explorer's counterexample.
    Replay(String),
    /// Nothing to load: the explanation is the search itself.
    Nothing,
}

/// A question posed at one state, with its choices and the model's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The question, as the student reads it.
    pub prompt: String,
    /// The choices, in a fixed order.
    pub choices: Vec<String>,
    /// The index of the right choice.
    pub answer: usize,
    /// Why the answer is right, from the model (the step's narration, the search's result).
    pub why: String,
    /// How to show it.
    pub show: Show,
}

impl Question {
    /// Whether `choice` is the right answer.
    pub fn grade(&self, choice: usize) -> bool {
        choice == self.answer
    }
}

fn tid_of(model: &Model, name: &str) -> Result<Tid, String> {
    model.tid(name).ok_or_else(|| {
        format!(
            "there is no thread {name:?} in scenario {}; threads: {}",
            model.scenario(),
            crate::scenario::thread_names(model).join(", ")
        )
    })
}

/// A line's code without its closing semicolon, to sit inside a sentence.
fn code(line: crate::listing::Line) -> &'static str {
    line.text().trim_end_matches(" {").trim_end_matches(';')
}

/// `tid`'s next step on a copy of `world`, with its facts.
fn next_step(model: &Model, world: &World, tid: Tid) -> Result<(World, Event), String> {
    let mut w = world.clone();
    match model.step(&mut w, tid) {
        Ok(e) => Ok((w, e)),
        Err(e) => Err(format!(
            "{} cannot run at this step: {}",
            model.name(tid),
            crate::words::status(model, world, e.tid)
        )),
    }
}

fn rcu_thread(model: &Model) -> Result<Tid, String> {
    model
        .threads()
        .iter()
        .position(|t| t.program.is_daemon())
        .map(|i| Tid(i as u8))
        .ok_or_else(|| format!("scenario {} has no rcu thread", model.scenario()))
}

/// Thread names of `mask` in thread order: "nobody", "mf", "mf and wb", "mf, wb and trunc".
pub fn tasks(model: &Model, mask: u16) -> String {
    let names: Vec<&str> = (0..model.threads().len())
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| model.name(Tid(i as u8)))
        .collect();
    match names.as_slice() {
        [] => "nobody".into(),
        [one] => (*one).into(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Choices that are sets of tasks: the right set and the distractors, each once, smallest
/// first (ties by their words), so the right answer's place depends on the state, not on a key.
fn set_choices(model: &Model, right: u16, distractors: &[u16]) -> (Vec<String>, usize) {
    let mut sets: Vec<u16> = Vec::new();
    for &s in core::iter::once(&right).chain(distractors) {
        if !sets.contains(&s) {
            sets.push(s);
        }
    }
    sets.sort_by_key(|&s| (s.count_ones(), tasks(model, s)));
    let answer = sets.iter().position(|&s| s == right).unwrap_or(0);
    (sets.iter().map(|&s| tasks(model, s)).collect(), answer)
}

fn mask_of(tids: impl IntoIterator<Item = Tid>) -> u16 {
    tids.into_iter().fold(0, |m, t| m | 1 << t.0)
}

/// Pose `ask` at `world` (the state on screen) of `model`. An error is a lesson-writing mistake
/// (the question does not fit the state), named so the author can fix it.
pub fn pose(ask: &Ask, model: &Model, world: &World) -> Result<Question, String> {
    let q = match ask {
        Ask::WakeWho { thread } => wake_who(model, world, tid_of(model, thread)?),
        Ask::GpWaits => gp_waits(model, world),
        Ask::CanFree => can_free(model, world),
        Ask::MappingAfter { thread, pfn } => {
            mapping_after(model, world, tid_of(model, thread)?, *pfn)
        }
        Ask::Reachable { violation, fixes } => reachable(model, *violation, fixes),
    }?;
    if q.choices.len() < 2 {
        return Err(format!(
            "at this state the {} question has only one possible answer ({}): ask it where the student has a choice",
            ask.kind(),
            q.choices.join("")
        ));
    }
    Ok(q)
}

fn wake_who(model: &Model, world: &World, tid: Tid) -> Result<Question, String> {
    let (_, event) = next_step(model, world, tid)?;
    let who = model.name(tid);
    let Some((bucket, ino, index, woken)) = event.facts.iter().find_map(|f| match f {
        Fact::Wake {
            bucket,
            ino,
            index,
            woken,
            ..
        } => Some((*bucket, *ino, *index, woken.clone())),
        _ => None,
    }) else {
        return Err(format!(
            "{who}'s next step ({}) wakes nobody: a wake-who question needs a wake-up next",
            event.line.text()
        ));
    };
    let queue: Vec<_> = world.bucket(bucket).copied().collect();
    let matches = |w: &crate::world::Waiter| {
        world.inode(w.key.mapping).ino == ino && w.key.entry_start == index
    };
    let right = mask_of(woken.iter().map(|(t, _)| *t));
    let all = mask_of(queue.iter().map(|w| w.tid));
    let keyed = mask_of(queue.iter().filter(|w| matches(w)).map(|w| w.tid));
    let first = mask_of(queue.first().map(|w| w.tid));
    let first_keyed = mask_of(queue.iter().find(|w| matches(w)).map(|w| w.tid));
    let others = mask_of(
        (0..model.threads().len())
            .filter(|&i| i != tid.0 as usize && world.threads[i].result.is_none())
            .filter(|&i| !model.threads()[i].program.is_daemon())
            .map(|i| Tid(i as u8)),
    );
    let (choices, answer) = set_choices(model, right, &[all, keyed, first, first_keyed, 0, others]);
    let mut why = crate::words::narration(model, &event);
    if queue.is_empty() {
        why.push_str(" The bucket was empty.");
    }
    Ok(Question {
        prompt: format!("Next, {who} runs {}. Whom does it wake?", code(event.line)),
        choices,
        answer,
        why,
        show: Show::Step(tid),
    })
}

fn gp_waits(model: &Model, world: &World) -> Result<Question, String> {
    let rcu = rcu_thread(model)?;
    let live =
        |i: usize| world.threads[i].result.is_none() && !model.threads()[i].program.is_daemon();
    let readers = mask_of(
        (0..model.threads().len())
            .filter(|&i| live(i) && world.threads[i].rcu_nesting > 0)
            .map(|i| Tid(i as u8)),
    );
    // Every task but the daemon, finished or not: "it waits for whoever used the inode" is the
    // misconception this choice stands for.
    let everyone = mask_of(
        (0..model.threads().len())
            .filter(|&i| !model.threads()[i].program.is_daemon())
            .map(|i| Tid(i as u8)),
    );
    let lockers = mask_of(
        (0..model.threads().len())
            .filter(|&i| live(i) && holds_a_lock(world, Tid(i as u8)))
            .map(|i| Tid(i as u8)),
    );
    let (prompt, right, why, show) = match world.rcu.current {
        Some(gp) => (
            format!(
                "Grace period {} is in progress. Which tasks does it still wait for?",
                gp.number
            ),
            gp.waiting_for,
            format!(
                "A grace period waits only for the read-side sections that were open when it started and have not ended: {} {}. Sections entered after it started do not hold it up{}.",
                tasks(model, gp.waiting_for),
                if gp.waiting_for.count_ones() == 1 {
                    "is still inside one"
                } else {
                    "are still inside theirs"
                },
                match readers & !gp.waiting_for {
                    0 => String::new(),
                    later => format!(" ({} entered later)", tasks(model, later)),
                }
            ),
            Show::Nothing,
        ),
        None if model.current_line(world, rcu) == crate::listing::Line::RuStart
            && model.is_runnable(world, rcu) =>
        {
            (
                format!(
                    "{}'s next step starts a grace period. Which tasks will it wait for?",
                    model.name(rcu)
                ),
                readers,
                format!(
                    "It waits for every task inside an RCU read-side section when it starts — {} — and for nobody else: locks do not hold a grace period up, read-side sections do.",
                    tasks(model, readers)
                ),
                Show::Step(rcu),
            )
        }
        None => {
            return Err(
                "no grace period is in progress and the rcu thread does not start one next: a gp-waits question needs one"
                    .into(),
            );
        }
    };
    let (choices, answer) = set_choices(model, right, &[readers, everyone, lockers | right, 0]);
    Ok(Question {
        prompt,
        choices,
        answer,
        why,
        show,
    })
}

/// Whether `tid` holds an `i_pages` lock or an entry lock.
fn holds_a_lock(world: &World, tid: Tid) -> bool {
    world.thread(tid).holds_spinlock()
        || world.inodes.iter().any(|i| {
            i.entries
                .iter()
                .any(|e| e.locked() && e.locker == Some(tid))
        })
}

fn can_free(model: &Model, world: &World) -> Result<Question, String> {
    let rcu = rcu_thread(model)?;
    let name = model.name(rcu);
    let choices = alloc::vec![
        "Yes: it frees inode memory now".to_string(),
        "No, not at this step".to_string()
    ];
    let prompt = format!("If {name} runs next, does it free an inode's memory?");
    if !model.is_runnable(world, rcu) {
        let status = model.status(world, rcu);
        let why = match status {
            Status::WaitingForReaders { gp, readers } => format!(
                "No: {name} cannot even run. Grace period {gp} waits for {} to leave the read-side section that was open when it started, and the memory is freed only after it ends.",
                tasks(model, readers)
            ),
            _ => format!(
                "No: {name} cannot run now — {}.",
                crate::words::status(model, world, rcu)
            ),
        };
        return Ok(Question {
            prompt,
            choices,
            answer: 1,
            why,
            show: Show::Nothing,
        });
    }
    let (_, event) = next_step(model, world, rcu)?;
    let freed = event.facts.iter().any(|f| matches!(f, Fact::Freed { .. }));
    let mut why = String::from(if freed { "Yes. " } else { "No. " });
    why.push_str(&crate::words::narration(model, &event));
    Ok(Question {
        prompt,
        choices,
        answer: if freed { 0 } else { 1 },
        why,
        show: Show::Step(rcu),
    })
}

/// What a `page->mapping` value is, in a student's words, in `world`.
pub fn mapping_words(world: &World, value: Option<Addr>) -> String {
    let Some(a) = value else {
        return "NULL".into();
    };
    let i = world.inode(a);
    match (i.life, i.previous_ino) {
        (Life::Freed { .. }, _) => format!("freed memory that held inode #{}", i.ino),
        (_, Some(old)) => format!(
            "inode #{}'s mapping (memory that held inode #{old} before it was reused)",
            i.ino
        ),
        _ => format!("inode #{}'s mapping", i.ino),
    }
}

fn the_page(model: &Model, tid: Tid, pfn: Option<u8>) -> Pfn {
    if let Some(p) = pfn {
        return Pfn(p);
    }
    let first_mf = model.threads().iter().find_map(|t| match t.program {
        Program::MemoryFailure { pfn } => Some(pfn),
        _ => None,
    });
    first_mf.unwrap_or(model.threads()[tid.0 as usize].program.pfn())
}

fn mapping_after(
    model: &Model,
    world: &World,
    tid: Tid,
    pfn: Option<u8>,
) -> Result<Question, String> {
    let page = the_page(model, tid, pfn);
    if page.0 as usize >= world.pages.len() {
        return Err(format!(
            "pfn {} is not a page of this scenario's device (it has {})",
            page.0,
            world.pages.len()
        ));
    }
    let (after, event) = next_step(model, world, tid)?;
    let value = after.pages.get(page.0 as usize).and_then(|p| p.mapping);
    // Every value page->mapping could hold: NULL and each piece of inode memory, in the words
    // of the world after the step.
    let values: Vec<Option<Addr>> = core::iter::once(None)
        .chain((0..after.inodes.len()).map(|a| Some(Addr(a as u8))))
        .collect();
    let choices: Vec<String> = values.iter().map(|v| mapping_words(&after, *v)).collect();
    let answer = values.iter().position(|v| *v == value).unwrap_or(0);
    let before = world.pages[page.0 as usize].mapping;
    let mut why = format!(
        "After the step page->mapping of {page} is {}{}. ",
        mapping_words(&after, value),
        if before == value { ", unchanged" } else { "" }
    );
    why.push_str(&crate::words::narration(model, &event));
    Ok(Question {
        prompt: format!(
            "Next, {} runs {}. What does page->mapping of {page} hold after it?",
            model.name(tid),
            code(event.line)
        ),
        choices,
        answer,
        why,
        show: Show::Step(tid),
    })
}

fn reachable(model: &Model, violation: ViolationKind, fixes: &str) -> Result<Question, String> {
    let code = model
        .code()
        .with_fixes(fixes)
        .map_err(|e| format!("predict fixes {fixes:?}: {e}"))?;
    let scenario = crate::scenario::scenario(model.scenario())
        .ok_or_else(|| format!("{} is not a built-in scenario", model.scenario()))?;
    let m = scenario.model(Options {
        variant: model.variant(),
        code: Some(code),
        truncate_wake: None,
    });
    let config = Config {
        target: Some(violation),
        max_states: REACHABLE_MAX_STATES,
        ..Config::default()
    };
    let result = Search::new(m.clone(), config).finish(&Serial);
    let changes = code.fixes_from(model.code());
    let added: Vec<&str> = changes
        .split(',')
        .filter(|f| !f.is_empty() && !f.starts_with('-'))
        .collect();
    let removed: Vec<&str> = changes
        .split(',')
        .filter_map(|f| f.strip_prefix('-'))
        .collect();
    let mut under = "the code on screen".to_string();
    if !added.is_empty() {
        under.push_str(&format!(" plus {}", added.join(" and ")));
    }
    if !removed.is_empty() {
        under.push_str(&format!(
            "{} without {}",
            if added.is_empty() { "" } else { "," },
            removed.join(" and ")
        ));
    }
    let prompt = format!(
        "Under {under}, can any schedule of scenario {} reach {}?",
        model.scenario(),
        violation.name()
    );
    let choices = alloc::vec![
        "Yes: some schedule reaches it".to_string(),
        "No: no schedule can".to_string()
    ];
    match (result.found, result.complete) {
        (Some(found), _) => {
            let text = crate::schedule::format(&found.schedule, &m);
            Ok(Question {
                prompt,
                choices,
                answer: 0,
                why: format!(
                    "Yes. The explorer found a schedule of {} steps that reaches {} (searching {} states); load it to watch it happen.",
                    found.schedule.len(),
                    violation.name(),
                    result.states
                ),
                show: Show::Replay(crate::link::replay_query(&m, &text)),
            })
        }
        (None, true) => Ok(Question {
            prompt,
            choices,
            answer: 1,
            why: format!(
                "No. The explorer visited every one of the {} reachable states of this scenario under {under}: none reaches {}.",
                result.states,
                violation.name()
            ),
            show: Show::Nothing,
        }),
        (None, false) => Err(format!(
            "the search for {} stopped at {} states before it was complete: too big for a prediction",
            violation.name(),
            result.states
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;
    use crate::variant::Variant;

    fn at(scenario: &str, variant: Variant, schedule: &str) -> Session {
        let m = crate::scenario(scenario)
            .unwrap()
            .model(Options::new(variant));
        let mut s = Session::new(m);
        s.run_text(schedule).unwrap();
        s
    }

    #[test]
    fn blocks_parse_and_bad_ones_name_what_is_accepted() {
        assert_eq!(
            Ask::parse("kind: wake-who\nthread: trunc\n"),
            Ok(Ask::WakeWho {
                thread: "trunc".into()
            })
        );
        assert_eq!(
            Ask::parse("kind: reachable\nviolation: lost-wakeup\nfixes: 237388320def"),
            Ok(Ask::Reachable {
                violation: ViolationKind::LostWakeup,
                fixes: "237388320def".into()
            })
        );
        let e = Ask::parse("kind: guess").unwrap_err();
        assert!(e.contains("\"guess\"") && e.contains("gp-waits"), "{e}");
        let e = Ask::parse("kind: wake-who").unwrap_err();
        assert!(e.contains("thread"), "{e}");
        let e = Ask::parse("kind: reachable\nviolation: oops").unwrap_err();
        assert!(
            e.contains("\"oops\"") && e.contains("use-after-free"),
            "{e}"
        );
        assert!(Ask::parse("nonsense").is_err());
    }

    #[test]
    fn a_question_that_does_not_fit_the_state_is_an_error_naming_why() {
        let s = at("null-mapping", Variant::Seed, "");
        let m = s.model();
        let e = pose(
            &Ask::WakeWho {
                thread: "mf".into(),
            },
            m,
            s.world(),
        )
        .unwrap_err();
        assert!(e.contains("wakes nobody"), "{e}");
        let e = pose(
            &Ask::WakeWho {
                thread: "zz".into(),
            },
            m,
            s.world(),
        )
        .unwrap_err();
        assert!(e.contains("\"zz\"") && e.contains("trunc"), "{e}");
        assert!(pose(&Ask::GpWaits, m, s.world()).is_err());
    }

    /// The answer follows the state: grading the same question at two states gives two
    /// different right choices, each what stepping the model shows.
    #[test]
    fn mapping_after_is_read_from_the_world_after_the_step() {
        let m = crate::scenario("null-mapping")
            .unwrap()
            .model(Options::new(Variant::Seed));
        let mut s = Session::new(m.clone());
        let ask = Ask::MappingAfter {
            thread: "trunc".into(),
            pfn: None,
        };
        // Step truncate until its next step clears page->mapping, asking each time.
        let trunc = m.tid("trunc").unwrap();
        let mut saw = Vec::new();
        while m.is_runnable(s.world(), trunc) {
            let q = pose(&ask, &m, s.world()).unwrap();
            saw.push(q.choices[q.answer].clone());
            let mut w = s.world().clone();
            m.step(&mut w, trunc).unwrap();
            let pfn = the_page(&m, trunc, None);
            assert_eq!(q.choices[q.answer], mapping_words(&w, w.page(pfn).mapping));
            s.step(trunc).unwrap();
        }
        assert!(saw.contains(&"NULL".to_string()), "{saw:?}");
        assert!(saw.iter().any(|c| c.starts_with("inode #")), "{saw:?}");
    }

    #[test]
    fn reachable_is_decided_by_the_explorer_both_ways() {
        let s = at("null-mapping", Variant::Seed, "");
        let m = s.model();
        let yes = pose(
            &Ask::Reachable {
                violation: ViolationKind::NullDeref,
                fixes: String::new(),
            },
            m,
            s.world(),
        )
        .unwrap();
        assert_eq!(yes.answer, 0);
        let Show::Replay(q) = &yes.show else {
            panic!("{yes:?}")
        };
        assert!(q.contains("scenario=null-mapping"), "{q}");
        let no = pose(
            &Ask::Reachable {
                violation: ViolationKind::NullDeref,
                fixes: "c93db7bb6ef3".into(),
            },
            m,
            s.world(),
        )
        .unwrap();
        assert_eq!(no.answer, 1, "{no:?}");
        assert!(no.prompt.contains("c93db7bb6ef3"), "{}", no.prompt);
        assert!(no.why.contains("states"), "{}", no.why);
    }
}
