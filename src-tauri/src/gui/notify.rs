//! Desktop notifications for the changes that need the person, and what a click on one does.
//!
//! Most changes can wait for the "What changed" view. Two cannot: an account whose sign-in
//! Discord no longer accepts (nothing about it will update until the person signs in again),
//! and a linked service that dropped its link (a role on a server may go with it). Those are
//! notified, each kind behind its own switch in the settings. The change history records
//! nothing for an account's first snapshot, so a new account never notifies.
//!
//! Notifications go through `tauri-plugin-notification`. On Linux it sends them on the
//! session bus and, once a handler is registered with `on_action`, offers the `default`
//! action and reports a click on the notification as `tap`, with the notification's `extra`
//! data: that carries the account's id, and the click opens the window on that account.

use linkcord_core::changes::{Change, ChangeKind};
use linkcord_core::config::NotifySettings;
use linkcord_core::discord::UserId;
use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;

use super::actions::{self, Action};
use super::i18n::Lang;
use super::tray_menu::isolate;

/// The key of the account id in a notification's `extra` data.
const ACCOUNT: &str = "account";

/// The changes among `changes` that are notified under `switches`.
pub fn worth_notifying(
    changes: &[Change],
    switches: NotifySettings,
) -> impl DoubleEndedIterator<Item = &Change> {
    changes.iter().filter(move |change| match &change.kind {
        ChangeKind::NeedsSignIn {} => switches.sign_in,
        ChangeKind::ConnectionRevoked(_) => switches.revoked,
        _ => false,
    })
}

/// The title and body of the notification for `change` of the account named `account`.
/// `None` for a change that is never notified.
pub fn text(lang: Lang, account: &str, change: &ChangeKind) -> Option<(String, String)> {
    // Names come from Discord: isolated, so a right-to-left name cannot reorder the sentence.
    let account = isolate(account);
    Some(match (lang, change) {
        (Lang::En, ChangeKind::NeedsSignIn {}) => (
            format!("Sign in to {account} again"),
            "Discord no longer accepts Linkcord's sign-in for this account, so its profile, \
             linked accounts and servers stay as they were. Click to open it in Linkcord."
                .to_owned(),
        ),
        (Lang::Fr, ChangeKind::NeedsSignIn {}) => (
            format!("Reconnectez-vous à {account}"),
            "Discord n’accepte plus la connexion de Linkcord pour ce compte : son profil, ses \
             comptes liés et ses serveurs ne sont plus mis à jour. Cliquez pour l’ouvrir dans \
             Linkcord."
                .to_owned(),
        ),
        (Lang::En, ChangeKind::ConnectionRevoked(c)) => {
            let service = c.kind.display_name();
            (
                format!("{account}: {service} link revoked"),
                format!(
                    "{service} no longer lets Discord use this link, and what depends on it \
                     (a role on a server, for example) may be gone. Link it again in Discord's \
                     Connections settings. Click to see what changed."
                ),
            )
        }
        (Lang::Fr, ChangeKind::ConnectionRevoked(c)) => {
            let service = c.kind.display_name();
            (
                format!("{account} : lien {service} révoqué"),
                format!(
                    "{service} ne laisse plus Discord utiliser ce lien, et ce qui en dépend \
                     (un rôle sur un serveur, par exemple) a pu disparaître. Liez-le à nouveau \
                     dans les réglages Connexions de Discord. Cliquez pour voir ce qui a changé."
                ),
            )
        }
        _ => return None,
    })
}

/// Shows the notification for `change` of `account` (named `name`).
pub fn show<R: Runtime>(
    app: &AppHandle<R>,
    lang: Lang,
    account: &UserId,
    name: &str,
    change: &Change,
) {
    let Some((title, body)) = text(lang, name, &change.kind) else {
        return;
    };
    let sent = app
        .notification()
        .builder()
        .title(title)
        .body(body)
        .extra(ACCOUNT, account.as_str())
        .show();
    if let Err(e) = sent {
        tracing::warn!("could not show a notification about account {account}: {e}");
    }
}

/// Makes a click on a notification open the window on its account. Registered at start-up:
/// the plugin offers the click only on notifications shown after a handler exists.
pub fn on_click<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    let registered = app.notification().on_action(move |performed| {
        if performed.action_id() != "tap" {
            return;
        }
        let account = performed
            .notification()
            .and_then(|n| n.extra().get(ACCOUNT))
            .and_then(|v| v.as_str())
            .and_then(|id| id.parse::<UserId>().ok());
        actions::perform(&handle, Action::OpenWindow);
        if let Some(account) = account {
            actions::perform(&handle, Action::Switch(account.as_str().to_owned()));
        }
    });
    if let Err(e) = registered {
        tracing::warn!("clicks on notifications will not open Linkcord: {e}");
    }
}

#[cfg(test)]
mod tests {
    use linkcord_core::changes::ConnectionRef;
    use linkcord_core::discord::ConnectionType;
    use time::OffsetDateTime;

    use super::*;

    fn change(kind: ChangeKind) -> Change {
        Change {
            account: "1001".parse().unwrap(),
            at: OffsetDateTime::UNIX_EPOCH,
            kind,
        }
    }

    fn revoked() -> ChangeKind {
        ChangeKind::ConnectionRevoked(ConnectionRef {
            kind: ConnectionType::parse("twitch"),
            id: "t1".into(),
            name: Some("ava_live".into()),
        })
    }

    #[test]
    fn only_what_needs_the_person_is_notified_and_each_kind_can_be_turned_off() {
        let changes = [
            change(ChangeKind::NeedsSignIn {}),
            change(revoked()),
            change(ChangeKind::SignInRestored {}),
            change(ChangeKind::DisplayNameChanged(
                linkcord_core::changes::ValueChange {
                    from: Some("a".into()),
                    to: Some("b".into()),
                },
            )),
        ];
        let names = |switches| {
            worth_notifying(&changes, switches)
                .map(|c| c.kind.name())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(NotifySettings::default()),
            ["needs_sign_in", "connection_revoked"]
        );
        let no_revoked = NotifySettings {
            revoked: false,
            ..NotifySettings::default()
        };
        assert_eq!(names(no_revoked), ["needs_sign_in"]);
        let none = NotifySettings {
            sign_in: false,
            revoked: false,
        };
        assert!(names(none).is_empty());
    }

    #[test]
    fn the_text_names_the_account_and_the_service_in_both_languages() {
        for lang in [Lang::En, Lang::Fr] {
            let (title, body) = text(lang, "Ava Núñez", &revoked()).unwrap();
            assert!(title.contains("\u{2068}Ava Núñez\u{2069}"), "{title}");
            assert!(
                title.contains("Twitch") && body.contains("Twitch"),
                "{title} {body}"
            );
            let (title, _) = text(lang, "Ava", &ChangeKind::NeedsSignIn {}).unwrap();
            assert!(title.contains("\u{2068}Ava\u{2069}"));
        }
        let (en, _) = text(Lang::En, "A", &ChangeKind::NeedsSignIn {}).unwrap();
        let (fr, _) = text(Lang::Fr, "A", &ChangeKind::NeedsSignIn {}).unwrap();
        assert_ne!(en, fr);
        assert!(text(Lang::En, "A", &ChangeKind::SignInRestored {}).is_none());
    }
}
