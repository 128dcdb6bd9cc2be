use crate::accounts::AccountsError;
use crate::config::ConfigError;
use crate::discord::DiscordError;
use crate::oauth::{OAuthError, SignInFailure};
use crate::vault::VaultError;

/// Why a flow stopped. Each variant's message says what to do; [`SessionError::exit_code`]
/// gives the CLI's exit code (see `cli/exit.rs` and the README).
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(
        "no Discord client id is set; set it with `linkcord config set client-id <Application ID>` or LINKCORD_CLIENT_ID"
    )]
    NoClientId,
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Accounts(#[from] AccountsError),
    #[error("could not read your Discord profile: {0}")]
    Discord(#[from] DiscordError),
    #[error(
        "could not revoke the sign-in of account {account} at Discord ({reason}); nothing was deleted. Retry when Discord can be reached, or remove the account from this computer only with `linkcord logout --local` (Discord will then still list Linkcord under Settings → Authorized Apps)"
    )]
    RevokeFailed { account: String, reason: String },
    #[error(
        "could not open the browser ({0}); set LINKCORD_BROWSER to a browser command, or open the sign-in address yourself"
    )]
    Browser(String),
}

impl SessionError {
    /// 2 usage, 3 no such account / not signed in, 4 keychain unavailable, 5 Discord or
    /// network error, 6 login cancelled, denied or timed out.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::NoClientId | Self::Config(_) | Self::Browser(_) => 2,
            Self::Vault(_) => 4,
            Self::Discord(_) | Self::RevokeFailed { .. } => 5,
            Self::OAuth(e) => oauth_code(e),
            Self::Accounts(e) => match e {
                AccountsError::Vault(_) => 4,
                AccountsError::OAuth(e) => oauth_code(e),
                AccountsError::Io { .. } | AccountsError::Busy { .. } => 5,
                AccountsError::NoSuchAccount { .. }
                | AccountsError::Ambiguous { .. }
                | AccountsError::NoActiveAccount
                | AccountsError::NotSignedIn { .. }
                | AccountsError::NeedsSignIn { .. } => 3,
            },
        }
    }
}

impl SessionError {
    /// What the browser tab that brought the sign-in's code is told when finishing the
    /// sign-in failed with this error, in the user's terms.
    pub fn sign_in_failure(&self) -> SignInFailure {
        match self {
            Self::OAuth(OAuthError::Network(_)) => SignInFailure::DiscordUnreachable,
            Self::OAuth(_) => SignInFailure::ExchangeRefused,
            Self::Discord(DiscordError::Network(_) | DiscordError::Timeout { .. }) => {
                SignInFailure::DiscordUnreachable
            }
            Self::Discord(_) => SignInFailure::ProfileUnreadable,
            Self::Vault(_) | Self::Accounts(AccountsError::Vault(_)) => {
                SignInFailure::KeychainUnavailable
            }
            Self::Accounts(AccountsError::Io { .. }) => SignInFailure::DataFolderUnwritable,
            _ => SignInFailure::Other,
        }
    }
}

fn oauth_code(error: &OAuthError) -> i32 {
    match error {
        OAuthError::AccessDenied
        | OAuthError::Cancelled
        | OAuthError::Timeout { .. }
        | OAuthError::StateMismatch => 6,
        OAuthError::InvalidGrant { .. } => 3,
        OAuthError::Config(_) | OAuthError::Listen { .. } | OAuthError::NotACallback(_) => 2,
        OAuthError::AuthorizationFailed { .. }
        | OAuthError::InvalidClient
        | OAuthError::Rejected { .. }
        | OAuthError::Network(_)
        | OAuthError::BadResponse(_) => 5,
    }
}
