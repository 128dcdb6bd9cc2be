//! The real app through WebDriver, from an empty machine: the setup screen saved through the
//! window, a sign-in the user denies, and logging out from the window.

use fantoccini::{Client, Locator};
use linkcord_tests::app::Sandbox;
use linkcord_tests::emulator::{DEFAULT_CLIENT_ID, Emulator, EmulatorConfig, RunningEmulator, ids};
use linkcord_tests::webdriver::{
    self, Driver, click, screenshot, sign_in, type_into, wait_for, wait_for_text,
};

/// A sandbox pointed at the emulator but with no client id: the app starts on its setup screen.
fn unconfigured(emulator: &RunningEmulator) -> Sandbox {
    let base = emulator.base_url();
    Sandbox::new()
        .with_env("LINKCORD_DISCORD_URL", &base)
        .with_env("LINKCORD_CDN_URL", &format!("{base}/cdn"))
        .with_consenting_browser(ids::AVA)
}

async fn stats(emulator: &RunningEmulator) -> serde_json::Value {
    reqwest::get(format!("{}/_emulator/stats", emulator.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

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
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let sandbox = unconfigured(&emulator);
    let driver = Driver::start(&sandbox);
    let client = driver.launch(&[]).await;

    set_up(&client).await;
    sign_in(&client).await;
    wait_for_text(&client, "#profile-display-name", "Ava").await;

    click(&client, "#log-out", "the log-out button").await;
    click(&client, "#confirm-log-out", "the confirmation").await;
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
    assert_eq!(stats(&emulator).await["revocations"], 1, "Discord was told");
    let out = sandbox.command(&["accounts", "--json"]).output().unwrap();
    let accounts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(accounts["accounts"].as_array().map(Vec::len), Some(0));
    screenshot(&client, "logged-out").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn a_denied_consent_is_said_plainly_and_stores_nothing() {
    if !webdriver::enabled("a_denied_consent_is_said_plainly_and_stores_nothing") {
        return;
    }
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let sandbox = unconfigured(&emulator);
    sandbox.approve_as("deny");
    let driver = Driver::start(&sandbox);
    let client = driver.launch(&[]).await;

    set_up(&client).await;
    click(&client, "#add-account", "the sign-in button").await;
    wait_for(
        &client,
        "#sign-in-panel[data-state='failed']",
        "the failure message",
    )
    .await;
    let text = wait_for_text(&client, "#sign-in-panel", "").await;
    assert!(
        text.to_lowercase().contains("denied") || text.to_lowercase().contains("cancel"),
        "the panel says the user said no: {text}"
    );
    screenshot(&client, "sign-in-denied").await;
    assert_eq!(stats(&emulator).await["code_exchanges"], 0);
    client.close().await.unwrap();
}

#[tokio::test]
async fn a_deep_link_redirect_completes_the_sign_in() {
    if !webdriver::enabled("a_deep_link_redirect_completes_the_sign_in") {
        return;
    }
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let sandbox = Sandbox::new()
        .with_emulator(&emulator.base_url())
        .with_deep_link_browser(ids::DMITRI);
    let set = sandbox
        .command(&["config", "set", "redirect", "deep-link"])
        .status()
        .unwrap();
    assert!(set.success());
    let driver = Driver::start(&sandbox);
    let client = driver.launch(&[]).await;

    // Discord sends the browser to discord-<id>:/authorize/callback; the OS hands that to a
    // second `linkcord`, which passes it to this window's waiting sign-in.
    sign_in(&client).await;
    wait_for_text(&client, "#profile-display-name", "Дмитрий").await;
    assert_eq!(stats(&emulator).await["code_exchanges"], 1);
    screenshot(&client, "deep-link-sign-in").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn sign_in_by_clicking_through_the_consent_page_in_a_browser() {
    if !webdriver::enabled("sign_in_by_clicking_through_the_consent_page_in_a_browser") {
        return;
    }
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let browser = std::path::Path::new(env!("CARGO_BIN_EXE_consent-browser"));
    let sandbox = Sandbox::new()
        .with_emulator(&emulator.base_url())
        .with_clicking_browser(browser, ids::HANAKO)
        .with_any_loopback_port();
    let driver = Driver::start(&sandbox);
    let client = driver.launch(&[]).await;

    sign_in(&client).await;
    wait_for_text(&client, "#profile-display-name", "山田花子").await;
    assert_eq!(stats(&emulator).await["code_exchanges"], 1);
    screenshot(&client, "consent-clicked").await;
    client.close().await.unwrap();
}
