//! Teaching on top of the model: graded predictions, challenges with preemption budgets and
//! hints, exercises checked by the model or the explorer, and progress codes a teacher can read.
//! Every answer here is computed from the model; nothing holds a hand-written key.

pub mod challenge;
pub mod predict;
pub mod progress;
