//! What a token is allowed to do (`GET /oauth2/@me`).
//!
//! Used to learn the granted scopes and the expiry of a token Linkcord did not just receive
//! itself (for example one restored from the keychain), and for `linkcord doctor`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use ts_rs::TS;

use super::User;

/// The current authorization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Authorization {
    pub application: AuthorizedApplication,
    pub scopes: Vec<String>,
    /// When the access token expires, as Discord wrote it (ISO 8601); see [`Self::expires_at`].
    pub expires: String,
    /// Present when the `identify` scope was granted.
    #[serde(default)]
    pub user: Option<User>,
}

/// The application the token was issued to (partial).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuthorizedApplication {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub icon: Option<String>,
}

impl Authorization {
    /// The expiry as a time, when Discord's text is a valid RFC 3339 date-time.
    pub fn expires_at(&self) -> Option<OffsetDateTime> {
        OffsetDateTime::parse(&self.expires, &Rfc3339).ok()
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_documented_example() {
        let a: Authorization = serde_json::from_value(json!({
            "application": {"id": "159799960412356608", "name": "AIRHORN SOLUTIONS", "icon": null,
                            "description": "", "bot_public": true},
            "scopes": ["guilds.join", "identify"],
            "expires": "2021-01-23T02:33:17.017000+00:00",
            "user": {"id": "268473310986240001", "username": "discord", "avatar": null,
                     "discriminator": "0", "global_name": "Discord", "public_flags": 131072}
        }))
        .unwrap();
        assert!(a.has_scope("identify"));
        assert!(!a.has_scope("email"));
        assert_eq!(a.expires_at().unwrap().unix_timestamp(), 1_611_369_197);
        assert_eq!(a.user.unwrap().username, "discord");
    }

    #[test]
    fn user_is_optional_but_scopes_are_not() {
        let base = json!({"application": {"id": "1"}, "scopes": [], "expires": "garbage"});
        let a: Authorization = serde_json::from_value(base).unwrap();
        assert_eq!(a.user, None);
        assert_eq!(a.expires_at(), None);
        assert!(
            serde_json::from_value::<Authorization>(
                json!({"application": {"id": "1"}, "expires": "x"})
            )
            .is_err()
        );
    }
}
