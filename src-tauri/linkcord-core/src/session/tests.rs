use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use url::Url;

use super::*;
use crate::config::{Environment, RedirectMode, Settings};
use crate::discord::UserId;
use crate::error_class::ErrorClass;
use crate::oauth::test_server::{Seen, TestServer, token_json};
use crate::oauth::{OAuthError, WaitOptions};
use crate::vault::Vault;

/// A fake Discord: codes are `code-<user id>`, tokens name their user and a serial number.
struct FakeDiscord {
    server: TestServer,
    issued: Arc<Mutex<Vec<String>>>,
    revoke_fails: Arc<Mutex<bool>>,
}

impl FakeDiscord {
    async fn start() -> Self {
        let issued = Arc::new(Mutex::new(Vec::<String>::new()));
        let revoke_fails = Arc::new(Mutex::new(false));
        let (log, fails) = (issued.clone(), revoke_fails.clone());
        let server = TestServer::start(move |seen| answer(seen, &log, &fails)).await;
        Self {
            server,
            issued,
            revoke_fails,
        }
    }

    fn issued(&self) -> Vec<String> {
        self.issued.lock().unwrap().clone()
    }
}

fn answer(seen: &Seen, issued: &Mutex<Vec<String>>, revoke_fails: &Mutex<bool>) -> (u16, String) {
    let form = seen.form();
    match seen.path.as_str() {
        "/api/oauth2/token" => {
            let user = match form.get("grant_type").map(String::as_str) {
                Some("authorization_code") => form["code"].trim_start_matches("code-").to_owned(),
                Some("refresh_token") => form["refresh_token"]
                    .split('-')
                    .nth(1)
                    .unwrap_or("0")
                    .to_owned(),
                _ => return (400, r#"{"error":"unsupported_grant_type"}"#.into()),
            };
            let mut issued = issued.lock().unwrap();
            let n = issued.len();
            let (at, rt) = (
                format!("at-{user}-{n}-secretvalue"),
                format!("rt-{user}-{n}-secretvalue"),
            );
            issued.push(at.clone());
            issued.push(rt.clone());
            (200, token_json(&at, &rt, 604800))
        }
        "/api/oauth2/token/revoke" if *revoke_fails.lock().unwrap() => {
            (503, "<html>down</html>".into())
        }
        "/api/oauth2/token/revoke" => (200, "{}".into()),
        "/api/v10/users/@me" => {
            let bearer = seen
                .headers
                .get("authorization")
                .cloned()
                .unwrap_or_default();
            let user = bearer
                .trim_start_matches("Bearer at-")
                .split('-')
                .next()
                .unwrap_or("")
                .to_owned();
            let name = if user == "1001" { "alice" } else { "bob" };
            (
                200,
                format!(
                    r#"{{"id":"{user}","username":"{name}","global_name":"{name} G","discriminator":"0","avatar":null}}"#
                ),
            )
        }
        "/api/v10/users/@me/connections" | "/api/v10/users/@me/guilds" => (200, "[]".into()),
        _ => (404, r#"{"message":"404: Not Found","code":0}"#.into()),
    }
}

fn session(discord: &FakeDiscord, data: &Path, vault: &Vault) -> Session {
    let vars: HashMap<&str, String> = HashMap::from([
        (
            "LINKCORD_DISCORD_URL",
            discord.server.endpoints.discord_base().to_string(),
        ),
        ("LINKCORD_DATA_DIR", data.display().to_string()),
        ("LINKCORD_CLIENT_ID", "4242".to_owned()),
    ]);
    let env = Environment::from_lookup(|k| vars.get(k).cloned()).unwrap();
    let settings = Settings {
        port: 0,
        ..Settings::default()
    };
    Session::with_vault(env, settings, vault.clone()).unwrap()
}

fn query(url: &Url, name: &str) -> String {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// A "browser" that first sends a forged callback, then approves as `user` (or denies).
fn browser(user: &'static str, approve: bool) -> BrowserLaunch {
    BrowserLaunch::Custom(Box::new(move |url: &Url| {
        let redirect = query(url, "redirect_uri");
        let state = query(url, "state");
        tokio::spawn(async move {
            let forged = format!("{redirect}?code=code-666&state=forged");
            let page = reqwest::get(&forged).await.unwrap();
            assert_eq!(page.status().as_u16(), 400);
            let answer = if approve {
                format!("{redirect}?code=code-{user}&state={state}")
            } else {
                format!("{redirect}?error=access_denied&state={state}")
            };
            reqwest::get(&answer).await.unwrap();
        });
        Ok(())
    }))
}

fn options(user: &'static str) -> SignInOptions {
    SignInOptions {
        browser: browser(user, true),
        ..SignInOptions::default()
    }
}

fn id(text: &str) -> UserId {
    text.parse().unwrap()
}

/// Every file under `dir`, recursively, as text.
fn all_files(dir: &Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(all_files(&path));
        } else {
            out.push((
                path.clone(),
                String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned(),
            ));
        }
    }
    out
}

#[tokio::test]
async fn the_full_flow_never_writes_a_token_to_disk() {
    let discord = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let vault = Vault::in_memory("lc-session-test");
    let s = session(&discord, data.path(), &vault);

    let first = s.sign_in(options("1001")).await.unwrap();
    assert!(first.new_account);
    assert_eq!(first.account.username, "alice");
    assert!(vault.load_tokens(&id("1001")).await.unwrap().is_some());
    let again = s.sign_in(options("1001")).await.unwrap();
    assert!(!again.new_account, "signing in again updates the account");
    s.sign_in(options("1002")).await.unwrap();
    let index = s.accounts().await.unwrap().index;
    assert_eq!(index.accounts.len(), 2);
    assert_eq!(index.active, Some(id("1002")));

    assert_eq!(s.switch("alice").await.unwrap().id, id("1001"));
    assert_eq!(s.account(None).await.unwrap().id, id("1001"));
    let token = s.valid_token(&id("1001")).await.unwrap();
    assert!(token.secret().starts_with("at-1001-"));
    let replaced = s
        .token_after_unauthorized(&id("1001"), &token)
        .await
        .unwrap();
    assert_ne!(replaced.secret(), token.secret());
    let cache = s
        .account_store()
        .read_cache(&id("1001"))
        .unwrap()
        .0
        .unwrap();
    assert_eq!(cache.profile.unwrap().value["username"], "alice");

    let issued = discord.issued();
    assert!(issued.len() >= 8);
    for (path, text) in all_files(data.path()) {
        for secret in &issued {
            assert!(
                !text.contains(secret.as_str()),
                "{} holds a token",
                path.display()
            );
        }
        assert!(
            !text.contains("secretvalue"),
            "{} holds a token",
            path.display()
        );
    }

    let out = s.log_out(&id("1001")).await.unwrap();
    assert!(out.revoked);
    assert!(out.to_string().contains("revoked"));
    assert_eq!(discord.server.count("/api/oauth2/token/revoke"), 1);
    let revoke = discord
        .server
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/revoke"))
        .unwrap();
    assert_eq!(
        revoke.form()["token"],
        *issued.last().unwrap(),
        "the latest refresh token is revoked"
    );
    assert!(vault.load_tokens(&id("1001")).await.unwrap().is_none());
    assert!(!s.account_store().cache_path(&id("1001")).exists());
    let index = s.accounts().await.unwrap().index;
    assert_eq!(index.accounts.len(), 1);
    assert_eq!(index.active, Some(id("1002")));
}

#[tokio::test]
async fn an_unreachable_discord_keeps_everything_and_offers_forget_locally() {
    let discord = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let vault = Vault::in_memory("lc-session-test");
    let s = session(&discord, data.path(), &vault);
    s.sign_in(options("1001")).await.unwrap();
    *discord.revoke_fails.lock().unwrap() = true;

    let err = s.log_out(&id("1001")).await.unwrap_err();
    assert!(matches!(err, SessionError::RevokeFailed { .. }), "{err}");
    assert_eq!(err.class(), ErrorClass::NotRevoked);
    assert!(err.to_string().contains("--local"));
    assert!(
        vault.load_tokens(&id("1001")).await.unwrap().is_some(),
        "nothing deleted"
    );

    let out = s.forget_locally(&id("1001")).await.unwrap();
    assert!(!out.revoked);
    assert!(out.to_string().contains("NOT"));
    assert!(vault.load_tokens(&id("1001")).await.unwrap().is_none());
    assert!(s.accounts().await.unwrap().index.accounts.is_empty());
}

#[tokio::test]
async fn log_out_all_handles_each_account() {
    let discord = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let vault = Vault::in_memory("lc-session-test");
    let s = session(&discord, data.path(), &vault);
    s.sign_in(options("1001")).await.unwrap();
    s.sign_in(options("1002")).await.unwrap();
    let results = s.log_out_all().await.unwrap();
    assert_eq!(results.len(), 2);
    assert!(
        results
            .iter()
            .all(|(_, r)| r.as_ref().is_ok_and(|o| o.revoked))
    );
    assert!(s.accounts().await.unwrap().index.accounts.is_empty());
    assert!(matches!(
        s.account(None).await,
        Err(SessionError::Accounts(_))
    ));
}

#[tokio::test]
async fn a_denied_sign_in_stores_nothing() {
    let discord = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let vault = Vault::in_memory("lc-session-test");
    let s = session(&discord, data.path(), &vault);
    let options = SignInOptions {
        browser: browser("1001", false),
        ..SignInOptions::default()
    };
    let err = s.sign_in(options).await.unwrap_err();
    assert!(
        matches!(err, SessionError::OAuth(OAuthError::AccessDenied)),
        "{err}"
    );
    assert_eq!(err.class(), ErrorClass::Cancelled);
    assert!(s.accounts().await.unwrap().index.accounts.is_empty());
    assert_eq!(discord.server.count("/api/oauth2/token"), 0);
}

#[tokio::test]
async fn a_deep_link_sign_in_ignores_stray_links() {
    let discord = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let vault = Vault::in_memory("lc-session-test");
    let s = session(&discord, data.path(), &vault);
    let (links, receiver) = tokio::sync::mpsc::channel(8);
    let opener = BrowserLaunch::Custom(Box::new(move |url: &Url| {
        assert_eq!(
            query(url, "redirect_uri"),
            "discord-4242:/authorize/callback"
        );
        let state = query(url, "state");
        let links = links.clone();
        tokio::spawn(async move {
            links.send("linkcord://switch/1001".into()).await.unwrap();
            links
                .send("discord-4242:/authorize/callback?code=code-666&state=forged".into())
                .await
                .unwrap();
            links
                .send(format!(
                    "discord-4242:/authorize/callback?code=code-1002&state={state}"
                ))
                .await
                .unwrap();
        });
        Ok(())
    }));
    let options = SignInOptions {
        redirect: Some(RedirectMode::DeepLink),
        browser: opener,
        deep_links: Some(receiver),
        ..SignInOptions::default()
    };
    let signed = s.sign_in(options).await.unwrap();
    assert_eq!(signed.account.id, id("1002"));
    let exchange = discord
        .server
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/oauth2/token")
        .unwrap();
    assert_eq!(
        exchange.form()["redirect_uri"],
        "discord-4242:/authorize/callback"
    );
}

#[tokio::test]
async fn a_cancelled_sign_in_says_so() {
    let discord = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let s = session(&discord, data.path(), &Vault::in_memory("x"));
    let wait = WaitOptions::default();
    wait.cancel.cancel();
    let options = SignInOptions {
        browser: BrowserLaunch::Manual,
        wait,
        ..SignInOptions::default()
    };
    let err = s.sign_in(options).await.unwrap_err();
    assert!(matches!(err, SessionError::OAuth(OAuthError::Cancelled)));
}

/// A sign-in replaced by a newer one is cancelled, possibly while it is still binding its
/// port: it must not open a browser tab that can no longer finish.
#[tokio::test]
async fn a_sign_in_cancelled_before_the_browser_opens_none() {
    let discord = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let s = session(&discord, data.path(), &Vault::in_memory("x"));
    let opened = std::sync::Arc::new(Mutex::new(Vec::<String>::new()));
    let record = opened.clone();
    let wait = WaitOptions::default();
    wait.cancel.cancel();
    let options = SignInOptions {
        browser: BrowserLaunch::Custom(Box::new(move |url: &Url| {
            record.lock().unwrap().push(url.to_string());
            Ok(())
        })),
        wait,
        ..SignInOptions::default()
    };
    let err = s.sign_in(options).await.unwrap_err();
    assert!(
        matches!(err, SessionError::OAuth(OAuthError::Cancelled)),
        "{err:?}"
    );
    assert!(opened.lock().unwrap().is_empty(), "no tab was opened");
}

#[tokio::test]
async fn without_a_client_id_sign_in_says_how_to_set_one() {
    let data = tempfile::tempdir().unwrap();
    let env = Environment::from_lookup(|k| {
        (k == "LINKCORD_DATA_DIR").then(|| data.path().display().to_string())
    })
    .unwrap();
    let s = Session::with_vault(env, Settings::default(), Vault::in_memory("x")).unwrap();
    let err = s.sign_in(SignInOptions::default()).await.unwrap_err();
    assert!(matches!(err, SessionError::NoClientId));
    assert!(err.to_string().contains("client-id"));
    assert_eq!(err.class(), ErrorClass::NotConfigured);
}

#[tokio::test]
async fn unknown_accounts_and_a_broken_keychain_have_their_classes() {
    let discord = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let s = session(&discord, data.path(), &Vault::in_memory("x"));
    let err = s.switch("nobody").await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::NoAccount);
    let err = s.valid_token(&id("5")).await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::NeedsSignIn);
    let err = SessionError::Vault(crate::vault::VaultError::Locked { reason: "x".into() });
    assert_eq!(err.class(), ErrorClass::KeychainUnavailable);
}

