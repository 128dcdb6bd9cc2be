//! `linkcord logout [--account A | --all] [--local]`.
//!
//! The normal way revokes at Discord first and deletes only once Discord has confirmed, so a
//! failed logout never leaves Linkcord authorised with no way to revoke it. `--local` is the
//! way out when Discord cannot be reached; its message says plainly that Discord was not told.

use linkcord_core::discord::UserId;
use linkcord_core::session::{LoggedOut, Session, SessionError};

use super::args::LogoutArgs;
use super::{Failure, context, output};

pub async fn run(args: LogoutArgs) -> Result<(), Failure> {
    let session = context::session().await?;
    if args.which.all {
        return all(&session, args.local).await;
    }
    let entry = session.account(args.which.account.as_deref()).await?;
    let out = one(&session, &entry.id, args.local).await?;
    output::confirm(out);
    Ok(())
}

async fn one(session: &Session, id: &UserId, local: bool) -> Result<LoggedOut, SessionError> {
    if local {
        session.forget_locally(id).await
    } else {
        session.log_out(id).await
    }
}

/// Each account on its own: one that cannot be revoked does not keep the others signed in.
/// The exit code is the first failure's.
async fn all(session: &Session, local: bool) -> Result<(), Failure> {
    let index = session.accounts().await?.index;
    if index.accounts.is_empty() {
        output::confirm("No account was signed in.");
        return Ok(());
    }
    let mut first_failure: Option<Failure> = None;
    for entry in index.accounts {
        match one(session, &entry.id, local).await {
            Ok(out) => output::confirm(out),
            Err(e) => {
                let failure = Failure::from(e);
                eprintln!("linkcord: {}: {}", entry.username, failure.message);
                first_failure.get_or_insert(failure);
            }
        }
    }
    match first_failure {
        Some(mut failure) => {
            failure.message = "some accounts could not be signed out (see above)".into();
            Err(failure)
        }
        None => Ok(()),
    }
}
