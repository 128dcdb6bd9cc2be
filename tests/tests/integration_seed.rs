//! The seeding helper other suites and the benchmark rely on (`linkcord_tests::seed`): after
//! `sign_in_all`, every generated user is a real signed-in account, in the index, the cache
//! and the real keychain, and the last one is active.

use std::time::Instant;

use linkcord_tests::app::Sandbox;
use linkcord_tests::emulator::Emulator;
use linkcord_tests::seed::{ManyUsers, sign_in_all};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twelve_generated_users_are_signed_in_for_real() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        println!("skipped: needs a Secret Service (run under scripts/with-secret-service.sh)");
        return;
    }
    let many = ManyUsers::generate(12);
    let emulator = Emulator::start(many.emulator_config()).await.unwrap();
    let sandbox = Sandbox::new()
        .with_emulator(&emulator.base_url())
        .with_any_loopback_port();

    let started = Instant::now();
    sign_in_all(&sandbox, &many.ids()).await.unwrap();
    println!("12 sign-ins took {:?}", started.elapsed());

    let out = sandbox.command(&["accounts", "--json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = listed.to_string();
    for user in many.users() {
        assert!(text.contains(&user.id), "{} is listed: {text}", user.id);
        assert!(text.contains(&user.username), "{} is listed", user.username);
        assert!(
            keychain_has(&sandbox, &user.id),
            "{} has a keychain entry",
            user.id
        );
        let cache = sandbox
            .data_dir
            .path()
            .join("cache")
            .join(format!("{}.json", user.id));
        let cached = std::fs::read_to_string(&cache).unwrap_or_default();
        assert!(cached.contains(&user.username), "{} is cached", user.id);
    }
    let index: Value = serde_json::from_str(
        &std::fs::read_to_string(sandbox.data_dir.path().join("accounts.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(index["active"].as_str(), Some(many.users()[11].id.as_str()));

    // The keychain's tokens work at Discord: the CLI gets a profile for an early account.
    let first = &many.users()[0];
    let out = sandbox
        .command(&["profile", "--account", &first.username, "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(&first.display_name));
}

/// Whether the Secret Service holds an entry for `account` under this sandbox's service.
fn keychain_has(sandbox: &Sandbox, account: &str) -> bool {
    let out = std::process::Command::new("secret-tool")
        .args(["search", "service", &sandbox.keyring_service])
        .args(["username", &format!("account:{account}")])
        .output()
        .expect("secret-tool");
    String::from_utf8_lossy(&out.stdout).contains("secret = ")
}
