use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::index::Identity;
use crate::discord::UserId;

/// The format version of `cache/<user id>.json`.
pub const CACHE_VERSION: u32 = 1;

/// Which document of an account's cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheKind {
    Profile,
    Connections,
    Guilds,
}

/// One cached answer from Discord, as opaque JSON, with when it was fetched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CachedDoc {
    pub value: serde_json::Value,
    #[serde(with = "time::serde::rfc3339")]
    pub fetched_at: OffsetDateTime,
}

/// `cache/<user id>.json`: what was last seen of an account, for an instant start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountCache {
    pub version: u32,
    pub id: UserId,
    #[serde(default)]
    pub profile: Option<CachedDoc>,
    #[serde(default)]
    pub connections: Option<CachedDoc>,
    #[serde(default)]
    pub guilds: Option<CachedDoc>,
}

impl AccountCache {
    pub fn empty(id: UserId) -> Self {
        Self {
            version: CACHE_VERSION,
            id,
            profile: None,
            connections: None,
            guilds: None,
        }
    }

    pub fn get(&self, kind: CacheKind) -> Option<&CachedDoc> {
        match kind {
            CacheKind::Profile => self.profile.as_ref(),
            CacheKind::Connections => self.connections.as_ref(),
            CacheKind::Guilds => self.guilds.as_ref(),
        }
    }

    pub fn set(&mut self, kind: CacheKind, doc: CachedDoc) {
        let slot = match kind {
            CacheKind::Profile => &mut self.profile,
            CacheKind::Connections => &mut self.connections,
            CacheKind::Guilds => &mut self.guilds,
        };
        *slot = Some(doc);
    }

    /// Who this cache is about, from the cached profile (a `/users/@me` answer) when it has
    /// one; else only the id. Used to rebuild a damaged index.
    pub(crate) fn identity(&self) -> Identity {
        let field = |name: &str| {
            self.profile
                .as_ref()
                .and_then(|p| p.value.get(name))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        Identity {
            id: self.id.clone(),
            username: field("username").unwrap_or_else(|| self.id.to_string()),
            display_name: field("global_name"),
            avatar: field("avatar"),
        }
    }
}
