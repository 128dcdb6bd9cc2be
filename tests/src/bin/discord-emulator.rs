//! `discord-emulator`: serves the Discord emulator on 127.0.0.1 until killed.
//!
//! Its first stdout line is `DISCORD_EMULATOR_URL=http://127.0.0.1:<port>`, flushed at once,
//! so a script or test can start it with `--port 0` and read where it landed. SIGINT and
//! SIGTERM stop it cleanly. Logs go to stderr (`RUST_LOG` sets the level) and never
//! contain tokens.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use linkcord_tests::emulator::{
    DEFAULT_CLIENT_ID, Emulator, EmulatorConfig, RateLimitConfig, default_redirect_uris,
};

/// A stand-in for discord.com and its CDN, for tests, benchmarks and trying Linkcord
/// without a Discord application. See tests/EMULATOR.md.
#[derive(Debug, Parser)]
#[command(name = "discord-emulator", version)]
struct Args {
    /// Port on 127.0.0.1 (it never listens anywhere else); 0 picks a free port.
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// The registered application id.
    #[arg(long, default_value = DEFAULT_CLIENT_ID)]
    client_id: String,

    /// The application's secret. Without one the application is a public client: no secret
    /// is accepted, and the code exchange needs PKCE.
    #[arg(long)]
    client_secret: Option<String>,

    /// A registered redirect URI (repeatable; replaces the defaults). Defaults:
    /// http://127.0.0.1/callback (any port), http://127.0.0.1:53134/callback and
    /// discord-<client id>:/authorize/callback.
    #[arg(long = "redirect-uri", value_name = "URI")]
    redirect_uris: Vec<String>,

    /// A JSON file of fixture users (format of tests/fixtures/users.json). Default: the
    /// built-in users.
    #[arg(long, value_name = "FILE")]
    users: Option<PathBuf>,

    /// Lifetime of access tokens, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 604_800)]
    token_ttl: u64,

    /// Lifetime of authorization codes, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    code_ttl: u64,

    /// Delay added to every Discord and CDN request, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 0)]
    latency_ms: u64,

    /// Requests allowed per token and route in one rate-limit window.
    #[arg(long, value_name = "N", default_value_t = 50)]
    rate_limit: u32,

    /// Length of the rate-limit window, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    rate_window_ms: u64,
}

impl Args {
    fn into_config(self) -> Result<EmulatorConfig, String> {
        let redirect_uris = if self.redirect_uris.is_empty() {
            default_redirect_uris(&self.client_id)
        } else {
            self.redirect_uris
        };
        let mut config = EmulatorConfig {
            port: self.port,
            client_id: self.client_id,
            client_secret: self.client_secret,
            redirect_uris,
            token_ttl: Duration::from_secs(self.token_ttl),
            code_ttl: Duration::from_secs(self.code_ttl),
            latency: Duration::from_millis(self.latency_ms),
            rate_limit: RateLimitConfig {
                limit: self.rate_limit,
                window: Duration::from_millis(self.rate_window_ms),
            },
            ..EmulatorConfig::default()
        };
        if let Some(path) = &self.users {
            config = config.with_users_file(path).map_err(|e| e.to_string())?;
        }
        Ok(config)
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let config = match Args::parse().into_config() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("discord-emulator: {message}");
            return ExitCode::from(2);
        }
    };
    let running = match Emulator::start(config).await {
        Ok(running) => running,
        Err(e) => {
            eprintln!("discord-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    let announced = writeln!(stdout, "DISCORD_EMULATOR_URL={}", running.base_url())
        .and_then(|()| stdout.flush());
    drop(stdout);
    if announced.is_err() {
        return ExitCode::FAILURE;
    }
    eprintln!(
        "discord-emulator: serving {} (client id {}); stop with Ctrl-C or SIGTERM",
        running.base_url(),
        running.client_id()
    );
    wait_for_signal().await;
    match running.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("discord-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Returns on SIGINT or (on Unix) SIGTERM.
async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
