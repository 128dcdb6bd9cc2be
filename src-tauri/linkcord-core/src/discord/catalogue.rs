//! The catalogue of services a Discord account can be connected to.
//!
//! Discord only sends a `type` key such as `"github"` for each connection; the UI needs a
//! name to show, an icon and, where possible, a link to the account's profile. Discord does
//! not document profile URLs, so the rules below follow what Discord's own client builds
//! (docs/ARCHITECTURE.md, "What the code relies on about Discord") and every value is
//! percent-encoded before it goes into a URL: a connection name is text chosen by someone
//! else and must never be able to change where a link goes.
//!
//! The set of types is open. Discord adds services (Amazon Music and Crunchyroll are newer
//! than the OpenAPI spec) and removes others (League of Legends and Riot Games, 2026-07), so
//! an unknown type is kept verbatim as [`ConnectionType::Unknown`] and shown with a generic
//! icon. The two removed Riot types are kept as known-but-[`ServiceStatus::Removed`]: old
//! caches and the emulator may still hold them, and a proper name reads better than a raw key.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;
use url::Url;

/// A service Linkcord knows about. Every value Discord has documented, plus the two removed
/// Riot services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KnownService {
    AmazonMusic,
    BattleNet,
    Bungie,
    Bluesky,
    Crunchyroll,
    Domain,
    Ebay,
    EpicGames,
    Facebook,
    GitHub,
    Instagram,
    Mastodon,
    PayPal,
    PlayStation,
    Reddit,
    Roblox,
    Spotify,
    Skype,
    Steam,
    TikTok,
    Twitch,
    Twitter,
    Xbox,
    YouTube,
    LeagueOfLegends,
    RiotGames,
}

/// Whether a service can still be linked in Discord.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ServiceStatus {
    /// Can be linked today.
    Available,
    /// Discord no longer lets people add it, but existing links are still returned.
    NoLongerAddable,
    /// Discord has stopped returning these links; only old caches still hold them.
    Removed,
}

/// How a profile URL is built from a connection, where one can be built at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProfileLink {
    /// No public profile page Linkcord can point at.
    None,
    /// `{prefix}{name}{suffix}` with the encoded account name.
    Name(&'static str, &'static str),
    /// `{prefix}{id}{suffix}` with the encoded account id.
    Id(&'static str, &'static str),
    /// Like `Id`, but `:` stays as is (Bluesky ids are DIDs such as `did:plc:…`).
    IdKeepColon(&'static str),
    /// The id already is the profile URL (Mastodon); only http(s) is accepted.
    IdIsUrl,
    /// The id is a domain name: `https://{id}/`.
    Domain,
}

/// One row of the catalogue.
struct Entry {
    key: &'static str,
    display_name: &'static str,
    /// The `simple-icons` slug; `None` where simple-icons has no icon for the brand.
    icon_key: Option<&'static str>,
    status: ServiceStatus,
    link: ProfileLink,
}

use ProfileLink as L;
use ServiceStatus as S;

impl KnownService {
    /// Every known service, in the order Discord's documentation lists them (then the removed
    /// ones).
    pub const ALL: [KnownService; 26] = [
        Self::AmazonMusic,
        Self::BattleNet,
        Self::Bungie,
        Self::Bluesky,
        Self::Crunchyroll,
        Self::Domain,
        Self::Ebay,
        Self::EpicGames,
        Self::Facebook,
        Self::GitHub,
        Self::Instagram,
        Self::Mastodon,
        Self::PayPal,
        Self::PlayStation,
        Self::Reddit,
        Self::Roblox,
        Self::Spotify,
        Self::Skype,
        Self::Steam,
        Self::TikTok,
        Self::Twitch,
        Self::Twitter,
        Self::Xbox,
        Self::YouTube,
        Self::LeagueOfLegends,
        Self::RiotGames,
    ];

