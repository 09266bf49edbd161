//! Errors as JSON: every answer with a 4xx or 5xx status carries
//! `{"error": "..."}` as `application/json`, whether a handler, axum's
//! router (405, a path that is not UTF-8) or the request limits made it.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Longest request target read, in bytes (a 1,000-character query,
/// percent-encoded, fits).
pub const MAX_URI_BYTES: usize = 16 * 1024;
/// Most bytes of request headers read, names and values.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// An error answer: its status and message.
#[derive(Debug)]
pub(crate) struct ApiError(StatusCode, String);

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: String) -> ApiError {
        ApiError(status, message)
    }

    pub(crate) fn bad_request(message: String) -> ApiError {
        ApiError(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn status(&self) -> StatusCode {
        self.0
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, axum::Json(json!({"error": self.1}))).into_response()
    }
}

impl From<onrecord_index::Error> for ApiError {
    fn from(e: onrecord_index::Error) -> ApiError {
        use onrecord_index::Error as E;
        let status = match e {
            E::Query(_) | E::Date(_) | E::TooLong { .. } | E::TooDeep { .. } | E::Page { .. } => {
                StatusCode::BAD_REQUEST
            }
            E::Deadline => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError(status, e.to_string())
    }
}

/// Refuses a request target or headers past [`MAX_URI_BYTES`] and
/// [`MAX_HEADER_BYTES`] with a JSON 414 or 431 before any route reads them.
/// (A request head past hyper's 64 KiB buffer never gets here: hyper
/// answers it with a bare 431 and closes.)
pub(crate) async fn limits(req: Request, next: Next) -> Response {
    let uri = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if uri > MAX_URI_BYTES {
        return ApiError(
            StatusCode::URI_TOO_LONG,
            format!("the request target is {uri} bytes; at most {MAX_URI_BYTES} are read"),
        )
        .into_response();
    }
    let headers: usize = req
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len())
        .sum();
    if headers > MAX_HEADER_BYTES {
        return ApiError(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!("the request headers are {headers} bytes; at most {MAX_HEADER_BYTES} are read"),
        )
        .into_response();
    }
    next.run(req).await
}

/// Turns an error answer that is not JSON (axum's 405 with no body, its
/// text/plain rejections) into a JSON one with the same status, keeping
/// its text as the message.
pub(crate) async fn as_json(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let message = match text.trim() {
        "" => status.canonical_reason().unwrap_or("error").to_lowercase(),
        t => t.to_owned(),
    };
    let body = json!({ "error": message }).to_string();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
