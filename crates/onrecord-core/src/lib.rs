//! The pure core of onrecord: one news article in, one [`Record`] out.
//!
//! It owns cleaning (main-content extraction from HTML, boilerplate and
//! caption removal from scraped text), metadata, and the record schema.
//! It does no I/O: no files, threads, clocks or environment. Reading inputs
//! is `onrecord-ingest`'s job; the `onrecord` binary runs the pipeline in
//! parallel.
//!
//! ```
//! use onrecord_core::{Body, Document, Pipeline};
//! let pipeline = Pipeline::builder().build();
//! let doc = Document::new(Body::Text("date 2025-08-16 It rained in Paris.\nSupport Now".into()));
//! let record = pipeline.process(&doc).unwrap();
//! assert_eq!(record.text, "It rained in Paris.");
//! assert_eq!(record.article.date.as_deref(), Some("2025-08-16"));
//! ```

#![warn(missing_docs)]

mod amounts;
mod analysis;
mod article;
mod captions;
mod date;
mod document;
mod entities;
mod error;
mod html;
pub mod identity;
mod logistic;
mod parse;
mod perceptron;
mod pos;
mod quotes;
mod record;
mod scraped;
mod text;
mod timex;

#[doc(hidden)]
pub use entities::ner::training as ner_training;
pub use html::MetaRule;
pub use html::learned::BlockModel;
#[doc(hidden)]
pub use html::learned::training as block_training;
#[doc(hidden)]
pub use parse::training as parse_training;
pub use parse::{Dependency, Head, Relation, Tree};
#[doc(hidden)]
pub use pos::training as pos_training;
#[doc(hidden)]
pub use quotes::training as quote_training;
pub use quotes::{QuoteModel, QuoteRule};

#[doc(hidden)]
/// Block dump of an HTML page, for tuning the extractor.
pub fn debug_html_blocks(html: &str) -> String {
    html::debug_blocks(html)
}

use std::sync::Arc;

use sha2::{Digest, Sha256};

pub use crate::article::{Article, ArticleFields};
pub use crate::date::normalize_date;
pub use crate::document::{Body, Document, Hints};
pub use crate::error::{Error, Result};
pub use crate::record::{
    Amount, Caption, DateMention, Entity, Mention, Quote, QuoteKind, Record, SourceRef, Span,
};

/// Builds a [`Pipeline`].
#[derive(Debug, Clone)]
pub struct PipelineBuilder {
    max_input_bytes: usize,
    html_memory_bytes: usize,
    raw_text: bool,
    quotes: bool,
    entities: bool,
    blocks: BlockChooser,
    quote_model: Option<Arc<QuoteModel>>,
    quote_rules: quotes::QuoteRules,
    block_bias: f32,
    meta_rules: html::MetaRules,
}

/// How the blocks of the main text of an HTML page are chosen.
#[derive(Debug, Clone)]
enum BlockChooser {
    /// A learned block model.
    Learned(Arc<BlockModel>),
    /// Readability-style scoring of containers alone.
    Readability,
}

impl Default for PipelineBuilder {
    fn default() -> Self {
        PipelineBuilder {
            max_input_bytes: 64 << 20,
            html_memory_bytes: 64 << 20,
            raw_text: false,
            quotes: true,
            entities: true,
            // Out of fold on WCXB dev the learned chooser beats the
            // readability-style one on every page type (docs/record.md).
            blocks: BlockModel::embedded().map_or(BlockChooser::Readability, BlockChooser::Learned),
            quote_model: QuoteModel::embedded(),
            quote_rules: quotes::QuoteRules::default(),
            block_bias: 0.0,
            meta_rules: html::MetaRules::default(),
        }
    }
}

impl PipelineBuilder {
    /// Inputs larger than this are refused with [`Error::TooLarge`]
    /// (default 64 MiB).
    pub fn max_input_bytes(mut self, bytes: usize) -> Self {
        self.max_input_bytes = bytes;
        self
    }

    /// Memory the HTML parser may use for one page (default 64 MiB).
    pub fn html_memory_bytes(mut self, bytes: usize) -> Self {
        self.html_memory_bytes = bytes;
        self
    }

    /// Keep plain-text input exactly as given in `text` (no cleaning), so
    /// that offsets can be compared with annotations of the raw text.
    pub fn raw_text(mut self, raw: bool) -> Self {
        self.raw_text = raw;
        self
    }

    /// Find entities, amounts and dates (default on). Off, `entities`,
    /// `amounts` and `dates` stay empty, and quotation speakers are named
    /// from capitalised words alone.
    pub fn entities(mut self, on: bool) -> Self {
        self.entities = on;
        self
    }

