//! Everything a person can ask of the app, in one place: sign in, switch, refresh, open the
//! window, quit, and the `linkcord://` links that ask for these.
//!
//! The tray, links and second launches have nobody waiting for an answer: they call
//! [`perform`], which runs the work in the background and turns a failure into a notice in
//! the window. IPC commands have the window waiting: they call the same work functions
//! ([`switch`], [`sign_in`], [`refresh`]) and return the failure to it. Either way the work is
//! the same code, so a click in the tray and a click in the window cannot behave differently.

use linkcord_core::discord::UserId;
use tauri::{AppHandle, Manager, Runtime};

use super::i18n::{Text, text};
use super::links::{self, Asked};
use super::notices::notify;
use super::{AppState, accounts, signin, window};
use crate::models::{AccountsView, CommandError, ErrorKind, Notice, SignInStatus};

/// Something a person asked for from outside the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Start a sign-in (replacing one under way), with the window shown to follow it.
    SignIn,
    /// Make the account with this user id or username active.
    Switch(String),
    /// Refresh the active account from Discord.
    Refresh,
    OpenWindow,
    Quit,
    /// A link given at start-up, by a second launch, or by the OS; parsed first.
    Link(String),
}

/// Runs `action`; work that talks to Discord or the keychain runs in the background, and its
/// failure comes back as a notice in the window.
pub fn perform<R: Runtime>(app: &AppHandle<R>, action: Action) {
    match action {
        Action::OpenWindow => window::show(app),
        Action::Quit => app.exit(0),
        Action::SignIn => {
            window::show(app);
            in_background(app, |app| async move { sign_in(&app).await.map(drop) });
        }
        Action::Switch(key) => {
            in_background(app, |app| async move { switch(&app, &key).await.map(drop) });
        }
        Action::Refresh => {
            in_background(
                app,
                |app| async move { refresh(&app, None).await.map(drop) },
            );
        }
        Action::Link(link) => match links::asked(app, &link) {
            Ok(Some(Asked::SignIn)) => perform(app, Action::SignIn),
            Ok(Some(Asked::Switch(id))) => perform(app, Action::Switch(id)),
            Ok(None) => {}
            Err(notice) => notify(app, notice),
        },
    }
}

/// Starts a sign-in, unless no Discord application is set up yet (then says so).
pub async fn sign_in<R: Runtime>(app: &AppHandle<R>) -> Result<SignInStatus, CommandError> {
    if app.state::<AppState>().config.client_id().is_none() {
        return Err(CommandError::new(
            ErrorKind::NotConfigured,
            text(Text::SetupFirst),
        ));
    }
    signin::start(app).await
}

/// Makes an account active, shows it everywhere, and refreshes it in the background. An
/// unknown account is named in the message, since the person may not have typed it (a link).
pub async fn switch<R: Runtime>(
    app: &AppHandle<R>,
    key: &str,
) -> Result<AccountsView, CommandError> {
    accounts::switch(app, key).await.map_err(|mut e| {
        if e.kind == ErrorKind::NotFound {
            e.message = format!("{}: {key}. {}", text(Text::SwitchFailed), e.message);
        }
        e
    })
}

/// Refreshes an account (the active one when `id` is `None`) and returns the new view. A
/// refresh that fails at Discord still answers with the view (the account shows offline or
/// needing sign-in); only a failure to get that far is an error.
pub async fn refresh<R: Runtime>(
    app: &AppHandle<R>,
    id: Option<UserId>,
) -> Result<AccountsView, CommandError> {
    accounts::refresh(app, id).await
}

fn in_background<R, F, Fut>(app: &AppHandle<R>, work: F)
where
    R: Runtime,
    F: FnOnce(AppHandle<R>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(), CommandError>> + Send,
{
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(e) = work(app.clone()).await {
            notify(&app, Notice::error(e.message));
        }
    });
}
