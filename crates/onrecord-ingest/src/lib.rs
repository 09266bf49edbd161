//! Reads news inputs into [`onrecord_core::Document`]s, streaming: files,
//! directories (walked recursively, in sorted order), standard input;
//! plain, gzip or zstd; scraped text, JSONL, HTML and WARC.
//!
//! It does not clean, extract or score anything. Every record read comes
//! out as exactly one [`Item`] or one [`Error`] naming the file, the
//! record's index and its byte offset, so callers can account for every
//! input (read = written + skipped + failed).

#![warn(missing_docs)]

mod charset;
mod detect;
mod error;
mod gz;
mod jsonl;
mod source;
mod warc;

use std::collections::VecDeque;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use onrecord_core::{Body, Document, Hints, SourceRef};

pub use crate::charset::decode_html;
pub use crate::detect::Format;
pub use crate::error::{Error, ErrorKind, Result};
pub use crate::jsonl::{FieldNames, parse_object};
use crate::source::Counting;

/// What one input record became.
#[derive(Debug)]
pub enum Item {
    /// An article to process.
    Document(Document),
    /// A record that is not an article (a WARC request, an image), with why.
    Skipped {
        /// Where it was.
        source: SourceRef,
        /// Why it was skipped.
        reason: String,
    },
}

/// How to read inputs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The input format, or [`Format::Auto`] to decide per file.
    pub format: Format,
    /// JSONL field names.
    pub fields: FieldNames,
    /// Records larger than this are reported and skipped (default 64 MiB).
    pub max_record_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            format: Format::Auto,
            fields: FieldNames::default(),
            max_record_bytes: 64 << 20,
        }
    }
}

/// A boxed buffered reader over one decompressed input, counting bytes.
pub(crate) type Input = Counting<Box<dyn BufRead + Send>>;

/// The records of one open file.
trait Records: Send {
    fn next_item(&mut self) -> Option<Result<Item>>;
}

/// Reads every record of every input, in order.
pub struct Reader {
    pending: VecDeque<PathBuf>,
    options: Options,
    current: Option<(PathBuf, Box<dyn Records>)>,
    /// Input files fully read so far, for progress.
    files_done: usize,
    /// Files finished since [`Reader::take_finished`] was last called.
    finished: Vec<PathBuf>,
    /// A file that failed to open: finished once its error was returned.
    failed: Option<PathBuf>,
}

/// Lists the files under `inputs`: files as given, directories walked
/// recursively in sorted order, `-` for standard input.
fn expand(inputs: &[PathBuf]) -> Vec<std::result::Result<PathBuf, Error>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" || !input.is_dir() {
            out.push(Ok(input.clone()));
            continue;
        }
        for entry in walkdir::WalkDir::new(input)
            .sort_by_file_name()
            .follow_links(true)
        {
            match entry {
                Ok(e) if e.file_type().is_file() => out.push(Ok(e.into_path())),
                Ok(_) => {}
                Err(e) => {
                    let path = e.path().unwrap_or(input).display().to_string();
                    out.push(Err(Error::new(
                        &path,
                        0,
                        0,
                        std::io::Error::other(e.to_string()),
                    )));
                }
            }
        }
    }
    out
}

impl Reader {
    /// A reader over `inputs`.
    pub fn new(inputs: &[PathBuf], options: Options) -> (Reader, Vec<Error>) {
        let mut pending = VecDeque::new();
        let mut errors = Vec::new();
        for path in expand(inputs) {
            match path {
                Ok(p) => pending.push_back(p),
                Err(e) => errors.push(e),
            }
        }
        (
            Reader {
                pending,
                options,
                current: None,
                files_done: 0,
                finished: Vec::new(),
                failed: None,
            },
            errors,
        )
    }

    /// Keeps only the input files `keep` accepts (a resumed run leaves
    /// out the files an earlier run finished); returns how many were left
    /// out.
    pub fn retain_files(&mut self, mut keep: impl FnMut(&Path) -> bool) -> usize {
        let before = self.pending.len();
        self.pending.retain(|p| keep(p));
        before - self.pending.len()
    }

    /// Files fully read so far.
    pub fn files_done(&self) -> usize {
        self.files_done
    }

    /// The input files whose every record has been returned, in input
    /// order, since the last call. A file is listed after its last item
    /// was returned and before the first item of a later file is, if the
    /// caller asks after every [`Iterator::next`].
    pub fn take_finished(&mut self) -> Vec<PathBuf> {
        std::mem::take(&mut self.finished)
    }

    fn open_next(&mut self) -> Option<Result<Item>> {
        let path = self.pending.pop_front()?;
        let name = path.display().to_string();
        match open_file(&path, &name, &self.options) {
            Ok(records) => {
                self.current = Some((path, records));
                None
            }
            Err(e) => {
                self.files_done += 1;
                self.failed = Some(path);
                Some(Err(e))
            }
        }
    }
}

