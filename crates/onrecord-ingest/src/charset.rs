//! Bytes to text for HTML, in the WHATWG order: byte order mark, the HTTP
//! `charset`, a `<meta>` prescan of the first 1,024 bytes, then sniffing.

use encoding_rs::Encoding;

fn charset_param(content_type: &str) -> Option<&'static Encoding> {
    let lower = content_type.to_ascii_lowercase();
    let at = lower.find("charset=")?;
    let value = lower[at + 8..]
        .trim_start_matches(['"', '\''])
        .split(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .next()?;
    Encoding::for_label(value.as_bytes())
}

/// The `<meta charset>` or `<meta http-equiv content="...charset=...">` in
/// the first 1,024 bytes.
fn meta_prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("<meta") {
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e);
        let tag = &rest[at..tag_end];
        if let Some(c) = tag.find("charset=") {
            let value = tag[c + 8..]
                .trim_start_matches(['"', '\''])
                .split(|ch: char| {
                    ch == '"' || ch == '\'' || ch == ';' || ch == '/' || ch.is_whitespace()
                })
                .next()
                .unwrap_or("");
            if let Some(enc) = Encoding::for_label(value.as_bytes()) {
                // A page that says UTF-16 in ASCII is not UTF-16.
                return Some(
                    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                        encoding_rs::UTF_8
                    } else {
                        enc
                    },
                );
            }
        }
        rest = &rest[tag_end.min(rest.len())..];
    }
    None
}

/// Decodes an HTML page. `content_type` is the HTTP header, when known.
/// Never fails: undecodable bytes become U+FFFD, as browsers do.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> String {
    let encoding = Encoding::for_bom(bytes)
        .map(|(enc, _)| enc)
        .or_else(|| content_type.and_then(charset_param))
        .or_else(|| meta_prescan(bytes))
        .unwrap_or_else(|| {
            if std::str::from_utf8(bytes).is_ok() {
                encoding_rs::UTF_8
            } else {
                let mut detector = chardetng::EncodingDetector::new();
                detector.feed(bytes, true);
                detector.guess(None, true)
            }
        });
    let (text, _, _) = encoding.decode(bytes);
    text.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_then_meta_then_sniff() {
        let latin1 = b"<meta charset=\"windows-1252\"><p>caf\xe9</p>";
        assert!(decode_html(latin1, None).contains("café"));
        assert!(
            decode_html(b"<p>caf\xc3\xa9</p>", Some("text/html; charset=utf-8")).contains("café")
        );
        assert!(decode_html(b"<p>caf\xe9 cr\xe8me br\xfbl\xe9e</p>", None).contains("café"));
        assert!(
            decode_html(b"\xef\xbb\xbf<p>x</p>", Some("text/html; charset=latin1"))
                .starts_with("<p>")
        );
    }
}