#[tokio::test]
async fn the_full_flow_on_the_real_secret_service() {
    // Skipped (and says so) without a session bus; run under recipes/with-secret-service.sh.
    let Some(vault) = crate::vault::tests::real_vault().await else {
        return;
    };
    let discord = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let s = session(&discord, data.path(), &vault);
    s.sign_in(options("1001")).await.unwrap();
    assert_eq!(vault.list_accounts().await.unwrap(), Some(vec![id("1001")]));
    let token = s.valid_token(&id("1001")).await.unwrap();
    assert!(token.secret().starts_with("at-1001-"));
    // A damaged index is rebuilt from the keychain's own list.
    std::fs::write(s.account_store().index_path(), b"not json").unwrap();
    std::fs::remove_file(s.account_store().cache_path(&id("1001"))).unwrap();
    let loaded = s.accounts().await.unwrap();
    assert!(
        loaded.index.get(&id("1001")).is_some(),
        "{:?}",
        loaded.warning
    );
    s.log_out(&id("1001")).await.unwrap();
    assert_eq!(vault.list_accounts().await.unwrap(), Some(vec![]));
}

// ----- what the browser is told, and tokens that could not be kept -----

/// A "browser" that approves as `user` and hands over the page Linkcord answers it with.
fn page_reading_browser(
    user: &'static str,
) -> (BrowserLaunch, tokio::sync::oneshot::Receiver<String>) {
    let (page_tx, page_rx) = tokio::sync::oneshot::channel();
    let page_tx = Mutex::new(Some(page_tx));
    let browser = BrowserLaunch::Custom(Box::new(move |url: &Url| {
        let answer = format!(
            "{}?code=code-{user}&state={}",
            query(url, "redirect_uri"),
            query(url, "state")
        );
        let page_tx = page_tx
            .lock()
            .unwrap()
            .take()
            .expect("one sign-in per browser");
        tokio::spawn(async move {
            let page = reqwest::get(&answer).await.unwrap().text().await.unwrap();
            let _ = page_tx.send(page);
        });
        Ok(())
    }));
    (browser, page_rx)
}

