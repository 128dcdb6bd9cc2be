use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use time::OffsetDateTime;

use super::*;
use crate::discord::UserId;
use crate::oauth::test_server::{TestServer, token_json};
use crate::oauth::{ClientCredentials, OAuthClient, Scopes};
use crate::secret::AccessToken;
use crate::vault::Vault;
use crate::vault::tests::record;

fn id(text: &str) -> UserId {
    text.parse().unwrap()
}

fn who(user: &str, name: &str) -> Identity {
    Identity {
        id: id(user),
        username: name.into(),
        display_name: Some(format!("{name} display")),
        avatar: Some("abc".into()),
    }
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

#[test]
fn signing_in_again_updates_never_duplicates_and_switch_finds_by_id_or_name() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    store
        .update(|i| {
            i.upsert(who("11", "alice"), Scopes::default(), now());
            i.upsert(who("22", "bob"), Scopes::default(), now());
            i.upsert(who("11", "alice2"), Scopes::parse("identify"), now());
            i.set_active(&id("11"));
        })
        .unwrap();
    let Loaded { index, warning } = store.load().unwrap();
    assert!(warning.is_none());
    assert_eq!(index.accounts.len(), 2);
    assert_eq!(index.get(&id("11")).unwrap().username, "alice2");
    assert_eq!(index.find("@BOB").unwrap().id, id("22"));
    assert_eq!(index.find("22").unwrap().username, "bob");
    assert!(matches!(
        index.find("carol"),
        Err(AccountsError::NoSuchAccount { .. })
    ));
    assert_eq!(index.active_entry().unwrap().id, id("11"));
    // The file is what the docs say.
    let text = std::fs::read_to_string(store.index_path()).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["version"], 1);
    assert_eq!(value["active"], "11");
    assert_eq!(value["accounts"][0]["status"], "ok");
    assert_eq!(value["accounts"][0]["displayName"], "alice2 display");
    // Removing the active account makes another one active.
    store.update(|i| i.remove(&id("11"))).unwrap();
    assert_eq!(store.load().unwrap().index.active, Some(id("22")));
}

#[test]
fn a_damaged_index_is_kept_aside_and_rebuilt_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let profile = json!({"id": "33", "username": "carol", "global_name": "Carol", "avatar": "h1"});
    store
        .write_cache(&id("33"), CacheKind::Profile, profile, now())
        .unwrap();
    store
        .write_cache(&id("44"), CacheKind::Guilds, json!([]), now())
        .unwrap();
    store
        .update(|i| {
            i.upsert(who("33", "carol"), Scopes::default(), now());
        })
        .unwrap();
    std::fs::write(store.index_path(), b"{\"version\": 1, \"accounts\": [tru").unwrap();

    let Loaded { index, warning } = store.load().unwrap();
    let Some(IndexWarning::Rebuilt {
        kept_as: Some(kept),
        recovered: 2,
        keychain_listed: false,
        ..
    }) = &warning
    else {
        panic!("expected a rebuild warning, got {warning:?}");
    };
    assert!(std::fs::read(kept).unwrap().starts_with(b"{\"version\": 1"));
    let carol = index.get(&id("33")).unwrap();
    assert_eq!(
        (carol.username.as_str(), carol.display_name.as_deref()),
        ("carol", Some("Carol"))
    );
    assert_eq!(index.get(&id("44")).unwrap().username, "44");
    assert!(warning.unwrap().to_string().contains("cannot list"));
    // The rebuilt file is good again.
    assert!(store.load().unwrap().warning.is_none());
}

