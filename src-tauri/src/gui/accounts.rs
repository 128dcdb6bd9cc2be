//! The accounts as the window and the tray see them: building the view, switching,
//! refreshing in the background, logging out. Every change ends in [`publish`], which sends
//! the new view through the one channel the window, the tray and the prefetcher follow.
//!
//! The view is built from the index alone, plus the active account's cache: one file read
//! whatever the number of accounts. The index carries each account's names and image hashes
//! (`AccountEntry::as_user`), which is all the switchers need.

use std::collections::HashMap;

use linkcord_core::accounts::{AccountEntry, AccountIndex, AccountStatus as IndexStatus};
use linkcord_core::config::Endpoints;
use linkcord_core::discord::{UserId, cdn};
use linkcord_core::session::{CachedSnapshot, Session, SessionError};
use tauri::{AppHandle, Manager, Runtime};

use super::{AppState, errors, images};
use crate::models::{AccountStatus, AccountSummary, AccountsView, ActiveAccount, CommandError};

/// The size of the avatars in the switchers (the window's list, the tray's icon).
const SUMMARY_AVATAR: u32 = 64;

/// The accounts view, from the index and the active account's cache: no network.
pub async fn view<R: Runtime>(app: &AppHandle<R>) -> Result<AccountsView, CommandError> {
    let state = app.state::<AppState>();
    // Read first: a view published while this one is built is newer and must win.
    let revision = state.views.revision();
    let session = state.config.session().await?;
    let index = session
        .accounts()
        .await
        .map_err(|e| errors::command_error(&e))?
        .index;
    let active = match index.active_entry() {
        Some(entry) => Some(active(&state, &session, entry)?),
        None => None,
    };
    Ok(AccountsView {
        revision,
        accounts: summaries(&state, &session, &index),
        active,
    })
}

/// Builds the current view once, sends it to every surface, and returns it.
pub async fn publish<R: Runtime>(app: &AppHandle<R>) -> Result<AccountsView, CommandError> {
    let state = app.state::<AppState>();
    let _turn = state.views.turn().await;
    let view = view(app).await.inspect_err(|e| {
        tracing::warn!("could not build the accounts view: {}", e.message);
    })?;
    Ok(state.views.send(view))
}

/// Makes an account active, shows it everywhere, and refreshes it in the background.
pub async fn switch<R: Runtime>(
    app: &AppHandle<R>,
    key: &str,
) -> Result<AccountsView, CommandError> {
    let session = app.state::<AppState>().config.session().await?;
    let entry = session
        .switch(key)
        .await
        .map_err(|e| errors::command_error(&e))?;
    let view = publish(app).await?;
    spawn_refresh(app, entry.id);
    Ok(view)
}

/// Refreshes an account (the active one when `id` is `None`) and returns the new view.
pub async fn refresh<R: Runtime>(
    app: &AppHandle<R>,
    id: Option<UserId>,
) -> Result<AccountsView, CommandError> {
    let state = app.state::<AppState>();
    let session = state.config.session().await?;
    let id = match id {
        Some(id) => id,
        None => {
            session
                .account(None)
                .await
                .map_err(|e| errors::command_error(&e))?
                .id
        }
    };
    state.live.set(&id, AccountStatus::Refreshing, None);
    let _ = publish(app).await;
    // Recording: a sign-in found dead here is noted as `needs_sign_in` (and then notified),
    // as when the background loop finds it.
    let outcome = session.refresh_recording(&id).await.map(|r| r.snapshot);
    after_refresh(app, &id, outcome.as_ref()).await
}

/// What every refresh of `id` ends with, the window's and the background schedule's alike:
/// the live status (and the reason of a failure) and a new view published. (The session has
/// already brought any rename into the index.)
pub async fn after_refresh<R: Runtime>(
    app: &AppHandle<R>,
    id: &UserId,
    outcome: Result<&CachedSnapshot, &SessionError>,
) -> Result<AccountsView, CommandError> {
    let (status, error) = match outcome {
        Ok(_) => (AccountStatus::Ok, None),
        Err(e) => (status_after(e), Some(errors::command_error(e).message)),
    };
    app.state::<AppState>().live.set(id, status, error);
    publish(app).await
}

/// Refreshes in the background; the outcome reaches the window as an `accounts` event.
pub fn spawn_refresh<R: Runtime>(app: &AppHandle<R>, id: UserId) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let _ = refresh(&app, Some(id)).await;
    });
}

