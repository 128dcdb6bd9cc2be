//! The small pages the loopback listener answers the browser with, in English and French.
//! Plain HTML, no script, no external resource: the page is shown once and closed.

use std::borrow::Cow;

pub use crate::values::Language;

/// How a sign-in ended, as the browser that started it is told once Linkcord is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInOutcome {
    /// The account is stored in the keychain and listed.
    SignedIn {
        username: String,
        display_name: Option<String>,
    },
    /// It did not finish; what went wrong, in the user's terms.
    Failed(SignInFailure),
}

/// The step a sign-in failed at after Discord sent the browser back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInFailure {
    /// Discord refused the code exchange, or answered it with an error.
    ExchangeRefused,
    /// Discord could not be reached (network down, no answer in time).
    DiscordUnreachable,
    /// Discord answered the profile request with an error.
    ProfileUnreadable,
    /// The keychain could not store the tokens (missing, locked, refused).
    KeychainUnavailable,
    /// Linkcord's data folder could not be written (the account list or a lock file).
    DataFolderUnwritable,
    /// Anything else; Linkcord itself says what.
    Other,
}

/// Which page to answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Page {
    /// The sign-in is over, one way or the other.
    Finished(SignInOutcome),
    /// Linkcord took too long to finish; the browser is not kept waiting for ever.
    StillWorking,
    /// The sign-in was dropped before it said how it ended.
    Interrupted,
    Denied,
    Failed,
    NotThisSignIn,
    AlreadyFinished,
    NotFound,
    BadRequest,
    TooLarge,
}

impl Page {
    pub(crate) fn status(&self) -> (u16, &'static str) {
        match self {
            Self::Finished(_)
            | Self::StillWorking
            | Self::Interrupted
            | Self::Denied
            | Self::Failed => (200, "OK"),
            Self::NotThisSignIn | Self::BadRequest => (400, "Bad Request"),
            Self::AlreadyFinished => (409, "Conflict"),
            Self::NotFound => (404, "Not Found"),
            Self::TooLarge => (431, "Request Header Fields Too Large"),
        }
    }

    /// Title and paragraph. The paragraph is HTML: the account's names, the only text that
    /// comes from outside, are escaped.
    fn text(&self, language: Language) -> (&'static str, Cow<'static, str>) {
        use Language::*;
        let (title, body) = match (self, language) {
            (
                Self::Finished(SignInOutcome::SignedIn {
                    username,
                    display_name,
                }),
                _,
            ) => {
                return signed_in(language, username, display_name.as_deref());
            }
            (Self::Finished(SignInOutcome::Failed(failure)), _) => not_finished(*failure, language),
            (Self::StillWorking, English) => (
                "Still finishing",
                "Linkcord is taking longer than usual to finish the sign-in. Go back to Linkcord to see how it ends.",
            ),
            (Self::StillWorking, French) => (
                "Connexion en cours",
                "Linkcord met plus de temps que d'habitude à terminer la connexion. Revenez à Linkcord pour voir comment elle se termine.",
            ),
            (Self::Interrupted, English) => (
                "Sign-in interrupted",
                "Linkcord stopped before finishing the sign-in. Go back to Linkcord to see why.",
            ),
            (Self::Interrupted, French) => (
                "Connexion interrompue",
                "Linkcord s'est arrêté avant de terminer la connexion. Revenez à Linkcord pour en savoir plus.",
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
        };
        (title, Cow::Borrowed(body))
    }

    /// The complete HTTP/1.1 response, closing the connection.
    pub(crate) fn response(&self, language: Language) -> Vec<u8> {
        let (code, reason) = self.status();
        let (title, body) = self.text(language);
        let lang = language.code();
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

fn signed_in(
    language: Language,
    username: &str,
    display_name: Option<&str>,
) -> (&'static str, Cow<'static, str>) {
    // Each name in its own <bdi>: a name holding a right-to-left override (U+202E) would
    // otherwise reverse the sentence around it.
    let username = html_escape::encode_text(username);
    let who = match display_name.filter(|d| !d.trim().is_empty()) {
        Some(name) => format!(
            "<bdi>{}</bdi> (@<bdi>{username}</bdi>)",
            html_escape::encode_text(name)
        ),
        None => format!("@<bdi>{username}</bdi>"),
    };
    match language {
        Language::English => (
            "Signed in",
            format!("Signed in as {who}, you can close this tab.").into(),
        ),
        Language::French => (
            "Connexion réussie",
            format!("Connecté en tant que {who}, vous pouvez fermer cet onglet.").into(),
        ),
    }
}

fn not_finished(failure: SignInFailure, language: Language) -> (&'static str, &'static str) {
    use Language::*;
    use SignInFailure::*;
    let title = match language {
        English => "Sign-in not finished",
        French => "Connexion inachevée",
    };
    let body = match (failure, language) {
        (ExchangeRefused, English) => {
            "Discord refused or failed the code exchange, so no account was added. Go back to Linkcord to see why, then try again."
        }
        (ExchangeRefused, French) => {
            "Discord a refusé ou raté l'échange du code, aucun compte n'a donc été ajouté. Revenez à Linkcord pour en savoir plus, puis réessayez."
        }
        (DiscordUnreachable, English) => {
            "Linkcord could not reach Discord to finish, so no account was added. Check the internet connection, then try again from Linkcord."
        }
        (DiscordUnreachable, French) => {
            "Linkcord n'a pas pu joindre Discord pour terminer, aucun compte n'a donc été ajouté. Vérifiez la connexion Internet, puis réessayez depuis Linkcord."
        }
        (ProfileUnreadable, English) => {
            "Discord answered with an error when Linkcord asked for the account's profile, so no account was added. Try again from Linkcord in a few minutes."
        }
        (ProfileUnreadable, French) => {
            "Discord a répondu par une erreur quand Linkcord a demandé le profil du compte, aucun compte n'a donc été ajouté. Réessayez depuis Linkcord dans quelques minutes."
        }
        (KeychainUnavailable, English) => {
            "The system keychain is unavailable or locked, so the account's tokens could not be stored and no account was added. Unlock or start the keychain, then try again from Linkcord."
        }
        (KeychainUnavailable, French) => {
            "Le trousseau du système est indisponible ou verrouillé : les jetons du compte n'ont pas pu être enregistrés et aucun compte n'a été ajouté. Déverrouillez ou démarrez le trousseau, puis réessayez depuis Linkcord."
        }
        (DataFolderUnwritable, English) => {
            "Linkcord could not write to its data folder, so the account was not saved properly. Go back to Linkcord to see why."
        }
        (DataFolderUnwritable, French) => {
            "Linkcord n'a pas pu écrire dans son dossier de données : le compte n'a pas été enregistré correctement. Revenez à Linkcord pour en savoir plus."
        }
        (Other, English) => {
            "Something stopped the sign-in before it finished, so no account was added. Go back to Linkcord to see why."
        }
        (Other, French) => {
            "Quelque chose a arrêté la connexion avant la fin, aucun compte n'a donc été ajouté. Revenez à Linkcord pour en savoir plus."
        }
    };
    (title, body)
}
