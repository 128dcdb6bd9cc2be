//! Ready-to-show forms of the models, for the UI.
//!
//! The raw models keep Discord's wire shape (so caches round-trip); the UI also needs what
//! Rust works out from them — display names, CDN URLs, catalogue entries, profile links,
//! badges — and should not re-implement any of it in TypeScript. A Tauri command can return
//! these as they are.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use super::cdn::{self, ImageSize};
use super::{
    Badge, Connection, Guild, GuildId, Premium, Section, ServiceStatus, Snapshot, User, UserId,
    Visibility,
};
use crate::config::Endpoints;

/// Size asked for avatars and icons in views: sharp at 2× for a 64 px avatar.
const AVATAR_SIZE: u32 = 128;
/// Size asked for profile banners.
const BANNER_SIZE: u32 = 600;

/// The user's profile as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UserView {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    /// `name#1234` for legacy accounts only.
    pub legacy_tag: Option<String>,
    #[ts(type = "string")]
    pub avatar_url: Url,
    #[ts(type = "string | null")]
    pub banner_url: Option<Url>,
    /// `#rrggbb`.
    pub accent_color: Option<String>,
    pub badges: Vec<Badge>,
    pub premium: Premium,
    pub email: Option<String>,
    /// Whether the email address is verified (present with the `email` scope only).
    pub email_verified: Option<bool>,
    pub locale: Option<String>,
    pub mfa_enabled: Option<bool>,
    /// The server tag worn beside the name, if any.
    pub server_tag: Option<String>,
}

impl UserView {
    /// The scope that makes Discord send the real `premium_type`.
    pub const PREMIUM_SCOPE: &str = "identify.premium";

    /// Without [`Self::PREMIUM_SCOPE`], Discord sends `premium_type` 0 whatever the user's
    /// plan, so "no Nitro" would be a guess: call this with whether the scope was granted.
    pub fn hide_unproven_premium(&mut self, premium_scope_granted: bool) {
        if !premium_scope_granted && self.premium == Premium::None {
            self.premium = Premium::Unknown;
        }
    }
}

/// A linked account as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConnectionView {
    pub id: String,
    /// The account name, else its id.
    pub display_name: String,
    /// Discord's raw `type`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The service's name ("GitHub"), or the raw type for an unknown service.
    pub service_name: String,
    /// A `simple-icons` slug; null means "neutral icon".
    pub icon_key: Option<String>,
    pub service_status: ServiceStatus,
    #[ts(type = "string | null")]
    pub profile_url: Option<Url>,
    pub verified: bool,
    pub revoked: bool,
    /// Shown to everyone on the Discord profile (visibility 1).
    pub public: bool,
    /// Discord holds a token for the other service too.
    pub two_way_link: bool,
    /// Activity from the service shows in the user's Discord status.
    pub show_activity: bool,
    /// Friends on the service are synced to Discord.
    pub friend_sync: bool,
}

/// A server as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GuildView {
    pub id: GuildId,
    pub name: String,
    #[ts(type = "string | null")]
    pub icon_url: Option<Url>,
    pub owner: bool,
    pub admin: bool,
    #[ts(type = "number | null")]
    pub member_count: Option<u64>,
    #[ts(type = "number | null")]
    pub online_count: Option<u64>,
    pub features: Vec<String>,
}

/// A whole snapshot as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SnapshotView {
    pub user: UserView,
    pub connections: Section<ConnectionView>,
    pub guilds: Section<GuildView>,
}

impl Snapshot {
    pub fn view(&self, endpoints: &Endpoints) -> SnapshotView {
        SnapshotView {
            user: self.user.view(endpoints),
            connections: self.connections.map(Connection::view),
            guilds: self.guilds.map(|g| g.view(endpoints)),
        }
    }
}

impl User {
    pub fn view(&self, endpoints: &Endpoints) -> UserView {
        UserView {
            id: self.id.clone(),
            username: self.username.clone(),
            display_name: self.display_name().to_owned(),
            legacy_tag: self.legacy_tag(),
            avatar_url: cdn::avatar_url(endpoints, self, ImageSize::new(AVATAR_SIZE), true),
            banner_url: cdn::banner_url(endpoints, self, ImageSize::new(BANNER_SIZE), true),
            accent_color: self
                .accent_color
                .map(|c| format!("#{:06x}", c & 0xFF_FF_FF)),
            badges: self.badges(),
            premium: self.premium(),
            email: self.email.clone(),
            email_verified: self.verified,
            locale: self.locale.clone(),
            mfa_enabled: self.mfa_enabled,
            server_tag: self
                .primary_guild
                .as_ref()
                .filter(|g| g.identity_enabled != Some(false))
                .and_then(|g| g.tag.clone()),
        }
    }
}

