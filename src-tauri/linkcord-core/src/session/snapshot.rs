//! Fetching what Linkcord shows about an account, and keeping the last answer.
//!
//! The CLI (`profile`, `connections`, `guilds`) and the window both need "fresh if possible,
//! the cache otherwise", with the same token handling: a valid token, one retry with a
//! refreshed token after a 401, and the cache written only from a complete answer, so a
//! failed refresh never damages what was there. [`Session::snapshot`] is that call;
//! [`Session::refresh_snapshot`] is its fresh half alone, for callers that show the cache
//! themselves (the window draws it first, then refreshes).

use time::OffsetDateTime;

use super::{Session, SessionError};
use crate::accounts::{AccountEntry, AccountStore, CachedSnapshot};
use crate::discord::{DiscordError, Snapshot, SnapshotView, User, UserId, UserView};

/// What [`Session::snapshot`] found: the data, and whether it is fresh.
#[derive(Debug)]
pub struct SnapshotOutcome {
    pub data: CachedSnapshot,
    pub freshness: Freshness,
}

/// Where the data of a [`SnapshotOutcome`] came from.
#[derive(Debug)]
pub enum Freshness {
    /// Fetched from Discord just now (and cached).
    Fresh,
    /// The last cached copy, because Discord could not answer; `because` says why (its
    /// class is one whose [`cache_can_stand_in`](crate::error_class::ErrorClass::cache_can_stand_in)
    /// is true).
    Cached { because: SessionError },
}

impl Session {
    /// Fresh data from Discord if it answers, else the cached copy when the failure allows it
    /// (Discord unreachable, not a refused sign-in). Fails when neither is available.
    pub async fn snapshot(&self, account: &UserId) -> Result<SnapshotOutcome, SessionError> {
        let because = match self.refresh_snapshot(account).await {
            Ok(data) => {
                return Ok(SnapshotOutcome {
                    data,
                    freshness: Freshness::Fresh,
                });
            }
            Err(e) if e.class().cache_can_stand_in() => e,
            Err(e) => return Err(e),
        };
        match self.cached_snapshot(account) {
            Ok(Some(data)) => Ok(SnapshotOutcome {
                data,
                freshness: Freshness::Cached { because },
            }),
            _ => Err(because),
        }
    }

    /// Fetches profile, connections and servers of `account` from Discord (concurrently),
    /// then caches them. After a 401 the token is refreshed once and the fetch retried; a
    /// second 401 means the sign-in is gone.
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
        self.cache_snapshot(account, &snapshot, fetched_at).await;
        self.remember_user(&snapshot.user, fetched_at).await;
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
        let (cache, _) = self.account_store().read_cache(account)?;
        Ok(cache.and_then(|c| c.snapshot()))
    }

    /// The snapshot as both shells show it, for the account it belongs to. Without the
    /// `identify.premium` scope Discord always says "no Nitro", so that is shown as unknown.
    pub fn view(&self, account: &AccountEntry, snapshot: &Snapshot) -> SnapshotView {
        let mut view = snapshot.view(&self.environment().endpoints);
        view.user
            .hide_unproven_premium(account.scopes.contains(UserView::PREMIUM_SCOPE));
        view
    }

    /// Keeps the index's names and image hashes in step with a fresh profile (a rename in
    /// Discord), so `--account <new name>`, the tray and the switchers know it. The index is
    /// written only when something changed, and never for an account removed meanwhile.
    async fn remember_user(&self, user: &User, now: OffsetDateTime) {
        let stale = self
            .account_store()
            .peek()
            .and_then(|index| index.get(&user.id).map(|entry| !entry.shows(user)));
        if stale != Some(true) {
            return;
        }
        let store = self.account_store();
        if let Err(e) = store.update_async(|i| i.remember_user(user, now)).await {
            tracing::warn!("could not update the names of account {}: {e}", user.id);
        }
    }

    /// The one place where a snapshot fresh from Discord replaces the cached one (after a
    /// refresh and after a sign-in). A cache that cannot be written is logged, not fatal: the
    /// fresh data is still shown. The history and cache locks are file locks whose wait
    /// blocks, so the write runs on a blocking thread, never on the async runtime's own.
    pub(super) async fn cache_snapshot(
        &self,
        account: &UserId,
        snapshot: &Snapshot,
        at: OffsetDateTime,
    ) {
        let store = self.account_store().clone();
        let (account, snapshot) = (account.clone(), snapshot.clone());
        let written =
            tokio::task::spawn_blocking(move || replace_cached(&store, &account, &snapshot, at));
        if let Err(e) = written.await {
            tracing::warn!("the cache write stopped before it finished: {e}");
        }
    }
}

/// Writes `snapshot` as `account`'s cache and records what changed since the one it replaces
/// (issue 12): the old snapshot is read under the history lock, then the cache is written.
fn replace_cached(store: &AccountStore, account: &UserId, snapshot: &Snapshot, at: OffsetDateTime) {
    let recording = crate::changes::Recording::begin(store, account, || {
        let (cache, _) = store.read_cache(account).ok()?;
        cache.and_then(|c| c.snapshot()).map(|c| c.snapshot)
    });
    if let Err(e) = store.write_snapshot(account, snapshot, at) {
        tracing::warn!("could not cache the snapshot of account {account}: {e}");
    }
    recording.finish(snapshot, at);
}
