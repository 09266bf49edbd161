//! Columnar export of records: four Parquet files, one row per article,
//! quote, entity and amount, each row keyed by the article id, readable by
//! DuckDB, pandas/pyarrow and Spark.
//!
//! Rows are buffered and written as a row group every [`ROW_GROUP`] rows,
//! so memory stays bounded whatever the corpus size. Files are written
//! under temporary names and renamed when [`Export::finish`] succeeds: a
//! Parquet file in place is always complete. Person keys (`speaker_key`,
//! `key`) come from an [`Linker`] built over the whole corpus
//! first (see `onrecord_core::identity`).

#![warn(missing_docs)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_schema::FieldRef;
use onrecord_core::identity::{Linker, people_of, person_key};
use onrecord_core::{Article, Record};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};
use serde_arrow::schema::{SchemaLike, TracingOptions};

/// Rows per row group.
pub const ROW_GROUP: usize = 16_384;

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be created, written or renamed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Parquet encoding failed.
    #[error("parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// Rows could not be turned into Arrow arrays.
    #[error("arrow: {0}")]
    Arrow(#[from] serde_arrow::Error),
    /// An Arrow IPC stream could not be written.
    #[error("arrow ipc: {0}")]
    Ipc(#[from] arrow_schema::ArrowError),
}

/// `Result` with [`enum@Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One article.
///
/// The article fields are spelled out here rather than an
/// [`onrecord_core::Article`] flattened in: serde_arrow traces the columns
/// from the type, and a flattened struct is a map to it, whose fields the
/// type does not tell. [`Export::add`] takes the record's article apart
/// with no `..`, so a new article field fails to compile there until it has
/// a column, and a test checks that every article field is a column.
#[derive(Serialize, Deserialize)]
pub struct ArticleRow {
    /// The record id.
    pub id: String,
    /// URL.
    pub url: Option<String>,
    /// Publication date as written in the record (ISO 8601).
    pub date: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Byline.
    pub author: Option<String>,
    /// Outlet.
    pub site: Option<String>,
    /// Language code.
    pub lang: Option<String>,
    /// Main text.
    pub text: String,
    /// Input file.
    pub source_path: Option<String>,
    /// Record index within the input.
    pub source_index: Option<i64>,
    /// Captions, their text joined by blank lines.
    pub captions: Option<String>,
    /// Number of quotes.
    pub quotes: i32,
    /// Number of entities.
    pub entities: i32,
}

/// One quote.
#[derive(Serialize, Deserialize)]
pub struct QuoteRow {
    /// The article's id.
    pub article_id: String,
    /// Position among the article's quotes.
    pub quote_index: i32,
    /// direct, mixed or indirect.
    pub kind: String,
    /// What was said.
    pub content: String,
    /// Code point offsets of the content in the article text.
    pub content_start: i64,
    /// End (exclusive).
    pub content_end: i64,
    /// Reporting verb or phrase.
    pub cue: Option<String>,
    /// Start of the cue.
    pub cue_start: Option<i64>,
    /// End of the cue.
    pub cue_end: Option<i64>,
    /// The speaker as mentioned.
    pub speaker: Option<String>,
    /// Start of the speaker mention.
    pub speaker_start: Option<i64>,
    /// End of the speaker mention.
    pub speaker_end: Option<i64>,
    /// The speaker resolved within the article.
    pub speaker_name: Option<String>,
    /// The speaker's corpus-wide key.
    pub speaker_key: Option<String>,
    /// The article's date.
    pub date: Option<String>,
    /// The article's outlet.
    pub site: Option<String>,
}

/// One entity of one article.
#[derive(Serialize, Deserialize)]
pub struct EntityRow {
    /// The article's id.
    pub article_id: String,
    /// Canonical name within the article.
    pub name: String,
    /// person, org, place, group or other.
    #[serde(rename = "type")]
    pub kind: String,
    /// Corpus-wide key (people linked across articles; others normalised).
    pub key: String,
    /// Number of mentions.
    pub mentions: i32,
    /// Mention starts (code points).
    pub mention_starts: Vec<i64>,
    /// Mention ends.
    pub mention_ends: Vec<i64>,
}

/// One amount.
#[derive(Serialize, Deserialize)]
pub struct AmountRow {
    /// The article's id.
    pub article_id: String,
    /// As written.
    pub text: String,
    /// Start (code points).
    pub start: i64,
    /// End.
    pub end: i64,
    /// Value (the lower bound of a range).
    pub value: f64,
    /// Upper bound of a range.
    pub max: Option<f64>,
    /// ISO 4217 code or unit.
    pub unit: String,
    /// money, count, percent or duration.
    pub kind: String,
}

/// One Parquet file being written.
struct Table<T: Serialize> {
    fields: Vec<FieldRef>,
    rows: Vec<T>,
    /// Taken by [`Table::close`].
    writer: Option<ArrowWriter<File>>,
    temp: PathBuf,
    path: PathBuf,
    written: u64,
}

impl<T: Serialize + for<'de> serde::Deserialize<'de>> Table<T> {
    fn flush(&mut self) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let batch = serde_arrow::to_record_batch(&self.fields, &self.rows)?;
        if let Some(w) = self.writer.as_mut() {
            w.write(&batch)?;
        }
        self.written += self.rows.len() as u64;
        self.rows.clear();
        Ok(())
    }
}

