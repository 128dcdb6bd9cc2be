//! The Discord client (`linkcord_core::discord`) against the Discord emulator, over real HTTP.
//!
//! The core crate's own tests feed the client canned replies from a bare test server; these
//! prove the same client against a Discord that enforces scopes and rate limits and can be
//! told to misbehave. Three groups:
//!
//! - `fixtures`: every fixture user decodes, and the views the UI shows are right, including
//!   CDN URLs that the emulator's CDN really serves;
//! - `scopes`: a token without a scope gives "not granted" sections, not an error;
//! - `faults`: each bad reply the issue lists (damaged bodies, HTML, 5xx, hangs, oversized
//!   bodies, 429s of every kind, 401) gives a typed error with a readable message, never a
//!   partial snapshot, and the client never hammers Discord.
//!
//! Nothing is timed. What the client did is read from the emulator's `/_emulator/stats`
//! (how many requests reached each route); the only clocks are the short client timeout of
//! the hang tests and generous deadlines that only a broken client would run into.
//!
//! The User-Agent is not checked here: the emulator does not record it, and the core crate's
//! unit tests cover it.

use std::time::Duration;

use linkcord_core::config::Endpoints;
use linkcord_core::discord::{ClientOptions, DiscordClient, DiscordError, Snapshot};
use linkcord_core::secret::AccessToken;
use linkcord_tests::emulator::{EmulatorConfig, Fixtures, RateLimitConfig, ids};
use linkcord_tests::emulator_client::{Harness, start, start_with};
use serde_json::{Value, json};

/// Every scope the snapshot can use.
const ALL_SCOPES: &str = "identify email connections guilds";

/// The emulator's route keys for the three requests of a snapshot.
const SNAPSHOT_ROUTES: [&str; 3] = ["users/@me", "users/@me/connections", "users/@me/guilds"];

/// An emulator, a client pointed at it, and one signed-in user.
struct Rig {
    h: Harness,
    client: DiscordClient,
    token: AccessToken,
}

fn endpoints(h: &Harness) -> Endpoints {
    Endpoints::new(&h.emu.base_url(), &h.emu.cdn_url()).expect("loopback endpoints")
}

async fn sign_in(h: &Harness, user: &str, scope: &str) -> AccessToken {
    AccessToken::new(h.login(user, scope).await.access)
}

async fn rig(user: &str) -> Rig {
    rig_with(ClientOptions::default(), user).await
}

async fn rig_with(options: ClientOptions, user: &str) -> Rig {
    let h = start().await;
    let client = DiscordClient::with_options(&endpoints(&h), options).expect("client");
    let token = sign_in(&h, user, ALL_SCOPES).await;
    Rig { h, client, token }
}

/// Options for tests that involve a hung request: a short overall timeout keeps them fast.
fn impatient() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_millis(1500),
        ..ClientOptions::default()
    }
}

impl Rig {
    async fn inject(&self, fault: Value) {
        self.h.control_post("/_emulator/faults", fault).await;
    }

    /// How many requests reached `route` so far.
    async fn requests_on(&self, route: &str) -> u64 {
        self.h.stats().await["requests"][route]
            .as_u64()
            .unwrap_or(0)
    }

    /// How many requests reached any of the snapshot's routes so far.
    async fn api_requests(&self) -> u64 {
        let stats = self.h.stats().await;
        SNAPSHOT_ROUTES
            .iter()
            .map(|route| stats["requests"][route].as_u64().unwrap_or(0))
            .sum()
    }
}

/// What the accounts cache keeps of an account: the last complete snapshot, as JSON.
struct Cache(String);

impl Cache {
    fn of(snapshot: &Snapshot) -> Self {
        Self(serde_json::to_string(snapshot).expect("a snapshot serialises"))
    }

    /// A refresh as the app does it: the cache changes only when a whole snapshot arrived.
    async fn refresh(
        &mut self,
        client: &DiscordClient,
        token: &AccessToken,
    ) -> Result<(), DiscordError> {
        let snapshot = client.snapshot(token).await?;
        *self = Self::of(&snapshot);
        Ok(())
    }
}

