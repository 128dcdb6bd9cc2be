use clap::{Parser, Subcommand};

/// Linkcord: your Discord accounts, their linked accounts and servers, with tokens kept in the
/// system keychain. Run without a command to open the app.
#[derive(Debug, Parser)]
#[command(name = "linkcord", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// A link to open in the app: linkcord://login or linkcord://switch/<account id>.
    #[arg(value_name = "LINK")]
    pub link: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read or change a setting: client-id, redirect, port, scopes, language.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a setting's value.
    Get { key: String },
    /// Change a setting.
    Set { key: String, value: String },
}
