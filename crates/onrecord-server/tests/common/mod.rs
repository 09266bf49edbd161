//! A small index for the server tests, with a hostile quote.
#![allow(dead_code, clippy::unwrap_used, reason = "test helper")]

use onrecord_core::{Quote, QuoteKind, Record, Span};
use onrecord_index::QuoteIndex;

pub(crate) const HOSTILE: &str = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\"> is what he wrote";

fn span(text: &str) -> Span {
    Span {
        text: text.to_owned(),
        start: 0,
        end: text.chars().count(),
    }
}

fn record(id: &str, date: &str, quotes: &[(&str, &str)]) -> Record {
    Record {
        id: id.to_owned(),
        source: None,
        url: Some(format!("https://news.example.com/{id}")),
        date: Some(date.to_owned()),
        title: Some(format!("Story {id}")),
        author: None,
        site: Some("news.example.com".into()),
        lang: Some("en".into()),
        text: "text".into(),
        captions: vec![],
        quotes: quotes
            .iter()
            .map(|(content, speaker)| Quote {
                kind: QuoteKind::Direct,
                content: span(content),
                cue: Some(span("said")),
                speaker: Some(span(speaker)),
                speaker_name: Some((*speaker).to_owned()),
            })
            .collect(),
        entities: vec![],
        amounts: vec![],
        dates: vec![],
    }
}

pub(crate) fn index(dir: &std::path::Path) -> QuoteIndex {
    let index = QuoteIndex::open(dir).unwrap();
    let mut w = index.writer(20_000_000).unwrap();
    let records = [
        record(
            "a1",
            "2025-06-02",
            &[("We are ready to talk about peace", "Vladimir Putin")],
        ),
        record(
            "a2",
            "2025-06-05",
            &[("Peace is far away", "Vladimir Putin")],
        ),
        record(
            "a3",
            "2025-07-20",
            &[("No peace without justice", "Volodymyr Zelensky")],
        ),
        record("a4", "2025-08-16", &[(HOSTILE, "Vladimir Putin")]),
    ];
    for r in &records {
        w.add(r).unwrap();
    }
    w.commit().unwrap();
    index.reload().unwrap();
    index
}
