//! `extract` and `extract_many`: strings and JSONL-like objects through
//! the pipeline.

use onrecord_core::{Article, Body, Document, Hints, SourceRef};
use onrecord_ingest::{FieldNames, Item, parse_object};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rayon::prelude::*;

use crate::shared::{Outcome, Settings, pipeline, pool};

/// Where the items of one `extract_many` call are said to come from in
/// error lines (the index is the item's position).
const ITEMS: &str = "<items>";

/// One item of `extract_many`: its kind and its string.
fn document(kind: &str, payload: String, source: SourceRef) -> Result<Option<Document>, Outcome> {
    let body = match kind {
        "html" => Body::Html(payload),
        "text" => Body::Text(payload),
        "json" => {
            return match parse_object(payload.as_bytes(), &FieldNames::default(), source.clone()) {
                Ok(Item::Document(d)) => Ok(Some(d)),
                Ok(Item::Skipped { .. }) => Ok(None),
                Err(e) => Err(Outcome::failed(&e.kind.to_string(), &source)),
            };
        }
        other => {
            return Err(Outcome::failed(
                &format!("an item is a str, bytes or dict, not {other}"),
                &source,
            ));
        }
    };
    Ok(Some(Document {
        body,
        hints: Hints::default(),
        source: Some(source),
    }))
}

fn settings(quotes: bool, entities: bool, raw_text: bool, max_record_bytes: usize) -> Settings {
    Settings {
        quotes,
        entities,
        raw_text,
        max_record_bytes,
    }
}

/// One page or text through the pipeline: `(True, record)` or `(False,
/// error line)`.
#[pyfunction]
#[pyo3(signature = (body, html, *, url=None, date=None, title=None, author=None, site=None, id=None, quotes=true, entities=true, raw_text=false, max_record_bytes=64 << 20))]
#[expect(clippy::too_many_arguments, reason = "Python keyword arguments")]
pub(crate) fn extract_json(
    py: Python<'_>,
    body: String,
    html: bool,
    url: Option<String>,
    date: Option<String>,
    title: Option<String>,
    author: Option<String>,
    site: Option<String>,
    id: Option<String>,
    quotes: bool,
    entities: bool,
    raw_text: bool,
    max_record_bytes: usize,
) -> (bool, String) {
    let doc = Document {
        body: if html {
            Body::Html(body)
        } else {
            Body::Text(body)
        },
        hints: Hints {
            id,
            article: Article {
                url,
                date,
                title,
                author,
                site,
            },
        },
        source: None,
    };
    let p = pipeline(settings(quotes, entities, raw_text, max_record_bytes));
    let source = SourceRef::default();
    py.detach(|| Outcome::of(p.process(&doc).map_err(|e| e.to_string()), &source))
        .into_py()
        .unwrap_or((false, String::new()))
}

/// Many items on the worker pool, in input order. `items`: `(kind,
/// string)` with kind `html`, `text` or `json` (a JSONL line); `first`:
/// the index of the first item in the caller's whole sequence, for error
/// lines. One `(ok, line)` per item, or `None` for an item that is not
/// an article.
#[pyfunction]
#[pyo3(signature = (items, *, first=0, threads=None, quotes=true, entities=true, raw_text=false, max_record_bytes=64 << 20))]
#[expect(clippy::too_many_arguments, reason = "Python keyword arguments")]
pub(crate) fn extract_many_json(
    py: Python<'_>,
    items: Vec<(String, String)>,
    first: u64,
    threads: Option<usize>,
    quotes: bool,
    entities: bool,
    raw_text: bool,
    max_record_bytes: usize,
) -> PyResult<Vec<Option<(bool, String)>>> {
    if threads == Some(0) {
        return Err(PyValueError::new_err("threads must be at least 1"));
    }
    let p = pipeline(settings(quotes, entities, raw_text, max_record_bytes));
    let pool = pool(threads)?;
    let out = py.detach(|| {
        pool.install(|| {
            items
                .into_par_iter()
                .enumerate()
                .map(|(i, (kind, payload))| {
                    let source = SourceRef {
                        path: ITEMS.to_owned(),
                        index: first + i as u64,
                        offset: 0,
                    };
                    match document(&kind, payload, source.clone()) {
                        Ok(Some(doc)) => {
                            Outcome::of(p.process(&doc).map_err(|e| e.to_string()), &source)
                        }
                        Ok(None) => Outcome::Skipped,
                        Err(failed) => failed,
                    }
                })
                .map(Outcome::into_py)
                .collect()
        })
    });
    Ok(out)
}
