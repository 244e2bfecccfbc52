//! The scheduler contract: who runs next. Every way of choosing threads — replaying a written
//! schedule, seeded uniform or PCT random runs, a challenge's hint — is a [`Scheduler`], and
//! [`run`] is the one loop that drives a model with one.

use crate::explore::{Config, Search, Serial};
use crate::ids::Tid;
use crate::model::Model;
use crate::violation::{Violation, ViolationKind};
use crate::world::World;
use alloc::vec::Vec;
use rand_pcg::Pcg64Mcg;
use rand_pcg::rand_core::{Rng, SeedableRng};

/// Chooses the next thread.
///
/// Contract: [`Scheduler::next`] is called with the world and `runnable`, a mask with a bit per
/// thread that can step; it returns the thread to step, or `None` to end the run (a random
/// scheduler does when the mask is empty). A scheduler that replays text may name a thread that
/// cannot run: the caller reports that as a schedule error naming the step, never steps it.
pub trait Scheduler {
    /// The thread to step next, or `None` to stop.
    fn next(&mut self, model: &Model, world: &World, runnable: u16) -> Option<Tid>;
}

fn nth_bit(mask: u16, n: usize) -> Tid {
    let mut m = mask;
    for _ in 0..n {
        m &= m - 1;
    }
    Tid(m.trailing_zeros() as u8)
}

/// Replays a written schedule.
pub struct Replay<'a> {
    steps: &'a [Tid],
    pos: usize,
}

impl<'a> Replay<'a> {
    /// A replay of `steps`.
    pub fn new(steps: &'a [Tid]) -> Replay<'a> {
        Replay { steps, pos: 0 }
    }
}

impl Scheduler for Replay<'_> {
    fn next(&mut self, _: &Model, _: &World, _: u16) -> Option<Tid> {
        let t = self.steps.get(self.pos).copied();
        self.pos += 1;
        t
    }
}

/// Uniformly among the runnable threads, from a random source.
pub struct Uniform {
    /// The source of choices.
    pub rng: Pcg64Mcg,
}

impl Uniform {
    /// Choices determined by `seed`.
    pub fn new(seed: u64) -> Uniform {
        Uniform {
            rng: Pcg64Mcg::seed_from_u64(seed),
        }
    }
}

impl Scheduler for Uniform {
    fn next(&mut self, _: &Model, _: &World, runnable: u16) -> Option<Tid> {
        let n = runnable.count_ones() as u64;
        (n > 0).then(|| nth_bit(runnable, (self.rng.next_u64() % n) as usize))
    }
}

/// Probabilistic concurrency testing: random thread priorities, the highest runnable one runs,
/// and at a few random change points the running thread drops to the lowest priority.
pub struct Pct {
    priority: Vec<u32>,
    changes: Vec<usize>,
    step: usize,
}

/// The step range PCT's change points are drawn from.
pub const PCT_HORIZON: u64 = 120;

impl Pct {
    /// A PCT schedule for `threads` threads with `depth - 1` change points, drawn from `rng`.
    pub fn new(rng: &mut Pcg64Mcg, threads: usize, depth: u8) -> Pct {
        let mut priority: Vec<u32> = (0..threads as u32).map(|i| i + 100).collect();
        for i in (1..threads).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            priority.swap(i, j);
        }
        let changes = (1..depth.max(1))
            .map(|_| (rng.next_u64() % PCT_HORIZON) as usize)
            .collect();
        Pct {
            priority,
            changes,
            step: 0,
        }
    }
}

impl Scheduler for Pct {
    fn next(&mut self, _: &Model, _: &World, runnable: u16) -> Option<Tid> {
        let mut best = None;
        let mut m = runnable;
        while m != 0 {
            let t = m.trailing_zeros() as usize;
            m &= m - 1;
            // On a tie the later thread wins.
            if best.is_none_or(|b: usize| self.priority[t] >= self.priority[b]) {
                best = Some(t);
            }
        }
        let t = best?;
        if self.changes.contains(&self.step) {
            self.priority[t] = self.step as u32 % 100;
        }
        self.step += 1;
        Some(Tid(t as u8))
    }
}

/// A challenge's hint: the first step of a shortest schedule from the world on screen to a
/// violation of `target`, found by the explorer.
pub struct ShortestPath {
    /// The violation to reach.
    pub target: ViolationKind,
    /// The explorer's bound on states.
    pub max_states: u64,
}

impl ShortestPath {
    /// A whole shortest schedule from `world` to the target, if one exists within the bound.
    pub fn path(&self, model: &Model, world: &World) -> Option<Vec<Tid>> {
        let config = Config {
            target: Some(self.target),
            max_states: self.max_states,
            ..Config::default()
        };
        Search::from_world(model.clone(), world.clone(), config)
            .finish(&Serial)
            .found
            .map(|f| f.schedule)
    }
}

impl Scheduler for ShortestPath {
    fn next(&mut self, model: &Model, world: &World, _: u16) -> Option<Tid> {
        self.path(model, world)?.first().copied()
    }
}

/// The longest run [`run`] takes before it is cut off (no built-in scenario comes close).
pub const MAX_RUN_STEPS: usize = 10_000;

/// A run driven by a scheduler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// The threads in the order they stepped.
    pub schedule: Vec<Tid>,
    /// The violation it ended in, if any.
    pub violation: Option<Violation>,
    /// The scheduler named a thread that could not run at this (0-based) step.
    pub refused: Option<(usize, Tid)>,
}

/// Drive `model` from `world` with `scheduler`, quietly (no facts), until nothing can run, the
/// scheduler stops, a violation, or [`MAX_RUN_STEPS`].
pub fn run<S: Scheduler>(model: &Model, mut world: World, scheduler: &mut S) -> Run {
    let mut schedule = Vec::new();
    let mut runnable = model.runnable_mask(&world);
    while runnable != 0 && schedule.len() < MAX_RUN_STEPS {
        let Some(t) = scheduler.next(model, &world, runnable) else {
            break;
        };
        match model.step_quiet(&mut world, t) {
            Err(_) => {
                return Run {
                    refused: Some((schedule.len(), t)),
                    schedule,
                    violation: None,
                };
            }
            Ok(event) => {
                schedule.push(t);
                if event.violation.is_some() {
                    return Run {
                        schedule,
                        violation: event.violation,
                        refused: None,
                    };
                }
                runnable = event.runnable;
            }
        }
    }
    Run {
        schedule,
        violation: None,
        refused: None,
    }
}