/// A message a person can read: it says it is about Discord, is one short sentence or two
/// on one line, quotes no raw JSON or HTML, and never holds the token.
fn assert_readable(error: &DiscordError, token: &AccessToken) {
    let text = error.to_string();
    assert!(text.contains("Discord"), "{text}");
    assert!(!text.contains('\n'), "{text}");
    assert!(text.len() < 250, "{text}");
    assert!(!text.contains('{') && !text.contains('<'), "{text}");
    assert!(!text.contains(token.secret().as_str()), "{text}");
    assert!(!format!("{error:?}").contains(token.secret().as_str()));
}

mod fixtures {
    //! Every fixture user through `snapshot` and the views.

    use std::collections::BTreeSet;

    use linkcord_core::discord::{
        ConnectionView, KnownService, Section, ServiceStatus, SnapshotView,
    };
    use reqwest::StatusCode;

    use super::*;

    /// Fetches a fixture user's snapshot with every scope, checks it survives the cache's
    /// JSON round trip, and returns it with its view.
    async fn snapshot_of(user: &str) -> (Rig, Snapshot, SnapshotView) {
        let rig = rig(user).await;
        let snapshot = rig.client.snapshot(&rig.token).await.expect("a snapshot");
        assert_eq!(snapshot.user.id.as_str(), user);
        let cached: Snapshot = serde_json::from_str(&Cache::of(&snapshot).0).unwrap();
        assert_eq!(cached, snapshot, "the cached form reads back the same");
        let view = snapshot.view(&endpoints(&rig.h));
        (rig, snapshot, view)
    }

    /// GETs an image URL from a view and decodes it; returns its format and width.
    async fn fetch_image(h: &Harness, url: &url::Url) -> (image::ImageFormat, u32) {
        let response = h.http.get(url.as_str()).send().await.expect("CDN request");
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        let bytes = response.bytes().await.unwrap();
        let format = image::guess_format(&bytes).expect("a known image format");
        let decoded = image::load_from_memory(&bytes).expect("a decodable image");
        (format, decoded.width())
    }

    fn cdn(h: &Harness, path: &str) -> String {
        format!("{}/{path}", h.emu.cdn_url())
    }

