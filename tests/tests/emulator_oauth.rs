//! The emulator's OAuth2 side over real HTTP: the PKCE code flow, the consent page, and each
//! rule Discord enforces (redirects, PKCE, codes, refresh rotation, revoke, client auth).

use linkcord_tests::emulator::{EmulatorConfig, challenge_for, ids, new_verifier};
use linkcord_tests::emulator_client::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn full_pkce_flow_as_a_public_client() {
    let h = start().await;
    let (code, verifier) = h.code_for(ids::AVA, "identify email", LOOPBACK).await;
    let response = h.exchange(&code, LOOPBACK, &verifier).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let t = tokens(response).await;
    assert_eq!(t.body["token_type"], "Bearer");
    assert_eq!(t.body["expires_in"], 604_800);
    assert_eq!(t.body["scope"], "identify email");
    assert_ne!(t.access, t.refresh);
    assert!(t.access.len() >= 20 && t.access.chars().all(|c| c.is_ascii_alphanumeric()));

    let me = h.api_json("/users/@me", &t.access, StatusCode::OK).await;
    assert_eq!(me["id"], ids::AVA);
    assert_eq!(me["email"], "ava.nunez@example.com");
    assert_eq!(me["verified"], true);

    let stats = h.stats().await;
    assert_eq!(stats["code_exchanges"], 1);
    assert_eq!(stats["authorizations"], 1);
    assert_eq!(stats["requests"]["oauth2/token"], 1);
    assert_eq!(stats["requests"]["users/@me"], 1);
}

#[tokio::test]
async fn consent_page_has_a_button_per_user_and_a_cancel_button() {
    let h = start().await;
    let page = h
        .authorize_raw(&[
            ("scope", "identify"),
            ("redirect_uri", LOOPBACK),
            ("state", "st"),
        ])
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    for user in h.emu.fixtures().users() {
        assert!(
            html.contains(&format!("id=\"authorize-{}\"", user.id)),
            "{}",
            user.id
        );
    }
    assert!(html.contains("id=\"cancel\""));

    // Clicking a button posts the carried parameters back.
    let approve = h
        .post_form(
            "/oauth2/authorize",
            &[
                ("client_id", h.emu.client_id()),
                ("response_type", "code"),
                ("scope", "identify"),
                ("redirect_uri", LOOPBACK),
                ("state", "st"),
                ("approve_as", ids::LAYLA),
            ],
        )
        .await;
    assert_eq!(approve.status(), StatusCode::FOUND);
    let (location, pairs) = location_params(&approve);
    assert!(location.starts_with(LOOPBACK));
    assert!(param(&pairs, "code").is_some());
    assert_eq!(param(&pairs, "state"), Some("st"));

    let cancel = h
        .post_form(
            "/oauth2/authorize",
            &[
                ("client_id", h.emu.client_id()),
                ("response_type", "code"),
                ("scope", "identify"),
                ("redirect_uri", LOOPBACK),
                ("state", "st"),
                ("cancel", "1"),
            ],
        )
        .await;
    assert_eq!(cancel.status(), StatusCode::FOUND);
    let (_, pairs) = location_params(&cancel);
    assert_eq!(param(&pairs, "error"), Some("access_denied"));
    assert!(param(&pairs, "error_description").is_some());
    assert_eq!(param(&pairs, "state"), Some("st"));
    assert!(param(&pairs, "code").is_none());
    assert_eq!(h.stats().await["denials"], 1);
}

