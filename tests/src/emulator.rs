//! A faithful stand-in for the parts of Discord that Linkcord uses (see `tests/EMULATOR.md`).
//!
//! Tests, benchmarks and people trying the app without a Discord application all need a
//! Discord that behaves like the real one, including its refusals: exact redirect matching,
//! PKCE, single-use codes, rotating refresh tokens, scopes, rate limits and error shapes. This
//! module serves all of that from one loopback address, plus the CDN under `/cdn` and a small
//! control surface under `/_emulator/` for injecting faults and reading counters.
//!
//! Start it in process with [`Emulator::start`]; the `discord-emulator` binary wraps the same
//! call. See `tests/EMULATOR.md` for the fixture users and the control endpoints.

// Handlers refuse a request by returning the finished HTTP reply (`Result<_, Response>`);
// boxing it would only add noise, and nothing here is hot enough for its size to matter.
#![allow(
    clippy::result_large_err,
    reason = "the error of a handler step is its HTTP reply"
)]

mod api;
mod authorize;
mod cdn;
mod clock;
mod config;
mod control;
mod control_users;
mod faults;
mod fixtures;
mod images;
mod oauth;
mod pkce;
mod ratelimit;
mod replies;
mod server;
mod state;

use std::net::SocketAddr;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::{DEFAULT_CLIENT_ID, EmulatorConfig, RateLimitConfig, default_redirect_uris};
pub use faults::{FaultKind, FaultSpec};
pub use fixtures::{Connection, EditError, FixtureUser, Fixtures, Guild, ids};
pub use pkce::{challenge_for, new_verifier};

/// Everything that can go wrong while setting the emulator up. Request handling never fails
/// with this type: bad requests get Discord's own error bodies instead.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error("could not read fixture file {path}: {source}")]
    ReadFixtures {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("fixture users are not valid: {0}")]
    BadFixtures(String),
    #[error("configuration is not valid: {0}")]
    BadConfig(String),
    #[error("could not listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("the server stopped with an error: {0}")]
    Serve(std::io::Error),
}

/// Entry point: `Emulator::start(config)`.
pub struct Emulator;

impl Emulator {
    /// Binds `127.0.0.1:<config.port>` (0 picks a free port) and serves in the background
    /// until the returned handle is shut down or dropped.
    pub async fn start(config: EmulatorConfig) -> Result<RunningEmulator, EmulatorError> {
        config.validate()?;
        let port = config.port;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|source| EmulatorError::Bind { port, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind { port, source })?;
        let (stop_tx, stop_rx) = watch::channel(false);
        let state = state::AppState::new(config, addr, stop_rx.clone());
        let router = server::router(state.clone());
        let task = tokio::spawn(server::serve(listener, router, stop_rx));
        Ok(RunningEmulator {
            addr,
            state,
            stop: stop_tx,
            task: Some(task),
        })
    }
}

/// A serving emulator. Dropping it asks the server to stop; [`RunningEmulator::shutdown`]
/// also waits until it has.
pub struct RunningEmulator {
    addr: SocketAddr,
    state: state::AppState,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<Result<(), EmulatorError>>>,
}

impl RunningEmulator {
    /// The socket the server listens on (always on 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`: the value for `LINKCORD_DISCORD_URL`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `<base>/cdn`: the value for `LINKCORD_CDN_URL`.
    pub fn cdn_url(&self) -> String {
        format!("{}/cdn", self.base_url())
    }

    /// `<base>/api/v10`, where the REST API lives.
    pub fn api_url(&self) -> String {
        format!("{}/api/v10", self.base_url())
    }

    /// The client id the emulator accepts.
    pub fn client_id(&self) -> &str {
        &self.state.config.client_id
    }

    /// The fixture users as it started with them (the control endpoints may have changed
    /// them since: see [`RunningEmulator::current_fixtures`]).
    pub fn fixtures(&self) -> &Fixtures {
        &self.state.config.fixtures
    }

    /// The fixture users as they are now, after any change made through the control endpoints.
    pub fn current_fixtures(&self) -> Fixtures {
        self.state.fixtures().clone()
    }

    /// Stops accepting connections, lets open requests finish (hung ones are released) and
    /// waits for the server task.
    pub async fn shutdown(mut self) -> Result<(), EmulatorError> {
        let _ = self.stop.send(true);
        match self.task.take() {
            Some(task) => task.await.unwrap_or(Ok(())),
            None => Ok(()),
        }
    }
}

impl std::fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("addr", &self.addr)
            .field("client_id", &self.client_id())
            .finish_non_exhaustive()
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        // The task finishes on its own once told; nobody needs to wait for it here.
        let _ = self.stop.send(true);
    }
}
