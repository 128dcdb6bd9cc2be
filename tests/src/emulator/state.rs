//! Everything the emulator remembers between requests: pending codes, grants and their
//! tokens, counters, injected faults and rate-limit windows.
//!
//! A *grant* is one completed authorization (one code exchange). Every access and refresh
//! token hangs off a grant, which is what makes "revoke ends the whole authorization" and
//! "expire this user's tokens" one-line operations. Locks are plain mutexes held only for
//! short, synchronous sections, never across an `.await`.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Instant, SystemTime};

use rand::Rng;
use rand::distr::Alphanumeric;
use serde::Serialize;
use tokio::sync::watch;

use super::cdn::ImageCache;
use super::clock::Clock;
use super::config::EmulatorConfig;
use super::faults::FaultBoard;
use super::fixtures::Fixtures;
use super::ratelimit::RateLimiter;

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub(crate) struct AppState(Arc<Inner>);

pub(crate) struct Inner {
    pub config: EmulatorConfig,
    /// The users as they are now: the control endpoints change them while the emulator runs.
    pub fixtures: RwLock<Fixtures>,
    pub addr: SocketAddr,
    pub clock: Clock,
    pub auth: Mutex<AuthStore>,
    pub stats: Mutex<Stats>,
    pub faults: Mutex<FaultBoard>,
    pub limiter: Mutex<RateLimiter>,
    pub images: ImageCache,
    /// Flips to `true` at shutdown, so hung requests can let go.
    pub stopping: watch::Receiver<bool>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub(crate) fn new(
        config: EmulatorConfig,
        addr: SocketAddr,
        stopping: watch::Receiver<bool>,
    ) -> Self {
        let fixtures = config.fixtures.clone();
        let limiter = RateLimiter::new(config.rate_limit);
        Self(Arc::new(Inner {
            config,
            fixtures: RwLock::new(fixtures),
            addr,
            clock: Clock::default(),
            auth: Mutex::new(AuthStore::default()),
            stats: Mutex::new(Stats::default()),
            faults: Mutex::new(FaultBoard::default()),
            limiter: Mutex::new(limiter),
            images: ImageCache::default(),
            stopping,
        }))
    }

    pub(crate) fn auth(&self) -> MutexGuard<'_, AuthStore> {
        self.auth.lock().expect("auth lock")
    }

    pub(crate) fn fixtures(&self) -> RwLockReadGuard<'_, Fixtures> {
        self.fixtures.read().expect("fixtures lock")
    }

    pub(crate) fn fixtures_mut(&self) -> RwLockWriteGuard<'_, Fixtures> {
        self.fixtures.write().expect("fixtures lock")
    }

    pub(crate) fn stats(&self) -> MutexGuard<'_, Stats> {
        self.stats.lock().expect("stats lock")
    }

    pub(crate) fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// The counters behind `GET /_emulator/stats`. Token counters count successes only.
#[derive(Debug, Default, Clone, Serialize)]
pub(crate) struct Stats {
    pub code_exchanges: u64,
    pub refreshes: u64,
    pub revocations: u64,
    /// Codes handed out by the authorize step.
    pub authorizations: u64,
    /// Consent pages cancelled.
    pub denials: u64,
    /// 429 answers, from the limiter or from injected faults.
    pub rate_limited: u64,
    /// Injected faults that fired (latency included).
    pub faults_applied: u64,
    /// Requests per route (`users/@me`, `oauth2/token`, `cdn/avatars`, ...).
    pub requests: BTreeMap<String, u64>,
}

/// An authorization code waiting to be exchanged.
#[derive(Debug, Clone)]
pub(crate) struct PendingCode {
    pub user_id: String,
    pub scopes: Vec<String>,
    /// The `redirect_uri` the authorize request carried, if any; the exchange must repeat it.
    pub redirect_uri: Option<String>,
    pub challenge: Option<String>,
    pub expires_at: Instant,
}

/// One completed authorization.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub user_id: String,
    pub scopes: Vec<String>,
    pub created_at: SystemTime,
}

#[derive(Debug, Clone)]
struct AccessToken {
    grant: u64,
    expires_at: Instant,
}

/// What a valid access token stands for.
#[derive(Debug, Clone)]
pub(crate) struct TokenInfo {
    pub grant: Grant,
    pub expires_at: Instant,
}

