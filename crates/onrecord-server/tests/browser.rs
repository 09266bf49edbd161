//! The page in a real browser: headless Chromium (Debian's `chromium`,
//! installed by `.ci/run`) loads it from a server on loopback, searches,
//! opens a speaker and draws the chart, and shows a hostile quote as text.
//! Screenshots at phone size go to `target/browser-artifacts/`. Without
//! Chromium the test says so and passes, unless `ONRECORD_REQUIRE_BROWSER`
//! is set (CI sets it).
#![allow(clippy::unwrap_used, clippy::print_stderr, reason = "tests")]

mod common;

use std::path::PathBuf;
use std::process::Command;

/// The DOM after scripts ran, and a screenshot at phone size.
fn load(browser: &PathBuf, url: &str, shot: &str) -> String {
    let flags = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--virtual-time-budget=8000",
        "--window-size=412,915",
    ];
    let dom = Command::new(browser)
        .args(flags)
        .arg("--dump-dom")
        .arg(url)
        .output()
        .unwrap();
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let out = Command::new(browser)
        .args(flags)
        .arg(format!(
            "--screenshot={}",
            common::artifacts().join(shot).display()
        ))
        .arg(url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(dom.stdout).unwrap()
}

#[test]
fn search_speaker_chart_and_hostile_text_in_a_browser() {
    let Some(browser) = common::browser_tool(
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
        "chromium",
    ) else {
        return;
    };
    let server = common::Server::start();
    let addr = server.addr;

    // Search: results render, the hostile quote is text.
    let dom = load(&browser, &format!("http://{addr}/#q=wrote"), "search.png");
    assert!(dom.contains("class=\"quote direct\""), "{dom}");
    assert!(dom.contains("1 quote, 1 shown"), "{dom}");
    assert!(
        dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;&lt;img src=x onerror="),
        "{dom}"
    );
    assert!(!dom.contains("<img"), "an element was injected: {dom}");
    assert!(
        dom.contains("<title>onrecord: who said what</title>"),
        "{dom}"
    );

    // A speaker: the chart is drawn beside the list.
    let dom = load(
        &browser,
        &format!("http://{addr}/#speaker=Vladimir%20Putin"),
        "speaker.png",
    );
    assert!(
        dom.contains("<h2 id=\"speaker-name\" dir=\"auto\">Vladimir Putin</h2>"),
        "{dom}"
    );
    assert!(dom.contains("3 dated quotes"), "{dom}");
    // June, July (none) and August.
    assert_eq!(dom.matches("<rect").count(), 3, "{dom}");
    assert!(dom.contains("3 quotes, 3 shown"), "{dom}");

    server.stop();
}
