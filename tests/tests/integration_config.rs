//! `linkcord config set client-secret` and `linkcord doctor` against a confidential client:
//! the secret goes to the keychain, is never printed or written to a file, and sign-in uses it.

use std::process::Stdio;

use linkcord_tests::cli::*;
use linkcord_tests::emulator::{EmulatorConfig, ids};
use tokio::io::AsyncWriteExt;

const SECRET: &str = "confidential-client-secret-0123456789";

/// `linkcord config set client-secret -` with `input` on its standard input; it must succeed.
async fn set_secret_from_stdin(h: &Harness, input: &str) {
    let mut set = h
        .command(&["config", "set", "client-secret", "-"], &[])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = set.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).await.unwrap();
    drop(stdin);
    let out = set.wait_with_output().await.unwrap();
    assert!(out.status.success(), "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_secret_from_stdin_is_kept_in_the_keychain_and_used() {
    let config = EmulatorConfig::default().with_secret(SECRET);
    let Some(h) = Harness::start_with(config).await else {
        return;
    };

    // Without the secret Discord refuses the exchange, and the message says what to do.
    let out = h.login_as(ids::AVA, &[]).await.expect(5);
    assert!(out.stderr.contains("client secret"), "{out:?}");

    set_secret_from_stdin(&h, &format!("{SECRET}\n")).await;

    let out = h.run(&["config", "get", "client-secret"]).await.expect(2);
    assert!(!out.stdout.contains(SECRET) && !out.stderr.contains(SECRET));
    let out = h.run(&["doctor"]).await.expect(0);
    assert!(out.stdout.contains("client secret set"), "{out:?}");
    assert!(out.stdout.contains("http://127.0.0.1/callback"), "{out:?}");

    h.login_as(ids::AVA, &[]).await.expect(0);
    let token = h.token(None).await;
    assert_eq!(h.me_status(&token).await, 200);
    h.assert_no_leak(&[SECRET.to_owned(), token]);

    // An empty value removes it again.
    h.run(&["config", "set", "client-secret", ""])
        .await
        .expect(0);
    let out = h.run(&["doctor"]).await.expect(0);
    assert!(out.stdout.contains("client secret not set"), "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_names_what_blocks_sign_in() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let out = h.run(&["doctor"]).await.expect(0);
    for line in [
        "ok       keychain",
        "ok       client id",
        "info     redirect URI",
        "ok       Discord",
    ] {
        assert!(out.stdout.contains(line), "{line}: {out:?}");
    }
    // No client id anywhere: exit 2 and how to set it.
    // (An empty variable counts as unset.)
    let out = h
        .run_with(&["doctor"], &[("LINKCORD_CLIENT_ID", "")])
        .await
        .expect(2);
    assert!(out.stdout.contains("problem  client id"), "{out:?}");
    assert!(
        out.stdout.contains("linkcord config set client-id"),
        "{out:?}"
    );
    let out = h
        .run_with(&["login"], &[("LINKCORD_CLIENT_ID", "")])
        .await
        .expect(2);
    assert!(out.stderr.contains("config set client-id"), "{out:?}");
}

/// What the keychain holds as the client secret of this sandbox, read with `secret-tool`.
fn keychain_client_secret(h: &Harness) -> Option<String> {
    let out = std::process::Command::new("secret-tool")
        .args(["lookup", "service", &h.sandbox.keyring_service])
        .args(["username", "client-secret"])
        .output()
        .expect("secret-tool lookup");
    let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    (out.status.success() && !text.is_empty()).then_some(text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_secret_on_the_command_line_is_refused_and_stdin_is_kept() {
    let Some(h) = Harness::start().await else {
        return;
    };
    // On the command line it would be in /proc/<pid>/cmdline and the shell history.
    let out = h
        .run(&["config", "set", "client-secret", SECRET])
        .await
        .expect(2);
    assert!(out.stderr.contains("client-secret -"), "{out:?}");
    assert!(!out.stderr.contains(SECRET) && !out.stdout.contains(SECRET));
    assert_eq!(keychain_client_secret(&h), None, "nothing was stored");

    set_secret_from_stdin(&h, SECRET).await;
    assert_eq!(keychain_client_secret(&h).as_deref(), Some(SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_never_inherits_the_client_secret() {
    let config = EmulatorConfig::default().with_secret(SECRET);
    let Some(h) = Harness::start_with(config).await else {
        return;
    };
    let dump = h.sandbox.home.path().join("browser.env");
    let browser = h.script(
        "env-dumping-browser",
        &format!(
            r#"env > "{}"
exec curl -sS -L -o /dev/null "$1&approve_as={}""#,
            dump.display(),
            ids::AVA
        ),
    );
    h.run_with(
        &["login", "--timeout", "30"],
        &[
            ("LINKCORD_BROWSER", path_str(&browser)),
            ("LINKCORD_CLIENT_SECRET", SECRET),
        ],
    )
    .await
    .expect(0);
    let env = std::fs::read_to_string(&dump).expect("the browser ran");
    // Only the names are printed on failure: a value may be the secret.
    let names: Vec<&str> = env.lines().filter_map(|l| l.split('=').next()).collect();
    assert!(
        names.contains(&"LINKCORD_DATA_DIR"),
        "a real dump: {names:?}"
    );
    assert!(!names.contains(&"LINKCORD_CLIENT_SECRET"), "{names:?}");
    assert!(
        !env.contains(SECRET),
        "the secret is in the browser's environment"
    );
    let token = h.token(None).await;
    assert_eq!(h.me_status(&token).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_names_the_client_id_and_redirect_that_sign_in_uses() {
    let Some(h) = Harness::start().await else {
        return;
    };
    // The saved client id is another application; LINKCORD_CLIENT_ID (set by the harness to
    // the emulator's) wins, as it does everywhere.
    let saved = "111111111111111111";
    h.run(&["config", "set", "client-id", saved])
        .await
        .expect(0);
    h.run(&["config", "set", "redirect", "deep-link"])
        .await
        .expect(0);

    let doctor = h.run(&["doctor"]).await;
    let (browser, url_file) = h.recording_browser("record");
    let mut login = h
        .command(
            &["login", "--redirect", "loopback", "--timeout", "30"],
            &[("LINKCORD_BROWSER", path_str(&browser))],
        )
        .spawn()
        .unwrap();
    let url = wait_for_file(&url_file).await;
    login.kill().await.unwrap();

    let used = query(&url, "client_id").expect("client_id in the authorize URL");
    assert_ne!(used, saved, "the environment's client id wins at sign-in");
    let line = |start: &str| {
        doctor
            .stdout
            .lines()
            .find(|l| l.contains(start))
            .unwrap_or_else(|| panic!("no {start} line: {doctor:?}"))
            .to_owned()
    };
    assert!(line("client id:").ends_with(&used), "{doctor:?}");
    let redirect = line("redirect URI:");
    assert!(
        redirect.contains(&format!("discord-{used}:/authorize/callback")),
        "{redirect}"
    );
    assert!(!doctor.stdout.contains(saved), "{doctor:?}");
}
