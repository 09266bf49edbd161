//! Fault injection: damaged inputs, a huge page and a full disk. The run
//! reports each fault with file, record and offset, goes on where it can,
//! and never leaves a complete-looking output that is not complete.

#![allow(clippy::print_stderr, reason = "a test says what it skipped")]

use std::io::Write;
use std::path::Path;

use super::{onrecord, records, summary, testdata};

/// A WARC response record holding `html`; `extra` is added to the
/// declared Content-Length (a record cut short).
fn warc_record(n: usize, html: &str, extra: usize) -> Vec<u8> {
    let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}");
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example/{n}\r\n\
         Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        http.len() + extra
    )
    .into_bytes();
    out.extend_from_slice(http.as_bytes());
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn page(n: usize) -> String {
    format!(
        "<html><head><title>Story {n}</title></head><body><article><p>The council of town {n} \
         voted on Tuesday to close the old bridge for the winter, and the mayor said the \
         repairs would begin in March after years of delay and rising costs.</p><p>\"We \
         cannot wait any longer,\" said Maria Lopez, who chairs the works committee.</p>\
         </article></body></html>"
    )
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn urls(stdout: &[u8]) -> Vec<String> {
    records(stdout)
        .iter()
        .map(|r| r["url"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn a_truncated_record_in_the_middle_of_a_warc_loses_only_itself() {
    let dir = tempfile::tempdir().unwrap();
    let mut warc = Vec::new();
    for n in 0..5 {
        warc.extend(warc_record(n, &page(n), if n == 2 { 700 } else { 0 }));
    }
    only_record_2_lost(&dir.path().join("cut.warc"), &warc, "truncated");
}

/// Extracts the five-record WARC `bytes` written at `path`: records 0, 1,
/// 3 and 4 come out, record 2 is one error line saying `why`.
fn only_record_2_lost(path: &Path, bytes: &[u8], why: &str) {
    std::fs::write(path, bytes).unwrap();
    let out = onrecord().arg("extract").arg(path).assert().code(1);
    let out = out.get_output();
    assert_eq!(
        urls(&out.stdout),
        ["0", "1", "3", "4"].map(|n| format!("https://news.example/{n}"))
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let name = path.file_name().unwrap().to_string_lossy();
    assert!(
        stderr.contains(&format!("{name}: record 2 at byte")),
        "{stderr}"
    );
    assert!(stderr.contains(why), "{stderr}");
    assert_eq!(summary(&out.stderr), [5, 4, 0, 1]);
}

#[test]
fn a_corrupt_gzip_member_loses_only_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut warc = Vec::new();
    for n in 0..5 {
        let mut member = gzip(&warc_record(n, &page(n), 0));
        if n == 2 {
            let mid = member.len() / 2;
            for b in &mut member[20..mid] {
                *b ^= 0xa5;
            }
        }
        warc.extend(member);
    }
    only_record_2_lost(
        &dir.path().join("members.warc.gz"),
        &warc,
        "corrupt gzip member",
    );
}

#[test]
fn a_binary_blob_in_jsonl_is_one_error_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut jsonl = b"{\"id\": \"a\", \"text\": \"Putin said the talks were over.\"}\n".to_vec();
    // 64 KiB of bytes 0..=255 in a scrambled order, newlines taken out.
    let mut x = 12345u32;
    for _ in 0..65536 {
        x = x.wrapping_mul(1103515245).wrapping_add(12345);
        let b = (x >> 16) as u8;
        jsonl.push(if b == b'\n' { 0 } else { b });
    }
    jsonl.extend_from_slice(
        b"\n{\"id\": \"c\", \"text\": \"The mayor said the bridge would close.\"}\n",
    );
    let path = dir.path().join("blob.jsonl");
    std::fs::write(&path, jsonl).unwrap();
    let out = onrecord().arg("extract").arg(&path).assert().code(1);
    let out = out.get_output();
    let ids: Vec<_> = records(&out.stdout)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["a", "c"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("blob.jsonl: record 1 at byte 55"),
        "{stderr}"
    );
    assert_eq!(summary(&out.stderr), [3, 2, 0, 1]);
}

#[test]
fn a_200_mb_page_is_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("a-huge.html");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    f.write_all(b"<html><body><article>").unwrap();
    let para = "<p>The same paragraph, again and again, to make a page of 200 MB.</p>\n";
    let mut written = 0;
    while written < 200 << 20 {
        f.write_all(para.as_bytes()).unwrap();
        written += para.len();
    }
    f.write_all(b"</article></body></html>").unwrap();
    drop(f);
    std::fs::copy(
        testdata("html/article-with-figure.html"),
        dir.path().join("b-small.html"),
    )
    .unwrap();
    let out = onrecord().arg("extract").arg(dir.path()).assert().code(1);
    let out = out.get_output();
    assert_eq!(records(&out.stdout).len(), 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("a-huge.html: record 0 at byte 0"),
        "{stderr}"
    );
    assert!(stderr.contains("over the limit"), "{stderr}");
    assert_eq!(summary(&out.stderr), [2, 1, 0, 1]);
}

/// Runs `script` (sh) in a private mount namespace with a 1 MiB tmpfs
/// at `mnt`; `None` when this machine does not allow one.
fn in_small_tmpfs(mnt: &Path, script: &str) -> Option<std::process::Output> {
    let full = format!(
        "mount -t tmpfs -o size=1m onrecord-test {} && {script}",
        mnt.display()
    );
    let out = std::process::Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", &full])
        .output()
        .ok()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("mount:") || stderr.contains("unshare:") {
        eprintln!("skipped: no tmpfs here ({stderr})");
        if std::env::var_os("ONRECORD_REQUIRE_TMPFS").is_some() {
            panic!("ONRECORD_REQUIRE_TMPFS is set but no tmpfs could be mounted: {stderr}");
        }
        return None;
    }
    Some(out)
}

#[test]
fn a_full_disk_fails_the_run_and_leaves_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = super::jsonl_corpus(dir.path(), 4, 60);
    let mnt = dir.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("onrecord");
    // Plain run: exits 2 with the reason, nothing left in the directory.
    let script = format!(
        "{} extract --quiet -o {m}/records.jsonl {c}; echo \"exit=$?\"; ls -a {m}",
        bin.display(),
        m = mnt.display(),
        c = corpus.display()
    );
    let Some(out) = in_small_tmpfs(&mnt, &script) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("exit=2"), "{stdout}{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    let left: Vec<&str> = stdout
        .lines()
        .filter(|l| !l.starts_with("exit=") && *l != "." && *l != "..")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    // Resumable run: also exits 2, keeps its partial file and a manifest
    // that names only files whose records are all in it, and is not
    // renamed into place.
    let script = format!(
        "{} extract --quiet --resume -o {m}/records.jsonl {c}; echo \"exit=$?\"; \
         ls -a {m}; cat {m}/records.jsonl.manifest",
        bin.display(),
        m = mnt.display(),
        c = corpus.display()
    );
    let out = in_small_tmpfs(&mnt, &script).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("exit=2"), "{stdout}");
    assert!(!stdout.lines().any(|l| l == "records.jsonl"), "{stdout}");
    assert!(
        stdout.lines().any(|l| l == ".records.jsonl.partial"),
        "{stdout}"
    );
    assert!(stdout.contains("onrecord_manifest"), "{stdout}");
}

#[test]
fn a_full_standard_output_is_an_error_not_a_hang() {
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("onrecord"))
        .current_dir(testdata(""))
        .args(["extract", "quotes", "text"])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("No space left on device"));
}
