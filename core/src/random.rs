//! Seeded random runs: uniform choice among runnable threads, or PCT (random priorities with a
//! few priority change points). The seed fully determines every run.

use crate::ids::Tid;
use crate::model::Model;
use crate::violation::Violation;
use alloc::vec::Vec;
use rand_pcg::Pcg64Mcg;
use rand_pcg::rand_core::{Rng, SeedableRng};

/// How a random run picks the next thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Uniformly among the runnable threads.
    Uniform,
    /// Probabilistic concurrency testing with `depth` priority change points.
    Pct {
        /// The bug depth it targets (change points + 1).
        depth: u8,
    },
}

/// The longest random run before it is cut off (no built-in scenario comes close).
pub const MAX_RANDOM_STEPS: usize = 10_000;

/// One random run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RandomRun {
    /// The threads in the order they stepped.
    pub schedule: Vec<Tid>,
    /// The violation it ended in, if any.
    pub violation: Option<Violation>,
}

/// A source of random runs of one model.
pub struct RandomRunner {
    rng: Pcg64Mcg,
    strategy: Strategy,
}

impl RandomRunner {
    /// Runs determined by `seed`.
    pub fn new(seed: u64, strategy: Strategy) -> RandomRunner {
        RandomRunner {
            rng: Pcg64Mcg::seed_from_u64(seed),
            strategy,
        }
    }

    fn below(&mut self, n: usize) -> usize {
        (self.rng.next_u64() % n.max(1) as u64) as usize
    }

    /// The next run of `model`.
    pub fn run(&mut self, model: &Model) -> RandomRun {
        let n = model.threads().len();
        let mut priority: Vec<u32> = (0..n as u32).map(|i| i + 100).collect();
        // Shuffle priorities (Fisher-Yates) and pick change points for PCT.
        for i in (1..n).rev() {
            let j = self.below(i + 1);
            priority.swap(i, j);
        }
        let changes: Vec<usize> = match self.strategy {
            Strategy::Uniform => Vec::new(),
            Strategy::Pct { depth } => (1..depth.max(1)).map(|_| self.below(120)).collect(),
        };
        let mut w = model.initial();
        let mut schedule = Vec::new();
        for step in 0..MAX_RANDOM_STEPS {
            let runnable = model.runnable(&w);
            if runnable.is_empty() {
                break;
            }
            let t = match self.strategy {
                Strategy::Uniform => runnable[self.below(runnable.len())],
                Strategy::Pct { .. } => {
                    let best = runnable
                        .iter()
                        .copied()
                        .max_by_key(|t| priority[t.0 as usize]);
                    let t = best.unwrap_or(runnable[0]);
                    if changes.contains(&step) {
                        priority[t.0 as usize] = step as u32 % 100;
                    }
                    t
                }
            };
            schedule.push(t);
            // Quiet stepping leaves out narration only; violations carry their full message.
            if let Ok(event) = model.step_quiet(&mut w, t)
                && let Some(v) = event.violation
            {
                return RandomRun {
                    schedule,
                    violation: Some(v),
                };
            }
        }
        RandomRun {
            schedule,
            violation: None,
        }
    }
}
