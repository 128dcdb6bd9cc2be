//! The signed-in user (`GET /users/@me`) and what the UI derives from it.
//!
//! Only `id` and `username` are required: every other field depends on scopes (`email`),
//! on the account's age (legacy discriminators) or on features Discord adds over time, so
//! they default when absent and unknown fields are ignored. The struct serialises back to
//! Discord's own shape, so a cached copy reads exactly like a fresh one.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::UserId;

/// The signed-in user, from `GET /users/@me` (`email` only with the `email` scope).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct User {
    pub id: UserId,
    /// The unique handle (for migrated users) or the legacy name.
    pub username: String,
    /// The display name, if the user set one.
    #[serde(default)]
    pub global_name: Option<String>,
    /// `"0"` on the new username system; the old four-digit tag otherwise.
    #[serde(default)]
    pub discriminator: String,
    /// Avatar hash; `a_…` means animated.
    #[serde(default)]
    pub avatar: Option<String>,
    /// Banner hash; `a_…` means animated.
    #[serde(default)]
    pub banner: Option<String>,
    /// Banner colour as `0xRRGGBB`.
    #[serde(default)]
    pub accent_color: Option<u32>,
    /// The user's language, e.g. `en-US`.
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub mfa_enabled: Option<bool>,
    /// Whether the email address is verified (needs the `email` scope).
    #[serde(default)]
    pub verified: Option<bool>,
    /// Needs the `email` scope.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub bot: bool,
    #[serde(default)]
    pub system: bool,
    #[serde(default)]
    #[ts(type = "number")]
    pub flags: u64,
    /// Badge bits, see [`User::badges`].
    #[serde(default)]
    #[ts(type = "number")]
    pub public_flags: u64,
    /// 0 none, 1 Nitro Classic, 2 Nitro, 3 Nitro Basic; see [`User::premium`].
    #[serde(default)]
    pub premium_type: Option<u32>,
    #[serde(default)]
    pub avatar_decoration_data: Option<AvatarDecoration>,
    /// The server tag shown beside the name.
    #[serde(default)]
    pub primary_guild: Option<PrimaryGuild>,
}

/// The frame drawn around an avatar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AvatarDecoration {
    pub asset: String,
    #[serde(default)]
    pub sku_id: Option<String>,
}

/// The server tag a user chose to wear. Every field may be null.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PrimaryGuild {
    #[serde(default)]
    pub identity_guild_id: Option<String>,
    #[serde(default)]
    pub identity_enabled: Option<bool>,
    #[serde(default)]
    pub tag: Option<String>,
    #[serde(default)]
    pub badge: Option<String>,
}

/// The user's Nitro subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Premium {
    None,
    NitroClassic,
    Nitro,
    NitroBasic,
    /// A value Discord added after this was written.
    Other,
    /// Discord did not say: without the `identify.premium` scope it has sent `premium_type`
    /// 0 for everyone since 2026-05-05 (see [`UserView::hide_unproven_premium`]).
    ///
    /// [`UserView::hide_unproven_premium`]: super::UserView::hide_unproven_premium
    Unknown,
}

/// A profile badge, from the `public_flags` bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Badge {
    Staff,
    Partner,
    Hypesquad,
    BugHunterLevel1,
    HypesquadBravery,
    HypesquadBrilliance,
    HypesquadBalance,
    PremiumEarlySupporter,
    BugHunterLevel2,
    VerifiedBot,
    VerifiedDeveloper,
    CertifiedModerator,
    ActiveDeveloper,
}

impl Badge {
    /// Each badge and its bit in `public_flags`. Flags that are not badges (team pseudo
    /// user, HTTP-interactions bot) are left out. `ActiveDeveloper` (1 << 22) is from
    /// Discord's documented user-flag table.
    const BITS: [(Badge, u32); 13] = [
        (Self::Staff, 0),
        (Self::Partner, 1),
        (Self::Hypesquad, 2),
        (Self::BugHunterLevel1, 3),
        (Self::HypesquadBravery, 6),
        (Self::HypesquadBrilliance, 7),
        (Self::HypesquadBalance, 8),
        (Self::PremiumEarlySupporter, 9),
        (Self::BugHunterLevel2, 14),
        (Self::VerifiedBot, 16),
        (Self::VerifiedDeveloper, 17),
        (Self::CertifiedModerator, 18),
        (Self::ActiveDeveloper, 22),
    ];

    /// The badges set in `flags`, in Discord's bit order; unknown bits are ignored.
    pub fn from_flags(flags: u64) -> Vec<Badge> {
        Self::BITS
            .iter()
            .filter(|(_, bit)| flags & (1u64 << bit) != 0)
            .map(|(badge, _)| *badge)
            .collect()
    }
}

