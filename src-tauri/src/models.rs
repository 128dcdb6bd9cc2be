//! The view models the UI receives and sends. TypeScript types are generated from these (see
//! `tests/bindings.rs`), so the UI and the backend cannot drift apart. None of them can hold a
//! token: the webview never sees one.

use linkcord_core::config::{RedirectMode, Settings};
use linkcord_core::discord::{SnapshotView, UserId};
use linkcord_core::secret::ClientSecret;
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
    /// The accounts, and the active one's cached data, for an instant first paint.
    pub accounts: AccountsView,
    /// Linkcord starts, in the tray, when the user logs in to their computer.
    pub start_at_login: bool,
    /// The system's language when it is one the window speaks (from the locale variables,
    /// as the tray reads them); null when it is neither.
    #[ts(type = "\"en\" | \"fr\" | null")]
    pub system_language: Option<&'static str>,
    /// A sign-in waiting for the browser (started from the tray or a link while the window
    /// was closed), else idle.
    pub sign_in: SignInStatus,
}

/// Every account, and what the window shows of the active one.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountsView {
    /// Which publication of the accounts this view belongs to. Views and events travel
    /// separately, so the window keeps the highest revision it has seen and drops older ones.
    pub revision: u32,
    /// In the order they were added.
    pub accounts: Vec<AccountSummary>,
    pub active: Option<ActiveAccount>,
}

/// One account as the switcher (window and tray) shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    /// An image URL the webview can load without the network (Linkcord's image cache).
    pub avatar_url: Option<String>,
    pub status: AccountStatus,
    pub active: bool,
    /// The account's place in the most-recently-used order: 0 for the account used last
    /// (made active by a switch or a sign-in, in the window, the tray, a link or the command
    /// line), then the others; accounts never used since Linkcord recorded it come last, in
    /// the order they were added. The tray lists accounts in this order.
    pub recent_rank: u32,
    /// Changes recorded since the person last marked them seen (the badge).
    pub unseen_changes: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum AccountStatus {
    Ok,
    Refreshing,
    /// Discord refused the stored tokens: the user must sign in again. Never deleted.
    NeedsSignIn,
    /// The last refresh could not reach Discord; the cache is shown.
    Offline,
}

/// The active account's data.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActiveAccount {
    pub id: UserId,
    /// The last profile, connections and servers fetched; none before the first fetch.
    pub snapshot: Option<SnapshotView>,
    /// When `snapshot` was fetched, RFC 3339.
    pub fetched_at: Option<String>,
    pub status: AccountStatus,
    /// Why the last refresh failed, in words for the user.
    pub last_error: Option<String>,
}

/// Where a sign-in stands. Sent with the `sign-in` event as it moves on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum SignInStatus {
    Idle,
    /// The browser was asked to open `authorizeUrl`; the user can copy it if none opened.
    Waiting {
        #[serde(rename = "authorizeUrl")]
        authorize_url: String,
    },
    Done {
        account: UserId,
    },
    Failed {
        message: String,
    },
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Screen {
    Setup,
    Accounts,
}

/// What the setup screen saves. Its `Debug` never prints the client secret.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetupInput {
    pub client_id: String,
    /// Only for a confidential client. `None` keeps what is stored; an empty string removes
    /// it. Stored in the keychain, never in a file, and never sent back to the window. Held
    /// as a `ClientSecret` from the moment it arrives, so no log line can print it.
    #[ts(type = "string | null")]
    pub client_secret: Option<ClientSecret>,
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
    Error,
}

impl Notice {
    pub fn error(message: impl std::fmt::Display) -> Self {
        Self {
            kind: NoticeKind::Error,
            message: message.to_string(),
        }
    }
}

/// A command's failure as the UI receives it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CommandError {
    /// What happened and what to do, in words for the user, in the window's language.
    pub message: String,
    pub kind: ErrorKind,
    /// The precise failure in the core's words (English, written for a terminal), for a
    /// "details" line; null when the message says it all.
    pub detail: Option<String>,
}

