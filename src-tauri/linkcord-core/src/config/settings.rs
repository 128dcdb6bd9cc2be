use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ConfigError;
use crate::files;
pub use crate::values::DEFAULT_SCOPES;
use crate::values::{ClientId, Scopes};

/// The loopback port the README tells users to register (`http://127.0.0.1:53134/callback`).
pub const DEFAULT_PORT: u16 = 53134;

/// How Discord sends the browser back to Linkcord after consent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum RedirectMode {
    /// `http://127.0.0.1[:port]/callback`, answered by a listener in Linkcord.
    #[default]
    Loopback,
    /// `discord-<client_id>:/authorize/callback`, handed to Linkcord by the OS.
    DeepLink,
}

impl std::str::FromStr for RedirectMode {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "loopback" => Ok(Self::Loopback),
            "deep-link" => Ok(Self::DeepLink),
            other => Err(ConfigError::BadValue {
                key: "redirect",
                reason: format!("'{other}' is neither 'loopback' nor 'deep-link'"),
            }),
        }
    }
}

/// What the user saved. Every field is optional on disk so an older file still loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    pub client_id: Option<String>,
    pub redirect: RedirectMode,
    /// Loopback port; 0 means an ephemeral port (register `http://127.0.0.1/callback`).
    pub port: u16,
    pub scopes: Vec<String>,
    /// `en` or `fr`; `None` follows the system.
    pub language: Option<String>,
    /// Minutes between two background refreshes of each account while the app runs; 0 turns
    /// them off. See `schedule.rs` for how they are spread.
    pub refresh_minutes: u32,
    /// Which desktop notifications are shown, per kind.
    pub notify: NotifySettings,
}

/// The shortest background refresh interval accepted, in minutes: a few requests per account
/// every five minutes stays far below Discord's rate limits.
pub const MIN_REFRESH_MINUTES: u32 = 5;
/// The default background refresh interval, in minutes.
pub const DEFAULT_REFRESH_MINUTES: u32 = 30;

/// The desktop notification switches, one per kind of change that needs the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default, rename_all = "camelCase")]
pub struct NotifySettings {
    /// An account needs to be signed in again.
    pub sign_in: bool,
    /// A linked account (connection) was revoked.
    pub revoked: bool,
}

impl Default for NotifySettings {
    fn default() -> Self {
        Self {
            sign_in: true,
            revoked: true,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            client_id: None,
            redirect: RedirectMode::Loopback,
            port: DEFAULT_PORT,
            scopes: DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
            language: None,
            refresh_minutes: DEFAULT_REFRESH_MINUTES,
            notify: NotifySettings::default(),
        }
    }
}

/// The keys `linkcord config get|set` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsKey {
    ClientId,
    ClientSecret,
    Redirect,
    Port,
    Scopes,
    Language,
    RefreshMinutes,
    NotifySignIn,
    NotifyRevoked,
}

impl std::str::FromStr for SettingsKey {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "client-id" => Self::ClientId,
            "client-secret" => Self::ClientSecret,
            "redirect" => Self::Redirect,
            "port" => Self::Port,
            "scopes" => Self::Scopes,
            "language" => Self::Language,
            "refresh-minutes" => Self::RefreshMinutes,
            "notify-sign-in" => Self::NotifySignIn,
            "notify-revoked" => Self::NotifyRevoked,
            other => return Err(ConfigError::UnknownKey(other.to_owned())),
        })
    }
}

