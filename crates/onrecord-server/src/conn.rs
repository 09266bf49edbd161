//! Connections: the accept loop, its bounds and its shutdown.
//!
//! axum's own `serve` sets no header-read timeout and takes every
//! connection it is offered, so a client that sends half a request, or
//! twenty thousand that send nothing, hold the server's sockets. Here
//! hyper's HTTP/1 connection is driven directly with:
//! - a header-read timeout that also ends idle keep-alive connections
//!   (hyper starts it whenever the connection waits for a request head);
//! - a cap on open connections: past it a connection is answered 503 with
//!   a JSON error and closed, so normal clients hear "busy" at once instead
//!   of timing out;
//! - a bounded request head (`max_buf_size`), so a connection's buffer
//!   cannot grow past 64 KiB;
//! - graceful shutdown that lets requests in flight finish for at most
//!   [`Config::shutdown_grace`], then drops what is left.

use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::Config;

/// Bytes of a request head read at most (hyper's buffer per connection).
const MAX_HEAD_BUFFER: usize = 64 * 1024;

/// Refusals being written at once, at most; past that a connection over
/// the cap is closed without an answer.
const MAX_REFUSALS: usize = 256;

/// The answer to a connection over the cap.
fn refusal(max: usize) -> Vec<u8> {
    let body = serde_json::json!({
        "error": format!("the server is at its limit of {max} open connections; try again shortly")
    })
    .to_string();
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nretry-after: 1\r\nconnection: close\r\ncontent-security-policy: {}\r\nx-content-type-options: nosniff\r\nx-frame-options: DENY\r\nreferrer-policy: no-referrer\r\n\r\n{body}",
        body.len(),
        crate::CSP,
    )
    .into_bytes()
}

/// Reads what the client sent (so that closing does not reset the
/// connection under the answer), writes the 503, closes; a second at most.
async fn refuse(mut stream: TcpStream, answer: Arc<Vec<u8>>) {
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let mut buf = [0u8; 4096];
        let mut seen = 0usize;
        // Up to the end of a request head, or 16 KiB.
        while seen < 16 * 1024 {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    seen += n;
                    if buf[..n].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            }
        }
        let _ = stream.write_all(&answer).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

/// Whether an accept error concerns one connection only (the loop goes on
/// at once) rather than the process (it pauses briefly: out of files).
fn per_connection(e: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        e.kind(),
        K::ConnectionRefused | K::ConnectionAborted | K::ConnectionReset
    )
}

/// Serves `app` on `listener` within `config`'s bounds until `shutdown`
/// completes; then waits at most `config.shutdown_grace` for requests in
/// flight.
pub(crate) async fn serve(
    app: axum::Router,
    listener: TcpListener,
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(config.max_connections));
    let refusals = Arc::new(Semaphore::new(MAX_REFUSALS));
    let answer = Arc::new(refusal(config.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .max_buf_size(MAX_HEAD_BUFFER)
        .keep_alive(true);
    let service =
        hyper_util::service::TowerToHyperService::new(app.map_request(
            |req: hyper::Request<hyper::body::Incoming>| req.map(axum::body::Body::new),
        ));
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) if per_connection(&e) => continue,
                Err(_) => {
                    // Out of file descriptors or memory: let connections
                    // close before accepting again.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            if let Ok(permit) = refusals.clone().try_acquire_owned() {
                let answer = answer.clone();
                tokio::spawn(async move {
                    refuse(stream, answer).await;
                    drop(permit);
                });
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        let conn = http.serve_connection(TokioIo::new(stream), service.clone());
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // A client's error (reset, timeout, bad request) ends only its
            // own connection.
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(config.shutdown_grace, graceful.shutdown()).await;
    Ok(())
}