    /// Find quotations (default on). Off, `quotes` stays empty and the
    /// pipeline only cleans the text and reads the metadata.
    pub fn quotes(mut self, on: bool) -> Self {
        self.quotes = on;
        self
    }

    /// Choose the main text of HTML pages with a learned `model` (by
    /// default the committed [`BlockModel::embedded`]), or with the
    /// readability-style container scoring alone when `None`.
    pub fn block_model(mut self, model: Option<Arc<BlockModel>>) -> Self {
        self.blocks = model.map_or(BlockChooser::Readability, BlockChooser::Learned);
        self
    }

    /// Attribution models other than the committed ones (for
    /// cross-validation); `None` finds no quotations.
    #[doc(hidden)]
    pub fn quote_model(mut self, model: Option<Arc<QuoteModel>>) -> Self {
        self.quote_model = model;
        self
    }

    /// Turns an attribution rule off, to measure what it is worth.
    pub fn without_quote_rule(mut self, rule: QuoteRule) -> Self {
        self.quote_rules = self.quote_rules.without(rule);
        self
    }

    /// Added to the block model's score of "main text" for every block
    /// (default 0; above 0 keeps more, below less). For tuning.
    #[doc(hidden)]
    pub fn block_bias(mut self, bias: f32) -> Self {
        self.block_bias = bias;
        self
    }

    /// Turns a metadata rule off, to measure what it is worth.
    pub fn without_meta_rule(mut self, rule: MetaRule) -> Self {
        self.meta_rules = self.meta_rules.without(rule);
        self
    }

    /// The pipeline.
    pub fn build(self) -> Pipeline {
        let knobs = html::Knobs {
            block_bias: self.block_bias,
            meta_rules: self.meta_rules,
            ..html::Knobs::default()
        };
        Pipeline {
            config: self,
            knobs,
        }
    }
}

/// What the language stages find in one article.
#[derive(Default)]
struct Language {
    quotes: Vec<Quote>,
    entities: Vec<Entity>,
    amounts: Vec<Amount>,
    dates: Vec<DateMention>,
}

/// Turns [`Document`]s into [`Record`]s. Cheap to share across threads.
#[derive(Debug, Clone)]
pub struct Pipeline {
    config: PipelineBuilder,
    knobs: html::Knobs,
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline::builder().build()
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The host of a URL, without `www.` and port.
fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    (!host.is_empty()).then_some(host)
}

/// A URL reduced to what identifies the article: no fragment, lowercase
/// scheme and host, no trailing slash.
fn normalize_url(url: &str) -> String {
    let url = url.trim();
    let url = url.split('#').next().unwrap_or(url);
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let path = path.trim_end_matches('/');
            format!(
                "{}://{}{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase(),
                path
            )
        }
        None => url.to_owned(),
    }
}

/// The stable record id: `u` + hash of the normalised URL, else `c` + hash
/// of the text.
pub fn record_id(url: Option<&str>, text: &str) -> String {
    match url {
        Some(url) => format!(
            "u{}",
            &hex(&Sha256::digest(normalize_url(url).as_bytes()))[..24]
        ),
        None => format!("c{}", &hex(&Sha256::digest(text.as_bytes()))[..24]),
    }
}

/// Text the language is told from: the first few thousand bytes say as
/// much as the whole article, at a fraction of the time.
const LANGUAGE_SAMPLE_BYTES: usize = 512;

fn language(text: &str) -> Option<String> {
    let mut end = text.len().min(LANGUAGE_SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&text[..end])?;
    if !info.is_reliable() {
        return None;
    }
    use whatlang::Lang::*;
    let code = match info.lang() {
        Eng => "en",
        Fra => "fr",
        Deu => "de",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Nld => "nl",
        Rus => "ru",
        Ukr => "uk",
        Pol => "pl",
        Tur => "tr",
        Ara => "ar",
        Cmn => "zh",
        Jpn => "ja",
        Kor => "ko",
        Hin => "hi",
        Swe => "sv",
        Dan => "da",
        Nob => "no",
        Fin => "fi",
        Ces => "cs",
        Ell => "el",
        Heb => "he",
        Hun => "hu",
        Ron => "ro",
        other => other.code(),
    };
    Some(code.to_owned())
}

fn first_some(a: &Option<String>, b: Option<String>) -> Option<String> {
    a.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or(b)
}

