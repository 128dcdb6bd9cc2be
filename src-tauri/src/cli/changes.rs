//! `linkcord changes [--account A] [--since TIME] [--json]`: what changed about the accounts,
//! as the refreshes recorded it (see `linkcord_core::changes`). Reads files only: no network,
//! and nothing is marked seen (that is the window's "What changed" view).

use linkcord_core::accounts::AccountEntry;
use linkcord_core::changes::{Change, ChangeKind, ConnectionRef};
use linkcord_core::session::Session;
use serde_json::json;
use time::OffsetDateTime;
use unicode_width::UnicodeWidthStr;

use super::args::ChangesArgs;
use super::{ExitCode, Failure, context, output, table};

/// Columns for the time (`2026-12-06T03:55:12Z`) and the account name in the human lines.
const TIME_W: usize = 20;
const ACCOUNT_W: usize = 16;
const GAP: usize = 2;

pub async fn run(args: ChangesArgs) -> Result<(), Failure> {
    let session = context::session().await?;
    let accounts = match args.account.as_deref() {
        Some(key) => vec![session.account(Some(key)).await?],
        None => session.accounts().await?.index.accounts,
    };
    let since = args.since.map(|s| s.0);
    let mut changes = Vec::new();
    for entry in &accounts {
        changes.extend(of_account(&session, entry, since)?);
    }
    // Newest first across accounts; one refresh's changes keep their order.
    changes.sort_by_key(|(c, _)| std::cmp::Reverse(c.at));
    if args.json {
        let list: Vec<&Change> = changes.iter().map(|(c, _)| c).collect();
        output::json(&json!({ "changes": list }));
    } else if changes.is_empty() {
        output::note("No changes recorded. `linkcord refresh` compares with what was last seen.");
    } else {
        for (change, username) in &changes {
            output::line(line(change, username, table::WIDTH));
        }
    }
    Ok(())
}

fn of_account(
    session: &Session,
    entry: &AccountEntry,
    since: Option<OffsetDateTime>,
) -> Result<Vec<(Change, String)>, Failure> {
    let history = session
        .change_history(&entry.id)
        .map_err(|e| Failure::new(ExitCode::Other, e))?;
    Ok(history
        .changes
        .into_iter()
        .filter(|c| since.is_none_or(|since| c.at >= since))
        .map(|c| (c, entry.username.clone()))
        .collect())
}

/// `2026-12-06T03:55:12Z  ava.nunez  GitHub ava-gh: revoked by the service`, cut to `width`.
fn line(change: &Change, username: &str, width: usize) -> String {
    let at = change
        .at
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    let name = table::truncate(username, ACCOUNT_W);
    let pad = ACCOUNT_W.saturating_sub(name.width());
    let room = width.saturating_sub(TIME_W + ACCOUNT_W + 2 * GAP);
    format!(
        "{at:<TIME_W$}{:GAP$}{}{}{:GAP$}{}",
        "",
        output::isolate(&name),
        " ".repeat(pad),
        "",
        table::truncate(&describe(&change.kind), room)
    )
}

