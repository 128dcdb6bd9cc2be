//! The command-line rig the `integration_*` suites share: an emulator on its own port, a
//! sandbox (data dir + keychain service) pointed at it, and the real `linkcord` binary run in
//! it under the real Secret Service, with ways to look at what Discord and the keychain saw.
//!
//! Every command's output is kept (except `token`'s stdout, the one place a token may appear)
//! so a test can check at the end that no token leaked into any of it.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Mutex;

use crate::app::Sandbox;
use crate::emulator::{Emulator, EmulatorConfig, RunningEmulator};
use serde_json::Value;

/// Whether a Secret Service can be reached; says plainly that the test skipped when not.
pub fn secret_service_available() -> bool {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
        return true;
    }
    println!("skipped: needs a Secret Service (run under scripts/with-secret-service.sh)");
    false
}

/// What one run of `linkcord` gave.
#[derive(Debug, Clone)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    /// Panics with everything printed unless the exit code is `code`.
    pub fn expect(self, code: i32) -> Self {
        assert_eq!(self.code, code, "unexpected exit code: {self:#?}");
        self
    }
}

pub struct Harness {
    pub emu: Option<RunningEmulator>,
    pub sandbox: Sandbox,
    pub base: String,
    http: reqwest::Client,
    scripts: tempfile::TempDir,
    printed: Mutex<Vec<String>>,
}

impl Harness {
    /// An emulator with its defaults and a sandbox using an ephemeral loopback port (the
    /// emulator registers `http://127.0.0.1/callback` for any port). `None` without a bus.
    pub async fn start() -> Option<Self> {
        Self::start_with(EmulatorConfig::default()).await
    }

    pub async fn start_with(config: EmulatorConfig) -> Option<Self> {
        if !secret_service_available() {
            return None;
        }
        let emu = Emulator::start(config).await.expect("start the emulator");
        let base = emu.base_url();
        let sandbox = Sandbox::new()
            .with_env("LINKCORD_DISCORD_URL", &base)
            .with_env("LINKCORD_CDN_URL", &emu.cdn_url())
            .with_env("LINKCORD_CLIENT_ID", emu.client_id());
        let harness = Self {
            emu: Some(emu),
            sandbox,
            base,
            http: reqwest::Client::new(),
            scripts: tempfile::tempdir().expect("scripts dir"),
            printed: Mutex::new(Vec::new()),
        };
        harness.run(&["config", "set", "port", "0"]).await.expect(0);
        Some(harness)
    }

    /// Stops the emulator: Discord is now unreachable.
    pub async fn stop_discord(&mut self) {
        if let Some(emu) = self.emu.take() {
            emu.shutdown().await.expect("emulator shutdown");
        }
    }

    pub async fn run(&self, args: &[&str]) -> Out {
        self.run_with(args, &[]).await
    }

    /// `linkcord ARGS…` in the sandbox with extra variables, stdin closed.
    pub async fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Out {
        let out = self
            .command(args, env)
            .output()
            .await
            .expect("run linkcord");
        let out = Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        self.keep(args, &out);
        out
    }

    /// The command, for tests that need to start it and act while it runs.
    pub fn command(&self, args: &[&str], env: &[(&str, &str)]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::from(self.sandbox.command(args));
        cmd.envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        cmd
    }

    /// Keeps what a command printed for [`Harness::assert_no_leak`]; `token`'s stdout is the
    /// one output allowed to hold a token.
    pub fn keep(&self, args: &[&str], out: &Out) {
        let mut printed = self.printed.lock().unwrap();
        printed.push(out.stderr.clone());
        if args.first() != Some(&"token") {
            printed.push(out.stdout.clone());
        }
    }