fn with_browser(browser: BrowserLaunch) -> SignInOptions {
    SignInOptions {
        browser,
        ..SignInOptions::default()
    }
}

#[tokio::test]
async fn the_browser_is_told_the_outcome_once_it_is_known() {
    let discord = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let store = keyring_core::mock::Store::new().unwrap();
    let vault = Vault::with_store("lc-page", store.clone());
    let s = session(&discord, data.path(), &vault);

    let (browser, page) = page_reading_browser("1001");
    s.sign_in(with_browser(browser)).await.unwrap();
    let page = page.await.unwrap();
    assert!(
        page.contains(
            "Signed in as <bdi>alice G</bdi> (@<bdi>alice</bdi>), you can close this tab."
        ),
        "{page}"
    );

    // The keychain refuses the new account's tokens: the browser says so, and the tokens
    // Discord issued are revoked rather than left behind unusable.
    let entry =
        keyring_core::api::CredentialStoreApi::build(&*store, "lc-page", "account:1002", None)
            .unwrap();
    let cred: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
    cred.set_error(keyring_core::Error::NoStorageAccess(
        "collection is locked".into(),
    ));
    let (browser, page) = page_reading_browser("1002");
    let err = s.sign_in(with_browser(browser)).await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::KeychainUnavailable, "{err}");
    let page = page.await.unwrap();
    assert!(page.contains("keychain is unavailable or locked"), "{page}");
    assert!(!page.contains("Signed in"), "{page}");
    let revoked: Vec<String> = discord
        .server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/revoke"))
        .map(|r| r.form()["token"].clone())
        .collect();
    let issued = discord.issued();
    assert_eq!(
        revoked,
        vec![issued.last().unwrap().clone()],
        "the new refresh token"
    );
    assert!(issued.last().unwrap().starts_with("rt-1002-"));
    assert!(vault.load_tokens(&id("1002")).await.unwrap().is_none());
    assert_eq!(s.accounts().await.unwrap().index.accounts.len(), 1);
}

