//! What a click does outside the app, seen from outside: the URL each link hands the desktop's
//! opener (a recording `xdg-open` first on the app's `PATH`), what is refused, and what the
//! window says when opening fails.

use std::time::Duration;

use fantoccini::{Client, Locator};
use linkcord_tests::app::Sandbox;
use linkcord_tests::emulator::{Emulator, EmulatorConfig, ids};
use linkcord_tests::webdriver::{self, Driver, click, screenshot, sign_in, wait_for_text};

/// Where "Open Discord" and "Manage in Discord" lead.
const DISCORD_APP: &str = "https://discord.com/channels/@me";

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
    calls[before].url().to_owned()
}

#[tokio::test]
async fn links_hand_their_exact_url_to_the_system_opener() {
    if !webdriver::enabled("links_hand_their_exact_url_to_the_system_opener") {
        return;
    }
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    // The sign-in goes through LINKCORD_BROWSER; only the clicks below reach the openers.
    let sandbox = Sandbox::new()
        .with_emulator(&emulator.base_url())
        .with_consenting_browser(ids::AVA)
        .with_recording_opener()
        .with_any_loopback_port();
    let driver = Driver::start(&sandbox);
    let client = driver.launch(&[]).await;
    sign_in(&client).await;
    wait_for_text(&client, "#profile-display-name", "Ava").await;
    assert_eq!(
        sandbox.opener().calls(),
        vec![],
        "signing in opened nothing"
    );

    let open_discord =
        url_opened_by(&sandbox, &client, "#profile button.open", "Open Discord").await;
    assert_eq!(open_discord, DISCORD_APP);
    let manage = url_opened_by(
        &sandbox,
        &client,
        "#connections .head button",
        "Manage in Discord",
    )
    .await;
    assert_eq!(manage, DISCORD_APP);
    let github = url_opened_by(
        &sandbox,
        &client,
        "#connections [data-connection-type='github'] button.open",
        "Ava's GitHub profile",
    )
    .await;
    assert_eq!(github, "https://github.com/ava-nunez");
    let mastodon = url_opened_by(
        &sandbox,
        &client,
        "#connections [data-connection-type='mastodon'] button.open",
        "Ava's Mastodon profile",
    )
    .await;
    assert_eq!(mastodon, "https://mastodon.social/@avanunez");
    assert_no_notice(&client).await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn hostile_urls_are_refused_and_a_failed_open_is_said() {
    if !webdriver::enabled("hostile_urls_are_refused_and_a_failed_open_is_said") {
        return;
    }
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let sandbox = Sandbox::new()
        .with_emulator(&emulator.base_url())
        .with_consenting_browser(ids::AVA)
        .with_recording_opener()
        .with_any_loopback_port();
    let driver = Driver::start(&sandbox);
    let client = driver.launch(&[]).await;
    sign_in(&client).await;
    wait_for_text(&client, "#profile-display-name", "Ava").await;

    // A page that was made to call the opener directly (an injected script) gets refused
    // for anything but a web address, and for any program of its choosing.
    let hostile = [
        ("javascript:alert(1)", None),
        ("file:///etc/passwd", None),
        ("linkcord://switch/1", None),
        (
            "discord-1300000000000000042:/authorize/callback?code=x",
            None,
        ),
        ("data:text/html,<script>alert(1)</script>", None),
        ("https://discord.com/channels/@me", Some("sh")),
    ];
    for (url, with) in hostile {
        let answer = invoke_opener(&client, url, with).await;
        assert!(
            answer.starts_with("refused:"),
            "the opener accepted {url} (with {with:?}): {answer}"
        );
    }
    // Let a late spawn show up before checking nothing was opened.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sandbox.opener().calls(), vec![], "nothing was opened");

    // The desktop cannot open links (no browser set up): the window says so, in words.
    sandbox.opener().set_failing(true);
    click(&client, "#profile button.open", "Open Discord").await;
    let notice = wait_for_text(&client, ".notice.error", "Could not open").await;
    assert!(
        notice.contains(DISCORD_APP),
        "the notice names the link: {notice}"
    );
    screenshot(&client, "open-failed-notice").await;
    assert!(
        sandbox.opener().urls().iter().all(|url| url == DISCORD_APP),
        "only the link was handed over: {:?}",
        sandbox.opener().calls()
    );
    client.close().await.unwrap();
}

/// Calls the opener plugin from the page as the UI's own code would, and says how it answered.
async fn invoke_opener(client: &Client, url: &str, with: Option<&str>) -> String {
    let script = r#"
        const [url, withProgram, done] = arguments;
        const args = withProgram ? { url, with: withProgram } : { url };
        window.__TAURI_INTERNALS__.invoke("plugin:opener|open_url", args).then(
            () => done("opened"),
            (e) => done("refused:" + String(e)));
    "#;
    let args = vec![url.into(), with.map(Into::into).unwrap_or_default()];
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
