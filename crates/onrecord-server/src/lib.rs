//! The HTTP side of onrecord: a JSON API over a quote index and the web
//! page that uses it (axum). Every answer carries a Content-Security-Policy
//! that allows only this server's own script and style, and the page sets
//! article text with `textContent` only, so a quote holding `<script>` or
//! `<img onerror=...>` is shown as text.

#![warn(missing_docs)]

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use onrecord_index::{QuoteIndex, Search};
use serde::Deserialize;
use serde_json::json;

const PAGE: &str = include_str!("../web/index.html");
const SCRIPT: &str = include_str!("../web/app.js");
const STYLE: &str = include_str!("../web/app.css");
const OPENAPI: &str = include_str!("../web/openapi.json");

/// Only this server's own files; no inline script, no framing.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Results per page at most.
const MAX_LIMIT: usize = 1000;

/// The index and what is worth computing once: the server reads one
/// commit for its whole life, so the speakers list does not change.
struct AppState {
    index: QuoteIndex,
    top_speakers: std::sync::OnceLock<Vec<onrecord_index::Speaker>>,
}

type Shared = Arc<AppState>;

/// An error as JSON with its status.
struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({"error": self.1}))).into_response()
    }
}

impl From<onrecord_index::Error> for ApiError {
    fn from(e: onrecord_index::Error) -> ApiError {
        use onrecord_index::Error as E;
        let status = match e {
            E::Query(_) | E::Date(_) => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError(status, e.to_string())
    }
}

/// Runs index work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
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
    State(index): State<Shared>,
    params: Result<Query<QuotesParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = params.map_err(|e| ApiError(StatusCode::BAD_REQUEST, e.body_text()))?;
    let kind = nonempty(p.kind);
    if let Some(k) = &kind
        && !matches!(k.as_str(), "direct" | "mixed" | "indirect")
    {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            format!("bad kind {k:?}: expected direct, mixed or indirect"),
        ));
    }
    let search = Search {
        query: nonempty(p.q),
        speaker: nonempty(p.speaker),
        outlet: nonempty(p.outlet),
        from: nonempty(p.from),
        to: nonempty(p.to),
        kind,
        limit: p.limit.unwrap_or(20).min(MAX_LIMIT),
        offset: p.offset.unwrap_or(0).min(100_000),
    };
    let results = blocking(move || Ok(index.index.search(&search)?)).await?;
    Ok(Json(results).into_response())
}

#[derive(Deserialize)]
struct SpeakersParams {
    q: Option<String>,
    limit: Option<usize>,
}

async fn speakers(
    State(index): State<Shared>,
    params: Result<Query<SpeakersParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = params.map_err(|e| ApiError(StatusCode::BAD_REQUEST, e.body_text()))?;
    let limit = p.limit.unwrap_or(20).min(MAX_LIMIT);
    let q = nonempty(p.q);
    let rows = blocking(move || {
        Ok(match q {
            Some(q) => index.index.speakers(Some(&q), limit)?,
            // The whole list counts every quote: computed once.
            None => {
                let top = match index.top_speakers.get() {
                    Some(top) => top,
                    None => {
                        let top = index.index.speakers(None, MAX_LIMIT)?;
                        index.top_speakers.get_or_init(|| top)
                    }
                };
                top.iter().take(limit).cloned().collect()
            }
        })
    })
    .await?;
    Ok(Json(json!({ "speakers": rows })).into_response())
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
    State(index): State<Shared>,
    Path(name): Path<String>,
    params: Result<Query<TimelineParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = params.map_err(|e| ApiError(StatusCode::BAD_REQUEST, e.body_text()))?;
    let bucket = p.bucket.unwrap_or_else(|| "month".into());
    let week = match bucket.as_str() {
        "week" => true,
        "month" => false,
        other => {
            return Err(ApiError(
                StatusCode::BAD_REQUEST,
                format!("bad bucket {other:?}: expected week or month"),
            ));
        }
    };
    let lookup = name.clone();
    let days = blocking(move || Ok(index.index.days(&lookup)?)).await?;
    if days.is_empty() {
        return Err(ApiError(
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

async fn article(
    State(index): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let lookup = id.clone();
    match blocking(move || Ok(index.index.article(&lookup)?)).await? {
        Some(record) => Ok(Json(record).into_response()),
        None => Err(ApiError(
            StatusCode::NOT_FOUND,
            format!("no article {id:?}"),
        )),
    }
}

fn file(body: &'static str, content_type: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

async fn not_found(uri: axum::http::Uri) -> Response {
    ApiError(
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
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The routes: the JSON API under `/api`, the page at `/`. Reads the
/// speakers list once, here.
pub fn router(index: QuoteIndex) -> Router {
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
        .layer(axum::middleware::map_response(headers))
        .with_state(Arc::new(AppState {
            // Computed before the first request rather than by it.
            top_speakers: index
                .speakers(None, MAX_LIMIT)
                .map(std::sync::OnceLock::from)
                .unwrap_or_default(),
            index,
        }))
}

/// Serves `index` on `listener` until `shutdown` completes.
pub async fn serve(
    index: QuoteIndex,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(index))
        .with_graceful_shutdown(shutdown)
        .await
}
