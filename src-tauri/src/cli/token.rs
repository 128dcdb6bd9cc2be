//! `linkcord token`: the one way a token leaves the keychain, on purpose, for scripts.
//!
//! It prints the token alone on stdout and nothing else there. The core refreshes it first if
//! it is about to expire, one refresh at a time across processes, so many `token` calls at
//! once cause a single refresh.
//!
//! Scripts call this often, so a token that is still good comes from the core's fast path
//! (`session::stored_token`), which opens no HTTP client; anything else takes the full path.

use linkcord_core::session::stored_token;

use super::{Failure, context, output};

pub async fn run(account: Option<&str>) -> Result<(), Failure> {
    let env = context::environment()?;
    if let Some(token) = stored_token(&env, account).await? {
        output::line(token.secret());
        return Ok(());
    }
    let session = context::session().await?;
    let entry = session.account(account).await?;
    let token = session.valid_token(&entry.id).await?;
    output::line(token.secret());
    context::finish(&session).await;
    Ok(())
}
