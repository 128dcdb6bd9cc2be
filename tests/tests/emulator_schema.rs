//! Checks every kind of JSON body the emulator's API sends against Discord's own OpenAPI
//! schemas (JSON Schema 2020-12), so the emulator cannot drift from what real clients will
//! meet. The spec is Discord's file and not in the repository: it is read from
//! `shared/discord/openapi.json` beside the checkout, and without it the test prints that it
//! skipped (docs/ARCHITECTURE.md, "Tests that read Discord's OpenAPI file").
//!
//! The only tolerated differences are the ones real Discord shows: connection types that
//! Discord's docs list but the spec's closed enum lacks (`amazon-music`, `crunchyroll`), the
//! future types the fixtures use on purpose (`holodeck`, `pixelfed`), and guild features the
//! spec's closed enum does not know yet. For those, the errors must be on `/type` or the
//! unknown `/features/N` only, and the same object without them must validate cleanly. Fields
//! the spec does not list (`metadata`, `display_name_styles`, ...) are allowed as they are by
//! the spec itself (no `additionalProperties: false`).

use std::path::PathBuf;

use jsonschema::Validator;
use linkcord_tests::emulator::{EmulatorConfig, RateLimitConfig, ids};
use linkcord_tests::emulator_client::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Connection types outside the spec enum that the emulator serves on purpose.
const TYPES_OUTSIDE_SPEC: [&str; 4] = ["amazon-music", "crunchyroll", "holodeck", "pixelfed"];

fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/discord/openapi.json")
}

fn load_spec() -> Option<Value> {
    let text = std::fs::read_to_string(spec_path()).ok()?;
    Some(serde_json::from_str(&text).expect("openapi.json is JSON"))
}

/// A validator for `#/components/schemas/{name}`, with the spec's schemas beside the ref so
/// it resolves inside the same document.
fn validator(spec: &Value, name: &str) -> Validator {
    let schema = json!({
        "$ref": format!("#/components/schemas/{name}"),
        "components": { "schemas": spec["components"]["schemas"] },
    });
    jsonschema::draft202012::new(&schema).expect("the spec schema compiles")
}

