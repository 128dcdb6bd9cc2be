//! Opening the authorize URL: the caller's opener (the GUI's opener plugin, a test), the
//! `LINKCORD_BROWSER` command, or the system's. Spawned and never waited on: the browser's
//! life has nothing to do with the sign-in's.

use std::process::{Command, Stdio};

use url::Url;

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
    let mut child = Command::new(program)
        .args(args)
        .arg(url.as_str())
        .env_remove(crate::config::CLIENT_SECRET_VAR)
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
