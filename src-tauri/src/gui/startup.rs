//! A timeline of the app's start, to find where a slow start spends its time.
//!
//! `RUST_LOG=linkcord::startup=debug` logs each stage the start reaches with the milliseconds
//! since `linkcord-app` began; `scripts/bench-app.sh` measures the whole start, this says
//! which part grew. Off, a stage costs one check of the log filter.

use std::sync::OnceLock;
use std::time::Instant;

static BEGAN: OnceLock<Instant> = OnceLock::new();

/// Marks the start of the process's own work (the top of `run_app`).
pub fn begin() {
    BEGAN.get_or_init(Instant::now);
}

/// Logs that the start reached `stage`.
pub fn reached(stage: &str) {
    if let Some(began) = BEGAN.get() {
        let ms = began.elapsed().as_secs_f64() * 1000.0;
        tracing::debug!(target: "linkcord::startup", "{stage}: {ms:.1} ms");
    }
}
