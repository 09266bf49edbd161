//! `onrecord serve`: the JSON API and the web page over an index.

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::ServeArgs;

/// Ctrl-C, or SIGTERM (what a service manager or `kill` sends).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub(crate) fn run(args: &ServeArgs) -> Result<ExitCode> {
    let index = super::existing_index(&args.index)?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the server runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        #[expect(clippy::print_stderr, reason = "where to point a browser")]
        {
            eprintln!(
                "serving {} on http://{} (Ctrl-C or SIGTERM stops)",
                args.index.display(),
                listener.local_addr()?
            );
        }
        let config = onrecord_server::Config {
            max_connections: args.max_connections as usize,
            header_timeout: std::time::Duration::from_secs(args.header_timeout.into()),
            search_budget: std::time::Duration::from_millis(args.search_budget_ms.into()),
            ..onrecord_server::Config::default()
        };
        onrecord_server::serve_with(index, listener, config, stop_signal())
            .await
            .context("the server stopped")
    })?;
    Ok(ExitCode::SUCCESS)
}
