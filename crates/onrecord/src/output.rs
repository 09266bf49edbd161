//! Where `-o PATH` writes, without ever destroying what stands there.
//!
//! - no `-o`, or `-o -`: standard output;
//! - a new path or a regular file: written to a temporary name in the same
//!   directory and renamed over it when complete, so a complete-looking
//!   file is always a complete one;
//! - a symbolic link: followed; its target is treated by these rules and
//!   the link stays a link (a link to nothing is refused);
//! - a FIFO, a character or block device, a socket: written through, in
//!   place, never renamed over (`-o /dev/null`, a named pipe to another
//!   program);
//! - a directory: refused.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// What an output path is.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// Standard output.
    Stdout,
    /// A regular file, or none yet: written atomically.
    File(PathBuf),
    /// A FIFO, device or socket: opened and written in place.
    Through(PathBuf),
}

impl Target {
    /// Decides what `path` is; a directory or a dangling link is an error.
    pub(crate) fn of(path: Option<&Path>) -> Result<Target> {
        let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Target::Stdout);
        };
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Target::File(path.to_owned()));
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", path.display())),
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            let real = std::fs::canonicalize(path).with_context(|| {
                format!(
                    "`{}` is a symbolic link to nothing; give the path to write or remove the link",
                    path.display()
                )
            })?;
            // An existing path that is not a link: the rules below apply.
            return Target::of(Some(&real));
        }
        if kind.is_dir() {
            anyhow::bail!(
                "`{}` is a directory; give a file name for the output",
                path.display()
            );
        }
        if kind.is_file() {
            return Ok(Target::File(path.to_owned()));
        }
        // FIFO, device or socket.
        Ok(Target::Through(path.to_owned()))
    }
}

/// Writes to a temporary file beside `target`, renamed over it on success.
struct AtomicOutput {
    temp: PathBuf,
    target: PathBuf,
    file: Option<BufWriter<File>>,
}

impl Drop for AtomicOutput {
    fn drop(&mut self) {
        // Not committed (an error on the way): leave no partial file behind.
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

impl AtomicOutput {
    fn create(target: &Path) -> Result<AtomicOutput> {
        let name = target
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        let temp = target.with_file_name(format!(".{name}.partial-{}", std::process::id()));
        let file =
            File::create(&temp).with_context(|| format!("cannot create `{}`", temp.display()))?;
        Ok(AtomicOutput {
            temp,
            target: target.to_owned(),
            file: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    fn commit(mut self) -> Result<()> {
        let Some(writer) = self.file.take() else {
            anyhow::bail!("the output was already closed");
        };
        let file = match writer.into_inner().map_err(|e| e.into_error()) {
            Ok(f) => f,
            Err(e) => {
                let _ = std::fs::remove_file(&self.temp);
                return Err(e).context("cannot write records");
            }
        };
        file.sync_all()?;
        std::fs::rename(&self.temp, &self.target)
            .with_context(|| format!("cannot rename to `{}`", self.target.display()))
    }
}

enum Sink {
    Stdout(BufWriter<std::io::StdoutLock<'static>>),
    Atomic(AtomicOutput),
    Through(BufWriter<File>),
}

/// The output of a command: standard output, a file written atomically, or
/// a FIFO or device written in place ([`Target`]).
pub(crate) struct Output {
    sink: Sink,
    /// What an already committed file's writer is (never reached: commit
    /// consumes the output).
    closed: std::io::Sink,
}

impl Output {
    pub(crate) fn new(path: Option<&Path>) -> Result<Output> {
        let sink = match Target::of(path)? {
            Target::Stdout => {
                Sink::Stdout(BufWriter::with_capacity(1 << 20, std::io::stdout().lock()))
            }
            Target::File(p) => Sink::Atomic(AtomicOutput::create(&p)?),
            Target::Through(p) => Sink::Through(BufWriter::with_capacity(
                1 << 20,
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(&p)
                    .with_context(|| format!("cannot open `{}` for writing", p.display()))?,
            )),
        };
        Ok(Output {
            sink,
            closed: std::io::sink(),
        })
    }

    pub(crate) fn writer(&mut self) -> &mut dyn Write {
        match &mut self.sink {
            Sink::Stdout(w) => w,
            Sink::Through(w) => w,
            Sink::Atomic(a) => match a.file.as_mut() {
                Some(w) => w,
                None => &mut self.closed,
            },
        }
    }

    /// Flushes, or renames the finished file into place.
    pub(crate) fn finish(self) -> Result<()> {
        match self.sink {
            Sink::Stdout(mut w) => w.flush().context("cannot write records"),
            Sink::Through(mut w) => w.flush().context("cannot write records"),
            Sink::Atomic(a) => a.commit(),
        }
    }
}
