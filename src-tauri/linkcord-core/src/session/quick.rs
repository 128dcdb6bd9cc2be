//! `linkcord token`'s fast path: a token that is still good, read without opening a whole
//! session.
//!
//! Scripts call `linkcord token` often. Building a session's HTTP clients loads the system's
//! certificate store, which is most of the command's own time, and a token that does not
//! need refreshing needs no client at all. Anything else (an expiring token, a damaged
//! account list, no record) returns `None`, and the caller takes the full path, where the
//! refresh rules run under their locks.

use super::SessionError;
use crate::accounts::{AccountStore, AccountsError, REFRESH_MARGIN};
use crate::config::Environment;
use crate::secret::AccessToken;
use crate::vault::Vault;

/// The stored access token of the account named by `key` (user id or username; the active
/// one when `None`) when the account list reads cleanly and the token is not about to expire.
/// An unknown account is an error, as on the full path.
pub async fn stored_token(
    env: &Environment,
    key: Option<&str>,
) -> Result<Option<AccessToken>, SessionError> {
    // Read-only on purpose: repairing a damaged list is the full path's job.
    let Some(index) = AccountStore::new(&env.data_dir).peek() else {
        return Ok(None);
    };
    let entry = match key {
        Some(key) => index.find(key)?,
        None => index.active_entry().ok_or(AccountsError::NoActiveAccount)?,
    };
    let vault = Vault::open_platform(&env.keyring_service).await?;
    let Some(record) = vault.load_tokens(&entry.id).await? else {
        return Ok(None);
    };
    let now = std::time::SystemTime::now().into();
    Ok((!record.expires_within(REFRESH_MARGIN, now)).then_some(record.access_token))
}
