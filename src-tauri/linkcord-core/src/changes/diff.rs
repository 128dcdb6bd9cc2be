//! The difference between two snapshots of one account, as a list of [`ChangeKind`]s.
//!
//! A section (connections, servers) is compared only when both snapshots had its scope:
//! a scope granted or taken away is not a flood of "added" or "removed". The email is compared
//! only when both snapshots came with the `email` scope, for the same reason. Connections are
//! matched by service and id, servers by id.

use std::collections::HashMap;

use super::kind::{ChangeKind, ConnectionRef, ValueChange, VisibilityChange};
use crate::discord::{Connection, Guild, Section, Snapshot, User};

/// What changed from `old` to `new`, in a stable order: profile, then connections, then
/// servers, each in the order the new snapshot lists them (removed ones last).
pub fn diff(old: &Snapshot, new: &Snapshot) -> Vec<ChangeKind> {
    let mut changes = profile(&old.user, &new.user);
    if let (Section::Granted { items: before }, Section::Granted { items: after }) =
        (&old.connections, &new.connections)
    {
        changes.extend(connections(before, after));
    }
    if let (Section::Granted { items: before }, Section::Granted { items: after }) =
        (&old.guilds, &new.guilds)
    {
        changes.extend(guilds(before, after));
    }
    changes
}

fn profile(old: &User, new: &User) -> Vec<ChangeKind> {
    let mut changes = Vec::new();
    let mut compare =
        |from: &Option<String>, to: &Option<String>, kind: fn(ValueChange) -> ChangeKind| {
            if from != to {
                changes.push(kind(ValueChange {
                    from: from.clone(),
                    to: to.clone(),
                }));
            }
        };
    compare(
        &old.global_name,
        &new.global_name,
        ChangeKind::DisplayNameChanged,
    );
    compare(
        &Some(old.username.clone()),
        &Some(new.username.clone()),
        ChangeKind::UsernameChanged,
    );
    compare(&old.avatar, &new.avatar, ChangeKind::AvatarChanged);
    // `verified` comes only with the email scope: without it in both, the email is unknown.
    if old.verified.is_some() && new.verified.is_some() {
        compare(&old.email, &new.email, ChangeKind::EmailChanged);
    }
    changes
}

fn connection_key(c: &Connection) -> (String, String) {
    (c.kind.as_str().to_owned(), c.id.clone())
}

fn connections(old: &[Connection], new: &[Connection]) -> Vec<ChangeKind> {
    let before: HashMap<_, _> = old.iter().map(|c| (connection_key(c), c)).collect();
    let after: HashMap<_, _> = new.iter().map(|c| (connection_key(c), c)).collect();
    let mut changes = Vec::new();
    for now in new {
        match before.get(&connection_key(now)) {
            None => changes.push(ChangeKind::ConnectionAdded(now.into())),
            Some(then) => changes.extend(connection_fields(then, now)),
        }
    }
    for then in old {
        if !after.contains_key(&connection_key(then)) {
            changes.push(ChangeKind::ConnectionRemoved(then.into()));
        }
    }
    changes
}

fn connection_fields(then: &Connection, now: &Connection) -> Vec<ChangeKind> {
    let subject = ConnectionRef::from(now);
    let mut changes = Vec::new();
    if then.revoked != now.revoked {
        changes.push(if now.revoked {
            ChangeKind::ConnectionRevoked(subject.clone())
        } else {
            ChangeKind::ConnectionRestored(subject.clone())
        });
    }
    if then.verified != now.verified {
        changes.push(if now.verified {
            ChangeKind::ConnectionVerified(subject.clone())
        } else {
            ChangeKind::ConnectionUnverified(subject.clone())
        });
    }
    if then.visibility != now.visibility {
        changes.push(ChangeKind::ConnectionVisibilityChanged(VisibilityChange {
            connection: subject,
            from: then.visibility,
            to: now.visibility,
        }));
    }
    changes
}

