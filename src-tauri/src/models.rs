//! The view models the UI receives and sends. TypeScript types are generated from these (see
//! `tests/bindings.rs`), so the UI and the backend cannot drift apart. None of them can hold a
//! token: the webview never sees one.

use linkcord_core::config::{RedirectMode, Settings};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Everything the window needs to draw its first screen.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppView {
    /// The screen to show: the setup screen until a Discord application is configured.
    pub screen: Screen,
    pub settings: Settings,
    /// The redirect URI to register in Discord's developer portal, when it can be known.
    pub redirect_uri: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Screen {
    Setup,
    Accounts,
}

/// What the setup screen saves.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetupInput {
    pub client_id: String,
    pub redirect: RedirectMode,
    pub port: u16,
}

/// What the setup screen shows while the user types.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetupPreview {
    /// The exact redirect URI to register in Discord's developer portal.
    pub redirect_uri: Option<String>,
    /// Why the values cannot be saved yet.
    pub problem: Option<String>,
}

/// A message for the user, shown as a banner in the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    pub kind: NoticeKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeKind {
    Info,
    Error,
}

impl Notice {
    pub fn error(message: impl std::fmt::Display) -> Self {
        Self {
            kind: NoticeKind::Error,
            message: message.to_string(),
        }
    }

    pub fn info(message: impl std::fmt::Display) -> Self {
        Self {
            kind: NoticeKind::Info,
            message: message.to_string(),
        }
    }
}

/// A command's failure as the UI receives it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CommandError {
    pub message: String,
}

impl<E: std::error::Error> From<E> for CommandError {
    fn from(e: E) -> Self {
        Self {
            message: e.to_string(),
        }
    }
}

/// The event that tells the window new notices are waiting (`take_notices` fetches them).
/// Notices are queued rather than sent in the event, so one raised before the window loaded
/// (a link given at start-up) is not lost.
pub const NOTICES_EVENT: &str = "notices";

/// Writes every TypeScript type the UI uses into `dir`.
pub fn export_typescript(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
    let cfg = ts_rs::Config::new().with_out_dir(dir);
    AppView::export_all(&cfg)?;
    SetupInput::export_all(&cfg)?;
    SetupPreview::export_all(&cfg)?;
    Notice::export_all(&cfg)?;
    CommandError::export_all(&cfg)?;
    Ok(())
}
