//! Settings and their environment overrides.
//!
//! Two layers: [`Environment`] is read once from `LINKCORD_*` variables and
//! says where Discord, the CDN, the data dir and the keychain are; [`Settings`] is what the
//! user saved (client id, redirect mode, port, scopes, language) in `settings.json` under the
//! data dir. The client secret is never part of either file: it lives in the vault.
//! [`InForce`] is the two combined, as a sign-in uses them: the one place where the
//! environment's client id wins over the saved one.

mod endpoints;
mod environment;
mod error;
mod in_force;
mod settings;

pub use endpoints::Endpoints;
pub use environment::{APP_IDENTIFIER, CLIENT_SECRET_VAR, Environment};
pub use error::ConfigError;
pub use in_force::InForce;
pub use settings::{
    DEFAULT_PORT, DEFAULT_REFRESH_MINUTES, DEFAULT_SCOPES, MIN_REFRESH_MINUTES, NotifySettings,
    RedirectMode, Settings, SettingsKey,
};
