//! What a click does outside the app, seen from outside: the URL each link hands the desktop's
//! opener (a recording `xdg-open` first on the app's `PATH`), what is refused, what the window
//! says when opening fails, and a second "Add account" (a link, the tray) while a sign-in waits.

use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use linkcord_tests::app::Sandbox;
use linkcord_tests::emulator::ids;
use linkcord_tests::rig::{Rig, Window};
use linkcord_tests::tray::Shell;
use linkcord_tests::webdriver::{self, click, screenshot, sign_in, wait_for, wait_for_text};

/// Where "Open Discord" and "Manage in Discord" lead.
const DISCORD_APP: &str = "https://discord.com/channels/@me";

/// Ava signed in through `LINKCORD_BROWSER`, with the recording openers first on the app's
/// `PATH`: from here on only the window's clicks reach an opener.
struct AvaSignedIn {
    client: Client,
    // Dropped after the client: the window's driver ends the app's whole process tree.
    _window: Window,
    rig: Rig,
}

impl AvaSignedIn {
    async fn start() -> Self {
        let rig = Rig::builder()
            .sandbox(Sandbox::with_recording_opener)
            .start()
            .await;
        let window = rig.open().await;
        let client = window.client.clone();
        sign_in(&client).await;
        wait_for_text(&client, "#profile-display-name", "Ava").await;
        Self {
            client,
            _window: window,
            rig,
        }
    }
}

/// Clicks the element matching `css` and returns the one URL the click handed to an opener,
/// checking it went to the desktop's default opener (`xdg-open`) and nothing else was opened.
async fn url_opened_by(sandbox: &Sandbox, client: &Client, css: &str, what: &str) -> String {
    let before = sandbox.opener().calls().len();
    click(client, css, what).await;
    let calls = sandbox.opener().wait_for_calls(before + 1).await;
    // A second call would come at once (the next opener after a failure, a double open).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let calls_now = sandbox.opener().calls();
    assert_eq!(
        calls_now.len(),
        before + 1,
        "{what} opened exactly one URL: {calls_now:?}"
    );
    assert_eq!(calls[before].program, "xdg-open", "{what}: {calls:?}");
    // The browser draws as it would have: what the app set for its own window stays there.
    assert_eq!(
        calls[before].inherited,
        Vec::<String>::new(),
        "{what}: the opener inherited variables the app set for itself"
    );
    calls[before].url().to_owned()
}

