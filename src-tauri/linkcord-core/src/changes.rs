//! What changed about an account between two refreshes, and a bounded history of it.
//!
//! Discord changes things behind a person's back: a service drops its link (and with it, for
//! example, a role on a server), a server disappears from the list, a token stops working.
//! Linkcord already fetches all of this; this module notices the difference.
//!
//! - [`diff`] compares two snapshots of one account and says what changed, as [`ChangeKind`]s.
//!   It is pure: no files, no clock.
//! - [`ChangeLog`] keeps `changes/<user id>.json` under the data dir: the last
//!   [`MAX_CHANGES`] changes of an account, none older than [`MAX_AGE`], newest first, with a
//!   "seen up to" mark and whether the account was last known to need sign-in. Written with
//!   the cache's file rules (private, atomic, a damaged file kept aside and the history
//!   restarted). It holds names and ids from Discord, never a token.
//! - [`Recording`] is the hook the session calls where a fresh snapshot replaces the cached
//!   one: it takes the account's history lock, reads the old snapshot, and once the new one is
//!   written records the difference. The first snapshot of an account is a baseline: nothing is
//!   recorded for it.

mod diff;
mod error;
mod history;
mod kind;
mod recording;
mod session;

pub use diff::diff;
pub use error::ChangesError;
pub use history::{ChangeLog, HISTORY_VERSION, History, MAX_AGE, MAX_CHANGES};
pub use kind::{Change, ChangeKind, ConnectionRef, GuildRef, ValueChange, VisibilityChange};
pub use recording::Recording;
pub use session::Refreshed;
