//! Signing in from the command line, end to end: the real `linkcord` binary, a "browser"
//! command, the emulator over real HTTP and the real Secret Service.
//!
//! Also everything the loopback listener must refuse: a forged state, a wrong path, an
//! oversized or slow request, a replayed code, a second callback, a denied consent, a timeout
//! and Ctrl+C. None of them may touch the accounts already stored.
//!
//! And what the browser tab is told at the end: the account's name once it is stored, or
//! which step failed (tokens issued in a failed sign-in are revoked at Discord).

use linkcord_tests::cli::*;
use linkcord_tests::emulator::ids;
use tokio::io::AsyncWriteExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_adds_then_updates_and_switch_finds_accounts_by_id_or_name() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let out = h.login_as(ids::AVA, &["--json"]).await.expect(0);
    let login = out.json();
    assert_eq!(login["newAccount"], true);
    assert_eq!(login["account"]["id"], ids::AVA);
    assert_eq!(login["account"]["username"], "ava.nunez");
    assert_eq!(login["account"]["active"], true);
    assert!(
        out.stderr
            .contains("Waiting for you to approve in your browser")
    );
    assert!(
        out.stderr.contains("/oauth2/authorize?"),
        "the address is shown"
    );

    let profile = h.run(&["profile", "--json"]).await.expect(0).json();
    assert_eq!(profile["id"], ids::AVA);
    assert_eq!(profile["display_name"], "Ava Núñez-Gómez");
    let connections = h.run(&["connections", "--json"]).await.expect(0).json();
    assert_eq!(connections["status"], "granted");
    assert_eq!(connections["items"].as_array().unwrap().len(), 12);
    let guilds = h.run(&["guilds", "--json"]).await.expect(0).json();
    assert_eq!(guilds["items"].as_array().unwrap().len(), 5);

    // The same user again: updated, never duplicated.
    let again = h.login_as(ids::AVA, &["--json"]).await.expect(0).json();
    assert_eq!(again["newAccount"], false);
    let list = h.run(&["accounts", "--json"]).await.expect(0).json();
    assert_eq!(list["accounts"].as_array().unwrap().len(), 1);

    // A second user is added and becomes active.
    let out = h.login_as(ids::DMITRI, &[]).await.expect(0);
    assert!(out.stdout.contains("dmitri_k"), "{out:?}");
    let list = h.run(&["accounts", "--json"]).await.expect(0).json();
    assert_eq!(list["active"], ids::DMITRI);
    assert_eq!(list["accounts"].as_array().unwrap().len(), 2);

    let out = h.run(&["switch", "ava.nunez"]).await.expect(0);
    assert!(out.stdout.contains("ava.nunez"), "{out:?}");
    assert_eq!(
        h.run(&["accounts", "--json"]).await.json()["active"],
        ids::AVA
    );
    h.run(&["switch", ids::DMITRI]).await.expect(0);
    let list = h.run(&["accounts"]).await.expect(0);
    assert!(
        list.stdout.contains(&format!("* {}", ids::DMITRI)),
        "{list:?}"
    );
    let out = h.run(&["switch", "nobody"]).await.expect(3);
    assert!(
        out.stderr.contains("linkcord accounts"),
        "says what to do: {out:?}"
    );

    // `profile --account` reads another account without switching.
    let other = h
        .run(&["profile", "--json", "--account", "ava.nunez"])
        .await;
    assert_eq!(other.expect(0).json()["id"], ids::AVA);
    assert_eq!(h.stats().await["code_exchanges"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_in_the_keychain_and_nowhere_else() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &["--json"]).await.expect(0);
    h.login_as(ids::HANAKO, &[]).await.expect(0);
    for args in [
        &["accounts"][..],
        &["accounts", "--json"],
        &["profile"],
        &["profile", "--json"],
        &["connections"],
        &["connections", "--json"],
        &["guilds"],
        &["guilds", "--json", "--account", ids::AVA],
        &["doctor"],
        &["switch", ids::AVA],
    ] {
        h.run(args).await.expect(0);
    }
    let token = h.token(None).await;
    assert_eq!(
        h.me_status(&token).await,
        200,
        "`token` prints a working token"
    );
    // A refresh adds a rotated pair; it must not leak either.
    h.expire_locally(ids::AVA).await;
    let refreshed = h.token(None).await;
    assert_ne!(refreshed, token);
    h.run(&["profile", "--json"]).await.expect(0);

    assert!(h.keychain_has(ids::AVA) && h.keychain_has(ids::HANAKO));
    let mut secrets = h.keychain_tokens();
    assert_eq!(
        secrets.len(),
        4,
        "an access and a refresh token per account"
    );
    assert!(secrets.contains(&refreshed));
    secrets.push(token);
    h.assert_no_leak(&secrets);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn junk_at_the_listener_is_refused_and_the_real_answer_still_works() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let (browser, url_file) = h.recording_browser("record");
    let login = h
        .command(
            &["login", "--json", "--timeout", "60"],
            &[("LINKCORD_BROWSER", path_str(&browser))],
        )
        .spawn()
        .unwrap();
    let authorize = wait_for_file(&url_file).await;
    let redirect = query(&authorize, "redirect_uri").unwrap();
    let state = query(&authorize, "state").unwrap();
    let port = url::Url::parse(&redirect).unwrap().port().unwrap();

    // A slow client holding a connection open does not block anyone.
    let mut slow = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    slow.write_all(b"GET /callback?code=x").await.unwrap();

    let forged = format!("{redirect}?code=stolen&state=forged");
    assert_eq!(get_status(&forged).await, 400, "a forged state");
    let wrong_path = redirect.replace("/callback", "/favicon.ico");
    assert_eq!(get_status(&wrong_path).await, 404, "a wrong path");
    assert_eq!(oversized_request(port).await, 431, "an oversized request");

    let callback = h.approve(&authorize, ids::LAYLA).await;
    assert!(callback.contains(&state));
    assert_eq!(get_status(&callback).await, 200);
    // A second callback is told it came too late, or finds the listener already closed.
    let second = try_get_status(&callback).await;
    assert!(matches!(second, Some(409) | None), "{second:?}");

    let out = login.wait_with_output().await.unwrap();
    let out = Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    h.keep(&["login"], &out);
    let out = out.expect(0);
    assert_eq!(out.json()["account"]["id"], ids::LAYLA);
    assert_eq!(h.stats().await["code_exchanges"], 1);
    drop(slow);
}

