//! The vocabulary of changes, serialised as the CLI's JSON and the history file show them:
//! `{"account": "<user id>", "at": "<RFC 3339>", "kind": "connection_revoked", "subject": {…}}`.
//! Kind names are snake_case and stable: scripts and the window match on them.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::discord::{Connection, ConnectionType, Guild, GuildId, UserId, Visibility};

/// One recorded change of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub account: UserId,
    /// When the snapshot that showed it was fetched.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    #[serde(flatten)]
    pub kind: ChangeKind,
}

/// What changed, with the thing it concerns as its `subject`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "subject", rename_all = "snake_case")]
pub enum ChangeKind {
    /// A service was linked.
    ConnectionAdded(ConnectionRef),
    /// A service was unlinked.
    ConnectionRemoved(ConnectionRef),
    /// The other service dropped the link (Discord marks it `revoked`).
    ConnectionRevoked(ConnectionRef),
    /// A revoked link works again.
    ConnectionRestored(ConnectionRef),
    ConnectionVerified(ConnectionRef),
    ConnectionUnverified(ConnectionRef),
    /// Who may see the link on the profile changed.
    ConnectionVisibilityChanged(VisibilityChange),
    GuildJoined(GuildRef),
    GuildLeft(GuildRef),
    /// The account became the server's owner.
    GuildOwnershipGained(GuildRef),
    /// The account is no longer the server's owner.
    GuildOwnershipLost(GuildRef),
    DisplayNameChanged(ValueChange),
    UsernameChanged(ValueChange),
    /// The avatar hash changed (`to: null`: back to the default avatar).
    AvatarChanged(ValueChange),
    EmailChanged(ValueChange),
    /// Discord no longer accepts the account's sign-in: it must sign in again.
    NeedsSignIn {},
    /// The account works again after needing sign-in.
    SignInRestored {},
}

impl ChangeKind {
    /// The stable snake_case name (`connection_revoked`), as in the JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ConnectionAdded(_) => "connection_added",
            Self::ConnectionRemoved(_) => "connection_removed",
            Self::ConnectionRevoked(_) => "connection_revoked",
            Self::ConnectionRestored(_) => "connection_restored",
            Self::ConnectionVerified(_) => "connection_verified",
            Self::ConnectionUnverified(_) => "connection_unverified",
            Self::ConnectionVisibilityChanged(_) => "connection_visibility_changed",
            Self::GuildJoined(_) => "guild_joined",
            Self::GuildLeft(_) => "guild_left",
            Self::GuildOwnershipGained(_) => "guild_ownership_gained",
            Self::GuildOwnershipLost(_) => "guild_ownership_lost",
            Self::DisplayNameChanged(_) => "display_name_changed",
            Self::UsernameChanged(_) => "username_changed",
            Self::AvatarChanged(_) => "avatar_changed",
            Self::EmailChanged(_) => "email_changed",
            Self::NeedsSignIn {} => "needs_sign_in",
            Self::SignInRestored {} => "sign_in_restored",
        }
    }

    /// Whether it needs the person (a notification, a badge that matters): the account must
    /// sign in again, or a service dropped its link.
    pub fn needs_attention(&self) -> bool {
        matches!(self, Self::NeedsSignIn {} | Self::ConnectionRevoked(_))
    }
}

/// The linked account a change concerns: its service, its id there and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionRef {
    #[serde(rename = "type")]
    pub kind: ConnectionType,
    pub id: String,
    pub name: Option<String>,
}

impl From<&Connection> for ConnectionRef {
    fn from(c: &Connection) -> Self {
        Self {
            kind: c.kind.clone(),
            id: c.id.clone(),
            name: c.name.clone(),
        }
    }
}

/// The server a change concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuildRef {
    pub id: GuildId,
    pub name: String,
}

impl From<&Guild> for GuildRef {
    fn from(g: &Guild) -> Self {
        Self {
            id: g.id.clone(),
            name: g.name.clone(),
        }
    }
}

/// A profile field before and after (`null` when it was or became unset).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueChange {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A connection whose visibility changed: 0 only the account, 1 everyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisibilityChange {
    #[serde(flatten)]
    pub connection: ConnectionRef,
    pub from: Visibility,
    pub to: Visibility,
}
