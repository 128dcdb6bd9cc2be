//! Opening the authorize URL: the caller's opener (the GUI's opener plugin, a test), the
//! `LINKCORD_BROWSER` command, or the system's. Spawned and never waited on: the browser's
//! life has nothing to do with the sign-in's.

use std::process::{Command, Stdio};
use std::sync::Mutex;

use url::Url;

/// Variables this process set in its own environment for itself alone (the app's drawing
/// choices), which the browser must not inherit.
static NOT_FOR_THE_BROWSER: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

/// Keeps the variable `name` out of the browser's environment: for a variable the process
/// set for its own libraries (GTK, WebKit), which would change how a browser started from
/// here draws.
pub fn keep_from_browser(name: &'static str) {
    let mut names = NOT_FOR_THE_BROWSER
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if !names.contains(&name) {
        names.push(name);
    }
}

/// Opens a URL in a browser; the error says why it could not.
pub type Opener = Box<dyn Fn(&Url) -> Result<(), String> + Send + Sync>;

/// Shows a URL to the user (prints it, puts it in a dialog).
pub type UrlSink = Box<dyn Fn(&Url) + Send + Sync>;

/// How [`Session::sign_in`](super::Session::sign_in) opens the authorize URL.
pub enum BrowserLaunch {
    /// `LINKCORD_BROWSER` if set, else the system browser.
    Default,
    /// The caller opens it.
    Custom(Opener),
    /// Nothing is opened: the caller shows the URL (see `SignInOptions::on_url`).
    Manual,
}

impl std::fmt::Debug for BrowserLaunch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Default => "Default",
            Self::Custom(_) => "Custom",
            Self::Manual => "Manual",
        })
    }
}

impl BrowserLaunch {
    pub(crate) fn open(&self, url: &Url, browser_command: Option<&str>) -> Result<(), String> {
        match self {
            Self::Manual => Ok(()),
            Self::Custom(open) => open(url),
            Self::Default => match browser_command {
                Some(command) => spawn(command, &[], url),
                None => system(url),
            },
        }
    }
}

/// Runs `program args… url` with no shell, so the URL is exactly one argument, and reaps the
/// child on a thread so it never lingers as a zombie. The browser never gets the client
/// secret: the binaries take it out of the environment at start, and this holds for any
/// other caller of the library too.
fn spawn(program: &str, args: &[&str], url: &Url) -> Result<(), String> {
    let mut command = Command::new(program);
    command.env_remove(crate::config::CLIENT_SECRET_VAR);
    for name in NOT_FOR_THE_BROWSER
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
    {
        command.env_remove(name);
    }
    let mut child = command
        .args(args)
        .arg(url.as_str())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{program}: {e}"))?;
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(target_os = "macos")]
fn system(url: &Url) -> Result<(), String> {
    spawn("open", &[], url)
}

#[cfg(target_os = "windows")]
fn system(url: &Url) -> Result<(), String> {
    spawn("rundll32", &["url.dll,FileProtocolHandler"], url)
}

#[cfg(not(any(target_os = "macos", target_os = "windows")))]
fn system(url: &Url) -> Result<(), String> {
    spawn("xdg-open", &[], url)
}

#[cfg(all(test, unix))]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    /// A browser that writes its environment beside itself, then the environment it wrote.
    fn environment_seen_by_a_browser() -> String {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let browser = dir.path().join("browser");
        std::fs::write(&browser, "#!/bin/sh\nenv > \"$(dirname \"$0\")/env.tmp\"\nmv \"$(dirname \"$0\")/env.tmp\" \"$(dirname \"$0\")/env\"\n").unwrap();
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o700)).unwrap();
        let url = Url::parse("https://discord.com/oauth2/authorize").unwrap();
        spawn(browser.to_str().unwrap(), &[], &url).unwrap();
        let written = dir.path().join("env");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !written.exists() {
            assert!(Instant::now() < deadline, "the browser never ran");
            std::thread::sleep(Duration::from_millis(20));
        }
        std::fs::read_to_string(written).unwrap()
    }

    #[test]
    fn the_browser_does_not_inherit_what_the_app_set_for_itself() {
        // HOME stands for a variable the app set: the test process has it, and so does a
        // browser it starts, until it is kept from the browser.
        let has = |env: &str, name: &str| env.lines().any(|l| l.starts_with(&format!("{name}=")));
        assert!(has(&environment_seen_by_a_browser(), "HOME"));
        keep_from_browser("HOME");
        let seen = environment_seen_by_a_browser();
        NOT_FOR_THE_BROWSER.lock().unwrap().retain(|n| *n != "HOME");
        assert!(!has(&seen, "HOME"), "{seen}");
        assert!(
            has(&seen, "PATH"),
            "the rest of the environment is kept: {seen}"
        );
    }
}
