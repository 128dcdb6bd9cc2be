//! An account linked to the user's Discord profile (`GET /users/@me/connections`).
//!
//! The `type` is open ([`ConnectionType`]) and `visibility` tolerates values Discord may add,
//! so a new service or setting shows up as "unknown" instead of breaking the whole list.
//! `integrations` is ignored: Linkcord shows accounts, not the servers they are tied to.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;
use url::Url;

use super::ConnectionType;

/// One linked account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Connection {
    /// The account's id on the other service (not a Discord snowflake).
    pub id: String,
    /// The account's name there; Discord may send null.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: ConnectionType,
    #[serde(default)]
    pub revoked: bool,
    #[serde(default)]
    pub verified: bool,
    #[serde(default)]
    pub friend_sync: bool,
    #[serde(default)]
    pub show_activity: bool,
    /// Discord holds an OAuth2 token for the other service.
    #[serde(default)]
    pub two_way_link: bool,
    #[serde(default)]
    pub visibility: Visibility,
}

impl Connection {
    /// The name to show: the account name, else its id.
    pub fn display_name(&self) -> &str {
        match self.name.as_deref() {
            Some(name) if !name.trim().is_empty() => name,
            _ => &self.id,
        }
    }

    /// The public profile page, where one can be built safely (see the catalogue).
    pub fn profile_url(&self) -> Option<Url> {
        self.kind.profile_url(&self.id, self.name.as_deref())
    }
}

/// Who can see the connection on the profile. Sent by Discord as 0 or 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, TS)]
#[ts(type = "number")]
pub enum Visibility {
    /// 0: only the user.
    #[default]
    Private,
    /// 1: everyone.
    Public,
    /// A value Discord added after this was written; kept so it round-trips.
    Other(i64),
}

impl Visibility {
    fn from_code(code: i64) -> Self {
        match code {
            0 => Self::Private,
            1 => Self::Public,
            other => Self::Other(other),
        }
    }

    fn code(self) -> i64 {
        match self {
            Self::Private => 0,
            Self::Public => 1,
            Self::Other(code) => code,
        }
    }
}

impl Serialize for Visibility {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.code())
    }
}

impl<'de> Deserialize<'de> for Visibility {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        i64::deserialize(deserializer).map(Self::from_code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discord::KnownService;
    use serde_json::json;

    #[test]
    fn reads_a_documented_connection() {
        let c: Connection = serde_json::from_value(json!({
            "id": "76561197960287930", "name": "gabe", "type": "steam", "revoked": false,
            "verified": true, "friend_sync": false, "show_activity": true, "two_way_link": false,
            "visibility": 1,
            "integrations": [{"id": "1", "type": "twitch", "account": {"id": "2", "name": "x"}}]
        }))
        .unwrap();
        assert_eq!(c.kind, ConnectionType::Known(KnownService::Steam));
        assert_eq!(c.visibility, Visibility::Public);
        assert_eq!(
            c.profile_url().unwrap().as_str(),
            "https://steamcommunity.com/profiles/76561197960287930"
        );
    }

    #[test]
    fn tolerates_new_types_new_visibilities_null_names_and_extra_fields() {
        let c: Connection = serde_json::from_value(json!({
            "id": "abc", "name": null, "type": "soundcloud", "visibility": 7,
            "verified": true, "friend_sync": false, "show_activity": false, "two_way_link": false,
            "brand_new_field": true
        }))
        .unwrap();
        assert_eq!(c.kind, ConnectionType::Unknown("soundcloud".into()));
        assert_eq!(c.visibility, Visibility::Other(7));
        assert_eq!(c.display_name(), "abc");
        assert_eq!(c.profile_url(), None);
        let again: Connection = serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
        assert_eq!(again, c);
        assert_eq!(serde_json::to_value(&c).unwrap()["visibility"], 7);
    }

    #[test]
    fn refuses_wrong_types_for_required_fields() {
        assert!(serde_json::from_value::<Connection>(json!({"id": "1"})).is_err());
        assert!(serde_json::from_value::<Connection>(json!({"id": 1, "type": "github"})).is_err());
        assert!(
            serde_json::from_value::<Connection>(
                json!({"id": "1", "type": "github", "visibility": "x"})
            )
            .is_err()
        );
    }
}
