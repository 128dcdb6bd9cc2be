use std::path::PathBuf;
use std::sync::OnceLock;

use super::{ConfigError, Endpoints};
use crate::secret::ClientSecret;

/// The variable that may hold the client secret.
pub const CLIENT_SECRET_VAR: &str = "LINKCORD_CLIENT_SECRET";

/// The client secret [`Environment::take_client_secret`] took out of the process environment.
static TAKEN_SECRET: OnceLock<Option<String>> = OnceLock::new();

/// The application identifier: the Tauri bundle id, the default keychain service name and the
/// name of the default data directory.
pub const APP_IDENTIFIER: &str = "app.linkcord.desktop";

/// What the `LINKCORD_*` environment variables say, read once at start-up.
#[derive(Clone)]
pub struct Environment {
    pub endpoints: Endpoints,
    pub data_dir: PathBuf,
    pub keyring_service: String,
    /// A command given the authorize URL as its one argument, instead of the system browser.
    pub browser: Option<String>,
    /// Overrides the saved client id.
    pub client_id: Option<String>,
    /// Overrides the client secret kept in the keychain. Never printed.
    client_secret: Option<ClientSecret>,
}

impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Environment")
            .field("endpoints", &self.endpoints)
            .field("data_dir", &self.data_dir)
            .field("keyring_service", &self.keyring_service)
            .field("browser", &self.browser)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

impl Environment {
    /// Reads the process environment (the client secret from where
    /// [`Environment::take_client_secret`] put it, if it ran).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| match name {
            CLIENT_SECRET_VAR => Self::process_client_secret().map(|s| s.secret().clone()),
            _ => std::env::var(name).ok(),
        })
    }

    /// Moves `LINKCORD_CLIENT_SECRET` out of the process environment into memory, so no child
    /// process (the browser, `xdg-open`, WebKit's helpers) inherits it; [`Environment::from_env`]
    /// still sees it. Runs once; later calls do nothing.
    ///
    /// # Safety
    ///
    /// No other thread may be running (call it first thing in `main`): changing the
    /// environment while another thread reads it is undefined behaviour.
    pub unsafe fn take_client_secret() {
        TAKEN_SECRET.get_or_init(|| {
            let value = std::env::var(CLIENT_SECRET_VAR).ok();
            // SAFETY: the caller guarantees this process has a single thread.
            unsafe { std::env::remove_var(CLIENT_SECRET_VAR) };
            value
        });
    }

    /// The secret the process was started with: taken, or still in the environment.
    pub fn process_client_secret() -> Option<ClientSecret> {
        let text = match TAKEN_SECRET.get() {
            Some(taken) => taken.clone(),
            None => std::env::var(CLIENT_SECRET_VAR).ok(),
        };
        text.map(ClientSecret::new)
    }

    /// Reads variables through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let defaults = Endpoints::default();
        let endpoints = Endpoints::new(
            &get("LINKCORD_DISCORD_URL").unwrap_or_else(|| defaults.discord_base().to_string()),
            &get("LINKCORD_CDN_URL").unwrap_or_else(|| defaults.cdn_base().to_string()),
        )?;
        let data_dir = match get("LINKCORD_DATA_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => dirs::data_dir()
                .ok_or(ConfigError::NoDataDir)?
                .join(APP_IDENTIFIER),
        };
        Ok(Self {
            endpoints,
            data_dir,
            keyring_service: get("LINKCORD_KEYRING_SERVICE")
                .unwrap_or_else(|| APP_IDENTIFIER.to_owned()),
            browser: get("LINKCORD_BROWSER"),
            client_id: get("LINKCORD_CLIENT_ID"),
            client_secret: get(CLIENT_SECRET_VAR).map(ClientSecret::new),
        })
    }

    /// The client secret given in the environment, if any. Whether it or the keychain's is
    /// used is decided in one place, `session::client_secret_in_force`.
    pub fn client_secret(&self) -> Option<&ClientSecret> {
        self.client_secret.as_ref()
    }

    /// `settings.json` in the data dir.
    pub fn settings_path(&self) -> PathBuf {
        self.data_dir.join("settings.json")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Result<Environment, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Environment::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn variables_override_the_defaults() {
        let e = env(&[
            ("LINKCORD_DISCORD_URL", "http://127.0.0.1:4000"),
            ("LINKCORD_CDN_URL", "http://127.0.0.1:4000/cdn"),
            ("LINKCORD_DATA_DIR", "/tmp/lc"),
            ("LINKCORD_KEYRING_SERVICE", "lc-test"),
            ("LINKCORD_CLIENT_SECRET", "hunter2"),
        ])
        .unwrap();
        assert_eq!(
            e.endpoints.token_url().as_str(),
            "http://127.0.0.1:4000/api/oauth2/token"
        );
        assert_eq!(e.data_dir, PathBuf::from("/tmp/lc"));
        assert_eq!(e.keyring_service, "lc-test");
        assert_eq!(
            e.client_secret().map(|s| s.secret().as_str()),
            Some("hunter2")
        );
        assert!(
            !format!("{e:?}").contains("hunter2"),
            "Debug must not print the secret"
        );
    }

    #[test]
    fn a_remote_http_discord_url_is_refused() {
        let err = env(&[
            ("LINKCORD_DISCORD_URL", "http://evil.example"),
            ("LINKCORD_DATA_DIR", "/x"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("https"), "{err}");
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let e = env(&[("LINKCORD_DATA_DIR", "/x"), ("LINKCORD_BROWSER", " ")]).unwrap();
        assert_eq!(e.browser, None);
        assert_eq!(e.keyring_service, APP_IDENTIFIER);
    }
}
