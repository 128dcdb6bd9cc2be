//! The one channel accounts views travel through.
//!
//! Whatever changes the accounts (a switch, a refresh, a sign-in, a log-out, another process
//! rewriting `accounts.json`) builds a new view and sends it here; the window, the tray and
//! the image prefetcher each follow the channel ([`Publisher::follow`]). The code that changes accounts
//! therefore knows nothing of who shows them, and adding a surface is one more `follow`.
//!
//! Views are numbered and sent one at a time (under [`Publisher::turn`]), so a slow, older
//! view never lands after a newer one. A follower that falls behind skips to the latest view:
//! only the newest matters.

use std::sync::atomic::{AtomicU32, Ordering};

use tauri::{AppHandle, Runtime};
use tokio::sync::{Mutex as AsyncMutex, MutexGuard, watch};

use crate::models::AccountsView;

pub struct Publisher {
    /// Held while a view is built and sent.
    turn: AsyncMutex<()>,
    /// The revision of the last view sent.
    revision: AtomicU32,
    latest: watch::Sender<Option<AccountsView>>,
}

impl Default for Publisher {
    fn default() -> Self {
        Self {
            turn: AsyncMutex::new(()),
            revision: AtomicU32::new(0),
            latest: watch::Sender::new(None),
        }
    }
}

impl Publisher {
    /// Waits for the turn to build and send a view; the turn ends when the guard is dropped.
    pub async fn turn(&self) -> MutexGuard<'_, ()> {
        self.turn.lock().await
    }

    /// The revision of the last view sent. A view built for a caller without being sent
    /// carries it, so the window can tell it from newer ones.
    pub fn revision(&self) -> u32 {
        self.revision.load(Ordering::SeqCst)
    }

    /// Numbers `view` as the newest and sends it to every follower; call it under the turn.
    pub fn send(&self, mut view: AccountsView) -> AccountsView {
        view.revision = self.revision.fetch_add(1, Ordering::SeqCst) + 1;
        self.latest.send_replace(Some(view.clone()));
        view
    }

    pub fn subscribe(&self) -> watch::Receiver<Option<AccountsView>> {
        self.latest.subscribe()
    }

    /// Calls `show` with every view sent from now on (and the last one sent, if any), in
    /// order, from a task of its own. A follower busy with one view gets only the newest after.
    pub fn follow<R, F, Fut>(&self, app: &AppHandle<R>, show: F)
    where
        R: Runtime,
        F: FnMut(AppHandle<R>, AccountsView) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send,
    {
        follow_views(self.subscribe(), app.clone(), show);
    }
}

fn follow_views<R, F, Fut>(
    mut views: watch::Receiver<Option<AccountsView>>,
    app: AppHandle<R>,
    mut show: F,
) where
    R: Runtime,
    F: FnMut(AppHandle<R>, AccountsView) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    tauri::async_runtime::spawn(async move {
        loop {
            let view = views.borrow_and_update().clone();
            if let Some(view) = view {
                show(app.clone(), view).await;
            }
            if views.changed().await.is_err() {
                return;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_are_numbered_in_the_order_they_are_sent_and_followers_see_the_newest() {
        let publisher = Publisher::default();
        let mut follower = publisher.subscribe();
        assert_eq!(publisher.revision(), 0);
        let first = publisher.send(AccountsView::default());
        let second = publisher.send(AccountsView::default());
        assert_eq!((first.revision, second.revision), (1, 2));
        assert_eq!(publisher.revision(), 2);
        let seen = follower.borrow_and_update().clone().unwrap();
        assert_eq!(seen.revision, 2, "a follower behind skips to the newest");
    }
}
