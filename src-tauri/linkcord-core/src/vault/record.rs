use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::oauth::{Scopes, TokenSet};
use crate::secret::{AccessToken, RefreshToken};

/// When Discord gives no lifetime, assume this short one so the token is checked again soon.
const UNKNOWN_LIFETIME: Duration = Duration::from_secs(3600);

/// What the keychain holds for one account. `Debug` shows no token; there is no `Display`.
#[derive(Clone, Serialize, Deserialize)]
pub struct TokenRecord {
    pub access_token: AccessToken,
    pub refresh_token: Option<RefreshToken>,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub scopes: Scopes,
    pub token_type: String,
}

impl std::fmt::Debug for TokenRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenRecord")
            .field("access_token", &"[redacted]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field("token_type", &self.token_type)
            .finish()
    }
}

impl TokenRecord {
    /// The record for tokens Discord just issued at `now`. If Discord sent no new refresh
    /// token, the previous one is kept; if it named no scopes, the previous ones are.
    pub fn from_tokens(
        tokens: TokenSet,
        now: OffsetDateTime,
        previous: Option<&TokenRecord>,
    ) -> Self {
        let lifetime = tokens.expires_in.unwrap_or(UNKNOWN_LIFETIME);
        Self {
            access_token: tokens.access_token,
            refresh_token: tokens
                .refresh_token
                .or_else(|| previous.and_then(|p| p.refresh_token.clone())),
            expires_at: now + lifetime,
            scopes: tokens
                .scopes
                .or_else(|| previous.map(|p| p.scopes.clone()))
                .unwrap_or_default(),
            token_type: tokens.token_type,
        }
    }

    /// True when fewer than `margin` remain before expiry (or it has passed).
    pub fn expires_within(&self, margin: Duration, now: OffsetDateTime) -> bool {
        self.expires_at - now < margin
    }

    /// True when both records hold the same access token.
    pub fn same_access_token(&self, other: &AccessToken) -> bool {
        self.access_token.secret() == other.secret()
    }

    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a token record serialises")
    }

    pub(crate) fn from_json(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }
}
