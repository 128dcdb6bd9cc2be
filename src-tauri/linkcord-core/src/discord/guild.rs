//! A server the user is in (`GET /users/@me/guilds`, a partial guild).
//!
//! `features` stays a list of strings: Discord's feature set grows faster than any enum, and
//! Linkcord only shows them. The member counts only come with `with_counts=true`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::GuildId;

/// A partial guild as listed for the current user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Guild {
    pub id: GuildId,
    pub name: String,
    /// Icon hash; `a_…` means animated.
    #[serde(default)]
    pub icon: Option<String>,
    #[serde(default)]
    pub banner: Option<String>,
    /// Whether the user owns the server.
    #[serde(default)]
    pub owner: bool,
    /// The user's permission bits, as Discord sends them: a decimal string.
    #[serde(default)]
    pub permissions: Option<String>,
    #[serde(default)]
    pub features: Vec<String>,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub approximate_member_count: Option<u64>,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub approximate_presence_count: Option<u64>,
}

impl Guild {
    /// Permission bit for "Administrator".
    const ADMINISTRATOR: u128 = 1 << 3;

    /// The permission bits, if Discord sent a readable number. Discord's bitfield already
    /// uses more than 50 bits, so it is read as `u128` to leave room.
    pub fn permission_bits(&self) -> Option<u128> {
        self.permissions.as_deref()?.parse().ok()
    }

    /// Whether the user administers this server (owner or the Administrator permission).
    pub fn is_admin(&self) -> bool {
        self.owner
            || self
                .permission_bits()
                .is_some_and(|bits| bits & Self::ADMINISTRATOR != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_partial_guild_with_counts_and_unknown_features() {
        let g: Guild = serde_json::from_value(json!({
            "id": "80351110224678912", "name": "1337 Krew", "icon": "8342729096ea3675442027381ff50dfe",
            "banner": null, "owner": false, "permissions": "2251799813685247",
            "features": ["COMMUNITY", "SOMETHING_NEW"], "approximate_member_count": 3268,
            "approximate_presence_count": 784, "unknown": 1
        }))
        .unwrap();
        assert_eq!(g.features[1], "SOMETHING_NEW");
        assert_eq!(g.approximate_member_count, Some(3268));
        assert!(g.is_admin());
    }

    #[test]
    fn counts_and_permissions_are_optional() {
        let g: Guild =
            serde_json::from_value(json!({"id": "1", "name": "x", "permissions": "nope"})).unwrap();
        assert_eq!(g.approximate_member_count, None);
        assert_eq!(g.permission_bits(), None);
        assert!(!g.is_admin());
        assert!(serde_json::from_value::<Guild>(json!({"id": "x", "name": "x"})).is_err());
    }
}
