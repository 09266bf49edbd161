//! The JSON API: answers, status codes and headers.
#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

async fn get(dir: &std::path::Path, uri: &str) -> (StatusCode, Value, axum::http::HeaderMap) {
    let app = onrecord_server::router(common::index(dir));
    let res = app
        .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json, headers)
}

#[tokio::test]
async fn quotes_search_with_filters() {
    let dir = tempfile::tempdir().unwrap();
    let (s, j, h) = get(dir.path(), "/api/quotes?q=peace&speaker=Putin").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(j["total"], 2);
    let q = &j["quotes"][0];
    assert_eq!(q["speaker_name"], "Vladimir Putin");
    assert_eq!(q["article"]["site"], "news.example.com");
    assert!(
        q["article"]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    assert_eq!(h[header::CONTENT_SECURITY_POLICY], onrecord_server::CSP);
    let (_, j, _) = get(dir.path(), "/api/quotes?from=2025-07-01&to=2025-07-31").await;
    assert_eq!(j["total"], 1);
    let (_, j, _) = get(dir.path(), "/api/quotes?limit=1&offset=1").await;
    assert_eq!(j["total"], 4);
    assert_eq!(j["quotes"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_requests_are_400_with_a_json_error() {
    let dir = tempfile::tempdir().unwrap();
    for uri in [
        "/api/quotes?from=2025-13-01",
        "/api/quotes?kind=loud",
        "/api/quotes?limit=many",
        "/api/quotes?q=content:(",
        "/api/speakers/Vladimir%20Putin/timeline?bucket=year",
    ] {
        let (s, j, _) = get(dir.path(), uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}");
        assert!(
            j["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{uri}: {j}"
        );
    }
}

#[tokio::test]
async fn unknown_things_are_404() {
    let dir = tempfile::tempdir().unwrap();
    for uri in [
        "/api/articles/nope",
        "/api/speakers/Nobody/timeline",
        "/api/nothing",
    ] {
        let (s, j, _) = get(dir.path(), uri).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{uri}");
        assert!(j["error"].is_string(), "{uri}");
    }
}

#[tokio::test]
async fn speakers_timeline_and_articles() {
    let dir = tempfile::tempdir().unwrap();
    let (_, j, _) = get(dir.path(), "/api/speakers").await;
    assert_eq!(j["speakers"][0]["name"], "Vladimir Putin");
    assert_eq!(j["speakers"][0]["quotes"], 3);
    assert_eq!(j["speakers"][0]["first"], "2025-06-02");
    assert_eq!(j["speakers"][0]["last"], "2025-08-16");
    let (_, j, _) = get(dir.path(), "/api/speakers?q=zelensky").await;
    assert_eq!(j["speakers"].as_array().unwrap().len(), 1);
    let (s, j, _) = get(
        dir.path(),
        "/api/speakers/Vladimir%20Putin/timeline?bucket=week",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // 2025-06-02 and 06-05 fall in the week of Monday 06-02.
    assert_eq!(j["buckets"][0]["start"], "2025-06-02");
    assert_eq!(j["buckets"][0]["count"], 2);
    assert_eq!(j["total"], 3);
    let (_, j, _) = get(dir.path(), "/api/speakers/Vladimir%20Putin/timeline").await;
    let months: Vec<&str> = j["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["start"].as_str().unwrap())
        .collect();
    // July had no quote: an empty bucket, not a missing one.
    assert_eq!(months, ["2025-06", "2025-07", "2025-08"]);
    assert_eq!(j["buckets"][1]["count"], 0);
    let (s, j, _) = get(dir.path(), "/api/articles/a4").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(j["id"], "a4");
    assert_eq!(j["quotes"][0]["content"]["text"], common::HOSTILE);
}

#[tokio::test]
async fn page_files_and_openapi() {
    let dir = tempfile::tempdir().unwrap();
    let (s, j, _) = get(dir.path(), "/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    for path in [
        "/api/quotes",
        "/api/speakers",
        "/api/speakers/{name}/timeline",
        "/api/articles/{id}",
    ] {
        assert!(j["paths"][path].is_object(), "{path}");
    }
    let app = onrecord_server::router(common::index(dir.path()));
    let res = app
        .oneshot(Request::builder().uri("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(
        res.headers()[header::CONTENT_SECURITY_POLICY],
        onrecord_server::CSP
    );
    let html =
        String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    // No inline script: the policy would block it.
    assert!(html.contains("<script src=\"/app.js\""));
    assert!(!html.contains("<script>"));
}
