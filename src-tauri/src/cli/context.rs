//! Opening what a command needs: the environment, the saved settings and a session on the
//! keychain. Kept in one place so every command fails the same way when one is missing.

use linkcord_core::config::{Environment, Settings};
use linkcord_core::session::Session;

use super::Failure;

/// The environment (`LINKCORD_*` variables); a bad value is a usage error.
pub fn environment() -> Result<Environment, Failure> {
    Ok(Environment::from_env()?)
}

/// The saved settings; a damaged file was already kept aside by `Settings::load`.
pub fn settings(env: &Environment) -> Result<Settings, Failure> {
    Ok(Settings::load(&env.settings_path())?)
}

/// A session on the OS keychain. No keychain is exit 4 with the core's advice: there is no
/// plaintext fallback.
pub async fn session() -> Result<Session, Failure> {
    let env = environment()?;
    let settings = settings(&env)?;
    Ok(Session::open(env, settings).await?)
}

/// How long a command waits, before it exits, for the keychain to take a refreshed pair it
/// refused at first. Discord has already spent the old refresh token: if the new one is not
/// stored it ends with the process, and the account needs signing in again.
const KEEP_TOKENS_PATIENCE: std::time::Duration = std::time::Duration::from_secs(15);

/// Called by the commands that may refresh a token, once their work is done.
pub async fn finish(session: &Session) {
    for account in session.store_kept_tokens(KEEP_TOKENS_PATIENCE).await {
        eprintln!(
            "linkcord: the keychain did not take the refreshed tokens of account {account}; \
             once the current one expires it will need `linkcord login` again"
        );
    }
}
