use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::index::Identity;
use crate::discord::{Snapshot, User, UserId};

/// The format version of `cache/<user id>.json`.
pub const CACHE_VERSION: u32 = 1;

/// Which document of an account's cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheKind {
    Profile,
    Connections,
    Guilds,
}

/// A snapshot and when it was fetched from Discord: what the cache gives back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedSnapshot {
    pub snapshot: Snapshot,
    pub fetched_at: OffsetDateTime,
}

/// One cached answer from Discord, as Discord's JSON, with when it was fetched. It is decoded
/// only here ([`AccountCache::snapshot`], [`AccountCache::user`]), so a part written by an
/// older or newer Linkcord that no longer decodes reads as missing instead of spoiling the
/// file.
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

    /// The whole snapshot, when all three parts are cached and decode; dated by its oldest
    /// part.
    pub fn snapshot(&self) -> Option<CachedSnapshot> {
        let (profile, connections, guilds) = (
            self.profile.as_ref()?,
            self.connections.as_ref()?,
            self.guilds.as_ref()?,
        );
        let snapshot = Snapshot {
            user: decode(profile)?,
            connections: decode(connections)?,
            guilds: decode(guilds)?,
        };
        Some(CachedSnapshot {
            snapshot,
            fetched_at: profile
                .fetched_at
                .min(connections.fetched_at)
                .min(guilds.fetched_at),
        })
    }

    /// The cached `/users/@me`, without decoding the servers and connections.
    pub fn user(&self) -> Option<User> {
        decode(self.profile.as_ref()?)
    }

    /// The three parts of `snapshot` as cache documents, in the form [`AccountCache::set`]
    /// takes.
    pub(crate) fn docs_of(snapshot: &Snapshot) -> Vec<(CacheKind, serde_json::Value)> {
        let encode = |value: serde_json::Result<serde_json::Value>| {
            value.expect("Discord's models serialise to JSON")
        };
        vec![
            (
                CacheKind::Profile,
                encode(serde_json::to_value(&snapshot.user)),
            ),
            (
                CacheKind::Connections,
                encode(serde_json::to_value(&snapshot.connections)),
            ),
            (
                CacheKind::Guilds,
                encode(serde_json::to_value(&snapshot.guilds)),
            ),
        ]
    }

    /// Who this cache is about, from the cached profile when it has one; else only the id.
    /// Used to rebuild a damaged index.
    pub(crate) fn identity(&self) -> Identity {
        let user = self.user();
        Identity {
            id: self.id.clone(),
            username: user
                .as_ref()
                .map_or_else(|| self.id.to_string(), |u| u.username.clone()),
            display_name: user.as_ref().and_then(|u| u.global_name.clone()),
            avatar: user.and_then(|u| u.avatar),
        }
    }
}

fn decode<T: serde::de::DeserializeOwned>(doc: &CachedDoc) -> Option<T> {
    serde_json::from_value(doc.value.clone()).ok()
}
