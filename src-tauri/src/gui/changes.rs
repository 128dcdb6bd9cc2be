//! The "What changed" view of an account and the unseen-changes badge of each account.
//!
//! The history itself is the core's (`linkcord_core::changes`): one file per account. The
//! view turns its changes into [`ChangeView`]s, each with the link to the thing it concerns
//! (the linked account's profile, the server, the person's Discord profile), so the UI only
//! words them. The badge needs a count per account in every accounts view; reading every
//! history at every publish would undo the index-only view, so [`Unseen`] keeps the counts
//! and re-reads a history only when its file's modification time moved.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::SystemTime;

use linkcord_core::changes::{Change, ChangeKind, ChangeLog, ConnectionRef, History};
use linkcord_core::discord::{UserId, Visibility};
use linkcord_core::session::Session;
use tauri::{AppHandle, Manager, Runtime};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{AppState, accounts};
use crate::models::{AccountsView, ChangeView, ChangesView, CommandError, ErrorKind};

/// The unseen-changes count of each account, valid while its history file is unchanged.
#[derive(Default)]
pub struct Unseen(Mutex<HashMap<UserId, (Option<SystemTime>, u32)>>);

impl Unseen {
    /// How many changes of `id` the person has not seen: one `stat` when nothing changed.
    pub fn count(&self, session: &Session, id: &UserId) -> u32 {
        let path = ChangeLog::for_store(session.account_store()).path(id);
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        if modified.is_none() {
            return 0; // no history yet
        }
        let mut known = self.0.lock().expect("unseen lock");
        if let Some((at, count)) = known.get(id)
            && *at == modified
        {
            return *count;
        }
        let count = session
            .change_history(id)
            .map(|h| u32::try_from(h.unseen()).unwrap_or(u32::MAX))
            .unwrap_or(0);
        known.insert(id.clone(), (modified, count));
        count
    }
}

/// The history of `id` as the "What changed" view shows it, newest first.
pub async fn view<R: Runtime>(
    app: &AppHandle<R>,
    id: &UserId,
) -> Result<ChangesView, CommandError> {
    let session = app.state::<AppState>().config.session().await?;
    let history = session
        .change_history(id)
        .map_err(|e| CommandError::new(ErrorKind::Files, e))?;
    Ok(changes_view(&history))
}

/// Marks every change of `id` shown so far as seen, and publishes the view without its badge.
pub async fn mark_seen<R: Runtime>(
    app: &AppHandle<R>,
    id: &UserId,
) -> Result<AccountsView, CommandError> {
    let session = app.state::<AppState>().config.session().await?;
    let history = session
        .change_history(id)
        .map_err(|e| CommandError::new(ErrorKind::Files, e))?;
    if let Some(newest) = history.changes.first() {
        session
            .mark_changes_seen(id, newest.at)
            .map_err(|e| CommandError::new(ErrorKind::Files, e))?;
    }
    accounts::publish(app).await
}

fn changes_view(history: &History) -> ChangesView {
    let unseen = |c: &Change| history.seen_until.is_none_or(|seen| c.at > seen);
    ChangesView {
        account: history.id.clone(),
        unseen: u32::try_from(history.unseen()).unwrap_or(u32::MAX),
        changes: history
            .changes
            .iter()
            .map(|c| change_view(&history.id, c, unseen(c)))
            .collect(),
    }
}

