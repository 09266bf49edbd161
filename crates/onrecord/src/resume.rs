//! The manifest of a resumable run (`--resume`): which input files are
//! done, and how far the output had got when each was.
//!
//! One JSON line per finished file, appended and synced only after the
//! file's records are on disk, after a header line naming the settings.
//! A line cut by a crash is ignored (and cut off) when the run resumes.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::report::Summary;

#[derive(Serialize, Deserialize)]
struct Header {
    onrecord_manifest: u32,
    settings: String,
}

/// The state after one finished input file.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub(crate) struct Done {
    /// The input file, as the run named it.
    pub(crate) path: String,
    /// Length of the output once this file's records were written.
    pub(crate) output_bytes: u64,
    /// Length of the errors file at that point.
    pub(crate) errors_bytes: u64,
    pub(crate) read: u64,
    pub(crate) written: u64,
    pub(crate) skipped: u64,
    pub(crate) failed: u64,
}

impl Done {
    pub(crate) fn summary(&self) -> Summary {
        Summary {
            read: self.read,
            written: self.written,
            skipped: self.skipped,
            failed: self.failed,
        }
    }
}

/// `OUT.manifest` beside the output `OUT`.
pub(crate) fn manifest_path(target: &Path) -> PathBuf {
    let mut name = target.as_os_str().to_owned();
    name.push(".manifest");
    PathBuf::from(name)
}

/// `.OUT.partial`: where a resumable run writes until it is complete.
pub(crate) fn partial_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.partial"))
}

/// Opens `path` for appending after cutting it to `len` bytes (what the
/// manifest says was complete).
pub(crate) fn reopen(path: &Path, len: u64) -> Result<File> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .with_context(|| format!("cannot reopen `{}` to resume", path.display()))?;
    let have = file.metadata()?.len();
    if have < len {
        anyhow::bail!(
            "`{}` holds {have} bytes but the manifest says {len} were written; \
             remove the manifest to start over",
            path.display()
        );
    }
    file.set_len(len)?;
    file.seek(SeekFrom::Start(len))?;
    Ok(file)
}

pub(crate) struct Manifest {
    path: PathBuf,
    file: File,
    done: HashSet<String>,
}

impl Manifest {
    /// Opens the manifest at `path`, or starts one. Returns the state
    /// after the last finished file of an earlier run, if any.
    pub(crate) fn open(path: &Path, settings: &str) -> Result<(Manifest, Option<Done>)> {
        let mut done = HashSet::new();
        let mut last = None;
        let mut good_len = 0u64;
        if path.is_file() {
            let reader = BufReader::new(
                File::open(path).with_context(|| format!("cannot read `{}`", path.display()))?,
            );
            let mut at = 0u64;
            for (i, line) in reader.split(b'\n').enumerate() {
                let line = line?;
                let len = line.len() as u64 + 1;
                if i == 0 {
                    let header: Header = serde_json::from_slice(&line)
                        .with_context(|| format!("`{}` is not a manifest", path.display()))?;
                    if header.settings != settings {
                        anyhow::bail!(
                            "`{}` was written by a run with other settings ({}); \
                             remove it to start over",
                            path.display(),
                            header.settings
                        );
                    }
                } else {
                    // A line cut by a crash ends what can be trusted.
                    let Ok(entry) = serde_json::from_slice::<Done>(&line) else {
                        break;
                    };
                    done.insert(entry.path.clone());
                    last = Some(entry);
                }
                at += len;
                good_len = at;
            }
        }
        let mut file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(false)
            .open(path)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        if good_len == 0 {
            file.set_len(0)?;
            let mut line = serde_json::to_vec(&Header {
                onrecord_manifest: 1,
                settings: settings.to_owned(),
            })?;
            line.push(b'\n');
            file.write_all(&line)?;
            file.sync_data()?;
        } else {
            file.set_len(good_len)?;
            file.seek(SeekFrom::Start(good_len))?;
        }
        Ok((
            Manifest {
                path: path.to_owned(),
                file,
                done,
            },
            last,
        ))
    }

    /// The input files an earlier run finished.
    pub(crate) fn done(&self) -> &HashSet<String> {
        &self.done
    }

    /// Notes a finished input file (the output is already synced).
    pub(crate) fn note(
        &mut self,
        path: &Path,
        output_bytes: u64,
        errors_bytes: u64,
        summary: Summary,
    ) -> Result<()> {
        let entry = Done {
            path: path.display().to_string(),
            output_bytes,
            errors_bytes,
            read: summary.read,
            written: summary.written,
            skipped: summary.skipped,
            failed: summary.failed,
        };
        let mut line = serde_json::to_vec(&entry)?;
        line.push(b'\n');
        self.file
            .write_all(&line)
            .and_then(|()| self.file.sync_data())
            .with_context(|| format!("cannot write `{}`", self.path.display()))?;
        self.done.insert(entry.path);
        Ok(())
    }

    /// The run is complete: the manifest goes.
    pub(crate) fn remove(self) -> Result<()> {
        drop(self.file);
        std::fs::remove_file(&self.path)
            .with_context(|| format!("cannot remove `{}`", self.path.display()))
    }
}
