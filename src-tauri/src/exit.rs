/// The exit codes listed in the README ("Command line"). Scripts depend on them: never
/// renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Usage,
    NoAccount,
    Keychain,
    Discord,
    LoginFailed,
    /// A local file could not be read or written; shares code 1 with unexpected failures.
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

    /// The code the core chose (`SessionError::exit_code`); anything unknown is `Other`.
    pub fn from_code(code: i32) -> Self {
        match code {
            2 => Self::Usage,
            3 => Self::NoAccount,
            4 => Self::Keychain,
            5 => Self::Discord,
            6 => Self::LoginFailed,
            _ => Self::Other,
        }
    }
}
