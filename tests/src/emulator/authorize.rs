//! The browser-facing step: `GET /oauth2/authorize` (and the consent form's POST back).
//!
//! It checks the request the way Discord does: an unknown application or an unregistered
//! redirect URI gets an error page (redirecting would hand the browser to whoever asked), and
//! any other problem goes back to the redirect URI as `error=...&state=...`. A valid request
//! shows a consent page listing the fixture users, each with an "Authorize" button
//! (`#authorize-<user id>`) and one "Cancel" button (`#cancel`); `approve_as=<user id>` in the
//! query skips the page, which is what non-browser tests use. The page says it is the
//! emulator and not Discord, since the demo (`scripts/run.sh --demo`) shows it in a person's
//! own browser.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use url::Url;

use super::config::is_custom_scheme;
use super::fixtures::FixtureUser;
use super::oauth::{form_params, is_form};
use super::pkce;
use super::replies::{error_page, escape_html};
use super::state::{AppState, PendingCode};

/// Scopes the emulator grants. Others are refused with `invalid_scope`: `bot` and `openid`
/// because it does not produce their extra outputs, and partner-only ones such as
/// `identify.premium` because an ordinary application like Linkcord cannot have them.
const KNOWN_SCOPES: [&str; 9] = [
    "identify",
    "email",
    "connections",
    "guilds",
    "guilds.join",
    "guilds.members.read",
    "gdm.join",
    "role_connections.write",
    "applications.commands",
];

/// The authorize parameters that are carried through the consent form.
const CARRIED: [&str; 8] = [
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "prompt",
];

/// A request that passed every check.
struct Approved {
    redirect: String,
    sent_redirect: Option<String>,
    scopes: Vec<String>,
    challenge: Option<String>,
    state: Option<String>,
}

pub(crate) async fn get(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let params = form_params(query.unwrap_or_default().as_bytes());
    authorize(&state, &params)
}

/// The consent form posts here; the body holds the original parameters plus the button.
pub(crate) async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_form(&headers) {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Bad request",
            "The consent form must be posted as application/x-www-form-urlencoded.",
        );
    }
    authorize(&state, &form_params(&body))
}

fn authorize(state: &AppState, params: &HashMap<String, String>) -> Response {
    let approved = match check(state, params) {
        Ok(approved) => approved,
        Err(reply) => return reply,
    };
    if params.contains_key("cancel") {
        state.stats().denials += 1;
        return redirect_with(
            &approved.redirect,
            &[
                ("error", "access_denied"),
                (
                    "error_description",
                    "The resource owner or authorization server denied the request",
                ),
            ],
            approved.state.as_deref(),
        );
    }
    match params.get("approve_as") {
        Some(user_id) => approve(state, approved, user_id),
        None => consent_page(state, params),
    }
}

fn approve(state: &AppState, approved: Approved, user_id: &str) -> Response {
    if state.fixtures().user(user_id).is_none() {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Unknown user",
            &format!("No fixture user has the id {user_id}."),
        );
    }
    let code = state.auth().add_code(PendingCode {
        user_id: user_id.to_owned(),
        scopes: approved.scopes,
        redirect_uri: approved.sent_redirect,
        challenge: approved.challenge,
        expires_at: state.clock.now() + state.config.code_ttl,
    });
    state.stats().authorizations += 1;
    redirect_with(
        &approved.redirect,
        &[("code", &code)],
        approved.state.as_deref(),
    )
}