    // Icon keys were checked against the simple-icons package the UI uses (16.37): it has no
    // icon for Amazon Music, Skype or Xbox, so those are `None` and the UI shows its neutral
    // icon; `domain` is not a brand. Kept as a table, one service per line.
    #[rustfmt::skip]
    fn entry(self) -> Entry {
        let (key, display_name, icon_key, status, link) = match self {
            Self::AmazonMusic => ("amazon-music", "Amazon Music", None, S::Available, L::None),
            // Battle.net is moving to Discord's Social SDK (FACTS §6); it may vanish like Riot.
            Self::BattleNet => ("battlenet", "Battle.net", Some("battledotnet"), S::Available, L::None),
            Self::Bungie => ("bungie", "Bungie.net", Some("bungie"), S::Available, L::None),
            Self::Bluesky => ("bluesky", "Bluesky", Some("bluesky"), S::Available, L::IdKeepColon("https://bsky.app/profile/")),
            Self::Crunchyroll => ("crunchyroll", "Crunchyroll", Some("crunchyroll"), S::Available, L::None),
            Self::Domain => ("domain", "Domain", None, S::Available, L::Domain),
            Self::Ebay => ("ebay", "eBay", Some("ebay"), S::Available, L::Name("https://www.ebay.com/usr/", "")),
            Self::EpicGames => ("epicgames", "Epic Games", Some("epicgames"), S::Available, L::None),
            Self::Facebook => ("facebook", "Facebook", Some("facebook"), S::Available, L::None),
            Self::GitHub => ("github", "GitHub", Some("github"), S::Available, L::Name("https://github.com/", "")),
            Self::Instagram => ("instagram", "Instagram", Some("instagram"), S::NoLongerAddable, L::Name("https://www.instagram.com/", "")),
            Self::Mastodon => ("mastodon", "Mastodon", Some("mastodon"), S::Available, L::IdIsUrl),
            Self::PayPal => ("paypal", "PayPal", Some("paypal"), S::Available, L::None),
            Self::PlayStation => ("playstation", "PlayStation Network", Some("playstation"), S::Available, L::None),
            Self::Reddit => ("reddit", "Reddit", Some("reddit"), S::Available, L::Name("https://www.reddit.com/u/", "")),
            Self::Roblox => ("roblox", "Roblox", Some("roblox"), S::Available, L::Id("https://roblox.com/users/", "/profile")),
            Self::Spotify => ("spotify", "Spotify", Some("spotify"), S::Available, L::Id("https://open.spotify.com/user/", "")),
            // Discord's client links `skype:{id}?userinfo`, a URI scheme that launches an app.
            // Skype has been retired, so Linkcord opens nothing for it.
            Self::Skype => ("skype", "Skype", None, S::NoLongerAddable, L::None),
            Self::Steam => ("steam", "Steam", Some("steam"), S::Available, L::Id("https://steamcommunity.com/profiles/", "")),
            Self::TikTok => ("tiktok", "TikTok", Some("tiktok"), S::Available, L::Name("https://www.tiktok.com/@", "")),
            Self::Twitch => ("twitch", "Twitch", Some("twitch"), S::Available, L::Name("https://www.twitch.tv/", "")),
            Self::Twitter => ("twitter", "X (Twitter)", Some("x"), S::Available, L::Name("https://x.com/", "")),
            // Gamertag pages exist only on third-party sites; no link.
            Self::Xbox => ("xbox", "Xbox", None, S::Available, L::None),
            Self::YouTube => ("youtube", "YouTube", Some("youtube"), S::Available, L::Id("https://www.youtube.com/channel/", "")),
            Self::LeagueOfLegends => ("leagueoflegends", "League of Legends", Some("leagueoflegends"), S::Removed, L::None),
            Self::RiotGames => ("riotgames", "Riot Games", Some("riotgames"), S::Removed, L::None),
        };
        Entry {
            key,
            display_name,
            icon_key,
            status,
            link,
        }
    }

    /// The `type` value Discord uses, e.g. `"amazon-music"`.
    pub fn key(self) -> &'static str {
        self.entry().key
    }

    pub fn display_name(self) -> &'static str {
        self.entry().display_name
    }

    /// The `simple-icons` slug, or `None` when the UI should show its neutral icon.
    pub fn icon_key(self) -> Option<&'static str> {
        self.entry().icon_key
    }

    pub fn status(self) -> ServiceStatus {
        self.entry().status
    }

    /// Finds the service for a Discord `type` value (exact, case-sensitive, as Discord sends).
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// A connection's `type`: a known service, or a value Linkcord has not heard of yet.
///
/// Serialises back to Discord's own string, so cached connections round-trip unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, TS)]
#[ts(type = "string")]
pub enum ConnectionType {
    Known(KnownService),
    Unknown(String),
}

impl ConnectionType {
    pub fn parse(key: &str) -> Self {
        match KnownService::from_key(key) {
            Some(service) => Self::Known(service),
            None => Self::Unknown(key.to_owned()),
        }
    }

