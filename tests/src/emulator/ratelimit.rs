//! Per-route rate limits with Discord's headers (FACTS §8).
//!
//! Every answer under `/api` carries `X-RateLimit-Limit/Remaining/Reset/Reset-After/Bucket`
//! from a real fixed-window counter kept per caller (token, or "no token") and per route, so a
//! client that reads the headers sees them move. Running out gives the 429 Discord gives.
//! Injected 429s (see `faults`) reuse the same reply.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use sha2::{Digest, Sha256};

use super::config::RateLimitConfig;
use super::replies::{json_reply, rate_limited_body};

#[derive(Debug)]
pub(crate) struct RateLimiter {
    config: RateLimitConfig,
    windows: HashMap<(String, String), Window>,
}

#[derive(Debug)]
struct Window {
    started: Instant,
    used: u32,
}

/// The limiter's answer for one request: whether it may go ahead, and what the headers say.
#[derive(Debug, Clone)]
pub(crate) struct Verdict {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    pub reset_after: Duration,
    pub bucket: String,
}

impl RateLimiter {
    pub(crate) fn new(config: RateLimitConfig) -> Self {
        Self {
            config,
            windows: HashMap::new(),
        }
    }

    /// Counts one request by `caller` on `route`.
    pub(crate) fn check(&mut self, caller: &str, route: &str, now: Instant) -> Verdict {
        let window_len = self.config.window;
        let window = self
            .windows
            .entry((caller.to_owned(), route.to_owned()))
            .or_insert(Window {
                started: now,
                used: 0,
            });
        if now >= window.started + window_len {
            *window = Window {
                started: now,
                used: 0,
            };
        }
        let allowed = window.used < self.config.limit;
        if allowed {
            window.used += 1;
        }
        Verdict {
            allowed,
            limit: self.config.limit,
            remaining: self.config.limit - window.used,
            reset_after: (window.started + window_len).saturating_duration_since(now),
            bucket: bucket_id(route),
        }
    }

    /// What the headers would say for a forced 429 on `route` (remaining 0).
    pub(crate) fn exhausted(&self, route: &str, retry_after: Duration) -> Verdict {
        Verdict {
            allowed: false,
            limit: self.config.limit,
            remaining: 0,
            reset_after: retry_after,
            bucket: bucket_id(route),
        }
    }

    /// Forgets every window (used by `POST /_emulator/stats/reset`).
    pub(crate) fn reset(&mut self) {
        self.windows.clear();
    }
}

/// An opaque, stable bucket id per route, like Discord's hex bucket hashes.
fn bucket_id(route: &str) -> String {
    let digest = Sha256::digest(route.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Adds the five rate-limit headers. `wall_now` is the emulator clock's wall time.
pub(crate) fn add_headers(headers: &mut HeaderMap, verdict: &Verdict, wall_now: SystemTime) {
    let reset_at = (wall_now + verdict.reset_after)
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let pairs = [
        ("x-ratelimit-limit", verdict.limit.to_string()),
        ("x-ratelimit-remaining", verdict.remaining.to_string()),
        (
            "x-ratelimit-reset",
            format!("{:.3}", reset_at.as_secs_f64()),
        ),
        (
            "x-ratelimit-reset-after",
            format!("{:.3}", verdict.reset_after.as_secs_f64()),
        ),
        ("x-ratelimit-bucket", verdict.bucket.clone()),
    ];
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
}

/// A 429 as Discord sends it: JSON body, `Retry-After`, the bucket headers, and the
/// global/scope headers that only appear on 429s.
pub(crate) fn too_many_requests(
    verdict: &Verdict,
    retry_after: Duration,
    global: bool,
    wall_now: SystemTime,
) -> Response {
    let seconds = (retry_after.as_secs_f64() * 1000.0).round() / 1000.0;
    let mut response = json_reply(
        StatusCode::TOO_MANY_REQUESTS,
        &rate_limited_body(seconds, global),
    );
    let headers = response.headers_mut();
    add_headers(headers, verdict, wall_now);
    let retry_header = retry_after.as_secs_f64().ceil().max(1.0) as u64;
    headers.insert("retry-after", HeaderValue::from(retry_header));
    let scope = if global { "global" } else { "user" };
    headers.insert("x-ratelimit-scope", HeaderValue::from_static(scope));
    if global {
        headers.insert("x-ratelimit-global", HeaderValue::from_static("true"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_counts_down_then_refuses_then_resets() {
        let mut limiter = RateLimiter::new(RateLimitConfig {
            limit: 2,
            window: Duration::from_secs(10),
        });
        let t0 = Instant::now();
        assert_eq!(limiter.check("a", "users/@me", t0).remaining, 1);
        assert_eq!(limiter.check("a", "users/@me", t0).remaining, 0);
        assert!(!limiter.check("a", "users/@me", t0).allowed);
        assert!(limiter.check("b", "users/@me", t0).allowed);
        assert!(limiter.check("a", "users/@me/guilds", t0).allowed);
        let later = t0 + Duration::from_secs(10);
        assert!(limiter.check("a", "users/@me", later).allowed);
    }
}
