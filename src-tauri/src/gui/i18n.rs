//! The few strings the shell itself shows (tray menu, link notices), in English and French.
//! The window's own strings live in the UI.

use std::sync::OnceLock;

#[derive(Debug, Clone, Copy)]
pub enum Text {
    TrayOpen,
    TrayQuit,
    TrayAdd,
    TrayRefresh,
    NoSignInWaiting,
    LinkRefused,
    SetupFirst,
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
        (Lang::En, Text::SetupFirst) => {
            "Set up your Discord application in Linkcord before signing in."
        }
        (Lang::Fr, Text::SetupFirst) => {
            "Configurez votre application Discord dans Linkcord avant de vous connecter."
        }
    }
}

/// The system language, read once: French for any `fr*` locale, English otherwise.
fn lang() -> Lang {
    static LANG: OnceLock<Lang> = OnceLock::new();
    *LANG.get_or_init(|| {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
            .unwrap_or_default();
        if locale.starts_with("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    })
}
