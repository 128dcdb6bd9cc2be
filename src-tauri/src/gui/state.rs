use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use linkcord_core::config::{ConfigError, Environment, Settings};
use linkcord_core::discord::UserId;
use linkcord_core::images::ImageCache;
use linkcord_core::session::Session;
use tokio::sync::{Mutex as AsyncMutex, mpsc};
use tokio_util::sync::CancellationToken;

use crate::models::{AccountStatus, CommandError, ErrorKind, Notice};

/// What the running app holds between commands.
pub struct AppState {
    pub env: Environment,
    pub images: ImageCache,
    settings: Mutex<Settings>,
    /// Opened on first use and dropped when the settings change, so it always reflects them.
    session: AsyncMutex<Option<Arc<Session>>>,
    /// Notices raised before the window was ready to show them.
    pending: Mutex<Vec<Notice>>,
    tray_available: AtomicBool,
    /// What Linkcord knows about each account beyond the index: refreshing, offline.
    live: Mutex<HashMap<UserId, Live>>,
    sign_in: Mutex<Option<SignInHandle>>,
    /// The id of the last sign-in begun.
    sign_in_ids: AtomicU64,
    /// Held while a view of the accounts is built and sent, so views reach the window and
    /// the tray in the order they were built: a slow, older view never lands last.
    publishing: AsyncMutex<()>,
    /// The revision of the last published accounts view.
    revision: AtomicU32,
}

/// The live state of one account while the app runs.
#[derive(Debug, Clone)]
pub struct Live {
    pub status: AccountStatus,
    pub last_error: Option<String>,
}

/// A sign-in under way: how to cancel it, and where deep-link callbacks go.
pub struct SignInHandle {
    pub cancel: CancellationToken,
    pub links: mpsc::Sender<String>,
    /// Once the browser was asked to open: the address, for a window opened meanwhile.
    pub authorize_url: Option<String>,
    /// Cancelled by the sign-in's task once it has let go of everything (the loopback port),
    /// so a newer sign-in can wait for that before it binds the same port.
    pub ended: CancellationToken,
    /// Which sign-in this is: set by [`AppState::begin_sign_in`], so that the clean-up of a
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

impl AppState {
    pub fn load(env: Environment) -> Result<Self, ConfigError> {
        let settings = Settings::load(&env.settings_path())?;
        super::i18n::set_language(settings.language.as_deref());
        let images = ImageCache::new(&env.data_dir.join("cache").join("images"), &env.endpoints);
        Ok(Self {
            env,
            images,
            settings: Mutex::new(settings),
            session: AsyncMutex::new(None),
            pending: Mutex::new(Vec::new()),
            tray_available: AtomicBool::new(false),
            live: Mutex::new(HashMap::new()),
            sign_in: Mutex::new(None),
            sign_in_ids: AtomicU64::new(0),
            publishing: AsyncMutex::new(()),
            revision: AtomicU32::new(0),
        })
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().expect("settings lock").clone()
    }

    /// Saves new settings to disk first, and only then makes them current.
    pub async fn replace_settings(&self, settings: Settings) -> Result<(), ConfigError> {
        settings.save(&self.env.settings_path())?;
        super::i18n::set_language(settings.language.as_deref());
        *self.settings.lock().expect("settings lock") = settings;
        *self.session.lock().await = None;
        Ok(())
    }

    /// The session on the OS keychain, opened on first use. A keychain that cannot be opened
    /// is reported each time it is needed, and retried then.
    pub async fn session(&self) -> Result<Arc<Session>, CommandError> {
        let mut slot = self.session.lock().await;
        if let Some(session) = slot.as_ref() {
            return Ok(session.clone());
        }
        let session = Session::open(self.env.clone(), self.settings())
            .await
            .map_err(|e| CommandError::new(ErrorKind::Keychain, e))?;
        let session = Arc::new(session);
        *slot = Some(session.clone());
        Ok(session)
    }

    /// The client id in force: the environment's over the saved one.
    pub fn client_id(&self) -> Option<String> {
        self.env.client_id_over(&self.settings())
    }

    pub fn queue_notice(&self, notice: Notice) {
        self.pending.lock().expect("notice lock").push(notice);
    }

    pub fn take_notices(&self) -> Vec<Notice> {
        std::mem::take(&mut *self.pending.lock().expect("notice lock"))
    }

    pub fn set_tray_available(&self, available: bool) {
        self.tray_available.store(available, Ordering::Relaxed);
    }

    pub fn tray_available(&self) -> bool {
        self.tray_available.load(Ordering::Relaxed)
    }

    /// Waits for the turn to build and send a view of the accounts; the turn ends when the
    /// returned guard is dropped.
    pub async fn publishing_turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.publishing.lock().await
    }

    /// The revision of the last published accounts view.
    pub fn revision(&self) -> u32 {
        self.revision.load(Ordering::SeqCst)
    }