/// One change in words. Names from Discord are isolated (see `output::isolate`).
pub fn describe(kind: &ChangeKind) -> String {
    let link = |c: &ConnectionRef| {
        let name = c.name.as_deref().unwrap_or(&c.id);
        format!("{} {}", c.kind.display_name(), output::isolate(name))
    };
    let value = |v: &Option<String>| match v {
        Some(v) => output::isolate(v),
        None => "(none)".to_owned(),
    };
    match kind {
        ChangeKind::ConnectionAdded(c) => format!("linked {}", link(c)),
        ChangeKind::ConnectionRemoved(c) => format!("unlinked {}", link(c)),
        ChangeKind::ConnectionRevoked(c) => format!("{}: revoked by the service", link(c)),
        ChangeKind::ConnectionRestored(c) => format!("{}: no longer revoked", link(c)),
        ChangeKind::ConnectionVerified(c) => format!("{}: verified", link(c)),
        ChangeKind::ConnectionUnverified(c) => format!("{}: no longer verified", link(c)),
        ChangeKind::ConnectionVisibilityChanged(v) => {
            let who = |public: &linkcord_core::discord::Visibility| match public {
                linkcord_core::discord::Visibility::Public => "everyone",
                _ => "only you",
            };
            format!("{}: now shown to {}", link(&v.connection), who(&v.to))
        }
        ChangeKind::GuildJoined(g) => format!("joined server {}", output::isolate(&g.name)),
        ChangeKind::GuildLeft(g) => format!("left server {}", output::isolate(&g.name)),
        ChangeKind::GuildOwnershipGained(g) => {
            format!("now owns server {}", output::isolate(&g.name))
        }
        ChangeKind::GuildOwnershipLost(g) => {
            format!("no longer owns server {}", output::isolate(&g.name))
        }
        ChangeKind::DisplayNameChanged(v) => {
            format!("display name {} → {}", value(&v.from), value(&v.to))
        }
        ChangeKind::UsernameChanged(v) => format!("username {} → {}", value(&v.from), value(&v.to)),
        ChangeKind::AvatarChanged(_) => "new avatar".to_owned(),
        ChangeKind::EmailChanged(v) => format!("email {} → {}", value(&v.from), value(&v.to)),
        ChangeKind::NeedsSignIn {} => "needs to sign in again (`linkcord login`)".to_owned(),
        ChangeKind::SignInRestored {} => "signed in again".to_owned(),
    }
}

/// `--since`: an RFC 3339 time, or a duration back from now (`90s`, `30m`, `2h`, `7d`, `2w`).
#[derive(Debug, Clone, Copy)]
pub struct Since(pub OffsetDateTime);

impl std::str::FromStr for Since {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if let Ok(at) = OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        {
            return Ok(Self(at));
        }
        let ago = duration(text).ok_or_else(|| {
            format!("`{text}` is neither an RFC 3339 time (2026-12-01T00:00:00Z) nor a duration (30m, 2h, 7d)")
        })?;
        Ok(Self(OffsetDateTime::now_utc() - ago))
    }
}

fn duration(text: &str) -> Option<time::Duration> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().ok()?;
    let per = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return None,
    };
    Some(time::Duration::seconds(n.checked_mul(per)?))
}

#[cfg(test)]
mod tests {
    use linkcord_core::changes::ValueChange;

    use super::*;

    #[test]
    fn since_reads_rfc3339_and_durations_and_refuses_the_rest() {
        let at: Since = "2026-12-01T00:00:00Z".parse().unwrap();
        assert_eq!(at.0.unix_timestamp(), 1_796_083_200);
        let before = OffsetDateTime::now_utc();
        let two_hours: Since = "2h".parse().unwrap();
        let after = OffsetDateTime::now_utc();
        let two = time::Duration::hours(2);
        assert!(two_hours.0 >= before - two && two_hours.0 <= after - two);
        assert_eq!(duration("7d"), Some(time::Duration::days(7)));
        for bad in [
            "",
            "h",
            "2",
            "2x",
            "-2h",
            "yesterday",
            "99999999999999999999w",
        ] {
            assert!(bad.parse::<Since>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_line_fits_80_columns_with_a_long_wide_name() {
        let change = Change {
            account: "1098765432109876543".parse().unwrap(),
            at: OffsetDateTime::UNIX_EPOCH,
            kind: ChangeKind::DisplayNameChanged(ValueChange {
                from: Some("名前".repeat(30)),
                to: Some("x".repeat(80)),
            }),
        };
        let shown = line(&change, &"長い名前".repeat(10), 80);
        let bare: String = shown
            .chars()
            .filter(|c| !matches!(c, '\u{2068}' | '\u{2069}'))
            .collect();
        assert!(bare.width() <= 80, "{} columns: {bare}", bare.width());
        assert!(bare.starts_with("1970-01-01T00:00:00Z  "), "{bare}");
    }
}
