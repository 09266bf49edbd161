//! Issue 16 at the server: each reproduction sent to a real server on
//! loopback (over the hostile corpus of `common::hostile_records`) is
//! answered within a second with a JSON error or a bounded answer, the
//! server stays up, and its memory comes back after a burst.
#![allow(clippy::unwrap_used, clippy::print_stderr, reason = "tests")]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use serde_json::Value;

/// An answer read off the wire.
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
    took: Duration,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then_some(v.trim())
        })
    }
}

/// Sends `raw` on a new connection and reads the answer to its end.
fn send(addr: SocketAddr, raw: &[u8]) -> Answer {
    let started = Instant::now();
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    // A client may be refused before it finishes writing.
    let _ = s.write_all(raw);
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    let took = started.elapsed();
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(bytes.len());
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let body = bytes.get(split + 4..).unwrap_or_default().to_vec();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        unchunk(&body)
    } else {
        body
    };
    Answer {
        status,
        head,
        body,
        took,
    }
}

fn unchunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 4 + size..];
    }
    out
}

fn get(addr: SocketAddr, target: &str) -> Answer {
    send(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

fn nested(depth: usize) -> String {
    format!("{}peace{}", "%28".repeat(depth), "%29".repeat(depth))
}

/// Resident memory of this process (the server runs in it), in MB.
fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The server answers: up, and searching.
fn alive(addr: SocketAddr) {
    let a = get(addr, "/api/quotes?q=peace&limit=5");
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert!(a.json()["total"].as_u64().unwrap() > 500);
}

fn is_json_error(a: &Answer) {
    assert_eq!(
        a.header("content-type"),
        Some("application/json"),
        "{}",
        a.head
    );
    assert!(
        a.json()["error"].is_string(),
        "{}",
        String::from_utf8_lossy(&a.body)
    );
}

#[test]
fn every_reproduction_is_answered_within_a_second_and_the_server_stays_up() {
    let server =
        common::Server::start_with(common::hostile_index, onrecord_server::Config::default());
    let addr = server.addr;
    alive(addr);
    let long_uri = format!("/api/quotes?q={}", "a".repeat(20_000));
    let cases: Vec<(String, u16)> = vec![
        // 1: a stack overflow took the server down.
        (format!("/api/quotes?q={}", "%28".repeat(2000)), 400),
        // 2: exponential parsing.
        (format!("/api/quotes?q={}", nested(22)), 400),
        (format!("/api/quotes?q={}", nested(100)), 400),
        // 3: a 525 MB answer.
        ("/api/quotes?limit=1000".into(), 200),
        ("/api/quotes?q=peace&limit=1000".into(), 200),
        ("/api/speakers?limit=1000".into(), 200),
        // 5: a silent cap on the offset.
        ("/api/quotes?offset=200000".into(), 400),
        ("/api/quotes?offset=100000".into(), 200),
        // 8: numbers past any type.
        ("/api/quotes?limit=18446744073709551616".into(), 400),
        ("/api/quotes?limit=10000000000".into(), 400),
        // Impossible dates.
        ("/api/quotes?from=2025-02-30".into(), 400),
        ("/api/quotes?to=2025-08-16garbage".into(), 400),
        // Errors that used to have no body or a text/plain one.
        ("/api/speakers/%ff/timeline".into(), 400),
        ("/api/articles/%ff".into(), 400),
        (long_uri, 414),
        // The full record of what a hit cut short.
        ("/api/articles/one-word".into(), 200),
    ];
    for (target, status) in &cases {
        let a = get(addr, target);
        let shown = &target[..target.len().min(80)];
        assert_eq!(
            a.status,
            *status,
            "{shown}: {}",
            String::from_utf8_lossy(&a.body[..a.body.len().min(300)])
        );
        assert!(a.took < Duration::from_secs(1), "{shown} took {:?}", a.took);
        if *status >= 400 {
            is_json_error(&a);
        }
        assert_eq!(a.header("x-frame-options"), Some("DENY"), "{shown}");
        assert!(a.header("content-security-policy").is_some());
        alive(addr);
    }
    // 405 and 431 as JSON too.
    let post = send(
        addr,
        b"POST /api/quotes HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(post.status, 405);
    is_json_error(&post);
    let big_header = format!(
        "GET /api/quotes HTTP/1.1\r\nHost: x\r\nX-Filler: {}\r\nConnection: close\r\n\r\n",
        "h".repeat(40_000)
    );
    let a = send(addr, big_header.as_bytes());
    assert_eq!(a.status, 431);
    is_json_error(&a);
    alive(addr);
    server.stop();
}

#[test]
fn answers_over_the_hostile_corpus_are_bounded() {
    let server =
        common::Server::start_with(common::hostile_index, onrecord_server::Config::default());
    let addr = server.addr;
    for target in [
        "/api/quotes?limit=1000",
        "/api/quotes?q=peace&limit=1000",
        "/api/quotes?q=wwww&limit=1000",
        &format!(
            "/api/quotes?q=%22{}%22&limit=1000",
            common::REPEATED.replace(' ', "+")
        ),
    ] {
        let a = get(addr, target);
        assert_eq!(a.status, 200, "{target}");
        assert!(a.body.len() < 10 << 20, "{target}: {} bytes", a.body.len());
        assert!(a.body.len() <= onrecord_server::MAX_ANSWER_BYTES);
        let page = a.json();
        for q in page["quotes"].as_array().unwrap() {
            let title = q["article"]["title"].as_str().unwrap_or("");
            assert!(title.chars().count() <= onrecord_server::MAX_TITLE_CHARS);
            assert!(
                q["content"].as_str().unwrap().chars().count()
                    <= onrecord_server::MAX_CONTENT_CHARS
            );
        }
        eprintln!(
            "{target}: {} bytes, {} quotes",
            a.body.len(),
            page["quotes"].as_array().unwrap().len()
        );
    }
    // The 1 MB title is cut, said to be, and whole in the article.
    let a = get(addr, "/api/quotes?q=quote+above&limit=1");
    let hit = &a.json()["quotes"][0];
    assert_eq!(hit["truncated"], true);
    assert_eq!(
        hit["article"]["title"].as_str().unwrap().chars().count(),
        onrecord_server::MAX_TITLE_CHARS
    );
    let id = hit["article"]["id"].as_str().unwrap().to_owned();
    let record = get(addr, &format!("/api/articles/{id}")).json();
    assert!(record["title"].as_str().unwrap().len() > 1_000_000);
    // Paging: next_offset goes on, and stops at the end.
    let first = get(addr, "/api/quotes?q=%22same+line%22&limit=1000").json();
    assert_eq!(first["total"], 100_000);
    assert_eq!(first["next_offset"], 1000);
    let past = get(addr, "/api/quotes?q=%22same+line%22&limit=10&offset=100000").json();
    assert_eq!(past["quotes"].as_array().unwrap().len(), 0);
    assert_eq!(past["next_offset"], Value::Null);
    server.stop();
}

/// Memory: a burst of 20 of the heaviest requests, four at a time, leaves
/// the process within 100 MB of where it was (it held 2.2 GB after four
/// before).
#[test]
fn a_burst_of_hostile_requests_leaves_memory_where_it_was() {
    let server =
        common::Server::start_with(common::hostile_index, onrecord_server::Config::default());
    let addr = server.addr;
    // Warm up: the first answers map the index and fill caches.
    for _ in 0..2 {
        get(addr, "/api/quotes?limit=1000");
        get(addr, "/api/quotes?q=peace&limit=1000");
    }
    let before = rss_mb();
    let targets = [
        "/api/quotes?limit=1000",
        "/api/quotes?q=peace&limit=1000",
        "/api/speakers?limit=1000",
        "/api/articles/one-word",
    ];
    let peak = std::thread::scope(|s| {
        let mut handles = Vec::new();
        for t in 0..4 {
            handles.push(s.spawn(move || {
                for i in 0..5 {
                    let a = get(addr, targets[(t + i) % targets.len()]);
                    assert_eq!(a.status, 200);
                }
            }));
        }
        for h in handles {
            h.join().unwrap();
        }
        rss_mb()
    });
    let after = rss_mb();
    eprintln!(
        "RSS before {before:.0} MB, at the end of the burst {peak:.0} MB, after {after:.0} MB"
    );
    assert!(
        after - before < 100.0,
        "RSS before {before:.0} MB, after {after:.0} MB"
    );
    alive(addr);
    server.stop();
}

/// Reproduction 6: a client that sends half a request is dropped after the
/// header timeout; connections past the cap are answered 503 at once, and
/// a normal request is served as soon as a slot is free.
#[test]
fn slow_and_idle_clients_are_bounded() {
    let config = onrecord_server::Config {
        header_timeout: Duration::from_millis(500),
        max_connections: 8,
        ..onrecord_server::Config::default()
    };
    let server = common::Server::start_with(common::index, config);
    let addr = server.addr;
    // Half a request, then silence: closed by the server.
    let mut half = TcpStream::connect(addr).unwrap();
    half.write_all(b"GET /api/quotes HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    half.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    let _ = half.read_to_end(&mut buf);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "held {:?}",
        started.elapsed()
    );
    // An idle kept-alive connection is closed too.
    let mut idle = TcpStream::connect(addr).unwrap();
    idle.write_all(b"GET /api/speakers HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    let _ = idle.read_to_end(&mut buf);
    assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200"));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "held {:?}",
        started.elapsed()
    );
    // Eight idle connections fill the cap; the ninth hears 503 at once.
    let holders: Vec<TcpStream> = (0..8).map(|_| TcpStream::connect(addr).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(100));
    let a = get(addr, "/api/quotes");
    assert_eq!(a.status, 503, "{}", a.head);
    assert!(a.took < Duration::from_secs(1));
    is_json_error(&a);
    assert!(a.json()["error"].as_str().unwrap().contains("limit of 8"));
    drop(holders);
    std::thread::sleep(Duration::from_millis(100));
    let a = get(addr, "/api/quotes?q=peace");
    assert_eq!(a.status, 200);
    server.stop();
}

/// A search past its time budget is 503, and asked again it is refused at
/// once without running.
#[test]
fn a_search_past_its_budget_is_503_and_not_run_again() {
    let config = onrecord_server::Config {
        search_budget: Duration::from_millis(1),
        ..onrecord_server::Config::default()
    };
    let server = common::Server::start_with(common::hostile_index, config);
    let addr = server.addr;
    // Every quote of the corpus, ranked: well over 1 ms.
    let target = "/api/quotes?q=peace+OR+same+OR+line+OR+quote&limit=1000";
    let first = get(addr, target);
    assert_eq!(
        first.status,
        503,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    is_json_error(&first);
    let again = get(addr, target);
    assert_eq!(again.status, 503);
    assert!(again.took < Duration::from_millis(200), "{:?}", again.took);
    server.stop();
}

/// Graceful shutdown is bounded: a connection left open does not hold it.
#[test]
fn shutdown_is_bounded_by_its_grace() {
    let config = onrecord_server::Config {
        shutdown_grace: Duration::from_millis(300),
        ..onrecord_server::Config::default()
    };
    let server = common::Server::start_with(common::index, config);
    let addr = server.addr;
    let mut open = TcpStream::connect(addr).unwrap();
    open.write_all(b"GET /api/quotes HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let started = Instant::now();
    server.stop();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}
