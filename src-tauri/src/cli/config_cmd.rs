//! `linkcord config get|set`.
//!
//! Settings are a plain file; the client secret is not a setting and goes to the keychain
//! through the vault, so it is never written to disk nor printed back.

use std::io::Read;

use linkcord_core::config::SettingsKey;
use linkcord_core::secret::ClientSecret;
use linkcord_core::vault::Vault;

use super::{ExitCode, Failure, context};

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
    println!("{}", settings.get(key).unwrap_or_default());
    Ok(())
}

pub async fn set(key: &str, value: &str) -> Result<(), Failure> {
    let key = parse_key(key)?;
    let env = context::environment()?;
    if key == SettingsKey::ClientSecret {
        return set_secret(&env.keyring_service, value).await;
    }
    let path = env.settings_path();
    let mut settings = context::settings(&env)?;
    settings
        .set(key, value)
        .map_err(|e| Failure::new(ExitCode::Usage, e))?;
    settings
        .save(&path)
        .map_err(|e| Failure::new(ExitCode::Other, e))
}

/// Stores (or with an empty value removes) the client secret in the keychain. `-` reads it
/// from stdin so it stays out of the shell history and the process list.
async fn set_secret(service: &str, value: &str) -> Result<(), Failure> {
    let value = if value == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::new(ExitCode::Usage, format!("could not read stdin: {e}")))?;
        text
    } else {
        value.to_owned()
    };
    let value = value.trim();
    let vault = Vault::open_platform(service)
        .await
        .map_err(|e| Failure::new(ExitCode::Keychain, e))?;
    let result = if value.is_empty() {
        vault.delete_client_secret().await
    } else {
        vault
            .set_client_secret(&ClientSecret::new(value.to_owned()))
            .await
    };
    result.map_err(|e| Failure::new(ExitCode::Keychain, e))?;
    eprintln!(
        "{}",
        if value.is_empty() {
            "The client secret was removed from the keychain."
        } else {
            "The client secret is stored in the keychain."
        }
    );
    Ok(())
}

fn parse_key(key: &str) -> Result<SettingsKey, Failure> {
    key.parse().map_err(|e| Failure::new(ExitCode::Usage, e))
}
