//! JSONL dumps: one article object per line (CC-News, most news dumps).

use std::io::BufRead;

use onrecord_core::{ArticleFields, Body, Document, Hints, SourceRef};
use serde_json::{Map, Value};

use crate::{Error, ErrorKind, Input, Item, Records, Result};

/// Which JSON fields hold what. Each is a list tried in order.
#[derive(Debug, Clone)]
pub struct FieldNames {
    /// Plain text of the article.
    pub text: Vec<String>,
    /// HTML of the page.
    pub html: Vec<String>,
    /// Record id.
    pub id: Vec<String>,
    /// URL, date, title, author and site: the keys of each, tried in
    /// order.
    pub article: ArticleFields<Vec<String>>,
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

impl Default for FieldNames {
    fn default() -> Self {
        FieldNames {
            text: names(&["text", "maintext", "body", "content"]),
            html: names(&["html", "raw_html"]),
            id: names(&["id", "doc_id"]),
            article: ArticleFields {
                url: names(&["url", "link"]),
                date: names(&[
                    "date",
                    "published",
                    "date_publish",
                    "publish_date",
                    "published_at",
                ]),
                title: names(&["title", "headline"]),
                author: names(&["author", "authors", "byline"]),
                site: names(&["site", "source", "domain", "source_domain", "outlet"]),
            },
        }
    }
}

fn field(object: &Map<String, Value>, keys: &[String]) -> Option<String> {
    keys.iter().find_map(|k| match object.get(k)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => {
            let parts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        _ => None,
    })
}

pub(crate) struct JsonlRecords {
    input: Input,
    name: String,
    fields: FieldNames,
    limit: usize,
    index: u64,
    line: Vec<u8>,
    done: bool,
}

impl JsonlRecords {
    pub(crate) fn new(input: Input, name: String, fields: FieldNames, limit: usize) -> Self {
        JsonlRecords {
            input,
            name,
            fields,
            limit,
            index: 0,
            line: Vec::new(),
            done: false,
        }
    }

    /// Reads one line, keeping at most `limit` bytes of it. Returns the
    /// offset of the line and whether it was cut.
    fn read_line(&mut self) -> std::io::Result<Option<(u64, bool)>> {
        self.line.clear();
        let offset = self.input.position();
        let mut over = false;
        loop {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                return Ok((!self.line.is_empty() || over).then_some((offset, over)));
            }
            let (chunk, found) = match memchr::memchr(b'\n', buf) {
                Some(i) => (&buf[..=i], true),
                None => (buf, false),
            };
            let used = chunk.len();
            if self.line.len() + used <= self.limit {
                self.line.extend_from_slice(chunk);
            } else {
                over = true;
            }
            self.input.consume(used);
            if found {
                return Ok(Some((offset, over)));
            }
        }
    }

    fn parse(&self, offset: u64) -> Result<Item> {
        parse_object(
            &self.line,
            &self.fields,
            SourceRef {
                path: self.name.clone(),
                index: self.index,
                offset,
            },
        )
    }
}

/// One JSONL line (a JSON object) as a document, its fields read by
/// `fields`, the way `extract` reads each line of a JSONL file; errors
/// name `source`.
pub fn parse_object(line: &[u8], fields: &FieldNames, source: SourceRef) -> Result<Item> {
    let err = |kind: ErrorKind| Error::new(&source.path, source.index, source.offset, kind);
    let text = std::str::from_utf8(line).map_err(|e| {
        err(ErrorKind::InvalidUtf8 {
            at: e.valid_up_to(),
        })
    })?;
    let value: Value =
        serde_json::from_str(text).map_err(|e| err(ErrorKind::Json(e.to_string())))?;
    let Value::Object(object) = value else {
        return Err(err(ErrorKind::NotAnObject));
    };
    let body = match (field(&object, &fields.text), field(&object, &fields.html)) {
        (_, Some(html)) => Body::Html(html),
        (Some(text), None) => Body::Text(text),
        (None, None) => {
            return Err(err(ErrorKind::NoBody {
                text: fields.text.first().cloned().unwrap_or_default(),
                html: fields.html.first().cloned().unwrap_or_default(),
            }));
        }
    };
    let f = |keys: &[String]| field(&object, keys);
    Ok(Item::Document(Document {
        body,
        hints: Hints {
            id: f(&fields.id),
            article: fields.article.as_ref().map(|_, keys| f(keys)),
        },
        source: Some(source),
    }))
}

impl Records for JsonlRecords {
    fn next_item(&mut self) -> Option<Result<Item>> {
        if self.done {
            return None;
        }
        loop {
            let offset = self.input.position();
            let (offset, over) = match self.read_line() {
                Ok(Some(r)) => r,
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    // A damaged gzip member loses the lines in it; any
                    // other read error ends this file.
                    let recoverable = crate::gz::is_recoverable(&e);
                    let error = Error::new(&self.name, self.index, offset, e);
                    if recoverable {
                        self.index += 1;
                    } else {
                        self.done = true;
                    }
                    return Some(Err(error));
                }
            };
            if !over && self.line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let result = if over {
                Err(Error::new(
                    &self.name,
                    self.index,
                    offset,
                    ErrorKind::TooLarge {
                        limit_bytes: self.limit,
                    },
                ))
            } else {
                self.parse(offset)
            };
            self.index += 1;
            return Some(result);
        }
    }
}
