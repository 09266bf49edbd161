//! Issue 16 at the command line: hostile queries, numbers, data and
//! output paths never crash the binary, destroy a file or reach the
//! terminal raw; exit codes say how the run went.

use std::path::Path;

use onrecord_core::{Article, Quote, QuoteKind, Record, Span};

use super::{onrecord, records, testdata};

fn span(text: &str) -> Span {
    Span {
        text: text.to_owned(),
        start: 0,
        end: text.chars().count(),
    }
}

/// A record whose one quote says `content`, by `speaker`.
fn record(id: &str, title: &str, content: &str, speaker: &str) -> Record {
    Record {
        id: id.to_owned(),
        article: Article {
            url: Some(format!("https://news.example.com/{id}")),
            date: Some("2025-08-16".into()),
            title: Some(title.to_owned()),
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
    }
}

/// An index in `dir/index` holding `records`.
fn index_of(dir: &Path, records: &[Record]) -> std::path::PathBuf {
    let path = dir.join("records.jsonl");
    let lines: Vec<String> = records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap())
        .collect();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let index = dir.join("index");
    onrecord()
        .args(["index", "--quiet", "--index"])
        .arg(&index)
        .arg(&path)
        .assert()
        .success();
    index
}

/// Reproduction 1 and 2: a query of 2,000 `(` aborted `onrecord search`
/// with a stack overflow (exit 134); 22 nested took seconds.
#[test]
fn hostile_queries_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_of(
        dir.path(),
        &[record("a", "Story", "We are ready to talk", "Ana Cruz")],
    );
    let deep = format!("{}talk{}", "(".repeat(22), ")".repeat(22));
    for (query, says) in [
        ("(".repeat(2000), "at most 1000 are read"),
        (deep, "at most 8 levels are read"),
    ] {
        let started = std::time::Instant::now();
        let out = onrecord()
            .args(["search", "--index"])
            .arg(&index)
            .arg(&query)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "a clear error, not an abort");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("overflow"));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}

