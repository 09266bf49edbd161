//! An embedded, on-disk index of onrecord records for "who said what":
//! full-text search over quote content (words and phrases) filtered by
//! speaker, outlet, date range and kind, and every article's full record.
//!
//! Built on tantivy (chosen over SQLite FTS5 on measurement: ranked queries
//! on frequent terms stay in milliseconds at millions of quotes, where FTS5
//! took seconds; see `docs/search.md`). One tantivy document per quote and
//! one per article, all keyed by the article id. Adding an article deletes
//! whatever the index held under its id first, in the same commit, so
//! indexing an article twice replaces it, and a commit holds whole
//! articles only: a run killed at any moment leaves the last commit, which
//! opens and answers queries.
//!
//! Speakers are one person across articles: every quote carries its
//! speaker's normalised name (`speaker_norm`) and every article the people
//! it names (`person`); at open and reload the index counts those names
//! into an `onrecord_core::identity::Linker`, and speaker filters, the
//! speaker list and a speaker's days go through it, so "Trump" in an
//! article that never writes the full name is Donald Trump (when he
//! dominates that surname in the corpus) while "Donald Trump Jr." stays
//! apart. Keys are decided at query time from the whole index, so the
//! order articles were added in never matters.

#![warn(missing_docs)]

use std::collections::HashMap;
use std::ops::Bound;
use std::path::Path;
use std::sync::{Arc, RwLock};

use onrecord_core::identity::{Linker, people_of, person_key};
use onrecord_core::{QuoteKind, Record};
use serde::Serialize;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::agg_result::AggregationResults;
use tantivy::aggregation::{AggContextParams, AggregationCollector};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    AllQuery, BooleanQuery, Occur, PhraseQuery, Query, QueryParser, RangeQuery, TermQuery,
    TermSetQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TEXT, TantivyDocument, Value,
};
use tantivy::tokenizer::TokenStream;
use tantivy::{Index, IndexReader, IndexWriter, Order, ReloadPolicy, Term};

/// What can go wrong with the index.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// tantivy failed (I/O, a corrupt or locked index).
    #[error("index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The directory could not be opened.
    #[error("index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    /// The query text is not valid query syntax.
    #[error("bad query: {0}")]
    Query(String),
    /// A search field longer than its bound (checked before any parsing).
    #[error("{field} is {chars} characters long; at most {max} are read")]
    TooLong {
        /// Which field: `query`, `speaker` or `outlet`.
        field: &'static str,
        /// Its length in characters.
        chars: usize,
        /// [`MAX_QUERY_CHARS`] or [`MAX_NAME_CHARS`].
        max: usize,
    },
    /// Parentheses nested deeper than [`MAX_QUERY_DEPTH`].
    #[error("the query nests parentheses {depth} deep; at most {max} levels are read")]
    TooDeep {
        /// The deepest nesting found.
        depth: usize,
        /// [`MAX_QUERY_DEPTH`].
        max: usize,
    },
    /// A page past [`MAX_OFFSET`] or larger than [`MAX_LIMIT`].
    #[error("{what} {value} is past the maximum {max}")]
    Page {
        /// `offset` or `limit`.
        what: &'static str,
        /// What was asked for.
        value: usize,
        /// [`MAX_OFFSET`] or [`MAX_LIMIT`].
        max: usize,
    },
    /// The search ran past its deadline and was stopped.
    #[error("the search ran past its time budget and was stopped")]
    Deadline,
    /// A date that is not a calendar date `YYYY-MM-DD`.
    #[error("bad date {0:?}: expected a calendar date YYYY-MM-DD")]
    Date(String),
    /// A stored record that does not read back.
    #[error("stored record: {0}")]
    Record(#[from] serde_json::Error),
}

/// Result of index operations.
pub type Result<T> = std::result::Result<T, Error>;

