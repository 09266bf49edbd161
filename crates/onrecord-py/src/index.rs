//! `Index`: the embedded quote index `onrecord index` and `serve` use.

use std::path::PathBuf;

use onrecord_core::Record;
use onrecord_index::{QuoteIndex, Search};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;

/// Indexing memory, as `onrecord index` uses it.
const HEAP_BYTES: usize = 128 << 20;

fn index_error(e: onrecord_index::Error) -> PyErr {
    PyOSError::new_err(e.to_string())
}

/// A quote index in a directory (created if missing).
#[pyclass(module = "onrecord._onrecord")]
pub(crate) struct Index {
    index: QuoteIndex,
}

#[pymethods]
impl Index {
    #[new]
    fn new(py: Python<'_>, path: PathBuf) -> PyResult<Index> {
        let index = py
            .detach(|| QuoteIndex::open(&path))
            .map_err(|e| PyOSError::new_err(format!("cannot open `{}`: {e}", path.display())))?;
        Ok(Index { index })
    }

    /// Adds records (JSON, as `extract` writes them) and commits; an
    /// article indexed again replaces itself. Returns the quotes added.
    fn add(&self, py: Python<'_>, records: Vec<String>) -> PyResult<usize> {
        py.detach(|| {
            let records: Vec<Record> = records
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    serde_json::from_str(line).map_err(|e| {
                        PyValueError::new_err(format!("record {i} is not a record: {e}"))
                    })
                })
                .collect::<PyResult<_>>()?;
            let mut writer = self.index.writer(HEAP_BYTES).map_err(index_error)?;
            let mut quotes = 0;
            for r in &records {
                writer.add(r).map_err(index_error)?;
                quotes += r.quotes.len();
            }
            writer.commit().map_err(index_error)?;
            drop(writer);
            self.index.reload().map_err(index_error)?;
            Ok(quotes)
        })
    }

    /// Quotes matching, as JSON: `{"total": n, "quotes": [...]}`.
    #[pyo3(signature = (query=None, *, speaker=None, outlet=None, since=None, until=None, kind=None, limit=20, offset=0))]
    #[expect(clippy::too_many_arguments, reason = "Python keyword arguments")]
    fn search(
        &self,
        py: Python<'_>,
        query: Option<String>,
        speaker: Option<String>,
        outlet: Option<String>,
        since: Option<String>,
        until: Option<String>,
        kind: Option<String>,
        limit: usize,
        offset: usize,
    ) -> PyResult<String> {
        let s = Search {
            query,
            speaker,
            outlet,
            from: since,
            to: until,
            kind,
            limit,
            offset,
            deadline: None,
        };
        let results = py
            .detach(|| self.index.search(&s))
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        serde_json::to_string(&results).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// Speakers by number of quotes, as JSON, those whose name matches
    /// `query` if given.
    #[pyo3(signature = (query=None, *, limit=50))]
    fn speakers(&self, py: Python<'_>, query: Option<String>, limit: usize) -> PyResult<String> {
        let speakers = py
            .detach(|| self.index.speakers(query.as_deref(), limit))
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        serde_json::to_string(&speakers).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// A speaker's quotes per day (`YYYY-MM-DD`, ascending).
    fn timeline(&self, py: Python<'_>, name: String) -> PyResult<Vec<(String, usize)>> {
        py.detach(|| self.index.days(&name))
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// `(articles, quotes)` the index holds.
    fn counts(&self, py: Python<'_>) -> PyResult<(usize, usize)> {
        py.detach(|| self.index.counts()).map_err(index_error)
    }

    /// The whole record of an indexed article, as JSON, or `None`.
    fn article(&self, py: Python<'_>, id: String) -> PyResult<Option<String>> {
        let record = py.detach(|| self.index.article(&id)).map_err(index_error)?;
        record
            .map(|r| serde_json::to_string(&r).map_err(|e| PyValueError::new_err(e.to_string())))
            .transpose()
    }
}