#[tokio::test]
async fn pkce_verifier_must_be_present_well_formed_and_right() {
    let h = start().await;
    let (code, verifier) = h.code_for(ids::AVA, "identify", LOOPBACK).await;
    let base = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", LOOPBACK),
        ("client_id", h.emu.client_id()),
    ];
    let (status, error, body) = oauth_error(h.token(&base).await).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    assert_eq!(body["error_description"], "Missing \"code_verifier\"");

    let mut short = base.to_vec();
    short.push(("code_verifier", "too-short"));
    let (_, error, _) = oauth_error(h.token(&short).await).await;
    assert_eq!(error, "invalid_request");

    let other = new_verifier();
    let mut wrong = base.to_vec();
    wrong.push(("code_verifier", other.as_str()));
    let (status, error, _) = oauth_error(h.token(&wrong).await).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );

    // The challenge itself is not the verifier.
    let challenge = challenge_for(&verifier);
    let mut sent_challenge = base.to_vec();
    sent_challenge.push(("code_verifier", challenge.as_str()));
    let (_, error, _) = oauth_error(h.token(&sent_challenge).await).await;
    assert_eq!(error, "invalid_grant");

    // Failed attempts do not spend the code.
    let ok = h.exchange(&code, LOOPBACK, &verifier).await;
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn codes_are_single_use() {
    let h = start().await;
    let (code, verifier) = h.code_for(ids::DMITRI, "identify", LOOPBACK).await;
    assert_eq!(
        h.exchange(&code, LOOPBACK, &verifier).await.status(),
        StatusCode::OK
    );
    let (status, error, _) = oauth_error(h.exchange(&code, LOOPBACK, &verifier).await).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    assert_eq!(h.stats().await["code_exchanges"], 1);
}

#[tokio::test]
async fn codes_expire() {
    let h = start().await;
    let (code, verifier) = h.code_for(ids::DMITRI, "identify", LOOPBACK).await;
    h.control_post("/_emulator/clock/advance", json!({ "seconds": 61 }))
        .await;
    let (_, error, _) = oauth_error(h.exchange(&code, LOOPBACK, &verifier).await).await;
    assert_eq!(error, "invalid_grant");
}

#[tokio::test]
async fn redirect_uris_must_be_registered_and_repeated_exactly() {
    let h = start().await;
    for bad in [
        "http://127.0.0.1:49821/callback/",
        "http://localhost:49821/callback",
        "http://127.0.0.1:53135/other",
        "https://evil.example/callback",
    ] {
        let response = h
            .authorize_raw(&[
                ("scope", "identify"),
                ("redirect_uri", bad),
                ("approve_as", ids::AVA),
            ])
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(response.headers().get("location").is_none(), "{bad}");
    }
    // The fixed-port registration matches only its own port.
    let fixed = h
        .authorize_raw(&[
            ("scope", "identify"),
            ("redirect_uri", "http://127.0.0.1:53134/callback"),
            ("code_challenge", &challenge_for(&new_verifier())),
            ("code_challenge_method", "S256"),
            ("approve_as", ids::AVA),
        ])
        .await;
    assert_eq!(fixed.status(), StatusCode::FOUND);

    let (code, verifier) = h.code_for(ids::AVA, "identify", LOOPBACK).await;
    let other_port = "http://127.0.0.1:49822/callback";
    let (_, error, body) = oauth_error(h.exchange(&code, other_port, &verifier).await).await;
    assert_eq!(error, "invalid_grant");
    assert_eq!(
        body["error_description"],
        "Invalid \"redirect_uri\" in request."
    );
}

#[tokio::test]
async fn custom_scheme_redirect_needs_pkce() {
    let h = start().await;
    let custom = format!("discord-{}:/authorize/callback", h.emu.client_id());
    let without = h
        .authorize_raw(&[
            ("scope", "identify"),
            ("redirect_uri", &custom),
            ("approve_as", ids::AVA),
        ])
        .await;
    assert_eq!(without.status(), StatusCode::BAD_REQUEST);
    assert!(without.headers().get("location").is_none());

    let (code, verifier) = h.code_for(ids::AVA, "identify", &custom).await;
    assert_eq!(
        h.exchange(&code, &custom, &verifier).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn bad_authorize_parameters_come_back_as_redirect_errors() {
    let h = start().await;
    let cases: [(&[(&str, &str)], &str); 3] = [
        (&[("scope", "identify bogus.scope")], "invalid_scope"),
        (
            &[
                ("scope", "identify"),
                ("code_challenge", "x"),
                ("code_challenge_method", "plain"),
            ],
            "invalid_request",
        ),
        (&[("scope", "")], "invalid_scope"),
    ];
    for (extra, expected) in cases {
        let mut query = vec![
            ("redirect_uri", LOOPBACK),
            ("state", "keep-me"),
            ("approve_as", ids::AVA),
        ];
        query.extend_from_slice(extra);
        let response = h.authorize_raw(&query).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{extra:?}");
        let (_, pairs) = location_params(&response);
        assert_eq!(param(&pairs, "error"), Some(expected), "{extra:?}");
        assert_eq!(param(&pairs, "state"), Some("keep-me"));
    }
}

#[tokio::test]
async fn unregistered_client_is_refused_everywhere() {
    let h = start().await;
    let page = h
        .http
        .get(h.url("/oauth2/authorize"))
        .query(&[
            ("client_id", "999999999999999999"),
            ("response_type", "code"),
            ("scope", "identify"),
            ("redirect_uri", LOOPBACK),
            ("approve_as", ids::AVA),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    assert!(page.headers().get("location").is_none());

    let (code, verifier) = h.code_for(ids::AVA, "identify", LOOPBACK).await;
    let response = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", LOOPBACK),
            ("code_verifier", &verifier),
            ("client_id", "999999999999999999"),
        ])
        .await;
    let (status, error, _) = oauth_error(response).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::UNAUTHORIZED, "invalid_client")
    );
}

