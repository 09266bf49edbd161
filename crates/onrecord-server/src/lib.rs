//! The HTTP side of onrecord: a JSON API over a quote index and the web
//! page that uses it (axum). Every answer carries a Content-Security-Policy
//! that allows only this server's own script and style, and the page sets
//! article text with `textContent` only, so a quote holding `<script>` or
//! `<img onerror=...>` is shown as text.
//!
//! Hostile requests and hostile data are bounded at every step: query
//! length and nesting are checked before tantivy parses them, each search
//! has a time budget, answers have capped fields and bytes, connections
//! have a header-read timeout and a cap, and every error is JSON
//! (`docs/search.md`, "Limits").

#![warn(missing_docs)]

mod bounded;
mod budget;
mod conn;
mod error;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use onrecord_index::{MAX_LIMIT, QuoteIndex, Search};
use serde::Deserialize;
use serde_json::json;

pub use bounded::{
    MAX_ANSWER_BYTES, MAX_CONTENT_CHARS, MAX_FIELD_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS,
};
pub use error::{MAX_HEADER_BYTES, MAX_URI_BYTES};

use bounded::ServedSpeaker;
use budget::Budget;
use error::ApiError;

const PAGE: &str = include_str!("../web/index.html");
const SCRIPT: &str = include_str!("../web/app.js");
const STYLE: &str = include_str!("../web/app.css");
const OPENAPI: &str = include_str!("../web/openapi.json");

/// Only this server's own files; no inline script, no framing.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The server's bounds. [`Config::default`] is what `onrecord serve` uses.
#[derive(Debug, Clone)]
pub struct Config {
    /// A request head (or, on a kept-alive connection, the next one) must
    /// arrive within this; otherwise the connection is closed.
    pub header_timeout: Duration,
    /// Open connections at most; past it a new one is answered 503.
    pub max_connections: usize,
    /// Time a search may take; past it the answer is 503 and the same
    /// request is refused for ten minutes without running.
    pub search_budget: Duration,
    /// Searches running at once at most (others wait at most
    /// `search_budget` for their turn, then are answered 503 "busy").
    pub concurrent_searches: usize,
    /// After shutdown is asked for, requests in flight get this long.
    pub shutdown_grace: Duration,
}

