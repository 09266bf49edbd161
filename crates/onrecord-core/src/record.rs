//! The record: what onrecord writes for every article. The wire format is
//! documented field by field in `docs/record.md`.

use serde::{Deserialize, Serialize};

use crate::article::Article;

/// Where a record came from: the input file, the record's index in it and
/// its byte offset (in the decompressed stream).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SourceRef {
    /// The input path as given (or `-` for standard input).
    pub path: String,
    /// Zero-based index of the record within the input.
    pub index: u64,
    /// Byte offset of the record in the (decompressed) input.
    pub offset: u64,
}

/// A span of the record's `text`: Unicode code point offsets, `start`
/// inclusive, `end` exclusive, and the text they cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// The covered text, equal to `text[start..end]` counted in chars.
    pub text: String,
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
}

/// An image caption, kept apart from the body text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caption {
    /// The caption text without its credit.
    pub text: String,
    /// The photo credit ("Getty Images", "AP Photo/Jane Doe"), when given.
    pub credit: Option<String>,
}

/// How much of a quotation is inside quotation marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// All of the content is inside quotation marks.
    Direct,
    /// Part of the content is quoted.
    Mixed,
    /// Reported speech with no quotation marks.
    Indirect,
}

/// An attributed statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Direct, mixed or indirect.
    pub kind: QuoteKind,
    /// What was said.
    pub content: Span,
    /// The reporting verb or phrase ("said", "according to").
    pub cue: Option<Span>,
    /// The speaker as mentioned in the text.
    pub speaker: Option<Span>,
    /// The speaker resolved to the fullest name the article uses.
    pub speaker_name: Option<String>,
}

/// One mention of an entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The mention's text.
    pub text: String,
}

/// A person, organisation, place or group, with its mentions clustered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Canonical name: the fullest form the article uses.
    pub name: String,
    /// `person`, `org`, `place`, `group` or `other`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Every mention in the text.
    pub mentions: Vec<Mention>,
}

/// A normalised amount: money, a count, a percentage or a duration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    /// The phrase as written.
    pub text: String,
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The value as a plain number (the lower bound of a range).
    pub value: f64,
    /// The upper bound of a range ("5 to 7 thousand"), else absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// ISO 4217 code for money, otherwise a plain unit.
    pub unit: String,
    /// `money`, `count`, `percent` or `duration`.
    pub kind: String,
}

/// A date mentioned in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateMention {
    /// The phrase as written ("on Sunday" reads as "Sunday").
    pub text: String,
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// ISO 8601: a day (`2025-08-10`), a month (`2025-07`), an ISO week
    /// (`2025-W32`) or a year (`2024`); relative dates are read against the
    /// article's date, and are null when it has none.
    pub value: Option<String>,
}

/// One article, cleaned and structured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Record {
    /// Stable id: the input's own id, else derived from the URL, else a hash
    /// of the text.
    pub id: String,
    /// Where the record came from; absent when the caller gave no source.
    pub source: Option<SourceRef>,
    /// URL, date, title, author and site: top-level keys in the JSON.
    #[serde(flatten)]
    pub article: Article,
    /// ISO 639-1 language code of the text, when it can be told.
    pub lang: Option<String>,
    /// Main text; paragraphs are separated by one blank line.
    pub text: String,
    /// Image captions with their credits, kept out of `text`.
    pub captions: Vec<Caption>,
    /// Attributed statements (filled by the quotation stage).
    pub quotes: Vec<Quote>,
    /// People, organisations and places (filled by the entity stage).
    pub entities: Vec<Entity>,
    /// Money, counts, percentages and durations (filled by the amount stage).
    pub amounts: Vec<Amount>,
    /// Dates the text mentions.
    #[serde(default)]
    pub dates: Vec<DateMention>,
}
