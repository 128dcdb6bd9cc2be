//! Opening pages in the user's browser. The authorize URL: the caller's opener (a test), the
//! `LINKCORD_BROWSER` command, or the system's, spawned and never waited on (the browser's
//! life has nothing to do with the sign-in's). A web page the window links to
//! ([`open_web_page`]): the system's opener alone, waited on briefly to learn whether it
//! took the page. Either way the browser gets neither the client secret nor what the app
//! set in its environment for itself.

use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

/// How long [`open_web_page`] waits for the system's opener to say whether it took the page.
/// An opener still running then has most likely started the browser in the foreground (a
/// plain `xdg-open` on a desktop with no session of its own does).
const OPENER_VERDICT: Duration = Duration::from_secs(3);

/// Why [`open_web_page`] did not open a page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenPageError {
    /// The address is not `https:` or `http:`: the caller's mistake (or a hostile page's).
    #[error("{0} is not a web address")]
    NotWebAddress(String),
    /// The desktop's opener could not start or said it failed (no browser set up).
    #[error("{0}")]
    Opener(String),
}

/// Opens a web page (`https:` or `http:` only) with the system's opener, never
/// `LINKCORD_BROWSER` (which is the sign-in's). Blocks for up to three seconds: an error
/// when the page is not a web address, the opener cannot start, or it exits with a failure
/// (no browser set up on the desktop).
pub fn open_web_page(url: &Url) -> Result<(), OpenPageError> {
    if !matches!(url.scheme(), "https" | "http") {
        return Err(OpenPageError::NotWebAddress(url.to_string()));
    }
    let (program, args) = SYSTEM_OPENER;
    let child = start(program, args, url).map_err(OpenPageError::Opener)?;
    verdict(program, child, Instant::now() + OPENER_VERDICT).map_err(OpenPageError::Opener)
}

/// The opener's exit status if it comes before `deadline`; after that the child is reaped on
/// a thread and the page taken as opened.
fn verdict(program: &str, mut child: Child, deadline: Instant) -> Result<(), String> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("{program} could not open it ({status})")),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            Err(e) => return Err(format!("{program}: {e}")),
        }
    }
}

/// Starts `program args… url` with no shell, so the URL is exactly one argument. The browser
/// never gets the client secret (the binaries take it out of the environment at start, and
/// this holds for any other caller of the library too) nor what [`keep_from_browser`] named.
fn start(program: &str, args: &[&str], url: &Url) -> Result<Child, String> {
    let mut command = Command::new(program);
    command.env_remove(crate::config::CLIENT_SECRET_VAR);
    for name in NOT_FOR_THE_BROWSER
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
    {
        command.env_remove(name);
    }
    command
        .args(args)
        .arg(url.as_str())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{program}: {e}"))
}

/// [`start`], and the child reaped on a thread so it never lingers as a zombie.
fn spawn(program: &str, args: &[&str], url: &Url) -> Result<(), String> {
    let mut child = start(program, args, url)?;
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// The system's way to open a URL: the program and the arguments before the URL.
#[cfg(target_os = "macos")]
const SYSTEM_OPENER: (&str, &[&str]) = ("open", &[]);
#[cfg(target_os = "windows")]
const SYSTEM_OPENER: (&str, &[&str]) = ("rundll32", &["url.dll,FileProtocolHandler"]);
#[cfg(not(any(target_os = "macos", target_os = "windows")))]
const SYSTEM_OPENER: (&str, &[&str]) = ("xdg-open", &[]);

fn system(url: &Url) -> Result<(), String> {
    let (program, args) = SYSTEM_OPENER;
    spawn(program, args, url)
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

    /// A stand-in opener: a shell script with `body`, started the way `open_web_page` starts
    /// the system's.
    fn opener(dir: &std::path::Path, body: &str) -> Child {
        use std::os::unix::fs::PermissionsExt;
        let program = dir.join("opener");
        std::fs::write(&program, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o700)).unwrap();
        let url = Url::parse("https://discord.com/app").unwrap();
        start(program.to_str().unwrap(), &[], &url).unwrap()
    }

    #[test]
    fn a_web_page_is_opened_once_the_opener_says_so_and_its_failure_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let soon = || Instant::now() + Duration::from_secs(10);
        assert_eq!(
            verdict("opener", opener(dir.path(), "exit 0"), soon()),
            Ok(())
        );
        let failed = verdict("opener", opener(dir.path(), "exit 4"), soon()).unwrap_err();
        assert!(failed.contains("could not open it"), "{failed}");
        // Still running at the deadline: the browser runs in the foreground, all is well.
        let began = Instant::now();
        let deadline = Instant::now() + Duration::from_millis(200);
        assert_eq!(
            verdict("opener", opener(dir.path(), "sleep 5"), deadline),
            Ok(())
        );
        assert!(
            began.elapsed() < Duration::from_secs(4),
            "it waited for the browser to end"
        );
    }

    #[test]
    fn only_web_addresses_are_opened_as_web_pages() {
        for url in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "linkcord://switch/1",
        ] {
            let refused = open_web_page(&Url::parse(url).unwrap()).unwrap_err();
            assert_eq!(refused, OpenPageError::NotWebAddress(url.to_owned()));
        }
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
