use std::collections::HashMap;
use std::sync::{Arc, Mutex};
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
    store: Arc<CredentialStore>,
    timeout: Duration,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("service", &self.service)
            .field("store", &self.store.vendor())
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The platform store once it opened; a failure is not remembered, so a keychain started
/// later is picked up without restarting Linkcord.
static PLATFORM_STORE: Mutex<Option<Arc<CredentialStore>>> = Mutex::new(None);

impl Vault {
    /// The OS keychain: Secret Service on Linux and the BSDs, Keychain Services on macOS,
    /// Credential Manager on Windows.
    pub async fn open_platform(service: &str) -> Result<Self, VaultError> {
        let store = if let Some(store) = PLATFORM_STORE.lock().expect("store lock").clone() {
            store
        } else {
            let opened = with_deadline(DEFAULT_TIMEOUT, "keychain", open_platform_store).await?;
            PLATFORM_STORE
                .lock()
                .expect("store lock")
                .replace(opened.clone());
            opened
        };
        Ok(Self::with_store(service, store))
    }

    /// A vault over any `keyring-core` store (a mock in tests).
    pub fn with_store(service: &str, store: Arc<CredentialStore>) -> Self {
        Self {
            service: service.to_owned(),
            store,
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
        let (store, service) = (self.store.clone(), self.service.clone());
        with_deadline(self.timeout, "list", move || {
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
        F: FnOnce(&Entry) -> Result<T, keyring_core::Error> + Send + 'static,
    {
        let (store, service, name) = (self.store.clone(), self.service.clone(), user.clone());
        with_deadline(self.timeout, &user, move || {
            call(&store.build(&service, &name, None)?)
        })
        .await
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
