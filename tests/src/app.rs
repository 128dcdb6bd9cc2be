//! Finding and running the real `linkcord` binary in an isolated environment.
//!
//! Every test gets its own data directory and keychain service name, so tests never see each
//! other's accounts, nor the developer's own.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::opener::RecordingOpener;
use crate::processes;

/// The workspace root (this crate lives in `<root>/tests`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The `linkcord` binary under test: `LINKCORD_BIN` if set, else the debug build in the
/// target directory. Panics with the command to run when it has not been built.
pub fn linkcord_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("LINKCORD_BIN") {
        return PathBuf::from(bin);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let bin = target.join("debug").join("linkcord");
    assert!(
        bin.exists(),
        "{} does not exist: run `cargo build -p linkcord` first (scripts/test.sh does)",
        bin.display()
    );
    bin
}

/// Where tests write what a person may want to look at (screenshots): `LINKCORD_TEST_OUTPUT`
/// or `<root>/test-output`.
pub fn output_dir() -> PathBuf {
    std::env::var_os("LINKCORD_TEST_OUTPUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("test-output"))
}

/// An isolated Linkcord environment: its own data dir and keychain service, and its own home
/// (`HOME`, `XDG_CONFIG_HOME`), so what the app writes there (the autostart entry) never
/// touches the developer's own.
pub struct Sandbox {
    pub data_dir: tempfile::TempDir,
    pub keyring_service: String,
    pub home: tempfile::TempDir,
    extra: Vec<(String, String)>,
    opener: Option<RecordingOpener>,
}

impl Sandbox {
    pub fn new() -> Self {
        let data_dir = tempfile::tempdir().expect("temp data dir");
        let unique = data_dir
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Self {
            data_dir,
            keyring_service: format!("linkcord-test-{unique}"),
            home: tempfile::tempdir().expect("temp home dir"),
            extra: Vec::new(),
            opener: None,
        }
    }

    /// Where a desktop looks for what starts at login: `$XDG_CONFIG_HOME/autostart`.
    pub fn autostart_dir(&self) -> PathBuf {
        self.home.path().join(".config").join("autostart")
    }

    /// Adds or replaces an environment variable for every process started from here.
    pub fn with_env(mut self, key: &str, value: &str) -> Self {
        self.extra.retain(|(k, _)| k != key);
        self.extra.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Installs a stand-in browser as `LINKCORD_BROWSER`: given the authorize URL, it answers
    /// the emulator's consent page as the fixture user named by [`Sandbox::approve_as`]
    /// (`approve_as=<id>`), or presses its Cancel button when that is `deny`, then follows
    /// Discord's redirect back to Linkcord, as a person in a browser would.
    pub fn with_consenting_browser(self, user_id: &str) -> Self {
        let dir = self.data_dir.path().join("browser");
        std::fs::create_dir_all(&dir).expect("browser dir");
        let script = dir.join("consent.sh");
        let choice = dir.join("approve-as");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nuser=$(cat '{}')\nif [ \"$user\" = deny ]; then\n  exec curl -sS -o /dev/null -L --max-time 30 --data \"${{1#*\\?}}&cancel=1\" \"${{1%%\\?*}}\"\nfi\nexec curl -sS -o /dev/null -L --max-time 30 \"$1&approve_as=$user\"\n",
                choice.display()
            ),
        )
        .expect("browser script");
        make_executable(&script);
        let sandbox = self.with_env("LINKCORD_BROWSER", &script.display().to_string());
        sandbox.approve_as(user_id);
        sandbox
    }

    /// Installs a stand-in browser for the deep-link redirect: it approves as `user_id`, reads
    /// the `discord-<client id>:/authorize/callback?…` address Discord redirects to, and opens
    /// it the way a desktop does, by launching `linkcord` with it.
    pub fn with_deep_link_browser(self, user_id: &str) -> Self {
        let dir = self.data_dir.path().join("browser");
        std::fs::create_dir_all(&dir).expect("browser dir");
        let script = dir.join("deep-link.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nloc=$(curl -sS -o /dev/null -D - --max-time 30 \"$1&approve_as={user_id}\" | tr -d '\\r' | sed -n 's/^[Ll]ocation: //p')\nexec '{}' \"$loc\"\n",
                linkcord_bin().display()
            ),
        )
        .expect("browser script");
        make_executable(&script);
        self.with_env("LINKCORD_BROWSER", &script.display().to_string())
    }

    /// Uses a real browser (`browser`: the `consent-browser` test binary) that clicks the
    /// consent page's "Authorize" button of `user_id` (or "Cancel" for `cancel`).
    pub fn with_clicking_browser(self, browser: &Path, user_id: &str) -> Self {
        let dir = self.data_dir.path().join("browser");
        std::fs::create_dir_all(&dir).expect("browser dir");
        let script = dir.join("click.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nexec '{}' \"$1\" '{user_id}'\n",
                browser.display()
            ),
        )
        .expect("browser script");
        make_executable(&script);
        self.with_env("LINKCORD_BROWSER", &script.display().to_string())
    }

    /// Which fixture user the stand-in browser approves as from now on (`deny`: it cancels).
    pub fn approve_as(&self, user_id: &str) {
        let choice = self.data_dir.path().join("browser").join("approve-as");
        std::fs::write(choice, user_id).expect("approve-as file");
    }

    /// Puts recording stand-ins for `xdg-open` and the other openers first on the `PATH` of
    /// everything started from here (see [`RecordingOpener`]): what the app hands the desktop
    /// to open is logged in the sandbox instead of opening a browser.
    pub fn with_recording_opener(mut self) -> Self {
        let opener = RecordingOpener::install(self.home.path());
        let path = opener.path_var();
        self.opener = Some(opener);
        self.with_env("PATH", &path)
    }

    /// The recording openers; panics unless [`Sandbox::with_recording_opener`] installed them.
    pub fn opener(&self) -> &RecordingOpener {
        self.opener
            .as_ref()
            .expect("Sandbox::with_recording_opener was not called")
    }

    /// Points Linkcord at a running emulator (its default client id, any loopback port).
    pub fn with_emulator(self, base_url: &str) -> Self {
        self.with_env("LINKCORD_DISCORD_URL", base_url)
            .with_env("LINKCORD_CDN_URL", &format!("{base_url}/cdn"))
            .with_env("LINKCORD_CLIENT_ID", crate::emulator::DEFAULT_CLIENT_ID)
    }

    /// Saves the setting "any free loopback port" for sign-ins (`linkcord config set port 0`):
    /// the emulator registers `http://127.0.0.1/callback` without a port, and tests running
    /// side by side must not fight over one. Panics when the command fails.
    pub fn with_any_loopback_port(self) -> Self {
        let status = self
            .command(&["config", "set", "port", "0"])
            .status()
            .expect("run linkcord config set port 0");
        assert!(status.success(), "linkcord config set port 0: {status}");
        self
    }

    /// The WebKit web processes of this sandbox's app: those whose environment (inherited
    /// from the app) names this sandbox's data directory.
    pub fn web_processes(&self) -> Vec<u32> {
        self.processes_named("WebKitWebProces")
    }

    /// This sandbox's running `linkcord-app` (a second launch that handed over may linger for
    /// a moment beside it).
    pub fn app_processes(&self) -> Vec<u32> {
        self.processes_named("linkcord-app")
    }

    /// Processes called `name` (as `/proc/<pid>/comm` has it) whose environment names this
    /// sandbox's data directory.
    fn processes_named(&self, name: &str) -> Vec<u32> {
        let marker = format!("LINKCORD_DATA_DIR={}", self.data_dir.path().display());
        processes::pids()
            .into_iter()
            .filter(|pid| {
                processes::command_name(*pid) == name
                    && processes::environment(*pid).contains(&marker)
            })
            .collect()
    }

    /// The variables that isolate a process, as pairs.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut vars = vec![
            (
                "LINKCORD_DATA_DIR".to_owned(),
                self.data_dir.path().display().to_string(),
            ),
            (
                "LINKCORD_KEYRING_SERVICE".to_owned(),
                self.keyring_service.clone(),
            ),
            ("LANG".to_owned(), "C.UTF-8".to_owned()),
            ("HOME".to_owned(), self.home.path().display().to_string()),
            (
                "XDG_CONFIG_HOME".to_owned(),
                self.home.path().join(".config").display().to_string(),
            ),
        ];
        vars.extend(self.extra.iter().cloned());
        vars
    }

    /// `linkcord ARGS…` in this sandbox, with no Linkcord variable leaking in from outside.
    pub fn command(&self, args: &[&str]) -> Command {
        self.command_for(&linkcord_bin(), args)
    }

    /// [`Self::command`] for another build's `linkcord` (`program`).
    pub fn command_for(&self, program: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        for (key, _) in std::env::vars() {
            if key.starts_with("LINKCORD_") && key != "LINKCORD_BIN" {
                cmd.env_remove(key);
            }
        }
        cmd.args(args).envs(self.env());
        cmd
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[cfg(not(unix))]
fn make_executable(_: &Path) {}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}
