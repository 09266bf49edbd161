//! `read`: files, directories, WARC, JSONL, plain or compressed, read as
//! `onrecord extract` reads them, a batch at a time.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use onrecord_core::{Pipeline, SourceRef};
use onrecord_ingest::{FieldNames, Format, Item, Options};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rayon::prelude::*;

use crate::shared::{Outcome, Settings, pipeline, pool};

/// Items read and processed per batch: enough to keep every core busy,
/// few enough that memory holds a batch, not the input.
const BATCH_ITEMS: usize = 256;
/// Bytes of documents per batch at most.
const BATCH_BYTES: usize = 32 << 20;

/// A running read over inputs: `next_batch` until it returns `None`,
/// and the counts of what was read so far (read = written + skipped +
/// failed, as `onrecord extract` reports them).
#[pyclass(module = "onrecord._onrecord")]
pub(crate) struct Reader {
    /// `None` once every input has been read. (A mutex only to be `Sync`,
    /// as a Python object must be: `next_batch` holds `&mut self`.)
    reader: Mutex<Option<onrecord_ingest::Reader>>,
    /// Errors of the walk over directories, handed out first.
    walk_errors: Vec<onrecord_ingest::Error>,
    pipeline: Arc<Pipeline>,
    pool: Arc<rayon::ThreadPool>,
    read: u64,
    written: u64,
    skipped: u64,
    failed: u64,
}

#[pymethods]
impl Reader {
    #[new]
    #[pyo3(signature = (paths, *, format="auto", threads=None, quotes=true, entities=true, raw_text=false, max_record_bytes=64 << 20))]
    fn new(
        paths: Vec<PathBuf>,
        format: &str,
        threads: Option<usize>,
        quotes: bool,
        entities: bool,
        raw_text: bool,
        max_record_bytes: usize,
    ) -> PyResult<Reader> {
        let format: Format = format.parse().map_err(PyValueError::new_err)?;
        if threads == Some(0) {
            return Err(PyValueError::new_err("threads must be at least 1"));
        }
        let options = Options {
            format,
            fields: FieldNames::default(),
            max_record_bytes,
        };
        let (reader, walk_errors) = onrecord_ingest::Reader::new(&paths, options);
        Ok(Reader {
            reader: Mutex::new(Some(reader)),
            walk_errors,
            pipeline: pipeline(Settings {
                quotes,
                entities,
                raw_text,
                max_record_bytes,
            }),
            pool: pool(threads)?,
            read: 0,
            written: 0,
            skipped: 0,
            failed: 0,
        })
    }

    /// The next outcomes in input order, `(True, record)` or `(False,
    /// error line)` (skipped items are counted, not returned), or `None`
    /// when every input has been read.
    fn next_batch(&mut self, py: Python<'_>) -> Option<Vec<(bool, String)>> {
        let mut out: Vec<Outcome> = std::mem::take(&mut self.walk_errors)
            .into_iter()
            .map(|e| Outcome::failed(&e.kind.to_string(), &e.source))
            .collect();
        let slot = self
            .reader
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut reader = slot.take()?;
        let (pipeline, pool) = (self.pipeline.clone(), self.pool.clone());
        let (batch, done, reader) = py.detach(move || {
            let mut batch = Vec::with_capacity(BATCH_ITEMS);
            let mut bytes = 0;
            let mut done = false;
            while batch.len() < BATCH_ITEMS && bytes < BATCH_BYTES {
                let Some(item) = reader.next() else {
                    done = true;
                    break;
                };
                if let Ok(Item::Document(d)) = &item {
                    bytes += d.len_bytes();
                }
                batch.push(item);
            }
            let outcomes: Vec<Outcome> = pool.install(|| {
                batch
                    .into_par_iter()
                    .map(|item| match item {
                        Err(e) => Outcome::failed(&e.kind.to_string(), &e.source),
                        Ok(Item::Skipped { .. }) => Outcome::Skipped,
                        Ok(Item::Document(doc)) => {
                            let source: SourceRef = doc.source.clone().unwrap_or_default();
                            Outcome::of(pipeline.process(&doc).map_err(|e| e.to_string()), &source)
                        }
                    })
                    .collect()
            });
            (outcomes, done, reader)
        });
        if !done {
            *self
                .reader
                .get_mut()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(reader);
        }
        out.extend(batch);
        if out.is_empty() && done {
            return None;
        }
        for o in &out {
            self.read += 1;
            match o {
                Outcome::Record(_) => self.written += 1,
                Outcome::Skipped => self.skipped += 1,
                Outcome::Failed(_) => self.failed += 1,
            }
        }
        Some(out.into_iter().filter_map(Outcome::into_py).collect())
    }

    /// `(read, written, skipped, failed)` so far.
    fn counts(&self) -> (u64, u64, u64, u64) {
        (self.read, self.written, self.skipped, self.failed)
    }
}
