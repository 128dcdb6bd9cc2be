//! Two real Linkcord processes on one account at once: removing it while the other one is
//! half-way through a refresh or a fetch must leave nothing of it behind.
//!
//! The emulator holds the other process's request (a latency fault) long enough for the
//! removal to run in the middle of it.

use std::time::Duration;

use linkcord_tests::cli::*;
use linkcord_tests::emulator::ids;
use serde_json::json;

/// How long the emulator holds the slow process's request once it arrived.
const HELD_MS: u64 = 2000;

/// Waits until the emulator has seen one more request on `route` than `before`: the slow
/// process is then inside the request, past reading the keychain and the account list.
async fn wait_for_request(h: &Harness, route: &str, before: u64) {
    let start = std::time::Instant::now();
    while requests(h, route).await <= before {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no request on {route}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn requests(h: &Harness, route: &str) -> u64 {
    h.stats().await["requests"][route].as_u64().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_local_during_a_refresh_in_another_process_leaves_no_tokens() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    h.expire_locally(ids::AVA).await;
    h.fault(json!({"kind": "latency", "ms": HELD_MS, "route": "oauth2/token", "count": 1}))
        .await;
    let before = requests(&h, "oauth2/token").await;
    let refreshing = h.command(&["token"], &[]).spawn().expect("spawn token");
    wait_for_request(&h, "oauth2/token", before).await;

    let out = h.run(&["logout", "--local"]).await.expect(0);
    assert!(out.stdout.contains("Discord was NOT told"), "{out:?}");
    let token = refreshing.wait_with_output().await.unwrap();
    assert!(
        token.status.success(),
        "the refresh began first, so it finished"
    );
    assert_eq!(h.stats().await["refreshes"], 1);
    assert!(
        !h.keychain_has(ids::AVA),
        "the removed account's tokens are back in the keychain"
    );
    let list = h.run(&["accounts", "--json"]).await.expect(0).json();
    assert_eq!(list["accounts"].as_array().unwrap().len(), 0, "{list}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_local_during_a_fetch_in_another_process_leaves_no_cache() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    let cache = h.data_file("cache").join(format!("{}.json", ids::AVA));
    assert!(cache.exists(), "login cached the account's data");
    h.fault(json!({"kind": "latency", "ms": HELD_MS, "route": "users/@me", "count": 1}))
        .await;
    let before = requests(&h, "users/@me").await;
    let fetching = h.command(&["profile"], &[]).spawn().expect("spawn profile");
    wait_for_request(&h, "users/@me", before).await;

    h.run(&["logout", "--local"]).await.expect(0);
    assert!(!cache.exists());
    let profile = fetching.wait_with_output().await.unwrap();
    assert!(profile.status.success(), "the fetch itself succeeded");
    assert!(
        !cache.exists(),
        "the fetch that finished afterwards wrote the removed account's cache back"
    );
    // Nothing can bring the account back either: not even rebuilding a lost index.
    std::fs::remove_file(h.data_file("accounts.json")).unwrap();
    let list = h.run(&["accounts", "--json"]).await.expect(0).json();
    assert_eq!(list["accounts"].as_array().unwrap().len(), 0, "{list}");
}