#[tokio::test]
async fn a_discord_out_of_reach_is_what_the_browser_is_told() {
    // A port nothing listens on any more.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let data = tempfile::tempdir().unwrap();
    let vars: HashMap<&str, String> = HashMap::from([
        ("LINKCORD_DISCORD_URL", format!("http://127.0.0.1:{closed}")),
        ("LINKCORD_DATA_DIR", data.path().display().to_string()),
        ("LINKCORD_CLIENT_ID", "4242".to_owned()),
    ]);
    let env = Environment::from_lookup(|k| vars.get(k).cloned()).unwrap();
    let settings = Settings {
        port: 0,
        ..Settings::default()
    };
    let s = Session::with_vault(env, settings, Vault::in_memory("lc-offline")).unwrap();
    let (browser, page) = page_reading_browser("1001");
    let err = s.sign_in(with_browser(browser)).await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::DiscordUnreachable, "{err}");
    let page = page.await.unwrap();
    assert!(page.contains("could not reach Discord"), "{page}");
    assert!(!page.contains("Signed in"), "{page}");
}

// ----- removing an account while another process refreshes it -----

/// A token endpoint that, for each refresh, says it was reached and then waits to be
/// released: the refresh is then "in flight at Discord" for as long as the test wants.
struct HeldTokenEndpoint {
    server: TestServer,
    reached: std::sync::mpsc::Receiver<()>,
    release: std::sync::mpsc::Sender<()>,
}

