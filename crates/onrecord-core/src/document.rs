use crate::article::Article;
use crate::record::SourceRef;

/// The article body as it arrived.
#[derive(Debug, Clone)]
pub enum Body {
    /// An HTML page, already decoded to UTF-8.
    Html(String),
    /// Already-scraped plain text (possibly with boilerplate in it).
    Text(String),
}

/// Metadata the input already carries (a JSONL dump's fields, WARC
/// headers). Values here win over what is found in the page, except where
/// noted.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// An id to keep as the record id.
    pub id: Option<String>,
    /// URL, date (as the input writes it), title, author, site.
    pub article: Article,
}

/// One article to process.
#[derive(Debug, Clone)]
pub struct Document {
    /// The body.
    pub body: Body,
    /// Metadata from the input.
    pub hints: Hints,
    /// Where the article came from.
    pub source: Option<SourceRef>,
}

impl Document {
    /// A document with no hints and no source.
    pub fn new(body: Body) -> Self {
        Document {
            body,
            hints: Hints::default(),
            source: None,
        }
    }

    /// Size of the body in bytes.
    pub fn len_bytes(&self) -> usize {
        match &self.body {
            Body::Html(s) | Body::Text(s) => s.len(),
        }
    }
}