#[tokio::test]
async fn token_endpoint_takes_forms_only() {
    let h = start().await;
    let (code, verifier) = h.code_for(ids::AVA, "identify", LOOPBACK).await;
    let response = h
        .http
        .post(h.url("/api/oauth2/token"))
        .json(&json!({
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": LOOPBACK,
            "code_verifier": verifier,
            "client_id": h.emu.client_id(),
        }))
        .send()
        .await
        .unwrap();
    let (status, error, _) = oauth_error(response).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );

    let get = h.http.get(h.url("/api/oauth2/token")).send().await.unwrap();
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);

    let unknown_grant = h
        .token(&[("grant_type", "password"), ("client_id", h.emu.client_id())])
        .await;
    assert_eq!(oauth_error(unknown_grant).await.1, "unsupported_grant_type");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_are_single_use() {
    let h = start().await;
    let first = h.login(ids::HANAKO, "identify guilds").await;
    let second = tokens(h.refresh(&first.refresh).await).await;
    assert_ne!(second.access, first.access);
    assert_ne!(second.refresh, first.refresh);
    assert_eq!(second.body["scope"], "identify guilds");
    assert_eq!(second.body["token_type"], "Bearer");

    let (status, error, body) = oauth_error(h.refresh(&first.refresh).await).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    assert_eq!(
        body["error_description"],
        "Invalid \"refresh_token\" in request"
    );

    let third = h.refresh(&second.refresh).await;
    assert_eq!(third.status(), StatusCode::OK);
    h.api_json("/users/@me", &tokens(third).await.access, StatusCode::OK)
        .await;
    assert_eq!(h.stats().await["refreshes"], 2);
}

