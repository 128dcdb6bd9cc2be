//! The tray menu with many accounts, read and clicked over D-Bus as a Linux panel does
//! (`linkcord_tests::tray`): fifteen accounts signed in for real against the Discord emulator
//! (`linkcord_tests::rig`, `linkcord_tests::seed`), then the real app started in the tray alone.
//!
//! What a person with many accounts depends on: the menu stays one screen high (ten accounts,
//! the rest under "More accounts"), the active account is always on the top level even when
//! it is the least recently used, and an account inside "More accounts" switches in one click,
//! which then lands in `accounts.json` and moves the account to the top level. And every
//! account's pictures are on disk before anyone switches to it, though no window ever opened:
//! a start in the tray builds none until "Open Linkcord".

use std::process::{Child, Stdio};
use std::time::Duration;

use linkcord_tests::app::Sandbox;
use linkcord_tests::rig::Rig;
use linkcord_tests::seed::{ManyUsers, SeedUser};
use linkcord_tests::tray::{MenuEntry, Shell, describe};
use linkcord_tests::webdriver;

/// For what has no promise of speed (start-up, a switch) on a loaded machine.
const PATIENTLY: Duration = Duration::from_secs(30);
const ACCOUNTS: usize = 15;
/// The top level's share of accounts (`gui/tray_menu.rs`).
const TOP_LEVEL: usize = 10;
const MORE: &str = "More accounts";

#[tokio::test]
async fn past_ten_accounts_the_rest_go_under_more_accounts_and_switch_from_there() {
    if !webdriver::enabled(
        "past_ten_accounts_the_rest_go_under_more_accounts_and_switch_from_there",
    ) {
        return;
    }
    let shell = Shell::start()
        .await
        .expect("own org.kde.StatusNotifierWatcher on the session bus (run under dbus)");
    let many = ManyUsers::generate(ACCOUNTS);
    // Signed in one after the other: the first is the least recently used.
    let rig = Rig::builder()
        .emulator(many.emulator_config())
        .signed_in(&many.ids())
        .start()
        .await;
    let sandbox = &rig.sandbox;
    let users = many.users();
    // Made active without being used (as an index from an older version, or edited by
    // hand, would have it): the least recently used account is the active one.
    set_active_in_index(sandbox, &users[0].id);

    let _app = AppProcess(
        sandbox
            .command(&["--hidden"])
            .stdout(Stdio::null())
            .spawn()
            .expect("start linkcord in the tray"),
    );
    let item = shell.wait_for_item(PATIENTLY).await;
    let (menu, ok) = item
        .wait_for_menu(PATIENTLY, |m| {
            more_accounts(m).is_some() && account(m, &users[0]).is_some_and(MenuEntry::checked)
        })
        .await;
    assert!(
        ok,
        "no overflow with the active account checked: {}",
        describe(&menu)
    );

    // The top level: the active account first, then the nine used last, newest first.
    let top: Vec<&MenuEntry> = menu.iter().filter(|e| is_account(e)).collect();
    assert_eq!(top.len(), TOP_LEVEL, "{}", describe(&menu));
    assert!(
        names(top[0], &users[0]),
        "the active account heads the menu: {}",
        describe(&menu)
    );
    for (place, user) in top[1..].iter().zip(users.iter().rev()) {
        assert!(
            names(place, user),
            "{} expected next: {}",
            user.username,
            describe(&menu)
        );
    }

    // "More accounts": the five used least, by name, each once, none of them on top.
    let more = more_accounts(&menu).unwrap();
    let hidden = &users[1..=ACCOUNTS - TOP_LEVEL];
    assert_eq!(
        more.children.len(),
        hidden.len(),
        "{}",
        describe(&more.children)
    );
    for user in hidden {
        assert!(
            more.children.iter().any(|e| names(e, user)),
            "{} missing from More accounts: {}",
            user.username,
            describe(&more.children)
        );
        assert!(account(&top.iter().copied().cloned().collect::<Vec<_>>(), user).is_none());
    }
    let labels: Vec<String> = more
        .children
        .iter()
        .map(|e| e.label.to_lowercase())
        .collect();
    let mut sorted = labels.clone();
    sorted.sort();
    assert_eq!(labels, sorted, "More accounts is in name order");

    // Every picture a switch would show is already in the image cache: each account's avatar
    // in the switchers and on its profile (one default avatar, which has no size, when it has
    // none) and its banner. Without the prefetch only the tray's own icon would be there.
    let expected: usize = rig
        .emulator()
        .fixtures()
        .users()
        .iter()
        .map(|u| if u.avatar().is_some() { 2 } else { 1 } + usize::from(u.banner().is_some()))
        .sum();
    let images = sandbox.data_dir.path().join("cache").join("images");
    // Only finished pictures: a download in progress is a hidden temporary file beside them.
    let cached = || {
        std::fs::read_dir(&images).map_or(0, |dir| {
            dir.filter_map(Result::ok)
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .count()
        })
    };
    assert!(
        wait_until(PATIENTLY, || cached() >= expected).await,
        "{} of {expected} pictures in the image cache",
        cached()
    );
    assert_eq!(cached(), expected, "each picture once");
    // Started in the tray, the app built no window: no web process holds memory for it.
    assert_eq!(
        sandbox.web_processes(),
        Vec::<u32>::new(),
        "a web process with no window"
    );

    // A click inside "More accounts" switches: the index says so, and the account moves up.
    let target = &hidden[2];
    let entry = more.children.iter().find(|e| names(e, target)).unwrap();
    item.click(entry.id).await.expect("click in More accounts");
    let switched = wait_until(PATIENTLY, || {
        active_in_index(sandbox).as_deref() == Some(&target.id)
    })
    .await;
    assert!(
        switched,
        "accounts.json still names {:?} active",
        active_in_index(sandbox)
    );
    let (menu, ok) = item
        .wait_for_menu(PATIENTLY, |m| {
            let top: Vec<MenuEntry> = m.iter().filter(|e| is_account(e)).cloned().collect();
            account(&top, target).is_some_and(MenuEntry::checked)
        })
        .await;
    assert!(
        ok,
        "the account switched to is not checked on top: {}",
        describe(&menu)
    );
    let more = more_accounts(&menu).expect("still fifteen accounts");
    assert!(
        !more.children.iter().any(|e| names(e, target)),
        "{}",
        describe(&more.children)
    );

    // The window is built when it is asked for.
    item.click_label("Open Linkcord").await;
    assert!(
        wait_until(PATIENTLY, || sandbox.web_processes().len() == 1).await,
        "\"Open Linkcord\" built no window: web processes {:?}",
        sandbox.web_processes()
    );
}

