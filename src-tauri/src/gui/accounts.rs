//! The accounts as the window and the tray see them: building the view, switching,
//! refreshing in the background, logging out, and telling every surface when anything changes.

use linkcord_core::accounts::{
    AccountEntry, AccountStatus as IndexStatus, AccountsError, CacheKind,
};
use linkcord_core::discord::{DiscordError, User, UserId, UserView, cdn};
use linkcord_core::session::{Session, SessionError};
use tauri::{AppHandle, Emitter, Manager};

use super::{AppState, images, tray};
use crate::models::{
    ACCOUNTS_EVENT, AccountStatus, AccountSummary, AccountsView, ActiveAccount, CommandError,
    ErrorKind,
};

/// The accounts view, from the index and the cache only: no network.
pub async fn view(app: &AppHandle) -> Result<AccountsView, CommandError> {
    let state = app.state::<AppState>();
    // Read first: a view published while this one is built is newer and must win.
    let revision = state.revision();
    let session = state.session().await?;
    let loaded = session.accounts().await.map_err(command_error)?;
    let index = loaded.index;
    let accounts = index
        .accounts
        .iter()
        .map(|entry| {
            summary(
                &state,
                &session,
                entry,
                index.active.as_ref() == Some(&entry.id),
            )
        })
        .collect();
    let active = match index.active_entry() {
        Some(entry) => Some(active(&state, &session, entry)?),
        None => None,
    };
    Ok(AccountsView {
        revision,
        accounts,
        active,
    })
}

/// Builds the current view once, sends it to the window, updates the tray, and returns it.
pub async fn publish(app: &AppHandle) -> Result<AccountsView, CommandError> {
    let state = app.state::<AppState>();
    let _turn = state.publishing_turn().await;
    let mut view = view(app).await.inspect_err(|e| {
        tracing::warn!("could not build the accounts view: {}", e.message);
    })?;
    view.revision = state.next_revision();
    tray::update(app, &view);
    let _ = app.emit(ACCOUNTS_EVENT, view.clone());
    Ok(view)
}

/// Makes an account active, shows it everywhere, and refreshes it in the background.
pub async fn switch(app: &AppHandle, key: &str) -> Result<AccountsView, CommandError> {
    let session = app.state::<AppState>().session().await?;
    let entry = session.switch(key).await.map_err(command_error)?;
    let view = publish(app).await?;
    spawn_refresh(app, entry.id);
    Ok(view)
}

/// Refreshes an account (the active one when `id` is `None`) and returns the new view.
pub async fn refresh(app: &AppHandle, id: Option<UserId>) -> Result<AccountsView, CommandError> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    let id = match id {
        Some(id) => id,
        None => session.account(None).await.map_err(command_error)?.id,
    };
    state.set_live(&id, AccountStatus::Refreshing, None);
    let _ = publish(app).await;
    let outcome = session.refresh_snapshot(&id).await;
    let (status, error) = match &outcome {
        Ok(_) => (AccountStatus::Ok, None),
        Err(e) => (status_after(e), Some(command_error_ref(e).message)),
    };
    state.set_live(&id, status, error);
    publish(app).await
}

/// Refreshes in the background; the outcome reaches the window as an `accounts` event.
pub fn spawn_refresh(app: &AppHandle, id: UserId) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let _ = refresh(&app, Some(id)).await;
    });
}

/// Revokes at Discord and removes the account; the caller offers `forget_locally` on a
/// `revoke-failed` error.
pub async fn log_out(app: &AppHandle, id: &UserId) -> Result<AccountsView, CommandError> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    session.log_out(id).await.map_err(command_error)?;
    state.forget_live(id);
    publish(app).await
}

/// Removes the account from this computer without telling Discord.
pub async fn forget_locally(app: &AppHandle, id: &UserId) -> Result<AccountsView, CommandError> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    session.forget_locally(id).await.map_err(command_error)?;
    state.forget_live(id);
    publish(app).await
}

