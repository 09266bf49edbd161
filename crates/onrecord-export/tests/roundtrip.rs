//! Export records, read the Parquet files back, compare with the records.
#![allow(clippy::unwrap_used, reason = "tests")]

use onrecord_core::identity::Linker;
use onrecord_core::{Article, Body, Document, Hints, Pipeline, Record};
use onrecord_export::{Export, QuoteRow, observe};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

fn record(id: &str, text: &str) -> Record {
    let doc = Document {
        body: Body::Text(text.to_owned()),
        hints: Hints {
            id: Some(id.to_owned()),
            article: Article {
                date: Some("2025-08-16".to_owned()),
                ..Article::default()
            },
        },
        source: None,
    };
    Pipeline::builder().build().process(&doc).unwrap()
}

fn read<T: for<'de> serde::Deserialize<'de>>(path: &std::path::Path) -> Vec<T> {
    let file = std::fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        rows.extend(serde_arrow::from_record_batch::<Vec<T>>(&batch).unwrap());
    }
    rows
}

#[test]
fn rows_read_back_equal_the_records_and_speakers_share_corpus_keys() {
    let records = vec![
        record(
            "a",
            "Donald Trump spoke in Ohio on Monday.\n\n\"We will win this state,\" Donald Trump said. \
             The campaign spent $2 million on ads.",
        ),
        record(
            "b",
            "The rally drew 3,000 people.\n\n\"The polls are wrong,\" Trump said on Tuesday.",
        ),
        record(
            "c",
            "Donald Trump Jr. spoke later.\n\n\"It was a great night,\" Donald Trump Jr. said.",
        ),
    ];
    let mut linker = Linker::new();
    for r in &records {
        observe(&mut linker, r);
    }
    linker.build();
    let dir = tempfile::tempdir().unwrap();
    let mut export = Export::create(dir.path(), linker).unwrap();
    for r in &records {
        export.add(r).unwrap();
    }
    let counts = export.finish().unwrap();
    assert_eq!(counts.articles, 3);
    let quotes: Vec<QuoteRow> = read(&dir.path().join("quotes.parquet"));
    let expected: usize = records.iter().map(|r| r.quotes.len()).sum();
    assert_eq!(quotes.len(), expected);
    assert_eq!(counts.quotes, expected as u64);
    for q in &quotes {
        let r = records.iter().find(|r| r.id == q.article_id).unwrap();
        let original = &r.quotes[q.quote_index as usize];
        assert_eq!(q.content, original.content.text);
        assert_eq!(q.content_start, original.content.start as i64);
        assert_eq!(q.speaker_name, original.speaker_name);
        assert_eq!(q.date.as_deref(), Some("2025-08-16"));
    }
    let key = |id: &str| {
        quotes
            .iter()
            .find(|q| q.article_id == id)
            .and_then(|q| q.speaker_key.clone())
    };
    // "Trump" alone in b is Donald Trump of a; Donald Trump Jr. stays apart.
    assert_eq!(key("a").as_deref(), Some("donald trump"));
    assert_eq!(key("b").as_deref(), Some("donald trump"));
    assert_eq!(key("c").as_deref(), Some("donald trump jr"));
    let articles: Vec<onrecord_export::ArticleRow> = read(&dir.path().join("articles.parquet"));
    assert_eq!(
        articles.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ["a", "b", "c"]
    );
    assert_eq!(articles[0].text, records[0].text);
    let amounts: Vec<onrecord_export::AmountRow> = read(&dir.path().join("amounts.parquet"));
    assert!(amounts.iter().any(|a| a.unit == "USD" && a.value == 2e6));
    let entities: Vec<onrecord_export::EntityRow> = read(&dir.path().join("entities.parquet"));
    assert!(
        entities
            .iter()
            .any(|e| e.article_id == "b" && e.key == "donald trump")
    );
    // Nothing but the four files is left.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "amounts.parquet",
            "articles.parquet",
            "entities.parquet",
            "quotes.parquet"
        ]
    );
}