/// Every error as `path: message`.
fn errors(validator: &Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn assert_valid(validator: &Validator, instance: &Value, what: &str) {
    let found = errors(validator, instance);
    assert!(
        found.is_empty(),
        "{what} does not match the spec: {found:#?}\n{instance:#}"
    );
}

fn spec_connection_types(spec: &Value) -> Vec<String> {
    spec_enum(spec, "ConnectedAccountProviders")
}

/// The values of a closed string enum of the spec (`oneOf` of `const`s).
fn spec_enum(spec: &Value, name: &str) -> Vec<String> {
    spec["components"]["schemas"][name]["oneOf"]
        .as_array()
        .unwrap_or_else(|| panic!("the {name} enum"))
        .iter()
        .filter_map(|v| v["const"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn every_api_body_matches_discords_schemas() {
    let Some(spec) = load_spec() else {
        println!("skipped: ../shared/discord/openapi.json not found");
        return;
    };
    let h = start().await;
    check_users_and_oauth2_me(&spec, &h).await;
    check_connections(&spec, &h).await;
    check_guilds(&spec, &h).await;
    check_errors(&spec, &h).await;
    check_token_responses(&h).await;
}

async fn check_users_and_oauth2_me(spec: &Value, h: &Harness) {
    let user_schema = validator(spec, "UserPIIResponse");
    let about_schema = validator(spec, "OAuth2GetAuthorizationResponse");
    for user in h.emu.fixtures().users() {
        for scope in [
            "identify",
            "identify email",
            "identify email connections guilds",
        ] {
            let t = h.login(&user.id, scope).await;
            let me = h.api_json("/users/@me", &t.access, StatusCode::OK).await;
            assert_valid(
                &user_schema,
                &me,
                &format!("/users/@me of {} ({scope})", user.id),
            );
            assert_eq!(me.get("email").is_some(), scope.contains("email"));
            let about = h.api_json("/oauth2/@me", &t.access, StatusCode::OK).await;
            assert_valid(
                &about_schema,
                &about,
                &format!("/oauth2/@me of {}", user.id),
            );
        }
    }
}

async fn check_connections(spec: &Value, h: &Harness) {
    let schema = validator(spec, "ConnectedAccountResponse");
    let known = spec_connection_types(spec);
    let mut outside_seen = Vec::new();
    for user in h.emu.fixtures().users() {
        let t = h.login(&user.id, "connections").await;
        let list = h
            .api_json("/users/@me/connections", &t.access, StatusCode::OK)
            .await;
        for connection in list.as_array().expect("an array") {
            let kind = connection["type"].as_str().expect("a type").to_owned();
            if known.contains(&kind) {
                assert_valid(&schema, connection, &format!("{kind} connection"));
                continue;
            }
            assert!(
                TYPES_OUTSIDE_SPEC.contains(&kind.as_str()),
                "type {kind} is neither in the spec nor a documented exception"
            );
            let found = errors(&schema, connection);
            assert!(
                !found.is_empty() && found.iter().all(|e| e.starts_with("/type:")),
                "{kind}: only /type may differ from the spec, got {found:#?}"
            );
            let mut as_known = connection.clone();
            as_known["type"] = json!("github");
            assert_valid(
                &schema,
                &as_known,
                &format!("{kind} connection with a known type"),
            );
            outside_seen.push(kind);
        }
    }
    for kind in TYPES_OUTSIDE_SPEC {
        assert!(
            outside_seen.iter().any(|k| k == kind),
            "fixtures should cover {kind}"
        );
    }
}

async fn check_guilds(spec: &Value, h: &Harness) {
    let schema = validator(spec, "MyGuildResponse");
    let known = spec_enum(spec, "GuildFeatures");
    let mut unknown_seen = 0;
    for user in h.emu.fixtures().users() {
        let t = h.login(&user.id, "guilds").await;
        for query in ["", "?with_counts=true"] {
            let list = h
                .api_json(
                    &format!("/users/@me/guilds{query}"),
                    &t.access,
                    StatusCode::OK,
                )
                .await;
            for guild in list.as_array().expect("an array") {
                let what = format!("guild {} ({query})", guild["id"]);
                unknown_seen += check_unknown_features(&schema, guild, &known, &what);
                let mut as_known = guild.clone();
                as_known["features"]
                    .as_array_mut()
                    .expect("features")
                    .retain(|f| known.iter().any(|k| f == k));
                assert_valid(&schema, &as_known, &what);
                assert_eq!(
                    guild.get("approximate_member_count").is_some(),
                    !query.is_empty()
                );
            }
        }
    }
    assert!(
        unknown_seen > 0,
        "fixtures should cover an unknown guild feature"
    );
}

/// The errors of `guild` are all on features the spec does not know (Discord adds
/// features faster than the spec lists them); returns how many there were.
fn check_unknown_features(
    schema: &Validator,
    guild: &Value,
    known: &[String],
    what: &str,
) -> usize {
    let features = guild["features"].as_array().expect("features");
    let unknown: Vec<String> = features
        .iter()
        .enumerate()
        .filter(|(_, f)| !known.iter().any(|k| *f == k))
        .map(|(i, _)| format!("/features/{i}"))
        .collect();
    let found = errors(schema, guild);
    assert!(
        found.iter().all(|e| unknown
            .iter()
            .any(|path| e.starts_with(&format!("{path}:")))),
        "{what}: only unknown features may differ from the spec, got {found:#?}"
    );
    unknown.len()
}

async fn check_errors(spec: &Value, h: &Harness) {
    let error_schema = validator(spec, "ErrorResponse");
    let t = h.login(ids::AVA, "identify").await;
    let unauthorized = h
        .api_json("/users/@me", "nope", StatusCode::UNAUTHORIZED)
        .await;
    let forbidden = h
        .api_json("/users/@me/guilds", &t.access, StatusCode::FORBIDDEN)
        .await;
    let with_guilds = h.login(ids::AVA, "guilds").await;
    let bad_form = h
        .api_json(
            "/users/@me/guilds?limit=0",
            &with_guilds.access,
            StatusCode::BAD_REQUEST,
        )
        .await;
    let not_found = h
        .api_json("/nowhere", &t.access, StatusCode::NOT_FOUND)
        .await;
    for (what, body) in [
        ("401", &unauthorized),
        ("403", &forbidden),
        ("400 invalid form body", &bad_form),
        ("404", &not_found),
    ] {
        assert_valid(&error_schema, body, what);
    }
    h.control_post(
        "/_emulator/faults",
        json!({ "kind": "server_error", "route": "users/@me", "count": 1 }),
    )
    .await;
    let server = h
        .api_json("/users/@me", &t.access, StatusCode::INTERNAL_SERVER_ERROR)
        .await;
    assert_valid(&error_schema, &server, "injected 500");

    let limited_schema = validator(spec, "RatelimitedResponse");
    h.control_post(
        "/_emulator/faults",
        json!({ "kind": "rate_limit", "route": "users/@me", "count": 1, "retry_after": 0.25 }),
    )
    .await;
    let injected = h
        .api_json("/users/@me", &t.access, StatusCode::TOO_MANY_REQUESTS)
        .await;
    assert_valid(&limited_schema, &injected, "injected 429");

    let tight = start_with(EmulatorConfig {
        rate_limit: RateLimitConfig {
            limit: 1,
            window: std::time::Duration::from_secs(60),
        },
        ..EmulatorConfig::default()
    })
    .await;
    let t = tight.login(ids::AVA, "identify").await;
    tight
        .api_json("/users/@me", &t.access, StatusCode::OK)
        .await;
    let real = tight
        .api_json("/users/@me", &t.access, StatusCode::TOO_MANY_REQUESTS)
        .await;
    assert_valid(&limited_schema, &real, "limiter 429");
}

/// The spec has no token response schema; FACTS §11 gives the fields to check.
async fn check_token_responses(h: &Harness) {
    let schema = json!({
        "type": "object",
        "required": ["access_token", "token_type", "expires_in", "scope", "refresh_token"],
        "properties": {
            "access_token": { "type": "string", "minLength": 1 },
            "token_type": { "const": "Bearer" },
            "expires_in": { "type": "integer", "minimum": 1 },
            "scope": { "type": "string" },
            "refresh_token": { "type": "string", "minLength": 1 },
        },
    });
    let token_schema = jsonschema::draft202012::new(&schema).expect("compiles");
    let oauth_error_schema = jsonschema::draft202012::new(&json!({
        "type": "object",
        "required": ["error"],
        "properties": { "error": { "type": "string" }, "error_description": { "type": "string" } },
    }))
    .expect("compiles");
    let t = h.login(ids::LAYLA, "identify").await;
    assert_valid(&token_schema, &t.body, "code exchange");
    let refreshed = tokens(h.refresh(&t.refresh).await).await;
    assert_valid(&token_schema, &refreshed.body, "refresh");
    let (_, _, error) = oauth_error(h.refresh(&t.refresh).await).await;
    assert_valid(&oauth_error_schema, &error, "invalid_grant");
}
