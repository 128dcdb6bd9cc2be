//! The Linkcord shell: one binary that is both the desktop app and the command line.
//!
//! With no subcommand it starts the window and the tray ([`gui`]); with one it runs it and
//! exits ([`cli`]). Everything that is not glue lives in `linkcord-core`, so both faces share
//! the same rules about tokens and storage.

mod cli;
mod gui;
pub mod models;

/// Runs Linkcord with the process arguments and returns the exit code.
pub fn run() -> i32 {
    init_logging();
    match cli::parse() {
        cli::Parsed::Gui { link, hidden } => gui::run(link, hidden),
        cli::Parsed::Command(command) => cli::run(command),
        cli::Parsed::Exit(code) => code,
    }
}

/// Logs go to stderr, filtered by `RUST_LOG` (default: warnings). Nothing Linkcord logs holds
/// a token: secrets are in types that print as `[redacted]`.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
