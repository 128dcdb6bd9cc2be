//! The HTTP adapter `oauth2` sends its requests through.
//!
//! `oauth2` 5 ships without an HTTP client here (default features off), and accepts any async
//! function from its request type to its response type. This one uses reqwest with redirects
//! off (a token endpoint that redirects is not one to follow with a code or a refresh token),
//! timeouts, and a cap on the answer's size.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use oauth2::{HttpRequest, HttpResponse};

use super::OAuthError;

/// Token and revoke answers are a few hundred bytes; anything far larger is not Discord.
const BODY_CAP: usize = 64 * 1024;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What failed on the wire. The text names no URL parameters and no body.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TransportError {
    #[error("{0}")]
    Send(String),
    #[error("the answer was larger than {0} bytes")]
    TooLarge(usize),
    /// An error status with a body that is not JSON (a proxy or CDN page, not Discord's OAuth
    /// error): there is nothing for `oauth2` to parse, so it is reported by status.
    #[error("HTTP {0} instead of an OAuth answer")]
    Status(u16),
}

#[derive(Debug, Clone)]
pub(crate) struct Transport {
    client: reqwest::Client,
}

impl Transport {
    pub(crate) fn new() -> Result<Self, OAuthError> {
        let client = crate::http::shared().map_err(OAuthError::Network)?;
        Ok(Self { client })
    }

    /// Sends one request built by `oauth2` and reads the answer up to [`BODY_CAP`].
    pub(crate) async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let (parts, body) = request.into_parts();
        let mut response = self
            .client
            .request(parts.method, parts.uri.to_string())
            .headers(parts.headers)
            .body(body)
            .timeout(REQUEST_TIMEOUT)
            .send()
            .await
            .map_err(describe)?;
        let status = response.status();
        if !status.is_success() && !is_json(response.headers()) {
            return Err(TransportError::Status(status.as_u16()));
        }
        let mut builder = http_response(status);
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(describe)? {
            if body.len() + chunk.len() > BODY_CAP {
                return Err(TransportError::TooLarge(BODY_CAP));
            }
            body.extend_from_slice(&chunk);
        }
        builder
            .body(body)
            .map_err(|e| TransportError::Send(e.to_string()))
    }
}

/// `oauth2` calls this for each request. A named type with a boxed `Send` future (rather than
/// a closure) keeps the futures of exchange and refresh `Send` for every lifetime, so callers
/// can spawn them.
impl<'c> oauth2::AsyncHttpClient<'c> for Transport {
    type Error = TransportError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

fn http_response(status: reqwest::StatusCode) -> oauth2::http::response::Builder {
    oauth2::http::Response::builder().status(status.as_u16())
}

fn is_json(headers: &reqwest::header::HeaderMap) -> bool {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("application/json"))
}

fn describe(error: reqwest::Error) -> TransportError {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    // Without the URL: ours carry no secret, but a message stays short and stable this way.
    TransportError::Send(format!("{kind}: {}", error.without_url()))
}
