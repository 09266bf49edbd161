//! The language stages on raw text (quotations, entities, amounts, dates):
//! never panic, and every span covers exactly its text at its code point
//! offsets.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onrecord_core::{Body, Document, Error, Pipeline, Span};

fn check(chars: &[char], span: &Span) {
    assert!(span.start < span.end && span.end <= chars.len());
    let covered: String = chars[span.start..span.end].iter().collect();
    assert_eq!(covered, span.text);
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let pipeline = Pipeline::builder().raw_text(true).build();
    let out = pipeline.process(&Document::new(Body::Text(text.to_owned())));
    // The pipeline turns a panic into this error; here it is a failure.
    if let Err(Error::Internal { reason }) = &out {
        panic!("{reason}");
    }
    if let Ok(record) = out {
        let chars: Vec<char> = record.text.chars().collect();
        for q in &record.quotes {
            check(&chars, &q.content);
            q.cue.iter().for_each(|s| check(&chars, s));
            q.speaker.iter().for_each(|s| check(&chars, s));
        }
        let at = |start: usize, end: usize, text: &str| {
            assert!(start < end && end <= chars.len());
            assert_eq!(chars[start..end].iter().collect::<String>(), text);
        };
        for e in &record.entities {
            assert!(!e.mentions.is_empty() && !e.name.is_empty());
            e.mentions.iter().for_each(|m| at(m.start, m.end, &m.text));
        }
        for a in &record.amounts {
            at(a.start, a.end, &a.text);
            assert!(a.value.is_finite());
        }
        record.dates.iter().for_each(|d| at(d.start, d.end, &d.text));
    }
});
