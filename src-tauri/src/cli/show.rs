//! `linkcord profile | connections | guilds`: fresh data from Discord, or the cached copy
//! when Discord cannot be reached.
//!
//! A fresh answer replaces the cache, so the GUI's instant start and an offline `profile` show
//! the latest known state. When Discord is down (network, timeout, 5xx, rate limit) the cached
//! copy is shown with a note on stderr saying how old it is; a refused token is not "offline"
//! and is reported as such.

use linkcord_core::accounts::{AccountCache, AccountsError, CacheKind};
use linkcord_core::config::Endpoints;
use linkcord_core::discord::{
    Connection, ConnectionView, DiscordClient, DiscordError, Guild, GuildView, Section, User,
    UserId,
};
use linkcord_core::oauth::OAuthError;
use linkcord_core::secret::AccessToken;
use linkcord_core::session::{Session, SessionError};
use serde_json::Value;

use super::args::ShowArgs;
use super::{ExitCode, Failure, context, output};

#[derive(Debug, Clone, Copy)]
pub enum What {
    Profile,
    Connections,
    Guilds,
}

/// One document of an account, in Discord's own shape (which is what the cache holds).
pub enum Doc {
    Profile(Box<User>),
    Connections(Section<Connection>),
    Guilds(Section<Guild>),
}

pub async fn run(what: What, args: ShowArgs) -> Result<(), Failure> {
    let session = context::session().await?;
    let entry = session.account(args.account.as_deref()).await?;
    let shown = show(&session, &entry.id, what, &args).await;
    // Also after a failed fetch: the token may have been refreshed before it failed.
    context::finish(&session).await;
    shown
}

async fn show(session: &Session, id: &UserId, what: What, args: &ShowArgs) -> Result<(), Failure> {
    let doc = match fetch(session, id, what).await {
        Ok(doc) => {
            store(session, id, &doc);
            doc
        }
        Err(problem) => from_cache(session, id, what, problem)?,
    };
    let endpoints = &session.environment().endpoints;
    if args.json {
        output::json(&view_json(&doc, endpoints));
    } else {
        print_human(&doc, endpoints);
    }
    Ok(())
}

/// Why a fetch failed, and whether a cached copy may stand in.
struct Problem {
    failure: Failure,
    offline: bool,
}

impl From<SessionError> for Problem {
    fn from(error: SessionError) -> Self {
        let offline = match &error {
            SessionError::Discord(e) => unreachable_discord(e),
            SessionError::OAuth(e) | SessionError::Accounts(AccountsError::OAuth(e)) => {
                matches!(e, OAuthError::Network(_) | OAuthError::BadResponse(_))
            }
            _ => false,
        };
        Self {
            failure: error.into(),
            offline,
        }
    }
}

/// Discord could not give an answer right now; retrying later may work.
fn unreachable_discord(error: &DiscordError) -> bool {
    matches!(
        error,
        DiscordError::Network(_)
            | DiscordError::Timeout { .. }
            | DiscordError::Server { .. }
            | DiscordError::BadResponse(_)
            | DiscordError::TooLarge { .. }
            | DiscordError::RateLimited { .. }
    )
}

/// Fetches with a valid token; after a 401, once more with the token the core hands out
/// instead (refreshed, or the one another process just stored).
async fn fetch(session: &Session, id: &UserId, what: What) -> Result<Doc, Problem> {
    let token = session.valid_token(id).await?;
    let discord = session.discord()?;
    match get(discord, &token, what).await {
        Err(DiscordError::Unauthorized) => {
            let token = session.token_after_unauthorized(id, &token).await?;
            get(discord, &token, what).await.map_err(refused)
        }
        other => other.map_err(refused),
    }
}

/// A 401 even with a fresh token means the sign-in is gone: exit 3, not a network error.
fn refused(error: DiscordError) -> Problem {
    if error == DiscordError::Unauthorized {
        return Problem {
            failure: Failure::new(ExitCode::NoAccount, error),
            offline: false,
        };
    }
    let offline = unreachable_discord(&error);
    Problem {
        failure: Failure::new(ExitCode::Discord, error),
        offline,
    }
}

async fn get(
    discord: &DiscordClient,
    token: &AccessToken,
    what: What,
) -> Result<Doc, DiscordError> {
    Ok(match what {
        What::Profile => Doc::Profile(Box::new(discord.current_user(token).await?)),
        What::Connections => Doc::Connections(section(discord.connections(token).await)?),
        What::Guilds => Doc::Guilds(section(discord.guilds(token).await)?),
    })
}

