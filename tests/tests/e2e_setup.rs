//! The real app through WebDriver, from an empty machine: the setup screen saved through the
//! window, a sign-in the user denies, and logging out from the window.

use fantoccini::{Client, Locator};
use linkcord_tests::emulator::{DEFAULT_CLIENT_ID, ids};
use linkcord_tests::rig::Rig;
use linkcord_tests::webdriver::{
    self, click, screenshot, sign_in, type_into, wait_for, wait_for_text,
};

/// Fills in and saves the setup screen, as a first-time user does.
async fn set_up(client: &Client) {
    wait_for(client, "main[data-screen='setup']", "the setup screen").await;
    type_into(client, "#client-id", DEFAULT_CLIENT_ID).await;
    type_into(client, "#port", "0").await;
    wait_for_text(client, "#redirect-uri", "http://127.0.0.1/callback").await;
    screenshot(client, "setup-filled").await;
    click(client, "#save-setup", "the save button").await;
    wait_for(
        client,
        "main[data-screen='accounts']",
        "the accounts screen",
    )
    .await;
}

#[tokio::test]
async fn setup_through_the_window_then_sign_in_and_log_out() {
    if !webdriver::enabled("setup_through_the_window_then_sign_in_and_log_out") {
        return;
    }
    // Pointed at the emulator but with no client id: the app starts on its setup screen.
    let rig = Rig::builder().unconfigured().start().await;
    let sandbox = &rig.sandbox;
    let window = rig.open().await;
    let client = &window.client;

    set_up(client).await;
    sign_in(client).await;
    wait_for_text(client, "#profile-display-name", "Ava").await;

    click(client, "#log-out", "the log-out button").await;
    click(client, "#confirm-log-out", "the confirmation").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let listed = client
            .find_all(Locator::Css("#account-list [data-account-id]"))
            .await
            .unwrap();
        if listed.is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the account is still in the window"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(rig.stats().await["revocations"], 1, "Discord was told");
    let out = sandbox.command(&["accounts", "--json"]).output().unwrap();
    let accounts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(accounts["accounts"].as_array().map(Vec::len), Some(0));
    screenshot(client, "logged-out").await;
    window.close().await;
}

#[tokio::test]
async fn a_denied_consent_is_said_plainly_and_stores_nothing() {
    if !webdriver::enabled("a_denied_consent_is_said_plainly_and_stores_nothing") {
        return;
    }
    // Pointed at the emulator but with no client id: the app starts on its setup screen.
    let rig = Rig::builder().unconfigured().start().await;
    let sandbox = &rig.sandbox;
    sandbox.approve_as("deny");
    let window = rig.open().await;
    let client = &window.client;

    set_up(client).await;
    click(client, "#add-account", "the sign-in button").await;
    wait_for(
        client,
        "#sign-in-panel[data-state='failed']",
        "the failure message",
    )
    .await;
    let text = wait_for_text(client, "#sign-in-panel", "").await;
    assert!(
        text.to_lowercase().contains("denied") || text.to_lowercase().contains("cancel"),
        "the panel says the user said no: {text}"
    );
    screenshot(client, "sign-in-denied").await;
    assert_eq!(rig.stats().await["code_exchanges"], 0);
    window.close().await;
}

#[tokio::test]
async fn a_deep_link_redirect_completes_the_sign_in() {
    if !webdriver::enabled("a_deep_link_redirect_completes_the_sign_in") {
        return;
    }
    let rig = Rig::builder()
        .without_browser()
        .without_any_port()
        .sandbox(|s| s.with_deep_link_browser(ids::DMITRI))
        .start()
        .await;
    let sandbox = &rig.sandbox;
    let set = sandbox
        .command(&["config", "set", "redirect", "deep-link"])
        .status()
        .unwrap();
    assert!(set.success());
    let window = rig.open().await;
    let client = &window.client;

    // Discord sends the browser to discord-<id>:/authorize/callback; the OS hands that to a
    // second `linkcord`, which passes it to this window's waiting sign-in.
    sign_in(client).await;
    wait_for_text(client, "#profile-display-name", "Дмитрий").await;
    assert_eq!(rig.stats().await["code_exchanges"], 1);
    screenshot(client, "deep-link-sign-in").await;
    window.close().await;
}

#[tokio::test]
async fn sign_in_by_clicking_through_the_consent_page_in_a_browser() {
    if !webdriver::enabled("sign_in_by_clicking_through_the_consent_page_in_a_browser") {
        return;
    }
    let browser = std::path::Path::new(env!("CARGO_BIN_EXE_consent-browser"));
    let rig = Rig::builder()
        .without_browser()
        .sandbox(move |s| s.with_clicking_browser(browser, ids::HANAKO))
        .start()
        .await;
    let window = rig.open().await;
    let client = &window.client;

    sign_in(client).await;
    wait_for_text(client, "#profile-display-name", "山田花子").await;
    assert_eq!(rig.stats().await["code_exchanges"], 1);
    screenshot(client, "consent-clicked").await;
    window.close().await;
}
