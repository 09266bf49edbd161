//! `onrecord._onrecord`, the native half of the Python package `onrecord`
//! (`python/onrecord/`): the same pipeline, readers, Parquet rows and
//! quote index the CLI runs, with the GIL released while they work.
//!
//! Records cross into Python as the JSON lines `onrecord extract` writes
//! (`serde_json` of the same `Record`), so a record from Python is the
//! CLI's record byte for byte; the Python side turns them into dicts.
//! Input errors are not raised here: each failed item comes back as the
//! CLI's inline error line, and the Python side raises or yields it.

mod extract;
mod frames;
mod index;
mod read;
mod shared;

use pyo3::prelude::*;

#[pymodule]
fn _onrecord(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(extract::extract_json, m)?)?;
    m.add_function(wrap_pyfunction!(extract::extract_many_json, m)?)?;
    m.add_function(wrap_pyfunction!(frames::tables_ipc, m)?)?;
    m.add_class::<read::Reader>()?;
    m.add_class::<index::Index>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