    fn hash<'a>(fixtures: &'a Fixtures, user: &str, field: &str) -> &'a str {
        fixtures.user(user).unwrap().user[field].as_str().unwrap()
    }

    #[tokio::test]
    async fn ava_latin_accents_avatar_banner_and_accent_colour() {
        let (rig, snapshot, view) = snapshot_of(ids::AVA).await;
        let u = &view.user;
        assert_eq!(u.display_name, "Ava Núñez-Gómez");
        assert_eq!(u.username, "ava.nunez");
        assert_eq!(u.legacy_tag, None);
        assert_eq!(u.email.as_deref(), Some("ava.nunez@example.com"));
        assert_eq!(u.email_verified, Some(true));
        assert_eq!(u.accent_color.as_deref(), Some("#e67e22"));

        let avatar = hash(rig.h.emu.fixtures(), ids::AVA, "avatar");
        let expected = cdn(
            &rig.h,
            &format!("avatars/{}/{avatar}.png?size=128", ids::AVA),
        );
        assert_eq!(u.avatar_url.as_str(), expected);
        assert_eq!(
            fetch_image(&rig.h, &u.avatar_url).await,
            (image::ImageFormat::Png, 128)
        );
        let banner_url = u.banner_url.as_ref().expect("a banner");
        let banner = hash(rig.h.emu.fixtures(), ids::AVA, "banner");
        let expected = cdn(
            &rig.h,
            &format!("banners/{}/{banner}.png?size=1024", ids::AVA),
        );
        assert_eq!(banner_url.as_str(), expected);
        assert_eq!(
            fetch_image(&rig.h, banner_url).await.0,
            image::ImageFormat::Png
        );

        assert_eq!(snapshot.connections.items().len(), 12);
        assert_eq!(snapshot.guilds.items().len(), 5);
        // Every guild icon the view links to is served; one guild has none.
        let icons: Vec<_> = view
            .guilds
            .items()
            .iter()
            .filter_map(|g| g.icon_url.clone())
            .collect();
        assert_eq!(icons.len(), 4);
        for icon in &icons {
            fetch_image(&rig.h, icon).await;
        }
        assert!(view.guilds.items().iter().any(|g| g.owner));
        assert!(view.guilds.items().iter().all(|g| g.member_count.is_some()));
    }

    #[tokio::test]
    async fn dmitri_cyrillic_animated_images_and_server_tag() {
        let (rig, snapshot, view) = snapshot_of(ids::DMITRI).await;
        let u = &view.user;
        assert_eq!(u.display_name, "Дмитрий Кузнецов");
        assert_eq!(u.server_tag.as_deref(), Some("ДК"));
        assert_eq!(u.accent_color.as_deref(), Some("#3498db"));

        let avatar = hash(rig.h.emu.fixtures(), ids::DMITRI, "avatar");
        assert!(avatar.starts_with("a_"));
        let expected = cdn(
            &rig.h,
            &format!(
                "avatars/{}/{avatar}.webp?size=128&animated=true",
                ids::DMITRI
            ),
        );
        assert_eq!(u.avatar_url.as_str(), expected);
        assert_eq!(
            fetch_image(&rig.h, &u.avatar_url).await,
            (image::ImageFormat::WebP, 128)
        );
        let banner_url = u.banner_url.as_ref().expect("a banner");
        assert!(
            banner_url.as_str().contains("animated=true"),
            "{banner_url}"
        );
        assert_eq!(
            fetch_image(&rig.h, banner_url).await.0,
            image::ImageFormat::WebP
        );

        assert_eq!(snapshot.connections.items().len(), 10);
        let holodeck = view
            .connections
            .items()
            .iter()
            .find(|c| c.kind == "holodeck")
            .expect("the future connection type is kept");
        // An unknown service is shown generically: its raw type, the neutral icon, no link.
        assert_eq!(holodeck.service_name, "holodeck");
        assert_eq!(holodeck.icon_key, None);
        assert_eq!(holodeck.profile_url, None);
        assert_eq!(holodeck.display_name, "Lt. Barclay fan");
        assert_eq!(snapshot.guilds.items().len(), 2);
    }

    #[tokio::test]
    async fn hanako_japanese_emoji_default_avatar_and_all_200_guilds() {
        let (rig, snapshot, view) = snapshot_of(ids::HANAKO).await;
        let u = &view.user;
        assert_eq!(u.display_name, "山田花子 🌸");
        assert_eq!(u.email_verified, Some(false));
        assert_eq!(
            (u.banner_url.as_ref(), u.accent_color.as_ref()),
            (None, None)
        );

        // FACTS §5: a migrated user without an avatar gets (id >> 22) % 6, on 64 bits.
        let index = (ids::HANAKO.parse::<u64>().unwrap() >> 22) % 6;
        assert_eq!(
            u.avatar_url.as_str(),
            cdn(&rig.h, &format!("embed/avatars/{index}.png"))
        );
        assert_eq!(
            fetch_image(&rig.h, &u.avatar_url).await,
            (image::ImageFormat::Png, 256)
        );

        let got: Vec<&str> = snapshot
            .guilds
            .items()
            .iter()
            .map(|g| g.id.as_str())
            .collect();
        let fixture = rig.h.emu.fixtures().user(ids::HANAKO).unwrap();
        let expected: Vec<&str> = fixture.guilds.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(got.len(), 200);
        assert_eq!(got, expected, "every guild, in Discord's order");
        assert!(
            view.guilds
                .items()
                .iter()
                .all(|g| g.name.starts_with("サーバー"))
        );
        assert!(view.guilds.items().iter().all(|g| g.member_count.is_some()));
        assert_eq!(snapshot.connections.items().len(), 6);
    }

    #[tokio::test]
    async fn layla_arabic_emoji_and_granted_but_empty_sections() {
        let (rig, _, view) = snapshot_of(ids::LAYLA).await;
        let u = &view.user;
        assert_eq!(u.display_name, "ليلى حسن 🌙");
        assert_eq!(u.email, None, "her email is null even with the email scope");
        assert_eq!(u.banner_url, None);
        let avatar = hash(rig.h.emu.fixtures(), ids::LAYLA, "avatar");
        let expected = cdn(
            &rig.h,
            &format!("avatars/{}/{avatar}.png?size=128", ids::LAYLA),
        );
        assert_eq!(u.avatar_url.as_str(), expected);
        fetch_image(&rig.h, &u.avatar_url).await;
        // "Granted, empty" is not "not granted": the UI says "no connections", not "allow".
        assert_eq!(view.connections, Section::Granted { items: vec![] });
        assert_eq!(view.guilds, Section::Granted { items: vec![] });
    }

    #[tokio::test]
    async fn old_guard_legacy_tag_and_legacy_default_avatar() {
        let (rig, snapshot, view) = snapshot_of(ids::OLD_GUARD).await;
        let u = &view.user;
        assert_eq!(u.display_name, "OldGuard", "no global name: the username");
        assert_eq!(u.legacy_tag.as_deref(), Some("OldGuard#1234"));
        // FACTS §5: legacy users get discriminator % 5, here 1234 % 5 = 4.
        assert_eq!(u.avatar_url.as_str(), cdn(&rig.h, "embed/avatars/4.png"));
        assert_eq!(
            fetch_image(&rig.h, &u.avatar_url).await.0,
            image::ImageFormat::Png
        );
        assert_eq!(snapshot.connections.items().len(), 1);
        assert_eq!(snapshot.guilds.items().len(), 2);
    }

    #[tokio::test]
    async fn every_connection_maps_to_the_catalogue_and_keeps_its_flags() {
        let h = start().await;
        let client = DiscordClient::new(&endpoints(&h)).unwrap();
        let mut known = BTreeSet::new();
        let mut unknown = BTreeSet::new();
        for user in [
            ids::AVA,
            ids::DMITRI,
            ids::HANAKO,
            ids::LAYLA,
            ids::OLD_GUARD,
        ] {
            let token = sign_in(&h, user, "identify connections").await;
            let served = client.connections(&token).await.unwrap();
            let fixture = &h.emu.fixtures().user(user).unwrap().connections;
            assert_eq!(served.len(), fixture.len());
            for (c, expected) in served.iter().zip(fixture) {
                let view = c.view();
                assert_flags_match(&view, expected);
                match KnownService::from_key(&view.kind) {
                    Some(service) => {
                        assert_eq!(view.service_name, service.display_name());
                        assert_eq!(view.icon_key.as_deref(), service.icon_key());
                        assert_eq!(view.service_status, service.status());
                        known.insert(service.key());
                    }
                    None => {
                        assert_eq!((view.icon_key, view.profile_url), (None, None));
                        assert_eq!(view.service_name, view.kind);
                        unknown.insert(view.kind);
                    }
                }
            }
        }
        // The fixtures hold every service Discord still returns (FACTS §6), plus one from
        // the future; the two removed Riot services never come back from Discord.
        let returned: BTreeSet<&str> = KnownService::ALL
            .into_iter()
            .filter(|s| s.status() != ServiceStatus::Removed)
            .map(KnownService::key)
            .collect();
        assert_eq!(known, returned);
        assert_eq!(known.len(), 24);
        assert_eq!(unknown, BTreeSet::from(["holodeck".to_owned()]));
    }

    /// Hidden, revoked, unverified, two-way and friend-sync links keep their flags.
    fn assert_flags_match(view: &ConnectionView, expected: &linkcord_tests::emulator::Connection) {
        assert_eq!(view.id, expected.id);
        assert_eq!(view.kind, expected.kind);
        let got = (
            view.verified,
            view.revoked,
            view.public,
            view.two_way_link,
            view.friend_sync,
            view.show_activity,
        );
        let want = (
            expected.verified,
            expected.revoked.unwrap_or(false),
            expected.visibility == 1,
            expected.two_way_link,
            expected.friend_sync,
            expected.show_activity,
        );
        assert_eq!(got, want, "{}", view.kind);
    }

    #[tokio::test]
    async fn profile_links_are_built_from_the_served_connections() {
        let rig = rig(ids::AVA).await;
        let connections = rig.client.connections(&rig.token).await.unwrap();
        let link = |kind: &str| {
            let c = connections
                .iter()
                .find(|c| c.kind.as_str() == kind)
                .unwrap();
            c.view().profile_url.map(|u| u.to_string())
        };
        assert_eq!(
            link("github").as_deref(),
            Some("https://github.com/ava-nunez")
        );
        assert_eq!(
            link("bluesky").as_deref(),
            Some("https://bsky.app/profile/did:plc:7x2k4v5q3m8n1p0r6s9t2u4w")
        );
        assert_eq!(
            link("mastodon").as_deref(),
            Some("https://mastodon.social/@avanunez")
        );
        assert_eq!(
            link("domain").as_deref(),
            Some("https://ava-nunez.example/")
        );
        assert_eq!(link("xbox"), None);
        assert_eq!(
            link("steam").as_deref(),
            Some("https://steamcommunity.com/profiles/76561198012345678")
        );
    }

    #[tokio::test]
    async fn authorization_lists_the_granted_scopes() {
        let rig = rig(ids::OLD_GUARD).await;
        let about = rig.client.authorization(&rig.token).await.unwrap();
        for scope in ALL_SCOPES.split(' ') {
            assert!(about.has_scope(scope), "{scope} in {:?}", about.scopes);
        }
        assert!(about.expires_at().is_some());
        assert_eq!(about.user.map(|u| u.username).as_deref(), Some("OldGuard"));
    }
}

