//! The client against a local test server that misbehaves in every way Discord (or whatever
//! sits between Linkcord and Discord) might.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;
use tokio::sync::Barrier;

use super::*;
use crate::discord::test_server::{Reply, TestServer};
use crate::discord::{ConnectionType, KnownService};

const TOKEN: &str = "tok-abcdefghijklmnopqrstuvwxyz0123456789";

fn token() -> AccessToken {
    AccessToken::new(TOKEN.to_owned())
}

fn client(server: &TestServer) -> DiscordClient {
    client_with(server, ClientOptions::default())
}

fn client_with(server: &TestServer, options: ClientOptions) -> DiscordClient {
    DiscordClient::with_options(&server.endpoints, options).unwrap()
}

fn user_json() -> serde_json::Value {
    json!({"id": "80351110224678912", "username": "nelly", "global_name": null,
           "discriminator": "0", "avatar": null, "public_flags": 0, "flags": 0,
           "mfa_enabled": false, "locale": "en-US"})
}

/// Serves `reply()` on every request.
async fn always(reply: impl Fn() -> Reply + Send + Sync + 'static) -> TestServer {
    TestServer::start(move |_| {
        let r = reply();
        async move { r }
    })
    .await
}

/// Asserts that an error never shows the token, in its message or its debug form.
fn assert_no_token(error: &DiscordError) {
    assert!(!error.to_string().contains(TOKEN), "{error}");
    assert!(!format!("{error:?}").contains(TOKEN), "{error:?}");
}

