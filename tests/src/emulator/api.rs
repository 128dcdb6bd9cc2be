//! The REST API under `/api/v10` that Linkcord reads: `/users/@me`, `/users/@me/connections`,
//! `/users/@me/guilds` and `/oauth2/@me`.
//!
//! Each call needs a live bearer token (else 401 `{"message": "401: Unauthorized", "code":
//! 0}`), and the token's scopes decide what it sees: `email`/`verified` only with `email`,
//! connections only with `connections`, guilds only with `guilds` (else 403 code 50001).

use std::collections::HashMap;
use std::time::SystemTime;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::fixtures::{FixtureUser, Guild, is_snowflake, snowflake_value};
use super::oauth::form_params;
use super::replies::{invalid_form_body, json_reply, missing_access, unauthorized};
use super::state::{AppState, TokenInfo};

/// `PUBLIC_OAUTH2_CLIENT` application flag (1 << 8).
const PUBLIC_CLIENT_FLAG: u32 = 1 << 8;

/// The caller behind a bearer token, with what the token allows.
/// The user is a copy taken when the request arrived, so a control endpoint changing the
/// fixtures meanwhile never waits on (or tears) an answer being built.
struct Caller {
    user: FixtureUser,
    token: TokenInfo,
}

impl Caller {
    fn has(&self, scope: &str) -> bool {
        self.token.grant.scopes.iter().any(|s| s == scope)
    }
}

/// Finds the live token in `Authorization: Bearer …`, or answers 401.
fn caller(state: &AppState, headers: &HeaderMap) -> Result<Caller, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(unauthorized)?;
    let info = state
        .auth()
        .check_access(token.trim(), state.clock.now())
        .ok_or_else(unauthorized)?;
    let user = state
        .fixtures()
        .user(&info.grant.user_id)
        .cloned()
        .ok_or_else(unauthorized)?;
    Ok(Caller { user, token: info })
}

pub(crate) async fn me(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let caller = match caller(&state, &headers) {
        Ok(caller) => caller,
        Err(reply) => return reply,
    };
    // Without `identify` Discord refuses /users/@me as unauthorized, not as missing access.
    if !caller.has("identify") {
        return unauthorized();
    }
    let body = caller
        .user
        .me_json(caller.has("email"), caller.has("identify.premium"));
    json_reply(StatusCode::OK, &body)
}

pub(crate) async fn connections(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let caller = match caller(&state, &headers) {
        Ok(caller) => caller,
        Err(reply) => return reply,
    };
    if !caller.has("connections") {
        return missing_access();
    }
    let body = serde_json::to_value(&caller.user.connections).expect("connections serialise");
    json_reply(StatusCode::OK, &body)
}

pub(crate) async fn guilds(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let caller = match caller(&state, &headers) {
        Ok(caller) => caller,
        Err(reply) => return reply,
    };
    if !caller.has("guilds") {
        return missing_access();
    }
    let paging = match Paging::parse(&form_params(query.unwrap_or_default().as_bytes())) {
        Ok(paging) => paging,
        Err(reply) => return reply,
    };
    let page: Vec<Value> = paging
        .select(&caller.user.guilds)
        .into_iter()
        .map(|g| guild_json(g, paging.with_counts))
        .collect();
    json_reply(StatusCode::OK, &Value::Array(page))
}

pub(crate) async fn oauth2_me(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let caller = match caller(&state, &headers) {
        Ok(caller) => caller,
        Err(reply) => return reply,
    };
    let expires = state.clock.wall_at(caller.token.expires_at);
    let mut body = json!({
        "application": application_json(&state),
        "scopes": caller.token.grant.scopes,
        "expires": rfc3339(expires),
    });
    if caller.has("identify") {
        body["user"] = caller.user.public_json();
    }
    json_reply(StatusCode::OK, &body)
}

