//! Seeded random runs: uniform choice among runnable threads, or PCT (random priorities with a
//! few priority change points). The seed fully determines every run; each run is a
//! [`Scheduler`](crate::scheduler::Scheduler) driven by [`scheduler::run`].

use crate::model::Model;
use crate::scheduler::{self, Pct, Run, Uniform};
use rand_pcg::Pcg64Mcg;
use rand_pcg::rand_core::SeedableRng;

pub use crate::scheduler::MAX_RUN_STEPS as MAX_RANDOM_STEPS;

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

/// One random run.
pub type RandomRun = Run;

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

    /// The next run of `model`.
    pub fn run(&mut self, model: &Model) -> RandomRun {
        let threads = model.threads().len();
        match self.strategy {
            Strategy::Uniform => {
                // Draw (and drop) PCT's priorities first, so that a seed gives the same runs as
                // it always has; then every choice comes from the same source.
                let _ = Pct::new(&mut self.rng, threads, 1);
                let mut s = Uniform {
                    rng: self.rng.clone(),
                };
                let run = scheduler::run(model, model.initial(), &mut s);
                self.rng = s.rng;
                run
            }
            Strategy::Pct { depth } => {
                let mut s = Pct::new(&mut self.rng, threads, depth);
                scheduler::run(model, model.initial(), &mut s)
            }
        }
    }
}
