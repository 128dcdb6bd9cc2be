//! The strings the shell itself shows (tray menu, notices, error messages), in English and
//! French. The window's own strings live in the UI.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy)]
pub enum Text {
    TrayOpen,
    TrayQuit,
    TrayAdd,
    TrayRefresh,
    TrayMoreAccounts,
    NoSignInWaiting,
    LinkRefused,
    SetupFirst,
    SchemeNotRegistered,
    SwitchFailed,
    ErrorInvalidInput,
    ErrorNotFound,
    ErrorKeychain,
    ErrorDiscordUnreachable,
    ErrorDiscordRefused,
    ErrorRevokeFailed,
    ErrorNeedsSignIn,
    ErrorCancelled,
    ErrorBusy,
    ErrorFiles,
    ErrorOther,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

/// `t` in the language in force (the setting, else the system's).
pub fn text(t: Text) -> &'static str {
    text_in(lang(), t)
}

pub fn text_in(lang: Lang, t: Text) -> &'static str {
    match (lang, t) {
        (Lang::En, Text::TrayOpen) => "Open Linkcord",
        (Lang::Fr, Text::TrayOpen) => "Ouvrir Linkcord",
        (Lang::En, Text::TrayQuit) => "Quit",
        (Lang::Fr, Text::TrayQuit) => "Quitter",
        (Lang::En, Text::TrayAdd) => "Add account…",
        (Lang::Fr, Text::TrayAdd) => "Ajouter un compte…",
        (Lang::En, Text::TrayRefresh) => "Refresh",
        (Lang::Fr, Text::TrayRefresh) => "Actualiser",
        (Lang::En, Text::TrayMoreAccounts) => "More accounts",
        (Lang::Fr, Text::TrayMoreAccounts) => "Autres comptes",
        (Lang::En, Text::SwitchFailed) => "Could not switch to account",
        (Lang::Fr, Text::SwitchFailed) => "Impossible de passer au compte",
        (Lang::En, Text::ErrorInvalidInput) => {
            "Linkcord could not use a value it was given. Check the settings and try again."
        }
        (Lang::Fr, Text::ErrorInvalidInput) => {
            "Linkcord n’a pas pu utiliser une valeur reçue. Vérifiez les réglages et réessayez."
        }
        (Lang::En, Text::ErrorNotFound) => "This account is not on this computer.",
        (Lang::Fr, Text::ErrorNotFound) => "Ce compte n’est pas sur cet ordinateur.",
        (Lang::En, Text::ErrorKeychain) => {
            "The system keychain is locked or unavailable. Unlock it and try again."
        }
        (Lang::Fr, Text::ErrorKeychain) => {
            "Le trousseau du système est verrouillé ou indisponible. Déverrouillez-le et réessayez."
        }
        (Lang::En, Text::ErrorDiscordUnreachable) => {
            "Discord could not be reached. Check the connection and try again later."
        }
        (Lang::Fr, Text::ErrorDiscordUnreachable) => {
            "Discord est injoignable. Vérifiez la connexion et réessayez plus tard."
        }
        (Lang::En, Text::ErrorDiscordRefused) => {
            "Discord refused the request. Check your Discord application’s settings."
        }
        (Lang::Fr, Text::ErrorDiscordRefused) => {
            "Discord a refusé la demande. Vérifiez les réglages de votre application Discord."
        }
        (Lang::En, Text::ErrorRevokeFailed) => {
            "Discord could not be told to end the sign-in, so nothing was removed. Try again later, or remove the account from this computer only."
        }
        (Lang::Fr, Text::ErrorRevokeFailed) => {
            "Discord n’a pas pu être prévenu de la fin de la connexion ; rien n’a été supprimé. Réessayez plus tard, ou retirez le compte de cet ordinateur seulement."
        }
        (Lang::En, Text::ErrorNeedsSignIn) => {
            "This account’s sign-in has ended. Sign in to it again with “Add account”."
        }
        (Lang::Fr, Text::ErrorNeedsSignIn) => {
            "La connexion de ce compte a pris fin. Reconnectez-le avec « Ajouter un compte »."
        }
        (Lang::En, Text::ErrorCancelled) => "The sign-in was cancelled, refused or timed out.",
        (Lang::Fr, Text::ErrorCancelled) => "La connexion a été annulée, refusée ou a expiré.",
        (Lang::En, Text::ErrorBusy) => {
            "Another Linkcord is busy with this account. Try again in a moment."
        }
        (Lang::Fr, Text::ErrorBusy) => {
            "Un autre Linkcord est occupé avec ce compte. Réessayez dans un instant."
        }
        (Lang::En, Text::ErrorFiles) => {
            "Linkcord could not read or write its files. Check the disk and its permissions."
        }
        (Lang::Fr, Text::ErrorFiles) => {
            "Linkcord n’a pas pu lire ou écrire ses fichiers. Vérifiez le disque et ses droits."
        }
        (Lang::En, Text::ErrorOther) => "Something went wrong.",
        (Lang::Fr, Text::ErrorOther) => "Une erreur s’est produite.",
        (Lang::En, Text::NoSignInWaiting) => {
            "Discord sent back a sign-in that Linkcord was not waiting for; it was ignored. Start the sign-in again from Linkcord."
        }
        (Lang::Fr, Text::NoSignInWaiting) => {
            "Discord a renvoyé une connexion que Linkcord n’attendait pas ; elle a été ignorée. Relancez la connexion depuis Linkcord."
        }
        (Lang::En, Text::LinkRefused) => "A link was refused",
        (Lang::Fr, Text::LinkRefused) => "Un lien a été refusé",
        (Lang::En, Text::SchemeNotRegistered) => {
            "Linkcord could not register itself for Discord's sign-in links; use the loopback redirect instead"
        }
        (Lang::Fr, Text::SchemeNotRegistered) => {
            "Linkcord n’a pas pu s’enregistrer pour les liens de connexion de Discord ; utilisez plutôt la redirection locale"
        }
        (Lang::En, Text::SetupFirst) => {
            "Set up your Discord application in Linkcord before signing in."
        }
        (Lang::Fr, Text::SetupFirst) => {
            "Configurez votre application Discord dans Linkcord avant de vous connecter."
        }
    }
}

