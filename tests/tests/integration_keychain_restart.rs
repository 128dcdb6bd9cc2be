//! The keychain daemon restarting while Linkcord runs: the next keychain call must work again
//! without restarting Linkcord (the window stays open for days; the desktop's keyring may be
//! restarted by an update or a crash), and a token pair Discord issued while the daemon was
//! away must reach the keychain once it is back, never be lost.
//!
//! The daemon is restarted on a Secret Service of its own (a nested
//! `scripts/with-secret-service.sh`), so the other tests sharing the outer bus never see it go.
//! The work happens in a child run of this same test binary, which uses the vault and a
//! session in-process like the app does, kills `gnome-keyring-daemon`, and starts it again on
//! the same bus with the same keyring files and password.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use linkcord_core::accounts::Identity;
use linkcord_core::config::{Environment, Settings};
use linkcord_core::discord::UserId;
use linkcord_core::oauth::Scopes;
use linkcord_core::secret::{AccessToken, RefreshToken};
use linkcord_core::session::Session;
use linkcord_core::vault::{TokenRecord, Vault};
use linkcord_tests::app::workspace_root;
use linkcord_tests::emulator::{
    DEFAULT_CLIENT_ID, Emulator, EmulatorConfig, RunningEmulator, challenge_for, ids, new_verifier,
};
use serde_json::{Value, json};

/// Set in the child run, which is the one that restarts its private daemon.
const CHILD_VAR: &str = "LINKCORD_TEST_KEYCHAIN_RESTART_CHILD";
/// The password `scripts/with-secret-service.sh` unlocks the keyring with.
const KEYRING_PASSWORD: &str = "linkcord-test";

#[test]
fn the_vault_works_again_after_the_keychain_daemon_restarts() {
    run_child("restart_child");
}

#[test]
fn a_pair_refreshed_while_the_keychain_daemon_is_down_reaches_it_once_it_is_back() {
    run_child("refresh_child");
}

/// Runs the ignored test `name` of this binary on a Secret Service of its own.
fn run_child(name: &str) {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        println!("skipped: needs a Secret Service (run under scripts/with-secret-service.sh)");
        return;
    }
    let out = Command::new(workspace_root().join("scripts/with-secret-service.sh"))
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            name,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_VAR, "1")
        .env_remove("LINKCORD_PRIVATE_BUS")
        // Without these the nested daemon would find the outer one instead of starting.
        .env_remove("GNOME_KEYRING_CONTROL")
        .env_remove("GNOME_KEYRING_PID")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdin(Stdio::null())
        .output()
        .expect("nested Secret Service");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    print!("{stdout}");
    assert!(
        stdout.contains("child-passed"),
        "the child run failed:\n{stdout}\n{stderr}"
    );
}

/// Runs `body` in the child run only (see the module docs).
fn in_child<F: std::future::Future<Output = ()>>(body: impl FnOnce() -> F) {
    if std::env::var_os(CHILD_VAR).is_none() {
        return;
    }
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(body());
    println!("child-passed");
}

#[test]
#[ignore = "run in a nested Secret Service by the_vault_works_again_after_the_keychain_daemon_restarts"]
fn restart_child() {
    in_child(restart_child_body);
}

#[test]
#[ignore = "run in a nested Secret Service by a_pair_refreshed_while_the_keychain_daemon_is_down_reaches_it_once_it_is_back"]
fn refresh_child() {
    in_child(refresh_child_body);
}

async fn restart_child_body() {
    let account: UserId = "80351110224678912".parse().unwrap();
    let vault = Vault::open_platform("linkcord-restart-test").await.unwrap();
    vault
        .store_tokens(&account, &record("at-before"))
        .await
        .unwrap();

    restart_daemon();

    // The very next call on the vault the process already holds.
    let start = Instant::now();
    let after = vault.load_tokens(&account).await;
    println!(
        "first call after the restart (reconnecting included): {} ms",
        start.elapsed().as_millis()
    );
    let after = after.expect("the first keychain call after the restart works");
    assert_eq!(
        after
            .expect("the entry is still there")
            .access_token
            .secret(),
        "at-before"
    );
    vault
        .store_tokens(&account, &record("at-after"))
        .await
        .unwrap();
    // A vault opened afterwards in the same process shares the reopened connection.
    let again = Vault::open_platform("linkcord-restart-test").await.unwrap();
    let stored = again.load_tokens(&account).await.unwrap().unwrap();
    assert_eq!(stored.access_token.secret(), "at-after");
    again.delete_tokens(&account).await.unwrap();
    assert!(vault.load_tokens(&account).await.unwrap().is_none());
}

