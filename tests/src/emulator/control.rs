//! The emulator's own endpoints under `/_emulator/`: what tests and benchmarks use to look
//! inside (users, counters, live grants) and to steer it (faults, token expiry, the clock).
//! None of this exists at Discord; faults and rate limits never touch these routes.

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::faults::FaultSpec;
use super::replies::json_reply;
use super::state::{AppState, Stats};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/_emulator/health", get(health))
        .route("/_emulator/config", get(config))
        .route("/_emulator/users", get(users))
        .route("/_emulator/stats", get(stats))
        .route("/_emulator/stats/reset", post(reset_stats))
        .route(
            "/_emulator/faults",
            get(list_faults).post(add_faults).delete(clear_faults),
        )
        .route("/_emulator/grants", get(grants))
        .route("/_emulator/expire-tokens", post(expire_tokens))
        .route("/_emulator/clock/advance", post(advance_clock))
}

async fn health() -> Response {
    ok(json!({ "ok": true }))
}

async fn config(State(state): State<AppState>) -> Response {
    let c = &state.config;
    ok(json!({
        "base_url": state.base_url(),
        "client_id": c.client_id,
        "public_client": c.client_secret.is_none(),
        "redirect_uris": c.redirect_uris,
        "token_ttl_seconds": c.token_ttl.as_secs_f64(),
        "code_ttl_seconds": c.code_ttl.as_secs_f64(),
        "latency_ms": c.latency.as_millis() as u64,
        "rate_limit": { "limit": c.rate_limit.limit, "window_ms": c.rate_limit.window.as_millis() as u64 },
    }))
}

/// Every fixture user: the full `/users/@me` object (email included), plus a `note` and
/// how many connections and guilds they have.
async fn users(State(state): State<AppState>) -> Response {
    let list: Vec<Value> = state
        .fixtures()
        .users()
        .iter()
        .map(|u| {
            let mut value = u.me_json(true, true);
            value["note"] = json!(u.note);
            value["connection_count"] = json!(u.connections.len());
            value["guild_count"] = json!(u.guilds.len());
            value
        })
        .collect();
    ok(Value::Array(list))
}

async fn stats(State(state): State<AppState>) -> Response {
    let snapshot = state.stats().clone();
    ok(serde_json::to_value(snapshot).expect("stats serialise"))
}

/// Zeroes the counters and forgets rate-limit windows, so a test starts clean.
async fn reset_stats(State(state): State<AppState>) -> Response {
    *state.stats() = Stats::default();
    state.limiter.lock().expect("limiter lock").reset();
    ok(json!({ "reset": true }))
}

async fn list_faults(State(state): State<AppState>) -> Response {
    let faults = state.faults.lock().expect("faults lock");
    ok(serde_json::to_value(faults.list()).expect("faults serialise"))
}

/// Adds one fault (a JSON object) or several (an array); answers the added faults with ids.
async fn add_faults(State(state): State<AppState>, body: Bytes) -> Response {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(FaultSpec),
        Many(Vec<FaultSpec>),
    }
    let specs = match serde_json::from_slice::<OneOrMany>(&body) {
        Ok(OneOrMany::One(spec)) => vec![spec],
        Ok(OneOrMany::Many(specs)) => specs,
        Err(e) => return bad_request(&format!("not a fault spec: {e}")),
    };
    let mut board = state.faults.lock().expect("faults lock");
    let added: Vec<_> = specs.into_iter().map(|spec| board.add(spec)).collect();
    ok(serde_json::to_value(added).expect("faults serialise"))
}

async fn clear_faults(State(state): State<AppState>) -> Response {
    state.faults.lock().expect("faults lock").clear();
    ok(json!({ "cleared": true }))
}

async fn grants(State(state): State<AppState>) -> Response {
    let list = state.auth().grant_summaries(state.clock.now());
    ok(json!({ "active": list.len(), "grants": list }))
}

/// Makes access tokens expire now: all of them, or one user's with `{"user_id": "..."}`.
/// Refresh tokens stay usable, which is exactly the state a client meets after a week.
async fn expire_tokens(State(state): State<AppState>, body: Bytes) -> Response {
    #[derive(Deserialize, Default)]
    struct Which {
        user_id: Option<String>,
    }
    let which: Which = if body.iter().all(u8::is_ascii_whitespace) {
        Which::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(which) => which,
            Err(e) => return bad_request(&format!("expected {{\"user_id\": \"...\"}}: {e}")),
        }
    };
    let expired = state
        .auth()
        .expire_access(which.user_id.as_deref(), state.clock.now());
    ok(json!({ "expired": expired }))
}

/// Moves the emulator's clock forward: `{"seconds": 61}`.
async fn advance_clock(State(state): State<AppState>, body: Bytes) -> Response {
    #[derive(Deserialize)]
    struct Advance {
        seconds: f64,
    }
    let advance: Advance = match serde_json::from_slice(&body) {
        Ok(advance) => advance,
        Err(e) => return bad_request(&format!("expected {{\"seconds\": N}}: {e}")),
    };
    let Ok(by) = Duration::try_from_secs_f64(advance.seconds) else {
        return bad_request("seconds must be a finite number of seconds, zero or more");
    };
    let offset = state.clock.advance(by);
    ok(json!({ "offset_seconds": offset.as_secs_f64() }))
}

fn ok(body: Value) -> Response {
    json_reply(StatusCode::OK, &body)
}

fn bad_request(message: &str) -> Response {
    json_reply(StatusCode::BAD_REQUEST, &json!({ "error": message }))
}
