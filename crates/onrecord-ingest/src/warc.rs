//! WARC/1.0 and 1.1 (Common Crawl, CC-News): `response` records holding
//! HTML become documents; every other record is skipped with a reason.
//!
//! Hand-written because the `warc` crate reads whole records through a
//! slow inflater and reports no offsets; this reader streams record by
//! record, bounds every read, resynchronises after a broken header, and
//! names the byte offset of each record.

use std::io::{BufRead, Read};

use onrecord_core::{Body, Document, Hints, SourceRef};

use crate::{Error, ErrorKind, Input, Item, Records, Result, decode_html, read_bounded};

const MAX_HEADER_BYTES: usize = 64 << 10;
const MAX_LINE_BYTES: usize = 16 << 10;

pub(crate) struct WarcRecords {
    input: Input,
    name: String,
    limit: usize,
    index: u64,
    done: bool,
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

/// One line without its line ending, at most `MAX_LINE_BYTES`; `None` at
/// the end of input.
fn read_line(input: &mut Input) -> std::io::Result<Option<Vec<u8>>> {
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
            input,
            name,
            limit,
            index: 0,
            done: false,
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
        let (block, over) = match read_bounded(&mut block_reader, self.limit) {
            Ok(r) => r,
            Err(e) => {
                self.done = true;
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
                url,
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
            // A read error (a corrupt or truncated compressed stream) ends
            // the file: nothing after it can be trusted or reached.
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