    /// Discord's `type` value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Known(s) => s.key(),
            Self::Unknown(raw) => raw,
        }
    }

    /// A name to show: the service's name, or the raw type for an unknown service.
    pub fn display_name(&self) -> &str {
        match self {
            Self::Known(s) => s.display_name(),
            Self::Unknown(raw) => raw,
        }
    }

    /// The `simple-icons` slug; `None` means "use the neutral icon".
    pub fn icon_key(&self) -> Option<&'static str> {
        match self {
            Self::Known(s) => s.icon_key(),
            Self::Unknown(_) => None,
        }
    }

    /// Unknown services are assumed to be available: Discord only sends what it supports.
    pub fn status(&self) -> ServiceStatus {
        match self {
            Self::Known(s) => s.status(),
            Self::Unknown(_) => ServiceStatus::Available,
        }
    }

    pub fn can_be_added(&self) -> bool {
        self.status() == ServiceStatus::Available
    }

    /// The account's public profile, where the service has one and the values are sane.
    ///
    /// `id` and `name` are the connection's own fields (the name may be null).
    pub fn profile_url(&self, id: &str, name: Option<&str>) -> Option<Url> {
        let Self::Known(service) = self else {
            return None;
        };
        match service.entry().link {
            L::None => None,
            L::Name(prefix, suffix) => under_prefix(prefix, encode(name?, PATH_VALUE)?, suffix),
            L::Id(prefix, suffix) => under_prefix(prefix, encode(id, PATH_VALUE)?, suffix),
            L::IdKeepColon(prefix) => under_prefix(prefix, encode(id, DID_VALUE)?, ""),
            L::IdIsUrl => web_url(id),
            L::Domain => domain_url(id),
        }
    }
}

impl fmt::Display for ConnectionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ConnectionType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ConnectionType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Ok(Self::parse(&raw))
    }
}

/// Everything but RFC 3986's unreserved characters is encoded, so a value stays one path
/// segment: no `/`, `?`, `#`, `%`, `:`, spaces or non-ASCII survive unencoded.
const PATH_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// As [`PATH_VALUE`] but `:` is kept, which Bluesky DIDs need and is harmless mid-path.
const DID_VALUE: &AsciiSet = &PATH_VALUE.remove(b':');

/// Encodes one path segment, refusing values that would be empty or a dot segment (`.`,
/// `..`), which URL parsers resolve away and would point the link somewhere else.
fn encode(value: &str, set: &'static AsciiSet) -> Option<String> {
    let value = value.trim();
    if value.is_empty() || value.bytes().all(|b| b == b'.') {
        return None;
    }
    Some(utf8_percent_encode(value, set).to_string())
}

/// Builds `{prefix}{value}{suffix}` and checks it still points where `prefix` points.
fn under_prefix(prefix: &str, value: String, suffix: &str) -> Option<Url> {
    let url = Url::parse(&format!("{prefix}{value}{suffix}")).ok()?;
    url.as_str().starts_with(prefix).then_some(url)
}

/// A Mastodon profile: the id is the URL. Only plain http(s) with a host and no credentials.
fn web_url(raw: &str) -> Option<Url> {
    let url = Url::parse(raw.trim()).ok()?;
    let plain = matches!(url.scheme(), "https" | "http")
        && url.host_str().is_some_and(|h| !h.is_empty())
        && url.username().is_empty()
        && url.password().is_none();
    plain.then_some(url)
}

/// A domain connection: `https://{id}/`, only when `id` is a plausible DNS host name.
fn domain_url(raw: &str) -> Option<Url> {
    let host = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    if !is_host_name(&host) {
        return None;
    }
    Url::parse(&format!("https://{host}/")).ok()
}

