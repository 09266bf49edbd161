//! Runs the real `onrecord` binary on the committed `testdata/`.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::path::PathBuf;

use assert_cmd::Command;

mod faults;
mod hostile;
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
    assert_eq!(out.status.code(), Some(1), "some records failed");
    let [read, written, skipped, failed] = summary(&out.stderr);
    assert_eq!(read, written + skipped + failed);
    assert_eq!(records(&out.stdout).len() as u64, written);
    // text 1 + html 1 + jsonl 3 good + warc 2 html + bad/broken.warc 2 good.
    assert_eq!(written, 9);
    // warcinfo, request, PNG, redirect.
    assert_eq!(skipped, 4);
    // bad/broken-lines.jsonl: 3 bad lines; broken.warc: header + truncation; empty, invalid UTF-8, truncated gzip.
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
            "bad/broken-lines.jsonl",
            "bad/broken.warc",
            "--errors",
        ])
        .arg(&errors)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "some records failed");
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
    bad/broken-lines.jsonl #0 @0: the line is not valid JSON: expected ident at line 1 column 2
    bad/broken-lines.jsonl #1 @22: the line is JSON but not an object
    bad/broken-lines.jsonl #2 @32: the object has no `text` or `html` field with a string
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
fn jsonl_keys_of_article_fields_are_chosen_by_flag() {
    let line = r#"{"text": "The council met on Monday and agreed the budget.", "writer": "Ana Cruz", "author": "Desk", "paper": "The Post", "headline": "Budget"}"#;
    let out = onrecord()
        .args(["extract", "--format", "jsonl", "--field", "author=writer"])
        .args(["--site-field", "paper", "-"])
        .write_stdin(line)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out.stdout);
    assert_eq!(recs[0]["author"], "Ana Cruz", "the flag's key goes first");
    assert_eq!(recs[0]["site"], "The Post");
    assert_eq!(recs[0]["title"], "Budget", "default keys stay");
    let bad = onrecord()
        .args(["extract", "--field", "colour=red", "-"])
        .write_stdin(line)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("not an article field"), "{err}");
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
    assert_eq!(out.status.code(), Some(1), "some records failed");
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
    let mut per = std::collections::HashMap::new();
    // Page by page (a page holds at most 1,000).
    for offset in (0..).step_by(1000) {
        let out = onrecord()
            .args(["search", "--index"])
            .arg(index)
            .args(["--json", "--limit", "1000", "--offset", &offset.to_string()])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let hits = records(&out);
        for hit in &hits {
            *per.entry(hit["article"]["id"].as_str().unwrap().to_owned())
                .or_insert(0) += 1;
        }
        if hits.len() < 1000 {
            break;
        }
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

/// A corpus of `files` JSONL files of `per_file` articles (the quote
/// fixtures under fresh ids), one broken line in the third file.
fn jsonl_corpus(dir: &std::path::Path, files: usize, per_file: usize) -> PathBuf {
    let mut texts = Vec::new();
    for sub in ["quotes", "entities"] {
        let mut paths: Vec<_> = std::fs::read_dir(testdata(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for p in paths {
            texts.push(std::fs::read_to_string(p).unwrap());
        }
    }
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for f in 0..files {
        let mut lines = String::new();
        for k in 0..per_file {
            if f == 2 && k == 1 {
                lines.push_str("{broken\n");
            }
            let text = &texts[(f * per_file + k) % texts.len()];
            let line = serde_json::json!({"id": format!("a{f}-{k}"), "text": text});
            lines.push_str(&line.to_string());
            lines.push('\n');
        }
        std::fs::write(corpus.join(format!("part-{f:03}.jsonl")), lines).unwrap();
    }
    corpus
}

/// A small deterministic generator for kill times (the seed is printed).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

#[test]
fn extract_resumed_after_kill_9_gives_the_same_output_as_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = jsonl_corpus(dir.path(), 20, 40);
    let bin = assert_cmd::cargo::cargo_bin("onrecord");
    let run = |out: &std::path::Path, errors: &std::path::Path| {
        let mut cmd = std::process::Command::new(&bin);
        cmd.args(["extract", "--resume", "--quiet", "--threads", "2", "-o"])
            .arg(out)
            .arg("--errors")
            .arg(errors)
            .arg(&corpus)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        cmd
    };
    // The uninterrupted run, timed.
    let reference = dir.path().join("reference.jsonl");
    let reference_errors = dir.path().join("reference.errors");
    let started = std::time::Instant::now();
    let one = run(&reference, &reference_errors).output().unwrap();
    assert_eq!(one.status.code(), Some(1), "some records failed");
    let full_ms = started.elapsed().as_millis() as u64;
    assert!(!resume_manifest(&reference).exists());
    let expected = std::fs::read(&reference).unwrap();
    assert_eq!(records(&expected).len(), 20 * 40);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("kill seed {seed}, one run {full_ms} ms");
    let mut rng = Lcg(seed);
    for round in 0..3 {
        let out = dir.path().join(format!("out-{round}.jsonl"));
        let errors = dir.path().join(format!("out-{round}.errors"));
        // Killed once or twice at random points, then run to the end.
        for _ in 0..=round % 2 {
            let mut child = run(&out, &errors).spawn().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(rng.below(full_ms)));
            child.kill().ok();
            child.wait().unwrap();
            let noted = std::fs::read_to_string(resume_manifest(&out))
                .map(|m| m.lines().count().saturating_sub(1))
                .unwrap_or(0);
            eprintln!("round {round}: killed with {noted} of 20 files noted done");
            // Whatever stands at OUT is a whole run's output (the kill may
            // come after a run finished, and the next run starts over it).
            assert!(
                !out.exists() || std::fs::read(&out).unwrap() == expected,
                "a partial output looks complete"
            );
        }
        let last = run(&out, &errors).output().unwrap();
        assert_eq!(
            last.status.code(),
            Some(1),
            "one bad line: {}",
            String::from_utf8_lossy(&last.stderr)
        );
        assert_eq!(std::fs::read(&out).unwrap(), expected, "round {round}");
        assert_eq!(
            std::fs::read(&errors).unwrap(),
            std::fs::read(&reference_errors).unwrap()
        );
        assert_eq!(summary(&last.stderr), summary(&one.stderr));
        assert!(!resume_manifest(&out).exists());
    }
}

fn resume_manifest(out: &std::path::Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".manifest");
    PathBuf::from(name)
}