/// The `application` object of `/oauth2/@me` (`ApplicationResponse`).
fn application_json(state: &AppState) -> Value {
    let config = &state.config;
    let flags = if config.client_secret.is_none() {
        PUBLIC_CLIENT_FLAG
    } else {
        0
    };
    let verify_key: String = Sha256::digest(config.client_id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    json!({
        "id": config.client_id,
        "name": config.app_name,
        "icon": null,
        "description": "",
        "type": null,
        "bot_public": false,
        "bot_require_code_grant": false,
        "verify_key": verify_key,
        "flags": flags,
        "flags_new": flags.to_string(),
    })
}

/// `MyGuildResponse`; the approximate counts appear only with `with_counts=true`.
fn guild_json(guild: &Guild, with_counts: bool) -> Value {
    let mut value = serde_json::to_value(guild).expect("a guild serialises");
    if !with_counts && let Some(object) = value.as_object_mut() {
        object.remove("approximate_member_count");
        object.remove("approximate_presence_count");
    }
    value
}

/// The query of `/users/@me/guilds`, checked as Discord checks it.
struct Paging {
    before: Option<u64>,
    after: Option<u64>,
    limit: usize,
    with_counts: bool,
}

impl Paging {
    fn parse(query: &HashMap<String, String>) -> Result<Self, Response> {
        Ok(Self {
            before: snowflake_param(query, "before")?,
            after: snowflake_param(query, "after")?,
            limit: limit_param(query)?,
            with_counts: bool_param(query, "with_counts")?,
        })
    }

    /// Guilds are sorted by id. `after` pages forwards from an id, `before` backwards (the
    /// `limit` guilds just before it).
    fn select<'a>(&self, guilds: &'a [Guild]) -> Vec<&'a Guild> {
        let within: Vec<&Guild> = guilds
            .iter()
            .filter(|g| self.after.is_none_or(|a| snowflake_value(&g.id) > a))
            .filter(|g| self.before.is_none_or(|b| snowflake_value(&g.id) < b))
            .collect();
        if self.before.is_some() && self.after.is_none() {
            let skip = within.len().saturating_sub(self.limit);
            within.into_iter().skip(skip).collect()
        } else {
            within.into_iter().take(self.limit).collect()
        }
    }
}

fn snowflake_param(query: &HashMap<String, String>, name: &str) -> Result<Option<u64>, Response> {
    match query.get(name) {
        None => Ok(None),
        Some(v) if is_snowflake(v) => Ok(Some(snowflake_value(v))),
        Some(v) => Err(invalid_form_body(
            name,
            "NUMBER_TYPE_COERCE",
            &format!("Value \"{v}\" is not snowflake."),
        )),
    }
}

fn limit_param(query: &HashMap<String, String>) -> Result<usize, Response> {
    let Some(raw) = query.get("limit") else {
        return Ok(200);
    };
    match raw.parse::<i64>() {
        Ok(n) if n < 1 => Err(invalid_form_body(
            "limit",
            "NUMBER_TYPE_MIN",
            "int value should be greater than or equal to 1.",
        )),
        Ok(n) if n > 200 => Err(invalid_form_body(
            "limit",
            "NUMBER_TYPE_MAX",
            "int value should be less than or equal to 200.",
        )),
        Ok(n) => Ok(n as usize),
        Err(_) => Err(invalid_form_body(
            "limit",
            "NUMBER_TYPE_COERCE",
            &format!("Value \"{raw}\" is not int."),
        )),
    }
}

/// Booleans in a query may be `true`, `True`, `1`, `false`, `False` or `0` (FACTS §7).
fn bool_param(query: &HashMap<String, String>, name: &str) -> Result<bool, Response> {
    match query.get(name).map(String::as_str) {
        None | Some("false" | "False" | "0") => Ok(false),
        Some("true" | "True" | "1") => Ok(true),
        Some(other) => Err(invalid_form_body(
            name,
            "BOOLEAN_TYPE_COERCE",
            &format!("Value \"{other}\" is not bool."),
        )),
    }
}

/// ISO 8601 / RFC 3339 in UTC, as `expires` is written.
pub(crate) fn rfc3339(at: SystemTime) -> String {
    time::OffsetDateTime::from(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
