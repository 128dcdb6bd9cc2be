//! Discord's rate limits, as the client sees them.
//!
//! Discord says not to hard-code limits but to read them from each reply: a bucket with
//! `X-RateLimit-Remaining: 0` is empty until `X-RateLimit-Reset-After` seconds have passed,
//! and a 429 says how long to wait in `retry_after` (body) or `Retry-After` (header), and
//! whether the limit was the global one. Limits are per user, so everything here is kept per
//! token — by a hash of the token, never the token itself.
//!
//! This module only keeps the books and answers "how long until this request may go?"; the
//! client decides whether to wait (short) or give up with an error (long). Time is passed in,
//! so the logic is tested without sleeping.

use std::collections::HashMap;
use std::time::Duration;

use reqwest::header::HeaderMap;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

use crate::secret::AccessToken;

/// Identifies a token without holding it: its SHA-256.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TokenKey([u8; 32]);

impl TokenKey {
    pub(crate) fn of(token: &AccessToken) -> Self {
        Self(Sha256::digest(token.secret().as_bytes()).into())
    }
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(..)")
    }
}

/// What Discord's rate-limit headers said about one reply.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LimitHeaders {
    pub remaining: Option<u64>,
    pub reset_after: Option<Duration>,
    pub bucket: Option<String>,
    pub retry_after: Option<Duration>,
    pub global: bool,
}

impl LimitHeaders {
    pub(crate) fn parse(headers: &HeaderMap) -> Self {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let secs = |name: &str| text(name).and_then(|v| v.parse::<f64>().ok()).map(seconds);
        Self {
            remaining: text("x-ratelimit-remaining").and_then(|v| v.parse().ok()),
            reset_after: secs("x-ratelimit-reset-after"),
            // Bucket ids are opaque but short; a long one is not Discord's and is ignored.
            bucket: text("x-ratelimit-bucket")
                .filter(|b| !b.is_empty() && b.len() <= 64)
                .map(str::to_owned),
            retry_after: secs("retry-after"),
            global: text("x-ratelimit-global").is_some_and(|v| v.eq_ignore_ascii_case("true"))
                || text("x-ratelimit-scope").is_some_and(|v| v.eq_ignore_ascii_case("global")),
        }
    }
}

/// A 429: how long to wait and whether every request of this token is affected.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Limited {
    pub wait: Duration,
    pub global: bool,
}

/// The wait assumed when a 429 gives no usable hint at all: long enough not to hammer.
const UNKNOWN_WAIT: Duration = Duration::from_secs(5);

/// Nothing Discord says makes Linkcord plan further ahead than this.
const LONGEST_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

impl Limited {
    /// Reads a 429 from its headers and body. The body (`retry_after` in float seconds,
    /// `global`) is preferred as it is more precise; a body that is not JSON (a Cloudflare
    /// page) falls back to `Retry-After`, then to the bucket reset.
    pub(crate) fn from_reply(headers: &LimitHeaders, body: &[u8]) -> Self {
        #[derive(serde::Deserialize)]
        struct Body {
            retry_after: Option<f64>,
            #[serde(default)]
            global: bool,
        }
        let body: Option<Body> = serde_json::from_slice(body).ok();
        let wait = body
            .as_ref()
            .and_then(|b| b.retry_after)
            .map(seconds)
            .or(headers.retry_after)
            .or(headers.reset_after)
            .unwrap_or(UNKNOWN_WAIT);
        Self {
            wait,
            global: headers.global || body.is_some_and(|b| b.global),
        }
    }
}

/// Seconds from Discord as a duration: negative or NaN is "now", absurdly large is capped.
fn seconds(value: f64) -> Duration {
    if value.is_nan() || value <= 0.0 {
        return Duration::ZERO;
    }
    Duration::try_from_secs_f64(value)
        .unwrap_or(LONGEST_WAIT)
        .min(LONGEST_WAIT)
}

