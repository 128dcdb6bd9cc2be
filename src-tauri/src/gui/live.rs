//! What the running app knows about each account beyond the index: a refresh under way, or
//! the last one having failed (offline, with the reason). Lost when the app quits, on purpose:
//! the index keeps only what stays true (whether the tokens work).

use std::collections::HashMap;
use std::sync::Mutex;

use linkcord_core::discord::UserId;

use crate::models::AccountStatus;

/// The live state of one account while the app runs.
#[derive(Debug, Clone)]
pub struct Live {
    pub status: AccountStatus,
    /// Why the last refresh failed, in words for the user.
    pub last_error: Option<String>,
}

#[derive(Default)]
pub struct LiveStatuses(Mutex<HashMap<UserId, Live>>);

impl LiveStatuses {
    pub fn get(&self, id: &UserId) -> Option<Live> {
        self.lock().get(id).cloned()
    }

    pub fn set(&self, id: &UserId, status: AccountStatus, last_error: Option<String>) {
        self.lock().insert(id.clone(), Live { status, last_error });
    }

    pub fn forget(&self, id: &UserId) {
        self.lock().remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<UserId, Live>> {
        self.0.lock().expect("live lock")
    }
}
