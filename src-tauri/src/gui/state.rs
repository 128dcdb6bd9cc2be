use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use linkcord_core::config::{ConfigError, Environment, Settings};

use crate::models::Notice;

/// What the running app holds between commands.
pub struct AppState {
    pub env: Environment,
    settings: Mutex<Settings>,
    /// Notices raised before the window was ready to show them.
    pending: Mutex<Vec<Notice>>,
    tray_available: AtomicBool,
}

impl AppState {
    pub fn load(env: Environment) -> Result<Self, ConfigError> {
        let settings = Settings::load(&env.settings_path())?;
        Ok(Self {
            env,
            settings: Mutex::new(settings),
            pending: Mutex::new(Vec::new()),
            tray_available: AtomicBool::new(false),
        })
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().expect("settings lock").clone()
    }

    /// Saves new settings to disk first, and only then makes them current.
    pub fn replace_settings(&self, settings: Settings) -> Result<(), ConfigError> {
        settings.save(&self.env.settings_path())?;
        *self.settings.lock().expect("settings lock") = settings;
        Ok(())
    }

    /// The client id in force: the environment's over the saved one.
    pub fn client_id(&self) -> Option<String> {
        self.env
            .client_id
            .clone()
            .or_else(|| self.settings().client_id)
    }

    pub fn queue_notice(&self, notice: Notice) {
        self.pending.lock().expect("notice lock").push(notice);
    }

    pub fn take_notices(&self) -> Vec<Notice> {
        std::mem::take(&mut *self.pending.lock().expect("notice lock"))
    }

    pub fn set_tray_available(&self, available: bool) {
        self.tray_available.store(available, Ordering::Relaxed);
    }

    pub fn tray_available(&self) -> bool {
        self.tray_available.load(Ordering::Relaxed)
    }
}
