//! The few strings the shell itself shows (tray menu, link notices), in English and French.
//! The window's own strings live in the UI.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy)]
pub enum Text {
    TrayOpen,
    TrayQuit,
    TrayAdd,
    TrayRefresh,
    NoSignInWaiting,
    LinkRefused,
    SetupFirst,
    SchemeNotRegistered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    En,
    Fr,
}

pub fn text(t: Text) -> &'static str {
    match (lang(), t) {
        (Lang::En, Text::TrayOpen) => "Open Linkcord",
        (Lang::Fr, Text::TrayOpen) => "Ouvrir Linkcord",
        (Lang::En, Text::TrayQuit) => "Quit",
        (Lang::Fr, Text::TrayQuit) => "Quitter",
        (Lang::En, Text::TrayAdd) => "Add account…",
        (Lang::Fr, Text::TrayAdd) => "Ajouter un compte…",
        (Lang::En, Text::TrayRefresh) => "Refresh",
        (Lang::Fr, Text::TrayRefresh) => "Actualiser",
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

fn lang() -> Lang {
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

/// The locale naming the language of messages: `LC_ALL`, else `LC_MESSAGES`, else `LANG`.
fn system_locale() -> String {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_default()
}
