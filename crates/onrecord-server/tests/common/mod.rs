//! A small index for the server tests, with a hostile quote.
#![allow(dead_code, clippy::unwrap_used, reason = "test helper")]

use onrecord_core::{Article, Quote, QuoteKind, Record, Span};
use onrecord_index::QuoteIndex;

pub(crate) const HOSTILE: &str = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\"> is what he wrote";

fn span(text: &str) -> Span {
    Span {
        text: text.to_owned(),
        start: 0,
        end: text.chars().count(),
    }
}

pub(crate) fn record(id: &str, date: &str, quotes: &[(&str, &str)]) -> Record {
    Record {
        id: id.to_owned(),
        source: None,
        article: Article {
            url: Some(format!("https://news.example.com/{id}")),
            date: Some(date.to_owned()),
            title: Some(format!("Story {id}")),
            author: None,
            site: Some("news.example.com".into()),
        },
        lang: Some("en".into()),
        text: "text".into(),
        captions: vec![],
        quotes: quotes
            .iter()
            .map(|(content, speaker)| Quote {
                kind: QuoteKind::Direct,
                content: span(content),
                cue: Some(span("said")),
                speaker: Some(span(speaker)),
                speaker_name: Some((*speaker).to_owned()),
            })
            .collect(),
        entities: vec![],
        amounts: vec![],
        dates: vec![],
    }
}

pub(crate) fn index(dir: &std::path::Path) -> QuoteIndex {
    let index = QuoteIndex::open(dir).unwrap();
    let mut w = index.writer(20_000_000).unwrap();
    let records = [
        record(
            "a1",
            "2025-06-02",
            &[("We are ready to talk about peace", "Vladimir Putin")],
        ),
        record(
            "a2",
            "2025-06-05",
            &[("Peace is far away", "Vladimir Putin")],
        ),
        record(
            "a3",
            "2025-07-20",
            &[("No peace without justice", "Volodymyr Zelensky")],
        ),
        record("a4", "2025-08-16", &[(HOSTILE, "Vladimir Putin")]),
    ];
    for r in &records {
        w.add(r).unwrap();
    }
    w.commit().unwrap();
    index.reload().unwrap();
    index
}

/// One unbroken word of a million letters.
pub(crate) fn huge_word() -> String {
    "w".repeat(1 << 20)
}

/// The words of the quote that appears 100,000 times.
pub(crate) const REPEATED: &str = "the same line repeated everywhere";

/// Issue 16's hostile corpus: a 1 MB title on an article of 500 quotes,
/// a 1 MB unbroken word as title and quote, terminal escapes, a
/// right-to-left override in a speaker's name, and 100,000 copies of one
/// quote (200 articles of 500).
pub(crate) fn hostile_records() -> Vec<Record> {
    let mut out = Vec::new();
    let spaced_title = "headline ".repeat((1 << 20) / 9);
    let many: Vec<(String, &str)> = (0..500)
        .map(|i| {
            (
                format!("a big title above quote {i} about peace"),
                "Ana Cruz",
            )
        })
        .collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(c, s)| (c.as_str(), *s)).collect();
    let mut big = record("big-title", "2025-08-01", &many);
    big.article.title = Some(spaced_title);
    out.push(big);
    let word = huge_word();
    let mut unbroken = record(
        "one-word",
        "2025-08-02",
        &[(&format!("peace {word}"), "Ana Cruz")],
    );
    unbroken.article.title = Some(word.clone());
    unbroken.article.url = Some(format!("https://news.example.com/{word}"));
    out.push(unbroken);
    out.push(record(
        "escapes",
        "2025-08-03",
        &[("peace \u{1b}[2J\u{1b}]0;pwned\u{7} now", "Bo \u{1b}[31mRed")],
    ));
    out.push(record(
        "bidi",
        "2025-08-04",
        &[(
            "peace with an override \u{202e}reversed",
            "Ana \u{202e}Cruz",
        )],
    ));
    let copies: Vec<(&str, &str)> = (0..500).map(|_| (REPEATED, "Cy Dee")).collect();
    for n in 0..200 {
        out.push(record(&format!("copy-{n}"), "2025-08-05", &copies));
    }
    out
}

/// The hostile corpus indexed in `dir`.
pub(crate) fn hostile_index(dir: &std::path::Path) -> QuoteIndex {
    let index = QuoteIndex::open(dir).unwrap();
    let mut w = index.writer(50_000_000).unwrap();
    for r in hostile_records() {
        w.add(&r).unwrap();
    }
    w.commit().unwrap();
    index.reload().unwrap();
    index
}

/// A browser tool at one of `paths`; without it, `None` after saying so,
/// unless `ONRECORD_REQUIRE_BROWSER` is set (CI), which fails instead.
pub(crate) fn browser_tool(paths: &[&str], package: &str) -> Option<std::path::PathBuf> {
    let found = paths
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("ONRECORD_REQUIRE_BROWSER").is_none(),
            "no {}: install Debian's {package} package",
            paths[0]
        );
        #[allow(clippy::print_stderr, reason = "a skipped test says why")]
        {
            eprintln!("skipped: no {} here (CI installs {package})", paths[0]);
        }
    }
    found
}

/// Where screenshots are kept.
pub(crate) fn artifacts() -> std::path::PathBuf {
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `onrecord_server::serve` over the fixture index on a loopback port.
pub(crate) struct Server {
    runtime: tokio::runtime::Runtime,
    pub(crate) addr: std::net::SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    handle: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

impl Server {
    pub(crate) fn start() -> Server {
        Server::start_with(index, onrecord_server::Config::default())
    }

    /// A server over the index `make` builds in a fresh directory.
    pub(crate) fn start_with(
        make: fn(&std::path::Path) -> QuoteIndex,
        config: onrecord_server::Config,
    ) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let index = make(dir.path());
        let handle = runtime.spawn(onrecord_server::serve_with(
            index,
            listener,
            config,
            async {
                let _ = stopped.await;
            },
        ));
        Server {
            runtime,
            addr,
            stop,
            handle,
            _dir: dir,
        }
    }

    /// Stops the server; it must have run without error.
    pub(crate) fn stop(self) {
        let _ = self.stop.send(());
        self.runtime.block_on(self.handle).unwrap().unwrap();
    }
}
