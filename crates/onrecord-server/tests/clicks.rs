//! The page driven like a reader drives it: Debian's `chromedriver` runs
//! headless Chromium over the W3C WebDriver protocol; the test types a
//! search, submits the form, clicks a speaker's name, waits for the chart,
//! and saves phone-size screenshots to `target/browser-artifacts/`. Without
//! chromedriver it says so and passes, unless `ONRECORD_REQUIRE_BROWSER`
//! is set (CI sets it).
//!
//! The WebDriver client is a few plain HTTP/1.1 requests written here: the
//! handful of calls needed do not justify an async WebDriver crate.
#![allow(clippy::unwrap_used, clippy::print_stderr, reason = "tests")]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// One request to chromedriver; the `value` of its answer.
fn call(port: u16, method: &str, path: &str, body: Option<Value>) -> Value {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut length = None;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut bytes = Vec::new();
    match length {
        Some(n) => {
            bytes.resize(n, 0);
            reader.read_exact(&mut bytes).unwrap();
        }
        None => {
            reader.read_to_end(&mut bytes).unwrap();
        }
    }
    let answer: Value = serde_json::from_slice(&bytes).unwrap();
    answer["value"].clone()
}

struct Driver {
    child: Child,
    port: u16,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = std::panic::catch_unwind(|| {
            call(
                self.port,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            )
        });
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start(chromedriver: &PathBuf) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--window-size=412,915"
        ]}}}});
        let session = call(port, "POST", "/session", Some(caps))["sessionId"]
            .as_str()
            .unwrap()
            .to_owned();
        Driver {
            child,
            port,
            session,
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        call(
            self.port,
            method,
            &format!("/session/{}{path}", self.session),
            body,
        )
    }

    /// A command that must succeed (a stale element is a failure).
    fn must(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let v = self.cmd(method, path, body);
        assert!(v.get("error").is_none(), "{method} {path}: {v}");
        v
    }

    /// Waits up to ten seconds for an element's text.
    fn wait_text(&self, css: &str, want: &str) {
        let started = Instant::now();
        loop {
            if let Some(e) = self.find(css)
                && self.text(&e) == want
            {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{css} never read {want:?}: {}",
                self.source()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn find(&self, css: &str) -> Option<String> {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        // W3C's element reference key; an error answer has none.
        v.get("element-6066-11e4-a52e-4f735466cecf")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// Waits up to ten seconds for an element.
    fn wait_for(&self, css: &str) -> String {
        let started = Instant::now();
        loop {
            if let Some(e) = self.find(css) {
                return e;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no {css}: {}",
                self.source()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn text(&self, element: &str) -> String {
        self.cmd("GET", &format!("/element/{element}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    fn source(&self) -> String {
        self.cmd("GET", "/source", None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    fn screenshot(&self, name: &str) {
        let b64 = self.cmd("GET", "/screenshot", None);
        let png = decode_base64(b64.as_str().unwrap());
        std::fs::write(common::artifacts().join(name), png).unwrap();
    }
}

/// Standard base64 (screenshots), without a crate for one call.
fn decode_base64(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in s.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[test]
fn a_reader_searches_clicks_a_speaker_and_sees_the_chart() {
    let Some(chromedriver) = common::browser_tool(
        &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
        "chromium-driver",
    ) else {
        return;
    };
    let server = common::Server::start();
    let addr = server.addr;
    {
        let d = Driver::start(&chromedriver);
        d.cmd(
            "POST",
            "/url",
            Some(json!({"url": format!("http://{addr}/")})),
        );
        // Type a search and submit it.
        d.wait_text("#status", "4 quotes, 4 shown");
        let q = d.wait_for("#q");
        d.must(
            "POST",
            &format!("/element/{q}/value"),
            Some(json!({"text": "wrote"})),
        );
        let button = d.wait_for("#search button");
        d.must("POST", &format!("/element/{button}/click"), Some(json!({})));
        d.wait_text("#status", "1 quote, 1 shown");
        let quote = d.wait_for("#results li.quote blockquote");
        // The hostile quote is text: shown as written, nothing injected.
        assert_eq!(d.text(&quote), common::HOSTILE);
        assert!(d.find("#results img").is_none());
        assert_eq!(d.cmd("GET", "/title", None), "onrecord: who said what");
        d.screenshot("clicks-search.png");
        // Click the speaker's name: the speaker's page with its chart.
        let speaker = d.wait_for("#results a.speaker");
        assert_eq!(d.text(&speaker), "Vladimir Putin");
        d.must(
            "POST",
            &format!("/element/{speaker}/click"),
            Some(json!({})),
        );
        d.wait_for("#chart svg rect");
        d.wait_text("#speaker-name", "Vladimir Putin");
        d.wait_text("#status", "3 quotes, 3 shown");
        let source = d.source();
        // June, July (none) and August.
        assert_eq!(source.matches("<rect").count(), 3, "{source}");
        d.screenshot("clicks-speaker.png");
    }
    server.stop();
}

impl Driver {
    /// Runs `script` in the page; its return value.
    fn execute(&self, script: &str) -> Value {
        self.must(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }
}

/// Issue 16, reproductions 4 and 10: over the hostile corpus the page
/// renders in under 5 s; a 1 MB unbroken word laid out by the page itself
/// wraps without stalling it; and every piece of data sits in a bidi
/// isolate, so a right-to-left override stays inside its name.
#[test]
fn a_hostile_corpus_renders_quickly_and_isolates_every_datum() {
    let Some(chromedriver) = common::browser_tool(
        &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
        "chromium-driver",
    ) else {
        return;
    };
    let server =
        common::Server::start_with(common::hostile_index, onrecord_server::Config::default());
    let addr = server.addr;
    {
        let d = Driver::start(&chromedriver);
        let started = Instant::now();
        d.cmd(
            "POST",
            "/url",
            Some(json!({"url": format!("http://{addr}/#q=peace")})),
        );
        d.wait_text("#status", "503 quotes, 20 shown");
        let took = started.elapsed();
        eprintln!("hostile results rendered in {took:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");
        d.screenshot("hostile-results.png");
        // Every text holding an override is inside an isolate.
        let check = d.execute(
            r##"
            const walker = document.createTreeWalker(document.getElementById("results"), NodeFilter.SHOW_TEXT);
            let overrides = 0, leaks = 0;
            while (walker.nextNode()) {
              const n = walker.currentNode;
              if (!n.nodeValue.includes("\u202e")) continue;
              overrides++;
              const bidi = getComputedStyle(n.parentElement).unicodeBidi;
              if (!["isolate", "isolate-override", "plaintext"].includes(bidi)) leaks++;
            }
            const data = document.querySelectorAll("#results bdi, #results blockquote");
            const loose = [...data].filter((e) => getComputedStyle(e).unicodeBidi !== "isolate").length;
            return {overrides, leaks, data: data.length, loose};
            "##,
        );
        assert!(check["overrides"].as_u64().unwrap() >= 2, "{check}");
        assert_eq!(check["leaks"], 0, "{check}");
        assert!(check["data"].as_u64().unwrap() >= 20 * 4, "{check}");
        assert_eq!(check["loose"], 0, "{check}");
        // A 1 MB unbroken word handed to the page's own renderer: cut and
        // wrapped, laid out at once, nothing wider than the screen.
        let layout = d.execute(
            r##"
            const word = "w".repeat(1 << 20);
            const t0 = performance.now();
            const li = renderQuote({content: word, kind: "direct", speaker_name: word, cue: word,
              article: {id: "x", title: word, site: word, date: "2025-08-16", url: "https://e.com/" + word}});
            document.getElementById("results").prepend(li);
            const height = document.body.offsetHeight;
            return {ms: performance.now() - t0, height, overflow: document.documentElement.scrollWidth - window.innerWidth};
            "##,
        );
        eprintln!("1 MB word laid out: {layout}");
        assert!(layout["ms"].as_f64().unwrap() < 5000.0, "{layout}");
        assert!(layout["overflow"].as_f64().unwrap() <= 1.0, "{layout}");
        d.screenshot("hostile-word.png");
    }
    server.stop();
}
