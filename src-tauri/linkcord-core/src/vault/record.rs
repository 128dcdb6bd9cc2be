use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::oauth::{Scopes, TokenSet};
use crate::secret::{AccessToken, RefreshToken};

/// When Discord gives no lifetime, assume this short one so the token is checked again soon.
const UNKNOWN_LIFETIME: Duration = Duration::from_secs(3600);

/// The longest lifetime believed. Discord's tokens last a week; a larger `expires_in` is a
/// mistake, and a huge one is not even a date. This runs after Discord rotated the refresh
/// token, so it must not fail: the new pair has to reach the keychain.
const MAX_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

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
        let lifetime = tokens
            .expires_in
            .unwrap_or(UNKNOWN_LIFETIME)
            .min(MAX_LIFETIME);
        Self {
            access_token: tokens.access_token,
            refresh_token: tokens
                .refresh_token
                .or_else(|| previous.and_then(|p| p.refresh_token.clone())),
            // Saturating: near the year 9999 limit a year still fits nowhere.
            expires_at: now.saturating_add(lifetime.try_into().unwrap_or(time::Duration::MAX)),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(expires_in: Option<Duration>) -> TokenSet {
        TokenSet {
            access_token: AccessToken::new("at".into()),
            refresh_token: Some(RefreshToken::new("rt".into())),
            expires_in,
            scopes: None,
            token_type: "Bearer".into(),
        }
    }

    #[test]
    fn an_absurd_lifetime_is_cut_to_a_year() {
        let now = OffsetDateTime::now_utc();
        for absurd in [Duration::from_secs(u64::MAX), Duration::MAX] {
            let record = TokenRecord::from_tokens(tokens(Some(absurd)), now, None);
            assert_eq!(record.expires_at, now + MAX_LIFETIME);
            assert!(
                TokenRecord::from_json(&record.to_json()).is_some(),
                "the record still reads back"
            );
        }
    }

    #[test]
    fn an_ordinary_lifetime_is_kept() {
        let now = OffsetDateTime::now_utc();
        let week = Duration::from_secs(604_800);
        let record = TokenRecord::from_tokens(tokens(Some(week)), now, None);
        assert_eq!(record.expires_at, now + week);
        let record = TokenRecord::from_tokens(tokens(None), now, None);
        assert_eq!(record.expires_at, now + UNKNOWN_LIFETIME);
    }

    #[test]
    fn even_at_the_end_of_time_the_expiry_is_a_date() {
        let late = time::macros::datetime!(9999-12-01 00:00 UTC);
        let record = TokenRecord::from_tokens(tokens(Some(MAX_LIFETIME)), late, None);
        assert!(record.expires_at >= late);
    }
}
