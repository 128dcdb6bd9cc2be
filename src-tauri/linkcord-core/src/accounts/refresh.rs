//! One refresh at a time per account, across threads and across processes.
//!
//! Discord's refresh tokens are single-use: two refreshes racing with the same token end with
//! one of them getting `invalid_grant` and the account signed out. So a refresh takes the
//! account's async mutex (threads of this process), then its lock file (other processes: the
//! GUI and a CLI run), then reads the keychain again: if someone else refreshed meanwhile, it
//! uses their token. Otherwise it refreshes and stores the new pair before anyone uses it.
//!
//! Once Discord answered, the old refresh token is dead: if the keychain then refuses the new
//! pair, dropping it would sign the account out. So the pair is kept in memory, handed out,
//! and written to the keychain as soon as it works again: on the next use, before the
//! keychain's dead copy could be, and meanwhile from a background task. Removing an
//! account takes the same locks ([`RefreshCoordinator::hold`]), and a refresh that finds its
//! account gone stores nothing, so a removed account's tokens never come back.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::OffsetDateTime;

use super::lock::FileLock;
use super::{AccountStatus, AccountStore, AccountsError};
use crate::discord::UserId;
use crate::oauth::{OAuthClient, OAuthError};
use crate::secret::AccessToken;
use crate::vault::{TokenRecord, Vault, VaultError};

/// Refresh when less than this is left before the access token expires.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// How long to wait for another process's refresh of the same account.
const LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// Why a token is being replaced.
enum Stale {
    /// Close to expiry, or past it.
    Expiring,
    /// Discord answered 401 to this token.
    Rejected(AccessToken),
}

impl Stale {
    fn applies_to(&self, record: &TokenRecord, now: OffsetDateTime) -> bool {
        record.expires_within(REFRESH_MARGIN, now)
            || matches!(self, Stale::Rejected(t) if record.same_access_token(t))
    }
}

/// A refreshed pair the keychain has not taken yet. Discord already spent the old refresh
/// token, so this is the only live copy: it is handed out from memory and written to the
/// keychain at the next chance.
#[derive(Debug)]
struct Unsaved {
    fresh: TokenRecord,
    /// The access token of the record the keychain still holds, which `fresh` replaces. If
    /// the keychain holds anything else by the time it works again, someone signed in anew
    /// and that pair wins.
    replaces: AccessToken,
}

/// One account's in-process lock and the pair it may be keeping for the keychain.
type Slot = Arc<tokio::sync::Mutex<Option<Unsaved>>>;

/// Pauses between attempts to store a pair Discord just issued: a keychain that hiccups or
/// whose daemon is restarting gets a moment before the pair is kept in memory only.
const STORE_RETRIES: [Duration; 2] = [Duration::from_millis(100), Duration::from_millis(400)];
/// Pauses between the attempts made after that, in the background: soon at first (a daemon
/// restart takes seconds), then once a minute for as long as the process runs.
const STORE_LATER: [Duration; 4] = [
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(5),
    Duration::from_secs(15),
];
const STORE_LATER_EVERY: Duration = Duration::from_secs(60);

/// Hands out valid access tokens, refreshing them one at a time per account.
#[derive(Debug)]
pub struct RefreshCoordinator {
    store: AccountStore,
    per_account: Mutex<HashMap<UserId, Slot>>,
    lock_timeout: Duration,
}

/// Both refresh locks of one account, held: no refresh of it runs in any Linkcord process
/// until this is dropped.
#[derive(Debug)]
pub struct HeldAccount {
    unsaved: tokio::sync::OwnedMutexGuard<Option<Unsaved>>,
    _across_processes: FileLock,
}

impl HeldAccount {
    /// The newest tokens: the pair kept in memory if the keychain has not taken it yet, else
    /// the keychain's.
    pub async fn tokens(
        &self,
        account: &UserId,
        vault: &Vault,
    ) -> Result<Option<TokenRecord>, AccountsError> {
        if let Some(unsaved) = self.unsaved.as_ref() {
            return Ok(Some(unsaved.fresh.clone()));
        }
        Ok(vault.load_tokens(account).await?)
    }

