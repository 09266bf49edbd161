//! The search path with hostile input: any query text, speaker, outlet,
//! dates and page numbers against a small index. It fails on a panic (a
//! stack overflow aborts it too) and on a search slower than one second,
//! so exponential parsing or unbounded work shows up as a crash.
#![no_main]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use onrecord_core::{Article, Quote, QuoteKind, Record, Span};
use onrecord_index::{QuoteIndex, Search};

fn span(text: &str) -> Span {
    Span {
        text: text.to_owned(),
        start: 0,
        end: text.chars().count(),
    }
}

fn index() -> &'static QuoteIndex {
    static INDEX: OnceLock<QuoteIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("onrecord-fuzz-query-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let index = QuoteIndex::open(&dir).expect("index");
        let mut w = index.writer(20_000_000).expect("writer");
        let quotes = [
            ("We are ready to talk about peace", "Vladimir Putin"),
            ("No peace without justice (and soon)", "Volodymyr Zelensky"),
            ("The \"deal\" is not done: tax AND vote", "Donald Trump"),
        ];
        for (i, day) in ["2025-06-02", "2025-07-20", "2025-08-16"]
            .iter()
            .enumerate()
        {
            let (content, speaker) = quotes[i];
            let record = Record {
                id: format!("a{i}"),
                article: Article {
                    url: Some(format!("https://news.example.com/{i}")),
                    date: Some((*day).to_owned()),
                    title: Some(format!("Story {i}")),
                    site: Some("news.example.com".into()),
                    author: None,
                },
                text: content.to_owned(),
                quotes: vec![Quote {
                    kind: QuoteKind::Direct,
                    content: span(content),
                    cue: Some(span("said")),
                    speaker: Some(span(speaker)),
                    speaker_name: Some(speaker.to_owned()),
                }],
                ..Record::default()
            };
            w.add(&record).expect("add");
        }
        w.commit().expect("commit");
        index.reload().expect("reload");
        index
    })
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 5 {
        return;
    }
    let (head, rest) = data.split_at(5);
    let text = String::from_utf8_lossy(rest);
    let mut fields = text.split('\u{0}').map(str::to_owned);
    let mut field = |on: bool| fields.next().filter(|_| on);
    let bits = head[0];
    let search = Search {
        query: field(bits & 1 != 0),
        speaker: field(bits & 2 != 0),
        outlet: field(bits & 4 != 0),
        from: field(bits & 8 != 0),
        to: field(bits & 16 != 0),
        kind: (bits & 32 != 0).then(|| "direct".to_owned()),
        // Page numbers across and past their bounds.
        limit: usize::from(u16::from_le_bytes([head[1], head[2]])),
        offset: usize::from(u16::from_le_bytes([head[3], head[4]])) * 4,
        deadline: None,
    };
    let index = index();
    let started = Instant::now();
    let _ = index.search(&search);
    if let Some(name) = &search.speaker {
        let _ = index.speakers(Some(name), 10);
        let _ = index.days(name);
    }
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(1),
        "a search took {took:?}: {search:?}"
    );
});
