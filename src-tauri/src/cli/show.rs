//! `linkcord profile | connections | guilds`: fresh data from Discord, or the cached copy
//! when Discord cannot be reached.
//!
//! The core decides which (`Session::snapshot`): a fresh answer replaces the cache, so the
//! GUI's instant start and an offline `profile` show the latest known state; when Discord is
//! down the cached copy comes back with the reason, which is noted on stderr with its age. A
//! refused sign-in is not "offline" and is reported as such. This file only prints.

use linkcord_core::discord::{ConnectionView, GuildView, Section, SnapshotView, UserView};
use linkcord_core::session::Freshness;
use serde_json::Value;

use super::args::ShowArgs;
use super::{Failure, context, output};

#[derive(Debug, Clone, Copy)]
pub enum What {
    Profile,
    Connections,
    Guilds,
}

pub async fn run(what: What, args: ShowArgs) -> Result<(), Failure> {
    let session = context::session().await?;
    let entry = session.account(args.account.as_deref()).await?;
    let outcome = session.snapshot(&entry.id).await;
    // Also after a failed fetch: the token may have been refreshed before it failed.
    context::finish(&session).await;
    let outcome = outcome?;
    if let Freshness::Cached { because } = &outcome.freshness {
        output::note(format!(
            "linkcord: offline, data from {} ({because})",
            output::timestamp(outcome.data.fetched_at)
        ));
    }
    let view = session.view(&entry, &outcome.data.snapshot);
    if args.json {
        output::json(&view_json(&view, what));
    } else {
        print_human(&view, what);
    }
    Ok(())
}

/// The `--json` shapes: a `UserView`, or `{"status": "granted", "items": [...]}` /
/// `{"status": "not_granted"}` of `ConnectionView`s or `GuildView`s.
fn view_json(view: &SnapshotView, what: What) -> Value {
    let value = match what {
        What::Profile => serde_json::to_value(&view.user),
        What::Connections => serde_json::to_value(&view.connections),
        What::Guilds => serde_json::to_value(&view.guilds),
    };
    value.unwrap_or(Value::Null)
}

fn print_human(view: &SnapshotView, what: What) {
    match (what, &view.connections, &view.guilds) {
        (What::Profile, _, _) => print_profile(&view.user),
        (What::Connections, Section::Granted { items }, _) => print_connections(items),
        (What::Guilds, _, Section::Granted { items }) => print_guilds(items),
        (What::Connections, Section::NotGranted, _) => not_granted("connections"),
        (What::Guilds, _, Section::NotGranted) => not_granted("guilds"),
    }
}

fn not_granted(scope: &str) {
    output::line(format_args!(
        "Linkcord may not see your {scope}: the `{scope}` permission was not granted. Sign in again with `linkcord login` and allow it."
    ));
}

fn print_profile(view: &UserView) {
    // Names and other values from Discord are isolated: see `output::isolate`.
    let iso = output::isolate;
    output::line(format_args!(
        "{} (@{})",
        iso(&view.display_name),
        iso(&view.username)
    ));
    let row = |label: &str, value: String| output::line(format_args!("  {label:<10} {value}"));
    row("id", view.id.to_string());
    if let Some(tag) = &view.legacy_tag {
        row("tag", tag.clone());
    }
    if let Some(email) = &view.email {
        let verified = match view.email_verified {
            Some(true) => " (verified)",
            Some(false) => " (not verified)",
            None => "",
        };
        row("email", format!("{}{verified}", iso(email)));
    }
    if let Some(locale) = &view.locale {
        row("locale", locale.clone());
    }
    if let Some(mfa) = view.mfa_enabled {
        row("2FA", if mfa { "on" } else { "off" }.into());
    }
    if let Some(tag) = &view.server_tag {
        row("server tag", iso(tag));
    }
    if !view.badges.is_empty() {
        let names: Vec<String> = view.badges.iter().map(plain).collect();
        row("badges", names.join(", "));
    }
    row("avatar", view.avatar_url.to_string());
    if let Some(banner) = &view.banner_url {
        row("banner", banner.to_string());
    }
}

fn print_connections(views: &[ConnectionView]) {
    if views.is_empty() {
        output::line("No linked accounts.");
        return;
    }
    for c in views {
        let mut flags = Vec::new();
        if c.verified {
            flags.push("verified");
        }
        if !c.public {
            flags.push("hidden");
        }
        if c.revoked {
            flags.push("revoked");
        }
        let link = c
            .profile_url
            .as_ref()
            .map(|u| format!("  {u}"))
            .unwrap_or_default();
        output::line(format_args!(
            "{:<16} {}  [{}]{link}",
            output::isolate(&c.service_name),
            output::isolate(&c.display_name),
            flags.join(", ")
        ));
    }
}

fn print_guilds(views: &[GuildView]) {
    if views.is_empty() {
        output::line("Not in any server.");
        return;
    }
    for g in views {
        let role = if g.owner {
            "  owner"
        } else if g.admin {
            "  admin"
        } else {
            ""
        };
        let members = g
            .member_count
            .map(|n| format!("  {n} members"))
            .unwrap_or_default();
        output::line(format_args!(
            "{:<20} {}{role}{members}",
            g.id.to_string(),
            output::isolate(&g.name)
        ));
    }
}

/// A serialised enum value as plain text (`hypesquad_bravery`).
fn plain(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}