/// A refresh whose answer arrives while the keychain daemon is down: the new pair is handed
/// out from memory and reaches the keychain once the daemon is back, with no further call,
/// and its refresh token is the live one (the emulator, like Discord, spends each refresh
/// token once).
async fn refresh_child_body() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let base = emulator.base_url();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let signed_in = sign_in(&http, &base, ids::AVA).await;
    let data = tempfile::tempdir().unwrap();
    let session = session(&emulator, data.path()).await;
    let account: UserId = ids::AVA.parse().unwrap();
    let expired = TokenRecord {
        expires_at: time::OffsetDateTime::now_utc() - time::Duration::hours(1),
        ..signed_in
    };
    session
        .vault()
        .store_tokens(&account, &expired)
        .await
        .unwrap();
    list(&session, &account);

    // The emulator holds the refresh; the daemon goes away meanwhile.
    let held = json!({"kind": "latency", "ms": 1500, "route": "oauth2/token", "count": 1});
    control(&http, &base, "faults", held).await;
    let session = std::sync::Arc::new(session);
    let refreshing = {
        let (session, account) = (session.clone(), account.clone());
        tokio::spawn(async move { session.valid_token(&account).await })
    };
    while stats(&http, &base).await["requests"]["oauth2/token"] != 2 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let old = stop_daemon();
    let token = refreshing.await.unwrap();
    let token = token.expect("the refreshed token is handed out while the keychain is down");
    assert_ne!(token.secret(), expired.access_token.secret());
    assert_eq!(me_status(&http, &base, token.secret()).await, 200);

    start_daemon(old);
    let start = Instant::now();
    loop {
        let stored = session.vault().load_tokens(&account).await;
        if let Ok(Some(stored)) = stored
            && stored.access_token.secret() == token.secret()
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the pair kept in memory never reached the keychain"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "the kept pair reached the restarted keychain after {} ms",
        start.elapsed().as_millis()
    );

    // The stored refresh token works: expire the pair and refresh again.
    let mut stored = session
        .vault()
        .load_tokens(&account)
        .await
        .unwrap()
        .unwrap();
    stored.expires_at = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    session
        .vault()
        .store_tokens(&account, &stored)
        .await
        .unwrap();
    let third = session
        .valid_token(&account)
        .await
        .expect("a second refresh works");
    assert_ne!(third.secret(), token.secret());
    assert_eq!(me_status(&http, &base, third.secret()).await, 200);
    assert_eq!(stats(&http, &base).await["refreshes"], 2);
}

/// A session on the real keychain and the emulator, like the app's.
async fn session(emulator: &RunningEmulator, data: &std::path::Path) -> Session {
    let vars = [
        ("LINKCORD_DISCORD_URL", emulator.base_url()),
        ("LINKCORD_CDN_URL", emulator.cdn_url()),
        ("LINKCORD_DATA_DIR", data.display().to_string()),
        (
            "LINKCORD_KEYRING_SERVICE",
            "linkcord-refresh-test".to_owned(),
        ),
        ("LINKCORD_CLIENT_ID", DEFAULT_CLIENT_ID.to_owned()),
    ];
    let lookup = |name: &str| {
        vars.iter()
            .find(|(var, _)| *var == name)
            .map(|(_, value)| value.clone())
    };
    let env = Environment::from_lookup(lookup).unwrap();
    Session::open(env, Settings::default()).await.unwrap()
}

/// Lists `account` in the session's index, as a sign-in does.
fn list(session: &Session, account: &UserId) {
    let who = Identity {
        id: account.clone(),
        username: "ava.nunez".into(),
        display_name: None,
        avatar: None,
    };
    let now = time::OffsetDateTime::now_utc();
    session
        .account_store()
        .update(|index| {
            index.upsert(who, Scopes::parse("identify"), now);
        })
        .unwrap();
}

