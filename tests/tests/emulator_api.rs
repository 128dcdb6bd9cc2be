//! The emulator's REST API, CDN, rate limits, fault injection and counters, over real HTTP.

use std::time::Duration;

use linkcord_tests::emulator::{EmulatorConfig, RateLimitConfig, ids};
use linkcord_tests::emulator_client::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn scopes_gate_fields_and_endpoints() {
    let h = start().await;
    let narrow = h.login(ids::AVA, "identify").await;
    let me = h
        .api_json("/users/@me", &narrow.access, StatusCode::OK)
        .await;
    assert!(me.get("email").is_none() && me.get("verified").is_none());
    assert_eq!(me["username"], "ava.nunez");
    // premium_type reads 0 without identify.premium, a partner-only scope it refuses.
    assert_eq!(me["premium_type"], 0);
    let partner = h
        .authorize_raw(&[
            ("scope", "identify identify.premium"),
            ("redirect_uri", LOOPBACK),
            ("approve_as", ids::AVA),
        ])
        .await;
    let (_, pairs) = location_params(&partner);
    assert_eq!(param(&pairs, "error"), Some("invalid_scope"));
    for path in ["/users/@me/connections", "/users/@me/guilds"] {
        let body = h
            .api_json(path, &narrow.access, StatusCode::FORBIDDEN)
            .await;
        assert_eq!(
            body,
            json!({ "code": 50001, "message": "Missing Access" }),
            "{path}"
        );
    }

    let wide = h.login(ids::AVA, "identify email connections guilds").await;
    let me = h.api_json("/users/@me", &wide.access, StatusCode::OK).await;
    assert_eq!(me["email"], "ava.nunez@example.com");
    assert_eq!(
        me["premium_type"], 0,
        "the real value needs identify.premium"
    );
    let connections = h
        .api_json("/users/@me/connections", &wide.access, StatusCode::OK)
        .await;
    assert_eq!(connections.as_array().unwrap().len(), 12);
    h.api_json("/users/@me/guilds", &wide.access, StatusCode::OK)
        .await;

    // A token without identify cannot read /users/@me at all.
    let guilds_only = h.login(ids::AVA, "guilds").await;
    h.api_json("/users/@me", &guilds_only.access, StatusCode::UNAUTHORIZED)
        .await;
    let about = h
        .api_json("/oauth2/@me", &guilds_only.access, StatusCode::OK)
        .await;
    assert!(about.get("user").is_none());
}

#[tokio::test]
async fn missing_or_unknown_tokens_get_discords_401() {
    let h = start().await;
    let bare = h
        .http
        .get(format!("{}/users/@me", h.emu.api_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), StatusCode::UNAUTHORIZED);
    let body: Value = bare.json().await.unwrap();
    assert_eq!(body, json!({ "message": "401: Unauthorized", "code": 0 }));
    h.api_json("/users/@me", "not-a-token", StatusCode::UNAUTHORIZED)
        .await;
}

#[tokio::test]
async fn email_scope_shows_null_and_unverified_emails_as_they_are() {
    let h = start().await;
    let layla = h.login(ids::LAYLA, "identify email").await;
    let me = h
        .api_json("/users/@me", &layla.access, StatusCode::OK)
        .await;
    assert_eq!(me["email"], Value::Null);
    let hanako = h.login(ids::HANAKO, "identify email").await;
    let me = h
        .api_json("/users/@me", &hanako.access, StatusCode::OK)
        .await;
    assert_eq!(me["verified"], false);
    assert_eq!(me["avatar"], Value::Null);
}