async fn bad_response(reply: impl Fn() -> Reply + Send + Sync + 'static) -> String {
    let server = always(reply).await;
    match client(&server).current_user(&token()).await {
        Err(DiscordError::BadResponse(reason)) => reason,
        other => panic!("expected BadResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn sends_what_discord_requires_and_reads_the_user() {
    let server = always(|| Reply::json(200, user_json())).await;
    let user = client(&server).current_user(&token()).await.unwrap();
    assert_eq!(user.username, "nelly");
    let seen = &server.seen()[0];
    assert_eq!(seen.target, "/api/v10/users/@me");
    assert_eq!(
        seen.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(seen.header("accept"), Some("application/json"));
    let agent = seen.header("user-agent").unwrap();
    assert!(
        agent.starts_with("DiscordBot (https://github.com/linkcord/linkcord, "),
        "{agent}"
    );
    assert!(
        agent.ends_with(&format!(") Linkcord/{}", env!("CARGO_PKG_VERSION"))),
        "{agent}"
    );
}

#[tokio::test]
async fn guilds_ask_for_counts_and_a_full_page() {
    let server = always(|| {
        Reply::json(
            200,
            json!([{"id": "1", "name": "g", "icon": null, "banner": null, "owner": true,
            "permissions": "8", "features": ["NEW_THING"], "approximate_member_count": 5}]),
        )
    })
    .await;
    let guilds = client(&server).guilds(&token()).await.unwrap();
    assert_eq!(guilds[0].approximate_member_count, Some(5));
    let target = &server.seen()[0].target;
    assert!(target.starts_with("/api/v10/users/@me/guilds?"), "{target}");
    assert!(
        target.contains("with_counts=true") && target.contains("limit=200"),
        "{target}"
    );
}

#[tokio::test]
async fn unknown_connection_types_and_extra_fields_are_accepted() {
    let server = always(|| {
        Reply::json(200, json!([
            {"id": "1", "name": "a", "type": "github", "verified": true, "friend_sync": false,
             "show_activity": true, "two_way_link": false, "visibility": 1},
            {"id": "2", "name": null, "type": "holo-deck", "verified": true, "friend_sync": false,
             "show_activity": true, "two_way_link": false, "visibility": 5, "shiny_new": {"x": 1}}
        ]))
    })
    .await;
    let list = client(&server).connections(&token()).await.unwrap();
    assert_eq!(list[0].kind, ConnectionType::Known(KnownService::GitHub));
    assert_eq!(list[1].kind, ConnectionType::Unknown("holo-deck".into()));
    assert_eq!(server.seen()[0].target, "/api/v10/users/@me/connections");
}

#[tokio::test]
async fn null_connections_mean_none() {
    let server = always(|| Reply::raw(200, "application/json", "null")).await;
    assert!(
        client(&server)
            .connections(&token())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn reads_the_authorization() {
    let server = always(|| {
        Reply::json(
            200,
            json!({"application": {"id": "1", "name": "Linkcord"},
            "scopes": ["identify", "connections"], "expires": "2030-01-01T00:00:00+00:00"}),
        )
    })
    .await;
    let auth = client(&server).authorization(&token()).await.unwrap();
    assert!(auth.has_scope("connections"));
    assert_eq!(server.seen()[0].target, "/api/v10/oauth2/@me");
}

#[tokio::test]
async fn malformed_truncated_and_mistyped_json_are_bad_responses() {
    let reason = bad_response(|| Reply::raw(200, "application/json", "{not json")).await;
    assert!(reason.contains("not valid JSON"), "{reason}");
    let reason = bad_response(|| Reply::raw(200, "application/json", r#"{"id": "1", "user"#)).await;
    assert!(reason.contains("ended too early"), "{reason}");
    let reason = bad_response(|| Reply::json(200, json!({"id": "1"}))).await;
    assert_eq!(reason, "missing field `username`");
    let reason = bad_response(|| Reply::json(200, json!({"id": 5, "username": "x"}))).await;
    assert!(reason.contains("wrong type"), "{reason}");
    let reason = bad_response(|| {
        Reply::json(
            200,
            json!({"id": "1", "username": "x", "accent_color": "red"}),
        )
    })
    .await;
    assert!(reason.contains("wrong type"), "{reason}");
    let reason = bad_response(|| Reply::json(200, json!([1, 2]))).await;
    assert!(reason.contains("wrong type"), "{reason}");
}

#[tokio::test]
async fn a_body_cut_off_mid_way_is_a_bad_response() {
    let reason = bad_response(|| Reply::Truncated {
        claimed: 500,
        body: br#"{"id": "1", "username": "#.to_vec(),
    })
    .await;
    assert!(reason.contains("cut off"), "{reason}");
}

#[tokio::test]
async fn html_instead_of_json_is_a_bad_response_that_does_not_echo_the_page() {
    let page = "<html><body>Sorry, you have been blocked by a proxy page</body></html>";
    let reason = bad_response(move || Reply::raw(200, "text/html; charset=UTF-8", page)).await;
    assert!(reason.contains("web page"), "{reason}");
    assert!(!reason.contains("blocked"), "{reason}");
}

#[tokio::test]
async fn a_short_429_is_waited_out_once_and_then_succeeds() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let server = TestServer::start(move |_| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            if n == 0 {
                Reply::json(429, json!({"message": "You are being rate limited.", "retry_after": 0.02, "global": false}))
                    .with_header("retry-after", "1")
            } else {
                Reply::json(200, user_json())
            }
        }
    })
    .await;
    let user = client(&server).current_user(&token()).await.unwrap();
    assert_eq!(user.username, "nelly");
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn a_long_429_is_surfaced_and_later_calls_do_not_go_out() {
    let server = always(|| {
        Reply::json(
            429,
            json!({"message": "You are being rate limited.", "retry_after": 41.2, "global": true}),
        )
    })
    .await;
    let client = client(&server);
    let err = client.current_user(&token()).await.unwrap_err();
    assert_eq!(
        err,
        DiscordError::RateLimited {
            retry_after: Duration::from_secs_f64(41.2),
            global: true
        }
    );
    assert!(err.to_string().contains("try again in 42 s"), "{err}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs_f64(41.2)));
    // The global limit covers every route of this token; nothing else is sent.
    let err = client.guilds(&token()).await.unwrap_err();
    assert!(
        matches!(err, DiscordError::RateLimited { global: true, .. }),
        "{err:?}"
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_429_storm_gets_at_most_one_retry_per_request() {
    let server = always(|| {
        Reply::json(
            429,
            json!({"message": "slow", "retry_after": 0.001, "global": false}),
        )
    })
    .await;
    let client = client(&server);
    let err = client.current_user(&token()).await.unwrap_err();
    assert!(
        matches!(err, DiscordError::RateLimited { global: false, .. }),
        "{err:?}"
    );
    assert_eq!(server.hits(), 2);
    // A whole snapshot in the storm: three requests, each tried at most twice.
    assert!(client.snapshot(&token()).await.is_err());
    assert!(server.hits() <= 2 + 3 * 2, "{}", server.hits());
}

#[tokio::test]
async fn a_429_without_json_uses_the_retry_after_header() {
    let server = always(|| {
        Reply::raw(429, "text/html", "<html>slow down</html>").with_header("retry-after", "30")
    })
    .await;
    let err = client(&server).current_user(&token()).await.unwrap_err();
    assert_eq!(
        err,
        DiscordError::RateLimited {
            retry_after: Duration::from_secs(30),
            global: false
        }
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn an_empty_bucket_is_respected_before_the_next_call() {
    // Long reset: the next call on the route is refused without a request.
    let server = always(|| {
        Reply::json(200, user_json())
            .with_header("x-ratelimit-remaining", "0")
            .with_header("x-ratelimit-reset-after", "60")
            .with_header("x-ratelimit-bucket", "me")
    })
    .await;
    let client = client(&server);
    client.current_user(&token()).await.unwrap();
    let err = client.current_user(&token()).await.unwrap_err();
    assert!(
        matches!(err, DiscordError::RateLimited { global: false, .. }),
        "{err:?}"
    );
    assert_eq!(server.hits(), 1);
    // Another token has its own limits.
    client
        .current_user(&AccessToken::new("other".into()))
        .await
        .unwrap();
    assert_eq!(server.hits(), 2);

    // Short reset: the next call waits, then goes out.
    let server = always(|| {
        Reply::json(200, user_json())
            .with_header("x-ratelimit-remaining", "0")
            .with_header("x-ratelimit-reset-after", "0.01")
    })
    .await;
    let client = super::DiscordClient::new(&server.endpoints).unwrap();
    client.current_user(&token()).await.unwrap();
    client.current_user(&token()).await.unwrap();
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn server_errors_are_reported_as_such() {
    for status in [500, 502, 503] {
        let server = always(move || Reply::raw(status, "text/html", "<html>oops</html>")).await;
        let err = client(&server).current_user(&token()).await.unwrap_err();
        assert_eq!(err, DiscordError::Server { status });
        assert!(err.to_string().contains(&status.to_string()));
    }
}

#[tokio::test]
async fn other_refusals_carry_discords_message() {
    let server =
        always(|| Reply::json(404, json!({"message": "Unknown User", "code": 10013}))).await;
    let err = client(&server).current_user(&token()).await.unwrap_err();
    assert_eq!(
        err,
        DiscordError::Api {
            status: 404,
            message: "Unknown User (code 10013)".into()
        }
    );
    let server =
        always(|| Reply::json(403, json!({"message": "Missing Access", "code": 50001}))).await;
    let err = client(&server).connections(&token()).await.unwrap_err();
    assert_eq!(
        err,
        DiscordError::Forbidden {
            message: "Missing Access (code 50001)".into()
        }
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = always(|| Reply::Hang).await;
    let options = ClientOptions {
        timeout: Duration::from_millis(200),
        ..ClientOptions::default()
    };
    let err = client_with(&server, options)
        .current_user(&token())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        DiscordError::Timeout {
            after: Duration::from_millis(200)
        }
    );
    assert!(
        err.to_string().contains("did not answer within 200 ms"),
        "{err}"
    );
}

#[tokio::test]
async fn a_reply_that_stalls_mid_body_times_out() {
    let server = always(|| Reply::StallMidBody).await;
    let options = ClientOptions {
        timeout: Duration::from_millis(200),
        ..ClientOptions::default()
    };
    let err = client_with(&server, options)
        .current_user(&token())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        DiscordError::Timeout {
            after: Duration::from_millis(200)
        }
    );
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let elsewhere = always(|| Reply::json(200, user_json())).await;
    let target = elsewhere.endpoints.api_url("users/@me").to_string();
    let server =
        always(move || Reply::raw(302, "text/plain", "").with_header("location", &target)).await;
    let err = client(&server).current_user(&token()).await.unwrap_err();
    assert!(
        matches!(err, DiscordError::Api { status: 302, .. }),
        "{err:?}"
    );
    assert_eq!(elsewhere.hits(), 0);
}

#[tokio::test]
async fn oversized_bodies_are_refused_while_streaming() {
    let options = ClientOptions {
        max_body_bytes: 64 * 1024,
        ..ClientOptions::default()
    };
    // Announced too large: refused before reading.
    let big = "x".repeat(100 * 1024);
    let server = always(move || Reply::raw(200, "application/json", big.clone())).await;
    let err = client_with(&server, options.clone())
        .current_user(&token())
        .await
        .unwrap_err();
    assert_eq!(err, DiscordError::TooLarge { limit: 64 * 1024 });
    // No length announced, and it never ends: refused once past the cap.
    let server = always(|| Reply::Endless).await;
    let err = client_with(&server, options)
        .current_user(&token())
        .await
        .unwrap_err();
    assert_eq!(err, DiscordError::TooLarge { limit: 64 * 1024 });
}

#[tokio::test]
async fn after_a_401_the_token_is_never_sent_again() {
    let server = TestServer::start(|seen| async move {
        if seen.header("authorization") == Some(&format!("Bearer {TOKEN}")) {
            Reply::json(401, json!({"message": "401: Unauthorized", "code": 0}))
        } else {
            Reply::json(200, user_json())
        }
    })
    .await;
    let client = client(&server);
    assert_eq!(
        client.current_user(&token()).await.unwrap_err(),
        DiscordError::Unauthorized
    );
    assert!(client.is_rejected(&token()));
    assert_eq!(
        client.guilds(&token()).await.unwrap_err(),
        DiscordError::Unauthorized
    );
    assert_eq!(
        client.snapshot(&token()).await.unwrap_err(),
        DiscordError::Unauthorized
    );
    // A clone shares what was learnt.
    assert_eq!(
        client.clone().authorization(&token()).await.unwrap_err(),
        DiscordError::Unauthorized
    );
    assert_eq!(server.hits(), 1);
    // Another token (say, after a refresh) is used normally.
    let fresh = AccessToken::new("fresh-token".into());
    assert!(!client.is_rejected(&fresh));
    client.current_user(&fresh).await.unwrap();
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn an_unreachable_server_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let endpoints = Endpoints::new(&base, &base).unwrap();
    let err = DiscordClient::new(&endpoints)
        .unwrap()
        .current_user(&token())
        .await
        .unwrap_err();
    assert!(matches!(err, DiscordError::Network(_)), "{err:?}");
    assert_no_token(&err);
}

#[tokio::test]
async fn errors_never_show_the_token() {
    // A proxy that echoes the request's token back in its error message.
    let server = always(|| {
        Reply::json(
            400,
            json!({"message": format!("bad token {TOKEN}"), "code": 0}),
        )
    })
    .await;
    let err = client(&server).current_user(&token()).await.unwrap_err();
    assert_no_token(&err);
    assert!(err.to_string().contains("[token]"), "{err}");
    let server =
        always(|| Reply::raw(200, "application/json", format!("{{\"id\": \"{TOKEN}\""))).await;
    let err = client(&server).current_user(&token()).await.unwrap_err();
    assert_no_token(&err);
    let client = client(&server);
    assert!(!format!("{client:?}").contains(TOKEN));
}

#[tokio::test]
async fn snapshot_sends_its_three_requests_at_once() {
    // No request is answered until all three have arrived; if the client sent them one after
    // another, the first would wait in vain and the test would fail (not hang).
    let barrier = Arc::new(Barrier::new(3));
    let server = TestServer::start(move |seen| {
        let barrier = barrier.clone();
        async move {
            if tokio::time::timeout(Duration::from_secs(10), barrier.wait())
                .await
                .is_err()
            {
                return Reply::json(500, json!({"message": "requests were not concurrent"}));
            }
            if seen.target.starts_with("/api/v10/users/@me/connections") {
                Reply::json(200, json!([]))
            } else if seen.target.starts_with("/api/v10/users/@me/guilds") {
                Reply::json(200, json!([{"id": "1", "name": "g"}]))
            } else {
                Reply::json(200, user_json())
            }
        }
    })
    .await;
    let snapshot = client(&server).snapshot(&token()).await.unwrap();
    assert_eq!(snapshot.user.username, "nelly");
    assert_eq!(snapshot.connections, Section::Granted { items: vec![] });
    assert_eq!(snapshot.guilds.items().len(), 1);
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn snapshot_tells_a_missing_scope_from_an_empty_list() {
    let server = TestServer::start(|seen| async move {
        if seen.target.starts_with("/api/v10/users/@me/connections") {
            Reply::json(403, json!({"message": "Missing Access", "code": 50001}))
        } else if seen.target.starts_with("/api/v10/users/@me/guilds") {
            Reply::json(200, json!([]))
        } else {
            Reply::json(200, user_json())
        }
    })
    .await;
    let snapshot = client(&server).snapshot(&token()).await.unwrap();
    assert_eq!(snapshot.connections, Section::NotGranted);
    assert_eq!(snapshot.guilds, Section::Granted { items: vec![] });
}

#[tokio::test]
async fn snapshot_fails_as_a_whole_on_other_errors() {
    let server = TestServer::start(|seen| async move {
        if seen.target.starts_with("/api/v10/users/@me/guilds") {
            Reply::raw(502, "text/html", "bad gateway")
        } else {
            Reply::json(200, json!([]))
        }
    })
    .await;
    let err = client(&server).snapshot(&token()).await.unwrap_err();
    // Either the guilds' 502 or the user's wrong shape ([] is not a user) comes first.
    assert!(
        matches!(
            err,
            DiscordError::Server { status: 502 } | DiscordError::BadResponse(_)
        ),
        "{err:?}"
    );
}

#[test]
fn the_client_and_its_futures_can_cross_threads() {
    // Tauri commands run on a multi-threaded runtime: everything here must be `Send`.
    fn assert_send_sync<T: Send + Sync>() {}
    fn assert_send<T: Send>(_: &T) {}
    assert_send_sync::<DiscordClient>();
    let client = DiscordClient::new(&Endpoints::default()).unwrap();
    let token = token();
    assert_send(&client.snapshot(&token));
    assert_send(&client.authorization(&token));
}
