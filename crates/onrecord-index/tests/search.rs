//! Search results against a brute-force scan of the same records.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::collections::BTreeSet;

use onrecord_core::identity::{Linker, people_of, person_key};
use onrecord_core::{Article, Entity, Quote, QuoteKind, Record, Span};
use onrecord_index::{QuoteIndex, Search, date_key};
use proptest::prelude::*;

fn span(text: &str) -> Span {
    Span {
        text: text.to_owned(),
        start: 0,
        end: text.chars().count(),
    }
}

fn quote(content: &str, speaker: Option<&str>, kind: QuoteKind) -> Quote {
    Quote {
        kind,
        content: span(content),
        cue: Some(span("said")),
        speaker: speaker.map(span),
        speaker_name: speaker.map(str::to_owned),
    }
}

/// A record whose full-name speakers are also its person entities, as
/// the pipeline gives them.
fn record(id: &str, site: &str, date: &str, quotes: Vec<Quote>) -> Record {
    let mut people: Vec<String> = quotes
        .iter()
        .filter_map(|q| q.speaker_name.clone())
        .filter(|n| n.contains(' '))
        .collect();
    people.sort();
    people.dedup();
    let entities = people
        .into_iter()
        .map(|name| Entity {
            name,
            kind: "person".into(),
            mentions: vec![],
        })
        .collect();
    Record {
        id: id.to_owned(),
        source: None,
        article: Article {
            url: Some(format!("https://{site}/{id}")),
            date: Some(date.to_owned()),
            title: Some(format!("Title {id}")),
            author: None,
            site: Some(site.to_owned()),
        },
        lang: Some("en".into()),
        text: quotes
            .iter()
            .map(|q| q.content.text.clone())
            .collect::<Vec<_>>()
            .join("\n\n"),
        captions: vec![],
        quotes,
        entities,
        amounts: vec![],
        dates: vec![],
    }
}

/// The tokens tantivy's default tokenizer makes.
fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.len() <= 40)
        .map(str::to_lowercase)
        .collect()
}

