//! Scraped-text cleaning: never panics, never leaves a gallery marker in the
//! body, and the body is deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onrecord_core::{Body, Document, Error, Pipeline};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let pipeline = Pipeline::default();
    let doc = Document::new(Body::Text(text.to_owned()));
    let first = pipeline.process(&doc);
    // The pipeline turns a panic into this error; here it is a failure.
    if let Err(Error::Internal { reason }) = &first {
        panic!("{reason}");
    }
    if let Ok(record) = &first {
        assert!(!record.text.to_ascii_lowercase().contains("open image in gallery"));
        let again = pipeline.process(&doc).expect("deterministic");
        assert_eq!(&again, record);
    }
});
