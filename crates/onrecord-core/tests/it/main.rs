//! Integration tests of the core pipeline on committed fixtures.
#![allow(clippy::unwrap_used, reason = "tests")]

mod amounts;
mod entities;
mod fixtures;
mod properties;
mod quotes;
