//! The real app signed in as each of the emulator's other fixture users (Dmitri, Hanako,
//! Layla, Old Guard), checked against the fixture data itself: every connection with its flags
//! in words, avatars and banners, empty states, right-to-left text, the 200-server list, the
//! light and dark themes following the system, and French following the system language with
//! the in-app override. Screenshots of each land in `test-output/screenshots/`.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fantoccini::{Client, Locator};
use linkcord_tests::emulator::{Connection, FixtureUser, Fixtures, ids};
use linkcord_tests::rig::{Rig, Window};
use linkcord_tests::webdriver::{self, screenshot, sign_in, wait_for, wait_for_text};
use serde_json::Value;

/// How long the page gets to show something on this (shared, loaded) machine.
const PATIENCE: Duration = Duration::from_secs(30);

/// One running app, signed in (or not) against its own emulator.
struct App {
    client: Client,
    // Dropped after the client: the window's driver ends the app's whole process tree, then
    // the rig removes the sandbox and stops the emulator.
    _window: Window,
    _rig: Rig,
}

impl App {
    /// Starts an emulator and the app with `env` on top of the sandbox's (theme, language),
    /// with a stand-in browser that approves as `user_id`.
    async fn launch(user_id: &str, env: &[(&str, &str)]) -> Self {
        let mut rig = Rig::builder().approving(user_id);
        for (key, value) in env {
            rig = rig.env(key, value);
        }
        let rig = rig.start().await;
        let window = rig.open().await;
        let client = window.client.clone();
        // The first screen, however long a loaded machine takes to start the app (a WebDriver
        // error while the page is still loading is not an answer).
        eventually("the accounts screen", || async {
            client
                .find(Locator::Css("main[data-screen='accounts']"))
                .await
                .ok()
        })
        .await;
        Self {
            client,
            _window: window,
            _rig: rig,
        }
    }

    /// Signs in through the window and waits for the profile of `user`.
    async fn sign_in_as(&self, user: &FixtureUser) {
        sign_in(&self.client).await;
        wait_for_text(&self.client, "#profile-username", &user.username).await;
    }

    async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed ({e}): {script}"))
    }

    /// Runs `script` until `accept` takes its answer, or fails with `what` and the last answer.
    async fn js_until<T>(
        &self,
        what: &str,
        script: &str,
        accept: impl Fn(&Value) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let answer = self.js(script).await;
            if let Some(value) = accept(&answer) {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: not within {PATIENCE:?}; the page last said {answer}"
            );
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// The isolation of every element matching `css` ([`ISOLATION`]), once there is one.
    async fn isolation(&self, css: &str) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let answer = self
                .client
                .execute(ISOLATION, vec![Value::from(css)])
                .await
                .unwrap_or_else(|e| panic!("isolation of {css}: {e}"));
            if answer.as_array().is_some_and(|a| !a.is_empty()) {
                return answer;
            }
            assert!(Instant::now() < deadline, "nothing matches {css}");
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    async fn scroll_to(&self, css: &str) {
        let script = format!("document.querySelector({css:?}).scrollIntoView()");
        self.js(&script).await;
    }

    async fn close(self) {
        self.client.close().await.unwrap();
    }
}

