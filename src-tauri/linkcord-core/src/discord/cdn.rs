//! Image URLs on Discord's CDN: avatars, default avatars, banners, guild icons.
//!
//! Format choice: animated images (hashes starting `a_`) are requested as
//! `.webp?animated=true`, which Discord recommends and every Tauri webview can play; when the
//! caller does not want animation the same hash is asked for as a still `.png`. Static images
//! are always `.png`, the one format every webview and every image tool reads.
//!
//! The CDN base comes from [`Endpoints`], which keeps a path prefix (the emulator serves its
//! CDN under `/cdn`). Hashes come from Discord's JSON; one that is not a plain hash is not put
//! into a URL at all (the user then gets the default avatar), so a hostile value cannot point
//! an `<img>` anywhere else.

use url::Url;

use super::user::has_legacy_discriminator;
use super::{Guild, User, UserId};
use crate::config::Endpoints;

/// An image size Discord accepts: a power of two from 16 to 4096.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImageSize(u16);

impl ImageSize {
    pub const MIN: ImageSize = ImageSize(16);
    pub const MAX: ImageSize = ImageSize(4096);

    /// The smallest allowed size at least `pixels` wide (rounding up so images stay sharp),
    /// clamped to 16..=4096.
    pub fn new(pixels: u32) -> Self {
        let clamped = pixels.clamp(16, 4096);
        // clamped ≤ 4096, so the next power of two is ≤ 4096 and fits in u16.
        Self(clamped.next_power_of_two() as u16)
    }

    pub fn pixels(self) -> u16 {
        self.0
    }
}

impl Default for ImageSize {
    /// 128 px: enough for a profile header on a high-density screen.
    fn default() -> Self {
        Self(128)
    }
}

/// The user's avatar, or their default avatar when they have none (or an unusable hash).
pub fn avatar_url(endpoints: &Endpoints, user: &User, size: ImageSize, animate: bool) -> Url {
    match user.avatar.as_deref().filter(|h| is_plain_hash(h)) {
        Some(hash) => image(
            endpoints,
            &format!("avatars/{}", user.id),
            hash,
            size,
            animate,
        ),
        None => default_avatar_url(endpoints, &user.id, &user.discriminator),
    }
}

/// The user's profile banner, if they have one.
pub fn banner_url(
    endpoints: &Endpoints,
    user: &User,
    size: ImageSize,
    animate: bool,
) -> Option<Url> {
    let hash = user.banner.as_deref().filter(|h| is_plain_hash(h))?;
    Some(image(
        endpoints,
        &format!("banners/{}", user.id),
        hash,
        size,
        animate,
    ))
}

/// A server's icon, if it has one.
pub fn guild_icon_url(
    endpoints: &Endpoints,
    guild: &Guild,
    size: ImageSize,
    animate: bool,
) -> Option<Url> {
    let hash = guild.icon.as_deref().filter(|h| is_plain_hash(h))?;
    Some(image(
        endpoints,
        &format!("icons/{}", guild.id),
        hash,
        size,
        animate,
    ))
}

/// A server's banner, if it has one.
pub fn guild_banner_url(
    endpoints: &Endpoints,
    guild: &Guild,
    size: ImageSize,
    animate: bool,
) -> Option<Url> {
    let hash = guild.banner.as_deref().filter(|h| is_plain_hash(h))?;
    Some(image(
        endpoints,
        &format!("banners/{}", guild.id),
        hash,
        size,
        animate,
    ))
}

/// `embed/avatars/{index}.png`. PNG only; Discord ignores `size` here.
pub fn default_avatar_url(endpoints: &Endpoints, id: &UserId, discriminator: &str) -> Url {
    let index = default_avatar_index(id, discriminator);
    endpoints.cdn_url(&format!("embed/avatars/{index}.png"))
}

/// Which of Discord's default avatars a user gets.
///
/// Migrated users (discriminator `"0"`, or none): `(id >> 22) % 6`, computed on the 64-bit id
/// (a JavaScript number would lose precision). Legacy users: `discriminator % 5`. A legacy
/// discriminator that is not a number falls back to the id formula rather than failing.
pub fn default_avatar_index(id: &UserId, discriminator: &str) -> u8 {
    let legacy = has_legacy_discriminator(discriminator)
        .then(|| discriminator.parse::<u16>().ok())
        .flatten();
    match legacy {
        Some(tag) => (tag % 5) as u8,
        None => ((id.as_u64() >> 22) % 6) as u8,
    }
}

fn image(endpoints: &Endpoints, dir: &str, hash: &str, size: ImageSize, animate: bool) -> Url {
    let animated = animate && hash.starts_with("a_");
    let ext = if animated { "webp" } else { "png" };
    let mut url = endpoints.cdn_url(&format!("{dir}/{hash}.{ext}"));
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("size", &size.pixels().to_string());
        if animated {
            query.append_pair("animated", "true");
        }
    }
    url
}