mod scopes {
    //! A token that lacks a scope still gives a snapshot: the missing parts say so.

    use linkcord_core::discord::Section;

    use super::*;

    async fn snapshot_with(scope: &str) -> Snapshot {
        let h = start().await;
        let client = DiscordClient::new(&endpoints(&h)).unwrap();
        let token = sign_in(&h, ids::AVA, scope).await;
        client
            .snapshot(&token)
            .await
            .expect("a snapshot, not an error")
    }

    #[tokio::test]
    async fn identify_alone_gives_not_granted_sections_and_no_email() {
        let snapshot = snapshot_with("identify").await;
        assert_eq!(snapshot.connections, Section::NotGranted);
        assert_eq!(snapshot.guilds, Section::NotGranted);
        let view = snapshot.view(&Endpoints::default());
        assert_eq!((view.user.email, view.user.email_verified), (None, None));
        assert_eq!(view.user.display_name, "Ava Núñez-Gómez");
        assert_eq!(view.connections, Section::NotGranted);
    }

    #[tokio::test]
    async fn each_section_follows_its_own_scope() {
        let without_guilds = snapshot_with("identify email connections").await;
        assert_eq!(without_guilds.connections.items().len(), 12);
        assert_eq!(without_guilds.guilds, Section::NotGranted);
        assert!(without_guilds.user.email.is_some());

        let without_connections = snapshot_with("identify guilds").await;
        assert_eq!(without_connections.connections, Section::NotGranted);
        assert_eq!(without_connections.guilds.items().len(), 5);
        assert_eq!(without_connections.user.email, None);
    }
}

