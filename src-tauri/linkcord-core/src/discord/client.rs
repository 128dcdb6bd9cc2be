//! The REST client for the four endpoints Linkcord reads.
//!
//! One [`DiscordClient`] serves every account: rate limits and rejected tokens are tracked per
//! token (by hash). It follows Discord's rules (docs/ARCHITECTURE.md, "What the code relies on
//! about Discord"): a proper `User-Agent`, bounded time and size for every reply, waiting out
//! short rate limits once and surfacing long ones, and never sending a token again after
//! Discord answered 401 for it.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use super::ratelimit::{LimitHeaders, Limited, RateLimits, TokenKey};
use super::reply::{content_type, decode, error_message, read_capped, transport_error};
use super::{Authorization, Connection, DiscordError, Guild, Section, Snapshot, User};
use crate::config::Endpoints;
use crate::secret::AccessToken;

/// The `User-Agent` Discord requires: `DiscordBot ($url, $version)` plus our own product.
pub const USER_AGENT: &str = concat!(
    "DiscordBot (https://github.com/linkcord/linkcord, ",
    env!("CARGO_PKG_VERSION"),
    ") Linkcord/",
    env!("CARGO_PKG_VERSION")
);

/// Limits the client works within. The defaults suit a desktop app; tests shorten them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// How long to wait for a connection to Discord.
    pub connect_timeout: Duration,
    /// How long a whole request may take, reply body included.
    pub timeout: Duration,
    /// The largest reply body accepted.
    pub max_body_bytes: usize,
    /// Rate-limit waits up to this long are waited out (once per request); longer ones are
    /// returned as [`DiscordError::RateLimited`].
    pub max_rate_limit_wait: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(20),
            max_body_bytes: 2 * 1024 * 1024,
            max_rate_limit_wait: Duration::from_secs(5),
        }
    }
}

/// The endpoints Linkcord calls, each with the rate-limit route it is booked under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    CurrentUser,
    Connections,
    Guilds,
    Authorization,
}

impl Route {
    fn path(self) -> &'static str {
        match self {
            Self::CurrentUser => "users/@me",
            Self::Connections => "users/@me/connections",
            Self::Guilds => "users/@me/guilds",
            Self::Authorization => "oauth2/@me",
        }
    }

    fn query(self) -> &'static [(&'static str, &'static str)] {
        match self {
            // One page is enough: a page holds up to 200 servers and a user cannot be in more.
            Self::Guilds => &[("with_counts", "true"), ("limit", "200")],
            _ => &[],
        }
    }
}

/// Talks to Discord's REST API with a user's bearer token.
///
/// Cloning is cheap and clones share the rate-limit books and the list of rejected tokens.
#[derive(Debug, Clone)]
pub struct DiscordClient {
    http: reqwest::Client,
    endpoints: Endpoints,
    options: ClientOptions,
    books: Arc<Mutex<Books>>,
}

/// What the client remembers between requests. Tokens are only ever held as hashes.
#[derive(Debug, Default)]
struct Books {
    rejected: HashSet<TokenKey>,
    limits: RateLimits,
}

impl DiscordClient {
    /// A client with the default [`ClientOptions`].
    pub fn new(endpoints: &Endpoints) -> Result<Self, DiscordError> {
        Self::with_options(endpoints, ClientOptions::default())
    }

    pub fn with_options(
        endpoints: &Endpoints,
        options: ClientOptions,
    ) -> Result<Self, DiscordError> {
        // The overall limit is set per request (`send`); only another connect timeout needs
        // a client of its own.
        let http = if options.connect_timeout == crate::http::CONNECT_TIMEOUT {
            crate::http::shared()
        } else {
            crate::http::build(options.connect_timeout).map_err(|e| e.to_string())
        }
        .map_err(|e| DiscordError::Network(format!("could not set up HTTP: {e}")))?;
        Ok(Self {
            http,
            endpoints: endpoints.clone(),
            options,
            books: Arc::default(),
        })
    }

    /// `GET /users/@me`: the signed-in user.
    pub async fn current_user(&self, token: &AccessToken) -> Result<User, DiscordError> {
        self.get(token, Route::CurrentUser).await
    }

    /// `GET /users/@me/connections` (scope `connections`).
    pub async fn connections(&self, token: &AccessToken) -> Result<Vec<Connection>, DiscordError> {
        // The spec allows `null` for an account without connections.
        let list: Option<Vec<Connection>> = self.get(token, Route::Connections).await?;
        Ok(list.unwrap_or_default())
    }

    /// `GET /users/@me/guilds?with_counts=true&limit=200` (scope `guilds`).
    pub async fn guilds(&self, token: &AccessToken) -> Result<Vec<Guild>, DiscordError> {
        self.get(token, Route::Guilds).await
    }

    /// `GET /oauth2/@me`: the token's scopes and expiry.
    pub async fn authorization(&self, token: &AccessToken) -> Result<Authorization, DiscordError> {
        self.get(token, Route::Authorization).await
    }

    /// The profile, connections and guilds, fetched concurrently. A missing scope for
    /// connections or guilds (403) gives [`Section::NotGranted`]; any other failure fails
    /// the whole snapshot, since a half picture after a 401 or a timeout would mislead.
    pub async fn snapshot(&self, token: &AccessToken) -> Result<Snapshot, DiscordError> {
        let (user, connections, guilds) = tokio::try_join!(
            self.current_user(token),
            section(self.connections(token)),
            section(self.guilds(token)),
        )?;
        Ok(Snapshot {
            user,
            connections,
            guilds,
        })
    }

