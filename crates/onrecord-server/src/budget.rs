//! Index work within a budget: a bounded number of searches at once (a
//! search waits at most the budget for its turn, then is told the server
//! is busy), a time limit per search from when it starts, and a memory of
//! searches that ran past it.
//!
//! tantivy cannot interrupt a segment's scoring, so a search past its time
//! is answered 503 at once while its thread finishes the segment it is in
//! (the index's `Deadline` collector starts no further segment). The search
//! keeps its permit until its thread is done, so slow searches cannot pile
//! up beyond the permits, and the same request asked again within
//! [`SLOW_MEMORY`] is answered 503 without running: a client retrying a
//! search that is too costly cannot make the server repeat the work.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// How long a search that ran past its budget is refused without running.
pub(crate) const SLOW_MEMORY: Duration = Duration::from_secs(600);

/// Searches remembered as slow, at most.
const SLOW_ENTRIES: usize = 1024;

/// Permits for index work and the memory of slow searches.
pub(crate) struct Budget {
    permits: Arc<Semaphore>,
    time: Duration,
    slow: Mutex<HashMap<String, Instant>>,
}

impl Budget {
    pub(crate) fn new(time: Duration, concurrent: usize) -> Budget {
        Budget {
            permits: Arc::new(Semaphore::new(concurrent.max(1))),
            time,
            slow: Mutex::new(HashMap::new()),
        }
    }

    fn slow(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        self.slow.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn remember(&self, key: String) {
        let mut slow = self.slow();
        let now = Instant::now();
        slow.retain(|_, at| now.duration_since(*at) < SLOW_MEMORY);
        if slow.len() >= SLOW_ENTRIES
            && let Some(oldest) = slow
                .iter()
                .min_by_key(|(_, at)| **at)
                .map(|(k, _)| k.clone())
        {
            slow.remove(&oldest);
        }
        slow.insert(key, now);
    }

    fn too_slow(&self) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "the search ran past its time budget of {} ms and was stopped; narrow it (fewer words, a speaker, a date range)",
                self.time.as_millis()
            ),
        )
    }

    /// Runs `work` off the async threads with a deadline; `key` names the
    /// request for the memory of slow ones.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        key: String,
        work: impl FnOnce(Instant) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        if let Some(at) = self.slow().get(&key)
            && at.elapsed() < SLOW_MEMORY
        {
            return Err(self.too_slow());
        }
        // Waiting for a permit has its own bound: a search queued behind
        // others is "busy", never remembered as slow.
        let permit = tokio::time::timeout(self.time, self.permits.clone().acquire_owned())
            .await
            .ok()
            .and_then(Result::ok)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the server is busy with other searches; try again shortly".to_owned(),
                )
            })?;
        // The budget runs from when the work starts, so only a search that
        // itself ran past it is remembered as slow.
        let deadline = Instant::now() + self.time;
        let task = tokio::task::spawn_blocking(move || {
            let out = work(deadline);
            drop(permit);
            out
        });
        match tokio::time::timeout(self.time, task).await {
            Ok(Ok(Ok(out))) => Ok(out),
            Ok(Ok(Err(e))) if e.status() == StatusCode::SERVICE_UNAVAILABLE => {
                self.remember(key);
                Err(e)
            }
            Ok(Ok(Err(e))) => Err(e),
            Ok(Err(join)) => Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("internal error: {join}"),
            )),
            Err(_elapsed) => {
                self.remember(key);
                Err(self.too_slow())
            }
        }
    }
}
