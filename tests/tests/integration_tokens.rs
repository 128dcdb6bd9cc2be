//! `linkcord token` and refreshing: rotation on expiry, one refresh for many processes at
//! once, and refreshes that fail part-way.

use linkcord_tests::cli::*;
use linkcord_tests::emulator::ids;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_refreshed_with_rotation() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    let first = h.token(None).await;
    assert_eq!(
        h.token(None).await,
        first,
        "a valid token is handed out as it is"
    );
    assert_eq!(h.stats().await["refreshes"], 0);

    h.expire_locally(ids::AVA).await;
    assert_eq!(h.me_status(&first).await, 401);
    let second = h.token(None).await;
    assert_ne!(second, first);
    assert_eq!(h.me_status(&second).await, 200);
    assert_eq!(h.stats().await["refreshes"], 1);
    assert_eq!(h.token(Some("ava.nunez")).await, second);
    assert_eq!(h.stats().await["refreshes"], 1, "no second refresh");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_token_processes_at_once_refresh_exactly_once() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    h.expire_locally(ids::AVA).await;
    let mut children: Vec<_> = (0..16)
        .map(|_| h.command(&["token"], &[]).spawn().expect("spawn token"))
        .collect();
    let mut tokens = Vec::new();
    for child in children.drain(..) {
        let out = child.wait_with_output().await.unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        tokens.push(String::from_utf8_lossy(&out.stdout).trim().to_owned());
    }
    assert!(tokens.iter().all(|t| t == &tokens[0]), "{tokens:?}");
    assert_eq!(h.me_status(&tokens[0]).await, 200);
    assert_eq!(h.stats().await["refreshes"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_refused_by_a_server_error_loses_nothing() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    h.expire_locally(ids::AVA).await;
    h.fault(json!({"kind": "server_error", "route": "oauth2/token", "status": 503}))
        .await;
    let out = h.run(&["token"]).await.expect(5);
    assert!(out.stdout.is_empty(), "no token on a failure: {out:?}");
    assert!(out.stderr.contains("try again"), "{out:?}");
    h.clear_faults().await;
    let token = h.token(None).await;
    assert_eq!(h.me_status(&token).await, 200);
    assert_eq!(h.stats().await["refreshes"], 1);
}

/// The reply to a refresh is cut off after Discord rotated the pair: the new pair is lost and
/// the old refresh token is spent, exactly as with Discord. The account must stay listed,
/// marked as needing sign-in, and a new sign-in must bring it back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_cut_off_mid_reply_keeps_the_account_for_a_new_sign_in() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    h.expire_locally(ids::AVA).await;
    h.fault(json!({"kind": "short_body", "route": "oauth2/token", "count": 1}))
        .await;
    let out = h.run(&["token"]).await;
    assert_eq!(out.code, 5, "{out:?}");
    h.clear_faults().await;
    let out = h.run(&["token"]).await.expect(3);
    assert!(
        out.stderr.contains("linkcord login"),
        "says what to do: {out:?}"
    );
    let list = h.run(&["accounts", "--json"]).await.expect(0).json();
    assert_eq!(list["accounts"][0]["id"], ids::AVA, "not deleted");
    assert_eq!(list["accounts"][0]["status"], "needs-sign-in");
    assert!(h.keychain_has(ids::AVA));

    h.login_as(ids::AVA, &[]).await.expect(0);
    let list = h.run(&["accounts", "--json"]).await.expect(0).json();
    assert_eq!(list["accounts"][0]["status"], "ok");
    let token = h.token(None).await;
    assert_eq!(h.me_status(&token).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_commands_recover_from_a_401_with_one_refresh() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    // Discord expired the token although the keychain still thinks it is good.
    h.expire_tokens().await;
    let profile = h.run(&["profile", "--json"]).await.expect(0).json();
    assert_eq!(profile["id"], ids::AVA);
    assert_eq!(h.stats().await["refreshes"], 1);
    h.run(&["guilds"]).await.expect(0);
    assert_eq!(h.stats().await["refreshes"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_account_is_exit_3() {
    let Some(h) = Harness::start().await else {
        return;
    };
    for args in [&["token"][..], &["profile"], &["logout"], &["switch", "x"]] {
        let out = h.run(args).await.expect(3);
        assert!(out.stderr.contains("linkcord"), "{args:?}: {out:?}");
    }
    let out = h.run(&["guilds", "--json"]).await.expect(3);
    assert_eq!(out.json()["error"]["code"], 3);
    let out = h.run(&["token", "--account", "ghost"]).await.expect(3);
    assert!(out.stderr.contains("ghost"), "{out:?}");
}