/// Sends a request head larger than the listener accepts; returns the HTTP status.
async fn oversized_request(port: u16) -> u16 {
    use tokio::io::AsyncReadExt;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let head = format!("GET /callback?pad={} HTTP/1.1\r\n", "a".repeat(20_000));
    let _ = stream.write_all(head.as_bytes()).await;
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply).await;
    let text = String::from_utf8_lossy(&reply);
    text.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Starts a login with a recording browser, hands the authorize URL to `answer`, and returns
/// the login's result.
async fn login_answered_by<F, Fut>(h: &Harness, timeout: &str, answer: F) -> Out
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let (browser, url_file) = h.recording_browser(&format!("rec-{timeout}-{}", rand_suffix()));
    let login = h
        .command(
            &["login", "--json", "--timeout", timeout],
            &[("LINKCORD_BROWSER", path_str(&browser))],
        )
        .spawn()
        .unwrap();
    let authorize = wait_for_file(&url_file).await;
    answer(authorize).await;
    let out = login.wait_with_output().await.unwrap();
    let out = Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    h.keep(&["login"], &out);
    out
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// The accounts as `accounts --json` lists them, and a working token for the active one.
async fn snapshot(h: &Harness) -> (serde_json::Value, String) {
    let list = h.run(&["accounts", "--json"]).await.expect(0).json();
    let token = h.token(None).await;
    (list, token)
}