mod faults {
    //! Every bad reply the issue lists, injected through `/_emulator/faults`.

    use super::*;

    /// Fetches a good snapshot into the cache, injects `fault`, refreshes, and checks that
    /// the refresh failed with a readable error and left the cache exactly as it was. Then
    /// checks the client recovers: the fault was used up and the next refresh works.
    async fn failed_refresh(rig: &Rig, fault: Value) -> DiscordError {
        let mut cache = Cache::of(&rig.client.snapshot(&rig.token).await.unwrap());
        let before = cache.0.clone();
        rig.inject(fault.clone()).await;
        let error = cache
            .refresh(&rig.client, &rig.token)
            .await
            .expect_err(&format!("{fault} fails the refresh"));
        assert_eq!(cache.0, before, "{fault} left the cache untouched");
        assert_readable(&error, &rig.token);
        assert!(!rig.client.is_rejected(&rig.token), "{fault} is not a 401");
        cache
            .refresh(&rig.client, &rig.token)
            .await
            .expect("the next refresh works");
        assert_eq!(cache.0, before, "and finds the same data");
        error
    }

    /// The same fault on each of the snapshot's three routes, once each.
    async fn on_each_route(rig: &Rig, fault: Value) -> Vec<DiscordError> {
        let mut errors = Vec::new();
        for route in SNAPSHOT_ROUTES {
            let mut fault = fault.clone();
            fault["route"] = json!(route);
            fault["count"] = json!(1);
            errors.push(failed_refresh(rig, fault).await);
        }
        errors
    }

    #[tokio::test]
    async fn truncated_json_is_a_bad_response() {
        let rig = rig(ids::HANAKO).await;
        for error in on_each_route(&rig, json!({"kind": "truncate"})).await {
            let DiscordError::BadResponse(reason) = &error else {
                panic!("expected BadResponse, got {error:?}");
            };
            assert!(reason.contains("truncated"), "{reason}");
        }
    }

    #[tokio::test]
    async fn a_body_shorter_than_its_length_is_a_bad_response() {
        let rig = rig(ids::HANAKO).await;
        for error in on_each_route(&rig, json!({"kind": "short_body"})).await {
            let DiscordError::BadResponse(reason) = &error else {
                panic!("expected BadResponse, got {error:?}");
            };
            assert!(reason.contains("cut off"), "{reason}");
        }
    }

