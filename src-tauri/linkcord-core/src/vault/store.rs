use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use keyring_core::{CredentialStore, Entry};

use super::{TokenRecord, VaultError};
use crate::discord::UserId;
use crate::secret::ClientSecret;

/// How long one keychain call may take before it is reported as [`VaultError::Timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

const CLIENT_SECRET_USER: &str = "client-secret";
const ACCOUNT_PREFIX: &str = "account:";

/// The keychain, under one service name.
#[derive(Clone)]
pub struct Vault {
    service: String,
    slot: Arc<Slot>,
    timeout: Duration,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let vendor = self.slot.current().map(|store| store.vendor());
        f.debug_struct("Vault")
            .field("service", &self.service)
            .field("store", &vendor)
            .field("timeout", &self.timeout)
            .finish()
    }
}

type Opener = Box<dyn Fn() -> Result<Arc<CredentialStore>, keyring_core::Error> + Send + Sync>;

/// The store a vault talks to, and how to open it again. A Secret Service connection is tied
/// to the daemon it was opened with: once that daemon restarts, every call on it fails ("the
/// session does not exist"), so after a platform failure the connection is dropped and a new
/// one opened, instead of failing until Linkcord restarts.
struct Slot {
    current: Mutex<Option<Arc<CredentialStore>>>,
    /// `None`: a store given by the caller, used as it is.
    open: Option<Opener>,
}

impl Slot {
    fn current(&self) -> Option<Arc<CredentialStore>> {
        self.current.lock().expect("store lock").clone()
    }

    /// The open store, opened now if there is none (an open that failed is not remembered, so
    /// a keychain started later is picked up).
    async fn store(
        self: &Arc<Self>,
        deadline: Duration,
    ) -> Result<Arc<CredentialStore>, VaultError> {
        if let Some(store) = self.current() {
            return Ok(store);
        }
        self.open_new(None, deadline).await
    }

    /// Replaces `failed` with a newly opened store. If another caller already replaced it,
    /// theirs is used: one daemon restart means one reconnection, not one per caller.
    async fn reopen(
        self: &Arc<Self>,
        failed: &Arc<CredentialStore>,
        deadline: Duration,
    ) -> Result<Arc<CredentialStore>, VaultError> {
        self.open_new(Some(failed), deadline).await
    }

    async fn open_new(
        self: &Arc<Self>,
        replacing: Option<&Arc<CredentialStore>>,
        deadline: Duration,
    ) -> Result<Arc<CredentialStore>, VaultError> {
        {
            let mut current = self.current.lock().expect("store lock");
            match (current.as_ref(), replacing) {
                (Some(now), Some(old)) if !Arc::ptr_eq(now, old) => return Ok(now.clone()),
                (Some(now), None) => return Ok(now.clone()),
                _ => *current = None,
            }
        }
        let slot = self.clone();
        let opened = with_deadline(deadline, "keychain", move || match &slot.open {
            Some(open) => open(),
            None => Err(keyring_core::Error::NoDefaultStore),
        })
        .await?;
        let mut current = self.current.lock().expect("store lock");
        Ok(current.get_or_insert(opened).clone())
    }
}

/// The platform store, shared by every vault of this process.
static PLATFORM: LazyLock<Arc<Slot>> = LazyLock::new(|| {
    Arc::new(Slot {
        current: Mutex::new(None),
        open: Some(Box::new(open_platform_store)),
    })
});

impl Vault {
    /// The OS keychain: Secret Service on Linux and the BSDs, Keychain Services on macOS,
    /// Credential Manager on Windows.
    pub async fn open_platform(service: &str) -> Result<Self, VaultError> {
        let slot = PLATFORM.clone();
        slot.store(DEFAULT_TIMEOUT).await?;
        Ok(Self::on_slot(service, slot))
    }

    /// Connects to the OS keychain ahead of the first [`open_platform`](Self::open_platform),
    /// which then finds the connection made: a program that will need the keychain soon can
    /// do this beside other work. A failure is left for that first open to report.
    pub async fn connect_platform() {
        let _ = PLATFORM.clone().store(DEFAULT_TIMEOUT).await;
    }

    /// A vault over any `keyring-core` store (a mock in tests), never reopened.
    pub fn with_store(service: &str, store: Arc<CredentialStore>) -> Self {
        let slot = Slot {
            current: Mutex::new(Some(store)),
            open: None,
        };
        Self::on_slot(service, Arc::new(slot))
    }

    /// A vault over the stores `open` returns: the first on first use, a new one after each
    /// platform failure (tests use it to stand in for a restarted keychain daemon).
    #[cfg(test)]
    pub(crate) fn reopening(
        service: &str,
        open: impl Fn() -> Result<Arc<CredentialStore>, keyring_core::Error> + Send + Sync + 'static,
    ) -> Self {
        let slot = Slot {
            current: Mutex::new(None),
            open: Some(Box::new(open)),
        };
        Self::on_slot(service, Arc::new(slot))
    }