/// The fields of the schema.
#[derive(Clone, Copy)]
struct Fields {
    doc_type: Field,
    article: Field,
    content: Field,
    speaker: Field,
    speaker_key: Field,
    speaker_norm: Field,
    person: Field,
    kind: Field,
    cue: Field,
    site: Field,
    date: Field,
    url: Field,
    title: Field,
    date_text: Field,
    record: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let f = Fields {
        doc_type: b.add_text_field("doc_type", STRING),
        article: b.add_text_field("article", STRING | STORED),
        content: b.add_text_field("content", TEXT | STORED),
        speaker: b.add_text_field("speaker", TEXT | STORED),
        speaker_key: b.add_text_field("speaker_key", STRING | FAST),
        speaker_norm: b.add_text_field("speaker_norm", STRING | FAST),
        person: b.add_text_field("person", STRING | FAST),
        kind: b.add_text_field("kind", STRING | STORED),
        cue: b.add_text_field("cue", STORED),
        site: b.add_text_field("site", STRING | STORED),
        date: b.add_i64_field("date", INDEXED | FAST | STORED),
        url: b.add_text_field("url", STORED),
        title: b.add_text_field("title", STORED),
        date_text: b.add_text_field("date_text", STORED),
        record: b.add_text_field("record", STORED),
    };
    (b.build(), f)
}

/// Most characters of an article's url and title copied into each of its
/// quotes (the article's record keeps them whole).
pub const MAX_COPY_CHARS: usize = 2_000;

/// The first `max` characters of `s`.
fn prefix(s: &str, max: usize) -> &str {
    s.char_indices().nth(max).map_or(s, |(at, _)| &s[..at])
}

/// Longest query text read, in characters.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// Longest speaker or outlet filter read, in characters.
pub const MAX_NAME_CHARS: usize = 300;
/// Deepest nesting of parentheses read in a query. tantivy's parser
/// recurses once per level; real searches rarely nest past two or three.
pub const MAX_QUERY_DEPTH: usize = 8;
/// Most hits a page holds.
pub const MAX_LIMIT: usize = 1_000;
/// Most hits a page may skip: the collector holds `offset + limit` hits.
pub const MAX_OFFSET: usize = 100_000;

/// The calendar date at the start of `date` (`YYYY-MM-DD`, the start of an
/// ISO timestamp) as the integer `YYYYMMDD`, the index's date key.
/// `2025-02-30` is not a date.
pub fn date_key(date: &str) -> Result<i64> {
    let bad = || Error::Date(date.to_owned());
    let d = date.get(..10).ok_or_else(bad)?;
    if !d.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        _ => b.is_ascii_digit(),
    }) {
        return Err(bad());
    }
    let day: jiff::civil::Date = d.parse().map_err(|_| bad())?;
    Ok(i64::from(day.year()) * 10_000 + i64::from(day.month()) * 100 + i64::from(day.day()))
}

/// A search filter's day: exactly a calendar date `YYYY-MM-DD`
/// (`2025-08-16garbage` is not one), as [`date_key`].
pub fn day_key(day: &str) -> Result<i64> {
    if day.len() != 10 {
        return Err(Error::Date(day.to_owned()));
    }
    date_key(day)
}

