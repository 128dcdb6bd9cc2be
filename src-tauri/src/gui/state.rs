//! What the running app holds between commands, one part per concern: the settings and the
//! session ([`SessionSlot`]), the image cache, the notices waiting for the window, the live
//! status of each account, the sign-in under way, and the channel accounts views travel
//! through ([`Publisher`]).

use std::sync::atomic::{AtomicBool, Ordering};

use linkcord_core::config::{ConfigError, Environment, Settings};
use linkcord_core::images::ImageCache;

use super::changes::Unseen;
use super::live::LiveStatuses;
use super::notices::Notices;
use super::publisher::Publisher;
use super::session::SessionSlot;
use super::signin_slot::SignInSlot;
use super::startup::FirstScreen;

pub struct AppState {
    pub config: SessionSlot,
    pub images: ImageCache,
    pub notices: Notices,
    pub live: LiveStatuses,
    pub sign_in: SignInSlot,
    pub views: Publisher,
    /// The unseen-changes count of each account, for the badges.
    pub unseen: Unseen,
    /// Opens once the window has its first screen; the tray's menu waits for it.
    pub first_screen: FirstScreen,
    tray_available: AtomicBool,
}

impl AppState {
    pub fn load(env: Environment) -> Result<Self, ConfigError> {
        let settings = Settings::load(&env.settings_path())?;
        super::i18n::set_language(settings.language.as_deref());
        let images = ImageCache::new(&env.data_dir.join("cache").join("images"), &env.endpoints);
        Ok(Self {
            config: SessionSlot::new(env, settings),
            images,
            notices: Notices::default(),
            live: LiveStatuses::default(),
            sign_in: SignInSlot::default(),
            views: Publisher::default(),
            unseen: Unseen::default(),
            first_screen: FirstScreen::default(),
            tray_available: AtomicBool::new(false),
        })
    }

    pub fn env(&self) -> &Environment {
        &self.config.env
    }

    pub fn set_tray_available(&self, available: bool) {
        self.tray_available.store(available, Ordering::Relaxed);
    }

    pub fn tray_available(&self) -> bool {
        self.tray_available.load(Ordering::Relaxed)
    }
}
