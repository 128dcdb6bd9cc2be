//! The Linkcord shell: the `linkcord` command, which is both the command line and the way to
//! open the desktop app.
//!
//! Two executables share this library. `linkcord` runs a subcommand itself and, with none,
//! replaces itself with `linkcord-app` beside it ([`launch`]); `linkcord-app` is the window and
//! the tray ([`gui`]). The split exists for speed: only `linkcord-app` references the GUI, so
//! only it loads the ~170 GTK/WebKit libraries, and `linkcord token` starts in milliseconds
//! instead of ~60 ms. Everything that is not glue lives in `linkcord-core`, so both share the
//! same rules about tokens and storage.

mod cli;
mod exit;
mod gui;
mod launch;
mod loader;
pub mod models;

/// `linkcord`: runs a subcommand, or hands over to the app. Never touches the GUI code, so
/// the linker leaves the GUI libraries out of this executable.
pub fn run_command_line() -> i32 {
    hide_client_secret();
    // Before anything is printed: a completion request writes only the candidates, then exits.
    cli::answer_completion_request();
    init_logging();
    match cli::parse() {
        cli::Parsed::Gui { .. } => launch::app(),
        cli::Parsed::Command(command) => cli::run(command),
        cli::Parsed::Exit(code) => code,
    }
}

/// `linkcord-app`: the window and the tray. It takes the same arguments as `linkcord` (a link,
/// `--hidden`, or a subcommand, which it runs like `linkcord` would).
pub fn run_app() -> i32 {
    // SAFETY: the first call of the app's `main`, before logging, a runtime or Tauri have
    // started a thread.
    unsafe { loader::settle() };
    hide_client_secret();
    init_logging();
    match cli::parse() {
        cli::Parsed::Gui { link, hidden } => gui::run(link, hidden),
        cli::Parsed::Command(command) => cli::run(command),
        cli::Parsed::Exit(code) => code,
    }
}

/// Keeps `LINKCORD_CLIENT_SECRET` from every process Linkcord starts (the browser, above all).
fn hide_client_secret() {
    // SAFETY: the first call of both `main`s, before logging, a runtime or Tauri have started
    // a thread.
    unsafe { linkcord_core::config::Environment::take_client_secret() };
}

/// Logs go to stderr, filtered by `RUST_LOG` (default: warnings). Nothing Linkcord logs holds
/// a token: secrets are in types that print as `[redacted]`.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"))
        // The deep-link plugin logs every link it receives at WARN, and a sign-in's callback
        // link carries the authorization code: keep it out of the log whatever RUST_LOG says.
        .add_directive(
            "tauri_plugin_deep_link=error"
                .parse()
                .expect("a valid log directive"),
        );
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