    #[tokio::test]
    async fn an_html_page_where_json_was_expected() {
        let rig = rig(ids::AVA).await;
        // A proxy's page with 200: the body is not what was asked for.
        for error in on_each_route(&rig, json!({"kind": "html", "status": 200})).await {
            let DiscordError::BadResponse(reason) = &error else {
                panic!("expected BadResponse, got {error:?}");
            };
            assert!(reason.contains("web page"), "{reason}");
        }
        // The usual case, a 502 page: Discord (or what is in front of it) is in trouble.
        for error in on_each_route(&rig, json!({"kind": "html"})).await {
            assert_eq!(error, DiscordError::Server { status: 502 });
        }
        // A filter's "403 Forbidden" page is not Discord saying a scope is missing: it must
        // not turn the connections or guilds into "not granted" (and so wipe them from the
        // cache), it must fail the refresh like any other page that is not Discord's JSON.
        for error in on_each_route(&rig, json!({"kind": "html", "status": 403})).await {
            assert!(error.to_string().contains("web page"), "{error:?}: {error}");
        }
    }

    #[tokio::test]
    async fn server_errors_500_and_502() {
        let rig = rig(ids::DMITRI).await;
        for status in [500, 502] {
            let fault = json!({"kind": "server_error", "status": status});
            for error in on_each_route(&rig, fault).await {
                assert_eq!(error, DiscordError::Server { status });
                assert!(error.to_string().contains(&format!("HTTP {status}")));
            }
        }
    }

    #[tokio::test]
    async fn an_oversized_body_is_refused() {
        let rig = rig(ids::AVA).await;
        let limit = ClientOptions::default().max_body_bytes;
        let fault = json!({"kind": "oversize", "bytes": limit + 1});
        for error in on_each_route(&rig, fault).await {
            assert_eq!(error, DiscordError::TooLarge { limit });
        }
    }

    #[tokio::test]
    async fn wrong_types_in_a_reply_are_a_bad_response() {
        // Discord's shapes with wrong values in them, served by the emulator as they are:
        // flags as text, and a guild id that is not a snowflake.
        let mut users: Value =
            serde_json::from_str(include_str!("../fixtures/users.json")).unwrap();
        let list = users["users"].as_array_mut().unwrap();
        list.retain(|u| u["user"]["id"] == ids::AVA);
        list[0]["user"]["public_flags"] = json!("lots");
        let mut config = EmulatorConfig {
            fixtures: Fixtures::from_json(&users.to_string()).unwrap(),
            ..EmulatorConfig::default()
        };
        let h = start_with(config.clone()).await;
        let client = DiscordClient::new(&endpoints(&h)).unwrap();
        let token = sign_in(&h, ids::AVA, ALL_SCOPES).await;
        let error = client.snapshot(&token).await.unwrap_err();
        assert!(
            matches!(&error, DiscordError::BadResponse(r) if r.contains("wrong type")),
            "{error:?}"
        );
        assert_readable(&error, &token);

        let list = users["users"].as_array_mut().unwrap();
        list[0]["user"]["public_flags"] = json!(0);
        list[0]["guilds"][0]["id"] = json!("not-a-snowflake");
        config.fixtures = Fixtures::from_json(&users.to_string()).unwrap();
        let h = start_with(config).await;
        let client = DiscordClient::new(&endpoints(&h)).unwrap();
        let token = sign_in(&h, ids::AVA, ALL_SCOPES).await;
        let error = client.snapshot(&token).await.unwrap_err();
        assert!(matches!(error, DiscordError::BadResponse(_)), "{error:?}");
        assert!(
            !error.to_string().contains("not-a-snowflake"),
            "no quoting: {error}"
        );
        assert!(
            client.connections(&token).await.is_ok(),
            "other lists still read"
        );
    }

    #[tokio::test]
    async fn a_hung_request_times_out() {
        let rig = rig_with(impatient(), ids::LAYLA).await;
        for error in on_each_route(&rig, json!({"kind": "hang"})).await {
            assert_eq!(
                error,
                DiscordError::Timeout {
                    after: Duration::from_millis(1500)
                }
            );
        }
    }

