//! `changes/<user id>.json`: the bounded change history of one account.
//!
//! Every read-change-write happens under the account's history lock
//! (`locks/<user id>.changes.lock`), shared by the app and any CLI run. A file that cannot be
//! read (damaged, or written by a newer Linkcord) is kept aside and the history starts again:
//! losing a list of past changes is better than refusing to refresh.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::ChangesError;
use super::kind::{Change, ChangeKind};
use crate::accounts::{AccountStore, FileLock};
use crate::discord::UserId;
use crate::files;

/// The format version of `changes/<user id>.json`.
pub const HISTORY_VERSION: u32 = 1;
/// At most this many changes are kept per account (the newest).
pub const MAX_CHANGES: usize = 500;
/// Changes older than this are dropped (90 days).
pub const MAX_AGE: time::Duration = time::Duration::days(90);

const LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// One account's history, newest change first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct History {
    pub version: u32,
    pub id: UserId,
    /// Changes at or before this time have been seen (shown in the window).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub seen_until: Option<OffsetDateTime>,
    /// Whether the account was last known to need sign-in, so that state is recorded once
    /// when it starts and once when it ends.
    #[serde(default)]
    pub needs_sign_in: bool,
    #[serde(default)]
    pub changes: Vec<Change>,
}

impl History {
    pub fn empty(id: UserId) -> Self {
        Self {
            version: HISTORY_VERSION,
            id,
            seen_until: None,
            needs_sign_in: false,
            changes: Vec::new(),
        }
    }

    /// How many changes have not been seen yet.
    pub fn unseen(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| self.seen_until.is_none_or(|seen| c.at > seen))
            .count()
    }

    /// The changes recorded by the refresh whose snapshot was fetched at `at`.
    pub fn recorded_at(&self, at: OffsetDateTime) -> Vec<Change> {
        self.changes
            .iter()
            .filter(|c| c.at == at)
            .cloned()
            .collect()
    }

    /// Adds changes seen at `at` (in their order, before older ones), then drops what is
    /// older than [`MAX_AGE`] before `now` and what is beyond [`MAX_CHANGES`].
    pub fn push(&mut self, kinds: Vec<ChangeKind>, at: OffsetDateTime, now: OffsetDateTime) {
        let fresh = kinds.into_iter().map(|kind| Change {
            account: self.id.clone(),
            at,
            kind,
        });
        let mut all: Vec<Change> = fresh.chain(self.changes.drain(..)).collect();
        // Newest first; a stable sort keeps one refresh's changes in their order.
        all.sort_by_key(|c| std::cmp::Reverse(c.at));
        all.retain(|c| c.at >= now - MAX_AGE);
        all.truncate(MAX_CHANGES);
        self.changes = all;
    }
}

/// The change histories under a data dir.
#[derive(Debug, Clone)]
pub struct ChangeLog {
    dir: PathBuf,
}

impl ChangeLog {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.to_owned(),
        }
    }

    pub fn for_store(store: &AccountStore) -> Self {
        Self::new(store.data_dir())
    }

    pub fn path(&self, id: &UserId) -> PathBuf {
        self.dir.join("changes").join(format!("{id}.json"))
    }

    fn lock_path(&self, id: &UserId) -> PathBuf {
        self.dir.join("locks").join(format!("{id}.changes.lock"))
    }

    pub(super) fn lock(&self, id: &UserId) -> Result<FileLock, ChangesError> {
        let what = format!("the change history of account {id}");
        Ok(FileLock::acquire_blocking(
            &self.lock_path(id),
            LOCK_TIMEOUT,
            &what,
        )?)
    }

    /// The history of `id` (empty when there is none). A damaged file is kept aside as
    /// `<name>.damaged-<time>` and reads as empty.
    pub fn read(&self, id: &UserId) -> Result<History, ChangesError> {
        let path = self.path(id);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(History::empty(id.clone()));
            }
            Err(e) => return Err(ChangesError::io(&path)(e)),
        };
        match parse(&bytes) {
            Ok(history) if &history.id == id => Ok(history),
            other => {
                let reason = other
                    .err()
                    .unwrap_or_else(|| "another account's history".into());
                let kept = files::quarantine(&path).map_err(ChangesError::io(&path))?;
                tracing::warn!(
                    "the change history {} was unusable ({reason}); kept as {} and started again",
                    path.display(),
                    kept.display()
                );
                Ok(History::empty(id.clone()))
            }
        }
    }

    pub(super) fn write(&self, history: &History) -> Result<(), ChangesError> {
        let path = self.path(&history.id);
        let json = serde_json::to_vec_pretty(history).expect("a history serialises");
        files::write_atomic(&path, &json).map_err(ChangesError::io(&path))
    }

    /// Reads, changes and writes the history of `id` under its lock.
    pub fn update<R>(
        &self,
        id: &UserId,
        change: impl FnOnce(&mut History) -> R,
    ) -> Result<R, ChangesError> {
        let _lock = self.lock(id)?;
        let mut history = self.read(id)?;
        let result = change(&mut history);
        self.write(&history)?;
        Ok(result)
    }

    /// Marks every change up to `until` as seen.
    pub fn mark_seen(&self, id: &UserId, until: OffsetDateTime) -> Result<(), ChangesError> {
        self.update(id, |h| {
            h.seen_until = Some(h.seen_until.map_or(until, |seen| seen.max(until)));
        })
    }

    /// Records that Discord no longer accepts the account's sign-in, unless that is already
    /// the last thing known. Returns the change when one was recorded.
    pub fn record_needs_sign_in(
        &self,
        id: &UserId,
        at: OffsetDateTime,
    ) -> Result<Option<Change>, ChangesError> {
        self.update(id, |h| {
            if h.needs_sign_in {
                return None;
            }
            h.needs_sign_in = true;
            h.push(vec![ChangeKind::NeedsSignIn {}], at, at);
            h.changes.first().cloned()
        })
    }

    /// Deletes the history of an account that was removed.
    pub fn forget(&self, id: &UserId) -> Result<(), ChangesError> {
        let _lock = self.lock(id)?;
        let path = self.path(id);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(ChangesError::io(&path)(e)),
        }
    }
}