#[tokio::test]
async fn keychain_entries_fill_in_accounts_the_cache_did_not_know() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    store
        .write_cache(
            &id("55"),
            CacheKind::Profile,
            json!({"username": "dan"}),
            now(),
        )
        .unwrap();
    std::fs::write(store.index_path(), b"garbage").unwrap();
    let mut warning = store.load().unwrap().warning.unwrap();
    store
        .recover_from_keychain(Some(vec![id("55"), id("66")]), &mut warning)
        .await
        .unwrap();
    assert!(matches!(
        warning,
        IndexWarning::Rebuilt {
            recovered: 2,
            keychain_listed: true,
            ..
        }
    ));
    let index = store.load().unwrap().index;
    assert_eq!(index.accounts.len(), 2);
    assert!(index.get(&id("66")).is_some());
}

#[test]
fn documents_fetched_together_are_written_together_and_the_rest_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let at = now();
    let earlier = at - time::Duration::hours(1);
    store
        .write_cache(&id("77"), CacheKind::Guilds, json!(["old"]), earlier)
        .unwrap();
    store
        .write_cache_docs(
            &id("77"),
            [
                (CacheKind::Profile, json!({"username": "eve"})),
                (CacheKind::Connections, json!([])),
            ],
            at,
        )
        .unwrap();
    let cache = store.read_cache(&id("77")).unwrap().0.unwrap();
    let profile = cache.get(CacheKind::Profile).unwrap();
    assert_eq!(profile.value, json!({"username": "eve"}));
    assert_eq!(profile.fetched_at, at);
    assert_eq!(cache.get(CacheKind::Connections).unwrap().fetched_at, at);
    let guilds = cache.get(CacheKind::Guilds).unwrap();
    assert_eq!(
        (guilds.value.clone(), guilds.fetched_at),
        (json!(["old"]), earlier)
    );
}

#[test]
fn a_newer_format_is_kept_aside_not_misread() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    store
        .write_cache(
            &id("77"),
            CacheKind::Profile,
            json!({"username": "eve"}),
            now(),
        )
        .unwrap();
    std::fs::write(store.index_path(), br#"{"version": 9, "accounts": []}"#).unwrap();
    let warning = store.load().unwrap().warning.unwrap();
    assert!(warning.to_string().contains("newer Linkcord"), "{warning}");
    assert_eq!(store.load().unwrap().index.accounts.len(), 1);
}

#[test]
fn a_damaged_cache_file_is_reported_and_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    std::fs::create_dir_all(store.cache_dir()).unwrap();
    std::fs::write(store.cache_path(&id("88")), b"{{{").unwrap();
    let (cache, warning) = store.read_cache(&id("88")).unwrap();
    assert!(cache.is_none());
    assert!(matches!(warning, Some(IndexWarning::CacheDamaged { .. })));
    assert!(!store.cache_path(&id("88")).exists());
    // Writing starts a fresh one.
    store
        .write_cache(
            &id("88"),
            CacheKind::Connections,
            json!([{"type": "github"}]),
            now(),
        )
        .unwrap();
    let cache = store.read_cache(&id("88")).unwrap().0.unwrap();
    assert_eq!(
        cache.get(CacheKind::Connections).unwrap().value[0]["type"],
        "github"
    );
    assert!(store.images_dir().ends_with("cache/images"));
}

#[test]
fn a_missing_index_with_no_cache_is_just_empty() {
    let dir = tempfile::tempdir().unwrap();
    let Loaded { index, warning } = AccountStore::new(dir.path()).load().unwrap();
    assert!(index.accounts.is_empty() && warning.is_none());
}

// ----- refresh coordination -----

/// A token endpoint that rotates refresh tokens like Discord: only the latest one works.
struct Rotating {
    server: TestServer,
}

