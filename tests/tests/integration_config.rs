//! `linkcord config set client-secret` and `linkcord doctor` against a confidential client:
//! the secret goes to the keychain, is never printed or written to a file, and sign-in uses it.

mod cli_support;

use std::process::Stdio;

use cli_support::*;
use linkcord_tests::emulator::{EmulatorConfig, ids};
use tokio::io::AsyncWriteExt;

const SECRET: &str = "confidential-client-secret-0123456789";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_secret_from_stdin_is_kept_in_the_keychain_and_used() {
    let config = EmulatorConfig::default().with_secret(SECRET);
    let Some(h) = Harness::start_with(config).await else {
        return;
    };

    // Without the secret Discord refuses the exchange, and the message says what to do.
    let out = h.login_as(ids::AVA, &[]).await.expect(5);
    assert!(out.stderr.contains("client secret"), "{out:?}");

    let mut set = h
        .command(&["config", "set", "client-secret", "-"], &[])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = set.stdin.take().unwrap();
    stdin
        .write_all(format!("{SECRET}\n").as_bytes())
        .await
        .unwrap();
    drop(stdin);
    let out = set.wait_with_output().await.unwrap();
    assert!(out.status.success(), "{out:?}");

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
