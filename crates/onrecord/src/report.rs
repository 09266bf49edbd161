//! Error lines and the run summary.

use std::fs::File;
use std::io::{BufWriter, Write};

use onrecord_core::SourceRef;
use serde::Serialize;

use crate::terminal::printable;

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

/// Exit status when some input records failed (each has an error line)
/// and the rest were written. 0 is every record written or skipped; 2 is a
/// run that could not proceed (see `main`).
pub(crate) const SOME_FAILED: u8 = 1;

impl Summary {
    /// 0 when no record failed, [`SOME_FAILED`] when any did.
    pub(crate) fn exit_code(&self) -> std::process::ExitCode {
        if self.failed == 0 {
            std::process::ExitCode::SUCCESS
        } else {
            std::process::ExitCode::from(SOME_FAILED)
        }
    }
}

pub(crate) struct Reporter {
    errors: Option<BufWriter<File>>,
    /// Bytes written to the errors file (a resumed run starts past the
    /// earlier run's).
    error_bytes: u64,
    /// Counts only, prints nothing (a first pass over the same input).
    silent: bool,
    pub(crate) summary: Summary,
}

impl Reporter {
    pub(crate) fn new(errors: Option<File>) -> Reporter {
        Reporter {
            errors: errors.map(BufWriter::new),
            error_bytes: 0,
            silent: false,
            summary: Summary::default(),
        }
    }

    /// A reporter that only counts.
    pub(crate) fn silent() -> Reporter {
        Reporter {
            silent: true,
            ..Reporter::new(None)
        }
    }

    /// Where a resumed errors file goes on from.
    pub(crate) fn set_error_bytes(&mut self, bytes: u64) {
        self.error_bytes = bytes;
    }

    /// Puts the error lines so far on disk; returns the errors file's
    /// length.
    pub(crate) fn sync_errors(&mut self) -> std::io::Result<u64> {
        if let Some(w) = self.errors.as_mut() {
            w.flush()?;
            w.get_ref().sync_data()?;
        }
        Ok(self.error_bytes)
    }

    /// Reports a failed record (or input file).
    pub(crate) fn failed(&mut self, source: &SourceRef, message: &str) -> std::io::Result<()> {
        self.summary.failed += 1;
        if self.silent {
            return Ok(());
        }
        #[expect(clippy::print_stderr, reason = "errors are reported on stderr")]
        {
            eprintln!(
                "error: {}: record {} at byte {}: {}",
                printable(&source.path),
                source.index,
                source.offset,
                printable(message)
            );
        }
        if let Some(w) = self.errors.as_mut() {
            let line = ErrorLine {
                error: message.to_owned(),
                path: &source.path,
                index: source.index,
                offset: source.offset,
            };
            let mut bytes = serde_json::to_vec(&line)?;
            bytes.push(b'\n');
            w.write_all(&bytes)?;
            self.error_bytes += bytes.len() as u64;
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
        eprintln!("error: {}", printable(&format!("{err:#}")));
    }
}
