use std::fmt;

use onrecord_core::SourceRef;
use thiserror::Error;

/// What went wrong with one input record (or a whole input file).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading the input failed (a missing file, a truncated gzip stream).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The bytes are not UTF-8 where UTF-8 is required.
    #[error("invalid UTF-8 at byte {at} of the record")]
    InvalidUtf8 {
        /// Offset of the first bad byte, from the record's start.
        at: usize,
    },
    /// A JSONL line is not valid JSON.
    #[error("the line is not valid JSON: {0}")]
    Json(String),
    /// A JSONL line is JSON but not an object.
    #[error("the line is JSON but not an object")]
    NotAnObject,
    /// A JSONL object has neither a text nor an html field.
    #[error("the object has no `{text}` or `{html}` field with a string")]
    NoBody {
        /// The text field name looked for.
        text: String,
        /// The html field name looked for.
        html: String,
    },
    /// The input is empty.
    #[error("the input is empty")]
    Empty,
    /// The record is over the size limit.
    #[error("the record is over the limit of {limit_bytes} bytes")]
    TooLarge {
        /// The limit.
        limit_bytes: usize,
    },
    /// A WARC record is malformed.
    #[error("malformed WARC record: {0}")]
    Warc(String),
}

/// An error with the place it happened: file, record index and byte offset.
#[derive(Debug, Error)]
pub struct Error {
    /// Where.
    pub source: SourceRef,
    /// What.
    #[source]
    pub kind: ErrorKind,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: record {} at byte {}: {}",
            self.source.path, self.source.index, self.source.offset, self.kind
        )
    }
}

impl Error {
    pub(crate) fn new(path: &str, index: u64, offset: u64, kind: impl Into<ErrorKind>) -> Error {
        Error {
            source: SourceRef {
                path: path.to_owned(),
                index,
                offset,
            },
            kind: kind.into(),
        }
    }
}

/// `Result` with this crate's [`struct@Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