/// Discord hashes are hex, optionally with an `a_` prefix; allow letters, digits and `_`
/// with a sane length, which is all a URL path segment needs to stay one segment.
fn is_plain_hash(hash: &str) -> bool {
    (1..=128).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(id: &str, discriminator: &str, avatar: Option<&str>) -> User {
        serde_json::from_value(json!({
            "id": id, "username": "u", "discriminator": discriminator, "avatar": avatar,
            "banner": "a_06c16474723fe537c283b8efa61a30c8"
        }))
        .unwrap()
    }

    fn guild(icon: Option<&str>) -> Guild {
        serde_json::from_value(json!({"id": "41771983423143937", "name": "g", "icon": icon}))
            .unwrap()
    }

    #[test]
    fn sizes_are_powers_of_two_within_range() {
        let cases = [
            (0, 16),
            (1, 16),
            (16, 16),
            (17, 32),
            (100, 128),
            (128, 128),
            (129, 256),
            (4096, 4096),
            (5000, 4096),
            (u32::MAX, 4096),
        ];
        for (asked, got) in cases {
            assert_eq!(ImageSize::new(asked).pixels(), got, "{asked}");
        }
    }

    #[test]
    fn static_and_animated_avatars() {
        let e = Endpoints::default();
        let u = user(
            "80351110224678912",
            "0",
            Some("8342729096ea3675442027381ff50dfe"),
        );
        assert_eq!(
            avatar_url(&e, &u, ImageSize::new(256), true).as_str(),
            "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png?size=256"
        );
        let a = user(
            "80351110224678912",
            "0",
            Some("a_1269e74af4df7417b13759eae50c83dc"),
        );
        assert_eq!(
            avatar_url(&e, &a, ImageSize::default(), true).as_str(),
            "https://cdn.discordapp.com/avatars/80351110224678912/a_1269e74af4df7417b13759eae50c83dc.webp?size=128&animated=true"
        );
        assert_eq!(
            avatar_url(&e, &a, ImageSize::default(), false).as_str(),
            "https://cdn.discordapp.com/avatars/80351110224678912/a_1269e74af4df7417b13759eae50c83dc.png?size=128"
        );
    }

    #[test]
    fn default_avatar_index_formulas() {
        // New system: (id >> 22) % 6 on the full 64-bit id.
        let id: UserId = "80351110224678912".parse().unwrap();
        assert_eq!(
            default_avatar_index(&id, "0"),
            ((80351110224678912u64 >> 22) % 6) as u8
        );
        assert_eq!(default_avatar_index(&id, "0"), 5);
        let big: UserId = "18446744073709551615".parse().unwrap();
        assert_eq!(
            default_avatar_index(&big, "0"),
            ((u64::MAX >> 22) % 6) as u8
        );
        assert_eq!(default_avatar_index(&big, ""), ((u64::MAX >> 22) % 6) as u8);
        // Legacy: discriminator % 5.
        assert_eq!(default_avatar_index(&id, "1337"), 2);
        assert_eq!(default_avatar_index(&id, "0005"), 0);
        assert_eq!(default_avatar_index(&id, "9999"), 4);
        // Garbage discriminator: fall back to the id formula, never panic.
        assert_eq!(default_avatar_index(&id, "abcd"), 5);
    }

    #[test]
    fn missing_or_hostile_avatar_hashes_give_the_default_avatar() {
        let e = Endpoints::new("http://127.0.0.1:9", "http://127.0.0.1:9/cdn").unwrap();
        for hash in [None, Some(""), Some("../../evil"), Some("x?y"), Some("a b")] {
            let u = user("80351110224678912", "0", hash);
            assert_eq!(
                avatar_url(&e, &u, ImageSize::default(), true).as_str(),
                "http://127.0.0.1:9/cdn/embed/avatars/5.png",
                "{hash:?}"
            );
        }
        let legacy = user("80351110224678912", "1234", None);
        assert_eq!(
            avatar_url(&e, &legacy, ImageSize::MAX, true).as_str(),
            "http://127.0.0.1:9/cdn/embed/avatars/4.png"
        );
    }

    #[test]
    fn banners_and_guild_images_keep_the_cdn_prefix() {
        let e = Endpoints::new("http://127.0.0.1:9", "http://127.0.0.1:9/cdn").unwrap();
        let u = user("1", "0", None);
        assert_eq!(
            banner_url(&e, &u, ImageSize::new(600), true)
                .unwrap()
                .as_str(),
            "http://127.0.0.1:9/cdn/banners/1/a_06c16474723fe537c283b8efa61a30c8.webp?size=1024&animated=true"
        );
        assert_eq!(
            guild_icon_url(&e, &guild(Some("abc")), ImageSize::new(64), true)
                .unwrap()
                .as_str(),
            "http://127.0.0.1:9/cdn/icons/41771983423143937/abc.png?size=64"
        );
        assert_eq!(
            guild_icon_url(&e, &guild(None), ImageSize::new(64), true),
            None
        );
        assert_eq!(
            guild_icon_url(&e, &guild(Some("../x")), ImageSize::new(64), true),
            None
        );
        assert_eq!(
            guild_banner_url(&e, &guild(None), ImageSize::new(64), true),
            None
        );
    }
}
