pub(crate) mod entities;
pub(crate) mod export;
pub(crate) mod extract;
pub(crate) mod index;
pub(crate) mod search;
pub(crate) mod serve;

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use anyhow::{Context, Result};
use onrecord_core::{Record, SourceRef};

use crate::report::Reporter;

/// An index that `onrecord index` built: a clear error when there is none.
pub(crate) fn existing_index(dir: &std::path::Path) -> Result<onrecord_index::QuoteIndex> {
    if !dir.join("meta.json").is_file() {
        anyhow::bail!(
            "no index in `{}` (build one with `onrecord index`)",
            dir.display()
        );
    }
    onrecord_index::QuoteIndex::open(dir)
        .with_context(|| format!("cannot open the index in `{}`", dir.display()))
}
/// A file of records, plain or gzip, opened for reading.
pub(crate) fn open(path: &Path) -> Result<Box<dyn BufRead>> {
    let mut file = File::open(path).with_context(|| format!("cannot open `{}`", path.display()))?;
    let mut magic = [0u8; 2];
    let n = file.read(&mut magic)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(if n == 2 && magic == [0x1f, 0x8b] {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(file)))
    } else {
        Box::new(BufReader::new(file))
    })
}

/// Whether every input is a file of records written by `extract` (its
/// first line reads as a record).
pub(crate) fn records_only(inputs: &[std::path::PathBuf]) -> bool {
    !inputs.is_empty()
        && inputs.iter().all(|p| {
            p.is_file()
                && open(p).ok().is_some_and(|r| {
                    r.lines()
                        .map_while(std::result::Result::ok)
                        .find(|l| !l.trim().is_empty())
                        .is_some_and(|l| serde_json::from_str::<Record>(&l).is_ok())
                })
        })
}

/// Reads a file of records written by `extract`, handing each to `each`;
/// a line that is not a record is reported (file, line, byte offset) and
/// counted as failed, and reading goes on.
pub(crate) fn read_records(
    path: &Path,
    reporter: &mut Reporter,
    each: &mut dyn FnMut(Record) -> Result<()>,
) -> Result<()> {
    let mut offset = 0u64;
    for (i, line) in open(path)?.split(b'\n').enumerate() {
        let line = line.with_context(|| format!("reading `{}`", path.display()))?;
        let len = line.len() as u64 + 1;
        if !line.iter().all(u8::is_ascii_whitespace) {
            reporter.summary.read += 1;
            match serde_json::from_slice::<Record>(&line) {
                Ok(record) => {
                    each(record)?;
                    reporter.summary.written += 1;
                }
                Err(e) => {
                    let source = SourceRef {
                        path: path.display().to_string(),
                        index: i as u64,
                        offset,
                    };
                    reporter.failed(&source, &format!("not a record: {e}"))?;
                }
            }
        }
        offset += len;
    }
    Ok(())
}
