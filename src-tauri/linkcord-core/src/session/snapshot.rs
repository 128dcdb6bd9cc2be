//! Fetching what Linkcord shows about an account, and keeping the last answer.
//!
//! The CLI (`profile`, `connections`, `guilds`) and the window both need "fresh if possible,
//! the cache otherwise", with the same token handling: a valid token, one retry with a
//! refreshed token after a 401, and the cache written only from a complete answer, so a
//! failed refresh never damages what was there.

use time::OffsetDateTime;

use super::{Session, SessionError};
use crate::accounts::CacheKind;
use crate::discord::{DiscordError, Snapshot, UserId};

/// A snapshot and when it was fetched from Discord.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedSnapshot {
    pub snapshot: Snapshot,
    pub fetched_at: OffsetDateTime,
}

impl Session {
    /// Fetches profile, connections and servers of `account` from Discord (concurrently),
    /// then caches them. After a 401 the token is refreshed once and the fetch retried.
    pub async fn refresh_snapshot(&self, account: &UserId) -> Result<CachedSnapshot, SessionError> {
        let token = self.valid_token(account).await?;
        let discord = self.discord()?;
        let snapshot = match discord.snapshot(&token).await {
            Err(DiscordError::Unauthorized) => {
                let fresh = self.token_after_unauthorized(account, &token).await?;
                discord.snapshot(&fresh).await?
            }
            other => other?,
        };
        let fetched_at = OffsetDateTime::now_utc();
        self.cache_snapshot(account, &snapshot, fetched_at);
        Ok(CachedSnapshot {
            snapshot,
            fetched_at,
        })
    }

    /// The last complete snapshot cached for `account`, if there is one. A damaged cache file
    /// is kept aside by the store and reads as none.
    pub fn cached_snapshot(
        &self,
        account: &UserId,
    ) -> Result<Option<CachedSnapshot>, SessionError> {
        let (Some(cache), _) = self.account_store().read_cache(account)? else {
            return Ok(None);
        };
        let parts = (
            cache.get(CacheKind::Profile),
            cache.get(CacheKind::Connections),
            cache.get(CacheKind::Guilds),
        );
        let (Some(profile), Some(connections), Some(guilds)) = parts else {
            return Ok(None);
        };
        let decoded = (|| {
            Some(Snapshot {
                user: serde_json::from_value(profile.value.clone()).ok()?,
                connections: serde_json::from_value(connections.value.clone()).ok()?,
                guilds: serde_json::from_value(guilds.value.clone()).ok()?,
            })
        })();
        Ok(decoded.map(|snapshot| CachedSnapshot {
            snapshot,
            fetched_at: profile
                .fetched_at
                .min(connections.fetched_at)
                .min(guilds.fetched_at),
        }))
    }

    /// Writes the three parts of a snapshot to the cache in one write. A cache that cannot be
    /// written is logged, not fatal: the fresh data is still shown.
    pub(super) fn cache_snapshot(&self, account: &UserId, snapshot: &Snapshot, at: OffsetDateTime) {
        // What changed since the cached snapshot is recorded around this write (issue 12).
        let recording = crate::changes::Recording::begin(self.account_store(), account, || {
            self.cached_snapshot(account).ok().flatten().map(|c| c.snapshot)
        });
        let result = (|| -> Result<(), String> {
            let docs = [
                (CacheKind::Profile, to_json(&snapshot.user)?),
                (CacheKind::Connections, to_json(&snapshot.connections)?),
                (CacheKind::Guilds, to_json(&snapshot.guilds)?),
            ];
            self.account_store()
                .write_cache_docs(account, docs, at)
                .map_err(|e| e.to_string())
        })();
        if let Err(e) = result {
            tracing::warn!("could not cache the snapshot of account {account}: {e}");
        }
        recording.finish(snapshot, at);
    }
}

fn to_json(value: &impl serde::Serialize) -> Result<serde_json::Value, String> {
    serde_json::to_value(value).map_err(|e| e.to_string())
}
