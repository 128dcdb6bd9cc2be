use crate::error_class::ErrorClass;

/// Why a sign-in, refresh or revoke did not succeed.
///
/// Every message says what happened and what to do. None ever holds a token, a code, a
/// verifier or the client secret: only Discord's error code and its short description.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    #[error(
        "the sign-in answer did not belong to this sign-in (its state did not match); start the sign-in again from Linkcord"
    )]
    StateMismatch,
    #[error("the sign-in was cancelled in Discord; sign in again and choose Authorize to continue")]
    AccessDenied,
    #[error(
        "Discord refused the sign-in ({code}{}); check the application settings and try again",
        description.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
    )]
    AuthorizationFailed {
        code: String,
        description: Option<String>,
    },
    #[error(
        "no answer came back from the browser within {seconds} s; start the sign-in again and finish it in the browser"
    )]
    Timeout { seconds: u64 },
    #[error("the sign-in was cancelled")]
    Cancelled,
    #[error(
        "Discord no longer accepts this sign-in ({}); sign in again",
        description.as_deref().unwrap_or("invalid_grant")
    )]
    InvalidGrant { description: Option<String> },
    #[error(
        "Discord did not recognise this application (invalid_client); check the client id, and either turn on \"Public Client\" in the Discord developer portal or set the client secret"
    )]
    InvalidClient,
    #[error(
        "Discord refused the request ({code}{}); check the application settings and try again",
        description.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
    )]
    Rejected {
        code: String,
        description: Option<String>,
    },
    #[error("could not reach Discord ({0}); check the network connection and try again")]
    Network(String),
    #[error("Discord sent an answer Linkcord could not read ({0}); try again later")]
    BadResponse(String),
    #[error(
        "could not listen for the sign-in answer on 127.0.0.1 port {port} ({reason}); close the program using that port or choose another one with `linkcord config set port`"
    )]
    Listen { port: u16, reason: String },
    #[error("this link is not a Discord sign-in answer for Linkcord ({0})")]
    NotACallback(String),
    #[error("the application settings are not usable for signing in: {0}")]
    Config(String),
}

impl OAuthError {
    /// What kind of failure this is (see [`ErrorClass`]).
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::AccessDenied | Self::Cancelled | Self::Timeout { .. } | Self::StateMismatch => {
                ErrorClass::Cancelled
            }
            Self::InvalidGrant { .. } => ErrorClass::NeedsSignIn,
            Self::Config(_) | Self::Listen { .. } | Self::NotACallback(_) => ErrorClass::BadInput,
            Self::AuthorizationFailed { .. } | Self::InvalidClient | Self::Rejected { .. } => {
                ErrorClass::DiscordRefused
            }
            Self::Network(_) | Self::BadResponse(_) => ErrorClass::DiscordUnreachable,
        }
    }

    /// Keeps Discord's description short and on one line, so a hostile server cannot flood a
    /// message or a log.
    pub(crate) fn clean_description(text: Option<&str>) -> Option<String> {
        text.map(|t| {
            t.chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect::<String>()
        })
        .filter(|t| !t.is_empty())
    }
}