/// Polls `probe` until it gives a value, failing with `what` after [`PATIENCE`].
async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(Instant::now() < deadline, "{what}: not within {PATIENCE:?}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

fn fixture(id: &str) -> FixtureUser {
    Fixtures::builtin()
        .user(id)
        .unwrap_or_else(|| panic!("fixture user {id}"))
        .clone()
}

// ---------------------------------------------------------------------------------------------
// What the page shows, read in one script each.

/// Every connection in the list, in the order shown.
const CONNECTIONS_SHOWN: &str = r#"
    return [...document.querySelectorAll('#connections [data-connection-type]')].map((li) => {
        const open = li.querySelector('button.open');
        const rect = li.getBoundingClientRect();
        return {
            type: li.dataset.connectionType,
            id: li.dataset.connectionId,
            service: li.querySelector('.service')?.textContent.trim() ?? '',
            name: li.querySelector('.name')?.textContent.trim() ?? '',
            icon: li.querySelector('[data-icon]')?.dataset.icon ?? null,
            link: open ? open.getAttribute('aria-label') : null,
            flags: Object.fromEntries([...li.querySelectorAll('[data-flag]')]
                .map((f) => [f.dataset.flag, f.textContent.trim()])),
            drawn: rect.width > 0 && rect.height > 0,
        };
    });
"#;

#[derive(Debug)]
struct ShownConnection {
    kind: String,
    id: String,
    service: String,
    name: String,
    icon: Option<String>,
    link: Option<String>,
    flags: BTreeMap<String, String>,
    drawn: bool,
}

fn parse_connections(value: &Value) -> Vec<ShownConnection> {
    let text = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_owned();
    value
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| ShownConnection {
            kind: text(c, "type"),
            id: text(c, "id"),
            service: text(c, "service"),
            name: text(c, "name"),
            icon: c["icon"].as_str().map(str::to_owned),
            link: c["link"].as_str().map(str::to_owned),
            flags: c["flags"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect(),
            drawn: c["drawn"].as_bool().unwrap_or(false),
        })
        .collect()
}

/// Waits until the list shows exactly `count` connections, and returns them.
async fn connections(app: &App, count: usize) -> Vec<ShownConnection> {
    app.js_until(
        &format!("{count} connections listed"),
        CONNECTIONS_SHOWN,
        |v| {
            let shown = parse_connections(v);
            (shown.len() == count).then_some(shown)
        },
    )
    .await
}

/// The English words the list uses for each flag of a fixture connection, keyed as the
/// page's `data-flag`: exactly these must be shown, no more.
fn flags_in_words(c: &Connection) -> BTreeMap<String, String> {
    let mut flags = BTreeMap::new();
    let mut put = |k: &str, v: &str| {
        flags.insert(k.to_owned(), v.to_owned());
    };
    put(
        "verified",
        if c.verified {
            "Verified"
        } else {
            "Not verified"
        },
    );
    put(
        "visibility",
        if c.visibility == 1 {
            "Public on profile"
        } else {
            "Only you"
        },
    );
    if c.revoked == Some(true) {
        put("revoked", "Revoked");
    }
    if c.two_way_link {
        put("two-way", "Two-way link");
    }
    if c.show_activity {
        put("activity", "Shows activity");
    }
    if c.friend_sync {
        put("friend-sync", "Syncs friends");
    }
    // Services Discord no longer lets anyone link say so.
    if ["instagram", "skype"].contains(&c.kind.as_str()) {
        put("no-longer-addable", "Can no longer be linked");
    }
    flags
}

/// Services whose public profile address can be built from what Discord sends (the name or
/// the id): only these get an "open profile" button.
const LINKABLE: [&str; 13] = [
    "github",
    "twitch",
    "youtube",
    "steam",
    "spotify",
    "roblox",
    "tiktok",
    "twitter",
    "ebay",
    "instagram",
    "reddit",
    "bluesky",
    "mastodon",
];

/// A domain connection opens `https://<id>/` when its id is a plain ASCII host name (Discord
/// verifies domains by DNS, so an IDN arrives as punycode); anything else (`javascript:…`)
/// gets no link.
fn is_linkable_domain(c: &Connection) -> bool {
    c.kind == "domain"
        && c.id.contains('.')
        && c.id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// Checks every fixture connection of `user` against the list, one by one.
fn assert_connections_match(user: &FixtureUser, shown: &[ShownConnection]) {
    assert_eq!(shown.len(), user.connections.len(), "{shown:#?}");
    for want in &user.connections {
        let got = shown
            .iter()
            .find(|s| s.kind == want.kind && s.id == want.id)
            .unwrap_or_else(|| panic!("{} {} is not listed: {shown:#?}", want.kind, want.id));
        let who = format!("{}'s {} connection", user.username, want.kind);
        assert!(got.drawn, "{who} is in the page but not drawn");
        let name = want.name.clone().unwrap_or_else(|| want.id.clone());
        assert_eq!(got.name, name, "{who}: account name");
        assert!(!got.service.is_empty(), "{who}: a service name");
        assert_eq!(got.flags, flags_in_words(want), "{who}: flags in words");
        if LINKABLE.contains(&want.kind.as_str()) || is_linkable_domain(want) {
            let label = got
                .link
                .as_deref()
                .unwrap_or_else(|| panic!("{who}: no profile link"));
            assert!(
                label.contains(&name) && label.contains(&got.service),
                "{who}: the link says what it opens: {label:?}"
            );
        } else {
            assert_eq!(got.link, None, "{who}: a profile link that cannot be built");
        }
    }
}

/// The `<img>` of the profile picture: where it came from (the CDN address behind the local
/// `lcimg:` one) and whether it decoded.
async fn profile_avatar(app: &App) -> (String, u64) {
    let script = r#"
        const ring = document.querySelector('#profile .avatar-ring');
        const img = ring?.querySelector('img');
        return img ? { src: img.src, width: img.complete ? img.naturalWidth : 0 }
                   : { shown: ring ? ring.innerHTML : 'no profile' };
    "#;
    app.js_until("the profile picture loaded", script, |v| {
        let width = v["width"].as_u64().filter(|w| *w > 0)?;
        Some((cdn_address(v["src"].as_str()?), width))
    })
    .await
}

/// The CDN URL a local image URL stands for (`lcimg://localhost/<base64url>`).
fn cdn_address(local: &str) -> String {
    let encoded = local.rsplit('/').next().unwrap_or_default();
    URL_SAFE_NO_PAD
        .decode(encoded)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_else(|| local.to_owned())
}

/// Discord's default avatar for a user without one: `discriminator % 5` for legacy accounts,
/// `(id >> 22) % 6` for the others.
fn default_avatar_path(user: &FixtureUser) -> String {
    let index = match user.discriminator() {
        "0" => (user.id.parse::<u64>().unwrap() >> 22) % 6,
        tag => tag.parse::<u64>().unwrap() % 5,
    };
    format!("/cdn/embed/avatars/{index}.png")
}

/// Whether the page is dark: the media query, and the luminance of what is painted.
async fn theme(app: &App) -> (bool, f64, f64) {
    let script = r#"
        const bg = (el) => getComputedStyle(el).backgroundColor;
        const card = document.querySelector('.card') ?? document.body;
        return {
            dark: matchMedia('(prefers-color-scheme: dark)').matches,
            page: bg(document.documentElement),
            card: bg(card),
            text: getComputedStyle(document.body).color,
        };
    "#;
    let v = app.js(script).await;
    let page = luminance(v["page"].as_str().unwrap_or_default());
    let card = luminance(v["card"].as_str().unwrap_or_default());
    let text = luminance(v["text"].as_str().unwrap_or_default());
    assert!(
        (page - text).abs() > 0.5,
        "text and background contrast: {v}"
    );
    (v["dark"].as_bool().unwrap_or(false), page, card)
}

/// Relative luminance (0 black … 1 white) of a CSS `rgb(…)`/`rgba(…)` colour.
fn luminance(css: &str) -> f64 {
    let inner = css
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')');
    let parts: Vec<f64> = inner
        .split([',', ' ', '/'])
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    assert!(parts.len() >= 3, "a colour: {css:?}");
    let channel = |c: f64| {
        let c = c / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(parts[0]) + 0.7152 * channel(parts[1]) + 0.0722 * channel(parts[2])
}

async fn assert_light(app: &App) {
    let (dark, page, card) = theme(app).await;
    assert!(!dark, "the system is light, the page says dark");
    assert!(
        page > 0.7 && card > 0.7,
        "light page ({page:.2}), card ({card:.2})"
    );
}

async fn assert_dark(app: &App) {
    let (dark, page, card) = theme(app).await;
    assert!(dark, "GTK_THEME=Adwaita:dark: the page should prefer dark");
    assert!(
        page < 0.05 && card < 0.05,
        "dark page ({page:.3}), card ({card:.3})"
    );
}

async fn text_of(app: &App, css: &str) -> String {
    app.client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .text()
        .await
        .unwrap()
}

// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn dmitri_every_connection_his_animated_avatar_and_cyrillic_names() {
    if !webdriver::enabled("dmitri_every_connection_his_animated_avatar_and_cyrillic_names") {
        return;
    }
    let dmitri = fixture(ids::DMITRI);
    let app = App::launch(ids::DMITRI, &[]).await;
    app.sign_in_as(&dmitri).await;
    wait_for_text(&app.client, "#profile-display-name", dmitri.display_name()).await;
    assert_light(&app).await;

    // The animated avatar: asked for as animated WebP, and it decodes.
    let hash = dmitri.avatar().unwrap();
    assert!(hash.starts_with("a_"));
    let (src, width) = profile_avatar(&app).await;
    assert!(
        src.contains(&format!("/avatars/{}/{hash}.webp", dmitri.id))
            && src.contains("animated=true"),
        "the animated avatar is asked for: {src}"
    );
    assert!(width >= 64, "the avatar decoded at {width} px");
    // The banner too (animated hash), drawn as an image.
    let banner = app
        .js_until(
            "the banner loaded",
            "const b = document.querySelector('#profile img.banner'); \
             return b && b.complete && b.naturalWidth > 0 ? b.src : null;",
            |v| v.as_str().map(cdn_address),
        )
        .await;
    assert!(banner.contains(dmitri.banner().unwrap()), "{banner}");
    // He has Nitro Classic, but Discord only tells partner apps (identify.premium): the page
    // must not claim he has none.
    assert_ne!(dmitri.user["premium_type"], 0);
    let premium = text_of(&app, "#profile-premium").await;
    assert!(!premium.contains("No Nitro"), "Nitro: {premium:?}");
    // The server tag beside the Cyrillic name.
    assert!(text_of(&app, "#profile h2").await.contains("ДК"));
    assert!(
        app.client
            .find(Locator::Css("#profile .legacy"))
            .await
            .is_err(),
        "no legacy tag for a migrated username"
    );

    // Every connection, flags in words, links only where they can be built.
    let shown = connections(&app, dmitri.connections.len()).await;
    assert_connections_match(&dmitri, &shown);
    let holodeck = shown.iter().find(|c| c.kind == "holodeck").unwrap();
    assert_eq!(
        holodeck.icon.as_deref(),
        Some("neutral"),
        "an unknown service gets the neutral icon"
    );
    assert!(
        holodeck.service.to_lowercase().contains("holodeck"),
        "an unknown service is named by its type: {holodeck:?}"
    );
    for known in shown.iter().filter(|c| {
        ["tiktok", "twitter", "roblox", "playstation", "facebook"].contains(&c.kind.as_str())
    }) {
        assert_ne!(known.icon.as_deref(), Some("neutral"), "{known:?}");
    }
    let revoked = shown.iter().find(|c| c.kind == "facebook").unwrap();
    assert!(revoked.flags.contains_key("revoked"));
    screenshot(&app.client, "profile-dmitri").await;
    app.scroll_to("#connections").await;
    screenshot(&app.client, "connections-dmitri").await;

    // Sorting: by service (the default), then by account name.
    let collate = r#"
        const c = new Intl.Collator(document.documentElement.lang, { sensitivity: 'base', numeric: true });
        const names = [...document.querySelectorAll('#connections [data-connection-type] .KEY')]
            .map((e) => e.textContent.trim());
        const sorted = [...names].sort((a, b) => c.compare(a, b));
        return { names, sorted };
    "#;
    let by_service = app.js(&collate.replace("KEY", "service")).await;
    assert_eq!(
        by_service["names"], by_service["sorted"],
        "sorted by service"
    );
    app.client
        .find(Locator::Css("#connection-sort"))
        .await
        .unwrap()
        .select_by_value("name")
        .await
        .unwrap();
    app.js_until(
        "the list sorted by account name",
        &collate.replace("KEY", "name"),
        |v| (v["names"] == v["sorted"]).then_some(()),
    )
    .await;

    // Filtering: by text (Cyrillic, any case), verified only, public only.
    let needle = "дмитрий";
    let matching = dmitri
        .connections
        .iter()
        .filter(|c| {
            c.name
                .as_deref()
                .is_some_and(|n| n.to_lowercase().contains(needle))
        })
        .count();
    assert!(matching >= 2, "the fixture has Cyrillic account names");
    webdriver::type_into(&app.client, "#connection-filter", needle).await;
    let filtered = connections(&app, matching).await;
    assert!(
        filtered
            .iter()
            .all(|c| c.name.to_lowercase().contains(needle))
    );
    wait_for_text(
        &app.client,
        "#connections .count",
        &format!("{matching} of {} shown", dmitri.connections.len()),
    )
    .await;
    screenshot(&app.client, "connections-dmitri-filtered").await;
    webdriver::type_into(&app.client, "#connection-filter", "no such account").await;
    wait_for(
        &app.client,
        "#connections [data-empty='filtered']",
        "the nothing-matches message",
    )
    .await;
    webdriver::click(
        &app.client,
        "#connections [data-empty='filtered'] button",
        "clear filters",
    )
    .await;
    connections(&app, dmitri.connections.len()).await;

    webdriver::click(&app.client, "#connection-verified-only", "verified only").await;
    let verified = connections(
        &app,
        dmitri.connections.iter().filter(|c| c.verified).count(),
    )
    .await;
    assert!(verified.iter().all(|c| c.flags["verified"] == "Verified"));
    webdriver::click(&app.client, "#connection-verified-only", "verified only").await;
    webdriver::click(&app.client, "#connection-public-only", "public only").await;
    let public = connections(
        &app,
        dmitri
            .connections
            .iter()
            .filter(|c| c.visibility == 1)
            .count(),
    )
    .await;
    assert!(
        public
            .iter()
            .all(|c| c.flags["visibility"] == "Public on profile")
    );
    app.close().await;
}

#[tokio::test]
async fn hanako_in_the_dark_default_avatar_unverified_email_and_200_servers() {
    if !webdriver::enabled("hanako_in_the_dark_default_avatar_unverified_email_and_200_servers") {
        return;
    }
    let hanako = fixture(ids::HANAKO);
    // A dark system, the way WebKitGTK sees one: it reports prefers-color-scheme: dark when
    // GTK_THEME ends in ":dark" (or the theme name in "-dark", or GTK prefers dark). The GTK
    // setting alone is not enough here: tao sets it from the desktop portal's colour scheme
    // at start-up, and the headless session's portal answers "no preference".
    let app = App::launch(ids::HANAKO, &[("GTK_THEME", "Adwaita:dark")]).await;
    // Dark before any account, too.
    assert_dark(&app).await;
    screenshot(&app.client, "accounts-empty-dark").await;
    app.sign_in_as(&hanako).await;
    wait_for_text(&app.client, "#profile-display-name", hanako.display_name()).await;
    assert_dark(&app).await;

    // No avatar: Discord's default one for her id, and it loads.
    assert_eq!(hanako.avatar(), None);
    let (src, width) = profile_avatar(&app).await;
    assert!(
        src.ends_with(&default_avatar_path(&hanako)),
        "default avatar: {src}"
    );
    assert!(width > 0);
    // No banner, no accent colour: the neutral band, not a broken image.
    assert_eq!(hanako.banner(), None);
    let band = app
        .js("const b = document.querySelector('#profile .banner'); \
             return { tag: b.tagName, accent: b.classList.contains('accent'), \
                      height: b.getBoundingClientRect().height, \
                      bg: getComputedStyle(b).backgroundColor };")
        .await;
    assert_eq!(band["tag"], "DIV", "{band}");
    assert_eq!(band["accent"], false, "{band}");
    assert!(band["height"].as_f64().unwrap_or(0.0) > 40.0, "{band}");
    assert!(
        !band["bg"]
            .as_str()
            .unwrap_or("")
            .contains("rgba(0, 0, 0, 0)"),
        "the band is painted: {band}"
    );
    // Email on file but not verified.
    assert_eq!(hanako.user["verified"], Value::Bool(false));
    wait_for_text(
        &app.client,
        "#profile-email",
        hanako.user["email"].as_str().unwrap(),
    )
    .await;
    let pill = text_of(&app, "#profile .facts .pill").await;
    assert_eq!(pill, "Not verified");
    screenshot(&app.client, "profile-hanako-dark").await;

    // Her connections, with verified / two-way / friend-sync / activity as the fixture says.
    let shown = connections(&app, hanako.connections.len()).await;
    assert_connections_match(&hanako, &shown);
    for flag in ["two-way", "friend-sync", "activity"] {
        assert!(
            shown.iter().any(|c| c.flags.contains_key(flag)),
            "{flag} shown somewhere"
        );
    }
    assert!(shown.iter().any(|c| c.flags["verified"] == "Not verified"));
    app.scroll_to("#connections").await;
    screenshot(&app.client, "connections-hanako-dark").await;

    // 200 servers, all listed, and the filter narrows them.
    let total = hanako.guilds.len();
    assert_eq!(total, 200);
    let count_script = "return document.querySelectorAll('#servers [data-guild-id]').length;";
    app.js_until(&format!("{total} servers listed"), count_script, |v| {
        (v.as_u64() == Some(total as u64)).then_some(())
    })
    .await;
    wait_for_text(
        &app.client,
        "#servers .count",
        &format!("{total} of {total} shown"),
    )
    .await;
    app.scroll_to("#servers").await;
    screenshot(&app.client, "servers-hanako-dark").await;
    let needle = hanako.guilds[41].name.clone();
    let prefix: String = needle.chars().take(needle.chars().count() - 2).collect();
    for (filter, expected) in [
        (needle.as_str(), 1),
        (
            prefix.as_str(),
            hanako
                .guilds
                .iter()
                .filter(|g| g.name.contains(&prefix))
                .count(),
        ),
    ] {
        webdriver::type_into(&app.client, "#server-filter", filter).await;
        app.js_until(
            &format!("{expected} servers for {filter:?}"),
            count_script,
            |v| (v.as_u64() == Some(expected as u64)).then_some(()),
        )
        .await;
        let names = app
            .js("return [...document.querySelectorAll('#servers [data-guild-id] .name')].map((e) => e.textContent);")
            .await;
        assert!(
            names
                .as_array()
                .unwrap()
                .iter()
                .all(|n| n.as_str().unwrap_or("").contains(filter)),
            "{names}"
        );
    }
    assert!(prefix.chars().count() > 2);
    screenshot(&app.client, "servers-hanako-filtered-dark").await;
    // A filter that matches nothing says so, and clearing it brings all 200 back.
    webdriver::type_into(&app.client, "#server-filter", "no such server").await;
    wait_for(
        &app.client,
        "#servers [data-empty='filtered']",
        "the nothing-matches message",
    )
    .await;
    webdriver::click(
        &app.client,
        "#servers [data-empty='filtered'] button",
        "clear the filter",
    )
    .await;
    app.js_until(&format!("{total} servers again"), count_script, |v| {
        (v.as_u64() == Some(total as u64)).then_some(())
    })
    .await;
    app.close().await;
}

#[tokio::test]
async fn layla_no_email_no_connections_no_servers_and_arabic_right_to_left() {
    if !webdriver::enabled("layla_no_email_no_connections_no_servers_and_arabic_right_to_left") {
        return;
    }
    let layla = fixture(ids::LAYLA);
    assert!(layla.connections.is_empty() && layla.guilds.is_empty());
    assert_eq!(layla.user["email"], Value::Null);
    let app = App::launch(ids::LAYLA, &[]).await;
    app.sign_in_as(&layla).await;
    wait_for_text(&app.client, "#profile-display-name", layla.display_name()).await;

    // No email on file, although she allowed Linkcord to see it: say so, and do not blame a
    // permission she gave.
    let email = app
        .js_until(
            "the missing email explained",
            "const e = document.querySelector('#profile-email-missing'); \
             return e ? { text: e.textContent.trim(), reason: e.dataset.reason ?? null } : null;",
            |v| v.is_object().then(|| v.clone()),
        )
        .await;
    assert_eq!(email["reason"], "none", "{email}");
    let text = email["text"].as_str().unwrap_or_default();
    assert!(
        !text.is_empty() && !text.contains("permission"),
        "what the page says about her email: {text:?}"
    );
    assert!(
        app.client
            .find(Locator::Css("#profile-email"))
            .await
            .is_err()
    );

    // Empty sections say they are empty, in words a person can act on.
    for (section, words) in [
        ("connections", "No linked accounts"),
        ("servers", "not in any server"),
    ] {
        let css = format!("#{section} [data-empty='none']");
        wait_for(&app.client, &css, "an empty state").await;
        let said = text_of(&app, &css).await;
        assert!(said.contains(words), "{section}: {said:?}");
        let count = app
            .js(&format!(
                "return document.querySelectorAll('#{section} li').length;"
            ))
            .await;
        assert_eq!(count, 0, "{section} lists nothing");
    }

    // Arabic reads right to left: her name is laid out RTL (the moon, typed last, ends up on
    // the left), in the profile and in the account list.
    for css in [
        "#profile-display-name",
        "#account-list [data-account-id] .display",
    ] {
        let layout = app
            .js(&format!(
                r#"
                const el = document.querySelector({css:?});
                const text = el.firstChild;
                const range = document.createRange();
                const s = text.textContent;
                const moon = s.indexOf('🌙');
                range.setStart(text, moon); range.setEnd(text, s.length);
                const moonX = range.getBoundingClientRect().left;
                range.setStart(text, 0); range.setEnd(text, 1);
                const firstX = range.getBoundingClientRect().left;
                return {{ direction: getComputedStyle(el).direction, moonX, firstX }};
                "#
            ))
            .await;
        assert_eq!(layout["direction"], "rtl", "{css}: {layout}");
        assert!(
            layout["moonX"].as_f64() < layout["firstX"].as_f64(),
            "{css}: the name's first letter is on the right of the emoji that ends it: {layout}"
        );
    }
    screenshot(&app.client, "profile-layla").await;
    app.scroll_to("#servers").await;
    screenshot(&app.client, "empty-sections-layla").await;
    app.close().await;
}

#[tokio::test]
async fn old_guard_legacy_tag_no_global_name_default_avatar() {
    if !webdriver::enabled("old_guard_legacy_tag_no_global_name_default_avatar") {
        return;
    }
    let old = fixture(ids::OLD_GUARD);
    assert_eq!(old.user["global_name"], Value::Null);
    let app = App::launch(ids::OLD_GUARD, &[]).await;
    app.sign_in_as(&old).await;
    // No global name: the username is the name shown.
    wait_for_text(&app.client, "#profile-display-name", &old.username).await;
    assert_eq!(text_of(&app, "#profile-display-name").await, old.username);
    let legacy = wait_for_text(&app.client, "#profile .legacy", "#").await;
    assert!(
        legacy.contains(&format!("{}#{}", old.username, old.discriminator())),
        "{legacy:?}"
    );
    let (src, width) = profile_avatar(&app).await;
    assert!(
        src.ends_with(&default_avatar_path(&old)),
        "legacy default avatar: {src}"
    );
    assert!(width > 0);
    let shown = connections(&app, old.connections.len()).await;
    assert_connections_match(&old, &shown);
    screenshot(&app.client, "profile-old-guard").await;
    app.close().await;
}

#[tokio::test]
async fn french_from_the_system_and_english_by_override_without_restart() {
    if !webdriver::enabled("french_from_the_system_and_english_by_override_without_restart") {
        return;
    }
    let old = fixture(ids::OLD_GUARD);
    let french = [("LANG", "fr_FR.UTF-8"), ("LC_ALL", "fr_FR.UTF-8")];
    let app = App::launch(ids::OLD_GUARD, &french).await;
    let lang = app
        .js_until(
            "the page's language",
            "return document.documentElement.lang;",
            |v| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned),
        )
        .await;
    assert_eq!(lang, "fr", "the system language is French");
    wait_for_text(&app.client, "#add-account", "Se connecter avec Discord").await;
    screenshot(&app.client, "accounts-empty-fr").await;
    app.sign_in_as(&old).await;

    let labels = [
        ("#connections-title", "Connexions", "Connections"),
        ("#servers-title", "Serveurs", "Servers"),
        ("#add-account", "Ajouter un compte", "Add account"),
        ("#profile-mfa", "Désactivée", "Off"),
        (
            "#profile .legacy .label",
            "Ancien identifiant",
            "Legacy tag",
        ),
        ("label[for='language']", "Langue", "Language"),
    ];
    for (css, fr, _) in labels {
        wait_for_text(&app.client, css, fr).await;
    }
    let flag = text_of(&app, "#connections [data-flag='verified']").await;
    assert_eq!(flag, "Vérifié");
    screenshot(&app.client, "accounts-fr").await;

    // The override: English now, no restart.
    app.client
        .find(Locator::Css("#language"))
        .await
        .unwrap()
        .select_by_value("en")
        .await
        .unwrap();
    for (css, _, en) in labels {
        wait_for_text(&app.client, css, en).await;
    }
    assert_eq!(app.js("return document.documentElement.lang;").await, "en");
    screenshot(&app.client, "accounts-en-override").await;

    // Back to the system's language.
    app.client
        .find(Locator::Css("#language"))
        .await
        .unwrap()
        .select_by_value("system")
        .await
        .unwrap();
    wait_for_text(&app.client, "#connections-title", "Connexions").await;
    app.close().await;
}

