use clap::{Args, ColorChoice, Parser, Subcommand, ValueEnum};
use clap_complete::ArgValueCandidates;

use super::complete::accounts as account_candidates;

/// Linkcord: your Discord accounts, their linked accounts and servers, with tokens kept in the
/// system keychain. Run without a command to open the app.
#[derive(Debug, Parser)]
#[command(name = "linkcord", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// A link to open in the app: linkcord://login or linkcord://switch/<account id>.
    #[arg(value_name = "LINK")]
    pub link: Option<String>,

    /// Start in the tray without showing the window (used when starting at login).
    #[arg(long)]
    pub hidden: bool,

    /// Print only what was asked for (the table, the token, the JSON) and errors: no progress,
    /// notes or confirmations on stderr. Warnings are still printed.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,

    /// Colours: `auto` (the default) only on a terminal and never with NO_COLOR set.
    #[arg(long, value_name = "WHEN", global = true, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign in to a Discord account in the browser and add it (or update it).
    Login(LoginArgs),
    /// List the signed-in accounts; the active one is marked with `*`.
    Accounts {
        /// Print JSON (see the README for the shape).
        #[arg(long)]
        json: bool,
    },
    /// Make another signed-in account the active one.
    Switch {
        /// The account's user id or username.
        #[arg(value_name = "USER-ID | USERNAME", add = ArgValueCandidates::new(account_candidates))]
        account: String,
    },
    /// Print a valid access token for scripts, refreshed first if needed. The only command
    /// that ever prints a token.
    Token {
        /// The account (user id or username); default: the active one.
        #[arg(long, short = 'a', add = ArgValueCandidates::new(account_candidates))]
        account: Option<String>,
    },
    /// Show the Discord profile.
    Profile(ShowArgs),
    /// Show the accounts linked to the Discord account (YouTube, Twitch, Steam, …).
    Connections(ShowArgs),
    /// Show the servers the Discord account is in.
    Guilds(ShowArgs),
    /// Fetch accounts from Discord now and record what changed since the last time.
    Refresh(RefreshArgs),
    /// Show what changed about the accounts (linked accounts, servers, profile, sign-in), newest
    /// first, as refreshes recorded it.
    Changes(ChangesArgs),
    /// Sign out: revoke Linkcord's access at Discord, then delete the tokens from the keychain.
    Logout(LogoutArgs),
    /// Read or change a setting: client-id, client-secret (set only), redirect, port, scopes,
    /// language, refresh-minutes (0 = off), notify-sign-in, notify-revoked (on/off).
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Check what signing in needs: the keychain, the client id, the redirect URI to register,
    /// deep-link registration and whether Discord can be reached.
    Doctor,
    /// Print the script that lets a shell complete Linkcord's commands, options and account
    /// names, e.g. `source <(linkcord completions bash)` in ~/.bashrc. The .deb installs them.
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the manual page (roff), or with --dir write it and one page per command there,
    /// as the .deb installs them.
    #[command(hide = true)]
    Man {
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
}

/// The shells `linkcord completions` writes a script for.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// How Discord sends the browser back: `loopback` (a listener on 127.0.0.1) or
    /// `deep-link`; default: the `redirect` setting.
    #[arg(long, value_name = "loopback|deep-link")]
    pub redirect: Option<String>,
    /// The loopback port (0: any free port); default: the `port` setting.
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// A scope to ask for (repeat for several); default: the `scopes` setting.
    #[arg(long = "scope", value_name = "S")]
    pub scopes: Vec<String>,
    /// Print JSON (see the README for the shape).
    #[arg(long)]
    pub json: bool,
    /// Give up after this many seconds without an answer from the browser (default 300).
    #[arg(long, value_name = "SECONDS", hide = true)]
    pub timeout: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The account (user id or username); default: the active one.
    #[arg(long, short = 'a', add = ArgValueCandidates::new(account_candidates))]
    pub account: Option<String>,
    /// Print JSON (see the README for the shape).
    #[arg(long)]
    pub json: bool,
}

/// Which accounts a command acts on: one (by id or username, the active one by default) or
/// all of them. Shared by `refresh` and `logout` so both read the same way.
#[derive(Debug, Args)]
pub struct WhichAccounts {
    /// The account (user id or username); default: the active one.
    #[arg(
        long,
        short = 'a',
        conflicts_with = "all",
        add = ArgValueCandidates::new(account_candidates)
    )]
    pub account: Option<String>,
    /// Every signed-in account.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct RefreshArgs {
    #[command(flatten)]
    pub which: WhichAccounts,
}

#[derive(Debug, Args)]
pub struct ChangesArgs {
    /// Only this account (user id or username); default: every account.
    #[arg(long, short = 'a', add = ArgValueCandidates::new(account_candidates))]
    pub account: Option<String>,
    /// Only changes since then: an RFC 3339 time or a duration back from now (30m, 2h, 7d).
    #[arg(long, value_name = "TIME")]
    pub since: Option<super::changes::Since>,
    /// Print JSON (see the README for the shape).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    #[command(flatten)]
    pub which: WhichAccounts,
    /// Only remove the account from this computer, without telling Discord (for when Discord
    /// cannot be reached). Linkcord then stays authorised in Discord's settings.
    #[arg(long)]
    pub local: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a setting's value (never the client secret).
    Get { key: String },
    /// Change a setting. The client secret is never taken from the command line, where other
    /// programs and the shell history would see it: leave VALUE out to be asked for it, or
    /// give `-` to read it from standard input; an empty value ('') removes it.
    Set { key: String, value: Option<String> },
}

impl Command {
    /// Whether the user asked for JSON, so errors are printed as JSON too.
    pub fn wants_json(&self) -> bool {
        match self {
            Self::Login(args) => args.json,
            Self::Accounts { json } => *json,
            Self::Changes(args) => args.json,
            Self::Profile(args) | Self::Connections(args) | Self::Guilds(args) => args.json,
            _ => false,
        }
    }
}