/// The menu's "More accounts" submenu, if it has one.
fn more_accounts(menu: &[MenuEntry]) -> Option<&MenuEntry> {
    menu.iter()
        .find(|e| e.label == MORE && !e.children.is_empty())
}

fn is_account(entry: &MenuEntry) -> bool {
    !entry.toggle_type.is_empty()
}

/// Whether a menu line names `user` (labels read "Display name (username)", each isolated).
fn names(entry: &MenuEntry, user: &SeedUser) -> bool {
    entry
        .label
        .contains(&format!("\u{2068}{}\u{2069}", user.username))
}

fn account<'m>(menu: &'m [MenuEntry], user: &SeedUser) -> Option<&'m MenuEntry> {
    menu.iter().find(|e| is_account(e) && names(e, user))
}

fn index_path(sandbox: &Sandbox) -> std::path::PathBuf {
    sandbox.data_dir.path().join("accounts.json")
}

fn active_in_index(sandbox: &Sandbox) -> Option<String> {
    let text = std::fs::read_to_string(index_path(sandbox)).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value["active"].as_str().map(str::to_owned)
}

fn set_active_in_index(sandbox: &Sandbox, id: &str) {
    let path = index_path(sandbox);
    let mut index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    index["active"] = id.into();
    std::fs::write(&path, serde_json::to_vec_pretty(&index).unwrap()).unwrap();
}

async fn wait_until(within: Duration, check: impl Fn() -> bool) -> bool {
    let deadline = std::time::Instant::now() + within;
    while std::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    check()
}

/// Ends the app started outside WebDriver, also when the test fails half-way.
struct AppProcess(Child);

impl Drop for AppProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
