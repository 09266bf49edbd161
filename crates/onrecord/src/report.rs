//! Error lines and the run summary.

use std::fs::File;
use std::io::{BufWriter, Write};

use onrecord_core::SourceRef;
use serde::Serialize;

/// One failed input record, as written to `--errors` (JSONL).
#[derive(Serialize)]
pub(crate) struct ErrorLine<'a> {
    pub(crate) error: String,
    pub(crate) path: &'a str,
    pub(crate) index: u64,
    pub(crate) offset: u64,
}

/// Counts of a run: read = written + skipped + failed.
#[derive(Default, Debug, Clone, Copy)]
pub(crate) struct Summary {
    pub(crate) read: u64,
    pub(crate) written: u64,
    pub(crate) skipped: u64,
    pub(crate) failed: u64,
}

pub(crate) struct Reporter {
    errors: Option<BufWriter<File>>,
    pub(crate) summary: Summary,
}

impl Reporter {
    pub(crate) fn new(errors: Option<File>) -> Reporter {
        Reporter {
            errors: errors.map(BufWriter::new),
            summary: Summary::default(),
        }
    }

    /// Reports a failed record (or input file).
    pub(crate) fn failed(&mut self, source: &SourceRef, message: &str) -> std::io::Result<()> {
        self.summary.failed += 1;
        #[expect(clippy::print_stderr, reason = "errors are reported on stderr")]
        {
            eprintln!(
                "error: {}: record {} at byte {}: {message}",
                source.path, source.index, source.offset
            );
        }
        if let Some(w) = self.errors.as_mut() {
            let line = ErrorLine {
                error: message.to_owned(),
                path: &source.path,
                index: source.index,
                offset: source.offset,
            };
            serde_json::to_writer(&mut *w, &line)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> std::io::Result<Summary> {
        if let Some(w) = self.errors.as_mut() {
            w.flush()?;
        }
        let s = self.summary;
        #[expect(clippy::print_stderr, reason = "the summary is a message")]
        {
            eprintln!(
                "read {}, written {}, skipped {}, failed {}",
                s.read, s.written, s.skipped, s.failed
            );
        }
        Ok(s)
    }
}

/// Prints a fatal error with its causes.
pub(crate) fn fatal(err: &anyhow::Error) {
    #[expect(clippy::print_stderr, reason = "fatal errors go to stderr")]
    {
        eprintln!("error: {err:#}");
    }
}