impl User {
    /// What to call the user: the display name when set (and not blank), else the handle.
    pub fn display_name(&self) -> &str {
        match self.global_name.as_deref() {
            Some(name) if !name.trim().is_empty() => name,
            _ => &self.username,
        }
    }

    /// `name#1234` for accounts still on the legacy system; `None` for migrated ones.
    pub fn legacy_tag(&self) -> Option<String> {
        has_legacy_discriminator(&self.discriminator)
            .then(|| format!("{}#{}", self.username, self.discriminator))
    }

    pub fn badges(&self) -> Vec<Badge> {
        Badge::from_flags(self.public_flags)
    }

    pub fn premium(&self) -> Premium {
        match self.premium_type {
            None | Some(0) => Premium::None,
            Some(1) => Premium::NitroClassic,
            Some(2) => Premium::Nitro,
            Some(3) => Premium::NitroBasic,
            Some(_) => Premium::Other,
        }
    }
}

/// A discriminator is legacy when it is set and not `"0"`.
pub(crate) fn has_legacy_discriminator(discriminator: &str) -> bool {
    !discriminator.is_empty() && discriminator != "0"
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn full() -> serde_json::Value {
        json!({
            "id": "80351110224678912",
            "username": "nelly",
            "global_name": "Nelly",
            "discriminator": "0",
            "avatar": "8342729096ea3675442027381ff50dfe",
            "banner": "a_06c16474723fe537c283b8efa61a30c8",
            "accent_color": 16711680,
            "locale": "en-US",
            "mfa_enabled": true,
            "verified": true,
            "email": "nelly@discord.com",
            "flags": 64,
            "public_flags": 64 | 131072 | 4194304 | 1024,
            "premium_type": 2,
            "avatar_decoration_data": {"asset": "a_fed43ab12698df65902ba06727e20c0e", "sku_id": "1"},
            "collectibles": {"nameplate": null},
            "primary_guild": {"identity_guild_id": "1", "identity_enabled": true, "tag": "LC", "badge": "abc"},
            "some_future_field": {"nested": [1, 2, 3]}
        })
    }

    #[test]
    fn reads_every_field_and_ignores_unknown_ones() {
        let user: User = serde_json::from_value(full()).unwrap();
        assert_eq!(user.id.as_str(), "80351110224678912");
        assert_eq!(user.accent_color, Some(0xFF0000));
        assert_eq!(user.email.as_deref(), Some("nelly@discord.com"));
        assert_eq!(user.premium(), Premium::Nitro);
        assert_eq!(user.primary_guild.unwrap().tag.as_deref(), Some("LC"));
        assert_eq!(
            user.avatar_decoration_data.unwrap().sku_id.as_deref(),
            Some("1")
        );
    }

    #[test]
    fn only_id_and_username_are_required() {
        let user: User = serde_json::from_value(json!({"id": "1", "username": "a"})).unwrap();
        assert_eq!(user.display_name(), "a");
        assert_eq!(user.legacy_tag(), None);
        assert!(user.badges().is_empty());
        assert_eq!(user.premium(), Premium::None);
        assert!(serde_json::from_value::<User>(json!({"id": "1"})).is_err());
        assert!(serde_json::from_value::<User>(json!({"username": "a"})).is_err());
        assert!(serde_json::from_value::<User>(json!({"id": 1, "username": "a"})).is_err());
    }

    #[test]
    fn round_trips_through_its_own_serialisation() {
        let user: User = serde_json::from_value(full()).unwrap();
        let again: User = serde_json::from_str(&serde_json::to_string(&user).unwrap()).unwrap();
        assert_eq!(user, again);
    }

    #[test]
    fn display_name_and_legacy_tag() {
        let mut user: User = serde_json::from_value(full()).unwrap();
        assert_eq!(user.display_name(), "Nelly");
        assert_eq!(user.legacy_tag(), None);
        user.global_name = Some("  ".into());
        assert_eq!(user.display_name(), "nelly");
        user.discriminator = "1337".into();
        assert_eq!(user.legacy_tag().as_deref(), Some("nelly#1337"));
    }

    #[test]
    fn badges_follow_public_flags() {
        let user: User = serde_json::from_value(full()).unwrap();
        assert_eq!(
            user.badges(),
            vec![
                Badge::HypesquadBravery,
                Badge::VerifiedDeveloper,
                Badge::ActiveDeveloper
            ]
        );
        assert_eq!(Badge::from_flags(u64::MAX).len(), 13);
        assert_eq!(
            serde_json::to_value(Badge::BugHunterLevel2).unwrap(),
            "bug_hunter_level2"
        );
    }

    #[test]
    fn unknown_premium_type_is_other() {
        let user: User =
            serde_json::from_value(json!({"id": "1", "username": "a", "premium_type": 9})).unwrap();
        assert_eq!(user.premium(), Premium::Other);
    }
}