impl<T: Serialize> Table<T> {
    fn create(dir: &Path, name: &str, fields: Vec<FieldRef>) -> Result<Table<T>> {
        let path = dir.join(format!("{name}.parquet"));
        let temp = dir.join(format!(".{name}.parquet.partial-{}", std::process::id()));
        let file = File::create(&temp).map_err(|source| Error::Io {
            path: temp.clone(),
            source,
        })?;
        let schema = Arc::new(arrow_schema::Schema::new(fields.clone()));
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_max_row_group_row_count(Some(ROW_GROUP))
            .build();
        let writer = ArrowWriter::try_new(file, schema, Some(props))?;
        Ok(Table {
            fields,
            rows: Vec::with_capacity(ROW_GROUP),
            writer: Some(writer),
            temp,
            path,
            written: 0,
        })
    }
}

impl<T: Serialize> Table<T> {
    /// Writes the footer and syncs; returns (temporary name, final name).
    fn close(&mut self) -> Result<(PathBuf, PathBuf)> {
        if let Some(writer) = self.writer.take() {
            let file = writer.into_inner()?;
            file.sync_all().map_err(|source| Error::Io {
                path: self.temp.clone(),
                source,
            })?;
        }
        Ok((self.temp.clone(), self.path.clone()))
    }
}

impl<T: Serialize> Drop for Table<T> {
    /// A file that was not renamed into place is removed.
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.temp);
    }
}

fn fields<T: Serialize + for<'de> serde::Deserialize<'de>>() -> Result<Vec<FieldRef>> {
    Ok(Vec::<FieldRef>::from_type::<T>(
        TracingOptions::default().allow_null_fields(true),
    )?)
}

/// Rows counted per file by [`Export::finish`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Articles.
    pub articles: u64,
    /// Quotes.
    pub quotes: u64,
    /// Entities.
    pub entities: u64,
    /// Amounts.
    pub amounts: u64,
}

/// Writes `articles.parquet`, `quotes.parquet`, `entities.parquet` and
/// `amounts.parquet` into a directory.
pub struct Export {
    linker: Linker,
    articles: Table<ArticleRow>,
    quotes: Table<QuoteRow>,
    entities: Table<EntityRow>,
    amounts: Table<AmountRow>,
}

/// The corpus key of an entity: people through the linker, other names
/// normalised only.
fn entity_key(linker: &Linker, name: &str, kind: &str) -> String {
    let key = person_key(name);
    if kind == "person" {
        linker.resolve(&key).to_owned()
    } else {
        key
    }
}

/// The person names of a record, for [`Linker::observe`] (once per name
/// per article).
pub fn observe(linker: &mut Linker, record: &Record) {
    for n in people_of(record) {
        linker.observe(&n);
    }
}

/// The rows of records, table by table: what [`Export`] writes, also
/// for callers that want them in memory (the Python package's frames).
#[derive(Default)]
pub struct Rows {
    /// One per record.
    pub articles: Vec<ArticleRow>,
    /// One per quote.
    pub quotes: Vec<QuoteRow>,
    /// One per entity.
    pub entities: Vec<EntityRow>,
    /// One per amount.
    pub amounts: Vec<AmountRow>,
}

