//! The tray icon of the real app, seen and clicked as a Linux panel does: over D-Bus, through
//! a stand-in desktop shell (`linkcord_tests::tray`) that owns the StatusNotifierWatcher.
//! The window is driven through WebDriver under Xvfb, with a real Secret Service; accounts are
//! signed in against the Discord emulator with `linkcord login`.
//!
//! What a user depends on: the menu lists every account (the active one checked) and switches
//! in one click; "Add account…", "Refresh", "Open Linkcord", "Quit"; the icon is the active
//! account's avatar and its hover text the account's name; a switch from anywhere shows
//! everywhere within a second; closing the window keeps Linkcord in the tray; starting at
//! login starts it in the tray.

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use fantoccini::Client;
use linkcord_tests::app::{Sandbox, workspace_root};
use linkcord_tests::emulator::{FixtureUser, RunningEmulator, ids};
use linkcord_tests::rig::{Rig, Window};
use linkcord_tests::tray::{self, MenuEntry, Shell, TrayItem, describe};
use linkcord_tests::webdriver::{self, click, screenshot, wait_for, wait_for_text};
use linkcord_tests::window_manager;

/// The window's title, which the stand-in window manager looks for.
const WINDOW_TITLE: &str = "Linkcord";
/// "Within a second", as the issue puts it.
const PROMPTLY: Duration = Duration::from_secs(1);
/// For what has no promise of speed (start-up, fetching an avatar) on a loaded machine.
const PATIENTLY: Duration = Duration::from_secs(30);

/// The desktop shell, then the rig: the emulator and a sandbox whose stand-in browser
/// consents, with each of `accounts` signed in with `linkcord login` (the last one ends up
/// active). `env` goes on the sandbox.
async fn setup(accounts: &[&str], env: &[(&str, &str)]) -> (Rig, Shell) {
    let shell = Shell::start()
        .await
        .expect("own org.kde.StatusNotifierWatcher on the session bus (run under dbus)");
    let mut rig = Rig::builder()
        .approving(accounts.last().copied().unwrap_or(ids::AVA))
        .signed_in(accounts);
    for (key, value) in env {
        rig = rig.env(key, value);
    }
    let rig = rig.start().await;
    if let Some(last) = accounts.last() {
        assert_eq!(rig.active_account().as_deref(), Some(*last));
    }
    (rig, shell)
}

/// Linkcord running with its window open and its tray item registered.
struct Opened {
    // Dropped first: the window's driver ends the app's whole process tree.
    window: Window,
    client: Client,
    item: TrayItem,
    _shell: Shell,
    rig: Rig,
}

/// Ava and Dmitri signed in, then Linkcord started: the window shows Dmitri (the active one)
/// and the tray menu checks him. Returns the menu as it then read.
async fn open_with_ava_and_dmitri() -> (Opened, Vec<MenuEntry>) {
    let (rig, shell) = setup(&[ids::AVA, ids::DMITRI], &[]).await;
    let (ava, dmitri) = (rig.user(ids::AVA), rig.user(ids::DMITRI));
    let window = rig.open().await;
    let client = window.client.clone();
    wait_for_text(&client, "#profile-display-name", dmitri.display_name()).await;
    let item = shell.wait_for_item(PATIENTLY).await;
    let (menu, ok) = item
        .wait_for_menu(PATIENTLY, |m| {
            shows_active(m, &dmitri.username, &[&ava.username])
        })
        .await;
    assert!(ok, "the menu should check Dmitri only: {}", describe(&menu));
    let opened = Opened {
        window,
        client,
        item,
        _shell: shell,
        rig,
    };
    (opened, menu)
}

/// Runs a `linkcord` command off the test's runtime thread, which also serves the emulator.
async fn run(mut command: std::process::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("run linkcord")
}

/// The menu entry of the account with `username` (labels read "Display (username)").
fn account_entry<'m>(menu: &'m [MenuEntry], username: &str) -> Option<&'m MenuEntry> {
    menu.iter()
        .find(|e| !e.toggle_type.is_empty() && e.label.contains(username))
}