/// The PKCE code flow against the emulator, approving as `user` without the consent page.
async fn sign_in(http: &reqwest::Client, base: &str, user: &str) -> TokenRecord {
    const REDIRECT: &str = "http://127.0.0.1:49821/callback";
    let verifier = new_verifier();
    let approved = http
        .get(format!("{base}/oauth2/authorize"))
        .query(&[
            ("client_id", DEFAULT_CLIENT_ID),
            ("response_type", "code"),
            ("scope", "identify"),
            ("redirect_uri", REDIRECT),
            ("code_challenge", &challenge_for(&verifier)),
            ("code_challenge_method", "S256"),
            ("approve_as", user),
        ])
        .send()
        .await
        .unwrap();
    let location = approved.headers()["location"].to_str().unwrap();
    let code = url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .find(|(key, _)| key == "code")
        .map(|(_, value)| value.into_owned())
        .expect("authorize redirected with a code");
    let reply: Value = http
        .post(format!("{base}/api/oauth2/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
            ("client_id", DEFAULT_CLIENT_ID),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    TokenRecord {
        access_token: AccessToken::new(reply["access_token"].as_str().unwrap().to_owned()),
        refresh_token: Some(RefreshToken::new(
            reply["refresh_token"].as_str().unwrap().to_owned(),
        )),
        expires_at: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        scopes: Scopes::parse("identify"),
        token_type: "Bearer".into(),
    }
}

async fn control(http: &reqwest::Client, base: &str, path: &str, body: Value) {
    let status = http
        .post(format!("{base}/_emulator/{path}"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{path}: {status}");
}

async fn stats(http: &reqwest::Client, base: &str) -> Value {
    let reply = http.get(format!("{base}/_emulator/stats")).send().await;
    reply.unwrap().json().await.unwrap()
}

async fn me_status(http: &reqwest::Client, base: &str, token: &str) -> u16 {
    let reply = http
        .get(format!("{base}/api/v10/users/@me"))
        .bearer_auth(token)
        .send()
        .await;
    reply.unwrap().status().as_u16()
}

fn record(access: &str) -> TokenRecord {
    TokenRecord {
        access_token: AccessToken::new(access.into()),
        refresh_token: Some(RefreshToken::new(format!("{access}-refresh"))),
        expires_at: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        scopes: Scopes::parse("identify"),
        token_type: "Bearer".into(),
    }
}

/// Kills the daemon that owns `org.freedesktop.secrets` on this bus and starts a new one with
/// the same keyring files (`XDG_DATA_HOME`), control dir and password, as a desktop session
/// does when its keyring is restarted.
fn restart_daemon() {
    let old = stop_daemon();
    start_daemon(old);
}

/// Kills the Secret Service daemon; returns its pid.
fn stop_daemon() -> u32 {
    let old = secrets_owner_pid().expect("a daemon owns the Secret Service");
    let killed = Command::new("kill").arg(old.to_string()).status().unwrap();
    assert!(killed.success());
    wait_until("the old daemon to leave the bus", || {
        secrets_owner_pid().is_none()
    });
    old
}

/// Starts a daemon in place of `old`, unlocked with the test password. A call made while
/// none was running may have had D-Bus start one (locked, with nobody to type the password):
/// `--replace` takes over from it, as logging in again would.
fn start_daemon(old: u32) {
    let mut start = Command::new("gnome-keyring-daemon")
        .args(["--replace", "--unlock", "--components=secrets"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = start.stdin.take().unwrap();
        stdin.write_all(KEYRING_PASSWORD.as_bytes()).unwrap();
    }
    assert!(
        start.wait().unwrap().success(),
        "gnome-keyring-daemon started"
    );
    wait_until("the new daemon to own the Secret Service", || {
        secrets_owner_pid().is_some_and(|pid| pid != old)
    });
}

/// The pid of the process owning `org.freedesktop.secrets`, if any.
fn secrets_owner_pid() -> Option<u32> {
    let out = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.GetConnectionUnixProcessID",
            "string:org.freedesktop.secrets",
        ])
        .stderr(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .skip_while(|word| *word != "uint32")
        .nth(1)?
        .parse()
        .ok()
}

fn wait_until(what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "waited 10 s for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