impl Default for Config {
    fn default() -> Config {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Config {
            header_timeout: Duration::from_secs(10),
            max_connections: 1024,
            search_budget: Duration::from_secs(2),
            concurrent_searches: 2 * cores,
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

/// The index and what is worth computing once: the server reads one
/// commit for its whole life, so the speakers list does not change.
struct AppState {
    index: Arc<QuoteIndex>,
    top_speakers: std::sync::OnceLock<Vec<onrecord_index::Speaker>>,
    budget: Budget,
}

type Shared = Arc<AppState>;

fn query_params<T>(params: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    params
        .map(|Query(p)| p)
        .map_err(|e| ApiError::bad_request(e.body_text()))
}

fn path_param(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    path.map(|Path(p)| p)
        .map_err(|e| ApiError::bad_request(e.body_text()))
}

/// A JSON body already serialised.
fn json_bytes(bytes: Vec<u8>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        bytes,
    )
        .into_response()
}

#[derive(Deserialize)]
struct QuotesParams {
    q: Option<String>,
    speaker: Option<String>,
    outlet: Option<String>,
    from: Option<String>,
    to: Option<String>,
    kind: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

fn nonempty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

async fn quotes(
    State(app): State<Shared>,
    params: Result<Query<QuotesParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let p = query_params(params)?;
    let kind = nonempty(p.kind);
    if let Some(k) = &kind
        && !matches!(k.as_str(), "direct" | "mixed" | "indirect")
    {
        return Err(ApiError::bad_request(format!(
            "bad kind {k:?}: expected direct, mixed or indirect"
        )));
    }
    let offset = p.offset.unwrap_or(0);
    let search = Search {
        query: nonempty(p.q),
        speaker: nonempty(p.speaker),
        outlet: nonempty(p.outlet),
        from: nonempty(p.from),
        to: nonempty(p.to),
        kind,
        limit: p.limit.unwrap_or(20),
        offset,
        deadline: None,
    };
    let key = format!("{search:?}");
    let index = app.index.clone();
    let page = app
        .budget
        .run(key, move |deadline| {
            let results = index.search(&Search {
                deadline: Some(deadline),
                ..search
            })?;
            Ok(bounded::quotes_page(results, offset))
        })
        .await?;
    Ok(json_bytes(page))
}

#[derive(Deserialize)]
struct SpeakersParams {
    q: Option<String>,
    limit: Option<usize>,
}

async fn speakers(
    State(app): State<Shared>,
    params: Result<Query<SpeakersParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let p = query_params(params)?;
    let limit = p.limit.unwrap_or(20);
    if limit > MAX_LIMIT {
        return Err(onrecord_index::Error::Page {
            what: "limit",
            value: limit,
            max: MAX_LIMIT,
        }
        .into());
    }
    let q = nonempty(p.q);
    let rows = match q {
        Some(q) => {
            let index = app.index.clone();
            app.budget
                .run(format!("speakers {q:?} {limit}"), move |_| {
                    Ok(index.speakers(Some(&q), limit)?)
                })
                .await?
        }
        // The whole list counts every quote: computed once, at start (or
        // by the first request, if that failed).
        None => {
            let top = match app.top_speakers.get() {
                Some(top) => top,
                None => {
                    let index = app.index.clone();
                    let top = app
                        .budget
                        .run("speakers".to_owned(), move |_| {
                            Ok(index.speakers(None, MAX_LIMIT)?)
                        })
                        .await?;
                    app.top_speakers.get_or_init(|| top)
                }
            };
            top.iter().take(limit).cloned().collect()
        }
    };
    let (rows, _, cut) = bounded::array(rows.into_iter().map(ServedSpeaker::new));
    let mut out = Vec::from(*b"{\"speakers\":");
    out.extend_from_slice(&rows);
    out.extend_from_slice(if cut {
        b",\"cut\":true}"
    } else {
        b",\"cut\":false}"
    });
    Ok(json_bytes(out))
}
#[derive(Deserialize)]
struct TimelineParams {
    bucket: Option<String>,
}

/// The bucket a day falls in: the Monday of its ISO week, or its month.
fn bucket_of(day: &str, week: bool) -> Option<String> {
    if !week {
        return day.get(..7).map(str::to_owned);
    }
    let date: jiff::civil::Date = day.parse().ok()?;
    let back = i64::from(date.weekday().to_monday_zero_offset());
    let monday = date
        .checked_sub(jiff::Span::new().try_days(back).ok()?)
        .ok()?;
    Some(monday.to_string())
}

/// Most buckets a timeline gives; past that, empty ones are left out.
const MAX_BUCKETS: usize = 2000;

/// The counted buckets with the empty ones between them, so that a chart
/// shows silences as well as quotes.
fn with_gaps(counted: Vec<(String, usize)>, week: bool) -> Vec<(String, usize)> {
    let next = |b: &str| -> Option<String> {
        if week {
            let d: jiff::civil::Date = b.parse().ok()?;
            Some(d.checked_add(jiff::Span::new().days(7)).ok()?.to_string())
        } else {
            let (y, m) = (
                b.get(..4)?.parse::<i32>().ok()?,
                b.get(5..7)?.parse::<i32>().ok()?,
            );
            let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            Some(format!("{y:04}-{m:02}"))
        }
    };
    let mut out: Vec<(String, usize)> = Vec::with_capacity(counted.len());
    for (b, n) in counted {
        while let Some((last, _)) = out.last() {
            match next(last) {
                Some(gap) if gap < b && out.len() < MAX_BUCKETS => out.push((gap, 0)),
                _ => break,
            }
        }
        out.push((b, n));
    }
    out
}

async fn timeline(
    State(app): State<Shared>,
    name: Result<Path<String>, PathRejection>,
    params: Result<Query<TimelineParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let name = path_param(name)?;
    let p = query_params(params)?;
    let bucket = p.bucket.unwrap_or_else(|| "month".into());
    let week = match bucket.as_str() {
        "week" => true,
        "month" => false,
        other => {
            return Err(ApiError::bad_request(format!(
                "bad bucket {other:?}: expected week or month"
            )));
        }
    };
    let lookup = name.clone();
    let index = app.index.clone();
    let days = app
        .budget
        .run(format!("days {name:?}"), move |_| Ok(index.days(&lookup)?))
        .await?;
    if days.is_empty() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no dated quotes by {name:?}"),
        ));
    }
    let mut counted: Vec<(String, usize)> = Vec::new();
    for (day, n) in days {
        let Some(b) = bucket_of(&day, week) else {
            continue;
        };
        match counted.last_mut() {
            Some(last) if last.0 == b => last.1 += n,
            _ => counted.push((b, n)),
        }
    }
    let buckets = with_gaps(counted, week);
    let total: usize = buckets.iter().map(|b| b.1).sum();
    Ok(Json(json!({
        "name": name,
        "bucket": bucket,
        "total": total,
        "buckets": buckets.iter().map(|(start, count)| json!({"start": start, "count": count})).collect::<Vec<_>>(),
    }))
    .into_response())
}