/// Exit 6 with a `--json` error and the same accounts, still usable, as before.
async fn assert_refused(h: &Harness, out: &Out, before: &(serde_json::Value, String), says: &str) {
    assert_eq!(out.code, 6, "{out:#?}");
    assert!(out.stderr.contains(says), "the message says why: {out:#?}");
    assert_eq!(out.json()["error"]["code"], 6);
    let after = h.run(&["accounts", "--json"]).await.expect(0).json();
    assert_eq!(after, before.0, "the stored accounts are untouched");
    assert_eq!(
        h.me_status(&before.1).await,
        200,
        "the stored token still works"
    );
}

/// A login whose browser approves as `user`, follows Discord's redirect to Linkcord and
/// reads the page it is answered with. Returns the login's result and that page. With a
/// `keyring`, the login uses it and it is locked while the user is in Discord.
async fn login_reading_the_page(
    h: &Harness,
    user: &str,
    keyring: Option<&PrivateKeyring>,
) -> (Out, String) {
    let (browser, url_file) = h.recording_browser(&format!("page-{}", rand_suffix()));
    let mut command = h.command(
        &["login", "--json", "--timeout", "60"],
        &[("LINKCORD_BROWSER", path_str(&browser))],
    );
    if let Some(keyring) = keyring {
        keyring.serve(&mut command);
    }
    let login = command.spawn().unwrap();
    let authorize = wait_for_file(&url_file).await;
    if let Some(keyring) = keyring {
        keyring.lock();
    }
    let page = browser_page(h, &authorize, user).await;
    let out = login.wait_with_output().await.unwrap();
    let out = Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    h.keep(&["login"], &out);
    (out, page)
}

/// What a browser shows after approving as `user`: the body of Linkcord's loopback page.
async fn browser_page(h: &Harness, authorize: &str, user: &str) -> String {
    let callback = h.approve(authorize, user).await;
    let reply = reqwest::get(&callback).await.expect("the loopback page");
    assert_eq!(reply.status(), 200);
    reply.text().await.expect("page text")
}

/// The grants Discord still honours for `user`.
async fn standing_grants(h: &Harness, user: &str) -> usize {
    let grants = h.control(reqwest::Method::GET, "grants", None).await;
    let grants = grants["grants"].as_array().unwrap();
    grants.iter().filter(|g| g["user_id"] == user).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_is_told_who_signed_in_once_the_account_is_stored() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let (out, page) = login_reading_the_page(&h, ids::AVA, None).await;
    out.expect(0);
    assert!(
        page.contains(
            "Signed in as <bdi>Ava Núñez-Gómez</bdi> (@<bdi>ava.nunez</bdi>), you can close this tab"
        ),
        "{page}"
    );
    assert!(h.keychain_has(ids::AVA), "told only once it is stored");
    // A user without a display name is named by username alone.
    let (out, page) = login_reading_the_page(&h, ids::OLD_GUARD, None).await;
    out.expect(0);
    assert!(
        page.contains("Signed in as @<bdi>OldGuard</bdi>,"),
        "{page}"
    );
}

/// After the callback, each step can fail; the browser must say which, and never "signed in".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_finishing_fails_the_browser_says_what_failed_and_tokens_are_revoked() {
    let Some(h) = Harness::start().await else {
        return;
    };
    // Discord's token endpoint fails the exchange: no tokens were issued.
    h.fault(serde_json::json!({"kind": "server_error", "route": "oauth2/token"}))
        .await;
    let (out, page) = login_reading_the_page(&h, ids::AVA, None).await;
    h.clear_faults().await;
    assert_eq!(out.code, 5, "{out:#?}");
    assert_not_signed_in(&page, "code exchange");
    assert_eq!(h.stats().await["code_exchanges"], 0);

    // Tokens issued, then the profile cannot be read: they are revoked, not left behind.
    h.fault(serde_json::json!({"kind": "server_error", "route": "users/@me"}))
        .await;
    let (out, page) = login_reading_the_page(&h, ids::AVA, None).await;
    h.clear_faults().await;
    assert_eq!(out.code, 5, "{out:#?}");
    assert_not_signed_in(&page, "profile");
    assert_issued_then_revoked(&h, ids::AVA).await;

    let list = h.run(&["accounts", "--json"]).await.expect(0).json();
    assert_eq!(
        list["accounts"],
        serde_json::json!([]),
        "nothing was stored"
    );
    assert!(!h.keychain_has(ids::AVA));
}

