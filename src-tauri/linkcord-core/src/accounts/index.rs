use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::AccountsError;
use crate::discord::UserId;
use crate::oauth::Scopes;

/// The format version of `accounts.json` this build writes. A file with a higher one was
/// written by a newer Linkcord: it is kept aside rather than misread.
pub const INDEX_VERSION: u32 = 1;

/// Whether an account's tokens still work, as far as Linkcord knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountStatus {
    Ok,
    /// Discord refused the refresh token (`invalid_grant`): revoked, expired or the app was
    /// removed. The account stays listed until the user signs in again or removes it.
    NeedsSignIn,
}

/// One account in the index. What is shown before any network call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountEntry {
    pub id: UserId,
    pub username: String,
    #[serde(default)]
    pub display_name: Option<String>,
    /// The avatar hash, for CDN URLs.
    #[serde(default)]
    pub avatar: Option<String>,
    #[serde(default)]
    pub scopes: Scopes,
    pub status: AccountStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub added_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// `accounts.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountIndex {
    pub version: u32,
    #[serde(default)]
    pub active: Option<UserId>,
    #[serde(default)]
    pub accounts: Vec<AccountEntry>,
}

impl Default for AccountIndex {
    fn default() -> Self {
        Self {
            version: INDEX_VERSION,
            active: None,
            accounts: Vec::new(),
        }
    }
}

/// What the index keeps about a user, taken from `/users/@me` (or a cached profile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub id: UserId,
    pub username: String,
    pub display_name: Option<String>,
    pub avatar: Option<String>,
}

impl AccountIndex {
    pub fn get(&self, id: &UserId) -> Option<&AccountEntry> {
        self.accounts.iter().find(|a| &a.id == id)
    }

    fn get_mut(&mut self, id: &UserId) -> Option<&mut AccountEntry> {
        self.accounts.iter_mut().find(|a| &a.id == id)
    }

    /// Finds an account by user id, then by username (case-insensitive, with or without `@`).
    pub fn find(&self, key: &str) -> Result<&AccountEntry, AccountsError> {
        let key = key.trim();
        if let Ok(id) = key.parse::<UserId>()
            && let Some(found) = self.get(&id)
        {
            return Ok(found);
        }
        let name = key.trim_start_matches('@');
        let mut matches = self
            .accounts
            .iter()
            .filter(|a| a.username.eq_ignore_ascii_case(name));
        match (matches.next(), matches.next()) {
            (Some(found), None) => Ok(found),
            (Some(_), Some(_)) => Err(AccountsError::Ambiguous { key: key.into() }),
            (None, _) => Err(AccountsError::NoSuchAccount { key: key.into() }),
        }
    }

    /// The active account, if any.
    pub fn active_entry(&self) -> Option<&AccountEntry> {
        self.active.as_ref().and_then(|id| self.get(id))
    }

    /// Adds the account or updates the known one (signing in again never duplicates it).
    pub fn upsert(&mut self, who: Identity, scopes: Scopes, now: OffsetDateTime) -> &AccountEntry {
        if let Some(i) = self.accounts.iter().position(|a| a.id == who.id) {
            let entry = &mut self.accounts[i];
            entry.username = who.username;
            entry.display_name = who.display_name;
            entry.avatar = who.avatar;
            entry.scopes = scopes;
            entry.status = AccountStatus::Ok;
            entry.updated_at = now;
            return &self.accounts[i];
        }
        self.accounts.push(AccountEntry {
            id: who.id,
            username: who.username,
            display_name: who.display_name,
            avatar: who.avatar,
            scopes,
            status: AccountStatus::Ok,
            added_at: now,
            updated_at: now,
        });
        self.accounts.last().expect("just pushed")
    }

    pub fn set_status(&mut self, id: &UserId, status: AccountStatus, now: OffsetDateTime) {
        if let Some(entry) = self.get_mut(id) {
            entry.status = status;
            entry.updated_at = now;
        }
    }

    /// Makes `id` the active account; false if it is not in the index.
    pub fn set_active(&mut self, id: &UserId) -> bool {
        let known = self.get(id).is_some();
        if known {
            self.active = Some(id.clone());
        }
        known
    }

    /// Removes an account; if it was active, the first remaining one becomes active.
    pub fn remove(&mut self, id: &UserId) -> Option<AccountEntry> {
        let i = self.accounts.iter().position(|a| &a.id == id)?;
        let removed = self.accounts.remove(i);
        if self.active.as_ref() == Some(id) {
            self.active = self.accounts.first().map(|a| a.id.clone());
        }
        Some(removed)
    }

    /// Keeps `active` pointing at a listed account.
    pub(crate) fn normalise(&mut self) {
        if self
            .active
            .as_ref()
            .is_some_and(|id| self.get(id).is_none())
        {
            self.active = self.accounts.first().map(|a| a.id.clone());
        }
        self.version = INDEX_VERSION;
    }
}