/// Logs out of every account; the first failure is reported after all were tried.
pub async fn log_out_all(app: &AppHandle) -> Result<AccountsView, CommandError> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    let results = session.log_out_all().await.map_err(command_error)?;
    let mut first_error = None;
    for (id, result) in results {
        match result {
            Ok(_) => state.forget_live(&id),
            Err(e) => {
                first_error.get_or_insert(command_error(e));
            }
        }
    }
    let view = publish(app).await;
    match first_error {
        Some(e) => Err(e),
        None => view,
    }
}

fn summary(
    state: &AppState,
    session: &Session,
    entry: &AccountEntry,
    active: bool,
) -> AccountSummary {
    let endpoints = &state.env.endpoints;
    let avatar = match cached_user(session, &entry.id) {
        Some(user) => cdn::avatar_url(endpoints, &user, cdn::ImageSize::new(64), false),
        None => cdn::default_avatar_url(endpoints, &entry.id, "0"),
    };
    AccountSummary {
        id: entry.id.clone(),
        username: entry.username.clone(),
        display_name: entry
            .display_name
            .clone()
            .unwrap_or_else(|| entry.username.clone()),
        avatar_url: Some(images::local_url(&avatar).to_string()),
        status: status_of(state, entry),
        active,
    }
}

fn active(
    state: &AppState,
    session: &Session,
    entry: &AccountEntry,
) -> Result<ActiveAccount, CommandError> {
    let cached = session.cached_snapshot(&entry.id).map_err(command_error)?;
    let (snapshot, fetched_at) = match cached {
        Some(c) => {
            let mut view = c.snapshot.view(&state.env.endpoints);
            view.user
                .hide_unproven_premium(entry.scopes.contains(UserView::PREMIUM_SCOPE));
            images::localise(&mut view);
            let at = c
                .fetched_at
                .format(&time::format_description::well_known::Rfc3339)
                .ok();
            (Some(view), at)
        }
        None => (None, None),
    };
    Ok(ActiveAccount {
        id: entry.id.clone(),
        snapshot,
        fetched_at,
        status: status_of(state, entry),
        last_error: state.live(&entry.id).and_then(|l| l.last_error),
    })
}

/// The cached `/users/@me` of an account, without reading its servers and connections.
pub fn cached_user(session: &Session, id: &UserId) -> Option<User> {
    let (cache, _) = session.account_store().read_cache(id).ok()?;
    let profile = cache?.get(CacheKind::Profile)?.value.clone();
    serde_json::from_value(profile).ok()
}

/// The index says whether the tokens work; the live state adds refreshing and offline.
fn status_of(state: &AppState, entry: &AccountEntry) -> AccountStatus {
    if entry.status == IndexStatus::NeedsSignIn {
        return AccountStatus::NeedsSignIn;
    }
    state
        .live(&entry.id)
        .map(|l| l.status)
        .unwrap_or(AccountStatus::Ok)
}

fn status_after(error: &SessionError) -> AccountStatus {
    match command_error_ref(error).kind {
        ErrorKind::NeedsSignIn => AccountStatus::NeedsSignIn,
        _ => AccountStatus::Offline,
    }
}

/// Turns a core error into what the window shows, with the kind that picks its way out.
pub fn command_error(error: SessionError) -> CommandError {
    command_error_ref(&error)
}

fn command_error_ref(error: &SessionError) -> CommandError {
    let kind = match error {
        SessionError::RevokeFailed { .. } => ErrorKind::RevokeFailed,
        SessionError::Accounts(AccountsError::NeedsSignIn { .. })
        | SessionError::Discord(DiscordError::Unauthorized) => ErrorKind::NeedsSignIn,
        SessionError::NoClientId | SessionError::Config(_) => ErrorKind::InvalidInput,
        other => match other.exit_code() {
            3 => ErrorKind::NotFound,
            4 => ErrorKind::Keychain,
            5 => ErrorKind::Discord,
            _ => ErrorKind::Other,
        },
    };
    CommandError::new(kind, error)
}
