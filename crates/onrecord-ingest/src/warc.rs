//! WARC/1.0 and 1.1 (Common Crawl, CC-News): `response` records holding
//! HTML become documents; every other record is skipped with a reason.
//!
//! Hand-written because the `warc` crate reads whole records through a
//! slow inflater and reports no offsets; this reader streams record by
//! record, bounds every read, resynchronises after a broken header, and
//! names the byte offset of each record.

use std::io::{BufRead, Read};

use onrecord_core::{Article, Body, Document, Hints, SourceRef};

use crate::{Error, ErrorKind, Input, Item, Records, Result, decode_html, read_bounded};

const MAX_HEADER_BYTES: usize = 64 << 10;
const MAX_LINE_BYTES: usize = 16 << 10;

pub(crate) struct WarcRecords {
    input: Rewind,
    name: String,
    limit: usize,
    index: u64,
    done: bool,
    /// A read error met while looking past a record, reported as the next.
    deferred: Option<std::io::Error>,
}

/// A WARC record's header fields (names lowercased).
struct Header {
    fields: Vec<(String, String)>,
}

impl Header {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The input with bytes put back in front: when a record's declared length
/// runs into the next record, those bytes are read again as that record.
struct Rewind {
    front: Vec<u8>,
    at: usize,
    inner: Input,
}

impl Rewind {
    /// Offset in the decompressed input of the next byte to read.
    fn position(&self) -> u64 {
        self.inner.position() - (self.front.len() - self.at) as u64
    }

    /// Puts `bytes` back, to be read next.
    fn unread(&mut self, mut bytes: Vec<u8>) {
        bytes.extend_from_slice(&self.front[self.at..]);
        self.front = bytes;
        self.at = 0;
    }

    /// Up to `n` next bytes, left unread, and the read error that cut
    /// them short, if any.
    fn peek(&mut self, n: usize) -> (Vec<u8>, Option<std::io::Error>) {
        let mut out = vec![0u8; n];
        let mut got = 0;
        let mut error = None;
        while got < n {
            match self.read(&mut out[got..]) {
                Ok(0) => break,
                Ok(k) => got += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        out.truncate(got);
        self.unread(out.clone());
        (out, error)
    }
}

impl Read for Rewind {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at < self.front.len() {
            let n = buf.len().min(self.front.len() - self.at);
            buf[..n].copy_from_slice(&self.front[self.at..self.at + n]);
            self.at += n;
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

impl BufRead for Rewind {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.at < self.front.len() {
            return Ok(&self.front[self.at..]);
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if self.at < self.front.len() {
            self.at = (self.at + amount).min(self.front.len());
        } else {
            self.inner.consume(amount);
        }
    }
}

/// Where a record's block holds the start of another record (a line
/// opening with `WARC/1.`): the sign of a Content-Length longer than what
/// was written.
fn next_record_inside(block: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(block, b"\nWARC/1.")
        .map(|i| i + 1)
        .find(|&i| block[i..].iter().take(12).any(|&b| b == b'\n'))
}

/// One line without its line ending, at most `MAX_LINE_BYTES`; `None` at
/// the end of input.
fn read_line(input: &mut impl BufRead) -> std::io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let n = input
        .by_ref()
        .take(MAX_LINE_BYTES as u64)
        .read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    while line.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
        line.pop();
    }
    Ok(Some(line))
}

fn is_html(content_type: &str) -> bool {
    let ct = content_type.to_ascii_lowercase();
    ct.contains("text/html") || ct.contains("application/xhtml")
}

/// Decodes a chunked HTTP body; bounded by the input's own size.
fn dechunk(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    loop {
        let line_end = memchr::memchr(b'\n', rest)?;
        let size_text = std::str::from_utf8(&rest[..line_end]).ok()?;
        let size_text = size_text.trim().split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        rest = &rest[line_end + 1..];
        if size == 0 {
            return Some(out);
        }
        let chunk = rest.get(..size)?;
        out.extend_from_slice(chunk);
        rest = &rest[size..];
        rest = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))
            .unwrap_or(rest);
    }
}

/// Splits an HTTP response into (status, headers, body).
/// Status, lowercased header fields and body of an HTTP response.
type HttpParts<'a> = (u16, Vec<(String, String)>, &'a [u8]);

