//! Injected faults: the bad days of a real network and a real Discord, on demand.
//!
//! Tests and benchmarks post a [`FaultSpec`] to `/_emulator/faults`; the next requests on the
//! matching route (or on every route) are delayed, refused with a 429 or 5xx, answered with
//! an HTML page, left hanging, cut short or blown up, `count` times or until cleared. Faults
//! apply to Discord's routes and the CDN, never to `/_emulator/` itself.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use super::replies::api_error;

/// One fault to inject. JSON: `{"kind": "...", "route": "users/@me", "count": 2, ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultSpec {
    /// Route key (`users/@me/connections`, `oauth2/token`, `cdn/avatars`, …), a prefix
    /// ending in `/*` (`cdn/*`), or absent / `*` for every route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// How many requests it hits before it goes away; absent means until cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(flatten)]
    pub kind: FaultKind,
}

/// What happens to a request the fault hits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Wait this long before answering normally. Latency faults add up with each other and
    /// with `--latency-ms`, and combine with one other fault.
    Latency { ms: u64 },
    /// A 429 with Discord's body and headers.
    RateLimit {
        #[serde(default = "default_retry_after")]
        retry_after: f64,
        #[serde(default)]
        global: bool,
    },
    /// A JSON `{"code": 0, "message": "<status>: <reason>"}` with this status.
    ServerError {
        #[serde(default = "default_server_status")]
        status: u16,
    },
    /// An HTML error page (as a proxy in front of Discord would send) where JSON is expected.
    Html {
        #[serde(default = "default_html_status")]
        status: u16,
    },
    /// Never answer (until the emulator shuts down).
    Hang,
    /// The real JSON cut in half, with a Content-Length that matches the cut.
    Truncate,
    /// The real Content-Length, but only half the body before the connection drops.
    ShortBody,
    /// The real JSON padded with trailing whitespace up to `bytes` (still valid JSON).
    Oversize {
        #[serde(default = "default_oversize")]
        bytes: usize,
    },
    /// The real JSON with its `expires_in` replaced by `seconds`: a token reply whose lifetime
    /// no real token has, while the tokens in it are real.
    ExpiresIn { seconds: u64 },
}

fn default_retry_after() -> f64 {
    1.0
}
fn default_server_status() -> u16 {
    500
}
fn default_html_status() -> u16 {
    502
}
fn default_oversize() -> usize {
    8 * 1024 * 1024
}

/// An injected fault with its id and what is left of its count.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ActiveFault {
    pub id: u64,
    #[serde(flatten)]
    pub spec: FaultSpec,
    pub remaining: Option<u32>,
}

/// What the faults say to do with one request.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub delay: Duration,
    pub action: Option<FaultKind>,
    /// How many faults fired (for the stats).
    pub fired: u64,
}

#[derive(Debug, Default)]
pub(crate) struct FaultBoard {
    next_id: u64,
    active: Vec<ActiveFault>,
}

impl FaultBoard {
    pub(crate) fn add(&mut self, spec: FaultSpec) -> ActiveFault {
        self.next_id += 1;
        let fault = ActiveFault {
            id: self.next_id,
            remaining: spec.count,
            spec,
        };
        self.active.push(fault.clone());
        fault
    }

    pub(crate) fn clear(&mut self) {
        self.active.clear();
    }

    pub(crate) fn list(&self) -> &[ActiveFault] {
        &self.active
    }

    /// Decides the fate of one request on `route`, spending counts as faults fire: every
    /// matching latency fault, plus the first matching fault of any other kind.
    pub(crate) fn plan(&mut self, route: &str) -> Plan {
        let mut plan = Plan::default();
        for fault in &mut self.active {
            if !route_matches(fault.spec.route.as_deref(), route) {
                continue;
            }
            let fires = match &fault.spec.kind {
                FaultKind::Latency { ms } => {
                    plan.delay += Duration::from_millis(*ms);
                    true
                }
                other if plan.action.is_none() => {
                    plan.action = Some(other.clone());
                    true
                }
                _ => false,
            };
            if fires {
                plan.fired += 1;
                fault.remaining = fault.remaining.map(|n| n.saturating_sub(1));
            }
        }
        self.active.retain(|f| f.remaining != Some(0));
        plan
    }
}

