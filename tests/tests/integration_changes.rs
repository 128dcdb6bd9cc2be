//! `linkcord refresh` and `linkcord changes`: the real binary against the emulator under the
//! real Secret Service. Every kind of change is made through the emulator's control endpoints,
//! then checked in the history file (content, mode 0600, no token) and in the CLI's JSON.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;

use linkcord_tests::cli::{Harness, Out};
use linkcord_tests::emulator::ids;
use reqwest::Method;
use serde_json::{Value, json};

const AVA_FIRST_GUILD: &str = "1101000000000000001";
const AVA_SECOND_GUILD: &str = "1101000000000000002";

async fn change(h: &Harness, method: Method, path: &str, body: Option<Value>) {
    h.control(method, &format!("users/{path}"), body).await;
}

fn kinds(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|c| c["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn changes_json(h: &Harness, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["changes", "--json"];
    args.extend_from_slice(extra);
    let out = h.run(&args).await.expect(0);
    out.json()["changes"].as_array().unwrap().clone()
}

fn history_file(h: &Harness, account: &str) -> Value {
    let path = h.data_file(&format!("changes/{account}.json"));
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{}", path.display());
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

/// Every kind the emulator can cause on one account, in two rounds.
#[tokio::test]
async fn every_kind_of_change_is_recorded_and_listed_newest_first() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    // The sign-in's snapshot is the baseline: nothing to report yet.
    assert_eq!(changes_json(&h, &[]).await, Vec::<Value>::new());
    assert_eq!(history_file(&h, ids::AVA)["changes"], json!([]));

    let ava = ids::AVA;
    change(
        &h,
        Method::PATCH,
        ava,
        Some(json!({
            "username": "ava.renamed", "global_name": "Ava Renamed",
            "avatar": "0123456789abcdef0123456789abcdef", "email": "ava.new@example.com"
        })),
    )
    .await;
    let tiktok = json!({"id": "77", "name": "ava-tok", "type": "tiktok", "verified": true,
        "friend_sync": false, "show_activity": true, "two_way_link": false, "visibility": 1});
    change(
        &h,
        Method::POST,
        &format!("{ava}/connections"),
        Some(tiktok),
    )
    .await;
    change(
        &h,
        Method::PATCH,
        &format!("{ava}/connections/github/4810245"),
        Some(json!({"revoked": true})),
    )
    .await;
    change(
        &h,
        Method::PATCH,
        &format!("{ava}/connections/twitch/512340987"),
        Some(json!({"verified": false})),
    )
    .await;
    change(
        &h,
        Method::PATCH,
        &format!("{ava}/connections/youtube/UCq3Xk9v2Lr8Tn0PzW5yA7bQ"),
        Some(json!({"visibility": 0})),
    )
    .await;
    change(
        &h,
        Method::DELETE,
        &format!("{ava}/connections/steam/76561198012345678"),
        None,
    )
    .await;
    let guild = json!({"id": "1300000000000000001", "name": "Fresh server", "icon": null,
        "banner": null, "owner": false, "permissions": "0", "features": []});
    change(&h, Method::POST, &format!("{ava}/guilds"), Some(guild)).await;
    change(
        &h,
        Method::DELETE,
        &format!("{ava}/guilds/{AVA_FIRST_GUILD}"),
        None,
    )
    .await;
    let owner_before = h.emu.as_ref().unwrap().fixtures().user(ava).unwrap().guilds[1].owner;
    change(
        &h,
        Method::PATCH,
        &format!("{ava}/guilds/{AVA_SECOND_GUILD}"),
        Some(json!({"owner": !owner_before})),
    )
    .await;

    let out = h.run(&["refresh"]).await.expect(0);
    assert!(out.stdout.contains("12 changes"), "{out:?}");
    let first = changes_json(&h, &[]).await;
    let expected: BTreeSet<&str> = [
        "username_changed",
        "display_name_changed",
        "avatar_changed",
        "email_changed",
        "connection_added",
        "connection_revoked",
        "connection_unverified",
        "connection_visibility_changed",
        "connection_removed",
        "guild_joined",
        "guild_left",
        if owner_before {
            "guild_ownership_lost"
        } else {
            "guild_ownership_gained"
        },
    ]
    .into();
    let seen: Vec<String> = kinds(&first);
    assert_eq!(
        seen.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        expected,
        "{first:#?}"
    );
    assert_eq!(seen.len(), expected.len(), "each once");
    for c in &first {
        assert_eq!(c["account"], ava);
        assert!(time_of(c).is_some(), "{c}");
    }
    let revoked = first
        .iter()
        .find(|c| c["kind"] == "connection_revoked")
        .unwrap();
    assert_eq!(
        revoked["subject"],
        json!({"type": "github", "id": "4810245", "name": revoked["subject"]["name"]})
    );
    let renamed = first
        .iter()
        .find(|c| c["kind"] == "username_changed")
        .unwrap();
    assert_eq!(
        renamed["subject"],
        json!({"from": "ava.nunez", "to": "ava.renamed"})
    );
    let left = first.iter().find(|c| c["kind"] == "guild_left").unwrap();
    assert_eq!(left["subject"]["id"], AVA_FIRST_GUILD);

    // Nothing changed: a refresh records nothing.
    let out = h.run(&["refresh", "--account", ava]).await.expect(0);
    assert!(out.stdout.contains("no changes"), "{out:?}");
    let between = time::OffsetDateTime::now_utc();

    change(
        &h,
        Method::PATCH,
        &format!("{ava}/connections/github/4810245"),
        Some(json!({"revoked": false})),
    )
    .await;
    change(
        &h,
        Method::PATCH,
        &format!("{ava}/connections/twitch/512340987"),
        Some(json!({"verified": true})),
    )
    .await;
    change(
        &h,
        Method::PATCH,
        &format!("{ava}/guilds/{AVA_SECOND_GUILD}"),
        Some(json!({"owner": owner_before})),
    )
    .await;
    h.run(&["refresh"]).await.expect(0);
    let all = changes_json(&h, &[]).await;
    let second: BTreeSet<String> = kinds(&all[..3]).into_iter().collect();
    let owner_back = if owner_before {
        "guild_ownership_gained"
    } else {
        "guild_ownership_lost"
    };
    assert_eq!(
        second,
        ["connection_restored", "connection_verified", owner_back]
            .map(String::from)
            .into()
    );
    assert_eq!(all.len(), 15);
    assert!(
        all.windows(2).all(|w| time_of(&w[0]) >= time_of(&w[1])),
        "newest first"
    );

    // --since keeps the second round only, in both of its forms.
    let since = between
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    assert_eq!(changes_json(&h, &["--since", &since]).await.len(), 3);
    assert_eq!(
        changes_json(&h, &["--since", "1h", "--account", ava])
            .await
            .len(),
        15
    );
    let bad = h.run(&["changes", "--since", "yesterday"]).await;
    assert_eq!(bad.code, 2, "{bad:?}");

    // The file says the same as the JSON, and holds no token.
    let file = history_file(&h, ava);
    assert_eq!(file["changes"].as_array().unwrap(), &all);
    h.assert_no_leak(&h.keychain_tokens());

    // People get lines that fit a terminal.
    let human = h.run(&["changes", "--color", "never"]).await.expect(0);
    assert_eq!(human.stdout.lines().count(), 15, "{human:?}");
    assert!(human.stdout.contains("revoked by the service"), "{human:?}");
    for line in human.stdout.lines() {
        let columns = line
            .chars()
            .filter(|c| !matches!(c, '\u{2068}' | '\u{2069}'))
            .count();
        assert!(columns <= 80, "{columns}: {line}");
    }
}

fn time_of(change: &Value) -> Option<time::OffsetDateTime> {
    let text = change["at"].as_str()?;
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// Ends every grant of the token's authorization at the emulator, as "Deauthorize" in
/// Discord's settings would.
async fn revoke_at_discord(h: &Harness, token: &str) {
    let client_id = h.emu.as_ref().unwrap().client_id().to_owned();
    let reply = h
        .http()
        .post(format!("{}/api/oauth2/token/revoke", h.base))
        .form(&[("token", token), ("client_id", client_id.as_str())])
        .send()
        .await
        .unwrap();
    assert!(reply.status().is_success(), "{}", reply.status());
}

#[tokio::test]
async fn refresh_all_records_needs_sign_in_once_and_the_recovery_after_login() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    h.login_as(ids::DMITRI, &[]).await.expect(0);
    let token = h.token(Some(ids::DMITRI)).await;
    revoke_at_discord(&h, &token).await;

    let out: Out = h.run(&["refresh", "--all"]).await;
    assert_eq!(out.code, 3, "Dmitri needs sign-in: {out:?}");
    assert!(
        out.stdout.contains("ava.nunez"),
        "Ava was still refreshed: {out:?}"
    );
    let dmitri = changes_json(&h, &["--account", ids::DMITRI]).await;
    assert_eq!(kinds(&dmitri), ["needs_sign_in"]);
    assert_eq!(dmitri[0]["subject"], json!({}));
    assert_eq!(
        changes_json(&h, &["--account", ids::AVA]).await,
        Vec::<Value>::new()
    );

    // Still signed out: not recorded twice.
    assert_eq!(h.run(&["refresh", "--all"]).await.code, 3);
    assert_eq!(
        kinds(&changes_json(&h, &["--account", ids::DMITRI]).await),
        ["needs_sign_in"]
    );
    assert_eq!(history_file(&h, ids::DMITRI)["needsSignIn"], true);

    h.login_as(ids::DMITRI, &[]).await.expect(0);
    let after = changes_json(&h, &["--account", ids::DMITRI]).await;
    assert_eq!(kinds(&after), ["sign_in_restored", "needs_sign_in"]);
    h.run(&["refresh", "--all"]).await.expect(0);
    h.assert_no_leak(&h.keychain_tokens());

    // The history leaves with the account.
    let file = h.data_file(&format!("changes/{}.json", ids::DMITRI));
    assert!(file.exists());
    h.run(&["logout", "--local", "--account", ids::DMITRI])
        .await
        .expect(0);
    assert!(
        !file.exists(),
        "the change history was deleted with the account"
    );
}