impl Pipeline {
    /// The language stages: entities, then quotations whose speakers the
    /// entity layer resolves, then speakers added to the entities; amounts
    /// and dates beside them.
    fn language(&self, text: &str, date: Option<&str>) -> Language {
        let mut out = Language::default();
        if !self.config.quotes && !self.config.entities {
            return out;
        }
        let a = analysis::Analysis::new(text);
        if !self.config.entities {
            let names = entities::people::Names::find(&a.t);
            if let Some(model) = &self.config.quote_model {
                out.quotes = quotes::extract(a, &names, model, self.config.quote_rules);
            }
            return out;
        }
        let mut layer = entities::analyze(&a);
        out.amounts = amounts::extract(&a);
        layer.drop_inside(&out.amounts);
        out.dates = timex::extract(&a, date);
        if self.config.quotes
            && let Some(model) = &self.config.quote_model
        {
            out.quotes = quotes::extract(a, &layer.names, model, self.config.quote_rules);
        }
        layer.name_people(&mut out.quotes);
        layer.name_bodies(&mut out.quotes);
        layer.add_speakers(&out.quotes);
        out.entities = layer.finish();
        out
    }

    /// A builder with default settings.
    pub fn builder() -> PipelineBuilder {
        PipelineBuilder::default()
    }

    /// Processes one article. Deterministic: the same document gives the
    /// same record.
    ///
    /// No input should make the pipeline panic (the parsers are fuzzed);
    /// should a bug still do so, the panic becomes an [`Error::Internal`]
    /// for this article, and a run over many goes on.
    pub fn process(&self, doc: &Document) -> Result<Record> {
        guarded(|| self.process_unguarded(doc))
    }

    fn process_unguarded(&self, doc: &Document) -> Result<Record> {
        let size = doc.len_bytes();
        if size > self.config.max_input_bytes {
            return Err(Error::TooLarge {
                size_bytes: size,
                limit_bytes: self.config.max_input_bytes,
            });
        }
        let hints = &doc.hints;
        let (text, captions, meta) = match &doc.body {
            Body::Html(html) => {
                let model = match &self.config.blocks {
                    BlockChooser::Learned(m) => Some(m.as_ref()),
                    BlockChooser::Readability => None,
                };
                let extract =
                    html::extract(html, self.config.html_memory_bytes, &self.knobs, model)
                        .map_err(|reason| Error::Html { reason })?;
                (
                    extract.paragraphs.join("\n\n"),
                    extract.captions,
                    extract.meta,
                )
            }
            Body::Text(text) if self.config.raw_text => {
                (text.clone(), Vec::new(), html::Metadata::default())
            }
            Body::Text(text) => {
                let extract = scraped::extract(text);
                let meta = html::Metadata {
                    date: extract.date,
                    ..Default::default()
                };
                (extract.paragraphs.join("\n\n"), extract.captions, meta)
            }
        };
        if text.trim().is_empty() {
            return Err(Error::Empty);
        }
        let given = &hints.article;
        let url = first_some(&given.url, meta.url);
        let date = given.date.as_deref().and_then(normalize_date).or(meta.date);
        let site = first_some(&given.site, meta.site).or_else(|| url.as_deref().and_then(host));
        let lang = meta.lang.or_else(|| language(&text));
        let id = first_some(&hints.id, None).unwrap_or_else(|| record_id(url.as_deref(), &text));
        let language = self.language(&text, date.as_deref());
        Ok(Record {
            id,
            source: doc.source.clone(),
            article: Article {
                title: first_some(&given.title, meta.title),
                author: first_some(&given.author, meta.author),
                url,
                date,
                site,
            },
            lang,
            text,
            captions,
            quotes: language.quotes,
            entities: language.entities,
            amounts: language.amounts,
            dates: language.dates,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipeline_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Pipeline>();
    }

    #[test]
    fn ids_are_stable_and_url_based() {
        assert_eq!(
            record_id(Some("HTTPS://Example.com/a/#x"), "t"),
            record_id(Some("https://example.com/a"), "other")
        );
        assert!(record_id(None, "t").starts_with('c'));
        assert_eq!(
            host("https://www.bbc.co.uk:443/news").as_deref(),
            Some("bbc.co.uk")
        );
    }
}

/// Runs `f`, turning a panic into [`Error::Internal`] with its message.
fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let reason = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(Error::Internal { reason })
    })
}

#[cfg(test)]
mod guard_tests {
    use super::*;

    #[test]
    fn a_panic_is_an_error_for_its_article() {
        let out: Result<()> = guarded(|| panic!("index out of bounds"));
        match out {
            Err(Error::Internal { reason }) => assert_eq!(reason, "index out of bounds"),
            other => panic!("{other:?}"),
        }
        let formatted: Result<()> = guarded(|| panic!("token {} of {}", 7, 3));
        assert!(matches!(formatted, Err(Error::Internal { reason }) if reason == "token 7 of 3"));
        assert!(matches!(guarded(|| Ok(5)), Ok(5)));
    }
}
