//! Accessibility of every screen of the real window, audited with axe-core (see
//! `linkcord_tests::a11y`) in the light and the dark theme, in English and in French: the
//! first-run setup screen, the empty accounts screen, the sign-in panel waiting for the
//! browser and done, the signed-in profile, connections and servers, both log-out questions,
//! and the settings screen opened from the accounts screen. No serious or critical violation
//! may remain; a failure lists each one with the elements that break it.

use std::time::Duration;

use fantoccini::Client;
use linkcord_tests::a11y::{self, Violation};
use linkcord_tests::emulator::{DEFAULT_CLIENT_ID, Fixtures, ids};
use linkcord_tests::rig::Rig;
use linkcord_tests::webdriver::{self, click, screenshot, type_into, wait_for, wait_for_text};

/// The system's theme and language the app is started with.
struct Look {
    name: &'static str,
    dark: bool,
    french: bool,
}

/// What every audited screen found, by screen.
#[derive(Default)]
struct Findings(Vec<(String, Vec<Violation>)>);

impl Findings {
    async fn audit(&mut self, client: &Client, look: &Look, screen: &str) {
        let (found, lesser): (Vec<Violation>, Vec<Violation>) = a11y::audit(client)
            .await
            .into_iter()
            .partition(Violation::blocks);
        for v in &lesser {
            eprintln!("[{} / {screen}] not failing: {v}", look.name);
        }
        if !found.is_empty() {
            screenshot(client, &format!("a11y-{}-{screen}", look.name)).await;
        }
        self.0.push((screen.to_owned(), found));
    }

    fn assert_none(&self, look: &Look) {
        let report: String = self
            .0
            .iter()
            .filter(|(_, found)| !found.is_empty())
            .flat_map(|(screen, found)| {
                found
                    .iter()
                    .map(move |v| format!("[{} / {screen}] {v}", look.name))
            })
            .collect();
        assert!(
            report.is_empty(),
            "serious or critical accessibility violations:\n{report}"
        );
        assert!(self.0.len() >= 10, "every screen was audited");
    }
}

/// Runs the whole tour of the window as `user_id`, in `look`.
async fn tour(look: Look, user_id: &str) {
    let user = Fixtures::builtin().user(user_id).expect("fixture").clone();
    // No client id: the app starts on its setup screen, as on a first run.
    let mut rig = Rig::builder().unconfigured().approving(user_id);
    if look.dark {
        // How WebKitGTK is told the system is dark (see e2e_fixtures).
        rig = rig.env("GTK_THEME", "Adwaita:dark");
    }
    if look.french {
        rig = rig.env("LANG", "fr_FR.UTF-8").env("LC_ALL", "fr_FR.UTF-8");
    }
    let rig = rig.start().await;
    let sandbox = &rig.sandbox;
    let window = rig.open().await;
    let client = window.client.clone();
    let mut findings = Findings::default();

    wait_for(&client, "main[data-screen='setup']", "the setup screen").await;
    // The audit is only worth as much as the look it ran in.
    let seen = a11y::look(&client).await;
    let lang = if look.french { "fr" } else { "en" };
    assert_eq!(
        seen,
        serde_json::json!({ "lang": lang, "dark": look.dark }),
        "{}",
        look.name
    );
    findings.audit(&client, &look, "setup").await;
    type_into(&client, "#client-id", DEFAULT_CLIENT_ID).await;
    type_into(&client, "#port", "0").await;
    wait_for_text(&client, "#redirect-uri", "http://127.0.0.1/callback").await;
    findings.audit(&client, &look, "setup-filled").await;
    click(&client, "#save-setup", "the save button").await;
    wait_for(
        &client,
        "main[data-screen='accounts']",
        "the accounts screen",
    )
    .await;
    wait_for(&client, "#add-account", "the sign-in button").await;
    findings.audit(&client, &look, "accounts-empty").await;

    // A browser that never comes back: the panel waits.
    sandbox.approve_as("1");
    click(&client, "#add-account", "the add-account button").await;
    wait_for(
        &client,
        "#sign-in-panel[data-state='waiting']",
        "the waiting panel",
    )
    .await;
    findings.audit(&client, &look, "sign-in-waiting").await;
    click(&client, "#cancel-sign-in", "cancel").await;
    wait_for(
        &client,
        "#sign-in-panel[data-state='cancelled']",
        "the cancelled panel",
    )
    .await;
    findings.audit(&client, &look, "sign-in-cancelled").await;
    click(&client, "#close-sign-in", "close").await;

    sandbox.approve_as(user_id);
    click(&client, "#add-account", "the add-account button").await;
    wait_for(
        &client,
        "#sign-in-panel[data-state='done']",
        "the signed-in message",
    )
    .await;
    findings.audit(&client, &look, "sign-in-done").await;
    click(&client, "#close-sign-in", "close").await;
    wait_for_text(&client, "#profile-username", &user.username).await;
    // Wait for the lists to be drawn before judging them.
    wait_for(&client, "#connections[data-section-status]", "connections").await;
    wait_for(&client, "#servers", "servers").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    findings.audit(&client, &look, "profile").await;
    for section in ["connections", "servers"] {
        client
            .execute(
                &format!("document.querySelector('#{section}').scrollIntoView()"),
                vec![],
            )
            .await
            .unwrap();
        findings.audit(&client, &look, section).await;
    }

    click(&client, "#log-out", "the log-out button").await;
    wait_for(&client, "#log-out-dialog[open]", "the log-out question").await;
    findings.audit(&client, &look, "log-out").await;
    click(
        &client,
        "#log-out-dialog .actions button.secondary",
        "cancel log-out",
    )
    .await;
    click(&client, "#log-out-all", "log out of all accounts").await;
    wait_for(&client, "#log-out-dialog[open]", "the log-out-all question").await;
    findings.audit(&client, &look, "log-out-all").await;
    click(
        &client,
        "#log-out-dialog .actions button.secondary",
        "cancel log-out",
    )
    .await;

    click(
        &client,
        ".sidebar-footer button.link:not(#log-out-all)",
        "the settings link",
    )
    .await;
    wait_for(&client, "main[data-screen='setup']", "the settings screen").await;
    findings.audit(&client, &look, "settings").await;

    findings.assert_none(&look);
    client.close().await.unwrap();
}

#[tokio::test]
async fn light_english() {
    if !webdriver::enabled("light_english") {
        return;
    }
    let look = Look {
        name: "light-en",
        dark: false,
        french: false,
    };
    tour(look, ids::DMITRI).await;
}

#[tokio::test]
async fn dark_english() {
    if !webdriver::enabled("dark_english") {
        return;
    }
    let look = Look {
        name: "dark-en",
        dark: true,
        french: false,
    };
    tour(look, ids::HANAKO).await;
}

#[tokio::test]
async fn light_french() {
    if !webdriver::enabled("light_french") {
        return;
    }
    let look = Look {
        name: "light-fr",
        dark: false,
        french: true,
    };
    tour(look, ids::MALLORY).await;
}

#[tokio::test]
async fn dark_french() {
    if !webdriver::enabled("dark_french") {
        return;
    }
    let look = Look {
        name: "dark-fr",
        dark: true,
        french: true,
    };
    tour(look, ids::AVA).await;
}