#[tokio::test]
async fn guilds_page_by_id_and_show_counts_only_on_request() {
    let h = start().await;
    let t = h.login(ids::HANAKO, "identify guilds").await;
    let all = h
        .api_json("/users/@me/guilds", &t.access, StatusCode::OK)
        .await;
    let all = all.as_array().unwrap().clone();
    assert_eq!(all.len(), 200);
    assert!(all[0].get("approximate_member_count").is_none());
    let ids_in_order: Vec<u64> = all
        .iter()
        .map(|g| g["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(ids_in_order.windows(2).all(|w| w[0] < w[1]));

    let first = h
        .api_json("/users/@me/guilds?limit=50", &t.access, StatusCode::OK)
        .await;
    assert_eq!(first.as_array().unwrap().len(), 50);
    let last_id = first[49]["id"].as_str().unwrap();
    let next = h
        .api_json(
            &format!("/users/@me/guilds?limit=50&after={last_id}"),
            &t.access,
            StatusCode::OK,
        )
        .await;
    assert_eq!(next[0]["id"], all[50]["id"]);
    let before = h
        .api_json(
            &format!("/users/@me/guilds?limit=10&before={last_id}"),
            &t.access,
            StatusCode::OK,
        )
        .await;
    assert_eq!(before.as_array().unwrap().len(), 10);
    assert_eq!(before[9]["id"], all[48]["id"]);

    let counted = h
        .api_json(
            "/users/@me/guilds?limit=1&with_counts=true",
            &t.access,
            StatusCode::OK,
        )
        .await;
    assert!(counted[0]["approximate_member_count"].is_u64());
    assert!(counted[0]["approximate_presence_count"].is_u64());

    for bad in [
        "limit=0",
        "limit=201",
        "limit=ten",
        "after=abc",
        "with_counts=maybe",
    ] {
        let body = h
            .api_json(
                &format!("/users/@me/guilds?{bad}"),
                &t.access,
                StatusCode::BAD_REQUEST,
            )
            .await;
        assert_eq!(body["code"], 50035, "{bad}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .starts_with("Invalid Form Body"),
            "{bad}"
        );
    }

    let none = h.login(ids::LAYLA, "guilds").await;
    let empty = h
        .api_json("/users/@me/guilds", &none.access, StatusCode::OK)
        .await;
    assert_eq!(empty, json!([]));
}

#[tokio::test]
async fn connections_keep_unknown_types_and_flags() {
    let h = start().await;
    let t = h.login(ids::DMITRI, "connections").await;
    let list = h
        .api_json("/users/@me/connections", &t.access, StatusCode::OK)
        .await;
    let types: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    for expected in ["holodeck", "amazon-music", "crunchyroll"] {
        assert!(types.contains(&expected), "{expected}");
    }
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|c| c["revoked"] == true)
    );
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|c| c["visibility"] == 0)
    );
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|c| c["verified"] == false)
    );
}

#[tokio::test]
async fn oauth2_me_describes_the_authorization() {
    let h = start().await;
    let t = h.login(ids::OLD_GUARD, "identify connections").await;
    let about = h.api_json("/oauth2/@me", &t.access, StatusCode::OK).await;
    assert_eq!(about["application"]["id"], h.emu.client_id());
    assert_eq!(about["scopes"], json!(["identify", "connections"]));
    assert!(about["expires"].as_str().unwrap().contains('T'));
    assert_eq!(about["user"]["discriminator"], "1234");
    assert_eq!(about["user"]["global_name"], Value::Null);
}

