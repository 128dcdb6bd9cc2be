//! One refresh at a time per account, across threads and across processes.
//!
//! Discord's refresh tokens are single-use: two refreshes racing with the same token end with
//! one of them getting `invalid_grant` and the account signed out. So a refresh takes the
//! account's async mutex (threads of this process), then its lock file (other processes: the
//! GUI and a CLI run), then reads the keychain again: if someone else refreshed meanwhile, it
//! uses their token. Otherwise it refreshes and stores the new pair before anyone uses it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::OffsetDateTime;

use super::lock::FileLock;
use super::{AccountStatus, AccountStore, AccountsError};
use crate::discord::UserId;
use crate::oauth::{OAuthClient, OAuthError};
use crate::secret::AccessToken;
use crate::vault::{TokenRecord, Vault};

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

/// Hands out valid access tokens, refreshing them one at a time per account.
#[derive(Debug)]
pub struct RefreshCoordinator {
    store: AccountStore,
    per_account: Mutex<HashMap<UserId, Arc<tokio::sync::Mutex<()>>>>,
    lock_timeout: Duration,
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
        let mutex = self.mutex_for(account);
        let _in_process = mutex.lock().await;
        let _across_processes = self.lock_file(account).await?;
        vault.store_tokens(account, record).await?;
        Ok(())
    }

    async fn lock_file(&self, account: &UserId) -> Result<FileLock, AccountsError> {
        let path = self.store.refresh_lock_path(account);
        let what = format!("the tokens of account {account}");
        FileLock::acquire(&path, self.lock_timeout, &what).await
    }

    async fn ensure(
        &self,
        account: &UserId,
        vault: &Vault,
        oauth: &OAuthClient,
        stale: Stale,
    ) -> Result<AccessToken, AccountsError> {
        let record = load(vault, account).await?;
        if !stale.applies_to(&record, OffsetDateTime::now_utc()) {
            return Ok(record.access_token);
        }
        let mutex = self.mutex_for(account);
        let _in_process = mutex.lock().await;
        let _across_processes = self.lock_file(account).await?;
        // Someone may have refreshed while we waited: the keychain is the truth.
        let record = load(vault, account).await?;
        if !stale.applies_to(&record, OffsetDateTime::now_utc()) {
            return Ok(record.access_token);
        }
        self.refresh(account, record, vault, oauth).await
    }

    /// Spends the refresh token and stores the new pair. Called with both locks held.
    async fn refresh(
        &self,
        account: &UserId,
        record: TokenRecord,
        vault: &Vault,
        oauth: &OAuthClient,
    ) -> Result<AccessToken, AccountsError> {
        let Some(refresh_token) = record.refresh_token.as_ref() else {
            self.mark_needs_sign_in(account);
            return Err(needs_sign_in(account));
        };
        let tokens = match oauth.refresh(refresh_token).await {
            Ok(tokens) => tokens,
            Err(OAuthError::InvalidGrant { .. }) => {
                // Dead for good. The account stays listed, marked; nothing is deleted.
                self.mark_needs_sign_in(account);
                return Err(needs_sign_in(account));
            }
            // Network trouble and the like: the old record is untouched in the keychain.
            Err(e) => return Err(e.into()),
        };
        let fresh = TokenRecord::from_tokens(tokens, OffsetDateTime::now_utc(), Some(&record));
        // Stored before anyone sees the new token: the old refresh token is already dead.
        if let Err(first) = vault.store_tokens(account, &fresh).await {
            tracing::warn!(
                "storing the refreshed tokens of {account} failed ({first}); retrying once"
            );
            vault.store_tokens(account, &fresh).await?;
        }
        Ok(fresh.access_token)
    }

    fn mutex_for(&self, account: &UserId) -> Arc<tokio::sync::Mutex<()>> {
        self.per_account
            .lock()
            .expect("refresh map lock")
            .entry(account.clone())
            .or_default()
            .clone()
    }

    fn mark_needs_sign_in(&self, account: &UserId) {
        let now = OffsetDateTime::now_utc();
        if let Err(e) = self
            .store
            .update(|index| index.set_status(account, AccountStatus::NeedsSignIn, now))
        {
            tracing::warn!("could not mark account {account} as needing sign-in: {e}");
        }
    }
}

async fn load(vault: &Vault, account: &UserId) -> Result<TokenRecord, AccountsError> {
    vault
        .load_tokens(account)
        .await?
        .ok_or_else(|| AccountsError::NotSignedIn {
            account: account.to_string(),
        })
}

fn needs_sign_in(account: &UserId) -> AccountsError {
    AccountsError::NeedsSignIn {
        account: account.to_string(),
    }
}
