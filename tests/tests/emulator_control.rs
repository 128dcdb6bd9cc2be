//! The control endpoints that change a fixture user while the emulator runs: what a test
//! changes there is what the REST API answers next, over real HTTP.

use linkcord_tests::emulator::ids;
use linkcord_tests::emulator_client::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const ALL: &str = "identify email connections guilds";

/// Sends a control request and returns its status and JSON body.
async fn control(
    h: &Harness,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = h.http.request(method, h.url(path));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("control request");
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

fn connection(kind: &str, id: &str) -> Value {
    json!({
        "id": id, "name": "new-link", "type": kind, "verified": true, "friend_sync": false,
        "show_activity": true, "two_way_link": false, "visibility": 1
    })
}

async fn find_connection(h: &Harness, token: &str, kind: &str, id: &str) -> Option<Value> {
    let list = h
        .api_json("/users/@me/connections", token, StatusCode::OK)
        .await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == kind && c["id"] == id)
        .cloned()
}

#[tokio::test]
async fn connections_are_added_changed_and_removed_as_the_api_then_shows() {
    let h = start().await;
    let ava = h.login(ids::AVA, ALL).await;
    let path = format!("/_emulator/users/{}/connections", ids::AVA);

    let (status, added) = control(&h, Method::POST, &path, Some(connection("tiktok", "77"))).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let seen = find_connection(&h, &ava.access, "tiktok", "77").await;
    assert_eq!(seen.unwrap()["name"], "new-link");
    let (status, _) = control(&h, Method::POST, &path, Some(connection("tiktok", "77"))).await;
    assert_eq!(status, StatusCode::CONFLICT, "the same link twice");

    let one = format!("{path}/github/4810245");
    let (status, patched) = control(
        &h,
        Method::PATCH,
        &one,
        Some(json!({"revoked": true, "visibility": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    let seen = find_connection(&h, &ava.access, "github", "4810245")
        .await
        .unwrap();
    assert_eq!(
        (seen["revoked"].clone(), seen["visibility"].clone()),
        (json!(true), json!(0))
    );
    assert_eq!(seen["name"], patched["name"], "fields not named stay");

    let (status, _) = control(&h, Method::DELETE, &one, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        find_connection(&h, &ava.access, "github", "4810245")
            .await
            .is_none()
    );
    let (status, _) = control(&h, Method::DELETE, &one, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "already gone");
}

#[tokio::test]
async fn a_connection_id_with_a_slash_is_reached_percent_encoded() {
    let h = start().await;
    let mallory = h.login(ids::MALLORY, ALL).await;
    // Mallory's GitHub link has the id `a&b/../c`.
    let path = format!(
        "/_emulator/users/{}/connections/github/a%26b%2F..%2Fc",
        ids::MALLORY
    );
    let (status, body) = control(&h, Method::PATCH, &path, Some(json!({"verified": false}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let seen = find_connection(&h, &mallory.access, "github", "a&b/../c")
        .await
        .unwrap();
    assert_eq!(seen["verified"], false);
}

#[tokio::test]
async fn guilds_are_joined_handed_over_and_left() {
    let h = start().await;
    let layla = h.login(ids::LAYLA, ALL).await;
    let path = format!("/_emulator/users/{}/guilds", ids::LAYLA);
    let guild = json!({
        "id": "1300000000000000001", "name": "New server", "icon": null, "banner": null,
        "owner": false, "permissions": "0", "features": [],
        "approximate_member_count": 5, "approximate_presence_count": 1
    });
    let (status, body) = control(&h, Method::POST, &path, Some(guild.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let guilds = h
        .api_json("/users/@me/guilds", &layla.access, StatusCode::OK)
        .await;
    assert_eq!(guilds[0]["name"], "New server");
    let (status, _) = control(&h, Method::POST, &path, Some(guild)).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let one = format!("{path}/1300000000000000001");
    let (status, _) = control(&h, Method::PATCH, &one, Some(json!({"owner": true}))).await;
    assert_eq!(status, StatusCode::OK);
    let guilds = h
        .api_json("/users/@me/guilds", &layla.access, StatusCode::OK)
        .await;
    assert_eq!(guilds[0]["owner"], true);

    let (status, _) = control(&h, Method::DELETE, &one, None).await;
    assert_eq!(status, StatusCode::OK);
    let guilds = h
        .api_json("/users/@me/guilds", &layla.access, StatusCode::OK)
        .await;
    assert_eq!(guilds, json!([]));
}

#[tokio::test]
async fn user_fields_change_and_the_new_avatar_is_served() {
    let h = start().await;
    let ava = h.login(ids::AVA, ALL).await;
    let avatar = "0123456789abcdef0123456789abcdef";
    let path = format!("/_emulator/users/{}", ids::AVA);
    let change = json!({
        "username": "ava.renamed", "global_name": "Ava R.", "avatar": avatar,
        "email": "ava.new@example.com"
    });
    let (status, body) = control(&h, Method::PATCH, &path, Some(change)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let me = h.api_json("/users/@me", &ava.access, StatusCode::OK).await;
    assert_eq!(
        (
            &me["username"],
            &me["global_name"],
            &me["avatar"],
            &me["email"]
        ),
        (
            &json!("ava.renamed"),
            &json!("Ava R."),
            &json!(avatar),
            &json!("ava.new@example.com")
        )
    );
    let cdn = h
        .http
        .get(h.url(&format!("/cdn/avatars/{}/{avatar}.png", ids::AVA)))
        .send()
        .await
        .unwrap();
    assert_eq!(cdn.status(), StatusCode::OK, "the CDN knows the new hash");
    assert_eq!(
        h.emu.current_fixtures().user(ids::AVA).unwrap().username,
        "ava.renamed"
    );
    assert_eq!(
        h.emu.fixtures().user(ids::AVA).unwrap().username,
        "ava.nunez",
        "the start set stays"
    );
}

#[tokio::test]
async fn bad_requests_are_refused_and_change_nothing() {
    let h = start().await;
    let cases = [
        (
            Method::PATCH,
            "/_emulator/users/1".to_owned(),
            Some(json!({"username": "x"})),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::PATCH,
            format!("/_emulator/users/{}", ids::AVA),
            Some(json!({"id": "5"})),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::PATCH,
            format!("/_emulator/users/{}", ids::AVA),
            Some(json!({"username": 5})),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::PATCH,
            format!("/_emulator/users/{}", ids::AVA),
            Some(json!([1])),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::PATCH,
            format!("/_emulator/users/{}/connections/github/4810245", ids::AVA),
            Some(json!({"verified": "yes"})),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::PATCH,
            format!("/_emulator/users/{}/connections/github/4810245", ids::AVA),
            Some(json!({"type": "steam"})),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::PATCH,
            format!("/_emulator/users/{}/connections/github/nope", ids::AVA),
            Some(json!({"revoked": true})),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            format!("/_emulator/users/{}/connections", ids::AVA),
            Some(json!({"id": "1"})),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            format!("/_emulator/users/{}/guilds", ids::AVA),
            Some(
                json!({"id": "x", "name": "n", "icon": null, "banner": null, "owner": false, "permissions": "0", "features": []}),
            ),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::DELETE,
            format!("/_emulator/users/{}/guilds/1", ids::AVA),
            None,
            StatusCode::NOT_FOUND,
        ),
    ];
    for (method, path, body, expected) in cases {
        let (status, reply) = control(&h, method.clone(), &path, body).await;
        assert_eq!(status, expected, "{method} {path}: {reply}");
        assert!(
            reply["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{reply}"
        );
    }
    let ava = &h.emu.current_fixtures().user(ids::AVA).unwrap().clone();
    assert_eq!(
        ava,
        h.emu.fixtures().user(ids::AVA).unwrap(),
        "nothing changed"
    );
}
