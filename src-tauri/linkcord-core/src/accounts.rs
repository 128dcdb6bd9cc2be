//! The non-secret account index, the per-account cache for an instant start, and refresh
//! coordination.
//!
//! Files under the data dir (never a token in any of them):
//!
//! - `accounts.json`: the index (version, accounts, active account), see [`AccountIndex`].
//! - `cache/<user id>.json`: the last profile, connections and guilds as Discord sent them,
//!   with the time they were fetched, see [`AccountCache`]. They are encoded and decoded in
//!   `cache.rs` alone, into the `discord` module's types ([`CachedSnapshot`]).
//! - `cache/images/`: downloaded avatars and icons.
//! - `locks/<user id>.lock`, `locks/<user id>.cache.lock`, `locks/index.lock`: cross-process
//!   locks (GUI and CLI share files). Kept when an account is removed: see
//!   [`AccountStore::delete_cache`].
//!
//! Every file is written atomically. A damaged or newer-format file is kept aside, reported
//! as an [`IndexWarning`] and rebuilt from what is left (cache files, keychain entries): a bad
//! file is never a reason to lose an account.

mod cache;
mod error;
mod index;
mod lock;
mod refresh;
mod store;
#[cfg(test)]
mod tests;

pub use cache::{AccountCache, CacheKind, CachedDoc, CachedSnapshot};
pub use error::AccountsError;
pub use index::{AccountEntry, AccountIndex, AccountStatus, INDEX_VERSION, Identity};
pub(crate) use lock::FileLock;
pub use refresh::{HeldAccount, REFRESH_MARGIN, RefreshCoordinator};
pub use store::{AccountStore, IndexWarning, Loaded};
