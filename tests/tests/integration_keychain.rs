//! The keychain missing or locked (exit 4 and what to do, never a plaintext fallback), and a
//! damaged account list rebuilt without losing an account.

use std::process::Stdio;

use linkcord_tests::app::{linkcord_bin, workspace_root};
use linkcord_tests::cli::*;
use linkcord_tests::emulator::ids;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_session_bus_is_exit_4_with_what_to_do() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let no_bus = [("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")];
    for args in [
        &["token"][..],
        &["accounts"],
        &["login", "--timeout", "5"],
        &["config", "set", "client-secret", ""],
    ] {
        let out = h.run_with(args, &no_bus).await.expect(4);
        assert!(
            out.stderr.contains("keychain is not available")
                && out.stderr.contains("Secret Service"),
            "{args:?}: {out:?}"
        );
    }
    let out = h.run_with(&["doctor"], &no_bus).await.expect(4);
    assert!(out.stdout.contains("problem  keychain"), "{out:?}");
    assert!(h.files_are_token_free(), "nothing was written instead");
}

/// Locking the keyring would lock it for every test on the same bus, so this one runs on a
/// private Secret Service of its own (a nested `with-secret-service.sh`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_keyring_is_exit_4_and_nothing_is_stored() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let browser = h.approving_browser(ids::AVA);
    let script = r#"
L="$1"
gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
  --method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" \
  >/dev/null || { echo "exit 90"; exit 90; }
printf not-a-real-secret | "$L" config set client-secret -; echo "secret-exit=$?"
"$L" doctor >/dev/null; echo "doctor-exit=$?"
"$L" login --timeout 30 >/dev/null; echo "login-exit=$?"
"$L" accounts --json
"#;
    let mut cmd =
        tokio::process::Command::new(workspace_root().join("scripts/with-secret-service.sh"));
    cmd.args(["sh", "-c", script, "sh"])
        .arg(linkcord_bin())
        .env_remove("LINKCORD_PRIVATE_BUS")
        // Without these the new daemon would find the outer one and lock (and stop) it.
        .env_remove("GNOME_KEYRING_CONTROL")
        .env_remove("GNOME_KEYRING_PID")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        // No display: the unlock prompt fails at once instead of waiting for a person.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .envs(h.sandbox.env())
        .env("LINKCORD_BROWSER", path_str(&browser))
        // The script's exit trap runs `kill 0` when the daemon reported no pid, which signals
        // its whole process group: give it a group of its own so this test survives it.
        .process_group(0)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let out = cmd.output().await.expect("nested Secret Service");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // (Its exit status is not checked: the script's exit trap ends it with SIGTERM.)
    assert!(!stdout.contains("exit 9"), "{stdout}\n{stderr}");
    for line in ["secret-exit=4", "doctor-exit=4", "login-exit=4"] {
        assert!(stdout.contains(line), "{line}: {stdout}\n{stderr}");
    }
    assert!(stderr.contains("locked"), "says it is locked: {stderr}");
    assert!(
        stdout.contains(r#""accounts": []"#),
        "nothing listed: {stdout}"
    );
    assert!(h.files_are_token_free());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_account_list_is_rebuilt_without_losing_an_account() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    h.login_as(ids::DMITRI, &[]).await.expect(0);
    std::fs::write(
        h.data_file("accounts.json"),
        b"{\"version\": 1, \"accounts\": [tru",
    )
    .unwrap();
    // Dmitri's cache is gone too: only the keychain still knows him.
    std::fs::remove_file(h.data_file("cache").join(format!("{}.json", ids::DMITRI))).unwrap();

    let out = h.run(&["accounts", "--json"]).await.expect(0);
    assert!(
        out.stderr
            .contains("warning: the account list had to be rebuilt"),
        "{out:?}"
    );
    let ids_listed: Vec<String> = out.json()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids_listed.contains(&ids::AVA.to_owned()), "{ids_listed:?}");
    assert!(
        ids_listed.contains(&ids::DMITRI.to_owned()),
        "{ids_listed:?}"
    );
    let kept = std::fs::read_dir(h.sandbox.data_dir.path())
        .unwrap()
        .flatten()
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("accounts.json.damaged")
        });
    assert!(kept, "the damaged file is kept for a person to look at");
    // Both still work.
    let token = h.token(Some(ids::DMITRI)).await;
    assert_eq!(h.me_status(&token).await, 200);
    h.run(&["profile", "--account", "ava.nunez"])
        .await
        .expect(0);
}
