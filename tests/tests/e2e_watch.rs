//! Watching the links: the real app refreshes every account in the background, and what
//! changed reaches the person as a desktop notification, a badge in the tray and in the
//! window, and the window's "What changed" view.
//!
//! Everything is real except Discord (the emulator, changed through its control endpoints as
//! Discord would change) and the desktop: a stand-in notification server
//! (`linkcord_tests::notifications`) records what the app sends on the session bus and plays a
//! click, and the stand-in shell (`linkcord_tests::tray`) reads the tray over D-Bus. The
//! background interval is shortened with `LINKCORD_REFRESH_SECONDS` (README). One app start.

use std::time::{Duration, Instant};

use linkcord_tests::emulator::ids;
use linkcord_tests::notifications::{Notifications, Received};
use linkcord_tests::rig::Rig;
use linkcord_tests::tray::{MenuEntry, Shell, describe};
use linkcord_tests::webdriver::{self, click, screenshot, wait_for, wait_for_text};
use serde_json::{Value, json};

/// Seconds between two background refreshes of one account in this test.
const INTERVAL: &str = "2";
/// Long enough for several background rounds on a loaded machine.
const ROUNDS: Duration = Duration::from_secs(8);
const PATIENTLY: Duration = Duration::from_secs(40);
/// Ava's GitHub and Twitch links in the emulator's fixtures.
const AVA_GITHUB: &str = "connections/github/4810245";
const AVA_TWITCH: &str = "connections/twitch/512340987";

async fn control(rig: &Rig, method: reqwest::Method, path: &str, body: Option<Value>) {
    let url = format!("{}/_emulator/users/{path}", rig.emulator().base_url());
    let mut request = reqwest::Client::new().request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let reply = request.send().await.expect("emulator control");
    assert!(reply.status().is_success(), "{path}: {}", reply.status());
}

/// How many times Discord was asked for connections so far (every refresh asks once).
async fn connection_reads(rig: &Rig) -> u64 {
    rig.stats().await["requests"]["users/@me/connections"]
        .as_u64()
        .unwrap_or(0)
}