/// A freshly issued token pair.
pub(crate) struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, Default)]
pub(crate) struct AuthStore {
    codes: HashMap<String, PendingCode>,
    grants: HashMap<u64, Grant>,
    access: HashMap<String, AccessToken>,
    /// Refresh token → grant. A token leaves this map when it is spent, so a second use
    /// finds nothing and fails with `invalid_grant`.
    refresh: HashMap<String, u64>,
    next_grant: u64,
}

impl AuthStore {
    pub(crate) fn add_code(&mut self, code: PendingCode) -> String {
        let value = random_token(30);
        self.codes.insert(value.clone(), code);
        value
    }

    /// A live code, left in place (the caller removes it once the exchange succeeds).
    /// Expired codes are dropped on sight.
    pub(crate) fn live_code(&mut self, code: &str, now: Instant) -> Option<PendingCode> {
        let found = self.codes.get(code)?.clone();
        if now >= found.expires_at {
            self.codes.remove(code);
            return None;
        }
        Some(found)
    }

    pub(crate) fn spend_code(&mut self, code: &str) {
        self.codes.remove(code);
    }

    /// Starts a grant from an exchanged code and issues its first token pair.
    pub(crate) fn open_grant(&mut self, code: &PendingCode, expires_at: Instant) -> TokenPair {
        self.next_grant += 1;
        let id = self.next_grant;
        self.grants.insert(
            id,
            Grant {
                user_id: code.user_id.clone(),
                scopes: code.scopes.clone(),
                created_at: SystemTime::now(),
            },
        );
        self.issue(id, expires_at)
    }

    /// Spends a refresh token and issues the next pair of the same grant.
    pub(crate) fn rotate(&mut self, refresh_token: &str, expires_at: Instant) -> Option<TokenPair> {
        let grant = self.refresh.remove(refresh_token)?;
        self.grants
            .contains_key(&grant)
            .then(|| self.issue(grant, expires_at))
    }

    /// Ends the grant behind an access or refresh token, with every token it has.
    /// Returns whether there was a grant to end.
    pub(crate) fn revoke(&mut self, token: &str) -> bool {
        let grant = self
            .access
            .get(token)
            .map(|a| a.grant)
            .or_else(|| self.refresh.get(token).copied());
        let Some(grant) = grant else { return false };
        self.grants.remove(&grant);
        self.access.retain(|_, a| a.grant != grant);
        self.refresh.retain(|_, g| *g != grant);
        true
    }

    /// What an access token grants, if it is known, unexpired and its grant still stands.
    pub(crate) fn check_access(&self, token: &str, now: Instant) -> Option<TokenInfo> {
        let access = self.access.get(token)?;
        if now >= access.expires_at {
            return None;
        }
        let grant = self.grants.get(&access.grant)?.clone();
        Some(TokenInfo {
            grant,
            expires_at: access.expires_at,
        })
    }

    /// Makes access tokens expire now (all, or one user's). Returns how many did.
    pub(crate) fn expire_access(&mut self, user: Option<&str>, now: Instant) -> usize {
        let grants = &self.grants;
        let mut count = 0;
        for token in self.access.values_mut() {
            let owner = grants.get(&token.grant).map(|g| g.user_id.as_str());
            if token.expires_at > now && (user.is_none() || owner == user) {
                token.expires_at = now;
                count += 1;
            }
        }
        count
    }

    /// The grants that still stand, for `GET /_emulator/grants`.
    pub(crate) fn grant_summaries(&self, now: Instant) -> Vec<serde_json::Value> {
        let mut ids: Vec<&u64> = self.grants.keys().collect();
        ids.sort();
        ids.into_iter()
            .map(|id| {
                let grant = &self.grants[id];
                let live = self
                    .access
                    .values()
                    .filter(|a| a.grant == *id && a.expires_at > now)
                    .count();
                serde_json::json!({
                    "grant": id,
                    "user_id": grant.user_id,
                    "scopes": grant.scopes,
                    "live_access_tokens": live,
                    "refresh_tokens": self.refresh.values().filter(|g| **g == *id).count(),
                    "created_at": super::api::rfc3339(grant.created_at),
                })
            })
            .collect()
    }

    fn issue(&mut self, grant: u64, expires_at: Instant) -> TokenPair {
        let access_token = random_token(30);
        let refresh_token = random_token(30);
        self.access
            .insert(access_token.clone(), AccessToken { grant, expires_at });
        self.refresh.insert(refresh_token.clone(), grant);
        TokenPair {
            access_token,
            refresh_token,
            scopes: self.grants[&grant].scopes.clone(),
        }
    }
}

/// An opaque random token of `len` letters and digits.
pub(crate) fn random_token(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}