fn parse(bytes: &[u8]) -> Result<History, String> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v > u64::from(HISTORY_VERSION) => {
            return Err(format!("written by a newer Linkcord (format {v})"));
        }
        Some(_) => {}
        None => return Err("no format version".into()),
    }
    serde_json::from_value(value).map_err(|e| format!("unexpected content: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::GuildRef;

    fn id() -> UserId {
        "1098765432109876543".parse().unwrap()
    }

    fn joined(n: u64) -> ChangeKind {
        ChangeKind::GuildJoined(GuildRef {
            id: format!("{}", 1101000000000000000 + n).parse().unwrap(),
            name: format!("Server {n}"),
        })
    }

    #[test]
    fn push_keeps_newest_first_the_last_500_and_nothing_older_than_90_days() {
        let now = OffsetDateTime::now_utc();
        let mut history = History::empty(id());
        history.push(
            vec![joined(0)],
            now - time::Duration::days(91),
            now - time::Duration::days(91),
        );
        history.push(vec![joined(1)], now - time::Duration::days(89), now);
        assert_eq!(history.changes.len(), 1, "the 91-day-old change is gone");
        for n in 0..600 {
            history.push(
                vec![joined(n)],
                now + time::Duration::seconds(n as i64),
                now,
            );
        }
        assert_eq!(history.changes.len(), MAX_CHANGES);
        assert!(
            history.changes.windows(2).all(|w| w[0].at >= w[1].at),
            "newest first"
        );
        assert_eq!(history.changes[0].kind, joined(599));
    }

    #[test]
    fn one_refresh_keeps_its_order_and_is_found_by_its_time() {
        let at = OffsetDateTime::now_utc();
        let mut history = History::empty(id());
        history.push(vec![joined(1)], at - time::Duration::hours(1), at);
        history.push(vec![joined(2), joined(3)], at, at);
        let recorded: Vec<_> = history
            .recorded_at(at)
            .into_iter()
            .map(|c| c.kind)
            .collect();
        assert_eq!(recorded, [joined(2), joined(3)]);
    }

    #[test]
    fn unseen_counts_what_came_after_the_seen_mark() {
        let dir = tempfile::tempdir().unwrap();
        let log = ChangeLog::new(dir.path());
        let at = OffsetDateTime::now_utc();
        log.update(&id(), |h| {
            h.push(vec![joined(1)], at - time::Duration::hours(1), at);
            h.push(vec![joined(2), joined(3)], at, at);
        })
        .unwrap();
        assert_eq!(log.read(&id()).unwrap().unseen(), 3);
        log.mark_seen(&id(), at - time::Duration::minutes(1))
            .unwrap();
        assert_eq!(log.read(&id()).unwrap().unseen(), 2);
        log.mark_seen(&id(), at).unwrap();
        log.mark_seen(&id(), at - time::Duration::hours(5)).unwrap();
        assert_eq!(
            log.read(&id()).unwrap().unseen(),
            0,
            "the mark never goes back"
        );
    }

    #[test]
    fn needs_sign_in_is_recorded_once() {
        let dir = tempfile::tempdir().unwrap();
        let log = ChangeLog::new(dir.path());
        let at = OffsetDateTime::now_utc();
        let first = log.record_needs_sign_in(&id(), at).unwrap();
        assert_eq!(first.unwrap().kind, ChangeKind::NeedsSignIn {});
        assert!(log.record_needs_sign_in(&id(), at).unwrap().is_none());
        let history = log.read(&id()).unwrap();
        assert!(history.needs_sign_in);
        assert_eq!(history.changes.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_and_a_damaged_one_is_kept_aside_and_restarted() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let log = ChangeLog::new(dir.path());
        let at = OffsetDateTime::now_utc();
        log.record_needs_sign_in(&id(), at).unwrap();
        let path = log.path(&id());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        for damage in [
            &b"{not json"[..],
            br#"{"version": 99, "id": "1098765432109876543"}"#,
            br#"{"version": 1, "id": "42"}"#,
        ] {
            std::fs::write(&path, damage).unwrap();
            let history = log.read(&id()).unwrap();
            assert_eq!(history, History::empty(id()));
            assert!(!path.exists(), "moved aside");
        }
        let kept = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
            .count();
        assert_eq!(kept, 3);
        log.record_needs_sign_in(&id(), at).unwrap();
        assert_eq!(
            log.read(&id()).unwrap().changes.len(),
            1,
            "a new history starts"
        );
    }
}
