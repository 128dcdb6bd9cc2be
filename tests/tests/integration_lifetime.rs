//! A token lifetime Discord should never send (`expires_in` near `u64::MAX`) must not crash a
//! refresh: by the time the answer is read Discord has already rotated the refresh token, so
//! a crash then would lose the account.

use linkcord_tests::cli::*;
use linkcord_tests::emulator::ids;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_absurd_lifetime_in_a_refresh_keeps_the_rotated_tokens() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    h.expire_locally(ids::AVA).await;
    h.fault(
        json!({"kind": "expires_in", "route": "oauth2/token", "seconds": u64::MAX, "count": 1}),
    )
    .await;

    let out = h.run(&["token"]).await;
    assert_eq!(out.code, 0, "{:?}", out.stderr);
    let token = out.stdout.trim().to_owned();
    assert_eq!(h.stats().await["refreshes"], 1);
    assert_eq!(h.me_status(&token).await, 200);

    // The new pair was kept: the next run needs no refresh and gets the same token.
    assert_eq!(h.token(None).await, token);
    assert_eq!(h.stats().await["refreshes"], 1);
    h.run(&["profile"]).await.expect(0);
}
