//! `linkcord accounts` and `linkcord switch`: the account index, no network.

use linkcord_core::accounts::{AccountEntry, AccountStatus};
use serde_json::{Value, json};

use super::{Failure, context, output};

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
        for account in &index.accounts {
            println!("{}", account_line(account, active == Some(&account.id)));
        }
    }
    Ok(())
}

pub async fn switch(key: &str) -> Result<(), Failure> {
    let session = context::session().await?;
    let entry = session.switch(key).await?;
    println!("Switched to {}.", describe(&entry));
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

/// `* 1098765432109876543  ava.nunez  (Ava Núñez-Gómez)`, plus a status note when needed;
/// the names come from Discord and are isolated (see [`output::isolate`]).
fn account_line(entry: &AccountEntry, active: bool) -> String {
    let marker = if active { '*' } else { ' ' };
    let mut line = format!(
        "{marker} {:<20} {}",
        entry.id,
        output::isolate(&entry.username)
    );
    if let Some(name) = entry
        .display_name
        .as_deref()
        .filter(|n| *n != entry.username)
    {
        line.push_str(&format!(" ({})", output::isolate(name)));
    }
    if entry.status == AccountStatus::NeedsSignIn {
        line.push_str("  [needs sign-in: run `linkcord login`]");
    }
    line
}

/// `ava.nunez (1098765432109876543)`, the username isolated.
pub fn describe(entry: &AccountEntry) -> String {
    format!("{} ({})", output::isolate(&entry.username), entry.id)
}
