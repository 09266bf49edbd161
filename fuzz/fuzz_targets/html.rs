//! HTML extraction: never panics; a record always has text and survives a
//! JSON round trip unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onrecord_core::{Body, Document, Error, Pipeline, Record};

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data).into_owned();
    let pipeline = Pipeline::default();
    let out = pipeline.process(&Document::new(Body::Html(html)));
    // The pipeline turns a panic into this error; here it is a failure.
    if let Err(Error::Internal { reason }) = &out {
        panic!("{reason}");
    }
    if let Ok(record) = out {
        assert!(!record.text.trim().is_empty());
        let json = serde_json::to_string(&record).expect("a record serialises");
        let back: Record = serde_json::from_str(&json).expect("a record parses back");
        assert_eq!(back, record);
    }
});
