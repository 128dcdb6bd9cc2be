use std::path::PathBuf;

use crate::error_class::ErrorClass;

/// Why a setting or an environment variable could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not a valid URL ({value}): {reason}")]
    BadUrl {
        name: &'static str,
        value: String,
        reason: String,
    },
    #[error(
        "{name} must use https unless it points at this machine (127.0.0.1, ::1 or localhost); got {value}"
    )]
    InsecureUrl { name: &'static str, value: String },
    #[error("no data directory could be found for this user; set LINKCORD_DATA_DIR")]
    NoDataDir,
    #[error("could not read or write the settings file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "unknown setting '{0}'; known settings: client-id, client-secret, redirect, port, scopes, language, refresh-minutes, notify-sign-in, notify-revoked"
    )]
    UnknownKey(String),
    #[error("invalid value for {key}: {reason}")]
    BadValue { key: &'static str, reason: String },
}

impl ConfigError {
    /// What kind of failure this is (see [`ErrorClass`]): the settings file that cannot be
    /// read or written is a local file problem, anything else a value to correct.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Io { .. } => ErrorClass::LocalFiles,
            _ => ErrorClass::BadInput,
        }
    }
}
