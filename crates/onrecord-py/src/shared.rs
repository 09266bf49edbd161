//! What every call shares: one pipeline per setting, one worker pool per
//! thread count, and the shape of an outcome.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use onrecord_core::{Pipeline, Record, SourceRef};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// The pipeline settings a call may choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Settings {
    pub(crate) quotes: bool,
    pub(crate) entities: bool,
    pub(crate) raw_text: bool,
    pub(crate) max_record_bytes: usize,
}

/// A pipeline per settings, built once: building loads the models.
pub(crate) fn pipeline(s: Settings) -> Arc<Pipeline> {
    static PIPELINES: OnceLock<Mutex<HashMap<Settings, Arc<Pipeline>>>> = OnceLock::new();
    let map = PIPELINES.get_or_init(Default::default);
    let mut map = map
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    map.entry(s)
        .or_insert_with(|| {
            Arc::new(
                Pipeline::builder()
                    .quotes(s.quotes)
                    .entities(s.entities)
                    .raw_text(s.raw_text)
                    .max_input_bytes(s.max_record_bytes)
                    .build(),
            )
        })
        .clone()
}

/// A worker pool per thread count (0: one per core), started once.
pub(crate) fn pool(threads: Option<usize>) -> PyResult<Arc<rayon::ThreadPool>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let n = threads.unwrap_or(0);
    if n > 1024 {
        return Err(PyRuntimeError::new_err("threads must be at most 1024"));
    }
    let map = POOLS.get_or_init(Default::default);
    let mut map = map
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(p) = map.get(&n) {
        return Ok(p.clone());
    }
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| PyRuntimeError::new_err(format!("cannot start worker threads: {e}")))?,
    );
    map.insert(n, p.clone());
    Ok(p)
}

/// An error line, its fields in the order `onrecord extract
/// --inline-errors` writes them.
#[derive(serde::Serialize)]
struct ErrorLine<'a> {
    error: &'a str,
    path: &'a str,
    index: u64,
    offset: u64,
}

/// What one input item became, as it crosses into Python.
pub(crate) enum Outcome {
    /// The record as `onrecord extract` writes it (one JSON line, no
    /// newline).
    Record(String),
    /// Not an article (a WARC request record): counted, not yielded.
    Skipped,
    /// The error line `onrecord extract --inline-errors` writes.
    Failed(String),
}

impl Outcome {
    /// The record of a processed document, or its error line.
    pub(crate) fn of(result: Result<Record, String>, source: &SourceRef) -> Outcome {
        match result.and_then(|r| serde_json::to_string(&r).map_err(|e| e.to_string())) {
            Ok(line) => Outcome::Record(line),
            Err(e) => Outcome::failed(&e, source),
        }
    }

    /// An error line naming the input, record and byte offset.
    pub(crate) fn failed(message: &str, source: &SourceRef) -> Outcome {
        let line = ErrorLine {
            error: message,
            path: &source.path,
            index: source.index,
            offset: source.offset,
        };
        // Strings and numbers: serialising cannot fail.
        Outcome::Failed(serde_json::to_string(&line).unwrap_or_default())
    }

    /// `(True, record)` or `(False, error line)`; `None` for a skipped
    /// item.
    pub(crate) fn into_py(self) -> Option<(bool, String)> {
        match self {
            Outcome::Record(s) => Some((true, s)),
            Outcome::Failed(s) => Some((false, s)),
            Outcome::Skipped => None,
        }
    }
}
