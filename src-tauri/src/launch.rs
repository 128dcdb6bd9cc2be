//! Handing over from `linkcord` to `linkcord-app`, the executable that holds the window.
//!
//! The app is looked up beside the running `linkcord` (both are built and installed together)
//! and started with the same arguments. On Unix it replaces this process (`exec`), so the
//! process id, the environment and the exit code stay the app's, as if `linkcord` were the app.
//! The one variable `linkcord` took out of its environment at start, the client secret, is
//! handed to the app alone, which takes it out of its own in turn. The app also gets the
//! loader's search order (`loader.rs`), which shortens its start by ~50 ms here.

use std::path::PathBuf;
use std::process::Command;

use linkcord_core::config::{CLIENT_SECRET_VAR, Environment};

use crate::exit::ExitCode;

/// The app's file name beside `linkcord`.
const APP: &str = if cfg!(windows) {
    "linkcord-app.exe"
} else {
    "linkcord-app"
};

/// Starts the app with this process's arguments; returns only if that failed (or, off Unix,
/// when the app exits).
pub fn app() -> i32 {
    let app = match app_path() {
        Ok(path) => path,
        Err(message) => {
            eprintln!("linkcord: {message}");
            return ExitCode::Other.code();
        }
    };
    let mut command = Command::new(&app);
    command.args(std::env::args_os().skip(1));
    if let Some(secret) = Environment::process_client_secret() {
        command.env(CLIENT_SECRET_VAR, secret.secret());
    }
    crate::loader::preload_for_app(&mut command);
    run(command, &app)
}

fn app_path() -> Result<PathBuf, String> {
    let me = std::env::current_exe().map_err(|e| format!("cannot find where linkcord is: {e}"))?;
    let app = me.with_file_name(APP);
    if app.is_file() {
        Ok(app)
    } else {
        Err(format!(
            "the desktop app ({}) is missing; reinstall Linkcord (or run `cargo build -p linkcord`)",
            app.display()
        ))
    }
}

#[cfg(unix)]
fn run(mut command: Command, app: &std::path::Path) -> i32 {
    use std::os::unix::process::CommandExt;
    let error = command.exec();
    eprintln!("linkcord: could not start {}: {error}", app.display());
    ExitCode::Other.code()
}

#[cfg(not(unix))]
fn run(mut command: Command, app: &std::path::Path) -> i32 {
    match command.status() {
        Ok(status) => status.code().unwrap_or(ExitCode::Other.code()),
        Err(error) => {
            eprintln!("linkcord: could not start {}: {error}", app.display());
            ExitCode::Other.code()
        }
    }
}
