/// Why the keychain could not be used. None of these carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error(
        "the system keychain is not available ({reason}); on Linux start a Secret Service (GNOME Keyring or KWallet) in your desktop session. Linkcord never stores tokens outside the keychain"
    )]
    Unavailable { reason: String },
    #[error(
        "the system keychain is locked or refused access ({reason}); unlock it (for example by logging in to your desktop session again) and retry"
    )]
    Locked { reason: String },
    #[error(
        "the system keychain did not answer within {seconds} s; check that it is not waiting for a password prompt, then retry"
    )]
    Timeout { seconds: u64 },
    #[error(
        "the keychain entry {entry} could not be read (it is damaged or was written by something else); sign in to that account again"
    )]
    Damaged { entry: String },
    #[error("the system keychain failed: {reason}")]
    Failed { reason: String },
}

impl VaultError {
    /// Sorts a `keyring-core` error. Its `BadEncoding`/`BadDataFormat` variants hold the raw
    /// stored bytes (a secret), so they are never formatted: only the entry name is kept.
    pub(crate) fn from_keyring(error: keyring_core::Error, entry: &str) -> Self {
        use keyring_core::Error as K;
        match error {
            K::NoStorageAccess(e) => Self::Locked {
                reason: e.to_string(),
            },
            K::PlatformFailure(e) => Self::Unavailable {
                reason: e.to_string(),
            },
            K::NoDefaultStore => Self::Unavailable {
                reason: "no keychain store is set up on this platform".into(),
            },
            K::BadEncoding(_) | K::BadDataFormat(..) | K::BadStoreFormat(_) => Self::Damaged {
                entry: entry.to_owned(),
            },
            K::NoEntry => Self::Failed {
                reason: format!("no entry {entry}"),
            },
            K::TooLong(name, limit) => Self::Failed {
                reason: format!("{name} is longer than the keychain allows ({limit})"),
            },
            K::Invalid(name, why) => Self::Failed {
                reason: format!("invalid {name}: {why}"),
            },
            K::Ambiguous(entries) => Self::Failed {
                reason: format!(
                    "{} keychain items match {entry}; remove the extra ones with your keychain manager",
                    entries.len()
                ),
            },
            K::NotSupportedByStore(why) => Self::Failed { reason: why },
            _ => Self::Failed {
                reason: "unexpected keychain error".into(),
            },
        }
    }
}
