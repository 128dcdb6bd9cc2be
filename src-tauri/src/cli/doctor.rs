//! `linkcord doctor`: what signing in needs, one line per check, each with what to do.
//!
//! Checks run in the order a person would fix them. The exit code is that of the first
//! problem that blocks signing in; informational lines never fail it.

use linkcord_core::config::{Environment, InForce, RedirectMode};
use linkcord_core::discord::{DiscordClient, DiscordError, UserId};
use linkcord_core::secret::AccessToken;
use linkcord_core::session::client_secret_in_force;
use linkcord_core::values::{RedirectUri, Scopes};
use linkcord_core::vault::{TokenRecord, Vault, VaultError};

use linkcord_core::error_class::ErrorClass;

use super::{Failure, context, output};

/// The account id of the keychain probe: no Discord user has it (ids are timestamps).
const PROBE_ACCOUNT: &str = "1";

/// One check's result.
enum Line {
    Ok(String),
    Info(String),
    /// Blocks signing in, with the kind of failure it is (which gives the exit code).
    Problem(ErrorClass, String),
}

pub async fn run() -> Result<(), Failure> {
    let env = context::environment()?;
    // What a sign-in would run with, from the same call sign-in makes, so what is printed is
    // what sign-in sends.
    let conf = env.in_force(&context::settings(&env)?);
    let mut lines = vec![keychain(&env).await];
    lines.push(client_id(&conf));
    lines.push(redirect(&conf));
    lines.extend(deep_link(&conf));
    lines.push(reachable(&env).await);
    let mut blocking = None;
    for line in &lines {
        match line {
            Line::Ok(text) => output::line(format_args!("ok       {text}")),
            Line::Info(text) => output::line(format_args!("info     {text}")),
            Line::Problem(class, text) => {
                output::line(format_args!("problem  {text}"));
                blocking.get_or_insert(*class);
            }
        }
    }
    match blocking {
        Some(class) => Err(Failure::new(
            class.into(),
            "something above blocks signing in",
        )),
        None => Ok(()),
    }
}

async fn keychain(env: &Environment) -> Line {
    let vault = match Vault::open_platform(&env.keyring_service).await {
        Ok(vault) => vault,
        Err(e) => return Line::Problem(ErrorClass::KeychainUnavailable, format!("keychain: {e}")),
    };
    if let Err(e) = write_probe(&vault).await {
        return Line::Problem(ErrorClass::KeychainUnavailable, format!("keychain: {e}"));
    }
    let secret = match client_secret_in_force(env, &vault).await {
        Ok(secret) => secret.is_some(),
        Err(e) => return Line::Problem(ErrorClass::KeychainUnavailable, format!("keychain: {e}")),
    };
    Line::Ok(format!(
        "keychain: reachable and unlocked (service \"{}\"); client secret {}",
        env.keyring_service,
        if secret {
            "set"
        } else {
            "not set (a public client; fine if \"Public Client\" is on in the developer portal)"
        }
    ))
}

/// Writes and deletes a made-up record: a locked keychain can still be searched, so only a
/// write proves that a sign-in could store its tokens. The "token" is not a secret.
async fn write_probe(vault: &Vault) -> Result<(), VaultError> {
    let probe: UserId = PROBE_ACCOUNT.parse().expect("a valid snowflake");
    let record = TokenRecord {
        access_token: AccessToken::new("linkcord-doctor-probe".into()),
        refresh_token: None,
        expires_at: std::time::SystemTime::now().into(),
        scopes: Scopes::default(),
        token_type: "Bearer".into(),
    };
    vault.store_tokens(&probe, &record).await?;
    vault.delete_tokens(&probe).await
}

fn client_id(conf: &InForce) -> Line {
    match (&conf.client_id_text, conf.client_id()) {
        (_, Some(Ok(id))) => Line::Ok(format!("client id: {id}")),
        (Some(text), Some(Err(e))) => Line::Problem(
            ErrorClass::BadInput,
            format!("client id: '{text}' is not valid: {e}; run `linkcord config set client-id <id>`"),
        ),
        _ => Line::Problem(
            ErrorClass::NotConfigured,
            "client id: not set; copy the Application ID from https://discord.com/developers/applications and run `linkcord config set client-id <id>`".into(),
        ),
    }
}

fn redirect(conf: &InForce) -> Line {
    match conf.redirect_uri() {
        Some(uri) => Line::Info(format!(
            "redirect URI: register exactly {uri} under OAuth2 → Redirects in the developer portal"
        )),
        None => Line::Info("redirect URI: set the client id first".into()),
    }
}

/// The deep-link scheme only matters in deep-link mode, and only the app can receive it.
fn deep_link(conf: &InForce) -> Option<Line> {
    let id = conf.client_id()?.ok()?;
    let scheme = RedirectUri::deep_link_scheme(&id);
    let registered = scheme_handler(&scheme);
    Some(match (conf.redirect, registered) {
        (_, Some(true)) => Line::Ok(format!("deep link: {scheme}: is registered")),
        (RedirectMode::Loopback, _) => Line::Info(format!(
            "deep link: {scheme}: not registered (only needed with `config set redirect deep-link`)"
        )),
        (RedirectMode::DeepLink, Some(false)) => Line::Problem(
            ErrorClass::BadInput,
            format!(
                "deep link: {scheme}: is not registered with the system; start the app once so it registers, or use `linkcord config set redirect loopback`"
            ),
        ),
        (RedirectMode::DeepLink, None) => Line::Info(format!(
            "deep link: could not check whether {scheme}: is registered; the app registers it when it starts"
        )),
    })
}

/// Whether the desktop knows a handler for `scheme:`; `None` when this cannot be checked.
#[cfg(target_os = "linux")]
fn scheme_handler(scheme: &str) -> Option<bool> {
    let out = std::process::Command::new("xdg-mime")
        .args(["query", "default", &format!("x-scheme-handler/{scheme}")])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    Some(out.status.success() && !String::from_utf8_lossy(&out.stdout).trim().is_empty())
}

#[cfg(not(target_os = "linux"))]
fn scheme_handler(_: &str) -> Option<bool> {
    None
}

/// Any HTTP answer means Discord is reachable. The request carries a made-up token, so a 401
/// is the expected answer; no real token is ever sent for a check.
async fn reachable(env: &Environment) -> Line {
    let base = env.endpoints.discord_base().to_string();
    let client = match DiscordClient::new(&env.endpoints) {
        Ok(client) => client,
        Err(e) => {
            return Line::Problem(
                ErrorClass::DiscordUnreachable,
                format!("Discord ({base}): {e}"),
            );
        }
    };
    let probe = AccessToken::new("linkcord-doctor-probe".into());
    match client.authorization(&probe).await {
        Ok(_)
        | Err(
            DiscordError::Unauthorized
            | DiscordError::Forbidden { .. }
            | DiscordError::Api { .. }
            | DiscordError::RateLimited { .. },
        ) => Line::Ok(format!("Discord: reachable at {base}")),
        Err(e) => Line::Problem(
            ErrorClass::DiscordUnreachable,
            format!("Discord ({base}): {e}"),
        ),
    }
}
