//! Quotations on raw text: never panic, and every span (content, cue,
//! speaker) covers exactly its text at its code point offsets.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onrecord_core::{Body, Document, Pipeline, Span};

fn check(chars: &[char], span: &Span) {
    assert!(span.start < span.end && span.end <= chars.len());
    let covered: String = chars[span.start..span.end].iter().collect();
    assert_eq!(covered, span.text);
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let pipeline = Pipeline::builder().raw_text(true).build();
    if let Ok(record) = pipeline.process(&Document::new(Body::Text(text.to_owned()))) {
        let chars: Vec<char> = record.text.chars().collect();
        for q in &record.quotes {
            check(&chars, &q.content);
            q.cue.iter().for_each(|s| check(&chars, s));
            q.speaker.iter().for_each(|s| check(&chars, s));
        }
    }
});