/// The books: which route uses which bucket, and which buckets are empty until when.
#[derive(Debug, Default)]
pub(crate) struct RateLimits {
    bucket_of: HashMap<(TokenKey, &'static str), String>,
    empty_until: HashMap<(TokenKey, String), Instant>,
    global_until: HashMap<TokenKey, Instant>,
}

impl RateLimits {
    /// How long a request on `route` must wait, and whether that is the global limit.
    pub(crate) fn wait_before(
        &self,
        token: &TokenKey,
        route: &'static str,
        now: Instant,
    ) -> Option<Limited> {
        let global = self.global_until.get(token).copied();
        let bucket = self
            .empty_until
            .get(&(*token, self.bucket(token, route)))
            .copied();
        let pending = |until: Option<Instant>| until.filter(|u| *u > now).map(|u| u - now);
        match (pending(global), pending(bucket)) {
            (Some(g), b) if b.is_none_or(|b| g >= b) => Some(Limited {
                wait: g,
                global: true,
            }),
            (_, Some(b)) => Some(Limited {
                wait: b,
                global: false,
            }),
            _ => None,
        }
    }

    /// Learns from any reply on `route`.
    pub(crate) fn record(
        &mut self,
        token: &TokenKey,
        route: &'static str,
        h: &LimitHeaders,
        now: Instant,
    ) {
        self.forget_past(now);
        if let Some(bucket) = &h.bucket {
            self.bucket_of.insert((*token, route), bucket.clone());
        }
        let key = (*token, self.bucket(token, route));
        match (h.remaining, h.reset_after) {
            (Some(0), Some(after)) => {
                self.empty_until.insert(key, now + after);
            }
            (Some(_), _) => {
                self.empty_until.remove(&key);
            }
            _ => {}
        }
    }

    /// Learns from a 429 on `route`.
    pub(crate) fn record_limited(
        &mut self,
        token: &TokenKey,
        route: &'static str,
        limited: Limited,
        now: Instant,
    ) {
        let until = now + limited.wait;
        if limited.global {
            self.global_until.insert(*token, until);
        } else {
            self.empty_until
                .insert((*token, self.bucket(token, route)), until);
        }
    }

    /// The bucket a route belongs to; until Discord has named it, the route is its own bucket.
    fn bucket(&self, token: &TokenKey, route: &'static str) -> String {
        match self.bucket_of.get(&(*token, route)) {
            Some(bucket) => format!("bucket:{bucket}"),
            None => format!("route:{route}"),
        }
    }