    /// Deletes the account's tokens from the keychain and from memory.
    pub async fn delete_tokens(
        &mut self,
        account: &UserId,
        vault: &Vault,
    ) -> Result<(), AccountsError> {
        *self.unsaved = None;
        vault.delete_tokens(account).await?;
        Ok(())
    }
}

impl RefreshCoordinator {
    pub fn new(store: AccountStore) -> Self {
        Self {
            store,
            per_account: Mutex::new(HashMap::new()),
            lock_timeout: LOCK_TIMEOUT,
        }
    }

    /// A valid access token for `account`, refreshed first if it expires within
    /// [`REFRESH_MARGIN`].
    pub async fn valid_token(
        &self,
        account: &UserId,
        vault: &Vault,
        oauth: &OAuthClient,
    ) -> Result<AccessToken, AccountsError> {
        self.ensure(account, vault, oauth, Stale::Expiring).await
    }

    /// A replacement for `rejected`, which Discord just answered 401 to. If another thread or
    /// process already replaced it, that token is returned without a new refresh.
    pub async fn after_unauthorized(
        &self,
        account: &UserId,
        rejected: &AccessToken,
        vault: &Vault,
        oauth: &OAuthClient,
    ) -> Result<AccessToken, AccountsError> {
        self.ensure(account, vault, oauth, Stale::Rejected(rejected.clone()))
            .await
    }

    /// Stores a pair from a new sign-in, under the same locks as a refresh, so a refresh of
    /// the same account in another thread or process cannot overwrite it with an older pair.
    pub async fn replace_tokens(
        &self,
        account: &UserId,
        record: &TokenRecord,
        vault: &Vault,
    ) -> Result<(), AccountsError> {
        let mut held = self.hold(account).await?;
        vault.store_tokens(account, record).await?;
        // The new sign-in supersedes a pair still waiting for the keychain.
        *held.unsaved = None;
        Ok(())
    }

    /// Takes both refresh locks of `account` (this process's, then the lock file shared with
    /// other processes), for changes that must not interleave with a refresh: removing the
    /// account's tokens.
    pub async fn hold(&self, account: &UserId) -> Result<HeldAccount, AccountsError> {
        let unsaved = self.slot_for(account).lock_owned().await;
        let path = self.store.refresh_lock_path(account);
        let what = format!("the tokens of account {account}");
        let file = FileLock::acquire(&path, self.lock_timeout, &what).await?;
        Ok(HeldAccount {
            unsaved,
            _across_processes: file,
        })
    }

    async fn ensure(
        &self,
        account: &UserId,
        vault: &Vault,
        oauth: &OAuthClient,
        stale: Stale,
    ) -> Result<AccessToken, AccountsError> {
        // The quick way, without the locks: the keychain's token, if nothing newer waits in
        // memory and it is still good.
        if self.slot_for(account).lock().await.is_none() {
            let record = load(vault, account).await?;
            if !stale.applies_to(&record, OffsetDateTime::now_utc()) {
                return Ok(record.access_token);
            }
        }
        let mut held = self.hold(account).await?;
        // Someone may have refreshed while we waited: the keychain is the truth, unless it
        // has yet to take a pair this process holds.
        let record = settle(account, vault, &self.store, &mut held).await?;
        if !stale.applies_to(&record, OffsetDateTime::now_utc()) {
            return Ok(record.access_token);
        }
        if !listed(&self.store, account).await {
            // Removed while we waited: refreshing would bring its tokens back.
            return Err(not_signed_in(account));
        }
        self.refresh(account, record, vault, oauth, &mut held).await
    }

