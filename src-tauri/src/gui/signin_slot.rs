//! The one sign-in that may be under way in the app, and how a newer one replaces it.
//!
//! Asking again while a sign-in waits starts a new one and the newest wins (see `signin.rs`).
//! This slot is what makes that safe: each sign-in gets an id, and the clean-up of one that
//! was replaced never touches its successor.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// A sign-in under way: how to cancel it, and where deep-link callbacks go.
pub struct SignInHandle {
    pub cancel: CancellationToken,
    pub links: mpsc::Sender<String>,
    /// Once the browser was asked to open: the address, for a window opened meanwhile.
    pub authorize_url: Option<String>,
    /// Cancelled by the sign-in's task once it has let go of everything (the loopback port),
    /// so a newer sign-in can wait for that before it binds the same port.
    pub ended: CancellationToken,
    /// Which sign-in this is: set by [`SignInSlot::begin`], so that the clean-up of a
    /// sign-in that was replaced never touches its successor.
    id: SignInId,
}

/// Tells sign-ins apart: each one begun gets a new id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInId(u64);

impl SignInHandle {
    pub fn new(cancel: CancellationToken, links: mpsc::Sender<String>) -> Self {
        Self {
            cancel,
            links,
            authorize_url: None,
            ended: CancellationToken::new(),
            id: SignInId(0),
        }
    }
}

/// Holds the sign-in under way, if any.
#[derive(Default)]
pub struct SignInSlot {
    current: Mutex<Option<SignInHandle>>,
    /// The id of the last sign-in begun.
    ids: AtomicU64,
}

impl SignInSlot {
    /// Registers a new sign-in, the newest wins: one still under way is cancelled, and what
    /// tells when it has ended is returned, to be awaited before the new one binds its port.
    pub fn begin(&self, mut handle: SignInHandle) -> (SignInId, Option<CancellationToken>) {
        let id = SignInId(self.ids.fetch_add(1, Ordering::SeqCst) + 1);
        handle.id = id;
        let old = self.lock().replace(handle);
        let previous = old.map(|old| {
            old.cancel.cancel();
            old.ended
        });
        (id, previous)
    }

    /// Forgets sign-in `id` if it is still the one under way; false when it was replaced or
    /// cancelled meanwhile (its successor, if any, stays).
    pub fn end(&self, id: SignInId) -> bool {
        let mut slot = self.lock();
        if slot.as_ref().is_some_and(|h| h.id == id) {
            slot.take();
            true
        } else {
            false
        }
    }

    pub fn cancel(&self) -> bool {
        match self.lock().take() {
            Some(handle) => {
                handle.cancel.cancel();
                true
            }
            None => false,
        }
    }

    /// Records the address the browser was sent to, if sign-in `id` is still the one under
    /// way; false when it is not (it was replaced or cancelled).
    pub fn set_url(&self, id: SignInId, url: &str) -> bool {
        match self.lock().as_mut() {
            Some(handle) if handle.id == id => {
                handle.authorize_url = Some(url.to_owned());
                true
            }
            _ => false,
        }
    }

    /// The address of the sign-in waiting for the browser, if one is.
    pub fn url(&self) -> Option<String> {
        let guard = self.lock();
        guard.as_ref().and_then(|h| h.authorize_url.clone())
    }

    /// Hands a deep-link callback to the sign-in waiting for it; false when none waits.
    pub fn deliver_callback(&self, link: String) -> bool {
        match self.lock().as_ref() {
            Some(handle) => handle.links.try_send(link).is_ok(),
            None => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<SignInHandle>> {
        self.current.lock().expect("sign-in lock")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handle() -> (SignInHandle, mpsc::Receiver<String>) {
        let (tx, rx) = mpsc::channel(1);
        (SignInHandle::new(CancellationToken::new(), tx), rx)
    }

    #[test]
    fn the_newest_sign_in_wins_and_the_old_clean_up_leaves_it_alone() {
        let slot = SignInSlot::default();
        let (first, _first_links) = handle();
        let first_cancel = first.cancel.clone();
        let first_ended = first.ended.clone();
        let (first_id, previous) = slot.begin(first);
        assert!(previous.is_none());

        let (second, mut second_links) = handle();
        let (second_id, previous) = slot.begin(second);
        assert_ne!(first_id, second_id);
        assert!(
            first_cancel.is_cancelled(),
            "the first sign-in was cancelled"
        );
        let previous = previous.expect("the first sign-in's end to wait for");
        first_ended.cancel();
        assert!(
            previous.is_cancelled(),
            "the end handed back is the first's"
        );

        // The first task ends late: its clean-up and its address touch nothing.
        assert!(!slot.set_url(first_id, "http://old"));
        assert!(!slot.end(first_id));
        assert!(slot.set_url(second_id, "http://new"));
        assert_eq!(slot.url().as_deref(), Some("http://new"));
        assert!(slot.deliver_callback("discord-1:/authorize/callback?code=c".into()));
        assert_eq!(
            second_links.try_recv().unwrap(),
            "discord-1:/authorize/callback?code=c"
        );

        assert!(slot.end(second_id));
        assert_eq!(slot.url(), None);
        assert!(!slot.cancel(), "nothing left to cancel");
    }

    #[test]
    fn cancelling_takes_the_sign_in_under_way() {
        let slot = SignInSlot::default();
        let (first, _links) = handle();
        let cancel = first.cancel.clone();
        let (id, _) = slot.begin(first);
        assert!(slot.cancel());
        assert!(cancel.is_cancelled());
        assert!(!slot.end(id), "a cancelled sign-in ends quietly");
    }
}
