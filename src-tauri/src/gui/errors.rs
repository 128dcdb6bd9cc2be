//! How a failure of the core reaches the window: its [`ErrorKind`] (which way out the window
//! offers) and a message in the window's language.
//!
//! The core sorts every failure into an [`ErrorClass`]; this file is the one place that turns
//! a class into a kind, so the window and the command line (whose exit codes come from the
//! same class) never disagree about what a failure was. The core's own message is written for
//! a terminal (it may say "run `linkcord login`"), so the window shows a sentence of its own
//! per kind and keeps the core's words only as the detail.

use linkcord_core::error_class::ErrorClass;
use linkcord_core::session::SessionError;

use super::i18n::{self, Text};
use crate::models::{CommandError, ErrorKind};

impl From<ErrorClass> for ErrorKind {
    fn from(class: ErrorClass) -> Self {
        match class {
            ErrorClass::NotConfigured => Self::NotConfigured,
            ErrorClass::BadInput => Self::InvalidInput,
            ErrorClass::NoAccount => Self::NotFound,
            ErrorClass::NeedsSignIn => Self::NeedsSignIn,
            ErrorClass::KeychainUnavailable => Self::Keychain,
            ErrorClass::DiscordUnreachable => Self::Discord,
            ErrorClass::DiscordRefused => Self::DiscordRefused,
            ErrorClass::NotRevoked => Self::RevokeFailed,
            ErrorClass::Cancelled => Self::Cancelled,
            ErrorClass::Busy => Self::Busy,
            ErrorClass::LocalFiles => Self::Files,
        }
    }
}

/// A core failure as the window shows it: the kind's own sentence, the core's words as the
/// detail.
pub fn command_error(error: &SessionError) -> CommandError {
    let kind = ErrorKind::from(error.class());
    CommandError {
        message: i18n::text(message_of(kind)).to_owned(),
        kind,
        detail: Some(error.to_string()),
    }
}

/// The sentence the window shows for a kind of failure.
fn message_of(kind: ErrorKind) -> Text {
    match kind {
        ErrorKind::InvalidInput => Text::ErrorInvalidInput,
        ErrorKind::NotConfigured => Text::SetupFirst,
        ErrorKind::NotFound => Text::ErrorNotFound,
        ErrorKind::Keychain => Text::ErrorKeychain,
        ErrorKind::Discord => Text::ErrorDiscordUnreachable,
        ErrorKind::DiscordRefused => Text::ErrorDiscordRefused,
        ErrorKind::RevokeFailed => Text::ErrorRevokeFailed,
        ErrorKind::NeedsSignIn => Text::ErrorNeedsSignIn,
        ErrorKind::Cancelled => Text::ErrorCancelled,
        ErrorKind::Busy => Text::ErrorBusy,
        ErrorKind::Files => Text::ErrorFiles,
        ErrorKind::Other => Text::ErrorOther,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkcord_core::accounts::AccountsError;

    /// Every kind has a sentence of its own in both languages, and none sends the person to a
    /// terminal.
    #[test]
    fn every_kind_speaks_both_languages_without_terminal_hints() {
        let kinds = [
            ErrorKind::InvalidInput,
            ErrorKind::NotConfigured,
            ErrorKind::NotFound,
            ErrorKind::Keychain,
            ErrorKind::Discord,
            ErrorKind::DiscordRefused,
            ErrorKind::RevokeFailed,
            ErrorKind::NeedsSignIn,
            ErrorKind::Cancelled,
            ErrorKind::Busy,
            ErrorKind::Files,
            ErrorKind::Other,
        ];
        for kind in kinds {
            let (en, fr) = (
                i18n::text_in(i18n::Lang::En, message_of(kind)),
                i18n::text_in(i18n::Lang::Fr, message_of(kind)),
            );
            assert_ne!(en, fr, "{kind:?} is not translated");
            for text in [en, fr] {
                assert!(!text.contains('`') && !text.contains("linkcord "), "{text}");
            }
        }
    }

    /// The core's "sign in again with `linkcord login`" becomes the window's own sentence; the
    /// core's words stay available as the detail.
    #[test]
    fn a_dead_sign_in_is_told_in_the_window_s_words() {
        let error = SessionError::Accounts(AccountsError::NoActiveAccount);
        let shown = command_error(&error);
        assert_eq!(shown.kind, ErrorKind::NotFound);
        assert!(
            !shown.message.contains("linkcord login"),
            "{}",
            shown.message
        );
        assert!(shown.detail.unwrap().contains("linkcord login"));
    }
}