/// An article's whole record: what a hit cut short is here in full.
async fn article(
    State(app): State<Shared>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = path_param(id)?;
    let lookup = id.clone();
    let index = app.index.clone();
    let record = app
        .budget
        .run(format!("article {id:?}"), move |_| {
            Ok(index.article(&lookup)?)
        })
        .await?;
    match record {
        Some(record) => Ok(Json(record).into_response()),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no article {id:?}"),
        )),
    }
}

fn file(body: &'static str, content_type: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

async fn not_found(uri: axum::http::Uri) -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no such path {:?}", uri.path()),
    )
    .into_response()
}

/// Security headers on every answer.
async fn headers(response: Response) -> Response {
    let mut response = response;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // For browsers that do not read CSP's frame-ancestors.
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The routes with [`Config::default`]'s budgets.
pub fn router(index: QuoteIndex) -> Router {
    router_with(index, &Config::default())
}

/// The routes: the JSON API under `/api`, the page at `/`. Reads the
/// speakers list once, here.
pub fn router_with(index: QuoteIndex, config: &Config) -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { file(PAGE, "text/html; charset=utf-8") }),
        )
        .route(
            "/app.js",
            get(|| async { file(SCRIPT, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/app.css",
            get(|| async { file(STYLE, "text/css; charset=utf-8") }),
        )
        .route(
            "/api/openapi.json",
            get(|| async { file(OPENAPI, "application/json") }),
        )
        .route("/api/quotes", get(quotes))
        .route("/api/speakers", get(speakers))
        .route("/api/speakers/{name}/timeline", get(timeline))
        .route("/api/articles/{id}", get(article))
        .fallback(not_found)
        .layer(axum::middleware::map_response(error::as_json))
        .layer(axum::middleware::from_fn(error::limits))
        .layer(axum::middleware::map_response(headers))
        .with_state(Arc::new(AppState {
            // Computed before the first request rather than by it.
            top_speakers: index
                .speakers(None, MAX_LIMIT)
                .map(std::sync::OnceLock::from)
                .unwrap_or_default(),
            index: Arc::new(index),
            budget: Budget::new(config.search_budget, config.concurrent_searches),
        }))
}

/// Serves `index` on `listener` within [`Config::default`]'s bounds until
/// `shutdown` completes.
pub async fn serve(
    index: QuoteIndex,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(index, listener, Config::default(), shutdown).await
}

/// Serves `index` on `listener` within `config`'s bounds until `shutdown`
/// completes, then gives requests in flight `config.shutdown_grace`.
pub async fn serve_with(
    index: QuoteIndex,
    listener: tokio::net::TcpListener,
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router_with(index, &config);
    conn::serve(app, listener, config, shutdown).await
}