/// The menu shows `active` checked and every one of `others` listed unchecked.
fn shows_active(menu: &[MenuEntry], active: &str, others: &[&str]) -> bool {
    account_entry(menu, active).is_some_and(MenuEntry::checked)
        && others
            .iter()
            .all(|o| account_entry(menu, o).is_some_and(|e| !e.checked()))
}

/// Polls the item's hover text (`ToolTip` where the item has one, else `Title`, which is what
/// a panel shows for an item without a tooltip) until it contains `name`.
async fn wait_for_hover_text(item: &TrayItem, name: &str, within: Duration) -> (String, bool) {
    let deadline = Instant::now() + within;
    loop {
        let text = match item.properties().await {
            Ok(p) => match p.tooltip {
                Some((title, body)) if !title.is_empty() || !body.is_empty() => {
                    format!("{title} {body}")
                }
                _ => p.title,
            },
            Err(e) => format!("(no answer: {e})"),
        };
        if text.contains(name) {
            return (text, true);
        }
        if Instant::now() >= deadline {
            return (text, false);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Linkcord's own tray icon, decoded.
fn default_icon() -> image::RgbaImage {
    let bytes = std::fs::read(workspace_root().join("icons").join("tray.png")).unwrap();
    image::load_from_memory(&bytes).unwrap().to_rgba8()
}

/// The avatar the tray should show for `user`: the 64 px PNG the window's list uses.
async fn avatar_of(emulator: &RunningEmulator, user: &FixtureUser) -> image::RgbaImage {
    let hash = user.avatar().expect("the fixture user has an avatar");
    let url = format!(
        "{}/avatars/{}/{hash}.png?size=64",
        emulator.cdn_url(),
        user.id
    );
    let bytes = reqwest::get(&url).await.unwrap().bytes().await.unwrap();
    image::load_from_memory(&bytes).unwrap().to_rgba8()
}

async fn wait_for_icon(item: &TrayItem, want: &image::RgbaImage, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if item.icon().await.as_ref() == Some(want) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn emulator_requests(emulator: &RunningEmulator, route: &str) -> u64 {
    let stats: serde_json::Value = reqwest::get(format!("{}/_emulator/stats", emulator.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    stats["requests"][route].as_u64().unwrap_or(0)
}

async fn wait_until_viewable(viewable: bool, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if window_manager::window_is_viewable(WINDOW_TITLE) == viewable {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether the window's profile header names `name` right now.
async fn window_shows(client: &Client, name: &str) -> bool {
    match client
        .find(fantoccini::Locator::Css("#profile-display-name"))
        .await
    {
        Ok(el) => el.text().await.unwrap_or_default().contains(name),
        Err(_) => false,
    }
}

#[tokio::test]
async fn the_tray_lists_every_account_and_switches_in_one_click() {
    if !webdriver::enabled("the_tray_lists_every_account_and_switches_in_one_click") {
        return;
    }
    let (opened, menu) = open_with_ava_and_dmitri().await;
    // The shell stays in `opened`, alive until the test ends.
    let Opened {
        rig,
        window: _window,
        client,
        item,
        ..
    } = opened;
    let emulator = rig.emulator();
    let (ava, dmitri) = (rig.user(ids::AVA), rig.user(ids::DMITRI));

    // Both accounts, Dmitri (the active one) checked, and the four actions.
    for action in ["Add account…", "Refresh", "Open Linkcord", "Quit"] {
        assert!(
            tray::find(&menu, action).is_some_and(|e| e.enabled),
            "no enabled {action:?} in the tray menu: {}",
            describe(&menu)
        );
    }
    eprintln!("tray menu: {}", describe(&menu));
    let (hover, ok) = wait_for_hover_text(&item, dmitri.display_name(), PATIENTLY).await;
    assert!(
        ok,
        "the tray's hover text should name Dmitri, it reads {hover:?}"
    );
    // The icon: Dmitri's avatar once it is cached, not Linkcord's own icon.
    let dmitri_avatar = avatar_of(emulator, dmitri).await;
    assert_ne!(dmitri_avatar, default_icon());
    assert!(
        wait_for_icon(&item, &dmitri_avatar, PATIENTLY).await,
        "the tray icon should become Dmitri's avatar ({:?})",
        item.properties().await.map(|p| p.icon_name)
    );
    screenshot(&client, "tray-two-accounts").await;

    // One click on Ava in the tray: the window and accounts.json follow within a second.
    let clicked = Instant::now();
    item.click(account_entry(&menu, &ava.username).unwrap().id)
        .await
        .expect("click Ava in the tray menu");
    let (mut in_window, mut in_index) = (None, None);
    while (in_window.is_none() || in_index.is_none()) && clicked.elapsed() < PATIENTLY {
        if in_index.is_none() && rig.active_account().as_deref() == Some(ids::AVA) {
            in_index = Some(clicked.elapsed());
        }
        if in_window.is_none() && window_shows(&client, ava.display_name()).await {
            in_window = Some(clicked.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    eprintln!("tray switch: accounts.json after {in_index:?}, window after {in_window:?}");
    assert!(
        in_index.is_some_and(|t| t <= PROMPTLY),
        "accounts.json should name Ava within a second, took {in_index:?}"
    );
    assert!(
        in_window.is_some_and(|t| t <= PROMPTLY),
        "the window should show Ava within a second, took {in_window:?}"
    );
    let (menu, ok) = item
        .wait_for_menu(PROMPTLY, |m| {
            shows_active(m, &ava.username, &[&dmitri.username])
        })
        .await;
    assert!(ok, "the checks should move to Ava: {}", describe(&menu));
    let (hover, ok) = wait_for_hover_text(&item, ava.display_name(), PROMPTLY).await;
    assert!(ok, "the hover text should name Ava, it reads {hover:?}");
    let ava_avatar = avatar_of(emulator, ava).await;
    assert!(
        wait_for_icon(&item, &ava_avatar, PATIENTLY).await,
        "the tray icon should become Ava's avatar"
    );
    screenshot(&client, "tray-switched-to-ava").await;

    // A refresh that changes nothing the tray shows leaves its menu alone (a panel redraws
    // the whole menu on every rebuild), while the accounts are published again.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = item.menu_revision().await.expect("menu revision");
    let requests = emulator_requests(emulator, "users/@me").await;
    item.click_label("Refresh").await;
    let deadline = Instant::now() + PATIENTLY;
    while emulator_requests(emulator, "users/@me").await <= requests && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Past the refresh's publication and the accounts.json watcher's next look (500 ms).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let after = item.menu_revision().await.expect("menu revision");
    eprintln!("tray menu revision around a refresh: {before:?} -> {after:?}");
    assert_eq!(
        before, after,
        "a refresh that changed nothing rebuilt the tray menu"
    );
    client.close().await.unwrap();
}

/// Mallory's display name holds U+202E RIGHT-TO-LEFT OVERRIDE: in the menu line and the hover
/// text it is wrapped in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE, so a panel that
/// applies the bidi algorithm cannot reverse the "(username)" after it.
#[tokio::test]
async fn names_from_discord_are_isolated_in_the_menu_and_hover_text() {
    if !webdriver::enabled("names_from_discord_are_isolated_in_the_menu_and_hover_text") {
        return;
    }
    let (rig, shell) = setup(&[ids::MALLORY], &[]).await;
    let mallory = rig.user(ids::MALLORY);
    assert!(mallory.display_name().contains('\u{202E}'));
    let window = rig.open().await;
    let client = window.client.clone();
    wait_for_text(&client, "#profile-username", &mallory.username).await;
    let item = shell.wait_for_item(PATIENTLY).await;
    let isolated = |text: &str| format!("\u{2068}{text}\u{2069}");
    let want = format!(
        "{} ({})",
        isolated(mallory.display_name()),
        isolated(&mallory.username)
    );
    let (menu, ok) = item
        .wait_for_menu(PATIENTLY, |m| m.iter().any(|e| e.label == want))
        .await;
    assert!(ok, "the menu should read {want:?}: {}", describe(&menu));
    let (hover, ok) =
        wait_for_hover_text(&item, &isolated(mallory.display_name()), PATIENTLY).await;
    assert!(
        ok,
        "the hover text should isolate the name, it reads {hover:?}"
    );
    client.close().await.unwrap();
}

#[tokio::test]
async fn a_switch_in_the_window_or_a_terminal_shows_in_the_tray() {
    if !webdriver::enabled("a_switch_in_the_window_or_a_terminal_shows_in_the_tray") {
        return;
    }
    let (opened, _) = open_with_ava_and_dmitri().await;
    // The shell stays in `opened`, alive until the test ends.
    let Opened {
        rig,
        window: _window,
        client,
        item,
        ..
    } = opened;
    let sandbox = &rig.sandbox;
    let (ava, dmitri) = (rig.user(ids::AVA), rig.user(ids::DMITRI));

    // From the window's account list.
    let started = Instant::now();
    click(
        &client,
        &format!("#account-list [data-account-id='{}']", ids::AVA),
        "Ava in the window's list",
    )
    .await;
    let (menu, ok) = item
        .wait_for_menu(PATIENTLY, |m| {
            shows_active(m, &ava.username, &[&dmitri.username])
        })
        .await;
    let took = started.elapsed();
    eprintln!("window switch reached the tray menu after {took:?}");
    assert!(ok, "the tray should check Ava: {}", describe(&menu));
    assert!(took <= PROMPTLY, "window → tray took {took:?}");
    let (hover, ok) = wait_for_hover_text(&item, ava.display_name(), PROMPTLY).await;
    assert!(ok, "the hover text should name Ava, it reads {hover:?}");
    wait_for_text(&client, "#profile-display-name", ava.display_name()).await;
    screenshot(&client, "tray-after-window-switch").await;

    // From a terminal, by username.
    let out = run(sandbox.command(&["switch", &dmitri.username])).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let started = Instant::now();
    let (menu, ok) = item
        .wait_for_menu(PATIENTLY, |m| {
            shows_active(m, &dmitri.username, &[&ava.username])
        })
        .await;
    let took = started.elapsed();
    eprintln!("`linkcord switch` reached the tray menu after {took:?}");
    assert!(ok, "the tray should check Dmitri: {}", describe(&menu));
    assert!(took <= PROMPTLY, "terminal → tray took {took:?}");
    let (hover, ok) = wait_for_hover_text(&item, dmitri.display_name(), PROMPTLY).await;
    assert!(ok, "the hover text should name Dmitri, it reads {hover:?}");
    wait_for_text(&client, "#profile-display-name", dmitri.display_name()).await;
    screenshot(&client, "tray-after-terminal-switch").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn closing_the_window_keeps_the_tray_which_reopens_refreshes_and_adds() {
    if !webdriver::enabled("closing_the_window_keeps_the_tray_which_reopens_refreshes_and_adds") {
        return;
    }
    // From the start of the app on, the "browser" opens nothing, so a sign-in stays waiting
    // for Discord.
    let (rig, shell) = setup(&[ids::AVA], &[("LINKCORD_BROWSER", "true")]).await;
    let (emulator, sandbox) = (rig.emulator(), &rig.sandbox);
    let ava = rig.user(ids::AVA);
    let window = rig.open().await;
    let client = window.client.clone();
    wait_for_text(&client, "#profile-display-name", ava.display_name()).await;
    let item = shell.wait_for_item(PATIENTLY).await;
    assert!(
        wait_until_viewable(true, PATIENTLY).await,
        "the window shows"
    );

    // Closing the window (its close button, through the window manager) closes it and ends
    // its web engine's process, which holds most of the memory; the app and its tray icon
    // stay.
    assert!(
        !sandbox.web_processes().is_empty(),
        "the open window has a web process"
    );
    assert!(
        window_manager::close_window(WINDOW_TITLE) >= 1,
        "no visible window titled {WINDOW_TITLE:?} to close"
    );
    assert!(
        wait_until_viewable(false, PATIENTLY).await,
        "closing the window should hide it"
    );
    assert!(
        item.alive().await,
        "the tray icon should outlive the window"
    );
    assert_eq!(shell.items().len(), 1, "still registered");
    assert!(
        web_process_ends(sandbox, PATIENTLY).await,
        "the closed window's WebKitWebProcess should end"
    );

    // "Open Linkcord" brings it back, working.
    item.click_label("Open Linkcord").await;
    assert!(
        wait_until_viewable(true, Duration::from_secs(5)).await,
        "\"Open Linkcord\" should show the window"
    );
    webdriver::follow_main_window(&client).await;
    wait_for_text(&client, "#profile-display-name", ava.display_name()).await;
    screenshot(&client, "tray-reopened").await;

    // "Refresh" asks Discord again (the emulator counts the requests).
    let before = emulator_requests(emulator, "users/@me").await;
    item.click_label("Refresh").await;
    let deadline = Instant::now() + PATIENTLY;
    let mut after = before;
    while after <= before && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        after = emulator_requests(emulator, "users/@me").await;
    }
    assert!(
        after > before,
        "\"Refresh\" should fetch /users/@me again ({before} → {after} requests)"
    );

    // "Add account…" with the window closed opens it on the sign-in waiting for the browser.
    assert!(
        window_manager::close_window(WINDOW_TITLE) >= 1,
        "close the window again"
    );
    assert!(
        wait_until_viewable(false, PATIENTLY).await,
        "the window closes again"
    );
    item.click_label("Add account…").await;
    webdriver::follow_main_window(&client).await;
    wait_for(
        &client,
        "#sign-in-panel[data-state='waiting']",
        "the sign-in panel waiting for the browser",
    )
    .await;
    assert!(window_manager::window_is_viewable(WINDOW_TITLE));
    screenshot(&client, "tray-add-account").await;
    client.close().await.unwrap();
}

/// Kills the app started outside WebDriver if a test fails half-way.
struct AppProcess(Child);

impl Drop for AppProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

#[tokio::test]
async fn quit_in_the_tray_ends_the_app_with_exit_code_0() {
    if !webdriver::enabled("quit_in_the_tray_ends_the_app_with_exit_code_0") {
        return;
    }
    let (rig, shell) = setup(&[ids::AVA], &[]).await;
    let sandbox = &rig.sandbox;
    // Started as a person would, not through WebDriver, so its exit code is ours to see.
    let mut app = AppProcess(
        sandbox
            .command(&[])
            .stdout(Stdio::null())
            .spawn()
            .expect("start linkcord"),
    );
    let item = shell.wait_for_item(PATIENTLY).await;
    assert!(
        wait_until_viewable(true, PATIENTLY).await,
        "the window shows"
    );
    item.click_label("Quit").await;
    let deadline = Instant::now() + PATIENTLY;
    let status = loop {
        if let Some(status) = app.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the app still runs after \"Quit\""
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status.code(), Some(0), "\"Quit\" exits cleanly: {status}");
    assert!(
        shell.wait_until_no_item(Duration::from_secs(5)).await,
        "the tray icon should be gone with the app"
    );
}

/// The `Exec=` line of a desktop entry, split into the program and its arguments.
fn exec_of(entry: &str) -> (PathBuf, Vec<String>) {
    let exec = entry
        .lines()
        .find_map(|l| l.strip_prefix("Exec="))
        .unwrap_or_else(|| panic!("no Exec= line in the autostart entry:\n{entry}"));
    let mut words = exec.split_whitespace().map(str::to_owned);
    let program = PathBuf::from(words.next().expect("a program in Exec="));
    (program, words.collect())
}

fn desktop_entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "desktop"))
        .collect()
}

async fn wait_for_entries(dir: &Path, present: bool) -> Vec<PathBuf> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let entries = desktop_entries(dir);
        if entries.is_empty() != present || Instant::now() >= deadline {
            return entries;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn start_at_login_starts_linkcord_in_the_tray() {
    if !webdriver::enabled("start_at_login_starts_linkcord_in_the_tray") {
        return;
    }
    let (rig, shell) = setup(&[ids::AVA], &[]).await;
    let ava = rig.user(ids::AVA);
    let autostart = rig.sandbox.autostart_dir();
    let (program, args) = {
        let window = rig.open().await;
        let client = window.client.clone();
        wait_for_text(&client, "#profile-display-name", ava.display_name()).await;
        assert!(desktop_entries(&autostart).is_empty());
        // The option lives on the settings page ("Edit setup" in the sidebar).
        click(
            &client,
            ".sidebar-footer button.link:not(#log-out-all)",
            "the edit-setup link",
        )
        .await;

        // On: an autostart entry in the sandbox's config dir, starting Linkcord hidden.
        click(&client, "#start-at-login", "the start-at-login option").await;
        let entries = wait_for_entries(&autostart, true).await;
        assert_eq!(entries.len(), 1, "one autostart entry in {autostart:?}");
        let entry = std::fs::read_to_string(&entries[0]).unwrap();
        eprintln!("{}:\n{entry}", entries[0].display());
        assert!(entry.contains("[Desktop Entry]"), "{entry}");
        let (program, args) = exec_of(&entry);
        assert!(
            args.iter().any(|a| a == "--hidden"),
            "the entry should start Linkcord hidden, in the tray: {entry}"
        );
        assert!(
            program.is_file(),
            "Exec names {program:?}, which is missing"
        );
        let selected = wait_for(&client, "#start-at-login", "the option")
            .await
            .prop("checked")
            .await
            .unwrap();
        assert_eq!(selected.as_deref(), Some("true"), "the option shows on");
        screenshot(&client, "tray-start-at-login-on").await;

        // Off: the entry is gone.
        click(&client, "#start-at-login", "the start-at-login option").await;
        let left = wait_for_entries(&autostart, false).await;
        assert!(left.is_empty(), "turning it off should remove {left:?}");
        client.close().await.unwrap();
        (program, args)
    };
    assert!(
        shell.wait_until_no_item(PATIENTLY).await,
        "the first app's tray icon should be gone"
    );

    // What the desktop runs at login: the entry's command. The tray icon comes; no window is
    // built (no web process holds memory for it) until "Open Linkcord". The WebDriver session
    // waits for that window meanwhile.
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let in_the_tray = async {
        let item = shell.wait_for_item(PATIENTLY).await;
        let (hover, ok) = wait_for_hover_text(&item, ava.display_name(), PATIENTLY).await;
        assert!(ok, "the tray names Ava, it reads {hover:?}");
        // Long enough for a window built at start to have its web process.
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(
            rig.sandbox.web_processes(),
            Vec::<u32>::new(),
            "a start at login builds no window"
        );
        assert!(
            !window_manager::window_is_viewable(WINDOW_TITLE),
            "a start at login must leave the window hidden"
        );
        item.click_label("Open Linkcord").await;
    };
    let (window, ()) = tokio::join!(rig.open_program(&program, &args), in_the_tray);
    let client = window.client.clone();
    assert!(
        wait_until_viewable(true, Duration::from_secs(5)).await,
        "\"Open Linkcord\" should show the window"
    );
    webdriver::follow_main_window(&client).await;
    wait_for_text(&client, "#profile-display-name", ava.display_name()).await;
    screenshot(&client, "tray-started-hidden-then-opened").await;
    client.close().await.unwrap();
}

/// Waits until no `WebKitWebProcess` started by this sandbox's app is left.
async fn web_process_ends(sandbox: &Sandbox, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if sandbox.web_processes().is_empty() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}