    /// Where this client sends requests; also what CDN URLs and views are built against.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// Whether Discord has answered 401 for this token, so the client refuses to use it.
    pub fn is_rejected(&self, token: &AccessToken) -> bool {
        self.books().rejected.contains(&TokenKey::of(token))
    }

    /// One GET with the rate-limit rules: wait out short limits, retry a 429 at most once.
    async fn get<T: DeserializeOwned>(
        &self,
        token: &AccessToken,
        route: Route,
    ) -> Result<T, DiscordError> {
        let key = TokenKey::of(token);
        let mut retried = false;
        loop {
            self.wait_for_turn(&key, route).await?;
            let response = self.send(token, route).await?;
            let status = response.status();
            let headers = LimitHeaders::parse(response.headers());
            self.books()
                .limits
                .record(&key, route.path(), &headers, Instant::now());
            if status.is_success() {
                let kind = content_type(&response);
                let body = self.read(response).await?;
                return decode(kind.as_deref(), &body);
            }
            if status == StatusCode::TOO_MANY_REQUESTS {
                let body = self.read(response).await.unwrap_or_default();
                let limited = Limited::from_reply(&headers, &body);
                self.books()
                    .limits
                    .record_limited(&key, route.path(), limited, Instant::now());
                if retried || limited.wait > self.options.max_rate_limit_wait {
                    return Err(rate_limited(limited));
                }
                // The wait itself happens in `wait_for_turn`, from the books just updated.
                retried = true;
                continue;
            }
            return Err(self.failure(&key, token, status, response).await);
        }
    }

    /// Refuses rejected tokens, and waits (briefly) or refuses while a limit is in force.
    async fn wait_for_turn(&self, key: &TokenKey, route: Route) -> Result<(), DiscordError> {
        let pending = {
            let books = self.books();
            if books.rejected.contains(key) {
                return Err(DiscordError::Unauthorized);
            }
            books.limits.wait_before(key, route.path(), Instant::now())
        };
        match pending {
            Some(limited) if limited.wait > self.options.max_rate_limit_wait => {
                Err(rate_limited(limited))
            }
            Some(limited) => {
                tracing::debug!(
                    route = route.path(),
                    wait_ms = limited.wait.as_millis() as u64,
                    "waiting for Discord's rate limit"
                );
                tokio::time::sleep(limited.wait).await;
                Ok(())
            }
            None => Ok(()),
        }
    }

    async fn send(
        &self,
        token: &AccessToken,
        route: Route,
    ) -> Result<reqwest::Response, DiscordError> {
        self.http
            .get(self.endpoints.api_url(route.path()))
            .query(route.query())
            .bearer_auth(token.secret())
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(self.options.timeout)
            .send()
            .await
            .map_err(|e| transport_error(e, self.options.connect_timeout, self.options.timeout))
    }

    async fn read(&self, response: reqwest::Response) -> Result<Vec<u8>, DiscordError> {
        read_capped(response, self.options.max_body_bytes, self.options.timeout).await
    }

    /// The error for a reply that is neither a success nor a 429.
    async fn failure(
        &self,
        key: &TokenKey,
        token: &AccessToken,
        status: StatusCode,
        response: reqwest::Response,
    ) -> DiscordError {
        if status == StatusCode::UNAUTHORIZED {
            // Discord blocks an IP that sends too many invalid requests (401, 403, 429) in a
            // short time, whichever token they carried: never send this one again.
            self.books().rejected.insert(*key);
            return DiscordError::Unauthorized;
        }
        if status.is_server_error() {
            return DiscordError::Server {
                status: status.as_u16(),
            };
        }
        let kind = content_type(&response);
        let body = self.read(response).await.unwrap_or_default();
        // Discord never echoes a token, but a proxy in between might: make sure.
        let mut message = error_message(kind.as_deref(), &body);
        if !token.secret().is_empty() {
            message = message.replace(token.secret().as_str(), "[token]");
        }
        // Only Discord's own JSON refusal means "no access" (which `snapshot` shows as "not
        // granted"); a 403 web page comes from a filter or proxy and must fail the refresh.
        let from_discord = kind.as_deref().is_some_and(|t| t.contains("json"));
        match status {
            StatusCode::FORBIDDEN if from_discord => DiscordError::Forbidden { message },
            _ => DiscordError::Api {
                status: status.as_u16(),
                message,
            },
        }
    }

    fn books(&self) -> MutexGuard<'_, Books> {
        // The books stay consistent even if a holder panicked: every update is one insert.
        self.books
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn rate_limited(limited: Limited) -> DiscordError {
    DiscordError::RateLimited {
        retry_after: limited.wait,
        global: limited.global,
    }
}

/// A scope-dependent list: 403 means "not granted", anything else is passed on.
async fn section<T>(
    fetch: impl Future<Output = Result<Vec<T>, DiscordError>>,
) -> Result<Section<T>, DiscordError> {
    match fetch.await {
        Ok(items) => Ok(Section::Granted { items }),
        Err(DiscordError::Forbidden { .. }) => Ok(Section::NotGranted),
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests;
