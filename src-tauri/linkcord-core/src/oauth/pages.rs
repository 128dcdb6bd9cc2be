//! The small pages the loopback listener answers the browser with, in English and French.
//! Plain HTML, no script, no external resource: the page is shown once and closed.

/// The language of the pages shown in the browser.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Language {
    #[default]
    English,
    French,
}

impl Language {
    /// From a setting or a locale tag such as `fr`, `fr-CA` or `fr_FR.UTF-8`; English otherwise.
    pub fn from_tag(tag: Option<&str>) -> Self {
        match tag {
            Some(t) if t.to_ascii_lowercase().starts_with("fr") => Self::French,
            _ => Self::English,
        }
    }

    /// From the saved setting, else the system locale (`LC_ALL`, `LC_MESSAGES`, `LANG`).
    pub fn from_setting_or_system(setting: Option<&str>) -> Self {
        let system = || {
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|name| std::env::var(name).ok())
                .find(|v| !v.is_empty())
        };
        match setting {
            Some(tag) => Self::from_tag(Some(tag)),
            None => Self::from_tag(system().as_deref()),
        }
    }
}

/// Which page to answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Page {
    SignedIn,
    Denied,
    Failed,
    NotThisSignIn,
    AlreadyFinished,
    NotFound,
    BadRequest,
    TooLarge,
}

impl Page {
    pub(crate) fn status(self) -> (u16, &'static str) {
        match self {
            Self::SignedIn | Self::Denied | Self::Failed => (200, "OK"),
            Self::NotThisSignIn | Self::BadRequest => (400, "Bad Request"),
            Self::AlreadyFinished => (409, "Conflict"),
            Self::NotFound => (404, "Not Found"),
            Self::TooLarge => (431, "Request Header Fields Too Large"),
        }
    }

    fn text(self, language: Language) -> (&'static str, &'static str) {
        use Language::*;
        match (self, language) {
            (Self::SignedIn, English) => (
                "Signed in",
                "You are signed in. You can close this tab and go back to Linkcord.",
            ),
            (Self::SignedIn, French) => (
                "Connexion réussie",
                "Vous êtes connecté. Vous pouvez fermer cet onglet et revenir à Linkcord.",
            ),
            (Self::Denied, English) => (
                "Sign-in cancelled",
                "The sign-in was cancelled in Discord. Go back to Linkcord to try again.",
            ),
            (Self::Denied, French) => (
                "Connexion annulée",
                "La connexion a été annulée dans Discord. Revenez à Linkcord pour réessayer.",
            ),
            (Self::Failed, English) => (
                "Sign-in failed",
                "Discord did not complete the sign-in. Go back to Linkcord to see why.",
            ),
            (Self::Failed, French) => (
                "Échec de la connexion",
                "Discord n'a pas terminé la connexion. Revenez à Linkcord pour en savoir plus.",
            ),
            (Self::NotThisSignIn, English) => (
                "Link not recognised",
                "This link is not for the sign-in Linkcord is waiting for. Start the sign-in again from Linkcord.",
            ),
            (Self::NotThisSignIn, French) => (
                "Lien non reconnu",
                "Ce lien ne correspond pas à la connexion attendue par Linkcord. Relancez la connexion depuis Linkcord.",
            ),
            (Self::AlreadyFinished, English) => (
                "Already finished",
                "This sign-in is already finished. You can close this tab.",
            ),
            (Self::AlreadyFinished, French) => (
                "Déjà terminé",
                "Cette connexion est déjà terminée. Vous pouvez fermer cet onglet.",
            ),
            (Self::NotFound, English) => ("Not found", "Nothing here."),
            (Self::NotFound, French) => ("Introuvable", "Rien ici."),
            (Self::BadRequest, English) => ("Bad request", "This request was not understood."),
            (Self::BadRequest, French) => {
                ("Requête invalide", "Cette requête n'a pas été comprise.")
            }
            (Self::TooLarge, English) => ("Request too large", "This request is too large."),
            (Self::TooLarge, French) => ("Requête trop grande", "Cette requête est trop grande."),
        }
    }

    /// The complete HTTP/1.1 response, closing the connection.
    pub(crate) fn response(self, language: Language) -> Vec<u8> {
        let (code, reason) = self.status();
        let (title, body) = self.text(language);
        let lang = match language {
            Language::English => "en",
            Language::French => "fr",
        };
        let html = format!(
            "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title} – Linkcord</title></head>\
             <body style=\"font-family:sans-serif;max-width:32em;margin:4em auto\"><h1>{title}</h1><p>{body}</p></body></html>"
        );
        format!(
            "HTTP/1.1 {code} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{html}",
            html.len()
        )
        .into_bytes()
    }
}
