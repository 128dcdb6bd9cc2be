//! A start of the app with no WebDriver, timed by the app's own start-up log.
//!
//! Through WebDriver, a start shares the two cores with `tauri-driver` and WebKitWebDriver, and
//! the benchmark polls the page with scripts while it starts. Here `linkcord` is started as a
//! person starts it, with `RUST_LOG=linkcord::startup=debug`, and the start lasts from just
//! before the spawn to the app's log line "first screen drawn" (`gui/startup.rs`: the page's
//! call after the frame that painted its first screen). Every stage on the way is kept too,
//! the page's own among them ("page mounted", …), so a run shows which part of the start
//! moved. Times come from the log itself (the app's wall clock), so how soon this side reads
//! the pipe does not count.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::app::Sandbox;
use crate::processes::{self, unix_ms_now};

/// What precedes a stage's name in the log (`gui/startup.rs`).
const STAGE_TARGET: &str = "linkcord::startup:";
/// The stage that ends a start, as `gui/startup.rs` logs it.
const FIRST_SCREEN: &str = "first screen drawn:";
/// A start that has not drawn by then has failed.
const PATIENCE: Duration = Duration::from_secs(20);

/// One start: each stage the app logged on the way, in order, and when, in milliseconds since
/// the spawn. The last stage is the first screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline(pub Vec<(String, f64)>);

impl Timeline {
    /// Spawn to the first screen, ms.
    pub fn first_screen(&self) -> f64 {
        self.0.last().map_or(f64::NAN, |(_, ms)| *ms)
    }

    /// Spawn to `stage`, ms, if the start logged it.
    pub fn at(&self, stage: &str) -> Option<f64> {
        self.0.iter().find(|(s, _)| s == stage).map(|(_, ms)| *ms)
    }
}

/// Starts `program` (a `linkcord`) in `sandbox` with no arguments, waits for its first screen,
/// ends it and its processes, and gives the stages it logged on the way.
pub async fn time_to_first_screen(sandbox: &Sandbox, program: &Path) -> Result<Timeline, String> {
    let mut command = tokio::process::Command::from(sandbox.command_for(program, &[]));
    command
        .env("RUST_LOG", "linkcord::startup=debug")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let before = unix_ms_now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("starting {}: {e}", program.display()))?;
    let stderr = child.stderr.take().ok_or("no stderr to read")?;
    let stages = tokio::time::timeout(PATIENCE, stages_until_first_screen(stderr)).await;
    if let Some(pid) = child.id() {
        end(pid, &mut child).await;
    }
    let stages = stages.map_err(|_| format!("no first screen within {PATIENCE:?}"))??;
    Ok(Timeline(
        stages
            .into_iter()
            .map(|(stage, at)| (stage, at - before))
            .collect(),
    ))
}

/// Reads the log until the first-screen line and gives each stage and when it was reached
/// (Unix milliseconds), the first screen last. A line says how long after the app's start its
/// stage came, and the page's stages are logged late, at the first screen: the times are
/// therefore the app's start (the first line's own time less its stage's) plus each line's
/// milliseconds.
async fn stages_until_first_screen(
    stderr: tokio::process::ChildStderr,
) -> Result<Vec<(String, f64)>, String> {
    let mut lines = BufReader::new(stderr).lines();
    let mut stages = Vec::new();
    let mut app_start = None;
    while let Some(line) = lines.next_line().await.map_err(|e| e.to_string())? {
        let Some((stage, ms)) = stage_of(&line) else {
            continue;
        };
        let start = match app_start {
            Some(start) => start,
            None => {
                let logged =
                    logged_at(&line).ok_or_else(|| format!("no time in the log line {line:?}"))?;
                *app_start.insert(logged - ms)
            }
        };
        stages.push((stage.to_owned(), start + ms));
        if line.contains(FIRST_SCREEN) {
            return Ok(stages);
        }
    }
    Err("the app ended before drawing its first screen".into())
}

/// The stage a start-up log line names and its milliseconds since the app's start
/// ("… linkcord::startup: window built: 120.3 ms").
fn stage_of(line: &str) -> Option<(&str, f64)> {
    let (_, rest) = line.split_once(STAGE_TARGET)?;
    let (stage, ms) = rest.rsplit_once(':')?;
    let ms = ms.trim().strip_suffix("ms")?.trim().parse().ok()?;
    Some((stage.trim(), ms))
}

/// The Unix milliseconds a tracing line starts with ("2026-12-06T13:24:20.477434Z DEBUG …"),
/// colour codes skipped should any be there.
fn logged_at(line: &str) -> Option<f64> {
    let plain = without_colours(line);
    let stamp = plain.split_whitespace().next()?;
    let at = OffsetDateTime::parse(stamp, &Rfc3339).ok()?;
    Some(at.unix_timestamp_nanos() as f64 / 1e6)
}

/// `line` without its terminal colour codes (ESC `[` … `m`).
fn without_colours(line: &str) -> String {
    let mut plain = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            plain.push(c);
        }
    }
    plain
}

/// Ends the app and its WebKit processes ([`processes::end_tree`]), so the next start does
/// not meet them.
async fn end(pid: u32, child: &mut tokio::process::Child) {
    tokio::task::block_in_place(|| {
        processes::end_tree(pid, || {
            let _ = child.try_wait();
        })
    });
    let _ = child.wait().await;
}

#[cfg(test)]
mod tests {
    use super::{logged_at, stage_of};

    #[test]
    fn the_stage_is_read_from_a_start_up_line() {
        let line = "2026-12-06T13:24:20.477434Z DEBUG linkcord::startup: window built: 120.3 ms";
        assert_eq!(stage_of(line), Some(("window built", 120.3)));
        let page = "2026-12-06T13:24:20Z DEBUG linkcord::startup: page script: 80.0 ms";
        assert_eq!(stage_of(page), Some(("page script", 80.0)));
        assert_eq!(
            stage_of("2026-12-06T13:24:20Z WARN linkcord::tray: no tray"),
            None
        );
    }

    #[test]
    fn the_time_is_read_from_the_start_of_a_log_line() {
        let plain =
            "2026-12-06T13:24:20.477434Z DEBUG linkcord::startup: first screen drawn: 420.6 ms";
        let coloured = "\u{1b}[2m2026-12-06T13:24:20.477434Z\u{1b}[0m \u{1b}[34mDEBUG\u{1b}[0m x";
        let expected = 1_796_563_460_477.434;
        assert!((logged_at(plain).unwrap() - expected).abs() < 0.01);
        assert!((logged_at(coloured).unwrap() - expected).abs() < 0.01);
        assert_eq!(logged_at("no time here"), None);
    }
}