#[tokio::test]
async fn revoke_ends_the_whole_grant() {
    let h = start().await;
    let first = h.login(ids::AVA, "identify connections").await;
    let second = tokens(h.refresh(&first.refresh).await).await;
    let other_grant = h.login(ids::AVA, "identify").await;
    h.api_json("/users/@me", &first.access, StatusCode::OK)
        .await;

    let bad_hint = h
        .post_form(
            "/api/oauth2/token/revoke",
            &[
                ("token", &second.access),
                ("token_type_hint", "id_token"),
                ("client_id", h.emu.client_id()),
            ],
        )
        .await;
    assert_eq!(oauth_error(bad_hint).await.1, "unsupported_token_type");
    let missing = h
        .post_form(
            "/api/oauth2/token/revoke",
            &[
                ("access_token", &second.access),
                ("client_id", h.emu.client_id()),
            ],
        )
        .await;
    assert_eq!(oauth_error(missing).await.1, "invalid_request");

    let revoked = h
        .post_form(
            "/api/oauth2/token/revoke",
            &[
                ("token", &second.access),
                ("token_type_hint", "access_token"),
                ("client_id", h.emu.client_id()),
            ],
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(
        revoked.json::<serde_json::Value>().await.unwrap(),
        json!({})
    );

    for access in [&first.access, &second.access] {
        let body = h
            .api_json("/users/@me", access, StatusCode::UNAUTHORIZED)
            .await;
        assert_eq!(body, json!({ "message": "401: Unauthorized", "code": 0 }));
    }
    assert_eq!(
        oauth_error(h.refresh(&second.refresh).await).await.1,
        "invalid_grant"
    );
    // Another authorization of the same user is untouched.
    h.api_json("/users/@me", &other_grant.access, StatusCode::OK)
        .await;

    let stats = h.stats().await;
    assert_eq!(stats["revocations"], 1);
    assert_eq!(h.control_get("/_emulator/grants").await["active"], 1);
}

#[tokio::test]
async fn access_tokens_expire_and_refresh_still_works() {
    let config = EmulatorConfig {
        token_ttl: std::time::Duration::from_secs(30),
        ..EmulatorConfig::default()
    };
    let h = start_with(config).await;
    let t = h.login(ids::OLD_GUARD, "identify").await;
    assert_eq!(t.body["expires_in"], 30);
    h.control_post("/_emulator/clock/advance", json!({ "seconds": 31 }))
        .await;
    h.api_json("/users/@me", &t.access, StatusCode::UNAUTHORIZED)
        .await;
    let renewed = tokens(h.refresh(&t.refresh).await).await;
    h.api_json("/users/@me", &renewed.access, StatusCode::OK)
        .await;

    let expired = h
        .control_post(
            "/_emulator/expire-tokens",
            json!({ "user_id": ids::OLD_GUARD }),
        )
        .await;
    assert_eq!(expired["expired"], 1);
    h.api_json("/users/@me", &renewed.access, StatusCode::UNAUTHORIZED)
        .await;
}

#[tokio::test]
async fn confidential_client_needs_its_secret() {
    let h = start_with(EmulatorConfig::default().with_secret("s3cr3t")).await;
    let id = h.emu.client_id().to_owned();
    let exchange = |code: String, verifier: String| {
        vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code),
            ("redirect_uri", LOOPBACK.to_owned()),
            ("code_verifier", verifier),
        ]
    };
    let (code, verifier) = h.code_for(ids::AVA, "identify", LOOPBACK).await;
    let mut form = exchange(code.clone(), verifier.clone());
    form.push(("client_id", id.clone()));
    let (status, error, _) = oauth_error(
        h.http
            .post(h.url("/api/oauth2/token"))
            .form(&form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::UNAUTHORIZED, "invalid_client")
    );

    let wrong = h
        .http
        .post(h.url("/api/oauth2/token"))
        .basic_auth(&id, Some("nope"))
        .form(&exchange(code.clone(), verifier.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(oauth_error(wrong).await.0, StatusCode::UNAUTHORIZED);

    let basic = h
        .http
        .post(h.url("/api/oauth2/token"))
        .basic_auth(&id, Some("s3cr3t"))
        .form(&exchange(code, verifier))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::OK);

    // Form credentials work too, and with a secret PKCE is optional on loopback.
    let plain = h
        .authorize_raw(&[
            ("scope", "identify"),
            ("redirect_uri", LOOPBACK),
            ("approve_as", ids::AVA),
        ])
        .await;
    let (_, pairs) = location_params(&plain);
    let code = param(&pairs, "code").unwrap().to_owned();
    let posted = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", LOOPBACK),
            ("client_id", &id),
            ("client_secret", "s3cr3t"),
        ])
        .await;
    assert_eq!(posted.status(), StatusCode::OK);
    let t = tokens(posted).await;
    let refresh_without_secret = h.refresh(&t.refresh).await;
    assert_eq!(
        oauth_error(refresh_without_secret).await.1,
        "invalid_client"
    );
}

#[tokio::test]
async fn public_client_rejects_secrets_and_codes_without_pkce() {
    let h = start().await;
    let (code, verifier) = h.code_for(ids::AVA, "identify", LOOPBACK).await;
    let with_secret = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", LOOPBACK),
            ("code_verifier", &verifier),
            ("client_id", h.emu.client_id()),
            ("client_secret", "guess"),
        ])
        .await;
    assert_eq!(oauth_error(with_secret).await.0, StatusCode::UNAUTHORIZED);

    let plain = h
        .authorize_raw(&[
            ("scope", "identify"),
            ("redirect_uri", LOOPBACK),
            ("approve_as", ids::AVA),
        ])
        .await;
    let (_, pairs) = location_params(&plain);
    let code = param(&pairs, "code").unwrap().to_owned();
    let response = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", LOOPBACK),
            ("client_id", h.emu.client_id()),
        ])
        .await;
    assert_eq!(oauth_error(response).await.1, "invalid_client");
}
