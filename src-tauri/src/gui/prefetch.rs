//! Keeps every signed-in account's pictures in the image cache before anyone switches to it,
//! so a switch draws the avatar and banner in the same frame as the name.
//!
//! It follows the accounts views (`publisher.rs`). For each view it reads the index once and
//! names, for every account, the images a switch will show: the switchers' avatar, the
//! profile's avatar and banner. What is already cached is remembered for the life of the app,
//! so a republish costs no file system calls for it; missing images are fetched a few at a time
//! in the background, after the first view is on screen, and one that could not be fetched is
//! tried again with the next view.

use std::collections::HashSet;
use std::sync::Arc;

use linkcord_core::accounts::AccountIndex;
use linkcord_core::config::Endpoints;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::Mutex as AsyncMutex;
use url::Url;

use super::{AppState, accounts};

/// Starts following the accounts views.
pub fn follow<R: Runtime>(app: &AppHandle<R>) {
    let seen: Arc<AsyncMutex<HashSet<Url>>> = Arc::default();
    app.state::<AppState>()
        .views
        .follow(app, move |app, _view| {
            let seen = seen.clone();
            async move {
                let state = app.state::<AppState>();
                let Ok(session) = state.config.session().await else {
                    return;
                };
                let Ok(loaded) = session.accounts().await else {
                    return;
                };
                let wanted = images_of(&state.env().endpoints, &loaded.index);
                let fresh: Vec<Url> = {
                    let mut seen = seen.lock().await;
                    wanted
                        .into_iter()
                        .filter(|u| seen.insert(u.clone()))
                        .collect()
                };
                if !fresh.is_empty() {
                    let fetched = state.images.prefetch(fresh.iter().cloned()).await;
                    tracing::debug!("prefetched {fetched} account images");
                    // One that failed (the CDN unreachable) is tried again with the next view.
                    let mut seen = seen.lock().await;
                    for url in fresh.iter().filter(|u| !state.images.has(u)) {
                        seen.remove(url);
                    }
                }
            }
        });
}

/// The images a switch to each account shows, the most recently used accounts first.
pub fn images_of(endpoints: &Endpoints, index: &AccountIndex) -> Vec<Url> {
    let mut urls = Vec::new();
    for entry in index.by_last_use() {
        let user = entry.as_user().view(endpoints);
        urls.push(accounts::summary_avatar(endpoints, entry));
        urls.push(user.avatar_url);
        urls.extend(user.banner_url);
    }
    urls
}
