//! Reading Discord's replies defensively.
//!
//! A reply is read in chunks and abandoned as soon as it grows past the size cap, so a
//! broken or hostile server cannot make Linkcord buffer gigabytes. Decoding errors are turned
//! into short reasons Linkcord wrote itself: a serde message can quote the offending value,
//! and nothing from the body is repeated wholesale.

use std::time::Duration;

use reqwest::Response;
use reqwest::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use super::DiscordError;
use super::error::short_text;

/// Reads the whole body, refusing it once it exceeds `limit` bytes.
pub(crate) async fn read_capped(
    mut response: Response,
    limit: usize,
    timeout: Duration,
) -> Result<Vec<u8>, DiscordError> {
    let too_large = DiscordError::TooLarge { limit };
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| body_error(e, timeout))? {
        if body.len() + chunk.len() > limit {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The `Content-Type` of a reply, if it has a readable one.
pub(crate) fn content_type(response: &Response) -> Option<String> {
    let value = response.headers().get(CONTENT_TYPE)?.to_str().ok()?;
    Some(value.to_ascii_lowercase())
}

/// Decodes a successful reply, checking first that it claims to be JSON at all.
pub(crate) fn decode<T: DeserializeOwned>(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<T, DiscordError> {
    if let Some(kind) = content_type.filter(|t| !t.contains("json")) {
        return Err(DiscordError::BadResponse(not_json(kind)));
    }
    serde_json::from_slice(body).map_err(|e| DiscordError::BadResponse(json_problem(&e)))
}

/// What Discord said in an error reply: its `message` (and `code`), trimmed, or a
/// description of what came instead.
pub(crate) fn error_message(content_type: Option<&str>, body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        message: Option<String>,
        code: Option<i64>,
    }
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(ErrorBody {
            message: Some(message),
            code,
        }) => {
            let message = short_text(&message, 200);
            match code {
                Some(code) if code != 0 => format!("{message} (code {code})"),
                _ => message,
            }
        }
        _ if content_type.is_some_and(|t| t.contains("html")) => {
            "a web page came instead of an API reply, possibly a network filter or proxy".to_owned()
        }
        _ => "no details given".to_owned(),
    }
}

/// Turns a transport error into the error a person should see. `connect_timeout` is
/// reported when the connection itself timed out, `timeout` when the request as a whole did.
pub(crate) fn transport_error(
    error: reqwest::Error,
    connect_timeout: Duration,
    timeout: Duration,
) -> DiscordError {
    if error.is_timeout() {
        let after = if error.is_connect() {
            connect_timeout
        } else {
            timeout
        };
        return DiscordError::Timeout { after };
    }
    DiscordError::Network(describe(&error))
}

fn body_error(error: reqwest::Error, timeout: Duration) -> DiscordError {
    if error.is_timeout() {
        return DiscordError::Timeout { after: timeout };
    }
    DiscordError::BadResponse("the reply was cut off before its end".to_owned())
}

/// The innermost causes of a reqwest error, which say what happened ("connection refused")
/// where the outer one only says "error sending request". URLs are stripped: they hold no
/// secret, but they add noise.
fn describe(error: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(error);
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    let text = match parts.last() {
        Some(last) => last.clone(),
        None if error.is_connect() => "could not connect".to_owned(),
        None => "the request failed".to_owned(),
    };
    short_text(&text, 160)
}

fn not_json(content_type: &str) -> String {
    if content_type.contains("html") {
        "a web page came instead of data, possibly a network filter or proxy".to_owned()
    } else {
        format!("expected JSON but got {}", short_text(content_type, 40))
    }
}

fn json_problem(error: &serde_json::Error) -> String {
    let place = format!("line {}, column {}", error.line(), error.column());
    match error.classify() {
        Category::Eof => "the reply ended too early (truncated JSON)".to_owned(),
        Category::Syntax => format!("the reply is not valid JSON ({place})"),
        Category::Data => {
            // "missing field `x`" names one of Linkcord's own fields: safe and useful. Other
            // messages can quote values from the body, so they are summarised instead.
            let message = error.to_string();
            match message.strip_prefix("missing field ") {
                Some(rest) => format!("missing field {}", rest.split(' ').next().unwrap_or("")),
                None => format!("a value has the wrong type or form ({place})"),
            }
        }
        Category::Io => "the reply could not be read".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discord::User;

    fn bad<T: DeserializeOwned + std::fmt::Debug>(ct: Option<&str>, body: &[u8]) -> String {
        match decode::<T>(ct, body) {
            Err(DiscordError::BadResponse(reason)) => reason,
            other => panic!("expected BadResponse, got {other:?}"),
        }
    }

    #[test]
    fn decoding_problems_get_short_reasons_that_do_not_quote_the_body() {
        let json = Some("application/json");
        assert_eq!(
            bad::<User>(json, br#"{"id": "1", "usern"#),
            "the reply ended too early (truncated JSON)"
        );
        assert!(bad::<User>(json, b"{,}").starts_with("the reply is not valid JSON"));
        assert_eq!(
            bad::<User>(json, br#"{"id": "1"}"#),
            "missing field `username`"
        );
        let secret = "SECRET-VALUE-FROM-BODY";
        let reason = bad::<User>(
            json,
            format!(r#"{{"id": "1", "username": ["{secret}"]}}"#).as_bytes(),
        );
        assert!(reason.starts_with("a value has the wrong type"), "{reason}");
        assert!(!reason.contains(secret));
        let reason = bad::<User>(
            json,
            format!(r#"{{"id": "{secret}", "username": "a"}}"#).as_bytes(),
        );
        assert!(!reason.contains(secret), "{reason}");
        assert!(bad::<User>(Some("text/html; charset=utf-8"), b"<html>").contains("web page"));
        assert!(bad::<User>(Some("text/plain"), b"hi").contains("text/plain"));
        assert_eq!(
            bad::<User>(None, b""),
            "the reply ended too early (truncated JSON)"
        );
    }

    #[test]
    fn no_damaged_reply_makes_decoding_panic() {
        // Every prefix of a real reply, and every single-byte corruption of it, decodes to a
        // value or a BadResponse; nothing panics and no error quotes the body.
        let good = serde_json::json!({
            "id": "80351110224678912", "username": "nelly", "global_name": "N", "discriminator": "0",
            "avatar": "a_1", "banner": null, "accent_color": 1, "public_flags": 64, "flags": 0,
            "premium_type": 2, "primary_guild": {"tag": "LC"}, "avatar_decoration_data": {"asset": "x"}
        })
        .to_string()
        .into_bytes();
        let check = |bytes: &[u8]| match decode::<User>(Some("application/json"), bytes) {
            Ok(_) => {}
            Err(DiscordError::BadResponse(reason)) => assert!(reason.len() < 100, "{reason}"),
            Err(other) => panic!("unexpected {other:?}"),
        };
        for end in 0..good.len() {
            check(&good[..end]);
        }
        for i in 0..good.len() {
            for replacement in [b'"', b'{', b']', b'0', b'\\', 0xff, b' '] {
                let mut bytes = good.clone();
                bytes[i] = replacement;
                check(&bytes);
            }
        }
    }

    #[test]
    fn error_messages_are_discords_own_trimmed() {
        let body = br#"{"message": "Missing Access", "code": 50001}"#;
        assert_eq!(
            error_message(Some("application/json"), body),
            "Missing Access (code 50001)"
        );
        let long = format!(r#"{{"message": "{}\n", "code": 0}}"#, "x".repeat(1000));
        assert_eq!(error_message(None, long.as_bytes()).chars().count(), 201);
        assert!(error_message(Some("text/html"), b"<html>blocked</html>").contains("web page"));
        assert_eq!(error_message(None, b"\x00\xff"), "no details given");
    }
}
