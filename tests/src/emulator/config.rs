//! What an emulator instance is told at start: the registered application (client id,
//! optional secret, redirect URIs), the fixture users, lifetimes and rate limits.
//!
//! Redirect matching lives here too because it is a property of the registered application:
//! Discord compares the requested URI with the registered ones, exactly, except that a
//! loopback URI registered without a port accepts any port (FACTS §3).

use std::path::Path;
use std::time::Duration;

use url::Url;

use super::EmulatorError;
use super::fixtures::Fixtures;

/// The application id the emulator registers when none is given. It is a well-formed
/// snowflake that belongs to no real application.
pub const DEFAULT_CLIENT_ID: &str = "1300000000000000042";

/// The redirect URIs registered by default for `client_id`: the Social SDK's portless
/// loopback URI, one fixed-port loopback URI, and Discord's custom-scheme form.
pub fn default_redirect_uris(client_id: &str) -> Vec<String> {
    vec![
        "http://127.0.0.1/callback".to_owned(),
        "http://127.0.0.1:53134/callback".to_owned(),
        format!("discord-{client_id}:/authorize/callback"),
    ]
}

/// A fixed-window limit applied per token (or per caller without a token) and per route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitConfig {
    /// Requests allowed in one window.
    pub limit: u32,
    /// Length of the window.
    pub window: Duration,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        // Generous enough that ordinary tests never meet it; tight tests set their own.
        Self {
            limit: 50,
            window: Duration::from_secs(1),
        }
    }
}

/// How to run one emulator.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The registered application id.
    pub client_id: String,
    /// `None` makes a public client (no secret, PKCE needed for the code exchange).
    pub client_secret: Option<String>,
    /// Registered redirect URIs, in order (the first is the fallback when a request has none).
    pub redirect_uris: Vec<String>,
    /// The users one can sign in as.
    pub fixtures: Fixtures,
    /// Lifetime of access tokens (`expires_in`).
    pub token_ttl: Duration,
    /// Lifetime of authorization codes.
    pub code_ttl: Duration,
    /// Added to every Discord or CDN request before it is answered.
    pub latency: Duration,
    /// The per-route limit behind the rate-limit headers.
    pub rate_limit: RateLimitConfig,
    /// The application name shown on the consent page and in `/oauth2/@me`.
    pub app_name: String,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            port: 0,
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            client_secret: None,
            redirect_uris: default_redirect_uris(DEFAULT_CLIENT_ID),
            fixtures: Fixtures::builtin(),
            token_ttl: Duration::from_secs(604_800),
            code_ttl: Duration::from_secs(60),
            latency: Duration::ZERO,
            rate_limit: RateLimitConfig::default(),
            app_name: "Linkcord (emulated)".to_owned(),
        }
    }
}

impl EmulatorConfig {
    /// Replaces the fixture users with those in a JSON file (same format as the built-in
    /// `tests/fixtures/users.json`).
    pub fn with_users_file(mut self, path: &Path) -> Result<Self, EmulatorError> {
        self.fixtures = Fixtures::from_file(path)?;
        Ok(self)
    }

    /// Makes a confidential client with this secret.
    pub fn with_secret(mut self, secret: &str) -> Self {
        self.client_secret = Some(secret.to_owned());
        self
    }

    /// Catches settings that would make every request fail in a confusing way.
    pub(crate) fn validate(&self) -> Result<(), EmulatorError> {
        if self.client_id.is_empty() || !self.client_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(EmulatorError::BadConfig(format!(
                "client id {:?} is not a snowflake (digits only)",
                self.client_id
            )));
        }
        if self.redirect_uris.is_empty() {
            return Err(EmulatorError::BadConfig(
                "at least one redirect URI must be registered".into(),
            ));
        }
        for uri in &self.redirect_uris {
            Url::parse(uri).map_err(|e| {
                EmulatorError::BadConfig(format!("redirect URI {uri:?} is not a URL: {e}"))
            })?;
        }
        if self.rate_limit.limit == 0 || self.rate_limit.window.is_zero() {
            return Err(EmulatorError::BadConfig(
                "rate limit and window must be above zero".into(),
            ));
        }
        Ok(())
    }

    /// Whether `candidate` is one of the registered redirect URIs.
    pub(crate) fn redirect_allowed(&self, candidate: &str) -> bool {
        self.redirect_uris
            .iter()
            .any(|registered| redirect_matches(registered, candidate))
    }
}

/// Whether a redirect URI uses a custom scheme (anything but http/https), which Discord
/// accepts only together with PKCE.
pub(crate) fn is_custom_scheme(uri: &str) -> bool {
    match Url::parse(uri) {
        Ok(url) => !matches!(url.scheme(), "http" | "https"),
        Err(_) => false,
    }
}

/// Exact string match, or: a loopback `http` URI registered without a port matches the same
/// scheme, host, path and query on any port (RFC 8252 §7.3, as Discord appears to do).
pub(crate) fn redirect_matches(registered: &str, candidate: &str) -> bool {
    if registered == candidate {
        return true;
    }
    let (Ok(reg), Ok(cand)) = (Url::parse(registered), Url::parse(candidate)) else {
        return false;
    };
    let registered_without_port = !authority_has_port(registered);
    reg.scheme() == "http"
        && is_loopback_host(&reg)
        && registered_without_port
        && cand.scheme() == reg.scheme()
        && cand.host_str() == reg.host_str()
        && cand.path() == reg.path()
        && cand.query() == reg.query()
        && cand.fragment().is_none()
        && cand.username().is_empty()
        && cand.password().is_none()
        // Trailing slashes count: compare the path as written, not as normalised.
        && path_as_written(candidate) == path_as_written(registered)
}

fn is_loopback_host(url: &Url) -> bool {
    matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

/// The `url` crate forgets an explicit default port (`:80`), so look at the text.
fn authority_has_port(uri: &str) -> bool {
    let after_scheme = uri.split_once("://").map_or("", |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    let host_part = authority
        .rsplit_once(']')
        .map_or(authority, |(_, tail)| tail);
    host_part.contains(':')
}

fn path_as_written(uri: &str) -> &str {
    let after_scheme = uri.split_once("://").map_or(uri, |(_, rest)| rest);
    let from_path = after_scheme.find('/').map_or("", |at| &after_scheme[at..]);
    from_path.split(['?', '#']).next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portless_loopback_accepts_any_port_but_nothing_else() {
        let reg = "http://127.0.0.1/callback";
        assert!(redirect_matches(reg, "http://127.0.0.1/callback"));
        assert!(redirect_matches(reg, "http://127.0.0.1:49152/callback"));
        assert!(!redirect_matches(reg, "http://127.0.0.1:49152/callback/"));
        assert!(!redirect_matches(reg, "http://localhost:49152/callback"));
        assert!(!redirect_matches(reg, "https://127.0.0.1:49152/callback"));
        assert!(!redirect_matches(reg, "http://127.0.0.1:49152/other"));
        assert!(!redirect_matches(
            reg,
            "http://127.0.0.1:49152/callback?x=1"
        ));
    }

    #[test]
    fn ported_uris_match_exactly() {
        let reg = "http://127.0.0.1:53134/callback";
        assert!(redirect_matches(reg, reg));
        assert!(!redirect_matches(reg, "http://127.0.0.1:53135/callback"));
        assert!(!redirect_matches(reg, "http://127.0.0.1/callback"));
    }

    #[test]
    fn custom_scheme_is_detected() {
        assert!(is_custom_scheme("discord-1:/authorize/callback"));
        assert!(!is_custom_scheme("http://127.0.0.1/callback"));
    }
}
