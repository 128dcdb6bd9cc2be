//! The few strings the shell itself shows (tray menu, link notices), in English and French.
//! The window's own strings live in the UI.

use std::sync::OnceLock;

#[derive(Debug, Clone, Copy)]
pub enum Text {
    TrayOpen,
    TrayQuit,
    LinkRefused,
    LinkLogin,
    LinkSwitch,
    LinkCallback,
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
        (Lang::En, Text::LinkRefused) => "A link was refused",
        (Lang::Fr, Text::LinkRefused) => "Un lien a été refusé",
        (Lang::En, Text::LinkLogin) => "A link asked to sign in an account.",
        (Lang::Fr, Text::LinkLogin) => "Un lien demande de connecter un compte.",
        (Lang::En, Text::LinkSwitch) => "A link asked to switch to account",
        (Lang::Fr, Text::LinkSwitch) => "Un lien demande de passer au compte",
        (Lang::En, Text::LinkCallback) => "Discord sent the browser back to Linkcord.",
        (Lang::Fr, Text::LinkCallback) => "Discord a renvoyé le navigateur vers Linkcord.",
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
