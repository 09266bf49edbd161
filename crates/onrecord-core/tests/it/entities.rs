//! Entities, amounts and dates on a committed article
//! (testdata/entities/summit.txt), checked exactly, and offset invariants on
//! generated text.

use onrecord_core::{Body, Document, Entity, Error, Pipeline, Record};
use proptest::prelude::*;

const SUMMIT: &str = include_str!("../../../../testdata/entities/summit.txt");

fn summit() -> Record {
    let mut doc = Document::new(Body::Text(SUMMIT.into()));
    doc.hints.article.date = Some("2025-08-16".into());
    Pipeline::builder()
        .raw_text(true)
        .build()
        .process(&doc)
        .unwrap()
}

fn entity<'a>(r: &'a Record, name: &str) -> &'a Entity {
    r.entities
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no entity {name:?}: {:#?}", r.entities))
}

/// (text, value) of every date mention.
fn dates(r: &Record) -> Vec<(&str, Option<&str>)> {
    r.dates
        .iter()
        .map(|d| (d.text.as_str(), d.value.as_deref()))
        .collect()
}

fn mentions(e: &Entity) -> Vec<&str> {
    e.mentions.iter().map(|m| m.text.as_str()).collect()
}

#[test]
fn people_are_clustered_under_their_fullest_name() {
    let r = summit();
    let putin = entity(&r, "Vladimir Putin");
    assert_eq!(putin.kind, "person");
    // The role the article ties to him is one of his mentions.
    assert_eq!(
        mentions(putin),
        ["Vladimir Putin", "Putin", "Russian President"]
    );
    // Honorific off, the later surname joins.
    let starmer = entity(&r, "Keir Starmer");
    assert_eq!(starmer.kind, "person");
    let written = mentions(starmer);
    assert!(written[0].ends_with("Keir Starmer"), "{written:?}");
    assert_eq!(written[1], "Starmer");
    // The pronoun speaker of his quote is his mention too.
    assert!(mentions(starmer).contains(&"he"));
    let zelensky = entity(&r, "Volodymyr Zelensky");
    assert_eq!(mentions(zelensky), ["Volodymyr Zelensky", "Zelensky"]);
}

#[test]
fn aliases_fold_together() {
    let r = summit();
    let expect = [
        ("NATO", "org", vec!["Nato", "NATO"]),
        ("European Union", "org", vec!["European Union", "EU"]),
        ("United States", "place", vec!["United States", "US"]),
        ("United Kingdom", "place", vec!["Britain", "U.K."]),
    ];
    for (name, kind, written) in expect {
        let e = entity(&r, name);
        assert_eq!(e.kind, kind, "{name}");
        assert_eq!(mentions(e), written, "{name}");
    }
    assert_eq!(entity(&r, "Democrats").kind, "group");
    assert_eq!(entity(&r, "Republicans").kind, "group");
    assert_eq!(entity(&r, "Kremlin").kind, "org");
    assert_eq!(entity(&r, "Geneva").kind, "place");
    // "EUR" of "EUR 114 bn" is part of an amount, not a body.
    assert!(r.entities.iter().all(|e| e.name != "EUR"));
}

#[test]
fn quote_speakers_use_the_same_people() {
    let r = summit();
    let speaker = |needle: &str| {
        r.quotes
            .iter()
            .find(|q| q.content.text.contains(needle))
            .and_then(|q| q.speaker_name.clone())
            .unwrap_or_else(|| panic!("no quote with {needle:?}: {:#?}", r.quotes))
    };
    assert_eq!(speaker("We are ready to talk"), "Vladimir Putin");
    assert_eq!(speaker("Nato had to stop"), "Vladimir Putin");
    assert_eq!(speaker("Britain would give Ukraine"), "Keir Starmer");
    assert_eq!(speaker("This is not over"), "Keir Starmer");
    assert_eq!(speaker("Ukrainians had waited"), "Volodymyr Zelensky");
    assert_eq!(speaker("the United States to match"), "European Union");
    // Nothing better is written: stays as it is.
    assert_eq!(
        speaker("Russian President Vladimir Putin met"),
        "the Kremlin"
    );
}

#[test]
fn amounts_and_dates_are_normalised() {
    let r = summit();
    let amounts: Vec<(&str, f64, &str, &str)> = r
        .amounts
        .iter()
        .map(|a| (a.text.as_str(), a.value, a.unit.as_str(), a.kind.as_str()))
        .collect();
    assert_eq!(
        amounts,
        [
            ("GBP 40k", 40e3, "GBP", "money"),
            ("EUR 114 bn", 114e9, "EUR", "money"),
            ("three and a half hours", 3.5, "h", "duration"),
            ("18 months", 18.0, "month", "duration"),
            ("25%", 25.0, "%", "percent"),
        ]
    );
    let dates = dates(&r);
    // 2025-08-16 is a Saturday: "on Sunday" is the 10th, "last week" the
    // ISO week before.
    assert_eq!(
        dates,
        [
            ("Sunday", Some("2025-08-10")),
            ("last week", Some("2025-W32"))
        ]
    );
}

#[test]
fn without_an_article_date_relative_dates_have_no_value() {
    let r = Pipeline::builder()
        .raw_text(true)
        .build()
        .process(&Document::new(Body::Text(
            "The vote was on Sunday, after talks in March 2016 and on 5 March 2016.".into(),
        )))
        .unwrap();
    let dates = dates(&r);
    assert_eq!(
        dates,
        [
            ("Sunday", None),
            ("March 2016", Some("2016-03")),
            ("5 March 2016", Some("2016-03-05"))
        ]
    );
}

#[test]
fn entities_off_leaves_them_empty() {
    let r = Pipeline::builder()
        .raw_text(true)
        .entities(false)
        .build()
        .process(&Document::new(Body::Text(SUMMIT.into())))
        .unwrap();
    assert!(r.entities.is_empty() && r.amounts.is_empty() && r.dates.is_empty());
    assert!(!r.quotes.is_empty());
}

#[test]
fn summit_snapshot() {
    let r = summit();
    insta::assert_json_snapshot!((&r.entities, &r.amounts, &r.dates));
}

fn check(chars: &[char], start: usize, end: usize, text: &str) {
    assert!(start < end && end <= chars.len(), "{start}..{end}");
    assert_eq!(chars[start..end].iter().collect::<String>(), text);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn offsets_always_match_the_text(
        text in "([A-Z][a-z]{0,8}|Mr\\.|President|the|said|he|\\$|€|£|EUR|[0-9]{1,4}|[0-9]\\.[0-9]|bn|million|and a half|hours|people|%|per cent|last|week|Sunday|March|in|’s|'s|,|\\.|\n\n| ){0,80}"
    ) {
        let doc = Document::new(Body::Text(text));
        let out = Pipeline::builder().raw_text(true).build().process(&doc);
        prop_assert!(!matches!(out, Err(Error::Internal { .. })), "{out:?}");
        if let Ok(r) = out {
            let chars: Vec<char> = r.text.chars().collect();
            for e in &r.entities {
                prop_assert!(!e.mentions.is_empty());
                for m in &e.mentions {
                    check(&chars, m.start, m.end, &m.text);
                }
            }
            for a in &r.amounts {
                check(&chars, a.start, a.end, &a.text);
                prop_assert!(a.value.is_finite());
            }
            for d in &r.dates {
                check(&chars, d.start, d.end, &d.text);
            }
        }
    }
}
