//! Everything Linkcord shows about an account, fetched in one go.
//!
//! Connections and guilds each need their own scope. A token without one of them still gives
//! a useful picture, so each of those sections says whether it was granted: the UI can then
//! tell "you did not let Linkcord see your connections" from "you have no connections".

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Connection, Guild, User};

/// The profile, the linked accounts and the servers of one Discord account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Snapshot {
    pub user: User,
    pub connections: Section<Connection>,
    pub guilds: Section<Guild>,
}

/// A part of the snapshot that depends on a scope the user may not have granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Section<T> {
    /// The scope was granted; `items` may still be empty.
    Granted { items: Vec<T> },
    /// Discord refused (HTTP 403): the token lacks the scope.
    NotGranted,
}

impl<T> Section<T> {
    /// The items, or none when the section was not granted.
    pub fn items(&self) -> &[T] {
        match self {
            Self::Granted { items } => items,
            Self::NotGranted => &[],
        }
    }

    pub fn is_granted(&self) -> bool {
        matches!(self, Self::Granted { .. })
    }

    /// The same section with each item transformed (e.g. into its view).
    pub fn map<U>(&self, f: impl FnMut(&T) -> U) -> Section<U> {
        match self {
            Self::Granted { items } => Section::Granted {
                items: items.iter().map(f).collect(),
            },
            Self::NotGranted => Section::NotGranted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sections_serialise_with_an_explicit_status() {
        let granted: Section<Guild> = Section::Granted { items: vec![] };
        assert_eq!(
            serde_json::to_value(&granted).unwrap(),
            json!({"status": "granted", "items": []})
        );
        let missing: Section<Guild> = Section::NotGranted;
        assert_eq!(
            serde_json::to_value(&missing).unwrap(),
            json!({"status": "not_granted"})
        );
        assert!(missing.items().is_empty() && !missing.is_granted());
        assert_eq!(missing.map(|g| g.name.clone()), Section::NotGranted);
        let back: Section<Guild> =
            serde_json::from_value(json!({"status": "not_granted"})).unwrap();
        assert_eq!(back, missing);
    }
}
