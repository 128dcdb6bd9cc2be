//! The settings in force and the core session opened on them.
//!
//! The session is opened on first use (opening it touches the keychain, which the first view
//! does not need) and dropped whenever the settings change, so it always reflects them.

use std::sync::{Arc, Mutex};

use linkcord_core::config::{ConfigError, Environment, Settings};
use linkcord_core::session::Session;
use tokio::sync::Mutex as AsyncMutex;

use super::errors;
use crate::models::CommandError;

pub struct SessionSlot {
    pub env: Environment,
    settings: Mutex<Settings>,
    session: AsyncMutex<Option<Arc<Session>>>,
}

impl SessionSlot {
    pub fn new(env: Environment, settings: Settings) -> Self {
        Self {
            env,
            settings: Mutex::new(settings),
            session: AsyncMutex::new(None),
        }
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().expect("settings lock").clone()
    }

    /// Saves new settings to disk first, and only then makes them current.
    pub async fn replace_settings(&self, settings: Settings) -> Result<(), ConfigError> {
        settings.save(&self.env.settings_path())?;
        super::i18n::set_language(settings.language.as_deref());
        *self.settings.lock().expect("settings lock") = settings;
        *self.session.lock().await = None;
        Ok(())
    }

    /// The session on the OS keychain, opened on first use. A keychain that cannot be opened
    /// is reported each time it is needed, and retried then.
    pub async fn session(&self) -> Result<Arc<Session>, CommandError> {
        let mut slot = self.session.lock().await;
        if let Some(session) = slot.as_ref() {
            return Ok(session.clone());
        }
        let session = Session::open(self.env.clone(), self.settings())
            .await
            .map_err(|e| errors::command_error(&e))?;
        let session = Arc::new(session);
        *slot = Some(session.clone());
        Ok(session)
    }

    /// Uses `session` from now on (tests open one on an in-memory keychain).
    #[cfg(test)]
    pub async fn set_session(&self, session: Session) {
        *self.session.lock().await = Some(Arc::new(session));
    }

    /// The client id in force: the environment's over the saved one.
    pub fn client_id(&self) -> Option<String> {
        self.env.in_force(&self.settings()).client_id_text
    }
}