/// Revokes at Discord and removes the account; the caller offers `forget_locally` on a
/// `revoke-failed` error.
pub async fn log_out<R: Runtime>(
    app: &AppHandle<R>,
    id: &UserId,
) -> Result<AccountsView, CommandError> {
    let state = app.state::<AppState>();
    let session = state.config.session().await?;
    session
        .log_out(id)
        .await
        .map_err(|e| errors::command_error(&e))?;
    state.live.forget(id);
    publish(app).await
}

/// Removes the account from this computer without telling Discord.
pub async fn forget_locally<R: Runtime>(
    app: &AppHandle<R>,
    id: &UserId,
) -> Result<AccountsView, CommandError> {
    let state = app.state::<AppState>();
    let session = state.config.session().await?;
    session
        .forget_locally(id)
        .await
        .map_err(|e| errors::command_error(&e))?;
    state.live.forget(id);
    publish(app).await
}

/// Logs out of every account; the first failure is reported after all were tried.
pub async fn log_out_all<R: Runtime>(app: &AppHandle<R>) -> Result<AccountsView, CommandError> {
    let state = app.state::<AppState>();
    let session = state.config.session().await?;
    let results = session
        .log_out_all()
        .await
        .map_err(|e| errors::command_error(&e))?;
    let mut first_error = None;
    for (id, result) in results {
        match result {
            Ok(_) => state.live.forget(&id),
            Err(e) => {
                first_error.get_or_insert(errors::command_error(&e));
            }
        }
    }
    let view = publish(app).await;
    match first_error {
        Some(e) => Err(e),
        None => view,
    }
}

/// Every account for the switchers, in the order they were added, each with its place in the
/// most-recently-used order. Reads nothing but the index (names and image hashes) and, for
/// the badges, the change histories that changed since the last view (`changes::Unseen`).
fn summaries(state: &AppState, session: &Session, index: &AccountIndex) -> Vec<AccountSummary> {
    let ranks: HashMap<&UserId, usize> = index
        .by_last_use()
        .into_iter()
        .enumerate()
        .map(|(rank, entry)| (&entry.id, rank))
        .collect();
    index
        .accounts
        .iter()
        .map(|entry| {
            let rank = ranks.get(&entry.id).copied().unwrap_or(0);
            AccountSummary {
                id: entry.id.clone(),
                username: entry.username.clone(),
                display_name: entry
                    .display_name
                    .clone()
                    .unwrap_or_else(|| entry.username.clone()),
                avatar_url: Some(
                    images::local_url(&summary_avatar(&state.env().endpoints, entry)).to_string(),
                ),
                status: status_of(state, entry),
                active: index.active.as_ref() == Some(&entry.id),
                recent_rank: u32::try_from(rank).unwrap_or(u32::MAX),
                unseen_changes: state.unseen.count(session, &entry.id),
            }
        })
        .collect()
}

/// The CDN address of an account's avatar as the switchers show it.
pub fn summary_avatar(endpoints: &Endpoints, entry: &AccountEntry) -> url::Url {
    cdn::avatar_url(
        endpoints,
        &entry.as_user(),
        cdn::ImageSize::new(SUMMARY_AVATAR),
        false,
    )
}

fn active(
    state: &AppState,
    session: &Session,
    entry: &AccountEntry,
) -> Result<ActiveAccount, CommandError> {
    let cached = session
        .cached_snapshot(&entry.id)
        .map_err(|e| errors::command_error(&e))?;
    let (snapshot, fetched_at) = match cached {
        Some(c) => {
            let mut view = session.view(entry, &c.snapshot);
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
        last_error: state.live.get(&entry.id).and_then(|l| l.last_error),
    })
}

/// The index says whether the tokens work; the live state adds refreshing and offline.
fn status_of(state: &AppState, entry: &AccountEntry) -> AccountStatus {
    if entry.status == IndexStatus::NeedsSignIn {
        return AccountStatus::NeedsSignIn;
    }
    state
        .live
        .get(&entry.id)
        .map(|l| l.status)
        .unwrap_or(AccountStatus::Ok)
}

fn status_after(error: &SessionError) -> AccountStatus {
    match errors::command_error(error).kind {
        crate::models::ErrorKind::NeedsSignIn => AccountStatus::NeedsSignIn,
        _ => AccountStatus::Offline,
    }
}
