/// The exit codes of DESIGN.md §3. Scripts depend on them: never renumber.
// The account, keychain, Discord and sign-in codes are used by the commands of issue 4.
#[allow(dead_code)]
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
}
