//! Cross-checks of the models against Discord's own OpenAPI description.
//!
//! The spec is Discord's file, not the project's, so it is not in the repository: `spec()`
//! reads it from `shared/discord/openapi.json` in the folder that holds the checkout. Without
//! it each test prints "skipped: …" and passes, so a fresh clone's run is unaffected (see
//! docs/ARCHITECTURE.md, "Tests that read Discord's OpenAPI file").

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::{Authorization, Connection, ConnectionType, Guild, User};

fn spec() -> Option<Value> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/discord/openapi.json");
    match std::fs::read(&path) {
        Ok(bytes) => Some(serde_json::from_slice(&bytes).expect("openapi.json is JSON")),
        Err(_) => {
            eprintln!(
                "skipped: Discord's OpenAPI spec not found at {}",
                path.display()
            );
            None
        }
    }
}

fn schema<'a>(spec: &'a Value, name: &str) -> &'a Value {
    &spec["components"]["schemas"][name]
}

fn properties(spec: &Value, name: &str) -> BTreeSet<String> {
    schema(spec, name)["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{name} has properties"))
        .keys()
        .cloned()
        .collect()
}

/// The keys a model writes, from a minimal instance (absent options are written as null).
fn keys_of<T: DeserializeOwned + Serialize>(minimal: Value) -> BTreeSet<String> {
    let model: T = serde_json::from_value(minimal).unwrap();
    let value = serde_json::to_value(model).unwrap();
    value.as_object().unwrap().keys().cloned().collect()
}

/// Every field the spec defines is modelled, except the ones left out on purpose.
fn assert_covers(spec: &Value, schema_name: &str, model: BTreeSet<String>, ignored: &[&str]) {
    let missing: Vec<String> = properties(spec, schema_name)
        .into_iter()
        .filter(|p| !model.contains(p) && !ignored.contains(&p.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{schema_name}: not modelled: {missing:?}"
    );
}

#[test]
fn models_cover_the_spec_fields() {
    let Some(spec) = spec() else { return };
    let user = keys_of::<User>(json!({"id": "1", "username": "a"}));
    // `collectibles` (nameplates) is not shown by Linkcord.
    assert_covers(&spec, "UserPIIResponse", user, &["collectibles"]);
    let connection = keys_of::<Connection>(json!({"id": "1", "type": "github"}));
    // `integrations` ties a connection to servers; Linkcord shows accounts only.
    assert_covers(
        &spec,
        "ConnectedAccountResponse",
        connection,
        &["integrations"],
    );
    let guild = keys_of::<Guild>(json!({"id": "1", "name": "g"}));
    assert_covers(&spec, "MyGuildResponse", guild, &[]);
    let auth =
        keys_of::<Authorization>(json!({"application": {"id": "1"}, "scopes": [], "expires": "x"}));
    assert_covers(&spec, "OAuth2GetAuthorizationResponse", auth, &[]);
}

#[test]
fn every_provider_in_the_spec_is_in_the_catalogue() {
    let Some(spec) = spec() else { return };
    let providers = schema(&spec, "ConnectedAccountProviders")["oneOf"]
        .as_array()
        .expect("providers are a oneOf list");
    assert!(providers.len() > 10);
    for provider in providers {
        let key = provider["const"].as_str().unwrap();
        assert!(
            matches!(ConnectionType::parse(key), ConnectionType::Known(_)),
            "{key} is not in the catalogue"
        );
    }
}
