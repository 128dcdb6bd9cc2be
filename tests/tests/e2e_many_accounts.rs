//! The real app with 25 accounts signed in against the emulator (real keychain entries, real
//! `linkcord login` runs), driven through WebDriver under Xvfb: the filter over the account
//! list narrows it by display name, username and id and clearing restores it; the quick
//! switch (Ctrl+K) finds an account and Enter switches to it; Ctrl+3 switches to the third.
//! Every switch is checked outside the window, with `linkcord accounts --json`. The filter and
//! the quick switch are audited with axe-core and photographed in light (English) and dark
//! (French).

use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use linkcord_tests::a11y;
use linkcord_tests::rig::Rig;
use linkcord_tests::seed::{ManyUsers, SeedUser};
use linkcord_tests::webdriver::{self, Driver, click, screenshot, wait_for, wait_for_text};

const ACCOUNTS: usize = 25;

/// 25 generated users signed in for real; the last one signed in is the active one.
struct Seeded {
    users: ManyUsers,
    rig: Rig,
}

async fn seeded(dark: bool, french: bool) -> Seeded {
    let users = ManyUsers::generate(ACCOUNTS);
    let mut rig = Rig::builder()
        .emulator(users.emulator_config())
        .signed_in(&users.ids());
    if dark {
        // How WebKitGTK is told the system is dark (see e2e_a11y).
        rig = rig.env("GTK_THEME", "Adwaita:dark");
    }
    if french {
        rig = rig.env("LANG", "fr_FR.UTF-8").env("LC_ALL", "fr_FR.UTF-8");
    }
    Seeded {
        users,
        rig: rig.start().await,
    }
}

impl Seeded {
    fn user(&self, index: usize) -> &SeedUser {
        &self.users.users()[index]
    }

    fn ids(&self, users: &[&SeedUser]) -> Vec<String> {
        users.iter().map(|u| u.id.clone()).collect()
    }

