//! The token endpoints: `POST /api/oauth2/token` (authorization_code and refresh_token
//! grants) and `POST /api/oauth2/token/revoke`.
//!
//! Both take form-urlencoded bodies only, authenticate the client (HTTP Basic or form
//! fields; no secret at all for a public client), and answer RFC 6749 error bodies. The
//! rules they enforce are Discord's (FACTS §1–§3, §9): exact redirect repetition, PKCE S256,
//! single-use expiring codes, rotating single-use refresh tokens, revoke ending the grant.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::pkce;
use super::replies::{json_reply, no_store, oauth_error};
use super::state::{AppState, TokenPair};

/// The form fields of a request (first value of each name).
type Form = HashMap<String, String>;

/// How the client proved who it is.
struct Client {
    with_secret: bool,
}

pub(crate) async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = match read_form(&headers, &body) {
        Ok(form) => form,
        Err(reply) => return reply,
    };
    let client = match authenticate(&state, &headers, &form) {
        Ok(client) => client,
        Err(reply) => return reply,
    };
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => exchange(&state, &form, &client),
        Some("refresh_token") => refresh(&state, &form),
        None => oauth_error("invalid_request", "Missing \"grant_type\""),
        Some(_) => oauth_error(
            "unsupported_grant_type",
            "Only authorization_code and refresh_token are emulated",
        ),
    }
}

pub(crate) async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = match read_form(&headers, &body) {
        Ok(form) => form,
        Err(reply) => return reply,
    };
    if let Err(reply) = authenticate(&state, &headers, &form) {
        return reply;
    }
    let Some(token) = form.get("token") else {
        return oauth_error("invalid_request", "Missing \"token\"");
    };
    if let Some(hint) = form.get("token_type_hint")
        && !matches!(hint.as_str(), "access_token" | "refresh_token")
    {
        return oauth_error("unsupported_token_type", "Unsupported \"token_type_hint\"");
    }
    // Whatever the hint says, either token ends the whole grant. Unknown tokens still get
    // 200, as RFC 7009 asks, so a client cannot probe which tokens exist.
    if state.auth().revoke(token) {
        state.stats().revocations += 1;
    }
    no_store(json_reply(StatusCode::OK, &json!({})))
}

fn exchange(state: &AppState, form: &Form, client: &Client) -> Response {
    let Some(code) = form.get("code") else {
        return oauth_error("invalid_request", "Missing \"code\"");
    };
    let now = state.clock.now();
    let mut auth = state.auth();
    let Some(pending) = auth.live_code(code, now) else {
        return oauth_error("invalid_grant", "Invalid \"code\" in request.");
    };
    let expected_redirect = pending
        .redirect_uri
        .as_deref()
        .unwrap_or(&state.config.redirect_uris[0]);
    let sent_redirect = form.get("redirect_uri").map(String::as_str);
    let redirect_ok = match &pending.redirect_uri {
        Some(_) => sent_redirect == Some(expected_redirect),
        None => sent_redirect.is_none_or(|sent| sent == expected_redirect),
    };
    if !redirect_ok {
        return oauth_error("invalid_grant", "Invalid \"redirect_uri\" in request.");
    }
    if let Err(reply) = check_verifier(
        pending.challenge.as_deref(),
        form.get("code_verifier"),
        client,
    ) {
        return reply;
    }
    // Only a successful exchange spends the code; a failed attempt can be retried until
    // the code expires.
    auth.spend_code(code);
    let pair = auth.open_grant(&pending, now + state.config.token_ttl);
    drop(auth);
    state.stats().code_exchanges += 1;
    token_reply(state, pair)
}

