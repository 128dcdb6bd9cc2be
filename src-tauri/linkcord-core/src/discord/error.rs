//! The one error type of the Discord module.
//!
//! Every variant's message is written for the person using Linkcord: what happened and what
//! to do. None of them ever holds a token or a whole response body: reasons are short texts
//! Linkcord wrote itself, and Discord's own error message is trimmed before it is kept.

use std::time::Duration;

use crate::error_class::ErrorClass;

/// What went wrong talking to Discord.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DiscordError {
    /// No connection could be made or it broke (DNS, refused, TLS, reset).
    #[error("Could not reach Discord ({0}). Check your internet connection and try again.")]
    Network(String),
    /// Discord refused the request for a reason not covered below (400, 404, …).
    #[error("Discord refused the request (HTTP {status}): {message}")]
    Api { status: u16, message: String },
    /// The reply could not be used: not JSON, cut off, or not the expected shape.
    #[error("Discord sent a reply Linkcord could not read: {0}. Try again later.")]
    BadResponse(String),
    /// Discord did not answer in time.
    #[error(
        "Discord did not answer within {} — check your connection and try again.",
        Seconds(*after)
    )]
    Timeout { after: Duration },
    /// The reply was larger than Linkcord accepts.
    #[error("Discord's reply was larger than {limit} bytes, so Linkcord stopped reading it.")]
    TooLarge { limit: usize },
    /// Discord asked Linkcord to slow down for longer than it is willing to wait.
    #[error(
        "Discord is rate-limiting Linkcord{}; try again in {}.",
        if *global { " (for all requests)" } else { "" },
        Seconds(*retry_after)
    )]
    RateLimited { retry_after: Duration, global: bool },
    /// The token is no longer valid (HTTP 401). Linkcord will not send it again.
    #[error("Discord no longer accepts this sign-in. Sign in to this account again.")]
    Unauthorized,
    /// The token lacks the scope or access for this request (HTTP 403).
    #[error(
        "Discord did not allow this request ({message}). Sign in again and grant the permission if you want this information."
    )]
    Forbidden { message: String },
    /// Discord had a problem of its own (HTTP 5xx).
    #[error("Discord is having trouble (HTTP {status}). Try again in a few minutes.")]
    Server { status: u16 },
}

impl DiscordError {
    /// What kind of failure this is (see [`ErrorClass`]). A 401 means the sign-in is gone:
    /// the caller has already tried the refreshed token by the time it reports one.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Network(_)
            | Self::Timeout { .. }
            | Self::Server { .. }
            | Self::BadResponse(_)
            | Self::TooLarge { .. }
            | Self::RateLimited { .. } => ErrorClass::DiscordUnreachable,
            Self::Unauthorized => ErrorClass::NeedsSignIn,
            Self::Api { .. } | Self::Forbidden { .. } => ErrorClass::DiscordRefused,
        }
    }

    /// The token is dead: the account needs a refresh or a new sign-in, not a retry.
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, Self::Unauthorized)
    }

    /// How long to wait before trying again, when Discord said so.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }
}

/// A duration shown to a person: whole seconds, rounded up, or milliseconds below one second.
struct Seconds(Duration);

impl std::fmt::Display for Seconds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.0;
        if d < Duration::from_secs(1) {
            write!(f, "{} ms", d.as_millis())
        } else {
            let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
            write!(f, "{secs} s")
        }
    }
}

/// Keeps at most `max` characters of someone else's text, without control characters, so a
/// hostile reply cannot flood a log line or forge extra lines in it.
pub(crate) fn short_text(text: &str, max: usize) -> String {
    let mut out: String = text.chars().filter(|c| !c.is_control()).take(max).collect();
    if text.chars().filter(|c| !c.is_control()).nth(max).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_well() {
        let e = DiscordError::RateLimited {
            retry_after: Duration::from_millis(41_200),
            global: false,
        };
        assert_eq!(
            e.to_string(),
            "Discord is rate-limiting Linkcord; try again in 42 s."
        );
        let e = DiscordError::Timeout {
            after: Duration::from_secs(20),
        };
        assert_eq!(
            e.to_string(),
            "Discord did not answer within 20 s — check your connection and try again."
        );
        let e = DiscordError::Timeout {
            after: Duration::from_millis(250),
        };
        assert!(e.to_string().contains("250 ms"));
        assert!(
            DiscordError::RateLimited {
                retry_after: Duration::ZERO,
                global: true
            }
            .to_string()
            .contains("for all requests")
        );
    }

    #[test]
    fn short_text_trims_and_strips_control_characters() {
        assert_eq!(short_text("a\nb\rc", 10), "abc");
        assert_eq!(short_text(&"x".repeat(50), 5), "xxxxx…");
        assert_eq!(short_text("héllo", 5), "héllo");
    }
}
