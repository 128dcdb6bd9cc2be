use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use time::OffsetDateTime;

use super::AccountsError;
use super::cache::{AccountCache, CACHE_VERSION, CacheKind, CachedDoc};
use super::index::{AccountIndex, INDEX_VERSION, Identity};
use super::lock::FileLock;
use crate::discord::UserId;
use crate::files;
use crate::oauth::Scopes;

const INDEX_LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// Something the user should be told about the account files: shown by the CLI and the GUI,
/// never a reason to stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexWarning {
    /// `accounts.json` was damaged, newer than this build, or missing while account caches
    /// were present; it was rebuilt from the cache files (and the keychain if it can list).
    Rebuilt {
        kept_as: Option<PathBuf>,
        reason: String,
        recovered: usize,
        keychain_listed: bool,
    },
    /// An account's cache file was damaged; it was kept aside and will be fetched again.
    CacheDamaged { account: UserId, kept_as: PathBuf },
}

impl fmt::Display for IndexWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rebuilt {
                kept_as,
                reason,
                recovered,
                keychain_listed,
            } => {
                write!(f, "the account list had to be rebuilt ({reason})")?;
                if let Some(kept) = kept_as {
                    write!(f, "; the old file was kept as {}", kept.display())?;
                }
                write!(f, "; {recovered} account(s) recovered from the cache")?;
                if *keychain_listed {
                    write!(f, " and the keychain")
                } else {
                    write!(
                        f,
                        " (the keychain cannot list its entries, so an account with no cache file may be missing: sign in to it again)"
                    )
                }
            }
            Self::CacheDamaged { account, kept_as } => write!(
                f,
                "the saved data of account {account} was damaged and will be fetched again; the old file was kept as {}",
                kept_as.display()
            ),
        }
    }
}

/// The index and whatever had to be repaired to read it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub index: AccountIndex,
    pub warning: Option<IndexWarning>,
}

/// The account files under the data dir.
#[derive(Debug, Clone)]
pub struct AccountStore {
    dir: PathBuf,
}

enum Read {
    Missing,
    Good(AccountIndex),
    Bad(String),
}

impl AccountStore {
    /// The store of `data_dir`. Every session (a command, the app) opens one before it reads
    /// or writes a file, so this is where a data dir left readable by others (by an older
    /// version, under a umask of 022) is closed.
    pub fn new(data_dir: &Path) -> Self {
        files::make_private(data_dir);
        Self {
            dir: data_dir.to_owned(),
        }
    }

    pub fn data_dir(&self) -> &Path {
        &self.dir
    }

    pub fn index_path(&self) -> PathBuf {
        self.dir.join("accounts.json")
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.dir.join("cache")
    }

    pub fn cache_path(&self, id: &UserId) -> PathBuf {
        self.cache_dir().join(format!("{id}.json"))
    }

    /// Where downloaded avatars and icons go.
    pub fn images_dir(&self) -> PathBuf {
        self.cache_dir().join("images")
    }

    /// The cross-process refresh lock of one account.
    pub fn refresh_lock_path(&self, id: &UserId) -> PathBuf {
        self.dir.join("locks").join(format!("{id}.lock"))
    }

    /// The cross-process lock of one account's cache file, held while it is read, changed
    /// and written back.
    pub fn cache_lock_path(&self, id: &UserId) -> PathBuf {
        self.dir.join("locks").join(format!("{id}.cache.lock"))
    }

    fn index_lock_path(&self) -> PathBuf {
        self.dir.join("locks").join("index.lock")
    }

    /// Reads the index, repairing it if needed (see [`IndexWarning::Rebuilt`]). A repair
    /// waits for the index lock without blocking the async runtime.
    pub async fn load_async(&self) -> Result<Loaded, AccountsError> {
        if let Some(index) = self.peek() {
            return Ok(Loaded {
                index,
                warning: None,
            });
        }
        let _lock = self.lock_index_async().await?;
        self.load_locked()
    }

    /// [`AccountStore::load_async`] for synchronous callers: a wait for the lock blocks the
    /// thread (up to 10 s), so async code uses the other.
    pub fn load(&self) -> Result<Loaded, AccountsError> {
        if let Read::Good(index) = self.read_index()? {
            return Ok(Loaded {
                index,
                warning: None,
            });
        }
        let _lock = self.lock_index()?;
        self.load_locked()
    }

    /// The index as it is on disk, without repairing it or taking a lock: `None` when it is
    /// missing, damaged or newer than this build. For read-only fast paths, which then leave
    /// any repair to [`AccountStore::load`].
    pub fn peek(&self) -> Option<AccountIndex> {
        match self.read_index() {
            Ok(Read::Good(index)) => Some(index),
            _ => None,
        }
    }

