//! The process's exit codes, as the README lists them ("Command line"). Scripts depend on the
//! numbers: never renumber, and never give an old meaning a new number.
//!
//! Both executables end with one of these. A failure from the core becomes one in a single
//! place, [`ExitCode::from`] an [`ErrorClass`], so every command maps the same kind of failure
//! to the same code.

use linkcord_core::error_class::ErrorClass;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// A bad argument, setting, variable or link (2).
    Usage,
    /// No such account, or it is not signed in (3).
    NoAccount,
    /// The keychain is unavailable (4).
    Keychain,
    /// Discord could not be reached or refused (5).
    Discord,
    /// The sign-in was cancelled, denied or timed out (6).
    LoginFailed,
    /// A local file could not be read or written, or anything unexpected (1).
    Other,
}

impl ExitCode {
    pub fn code(self) -> i32 {
        match self {
            Self::Other => 1,
            Self::Usage => 2,
            Self::NoAccount => 3,
            Self::Keychain => 4,
            Self::Discord => 5,
            Self::LoginFailed => 6,
        }
    }
}

impl From<ErrorClass> for ExitCode {
    fn from(class: ErrorClass) -> Self {
        match class {
            ErrorClass::NotConfigured | ErrorClass::BadInput => Self::Usage,
            ErrorClass::NoAccount | ErrorClass::NeedsSignIn => Self::NoAccount,
            ErrorClass::KeychainUnavailable => Self::Keychain,
            // A lock held elsewhere for too long was reported with Discord's code before
            // there were classes; kept, since scripts may retry on 5.
            ErrorClass::DiscordUnreachable
            | ErrorClass::DiscordRefused
            | ErrorClass::NotRevoked
            | ErrorClass::Busy => Self::Discord,
            ErrorClass::Cancelled => Self::LoginFailed,
            ErrorClass::LocalFiles => Self::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_class_keeps_the_documented_number() {
        let cases = [
            (ErrorClass::NotConfigured, 2),
            (ErrorClass::BadInput, 2),
            (ErrorClass::NoAccount, 3),
            (ErrorClass::NeedsSignIn, 3),
            (ErrorClass::KeychainUnavailable, 4),
            (ErrorClass::DiscordUnreachable, 5),
            (ErrorClass::DiscordRefused, 5),
            (ErrorClass::NotRevoked, 5),
            (ErrorClass::Busy, 5),
            (ErrorClass::Cancelled, 6),
            (ErrorClass::LocalFiles, 1),
        ];
        for (class, code) in cases {
            assert_eq!(ExitCode::from(class).code(), code, "{class:?}");
        }
    }
}