impl Connection {
    pub fn view(&self) -> ConnectionView {
        ConnectionView {
            id: self.id.clone(),
            display_name: self.display_name().to_owned(),
            kind: self.kind.as_str().to_owned(),
            service_name: self.kind.display_name().to_owned(),
            icon_key: self.kind.icon_key().map(str::to_owned),
            service_status: self.kind.status(),
            profile_url: self.profile_url(),
            verified: self.verified,
            revoked: self.revoked,
            public: self.visibility == Visibility::Public,
            two_way_link: self.two_way_link,
            show_activity: self.show_activity,
            friend_sync: self.friend_sync,
        }
    }
}

impl Guild {
    pub fn view(&self, endpoints: &Endpoints) -> GuildView {
        GuildView {
            id: self.id.clone(),
            name: self.name.clone(),
            icon_url: cdn::guild_icon_url(endpoints, self, ImageSize::new(AVATAR_SIZE), true),
            owner: self.owner,
            admin: self.is_admin(),
            member_count: self.approximate_member_count,
            online_count: self.approximate_presence_count,
            features: self.features.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn no_nitro_is_only_claimed_when_discord_could_say_so() {
        let user: User = serde_json::from_value(json!({
            "id": "80351110224678912", "username": "nelly", "discriminator": "0",
            "avatar": null, "premium_type": 0
        }))
        .unwrap();
        let mut view = user.view(&Endpoints::default());
        view.hide_unproven_premium(true);
        assert_eq!(view.premium, Premium::None);
        view.hide_unproven_premium(false);
        assert_eq!(view.premium, Premium::Unknown);
        let nitro: User = serde_json::from_value(json!({
            "id": "1", "username": "n", "discriminator": "0", "avatar": null, "premium_type": 2
        }))
        .unwrap();
        let mut view = nitro.view(&Endpoints::default());
        view.hide_unproven_premium(false);
        assert_eq!(view.premium, Premium::Nitro);
    }

    #[test]
    fn a_user_view_has_everything_the_profile_page_needs() {
        let user: User = serde_json::from_value(json!({
            "id": "80351110224678912", "username": "nelly", "global_name": "Nelly",
            "discriminator": "0", "avatar": null, "banner": "abc", "accent_color": 255,
            "public_flags": 64, "premium_type": 2,
            "primary_guild": {"identity_guild_id": "1", "identity_enabled": true, "tag": "LC", "badge": null}
        }))
        .unwrap();
        let view = user.view(&Endpoints::default());
        assert_eq!(view.display_name, "Nelly");
        assert_eq!(
            view.avatar_url.as_str(),
            "https://cdn.discordapp.com/embed/avatars/5.png"
        );
        assert_eq!(
            view.banner_url.unwrap().as_str(),
            "https://cdn.discordapp.com/banners/80351110224678912/abc.png?size=1024"
        );
        assert_eq!(view.accent_color.as_deref(), Some("#0000ff"));
        assert_eq!(view.badges, vec![Badge::HypesquadBravery]);
        assert_eq!(view.server_tag.as_deref(), Some("LC"));
        let json = serde_json::to_value(user.view(&Endpoints::default())).unwrap();
        assert_eq!(
            json["avatar_url"],
            "https://cdn.discordapp.com/embed/avatars/5.png"
        );
    }

    #[test]
    fn a_connection_view_carries_its_catalogue_entry() {
        let c: Connection = serde_json::from_value(json!({
            "id": "1", "name": "octocat", "type": "github", "verified": true, "visibility": 1
        }))
        .unwrap();
        let view = c.view();
        assert_eq!(view.service_name, "GitHub");
        assert_eq!(view.icon_key.as_deref(), Some("github"));
        assert_eq!(
            view.profile_url.unwrap().as_str(),
            "https://github.com/octocat"
        );
        assert!(view.public);
        let unknown: Connection =
            serde_json::from_value(json!({"id": "9", "name": null, "type": "zune"})).unwrap();
        let view = unknown.view();
        assert_eq!(
            (view.service_name.as_str(), view.display_name.as_str()),
            ("zune", "9")
        );
        assert_eq!(view.icon_key, None);
        assert_eq!(serde_json::to_value(&view).unwrap()["type"], "zune");
    }

    #[test]
    fn a_snapshot_view_keeps_the_granted_state() {
        let snapshot: Snapshot = serde_json::from_value(json!({
            "user": {"id": "1", "username": "a"},
            "connections": {"status": "not_granted"},
            "guilds": {"status": "granted", "items": [{"id": "2", "name": "g"}]}
        }))
        .unwrap();
        let view = snapshot.view(&Endpoints::default());
        assert_eq!(view.connections, Section::NotGranted);
        assert_eq!(view.guilds.items()[0].name, "g");
    }

    #[test]
    fn a_guild_view_has_its_icon_and_role() {
        let g: Guild = serde_json::from_value(json!({
            "id": "2", "name": "g", "icon": "a_f00", "permissions": "8", "approximate_member_count": 3
        }))
        .unwrap();
        let view = g.view(&Endpoints::default());
        assert_eq!(
            view.icon_url.unwrap().as_str(),
            "https://cdn.discordapp.com/icons/2/a_f00.webp?size=128&animated=true"
        );
        assert!(view.admin && !view.owner);
        assert_eq!(view.member_count, Some(3));
    }
}
