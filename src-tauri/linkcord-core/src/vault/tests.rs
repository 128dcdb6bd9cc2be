use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use keyring_core::api::CredentialStoreApi;
use keyring_core::{CredentialStore, Entry, mock};
use time::OffsetDateTime;

use super::*;
use crate::discord::UserId;
use crate::oauth::Scopes;
use crate::secret::{AccessToken, ClientSecret, RefreshToken};

fn id(text: &str) -> UserId {
    text.parse().unwrap()
}

pub(crate) fn record(access: &str, refresh: &str, expires_in_secs: i64) -> TokenRecord {
    TokenRecord {
        access_token: AccessToken::new(access.into()),
        refresh_token: Some(RefreshToken::new(refresh.into())),
        expires_at: OffsetDateTime::now_utc() + time::Duration::seconds(expires_in_secs),
        scopes: Scopes::default(),
        token_type: "Bearer".into(),
    }
}

#[tokio::test]
async fn tokens_round_trip_per_account_and_delete_is_idempotent() {
    let vault = Vault::in_memory("lc-test");
    let (a, b) = (id("111"), id("222"));
    assert!(vault.load_tokens(&a).await.unwrap().is_none());
    vault
        .store_tokens(&a, &record("at-a", "rt-a", 600))
        .await
        .unwrap();
    vault
        .store_tokens(&b, &record("at-b", "rt-b", 600))
        .await
        .unwrap();
    let got = vault.load_tokens(&a).await.unwrap().unwrap();
    assert_eq!(got.access_token.secret(), "at-a");
    assert_eq!(got.refresh_token.unwrap().secret(), "rt-a");
    assert_eq!(
        vault.list_accounts().await.unwrap(),
        Some(vec![a.clone(), b.clone()])
    );
    vault.delete_tokens(&a).await.unwrap();
    vault.delete_tokens(&a).await.unwrap();
    assert!(vault.load_tokens(&a).await.unwrap().is_none());
    assert!(vault.load_tokens(&b).await.unwrap().is_some());
}

#[tokio::test]
async fn the_client_secret_has_its_own_entry() {
    let vault = Vault::in_memory("lc-test");
    assert!(vault.client_secret().await.unwrap().is_none());
    vault
        .set_client_secret(&ClientSecret::new("shh".into()))
        .await
        .unwrap();
    assert_eq!(
        vault.client_secret().await.unwrap().unwrap().secret(),
        "shh"
    );
    assert_eq!(vault.list_accounts().await.unwrap(), Some(vec![]));
    vault.delete_client_secret().await.unwrap();
    assert!(vault.client_secret().await.unwrap().is_none());
}

#[test]
fn a_record_never_prints_its_tokens() {
    let r = record("access-xyz", "refresh-xyz", 60);
    let shown = format!("{r:?}");
    assert!(
        !shown.contains("access-xyz") && !shown.contains("refresh-xyz"),
        "{shown}"
    );
    let expired = record("a", "r", -5);
    assert!(expired.expires_within(Duration::from_secs(60), OffsetDateTime::now_utc()));
    assert!(!r.expires_within(Duration::from_secs(1), OffsetDateTime::now_utc()));
}

#[tokio::test]
async fn a_damaged_entry_is_reported_without_its_content() {
    let store = mock::Store::new().unwrap();
    let vault = Vault::with_store("lc-test", store.clone());
    store
        .build("lc-test", "account:333", None)
        .unwrap()
        .set_password("not json, maybe a secret")
        .unwrap();
    let err = vault.load_tokens(&id("333")).await.unwrap_err();
    assert_eq!(
        err,
        VaultError::Damaged {
            entry: "account:333".into()
        }
    );
    assert!(!err.to_string().contains("maybe a secret"));
}