#[tokio::test]
async fn every_api_answer_has_rate_limit_headers_and_limits_are_enforced() {
    let config = EmulatorConfig {
        rate_limit: RateLimitConfig {
            limit: 2,
            window: Duration::from_secs(60),
        },
        ..EmulatorConfig::default()
    };
    let h = start_with(config).await;
    let t = h.login(ids::AVA, "identify guilds").await;
    let first = h.api("/users/@me", &t.access).await;
    for name in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "x-ratelimit-reset-after",
        "x-ratelimit-bucket",
    ] {
        assert!(first.headers().contains_key(name), "{name}");
    }
    assert_eq!(first.headers()["x-ratelimit-limit"], "2");
    assert_eq!(first.headers()["x-ratelimit-remaining"], "1");
    let second = h.api("/users/@me", &t.access).await;
    assert_eq!(second.headers()["x-ratelimit-remaining"], "0");
    let third = h.api("/users/@me", &t.access).await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(third.headers().contains_key("retry-after"));
    assert_eq!(third.headers()["x-ratelimit-scope"], "user");
    let body: Value = third.json().await.unwrap();
    assert_eq!(body["global"], false);
    assert!(body["retry_after"].as_f64().unwrap() > 0.0);
    assert!(body["message"].is_string() && body["code"].is_i64());

    // Buckets are per route: guilds is still open.
    let guilds = h.api("/users/@me/guilds", &t.access).await;
    assert_eq!(guilds.status(), StatusCode::OK);
    let first_bucket = first.headers()["x-ratelimit-bucket"].clone();
    assert_ne!(guilds.headers()["x-ratelimit-bucket"], first_bucket);

    // After the window (moved by the emulator clock) the bucket refills.
    h.control_post("/_emulator/clock/advance", json!({ "seconds": 60 }))
        .await;
    assert_eq!(
        h.api("/users/@me", &t.access).await.status(),
        StatusCode::OK
    );
    assert_eq!(h.stats().await["rate_limited"], 1);
}