fn guilds(old: &[Guild], new: &[Guild]) -> Vec<ChangeKind> {
    let before: HashMap<_, _> = old.iter().map(|g| (&g.id, g)).collect();
    let after: HashMap<_, _> = new.iter().map(|g| (&g.id, g)).collect();
    let mut changes = Vec::new();
    for now in new {
        match before.get(&now.id) {
            None => changes.push(ChangeKind::GuildJoined(now.into())),
            Some(then) if then.owner != now.owner => changes.push(if now.owner {
                ChangeKind::GuildOwnershipGained(now.into())
            } else {
                ChangeKind::GuildOwnershipLost(now.into())
            }),
            Some(_) => {}
        }
    }
    for then in old {
        if !after.contains_key(&then.id) {
            changes.push(ChangeKind::GuildLeft(then.into()));
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::discord::Visibility;

    fn snapshot() -> Snapshot {
        serde_json::from_value(json!({
            "user": {
                "id": "1098765432109876543", "username": "ava", "global_name": "Ava",
                "avatar": "aaaa", "email": "ava@example.com", "verified": true
            },
            "connections": {"status": "granted", "items": [
                {"id": "1", "name": "ava-gh", "type": "github", "verified": true, "visibility": 1},
                {"id": "2", "name": "ava-tw", "type": "twitch", "verified": true, "visibility": 0}
            ]},
            "guilds": {"status": "granted", "items": [
                {"id": "1101000000000000001", "name": "Home", "owner": true},
                {"id": "1101000000000000002", "name": "Club", "owner": false}
            ]}
        }))
        .unwrap()
    }

    fn names(changes: &[ChangeKind]) -> Vec<&'static str> {
        changes.iter().map(ChangeKind::name).collect()
    }

    #[test]
    fn the_same_snapshot_has_no_changes() {
        assert!(diff(&snapshot(), &snapshot()).is_empty());
    }

    #[test]
    fn connection_added_removed_revoked_restored_verified_and_visibility() {
        let old = snapshot();
        let mut new = snapshot();
        let Section::Granted { items } = &mut new.connections else {
            unreachable!()
        };
        items.retain(|c| c.id != "2");
        items[0].revoked = true;
        items[0].verified = false;
        items[0].visibility = Visibility::Private;
        items.push(
            serde_json::from_value(json!({"id": "9", "type": "steam", "name": "s"})).unwrap(),
        );
        let changes = diff(&old, &new);
        assert_eq!(
            names(&changes),
            [
                "connection_revoked",
                "connection_unverified",
                "connection_visibility_changed",
                "connection_added",
                "connection_removed"
            ]
        );
        assert_eq!(
            serde_json::to_value(&changes[2]).unwrap(),
            json!({"kind": "connection_visibility_changed", "subject":
                {"type": "github", "id": "1", "name": "ava-gh", "from": 1, "to": 0}})
        );
        assert_eq!(
            serde_json::to_value(&changes[4]).unwrap(),
            json!({"kind": "connection_removed", "subject": {"type": "twitch", "id": "2", "name": "ava-tw"}})
        );
        // And back: restored and verified.
        assert_eq!(
            names(&diff(&new, &old))[..3],
            [
                "connection_restored",
                "connection_verified",
                "connection_visibility_changed"
            ]
        );
    }

    #[test]
    fn guild_joined_left_and_ownership() {
        let old = snapshot();
        let mut new = snapshot();
        let Section::Granted { items } = &mut new.guilds else {
            unreachable!()
        };
        items[0].owner = false;
        items[1].owner = true;
        items.push(
            serde_json::from_value(json!({"id": "1101000000000000003", "name": "New"})).unwrap(),
        );
        items.remove(0);
        let changes = diff(&old, &new);
        assert_eq!(
            names(&changes),
            ["guild_ownership_gained", "guild_joined", "guild_left"]
        );
        assert_eq!(
            serde_json::to_value(&changes[2]).unwrap(),
            json!({"kind": "guild_left", "subject": {"id": "1101000000000000001", "name": "Home"}})
        );
        let mut lost = snapshot();
        let Section::Granted { items } = &mut lost.guilds else {
            unreachable!()
        };
        items[0].owner = false;
        assert_eq!(names(&diff(&old, &lost)), ["guild_ownership_lost"]);
    }

    #[test]
    fn profile_fields() {
        let old = snapshot();
        let mut new = snapshot();
        new.user.global_name = None;
        new.user.username = "ava.new".into();
        new.user.avatar = Some("bbbb".into());
        new.user.email = Some("new@example.com".into());
        let changes = diff(&old, &new);
        assert_eq!(
            names(&changes),
            [
                "display_name_changed",
                "username_changed",
                "avatar_changed",
                "email_changed"
            ]
        );
        assert_eq!(
            serde_json::to_value(&changes[0]).unwrap(),
            json!({"kind": "display_name_changed", "subject": {"from": "Ava", "to": null}})
        );
    }

    #[test]
    fn a_scope_granted_or_taken_away_is_not_a_change() {
        let old = snapshot();
        let mut new = snapshot();
        new.connections = Section::NotGranted;
        new.guilds = Section::NotGranted;
        new.user.email = None;
        new.user.verified = None;
        assert!(diff(&old, &new).is_empty(), "{:?}", diff(&old, &new));
        assert!(diff(&new, &old).is_empty());
    }

    #[test]
    fn a_connection_is_known_by_service_and_id_together() {
        let old = snapshot();
        let mut new = snapshot();
        let Section::Granted { items } = &mut new.connections else {
            unreachable!()
        };
        items[1].id = "1".into(); // twitch "1" is not github "1"
        assert_eq!(
            names(&diff(&old, &new)),
            ["connection_added", "connection_removed"]
        );
    }
}