/// How each piece of Discord text named by `css` is isolated from its neighbours: its tag and
/// computed `unicode-bidi` (a `<bdi>`, or an element with `dir`, computes to `isolate`).
const ISOLATION: &str = r#"
    return [...document.querySelectorAll(arguments[0])].map((el) => ({
        tag: el.tagName,
        bidi: getComputedStyle(el).unicodeBidi,
        text: el.textContent,
    }));
"#;

/// Where the `?` that ends the log-out question is drawn, against the name before it: with
/// the name isolated it is to the right of all of it; a U+202E leaking out of the name would
/// pull it to the left.
const QUESTION_MARK: &str = r#"
    const title = document.querySelector('#log-out-title');
    const walker = document.createTreeWalker(title, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
    const last = nodes.filter((n) => n.textContent.includes('?')).pop();
    const name = nodes.find((n) => n.textContent.includes('\u202e'));
    if (!last || !name) return { text: title.textContent };
    const range = document.createRange();
    const at = last.textContent.lastIndexOf('?');
    range.setStart(last, at); range.setEnd(last, at + 1);
    const mark = range.getBoundingClientRect();
    range.selectNodeContents(name);
    const box = range.getBoundingClientRect();
    return { text: title.textContent, markLeft: mark.left, nameRight: box.right,
             nameTag: name.parentElement.tagName, nameBidi: getComputedStyle(name.parentElement).unicodeBidi };
"#;

#[tokio::test]
async fn mallory_hostile_names_render_as_text_isolated_and_in_bounds() {
    if !webdriver::enabled("mallory_hostile_names_render_as_text_isolated_and_in_bounds") {
        return;
    }
    let mallory = fixture(ids::MALLORY);
    let display = mallory.display_name().to_owned();
    assert!(display.contains('\u{202E}'));
    let app = App::launch(ids::MALLORY, &[]).await;
    app.sign_in_as(&mallory).await;
    wait_for_text(&app.client, "#profile-display-name", &display).await;

    // Every connection and server, names exactly as Discord sent them.
    let shown = connections(&app, mallory.connections.len()).await;
    assert_connections_match(&mallory, &shown);
    let count_script = "return document.querySelectorAll('#servers [data-guild-id]').length;";
    let total = mallory.guilds.len() as u64;
    app.js_until("every server listed", count_script, |v| {
        (v.as_u64() == Some(total)).then_some(())
    })
    .await;
    let names = app
        .js("return [...document.querySelectorAll('#servers [data-guild-id] .name')].map((e) => e.textContent);")
        .await;
    for guild in &mallory.guilds {
        assert!(
            names
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n.as_str() == Some(guild.name.as_str())),
            "server {:?} shown as written: {names}",
            guild.name
        );
    }

    // Markup in names is text: nothing ran, no element came from it.
    let injected = app
        .js("return { xss: window.__xss ?? null, \
                      images: document.querySelectorAll('img[src=\"x\"]').length, \
                      scripts: [...document.scripts].filter((s) => s.textContent.includes('__xss')).length };")
        .await;
    assert_eq!(
        injected,
        serde_json::json!({ "xss": null, "images": 0, "scripts": 0 }),
        "markup from Discord must stay text"
    );

    // Inside a sentence: "Log out of <name>?" keeps its question mark at the end.
    webdriver::click(&app.client, "#log-out", "the log-out button").await;
    let question = app
        .js_until("the log-out question", QUESTION_MARK, |v| {
            v["markLeft"].as_f64().map(|_| v.clone())
        })
        .await;
    screenshot(&app.client, "log-out-mallory").await;
    assert!(
        question["nameTag"] == "BDI" || question["nameBidi"] == "isolate",
        "the name in the question is isolated: {question}"
    );
    assert!(
        question["markLeft"].as_f64() >= question["nameRight"].as_f64(),
        "the question mark is drawn after the name, not pulled into it: {question}"
    );
    webdriver::click(
        &app.client,
        "#log-out-dialog .actions button.secondary",
        "cancel",
    )
    .await;

    // Names from Discord are isolated from the text around them.
    for css in [
        "#profile-display-name",
        "#account-list [data-account-id] .display",
        "#connections [data-connection-type] .name",
        "#connections [data-connection-type] .service",
        "#servers [data-guild-id] .name",
    ] {
        let found = app.isolation(css).await;
        for el in found.as_array().unwrap() {
            assert!(
                el["tag"] == "BDI" || el["bidi"] == "isolate",
                "{css}: not isolated: {el}"
            );
        }
    }
    // The 174-letter name and the 100-character server name do not push the page sideways.
    let overflow = app
        .js("return { page: document.documentElement.scrollWidth, window: innerWidth, \
                      widest: Math.max(...[...document.querySelectorAll('#connections li, #servers li')] \
                          .map((li) => li.getBoundingClientRect().right)) };")
        .await;
    assert!(
        overflow["page"].as_f64() <= overflow["window"].as_f64()
            && overflow["widest"].as_f64() <= overflow["window"].as_f64(),
        "the page is wider than the window: {overflow}"
    );
    screenshot(&app.client, "profile-mallory").await;
    app.scroll_to("#connections").await;
    screenshot(&app.client, "connections-mallory").await;
    app.scroll_to("#servers").await;
    screenshot(&app.client, "servers-mallory").await;
    app.close().await;
}