    #[tokio::test]
    async fn a_short_rate_limit_is_waited_out_with_exactly_one_retry() {
        let rig = rig(ids::AVA).await;
        for route in SNAPSHOT_ROUTES {
            let before = rig.requests_on(route).await;
            rig.inject(
                json!({"kind": "rate_limit", "route": route, "count": 1, "retry_after": 0.2}),
            )
            .await;
            rig.client
                .snapshot(&rig.token)
                .await
                .expect("waits, then succeeds");
            assert_eq!(rig.requests_on(route).await - before, 2, "{route}");
        }
    }

    #[tokio::test]
    async fn a_long_rate_limit_is_surfaced_without_waiting_or_retrying() {
        let rig = rig(ids::AVA).await;
        let mut cache = Cache::of(&rig.client.snapshot(&rig.token).await.unwrap());
        let before = cache.0.clone();
        let route = "users/@me/connections";
        rig.inject(json!({"kind": "rate_limit", "route": route, "count": 1, "retry_after": 60}))
            .await;
        let sent = rig.requests_on(route).await;
        // A deadline far below the 60 s a waiting client would need, far above a normal call.
        let refresh = cache.refresh(&rig.client, &rig.token);
        let error = tokio::time::timeout(Duration::from_secs(30), refresh)
            .await
            .expect("returns without waiting 60 s")
            .unwrap_err();
        assert_eq!(
            error,
            DiscordError::RateLimited {
                retry_after: Duration::from_secs(60),
                global: false
            }
        );
        assert!(error.to_string().contains("try again in 60 s"), "{error}");
        assert_readable(&error, &rig.token);
        assert_eq!(error.retry_after(), Some(Duration::from_secs(60)));
        assert_eq!(cache.0, before);
        assert_eq!(rig.requests_on(route).await - sent, 1, "no retry");

        // Asking again within the minute sends nothing to that route...
        let again = rig.client.connections(&rig.token).await.unwrap_err();
        assert!(matches!(
            again,
            DiscordError::RateLimited { global: false, .. }
        ));
        assert_eq!(rig.requests_on(route).await - sent, 1, "still one request");
        // ...while the other routes, in their own buckets, still work.
        rig.client.current_user(&rig.token).await.unwrap();
        rig.client.guilds(&rig.token).await.unwrap();
    }

    #[tokio::test]
    async fn a_429_storm_gets_at_most_two_requests_per_call() {
        let rig = rig(ids::DMITRI).await;
        let route = "users/@me";
        rig.inject(json!({"kind": "rate_limit", "route": route, "count": 50, "retry_after": 0.2}))
            .await;
        for call in 0..4 {
            let before = rig.requests_on(route).await;
            let error = rig.client.current_user(&rig.token).await.unwrap_err();
            assert!(
                matches!(error, DiscordError::RateLimited { .. }),
                "{error:?}"
            );
            assert_readable(&error, &rig.token);
            let sent = rig.requests_on(route).await - before;
            assert!((1..=2).contains(&sent), "call {call} sent {sent} requests");
        }
        let stats = rig.h.stats().await;
        assert!(stats["rate_limited"].as_u64().unwrap() <= 8);
    }