#[test]
fn index_resumed_after_kill_9_holds_every_article_once() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = jsonl_corpus(dir.path(), 10, 40);
    let bin = assert_cmd::cargo::cargo_bin("onrecord");
    let index = dir.path().join("index");
    let run = || {
        let mut cmd = std::process::Command::new(&bin);
        cmd.args([
            "index",
            "--resume",
            "--quiet",
            "--commit-every",
            "50",
            "--index",
        ])
        .arg(&index)
        .arg(&corpus)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
        cmd
    };
    let mut child = run().spawn().unwrap();
    // Killed once some files are noted done.
    let manifest = index.join("resume.manifest");
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(60) {
        let noted = std::fs::read_to_string(&manifest)
            .map(|m| m.lines().count().saturating_sub(1))
            .unwrap_or(0);
        if noted >= 2 || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().ok();
    child.wait().unwrap();
    let last = run().output().unwrap();
    assert_eq!(last.status.code(), Some(1), "some records failed");
    let stderr = String::from_utf8_lossy(&last.stderr);
    eprintln!("{stderr}");
    assert_eq!(summary(&last.stderr), [401, 400, 0, 1]);
    let per = indexed(&index);
    assert_eq!(per.len(), 400);
    assert!(!manifest.exists());
}

#[test]
fn stdin_filter_gives_one_line_per_input_line_with_errors_in_place() {
    let input = "{\"id\": \"a\", \"text\": \"Putin said the talks were over.\"}\n\
                 {not json\n\
                 {\"id\": \"c\", \"html\": \"<html><body><article><p>The council voted on Tuesday to close the old bridge to traffic for the whole winter, and the mayor said the repairs would start in March after years of delay.</p></article></body></html>\"}\n\
                 {\"id\": \"d\"}\n\
                 {\"id\": \"e\", \"text\": \"The end.\"}\n";
    let out = onrecord()
        .args(["extract", "--format", "jsonl", "--inline-errors", "-"])
        .write_stdin(input)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let lines = records(&out.stdout);
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[1]["path"], "-");
    assert_eq!(lines[1]["index"], 1);
    assert!(lines[1]["error"].as_str().unwrap().contains("JSON"));
    assert_eq!(lines[2]["id"], "c");
    assert!(lines[3]["error"].as_str().unwrap().contains("text"));
    assert_eq!(lines[4]["id"], "e");
    assert_eq!(summary(&out.stderr), [5, 3, 0, 2]);
}

#[test]
fn export_writes_four_parquet_files_and_reports_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (records_path, quotes) = replicated_records(dir.path(), 2);
    // A line that is not a record, in the middle.
    let text = std::fs::read_to_string(&records_path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(1, "{\"not\": \"a record\"}");
    std::fs::write(&records_path, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("parquet");
    let run = onrecord()
        .args(["export", "--quiet", "--out"])
        .arg(&out)
        .arg(&records_path)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("records.jsonl: record 1 at byte"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("{quotes} quotes")), "{stderr}");
    let records = lines.len() as u64 - 1;
    assert_eq!(summary(&run.stderr), [records + 1, records, 0, 1]);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "amounts.parquet",
            "articles.parquet",
            "entities.parquet",
            "quotes.parquet"
        ]
    );
    // Parquet files start and end with the magic bytes.
    for n in &names {
        let bytes = std::fs::read(out.join(n)).unwrap();
        assert!(
            bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"),
            "{n}"
        );
    }
    // Raw articles are not records: a clear error, nothing written.
    let raw = onrecord()
        .args(["export", "--out"])
        .arg(dir.path().join("none"))
        .arg("quotes")
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&raw).contains("run `onrecord extract"));
    assert!(!dir.path().join("none").exists());
}