    /// Reads, changes and writes the index under the cross-process index lock, so a GUI and a
    /// CLI changing it at once do not lose each other's change. The wait for the lock (up to
    /// 10 s) does not block the async runtime.
    pub async fn update_async<R>(
        &self,
        change: impl FnOnce(&mut AccountIndex) -> R,
    ) -> Result<(R, Option<IndexWarning>), AccountsError> {
        let _lock = self.lock_index_async().await?;
        self.change_locked(change)
    }

    /// [`AccountStore::update_async`] for synchronous callers: a wait for the lock blocks the
    /// thread, so async code uses the other.
    pub fn update<R>(
        &self,
        change: impl FnOnce(&mut AccountIndex) -> R,
    ) -> Result<(R, Option<IndexWarning>), AccountsError> {
        let _lock = self.lock_index()?;
        self.change_locked(change)
    }

    fn change_locked<R>(
        &self,
        change: impl FnOnce(&mut AccountIndex) -> R,
    ) -> Result<(R, Option<IndexWarning>), AccountsError> {
        let Loaded { mut index, warning } = self.load_locked()?;
        let result = change(&mut index);
        index.normalise();
        self.save(&index)?;
        Ok((result, warning))
    }

    /// After a rebuild: adds the accounts the keychain has entries for but the cache did not
    /// know, and notes in `warning` whether the keychain could be listed.
    pub async fn recover_from_keychain(
        &self,
        listed: Option<Vec<UserId>>,
        warning: &mut IndexWarning,
    ) -> Result<(), AccountsError> {
        let IndexWarning::Rebuilt {
            recovered,
            keychain_listed,
            ..
        } = warning
        else {
            return Ok(());
        };
        let Some(ids) = listed else {
            return Ok(());
        };
        *keychain_listed = true;
        let now = OffsetDateTime::now_utc();
        let (added, _) = self
            .update_async(|index| {
                let mut added = 0;
                for id in ids {
                    if index.get(&id).is_none() {
                        index.upsert(placeholder(id), Scopes::new::<_, &str>([]), now);
                        added += 1;
                    }
                }
                added
            })
            .await?;
        *recovered += added;
        Ok(())
    }

    async fn lock_index_async(&self) -> Result<FileLock, AccountsError> {
        FileLock::acquire(
            &self.index_lock_path(),
            INDEX_LOCK_TIMEOUT,
            "the account list",
        )
        .await
    }

    fn lock_index(&self) -> Result<FileLock, AccountsError> {
        FileLock::acquire_blocking(
            &self.index_lock_path(),
            INDEX_LOCK_TIMEOUT,
            "the account list",
        )
    }

    fn load_locked(&self) -> Result<Loaded, AccountsError> {
        let path = self.index_path();
        let (kept_as, reason) = match self.read_index()? {
            Read::Good(index) => {
                return Ok(Loaded {
                    index,
                    warning: None,
                });
            }
            Read::Missing => {
                if self.cached_accounts().is_empty() {
                    return Ok(Loaded {
                        index: AccountIndex::default(),
                        warning: None,
                    });
                }
                (None, "the file was missing".to_owned())
            }
            Read::Bad(reason) => {
                let kept = files::quarantine(&path).map_err(AccountsError::io(&path))?;
                tracing::warn!(
                    "account index {} was unusable ({reason}); kept as {}",
                    path.display(),
                    kept.display()
                );
                (Some(kept), reason)
            }
        };
        let index = self.rebuild_from_cache();
        self.save(&index)?;
        let warning = IndexWarning::Rebuilt {
            kept_as,
            reason,
            recovered: index.accounts.len(),
            keychain_listed: false,
        };
        Ok(Loaded {
            index,
            warning: Some(warning),
        })
    }