fn contains_run(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// The needle's words in order in the hay, at most `slop` extra words
/// between them in all.
fn contains_with_slop(hay: &[String], needle: &[String], slop: usize) -> bool {
    fn from(hay: &[String], needle: &[String], at: usize, budget: usize) -> bool {
        let Some((first, rest)) = needle.split_first() else {
            return true;
        };
        (at..hay.len().min(at + budget + 1))
            .any(|i| hay[i] == *first && from(hay, rest, i + 1, budget - (i - at)))
    }
    let Some((first, rest)) = needle.split_first() else {
        return false;
    };
    (0..hay.len()).any(|i| hay[i] == *first && from(hay, rest, i + 1, slop))
}

/// The corpus linker of `records`, built as its definition says: each
/// person name counted once per article.
fn linker(records: &[Record]) -> Linker {
    let mut l = Linker::new();
    for r in records {
        for n in people_of(r) {
            l.observe(&n);
        }
    }
    l.build();
    l
}

/// What the search must find, by scanning every quote.
fn brute(records: &[Record], s: &Search) -> BTreeSet<(String, String)> {
    let linker = linker(records);
    let same_person = |a: &str, b: &str| {
        let (ka, kb) = (person_key(a), person_key(b));
        !ka.is_empty() && linker.resolve(&ka) == linker.resolve(&kb)
    };
    let mut out = BTreeSet::new();
    for r in records {
        let day = r.article.date.as_deref().map(|d| date_key(d).unwrap());
        for q in &r.quotes {
            let content = tokens(&q.content.text);
            let words_ok = match s.query.as_deref() {
                None => true,
                Some(query) if query.starts_with('"') => contains_run(&content, &tokens(query)),
                Some(query) => tokens(query).iter().all(|w| content.contains(w)),
            };
            let speaker_ok = s.speaker.as_deref().is_none_or(|sp| {
                q.speaker_name.as_deref().is_some_and(|n| {
                    contains_with_slop(&tokens(n), &tokens(sp), 1) || same_person(n, sp)
                })
            });
            let outlet_ok = s
                .outlet
                .as_deref()
                .is_none_or(|o| r.article.site.as_deref().unwrap().eq_ignore_ascii_case(o));
            let from_ok = s
                .from
                .as_deref()
                .is_none_or(|f| day.is_some_and(|d| d >= date_key(f).unwrap()));
            let to_ok =
                s.to.as_deref()
                    .is_none_or(|t| day.is_some_and(|d| d <= date_key(t).unwrap()));
            let kind = match q.kind {
                QuoteKind::Direct => "direct",
                QuoteKind::Mixed => "mixed",
                QuoteKind::Indirect => "indirect",
            };
            let kind_ok = s.kind.as_deref().is_none_or(|k| k == kind);
            if words_ok && speaker_ok && outlet_ok && from_ok && to_ok && kind_ok {
                out.insert((r.id.clone(), q.content.text.clone()));
            }
        }
    }
    out
}

/// An index in `dir` holding `records`, committed and visible.
fn built(dir: &std::path::Path, records: &[Record]) -> QuoteIndex {
    let index = QuoteIndex::open(dir).unwrap();
    let mut w = index.writer(20_000_000).unwrap();
    for r in records {
        w.add(r).unwrap();
    }
    w.commit().unwrap();
    index.reload().unwrap();
    index
}

fn found(index: &QuoteIndex, s: &Search) -> (usize, BTreeSet<(String, String)>) {
    // Page by page, as a client would.
    let mut s = s.clone();
    s.limit = onrecord_index::MAX_LIMIT;
    s.offset = 0;
    let mut hits = Vec::new();
    let total = loop {
        let r = index.search(&s).unwrap();
        let n = r.quotes.len();
        hits.extend(r.quotes);
        s.offset += n;
        if n == 0 || s.offset >= r.total {
            break r.total;
        }
    };
    let set: BTreeSet<_> = hits
        .iter()
        .map(|h| (h.article.id.clone(), h.content.clone()))
        .collect();
    assert_eq!(set.len(), hits.len(), "duplicate hits");
    (total, set)
}

fn corpus() -> Vec<Record> {
    vec![
        record(
            "a1",
            "example.com",
            "2025-08-10",
            vec![
                quote(
                    "We are ready to talk about peace",
                    Some("Vladimir Putin"),
                    QuoteKind::Direct,
                ),
                quote(
                    "the sanctions had failed",
                    Some("Vladimir Putin"),
                    QuoteKind::Indirect,
                ),
            ],
        ),
        record(
            "a2",
            "news.example.org",
            "2025-08-16",
            vec![
                quote(
                    "Peace talks are not over",
                    Some("Keir Starmer"),
                    QuoteKind::Direct,
                ),
                quote(
                    "Ready, willing and able to talk",
                    Some("Volodymyr Zelensky"),
                    QuoteKind::Mixed,
                ),
                quote("a ceasefire is close", None, QuoteKind::Indirect),
            ],
        ),
        record(
            "a3",
            "example.com",
            "2024-12-31",
            vec![quote(
                "talk is cheap, peace is not",
                Some("Putin"),
                QuoteKind::Direct,
            )],
        ),
        {
            let mut r = record(
                "a4",
                "undated.net",
                "2000-01-01",
                vec![quote(
                    "no date on this talk",
                    Some("Keir Starmer"),
                    QuoteKind::Indirect,
                )],
            );
            r.article.date = None;
            r
        },
    ]
}

fn searches() -> Vec<Search> {
    let s = |q: Option<&str>| Search {
        query: q.map(str::to_owned),
        limit: 100,
        ..Search::default()
    };
    vec![
        s(Some("talk")),
        s(Some("peace")),
        s(Some("\"ready to talk\"")),
        s(Some("\"talks are\"")),
        s(Some("peace talk")),
        s(None),
        Search {
            speaker: Some("Putin".into()),
            ..s(None)
        },
        Search {
            speaker: Some("Vladimir Putin".into()),
            ..s(Some("talk"))
        },
        Search {
            speaker: Some("Volodymyr Zelensky".into()),
            ..s(None)
        },
        Search {
            outlet: Some("EXAMPLE.com".into()),
            ..s(None)
        },
        Search {
            from: Some("2025-01-01".into()),
            to: Some("2025-08-15".into()),
            ..s(None)
        },
        Search {
            kind: Some("direct".into()),
            ..s(Some("peace"))
        },
        Search {
            speaker: Some("Nobody Known".into()),
            ..s(None)
        },
        Search {
            to: Some("2025-01-01".into()),
            ..s(None)
        },
    ]
}

#[test]
fn search_equals_a_brute_force_scan() {
    let dir = tempfile::tempdir().unwrap();
    let records = corpus();
    let index = built(dir.path(), &records);
    for s in searches() {
        let want = brute(&records, &s);
        let (total, got) = found(&index, &s);
        assert_eq!(got, want, "{s:?}");
        assert_eq!(total, want.len(), "{s:?}");
    }
}

#[test]
fn adding_an_article_again_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let index = QuoteIndex::open(dir.path()).unwrap();
    let mut records = corpus();
    let mut w = index.writer(20_000_000).unwrap();
    for r in &records {
        w.add(r).unwrap();
    }
    w.commit().unwrap();
    // The same articles again, one of them changed.
    records[0].quotes.pop();
    for r in &records {
        w.add(r).unwrap();
    }
    w.commit().unwrap();
    index.reload().unwrap();
    assert_eq!(index.counts().unwrap(), (4, 6));
    let back = index.article("a1").unwrap().unwrap();
    assert_eq!(back, records[0]);
    assert!(index.article("missing").unwrap().is_none());
}

