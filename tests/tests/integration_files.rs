//! What `linkcord` leaves on disk is for the user alone: the cache holds the email, the linked
//! accounts and the servers, so the data directory is 0700 and every file in it 0600, whatever
//! the umask, and a directory an older version left open is closed when Linkcord starts.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use linkcord_tests::cli::*;
use linkcord_tests::emulator::ids;

/// The umask of most desktops: without care, directories come out 0755 and files 0644.
fn open_umask() {
    // SAFETY: umask only swaps a per-process number; it touches no memory.
    unsafe {
        libc::umask(0o022);
    }
}

/// Every directory (with `dir` itself) and file under `dir` whose mode lets anyone but the
/// owner in, as "path: mode" lines.
fn open_to_others(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(path) = todo.pop() {
        let meta = std::fs::symlink_metadata(&path).expect("stat");
        let mode = meta.permissions().mode() & 0o777;
        let wanted = if meta.is_dir() { 0o700 } else { 0o600 };
        if mode != wanted {
            found.push(format!("{}: {mode:o}", path.display()));
        }
        if meta.is_dir() {
            for entry in std::fs::read_dir(&path).expect("read dir") {
                todo.push(entry.expect("dir entry").path());
            }
        }
    }
    found
}

fn count_entries(dir: &Path) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        n += 1;
        if entry.path().is_dir() {
            n += count_entries(&entry.path());
        }
    }
    n
}

#[track_caller]
fn assert_private(dir: &Path, after: &str) {
    let open = open_to_others(dir);
    assert!(
        open.is_empty(),
        "after {after}, readable by others:\n{}",
        open.join("\n")
    );
}

/// Runs in a data directory that does not exist yet, so Linkcord creates it.
struct Fresh<'a> {
    h: &'a Harness,
    dir: PathBuf,
}

impl Fresh<'_> {
    async fn run(&self, args: &[&str]) -> Out {
        self.run_with(args, &[]).await
    }

    async fn run_with(&self, args: &[&str], extra: &[(&str, &str)]) -> Out {
        let mut env = vec![("LINKCORD_DATA_DIR", path_str(&self.dir))];
        env.extend_from_slice(extra);
        self.h.run_with(args, &env).await
    }

    async fn login_as(&self, user: &str) -> Out {
        let browser = self.h.approving_browser(user);
        self.run_with(
            &["login", "--timeout", "30"],
            &[("LINKCORD_BROWSER", path_str(&browser))],
        )
        .await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_file_and_directory_stays_private_through_a_session() {
    open_umask();
    let Some(h) = Harness::start().await else {
        return;
    };
    let fresh = Fresh {
        dir: h.sandbox.data_dir.path().join("new").join("linkcord"),
        h: &h,
    };

    fresh.run(&["config", "set", "port", "0"]).await.expect(0);
    assert_private(&fresh.dir, "config set");

    fresh.login_as(ids::AVA).await.expect(0);
    fresh.login_as(ids::DMITRI).await.expect(0);
    assert_private(&fresh.dir, "two sign-ins");
    assert!(
        fresh
            .dir
            .join("cache")
            .join(format!("{}.json", ids::AVA))
            .is_file(),
        "the cache file this test is about exists"
    );

    fresh.run(&["profile"]).await.expect(0);
    h.expire_locally(ids::DMITRI).await;
    fresh.run(&["token"]).await.expect(0);
    assert_eq!(h.stats().await["refreshes"], 1, "the token was refreshed");
    assert_private(&fresh.dir, "a refresh");

    fresh.run(&["switch", ids::AVA]).await.expect(0);
    fresh.run(&["guilds"]).await.expect(0);
    assert_private(&fresh.dir, "switch");

    fresh.run(&["logout"]).await.expect(0);
    assert_private(&fresh.dir, "logout");
    assert!(
        count_entries(&fresh.dir) >= 5,
        "settings, index, a cache file and locks were checked: {:?}",
        files_under(&fresh.dir)
    );
}

/// Makes `dir` and everything under it what an older version left under umask 022.
fn open_up(dir: &Path) {
    let meta = std::fs::metadata(dir).unwrap();
    let mode = if meta.is_dir() { 0o755 } else { 0o644 };
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap();
    if meta.is_dir() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            open_up(&entry.path());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_directory_left_open_is_closed_at_start() {
    open_umask();
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    let dir = h.sandbox.data_dir.path();
    open_up(dir);
    assert!(
        open_to_others(dir).len() >= 4,
        "the test opened the files up"
    );

    // Listing the accounts writes nothing: only the start can have closed them.
    let out = h.run(&["accounts"]).await.expect(0);
    assert!(out.stdout.contains("ava"), "{out:?}");
    assert_private(dir, "`linkcord accounts` on an open data dir");
}
