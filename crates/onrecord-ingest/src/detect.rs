//! Decompression and format detection from the file name and first bytes.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::Input;
use crate::source::Counting;

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Decide per file from the extension, then the first bytes.
    Auto,
    /// Scraped plain text, one article per file.
    Text,
    /// One JSON object per line.
    Jsonl,
    /// One HTML page per file.
    Html,
    /// WARC/1.0 or 1.1, `response` records.
    Warc,
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Format::Auto),
            "text" | "txt" => Ok(Format::Text),
            "jsonl" | "json" | "ndjson" => Ok(Format::Jsonl),
            "html" | "htm" => Ok(Format::Html),
            "warc" => Ok(Format::Warc),
            other => Err(format!(
                "unknown format `{other}` (auto, text, jsonl, html, warc)"
            )),
        }
    }
}

fn by_extension(name: &str) -> Format {
    let lower = name.to_ascii_lowercase();
    let base = lower
        .strip_suffix(".gz")
        .or_else(|| lower.strip_suffix(".zst"))
        .or_else(|| lower.strip_suffix(".zstd"))
        .unwrap_or(&lower);
    match base.rsplit_once('.').map(|(_, ext)| ext) {
        Some("txt" | "text") => Format::Text,
        Some("jsonl" | "ndjson" | "json") => Format::Jsonl,
        Some("html" | "htm" | "xhtml" | "shtml") => Format::Html,
        Some("warc" | "arc") => Format::Warc,
        _ => Format::Auto,
    }
}

fn by_content(head: &[u8]) -> Format {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let head = &head[start..];
    if head.starts_with(b"WARC/") {
        Format::Warc
    } else if head.starts_with(b"{") {
        Format::Jsonl
    } else if head.starts_with(b"<") {
        Format::Html
    } else {
        Format::Text
    }
}

/// Wraps `raw` in the right decompressor and decides the format.
pub(crate) fn open(
    raw: Box<dyn Read + Send>,
    path: &Path,
    format: Format,
) -> std::io::Result<(Input, Format)> {
    let mut buffered = BufReader::with_capacity(256 << 10, raw);
    let magic = buffered
        .fill_buf()?
        .get(..4)
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    let decompressed: Box<dyn BufRead + Send> = if magic.starts_with(&[0x1f, 0x8b]) {
        Box::new(BufReader::with_capacity(
            256 << 10,
            crate::gz::ResyncGz::new(buffered),
        ))
    } else if magic == [0x28, 0xb5, 0x2f, 0xfd] {
        Box::new(BufReader::with_capacity(
            256 << 10,
            zstd::stream::read::Decoder::with_buffer(buffered)?,
        ))
    } else {
        Box::new(buffered)
    };
    let mut input = Counting::new(decompressed);
    let format = match format {
        Format::Auto => match by_extension(&path.to_string_lossy()) {
            Format::Auto => by_content(input.fill_buf()?),
            known => known,
        },
        given => given,
    };
    Ok((input, format))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_then_content() {
        assert_eq!(by_extension("a/b.warc.gz"), Format::Warc);
        assert_eq!(by_extension("x.JSONL.zst"), Format::Jsonl);
        assert_eq!(by_extension("page.htm"), Format::Html);
        assert_eq!(by_extension("noext"), Format::Auto);
        assert_eq!(by_content(b"WARC/1.1\r\n"), Format::Warc);
        assert_eq!(by_content(b"  {\"text\":1}"), Format::Jsonl);
        assert_eq!(by_content(b"\xef\xbb\xbf<!doctype html>"), Format::Html);
        assert_eq!(by_content(b"date 2025-08-16 Text"), Format::Text);
    }
}
