//! `linkcord logout` and working without Discord: revoke first, then forget; `--all`; and
//! when Discord cannot be reached, cached data shown with a note, a refused logout pointing at
//! `--local`, and `--local` saying plainly that Discord was not told.

use linkcord_tests::cli::*;
use linkcord_tests::emulator::ids;

fn cache_file(h: &Harness, id: &str) -> std::path::PathBuf {
    h.data_file("cache").join(format!("{id}.json"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_revokes_at_discord_then_deletes_everything_local() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    h.login_as(ids::DMITRI, &[]).await.expect(0);
    let ava_token = h.token(Some(ids::AVA)).await;
    assert!(
        cache_file(&h, ids::AVA).exists(),
        "login cached the account's data"
    );

    let out = h.run(&["logout", "--account", "ava.nunez"]).await.expect(0);
    assert!(out.stdout.contains("Discord revoked"), "{out:?}");
    assert_eq!(h.stats().await["revocations"], 1);
    assert_eq!(
        h.me_status(&ava_token).await,
        401,
        "the grant is gone at Discord"
    );
    assert!(!h.keychain_has(ids::AVA));
    assert!(!cache_file(&h, ids::AVA).exists());
    let list = h.run(&["accounts", "--json"]).await.expect(0).json();
    assert_eq!(list["active"], ids::DMITRI);
    assert_eq!(list["accounts"].as_array().unwrap().len(), 1);
    assert!(
        h.keychain_has(ids::DMITRI),
        "the other account is untouched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_all_signs_out_of_every_account() {
    let Some(h) = Harness::start().await else {
        return;
    };
    for user in [ids::AVA, ids::HANAKO, ids::OLD_GUARD] {
        h.login_as(user, &[]).await.expect(0);
    }
    let out = h.run(&["logout", "--all"]).await.expect(0);
    assert_eq!(out.stdout.matches("Discord revoked").count(), 3, "{out:?}");
    assert_eq!(h.stats().await["revocations"], 3);
    let list = h.run(&["accounts", "--json"]).await.expect(0).json();
    assert_eq!(list, serde_json::json!({"active": null, "accounts": []}));
    assert!(h.keychain_tokens().is_empty());
    h.run(&["logout", "--all"]).await.expect(0);
    h.run(&["logout", "--all", "--account", "x"])
        .await
        .expect(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_discord_cached_data_is_shown_and_logout_needs_local() {
    let Some(mut h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    let token = h.token(None).await;
    h.stop_discord().await;

    // A still-valid token needs no network.
    assert_eq!(h.token(None).await, token);
    for (what, check) in [
        ("profile", "username"),
        ("connections", "items"),
        ("guilds", "items"),
    ] {
        let out = h.run(&[what, "--json"]).await.expect(0);
        assert!(out.stderr.contains("offline, data from"), "{what}: {out:?}");
        assert!(out.json().get(check).is_some(), "{what}: {out:?}");
    }
    let out = h.run(&["guilds"]).await.expect(0);
    assert!(out.stdout.contains("Café Ñandú"), "{out:?}");

    let out = h.run(&["doctor"]).await.expect(5);
    assert!(out.stdout.contains("problem  Discord"), "{out:?}");

    let out = h.run(&["logout"]).await.expect(5);
    assert!(out.stderr.contains("--local"), "points at --local: {out:?}");
    assert!(h.keychain_has(ids::AVA), "nothing deleted");
    assert_eq!(
        h.run(&["accounts", "--json"]).await.json()["active"],
        ids::AVA
    );

    let out = h.run(&["logout", "--local"]).await.expect(0);
    assert!(out.stdout.contains("Discord was NOT told"), "{out:?}");
    assert!(!h.keychain_has(ids::AVA));
    assert!(!cache_file(&h, ids::AVA).exists());
    let list = h.run(&["accounts", "--json"]).await.expect(0).json();
    assert!(list["accounts"].as_array().unwrap().is_empty());
    h.assert_no_leak(&[token]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_discord_and_without_a_cache_the_error_is_exit_5() {
    let Some(mut h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::LAYLA, &[]).await.expect(0);
    std::fs::remove_file(cache_file(&h, ids::LAYLA)).unwrap();
    h.stop_discord().await;
    let out = h.run(&["connections", "--json"]).await.expect(5);
    assert_eq!(out.json()["error"]["code"], 5);
    assert!(out.stderr.contains("Could not reach Discord"), "{out:?}");
}