#[tokio::test]
async fn links_hand_their_exact_url_to_the_system_opener() {
    if !webdriver::enabled("links_hand_their_exact_url_to_the_system_opener") {
        return;
    }
    let ava = AvaSignedIn::start().await;
    let (sandbox, client) = (&ava.rig.sandbox, &ava.client);
    assert_eq!(
        sandbox.opener().calls(),
        vec![],
        "signing in opened nothing"
    );

    let open_discord = url_opened_by(sandbox, client, "#profile button.open", "Open Discord").await;
    assert_eq!(open_discord, DISCORD_APP);
    let manage = url_opened_by(
        sandbox,
        client,
        "#connections .head button",
        "Manage in Discord",
    )
    .await;
    assert_eq!(manage, DISCORD_APP);
    let github = url_opened_by(
        sandbox,
        client,
        "#connections [data-connection-type='github'] button.open",
        "Ava's GitHub profile",
    )
    .await;
    assert_eq!(github, "https://github.com/ava-nunez");
    let mastodon = url_opened_by(
        sandbox,
        client,
        "#connections [data-connection-type='mastodon'] button.open",
        "Ava's Mastodon profile",
    )
    .await;
    assert_eq!(mastodon, "https://mastodon.social/@avanunez");
    assert_no_notice(client).await;
    ava.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn hostile_urls_are_refused_and_a_failed_open_is_said() {
    if !webdriver::enabled("hostile_urls_are_refused_and_a_failed_open_is_said") {
        return;
    }
    let ava = AvaSignedIn::start().await;
    let (sandbox, client) = (&ava.rig.sandbox, &ava.client);

    // A page that was made to call the backend directly (an injected script) gets refused
    // for anything but a web address; the opener plugin, which could name a program, is not
    // there to call at all.
    let hostile = [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "linkcord://switch/1",
        "discord-1300000000000000042:/authorize/callback?code=x",
        "data:text/html,<script>alert(1)</script>",
        "not a url",
    ];
    for url in hostile {
        let answer = invoke(client, "open_link", url, None).await;
        assert!(
            answer.starts_with("refused:"),
            "open_link accepted {url}: {answer}"
        );
    }
    for with in [None, Some("sh")] {
        let answer = invoke(client, "plugin:opener|open_url", DISCORD_APP, with).await;
        assert!(
            answer.starts_with("refused:"),
            "the opener plugin answered (with {with:?}): {answer}"
        );
    }
    // Let a late spawn show up before checking nothing was opened.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sandbox.opener().calls(), vec![], "nothing was opened");

    // The desktop cannot open links (no browser set up): the window says so, in words.
    sandbox.opener().set_failing(true);
    click(client, "#profile button.open", "Open Discord").await;
    let notice = wait_for_text(client, ".notice.error", "Could not open").await;
    assert!(
        notice.contains(DISCORD_APP),
        "the notice names the link: {notice}"
    );
    screenshot(client, "open-failed-notice").await;
    assert!(
        sandbox.opener().urls().iter().all(|url| url == DISCORD_APP),
        "only the link was handed over: {:?}",
        sandbox.opener().calls()
    );
    ava.client.clone().close().await.unwrap();
}

/// Calls `command` with `url` (and `with`, a program) from the page as the UI's own code
/// would, and says how it answered.
async fn invoke(client: &Client, command: &str, url: &str, with: Option<&str>) -> String {
    let script = r#"
        const [command, url, withProgram, done] = arguments;
        const args = withProgram ? { url, with: withProgram } : { url };
        window.__TAURI_INTERNALS__.invoke(command, args).then(
            () => done("opened"),
            (e) => done("refused:" + String(e)));
    "#;
    let args = vec![
        command.into(),
        url.into(),
        with.map(Into::into).unwrap_or_default(),
    ];
    let answer = client.execute_async(script, args).await.unwrap();
    answer.as_str().unwrap_or_default().to_owned()
}

async fn assert_no_notice(client: &Client) {
    let notices = client
        .find_all(Locator::Css(".notice.error"))
        .await
        .unwrap();
    let mut texts = Vec::new();
    for notice in notices {
        texts.push(notice.text().await.unwrap_or_default());
    }
    assert!(texts.is_empty(), "error notices: {texts:?}");
}

/// The sign-in panel's state attribute.
async fn panel_state(client: &Client) -> String {
    match client.find(Locator::Css("#sign-in-panel")).await {
        Ok(panel) => panel
            .attr("data-state")
            .await
            .ok()
            .flatten()
            .unwrap_or_default(),
        Err(_) => "none".into(),
    }
}

/// A loopback port free right now, for the sign-in's fixed port.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Clicks through the consent page of `authorize_url` in a real browser as `user_id`.
async fn consent(authorize_url: &str, user_id: &str) {
    let browser = Path::new(env!("CARGO_BIN_EXE_consent-browser")).to_owned();
    let (url, user) = (authorize_url.to_owned(), user_id.to_owned());
    let status = tokio::task::spawn_blocking(move || {
        std::process::Command::new(browser)
            .args([&url, &user])
            .status()
    })
    .await
    .unwrap()
    .expect("run consent-browser");
    assert!(status.success(), "consent-browser: {status}");
}

#[tokio::test]
async fn a_second_add_account_takes_over_the_waiting_sign_in() {
    if !webdriver::enabled("a_second_add_account_takes_over_the_waiting_sign_in") {
        return;
    }
    // No LINKCORD_BROWSER: the sign-in opens its tab through the system opener, recorded.
    // One fixed port, as a person's settings have: the second sign-in must bind the port the
    // first one listens on.
    let port = free_port();
    let rig = Rig::builder()
        .without_browser()
        .without_any_port()
        .sandbox(Sandbox::with_recording_opener)
        .start()
        .await;
    let (emulator, sandbox) = (rig.emulator(), &rig.sandbox);
    let set = sandbox
        .command(&["config", "set", "port", &port.to_string()])
        .status()
        .unwrap();
    assert!(set.success());
    let window = rig.open().await;
    let client = &window.client;
    wait_for(
        client,
        "main[data-screen='accounts']",
        "the accounts screen",
    )
    .await;

    click(client, "#add-account", "the add-account button").await;
    let first = sandbox.opener().next_url(0).await;
    assert!(first.starts_with(&emulator.base_url()), "{first}");
    wait_for(
        client,
        "#sign-in-panel[data-state='waiting']",
        "the first sign-in waiting",
    )
    .await;

    // "Add account" again, from a link handed to the running app.
    let asked = Instant::now();
    let status = sandbox
        .command(&["linkcord://login"])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let second = sandbox.opener().next_url(1).await;
    eprintln!(
        "the second sign-in's tab opened {} ms after the link was handed over",
        asked.elapsed().as_millis()
    );
    assert_ne!(second, first, "the second request opened a new sign-in");
    assert!(second.contains(&format!("127.0.0.1%3A{port}")), "{second}");

    // The window follows the new sign-in and never says it was cancelled.
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        let state = panel_state(client).await;
        assert_eq!(state, "waiting", "the panel after the second add-account");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    screenshot(client, "second-add-account-waiting").await;
    // A window opened now (after closing this one) would show the same live sign-in.
    let shown = client
        .execute_async(
            "const done = arguments[0]; window.__TAURI_INTERNALS__.invoke('app_view', {}).then((v) => done(JSON.stringify(v.signIn)), (e) => done('error:' + String(e)));",
            vec![],
        )
        .await
        .unwrap();
    let shown: serde_json::Value =
        serde_json::from_str(shown.as_str().unwrap_or_default()).expect("the sign-in status");
    assert_eq!(shown["state"], "waiting", "app_view's sign-in: {shown}");
    assert_eq!(shown["authorizeUrl"], second.as_str(), "app_view's sign-in");

    // The first tab, approved late, lands on the listener of the newer sign-in: it is told the
    // link is stale, and the sign-in still waits for the second tab.
    let stale = reqwest::get(format!("{first}&approve_as={}", ids::DMITRI))
        .await
        .expect("the stale tab reaches Linkcord");
    assert_eq!(stale.url().path(), "/callback");
    assert_eq!(stale.status(), 400, "the stale callback is refused");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(panel_state(client).await, "waiting", "after the stale tab");

    consent(&second, ids::AVA).await;
    wait_for(
        client,
        "#sign-in-panel[data-state='done']",
        "the second sign-in done",
    )
    .await;
    let ava = format!("#account-list [data-account-id='{}']", ids::AVA);
    wait_for(client, &ava, "Ava in the account list").await;
    wait_for_text(client, "#profile-display-name", "Ava").await;
    let listed = client
        .find_all(Locator::Css("#account-list [data-account-id]"))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "only the second tab's account was added");
    screenshot(client, "second-add-account-done").await;
    assert_eq!(sandbox.opener().calls().len(), 2, "no other tab was opened");

    // Cancel still works afterwards, and lets go of the port.
    click(client, "#close-sign-in", "the close button").await;
    click(client, "#add-account", "the add-account button").await;
    sandbox.opener().next_url(2).await;
    wait_for(
        client,
        "#sign-in-panel[data-state='waiting']",
        "the third sign-in waiting",
    )
    .await;
    click(client, "#cancel-sign-in", "the cancel button").await;
    wait_for(
        client,
        "#sign-in-panel[data-state='cancelled']",
        "the cancelled sign-in",
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpListener::bind(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "the cancelled sign-in still holds port {port}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    window.close().await;
}

#[tokio::test]
async fn a_tray_add_account_takes_over_and_its_deep_link_callback_completes() {
    if !webdriver::enabled("a_tray_add_account_takes_over_and_its_deep_link_callback_completes") {
        return;
    }
    let shell = Shell::start()
        .await
        .expect("own org.kde.StatusNotifierWatcher on the session bus (run under dbus)");
    // Deep-link redirect: Discord sends the browser to discord-<id>:/authorize/callback, which
    // the desktop hands to a second `linkcord`; it must reach the sign-in that is live.
    let rig = Rig::builder()
        .without_browser()
        .without_any_port()
        .sandbox(Sandbox::with_recording_opener)
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
    wait_for(
        client,
        "main[data-screen='accounts']",
        "the accounts screen",
    )
    .await;
    let item = shell.wait_for_item(Duration::from_secs(30)).await;

    click(client, "#add-account", "the add-account button").await;
    let first = sandbox.opener().next_url(0).await;
    wait_for(
        client,
        "#sign-in-panel[data-state='waiting']",
        "the first sign-in waiting",
    )
    .await;
    item.click_label("Add account…").await;
    let second = sandbox.opener().next_url(1).await;
    assert_ne!(second, first, "the tray opened a new sign-in");
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        assert_eq!(
            panel_state(client).await,
            "waiting",
            "after the tray's add-account"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Approve the second tab and hand its callback to the app as the desktop would.
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let approved = no_redirects
        .get(format!("{second}&approve_as={}", ids::DMITRI))
        .send()
        .await
        .expect("the consent page answers");
    let callback = approved
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("Discord redirects to the app")
        .to_owned();
    assert!(callback.starts_with("discord-"), "{callback}");
    let status = sandbox
        .command(&[&callback])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    wait_for(
        client,
        "#sign-in-panel[data-state='done']",
        "the tray's sign-in done",
    )
    .await;
    wait_for_text(client, "#profile-display-name", "Дмитрий").await;
    assert_no_notice(client).await;
    assert_eq!(sandbox.opener().calls().len(), 2, "no other tab was opened");
    window.close().await;
}