/// How deep the query nests parentheses outside `"phrases"` (whose
/// parentheses are words to the parser).
fn nesting(query: &str) -> usize {
    let (mut depth, mut deepest, mut phrase) = (0usize, 0usize, false);
    for c in query.chars() {
        match c {
            '"' => phrase = !phrase,
            '(' if !phrase => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' if !phrase => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// [`Error::TooLong`] when `text` has more than `max` characters.
fn long(field: &'static str, text: Option<&str>, max: usize) -> Result<()> {
    match text.map(|t| t.chars().count()) {
        Some(chars) if chars > max => Err(Error::TooLong { field, chars, max }),
        _ => Ok(()),
    }
}

/// Checks a search's sizes before anything parses it: the query's length
/// and nesting, the filters' lengths, the page.
fn check_bounds(s: &Search) -> Result<()> {
    long("query", s.query.as_deref(), MAX_QUERY_CHARS)?;
    long("speaker", s.speaker.as_deref(), MAX_NAME_CHARS)?;
    long("outlet", s.outlet.as_deref(), MAX_NAME_CHARS)?;
    if let Some(q) = &s.query {
        let depth = nesting(q);
        if depth > MAX_QUERY_DEPTH {
            return Err(Error::TooDeep {
                depth,
                max: MAX_QUERY_DEPTH,
            });
        }
    }
    if s.offset > MAX_OFFSET {
        return Err(Error::Page {
            what: "offset",
            value: s.offset,
            max: MAX_OFFSET,
        });
    }
    if s.limit > MAX_LIMIT {
        return Err(Error::Page {
            what: "limit",
            value: s.limit,
            max: MAX_LIMIT,
        });
    }
    Ok(())
}

/// `YYYYMMDD` back to `YYYY-MM-DD`.
fn key_to_date(k: i64) -> String {
    format!("{:04}-{:02}-{:02}", k / 10_000, k / 100 % 100, k % 100)
}

/// A speaker in the index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Speaker {
    /// The name as the corpus key writes it, when quotes give it so, else
    /// the form most of this speaker's quotes give.
    pub name: String,
    /// The corpus-wide key (see `onrecord_core::identity`).
    pub key: String,
    /// Quotes attributed to this name.
    pub quotes: usize,
    /// Date of the first dated quote.
    pub first: Option<String>,
    /// Date of the last dated quote.
    pub last: Option<String>,
}

fn kind_name(k: QuoteKind) -> &'static str {
    match k {
        QuoteKind::Direct => "direct",
        QuoteKind::Mixed => "mixed",
        QuoteKind::Indirect => "indirect",
    }
}

/// A collector that refuses to start a segment past a deadline, so that a
/// search the caller has given up on stops instead of running to the end.
struct Deadline<C> {
    inner: C,
    until: Option<std::time::Instant>,
}

impl<C> Deadline<C> {
    fn new(inner: C, until: Option<std::time::Instant>) -> Deadline<C> {
        Deadline { inner, until }
    }
}

/// The message [`Deadline`] stops a search with.
const DEADLINE_PASSED: &str = "onrecord: deadline passed";

impl<C: tantivy::collector::Collector> tantivy::collector::Collector for Deadline<C> {
    type Fruit = C::Fruit;
    type Child = C::Child;

    fn for_segment(
        &self,
        segment: tantivy::SegmentOrdinal,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<C::Child> {
        if self
            .until
            .is_some_and(|until| std::time::Instant::now() >= until)
        {
            return Err(tantivy::TantivyError::InternalError(DEADLINE_PASSED.into()));
        }
        self.inner.for_segment(segment, reader)
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        fruits: Vec<<C::Child as tantivy::collector::SegmentCollector>::Fruit>,
    ) -> tantivy::Result<C::Fruit> {
        self.inner.merge_fruits(fruits)
    }
}

/// [`Error::Deadline`] for a search [`Deadline`] stopped, else the error.
fn expired(e: tantivy::TantivyError) -> Error {
    match &e {
        tantivy::TantivyError::InternalError(m) if m == DEADLINE_PASSED => Error::Deadline,
        _ => Error::Index(e),
    }
}

/// An index on disk.
pub struct QuoteIndex {
    index: Index,
    reader: IndexReader,
    f: Fields,
    /// People across the corpus, as of the last reload.
    linker: RwLock<Arc<Linker>>,
}

/// Adds records to an index; nothing is visible (or durable) before
/// [`Writer::commit`].
pub struct Writer {
    writer: IndexWriter,
    f: Fields,
}

impl Writer {
    /// Adds (or replaces) one article and its quotes.
    pub fn add(&mut self, record: &Record) -> Result<()> {
        let f = self.f;
        self.writer
            .delete_term(Term::from_field_text(f.article, &record.id));
        let meta = &record.article;
        let date = meta.date.as_deref().and_then(|d| date_key(d).ok());
        let site = meta.site.as_deref().unwrap_or("").to_lowercase();
        let mut article = TantivyDocument::default();
        article.add_text(f.doc_type, "article");
        article.add_text(f.article, &record.id);
        article.add_text(f.record, serde_json::to_string(record)?);
        for p in &people_of(record) {
            article.add_text(f.person, p);
        }
        self.writer.add_document(article)?;
        for q in &record.quotes {
            let mut d = TantivyDocument::default();
            d.add_text(f.doc_type, "quote");
            d.add_text(f.article, &record.id);
            d.add_text(f.content, &q.content.text);
            if let Some(s) = &q.speaker_name {
                d.add_text(f.speaker, s);
                d.add_text(f.speaker_key, s);
                d.add_text(f.speaker_norm, person_key(s));
            }
            d.add_text(f.kind, kind_name(q.kind));
            if let Some(c) = &q.cue {
                d.add_text(f.cue, &c.text);
            }
            d.add_text(f.site, &site);
            // Undated quotes sort last (0) and fall outside every range.
            d.add_i64(f.date, date.unwrap_or(0));
            // Each quote carries copies of its article's url, title and
            // date, cut so that an article with a huge title and many
            // quotes does not store (and a search read back) the title
            // once per quote; the article's record keeps them whole.
            if let Some(u) = &meta.url {
                d.add_text(f.url, prefix(u, MAX_COPY_CHARS));
            }
            if let Some(t) = &meta.title {
                d.add_text(f.title, prefix(t, MAX_COPY_CHARS));
            }
            if let Some(t) = &meta.date {
                d.add_text(f.date_text, prefix(t, 100));
            }
            self.writer.add_document(d)?;
        }
        Ok(())
    }

    /// Makes everything added so far durable and searchable, atomically.
    pub fn commit(&mut self) -> Result<()> {
        self.writer.commit()?;
        Ok(())
    }
}

/// A search: words (tantivy query syntax: words, `"a phrase"`, `AND`,
/// `OR`, `-word`) and filters. Empty words match every quote.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Words or phrases in the quote content.
    pub query: Option<String>,
    /// A speaker's name or part of it ("Putin" finds "Vladimir Putin"),
    /// its words in order with at most one more between them ("Vladimir
    /// Putin" finds "Vladimir V. Putin").
    pub speaker: Option<String>,
    /// The outlet (`site`), case-insensitive.
    pub outlet: Option<String>,
    /// First day, `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`, inclusive.
    pub to: Option<String>,
    /// `direct`, `mixed` or `indirect`.
    pub kind: Option<String>,
    /// Hits to return, at most [`MAX_LIMIT`] (0: only the count).
    pub limit: usize,
    /// Hits to skip, at most [`MAX_OFFSET`]; past the last hit the page is
    /// empty.
    pub offset: usize,
    /// When to give up: a search still running then stops at the next
    /// segment and fails with [`Error::Deadline`].
    pub deadline: Option<std::time::Instant>,
}

/// The article a quote comes from.
///
/// Not an [`onrecord_core::Article`]: these are the copies each quote
/// stores of its article's fields (cut, the site lower-cased), and which
/// fields a quote stores is a choice of the index's schema, so a new
/// article field is added here with its schema field, by hand. The
/// article's whole record (`Reader::article`) has every field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleRef {
    /// Record id.
    pub id: String,
    /// URL.
    pub url: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Publication date as the record gives it.
    pub date: Option<String>,
    /// Outlet.
    pub site: Option<String>,
}

