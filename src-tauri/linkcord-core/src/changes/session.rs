//! What the shells call: a refresh that says what it recorded, an account's history, and
//! marking it seen. (The recording itself happens inside every snapshot write, see
//! [`super::Recording`]; these only read it back and add what a failed refresh means.)

use time::OffsetDateTime;

use super::ChangesError;
use super::history::{ChangeLog, History};
use super::kind::Change;
use crate::accounts::AccountStatus;
use crate::discord::UserId;
use crate::session::{CachedSnapshot, Session, SessionError};

/// A finished refresh and the changes it recorded (none for an account's first snapshot).
#[derive(Debug, Clone)]
pub struct Refreshed {
    pub snapshot: CachedSnapshot,
    pub changes: Vec<Change>,
}

impl Session {
    fn change_log(&self) -> ChangeLog {
        ChangeLog::for_store(self.account_store())
    }

    /// Refreshes `account` from Discord like [`Session::refresh_snapshot`] and returns what
    /// changed. When the refresh fails because Discord no longer accepts the account's
    /// sign-in, that is recorded as a `needs_sign_in` change (once, until it recovers).
    pub async fn refresh_recording(&self, account: &UserId) -> Result<Refreshed, SessionError> {
        match self.refresh_snapshot(account).await {
            Ok(snapshot) => {
                let changes = self
                    .change_log()
                    .read(account)
                    .map(|h| h.recorded_at(snapshot.fetched_at))
                    .unwrap_or_default();
                Ok(Refreshed { snapshot, changes })
            }
            Err(error) => {
                self.note_needs_sign_in(account);
                Err(error)
            }
        }
    }

    /// Records `needs_sign_in` if the index now says so of `account`.
    fn note_needs_sign_in(&self, account: &UserId) {
        let needs = self.account_store().peek().is_some_and(|index| {
            index
                .get(account)
                .is_some_and(|a| a.status == AccountStatus::NeedsSignIn)
        });
        if needs
            && let Err(e) = self
                .change_log()
                .record_needs_sign_in(account, OffsetDateTime::now_utc())
        {
            tracing::warn!("could not record that account {account} needs sign-in: {e}");
        }
    }

    /// The change history of `account`, newest first, with what has been seen.
    pub fn change_history(&self, account: &UserId) -> Result<History, ChangesError> {
        self.change_log().read(account)
    }

    /// Marks the changes of `account` up to `until` as seen (clears its "unseen" count).
    pub fn mark_changes_seen(
        &self,
        account: &UserId,
        until: OffsetDateTime,
    ) -> Result<(), ChangesError> {
        self.change_log().mark_seen(account, until)
    }
}
