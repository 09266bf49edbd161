//! `onrecord serve`: the JSON API and the web page over an index.

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::ServeArgs;

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
                "serving {} on http://{} (Ctrl-C stops)",
                args.index.display(),
                listener.local_addr()?
            );
        }
        onrecord_server::serve(index, listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("the server stopped")
    })?;
    Ok(ExitCode::SUCCESS)
}