impl Iterator for Reader {
    type Item = Result<Item>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(path) = self.failed.take() {
            self.finished.push(path);
        }
        loop {
            if let Some((_, records)) = self.current.as_mut() {
                match records.next_item() {
                    Some(item) => return Some(item),
                    None => {
                        if let Some((path, _)) = self.current.take() {
                            self.finished.push(path);
                        }
                        self.files_done += 1;
                    }
                }
            }
            if self.pending.is_empty() {
                return None;
            }
            if let Some(err) = self.open_next() {
                return Some(err);
            }
        }
    }
}

fn open_file(path: &Path, name: &str, options: &Options) -> Result<Box<dyn Records>> {
    let raw: Box<dyn Read + Send> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(|e| Error::new(name, 0, 0, e))?)
    };
    let (input, format) =
        detect::open(raw, path, options.format).map_err(|e| Error::new(name, 0, 0, e))?;
    let name = name.to_owned();
    let limit = options.max_record_bytes;
    Ok(match format {
        Format::Text | Format::Html | Format::Auto => Box::new(WholeFile {
            input: Some(input),
            name,
            html: format == Format::Html,
            limit,
        }),
        Format::Jsonl => Box::new(jsonl::JsonlRecords::new(
            input,
            name,
            options.fields.clone(),
            limit,
        )),
        Format::Warc => Box::new(warc::WarcRecords::new(input, name, limit)),
    })
}

/// Reads up to `limit` bytes; reports whether more followed (and drains them).
pub(crate) fn read_bounded(
    input: &mut impl Read,
    limit: usize,
) -> std::io::Result<(Vec<u8>, bool)> {
    let mut buf = Vec::new();
    input.take(limit as u64 + 1).read_to_end(&mut buf)?;
    if buf.len() > limit {
        buf.truncate(limit);
        std::io::copy(input, &mut std::io::sink())?;
        return Ok((buf, true));
    }
    Ok((buf, false))
}

/// Text and HTML inputs: one article per file.
struct WholeFile {
    input: Option<Input>,
    name: String,
    html: bool,
    limit: usize,
}

impl Records for WholeFile {
    fn next_item(&mut self) -> Option<Result<Item>> {
        let mut input = self.input.take()?;
        let err = |kind: ErrorKind| Some(Err(Error::new(&self.name, 0, 0, kind)));
        let (bytes, over) = match read_bounded(&mut input, self.limit) {
            Ok(r) => r,
            Err(e) => return err(e.into()),
        };
        if over {
            return err(ErrorKind::TooLarge {
                limit_bytes: self.limit,
            });
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return err(ErrorKind::Empty);
        }
        let body = if self.html {
            Body::Html(decode_html(&bytes, None))
        } else {
            match String::from_utf8(bytes) {
                Ok(s) => Body::Text(s),
                Err(e) => {
                    return err(ErrorKind::InvalidUtf8 {
                        at: e.utf8_error().valid_up_to(),
                    });
                }
            }
        };
        Some(Ok(Item::Document(Document {
            body,
            hints: Hints::default(),
            source: Some(SourceRef {
                path: self.name.clone(),
                index: 0,
                offset: 0,
            }),
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(name: &str, bytes: &[u8], options: Options) -> Vec<Result<Item>> {
        let dir =
            std::env::temp_dir().join(format!("onrecord-ingest-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let items: Vec<_> = Reader::new(&[path], options).0.collect();
        std::fs::remove_dir_all(&dir).unwrap();
        items
    }

    /// Found by the `inputs` fuzz target: a corrupt zstd stream read as
    /// WARC gave the same read error forever.
    #[test]
    fn a_corrupt_stream_ends_the_file_with_one_error() {
        let options = Options {
            format: Format::Warc,
            ..Options::default()
        };
        let items = read_all("x.gz", &[0x28, 0xb5, 0x2f, 0xfd, 0x20], options);
        assert_eq!(items.len(), 1);
        assert!(items[0].is_err());
    }

    #[test]
    fn jsonl_lines_over_the_limit_are_errors_and_reading_goes_on() {
        let mut input = format!("{{\"text\": \"{}\"}}\n", "x".repeat(100));
        input.push_str("{\"text\": \"short\"}\n");
        let dir =
            std::env::temp_dir().join(format!("onrecord-ingest-limit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.jsonl");
        std::fs::write(&path, input).unwrap();
        let options = Options {
            max_record_bytes: 50,
            ..Options::default()
        };
        let items: Vec<_> = Reader::new(&[path], options).0.collect();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(items.len(), 2);
        assert!(matches!(
            &items[0],
            Err(Error {
                kind: ErrorKind::TooLarge { .. },
                ..
            })
        ));
        assert!(matches!(&items[1], Ok(Item::Document(_))));
    }
}