    #[tokio::test]
    async fn an_empty_bucket_is_respected_before_discord_has_to_say_429() {
        // Two requests a minute: the second reply says "remaining 0, resets in 60 s".
        let config = EmulatorConfig {
            rate_limit: RateLimitConfig {
                limit: 2,
                window: Duration::from_secs(60),
            },
            ..EmulatorConfig::default()
        };
        let h = start_with(config).await;
        let client = DiscordClient::new(&endpoints(&h)).unwrap();
        let token = sign_in(&h, ids::AVA, ALL_SCOPES).await;
        client.current_user(&token).await.unwrap();
        client.current_user(&token).await.unwrap();
        let error = client.current_user(&token).await.unwrap_err();
        let Some(wait) = error.retry_after() else {
            panic!("expected RateLimited, got {error:?}");
        };
        assert!(
            wait > Duration::from_secs(50) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert_readable(&error, &token);
        // The third request never left: the headers were enough, no 429 was needed.
        let stats = h.stats().await;
        assert_eq!(stats["requests"]["users/@me"], 2);
        assert_eq!(stats["rate_limited"], 0);
        client
            .connections(&token)
            .await
            .expect("another route has its own bucket");
    }

    #[tokio::test]
    async fn a_global_rate_limit_holds_every_route_of_that_token() {
        let rig = rig(ids::AVA).await;
        let mut cache = Cache::of(&rig.client.snapshot(&rig.token).await.unwrap());
        let before = cache.0.clone();
        rig.inject(json!({
            "kind": "rate_limit", "route": "users/@me/guilds", "count": 1,
            "retry_after": 60, "global": true
        }))
        .await;
        let error = cache.refresh(&rig.client, &rig.token).await.unwrap_err();
        assert!(
            matches!(error, DiscordError::RateLimited { global: true, .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("for all requests"), "{error}");
        assert_readable(&error, &rig.token);
        assert_eq!(cache.0, before);

        // Every route of this token now waits, without a single request going out.
        let sent = rig.api_requests().await;
        for result in [
            rig.client.current_user(&rig.token).await.map(drop),
            rig.client.connections(&rig.token).await.map(drop),
            rig.client.snapshot(&rig.token).await.map(drop),
        ] {
            assert!(matches!(
                result,
                Err(DiscordError::RateLimited { global: true, .. })
            ));
        }
        assert_eq!(rig.api_requests().await, sent);
        // Limits are per user: another account is not held back.
        let other = sign_in(&rig.h, ids::LAYLA, ALL_SCOPES).await;
        rig.client
            .snapshot(&other)
            .await
            .expect("another user's refresh works");
    }

    #[tokio::test]
    async fn after_a_401_the_token_is_never_sent_again() {
        let rig = rig(ids::AVA).await;
        let other = sign_in(&rig.h, ids::DMITRI, ALL_SCOPES).await;
        let mut cache = Cache::of(&rig.client.snapshot(&rig.token).await.unwrap());
        let before = cache.0.clone();
        rig.h
            .control_post("/_emulator/expire-tokens", json!({"user_id": ids::AVA}))
            .await;

        let error = cache.refresh(&rig.client, &rig.token).await.unwrap_err();
        assert_eq!(error, DiscordError::Unauthorized);
        assert!(error.needs_sign_in());
        assert!(error.to_string().contains("Sign in"), "{error}");
        assert_readable(&error, &rig.token);
        assert_eq!(cache.0, before);
        assert!(rig.client.is_rejected(&rig.token));

        let sent = rig.api_requests().await;
        assert_eq!(
            rig.client.snapshot(&rig.token).await.unwrap_err(),
            DiscordError::Unauthorized
        );
        assert_eq!(
            rig.client.authorization(&rig.token).await.unwrap_err(),
            DiscordError::Unauthorized
        );
        assert_eq!(rig.api_requests().await, sent, "the dead token stays home");
        assert_eq!(rig.requests_on("oauth2/@me").await, 0);

        // The same client still serves other accounts.
        assert!(!rig.client.is_rejected(&other));
        let theirs = rig
            .client
            .snapshot(&other)
            .await
            .expect("another token works");
        assert_eq!(theirs.user.username, "dmitri_k");
        assert!(rig.api_requests().await > sent);
    }

    #[tokio::test]
    async fn an_unreachable_discord_is_a_network_error() {
        let Rig { h, client, token } = rig(ids::OLD_GUARD).await;
        let mut cache = Cache::of(&client.snapshot(&token).await.unwrap());
        let before = cache.0.clone();
        h.emu.shutdown().await.expect("the emulator stops");
        let error = cache.refresh(&client, &token).await.unwrap_err();
        assert!(matches!(error, DiscordError::Network(_)), "{error:?}");
        assert_readable(&error, &token);
        assert_eq!(cache.0, before);
        assert!(!client.is_rejected(&token), "no answer is not a rejection");
    }

    #[tokio::test]
    async fn the_three_requests_are_in_flight_at_once() {
        // Each route hangs on its first request. A client that fetched one after the other
        // would never send the second; a concurrent one has all three waiting together.
        let rig = rig(ids::AVA).await;
        for route in SNAPSHOT_ROUTES {
            rig.inject(json!({"kind": "hang", "route": route, "count": 1}))
                .await;
        }
        let client = rig.client.clone();
        let token = AccessToken::new(rig.token.secret().clone());
        let pending = tokio::spawn(async move { client.snapshot(&token).await });

        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let stats = rig.h.stats().await;
            let arrived = SNAPSHOT_ROUTES
                .iter()
                .filter(|r| stats["requests"][**r].as_u64() == Some(1))
                .count();
            if arrived == 3 {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "only {arrived} of 3 requests arrived: {stats}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(!pending.is_finished(), "all three are still hanging");
        pending.abort();
        assert!(pending.await.unwrap_err().is_cancelled());
    }
}