impl HeldTokenEndpoint {
    async fn start() -> Self {
        let (reached_tx, reached) = std::sync::mpsc::channel();
        let (release, release_rx) = std::sync::mpsc::channel::<()>();
        let (reached_tx, release_rx) = (Mutex::new(reached_tx), Mutex::new(release_rx));
        let server = TestServer::start(move |seen| match seen.path.as_str() {
            "/api/oauth2/token" => {
                reached_tx.lock().unwrap().send(()).unwrap();
                let _ = release_rx.lock().unwrap().recv();
                (
                    200,
                    token_json("at-new-secretvalue", "rt-new-secretvalue", 604800),
                )
            }
            _ => (200, "{}".into()),
        })
        .await;
        Self {
            server,
            reached,
            release,
        }
    }
}

fn session_on(endpoints: &crate::config::Endpoints, data: &Path, vault: &Vault) -> Session {
    let vars: HashMap<&str, String> = HashMap::from([
        ("LINKCORD_DISCORD_URL", endpoints.discord_base().to_string()),
        ("LINKCORD_DATA_DIR", data.display().to_string()),
        ("LINKCORD_CLIENT_ID", "4242".to_owned()),
    ]);
    let env = Environment::from_lookup(|k| vars.get(k).cloned()).unwrap();
    Session::with_vault(env, Settings::default(), vault.clone()).unwrap()
}

