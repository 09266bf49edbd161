//! Runs the real `onrecord` binary on the committed `testdata/`.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

fn testdata(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(path)
}

fn onrecord() -> Command {
    let mut cmd = Command::cargo_bin("onrecord").unwrap();
    cmd.current_dir(testdata(""));
    cmd
}

fn records(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Parses "read R, written W, skipped S, failed F" from stderr.
fn summary(stderr: &[u8]) -> [u64; 4] {
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().find(|l| l.starts_with("read ")).unwrap();
    let numbers: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    [numbers[0], numbers[1], numbers[2], numbers[3]]
}

#[test]
fn every_input_record_is_written_skipped_or_failed() {
    let out = onrecord()
        .args(["extract", "text", "html", "jsonl", "warc", "bad"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let [read, written, skipped, failed] = summary(&out.stderr);
    assert_eq!(read, written + skipped + failed);
    assert_eq!(records(&out.stdout).len() as u64, written);
    // text 1 + html 1 + jsonl 3 good + warc 2 html + bad/broken.warc 2 good.
    assert_eq!(written, 9);
    // warcinfo, request, PNG, redirect.
    assert_eq!(skipped, 4);
    // jsonl: 3 bad lines; broken.warc: header + truncation; empty, invalid UTF-8, truncated gzip.
    assert_eq!(failed, 8);
}

#[test]
fn error_lines_name_file_record_and_offset() {
    let dir = tempfile::tempdir().unwrap();
    let errors = dir.path().join("errors.jsonl");
    let out = onrecord()
        .args([
            "extract",
            "jsonl/mixed.jsonl",
            "bad/broken.warc",
            "--errors",
        ])
        .arg(&errors)
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<Value> = std::fs::read_to_string(&errors)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let brief: Vec<String> = lines
        .iter()
        .map(|l| {
            format!(
                "{} #{} @{}: {}",
                l["path"].as_str().unwrap(),
                l["index"],
                l["offset"],
                l["error"].as_str().unwrap()
            )
        })
        .collect();
    insta::assert_snapshot!(brief.join("\n"), @r"
    jsonl/mixed.jsonl #2 @711: the line is not valid JSON: expected ident at line 1 column 2
    jsonl/mixed.jsonl #3 @733: the line is JSON but not an object
    jsonl/mixed.jsonl #4 @743: the object has no `text` or `html` field with a string
    bad/broken.warc #1 @620: malformed WARC record: no valid Content-Length
    bad/broken.warc #3 @1331: malformed WARC record: truncated: Content-Length is 2601 but only 180 bytes follow
    ");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error: bad/broken.warc: record 1 at byte 620: malformed WARC record: no valid Content-Length"));
}

#[test]
fn output_is_the_same_bytes_on_every_run_and_thread_count() {
    let run = |threads: &str| {
        onrecord()
            .args([
                "extract",
                "text",
                "html",
                "jsonl",
                "warc",
                "--threads",
                threads,
            ])
            .output()
            .unwrap()
            .stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert_eq!(one, run("2"));
    assert_eq!(one, run("3"));
}

#[test]
fn stdin_and_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("records.jsonl");
    let text = std::fs::read(testdata("text/inline-gallery-captions.txt")).unwrap();
    let out = onrecord()
        .args(["extract", "--format", "text", "-", "-o"])
        .arg(&out_path)
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "records go to the file, not stdout");
    let written = std::fs::read(&out_path).unwrap();
    let recs = records(&written);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["source"]["path"], "-");
    assert_eq!(recs[0]["captions"].as_array().unwrap().len(), 3);
    // No temporary file is left beside the output.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn warc_records_carry_url_and_decoded_charset() {
    let out = onrecord()
        .args(["extract", "warc/small.warc.gz"])
        .output()
        .unwrap();
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1]["url"], "https://example.be/liege-cafes");
    assert!(
        recs[1]["text"]
            .as_str()
            .unwrap()
            .starts_with("Café owners in Liège")
    );
    assert_eq!(summary(&out.stderr), [6, 2, 4, 0]);
}

