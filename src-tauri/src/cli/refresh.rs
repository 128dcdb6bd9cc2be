//! `linkcord refresh [--account A | --all]`: fetch accounts from Discord now, cache what they
//! show and record what changed since last time (printed, and kept for `linkcord changes`).
//! With `--all`, an account that fails does not stop the others; the exit code is the first
//! failure's.

use linkcord_core::accounts::AccountEntry;
use linkcord_core::session::Session;

use super::args::RefreshArgs;
use super::{Failure, accounts, changes, context, output};

pub async fn run(args: RefreshArgs) -> Result<(), Failure> {
    let session = context::session().await?;
    let entries = if args.which.all {
        session.accounts().await?.index.accounts
    } else {
        vec![session.account(args.which.account.as_deref()).await?]
    };
    if entries.is_empty() {
        output::note("No account is signed in. Sign in with `linkcord login`.");
        return Ok(());
    }
    let mut first_failure: Option<Failure> = None;
    for entry in &entries {
        if let Err(failure) = one(&session, entry).await {
            if entries.len() > 1 {
                eprintln!(
                    "linkcord: {}: {}",
                    output::isolate(&entry.username),
                    failure.message
                );
            }
            first_failure.get_or_insert(failure);
        }
    }
    context::finish(&session).await;
    match first_failure {
        Some(mut failure) if entries.len() > 1 => {
            failure.message = "some accounts could not be refreshed (see above)".into();
            Err(failure)
        }
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

async fn one(session: &Session, entry: &AccountEntry) -> Result<(), Failure> {
    let refreshed = session.refresh_recording(&entry.id).await?;
    let count = refreshed.changes.len();
    let what = match count {
        0 => "no changes".to_owned(),
        1 => "1 change".to_owned(),
        n => format!("{n} changes"),
    };
    output::confirm(format!("Refreshed {}: {what}.", accounts::describe(entry)));
    if !output::quiet() {
        for change in &refreshed.changes {
            output::line(format_args!("  {}", changes::describe(&change.kind)));
        }
    }
    Ok(())
}
