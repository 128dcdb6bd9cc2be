//! Opening what a command needs: the environment, the saved settings and a session on the
//! keychain. Kept in one place so every command fails the same way when one is missing.

use linkcord_core::config::{Environment, Settings};
use linkcord_core::session::Session;

use super::{ExitCode, Failure};

/// The environment (`LINKCORD_*` variables); a bad value is a usage error.
pub fn environment() -> Result<Environment, Failure> {
    Environment::from_env().map_err(|e| Failure::new(ExitCode::Usage, e))
}

/// The saved settings; a damaged file was already kept aside by `Settings::load`.
pub fn settings(env: &Environment) -> Result<Settings, Failure> {
    Settings::load(&env.settings_path()).map_err(|e| Failure::new(ExitCode::Other, e))
}

/// A session on the OS keychain. No keychain is exit 4 with the core's advice: there is no
/// plaintext fallback.
pub async fn session() -> Result<Session, Failure> {
    let env = environment()?;
    let settings = settings(&env)?;
    Ok(Session::open(env, settings).await?)
}
