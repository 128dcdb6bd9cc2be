//! `linkcord accounts` and `linkcord switch`: the account index, no network.

use linkcord_core::accounts::{AccountEntry, AccountStatus};
use serde_json::{Value, json};

use super::{Failure, context, output, table};

pub async fn list(json: bool) -> Result<(), Failure> {
    let session = context::session().await?;
    let loaded = session.accounts().await?;
    if let Some(warning) = &loaded.warning {
        output::warn(warning);
    }
    let index = loaded.index;
    let active = index.active.as_ref();
    if json {
        let accounts: Vec<Value> = index
            .accounts
            .iter()
            .map(|a| account_json(a, active == Some(&a.id)))
            .collect();
        output::json(&json!({ "active": active, "accounts": accounts }));
    } else if index.accounts.is_empty() {
        output::note("No account is signed in. Sign in with `linkcord login`.");
    } else {
        let rows: Vec<table::Row> = index
            .accounts
            .iter()
            .map(|a| table::Row::new(a, active == Some(&a.id)))
            .collect();
        for line in table::lines(&rows, table::WIDTH) {
            output::line(line);
        }
        if rows.iter().any(|r| r.needs_sign_in) {
            output::note("To sign an account in again: `linkcord login`.");
        }
    }
    Ok(())
}

pub async fn switch(key: &str) -> Result<(), Failure> {
    let session = context::session().await?;
    let entry = session.switch(key).await?;
    output::confirm(format!("Switched to {}.", describe(&entry)));
    if entry.status == AccountStatus::NeedsSignIn {
        output::warn(format!(
            "{} needs to sign in again: run `linkcord login`",
            output::isolate(&entry.username)
        ));
    }
    Ok(())
}

/// One account as `accounts --json` and `login --json` print it.
pub fn account_json(entry: &AccountEntry, active: bool) -> Value {
    json!({
        "id": entry.id,
        "username": entry.username,
        "displayName": entry.display_name,
        "status": entry.status,
        "active": active,
    })
}

/// `ava.nunez (1098765432109876543)`, the username isolated.
pub fn describe(entry: &AccountEntry) -> String {
    format!("{} ({})", output::isolate(&entry.username), entry.id)
}
