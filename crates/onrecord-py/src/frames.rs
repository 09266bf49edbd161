//! The tables of `onrecord export`'s Parquet files, for `to_arrow`,
//! `quotes_frame` and `articles_frame`: the same columns and types, the
//! same person keys (built over the records given, as `export` builds
//! them over its inputs).

use onrecord_core::Record;
use onrecord_core::identity::Linker;
use onrecord_export::{Rows, observe};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// Records (JSON, as `extract` writes them) into the four tables, each an
/// Arrow IPC stream: `(articles, quotes, entities, amounts)`.
#[pyfunction]
pub(crate) fn tables_ipc<'py>(
    py: Python<'py>,
    records: Vec<String>,
) -> PyResult<[Bound<'py, PyBytes>; 4]> {
    let streams = py.detach(|| {
        let records: Vec<Record> = records
            .iter()
            .enumerate()
            .map(|(i, line)| {
                serde_json::from_str(line)
                    .map_err(|e| PyValueError::new_err(format!("record {i} is not a record: {e}")))
            })
            .collect::<PyResult<_>>()?;
        let mut linker = Linker::new();
        for r in &records {
            observe(&mut linker, r);
        }
        linker.build();
        let mut rows = Rows::default();
        for r in &records {
            rows.add(&linker, r);
        }
        rows.ipc_streams()
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))
    })?;
    Ok(streams.map(|s| PyBytes::new(py, &s)))
}
