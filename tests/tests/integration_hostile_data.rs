//! The real `linkcord` binary signed in as the fixture user whose data is shaped like the
//! Discord of today rather than the spec alone, and hostile with it (Mallory): fields the spec
//! does not list, markup and `javascript:` in names, `&`, `/` and `..` in ids, an IDN domain,
//! Hebrew, Arabic and zalgo text, a display name with U+202E RIGHT-TO-LEFT OVERRIDE, unknown
//! guild features and service types, 64-bit permission strings.
//!
//! Every `--json` output must be valid JSON whose values are exactly what Discord sent (a
//! script gets the data, not a rendering of it); every text table must wrap each name from
//! Discord in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE, so an override inside a name
//! cannot reorder the rest of the line in a terminal that applies the bidi algorithm.

use linkcord_tests::cli::*;
use linkcord_tests::emulator::{FixtureUser, Fixtures, ids};
use serde_json::Value;

const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';
const RLO: char = '\u{202E}';

fn mallory() -> FixtureUser {
    Fixtures::builtin()
        .user(ids::MALLORY)
        .expect("the Mallory fixture")
        .clone()
}

/// `text` as the text tables must print it: isolated from what surrounds it.
fn isolated(text: &str) -> String {
    format!("{FSI}{text}{PDI}")
}

/// Signed in as Mallory; `None` without a Secret Service.
async fn signed_in() -> Option<Harness> {
    let h = Harness::start().await?;
    h.login_as(ids::MALLORY, &[]).await.expect(0);
    Some(h)
}

/// The `items` of a `connections`/`guilds` answer, checked to be granted.
fn items(doc: &Value) -> &Vec<Value> {
    assert_eq!(doc["status"], "granted", "{doc:#}");
    doc["items"].as_array().expect("items")
}

/// No isolate characters in JSON: they are for people reading a terminal, not for scripts.
fn assert_no_isolates(out: &Out) {
    assert!(
        !out.stdout.contains([FSI, PDI]),
        "--json must carry the values as Discord sent them: {}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_json_output_carries_hostile_values_exactly() {
    let Some(h) = signed_in().await else {
        return;
    };
    let user = mallory();
    let display = user.display_name();
    assert!(display.contains(RLO), "the fixture name carries U+202E");

    let out = h.run(&["profile", "--json"]).await.expect(0);
    assert_no_isolates(&out);
    let profile = out.json();
    assert_eq!(profile["id"], ids::MALLORY);
    assert_eq!(profile["username"], user.username);
    assert_eq!(profile["display_name"], display);
    assert_eq!(profile["email"], user.user["email"]);
    assert_eq!(
        profile["server_tag"], user.user["primary_guild"]["tag"],
        "{profile:#}"
    );

    let out = h.run(&["connections", "--json"]).await.expect(0);
    assert_no_isolates(&out);
    let connections = out.json();
    let shown = items(&connections);
    assert_eq!(shown.len(), user.connections.len(), "{connections:#}");
    for want in &user.connections {
        let got = shown
            .iter()
            .find(|c| c["id"] == want.id.as_str())
            .unwrap_or_else(|| panic!("connection {:?} missing: {connections:#}", want.id));
        assert_eq!(got["type"], want.kind.as_str(), "{got:#}");
        assert_eq!(
            got["display_name"],
            want.name.as_deref().unwrap_or(&want.id),
            "{got:#}"
        );
    }

    let out = h.run(&["guilds", "--json"]).await.expect(0);
    assert_no_isolates(&out);
    let guilds = out.json();
    let shown = items(&guilds);
    assert_eq!(shown.len(), user.guilds.len(), "{guilds:#}");
    for want in &user.guilds {
        let got = shown
            .iter()
            .find(|g| g["id"] == want.id.as_str())
            .unwrap_or_else(|| panic!("guild {} missing: {guilds:#}", want.id));
        assert_eq!(got["name"], want.name.as_str(), "{got:#}");
        let features: Vec<&str> = want.features.iter().map(String::as_str).collect();
        assert_eq!(got["features"], serde_json::json!(features), "{got:#}");
        // All 64 bits set (u64::MAX) includes ADMINISTRATOR (1 << 3).
        if want.permissions == u64::MAX.to_string() {
            assert!(want.owner || got["admin"] == true, "{got:#}");
        }
    }

    // Signing in again as her: `login --json` carries the same exact values.
    let out = h.login_as(ids::MALLORY, &["--json"]).await.expect(0);
    assert_no_isolates(&out);
    let login = out.json();
    assert_eq!(login["newAccount"], false);
    assert_eq!(login["account"]["displayName"], display);
    assert_eq!(login["account"]["username"], user.username);

    let out = h.run(&["accounts", "--json"]).await.expect(0);
    assert_no_isolates(&out);
    let accounts = out.json();
    assert_eq!(accounts["active"], ids::MALLORY);
    let account = &accounts["accounts"][0];
    assert_eq!(account["username"], user.username);
    assert_eq!(account["displayName"], display);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_tables_isolate_every_name_from_discord() {
    let Some(h) = signed_in().await else {
        return;
    };
    let user = mallory();

    let accounts = h.run(&["accounts"]).await.expect(0).stdout;
    for name in [user.username.as_str(), user.display_name()] {
        assert!(
            accounts.contains(&isolated(name)),
            "accounts: {name:?} is not isolated in {accounts:?}"
        );
    }

    let profile = h.run(&["profile"]).await.expect(0).stdout;
    let first = profile.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&isolated(user.display_name())),
        "profile: the name is not isolated: {first:?}"
    );
    let email = user.user["email"].as_str().unwrap();
    assert!(profile.contains(&isolated(email)), "profile: {profile:?}");

    let connections = h.run(&["connections"]).await.expect(0).stdout;
    for c in &user.connections {
        let name = c.name.as_deref().unwrap_or(&c.id);
        assert!(
            connections.contains(&isolated(name)),
            "connections: {name:?} is not isolated in {connections:?}"
        );
    }

    let guilds = h.run(&["guilds"]).await.expect(0).stdout;
    for g in &user.guilds {
        assert!(
            guilds.contains(&isolated(&g.name)),
            "guilds: {:?} is not isolated in {guilds:?}",
            g.name
        );
    }
}