impl Settings {
    /// Loads `path`; a missing file gives the defaults. A damaged file is moved aside (see
    /// [`files::quarantine`]) and the defaults are used, so a bad file never blocks start-up.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => {
                return Err(ConfigError::Io {
                    path: path.into(),
                    source,
                });
            }
        };
        match serde_json::from_slice(&bytes) {
            Ok(settings) => Ok(settings),
            Err(e) => {
                let kept = files::quarantine(path).map_err(|source| ConfigError::Io {
                    path: path.into(),
                    source,
                })?;
                tracing::warn!(
                    "settings file {} was damaged ({e}); kept it as {} and started from defaults",
                    path.display(),
                    kept.display()
                );
                Ok(Self::default())
            }
        }
    }

    /// Writes `path` atomically.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let json = serde_json::to_vec_pretty(self).expect("settings serialise");
        files::write_atomic(path, &json).map_err(|source| ConfigError::Io {
            path: path.into(),
            source,
        })
    }

    /// Applies `linkcord config set`. The client secret is not a setting: the caller puts it
    /// in the vault.
    pub fn set(&mut self, key: SettingsKey, value: &str) -> Result<(), ConfigError> {
        let value = value.trim();
        match key {
            SettingsKey::ClientId => {
                let id: ClientId = value.parse().map_err(|e| ConfigError::BadValue {
                    key: "client-id",
                    reason: format!("{e}"),
                })?;
                self.client_id = Some(id.to_string());
            }
            SettingsKey::Redirect => self.redirect = value.parse()?,
            SettingsKey::Port => {
                self.port = value.parse().map_err(|_| ConfigError::BadValue {
                    key: "port",
                    reason: format!("'{value}' is not a port number from 0 to 65535"),
                })?
            }
            SettingsKey::Scopes => {
                let scopes = Scopes::for_sign_in(value.split([' ', ','])).map_err(|e| {
                    ConfigError::BadValue {
                        key: "scopes",
                        reason: e.to_string(),
                    }
                })?;
                self.scopes = scopes.iter().map(str::to_owned).collect();
            }
            SettingsKey::Language => {
                self.language = match value {
                    "" | "system" => None,
                    "en" | "fr" => Some(value.to_owned()),
                    other => {
                        return Err(ConfigError::BadValue {
                            key: "language",
                            reason: format!("'{other}' is not one of: en, fr, system"),
                        });
                    }
                }
            }
            SettingsKey::RefreshMinutes => self.refresh_minutes = parse_minutes(value)?,
            SettingsKey::NotifySignIn => {
                self.notify.sign_in = parse_switch("notify-sign-in", value)?
            }
            SettingsKey::NotifyRevoked => {
                self.notify.revoked = parse_switch("notify-revoked", value)?
            }
            SettingsKey::ClientSecret => {
                return Err(ConfigError::BadValue {
                    key: "client-secret",
                    reason: "the client secret is kept in the keychain, not in settings".into(),
                });
            }
        }
        Ok(())
    }

    /// The saved client id, when it is a valid one (a file edited by hand may hold anything).
    pub fn client_id(&self) -> Option<ClientId> {
        self.client_id.as_deref()?.parse().ok()
    }

    /// The redirect URI Discord must have registered for these settings alone (the setup
    /// screen's preview of what is typed); [`super::InForce::redirect_uri`] adds the
    /// environment. `None` in deep-link mode until a client id is set.
    pub fn redirect_uri(&self) -> Option<String> {
        super::in_force::redirect_to_register(self.redirect, self.port, self.client_id().as_ref())
    }

    /// The value `linkcord config get` prints (never for the secret).
    pub fn get(&self, key: SettingsKey) -> Option<String> {
        match key {
            SettingsKey::ClientId => self.client_id.clone(),
            SettingsKey::Redirect => Some(
                match self.redirect {
                    RedirectMode::Loopback => "loopback",
                    RedirectMode::DeepLink => "deep-link",
                }
                .to_owned(),
            ),
            SettingsKey::Port => Some(self.port.to_string()),
            SettingsKey::Scopes => Some(self.scopes.join(" ")),
            SettingsKey::Language => Some(self.language.clone().unwrap_or_else(|| "system".into())),
            SettingsKey::RefreshMinutes => Some(self.refresh_minutes.to_string()),
            SettingsKey::NotifySignIn => Some(switch_text(self.notify.sign_in).into()),
            SettingsKey::NotifyRevoked => Some(switch_text(self.notify.revoked).into()),
            SettingsKey::ClientSecret => None,
        }
    }
}