/// Every check, in Discord's order: client, redirect URI, then the rest.
fn check(state: &AppState, params: &HashMap<String, String>) -> Result<Approved, Response> {
    let client_id = params.get("client_id").map(String::as_str);
    if client_id != Some(state.config.client_id.as_str()) {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            "Unknown Application",
            "Invalid OAuth2 client_id: no application with this id is registered.",
        ));
    }
    let sent_redirect = params.get("redirect_uri").cloned();
    let redirect = match &sent_redirect {
        Some(uri) if state.config.redirect_allowed(uri) => uri.clone(),
        Some(_) => {
            return Err(error_page(
                StatusCode::BAD_REQUEST,
                "Invalid OAuth2 redirect_uri",
                "Invalid \"redirect_uri\" in request: it is not registered for this application.",
            ));
        }
        // Discord falls back to the first registered URI when none is sent.
        None => state.config.redirect_uris[0].clone(),
    };
    let challenge = params.get("code_challenge").cloned();
    if is_custom_scheme(&redirect) && challenge.is_none() {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            "Invalid OAuth2 redirect_uri",
            "Invalid \"redirect_uri\" in request: custom-scheme redirects need PKCE.",
        ));
    }
    let state_param = params.get("state").cloned();
    let fail = |error: &str, description: &str| {
        redirect_with(
            &redirect,
            &[("error", error), ("error_description", description)],
            state_param.as_deref(),
        )
    };
    check_response_type(params.get("response_type")).map_err(|(e, d)| fail(e, d))?;
    check_pkce(challenge.as_deref(), params.get("code_challenge_method"))
        .map_err(|(e, d)| fail(e, d))?;
    let scopes =
        check_scopes(params.get("scope"), challenge.is_some()).map_err(|(e, d)| fail(&e, &d))?;
    Ok(Approved {
        redirect,
        sent_redirect,
        scopes,
        challenge,
        state: state_param,
    })
}

type Refusal = (&'static str, &'static str);

fn check_response_type(value: Option<&String>) -> Result<(), Refusal> {
    match value.map(String::as_str) {
        Some("code") => Ok(()),
        None => Err(("invalid_request", "Missing \"response_type\"")),
        Some(_) => Err((
            "unsupported_response_type",
            "Only the authorization code flow (response_type=code) is emulated",
        )),
    }
}

fn check_pkce(challenge: Option<&str>, method: Option<&String>) -> Result<(), Refusal> {
    match (challenge, method.map(String::as_str)) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(("invalid_request", "Missing \"code_challenge\"")),
        (Some(_), m) if m != Some("S256") => {
            Err(("invalid_request", "Unsupported \"code_challenge_method\""))
        }
        (Some(c), _) if c.len() != 43 || !pkce::well_formed(c) => {
            Err(("invalid_request", "Invalid \"code_challenge\""))
        }
        _ => Ok(()),
    }
}