/// Two sessions on one data dir and keychain, like the window and a CLI run, and account
/// 1001 listed with an expired token.
async fn two_processes(endpoint: &HeldTokenEndpoint, data: &Path) -> (Vault, Session, Session) {
    let vault = Vault::in_memory("lc-race");
    let expired = crate::vault::tests::record("at-old-secretvalue", "rt-old-secretvalue", -10);
    vault.store_tokens(&id("1001"), &expired).await.unwrap();
    let window = session_on(&endpoint.server.endpoints, data, &vault);
    let who = crate::accounts::Identity {
        id: id("1001"),
        username: "alice".into(),
        display_name: None,
        avatar: None,
    };
    let now = time::OffsetDateTime::now_utc();
    window
        .account_store()
        .update(|index| {
            index.upsert(who, crate::oauth::Scopes::default(), now);
        })
        .unwrap();
    let cli = session_on(&endpoint.server.endpoints, data, &vault);
    (vault, window, cli)
}

/// Two "processes" on one account, the window's refresh of it held at Discord's token
/// endpoint: the moment a removal in the other process must not be undone.
struct RefreshAtDiscord {
    vault: Vault,
    window: Arc<Session>,
    cli: Session,
    refreshing: tokio::task::JoinHandle<Result<crate::secret::AccessToken, SessionError>>,
    release: std::sync::mpsc::Sender<()>,
    server: TestServer,
    _data: tempfile::TempDir,
}