/// `0` (off) or a number of minutes from [`MIN_REFRESH_MINUTES`] to a day.
fn parse_minutes(value: &str) -> Result<u32, ConfigError> {
    match value.parse::<u32>() {
        Ok(0) => Ok(0),
        Ok(n) if (MIN_REFRESH_MINUTES..=24 * 60).contains(&n) => Ok(n),
        _ => Err(ConfigError::BadValue {
            key: "refresh-minutes",
            reason: format!(
                "'{value}' is not 0 (off) or a number of minutes from {MIN_REFRESH_MINUTES} to 1440"
            ),
        }),
    }
}

fn parse_switch(key: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        other => Err(ConfigError::BadValue {
            key,
            reason: format!("'{other}' is neither 'on' nor 'off'"),
        }),
    }
}

fn switch_text(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let mut s = Settings::default();
        s.set(SettingsKey::ClientId, "123456789012345678").unwrap();
        s.set(SettingsKey::Redirect, "deep-link").unwrap();
        s.set(SettingsKey::Port, "0").unwrap();
        s.save(&path).unwrap();
        assert_eq!(Settings::load(&path).unwrap(), s);
    }

    #[test]
    fn background_refresh_and_notifications_are_settings() {
        let mut s = Settings::default();
        assert_eq!(s.get(SettingsKey::RefreshMinutes).unwrap(), "30");
        assert_eq!(s.get(SettingsKey::NotifySignIn).unwrap(), "on");
        s.set(SettingsKey::RefreshMinutes, "0").unwrap();
        s.set(SettingsKey::NotifyRevoked, "off").unwrap();
        assert_eq!(s.refresh_minutes, 0);
        assert!(!s.notify.revoked && s.notify.sign_in);
        // A file from before these settings gets the defaults.
        let old: Settings = serde_json::from_str(r#"{"port": 1234}"#).unwrap();
        assert_eq!(old.refresh_minutes, DEFAULT_REFRESH_MINUTES);
        assert_eq!(old.notify, NotifySettings::default());
    }

    #[test]
    fn the_redirect_uri_follows_the_mode() {
        let mut s = Settings::default();
        assert_eq!(s.redirect_uri().unwrap(), "http://127.0.0.1:53134/callback");
        s.port = 0;
        assert_eq!(s.redirect_uri().unwrap(), "http://127.0.0.1/callback");
        s.redirect = RedirectMode::DeepLink;
        assert_eq!(s.redirect_uri(), None);
        s.client_id = Some("42".into());
        assert_eq!(s.redirect_uri().unwrap(), "discord-42:/authorize/callback");
    }

    #[test]
    fn a_missing_file_gives_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let s = Settings::load(&dir.path().join("nope.json")).unwrap();
        assert_eq!(s.port, DEFAULT_PORT);
        assert_eq!(s.scopes, ["identify", "email", "connections", "guilds"]);
    }

    #[test]
    fn a_damaged_file_is_kept_aside_and_defaults_are_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, b"{not json").unwrap();
        assert_eq!(Settings::load(&path).unwrap(), Settings::default());
        let kept: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with("settings.json.damaged-"))
            .collect();
        assert_eq!(kept.len(), 1, "the damaged file must be kept for the user");
    }

    #[test]
    fn bad_values_are_refused_with_a_reason() {
        let mut s = Settings::default();
        assert!(
            s.set(SettingsKey::ClientId, "abc")
                .unwrap_err()
                .to_string()
                .contains("Application ID")
        );
        assert!(s.set(SettingsKey::Port, "70000").is_err());
        assert!(s.set(SettingsKey::Redirect, "carrier-pigeon").is_err());
        assert!(s.set(SettingsKey::Scopes, "email guilds").is_err());
        assert!(s.set(SettingsKey::Language, "de").is_err());
        assert!(s.set(SettingsKey::RefreshMinutes, "1").is_err());
        assert!(s.set(SettingsKey::RefreshMinutes, "1441").is_err());
        assert!(s.set(SettingsKey::NotifyRevoked, "maybe").is_err());
        assert_eq!(s, Settings::default(), "a refused value changes nothing");
        assert!("colour".parse::<SettingsKey>().is_err());
    }
}
