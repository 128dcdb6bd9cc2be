//! What kind of failure happened, in the one vocabulary both shells speak.
//!
//! Each module's error type says precisely what went wrong, in words for the user. The shells
//! need less and more than that: less, because the command line only needs an exit code and
//! the window only a way out to offer; more, because both must know whether the cached data
//! may be shown instead. [`ErrorClass`] is that shared answer. `SessionError::class` sorts
//! every core error into one class; the command line's exit code and the window's error kind
//! are each derived from the class alone, in one place each, so the two can never disagree
//! about what a failure was.

/// The kind of a failure, as far as anyone using Linkcord is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// No Discord client id is set, so Linkcord cannot sign in yet.
    NotConfigured,
    /// A value given to Linkcord is not usable: a setting, an environment variable, an
    /// argument, a link, a port that cannot be listened on, a browser command that cannot
    /// start.
    BadInput,
    /// No account matches what was asked: an unknown id or username, a name two accounts
    /// share, or no account signed in at all.
    NoAccount,
    /// The account is listed but its sign-in is gone (no tokens in the keychain, expired,
    /// revoked in Discord): signing in to it again is the way out.
    NeedsSignIn,
    /// The keychain is missing, locked, too slow or refusing. There is no fallback.
    KeychainUnavailable,
    /// Discord could not be reached or could not answer now (network, timeout, trouble on
    /// its side, rate limit, an unreadable reply). Retrying later may work, and meanwhile
    /// the cached data can stand in.
    DiscordUnreachable,
    /// Discord answered and refused (the application's settings, a permission, a request it
    /// would not serve). Retrying the same thing will not help.
    DiscordRefused,
    /// Logging out could not tell Discord, so nothing was deleted; removing the account from
    /// this computer only is the way out.
    NotRevoked,
    /// The sign-in did not finish because the person cancelled or denied it, it timed out,
    /// its answer did not belong to it, or Discord refused the code it brought back.
    Cancelled,
    /// Another Linkcord process held the account or its files for too long.
    Busy,
    /// A file or folder of Linkcord's could not be read or written.
    LocalFiles,
}

impl ErrorClass {
    /// Whether the last cached data may be shown instead of fresh data after this failure:
    /// only when Discord could not answer. A refusal (a dead sign-in, a missing permission)
    /// is never hidden behind old data.
    pub fn cache_can_stand_in(self) -> bool {
        matches!(self, Self::DiscordUnreachable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_unreachable_discord_lets_the_cache_stand_in() {
        assert!(ErrorClass::DiscordUnreachable.cache_can_stand_in());
        for class in [
            ErrorClass::NeedsSignIn,
            ErrorClass::DiscordRefused,
            ErrorClass::KeychainUnavailable,
            ErrorClass::NoAccount,
        ] {
            assert!(!class.cache_can_stand_in(), "{class:?}");
        }
    }
}