    /// Drops limits that have expired, so the books do not grow with every token ever used.
    fn forget_past(&mut self, now: Instant) {
        self.empty_until.retain(|_, until| *until > now);
        self.global_until.retain(|_, until| *until > now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> LimitHeaders {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        LimitHeaders::parse(&map)
    }

    fn token(text: &str) -> TokenKey {
        TokenKey::of(&AccessToken::new(text.to_owned()))
    }

    #[test]
    fn parses_discord_headers() {
        let h = headers(&[
            ("x-ratelimit-limit", "5"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1470173023.123"),
            ("x-ratelimit-reset-after", "1.5"),
            ("x-ratelimit-bucket", "abcd1234"),
            ("retry-after", "2"),
            ("x-ratelimit-scope", "global"),
        ]);
        assert_eq!(h.remaining, Some(0));
        assert_eq!(h.reset_after, Some(Duration::from_millis(1500)));
        assert_eq!(h.bucket.as_deref(), Some("abcd1234"));
        assert_eq!(h.retry_after, Some(Duration::from_secs(2)));
        assert!(h.global);
        assert_eq!(headers(&[]), LimitHeaders::default());
    }

    #[test]
    fn hostile_numbers_never_panic() {
        for v in ["NaN", "-5", "inf", "1e308", "x", ""] {
            let h = headers(&[("retry-after", v), ("x-ratelimit-reset-after", v)]);
            assert!(h.retry_after.is_none_or(|d| d <= LONGEST_WAIT), "{v}");
        }
        let l = Limited::from_reply(&LimitHeaders::default(), br#"{"retry_after": 1e300}"#);
        assert_eq!(l.wait, LONGEST_WAIT);
        let l = Limited::from_reply(&LimitHeaders::default(), br#"{"retry_after": -3}"#);
        assert_eq!(l.wait, Duration::ZERO);
    }

    #[test]
    fn a_429_prefers_the_body_then_the_headers() {
        let body =
            br#"{"message": "You are being rate limited.", "retry_after": 64.57, "global": false}"#;
        let l = Limited::from_reply(&headers(&[("retry-after", "65")]), body);
        assert_eq!(
            l,
            Limited {
                wait: Duration::from_secs_f64(64.57),
                global: false
            }
        );
        let l = Limited::from_reply(&headers(&[("retry-after", "3")]), b"<html>slow down</html>");
        assert_eq!(
            l,
            Limited {
                wait: Duration::from_secs(3),
                global: false
            }
        );
        let l = Limited::from_reply(
            &headers(&[("x-ratelimit-global", "true")]),
            br#"{"retry_after": 1}"#,
        );
        assert!(l.global);
        let l = Limited::from_reply(
            &LimitHeaders::default(),
            br#"{"retry_after": 0.5, "global": true}"#,
        );
        assert!(l.global);
        assert_eq!(
            Limited::from_reply(&LimitHeaders::default(), b"").wait,
            UNKNOWN_WAIT
        );
    }

    #[test]
    fn an_empty_bucket_blocks_its_routes_until_reset() {
        let mut limits = RateLimits::default();
        let t = token("a");
        let now = Instant::now();
        let h = headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset-after", "2"),
            ("x-ratelimit-bucket", "b1"),
        ]);
        limits.record(&t, "users/@me", &h, now);
        let wait = limits.wait_before(&t, "users/@me", now).unwrap();
        assert_eq!(
            wait,
            Limited {
                wait: Duration::from_secs(2),
                global: false
            }
        );
        assert_eq!(
            limits
                .wait_before(&t, "users/@me", now + Duration::from_secs(1))
                .unwrap()
                .wait,
            Duration::from_secs(1)
        );
        assert_eq!(
            limits.wait_before(&t, "users/@me", now + Duration::from_secs(2)),
            None
        );
        // Other routes and other tokens are not affected.
        assert_eq!(limits.wait_before(&t, "users/@me/guilds", now), None);
        assert_eq!(limits.wait_before(&token("b"), "users/@me", now), None);
    }

    #[test]
    fn routes_sharing_a_bucket_share_its_limit() {
        let mut limits = RateLimits::default();
        let t = token("a");
        let now = Instant::now();
        limits.record(
            &t,
            "one",
            &headers(&[
                ("x-ratelimit-bucket", "shared"),
                ("x-ratelimit-remaining", "3"),
            ]),
            now,
        );
        let empty = headers(&[
            ("x-ratelimit-bucket", "shared"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset-after", "1"),
        ]);
        limits.record(&t, "two", &empty, now);
        assert!(limits.wait_before(&t, "one", now).is_some());
        // A later reply with requests left opens the bucket again.
        limits.record(
            &t,
            "one",
            &headers(&[
                ("x-ratelimit-bucket", "shared"),
                ("x-ratelimit-remaining", "4"),
            ]),
            now,
        );
        assert_eq!(limits.wait_before(&t, "two", now), None);
    }

    #[test]
    fn a_global_429_blocks_every_route_of_that_token() {
        let mut limits = RateLimits::default();
        let t = token("a");
        let now = Instant::now();
        limits.record_limited(
            &t,
            "one",
            Limited {
                wait: Duration::from_secs(3),
                global: true,
            },
            now,
        );
        assert_eq!(
            limits.wait_before(&t, "other", now),
            Some(Limited {
                wait: Duration::from_secs(3),
                global: true
            })
        );
        assert_eq!(limits.wait_before(&token("b"), "other", now), None);
        limits.record_limited(
            &t,
            "one",
            Limited {
                wait: Duration::from_secs(9),
                global: false,
            },
            now,
        );
        assert_eq!(
            limits.wait_before(&t, "one", now).unwrap().wait,
            Duration::from_secs(9)
        );
    }

    #[test]
    fn token_keys_do_not_show_the_token() {
        assert_eq!(format!("{:?}", token("secret-token")), "TokenKey(..)");
        assert_ne!(token("a"), token("b"));
    }
}