    /// Writes an executable `/bin/sh` script and returns its path.
    pub fn script(&self, name: &str, body: &str) -> PathBuf {
        let path = self.scripts.path().join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write script");
        let mut perms = std::fs::metadata(&path).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&path, perms).expect("chmod script");
        path
    }

    /// A "browser" that approves as `user` on the emulator and follows the redirect to the
    /// loopback callback, the way a person's browser would.
    pub fn approving_browser(&self, user: &str) -> PathBuf {
        self.script(
            &format!("approve-{user}"),
            &format!(r#"exec curl -sS -L -o /dev/null "$1&approve_as={user}""#),
        )
    }

    /// A "browser" that only writes the authorize URL to a file, for tests that answer the
    /// listener themselves. Returns the script and the file.
    pub fn recording_browser(&self, name: &str) -> (PathBuf, PathBuf) {
        let file = self.scripts.path().join(format!("{name}.url"));
        let script = self.script(name, &format!(r#"printf '%s' "$1" > "{}""#, file.display()));
        (script, file)
    }

    /// `linkcord login [EXTRA…]` through a browser approving as `user`.
    pub async fn login_as(&self, user: &str, extra: &[&str]) -> Out {
        let browser = self.approving_browser(user);
        let mut args = vec!["login", "--timeout", "30"];
        args.extend_from_slice(extra);
        self.run_with(&args, &[("LINKCORD_BROWSER", path_str(&browser))])
            .await
    }

    /// A valid access token of the active account (or `account`).
    pub async fn token(&self, account: Option<&str>) -> String {
        let mut args = vec!["token"];
        if let Some(a) = account {
            args.extend(["--account", a]);
        }
        let out = self.run(&args).await.expect(0);
        out.stdout.trim().to_owned()
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// What the emulator redirects to when `user` approves `authorize_url` (not followed).
    pub async fn approve(&self, authorize_url: &str, user: &str) -> String {
        let reply = no_redirects()
            .get(format!("{authorize_url}&approve_as={user}"))
            .send()
            .await
            .expect("authorize");
        location(&reply)
    }

    /// What the emulator redirects to when the consent page's Cancel is pressed.
    pub async fn cancel_consent(&self, authorize_url: &str) -> String {
        let url = url::Url::parse(authorize_url).expect("authorize URL");
        let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        form.push(("cancel".into(), "1".into()));
        let reply = no_redirects()
            .post(format!("{}/oauth2/authorize", self.base))
            .form(&form)
            .send()
            .await
            .expect("consent cancel");
        location(&reply)
    }

    pub async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .http
            .request(method, format!("{}/_emulator/{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let reply = request.send().await.expect("emulator control");
        assert!(reply.status().is_success(), "{path}: {}", reply.status());
        reply.json().await.expect("control JSON")
    }

    pub async fn stats(&self) -> Value {
        self.control(reqwest::Method::GET, "stats", None).await
    }

    pub async fn fault(&self, fault: Value) {
        self.control(reqwest::Method::POST, "faults", Some(fault))
            .await;
    }

    pub async fn clear_faults(&self) {
        self.control(reqwest::Method::DELETE, "faults", None).await;
    }

    pub async fn expire_tokens(&self) {
        self.control(reqwest::Method::POST, "expire-tokens", None)
            .await;
    }

    /// The HTTP status Discord gives `/users/@me` for this token.
    pub async fn me_status(&self, token: &str) -> u16 {
        self.http
            .get(format!("{}/api/v10/users/@me", self.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("users/@me")
            .status()
            .as_u16()
    }

    /// The access and refresh tokens the keychain holds for this sandbox, read with
    /// `secret-tool` straight from the Secret Service.
    pub fn keychain_tokens(&self) -> Vec<String> {
        let out = std::process::Command::new("secret-tool")
            .args(["search", "--all", "service", &self.sandbox.keyring_service])
            .output()
            .expect("secret-tool");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.lines()
            .filter_map(|line| line.strip_prefix("secret = "))
            .filter_map(|json| serde_json::from_str::<Value>(json).ok())
            .flat_map(|record| {
                ["access_token", "refresh_token"]
                    .into_iter()
                    .filter_map(move |k| record.get(k)?.as_str().map(str::to_owned))
            })
            .collect()
    }

    /// Makes the keychain's record of `account` say its access token has expired, and expires
    /// it at the emulator too: what a week without using Linkcord does, without the week.
    /// (The CLI refreshes on the expiry it stored, not on what Discord thinks.)
    pub async fn expire_locally(&self, account: &str) {
        let service = self.sandbox.keyring_service.as_str();
        let user = format!("account:{account}");
        let out = std::process::Command::new("secret-tool")
            .args(["lookup", "service", service, "username", &user])
            .output()
            .expect("secret-tool lookup");
        let mut record: Value = serde_json::from_slice(&out.stdout).expect("a token record");
        record["expires_at"] = Value::from("2000-01-01T00:00:00Z");
        let mut store = std::process::Command::new("secret-tool")
            .args(["store", &format!("--label=keyring:{user}@{service}")])
            .args(["service", service, "username", &user])
            .stdin(Stdio::piped())
            .spawn()
            .expect("secret-tool store");
        use std::io::Write;
        store
            .stdin
            .take()
            .unwrap()
            .write_all(record.to_string().as_bytes())
            .unwrap();
        assert!(store.wait().unwrap().success(), "secret-tool store");
        let body = serde_json::json!({ "user_id": account });
        self.control(reqwest::Method::POST, "expire-tokens", Some(body))
            .await;
    }

    /// Whether the keychain has an entry for `account`.
    pub fn keychain_has(&self, account: &str) -> bool {
        let out = std::process::Command::new("secret-tool")
            .args([
                "search",
                "service",
                &self.sandbox.keyring_service,
                "username",
                &format!("account:{account}"),
            ])
            .output()
            .expect("secret-tool");
        String::from_utf8_lossy(&out.stdout).contains("secret = ")
    }

    /// Panics if any of `secrets` appears in a file under the data dir or in anything a
    /// command other than `token` printed.
    pub fn assert_no_leak(&self, secrets: &[String]) {
        assert!(!secrets.is_empty(), "nothing to look for");
        for (path, text) in files_under(self.sandbox.data_dir.path()) {
            for secret in secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "a token is in {}",
                    path.display()
                );
            }
        }
        for printed in self.printed.lock().unwrap().iter() {
            for secret in secrets {
                assert!(
                    !printed.contains(secret.as_str()),
                    "a token was printed: {printed}"
                );
            }
        }
    }

    /// No file under the data dir looks like it holds a token record.
    pub fn files_are_token_free(&self) -> bool {
        files_under(self.sandbox.data_dir.path())
            .iter()
            .all(|(_, text)| !text.contains("access_token") && !text.contains("refresh_token"))
    }

    pub fn data_file(&self, name: &str) -> PathBuf {
        self.sandbox.data_dir.path().join(name)
    }
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

/// Every file under `dir`, recursively, as lossy text.
pub fn files_under(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    out
}

/// A query parameter of a URL.
pub fn query(url: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Waits (up to 20 s) for a file to exist and be non-empty, and returns its text.
pub async fn wait_for_file(path: &Path) -> String {
    for _ in 0..400 {
        if let Ok(text) = std::fs::read_to_string(path)
            && !text.is_empty()
        {
            return text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{} never appeared", path.display());
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

fn location(reply: &reqwest::Response) -> String {
    assert!(
        reply.status().is_redirection(),
        "expected a redirect: {}",
        reply.status()
    );
    reply.headers()["location"]
        .to_str()
        .expect("ASCII location")
        .to_owned()
}

/// GETs a URL (the loopback listener) and returns the status.
pub async fn get_status(url: &str) -> u16 {
    try_get_status(url).await.expect("GET")
}

/// The status, or `None` when nothing listens any more.
pub async fn try_get_status(url: &str) -> Option<u16> {
    let reply = no_redirects().get(url).send().await.ok()?;
    Some(reply.status().as_u16())
}
