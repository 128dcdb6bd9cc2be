//! The shapes Discord answers with, in one place so every handler says "no" the same way:
//! OAuth2 errors (`{"error", "error_description"}`, RFC 6749 §5.2), REST errors
//! (`{"code", "message"}`), and small HTML pages for the browser-facing authorize step.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Value, json};

/// An OAuth2 endpoint error. Discord answers 401 for `invalid_client`, 400 otherwise.
pub(crate) fn oauth_error(error: &str, description: &str) -> Response {
    let status = if error == "invalid_client" {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::BAD_REQUEST
    };
    let body = json!({ "error": error, "error_description": description });
    no_store(json_reply(status, &body))
}

/// A REST API error body.
pub(crate) fn api_error(status: StatusCode, code: u32, message: &str) -> Response {
    json_reply(status, &json!({ "code": code, "message": message }))
}

/// What Discord says for a missing, unknown, expired or revoked token.
pub(crate) fn unauthorized() -> Response {
    api_error(StatusCode::UNAUTHORIZED, 0, "401: Unauthorized")
}

/// What Discord says when the token lacks the scope for an endpoint.
pub(crate) fn missing_access() -> Response {
    api_error(StatusCode::FORBIDDEN, 50001, "Missing Access")
}

/// Discord's "Invalid Form Body" for a bad query value. Discord's docs add an `errors`
/// tree whose leaf codes are strings (`"NUMBER_TYPE_MAX"`), but the spec types those codes
/// as integers, so a body with the tree could never validate; the field is left out and the
/// detail goes into the message instead.
pub(crate) fn invalid_form_body(field: &str, code: &str, message: &str) -> Response {
    let body = json!({
        "code": 50035,
        "message": format!("Invalid Form Body ({field}: {code}: {message})"),
    });
    json_reply(StatusCode::BAD_REQUEST, &body)
}

/// The 429 body (with `code`, which the spec requires and the docs' examples omit).
pub(crate) fn rate_limited_body(retry_after: f64, global: bool) -> Value {
    json!({
        "message": "You are being rate limited.",
        "retry_after": retry_after,
        "global": global,
        "code": 0
    })
}

/// A JSON reply with Discord's content type.
pub(crate) fn json_reply(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).expect("a JSON value serialises");
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        bytes,
    )
        .into_response()
}

/// Token responses must not be cached (RFC 6749 §5.1).
pub(crate) fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// A plain error page for the browser, used when Discord would not redirect back (unknown
/// application, unregistered redirect URI): redirecting then would help an attacker.
pub(crate) fn error_page(status: StatusCode, title: &str, detail: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><main><h1 id=\"error-title\">{title}</h1><p id=\"error-detail\">{detail}</p></main></body></html>",
        title = escape_html(title),
        detail = escape_html(detail)
    );
    (status, Html(body)).into_response()
}

/// Escapes text for HTML element content and double-quoted attributes.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