#[test]
fn results_are_ranked_then_newest_first_and_paged() {
    let dir = tempfile::tempdir().unwrap();
    let index = built(dir.path(), &corpus());
    // No words: newest first.
    let all = index
        .search(&Search {
            limit: 10,
            ..Search::default()
        })
        .unwrap();
    let dates: Vec<_> = all.quotes.iter().map(|h| h.article.date.clone()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    // Pages add up to the whole.
    let page = |offset| {
        index
            .search(&Search {
                limit: 2,
                offset,
                ..Search::default()
            })
            .unwrap()
            .quotes
    };
    let mut paged = page(0);
    paged.extend(page(2));
    paged.extend(page(4));
    paged.extend(page(6));
    assert_eq!(paged, all.quotes);
    // The undated quote comes last.
    assert_eq!(all.quotes.last().unwrap().article.date, None);
    // Words: scores never rise down the list.
    let ranked = index
        .search(&Search {
            query: Some("peace talk".into()),
            limit: 10,
            ..Search::default()
        })
        .unwrap();
    assert!(ranked.quotes.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let index = QuoteIndex::open(dir.path()).unwrap();
    let bad_date = index.search(&Search {
        from: Some("2025-13-01".into()),
        limit: 1,
        ..Search::default()
    });
    assert!(bad_date.unwrap_err().to_string().contains("bad date"));
    let bad_query = index.search(&Search {
        query: Some("content:(".into()),
        limit: 1,
        ..Search::default()
    });
    assert!(bad_query.is_err());
}

fn arb_record(id: usize) -> impl Strategy<Value = Record> {
    let words = prop::sample::select(vec![
        "peace", "talk", "war", "tax", "ready", "the", "is", "not", "vote", "deal",
    ]);
    let quote = (
        prop::collection::vec(words, 1..8),
        prop::option::of(prop::sample::select(vec![
            "Vladimir Putin",
            "Vladimir V. Putin",
            "Putin",
            "Keir Starmer",
            "Donald Trump",
            "Donald J. Trump",
            "Trump Donald",
        ])),
        prop::sample::select(vec![
            QuoteKind::Direct,
            QuoteKind::Mixed,
            QuoteKind::Indirect,
        ]),
    )
        .prop_map(|(w, s, k)| quote(&w.join(" "), s, k));
    (
        prop::collection::vec(quote, 0..4),
        prop::sample::select(vec!["a.com", "b.org"]),
        1u32..28,
    )
        .prop_map(move |(quotes, site, day)| {
            record(
                &format!("r{id}"),
                site,
                &format!("2025-02-{day:02}"),
                quotes,
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn any_corpus_any_search_matches_the_scan(
        records in (0usize..12).prop_flat_map(|n| (0..n).map(arb_record).collect::<Vec<_>>()),
        word in prop::sample::select(vec!["peace", "talk", "\"peace talk\"", "war", "peace talk", "tax deal"]),
        speaker in prop::option::of(prop::sample::select(vec!["Putin", "Keir Starmer", "Trump", "Vladimir Putin", "Donald Trump"])),
        kind in prop::option::of(prop::sample::select(vec!["direct", "indirect"])),
        from in 1u32..28,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let index = built(dir.path(), &records);
        let s = Search {
            query: Some(word.to_owned()),
            speaker: speaker.map(str::to_owned),
            kind: kind.map(str::to_owned),
            from: Some(format!("2025-02-{from:02}")),
            limit: 1000,
            ..Search::default()
        };
        let want = brute(&records, &s);
        let (total, got) = found(&index, &s);
        prop_assert_eq!(&got, &want);
        prop_assert_eq!(total, want.len());
    }
}

#[test]
fn speakers_with_counts_and_dates_and_their_days() {
    let dir = tempfile::tempdir().unwrap();
    let index = built(dir.path(), &corpus());
    let all = index.speakers(None, 10).unwrap();
    let row = |name: &str| all.iter().find(|s| s.name == name).unwrap().clone();
    // "Putin" alone is Vladimir Putin, the only Putin of the corpus.
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].quotes, 3);
    let putin = row("Vladimir Putin");
    assert_eq!(
        (putin.quotes, putin.first.as_deref(), putin.last.as_deref()),
        (3, Some("2024-12-31"), Some("2025-08-10"))
    );
    assert_eq!(putin.key, "vladimir putin");
    // The undated quote counts but has no date.
    let starmer = row("Keir Starmer");
    assert_eq!(
        (starmer.quotes, starmer.first.as_deref()),
        (2, Some("2025-08-16"))
    );
    let named: Vec<String> = index
        .speakers(Some("putin"), 10)
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(named, ["Vladimir Putin"]);
    assert_eq!(index.speakers(Some("!!"), 10).unwrap(), vec![]);
    assert_eq!(
        index.days("Vladimir Putin").unwrap(),
        vec![("2024-12-31".to_owned(), 1), ("2025-08-10".to_owned(), 2)]
    );
    assert_eq!(
        index.days("Putin").unwrap(),
        index.days("Vladimir Putin").unwrap()
    );
    assert_eq!(
        index.days("Keir Starmer").unwrap(),
        vec![("2025-08-16".to_owned(), 1)]
    );
    assert!(index.days("Nobody").unwrap().is_empty());
}

#[test]
fn one_speaker_across_articles_by_corpus_key() {
    let q = |text: &str, who: &str| quote(text, Some(who), QuoteKind::Direct);
    let records = vec![
        record(
            "a",
            "a.com",
            "2025-03-01",
            vec![q("we will win", "Donald Trump")],
        ),
        record(
            "b",
            "a.com",
            "2025-03-02",
            vec![q("the polls are wrong", "Donald J. Trump")],
        ),
        record(
            "c",
            "b.org",
            "2025-03-03",
            vec![q("a great night", "Trump")],
        ),
        record(
            "d",
            "b.org",
            "2025-03-04",
            vec![q("my father won", "Donald Trump Jr.")],
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let index = built(dir.path(), &records);
    let all = index.speakers(None, 10).unwrap();
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(
        (all[0].name.as_str(), all[0].key.as_str(), all[0].quotes),
        ("Donald J. Trump", "donald j trump", 3)
    );
    assert_eq!(
        (all[0].first.as_deref(), all[0].last.as_deref()),
        (Some("2025-03-01"), Some("2025-03-03"))
    );
    assert_eq!(all[1].key, "donald trump jr");
    let days = index.days("Donald Trump").unwrap();
    assert_eq!(days.len(), 3);
    let s = Search {
        speaker: Some("Donald Trump".into()),
        limit: 10,
        ..Search::default()
    };
    let (_, got) = found(&index, &s);
    let ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
    // Jr. is found by the words of the name, as before; "Trump" alone in c
    // by the corpus key.
    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert_eq!(got, brute(&records, &s));
}

/// Issue 16, reproductions 1, 2 and 8 at the library: nesting, length and
/// page sizes are refused before tantivy sees them, and what is let
/// through parses in linear time (tantivy 0.27).
#[test]
fn hostile_queries_and_pages_are_refused_quickly() {
    use onrecord_index::{Error, MAX_OFFSET, MAX_QUERY_CHARS, MAX_QUERY_DEPTH};
    let dir = tempfile::tempdir().unwrap();
    let index = built(dir.path(), &corpus());
    let q = |query: String| Search {
        query: Some(query),
        limit: 10,
        ..Search::default()
    };
    let nested = |depth: usize| format!("{}peace{}", "(".repeat(depth), ")".repeat(depth));
    let start = std::time::Instant::now();
    let err = index.search(&q("(".repeat(2000))).unwrap_err();
    assert!(
        matches!(err, Error::TooLong { field: "query", .. }),
        "{err}"
    );
    for query in [
        "(".repeat(900),
        nested(22),
        nested(100),
        nested(MAX_QUERY_DEPTH + 1),
    ] {
        let err = index.search(&q(query)).unwrap_err();
        assert!(matches!(err, Error::TooDeep { .. }), "{err}");
        assert!(err.to_string().contains("at most 8 levels"), "{err}");
    }
    assert!(start.elapsed() < std::time::Duration::from_millis(200));
    // At the bound it is a query, answered at once.
    let start = std::time::Instant::now();
    let r = index.search(&q(nested(MAX_QUERY_DEPTH))).unwrap();
    assert!(r.total > 0);
    assert!(start.elapsed() < std::time::Duration::from_millis(500));
    // Parentheses inside a phrase are words, not nesting.
    assert!(index.search(&q(format!("\"{}\"", "(".repeat(50)))).is_ok());
    // Long chains of operators neither overflow the stack nor take long.
    for chain in ["-", "+", "NOT ", "AND ", "peace OR "] {
        let query: String = chain.repeat(MAX_QUERY_CHARS / chain.len());
        let start = std::time::Instant::now();
        let _ = index.search(&q(query[..query.len().min(MAX_QUERY_CHARS)].to_owned()));
        assert!(
            start.elapsed() < std::time::Duration::from_secs(1),
            "{chain}"
        );
    }
    let err = index.search(&q("peace ".repeat(200))).unwrap_err();
    assert!(
        matches!(err, Error::TooLong { field: "query", .. }),
        "{err}"
    );
    let err = index
        .search(&Search {
            speaker: Some("x".repeat(1000)),
            limit: 1,
            ..Search::default()
        })
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooLong {
                field: "speaker",
                ..
            }
        ),
        "{err}"
    );
    // Pages: huge numbers are errors, never a panic or an allocation.
    for (limit, offset) in [
        (usize::MAX, 0),
        (10_000_000_000, 0),
        (1, 1_000_000_000_000),
        (1, usize::MAX),
        (usize::MAX, usize::MAX),
    ] {
        let err = index
            .search(&Search {
                limit,
                offset,
                ..Search::default()
            })
            .unwrap_err();
        assert!(matches!(err, Error::Page { .. }), "{err}");
    }
    // Past the last hit: an empty page with the total, not a silent cap.
    let all = index.search(&Search::default()).unwrap().total;
    let past = index
        .search(&Search {
            limit: 5,
            offset: all + 10,
            ..Search::default()
        })
        .unwrap();
    assert_eq!((past.total, past.quotes.len()), (all, 0));
    let at_max = index
        .search(&Search {
            limit: 5,
            offset: MAX_OFFSET,
            ..Search::default()
        })
        .unwrap();
    assert_eq!((at_max.total, at_max.quotes.len()), (all, 0));
    // limit 0: the count alone.
    let count = index.search(&Search::default()).unwrap();
    assert_eq!((count.total, count.quotes.len()), (all, 0));
}

#[test]
fn dates_are_calendar_dates() {
    let dir = tempfile::tempdir().unwrap();
    let index = built(dir.path(), &corpus());
    for bad in [
        "2025-02-30",
        "2025-08-16garbage",
        "2025-13-01",
        "2025-8-16",
        "２０２５-01-01",
    ] {
        let err = index
            .search(&Search {
                from: Some(bad.into()),
                limit: 1,
                ..Search::default()
            })
            .unwrap_err();
        assert!(
            matches!(err, onrecord_index::Error::Date(_)),
            "{bad}: {err}"
        );
    }
    assert!(
        index
            .search(&Search {
                from: Some("2024-02-29".into()),
                limit: 1,
                ..Search::default()
            })
            .is_ok()
    );
    assert_eq!(
        onrecord_index::date_key("2025-08-16T10:00:00Z").unwrap(),
        20250816
    );
    assert!(onrecord_index::date_key("2023-02-29").is_err());
}

#[test]
fn a_search_past_its_deadline_stops_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let index = built(dir.path(), &corpus());
    let err = index
        .search(&Search {
            query: Some("peace".into()),
            limit: 10,
            deadline: Some(std::time::Instant::now()),
            ..Search::default()
        })
        .unwrap_err();
    assert!(matches!(err, onrecord_index::Error::Deadline), "{err}");
}