    /// The revision for a view about to be published (under `publishing`).
    pub fn next_revision(&self) -> u32 {
        self.revision.fetch_add(1, Ordering::SeqCst) + 1
    }

    pub fn live(&self, id: &UserId) -> Option<Live> {
        self.live.lock().expect("live lock").get(id).cloned()
    }

    pub fn set_live(&self, id: &UserId, status: AccountStatus, last_error: Option<String>) {
        let live = Live { status, last_error };
        self.live
            .lock()
            .expect("live lock")
            .insert(id.clone(), live);
    }

    pub fn forget_live(&self, id: &UserId) {
        self.live.lock().expect("live lock").remove(id);
    }

    /// Registers a new sign-in, the newest wins: one still under way is cancelled, and what
    /// tells when it has ended is returned, to be awaited before the new one binds its port.
    pub fn begin_sign_in(&self, mut handle: SignInHandle) -> (SignInId, Option<CancellationToken>) {
        let id = SignInId(self.sign_in_ids.fetch_add(1, Ordering::SeqCst) + 1);
        handle.id = id;
        let old = self.sign_in.lock().expect("sign-in lock").replace(handle);
        let previous = old.map(|old| {
            old.cancel.cancel();
            old.ended
        });
        (id, previous)
    }

    /// Forgets sign-in `id` if it is still the one under way; false when it was replaced or
    /// cancelled meanwhile (its successor, if any, stays).
    pub fn end_sign_in(&self, id: SignInId) -> bool {
        let mut slot = self.sign_in.lock().expect("sign-in lock");
        if slot.as_ref().is_some_and(|h| h.id == id) {
            slot.take();
            true
        } else {
            false
        }
    }

    pub fn cancel_sign_in(&self) -> bool {
        match self.sign_in.lock().expect("sign-in lock").take() {
            Some(handle) => {
                handle.cancel.cancel();
                true
            }
            None => false,
        }
    }

    /// Records the address the browser was sent to, if sign-in `id` is still the one under
    /// way; false when it is not (it was replaced or cancelled).
    pub fn set_sign_in_url(&self, id: SignInId, url: &str) -> bool {
        match self.sign_in.lock().expect("sign-in lock").as_mut() {
            Some(handle) if handle.id == id => {
                handle.authorize_url = Some(url.to_owned());
                true
            }
            _ => false,
        }
    }

    /// The address of the sign-in waiting for the browser, if one is.
    pub fn sign_in_url(&self) -> Option<String> {
        let guard = self.sign_in.lock().expect("sign-in lock");
        guard.as_ref().and_then(|h| h.authorize_url.clone())
    }

    /// Hands a deep-link callback to the sign-in waiting for it; false when none waits.
    pub fn deliver_callback(&self, link: String) -> bool {
        match self.sign_in.lock().expect("sign-in lock").as_ref() {
            Some(handle) => handle.links.try_send(link).is_ok(),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(dir: &std::path::Path) -> AppState {
        let data_dir = dir.display().to_string();
        let env = Environment::from_lookup(|name| {
            (name == "LINKCORD_DATA_DIR").then(|| data_dir.clone())
        })
        .unwrap();
        AppState::load(env).unwrap()
    }

    fn handle() -> (SignInHandle, mpsc::Receiver<String>) {
        let (tx, rx) = mpsc::channel(1);
        (SignInHandle::new(CancellationToken::new(), tx), rx)
    }

    #[test]
    fn the_newest_sign_in_wins_and_the_old_clean_up_leaves_it_alone() {
        let dir = tempfile::tempdir().unwrap();
        let state = state(dir.path());
        let (first, _first_links) = handle();
        let first_cancel = first.cancel.clone();
        let first_ended = first.ended.clone();
        let (first_id, previous) = state.begin_sign_in(first);
        assert!(previous.is_none());

        let (second, mut second_links) = handle();
        let (second_id, previous) = state.begin_sign_in(second);
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
        assert!(!state.set_sign_in_url(first_id, "http://old"));
        assert!(!state.end_sign_in(first_id));
        assert!(state.set_sign_in_url(second_id, "http://new"));
        assert_eq!(state.sign_in_url().as_deref(), Some("http://new"));
        assert!(state.deliver_callback("discord-1:/authorize/callback?code=c".into()));
        assert_eq!(
            second_links.try_recv().unwrap(),
            "discord-1:/authorize/callback?code=c"
        );

        assert!(state.end_sign_in(second_id));
        assert_eq!(state.sign_in_url(), None);
        assert!(!state.cancel_sign_in(), "nothing left to cancel");
    }

    #[test]
    fn cancelling_takes_the_sign_in_under_way() {
        let dir = tempfile::tempdir().unwrap();
        let state = state(dir.path());
        let (first, _links) = handle();
        let cancel = first.cancel.clone();
        let (id, _) = state.begin_sign_in(first);
        assert!(state.cancel_sign_in());
        assert!(cancel.is_cancelled());
        assert!(!state.end_sign_in(id), "a cancelled sign-in ends quietly");
    }
}
