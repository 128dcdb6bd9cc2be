//! `linkcord token`: the one way a token leaves the keychain, on purpose, for scripts.
//!
//! It prints the token alone on stdout and nothing else there. The core refreshes it first if
//! it is about to expire, one refresh at a time across processes, so many `token` calls at
//! once cause a single refresh.
//!
//! Scripts call this often, so a token that is still good is read without opening a whole
//! session: building its HTTP clients loads the system's certificate store, which is most of
//! the command's own time. Anything else (an expiring token, a damaged account list, no
//! record) takes the full path, where the core decides under its locks.

use linkcord_core::accounts::{AccountIndex, AccountsError, REFRESH_MARGIN};
use linkcord_core::config::Environment;
use linkcord_core::secret::AccessToken;
use linkcord_core::session::SessionError;
use linkcord_core::vault::Vault;

use super::{Failure, context};

pub async fn run(account: Option<&str>) -> Result<(), Failure> {
    let env = context::environment()?;
    if let Some(token) = still_valid(&env, account).await? {
        println!("{}", token.secret());
        return Ok(());
    }
    let session = context::session().await?;
    let entry = session.account(account).await?;
    let token = session.valid_token(&entry.id).await?;
    println!("{}", token.secret());
    context::finish(&session).await;
    Ok(())
}

/// The stored token when the account list reads cleanly and the token is not about to expire;
/// `None` sends the caller down the full path.
async fn still_valid(env: &Environment, key: Option<&str>) -> Result<Option<AccessToken>, Failure> {
    // Read-only on purpose: repairing a damaged list is the full path's job.
    let Ok(bytes) = std::fs::read(env.data_dir.join("accounts.json")) else {
        return Ok(None);
    };
    let Ok(index) = serde_json::from_slice::<AccountIndex>(&bytes) else {
        return Ok(None);
    };
    if index.version != linkcord_core::accounts::INDEX_VERSION {
        return Ok(None);
    }
    let entry = match key {
        Some(key) => index.find(key).map_err(SessionError::from)?,
        None => index
            .active_entry()
            .ok_or(SessionError::from(AccountsError::NoActiveAccount))?,
    };
    let vault = Vault::open_platform(&env.keyring_service)
        .await
        .map_err(SessionError::from)?;
    let Some(record) = vault
        .load_tokens(&entry.id)
        .await
        .map_err(SessionError::from)?
    else {
        return Ok(None);
    };
    let now = std::time::SystemTime::now().into();
    Ok((!record.expires_within(REFRESH_MARGIN, now)).then_some(record.access_token))
}