/// Accepts route keys as written in the brief (`users/@me`) and also with a leading `/` or
/// an `/api/v10/` prefix, so a test can paste a path.
fn normalise(route: &str) -> &str {
    let route = route.trim_start_matches('/');
    route
        .strip_prefix("api/v10/")
        .or_else(|| route.strip_prefix("api/"))
        .unwrap_or(route)
}

fn route_matches(pattern: Option<&str>, route: &str) -> bool {
    let Some(pattern) = pattern.map(normalise) else {
        return true;
    };
    if pattern.is_empty() || pattern == "*" {
        return true;
    }
    match pattern.strip_suffix("/*") {
        Some(prefix) => route == prefix || route.starts_with(&format!("{prefix}/")),
        None => route == pattern,
    }
}

/// The canned reply for faults that replace the answer outright.
pub(crate) fn server_error(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let reason = status.canonical_reason().unwrap_or("Error");
    api_error(status, 0, &format!("{}: {reason}", status.as_u16()))
}

/// An HTML error page like the ones a CDN or proxy in front of Discord serves.
pub(crate) fn html_page(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let reason = status.canonical_reason().unwrap_or("Error");
    let body = format!(
        "<!DOCTYPE html>\n<html><head><title>{code} {reason}</title></head>\
         <body><h1>Error {code}</h1><p>{reason}. The web server reported an error; \
         please try again in a few minutes.</p></body></html>\n",
        code = status.as_u16()
    );
    (status, Html(body)).into_response()
}

/// Cuts the body in half and says so honestly in Content-Length.
pub(crate) fn truncate(response: Response, body: Bytes) -> Response {
    let (mut parts, _) = response.into_parts();
    let cut = body.slice(..body.len() / 2);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(cut))
}

/// Declares the full length, sends half, then fails the stream so the connection drops.
pub(crate) fn short_body(response: Response, body: Bytes) -> Response {
    let (mut parts, _) = response.into_parts();
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    let half = body.slice(..body.len() / 2);
    // Let hyper flush the half before failing; an immediate error can discard it together
    // with the headers, which would be a different fault (no answer at all).
    let fail = async {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        Err::<Bytes, _>(std::io::Error::other("injected short body"))
    };
    let chunks = futures_util::stream::iter([Ok(half)]).chain(futures_util::stream::once(fail));
    Response::from_parts(parts, Body::from_stream(chunks))
}

/// Pads the body with trailing spaces up to `bytes` (JSON allows trailing whitespace).
pub(crate) fn oversize(response: Response, body: Bytes, bytes: usize) -> Response {
    let (mut parts, _) = response.into_parts();
    let mut padded = body.to_vec();
    padded.resize(bytes.max(body.len()), b' ');
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(padded))
}

/// Replaces `expires_in` in a JSON object; anything else is passed on as it was.
pub(crate) fn expires_in(response: Response, body: Bytes, seconds: u64) -> Response {
    let (mut parts, _) = response.into_parts();
    let body = match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(mut json) if json.get("expires_in").is_some() => {
            json["expires_in"] = seconds.into();
            parts.headers.remove(header::CONTENT_LENGTH);
            Bytes::from(json.to_string())
        }
        _ => body,
    };
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_json_round_trips() {
        let spec: FaultSpec = serde_json::from_str(
            r#"{"kind":"rate_limit","route":"users/@me","count":2,"retry_after":2.5}"#,
        )
        .unwrap();
        assert_eq!(spec.route.as_deref(), Some("users/@me"));
        assert_eq!(
            spec.kind,
            FaultKind::RateLimit {
                retry_after: 2.5,
                global: false
            }
        );
        let hang: FaultSpec = serde_json::from_str(r#"{"kind":"hang"}"#).unwrap();
        assert_eq!(hang.kind, FaultKind::Hang);
    }

    #[test]
    fn counts_run_out_and_routes_match() {
        let mut board = FaultBoard::default();
        board.add(FaultSpec {
            route: Some("/api/v10/users/@me".into()),
            count: Some(1),
            kind: FaultKind::ServerError { status: 503 },
        });
        board.add(FaultSpec {
            route: Some("cdn/*".into()),
            count: None,
            kind: FaultKind::Latency { ms: 5 },
        });
        assert!(board.plan("users/@me/connections").action.is_none());
        assert!(board.plan("users/@me").action.is_some());
        assert!(board.plan("users/@me").action.is_none());
        assert_eq!(board.plan("cdn/avatars").delay, Duration::from_millis(5));
        assert_eq!(board.list().len(), 1);
    }
}