/// One quote found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// What was said.
    pub content: String,
    /// `direct`, `mixed` or `indirect`.
    pub kind: String,
    /// The speaker's canonical name, if any.
    pub speaker_name: Option<String>,
    /// The reporting verb or phrase, if any.
    pub cue: Option<String>,
    /// Where it was said.
    pub article: ArticleRef,
    /// Relevance (BM25; 0 when the search has no words).
    pub score: f32,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    /// Quotes matching, in all.
    pub total: usize,
    /// The page asked for: by relevance, then newest first.
    pub quotes: Vec<Hit>,
}

impl QuoteIndex {
    /// Opens the index in `dir`, creating it (and the directory) if needed.
    pub fn open(dir: &Path) -> Result<QuoteIndex> {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::Index(tantivy::TantivyError::SystemError(format!(
                "cannot create {}: {e}",
                dir.display()
            )))
        })?;
        let (schema, f) = schema();
        let index = Index::open_or_create(MmapDirectory::open(dir)?, schema)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let index = QuoteIndex {
            index,
            reader,
            f,
            linker: RwLock::new(Arc::new(Linker::new())),
        };
        index.relink()?;
        Ok(index)
    }

    /// Counts the people articles name into a fresh linker.
    fn relink(&self) -> Result<()> {
        let request = serde_json::json!({
            "people": {"terms": {"field": "person", "size": 1_000_000}}
        });
        let aggs: Aggregations = serde_json::from_value(request)?;
        let collector = AggregationCollector::from_aggs(aggs, AggContextParams::default());
        let query = TermQuery::new(
            Term::from_field_text(self.f.doc_type, "article"),
            IndexRecordOption::Basic,
        );
        let res: AggregationResults = self.reader.searcher().search(&query, &collector)?;
        let value = serde_json::to_value(&res)?;
        let mut linker = Linker::new();
        for b in value["people"]["buckets"].as_array().into_iter().flatten() {
            if let (Some(k), Some(n)) = (b["key"].as_str(), b["doc_count"].as_u64()) {
                linker.observe_n(k, n);
            }
        }
        linker.build();
        *self.linker.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(linker);
        Ok(())
    }

    fn linker(&self) -> Arc<Linker> {
        self.linker
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The normalised names a speaker name stands for across the corpus:
    /// its corpus key and every form linked to it.
    fn speaker_aliases(&self, name: &str) -> Vec<String> {
        let linker = self.linker();
        linker.aliases(linker.resolve(&person_key(name)))
    }

    /// Quotes whose speaker is one of `aliases`.
    fn alias_query(&self, aliases: &[String]) -> Box<dyn Query> {
        Box::new(TermSetQuery::new(
            aliases
                .iter()
                .map(|a| Term::from_field_text(self.f.speaker_norm, a)),
        ))
    }

    /// A writer with `heap_bytes` of indexing memory (tantivy's minimum is
    /// 15 MB per thread).
    pub fn writer(&self, heap_bytes: usize) -> Result<Writer> {
        Ok(Writer {
            writer: self
                .index
                .writer_with_num_threads(1, heap_bytes.max(15_000_000))?,
            f: self.f,
        })
    }

    /// Sees the latest commit.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload()?;
        self.relink()?;
        Ok(())
    }

    fn text_query(&self, field: Field, text: &str) -> Option<Box<dyn Query>> {
        // The field's own tokenizer, so that the terms are the indexed ones.
        let mut tokenizer = self.index.tokenizer_for_field(field).ok()?;
        let mut stream = tokenizer.token_stream(text);
        let mut terms = Vec::new();
        while stream.advance() {
            terms.push((
                stream.token().position,
                Term::from_field_text(field, &stream.token().text),
            ));
        }
        match terms.len() {
            0 => None,
            1 => Some(Box::new(TermQuery::new(
                terms.remove(0).1,
                IndexRecordOption::Basic,
            ))),
            // One word may come between ("Vladimir Putin" finds "Vladimir
            // V. Putin", "Donald Trump" finds "Donald J. Trump").
            _ => Some(Box::new(PhraseQuery::new_with_offset_and_slop(terms, 1))),
        }
    }

    fn build(&self, s: &Search) -> Result<(Box<dyn Query>, bool)> {
        let f = self.f;
        let mut parts: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.doc_type, "quote"),
                IndexRecordOption::Basic,
            )),
        )];
        let words = s.query.as_deref().map(str::trim).filter(|q| !q.is_empty());
        if let Some(q) = words {
            let mut parser = QueryParser::for_index(&self.index, vec![f.content]);
            // Every word must be there, as in a search box.
            parser.set_conjunction_by_default();
            let parsed = parser
                .parse_query(q)
                .map_err(|e| Error::Query(e.to_string()))?;
            parts.push((Occur::Must, parsed));
        }
        if let Some(sp) = s.speaker.as_deref().filter(|x| !x.trim().is_empty()) {
            // The words of the name as written, or the same person by
            // corpus key ("Donald Trump" finds "Trump" alone where the
            // corpus's Trump is Donald Trump).
            let aliases = self.speaker_aliases(sp);
            let by_key = aliases.iter().any(|a| !a.is_empty());
            match (self.text_query(f.speaker, sp), by_key) {
                (Some(q), true) => parts.push((
                    Occur::Must,
                    Box::new(BooleanQuery::new(vec![
                        (Occur::Should, q),
                        (Occur::Should, self.alias_query(&aliases)),
                    ])),
                )),
                (Some(q), false) => parts.push((Occur::Must, q)),
                (None, true) => parts.push((Occur::Must, self.alias_query(&aliases))),
                // Nothing to match on ("!!!"): no quote has that speaker.
                (None, false) => parts.push((Occur::MustNot, Box::new(AllQuery))),
            }
        }
        if let Some(o) = s.outlet.as_deref().filter(|x| !x.trim().is_empty()) {
            parts.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.site, &o.trim().to_lowercase()),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(k) = s.kind.as_deref().filter(|x| !x.is_empty()) {
            parts.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.kind, k),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let from = s.from.as_deref().map(day_key).transpose()?;
        let to = s.to.as_deref().map(day_key).transpose()?;
        if from.is_some() || to.is_some() {
            let bound = |k: Option<i64>| match k {
                Some(k) => Bound::Included(Term::from_field_i64(f.date, k)),
                None => Bound::Unbounded,
            };
            // Undated quotes (0) are in no range.
            let lower = bound(Some(from.unwrap_or(1)));
            parts.push((Occur::Must, Box::new(RangeQuery::new(lower, bound(to)))));
        }
        Ok((Box::new(BooleanQuery::new(parts)), words.is_some()))
    }

    /// Runs a search. Its sizes are checked first ([`MAX_QUERY_CHARS`],
    /// [`MAX_QUERY_DEPTH`], [`MAX_LIMIT`], [`MAX_OFFSET`]): past them it is
    /// an error, never a silent cap.
    pub fn search(&self, s: &Search) -> Result<Results> {
        check_bounds(s)?;
        let (query, ranked) = self.build(s)?;
        let searcher = self.reader.searcher();
        if s.limit == 0 || s.offset >= MAX_OFFSET {
            let total = searcher
                .search(&query, &Deadline::new(Count, s.deadline))
                .map_err(expired)?;
            return Ok(Results {
                total,
                quotes: Vec::new(),
            });
        }
        // Both bounded above, so no overflow and a bounded heap.
        let want = s.offset + s.limit;
        let (addresses, total): (Vec<(f32, tantivy::DocAddress)>, usize) = if ranked {
            let (top, total) = searcher
                .search(
                    &query,
                    &Deadline::new(
                        (TopDocs::with_limit(want).order_by_score(), Count),
                        s.deadline,
                    ),
                )
                .map_err(expired)?;
            // Equal scores: newest first.
            // From the columnar date, not the document store.
            let date_of = |a: tantivy::DocAddress| -> i64 {
                searcher
                    .segment_reader(a.segment_ord)
                    .fast_fields()
                    .i64("date")
                    .ok()
                    .and_then(|c| c.first(a.doc_id))
                    .unwrap_or(0)
            };
            let mut keyed: Vec<(f32, i64, tantivy::DocAddress)> =
                top.into_iter().map(|(sc, a)| (sc, date_of(a), a)).collect();
            keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
            (keyed.into_iter().map(|(sc, _, a)| (sc, a)).collect(), total)
        } else {
            let top = TopDocs::with_limit(want).order_by_fast_field::<i64>("date", Order::Desc);
            let (top, total) = searcher
                .search(&query, &Deadline::new((top, Count), s.deadline))
                .map_err(expired)?;
            (top.into_iter().map(|(_, a)| (0.0, a)).collect(), total)
        };
        let mut quotes = Vec::new();
        for (score, a) in addresses.into_iter().skip(s.offset).take(s.limit) {
            let d: TantivyDocument = searcher.doc(a)?;
            quotes.push(self.hit(&d, score));
        }
        Ok(Results { total, quotes })
    }

    fn hit(&self, d: &TantivyDocument, score: f32) -> Hit {
        let f = self.f;
        let text = |field: Field| {
            d.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        Hit {
            content: text(f.content).unwrap_or_default(),
            kind: text(f.kind).unwrap_or_default(),
            speaker_name: text(f.speaker),
            cue: text(f.cue),
            article: ArticleRef {
                id: text(f.article).unwrap_or_default(),
                url: text(f.url),
                title: text(f.title),
                date: text(f.date_text),
                site: text(f.site).filter(|s| !s.is_empty()),
            },
            score,
        }
    }

    /// The full record of an article, if the index holds it.
    pub fn article(&self, id: &str) -> Result<Option<Record>> {
        let f = self.f;
        let q = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.article, id),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>,
            ),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.doc_type, "article"),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let searcher = self.reader.searcher();
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, a)) = top.first() else {
            return Ok(None);
        };
        let d: TantivyDocument = searcher.doc(*a)?;
        let json = d.get_first(f.record).and_then(|v| v.as_str()).unwrap_or("");
        Ok(Some(serde_json::from_str(json)?))
    }

    /// Speakers with their quote counts and first and last dates, most
    /// quoted first, one row per person across the corpus (the forms of a
    /// name and a surname alone joined by corpus key); `q` keeps those whose
    /// name holds it as words.
    pub fn speakers(&self, q: Option<&str>, limit: usize) -> Result<Vec<Speaker>> {
        long("speaker", q, MAX_NAME_CHARS)?;
        if limit > MAX_LIMIT {
            return Err(Error::Page {
                what: "limit",
                value: limit,
                max: MAX_LIMIT,
            });
        }
        let query: Box<dyn Query> = match q.map(str::trim).filter(|q| !q.is_empty()) {
            Some(q) => match self.text_query(self.f.speaker, q) {
                Some(q) => q,
                None => return Ok(Vec::new()),
            },
            None => Box::new(TermQuery::new(
                Term::from_field_text(self.f.doc_type, "quote"),
                IndexRecordOption::Basic,
            )),
        };
        // Enough normalised names that the forms of the top speakers are
        // all among them before they are joined.
        let size = (limit.max(1) * 20).max(2_000);
        let request = serde_json::json!({
            "speakers": {
                "terms": {"field": "speaker_norm", "size": size, "order": {"_count": "desc"}},
                "aggs": {
                    "names": {"terms": {"field": "speaker_key", "size": 1}},
                    // Undated quotes are 0: the first date is the least
                    // above it, read from a range below.
                    "dated": {"range": {"field": "date", "ranges": [{"from": 1.0}]},
                        "aggs": {"first": {"min": {"field": "date"}}, "last": {"max": {"field": "date"}}}}
                }
            }
        });
        let aggs: Aggregations = serde_json::from_value(request)?;
        let collector = AggregationCollector::from_aggs(aggs, AggContextParams::default());
        let res: AggregationResults = self.reader.searcher().search(&*query, &collector)?;
        let value = serde_json::to_value(&res)?;
        let linker = self.linker();
        // Per corpus key: quotes, first and last date keys, and the name of
        // its biggest form.
        struct Row {
            quotes: usize,
            first: Option<i64>,
            last: Option<i64>,
            name: ((bool, usize), String),
        }
        let mut rows: HashMap<String, Row> = HashMap::new();
        for b in value["speakers"]["buckets"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let norm = b["key"].as_str().unwrap_or_default();
            let key = linker.resolve(norm).to_owned();
            let head = norm == key;
            let quotes = b["doc_count"].as_u64().unwrap_or(0) as usize;
            let name = b["names"]["buckets"][0]["key"]
                .as_str()
                .unwrap_or(norm)
                .to_owned();
            // The range's own bucket (tantivy adds one below it).
            let dated = b["dated"]["buckets"]
                .as_array()
                .and_then(|r| r.iter().find(|x| x.get("from").is_some()))
                .cloned()
                .unwrap_or_default();
            let day = |v: &serde_json::Value| v.as_f64().filter(|d| *d >= 1.0).map(|d| d as i64);
            let (first, last) = (day(&dated["first"]["value"]), day(&dated["last"]["value"]));
            let row = rows.entry(key).or_insert(Row {
                quotes: 0,
                first: None,
                last: None,
                name: ((false, 0), String::new()),
            });
            row.quotes += quotes;
            row.first = match (row.first, first) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            row.last = row.last.max(last);
            // Named by the key's own form when it has quotes ("Barack
            // Obama", not the more frequent "Obama"), else its biggest form.
            let rank = (head, quotes);
            if rank > row.name.0 || (rank == row.name.0 && name < row.name.1) {
                row.name = (rank, name);
            }
        }
        let mut out: Vec<Speaker> = rows
            .into_iter()
            .map(|(key, r)| Speaker {
                name: r.name.1,
                key,
                quotes: r.quotes,
                first: r.first.map(key_to_date),
                last: r.last.map(key_to_date),
            })
            .collect();
        out.sort_by(|a, b| b.quotes.cmp(&a.quotes).then(a.name.cmp(&b.name)));
        out.truncate(limit.max(1));
        Ok(out)
    }

    /// A speaker's quotes per day (`YYYY-MM-DD`, ascending): the quotes of
    /// every form of the name the corpus key joins; undated quotes are left
    /// out.
    pub fn days(&self, name: &str) -> Result<Vec<(String, usize)>> {
        long("speaker", Some(name), MAX_NAME_CHARS)?;
        let aliases = self.speaker_aliases(name);
        let query = self.alias_query(&aliases);
        let request = serde_json::json!({
            "days": {"terms": {"field": "date", "size": 100_000, "order": {"_key": "asc"}}}
        });
        let aggs: Aggregations = serde_json::from_value(request)?;
        let collector = AggregationCollector::from_aggs(aggs, AggContextParams::default());
        let res: AggregationResults = self.reader.searcher().search(&*query, &collector)?;
        let value = serde_json::to_value(&res)?;
        Ok(value["days"]["buckets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|b| {
                let key = b["key"].as_f64()? as i64;
                (key >= 1).then(|| {
                    (
                        key_to_date(key),
                        b["doc_count"].as_u64().unwrap_or(0) as usize,
                    )
                })
            })
            .collect())
    }

    /// Articles and quotes the index holds.
    pub fn counts(&self) -> Result<(usize, usize)> {
        let searcher = self.reader.searcher();
        let count = |t: &str| {
            searcher.search(
                &TermQuery::new(
                    Term::from_field_text(self.f.doc_type, t),
                    IndexRecordOption::Basic,
                ),
                &Count,
            )
        };
        Ok((count("article")?, count("quote")?))
    }
}