    /// `linkcord accounts --json`: what the command line reads from the data directory.
    fn accounts(&self) -> serde_json::Value {
        let out = self
            .rig
            .sandbox
            .command(&["accounts", "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "linkcord accounts --json: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// The active account as the command line reads it.
    fn active(&self) -> Option<String> {
        self.accounts()["active"].as_str().map(str::to_owned)
    }

    /// Ends `user`'s grant at Discord (as removing Linkcord from Authorized Apps does), then
    /// lets `linkcord profile` find out: Discord refuses the token and its refresh, and the
    /// account is marked as needing sign-in.
    async fn revoke(&self, user: &SeedUser) {
        // Through tokio: the emulator answers on this test's own runtime, which a blocking
        // wait would stall.
        let run =
            |args: &[&str]| tokio::process::Command::from(self.rig.sandbox.command(args)).output();
        let out = run(&["token", "--account", &user.id]).await.unwrap();
        assert!(out.status.success(), "linkcord token");
        let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        let url = format!("{}/api/oauth2/token/revoke", self.rig.emulator().base_url());
        let form = [
            ("token", token.as_str()),
            ("client_id", self.rig.emulator().client_id()),
        ];
        let reply = reqwest::Client::new()
            .post(url)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert!(reply.status().is_success(), "revoke: {}", reply.status());
        let profile = run(&["profile", "--account", &user.id]).await.unwrap();
        let accounts = self.accounts();
        let status = accounts["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == user.id.as_str())
            .map(|a| a["status"].clone());
        assert_eq!(
            status,
            Some(serde_json::json!("needs-sign-in")),
            "linkcord profile said: {}",
            String::from_utf8_lossy(&profile.stderr)
        );
    }

    /// Makes `user` the active account from the command line.
    fn switch_to(&self, user: &SeedUser) {
        let status = self
            .rig
            .sandbox
            .command(&["--quiet", "switch", &user.id])
            .status()
            .unwrap();
        assert!(status.success(), "linkcord switch");
    }

    /// Waits (10 s) until `linkcord accounts --json` names `user` as the active account.
    async fn assert_active(&self, user: &SeedUser) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut active = self.active();
        while active.as_deref() != Some(user.id.as_str()) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
            active = self.active();
        }
        assert_eq!(
            active.as_deref(),
            Some(user.id.as_str()),
            "{} should be active",
            user.display_name
        );
    }

    /// The users whose display name or username holds `needle` (lower-case ASCII), in order.
    fn matching(&self, needle: &str) -> Vec<&SeedUser> {
        self.users
            .users()
            .iter()
            .filter(|u| {
                u.display_name.to_lowercase().contains(needle) || u.username.contains(needle)
            })
            .collect()
    }
}

/// The ids of the rows of `list` (a CSS selector for the rows), in the order shown.
async fn shown(client: &Client, rows: &str) -> Vec<String> {
    let script = format!(
        "return Array.from(document.querySelectorAll({rows:?})).map((e) => e.dataset.accountId);"
    );
    let value = client.execute(&script, vec![]).await.unwrap();
    serde_json::from_value(value).unwrap()
}

const LIST_ROWS: &str = "#account-list [data-account-id]";
const QUICK_ROWS: &str = "#quick-switch [role='option']";

/// Waits (10 s) until the rows matching `rows` are exactly `want`.
async fn wait_for_rows(client: &Client, rows: &str, want: &[String]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut got = shown(client, rows).await;
    while got != want && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        got = shown(client, rows).await;
    }
    assert_eq!(got, want, "rows {rows}");
}

/// Types `text` where the focus is, as key presses (so the page sees real input events).
async fn type_keys(client: &Client, text: &str) {
    let mut keys = KeyActions::new("typing".into());
    for c in text.chars() {
        keys = keys
            .then(KeyAction::Down { value: c })
            .then(KeyAction::Up { value: c });
    }
    client.perform_actions(keys).await.unwrap();
}

/// Presses `key` alone (Enter, Escape, an arrow).
async fn press(client: &Client, key: Key) {
    let keys = KeyActions::new("key".into())
        .then(KeyAction::Down { value: key.into() })
        .then(KeyAction::Up { value: key.into() });
    client.perform_actions(keys).await.unwrap();
}

/// Presses Ctrl together with `c`, as a person does: Ctrl down, the key, both up.
async fn ctrl(client: &Client, c: char) {
    let keys = KeyActions::new("chord".into())
        .then(KeyAction::Down {
            value: Key::Control.into(),
        })
        .then(KeyAction::Down { value: c })
        .then(KeyAction::Up { value: c })
        .then(KeyAction::Up {
            value: Key::Control.into(),
        });
    client.perform_actions(keys).await.unwrap();
}

/// The id of the focused element.
async fn focused(client: &Client) -> String {
    let value = client
        .execute("return document.activeElement?.id ?? '';", vec![])
        .await
        .unwrap();
    value.as_str().unwrap_or_default().to_owned()
}

/// Replaces the filter's text by typing, keeping the focus in it.
async fn filter(client: &Client, text: &str) {
    let field = wait_for(client, "#account-filter", "the account filter").await;
    field.clear().await.unwrap();
    field.click().await.unwrap();
    type_keys(client, text).await;
}

/// An axe-core audit of the window as it is; fails on serious or critical findings.
async fn assert_accessible(client: &Client, what: &str) {
    let blocking: Vec<String> = a11y::audit(client)
        .await
        .into_iter()
        .filter(a11y::Violation::blocks)
        .map(|v| v.to_string())
        .collect();
    assert!(blocking.is_empty(), "{what}:\n{}", blocking.join("\n"));
}

/// With more accounts than fit, the list scrolls inside the sidebar: the sidebar itself does
/// not scroll, so the filter above the list and "Add account" below it stay in view.
async fn assert_list_scrolls_alone(client: &Client) {
    let layout = client
        .execute(
            "const side = document.querySelector('.sidebar'); \
             const list = document.getElementById('account-list'); \
             const add = document.getElementById('add-account').getBoundingClientRect(); \
             return { sidebarScrolls: side.scrollHeight > side.clientHeight + 1, \
                      listScrolls: list.scrollHeight > list.clientHeight + 1, \
                      addInView: add.bottom <= innerHeight };",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        layout,
        serde_json::json!({ "sidebarScrolls": false, "listScrolls": true, "addInView": true })
    );
}

/// The active account's row is within the list's visible part: at start the list builds the
/// rows up to it first, with the others standing in as blocks, and is scrolled to it.
async fn assert_active_row_in_view(client: &Client) {
    let placed = client
        .execute(
            "const list = document.getElementById('account-list').getBoundingClientRect(); \
             const row = document.querySelector('#account-list [aria-current=\"true\"]').getBoundingClientRect(); \
             return { top: row.top >= list.top - 1, bottom: row.bottom <= list.bottom + 1, \
                      blocks: document.querySelectorAll('#account-list li.pending').length };",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        placed,
        serde_json::json!({ "top": true, "bottom": true, "blocks": 0 }),
        "the active row in view once every row is built"
    );
}

/// The attribute `name` of the element matching `css`.
async fn attr(client: &Client, css: &str, name: &str) -> Option<String> {
    let element = wait_for(client, css, css).await;
    element.attr(name).await.unwrap()
}

#[tokio::test]
async fn filter_quick_switch_and_number_shortcuts() {
    if !webdriver::enabled("filter_quick_switch_and_number_shortcuts") {
        return;
    }
    let seeded = seeded(false, false).await;
    let all = seeded.ids(&seeded.users.users().iter().collect::<Vec<_>>());
    let driver = Driver::start(&seeded.rig.sandbox);
    let client = driver.launch(&[]).await;
    let last = seeded.user(ACCOUNTS - 1);
    wait_for_text(&client, "#profile-display-name", &last.display_name).await;
    wait_for_rows(&client, LIST_ROWS, &all).await;
    assert_list_scrolls_alone(&client).await;
    assert_active_row_in_view(&client).await;
    let shot = screenshot(&client, "many-accounts-started").await;
    eprintln!("screenshot: {}", shot.display());

    // The filter: by display name (typed without its accent), by username, by id.
    let chloe = seeded.user(2);
    assert_eq!(chloe.display_name, "Chloé Martin", "the seed's third user");
    filter(&client, "CHLOE").await;
    wait_for_rows(&client, LIST_ROWS, std::slice::from_ref(&chloe.id)).await;
    assert_eq!(
        focused(&client).await,
        "account-filter",
        "typing keeps the focus"
    );
    wait_for_text(&client, "#account-filter-count", "1 of 25 accounts").await;

    let bjorn = seeded.user(1);
    filter(&client, &format!("@{}", bjorn.username)).await;
    wait_for_rows(&client, LIST_ROWS, std::slice::from_ref(&bjorn.id)).await;

    let eighteenth = seeded.user(17);
    filter(&client, &eighteenth.id).await;
    wait_for_rows(&client, LIST_ROWS, std::slice::from_ref(&eighteenth.id)).await;

    // Several matches stay in the list's order.
    let several = seeded.matching("ro");
    assert!(several.len() >= 2, "the seed has several names with 'ro'");
    filter(&client, "ro").await;
    wait_for_rows(&client, LIST_ROWS, &seeded.ids(&several)).await;
    screenshot(&client, "accounts-filter").await;
    assert_accessible(&client, "the filtered list").await;

    // Escape clears it and the whole list is back.
    press(&client, Key::Escape).await;
    wait_for_rows(&client, LIST_ROWS, &all).await;
    assert_eq!(
        attr(&client, "#account-filter", "value")
            .await
            .unwrap_or_default(),
        ""
    );

    // Nothing matches: it says so, and "Clear filter" restores the list.
    filter(&client, "nobody by this name").await;
    wait_for_rows(&client, LIST_ROWS, &[]).await;
    wait_for_text(
        &client,
        "[data-empty='filtered']",
        "No account matches “nobody by this name”.",
    )
    .await;
    click(&client, "#clear-account-filter", "Clear filter").await;
    wait_for_rows(&client, LIST_ROWS, &all).await;
    assert_eq!(focused(&client).await, "account-filter");

    // Names, roles and shortcuts for screen readers.
    let third_row = format!("#account-list [data-account-id='{}']", seeded.user(2).id);
    assert_eq!(
        attr(&client, &third_row, "aria-keyshortcuts")
            .await
            .as_deref(),
        Some("Control+3")
    );
    assert_eq!(
        attr(&client, "#open-quick-switch", "aria-keyshortcuts")
            .await
            .as_deref(),
        Some("Control+K")
    );
    wait_for_text(&client, "#open-quick-switch", "Ctrl+K").await;

    // The quick switch: Ctrl+K, type, Enter.
    client
        .execute("document.activeElement?.blur();", vec![])
        .await
        .unwrap();
    ctrl(&client, 'k').await;
    wait_for(&client, "#quick-switch[open]", "the quick switch").await;
    // Most recently used first: the accounts were signed in in list order, so the last one
    // (active) comes first and the one signed in before it is chosen.
    let recent_first: Vec<String> = all.iter().rev().cloned().collect();
    wait_for_rows(&client, QUICK_ROWS, &recent_first).await;
    assert_eq!(focused(&client).await, "quick-switch-input");
    let before_last = format!("quick-switch-option-{}", seeded.user(ACCOUNTS - 2).id);
    assert_eq!(
        attr(&client, "#quick-switch-input", "aria-activedescendant")
            .await
            .as_deref(),
        Some(before_last.as_str())
    );
    assert_eq!(
        attr(&client, "#quick-switch-input", "role")
            .await
            .as_deref(),
        Some("combobox")
    );
    let active_row = format!("#quick-switch [data-account-id='{}']", last.id);
    wait_for_text(&client, &active_row, "Active").await;
    screenshot(&client, "quick-switch").await;
    assert_accessible(&client, "the quick switch").await;
    let quentin = seeded.user(16);
    assert_eq!(
        quentin.display_name, "Quentin Martin",
        "the seed's 17th user"
    );
    type_keys(&client, "quentin").await;
    wait_for_rows(&client, QUICK_ROWS, std::slice::from_ref(&quentin.id)).await;
    let chosen = format!("quick-switch-option-{}", quentin.id);
    assert_eq!(
        attr(&client, "#quick-switch-input", "aria-activedescendant")
            .await
            .as_deref(),
        Some(chosen.as_str())
    );
    assert_accessible(&client, "the quick switch, narrowed").await;
    press(&client, Key::Enter).await;
    wait_for_text(&client, "#profile-display-name", &quentin.display_name).await;
    seeded.assert_active(quentin).await;
    assert!(
        client.find(Locator::Css("#quick-switch")).await.is_err(),
        "the quick switch closed"
    );

    // Ctrl+3: the third account of the list.
    ctrl(&client, '3').await;
    wait_for_text(&client, "#profile-display-name", &chloe.display_name).await;
    seeded.assert_active(chloe).await;
    // The focus stayed put, so screen readers hear it from the live region.
    wait_for_text(&client, "#switch-announcement", "Switched to Chloé Martin.").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn dark_french_filter_and_quick_switch() {
    if !webdriver::enabled("dark_french_filter_and_quick_switch") {
        return;
    }
    let seeded = seeded(true, true).await;
    // The second account made active from the command line, and the account signed in
    // before the last refused by Discord: the quick switch (most recently used first) shows
    // both marks at the top.
    let active = seeded.user(1);
    let refused = seeded.user(ACCOUNTS - 2);
    seeded.revoke(refused).await;
    seeded.switch_to(active);
    let driver = Driver::start(&seeded.rig.sandbox);
    let client = driver.launch(&[]).await;
    wait_for_text(&client, "#profile-display-name", &active.display_name).await;
    let seen = a11y::look(&client).await;
    assert_eq!(seen, serde_json::json!({ "lang": "fr", "dark": true }));

    let several = seeded.matching("ro");
    filter(&client, "ro").await;
    wait_for_rows(&client, LIST_ROWS, &seeded.ids(&several)).await;
    let count = format!("{} sur 25 comptes", several.len());
    wait_for_text(&client, "#account-filter-count", &count).await;
    screenshot(&client, "accounts-filter-dark-fr").await;
    assert_accessible(&client, "the filtered list, dark, French").await;

    filter(&client, "personne").await;
    wait_for_text(
        &client,
        "[data-empty='filtered']",
        "Aucun compte ne correspond à « personne ».",
    )
    .await;
    assert_accessible(&client, "no match, dark, French").await;

    // From the button this time; Escape closes without switching.
    click(&client, "#open-quick-switch", "the quick-switch button").await;
    wait_for(&client, "#quick-switch[open]", "the quick switch").await;
    wait_for_text(&client, "#quick-switch-title", "Changer de compte").await;
    type_keys(&client, "a").await;
    let active_row = format!("#quick-switch [data-account-id='{}']", active.id);
    wait_for_text(&client, &active_row, "Actif").await;
    let refused_row = format!("#quick-switch [data-account-id='{}']", refused.id);
    wait_for_text(&client, &refused_row, "Reconnexion nécessaire").await;
    screenshot(&client, "quick-switch-dark-fr").await;
    assert_accessible(&client, "the quick switch, dark, French").await;
    press(&client, Key::Escape).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while client.find(Locator::Css("#quick-switch")).await.is_ok() {
        assert!(Instant::now() < deadline, "Escape closes the quick switch");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    seeded.assert_active(active).await;
    client.close().await.unwrap();
}