/// PKCE for a code that carried a challenge; a code without one needs the client secret
/// (a public client may not exchange it at all).
fn check_verifier(
    challenge: Option<&str>,
    verifier: Option<&String>,
    client: &Client,
) -> Result<(), Response> {
    let Some(challenge) = challenge else {
        return if client.with_secret {
            Ok(())
        } else {
            Err(oauth_error(
                "invalid_client",
                "A public client must use PKCE: this code was issued without a code_challenge",
            ))
        };
    };
    let Some(verifier) = verifier else {
        return Err(oauth_error("invalid_request", "Missing \"code_verifier\""));
    };
    if !pkce::well_formed(verifier) {
        return Err(oauth_error("invalid_request", "Invalid \"code_verifier\""));
    }
    if pkce::challenge_for(verifier) != challenge {
        return Err(oauth_error("invalid_grant", "Invalid \"code_verifier\""));
    }
    Ok(())
}

fn refresh(state: &AppState, form: &Form) -> Response {
    let Some(refresh_token) = form.get("refresh_token") else {
        return oauth_error("invalid_request", "Missing \"refresh_token\"");
    };
    let expires_at = state.clock.now() + state.config.token_ttl;
    let Some(pair) = state.auth().rotate(refresh_token, expires_at) else {
        return oauth_error("invalid_grant", "Invalid \"refresh_token\" in request");
    };
    state.stats().refreshes += 1;
    token_reply(state, pair)
}

fn token_reply(state: &AppState, pair: TokenPair) -> Response {
    let body = json!({
        "access_token": pair.access_token,
        "token_type": "Bearer",
        "expires_in": state.config.token_ttl.as_secs(),
        "refresh_token": pair.refresh_token,
        "scope": pair.scopes.join(" "),
    });
    no_store(json_reply(StatusCode::OK, &body))
}

/// Client authentication: HTTP Basic, else `client_id` (+ `client_secret`) in the form.
/// A confidential client must present its secret; a public one has none to present.
fn authenticate(state: &AppState, headers: &HeaderMap, form: &Form) -> Result<Client, Response> {
    let basic = match basic_credentials(headers) {
        Ok(basic) => basic,
        Err(()) => {
            return Err(oauth_error(
                "invalid_client",
                "Malformed Basic authorization",
            ));
        }
    };
    let (client_id, secret) = match basic {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (
            form.get("client_id").cloned(),
            form.get("client_secret").cloned(),
        ),
    };
    if client_id.as_deref() != Some(state.config.client_id.as_str()) {
        return Err(oauth_error("invalid_client", "Unknown client"));
    }
    match (&state.config.client_secret, secret) {
        (Some(expected), Some(given)) if *expected == given => Ok(Client { with_secret: true }),
        (Some(_), Some(_)) => Err(oauth_error("invalid_client", "Invalid client secret")),
        (Some(_), None) => Err(oauth_error("invalid_client", "Missing client secret")),
        (None, Some(_)) => Err(oauth_error(
            "invalid_client",
            "Invalid client secret (this application is a public client)",
        )),
        (None, None) => Ok(Client { with_secret: false }),
    }
}

/// `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1).
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, ()> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| ())?;
    let Some(encoded) = text
        .strip_prefix("Basic ")
        .or_else(|| text.strip_prefix("basic "))
    else {
        return Err(());
    };
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| ())?;
    let decoded = String::from_utf8(decoded).map_err(|_| ())?;
    let (id, secret) = decoded.split_once(':').ok_or(())?;
    Ok(Some((form_decode(id), form_decode(secret))))
}

fn form_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The token endpoints accept form-urlencoded bodies only (JSON is refused).
fn read_form(headers: &HeaderMap, body: &[u8]) -> Result<Form, Response> {
    if !is_form(headers) {
        return Err(oauth_error(
            "invalid_request",
            "The request body must be application/x-www-form-urlencoded",
        ));
    }
    Ok(form_params(body))
}

pub(crate) fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Parses `a=1&b=2`, keeping the first value of each name.
pub(crate) fn form_params(body: &[u8]) -> Form {
    let mut form = Form::new();
    for (key, value) in url::form_urlencoded::parse(body) {
        form.entry(key.into_owned())
            .or_insert_with(|| value.into_owned());
    }
    form
}
