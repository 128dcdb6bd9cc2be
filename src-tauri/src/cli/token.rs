//! `linkcord token`: the one way a token leaves the keychain, on purpose, for scripts.
//!
//! It prints the token alone on stdout and nothing else there. The core refreshes it first if
//! it is about to expire, one refresh at a time across processes, so many `token` calls at
//! once cause a single refresh.

use linkcord_core::secret::AccessToken;

use super::{Failure, context};

pub async fn run(account: Option<&str>) -> Result<(), Failure> {
    let session = context::session().await?;
    let entry = session.account(account).await?;
    let token: AccessToken = session.valid_token(&entry.id).await?;
    println!("{}", token.secret());
    Ok(())
}