/// What kind of failure, so the window can offer the right way out. Derived from the core's
/// `ErrorClass` in one place (`gui/errors.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// A value the user typed or a link or setting is not valid.
    InvalidInput,
    /// No Discord application is set up yet: the setup screen is the way out.
    NotConfigured,
    /// No such account (e.g. a link naming an unknown account).
    NotFound,
    /// The keychain is missing, locked or refusing.
    Keychain,
    /// Discord could not be reached (the cached data stands in).
    Discord,
    /// Discord answered and refused; retrying the same will not help.
    DiscordRefused,
    /// Log-out could not tell Discord; the window offers "forget on this computer".
    RevokeFailed,
    /// The account must sign in again.
    NeedsSignIn,
    /// The sign-in was cancelled, denied or timed out.
    Cancelled,
    /// Another Linkcord process held the account's files for too long.
    Busy,
    /// Linkcord's own files could not be read or written.
    Files,
    Other,
}

impl CommandError {
    /// Core messages are written to follow `linkcord: ` on a terminal; the window shows them
    /// as sentences, so the first letter is capitalised.
    pub fn new(kind: ErrorKind, message: impl std::fmt::Display) -> Self {
        let text = message.to_string();
        let mut chars = text.chars();
        let message = match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => text,
        };
        Self {
            message,
            kind,
            detail: None,
        }
    }
}

impl From<linkcord_core::config::ConfigError> for CommandError {
    fn from(e: linkcord_core::config::ConfigError) -> Self {
        Self::new(ErrorKind::InvalidInput, e)
    }
}

/// The event carrying a fresh [`AccountsView`] whenever accounts change (switch from the tray,
/// a link or the CLI, a refresh, a sign-in, a log-out).
pub const ACCOUNTS_EVENT: &str = "accounts";

/// The event carrying a [`SignInStatus`] as a sign-in moves on.
pub const SIGN_IN_EVENT: &str = "sign-in";

/// The event that tells the window new notices are waiting (`take_notices` fetches them).
/// Notices are queued rather than sent in the event, so one raised before the window loaded
/// (a link given at start-up) is not lost.
pub const NOTICES_EVENT: &str = "notices";

/// Writes every TypeScript type the UI uses into `dir`.
/// The "What changed" view of one account.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChangesView {
    pub account: UserId,
    /// Newest first.
    pub changes: Vec<ChangeView>,
    pub unseen: u32,
}

/// One recorded change, ready to be worded: the UI picks the sentence by `kind` and fills in
/// the names; every link is made here.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChangeView {
    /// When the refresh that saw it ran (RFC 3339).
    pub at: String,
    /// The stable snake_case kind, as in `linkcord changes --json` (`connection_revoked`, …).
    pub kind: String,
    /// For a linked account: the service's name and its icon key.
    pub service: Option<String>,
    pub service_key: Option<String>,
    /// The linked account's or the server's name (text from Discord: isolate it).
    pub subject: Option<String>,
    /// Before and after, for a changed field or visibility.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Where the thing it concerns can be seen, when there is such a page.
    pub link: Option<String>,
    /// It needs the person (a revoked link, a lost sign-in).
    pub attention: bool,
    /// Not yet marked seen.
    pub unseen: bool,
}

/// When the page reached each point of its start, as its own clock says: sent with
/// `first_screen_drawn` so the start-up log (`RUST_LOG=linkcord::startup=debug`) follows the
/// start into the web process. Times are Unix milliseconds.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PageTimes {
    /// The page's navigation start.
    pub origin: f64,
    /// The page's `linkcord:*` performance marks, in order, name without the prefix.
    pub marks: Vec<PageMark>,
}

#[derive(Clone, Debug, Deserialize, TS)]
pub struct PageMark {
    pub name: String,
    pub at: f64,
}

pub fn export_typescript(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
    let cfg = ts_rs::Config::new().with_out_dir(dir);
    AppView::export_all(&cfg)?;
    SignInStatus::export_all(&cfg)?;
    SetupInput::export_all(&cfg)?;
    SetupPreview::export_all(&cfg)?;
    Notice::export_all(&cfg)?;
    CommandError::export_all(&cfg)?;
    ChangesView::export_all(&cfg)?;
    PageTimes::export_all(&cfg)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_input_never_prints_the_secret() {
        let input: SetupInput = serde_json::from_str(
            r#"{"clientId":"42","clientSecret":"hunter2","redirect":"loopback","port":0}"#,
        )
        .unwrap();
        let shown = format!("{input:?}");
        assert!(
            !shown.contains("hunter2") && shown.contains("[redacted]"),
            "{shown}"
        );
    }
}