    /// Spends the refresh token and stores the new pair. Called with both locks held.
    async fn refresh(
        &self,
        account: &UserId,
        record: TokenRecord,
        vault: &Vault,
        oauth: &OAuthClient,
        held: &mut HeldAccount,
    ) -> Result<AccessToken, AccountsError> {
        let Some(refresh_token) = record.refresh_token.as_ref() else {
            self.mark_needs_sign_in(account).await;
            return Err(needs_sign_in(account));
        };
        // What the keychain holds: the record refreshed from, or, if that one only lived in
        // memory, the older one the keychain never let go of.
        let replaces = held
            .unsaved
            .take()
            .map_or_else(|| record.access_token.clone(), |u| u.replaces);
        let tokens = match oauth.refresh(refresh_token).await {
            Ok(tokens) => tokens,
            Err(OAuthError::InvalidGrant { .. }) => {
                // Dead for good. The account stays listed, marked; nothing is deleted.
                self.mark_needs_sign_in(account).await;
                return Err(needs_sign_in(account));
            }
            // Network trouble and the like: nothing was spent, the record is kept as it was.
            Err(e) => {
                if !record.same_access_token(&replaces) {
                    keep(
                        held,
                        Unsaved {
                            fresh: record,
                            replaces,
                        },
                    );
                }
                return Err(e.into());
            }
        };
        let fresh = TokenRecord::from_tokens(tokens, OffsetDateTime::now_utc(), Some(&record));
        // The old refresh token is dead now: this pair must not be lost. Stored before anyone
        // sees the new token if the keychain lets us; kept in memory (and stored on a later
        // call) if it does not.
        if let Err(e) = store_with_retries(vault, account, &fresh).await {
            tracing::warn!(
                "could not store the refreshed tokens of {account} ({e}); keeping them in memory and retrying on the next use"
            );
            let token = fresh.access_token.clone();
            keep(held, Unsaved { fresh, replaces });
            let slot = self.slot_for(account);
            store_later(slot, self.store.clone(), account.clone(), vault.clone());
            return Ok(token);
        }
        Ok(fresh.access_token)
    }

    /// Tries, for up to `patience`, to store every pair still kept in memory, and returns the
    /// accounts whose pair the keychain never took. A short-lived process (a CLI command)
    /// calls this before it exits: its background retries die with it, and so would the only
    /// live refresh token.
    pub async fn store_kept(&self, vault: &Vault, patience: Duration) -> Vec<UserId> {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            let mut left = Vec::new();
            for account in self.accounts_seen() {
                if !self.store_kept_one(&account, vault).await {
                    left.push(account);
                }
            }
            if left.is_empty() || tokio::time::Instant::now() >= deadline {
                return left;
            }
            tokio::time::sleep(STORE_RETRIES[1]).await;
        }
    }

    /// True once `account` keeps no pair in memory (stored, superseded, or none to begin with).
    async fn store_kept_one(&self, account: &UserId, vault: &Vault) -> bool {
        // The usual case, with no lock file taken: nothing is kept.
        if self.slot_for(account).lock().await.is_none() {
            return true;
        }
        let Ok(mut held) = self.hold(account).await else {
            return false;
        };
        if held.unsaved.is_some() {
            let _ = settle(account, vault, &self.store, &mut held).await;
        }
        held.unsaved.is_none()
    }

    fn accounts_seen(&self) -> Vec<UserId> {
        let map = self.per_account.lock().expect("refresh map lock");
        map.keys().cloned().collect()
    }

    fn slot_for(&self, account: &UserId) -> Slot {
        self.per_account
            .lock()
            .expect("refresh map lock")
            .entry(account.clone())
            .or_default()
            .clone()
    }

    async fn mark_needs_sign_in(&self, account: &UserId) {
        let now = OffsetDateTime::now_utc();
        if let Err(e) = self
            .store
            .update_async(|index| index.set_status(account, AccountStatus::NeedsSignIn, now))
            .await
        {
            tracing::warn!("could not mark account {account} as needing sign-in: {e}");
        }
    }
}