    fn read_index(&self) -> Result<Read, AccountsError> {
        let path = self.index_path();
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Read::Missing),
            Err(e) => return Err(AccountsError::io(&path)(e)),
        };
        Ok(
            parse_versioned::<AccountIndex>(&bytes, INDEX_VERSION).map_or_else(
                Read::Bad,
                |mut index| {
                    index.normalise();
                    Read::Good(index)
                },
            ),
        )
    }

    fn save(&self, index: &AccountIndex) -> Result<(), AccountsError> {
        let path = self.index_path();
        let json = serde_json::to_vec_pretty(index).expect("the index serialises");
        files::write_atomic(&path, &json).map_err(AccountsError::io(&path))
    }

    /// The ids that have a cache file.
    fn cached_accounts(&self) -> Vec<UserId> {
        let Ok(entries) = std::fs::read_dir(self.cache_dir()) else {
            return Vec::new();
        };
        let mut ids: Vec<UserId> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|name| name.strip_suffix(".json")?.parse().ok())
            .collect();
        ids.sort();
        ids
    }

    fn rebuild_from_cache(&self) -> AccountIndex {
        let now = OffsetDateTime::now_utc();
        let mut index = AccountIndex::default();
        for id in self.cached_accounts() {
            let who = match self.read_cache(&id) {
                Ok((Some(cache), _)) => cache.identity(),
                _ => placeholder(id),
            };
            index.upsert(who, Scopes::new::<_, &str>([]), now);
        }
        index.active = index.accounts.first().map(|a| a.id.clone());
        index
    }

    /// The cache of `id`; a damaged one is kept aside and reported, and `None` returned.
    pub fn read_cache(
        &self,
        id: &UserId,
    ) -> Result<(Option<AccountCache>, Option<IndexWarning>), AccountsError> {
        let path = self.cache_path(id);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((None, None)),
            Err(e) => return Err(AccountsError::io(&path)(e)),
        };
        match parse_versioned::<AccountCache>(&bytes, CACHE_VERSION) {
            Ok(cache) if &cache.id == id => Ok((Some(cache), None)),
            _ => {
                let kept_as = files::quarantine(&path).map_err(AccountsError::io(&path))?;
                let warning = IndexWarning::CacheDamaged {
                    account: id.clone(),
                    kept_as,
                };
                Ok((None, Some(warning)))
            }
        }
    }

    /// Stores a snapshot fetched from Discord in the account's cache, in one write.
    pub fn write_snapshot(
        &self,
        id: &UserId,
        snapshot: &crate::discord::Snapshot,
        fetched_at: OffsetDateTime,
    ) -> Result<(), AccountsError> {
        self.write_cache_docs(id, AccountCache::docs_of(snapshot), fetched_at)
    }

    /// Stores one freshly fetched document in the account's cache.
    #[cfg(test)]
    pub(crate) fn write_cache(
        &self,
        id: &UserId,
        kind: CacheKind,
        value: serde_json::Value,
        fetched_at: OffsetDateTime,
    ) -> Result<(), AccountsError> {
        self.write_cache_docs(id, [(kind, value)], fetched_at)
    }

    /// Stores several documents fetched together in one write of the cache file, so a reader
    /// (the window, another process) sees all of them or none, never a mix of old and new.
    ///
    /// The GUI and a CLI run may write the same file at once: the read, change and write
    /// happen under the account's cache lock, and a document already cached from a later
    /// fetch is kept rather than replaced by this older answer. An account the index no
    /// longer lists was removed meanwhile: nothing is written, so its cache does not return.
    pub(crate) fn write_cache_docs(
        &self,
        id: &UserId,
        docs: impl IntoIterator<Item = (CacheKind, serde_json::Value)>,
        fetched_at: OffsetDateTime,
    ) -> Result<(), AccountsError> {
        let _lock = self.lock_cache(id)?;
        if let Read::Good(index) = self.read_index()?
            && index.get(id).is_none()
        {
            return Ok(());
        }
        let mut cache = self
            .read_cache(id)?
            .0
            .unwrap_or_else(|| AccountCache::empty(id.clone()));
        for (kind, value) in docs {
            if cache
                .get(kind)
                .is_none_or(|kept| kept.fetched_at <= fetched_at)
            {
                cache.set(kind, CachedDoc { value, fetched_at });
            }
        }
        let path = self.cache_path(id);
        let json = serde_json::to_vec_pretty(&cache).expect("the cache serialises");
        files::write_atomic(&path, &json).map_err(AccountsError::io(&path))
    }

    /// Deletes the account's cache file, under its cache lock so a write in progress
    /// elsewhere finishes first.
    ///
    /// The lock files stay. They are empty and private, and deleting one is only safe when
    /// no process can hold it: a process blocked on the old file would then lock a file
    /// nobody else sees, while a third creates a new one, and both would "hold" the lock.
    /// Making that safe needs every locker to re-check the file after locking; keeping a few
    /// empty files is simpler and cannot go wrong.
    pub async fn delete_cache(&self, id: &UserId) -> Result<(), AccountsError> {
        let what = format!("the saved data of account {id}");
        let _lock = FileLock::acquire(&self.cache_lock_path(id), INDEX_LOCK_TIMEOUT, &what).await?;
        let path = self.cache_path(id);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(AccountsError::io(&path)(e)),
        }
    }

    fn lock_cache(&self, id: &UserId) -> Result<FileLock, AccountsError> {
        let what = format!("the saved data of account {id}");
        FileLock::acquire_blocking(&self.cache_lock_path(id), INDEX_LOCK_TIMEOUT, &what)
    }
}

fn placeholder(id: UserId) -> Identity {
    Identity {
        username: id.to_string(),
        id,
        display_name: None,
        avatar: None,
    }
}

/// Parses a file with a `version` field, refusing a version newer than `current`.
fn parse_versioned<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    current: u32,
) -> Result<T, String> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v > u64::from(current) => {
            return Err(format!(
                "written by a newer Linkcord (format {v}, this one reads {current})"
            ));
        }
        Some(_) => {}
        None => return Err("no format version".into()),
    }
    serde_json::from_value(value).map_err(|e| format!("unexpected content: {e}"))
}
