//! `linkcord login`: the browser sign-in.
//!
//! The core does the OAuth work (listener, state, PKCE, exchange, keychain, index) and caches
//! profile, connections and servers with the sign-in, so `connections` and `guilds` have
//! something to show offline. This file adds what a terminal needs: the address printed in
//! case no browser opened, a progress line, Ctrl+C as a clean cancel.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use linkcord_core::config::RedirectMode;
use linkcord_core::oauth::{Scopes, WaitOptions};
use linkcord_core::session::{Session, SignInOptions};
use serde_json::json;
use url::Url;

use super::accounts::{account_json, describe};
use super::args::LoginArgs;
use super::{ExitCode, Failure, context, output};

/// Set to print when the account was stored and when its data was cached (for benchmarks).
const TIMINGS_VAR: &str = "LINKCORD_TIMINGS";

pub async fn run(args: LoginArgs) -> Result<(), Failure> {
    let session = context::session().await?;
    let options = options(&args)?;
    refuse_deep_link(&session, &options)?;
    cancel_on_ctrl_c(&options.wait);
    let signed_in = session.sign_in(options).await?;
    let stored_at = epoch_micros();
    // The core cached the profile, connections and servers with the sign-in itself.
    let account = signed_in.account;
    if std::env::var_os(TIMINGS_VAR).is_some() {
        output::note(format!(
            "timing: stored_at_us={stored_at} cached_at_us={}",
            epoch_micros()
        ));
    }
    if let Some(warning) = &signed_in.warning {
        output::warn(warning);
    }
    if args.json {
        output::json(&json!({
            "account": account_json(&account, true),
            "newAccount": signed_in.new_account,
        }));
    } else if signed_in.new_account {
        output::confirm(format!(
            "Signed in as {}; it is now the active account.",
            describe(&account)
        ));
    } else {
        output::confirm(format!(
            "Signed in again as {}; its sign-in was renewed and it is now the active account.",
            describe(&account)
        ));
    }
    Ok(())
}

fn options(args: &LoginArgs) -> Result<SignInOptions, Failure> {
    let redirect = match &args.redirect {
        Some(text) => Some(text.parse::<RedirectMode>()?),
        None => None,
    };
    let scopes = if args.scopes.is_empty() {
        None
    } else {
        let scopes = Scopes::for_sign_in(&args.scopes);
        Some(scopes.map_err(|e| Failure::new(ExitCode::Usage, e))?)
    };
    let mut wait = WaitOptions::default();
    if let Some(seconds) = args.timeout {
        wait.timeout = Duration::from_secs(seconds);
    }
    Ok(SignInOptions {
        redirect,
        port: args.port,
        scopes,
        wait,
        on_url: Some(Box::new(show_url)),
        ..SignInOptions::default()
    })
}

/// A deep link is handed by the OS to the app, never to this process: say what works instead
/// of waiting for an answer that cannot come.
fn refuse_deep_link(session: &Session, options: &SignInOptions) -> Result<(), Failure> {
    let mut conf = session.in_force();
    if options.redirect.unwrap_or(conf.redirect) != RedirectMode::DeepLink {
        return Ok(());
    }
    // What to register for the way that works from here: the loopback redirect.
    conf.redirect = RedirectMode::Loopback;
    conf.port = options.port.unwrap_or(conf.port);
    let uri = conf.redirect_uri().unwrap_or_default();
    Err(Failure::new(
        ExitCode::Usage,
        format!(
            "the command line cannot receive deep links; run `linkcord login --redirect loopback` (with {uri} registered as a redirect in the developer portal), or sign in from the app (`linkcord linkcord://login`)"
        ),
    ))
}

/// The address goes to stderr with the progress line: stdout stays for the result.
fn show_url(url: &Url) {
    output::prompt(format!(
        "Opening Discord in your browser. If nothing opened, open this address:\n  {url}\nWaiting for you to approve in your browser… (Ctrl+C to cancel)"
    ));
}

/// Ctrl+C cancels the wait; the core then returns `Cancelled` (exit 6) and nothing is stored.
/// The handler is in place before the browser opens, so no Ctrl+C kills the process instead.
#[cfg(unix)]
fn cancel_on_ctrl_c(wait: &WaitOptions) {
    use tokio::signal::unix::{SignalKind, signal};
    let cancel = wait.cancel.clone();
    // Registered now, not when the task first runs.
    let Ok(mut interrupt) = signal(SignalKind::interrupt()) else {
        return;
    };
    tokio::spawn(async move {
        if interrupt.recv().await.is_some() {
            cancel.cancel();
        }
    });
}

#[cfg(not(unix))]
fn cancel_on_ctrl_c(wait: &WaitOptions) {
    let cancel = wait.cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel.cancel();
        }
    });
}

fn epoch_micros() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros())
        .unwrap_or_default()
}