impl RefreshAtDiscord {
    async fn start() -> Self {
        let endpoint = HeldTokenEndpoint::start().await;
        let data = tempfile::tempdir().unwrap();
        let (vault, window, cli) = two_processes(&endpoint, data.path()).await;
        let window = Arc::new(window);
        let refreshing = {
            let window = window.clone();
            tokio::spawn(async move { window.valid_token(&id("1001")).await })
        };
        let reached = endpoint.reached;
        tokio::task::spawn_blocking(move || {
            reached.recv_timeout(std::time::Duration::from_secs(10))
        })
        .await
        .unwrap()
        .expect("the refresh reached Discord");
        Self {
            vault,
            window,
            cli,
            refreshing,
            release: endpoint.release,
            server: endpoint.server,
            _data: data,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forgetting_an_account_while_another_process_refreshes_it_leaves_no_tokens() {
    let RefreshAtDiscord {
        vault,
        window,
        cli,
        refreshing,
        release,
        server: _server,
        _data,
    } = RefreshAtDiscord::start().await;
    // The refresh is at Discord; the CLI removes the account meanwhile.
    let forgetting = tokio::spawn(async move { cli.forget_locally(&id("1001")).await });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    release.send(()).unwrap();
    let _ = refreshing.await.unwrap();
    forgetting.await.unwrap().unwrap();
    assert!(
        vault.load_tokens(&id("1001")).await.unwrap().is_none(),
        "the removed account's tokens came back"
    );
    let index = window.accounts().await.unwrap().index;
    assert!(index.get(&id("1001")).is_none());
    assert!(!window.account_store().cache_path(&id("1001")).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn logging_out_while_another_process_refreshes_revokes_the_newest_pair() {
    let RefreshAtDiscord {
        vault,
        window: _window,
        cli,
        refreshing,
        release,
        server,
        _data,
    } = RefreshAtDiscord::start().await;
    let logging_out = tokio::spawn(async move { cli.log_out(&id("1001")).await });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    release.send(()).unwrap();
    let _ = refreshing.await.unwrap();
    assert!(logging_out.await.unwrap().unwrap().revoked);
    assert!(vault.load_tokens(&id("1001")).await.unwrap().is_none());
    // The pair Discord issued last is the one revoked, not the one it had already replaced.
    let revoked: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/revoke"))
        .map(|r| r.form()["token"].clone())
        .collect();
    assert!(
        revoked.iter().all(|t| t.contains("-new-")),
        "revoked {revoked:?}"
    );
}

/// The same data dir and keychain, with Discord at an address where nothing listens.
fn offline_twin(data: &Path, vault: &Vault) -> Session {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let vars: HashMap<&str, String> = HashMap::from([
        ("LINKCORD_DISCORD_URL", url),
        ("LINKCORD_DATA_DIR", data.display().to_string()),
        ("LINKCORD_CLIENT_ID", "4242".to_owned()),
    ]);
    let env = Environment::from_lookup(|k| vars.get(k).cloned()).unwrap();
    Session::with_vault(env, Settings::default(), vault.clone()).unwrap()
}

#[tokio::test]
async fn a_snapshot_is_fresh_when_discord_answers_and_cached_with_the_reason_when_it_cannot() {
    let discord = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let vault = Vault::in_memory("lc-snapshot");
    let s = session(&discord, data.path(), &vault);
    s.sign_in(options("1001")).await.unwrap();

    let fresh = s.snapshot(&id("1001")).await.unwrap();
    assert!(matches!(fresh.freshness, Freshness::Fresh));
    assert_eq!(fresh.data.snapshot.user.username, "alice");

    let offline = offline_twin(data.path(), &vault);
    let cached = offline.snapshot(&id("1001")).await.unwrap();
    let Freshness::Cached { because } = &cached.freshness else {
        panic!("expected the cache, got {:?}", cached.freshness);
    };
    assert_eq!(because.class(), ErrorClass::DiscordUnreachable, "{because}");
    assert_eq!(cached.data, fresh.data, "the cache holds the fresh answer");

    // A sign-in that is gone is never hidden behind the cache.
    vault.delete_tokens(&id("1001")).await.unwrap();
    let err = offline.snapshot(&id("1001")).await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::NeedsSignIn, "{err}");

    // Nor does an unreachable Discord stand in for a cache that is not there.
    std::fs::remove_file(s.account_store().cache_path(&id("1001"))).unwrap();
    s.sign_in(options("1001")).await.unwrap();
    std::fs::remove_file(s.account_store().cache_path(&id("1001"))).unwrap();
    let err = offline.snapshot(&id("1001")).await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::DiscordUnreachable, "{err}");
}

#[tokio::test]
async fn both_shells_see_nitro_as_unknown_without_the_premium_scope() {
    let discord = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let s = session(&discord, data.path(), &Vault::in_memory("lc-view"));
    let signed = s.sign_in(options("1001")).await.unwrap();
    let data = s.cached_snapshot(&id("1001")).unwrap().unwrap();
    let view = s.view(&signed.account, &data.snapshot);
    assert_eq!(view.user.premium, crate::discord::Premium::Unknown);
    assert_eq!(
        data.snapshot.view(&s.environment().endpoints).user.premium,
        crate::discord::Premium::None,
        "what Discord said without the scope"
    );
}

#[tokio::test]
async fn a_refresh_brings_a_rename_into_the_account_list() {
    let discord = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let s = session(&discord, data.path(), &Vault::in_memory("lc-rename"));
    s.sign_in(options("1001")).await.unwrap();
    // The list still has the name from before a rename in Discord.
    let mut index = s.account_store().peek().unwrap();
    index.accounts[0].username = "old-alice".into();
    let path = s.account_store().index_path();
    std::fs::write(&path, serde_json::to_vec(&index).unwrap()).unwrap();
    assert!(s.account(Some("alice")).await.is_err());

    s.refresh_snapshot(&id("1001")).await.unwrap();
    assert_eq!(s.account(Some("alice")).await.unwrap().id, id("1001"));
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    s.refresh_snapshot(&id("1001")).await.unwrap();
    let after = std::fs::metadata(&path).unwrap().modified().unwrap();
    assert_eq!(
        before, after,
        "an unchanged profile does not rewrite the list"
    );
}
