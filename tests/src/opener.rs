//! A recording stand-in for the desktop's URL openers.
//!
//! What a click on a link does is outside the app: it hands a URL to `xdg-open` (or `gio`,
//! `kde-open`, … whichever the desktop has), which starts the browser. Tests that must prove
//! which URL left the app put [`RecordingOpener`] first on the app's `PATH`: every opener it
//! shadows appends its name and arguments to a log in the sandbox and exits 0 (or fails, when
//! told to), so the test reads exactly what the app handed over and nothing is really opened.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The programs that may end up opening a URL on Linux: `xdg-open`, which Linkcord starts for
/// a link and a sign-in, and those a desktop or an opener library falls back to. Shadowing all
/// of them means no real browser starts, whatever path a URL takes.
pub const OPENERS: &[&str] = &[
    "xdg-open",
    "gio",
    "gnome-open",
    "kde-open",
    "kde-open5",
    "kde-open6",
    "wslview",
    "sensible-browser",
    "x-www-browser",
    "www-browser",
    "firefox",
    "chromium",
    "chromium-browser",
    "google-chrome",
];

/// Variables the app sets in its own environment for its window (`gui/webkit.rs`), or that
/// `linkcord` hands it for the loader (`loader.rs`), which a browser it starts must not inherit.
pub const THE_APPS_OWN: &[&str] = &[
    "WEBKIT_DISABLE_COMPOSITING_MODE",
    "GDK_GL",
    "LD_PRELOAD",
    "LINKCORD_PRELOADED",
];

/// One call to an opener: the program's name and its arguments, and which of
/// [`THE_APPS_OWN`] it inherited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub program: String,
    pub args: Vec<String>,
    pub inherited: Vec<String>,
}

impl Opened {
    /// The URL handed over: every opener takes it as its last argument.
    pub fn url(&self) -> &str {
        self.args.last().map(String::as_str).unwrap_or_default()
    }
}

/// The stand-in openers of one sandbox: a directory of scripts and the log they write.
#[derive(Debug, Clone)]
pub struct RecordingOpener {
    bin: PathBuf,
    log: PathBuf,
    env_log: PathBuf,
    fail_flag: PathBuf,
}

impl RecordingOpener {
    /// Writes the scripts under `root` (a directory of the sandbox).
    pub fn install(root: &Path) -> Self {
        let bin = root.join("opener-bin");
        std::fs::create_dir_all(&bin).expect("opener dir");
        let log = root.join("opened.log");
        let env_log = root.join("opened-env.log");
        let fail_flag = root.join("opener-fails");
        // One line a call: the program's name, then each argument, tab-separated; and first,
        // in a second log, the names of the app's own variables it was started with. When the
        // flag file exists the opener fails as xdg-open does when no browser is set (exit 3).
        let script = format!(
            "#!/bin/sh\n{{ for v in {}; do env | grep -q \"^$v=\" && printf '%s ' \"$v\"; done; printf '\\n'; }} >> '{}'\n{{ printf '%s' \"$(basename \"$0\")\"; for a in \"$@\"; do printf '\\t%s' \"$a\"; done; printf '\\n'; }} >> '{}'\n[ -e '{}' ] && exit 3\nexit 0\n",
            THE_APPS_OWN.join(" "),
            env_log.display(),
            log.display(),
            fail_flag.display()
        );
        for program in OPENERS {
            let path = bin.join(program);
            std::fs::write(&path, &script).expect("opener script");
            make_executable(&path);
        }
        Self {
            bin,
            log,
            env_log,
            fail_flag,
        }
    }

    /// `PATH` with the stand-ins first, then the test's own `PATH`.
    pub fn path_var(&self) -> String {
        let rest = std::env::var("PATH").unwrap_or_default();
        format!("{}:{rest}", self.bin.display())
    }

    /// From now on every opener fails (`true`) or succeeds (`false`); calls are logged both ways.
    pub fn set_failing(&self, failing: bool) {
        if failing {
            std::fs::write(&self.fail_flag, b"").expect("opener fail flag");
        } else {
            let _ = std::fs::remove_file(&self.fail_flag);
        }
    }

    /// Every call so far, oldest first.
    pub fn calls(&self) -> Vec<Opened> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let env = std::fs::read_to_string(&self.env_log).unwrap_or_default();
        let mut inherited = env.lines();
        text.lines()
            .filter(|line| !line.is_empty())
            .map(|line| {
                let mut fields = line.split('\t').map(str::to_owned);
                Opened {
                    program: fields.next().unwrap_or_default(),
                    args: fields.collect(),
                    inherited: inherited
                        .next()
                        .unwrap_or_default()
                        .split_whitespace()
                        .map(str::to_owned)
                        .collect(),
                }
            })
            .collect()
    }

    /// The URLs handed over so far, oldest first.
    pub fn urls(&self) -> Vec<String> {
        self.calls().iter().map(|c| c.url().to_owned()).collect()
    }

    /// Waits up to 20 s until at least `count` calls were made, and returns all of them.
    /// Panics with what was recorded when they do not come.
    pub async fn wait_for_calls(&self, count: usize) -> Vec<Opened> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let calls = self.calls();
            if calls.len() >= count {
                return calls;
            }
            assert!(
                Instant::now() < deadline,
                "expected {count} call(s) to an opener within 20 s; got {calls:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits up to 20 s for the next call after the first `seen`, and returns its URL.
    pub async fn next_url(&self, seen: usize) -> String {
        let calls = self.wait_for_calls(seen + 1).await;
        calls[seen].url().to_owned()
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[cfg(not(unix))]
fn make_executable(_: &Path) {}
