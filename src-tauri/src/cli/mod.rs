//! The command line of DESIGN.md §3: argument parsing, the subcommands and their exit codes.
//!
//! Parsing happens before any window exists, so a bad argument or a malformed link gives a
//! clear message and a non-zero exit instead of a window that cannot do what was asked.

mod args;
mod config_cmd;
mod exit;

use clap::Parser;

pub use args::{Cli, Command};
pub use exit::ExitCode;

/// What the process should do.
pub enum Parsed {
    /// Start the desktop app, optionally handling a link once it is up.
    Gui { link: Option<String> },
    /// Run a subcommand and exit.
    Command(Command),
    /// Parsing already printed what to say (help, version or an error); exit with this code.
    Exit(i32),
}

/// Parses the process arguments.
pub fn parse() -> Parsed {
    parse_from(std::env::args_os())
}

fn parse_from<I, T>(args: I) -> Parsed
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return Parsed::Exit(if e.use_stderr() {
                ExitCode::Usage.code()
            } else {
                0
            });
        }
    };
    match cli.command {
        Some(command) => Parsed::Command(command),
        None => match cli.link {
            Some(link) => match check_link(&link) {
                Ok(()) => Parsed::Gui { link: Some(link) },
                Err(message) => {
                    eprintln!("linkcord: {message}");
                    Parsed::Exit(ExitCode::Usage.code())
                }
            },
            None => Parsed::Gui { link: None },
        },
    }
}

/// Refuses a link the app could never handle before starting a window for it. Callbacks for a
/// `discord-<id>:` scheme are checked against the client id later, in the running app.
fn check_link(link: &str) -> Result<(), String> {
    match linkcord_core::links::parse(link, None) {
        Ok(_) | Err(linkcord_core::links::LinkError::ForeignCallback) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

/// Runs a subcommand and returns the exit code.
pub fn run(command: Command) -> i32 {
    let result = match command {
        Command::Config(cmd) => config_cmd::run(cmd),
    };
    match result {
        Ok(()) => 0,
        Err(failure) => {
            eprintln!("linkcord: {}", failure.message);
            failure.code.code()
        }
    }
}

/// A failed subcommand: what to tell the user and which exit code says it.
pub struct Failure {
    pub code: ExitCode,
    pub message: String,
}

impl Failure {
    pub fn new(code: ExitCode, message: impl std::fmt::Display) -> Self {
        Self {
            code,
            message: message.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exit_code(args: &[&str]) -> Option<i32> {
        match parse_from(args) {
            Parsed::Exit(code) => Some(code),
            _ => None,
        }
    }

    #[test]
    fn no_argument_starts_the_gui() {
        assert!(matches!(
            parse_from(["linkcord"]),
            Parsed::Gui { link: None }
        ));
    }

    #[test]
    fn a_valid_link_starts_the_gui_with_it() {
        assert!(matches!(
            parse_from(["linkcord", "linkcord://switch/42"]),
            Parsed::Gui { link: Some(_) }
        ));
    }

    #[test]
    fn unknown_arguments_and_bad_links_are_usage_errors() {
        assert_eq!(exit_code(&["linkcord", "--frobnicate"]), Some(2));
        assert_eq!(exit_code(&["linkcord", "linkcord://explode"]), Some(2));
        assert_eq!(exit_code(&["linkcord", "https://example.com"]), Some(2));
        assert_eq!(exit_code(&["linkcord", "--version"]), Some(0));
    }
}