/// The language chosen in the settings: 0 follows the system, 1 English, 2 French.
static CHOSEN: AtomicU8 = AtomicU8::new(0);

/// Follows the saved language setting (`en`, `fr`, or `None` for the system's).
pub fn set_language(language: Option<&str>) {
    let value = match language {
        Some("en") => 1,
        Some("fr") => 2,
        _ => 0,
    };
    CHOSEN.store(value, Ordering::Relaxed);
}

/// The language in force: the setting, else the system's.
pub fn lang() -> Lang {
    match CHOSEN.load(Ordering::Relaxed) {
        1 => Lang::En,
        2 => Lang::Fr,
        _ => system_lang(),
    }
}

/// The system language as the window should use it: `"fr"` or `"en"` when the locale
/// variables name one of them, `None` when they name neither (the window then asks its web
/// engine). The window and the tray read the same variables, so they agree even when the
/// locale itself is not installed.
pub fn system_language() -> Option<&'static str> {
    match system_locale().get(..2) {
        Some("fr") => Some("fr"),
        Some("en") => Some("en"),
        _ => None,
    }
}

/// The system language, read once: French for any `fr*` locale, English otherwise.
fn system_lang() -> Lang {
    static LANG: OnceLock<Lang> = OnceLock::new();
    *LANG.get_or_init(|| {
        if system_locale().starts_with("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    })
}

/// The locale naming the language of messages, read where the core reads it.
fn system_locale() -> String {
    linkcord_core::values::system_locale().unwrap_or_default()
}