impl Rows {
    /// Adds one record's rows; `linker` has observed the corpus (see
    /// [`observe`]) and been built.
    pub fn add(&mut self, linker: &Linker, r: &Record) {
        let captions = (!r.captions.is_empty()).then(|| {
            r.captions
                .iter()
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>()
                .join("\n\n")
        });
        // No `..`: a new article field must get a column (see ArticleRow).
        let Article {
            url,
            date,
            title,
            author,
            site,
        } = r.article.clone();
        self.articles.push(ArticleRow {
            id: r.id.clone(),
            url,
            date,
            title,
            author,
            site,
            lang: r.lang.clone(),
            text: r.text.clone(),
            source_path: r.source.as_ref().map(|s| s.path.clone()),
            source_index: r.source.as_ref().map(|s| s.index as i64),
            captions,
            quotes: r.quotes.len() as i32,
            entities: r.entities.len() as i32,
        });
        for (i, q) in r.quotes.iter().enumerate() {
            let speaker_key = q.speaker_name.as_deref().map(|n| {
                let key = person_key(n);
                linker.resolve(&key).to_owned()
            });
            self.quotes.push(QuoteRow {
                article_id: r.id.clone(),
                quote_index: i as i32,
                kind: format!("{:?}", q.kind).to_lowercase(),
                content: q.content.text.clone(),
                content_start: q.content.start as i64,
                content_end: q.content.end as i64,
                cue: q.cue.as_ref().map(|c| c.text.clone()),
                cue_start: q.cue.as_ref().map(|c| c.start as i64),
                cue_end: q.cue.as_ref().map(|c| c.end as i64),
                speaker: q.speaker.as_ref().map(|c| c.text.clone()),
                speaker_start: q.speaker.as_ref().map(|c| c.start as i64),
                speaker_end: q.speaker.as_ref().map(|c| c.end as i64),
                speaker_name: q.speaker_name.clone(),
                speaker_key,
                date: r.article.date.clone(),
                site: r.article.site.clone(),
            });
        }
        for e in &r.entities {
            self.entities.push(EntityRow {
                article_id: r.id.clone(),
                name: e.name.clone(),
                kind: e.kind.clone(),
                key: entity_key(linker, &e.name, &e.kind),
                mentions: e.mentions.len() as i32,
                mention_starts: e.mentions.iter().map(|m| m.start as i64).collect(),
                mention_ends: e.mentions.iter().map(|m| m.end as i64).collect(),
            });
        }
        for a in &r.amounts {
            self.amounts.push(AmountRow {
                article_id: r.id.clone(),
                text: a.text.clone(),
                start: a.start as i64,
                end: a.end as i64,
                value: a.value,
                max: a.max,
                unit: a.unit.clone(),
                kind: a.kind.clone(),
            });
        }
    }

    /// Each table as an Arrow IPC stream with the Parquet files' schema
    /// (`pyarrow.ipc.open_stream`): articles, quotes, entities, amounts.
    pub fn ipc_streams(&self) -> Result<[Vec<u8>; 4]> {
        Ok([
            ipc(&self.articles)?,
            ipc(&self.quotes)?,
            ipc(&self.entities)?,
            ipc(&self.amounts)?,
        ])
    }
}

/// One table's rows as an Arrow IPC stream (one batch; none when empty,
/// the schema still written).
fn ipc<T: Serialize + for<'de> serde::Deserialize<'de>>(rows: &[T]) -> Result<Vec<u8>> {
    let batch = serde_arrow::to_record_batch(&fields::<T>()?, &rows)?;
    let mut out = Vec::new();
    let mut w = arrow_ipc::writer::StreamWriter::try_new(&mut out, &batch.schema())?;
    if !rows.is_empty() {
        w.write(&batch)?;
    }
    w.finish()?;
    drop(w);
    Ok(out)
}

impl Export {
    /// Starts the four files in `dir` (created if missing). `linker` has
    /// observed the whole corpus and been built.
    pub fn create(dir: &Path, linker: Linker) -> Result<Export> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.to_owned(),
            source,
        })?;
        Ok(Export {
            linker,
            articles: Table::create(dir, "articles", fields::<ArticleRow>()?)?,
            quotes: Table::create(dir, "quotes", fields::<QuoteRow>()?)?,
            entities: Table::create(dir, "entities", fields::<EntityRow>()?)?,
            amounts: Table::create(dir, "amounts", fields::<AmountRow>()?)?,
        })
    }

    /// Adds one record's rows.
    pub fn add(&mut self, r: &Record) -> Result<()> {
        let mut rows = Rows::default();
        rows.add(&self.linker, r);
        self.articles.rows.append(&mut rows.articles);
        self.quotes.rows.append(&mut rows.quotes);
        self.entities.rows.append(&mut rows.entities);
        self.amounts.rows.append(&mut rows.amounts);
        if self.articles.rows.len() >= ROW_GROUP {
            self.articles.flush()?;
        }
        if self.quotes.rows.len() >= ROW_GROUP {
            self.quotes.flush()?;
        }
        if self.entities.rows.len() >= ROW_GROUP {
            self.entities.flush()?;
        }
        if self.amounts.rows.len() >= ROW_GROUP {
            self.amounts.flush()?;
        }
        Ok(())
    }

    /// Writes what is buffered, closes the files and renames them into
    /// place.
    pub fn finish(mut self) -> Result<Counts> {
        self.articles.flush()?;
        self.quotes.flush()?;
        self.entities.flush()?;
        self.amounts.flush()?;
        let counts = Counts {
            articles: self.articles.written,
            quotes: self.quotes.written,
            entities: self.entities.written,
            amounts: self.amounts.written,
        };
        let done = [
            self.articles.close()?,
            self.quotes.close()?,
            self.entities.close()?,
            self.amounts.close()?,
        ];
        for (temp, path) in done {
            std::fs::rename(&temp, &path).map_err(|source| Error::Io { path, source })?;
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_article_field_is_an_article_column() {
        let columns: Vec<String> = fields::<ArticleRow>()
            .map(|f| f.iter().map(|f| f.name().clone()).collect())
            .unwrap_or_default();
        for name in Article::NAMES {
            assert!(columns.iter().any(|c| c == name), "no column `{name}`");
        }
    }
}
