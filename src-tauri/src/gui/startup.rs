//! The app's start: a timeline of it, the view the window is built with, and the gate that
//! keeps work out of the first screen's way.
//!
//! `RUST_LOG=linkcord::startup=debug` logs each stage the start reaches with the milliseconds
//! since `linkcord-app` began; `scripts/bench-app.sh` measures the whole start, this says
//! which part grew. Off, a stage costs one check of the log filter. The page's own stages
//! (its navigation start and its `linkcord:*` performance marks) arrive with its first-screen
//! call and are logged then, each with the time it happened, as "page …" stages.
//!
//! [`FirstScreen`] opens once the window says it has painted its first screen (the
//! `first_screen_drawn` command). Work that the first screen does not need waits for it: the
//! tray's menu with a hundred accounts takes the main thread, which also serves the page, for
//! 12 to 35 ms, and on two cores anything running beside the web process slows its first
//! layout.

use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use tauri::{AppHandle, Manager};
use tokio::sync::watch;

use super::{AppState, commands};
use crate::models::{AppView, PageTimes};

/// The top of `gui::run`, on the monotonic clock and on the wall clock (which the page's
/// times are on).
static BEGAN: OnceLock<(Instant, SystemTime)> = OnceLock::new();

/// Marks the start of the process's own work (the top of `gui::run`).
pub fn begin() {
    BEGAN.get_or_init(|| (Instant::now(), SystemTime::now()));
}

/// Logs that the start reached `stage`.
pub fn reached(stage: &str) {
    if let Some((began, _)) = BEGAN.get() {
        log(stage, began.elapsed().as_secs_f64() * 1000.0);
    }
}

/// Logs the page's stages, each at the time the page gave it.
pub fn page_reached(page: &PageTimes) {
    let Some((_, began)) = BEGAN.get() else {
        return;
    };
    if !tracing::enabled!(target: "linkcord::startup", tracing::Level::DEBUG) {
        return;
    }
    let began = unix_ms(*began);
    log("page navigation began", page.origin - began);
    for mark in &page.marks {
        log(&format!("page {}", mark.name), mark.at - began);
    }
}

fn log(stage: &str, ms: f64) {
    tracing::debug!(target: "linkcord::startup", "{stage}: {ms:.1} ms");
}

fn unix_ms(at: SystemTime) -> f64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// How long the start waits for the first view before it builds the window without one (the
/// page then asks for it): opening the keychain may be slow, and the window must not wait.
pub const FIRST_VIEW_PATIENCE: Duration = Duration::from_millis(100);

/// The view the window's first screen shows, built before the window so the page has it when
/// its script runs: asking for it over IPC kept the page waiting 30 to 40 ms (on two busy
/// cores other work filled that wait, so the start as a whole gained little there). `None`
/// when it takes longer than [`FIRST_VIEW_PATIENCE`] or fails (the page's own request then
/// reports why).
pub fn first_view(app: &AppHandle) -> Option<AppView> {
    let state = app.state::<AppState>();
    // The timeout is made inside the runtime: its timer belongs to it.
    let view = tauri::async_runtime::block_on(async {
        tokio::time::timeout(FIRST_VIEW_PATIENCE, commands::view(app, &state)).await
    });
    reached("first view built");
    view.ok()?.ok()
}

/// How long work waits for the first screen at most: a window that cannot load its page, or
/// that is closed before it paints, must not hold the tray back for good. (A start in the tray
/// builds no window and opens the gate at once.)
pub const FIRST_SCREEN_PATIENCE: Duration = Duration::from_millis(1500);

/// Whether the window has painted its first screen.
pub struct FirstScreen(watch::Sender<bool>);

impl Default for FirstScreen {
    fn default() -> Self {
        Self(watch::Sender::new(false))
    }
}

impl FirstScreen {
    /// The window has painted its first screen.
    pub fn open(&self) {
        self.0.send_replace(true);
    }

    /// Returns once the first screen is painted, or after `patience`; says whether it had to
    /// wait (only at start).
    pub async fn wait(&self, patience: Duration) -> bool {
        let mut opened = self.0.subscribe();
        if *opened.borrow() {
            return false;
        }
        let _ = tokio::time::timeout(patience, opened.wait_for(|open| *open)).await;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn waits_for_the_first_screen_then_never_again() {
        let gate = std::sync::Arc::new(FirstScreen::default());
        let waiting = tokio::spawn({
            let gate = gate.clone();
            async move {
                let began = tokio::time::Instant::now();
                gate.wait(Duration::from_secs(60)).await;
                began.elapsed()
            }
        });
        tokio::time::sleep(Duration::from_secs(2)).await;
        gate.open();
        assert_eq!(waiting.await.unwrap(), Duration::from_secs(2));
        let began = tokio::time::Instant::now();
        assert!(
            !gate.wait(Duration::from_secs(60)).await,
            "once open, nothing waits"
        );
        assert_eq!(began.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_first_screen_waits_no_longer_than_its_patience() {
        let gate = FirstScreen::default();
        let began = tokio::time::Instant::now();
        assert!(gate.wait(FIRST_SCREEN_PATIENCE).await);
        assert_eq!(began.elapsed(), FIRST_SCREEN_PATIENCE);
    }
}
