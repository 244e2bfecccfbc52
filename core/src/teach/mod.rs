//! Teaching on top of the model: exercises whose answers the model or the explorer computes,
//! never a hand-written key.

pub mod exercise;