/// One code was exchanged, and the grant it made for `user` was revoked again.
async fn assert_issued_then_revoked(h: &Harness, user: &str) {
    assert_eq!(h.stats().await["code_exchanges"], 1);
    assert_eq!(standing_grants(h, user).await, 0, "the grant was revoked");
    assert_eq!(h.stats().await["revocations"], 1);
}

fn assert_not_signed_in(page: &str, says: &str) {
    assert!(page.contains(says), "the page says what failed: {page}");
    assert!(!page.contains("Signed in"), "{page}");
    assert!(page.contains("no account was added"), "{page}");
}

/// A Secret Service of this test's own (a nested `with-secret-service.sh`): locking it
/// cannot disturb the other tests on the shared one.
struct PrivateKeyring {
    child: tokio::process::Child,
    bus: String,
    stop: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl PrivateKeyring {
    async fn start() -> Self {
        use linkcord_tests::app::workspace_root;
        let dir = tempfile::tempdir().unwrap();
        let (bus_file, stop) = (dir.path().join("bus"), dir.path().join("stop"));
        let script = r#"printf '%s' "$DBUS_SESSION_BUS_ADDRESS" > "$1"; while [ ! -e "$2" ]; do sleep 0.1; done"#;
        let child =
            tokio::process::Command::new(workspace_root().join("scripts/with-secret-service.sh"))
                .args(["sh", "-c", script, "sh"])
                .arg(&bus_file)
                .arg(&stop)
                .env_remove("LINKCORD_PRIVATE_BUS")
                .env_remove("GNOME_KEYRING_CONTROL")
                .env_remove("GNOME_KEYRING_PID")
                .env_remove("DBUS_SESSION_BUS_ADDRESS")
                .process_group(0)
                .stdin(std::process::Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .expect("nested Secret Service");
        let bus = wait_for_file(&bus_file).await;
        Self {
            child,
            bus,
            stop,
            _dir: dir,
        }
    }

    /// Points `command` at this keyring, with no display so an unlock prompt fails at once.
    fn serve(&self, command: &mut tokio::process::Command) {
        command
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env_remove("GNOME_KEYRING_CONTROL")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
    }

    /// Locks the keyring.
    fn lock(&self) {
        let status = std::process::Command::new("gdbus")
            .args([
                "call",
                "--session",
                "--dest",
                "org.freedesktop.secrets",
                "--object-path",
                "/org/freedesktop/secrets",
                "--method",
                "org.freedesktop.Secret.Service.Lock",
                "['/org/freedesktop/secrets/collection/login']",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("gdbus");
        assert!(status.success(), "locking the private keyring");
    }

    async fn stop(mut self) {
        std::fs::write(&self.stop, b"").unwrap();
        let _ = self.child.wait().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keychain_failing_after_the_callback_is_reported_and_the_tokens_revoked() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let keyring = PrivateKeyring::start().await;
    // The keychain was open when the sign-in started; it locks while the user is in Discord.
    let (out, page) = login_reading_the_page(&h, ids::DMITRI, Some(&keyring)).await;
    keyring.stop().await;
    assert_eq!(out.code, 4, "{out:#?}");
    assert_not_signed_in(&page, "keychain");
    assert_issued_then_revoked(&h, ids::DMITRI).await;
    assert!(h.files_are_token_free());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_and_junk_answers_only_lead_to_a_timeout() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    let before = snapshot(&h).await;
    let out = login_answered_by(&h, "4", |authorize| async move {
        let redirect = query(&authorize, "redirect_uri").unwrap();
        let forged = format!("{redirect}?code=stolen&state=forged");
        assert_eq!(get_status(&forged).await, 400);
        let no_state = format!("{redirect}?code=stolen");
        assert_eq!(get_status(&no_state).await, 400);
    })
    .await;
    assert_refused(&h, &out, &before, "no answer came back from the browser").await;
    assert_eq!(
        h.stats().await["code_exchanges"],
        1,
        "no code was exchanged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_consent_is_exit_6() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    let before = snapshot(&h).await;
    let harness = &h;
    let out = login_answered_by(&h, "30", |authorize| async move {
        let callback = harness.cancel_consent(&authorize).await;
        assert!(callback.contains("error=access_denied"), "{callback}");
        assert_eq!(get_status(&callback).await, 200);
    })
    .await;
    assert_refused(&h, &out, &before, "cancelled in Discord").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_code_is_refused() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let harness = &h;
    let first_callback = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let keep = first_callback.clone();
    login_answered_by(&h, "30", |authorize| async move {
        let callback = harness.approve(&authorize, ids::AVA).await;
        *keep.lock().unwrap() = callback.clone();
        assert_eq!(get_status(&callback).await, 200);
    })
    .await
    .expect(0);
    let before = snapshot(&h).await;
    let old = first_callback.lock().unwrap().clone();
    let old_code = query(&old, "code").unwrap();
    let out = login_answered_by(&h, "30", |authorize| async move {
        // The old code, dressed up with this sign-in's state and port.
        let redirect = query(&authorize, "redirect_uri").unwrap();
        let state = query(&authorize, "state").unwrap();
        let replay = format!("{redirect}?code={old_code}&state={state}");
        assert_eq!(get_status(&replay).await, 200);
    })
    .await;
    assert_refused(&h, &out, &before, "Discord no longer accepts this sign-in").await;
    assert_eq!(h.stats().await["code_exchanges"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_cancels_a_login_cleanly() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    let before = snapshot(&h).await;
    let (browser, url_file) = h.recording_browser("ctrl-c");
    let login = h
        .command(
            &["login", "--json", "--timeout", "60"],
            &[("LINKCORD_BROWSER", path_str(&browser))],
        )
        .spawn()
        .unwrap();
    wait_for_file(&url_file).await;
    let pid = login.id().unwrap().to_string();
    // The handler is installed before the browser is started, so this cancels, not kills.
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = login.wait_with_output().await.unwrap();
    let out = Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    h.keep(&["login"], &out);
    assert_refused(&h, &out, &before, "the sign-in was cancelled").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_usage_errors_are_exit_2() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let out = h
        .run(&["login", "--redirect", "carrier-pigeon"])
        .await
        .expect(2);
    assert!(out.stderr.contains("loopback"), "{out:?}");
    let out = h.run(&["login", "--scope", "email"]).await.expect(2);
    assert!(out.stderr.contains("identify"), "{out:?}");
    // The command line cannot receive deep links: it says so instead of waiting forever.
    let out = h
        .run(&["login", "--redirect", "deep-link", "--json"])
        .await
        .expect(2);
    assert!(out.stderr.contains("loopback"), "{out:?}");
    assert_eq!(out.json()["error"]["code"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scopes_not_granted_are_shown_as_such_not_as_errors() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &["--scope", "identify", "--scope", "guilds"])
        .await
        .expect(0);
    let connections = h.run(&["connections", "--json"]).await.expect(0).json();
    assert_eq!(connections, serde_json::json!({"status": "not_granted"}));
    let out = h.run(&["connections"]).await.expect(0);
    assert!(
        out.stdout
            .contains("`connections` permission was not granted"),
        "{out:?}"
    );
    let guilds = h.run(&["guilds", "--json"]).await.expect(0).json();
    assert_eq!(guilds["status"], "granted");
    let profile = h.run(&["profile", "--json"]).await.expect(0).json();
    assert_eq!(
        profile["email"],
        serde_json::Value::Null,
        "no email scope, no email"
    );
}
