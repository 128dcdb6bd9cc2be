//! The hook where a fresh snapshot replaces the cached one.
//!
//! The session calls [`Recording::begin`] before it writes the cache and
//! [`Recording::finish`] after. Between the two the account's history lock is held, so two
//! processes refreshing the same account at once never both compare against the same old
//! snapshot (which would record every change twice). The cache write itself takes the cache
//! lock inside this one, always in that order.

use time::OffsetDateTime;

use super::diff::diff;
use super::history::ChangeLog;
use super::kind::{Change, ChangeKind};
use crate::accounts::{AccountStore, FileLock};
use crate::discord::{Snapshot, UserId};

/// A snapshot replacement under way: the old snapshot, read under the history lock.
pub struct Recording {
    log: ChangeLog,
    store: AccountStore,
    account: UserId,
    old: Option<Snapshot>,
    lock: Option<FileLock>,
}

impl Recording {
    /// Takes the history lock of `account` and reads the snapshot about to be replaced with
    /// `read_old`. If the lock cannot be had, nothing will be recorded (and the refresh goes
    /// on: the history is never a reason to fail one).
    pub fn begin(
        store: &AccountStore,
        account: &UserId,
        read_old: impl FnOnce() -> Option<Snapshot>,
    ) -> Self {
        let log = ChangeLog::for_store(store);
        let lock = log
            .lock(account)
            .inspect_err(|e| tracing::warn!("changes of account {account} not recorded: {e}"))
            .ok();
        let old = lock.as_ref().and_then(|_| read_old());
        Self {
            log,
            store: store.clone(),
            account: account.clone(),
            old,
            lock,
        }
    }

    /// Records what changed from the old snapshot to `new` (fetched at `at`) and returns it.
    /// With no old snapshot (the account's first) nothing is recorded: it is the baseline.
    /// An account that needed sign-in and now gave a snapshot records that it works again.
    pub fn finish(self, new: &Snapshot, at: OffsetDateTime) -> Vec<Change> {
        let Some(_lock) = self.lock else {
            return Vec::new();
        };
        // Removed meanwhile (logout while refreshing): its history must not come back.
        if let Some(index) = self.store.peek()
            && index.get(&self.account).is_none()
        {
            return Vec::new();
        }
        let result = (|| {
            let mut history = self.log.read(&self.account)?;
            let mut kinds = Vec::new();
            if history.needs_sign_in {
                history.needs_sign_in = false;
                kinds.push(ChangeKind::SignInRestored {});
            }
            if let Some(old) = &self.old {
                kinds.extend(diff(old, new));
            }
            if kinds.is_empty() && self.log.path(&self.account).exists() {
                return Ok(Vec::new());
            }
            history.push(kinds, at, OffsetDateTime::now_utc());
            self.log.write(&history)?;
            Ok::<_, super::ChangesError>(history.recorded_at(at))
        })();
        result.unwrap_or_else(|e| {
            tracing::warn!("changes of account {} not recorded: {e}", self.account);
            Vec::new()
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::accounts::Identity;
    use crate::discord::Section;
    use crate::oauth::Scopes;

    fn id() -> UserId {
        "1098765432109876543".parse().unwrap()
    }

    fn listed_store(dir: &std::path::Path) -> AccountStore {
        let store = AccountStore::new(dir);
        let who = Identity {
            id: id(),
            username: "ava".into(),
            display_name: None,
            avatar: None,
        };
        store
            .update(|index| {
                index.upsert(who, Scopes::new::<_, &str>([]), OffsetDateTime::now_utc());
            })
            .unwrap();
        store
    }

    fn snapshot(connection_revoked: bool) -> Snapshot {
        serde_json::from_value(json!({
            "user": {"id": "1098765432109876543", "username": "ava"},
            "connections": {"status": "granted", "items": [
                {"id": "1", "name": "gh", "type": "github", "revoked": connection_revoked}
            ]},
            "guilds": {"status": "not_granted"}
        }))
        .unwrap()
    }

    #[test]
    fn the_first_snapshot_is_a_baseline_and_the_next_records_the_difference() {
        let dir = tempfile::tempdir().unwrap();
        let store = listed_store(dir.path());
        let log = ChangeLog::for_store(&store);
        let at = OffsetDateTime::now_utc();
        assert!(
            Recording::begin(&store, &id(), || None)
                .finish(&snapshot(false), at)
                .is_empty()
        );
        assert!(
            log.path(&id()).exists(),
            "the baseline leaves an empty history"
        );
        assert!(log.read(&id()).unwrap().changes.is_empty());

        let later = at + time::Duration::minutes(5);
        let recorded = Recording::begin(&store, &id(), || Some(snapshot(false)))
            .finish(&snapshot(true), later);
        assert_eq!(recorded.len(), 1);
        assert_eq!(recorded[0].kind.name(), "connection_revoked");
        assert_eq!((recorded[0].account.clone(), recorded[0].at), (id(), later));
        assert_eq!(log.read(&id()).unwrap().changes, recorded);
    }

    #[test]
    fn a_snapshot_after_needing_sign_in_records_the_recovery() {
        let dir = tempfile::tempdir().unwrap();
        let store = listed_store(dir.path());
        let log = ChangeLog::for_store(&store);
        let at = OffsetDateTime::now_utc();
        log.record_needs_sign_in(&id(), at).unwrap();
        let later = at + time::Duration::minutes(1);
        let recorded = Recording::begin(&store, &id(), || Some(snapshot(false)))
            .finish(&snapshot(false), later);
        let names: Vec<_> = recorded.iter().map(|c| c.kind.name()).collect();
        assert_eq!(names, ["sign_in_restored"]);
        assert!(!log.read(&id()).unwrap().needs_sign_in);
    }

    #[test]
    fn an_account_removed_meanwhile_gets_no_history() {
        let dir = tempfile::tempdir().unwrap();
        let store = listed_store(dir.path());
        let at = OffsetDateTime::now_utc();
        let recording = Recording::begin(&store, &id(), || Some(snapshot(false)));
        store.update(|index| index.remove(&id())).unwrap();
        assert!(recording.finish(&snapshot(true), at).is_empty());
        assert!(!ChangeLog::for_store(&store).path(&id()).exists());
    }

    #[test]
    fn a_scope_change_between_snapshots_records_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = listed_store(dir.path());
        let mut narrower = snapshot(true);
        narrower.connections = Section::NotGranted;
        let at = OffsetDateTime::now_utc();
        let recorded =
            Recording::begin(&store, &id(), || Some(snapshot(false))).finish(&narrower, at);
        assert!(recorded.is_empty());
    }
}