impl Rotating {
    async fn start(first_refresh: &str) -> Self {
        let current = Arc::new(Mutex::new((0u32, first_refresh.to_owned())));
        let server = TestServer::start(move |seen| {
            let mut state = current.lock().unwrap();
            if seen.form().get("refresh_token") != Some(&state.1) {
                return (400, r#"{"error":"invalid_grant"}"#.into());
            }
            state.0 += 1;
            state.1 = format!("rt-{}", state.0);
            (
                200,
                token_json(&format!("at-{}", state.0), &state.1, 604800),
            )
        })
        .await;
        Self { server }
    }

    fn client(&self) -> OAuthClient {
        OAuthClient::new(
            &self.server.endpoints,
            ClientCredentials::new("42".parse().unwrap(), None),
        )
        .unwrap()
    }

    fn refreshes(&self) -> usize {
        self.server.count("/api/oauth2/token")
    }
}

async fn signed_in(store: &AccountStore, vault: &Vault, user: &str, expires_in: i64) {
    vault
        .store_tokens(&id(user), &record("at-0", "rt-0", expires_in))
        .await
        .unwrap();
    store
        .update(|i| {
            i.upsert(who(user, "u"), Scopes::default(), now());
        })
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_concurrent_callers_on_an_expired_token_cause_one_refresh() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let vault = Vault::in_memory("lc-test");
    signed_in(&store, &vault, "101", -10).await;
    let endpoint = Rotating::start("rt-0").await;
    let coordinator = Arc::new(RefreshCoordinator::new(store.clone()));
    let oauth = endpoint.client();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (c, v, o) = (coordinator.clone(), vault.clone(), oauth.clone());
        tasks.push(tokio::spawn(async move {
            c.valid_token(&id("101"), &v, &o).await
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().secret(), "at-1");
    }
    assert_eq!(endpoint.refreshes(), 1);
    let stored = vault.load_tokens(&id("101")).await.unwrap().unwrap();
    assert_eq!(
        stored.refresh_token.unwrap().secret(),
        "rt-1",
        "the new pair is in the keychain"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn separate_coordinators_sharing_the_data_dir_still_refresh_once() {
    // Each coordinator has its own in-process mutexes, like two processes: only the lock file
    // and the re-read of the keychain keep them from spending the same refresh token twice.
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let vault = Vault::in_memory("lc-test");
    signed_in(&store, &vault, "102", -10).await;
    let endpoint = Rotating::start("rt-0").await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let coordinator = RefreshCoordinator::new(AccountStore::new(dir.path()));
        let (v, o) = (vault.clone(), endpoint.client());
        tasks.push(tokio::spawn(async move {
            coordinator.valid_token(&id("102"), &v, &o).await
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().secret(), "at-1");
    }
    assert_eq!(endpoint.refreshes(), 1);
}

#[tokio::test]
async fn a_fresh_token_is_used_without_asking_discord() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let vault = Vault::in_memory("lc-test");
    signed_in(&store, &vault, "103", 3600).await;
    let endpoint = Rotating::start("rt-0").await;
    let c = RefreshCoordinator::new(store);
    assert_eq!(
        c.valid_token(&id("103"), &vault, &endpoint.client())
            .await
            .unwrap()
            .secret(),
        "at-0"
    );
    assert_eq!(endpoint.refreshes(), 0);
}

#[tokio::test]
async fn a_401_refreshes_once_and_a_stale_401_reuses_the_new_token() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let vault = Vault::in_memory("lc-test");
    signed_in(&store, &vault, "104", 3600).await;
    let endpoint = Rotating::start("rt-0").await;
    let c = RefreshCoordinator::new(store);
    let oauth = endpoint.client();
    let rejected = AccessToken::new("at-0".into());
    let new = c
        .after_unauthorized(&id("104"), &rejected, &vault, &oauth)
        .await
        .unwrap();
    assert_eq!(new.secret(), "at-1");
    // A second caller that also saw at-0 rejected gets at-1 without another refresh.
    let again = c
        .after_unauthorized(&id("104"), &rejected, &vault, &oauth)
        .await
        .unwrap();
    assert_eq!(again.secret(), "at-1");
    assert_eq!(endpoint.refreshes(), 1);
}

#[tokio::test]
async fn invalid_grant_marks_the_account_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let vault = Vault::in_memory("lc-test");
    signed_in(&store, &vault, "105", -10).await;
    let endpoint = Rotating::start("some-other-token").await;
    let c = RefreshCoordinator::new(store.clone());
    let err = c
        .valid_token(&id("105"), &vault, &endpoint.client())
        .await
        .unwrap_err();
    assert!(matches!(err, AccountsError::NeedsSignIn { .. }), "{err}");
    let index = store.load().unwrap().index;
    assert_eq!(
        index.get(&id("105")).unwrap().status,
        AccountStatus::NeedsSignIn
    );
    assert!(
        vault.load_tokens(&id("105")).await.unwrap().is_some(),
        "nothing is deleted"
    );
}

#[tokio::test]
async fn a_refresh_that_fails_on_the_network_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let vault = Vault::in_memory("lc-test");
    signed_in(&store, &vault, "106", -10).await;
    let server = TestServer::start(|_| (502, "<html>bad gateway</html>".into())).await;
    let oauth = OAuthClient::new(
        &server.endpoints,
        ClientCredentials::new("42".parse().unwrap(), None),
    )
    .unwrap();
    let c = RefreshCoordinator::new(store.clone());
    let err = c.valid_token(&id("106"), &vault, &oauth).await.unwrap_err();
    assert!(matches!(err, AccountsError::OAuth(_)), "{err}");
    let kept = vault.load_tokens(&id("106")).await.unwrap().unwrap();
    assert_eq!(kept.refresh_token.unwrap().secret(), "rt-0");
    assert_eq!(
        store.load().unwrap().index.get(&id("106")).unwrap().status,
        AccountStatus::Ok
    );
}

#[tokio::test]
async fn no_keychain_entry_means_not_signed_in() {
    let dir = tempfile::tempdir().unwrap();
    let c = RefreshCoordinator::new(AccountStore::new(dir.path()));
    let endpoint = Rotating::start("rt-0").await;
    let err = c
        .valid_token(&id("107"), &Vault::in_memory("x"), &endpoint.client())
        .await
        .unwrap_err();
    assert!(matches!(err, AccountsError::NotSignedIn { .. }));
}

// ----- a keychain that refuses to store a refreshed pair -----

/// A keychain whose writes can be made to fail (reads and deletes keep working), counting
/// every write attempt.
#[derive(Debug)]
struct WritesFail {
    inner: Arc<keyring_core::CredentialStore>,
    failing: Arc<std::sync::atomic::AtomicBool>,
    /// Reads find nothing, as a keychain daemon started anew and still locked answers.
    hiding: Arc<std::sync::atomic::AtomicBool>,
    attempts: Arc<std::sync::atomic::AtomicUsize>,
}

#[derive(Debug)]
struct WritesFailCred {
    inner: keyring_core::Entry,
    failing: Arc<std::sync::atomic::AtomicBool>,
    hiding: Arc<std::sync::atomic::AtomicBool>,
    attempts: Arc<std::sync::atomic::AtomicUsize>,
}

impl WritesFail {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            inner: keyring_core::mock::Store::new().unwrap(),
            failing: Arc::default(),
            hiding: Arc::default(),
            attempts: Arc::default(),
        })
    }

    fn hide(&self, hiding: bool) {
        self.hiding
            .store(hiding, std::sync::atomic::Ordering::SeqCst);
    }

    fn fail(&self, failing: bool) {
        self.failing
            .store(failing, std::sync::atomic::Ordering::SeqCst);
    }

    fn attempts(&self) -> usize {
        self.attempts.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl keyring_core::api::CredentialStoreApi for WritesFail {
    fn vendor(&self) -> String {
        "writes-fail".into()
    }
    fn id(&self) -> String {
        "writes-fail".into()
    }
    fn build(
        &self,
        service: &str,
        user: &str,
        modifiers: Option<&std::collections::HashMap<&str, &str>>,
    ) -> keyring_core::Result<keyring_core::Entry> {
        let cred = WritesFailCred {
            inner: self.inner.build(service, user, modifiers)?,
            failing: self.failing.clone(),
            hiding: self.hiding.clone(),
            attempts: self.attempts.clone(),
        };
        Ok(keyring_core::Entry::new_with_credential(Arc::new(cred)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl keyring_core::api::CredentialApi for WritesFailCred {
    fn set_secret(&self, secret: &[u8]) -> keyring_core::Result<()> {
        self.attempts
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if self.failing.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(keyring_core::Error::PlatformFailure(
                "the keychain refused the write".into(),
            ));
        }
        self.inner.set_secret(secret)
    }
    fn get_secret(&self) -> keyring_core::Result<Vec<u8>> {
        if self.hiding.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(keyring_core::Error::NoEntry);
        }
        self.inner.get_secret()
    }
    fn delete_credential(&self) -> keyring_core::Result<()> {
        self.inner.delete_credential()
    }
    fn get_credential(&self) -> keyring_core::Result<Option<Arc<keyring_core::api::Credential>>> {
        Ok(None)
    }
    fn get_specifiers(&self) -> Option<(String, String)> {
        self.inner.get_specifiers()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

async fn stored_refresh_token(vault: &Vault, user: &str) -> String {
    let record = vault.load_tokens(&id(user)).await.unwrap().unwrap();
    record.refresh_token.unwrap().secret().clone()
}

#[tokio::test]
async fn a_refreshed_pair_the_keychain_refuses_is_kept_and_stored_once_it_works() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let keychain = WritesFail::new();
    let vault = Vault::with_store("lc-test", keychain.clone());
    signed_in(&store, &vault, "110", -10).await;
    let endpoint = Rotating::start("rt-0").await;
    let (c, oauth) = (RefreshCoordinator::new(store.clone()), endpoint.client());

    keychain.fail(true);
    let token = c.valid_token(&id("110"), &vault, &oauth).await.unwrap();
    assert_eq!(token.secret(), "at-1", "the new token is handed out");
    assert!(keychain.attempts() >= 2, "the write was retried");
    assert_eq!(stored_refresh_token(&vault, "110").await, "rt-0");
    // While the keychain still refuses, the pair in memory is used: no second refresh with
    // the dead rt-0, which would sign the account out.
    let again = c.valid_token(&id("110"), &vault, &oauth).await.unwrap();
    assert_eq!(again.secret(), "at-1");
    assert_eq!(endpoint.refreshes(), 1);

    keychain.fail(false);
    let later = c.valid_token(&id("110"), &vault, &oauth).await.unwrap();
    assert_eq!(later.secret(), "at-1");
    assert_eq!(
        stored_refresh_token(&vault, "110").await,
        "rt-1",
        "the rotated refresh token reached the keychain"
    );
    // Another process, which only has the keychain, carries on without a refresh.
    let other = RefreshCoordinator::new(AccountStore::new(dir.path()));
    let theirs = other.valid_token(&id("110"), &vault, &oauth).await.unwrap();
    assert_eq!(theirs.secret(), "at-1");
    assert_eq!(endpoint.refreshes(), 1);
    assert_eq!(
        store.load().unwrap().index.get(&id("110")).unwrap().status,
        AccountStatus::Ok
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pair_kept_in_memory_reaches_the_keychain_without_another_call() {
    // The window may sit idle for hours after a refresh: the pair must not wait for the next
    // use to be stored (quitting first would lose it).
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let keychain = WritesFail::new();
    let vault = Vault::with_store("lc-test", keychain.clone());
    signed_in(&store, &vault, "121", -10).await;
    let endpoint = Rotating::start("rt-0").await;
    let c = RefreshCoordinator::new(store.clone());
    keychain.fail(true);
    c.valid_token(&id("121"), &vault, &endpoint.client())
        .await
        .unwrap();
    keychain.fail(false);
    let start = std::time::Instant::now();
    while stored_refresh_token(&vault, "121").await != "rt-1" {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "the kept pair was not stored within 10 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(endpoint.refreshes(), 1);
}

#[tokio::test]
async fn a_pair_kept_in_memory_is_refreshed_with_its_own_refresh_token() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let keychain = WritesFail::new();
    let vault = Vault::with_store("lc-test", keychain.clone());
    signed_in(&store, &vault, "111", -10).await;
    let endpoint = Rotating::start("rt-0").await;
    let (c, oauth) = (RefreshCoordinator::new(store.clone()), endpoint.client());
    keychain.fail(true);
    let first = c.valid_token(&id("111"), &vault, &oauth).await.unwrap();
    // Discord rejects at-1 while the keychain is still down: the next refresh must spend
    // rt-1 (only in memory), not the keychain's dead rt-0.
    let second = c
        .after_unauthorized(&id("111"), &first, &vault, &oauth)
        .await
        .unwrap();
    assert_eq!(second.secret(), "at-2");
    keychain.fail(false);
    c.valid_token(&id("111"), &vault, &oauth).await.unwrap();
    assert_eq!(stored_refresh_token(&vault, "111").await, "rt-2");
    assert_eq!(endpoint.refreshes(), 2);
}

#[tokio::test]
async fn a_new_sign_in_wins_over_a_pair_kept_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let keychain = WritesFail::new();
    let vault = Vault::with_store("lc-test", keychain.clone());
    signed_in(&store, &vault, "112", -10).await;
    let endpoint = Rotating::start("rt-0").await;
    let (c, oauth) = (RefreshCoordinator::new(store.clone()), endpoint.client());
    keychain.fail(true);
    c.valid_token(&id("112"), &vault, &oauth).await.unwrap();
    keychain.fail(false);
    // Another process signs in to the same account and stores its own pair.
    let other = RefreshCoordinator::new(AccountStore::new(dir.path()));
    other
        .replace_tokens(&id("112"), &record("at-new", "rt-new", 3600), &vault)
        .await
        .unwrap();
    let token = c.valid_token(&id("112"), &vault, &oauth).await.unwrap();
    assert_eq!(token.secret(), "at-new");
    assert_eq!(stored_refresh_token(&vault, "112").await, "rt-new");
}

// ----- the lock file across real processes -----

const CHILD_LOCK_VAR: &str = "LINKCORD_TEST_CHILD_LOCK_PATH";

/// Run in a child process by `the_lock_file_excludes_other_processes`: takes the lock, says
/// so, and holds it until its stdin is closed.
#[test]
#[ignore = "helper run in a child process by another test"]
fn lock_holder_child() {
    use std::io::{Read, Write};
    let Some(path) = std::env::var_os(CHILD_LOCK_VAR) else {
        return;
    };
    let _lock = lock::FileLock::acquire_blocking(
        std::path::Path::new(&path),
        std::time::Duration::from_secs(10),
        "test",
    )
    .unwrap();
    println!("child-holds-the-lock");
    std::io::stdout().flush().unwrap();
    let mut rest = String::new();
    let _ = std::io::stdin().read_to_string(&mut rest);
}

#[test]
fn the_lock_file_excludes_other_processes() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locks").join("1.lock");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "accounts::tests::lock_holder_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_LOCK_VAR, &path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(
        lines.any(|l| l.unwrap().contains("child-holds-the-lock")),
        "the child never took the lock"
    );
    let err = lock::FileLock::acquire_blocking(&path, Duration::from_millis(30), "the test lock")
        .unwrap_err();
    assert!(matches!(err, AccountsError::Busy { .. }), "{err}");
    drop(child.stdin.take());
    child.wait().unwrap();
    lock::FileLock::acquire_blocking(&path, Duration::from_secs(10), "the test lock").unwrap();
}

// ----- removing an account while another process uses it -----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_waiting_while_its_account_is_removed_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let vault = Vault::in_memory("lc-test");
    signed_in(&store, &vault, "115", -10).await;
    let endpoint = Rotating::start("rt-0").await;
    // Another process is removing the account and holds its refresh locks.
    let remover = RefreshCoordinator::new(AccountStore::new(dir.path()));
    let mut held = remover.hold(&id("115")).await.unwrap();
    let refresher = RefreshCoordinator::new(store.clone());
    let (v, o) = (vault.clone(), endpoint.client());
    let waiting = tokio::spawn(async move { refresher.valid_token(&id("115"), &v, &o).await });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(!waiting.is_finished(), "the refresh waits for the lock");
    held.delete_tokens(&id("115"), &vault).await.unwrap();
    store.update(|i| i.remove(&id("115"))).unwrap();
    drop(held);
    let err = waiting.await.unwrap().unwrap_err();
    assert!(matches!(err, AccountsError::NotSignedIn { .. }), "{err}");
    assert!(vault.load_tokens(&id("115")).await.unwrap().is_none());
    assert_eq!(endpoint.refreshes(), 0, "no refresh token was spent");
}

#[tokio::test]
async fn an_account_no_longer_listed_is_not_refreshed() {
    // Its tokens are still in the keychain (a removal that stopped half-way): a refresh
    // would write a new pair for an account the user removed.
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let vault = Vault::in_memory("lc-test");
    signed_in(&store, &vault, "116", -10).await;
    store.update(|i| i.remove(&id("116"))).unwrap();
    let endpoint = Rotating::start("rt-0").await;
    let c = RefreshCoordinator::new(store);
    let err = c
        .valid_token(&id("116"), &vault, &endpoint.client())
        .await
        .unwrap_err();
    assert!(matches!(err, AccountsError::NotSignedIn { .. }), "{err}");
    assert_eq!(endpoint.refreshes(), 0);
    assert_eq!(stored_refresh_token(&vault, "116").await, "rt-0");
}

#[tokio::test]
async fn a_lock_file_in_use_is_never_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let path = store.refresh_lock_path(&id("117"));
    let short = std::time::Duration::from_millis(50);
    // One process holds the account's refresh lock while another removes the account.
    let _first = lock::FileLock::acquire_blocking(&path, short, "first").unwrap();
    store
        .write_cache(&id("117"), CacheKind::Profile, json!({}), now())
        .unwrap();
    store.delete_cache(&id("117")).await.unwrap();
    assert!(!store.cache_path(&id("117")).exists());
    // A third process must still find the lock taken, not a fresh file of its own.
    let third = lock::FileLock::acquire_blocking(&path, short, "third").unwrap_err();
    assert!(matches!(third, AccountsError::Busy { .. }), "{third}");
}

#[test]
fn an_older_answer_never_replaces_a_newer_cached_document() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let (newer, older) = (now(), now() - time::Duration::minutes(5));
    store
        .write_cache(&id("118"), CacheKind::Guilds, json!(["new"]), newer)
        .unwrap();
    // A slow fetch started earlier (the CLI) finishes after the window's newer one.
    store
        .write_cache_docs(
            &id("118"),
            [
                (CacheKind::Guilds, json!(["old"])),
                (CacheKind::Profile, json!({"username": "fay"})),
            ],
            older,
        )
        .unwrap();
    let cache = store.read_cache(&id("118")).unwrap().0.unwrap();
    let guilds = cache.get(CacheKind::Guilds).unwrap();
    assert_eq!(
        (guilds.value.clone(), guilds.fetched_at),
        (json!(["new"]), newer)
    );
    assert_eq!(
        cache.get(CacheKind::Profile).unwrap().value,
        json!({"username": "fay"}),
        "what was not there before is still added"
    );
}

#[test]
fn a_cache_write_waits_for_the_cache_lock() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let held = lock::FileLock::acquire_blocking(
        &store.cache_lock_path(&id("119")),
        std::time::Duration::from_secs(1),
        "the test",
    )
    .unwrap();
    let writer = {
        let store = store.clone();
        std::thread::spawn(move || {
            store.write_cache(&id("119"), CacheKind::Profile, json!({}), now())
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(150));
    assert!(
        !store.cache_path(&id("119")).exists(),
        "written while another process held the cache lock"
    );
    drop(held);
    writer.join().unwrap().unwrap();
    assert!(store.cache_path(&id("119")).exists());
}

#[test]
fn a_removed_account_s_cache_is_not_written_back() {
    // A fetch that finishes after the account was removed must not leave its cache behind
    // (a later index rebuild would bring the account back from it).
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    store
        .update(|i| {
            i.upsert(who("120", "gus"), Scopes::default(), now());
        })
        .unwrap();
    store.update(|i| i.remove(&id("120"))).unwrap();
    store
        .write_cache(&id("120"), CacheKind::Profile, json!({}), now())
        .unwrap();
    assert!(!store.cache_path(&id("120")).exists());
}

#[tokio::test]
async fn a_short_lived_process_stores_its_kept_pair_before_it_exits() {
    // A CLI command's background retries end with it: it waits for the keychain instead.
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let keychain = WritesFail::new();
    let vault = Vault::with_store("lc-test", keychain.clone());
    signed_in(&store, &vault, "130", -10).await;
    let endpoint = Rotating::start("rt-0").await;
    let c = RefreshCoordinator::new(store.clone());
    keychain.fail(true);
    let token = c.valid_token(&id("130"), &vault, &endpoint.client()).await;
    assert_eq!(token.unwrap().secret(), "at-1");

    let short = std::time::Duration::from_millis(300);
    assert_eq!(c.store_kept(&vault, short).await, vec![id("130")]);
    assert_eq!(stored_refresh_token(&vault, "130").await, "rt-0");

    let works_again = keychain.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        works_again.fail(false);
    });
    let left = c
        .store_kept(&vault, std::time::Duration::from_secs(10))
        .await;
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(stored_refresh_token(&vault, "130").await, "rt-1");
    assert_eq!(endpoint.refreshes(), 1);
}

