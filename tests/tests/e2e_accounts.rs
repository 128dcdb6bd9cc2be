//! The real app against the Discord emulator, through WebDriver under a virtual display and a
//! real Secret Service: signing in, what the profile shows, a second account, switching from
//! the window, a link and the command line, and the cache shown offline after a restart.

use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use linkcord_tests::app::Sandbox;
use linkcord_tests::emulator::ids;
use linkcord_tests::rig::Rig;
use linkcord_tests::webdriver::{self, screenshot, sign_in, wait_for, wait_for_text};

async fn connections_shown(client: &Client) -> Vec<String> {
    let items = client
        .find_all(Locator::Css("#connections [data-connection-type]"))
        .await
        .unwrap();
    let mut types = Vec::new();
    for item in items {
        types.push(
            item.attr("data-connection-type")
                .await
                .unwrap()
                .unwrap_or_default(),
        );
    }
    types
}

#[tokio::test]
async fn sign_in_shows_the_profile_connections_and_servers() {
    if !webdriver::enabled("sign_in_shows_the_profile_connections_and_servers") {
        return;
    }
    let rig = Rig::builder().start().await;
    let sandbox = &rig.sandbox;
    let window = rig.open().await;
    let client = &window.client;

    wait_for(
        client,
        "main[data-screen='accounts']",
        "the accounts screen",
    )
    .await;
    screenshot(client, "accounts-empty").await;
    sign_in(client).await;
    wait_for_text(client, "#profile-display-name", "Ava Núñez-Gómez").await;
    wait_for_text(client, "#profile-username", "ava.nunez").await;
    wait_for_text(client, "#profile-email", "@").await;

    // Every fixture connection of Ava, with the right service.
    let expected = [
        "github",
        "twitch",
        "youtube",
        "steam",
        "spotify",
        "bluesky",
        "mastodon",
        "domain",
        "reddit",
        "xbox",
        "epicgames",
        "battlenet",
    ];
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut shown = connections_shown(client).await;
    while shown.len() < expected.len() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        shown = connections_shown(client).await;
    }
    shown.sort();
    let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(shown, want);
    wait_for(client, "#servers [data-guild-id]", "Ava's servers").await;
    screenshot(client, "profile-ava").await;
    for (section, name) in [
        ("connections", "connections-ava"),
        ("servers", "servers-ava"),
    ] {
        let scroll = format!("document.getElementById('{section}').scrollIntoView()");
        client.execute(&scroll, vec![]).await.unwrap();
        screenshot(client, name).await;
    }

    // The sign-in stored the tokens in the keychain, never in a file of the data dir, and no
    // command the window can call hands one to the webview.
    let token = current_token(sandbox);
    assert_no_token_in_files(sandbox, &token);
    assert_no_token_reaches_the_webview(client, &token).await;
    window.close().await;
}

#[tokio::test]
async fn switching_from_the_window_a_link_and_the_command_line() {
    if !webdriver::enabled("switching_from_the_window_a_link_and_the_command_line") {
        return;
    }
    let rig = Rig::builder().start().await;
    let sandbox = &rig.sandbox;
    let window = rig.open().await;
    let client = &window.client;

    sign_in(client).await;
    wait_for_text(client, "#profile-display-name", "Ava").await;
    sandbox.approve_as(ids::DMITRI);
    sign_in(client).await;
    wait_for_text(client, "#profile-display-name", "Дмитрий").await;
    let listed = client
        .find_all(Locator::Css("#account-list [data-account-id]"))
        .await
        .unwrap();
    assert_eq!(listed.len(), 2, "both accounts are listed");

    // From the window.
    let ava = format!("#account-list [data-account-id='{}']", ids::AVA);
    wait_for(client, &ava, "Ava in the switcher")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(client, "#profile-display-name", "Ava").await;
    screenshot(client, "switch-window").await;

    // From a link handed over by a second launch.
    let link = format!("linkcord://switch/{}", ids::DMITRI);
    let status = sandbox
        .command(&[&link])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    wait_for_text(client, "#profile-display-name", "Дмитрий").await;

    // From the command line, by username: the window follows.
    let out = sandbox.command(&["switch", "ava.nunez"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    wait_for_text(client, "#profile-display-name", "Ava").await;
    screenshot(client, "switch-cli").await;
    window.close().await;
    drop(window);

    // From a link on a cold start: the app opens on the account the link names.
    let window = rig.open_with(&[&link]).await;
    wait_for_text(&window.client, "#profile-display-name", "Дмитрий").await;
    window.close().await;
}

#[tokio::test]
async fn a_login_link_on_a_cold_start_signs_in() {
    if !webdriver::enabled("a_login_link_on_a_cold_start_signs_in") {
        return;
    }
    let rig = Rig::builder().start().await;
    let window = rig.open_with(&["linkcord://login"]).await;
    let client = &window.client;
    wait_for_text(client, "#profile-display-name", "Ava").await;
    let listed = client
        .find_all(Locator::Css("#account-list [data-account-id]"))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    screenshot(client, "cold-start-login-link").await;
    window.close().await;
}

#[tokio::test]
async fn a_restart_without_discord_shows_the_cache_offline() {
    if !webdriver::enabled("a_restart_without_discord_shows_the_cache_offline") {
        return;
    }
    let mut rig = Rig::builder().start().await;
    {
        let window = rig.open().await;
        let client = &window.client;
        sign_in(client).await;
        wait_for_text(client, "#profile-display-name", "Ava").await;
        wait_for(
            client,
            "#connections [data-connection-type='github']",
            "connections",
        )
        .await;
        window.close().await;
    }
    rig.stop_discord().await;

    let window = rig.open().await;
    let client = &window.client;
    wait_for_text(client, "#profile-display-name", "Ava").await;
    wait_for(
        client,
        "#connections [data-connection-type='github']",
        "cached connections",
    )
    .await;
    wait_for(client, "#offline-marker", "the offline marker").await;
    screenshot(client, "offline-cache").await;
    window.close().await;
}

fn current_token(sandbox: &Sandbox) -> String {
    let out = sandbox.command(&["token"]).output().unwrap();
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        out.status.success() && token.len() > 10,
        "linkcord token works: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    token
}

fn assert_no_token_in_files(sandbox: &Sandbox, token: &str) {
    for entry in walk(sandbox.data_dir.path()) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(token),
            "{} holds the access token",
            entry.display()
        );
    }
}

/// Calls every command that returns data, from inside the webview as the UI would, and checks
/// that none of the answers holds the token.
async fn assert_no_token_reaches_the_webview(client: &Client, token: &str) {
    let script = r#"
        const done = arguments[arguments.length - 1];
        const invoke = window.__TAURI_INTERNALS__.invoke;
        const calls = [
            ["app_view", {}], ["accounts_view", {}], ["take_notices", {}],
            ["refresh_account", { id: null }],
            ["preview_setup", { input: { clientId: "1", clientSecret: null, redirect: "loopback", port: 0 } }],
        ];
        Promise.all(calls.map(([cmd, args]) => invoke(cmd, args).then(
            (r) => JSON.stringify(r), (e) => "error:" + JSON.stringify(e))))
          .then((answers) => done(answers.join("\n")));
    "#;
    let answers = client.execute_async(script, vec![]).await.unwrap();
    let answers = answers.as_str().unwrap_or_default().to_owned();
    assert!(
        answers.contains("ava.nunez"),
        "the commands answered: {answers}"
    );
    assert!(
        !answers.contains(token),
        "a command handed the token to the webview"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
