//! An exclusive lock on a file, shared by every Linkcord process of this user (the GUI and
//! any CLI run): `flock`/`LockFileEx` through `std::fs::File::try_lock`. Released when dropped
//! or when the process dies, so a crash never leaves an account locked.

use std::fs::{File, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

use super::AccountsError;

/// How often a waiting process tries again.
const POLL: Duration = Duration::from_millis(10);

#[derive(Debug)]
pub(crate) struct FileLock {
    _file: File,
}

impl FileLock {
    fn try_once(path: &Path) -> Result<Option<Self>, AccountsError> {
        if let Some(dir) = path.parent() {
            crate::files::create_private_dir(dir).map_err(AccountsError::io(dir))?;
        }
        // Private like every other file of the data dir (see `files`).
        let file = crate::files::private_file_options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(AccountsError::io(path))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Self { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(AccountsError::io(path)(e)),
        }
    }

    /// Waits (without blocking the async runtime) until the lock is ours or `timeout` passes.
    pub(crate) async fn acquire(
        path: &Path,
        timeout: Duration,
        what: &str,
    ) -> Result<Self, AccountsError> {
        let start = Instant::now();
        loop {
            if let Some(lock) = Self::try_within(path, start, timeout, what)? {
                return Ok(lock);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The same for short synchronous sections, which block their thread while they wait.
    pub(crate) fn acquire_blocking(
        path: &Path,
        timeout: Duration,
        what: &str,
    ) -> Result<Self, AccountsError> {
        let start = Instant::now();
        loop {
            if let Some(lock) = Self::try_within(path, start, timeout, what)? {
                return Ok(lock);
            }
            std::thread::sleep(POLL);
        }
    }

    /// One try: the lock, `None` to try again later, or busy once `timeout` has passed since
    /// `start`.
    fn try_within(
        path: &Path,
        start: Instant,
        timeout: Duration,
        what: &str,
    ) -> Result<Option<Self>, AccountsError> {
        match Self::try_once(path)? {
            Some(lock) => Ok(Some(lock)),
            None if start.elapsed() >= timeout => Err(busy(what, timeout)),
            None => Ok(None),
        }
    }
}

fn busy(what: &str, timeout: Duration) -> AccountsError {
    AccountsError::Busy {
        what: what.to_owned(),
        seconds: timeout.as_secs().max(1),
    }
}