#[tokio::test]
async fn a_keychain_that_shows_no_entry_while_the_account_is_listed_keeps_the_pair() {
    // A keyring daemon started anew and still locked finds no entry: that is not the account
    // being removed, and dropping the pair would lose the only live refresh token.
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    let keychain = WritesFail::new();
    let vault = Vault::with_store("lc-test", keychain.clone());
    signed_in(&store, &vault, "131", -10).await;
    let endpoint = Rotating::start("rt-0").await;
    let c = RefreshCoordinator::new(store.clone());
    keychain.fail(true);
    let token = c.valid_token(&id("131"), &vault, &endpoint.client()).await;
    assert_eq!(token.unwrap().secret(), "at-1");

    keychain.hide(true);
    let short = std::time::Duration::from_millis(300);
    assert_eq!(
        c.store_kept(&vault, short).await,
        vec![id("131")],
        "still kept"
    );

    keychain.hide(false);
    keychain.fail(false);
    assert!(c.store_kept(&vault, short).await.is_empty());
    assert_eq!(stored_refresh_token(&vault, "131").await, "rt-1");
}

#[tokio::test(flavor = "current_thread")]
async fn a_wait_for_the_index_lock_lets_other_tasks_run() {
    let dir = tempfile::tempdir().unwrap();
    let store = AccountStore::new(dir.path());
    // Another process holds the account list.
    let path = dir.path().join("locks").join("index.lock");
    let held = lock::FileLock::acquire_blocking(&path, Duration::from_millis(50), "other").unwrap();
    let waiting = store.clone();
    let update = tokio::spawn(async move { waiting.update_async(|i| i.accounts.len()).await });
    // On this one thread, this sleep ends on time only if the update waits without blocking.
    let started = std::time::Instant::now();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the runtime was blocked"
    );
    assert!(
        !update.is_finished(),
        "the update did not wait for the lock"
    );
    drop(held);
    assert_eq!(update.await.unwrap().unwrap().0, 0);
}