/// The current record, called with both locks held. A pair kept in memory is written to the
/// keychain first if it works again; until then it is the current one.
async fn settle(
    account: &UserId,
    vault: &Vault,
    store: &AccountStore,
    held: &mut HeldAccount,
) -> Result<TokenRecord, AccountsError> {
    let Some(unsaved) = held.unsaved.take() else {
        return load(vault, account).await;
    };
    match vault.load_tokens(account).await {
        // Removing an account deletes its tokens, then its index entry, under these locks:
        // with the entry still there, the account was not removed. A keychain daemon started
        // anew and still locked answers "no such entry" like this, and dropping the pair
        // then would lose the only live refresh token.
        Ok(None) if listed(store, account).await => {
            Ok(store_kept(account, vault, held, unsaved).await)
        }
        // The account was removed meanwhile: the pair goes with it.
        Ok(None) => Err(not_signed_in(account)),
        Ok(Some(kept)) if kept.same_access_token(&unsaved.replaces) => {
            Ok(store_kept(account, vault, held, unsaved).await)
        }
        // A new sign-in stored a pair of its own meanwhile: it is newer than ours.
        Ok(Some(kept)) => Ok(kept),
        Err(e) => {
            tracing::warn!("the keychain cannot be read for {account}: {e}");
            Ok(keep(held, unsaved))
        }
    }
}

/// Writes the kept pair to the keychain, or keeps it in memory while the keychain refuses.
async fn store_kept(
    account: &UserId,
    vault: &Vault,
    held: &mut HeldAccount,
    unsaved: Unsaved,
) -> TokenRecord {
    match vault.store_tokens(account, &unsaved.fresh).await {
        Ok(()) => unsaved.fresh,
        Err(e) => {
            tracing::warn!("the keychain still cannot store the tokens of {account}: {e}");
            keep(held, unsaved)
        }
    }
}

/// Whether the index still lists `account`. An index that cannot be read says yes: the
/// keychain entry is what decides then.
async fn listed(store: &AccountStore, account: &UserId) -> bool {
    store
        .load_async()
        .await
        .map_or(true, |loaded| loaded.index.get(account).is_some())
}

/// Keeps trying to store the pair kept in memory for `account`, without waiting for the
/// next use: a window left idle, then closed, would otherwise lose it. Ends once the pair is
/// stored or superseded (a new sign-in, the account removed).
fn store_later(slot: Slot, store: AccountStore, account: UserId, vault: Vault) {
    tokio::spawn(async move {
        for pause in STORE_LATER
            .iter()
            .chain(std::iter::repeat(&STORE_LATER_EVERY))
        {
            tokio::time::sleep(*pause).await;
            let unsaved = slot.clone().lock_owned().await;
            if unsaved.is_none() {
                return;
            }
            let what = format!("the tokens of account {account}");
            let lock_path = store.refresh_lock_path(&account);
            let Ok(file) = FileLock::acquire(&lock_path, LOCK_TIMEOUT, &what).await else {
                continue;
            };
            let mut held = HeldAccount {
                unsaved,
                _across_processes: file,
            };
            let _ = settle(&account, &vault, &store, &mut held).await;
            if held.unsaved.is_none() {
                return;
            }
        }
    });
}

/// Keeps `unsaved` in memory and returns its record.
fn keep(held: &mut HeldAccount, unsaved: Unsaved) -> TokenRecord {
    let record = unsaved.fresh.clone();
    *held.unsaved = Some(unsaved);
    record
}

async fn store_with_retries(
    vault: &Vault,
    account: &UserId,
    record: &TokenRecord,
) -> Result<(), VaultError> {
    let mut result = vault.store_tokens(account, record).await;
    for pause in STORE_RETRIES {
        let Err(e) = &result else { break };
        tracing::warn!("storing the refreshed tokens of {account} failed ({e}); retrying");
        tokio::time::sleep(pause).await;
        result = vault.store_tokens(account, record).await;
    }
    result
}

async fn load(vault: &Vault, account: &UserId) -> Result<TokenRecord, AccountsError> {
    vault
        .load_tokens(account)
        .await?
        .ok_or_else(|| not_signed_in(account))
}

fn not_signed_in(account: &UserId) -> AccountsError {
    AccountsError::NotSignedIn {
        account: account.to_string(),
    }
}

fn needs_sign_in(account: &UserId) -> AccountsError {
    AccountsError::NeedsSignIn {
        account: account.to_string(),
    }
}
