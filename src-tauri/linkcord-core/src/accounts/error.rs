use std::path::PathBuf;

use crate::error_class::ErrorClass;
use crate::oauth::OAuthError;
use crate::vault::VaultError;

/// Why an account could not be found, read, stored or refreshed.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    #[error(
        "could not read or write {path}: {source}; check the permissions of Linkcord's data folder"
    )]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no account matches '{key}'; `linkcord accounts` lists the signed-in accounts")]
    NoSuchAccount { key: String },
    #[error(
        "'{key}' matches more than one account; use the user id instead (see `linkcord accounts`)"
    )]
    Ambiguous { key: String },
    #[error("no account is signed in; sign in with `linkcord login`")]
    NoActiveAccount,
    #[error(
        "there are no tokens in the keychain for account {account}; sign in to it again with `linkcord login`"
    )]
    NotSignedIn { account: String },
    #[error(
        "the sign-in for account {account} has expired or was revoked in Discord; sign in to it again with `linkcord login`"
    )]
    NeedsSignIn { account: String },
    #[error(
        "{what} is held by another Linkcord process for more than {seconds} s; retry when it has finished"
    )]
    Busy { what: String, seconds: u64 },
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    OAuth(#[from] OAuthError),
}

impl AccountsError {
    /// What kind of failure this is (see [`ErrorClass`]).
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Io { .. } => ErrorClass::LocalFiles,
            Self::Busy { .. } => ErrorClass::Busy,
            Self::NoSuchAccount { .. } | Self::Ambiguous { .. } | Self::NoActiveAccount => {
                ErrorClass::NoAccount
            }
            Self::NotSignedIn { .. } | Self::NeedsSignIn { .. } => ErrorClass::NeedsSignIn,
            Self::Vault(_) => ErrorClass::KeychainUnavailable,
            Self::OAuth(e) => e.class(),
        }
    }

    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| Self::Io {
            path: path.to_owned(),
            source,
        }
    }
}