/// Waits until the history file of `account` lists a change of `kind` about `subject`.
async fn wait_for_history(rig: &Rig, account: &str, kind: &str, subject: &str) {
    let path = rig
        .sandbox
        .data_dir
        .path()
        .join("changes")
        .join(format!("{account}.json"));
    let deadline = Instant::now() + PATIENTLY;
    loop {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if let Ok(history) = serde_json::from_str::<Value>(&text)
            && history["changes"].as_array().is_some_and(|list| {
                list.iter()
                    .any(|c| c["kind"] == kind && c["subject"]["name"] == subject)
            })
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no {kind} of {subject} recorded for {account}: {text}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Revokes the account's grant at Discord, as any client holding its token could: its token
/// comes from `linkcord token`.
async fn revoke_sign_in(rig: &Rig, account: &str) {
    let mut token = rig.sandbox.command(&["token", "--account", account]);
    let token = tokio::task::spawn_blocking(move || token.output())
        .await
        .unwrap()
        .unwrap();
    assert!(token.status.success(), "{token:?}");
    let token = String::from_utf8(token.stdout).unwrap().trim().to_owned();
    let client_id = linkcord_tests::emulator::DEFAULT_CLIENT_ID;
    let revoked = reqwest::Client::new()
        .post(format!(
            "{}/api/oauth2/token/revoke",
            rig.emulator().base_url()
        ))
        .form(&[("token", token.as_str()), ("client_id", client_id)])
        .send()
        .await
        .unwrap();
    assert!(revoked.status().is_success());
}

fn summaries(list: &[Received]) -> Vec<String> {
    list.iter()
        .map(|n| format!("{}: {}", n.summary, n.body))
        .collect()
}

/// The tray line of the account whose username is `username`.
fn line<'m>(menu: &'m [MenuEntry], username: &str) -> Option<&'m MenuEntry> {
    menu.iter()
        .find(|e| !e.toggle_type.is_empty() && e.label.contains(username))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_link_is_notified_once_badged_and_shown_and_a_click_opens_its_account() {
    if !webdriver::enabled(
        "a_revoked_link_is_notified_once_badged_and_shown_and_a_click_opens_its_account",
    ) {
        return;
    }
    let notifications = Notifications::start()
        .await
        .expect("own org.freedesktop.Notifications on the session bus (run under dbus)");
    let shell = Shell::start()
        .await
        .expect("own org.kde.StatusNotifierWatcher on the session bus");
    // Dmitri signs in last, so he is active; Ava's changes happen in the background.
    let rig = Rig::builder()
        .approving(ids::DMITRI)
        .env("LINKCORD_REFRESH_SECONDS", INTERVAL)
        .env("LANG", "en_US.UTF-8")
        .signed_in(&[ids::AVA, ids::DMITRI])
        .start()
        .await;
    let (ava, dmitri) = (rig.user(ids::AVA).clone(), rig.user(ids::DMITRI).clone());
    assert_eq!(
        rig.active_account().as_deref(),
        Some(ids::DMITRI),
        "the rig signs Ava in, then Dmitri"
    );
    let window = rig.open().await;
    let client = window.client.clone();
    wait_for_text(&client, "#profile-display-name", dmitri.display_name()).await;
    let item = shell.wait_for_item(PATIENTLY).await;

    // The sign-ins made each account's first snapshot: several background rounds later,
    // nothing was notified, although Discord was asked again and again.
    let before = connection_reads(&rig).await;
    tokio::time::sleep(ROUNDS).await;
    let during = connection_reads(&rig).await - before;
    assert!(
        during >= 4,
        "two accounts every {INTERVAL} s for {ROUNDS:?}: only {during} refreshes"
    );
    assert_eq!(
        summaries(&notifications.received()),
        Vec::<String>::new(),
        "nothing changed, nothing to notify"
    );

    // GitHub drops Ava's link: one notification, naming her and the service, offering a click.
    control(
        &rig,
        reqwest::Method::PATCH,
        &format!("{}/{AVA_GITHUB}", ids::AVA),
        Some(json!({"revoked": true})),
    )
    .await;
    let received = notifications
        .wait_for(1, PATIENTLY)
        .await
        .unwrap_or_else(|| {
            panic!(
                "no notification; history: {:?}",
                std::fs::read_to_string(
                    rig.sandbox
                        .data_dir
                        .path()
                        .join("changes")
                        .join(format!("{}.json", ids::AVA))
                )
            )
        });
    let sent = received[0].clone();
    assert!(sent.summary.contains(ava.display_name()), "{sent:?}");
    assert!(
        sent.summary.contains("GitHub") && sent.summary.contains("revoked"),
        "{sent:?}"
    );
    assert!(
        sent.action_keys().contains(&"default"),
        "a click must be offered: {sent:?}"
    );
    // Later rounds see the same revoked link: it is not notified again.
    tokio::time::sleep(ROUNDS).await;
    assert_eq!(
        notifications.received().len(),
        1,
        "{:?}",
        summaries(&notifications.received())
    );

    // The tray's line for Ava carries the badge; Dmitri's does not.
    let (menu, ok) = item
        .wait_for_menu(PATIENTLY, |m| {
            line(m, &ava.username).is_some_and(|e| e.label.contains("1 new"))
        })
        .await;
    assert!(ok, "Ava's tray line should say 1 new: {}", describe(&menu));
    assert!(!line(&menu, &dmitri.username).unwrap().label.contains("new"));
    // So does her row in the window's list.
    wait_for_text(
        &client,
        &format!(
            "#account-list [data-account-id='{}'] .unseen-badge",
            ids::AVA
        ),
        "1",
    )
    .await;

    // A click on the notification opens Linkcord on Ava, where "What changed" shows it.
    notifications.invoke(&sent, "default").await.unwrap();
    wait_for_text(&client, "#profile-display-name", ava.display_name()).await;
    assert_eq!(rig.active_account().as_deref(), Some(ids::AVA));
    let shown = wait_for_text(
        &client,
        "#changes-list li[data-kind='connection_revoked'][data-unseen='true']",
        "GitHub revoked the link to",
    )
    .await;
    assert!(shown.contains("ava-nunez"), "{shown}");
    screenshot(&client, "watch-what-changed").await;

    // Marked seen: the badges go, in the window and in the tray.
    click(&client, "#changes-mark-seen", "Mark as seen").await;
    wait_for(
        &client,
        "#changes-list li[data-unseen='false']",
        "the change, seen",
    )
    .await;
    let (menu, ok) = item
        .wait_for_menu(PATIENTLY, |m| {
            line(m, &ava.username).is_some_and(|e| !e.label.contains("new"))
        })
        .await;
    assert!(ok, "the badge should go once seen: {}", describe(&menu));

    // With revoked links switched off (from a terminal, while the app runs), the next one is
    // recorded but not notified.
    let mut off = rig
        .sandbox
        .command(&["config", "set", "notify-revoked", "off"]);
    let status = tokio::task::spawn_blocking(move || off.status())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
    control(
        &rig,
        reqwest::Method::PATCH,
        &format!("{}/{AVA_TWITCH}", ids::AVA),
        Some(json!({"revoked": true})),
    )
    .await;
    wait_for_history(&rig, ids::AVA, "connection_revoked", "avanunez").await;
    tokio::time::sleep(ROUNDS / 2).await;
    assert_eq!(
        summaries(&notifications.received()),
        summaries(&received[..1]),
        "the second revoked link must not be notified"
    );

    // Dmitri's sign-in is revoked at Discord (his token, from `linkcord token`, revoked as any
    // client could): his next background refresh finds it dead, and that is notified.
    revoke_sign_in(&rig, ids::DMITRI).await;
    let received = notifications
        .wait_for(2, PATIENTLY)
        .await
        .unwrap_or_else(|| {
            panic!(
                "no sign-in notification: {:?}",
                summaries(&notifications.received())
            )
        });
    let lost = &received[1];
    assert!(
        lost.summary.contains(dmitri.display_name()) && lost.summary.contains("Sign in"),
        "{lost:?}"
    );

    // The window's settings change the same things: background refresh off, from the
    // Discord application settings page.
    client
        .find(fantoccini::Locator::XPath(
            "//button[normalize-space()='Discord application settings']",
        ))
        .await
        .expect("the settings button")
        .click()
        .await
        .unwrap();
    wait_for(
        &client,
        "#refresh-minutes",
        "the background refresh setting",
    )
    .await
    .select_by_value("0")
    .await
    .unwrap();
    screenshot(&client, "watch-settings").await;
    let settings = rig.sandbox.data_dir.path().join("settings.json");
    let deadline = Instant::now() + PATIENTLY;
    loop {
        let saved: Value =
            serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
        if saved["refreshMinutes"] == 0 {
            assert_eq!(saved["notify"], json!({"signIn": true, "revoked": false}));
            break;
        }
        assert!(Instant::now() < deadline, "not saved: {saved}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Background refresh off: Discord is not asked any more…
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = connection_reads(&rig).await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        connection_reads(&rig).await,
        before,
        "background refresh is off"
    );
    // …but a refresh from the window that finds Ava's sign-in dead records it, and the loop
    // notifies it.
    revoke_sign_in(&rig, ids::AVA).await;
    client
        .find(fantoccini::Locator::XPath("//button[contains(., 'Back')]"))
        .await
        .expect("the Back button")
        .click()
        .await
        .unwrap();
    click(&client, "#refresh", "Refresh").await;
    let received = notifications
        .wait_for(3, PATIENTLY)
        .await
        .unwrap_or_else(|| {
            panic!(
                "no notification: {:?}",
                summaries(&notifications.received())
            )
        });
    assert!(
        received[2].summary.contains(ava.display_name()) && received[2].summary.contains("Sign in"),
        "{:?}",
        received[2]
    );
    drop(window);
}