/// Reproduction 8: huge `--limit` and `--offset` panicked or tried to
/// allocate 160 GB; now clap refuses them, naming the range.
#[test]
fn hostile_numbers_are_refused_by_the_argument_parser() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_of(
        dir.path(),
        &[record("a", "Story", "We are ready to talk", "Ana Cruz")],
    );
    for args in [
        ["--limit", "18446744073709551615"],
        ["--limit", "10000000000"],
        ["--limit", "0"],
        ["--offset", "1000000000000"],
        ["--offset", "100001"],
    ] {
        let out = onrecord()
            .args(["search", "--index"])
            .arg(&index)
            .args(args)
            .arg("talk")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("invalid value"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    // The largest offset is a page, empty past the last hit.
    let out = onrecord()
        .args(["search", "--index"])
        .arg(&index)
        .args(["--offset", "100000", "--limit", "1000", "--json", "talk"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 quotes match; 0 shown"));
    let out = onrecord()
        .args(["extract", "--threads", "100000000", "text"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Reproduction 9 (and 10 in a terminal): escapes in article text and a
/// right-to-left override in a name reach the table escaped; `--json`
/// keeps them exact.
#[test]
fn terminal_escapes_in_data_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let content = "peace \u{1b}[2J\u{1b}]0;pwned\u{7} now \u{9b}31m";
    let speaker = "Ana \u{202e}Cruz";
    let index = index_of(
        dir.path(),
        &[record("a", "Story \u{1b}[5m", content, speaker)],
    );
    let out = onrecord()
        .args(["search", "--index"])
        .arg(&index)
        .arg("peace")
        .output()
        .unwrap();
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    for raw in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
        assert!(
            !table.contains(raw),
            "{raw:?} reached the terminal: {table:?}"
        );
    }
    assert!(table.contains("\\u{1b}[2J\\u{1b}]0;pwned\\u{7}"), "{table}");
    assert!(table.contains("Ana \\u{202e}Cruz"), "{table}");
    let out = onrecord()
        .args(["search", "--json", "--index"])
        .arg(&index)
        .arg("peace")
        .output()
        .unwrap();
    let hits = records(&out.stdout);
    assert_eq!(hits[0]["content"], content);
    assert_eq!(hits[0]["speaker_name"], speaker);
    // The report after indexing escapes too.
    let out = onrecord()
        .args(["index", "--quiet", "--report", "--index"])
        .arg(&index)
        .arg(dir.path().join("records.jsonl"))
        .output()
        .unwrap();
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("Ana \\u{202e}Cruz"), "{report}");
    assert!(!report.contains('\u{1b}'), "{report:?}");
}

/// Reproduction 7: `-o` onto a symlink, a FIFO or a directory replaced it
/// with a regular file. Now a link is written through (the link stays), a
/// FIFO is written in place, a directory is refused, and `-o -` is stdout.
#[cfg(unix)]
#[test]
fn output_paths_are_never_replaced_by_a_regular_file() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let input = testdata("text/inline-gallery-captions.txt");
    let expected = onrecord()
        .arg("extract")
        .arg(&input)
        .output()
        .unwrap()
        .stdout;
    assert!(!expected.is_empty());

    // A symbolic link: its target gets the records, the link stays.
    let target = dir.path().join("target.jsonl");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    onrecord()
        .arg("extract")
        .arg(&input)
        .arg("-o")
        .arg(&link)
        .assert()
        .success();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&target).unwrap(), expected);

    // A link to nothing: refused, the link left alone.
    let dangling = dir.path().join("dangling.jsonl");
    std::os::unix::fs::symlink(dir.path().join("nowhere/x"), &dangling).unwrap();
    let out = onrecord()
        .arg("extract")
        .arg(&input)
        .arg("-o")
        .arg(&dangling)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("symbolic link to nothing"));
    assert!(
        std::fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );

    // A FIFO: written through, still a FIFO afterwards.
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    onrecord()
        .arg("extract")
        .arg(&input)
        .arg("-o")
        .arg(&fifo)
        .assert()
        .success();
    assert_eq!(reader.join().unwrap(), expected);
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );

    // A directory: refused, left as it was.
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("keep"), "x").unwrap();
    let out = onrecord()
        .arg("extract")
        .arg(&input)
        .arg("-o")
        .arg(&sub)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a directory"));
    assert!(sub.join("keep").is_file());

    // `-o -` is standard output, and no file named `-` appears.
    let out = onrecord()
        .current_dir(dir.path())
        .arg("extract")
        .arg(&input)
        .args(["-o", "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, expected);
    assert!(!dir.path().join("-").exists());

    // --resume needs a regular file.
    let out = onrecord()
        .arg("extract")
        .arg(&input)
        .arg("--resume")
        .arg("-o")
        .arg(&fifo)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Exit codes: 0 when every record was written or skipped, 1 when some
/// failed (the rest written), also when all failed, 2 when the run could
/// not proceed.
#[test]
fn exit_codes_say_how_the_run_went() {
    let code = |args: &[&str]| onrecord().args(args).output().unwrap().status.code();
    assert_eq!(code(&["extract", "text", "warc"]), Some(0));
    assert_eq!(
        code(&["extract", "text", "bad/broken-lines.jsonl"]),
        Some(1)
    );
    assert_eq!(code(&["extract", "bad/broken-lines.jsonl"]), Some(1));
    assert_eq!(code(&["extract", "no-such-file"]), Some(1));
    assert_eq!(
        code(&["extract", "text", "-o", "no-such-dir/out.jsonl"]),
        Some(2)
    );
    assert_eq!(code(&["search", "--index", "no-such-index", "x"]), Some(2));
    assert_eq!(code(&["extract", "--no-such-flag"]), Some(2));
}
