use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::AccountsError;
use crate::discord::{User, UserId};
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
    /// The profile banner hash, for CDN URLs. Kept here (with the discriminator) so the
    /// switchers can name every account's images from the index alone, without opening the
    /// cache file of each one.
    #[serde(default)]
    pub banner: Option<String>,
    /// `"0"` on the new username system, the legacy tag otherwise; picks the default avatar.
    #[serde(default)]
    pub discriminator: Option<String>,
    #[serde(default)]
    pub scopes: Scopes,
    pub status: AccountStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub added_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// When the account was last made active (a switch or a sign-in, from any front end);
    /// the tray lists the most recently used first. Absent in files from older versions.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
}

impl AccountEntry {
    /// What the index knows of the account as a Discord user: enough for its avatar and
    /// banner URLs (`cdn::avatar_url`, `User::view`), nothing that needs the cache.
    pub fn as_user(&self) -> User {
        let known = serde_json::json!({
            "id": self.id,
            "username": self.username,
            "global_name": self.display_name,
            "discriminator": self.discriminator.as_deref().unwrap_or("0"),
            "avatar": self.avatar,
            "banner": self.banner,
        });
        serde_json::from_value(known).expect("id and username are all a User needs")
    }

    /// Whether the index already shows `user` as Discord last sent it (names and images).
    pub fn shows(&self, user: &User) -> bool {
        self.username == user.username
            && self.display_name == user.global_name
            && self.avatar == user.avatar
            && self.banner == user.banner
            && self.discriminator.as_deref() == Some(user.discriminator.as_str())
    }
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
            banner: None,
            discriminator: None,
            scopes,
            status: AccountStatus::Ok,
            added_at: now,
            updated_at: now,
            last_used_at: None,
        });
        self.accounts.last().expect("just pushed")
    }

    pub fn set_status(&mut self, id: &UserId, status: AccountStatus, now: OffsetDateTime) {
        if let Some(entry) = self.get_mut(id) {
            entry.status = status;
            entry.updated_at = now;
        }
    }

    /// Makes `id` the active account and records when it was used; false if it is not in
    /// the index.
    pub fn set_active(&mut self, id: &UserId) -> bool {
        let Some(entry) = self.get_mut(id) else {
            return false;
        };
        entry.last_used_at = Some(OffsetDateTime::now_utc());
        self.active = Some(id.clone());
        true
    }

    /// Takes the names and image hashes of a fresh `/users/@me` into the account's entry, so
    /// views built from the index alone show what Discord shows. False when the account is
    /// not listed or nothing changed.
    pub fn remember_user(&mut self, user: &User, now: OffsetDateTime) -> bool {
        let Some(entry) = self.get_mut(&user.id) else {
            return false;
        };
        if entry.shows(user) {
            return false;
        }
        entry.username = user.username.clone();
        entry.display_name = user.global_name.clone();
        entry.avatar = user.avatar.clone();
        entry.banner = user.banner.clone();
        entry.discriminator = Some(user.discriminator.clone());
        entry.updated_at = now;
        true
    }

    /// The accounts, most recently used first; those never used (or not since this was
    /// recorded) follow in the order they were added.
    pub fn by_last_use(&self) -> Vec<&AccountEntry> {
        let mut entries: Vec<&AccountEntry> = self.accounts.iter().collect();
        // Stable: equal times (and all the `None`s) keep the index order.
        entries.sort_by_key(|e| std::cmp::Reverse(e.last_used_at));
        entries
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

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, avatar: Option<&str>, banner: Option<&str>) -> User {
        serde_json::from_value(serde_json::json!({
            "id": id, "username": "ava", "global_name": "Ava", "discriminator": "0",
            "avatar": avatar, "banner": banner,
        }))
        .unwrap()
    }

    fn index_of(ids: &[&str]) -> AccountIndex {
        let mut index = AccountIndex::default();
        for id in ids {
            let who = Identity {
                id: id.parse().unwrap(),
                username: format!("u{id}"),
                display_name: None,
                avatar: None,
            };
            index.upsert(who, Scopes::default(), OffsetDateTime::now_utc());
        }
        index
    }

    fn order(index: &AccountIndex) -> Vec<String> {
        index
            .by_last_use()
            .iter()
            .map(|e| e.id.to_string())
            .collect()
    }

    #[test]
    fn the_last_used_come_first_and_the_never_used_keep_their_order() {
        let mut index = index_of(&["11", "22", "33", "44"]);
        assert_eq!(order(&index), ["11", "22", "33", "44"]);
        index.set_active(&"33".parse().unwrap());
        std::thread::sleep(std::time::Duration::from_millis(2));
        index.set_active(&"22".parse().unwrap());
        assert_eq!(order(&index), ["22", "33", "11", "44"]);
        assert!(!index.set_active(&"99".parse().unwrap()));
    }

    #[test]
    fn a_fresh_profile_is_remembered_once_and_names_the_images() {
        let mut index = index_of(&["11"]);
        let fresh = user("11", Some("a_1f"), Some("b2"));
        assert!(index.remember_user(&fresh, OffsetDateTime::now_utc()));
        assert!(
            !index.remember_user(&fresh, OffsetDateTime::now_utc()),
            "nothing changed the second time"
        );
        let entry = &index.accounts[0];
        assert!(entry.shows(&fresh));
        let known = entry.as_user();
        assert_eq!(
            (known.avatar.as_deref(), known.banner.as_deref()),
            (Some("a_1f"), Some("b2"))
        );
        assert!(!index.remember_user(&user("99", None, None), OffsetDateTime::now_utc()));
    }

    #[test]
    fn an_index_from_an_older_version_reads_without_the_new_fields() {
        let old = r#"{"version":1,"active":"11","accounts":[{"id":"11","username":"ava",
            "status":"ok","addedAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z"}]}"#;
        let index: AccountIndex = serde_json::from_str(old).unwrap();
        let entry = &index.accounts[0];
        assert_eq!((entry.last_used_at, entry.banner.as_deref()), (None, None));
        assert_eq!(entry.as_user().discriminator, "0");
    }
}
