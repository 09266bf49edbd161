//! A structured averaged perceptron (Collins 2002) over hashed features with
//! first-order label transitions and Viterbi decoding.
//!
//! Written here because the crates that do this (`crfs`, `perceptron`) either
//! train nothing in Rust or cannot load a compact, deterministic weight file
//! we build and commit ourselves; training
//! is bit-for-bit reproducible (fixed order, no threads, no randomness beyond
//! a seeded shuffle).
//!
//! `features` builds the ids, `model` holds and reads the weights,
//! `decoding` turns emission scores into labels, `training` learns them.

mod decoding;
mod features;
mod model;
mod training;

pub(crate) use decoding::*;
pub(crate) use features::*;
pub(crate) use model::*;
pub(crate) use training::*;

#[cfg(test)]
mod tests;