fn check_scopes(value: Option<&String>, pkce: bool) -> Result<Vec<String>, (String, String)> {
    let scopes: Vec<String> = value
        .map(|s| {
            s.split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if scopes.is_empty() {
        return Err(("invalid_scope".into(), "Missing \"scope\"".into()));
    }
    if let Some(bad) = scopes.iter().find(|s| !KNOWN_SCOPES.contains(&s.as_str())) {
        return Err(("invalid_scope".into(), format!("Invalid scope: {bad}")));
    }
    if pkce && scopes.iter().any(|s| s == "role_connections.write") {
        return Err((
            "invalid_scope".into(),
            "role_connections.write cannot be used with PKCE".into(),
        ));
    }
    let mut unique = Vec::new();
    for scope in scopes {
        if !unique.contains(&scope) {
            unique.push(scope);
        }
    }
    Ok(unique)
}

/// A 302 to `redirect` with `pairs` and `state` added to its query.
fn redirect_with(redirect: &str, pairs: &[(&str, &str)], state: Option<&str>) -> Response {
    let Ok(mut url) = Url::parse(redirect) else {
        return error_page(StatusCode::BAD_REQUEST, "Invalid redirect", redirect);
    };
    {
        let mut query = url.query_pairs_mut();
        for (key, value) in pairs {
            query.append_pair(key, value);
        }
        if let Some(state) = state {
            query.append_pair("state", state);
        }
    }
    let location = HeaderValue::from_str(url.as_str()).expect("a serialised URL is a valid header");
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

fn consent_page(state: &AppState, params: &HashMap<String, String>) -> Response {
    let hidden: String = CARRIED
        .iter()
        .filter_map(|key| params.get(*key).map(|value| (key, value)))
        .map(|(key, value)| {
            format!(
                "<input type=\"hidden\" name=\"{key}\" value=\"{}\">",
                escape_html(value)
            )
        })
        .collect();
    let users: String = state.fixtures().users().iter().map(user_row).collect();
    let scopes = escape_html(params.get("scope").map_or("", String::as_str));
    // Someone trying Linkcord (`scripts/run.sh --demo`) sees this page in their own browser:
    // it says plainly that it is not Discord and what to do on it.
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Authorize {app} | Discord emulator</title>\
         <style>body{{font-family:sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}}\
         #emulator-note{{background:#eef;border:1px solid #99c;border-radius:6px;padding:.75rem}}\
         ul{{padding:0}}\
         li{{display:flex;align-items:center;gap:.75rem;margin:.5rem 0;list-style:none}}\
         li span{{flex:1}} small{{color:#555}}\
         img{{width:40px;height:40px;border-radius:50%}}</style></head><body><main>\
         <p id=\"emulator-note\"><strong>This is the Discord emulator, not discord.com.</strong> \
         It runs on this computer for Linkcord's tests and demo, and no Discord account is \
         involved. Choose one of its made-up users to sign in as.</p>\
         <h1 id=\"app-name\">{app} wants to access your account</h1>\
         <p>It asks for: <code id=\"scopes\">{scopes}</code></p>\
         <form method=\"post\" action=\"/oauth2/authorize\">{hidden}<ul id=\"users\">{users}</ul>\
         <button type=\"submit\" name=\"cancel\" value=\"1\" id=\"cancel\">Cancel</button>\
         </form></main></body></html>",
        app = escape_html(&state.config.app_name),
    );
    Html(page).into_response()
}

fn user_row(user: &FixtureUser) -> String {
    let id = escape_html(&user.id);
    let avatar = match user.avatar() {
        Some(hash) => format!("/cdn/avatars/{id}/{}.png?size=64", escape_html(hash)),
        None => format!("/cdn/embed/avatars/{}.png", default_avatar_index(user)),
    };
    let tag = match user.discriminator() {
        "0" => user.username.clone(),
        d => format!("{}#{d}", user.username),
    };
    // What sets the users apart, for someone choosing: the note's first clause ("Cyrillic
    // names", "Hostile but real") and what the profile will show.
    let about = user
        .note
        .as_deref()
        .and_then(|note| note.split([';', ':', ',']).next())
        .map(|clause| format!("{}. ", clause.trim().trim_end_matches('.')))
        .unwrap_or_default();
    let about = format!(
        "{about}{}, {}",
        count(user.connections.len(), "linked account"),
        count(user.guilds.len(), "server")
    );
    format!(
        "<li class=\"user\" data-user-id=\"{id}\"><img alt=\"\" src=\"{avatar}\">\
         <span><strong><bdi>{name}</bdi></strong> <small>@<bdi>{tag}</bdi></small><br>\
         <small>{about}</small></span>\
         <button type=\"submit\" name=\"approve_as\" value=\"{id}\" id=\"authorize-{id}\" aria-label=\"Authorize as {name}\">Authorize</button></li>",
        name = escape_html(user.display_name()),
        tag = escape_html(&tag),
        about = escape_html(&about),
    )
}

/// "1 server", "5 servers".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// FACTS §5: new usernames use `(id >> 22) % 6`, legacy tags `discriminator % 5`.
fn default_avatar_index(user: &FixtureUser) -> u64 {
    match user.discriminator() {
        "0" => (user.id.parse::<u64>().unwrap_or(0) >> 22) % 6,
        d => d.parse::<u64>().unwrap_or(0) % 5,
    }
}