/// A 403 means the scope was not granted: a valid answer, not a failure.
pub fn section<T>(result: Result<Vec<T>, DiscordError>) -> Result<Section<T>, DiscordError> {
    match result {
        Ok(items) => Ok(Section::Granted { items }),
        Err(DiscordError::Forbidden { .. }) => Ok(Section::NotGranted),
        Err(e) => Err(e),
    }
}

/// Updates the cache; a failure to write it is worth a warning, not the answer.
pub fn store(session: &Session, id: &UserId, doc: &Doc) {
    let (kind, value) = match doc {
        Doc::Profile(user) => (CacheKind::Profile, serde_json::to_value(user)),
        Doc::Connections(s) => (CacheKind::Connections, serde_json::to_value(s)),
        Doc::Guilds(s) => (CacheKind::Guilds, serde_json::to_value(s)),
    };
    let Ok(value) = value else { return };
    // `SystemTime` converts into the core's time type, so this crate needs no `time` of its own.
    let now = std::time::SystemTime::now().into();
    if let Err(e) = session.account_store().write_cache(id, kind, value, now) {
        output::warn(format!("could not save the data for offline use: {e}"));
    }
}

/// The cached copy when Discord cannot be reached, with a note saying so and how old it is.
fn from_cache(
    session: &Session,
    id: &UserId,
    what: What,
    problem: Problem,
) -> Result<Doc, Failure> {
    if !problem.offline {
        return Err(problem.failure);
    }
    let (cache, warning) = session
        .account_store()
        .read_cache(id)
        .unwrap_or((None, None));
    if let Some(warning) = warning {
        output::warn(warning);
    }
    let kind = match what {
        What::Profile => CacheKind::Profile,
        What::Connections => CacheKind::Connections,
        What::Guilds => CacheKind::Guilds,
    };
    let Some(doc) = cache.as_ref().and_then(|c: &AccountCache| c.get(kind)) else {
        return Err(problem.failure);
    };
    let Some(parsed) = parse_cached(what, &doc.value) else {
        return Err(problem.failure);
    };
    output::note(format!(
        "linkcord: offline, data from {} ({})",
        output::fetched_at(doc),
        problem.failure.message
    ));
    Ok(parsed)
}

fn parse_cached(what: What, value: &Value) -> Option<Doc> {
    let value = value.clone();
    Some(match what {
        What::Profile => Doc::Profile(Box::new(serde_json::from_value(value).ok()?)),
        What::Connections => Doc::Connections(serde_json::from_value(value).ok()?),
        What::Guilds => Doc::Guilds(serde_json::from_value(value).ok()?),
    })
}

/// The `--json` shapes: a `UserView`, or `{"status": "granted", "items": [...]}` /
/// `{"status": "not_granted"}` of `ConnectionView`s or `GuildView`s.
fn view_json(doc: &Doc, endpoints: &Endpoints) -> Value {
    let value = match doc {
        Doc::Profile(user) => serde_json::to_value(user.view(endpoints)),
        Doc::Connections(s) => serde_json::to_value(s.map(Connection::view)),
        Doc::Guilds(s) => serde_json::to_value(s.map(|g| g.view(endpoints))),
    };
    value.unwrap_or(Value::Null)
}

fn print_human(doc: &Doc, endpoints: &Endpoints) {
    match doc {
        Doc::Profile(user) => print_profile(user, endpoints),
        Doc::Connections(Section::Granted { items }) => {
            let views: Vec<ConnectionView> = items.iter().map(Connection::view).collect();
            print_connections(&views);
        }
        Doc::Guilds(Section::Granted { items }) => {
            let views: Vec<GuildView> = items.iter().map(|g| g.view(endpoints)).collect();
            print_guilds(&views);
        }
        Doc::Connections(Section::NotGranted) => not_granted("connections"),
        Doc::Guilds(Section::NotGranted) => not_granted("guilds"),
    }
}

fn not_granted(scope: &str) {
    println!(
        "Linkcord may not see your {scope}: the `{scope}` permission was not granted. Sign in again with `linkcord login` and allow it."
    );
}

fn print_profile(user: &User, endpoints: &Endpoints) {
    let view = user.view(endpoints);
    // Names and other values from Discord are isolated: see `output::isolate`.
    let iso = output::isolate;
    println!("{} (@{})", iso(&view.display_name), iso(&view.username));
    let row = |label: &str, value: String| println!("  {label:<10} {value}");
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
        println!("No linked accounts.");
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
        println!(
            "{:<16} {}  [{}]{link}",
            output::isolate(&c.service_name),
            output::isolate(&c.display_name),
            flags.join(", ")
        );
    }
}

fn print_guilds(views: &[GuildView]) {
    if views.is_empty() {
        println!("Not in any server.");
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
        println!(
            "{:<20} {}{role}{members}",
            g.id.to_string(),
            output::isolate(&g.name)
        );
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