#[test]
fn a_missing_input_is_an_error_line_and_the_run_goes_on() {
    let out = onrecord()
        .args(["extract", "no-such-file.txt", "text"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(records(&out.stdout).len(), 1);
    assert_eq!(summary(&out.stderr), [2, 1, 0, 1]);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("error: no-such-file.txt: record 0 at byte 0: No such file")
    );
}

#[test]
fn quotes_are_attributed_in_the_output() {
    let out = onrecord()
        .args(["extract", "--raw-text", "quotes/forms.txt"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let records = records(&out.stdout);
    assert_eq!(records.len(), 1);
    let quotes = records[0]["quotes"].as_array().unwrap();
    let putin = quotes
        .iter()
        .find(|q| {
            q["content"]["text"]
                .as_str()
                .unwrap()
                .contains("We are not in a hurry")
        })
        .unwrap();
    assert_eq!(putin["kind"], "direct");
    assert_eq!(putin["cue"]["text"], "told");
    assert_eq!(putin["speaker"]["text"], "Putin");
    assert_eq!(putin["speaker_name"], "Vladimir Putin");
}

#[test]
fn no_quotes_leaves_quotes_empty() {
    let out = onrecord()
        .args(["extract", "--raw-text", "--no-quotes", "quotes/forms.txt"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let records = records(&out.stdout);
    assert_eq!(records[0]["quotes"].as_array().unwrap().len(), 0);
}

#[test]
fn entities_table_counts_articles_and_mentions() {
    let out = onrecord()
        .args([
            "entities", "entities", "quotes", "--json", "--type", "person",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let rows = records(&out.stdout);
    let row = |name: &str| {
        rows.iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("no {name}: {rows:?}"))
    };
    // Named in both articles, under one canonical name.
    assert_eq!(row("Vladimir Putin")["articles"], 2);
    assert_eq!(row("Keir Starmer")["articles"], 1);
    assert!(rows.iter().all(|r| r["type"] == "person"));
    // Most written first.
    let articles: Vec<u64> = rows
        .iter()
        .map(|r| r["articles"].as_u64().unwrap())
        .collect();
    assert!(articles.windows(2).all(|w| w[0] >= w[1]), "{articles:?}");
    assert_eq!(summary(&out.stderr), [2, 2, 0, 0]);

    let table = onrecord()
        .args(["entities", "entities", "--limit", "3"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(table).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    assert!(lines[0].starts_with("name") && lines[0].ends_with("mentions"));
}

#[test]
fn records_carry_entities_amounts_and_dates() {
    let out = onrecord()
        .args(["extract", "entities/summit.txt"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let r = &records(&out)[0];
    assert!(
        r["entities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "Vladimir Putin" && e["type"] == "person")
    );
    assert!(
        r["amounts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["text"] == "EUR 114 bn" && a["value"] == 114e9 && a["unit"] == "EUR")
    );
    assert!(
        r["dates"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["text"] == "Sunday")
    );
    let off = onrecord()
        .args(["extract", "entities/summit.txt", "--no-entities"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let r = &records(&off)[0];
    assert_eq!(r["entities"].as_array().unwrap().len(), 0);
    assert_eq!(r["amounts"].as_array().unwrap().len(), 0);
}

/// Records for the index tests: the quote fixtures extracted once, then
/// replicated under fresh ids.
fn replicated_records(dir: &std::path::Path, copies: usize) -> (std::path::PathBuf, usize) {
    let out = onrecord()
        .args(["extract", "quotes", "entities"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let base = records(&out);
    let mut lines = String::new();
    let mut quotes = 0;
    for k in 0..copies {
        for r in &base {
            let mut r = r.clone();
            r["id"] = Value::from(format!("{}-{k}", r["id"].as_str().unwrap()));
            r["date"] = Value::from(format!("2025-{:02}-{:02}", k % 12 + 1, k % 28 + 1));
            quotes += r["quotes"].as_array().unwrap().len();
            lines.push_str(&serde_json::to_string(&r).unwrap());
            lines.push('\n');
        }
    }
    let path = dir.join("records.jsonl");
    std::fs::write(&path, lines).unwrap();
    (path, quotes)
}

/// Runs `onrecord index` to completion.
fn index_records(index: &std::path::Path, records: &std::path::Path) {
    onrecord()
        .args(["index", "--index"])
        .arg(index)
        .arg(records)
        .assert()
        .success();
}

/// Quotes per article id found by `search`.
fn indexed(index: &std::path::Path) -> std::collections::HashMap<String, usize> {
    let out = onrecord()
        .args(["search", "--index"])
        .arg(index)
        .args(["--json", "--limit", "1000000"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let mut per = std::collections::HashMap::new();
    for hit in records(&out) {
        *per.entry(hit["article"]["id"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    per
}

#[test]
fn index_then_search_and_reindexing_does_not_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let (records_path, quotes) = replicated_records(dir.path(), 3);
    let index = dir.path().join("index");
    for _ in 0..2 {
        index_records(&index, &records_path);
    }
    let per = indexed(&index);
    assert_eq!(per.values().sum::<usize>(), quotes);
    // Search by speaker's surname finds the canonical name.
    let out = onrecord()
        .args(["search", "--index"])
        .arg(&index)
        .args(["--speaker", "Putin", "--json", "--limit", "5"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let hits = records(&out);
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|h| h["speaker_name"].as_str().unwrap().contains("Putin"))
    );
    // A bad date is a clear error.
    let bad = onrecord()
        .args(["search", "--index"])
        .arg(&index)
        .args(["--from", "2025-13-40"])
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&bad).contains("bad date"));
}

#[test]
fn killed_while_indexing_the_index_opens_with_whole_articles_and_a_rerun_completes() {
    let dir = tempfile::tempdir().unwrap();
    let (records_path, quotes) = replicated_records(dir.path(), 4000);
    let expected: std::collections::HashMap<String, usize> = {
        let text = std::fs::read_to_string(&records_path).unwrap();
        records(text.as_bytes())
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().to_owned(),
                    r["quotes"].as_array().unwrap().len(),
                )
            })
            .collect()
    };
    let index = dir.path().join("index");
    let bin = assert_cmd::cargo::cargo_bin("onrecord");
    let mut child = std::process::Command::new(&bin)
        .args(["index", "--commit-every", "200", "--quiet", "--index"])
        .arg(&index)
        .arg(&records_path)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it (SIGKILL) once a first commit is on disk, mid-run.
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(60) {
        let segments = std::fs::read_dir(&index)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "store"))
                    .count()
            })
            .unwrap_or(0);
        if segments > 0 || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let finished_early = child.try_wait().unwrap().is_some();
    child.kill().ok();
    child.wait().unwrap();
    // It opens, answers, and holds whole articles only.
    let partial = indexed(&index);
    eprintln!(
        "killed after {:?}: {} of {} quotes indexed (finished early: {finished_early})",
        started.elapsed(),
        partial.values().sum::<usize>(),
        quotes
    );
    for (id, n) in &partial {
        assert_eq!(Some(n), expected.get(id), "article {id} is partial");
    }
    if !finished_early {
        assert!(
            partial.values().sum::<usize>() < quotes,
            "the kill came too late"
        );
    }
    // The same command again completes it, with nothing twice.
    index_records(&index, &records_path);
    let full = indexed(&index);
    assert_eq!(full.values().sum::<usize>(), quotes);
    for (id, n) in &full {
        assert_eq!(Some(n), expected.get(id));
    }
}
