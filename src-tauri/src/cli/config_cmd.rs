//! `linkcord config get|set`.
//!
//! Settings are a plain file; the client secret is not a setting and goes to the keychain
//! through the vault, so it is never written to disk nor printed back. Nor is it ever taken
//! as an argument: `/proc/<pid>/cmdline` is readable by every local user and shells keep a
//! history, so it comes from standard input or a prompt.

use std::io::{IsTerminal, Read};

use linkcord_core::config::SettingsKey;
use linkcord_core::secret::ClientSecret;
use linkcord_core::vault::Vault;

use super::{ExitCode, Failure, context, output};

/// What to do instead of putting the secret on the command line.
const SECRET_HOW: &str = "run `linkcord config set client-secret` to be asked for it, or pipe it in: `linkcord config set client-secret - < file`";

pub fn get(key: &str) -> Result<(), Failure> {
    let key = parse_key(key)?;
    if key == SettingsKey::ClientSecret {
        return Err(Failure::new(
            ExitCode::Usage,
            "the client secret is never printed; `linkcord doctor` says whether one is stored",
        ));
    }
    let env = context::environment()?;
    let settings = context::settings(&env)?;
    output::line(settings.get(key).unwrap_or_default());
    Ok(())
}

pub async fn set(key: &str, value: Option<&str>) -> Result<(), Failure> {
    let key = parse_key(key)?;
    if key == SettingsKey::ClientSecret {
        let secret = secret_value(value)?;
        let env = context::environment()?;
        return set_secret(&env.keyring_service, secret).await;
    }
    let Some(value) = value else {
        return Err(Failure::new(
            ExitCode::Usage,
            "give the new value: `linkcord config set <key> <value>`",
        ));
    };
    let env = context::environment()?;
    let path = env.settings_path();
    let mut settings = context::settings(&env)?;
    settings.set(key, value)?;
    Ok(settings.save(&path)?)
}

/// The secret to store, asked for or read from stdin, and held as a `ClientSecret` from the
/// moment it is read; `None` removes the stored one (`''` is the one value the command line
/// may carry, since it gives nothing away).
fn secret_value(value: Option<&str>) -> Result<Option<ClientSecret>, Failure> {
    match value {
        Some("") => Ok(None),
        None | Some("-") => {
            let text = read_secret()?;
            let secret = ClientSecret::new(text.trim().to_owned());
            if secret.secret().is_empty() {
                return Err(Failure::new(
                    ExitCode::Usage,
                    "no client secret was read, so nothing changed; to remove the stored one, run `linkcord config set client-secret ''`",
                ));
            }
            Ok(Some(secret))
        }
        Some(_) => Err(Failure::new(
            ExitCode::Usage,
            format!(
                "the client secret is not accepted on the command line, where other programs and the shell history can read it; nothing was stored. Instead, {SECRET_HOW}"
            ),
        )),
    }
}

/// One line typed at a prompt (not echoed), or all of a redirected stdin.
fn read_secret() -> Result<String, Failure> {
    let failed = |e: std::io::Error| {
        Failure::new(
            ExitCode::Usage,
            format!("could not read the client secret: {e}"),
        )
    };
    let stdin = std::io::stdin();
    let mut text = String::new();
    if stdin.is_terminal() {
        eprint!("Client secret (not shown as you type): ");
        echo(false);
        let read = stdin.read_line(&mut text);
        echo(true);
        eprintln!();
        read.map_err(failed)?;
    } else {
        stdin.lock().read_to_string(&mut text).map_err(failed)?;
    }
    Ok(text)
}

/// Turns the terminal's echo off or back on, so a typed secret does not stay on the screen.
/// Best effort: without `stty` the secret is only shown, never stored anywhere.
#[cfg(unix)]
fn echo(on: bool) {
    let _ = std::process::Command::new("stty")
        .arg(if on { "echo" } else { "-echo" })
        .stdin(std::process::Stdio::inherit())
        .status();
}

#[cfg(not(unix))]
fn echo(_: bool) {}

/// Stores the client secret in the keychain, or with `None` removes it.
async fn set_secret(service: &str, secret: Option<ClientSecret>) -> Result<(), Failure> {
    let vault = Vault::open_platform(service).await?;
    let result = match &secret {
        None => vault.delete_client_secret().await,
        Some(secret) => vault.set_client_secret(secret).await,
    };
    result?;
    output::note(if secret.is_none() {
        "The client secret was removed from the keychain."
    } else {
        "The client secret is stored in the keychain."
    });
    Ok(())
}

fn parse_key(key: &str) -> Result<SettingsKey, Failure> {
    Ok(key.parse()?)
}