fn split_http(block: &[u8]) -> Option<HttpParts<'_>> {
    let (head_end, body_start) = match memchr::memmem::find(block, b"\r\n\r\n") {
        Some(i) => (i, i + 4),
        None => {
            let i = memchr::memmem::find(block, b"\n\n")?;
            (i, i + 2)
        }
    };
    let head = String::from_utf8_lossy(&block[..head_end]);
    let mut lines = head.lines();
    let status_line = lines.next()?;
    if !status_line.starts_with("HTTP/") {
        return None;
    }
    let status = status_line.split_whitespace().nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some((status, headers, &block[body_start..]))
}

impl WarcRecords {
    pub(crate) fn new(input: Input, name: String, limit: usize) -> Self {
        WarcRecords {
            input: Rewind {
                front: Vec::new(),
                at: 0,
                inner: input,
            },
            name,
            limit,
            index: 0,
            done: false,
            deferred: None,
        }
    }

    fn error(&self, offset: u64, kind: impl Into<ErrorKind>) -> Error {
        Error::new(&self.name, self.index, offset, kind)
    }

    /// Reads a record header. Returns `Ok(None)` at a clean end of input.
    fn read_header(&mut self) -> Result<Option<(u64, Header)>> {
        // Skip blank lines between records.
        let (offset, version) = loop {
            let offset = self.input.position();
            match read_line(&mut self.input).map_err(|e| self.error(offset, e))? {
                None => return Ok(None),
                Some(line) if line.is_empty() => continue,
                Some(line) => break (offset, line),
            }
        };
        if !version.starts_with(b"WARC/") {
            // Resynchronise: skip to the next line that opens a record.
            self.skip_to_next_record()?;
            return Err(self.error(
                offset,
                ErrorKind::Warc("expected a `WARC/1.x` version line".into()),
            ));
        }
        let mut fields = Vec::new();
        let mut size = version.len();
        loop {
            let line = read_line(&mut self.input)
                .map_err(|e| self.error(offset, e))?
                .ok_or_else(|| {
                    self.error(
                        offset,
                        ErrorKind::Warc("the header ends before its blank line".into()),
                    )
                })?;
            if line.is_empty() {
                break;
            }
            size += line.len();
            if size > MAX_HEADER_BYTES {
                self.skip_to_next_record()?;
                return Err(self.error(offset, ErrorKind::Warc("the header is over 64 KiB".into())));
            }
            let line = String::from_utf8_lossy(&line);
            if let Some((k, v)) = line.split_once(':') {
                fields.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
        }
        Ok(Some((offset, Header { fields })))
    }

    /// Advances to just before the next `WARC/` line.
    fn skip_to_next_record(&mut self) -> Result<()> {
        loop {
            let buf = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) => return Err(self.error(self.input.position(), e)),
            };
            if buf.is_empty() {
                return Ok(());
            }
            if buf.starts_with(b"WARC/") {
                return Ok(());
            }
            let skip = match memchr::memchr(b'\n', buf) {
                Some(i) => i + 1,
                None => buf.len(),
            };
            self.input.consume(skip);
        }
    }

    fn record(&mut self) -> Option<Result<Item>> {
        if let Some(e) = self.deferred.take() {
            return Some(Err(self.error(self.input.position(), e)));
        }
        let (offset, header) = match self.read_header() {
            Ok(Some(h)) => h,
            Ok(None) => return None,
            Err(e) => return Some(Err(e)),
        };
        let Some(length) = header
            .get("content-length")
            .and_then(|v| v.parse::<u64>().ok())
        else {
            let _ = self.skip_to_next_record();
            return Some(Err(
                self.error(offset, ErrorKind::Warc("no valid Content-Length".into()))
            ));
        };
        let source = SourceRef {
            path: self.name.clone(),
            index: self.index,
            offset,
        };
        let mut block_reader = self.input.by_ref().take(length);
        let (mut block, over) = match read_bounded(&mut block_reader, self.limit) {
            Ok(r) => r,
            Err(e) => {
                self.done = !crate::gz::is_recoverable(&e);
                return Some(Err(self.error(offset, e)));
            }
        };
        if over {
            return Some(Err(self.error(
                offset,
                ErrorKind::TooLarge {
                    limit_bytes: self.limit,
                },
            )));
        }
        // A record cut short in the middle of a file: its declared length
        // reaches into the next record. The block should be followed by
        // blank lines and the next `WARC/` line (or the end); when it is
        // not and the block holds a record start, the record is reported
        // and reading goes on from that start.
        if !over {
            let (after, error) = self.input.peek(16);
            // A read error past this record belongs to the next one.
            self.deferred = error;
            let rest: Vec<u8> = after
                .iter()
                .copied()
                .skip_while(|b| *b == b'\r' || *b == b'\n')
                .collect();
            let well_ended = (block.len() as u64) == length
                && (rest.is_empty() || rest.starts_with(b"WARC/") || self.deferred.is_some());
            if !well_ended && let Some(k) = next_record_inside(&block) {
                let next = block.split_off(k);
                self.input.unread(next);
                return Some(Err(self.error(
                    offset,
                    ErrorKind::Warc(format!(
                        "truncated: the next record starts {k} bytes into this one's \
                         Content-Length of {length}"
                    )),
                )));
            }
        }
        if (block.len() as u64) < length {
            self.done = true;
            return Some(Err(self.error(
                offset,
                ErrorKind::Warc(format!(
                    "truncated: Content-Length is {length} but only {} bytes follow",
                    block.len()
                )),
            )));
        }
        let kind = header.get("warc-type").unwrap_or("").to_ascii_lowercase();
        let url = header
            .get("warc-target-uri")
            .map(|u| u.trim_matches(['<', '>']).to_owned());
        let skipped = |reason: String| {
            Some(Ok(Item::Skipped {
                source: source.clone(),
                reason,
            }))
        };
        let (content_type, body): (Option<String>, Vec<u8>) = match kind.as_str() {
            "response" => {
                let Some((status, headers, body)) = split_http(&block) else {
                    return Some(Err(self.error(
                        offset,
                        ErrorKind::Warc("the response holds no HTTP header".into()),
                    )));
                };
                let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
                let content_type = get("content-type").unwrap_or_default();
                if !(200..300).contains(&status) {
                    return skipped(format!("HTTP status {status}"));
                }
                if !is_html(&content_type) {
                    return skipped(format!("content type `{content_type}`"));
                }
                let mut body = body.to_vec();
                if get("transfer-encoding")
                    .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
                    && let Some(plain) = dechunk(&body)
                {
                    body = plain;
                }
                let encoding = get("content-encoding")
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if encoding.contains("gzip") || encoding.contains("deflate") {
                    let compressed = std::mem::take(&mut body);
                    let mut decoder: Box<dyn Read> = if encoding.contains("gzip") {
                        Box::new(flate2::read::MultiGzDecoder::new(compressed.as_slice()))
                    } else {
                        Box::new(flate2::read::ZlibDecoder::new(compressed.as_slice()))
                    };
                    match read_bounded(&mut decoder, self.limit) {
                        Ok((plain, false)) => body = plain,
                        Ok((_, true)) => {
                            return Some(Err(self.error(
                                offset,
                                ErrorKind::TooLarge {
                                    limit_bytes: self.limit,
                                },
                            )));
                        }
                        Err(e) => return Some(Err(self.error(offset, e))),
                    }
                }
                (Some(content_type), body)
            }
            "resource" if header.get("content-type").is_some_and(is_html) => {
                (header.get("content-type").map(str::to_owned), block)
            }
            "" => {
                return Some(Err(
                    self.error(offset, ErrorKind::Warc("no WARC-Type".into()))
                ));
            }
            other => return skipped(format!("WARC-Type `{other}`")),
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            return Some(Err(self.error(offset, ErrorKind::Empty)));
        }
        let html = decode_html(&body, content_type.as_deref());
        Some(Ok(Item::Document(Document {
            body: Body::Html(html),
            hints: Hints {
                article: Article {
                    url,
                    ..Article::default()
                },
                ..Hints::default()
            },
            source: Some(source),
        })))
    }
}

impl Records for WarcRecords {
    fn next_item(&mut self) -> Option<Result<Item>> {
        if self.done {
            return None;
        }
        let item = self.record();
        match &item {
            None => self.done = true,
            // A damaged gzip member loses its record; the next member
            // starts the next one.
            Some(Err(Error {
                kind: ErrorKind::Io(e),
                ..
            })) if crate::gz::is_recoverable(e) => self.index += 1,
            // Any other read error (a corrupt zstd stream, a failing disk)
            // ends the file: nothing after it can be trusted or reached.
            Some(Err(Error {
                kind: ErrorKind::Io(_),
                ..
            })) => {
                self.done = true;
                self.index += 1;
            }
            Some(_) => self.index += 1,
        }
        item
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(
            dechunk(b"4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n").as_deref(),
            Some(&b"Wikipedia"[..])
        );
        assert_eq!(dechunk(b"zz\r\n"), None);
    }
}
