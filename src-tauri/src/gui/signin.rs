//! Signing in from the window, the tray or a `linkcord://login` link.
//!
//! The flow itself is `Session::sign_in`; this file runs it in the background, answers the
//! window as soon as the browser was asked to open (with the URL, for "copy the link"), and
//! reports each later step as a `sign-in` event.

use std::sync::{Arc, Mutex};

use linkcord_core::oauth::Cancel;
use linkcord_core::session::{SignInOptions, SignedIn};
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::{mpsc, oneshot};

use super::state::SignInHandle;
use super::{AppState, accounts};
use crate::models::{CommandError, SIGN_IN_EVENT, SignInStatus};

type FirstAnswer = Arc<Mutex<Option<oneshot::Sender<SignInStatus>>>>;

/// Starts a sign-in (cancelling one under way) and returns once the browser was asked to
/// open, or once it failed to get that far.
pub async fn start(app: &AppHandle) -> Result<SignInStatus, CommandError> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    let cancel = Cancel::new();
    let (links_tx, links_rx) = mpsc::channel(8);
    state.begin_sign_in(SignInHandle {
        cancel: cancel.clone(),
        links: links_tx,
        authorize_url: None,
    });

    let (first_tx, first_rx) = oneshot::channel();
    let first: FirstAnswer = Arc::new(Mutex::new(Some(first_tx)));
    let mut options = SignInOptions::default();
    options.wait.cancel = cancel;
    options.deep_links = Some(links_rx);
    let on_url = first.clone();
    let on_url_app = app.clone();
    options.on_url = Some(Box::new(move |url| {
        on_url_app.state::<AppState>().set_sign_in_url(url.as_str());
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
        let result = session.sign_in(options).await;
        finish(&app, result, &first).await;
    });
    Ok(first_rx.await.unwrap_or(SignInStatus::Idle))
}

/// Cancels the sign-in under way, if any.
pub fn cancel(app: &AppHandle) {
    if app.state::<AppState>().cancel_sign_in() {
        let _ = app.emit(SIGN_IN_EVENT, SignInStatus::Cancelled);
    }
}

async fn finish(
    app: &AppHandle,
    result: Result<SignedIn, linkcord_core::session::SessionError>,
    first: &FirstAnswer,
) {
    let state = app.state::<AppState>();
    state.end_sign_in();
    let status = match result {
        Ok(signed_in) => {
            let id = signed_in.account.id.clone();
            state.forget_live(&id);
            // The sign-in fetched and cached everything: no refresh needed.
            let _ = accounts::publish(app).await;
            SignInStatus::Done { account: id }
        }
        Err(linkcord_core::session::SessionError::OAuth(
            linkcord_core::oauth::OAuthError::Cancelled,
        )) => SignInStatus::Cancelled,
        Err(e) => SignInStatus::Failed {
            message: accounts::command_error(e).message,
        },
    };
    answer(first, status.clone());
    let _ = app.emit(SIGN_IN_EVENT, status);
}

/// Sends the first answer to `start`'s caller, once.
fn answer(first: &FirstAnswer, status: SignInStatus) {
    if let Some(tx) = first.lock().expect("sign-in answer lock").take() {
        let _ = tx.send(status);
    }
}
