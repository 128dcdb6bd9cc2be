//! Links handed to the app (at start-up, by a second launch, or by the OS): what each one
//! asks for, which `actions.rs` then does like any other request.
//!
//! Every link is parsed by `linkcord_core::links` and refused with a notice in the window
//! when it is malformed or hostile; a refused link changes nothing. A sign-in callback in
//! deep-link mode asks for nothing of its own: it goes to the sign-in waiting for it. This file
//! knows nothing of the actions, so the dependency runs one way (actions → links).

use linkcord_core::links::{self, AppLink};
use tauri::{AppHandle, Manager, Runtime};

use super::AppState;
use super::i18n::{Text, text};
use crate::models::Notice;

/// The link among a second launch's arguments: the first one that looks like a link.
pub fn link_in(argv: &[String]) -> Option<&String> {
    argv.iter().skip(1).find(|a| a.contains(':'))
}

/// What a link asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    SignIn,
    /// The account's user id.
    Switch(String),
}

/// What a link asks for; `None` once a sign-in callback was handed to its sign-in.
pub fn asked<R: Runtime>(app: &AppHandle<R>, link: &str) -> Result<Option<Asked>, Notice> {
    let state = app.state::<AppState>();
    match translate(link, state.config.client_id().as_deref())? {
        Translated::Ask(asked) => Ok(Some(asked)),
        Translated::Callback(url) if state.sign_in.deliver_callback(url.clone()) => Ok(None),
        Translated::Callback(_) => Err(Notice::error(text(Text::NoSignInWaiting))),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Translated {
    Ask(Asked),
    Callback(String),
}

fn translate(link: &str, client_id: Option<&str>) -> Result<Translated, Notice> {
    let parsed = links::parse(link, client_id)
        .map_err(|e| Notice::error(format!("{}: {e}", text(Text::LinkRefused))))?;
    Ok(match parsed {
        AppLink::Login => Translated::Ask(Asked::SignIn),
        AppLink::Switch(id) => Translated::Ask(Asked::Switch(id.to_string())),
        AppLink::OAuthCallback(url) => Translated::Callback(url.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_become_the_actions_they_ask_for() {
        assert_eq!(
            translate("linkcord://login", None),
            Ok(Translated::Ask(Asked::SignIn))
        );
        assert_eq!(
            translate("linkcord://switch/80351110224678912", None),
            Ok(Translated::Ask(Asked::Switch("80351110224678912".into())))
        );
        assert!(matches!(
            translate(
                "discord-1184623570194718720:/authorize/callback?code=c&state=s",
                Some("1184623570194718720")
            ),
            Ok(Translated::Callback(_))
        ));
    }

    #[test]
    fn a_hostile_link_is_a_notice_not_an_action() {
        let refused = translate("linkcord://switch/../../etc/passwd", None).unwrap_err();
        assert!(
            refused.message.starts_with(text(Text::LinkRefused)),
            "{}",
            refused.message
        );
    }

    #[test]
    fn the_link_is_found_among_a_second_launch_s_arguments() {
        let argv = [
            "linkcord".to_owned(),
            "--hidden".to_owned(),
            "linkcord://login".to_owned(),
        ];
        assert_eq!(link_in(&argv).map(String::as_str), Some("linkcord://login"));
        assert_eq!(link_in(&argv[..2]), None);
    }
}