#[tokio::test]
async fn locked_and_failing_keychains_are_typed_errors() {
    let store = mock::Store::new().unwrap();
    let vault = Vault::with_store("lc-test", store.clone());
    let entry = store.build("lc-test", "account:444", None).unwrap();
    let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
    cred.set_error(keyring_core::Error::NoStorageAccess(
        "collection is locked".into(),
    ));
    let err = vault.load_tokens(&id("444")).await.unwrap_err();
    assert!(matches!(err, VaultError::Locked { .. }), "{err}");
    cred.set_error(keyring_core::Error::PlatformFailure("no bus".into()));
    let err = vault
        .store_tokens(&id("444"), &record("a", "r", 1))
        .await
        .unwrap_err();
    assert!(matches!(err, VaultError::Unavailable { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("never stores tokens outside the keychain")
    );
    cred.set_error(keyring_core::Error::BadEncoding(b"secret-bytes".to_vec()));
    let err = vault.load_tokens(&id("444")).await.unwrap_err();
    assert!(!format!("{err} {err:?}").contains("secret-bytes"));
}

/// A store whose every call hangs, standing in for a keychain waiting on a prompt.
#[derive(Debug)]
struct HangingStore;

impl CredentialStoreApi for HangingStore {
    fn vendor(&self) -> String {
        "hanging".into()
    }
    fn id(&self) -> String {
        "hanging".into()
    }
    fn build(
        &self,
        _: &str,
        _: &str,
        _: Option<&HashMap<&str, &str>>,
    ) -> keyring_core::Result<Entry> {
        std::thread::sleep(Duration::from_millis(500));
        Err(keyring_core::Error::NoDefaultStore)
    }
    fn search(&self, _: &HashMap<&str, &str>) -> keyring_core::Result<Vec<Entry>> {
        std::thread::sleep(Duration::from_millis(500));
        Ok(vec![])
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[tokio::test]
async fn a_hanging_keychain_times_out() {
    let vault = Vault::with_store("lc-test", Arc::new(HangingStore))
        .with_timeout(Duration::from_millis(20));
    let err = vault.list_accounts().await.unwrap_err();
    assert!(matches!(err, VaultError::Timeout { .. }), "{err}");
    let err = vault.load_tokens(&id("1")).await.unwrap_err();
    assert!(matches!(err, VaultError::Timeout { .. }), "{err}");
}

/// A store whose connection is gone, like one opened before the keychain daemon restarted:
/// every call fails with a platform failure.
#[derive(Debug)]
struct DeadStore;

impl CredentialStoreApi for DeadStore {
    fn vendor(&self) -> String {
        "dead".into()
    }
    fn id(&self) -> String {
        "dead".into()
    }
    fn build(
        &self,
        _: &str,
        _: &str,
        _: Option<&HashMap<&str, &str>>,
    ) -> keyring_core::Result<Entry> {
        Err(keyring_core::Error::PlatformFailure(
            "the session does not exist".into(),
        ))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A vault whose opener hands out `stores` in turn (the last one from then on), and a count
/// of how often it was asked.
fn reopening_vault(stores: Vec<Arc<CredentialStore>>) -> (Vault, Arc<std::sync::Mutex<usize>>) {
    let opened = Arc::new(std::sync::Mutex::new(0usize));
    let count = opened.clone();
    let vault = Vault::reopening("lc-test", move || {
        let mut n = count.lock().unwrap();
        *n += 1;
        Ok(stores[(*n - 1).min(stores.len() - 1)].clone())
    });
    (vault, opened)
}

#[tokio::test]
async fn a_store_whose_daemon_went_away_is_opened_again_once() {
    let alive: Arc<CredentialStore> = mock::Store::new().unwrap();
    let (vault, opened) = reopening_vault(vec![Arc::new(DeadStore), alive]);
    // The first store is dead: the call reconnects and succeeds without the caller noticing.
    vault
        .store_tokens(&id("555"), &record("at", "rt", 60))
        .await
        .unwrap();
    assert_eq!(*opened.lock().unwrap(), 2);
    let got = vault.load_tokens(&id("555")).await.unwrap().unwrap();
    assert_eq!(got.access_token.secret(), "at");
    // Clones share the new connection: no further reopening.
    assert!(
        vault
            .clone()
            .load_tokens(&id("555"))
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(*opened.lock().unwrap(), 2);
}

#[tokio::test]
async fn a_keychain_still_down_is_reported_after_one_reconnection_per_call() {
    let (vault, opened) = reopening_vault(vec![Arc::new(DeadStore)]);
    for call in 1..=2 {
        let err = vault.load_tokens(&id("556")).await.unwrap_err();
        assert!(matches!(err, VaultError::Unavailable { .. }), "{err}");
        // One open on first use, then one reconnection per failing call.
        assert_eq!(*opened.lock().unwrap(), 1 + call);
    }
}

#[tokio::test]
async fn a_store_given_by_the_caller_is_never_replaced() {
    let vault = Vault::with_store("lc-test", Arc::new(DeadStore));
    let err = vault.load_tokens(&id("557")).await.unwrap_err();
    assert!(matches!(err, VaultError::Unavailable { .. }), "{err}");
}

// ----- against a real Secret Service (run under recipes/with-secret-service.sh) -----

/// The real keychain when a session bus is there; `None` (test reported as skipped) otherwise.
pub(crate) async fn real_vault() -> Option<Vault> {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        eprintln!("skipped: no D-Bus session bus; run under recipes/with-secret-service.sh");
        return None;
    }
    let service = format!(
        "linkcord-test-{}-{}",
        std::process::id(),
        OffsetDateTime::now_utc().unix_timestamp_nanos()
    );
    match Vault::open_platform(&service).await {
        Ok(v) => Some(v),
        Err(e) => {
            eprintln!("skipped: the Secret Service could not be opened: {e}");
            None
        }
    }
}

#[tokio::test]
async fn secret_service_round_trip() {
    let Some(vault) = real_vault().await else {
        return;
    };
    let account = id("80351110224678912");
    vault
        .store_tokens(&account, &record("real-at", "real-rt", 600))
        .await
        .unwrap();
    let got = vault.load_tokens(&account).await.unwrap().unwrap();
    assert_eq!(got.access_token.secret(), "real-at");
    vault
        .store_tokens(&account, &record("real-at-2", "real-rt-2", 600))
        .await
        .unwrap();
    let got = vault.load_tokens(&account).await.unwrap().unwrap();
    assert_eq!(got.refresh_token.unwrap().secret(), "real-rt-2");
    vault
        .set_client_secret(&ClientSecret::new("real-secret".into()))
        .await
        .unwrap();
    assert_eq!(
        vault.client_secret().await.unwrap().unwrap().secret(),
        "real-secret"
    );
    let listed = vault.list_accounts().await.unwrap();
    assert_eq!(listed, Some(vec![account.clone()]));
    vault.delete_tokens(&account).await.unwrap();
    vault.delete_client_secret().await.unwrap();
    assert!(vault.load_tokens(&account).await.unwrap().is_none());
    assert_eq!(vault.list_accounts().await.unwrap(), Some(vec![]));
}