    fn on_slot(service: &str, slot: Arc<Slot>) -> Self {
        Self {
            service: service.to_owned(),
            slot,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// A vault that keeps everything in this process's memory and nowhere else: for tests and
    /// the emulator, never a fallback for a missing keychain.
    pub fn in_memory(service: &str) -> Self {
        let store = keyring_core::mock::Store::new().expect("the mock store always opens");
        Self::with_store(service, store)
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// The token record of `account`, or `None` if there is no entry.
    pub async fn load_tokens(&self, account: &UserId) -> Result<Option<TokenRecord>, VaultError> {
        let user = account_user(account);
        let Some(text) = self.get(user.clone()).await? else {
            return Ok(None);
        };
        TokenRecord::from_json(&text)
            .map(Some)
            .ok_or(VaultError::Damaged { entry: user })
    }

    /// Writes (or replaces) the token record of `account`.
    pub async fn store_tokens(
        &self,
        account: &UserId,
        record: &TokenRecord,
    ) -> Result<(), VaultError> {
        self.set(account_user(account), record.to_json()).await
    }

    /// Deletes the token entry of `account`; a missing entry is not an error.
    pub async fn delete_tokens(&self, account: &UserId) -> Result<(), VaultError> {
        self.delete(account_user(account)).await
    }

    pub async fn client_secret(&self) -> Result<Option<ClientSecret>, VaultError> {
        Ok(self
            .get(CLIENT_SECRET_USER.to_owned())
            .await?
            .filter(|s| !s.is_empty())
            .map(ClientSecret::new))
    }

    pub async fn set_client_secret(&self, secret: &ClientSecret) -> Result<(), VaultError> {
        self.set(CLIENT_SECRET_USER.to_owned(), secret.secret().clone())
            .await
    }

    pub async fn delete_client_secret(&self) -> Result<(), VaultError> {
        self.delete(CLIENT_SECRET_USER.to_owned()).await
    }

    /// The accounts that have an entry, when the store can list its entries; `None` when it
    /// cannot (then the caller relies on the account index and the cache).
    pub async fn list_accounts(&self) -> Result<Option<Vec<UserId>>, VaultError> {
        let service = self.service.clone();
        self.on_store("list", move |store| {
            let spec = HashMap::from([("service", service.as_str())]);
            let entries = match store.search(&spec) {
                Ok(entries) => entries,
                Err(keyring_core::Error::NotSupportedByStore(_)) => return Ok(None),
                Err(e) => return Err(e),
            };
            let mut ids: Vec<UserId> = entries
                .iter()
                .filter_map(Entry::get_specifiers)
                .filter(|(s, _)| *s == service)
                .filter_map(|(_, user)| user.strip_prefix(ACCOUNT_PREFIX)?.parse().ok())
                .collect();
            ids.sort();
            ids.dedup();
            Ok(Some(ids))
        })
        .await
    }

    async fn get(&self, user: String) -> Result<Option<String>, VaultError> {
        self.on_entry(user, |entry| match entry.get_password() {
            Ok(text) => Ok(Some(text)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
        .await
    }

    async fn set(&self, user: String, value: String) -> Result<(), VaultError> {
        self.on_entry(user, move |entry| entry.set_password(&value))
            .await
    }

    async fn delete(&self, user: String) -> Result<(), VaultError> {
        self.on_entry(user, |entry| match entry.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        })
        .await
    }

    /// Builds the entry for `user` and runs `call` on it, both under the deadline (building
    /// may already talk to the keychain on some platforms).
    async fn on_entry<T, F>(&self, user: String, call: F) -> Result<T, VaultError>
    where
        T: Send + 'static,
        F: Fn(&Entry) -> Result<T, keyring_core::Error> + Clone + Send + 'static,
    {
        let (service, name) = (self.service.clone(), user.clone());
        self.on_store(&user, move |store| {
            call(&store.build(&service, &name, None)?)
        })
        .await
    }

    /// Runs `call` on the store under the deadline. After a platform failure the store is
    /// opened again and `call` retried, once: every call here may be repeated safely.
    async fn on_store<T, F>(&self, entry: &str, call: F) -> Result<T, VaultError>
    where
        T: Send + 'static,
        F: Fn(&CredentialStore) -> Result<T, keyring_core::Error> + Clone + Send + 'static,
    {
        let store = self.slot.store(self.timeout).await?;
        let first = {
            let (store, call) = (store.clone(), call.clone());
            with_deadline(self.timeout, entry, move || call(store.as_ref())).await
        };
        match first {
            Err(VaultError::Unavailable { reason }) if self.slot.open.is_some() => {
                tracing::warn!("the keychain failed ({reason}); connecting to it again");
                let store = self.slot.reopen(&store, self.timeout).await?;
                with_deadline(self.timeout, entry, move || call(store.as_ref())).await
            }
            other => other,
        }
    }
}

fn account_user(account: &UserId) -> String {
    format!("{ACCOUNT_PREFIX}{account}")
}

/// Runs one blocking keychain call on a blocking thread, giving up after `deadline`. A call
/// that hangs keeps its thread, but the caller is told and can go on.
async fn with_deadline<T, F>(deadline: Duration, entry: &str, call: F) -> Result<T, VaultError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, keyring_core::Error> + Send + 'static,
{
    let task = tokio::task::spawn_blocking(call);
    match tokio::time::timeout(deadline, task).await {
        Err(_) => Err(VaultError::Timeout {
            seconds: deadline.as_secs().max(1),
        }),
        Ok(Err(join)) => Err(VaultError::Failed {
            reason: format!("the keychain call stopped unexpectedly: {join}"),
        }),
        Ok(Ok(result)) => result.map_err(|e| VaultError::from_keyring(e, entry)),
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn open_platform_store() -> Result<Arc<CredentialStore>, keyring_core::Error> {
    let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(not(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
)))]
fn open_platform_store() -> Result<Arc<CredentialStore>, keyring_core::Error> {
    // `keyring` sets the platform's store as keyring-core's default on first use.
    if let Err(e) = keyring::Entry::store_status() {
        return Err(keyring_core::Error::PlatformFailure(e.to_string().into()));
    }
    keyring_core::get_default_store().ok_or(keyring_core::Error::NoDefaultStore)
}
