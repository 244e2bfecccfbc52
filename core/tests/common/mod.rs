//! Set-up shared by the integration tests that compare complete searches.

use daxlab_core::explore::{Config, Reduction, explore};
use daxlab_core::{Model, schedule};

/// What a complete, unreduced search of a model found, as the comparisons print it.
pub struct Row {
    pub states: u64,
    pub transitions: u64,
    pub depth: u32,
    /// `KIND LEN SCHEDULE`, `clean`, or `incomplete BOUND`.
    pub verdict: String,
}

/// The complete search without reduction (shortest schedules, every state): what the
/// behaviour baseline pins.
pub fn unreduced(model: &Model) -> Row {
    let r = explore(
        model,
        Config {
            reduction: Reduction::None,
            ..Config::default()
        },
    );
    let verdict = match &r.found {
        Some(f) => format!(
            "{} {} {}",
            f.violation.kind,
            f.schedule.len(),
            schedule::format(&f.schedule, model)
        ),
        None if r.complete => "clean".to_string(),
        None => format!("incomplete {:?}", r.bound),
    };
    Row {
        states: r.states,
        transitions: r.transitions,
        depth: r.depth,
        verdict,
    }
}