fn change_view(account: &UserId, change: &Change, unseen: bool) -> ChangeView {
    let mut view = ChangeView {
        at: rfc3339(change.at),
        kind: change.kind.name().to_owned(),
        service: None,
        service_key: None,
        subject: None,
        from: None,
        to: None,
        link: None,
        attention: change.kind.needs_attention(),
        unseen,
    };
    match &change.kind {
        ChangeKind::ConnectionAdded(c)
        | ChangeKind::ConnectionRemoved(c)
        | ChangeKind::ConnectionRevoked(c)
        | ChangeKind::ConnectionRestored(c)
        | ChangeKind::ConnectionVerified(c)
        | ChangeKind::ConnectionUnverified(c) => connection(&mut view, c),
        ChangeKind::ConnectionVisibilityChanged(v) => {
            connection(&mut view, &v.connection);
            view.from = Some(visibility(v.from).to_owned());
            view.to = Some(visibility(v.to).to_owned());
        }
        ChangeKind::GuildJoined(g)
        | ChangeKind::GuildLeft(g)
        | ChangeKind::GuildOwnershipGained(g)
        | ChangeKind::GuildOwnershipLost(g) => {
            view.subject = Some(g.name.clone());
            // A server one has left has no page to open.
            if !matches!(change.kind, ChangeKind::GuildLeft(_)) {
                view.link = Some(format!("https://discord.com/channels/{}", g.id.as_str()));
            }
        }
        ChangeKind::DisplayNameChanged(v)
        | ChangeKind::UsernameChanged(v)
        | ChangeKind::EmailChanged(v) => {
            view.from = v.from.clone();
            view.to = v.to.clone();
            view.link = Some(profile(account));
        }
        ChangeKind::AvatarChanged(_) => view.link = Some(profile(account)),
        ChangeKind::NeedsSignIn {} | ChangeKind::SignInRestored {} => {}
    }
    view
}

fn connection(view: &mut ChangeView, c: &ConnectionRef) {
    view.service = Some(c.kind.display_name().to_owned());
    view.service_key = c.kind.icon_key().map(str::to_owned);
    view.subject = c.name.clone();
    view.link = c
        .kind
        .profile_url(&c.id, c.name.as_deref())
        .map(|u| u.to_string());
}

fn visibility(v: Visibility) -> &'static str {
    match v {
        Visibility::Private => "private",
        Visibility::Public => "public",
        Visibility::Other(_) => "other",
    }
}

fn profile(account: &UserId) -> String {
    format!("https://discord.com/users/{}", account.as_str())
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use linkcord_core::changes::{GuildRef, ValueChange};
    use linkcord_core::discord::ConnectionType;

    use super::*;

    fn at(seconds: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_800_000_000 + seconds).unwrap()
    }

    fn history() -> History {
        let id: UserId = "1001".parse().unwrap();
        let mut h = History::empty(id);
        let revoked = ChangeKind::ConnectionRevoked(ConnectionRef {
            kind: ConnectionType::parse("github"),
            id: "42".into(),
            name: Some("ava-codes".into()),
        });
        let left = ChangeKind::GuildLeft(GuildRef {
            id: "2001".parse().unwrap(),
            name: "Old server".into(),
        });
        let joined = ChangeKind::GuildJoined(GuildRef {
            id: "2002".parse().unwrap(),
            name: "New server".into(),
        });
        let renamed = ChangeKind::DisplayNameChanged(ValueChange {
            from: Some("Ava".into()),
            to: Some("Ava N.".into()),
        });
        h.push(vec![renamed], at(0), at(0));
        h.push(vec![left, joined], at(10), at(10));
        h.push(vec![revoked], at(20), at(20));
        h.seen_until = Some(at(10));
        h
    }

    #[test]
    fn newest_first_with_what_was_seen_and_a_link_to_each_thing() {
        let view = changes_view(&history());
        let kinds: Vec<&str> = view.changes.iter().map(|c| c.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "connection_revoked",
                "guild_left",
                "guild_joined",
                "display_name_changed"
            ]
        );
        assert_eq!(view.unseen, 1);
        let revoked = &view.changes[0];
        assert!(revoked.unseen && revoked.attention);
        assert_eq!(revoked.service.as_deref(), Some("GitHub"));
        assert_eq!(revoked.subject.as_deref(), Some("ava-codes"));
        assert_eq!(
            revoked.link.as_deref(),
            Some("https://github.com/ava-codes")
        );
        assert!(!view.changes[1].unseen);
        assert_eq!(view.changes[1].link, None, "a server left has no page");
        assert_eq!(
            view.changes[2].link.as_deref(),
            Some("https://discord.com/channels/2002")
        );
        let renamed = &view.changes[3];
        assert_eq!(renamed.from.as_deref(), Some("Ava"));
        assert_eq!(renamed.to.as_deref(), Some("Ava N."));
        assert_eq!(
            renamed.link.as_deref(),
            Some("https://discord.com/users/1001")
        );
        assert_eq!(renamed.at, "2027-01-15T08:00:00Z");
    }
}
