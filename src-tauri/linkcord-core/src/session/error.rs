use crate::accounts::AccountsError;
use crate::config::ConfigError;
use crate::discord::DiscordError;
use crate::error_class::ErrorClass;
use crate::oauth::{OAuthError, SignInFailure};
use crate::vault::VaultError;

/// Why a flow stopped. Each variant's message says what to do; [`SessionError::class`] says
/// what kind of failure it is, from which each shell derives its exit code or notice.
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
    /// Discord refused the code a sign-in brought back (replayed, expired): this sign-in
    /// failed, which says nothing about the accounts already stored.
    #[error(transparent)]
    CodeRefused(OAuthError),
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
    /// What kind of failure this is; the command line's exit code and the window's error kind
    /// are both derived from it (see [`ErrorClass`]).
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::NoClientId => ErrorClass::NotConfigured,
            Self::Config(e) => e.class(),
            Self::Browser(_) => ErrorClass::BadInput,
            Self::OAuth(e) => e.class(),
            Self::Vault(_) => ErrorClass::KeychainUnavailable,
            Self::Accounts(e) => e.class(),
            Self::Discord(e) => e.class(),
            Self::RevokeFailed { .. } => ErrorClass::NotRevoked,
            Self::CodeRefused(_) => ErrorClass::Cancelled,
        }
    }
}

impl SessionError {
    /// What the browser tab that brought the sign-in's code is told when finishing the
    /// sign-in failed with this error, in the user's terms.
    pub fn sign_in_failure(&self) -> SignInFailure {
        match self {
            Self::OAuth(OAuthError::Network(_)) => SignInFailure::DiscordUnreachable,
            Self::OAuth(_) | Self::CodeRefused(_) => SignInFailure::ExchangeRefused,
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