/// At least two labels of ASCII letters, digits and inner hyphens, a top-level label that is
/// not all digits (no bare IP addresses), within DNS's length limits. Non-ASCII names are
/// refused: Discord verifies domains by DNS, so they arrive in their ASCII (punycode) form.
fn is_host_name(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    host.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(label_ok)
        && labels
            .last()
            .is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(kind: &str, id: &str, name: Option<&str>) -> Option<String> {
        ConnectionType::parse(kind)
            .profile_url(id, name)
            .map(|u| u.to_string())
    }

    #[test]
    fn every_known_key_round_trips_and_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for service in KnownService::ALL {
            assert!(seen.insert(service.key()), "duplicate {}", service.key());
            assert_eq!(KnownService::from_key(service.key()), Some(service));
            let parsed: ConnectionType =
                serde_json::from_value(serde_json::json!(service.key())).unwrap();
            assert_eq!(parsed, ConnectionType::Known(service));
            assert_eq!(serde_json::to_value(&parsed).unwrap(), service.key());
        }
        assert_eq!(seen.len(), 26);
    }

    #[test]
    fn unknown_types_are_kept_verbatim_with_a_generic_entry() {
        let t: ConnectionType = serde_json::from_str("\"soundcloud\"").unwrap();
        assert_eq!(t, ConnectionType::Unknown("soundcloud".into()));
        assert_eq!(t.display_name(), "soundcloud");
        assert_eq!(t.icon_key(), None);
        assert!(t.can_be_added());
        assert_eq!(t.profile_url("1", Some("x")), None);
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"soundcloud\"");
        // Keys are case-sensitive, as Discord sends them.
        assert!(matches!(
            ConnectionType::parse("GitHub"),
            ConnectionType::Unknown(_)
        ));
    }

    #[test]
    fn names_icons_and_status() {
        let twitter = ConnectionType::parse("twitter");
        assert_eq!(twitter.display_name(), "X (Twitter)");
        assert_eq!(twitter.icon_key(), Some("x"));
        assert_eq!(ConnectionType::parse("xbox").icon_key(), None);
        assert_eq!(ConnectionType::parse("amazon-music").icon_key(), None);
        assert_eq!(
            ConnectionType::parse("battlenet").icon_key(),
            Some("battledotnet")
        );
        assert!(!ConnectionType::parse("instagram").can_be_added());
        assert!(!ConnectionType::parse("skype").can_be_added());
        assert_eq!(
            ConnectionType::parse("riotgames").status(),
            ServiceStatus::Removed
        );
        assert!(ConnectionType::parse("crunchyroll").can_be_added());
    }

    #[test]
    fn name_based_profile_urls() {
        let n = Some("octo-cat_1.x");
        assert_eq!(
            url("github", "1", n).unwrap(),
            "https://github.com/octo-cat_1.x"
        );
        assert_eq!(
            url("twitch", "1", n).unwrap(),
            "https://www.twitch.tv/octo-cat_1.x"
        );
        assert_eq!(
            url("twitter", "1", n).unwrap(),
            "https://x.com/octo-cat_1.x"
        );
        assert_eq!(
            url("tiktok", "1", n).unwrap(),
            "https://www.tiktok.com/@octo-cat_1.x"
        );
        assert_eq!(
            url("reddit", "1", n).unwrap(),
            "https://www.reddit.com/u/octo-cat_1.x"
        );
        assert_eq!(
            url("ebay", "1", n).unwrap(),
            "https://www.ebay.com/usr/octo-cat_1.x"
        );
        assert_eq!(
            url("instagram", "1", n).unwrap(),
            "https://www.instagram.com/octo-cat_1.x"
        );
        // The name is nullable; no name, no link.
        assert_eq!(url("github", "1", None), None);
    }

    #[test]
    fn id_based_profile_urls() {
        assert_eq!(
            url("steam", "76561197960287930", None).unwrap(),
            "https://steamcommunity.com/profiles/76561197960287930"
        );
        assert_eq!(
            url("roblox", "123", Some("n")).unwrap(),
            "https://roblox.com/users/123/profile"
        );
        assert_eq!(
            url("spotify", "abc", None).unwrap(),
            "https://open.spotify.com/user/abc"
        );
        assert_eq!(
            url("youtube", "UC_x5XG1OV2P6uZZ5FSM9Ttw", None).unwrap(),
            "https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw"
        );
        assert_eq!(
            url("bluesky", "did:plc:z72i7hdynmk6r22z27h6tvur", None).unwrap(),
            "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur"
        );
    }

    #[test]
    fn services_without_profiles_build_none() {
        for kind in [
            "amazon-music",
            "battlenet",
            "bungie",
            "crunchyroll",
            "epicgames",
            "facebook",
            "paypal",
            "playstation",
            "skype",
            "xbox",
            "leagueoflegends",
            "riotgames",
        ] {
            assert_eq!(url(kind, "123", Some("name")), None, "{kind}");
        }
    }

    #[test]
    fn hostile_values_stay_inside_one_path_segment() {
        assert_eq!(
            url("github", "1", Some("../admin")).unwrap(),
            "https://github.com/..%2Fadmin"
        );
        assert_eq!(url("github", "1", Some("..")), None);
        assert_eq!(url("github", "1", Some(".")), None);
        assert_eq!(url("github", "1", Some("   ")), None);
        assert_eq!(url("github", "1", Some("")), None);
        assert_eq!(
            url("github", "1", Some("javascript:alert(1)")).unwrap(),
            "https://github.com/javascript%3Aalert%281%29"
        );
        assert_eq!(
            url("twitch", "1", Some("a b")).unwrap(),
            "https://www.twitch.tv/a%20b"
        );
        assert_eq!(
            url("twitter", "1", Some("x?y#z/%")).unwrap(),
            "https://x.com/x%3Fy%23z%2F%25"
        );
        assert_eq!(
            url("reddit", "1", Some("héllo")).unwrap(),
            "https://www.reddit.com/u/h%C3%A9llo"
        );
        assert_eq!(
            url("tiktok", "1", Some("@evil.com")).unwrap(),
            "https://www.tiktok.com/@%40evil.com"
        );
        assert_eq!(
            url("steam", "../../x", None).unwrap(),
            "https://steamcommunity.com/profiles/..%2F..%2Fx"
        );
        assert_eq!(
            url("roblox", "1/../../evil", None).unwrap(),
            "https://roblox.com/users/1%2F..%2F..%2Fevil/profile"
        );
        assert_eq!(
            url("spotify", "\\evil", None).unwrap(),
            "https://open.spotify.com/user/%5Cevil"
        );
        // Bluesky keeps ':' but nothing else that could escape the segment.
        assert_eq!(
            url("bluesky", "did:plc:a/../b?c", None).unwrap(),
            "https://bsky.app/profile/did:plc:a%2F..%2Fb%3Fc"
        );
        assert_eq!(url("bluesky", "..", None), None);
    }

    #[test]
    fn no_value_moves_a_link_to_another_site() {
        let hostile = [
            "../",
            "..%2f..",
            "/evil.com",
            "//evil.com",
            "\\\\evil.com",
            "@evil.com",
            "evil.com#",
            "?x=1",
            "#frag",
            "%00",
            "a\u{0}b",
            "\r\nSet-Cookie: x",
            "javascript:alert(1)",
            "\u{202e}moc.live",
            "日本語",
            "🙂",
            " x ",
            "a/b/c",
            ":",
            "did:plc:../..",
            "https://evil.com",
            "http://[::1]/",
            "x".repeat(5000).leak(),
        ];
        for service in KnownService::ALL {
            let kind = ConnectionType::Known(service);
            for value in hostile {
                let Some(url) = kind.profile_url(value, Some(value)) else {
                    continue;
                };
                let host = url.host_str().unwrap_or_default();
                let expected = match service {
                    // The id is the address itself; only its scheme is restricted.
                    KnownService::Mastodon => host,
                    KnownService::GitHub => "github.com",
                    KnownService::Ebay => "www.ebay.com",
                    KnownService::Instagram => "www.instagram.com",
                    KnownService::Reddit => "www.reddit.com",
                    KnownService::Roblox => "roblox.com",
                    KnownService::Spotify => "open.spotify.com",
                    KnownService::Steam => "steamcommunity.com",
                    KnownService::TikTok => "www.tiktok.com",
                    KnownService::Twitch => "www.twitch.tv",
                    KnownService::Twitter => "x.com",
                    KnownService::YouTube => "www.youtube.com",
                    KnownService::Bluesky => "bsky.app",
                    other => panic!("{other:?} built {url} from {value:?}"),
                };
                assert_eq!(host, expected, "{service:?} {value:?} -> {url}");
                assert!(matches!(url.scheme(), "https" | "http"), "{url}");
                assert!(url.fragment().is_none() && url.query().is_none(), "{url}");
            }
        }
    }

    #[test]
    fn mastodon_accepts_only_web_urls() {
        assert_eq!(
            url("mastodon", "https://mastodon.social/@Gargron", None).unwrap(),
            "https://mastodon.social/@Gargron"
        );
        assert!(url("mastodon", "http://example.org/@a", None).is_some());
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,hi",
            "mastodon.social/@a",
            "https://user:pw@mastodon.social/@a",
            "",
            "   ",
            "skype:someone?call",
        ] {
            assert_eq!(url("mastodon", bad, None), None, "{bad:?}");
        }
    }

    #[test]
    fn domain_links_only_plausible_host_names() {
        assert_eq!(
            url("domain", "example.com", None).unwrap(),
            "https://example.com/"
        );
        assert_eq!(
            url("domain", "Sub.Example.COM.", None).unwrap(),
            "https://sub.example.com/"
        );
        assert_eq!(
            url("domain", "xn--bcher-kva.example", None).unwrap(),
            "https://xn--bcher-kva.example/"
        );
        for bad in [
            "localhost",
            "127.0.0.1",
            "example.com/../x",
            "example.com:8080",
            "user@example.com",
            "javascript:alert(1)",
            "exa mple.com",
            "-bad.com",
            "bad-.com",
            "a..b.com",
            "bücher.example",
            "",
            &format!("{}.com", "a".repeat(64)),
        ] {
            assert_eq!(url("domain", bad, None), None, "{bad:?}");
        }
    }
}
