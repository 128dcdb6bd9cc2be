//! Signing in from the window, the tray or a `linkcord://login` link.
//!
//! The flow itself is `Session::sign_in`; this file runs it in the background, answers the
//! window as soon as the browser was asked to open (with the URL, for "copy the link"), and
//! reports each later step as a `sign-in` event.
//!
//! Asking again while a sign-in waits (a second "Add account", the tray, a `linkcord://login`
//! link) starts a new one and the newest wins: the waiting one is cancelled, the new one waits
//! until the old one has let go of the loopback port before binding it, and the old one ends
//! quietly, so the window only ever shows the sign-in that can still finish.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use linkcord_core::oauth::Cancel;
use linkcord_core::session::SessionError;
use linkcord_core::session::{SignInOptions, SignedIn};
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::signin_slot::{SignInHandle, SignInId};
use super::{AppState, accounts, errors};
use crate::models::{CommandError, SIGN_IN_EVENT, SignInStatus};

type FirstAnswer = Arc<Mutex<Option<oneshot::Sender<SignInStatus>>>>;

/// How long a new sign-in waits for the one it replaced to let go of the port. A cancelled
/// sign-in ends at once unless it was already exchanging its code, which takes a few requests.
const REPLACED_END_WAIT: Duration = Duration::from_secs(15);

/// Starts a sign-in (replacing one under way) and returns once the browser was asked to
/// open, or once it failed to get that far.
pub async fn start<R: Runtime>(app: &AppHandle<R>) -> Result<SignInStatus, CommandError> {
    let state = app.state::<AppState>();
    let session = state.config.session().await?;
    let cancel = Cancel::new();
    let (links_tx, links_rx) = mpsc::channel(8);
    let handle = SignInHandle::new(cancel.clone(), links_tx);
    let ended = handle.ended.clone();
    let (id, previous) = state.sign_in.begin(handle);

    let (first_tx, first_rx) = oneshot::channel();
    let first: FirstAnswer = Arc::new(Mutex::new(Some(first_tx)));
    let mut options = SignInOptions::default();
    options.wait.cancel = cancel.clone();
    options.deep_links = Some(links_rx);
    let on_url = first.clone();
    let on_url_app = app.clone();
    options.on_url = Some(Box::new(move |url| {
        // Replaced or cancelled meanwhile: the window follows the newer one, or none.
        if !on_url_app
            .state::<AppState>()
            .sign_in
            .set_url(id, url.as_str())
        {
            return;
        }
        let waiting = SignInStatus::Waiting {
            authorize_url: url.to_string(),
        };
        // Also as an event: a sign-in started from the tray or a link has no caller in the
        // window, which would otherwise show nothing until the sign-in ended.
        let _ = on_url_app.emit(SIGN_IN_EVENT, waiting.clone());
        answer(&on_url, waiting);
    }));

    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        // Marks this sign-in ended even if it panics, so a successor never waits in vain.
        let ended = ended.drop_guard();
        let go_on = match previous {
            Some(previous) => previous_ended(previous, &cancel).await,
            None => true,
        };
        let result = if go_on {
            session.sign_in(options).await
        } else {
            Err(cancelled())
        };
        drop(ended);
        finish(&app, id, result, &first).await;
    });
    Ok(first_rx.await.unwrap_or(SignInStatus::Idle))
}

/// Cancels the sign-in under way, if any.
pub fn cancel<R: Runtime>(app: &AppHandle<R>) {
    if app.state::<AppState>().sign_in.cancel() {
        let _ = app.emit(SIGN_IN_EVENT, SignInStatus::Cancelled);
    }
}

/// Waits until the sign-in this one replaced has ended (or for at most
/// [`REPLACED_END_WAIT`]); false when this one was cancelled meanwhile, and must not start.
async fn previous_ended(previous: CancellationToken, cancel: &CancellationToken) -> bool {
    tokio::select! {
        _ = cancel.cancelled() => false,
        ended = tokio::time::timeout(REPLACED_END_WAIT, previous.cancelled()) => {
            if ended.is_err() {
                tracing::warn!("the replaced sign-in has not ended; starting the new one anyway");
            }
            !cancel.is_cancelled()
        }
    }
}

fn cancelled() -> SessionError {
    SessionError::OAuth(linkcord_core::oauth::OAuthError::Cancelled)
}

async fn finish<R: Runtime>(
    app: &AppHandle<R>,
    id: SignInId,
    result: Result<SignedIn, SessionError>,
    first: &FirstAnswer,
) {
    let state = app.state::<AppState>();
    // False when a newer sign-in replaced this one, or the window cancelled it (and was told).
    let current = state.sign_in.end(id);
    let status = match result {
        Ok(signed_in) => {
            let id = signed_in.account.id.clone();
            state.live.forget(&id);
            // The sign-in fetched and cached everything: no refresh needed.
            let _ = accounts::publish(app).await;
            SignInStatus::Done { account: id }
        }
        Err(SessionError::OAuth(linkcord_core::oauth::OAuthError::Cancelled)) => {
            SignInStatus::Cancelled
        }
        Err(e) => SignInStatus::Failed {
            message: errors::command_error(&e).message,
        },
    };
    if current {
        answer(first, status.clone());
        let _ = app.emit(SIGN_IN_EVENT, status);
    } else if matches!(status, SignInStatus::Done { .. }) {
        // It finished just as it was replaced: the account is in, and the list shows it.
        answer(first, status);
    } else {
        // The newer sign-in speaks for itself; its caller's "opening…" stays until it does.
        answer(first, SignInStatus::Idle);
    }
}

/// Sends the first answer to `start`'s caller, once.
fn answer(first: &FirstAnswer, status: SignInStatus) {
    if let Some(tx) = first.lock().expect("sign-in answer lock").take() {
        let _ = tx.send(status);
    }
}