#[tokio::test]
async fn injected_rate_limits_server_errors_and_html() {
    let h = start().await;
    let t = h.login(ids::AVA, "identify connections").await;
    let added = h
        .control_post(
            "/_emulator/faults",
            json!([
                { "kind": "rate_limit", "route": "users/@me/connections", "count": 2, "retry_after": 2.5, "global": true },
                { "kind": "server_error", "route": "users/@me", "count": 1, "status": 503 },
            ]),
        )
        .await;
    assert_eq!(added.as_array().unwrap().len(), 2);
    assert_eq!(
        h.control_get("/_emulator/faults")
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );

    for _ in 0..2 {
        let limited = h.api("/users/@me/connections", &t.access).await;
        assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(limited.headers()["retry-after"], "3");
        assert_eq!(limited.headers()["x-ratelimit-global"], "true");
        let body: Value = limited.json().await.unwrap();
        assert_eq!(body["retry_after"], 2.5);
        assert_eq!(body["global"], true);
    }
    assert_eq!(
        h.api("/users/@me/connections", &t.access).await.status(),
        StatusCode::OK
    );

    let failed = h.api("/users/@me", &t.access).await;
    assert_eq!(failed.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = failed.json().await.unwrap();
    assert_eq!(body["code"], 0);
    assert_eq!(
        h.api("/users/@me", &t.access).await.status(),
        StatusCode::OK
    );

    h.control_post(
        "/_emulator/faults",
        json!({ "kind": "html", "route": "users/@me" }),
    )
    .await;
    for _ in 0..2 {
        let page = h.api("/users/@me", &t.access).await;
        assert_eq!(page.status(), StatusCode::BAD_GATEWAY);
        assert!(
            page.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
    }
    let cleared = h
        .http
        .delete(h.url("/_emulator/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), StatusCode::OK);
    assert_eq!(
        h.api("/users/@me", &t.access).await.status(),
        StatusCode::OK
    );
    assert!(h.stats().await["faults_applied"].as_u64().unwrap() >= 5);
}

#[tokio::test]
async fn injected_broken_bodies_and_hangs() {
    let h = start().await;
    let t = h.login(ids::HANAKO, "identify guilds").await;
    let full = h
        .api("/users/@me/guilds", &t.access)
        .await
        .bytes()
        .await
        .unwrap();

    h.control_post(
        "/_emulator/faults",
        json!({ "kind": "truncate", "route": "users/@me/guilds", "count": 1 }),
    )
    .await;
    let cut = h
        .api("/users/@me/guilds", &t.access)
        .await
        .bytes()
        .await
        .unwrap();
    assert!(cut.len() < full.len());
    assert!(serde_json::from_slice::<Value>(&cut).is_err());

    h.control_post(
        "/_emulator/faults",
        json!({ "kind": "short_body", "route": "users/@me/guilds", "count": 1 }),
    )
    .await;
    let short = h.api("/users/@me/guilds", &t.access).await;
    assert_eq!(
        short.content_length(),
        Some(full.len() as u64),
        "declares the full length"
    );
    assert!(short.bytes().await.is_err(), "but the body ends early");

    h.control_post(
        "/_emulator/faults",
        json!({ "kind": "oversize", "route": "users/@me", "count": 1, "bytes": 3_000_000 }),
    )
    .await;
    let big = h.api("/users/@me", &t.access).await.bytes().await.unwrap();
    assert_eq!(big.len(), 3_000_000);
    assert!(serde_json::from_slice::<Value>(&big).is_ok());

    h.control_post(
        "/_emulator/faults",
        json!({ "kind": "latency", "ms": 20, "count": 1 }),
    )
    .await;
    assert_eq!(
        h.api("/users/@me", &t.access).await.status(),
        StatusCode::OK
    );

    h.control_post(
        "/_emulator/faults",
        json!({ "kind": "hang", "route": "users/@me", "count": 1 }),
    )
    .await;
    let hung = h
        .http
        .get(format!("{}/users/@me", h.emu.api_url()))
        .bearer_auth(&t.access)
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(hung.is_err_and(|e| e.is_timeout()));
    // Control endpoints are never faulted, and the hang was used up.
    assert_eq!(
        h.api("/users/@me", &t.access).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn stats_count_routes_and_reset() {
    let h = start().await;
    let t = h.login(ids::AVA, "identify").await;
    h.api("/users/@me", &t.access).await;
    h.api("/users/@me", &t.access).await;
    let _ = h.refresh(&t.refresh).await;
    let stats = h.stats().await;
    assert_eq!(stats["requests"]["users/@me"], 2);
    assert_eq!(stats["requests"]["oauth2/token"], 2);
    assert_eq!(stats["requests"]["oauth2/authorize"], 1);
    assert_eq!(stats["code_exchanges"], 1);
    assert_eq!(stats["refreshes"], 1);
    assert_eq!(stats["revocations"], 0);
    assert!(stats["requests"].get("_emulator/stats").is_none());

    h.control_post("/_emulator/stats/reset", json!({})).await;
    let stats = h.stats().await;
    assert_eq!(stats["code_exchanges"], 0);
    assert_eq!(stats["requests"], json!({}));

    let users = h.control_get("/_emulator/users").await;
    let users = users.as_array().unwrap();
    assert!(users.len() >= 3);
    assert!(
        users
            .iter()
            .all(|u| u["id"].is_string() && u["username"].is_string())
    );
    assert!(
        users
            .iter()
            .any(|u| u["id"] == ids::HANAKO && u["guild_count"] == 200)
    );
}

#[tokio::test]
async fn cdn_serves_real_images_per_hash_and_size() {
    let h = start().await;
    let ava = h.emu.fixtures().user(ids::AVA).unwrap().clone();
    let cdn = h.emu.cdn_url();
    let avatar = ava.avatar().unwrap();
    let fetch = |url: String| {
        let http = h.http.clone();
        async move { http.get(url).send().await.unwrap() }
    };

    let png = fetch(format!("{cdn}/avatars/{}/{avatar}.png?size=64", ava.id)).await;
    assert_eq!(png.status(), StatusCode::OK);
    assert_eq!(png.headers()["content-type"], "image/png");
    let png = png.bytes().await.unwrap();
    let decoded = image::load_from_memory(&png).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (64, 64));

    let banner = fetch(format!(
        "{cdn}/banners/{}/{}.png?size=64",
        ava.id,
        ava.banner().unwrap()
    ))
    .await
    .bytes()
    .await
    .unwrap();
    assert_ne!(banner, png, "different hashes look different");

    for (ext, mime) in [("webp", "image/webp"), ("jpg", "image/jpeg")] {
        let r = fetch(format!("{cdn}/avatars/{}/{avatar}.{ext}?size=32", ava.id)).await;
        assert_eq!(r.headers()["content-type"], mime, "{ext}");
        let decoded = image::load_from_memory(&r.bytes().await.unwrap()).unwrap();
        assert_eq!(decoded.width(), 32, "{ext}");
    }
    let still = fetch(format!("{cdn}/avatars/{}/{avatar}.gif?size=32", ava.id)).await;
    assert_eq!(still.headers()["content-type"], "image/gif");
    assert_eq!(gif_frames(&still.bytes().await.unwrap()), 1);

    let huge = fetch(format!("{cdn}/avatars/{}/{avatar}.png?size=4096", ava.id)).await;
    let huge = image::load_from_memory(&huge.bytes().await.unwrap()).unwrap();
    assert_eq!(huge.width(), 1024, "clamped to the original upload size");

    let bad_size = fetch(format!("{cdn}/avatars/{}/{avatar}.png?size=100", ava.id)).await;
    assert_eq!(bad_size.status(), StatusCode::BAD_REQUEST);
    let wrong_hash = fetch(format!("{cdn}/avatars/{}/{}.png", ava.id, "0".repeat(32))).await;
    assert_eq!(wrong_hash.status(), StatusCode::NOT_FOUND);

    let dmitri = h.emu.fixtures().user(ids::DMITRI).unwrap();
    let animated = dmitri.avatar().unwrap();
    assert!(animated.starts_with("a_"));
    let gif = fetch(format!(
        "{cdn}/avatars/{}/{animated}.gif?size=32",
        dmitri.id
    ))
    .await
    .bytes()
    .await
    .unwrap();
    assert!(gif_frames(&gif) > 1, "an a_ hash animates");

    let default = fetch(format!("{cdn}/embed/avatars/4.png?size=16")).await;
    assert_eq!(default.status(), StatusCode::OK);
    assert_eq!(
        fetch(format!("{cdn}/embed/avatars/6.png")).await.status(),
        StatusCode::NOT_FOUND
    );

    let icon = fetch(format!(
        "{cdn}/icons/1101000000000000003/{}.gif",
        h.emu
            .fixtures()
            .guild_images("1101000000000000003")
            .unwrap()
            .0
            .as_deref()
            .unwrap()
    ))
    .await;
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(h.stats().await["requests"]["cdn/avatars"], 8);
}

/// How many frames a GIF has (decoding each, so a broken file fails the test).
fn gif_frames(bytes: &[u8]) -> usize {
    let mut decoder = gif::DecodeOptions::new().read_info(bytes).unwrap();
    let mut frames = 0;
    while decoder.read_next_frame().unwrap().is_some() {
        frames += 1;
    }
    frames
}

#[tokio::test]
async fn shutdown_releases_hung_requests_and_bad_configs_fail_early() {
    let h = start().await;
    let t = h.login(ids::AVA, "identify").await;
    h.control_post("/_emulator/faults", json!({ "kind": "hang" }))
        .await;
    let url = format!("{}/users/@me", h.emu.api_url());
    let hung = tokio::spawn(h.http.get(url).bearer_auth(t.access).send());
    // Wait until the request has reached the emulator (it is counted before it hangs).
    for _ in 0..500 {
        if h.stats().await["requests"]["users/@me"] == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    h.emu.shutdown().await.expect("clean shutdown");
    let released = hung.await.unwrap().expect("an answer at shutdown");
    assert_eq!(released.status(), StatusCode::SERVICE_UNAVAILABLE);

    let no_redirects = EmulatorConfig {
        redirect_uris: vec![],
        ..EmulatorConfig::default()
    };
    assert!(
        linkcord_tests::emulator::Emulator::start(no_redirects)
            .await
            .is_err()
    );
}
