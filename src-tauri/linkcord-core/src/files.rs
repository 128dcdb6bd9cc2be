//! Atomic, private writes and keeping damaged files aside.
//!
//! Every non-secret file Linkcord writes (settings, account index, cache, images, locks) goes
//! through here, so a crash mid-write never leaves a half file, a damaged file is never
//! silently lost, and nothing is readable by other users of the computer: the cache holds the
//! email, the linked accounts and the servers. Directories are 0700 and files 0600 on Unix,
//! whatever the umask; elsewhere the per-user data directory's own access rules apply.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Mode of every directory Linkcord creates: the owner only.
#[cfg(unix)]
const DIR_MODE: u32 = 0o700;
/// Mode of every file Linkcord creates: the owner only.
#[cfg(unix)]
const FILE_MODE: u32 = 0o600;

/// Creates `dir` and any missing parents, each readable by the owner only.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(dir)
}

/// Options that create a file readable by the owner only (its mode is set at creation, so it
/// is never open to others even for a moment).
pub fn private_file_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    options
}

/// Takes away what others may do with `dir` and everything under it, for data directories
/// that an older Linkcord (or a copy with `cp -r`) left readable by everyone. Symbolic links
/// are left alone. Errors are logged, not returned: the user's data is still readable by
/// them, and a file that cannot be tightened must not stop the app.
///
/// When `dir` itself is already private nothing under it is reachable by others, so the walk
/// (thousands of cached images) is skipped: `linkcord token` pays one `stat`.
pub fn make_private(dir: &Path) {
    // A data dir that is itself a link (moved to another disk) is followed; links inside it
    // are not.
    #[cfg(unix)]
    if let Ok(dir) = dir.canonicalize()
        && is_open(&dir)
        && let Err(e) = tighten(&dir)
    {
        tracing::warn!(
            "could not make {} readable by you alone: {e}",
            dir.display()
        );
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Whether group or others have any access to `path` (false when it does not exist).
#[cfg(unix)]
fn is_open(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(unix)]
fn tighten(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    let mode = meta.permissions().mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & !0o077))?;
    }
    if meta.is_dir() {
        for entry in std::fs::read_dir(path)? {
            tighten(&entry?.path())?;
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file in the same directory, synced and then
/// renamed over the target, so readers see the old content or the new, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    // One temporary file per write, not per process: two threads writing the same file at
    // once (the window asking twice for the same image) must not share, truncate or rename
    // away each other's temporary file.
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let n = WRITES.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
    let result = (|| {
        let mut file = private_file_options()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Renames a damaged file to `<name>.damaged-<unix seconds>` beside it and returns the new
/// path, so the user (or support) can still look at it.
pub fn quarantine(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let mut target = path.with_file_name(format!("{name}.damaged-{stamp}"));
    let mut n = 1;
    while target.exists() {
        target = path.with_file_name(format!("{name}.damaged-{stamp}-{n}"));
        n += 1;
    }
    std::fs::rename(path, &target)?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_writes_of_the_same_file_all_succeed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("same");
        let writers: Vec<_> = (0..8u8)
            .map(|i| {
                let path = path.clone();
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        write_atomic(&path, &[i; 4096])?;
                    }
                    Ok::<_, std::io::Error>(())
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap().expect("every write succeeds");
        }
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.len(), 4096);
        assert!(
            bytes.iter().all(|b| *b == bytes[0]),
            "one writer's content, whole"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left behind");
    }

    #[test]
    fn write_atomic_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/index.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn written_files_and_their_directories_are_the_owners_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/index.json");
        write_atomic(&path, b"one").unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&dir.path().join("a/b")), 0o700);
    }

    #[cfg(unix)]
    #[test]
    fn make_private_closes_an_open_tree_and_leaves_links_alone() {
        use std::os::unix::fs::PermissionsExt;
        let set = |p: &Path, m: u32| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
        };
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(data.join("cache")).unwrap();
        std::fs::write(data.join("cache/1.json"), b"{}").unwrap();
        std::fs::write(&outside, b"not ours").unwrap();
        std::os::unix::fs::symlink(&outside, data.join("link")).unwrap();
        set(&data, 0o755);
        set(&data.join("cache"), 0o755);
        set(&data.join("cache/1.json"), 0o644);
        set(&outside, 0o644);
        make_private(&data);
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join("cache")), 0o700);
        assert_eq!(mode(&data.join("cache/1.json")), 0o600);
        assert_eq!(mode(&outside), 0o644, "a link's target is not Linkcord's");
        make_private(&dir.path().join("missing"));

        let moved = dir.path().join("moved");
        std::fs::create_dir(&moved).unwrap();
        set(&moved, 0o755);
        std::os::unix::fs::symlink(&moved, dir.path().join("data-link")).unwrap();
        make_private(&dir.path().join("data-link"));
        assert_eq!(mode(&moved), 0o700, "a data dir that is a link is followed");
    }

    #[test]
    fn quarantine_never_overwrites_an_earlier_copy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.json");
        std::fs::write(&path, b"a").unwrap();
        let first = quarantine(&path).unwrap();
        std::fs::write(&path, b"b").unwrap();
        let second = quarantine(&path).unwrap();
        assert_ne!(first, second);
        assert_eq!(std::fs::read(first).unwrap(), b"a");
        assert_eq!(std::fs::read(second).unwrap(), b"b");
    }
}
