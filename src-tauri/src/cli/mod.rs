//! The command line the README documents: argument parsing, the subcommands and their exit
//! codes.
//!
//! Parsing happens before any window exists, so a bad argument or a malformed link gives a
//! clear message and a non-zero exit instead of a window that cannot do what was asked.

mod accounts;
mod args;
mod changes;
mod complete;
mod config_cmd;
mod context;
mod doctor;
mod login;
mod logout;
mod output;
mod refresh;
mod show;
mod table;
mod token;

use clap::Parser;

use crate::exit::ExitCode;

pub use args::{Cli, Command};
pub use complete::answer_completion_request;

/// What the process should do.
pub enum Parsed {
    /// Start the desktop app, optionally handling a link once it is up, optionally in the
    /// tray only.
    Gui { link: Option<String>, hidden: bool },
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
        // A link and `--hidden` are for the app, which a command does not start.
        Some(_) if cli.link.is_some() || cli.hidden => {
            eprintln!("linkcord: a link or --hidden cannot be given with a command");
            Parsed::Exit(ExitCode::Usage.code())
        }
        Some(command) => {
            output::configure(cli.quiet, cli.color);
            Parsed::Command(command)
        }
        None => match cli.link {
            Some(link) => match check_link(&link) {
                Ok(()) => Parsed::Gui {
                    link: Some(link),
                    hidden: cli.hidden,
                },
                Err(message) => {
                    eprintln!("linkcord: {message}");
                    Parsed::Exit(ExitCode::Usage.code())
                }
            },
            None => Parsed::Gui {
                link: None,
                hidden: cli.hidden,
            },
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
    let json = command.wants_json();
    let result = match command {
        // Settings are plain files: no runtime, no keychain, no network.
        Command::Config(args::ConfigCommand::Get { key }) => config_cmd::get(&key),
        Command::Completions { shell } => complete::script(shell),
        Command::Man { dir } => complete::man_page(dir.as_deref()),
        command => runtime().and_then(|rt| rt.block_on(dispatch(command))),
    };
    match result {
        // The result was not all written (a full disk): a script must not take it as whole.
        Ok(()) if output::stdout_failed() => ExitCode::Other.code(),
        Ok(()) => 0,
        Err(failure) => {
            eprintln!("linkcord: {}", failure.message);
            if json {
                output::error_json(&failure);
            }
            failure.code.code()
        }
    }
}

/// One thread is plenty for a command: the waits are on the network and the keychain.
fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(ExitCode::Other, format!("could not start: {e}")))
}

async fn dispatch(command: Command) -> Result<(), Failure> {
    match command {
        Command::Login(args) => login::run(args).await,
        Command::Accounts { json } => accounts::list(json).await,
        Command::Switch { account } => accounts::switch(&account).await,
        Command::Token { account } => token::run(account.as_deref()).await,
        Command::Profile(args) => show::run(show::What::Profile, args).await,
        Command::Connections(args) => show::run(show::What::Connections, args).await,
        Command::Guilds(args) => show::run(show::What::Guilds, args).await,
        Command::Refresh(args) => refresh::run(args).await,
        Command::Changes(args) => changes::run(args).await,
        Command::Logout(args) => logout::run(args).await,
        Command::Config(args::ConfigCommand::Set { key, value }) => {
            config_cmd::set(&key, value.as_deref()).await
        }
        Command::Config(args::ConfigCommand::Get { key }) => config_cmd::get(&key),
        Command::Doctor => doctor::run().await,
        Command::Completions { shell } => complete::script(shell),
        Command::Man { dir } => complete::man_page(dir.as_deref()),
    }
}

/// A failed subcommand: what to tell the user and which exit code says it.
#[derive(Debug)]
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

/// The core's errors already say what to do, and their class gives the exit code; none holds
/// a token.
impl From<linkcord_core::session::SessionError> for Failure {
    fn from(error: linkcord_core::session::SessionError) -> Self {
        Self::new(error.class().into(), error)
    }
}

/// Settings and environment errors, the same way.
impl From<linkcord_core::config::ConfigError> for Failure {
    fn from(error: linkcord_core::config::ConfigError) -> Self {
        Self::new(error.class().into(), error)
    }
}

/// Keychain errors, the same way.
impl From<linkcord_core::vault::VaultError> for Failure {
    fn from(error: linkcord_core::vault::VaultError) -> Self {
        linkcord_core::session::SessionError::from(error).into()
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
            Parsed::Gui { link: None, .. }
        ));
    }

    #[test]
    fn hidden_starts_in_the_tray_only() {
        assert!(matches!(
            parse_from(["linkcord", "--hidden"]),
            Parsed::Gui {
                link: None,
                hidden: true
            }
        ));
        assert!(matches!(
            parse_from(["linkcord"]),
            Parsed::Gui { hidden: false, .. }
        ));
    }

    #[test]
    fn a_valid_link_starts_the_gui_with_it() {
        assert!(matches!(
            parse_from(["linkcord", "linkcord://switch/42"]),
            Parsed::Gui { link: Some(_), .. }
        ));
    }

    #[test]
    fn unknown_arguments_and_bad_links_are_usage_errors() {
        assert_eq!(exit_code(&["linkcord", "--frobnicate"]), Some(2));
        assert_eq!(exit_code(&["linkcord", "linkcord://explode"]), Some(2));
        assert_eq!(exit_code(&["linkcord", "https://example.com"]), Some(2));
        assert_eq!(exit_code(&["linkcord", "--version"]), Some(0));
    }

    fn command(args: &[&str]) -> Command {
        match parse_from(args) {
            Parsed::Command(command) => command,
            _ => panic!("{args:?} should parse to a command"),
        }
    }

    #[test]
    fn json_errors_follow_the_json_flag() {
        assert!(command(&["linkcord", "accounts", "--json"]).wants_json());
        assert!(command(&["linkcord", "guilds", "--json", "-a", "ava"]).wants_json());
        assert!(command(&["linkcord", "login", "--json", "--scope", "identify"]).wants_json());
        assert!(!command(&["linkcord", "token"]).wants_json());
        assert!(!command(&["linkcord", "profile"]).wants_json());
    }

    #[test]
    fn quiet_and_color_go_before_or_after_the_command() {
        assert!(matches!(
            command(&["linkcord", "-q", "token"]),
            Command::Token { .. }
        ));
        assert!(matches!(
            command(&["linkcord", "accounts", "--quiet", "--color", "never"]),
            Command::Accounts { json: false }
        ));
        assert_eq!(
            exit_code(&["linkcord", "--color", "sometimes", "accounts"]),
            Some(2)
        );
    }

    #[test]
    fn a_link_or_hidden_with_a_command_is_a_usage_error() {
        assert_eq!(exit_code(&["linkcord", "--hidden", "accounts"]), Some(2));
        assert_eq!(
            exit_code(&["linkcord", "linkcord://login", "token"]),
            Some(2)
        );
    }

    #[test]
    fn logout_account_and_all_exclude_each_other() {
        assert_eq!(
            exit_code(&["linkcord", "logout", "--all", "-a", "x"]),
            Some(2)
        );
        assert!(matches!(
            command(&["linkcord", "logout", "--all", "--local"]),
            Command::Logout(args::LogoutArgs {
                which: args::WhichAccounts { all: true, .. },
                local: true,
            })
        ));
    }
}
