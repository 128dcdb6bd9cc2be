//! The real `linkcord` writing into a pipe whose reader has gone away (`linkcord accounts |
//! head -0`): the command ends quietly, with the exit code its work earned and no Rust panic,
//! and the work itself is not cut short (a `refresh --all` still refreshes every account).
//!
//! The reader is closed before the command starts, so its first line meets a broken pipe
//! every time, not only when `head` happens to win the race.

use std::process::Stdio;

use linkcord_tests::cli::{Harness, Out};
use linkcord_tests::emulator::ids;
use reqwest::Method;
use serde_json::{Value, json};

/// `linkcord ARGS…` with stdout a pipe nobody reads from any more.
async fn into_closed_pipe(h: &Harness, args: &[&str]) -> Out {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    // Spawned, not `output()`: tokio's `output()` would replace stdout with its own pipe.
    let child = h
        .command(args, &[])
        .stdout(Stdio::from(writer))
        .spawn()
        .expect("start linkcord");
    let out = child.wait_with_output().await.expect("run linkcord");
    let out = Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !out.stderr.contains("panicked") && !out.stderr.contains("Broken pipe"),
        "{args:?} was not quiet: {out:#?}"
    );
    out
}

async fn history(h: &Harness, account: &str) -> Vec<Value> {
    let out = h
        .run(&["changes", "--json", "--account", account])
        .await
        .expect(0);
    out.json()["changes"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_closed_pipe_ends_every_printing_command_quietly() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    h.login_as(ids::DMITRI, &[]).await.expect(0);
    // Something to report for both accounts, so `refresh` and `changes` have lines to print.
    for (user, name) in [(ids::AVA, "ava.piped"), (ids::DMITRI, "dmitri.piped")] {
        h.control(
            Method::PATCH,
            &format!("users/{user}"),
            Some(json!({ "username": name })),
        )
        .await;
    }

    // The first account's lines meet the broken pipe; the second is refreshed all the same.
    let refreshed = into_closed_pipe(&h, &["refresh", "--all"]).await;
    assert_eq!(refreshed.code, 0, "{refreshed:#?}");
    for user in [ids::AVA, ids::DMITRI] {
        let kinds: Vec<Value> = history(&h, user)
            .await
            .iter()
            .map(|c| c["kind"].clone())
            .collect();
        assert!(
            kinds.contains(&json!("username_changed")),
            "{user}: {kinds:?}"
        );
    }

    let commands: [&[&str]; 11] = [
        &["accounts"],
        &["accounts", "--json"],
        &["changes"],
        &["changes", "--json"],
        &["profile"],
        &["connections"],
        &["guilds", "--json"],
        &["config", "get", "port"],
        &["token"],
        &["completions", "bash"],
        &["man"],
    ];
    for args in commands {
        into_closed_pipe(&h, args).await.expect(0);
    }
    // `doctor` may find problems on this machine (its code says so): the same code either way.
    let doctor = h.run(&["doctor"]).await.code;
    into_closed_pipe(&h, &["doctor"]).await.expect(doctor);
    // A failure keeps its own code: the pipe does not hide it or turn it into a panic.
    into_closed_pipe(&h, &["profile", "--account", "nobody-here"])
        .await
        .expect(3);
}

/// The command from the bug report, through a real shell with `pipefail`, so the shell reports
/// `linkcord`'s own status.
#[tokio::test]
async fn head_zero_in_a_shell_pipeline_is_quiet() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    let linkcord = linkcord_tests::app::linkcord_bin();
    for tail in [
        "accounts | head -0",
        "changes | head -1",
        "accounts --json | head -1",
    ] {
        let script = format!("set -o pipefail; \"$LINKCORD\" {tail}");
        let mut cmd = tokio::process::Command::new("bash");
        for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("LINKCORD_")) {
            cmd.env_remove(key);
        }
        cmd.args(["-c", &script])
            .envs(h.sandbox.env())
            .env("LINKCORD", &linkcord)
            .stdin(Stdio::null());
        let out = cmd.output().await.expect("run bash");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{tail}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{tail}: {stderr}");
    }
}
