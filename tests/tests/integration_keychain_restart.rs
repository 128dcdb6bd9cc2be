//! The keychain daemon restarting while Linkcord runs: the next keychain call must work again
//! without restarting Linkcord (the window stays open for days; the desktop's keyring may be
//! restarted by an update or a crash).
//!
//! The daemon is restarted on a Secret Service of its own (a nested
//! `scripts/with-secret-service.sh`), so the other tests sharing the outer bus never see it go.
//! The work happens in a child run of this same test binary, which opens the vault in-process
//! like the app does, kills `gnome-keyring-daemon`, starts it again on the same bus with the
//! same keyring files and password, and uses the same vault again.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use linkcord_core::discord::UserId;
use linkcord_core::oauth::Scopes;
use linkcord_core::secret::{AccessToken, RefreshToken};
use linkcord_core::vault::{TokenRecord, Vault};
use linkcord_tests::app::workspace_root;

/// Set in the child run, which is the one that restarts its private daemon.
const CHILD_VAR: &str = "LINKCORD_TEST_KEYCHAIN_RESTART_CHILD";
/// The password `scripts/with-secret-service.sh` unlocks the keyring with.
const KEYRING_PASSWORD: &str = "linkcord-test";

#[test]
fn the_vault_works_again_after_the_keychain_daemon_restarts() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        println!("skipped: needs a Secret Service (run under scripts/with-secret-service.sh)");
        return;
    }
    let out = Command::new(workspace_root().join("scripts/with-secret-service.sh"))
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "restart_child",
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
        stdout.contains("restart-child-passed"),
        "the child run failed:\n{stdout}\n{stderr}"
    );
}

/// The child run: see the module docs.
#[test]
#[ignore = "run in a nested Secret Service by the_vault_works_again_after_the_keychain_daemon_restarts"]
fn restart_child() {
    if std::env::var_os(CHILD_VAR).is_none() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(restart_child_body());
    println!("restart-child-passed");
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
    let old = secrets_owner_pid().expect("a daemon owns the Secret Service");
    let killed = Command::new("kill").arg(old.to_string()).status().unwrap();
    assert!(killed.success());
    wait_until("the old daemon to leave the bus", || {
        secrets_owner_pid().is_none()
    });
    let mut start = Command::new("gnome-keyring-daemon")
        .args(["--unlock", "--components=secrets"])
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
