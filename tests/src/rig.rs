//! The running-app rig the end-to-end files share: a Discord emulator, a sandbox pointed at
//! it (its own data dir, keychain service and home), accounts signed in beforehand if asked,
//! and the real app's window through WebDriver.
//!
//! Most end-to-end tests need the same start: the emulator, a sandbox whose stand-in browser
//! approves as some fixture user, any loopback port, maybe a few accounts already signed in,
//! then the app. Each file used to build that itself; [`Rig`] is that start, written once,
//! with a way out ([`RigBuilder::sandbox`]) for what only one file needs.
//!
//! ```ignore
//! let rig = Rig::builder().approving(ids::DMITRI).start().await;
//! let window = rig.open().await;            // the app, its window driven by WebDriver
//! webdriver::sign_in(&window.client).await; // the stand-in browser approves as Dmitri
//! ```
//!
//! The [`Window`] ends the app's whole process tree when dropped, so declare it after the
//! rig (locals drop in reverse order): the app is gone before its data dir and emulator.

use std::path::Path;

use fantoccini::Client;
use serde_json::Value;

use crate::app::Sandbox;
use crate::emulator::{Emulator, EmulatorConfig, FixtureUser, RunningEmulator, ids};
use crate::seed;
use crate::webdriver::Driver;

/// How a [`Rig`] is set up; [`Rig::builder`] starts from the usual: the emulator's defaults,
/// its client id, a stand-in browser approving as Ava, any loopback port, nobody signed in.
pub struct RigBuilder {
    config: EmulatorConfig,
    client_id: bool,
    approve_as: Option<String>,
    env: Vec<(String, String)>,
    any_port: bool,
    extra: Vec<Box<dyn FnOnce(Sandbox) -> Sandbox>>,
    signed_in: Vec<String>,
}

impl RigBuilder {
    /// The emulator's configuration (other fixture users, a client secret, latency…).
    pub fn emulator(mut self, config: EmulatorConfig) -> Self {
        self.config = config;
        self
    }

    /// The stand-in browser approves as `user_id` ([`Sandbox::with_consenting_browser`];
    /// [`Sandbox::approve_as`] changes it later).
    pub fn approving(mut self, user_id: &str) -> Self {
        self.approve_as = Some(user_id.to_owned());
        self
    }

    /// No stand-in browser: `LINKCORD_BROWSER` is not set by the rig.
    pub fn without_browser(mut self) -> Self {
        self.approve_as = None;
        self
    }

    /// No client id and no saved port: the app starts on its setup screen, as on a first run
    /// (the Discord and CDN addresses still point at the emulator).
    pub fn unconfigured(mut self) -> Self {
        self.client_id = false;
        self.any_port = false;
        self
    }

    /// Leaves the loopback port setting alone (the tests that choose a port themselves).
    pub fn without_any_port(mut self) -> Self {
        self.any_port = false;
        self
    }

    /// An environment variable for every process started from the sandbox (theme, language).
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Anything else on the sandbox (`with_recording_opener`, another browser…), applied
    /// after the rig's own steps, in the order given.
    pub fn sandbox(mut self, step: impl FnOnce(Sandbox) -> Sandbox + 'static) -> Self {
        self.extra.push(Box::new(step));
        self
    }

    /// Accounts signed in with `linkcord login` before the app starts, in order (the last
    /// one ends up active); see [`seed::sign_in_all`].
    pub fn signed_in(mut self, user_ids: &[&str]) -> Self {
        self.signed_in = user_ids.iter().map(|id| (*id).to_owned()).collect();
        self
    }

    /// Starts the emulator, builds the sandbox and signs the accounts in. Panics on failure:
    /// a test cannot go on without its rig.
    pub async fn start(self) -> Rig {
        let emulator = Emulator::start(self.config)
            .await
            .expect("start the emulator");
        let base = emulator.base_url();
        let mut sandbox = if self.client_id {
            Sandbox::new().with_emulator(&base)
        } else {
            Sandbox::new()
                .with_env("LINKCORD_DISCORD_URL", &base)
                .with_env("LINKCORD_CDN_URL", &format!("{base}/cdn"))
        };
        if let Some(user_id) = &self.approve_as {
            sandbox = sandbox.with_consenting_browser(user_id);
        }
        for (key, value) in &self.env {
            sandbox = sandbox.with_env(key, value);
        }
        if self.any_port {
            sandbox = sandbox.with_any_loopback_port();
        }
        for step in self.extra {
            sandbox = step(sandbox);
        }
        let ids: Vec<&str> = self.signed_in.iter().map(String::as_str).collect();
        if let Err(e) = seed::sign_in_all(&sandbox, &ids).await {
            panic!("signing the rig's accounts in: {e}");
        }
        Rig {
            sandbox,
            emulator: Some(emulator),
        }
    }
}

/// The emulator and a sandbox pointed at it, ready for the app: see the module docs.
pub struct Rig {
    /// Dropped before the emulator (fields drop in order).
    pub sandbox: Sandbox,
    emulator: Option<RunningEmulator>,
}

impl Rig {
    pub fn builder() -> RigBuilder {
        RigBuilder {
            config: EmulatorConfig::default(),
            client_id: true,
            approve_as: Some(ids::AVA.to_owned()),
            env: Vec::new(),
            any_port: true,
            extra: Vec::new(),
            signed_in: Vec::new(),
        }
    }

    /// The emulator; panics after [`Rig::stop_discord`].
    pub fn emulator(&self) -> &RunningEmulator {
        self.emulator
            .as_ref()
            .expect("the emulator was stopped (Rig::stop_discord)")
    }

    /// Stops the emulator and waits until it has: Discord is now unreachable.
    pub async fn stop_discord(&mut self) {
        if let Some(emulator) = self.emulator.take() {
            emulator.shutdown().await.expect("stop the emulator");
        }
    }

    /// The fixture user with this id, as the emulator serves it.
    pub fn user(&self, id: &str) -> &FixtureUser {
        self.emulator()
            .fixtures()
            .user(id)
            .unwrap_or_else(|| panic!("no fixture user {id}"))
    }

    /// The emulator's counters (`GET /_emulator/stats`).
    pub async fn stats(&self) -> Value {
        let url = format!("{}/_emulator/stats", self.emulator().base_url());
        reqwest::get(url)
            .await
            .expect("emulator stats")
            .json()
            .await
            .expect("stats JSON")
    }

    /// The active account as `accounts.json` records it.
    pub fn active_account(&self) -> Option<String> {
        let path = self.sandbox.data_dir.path().join("accounts.json");
        let value: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
        value["active"].as_str().map(str::to_owned)
    }

    /// Starts the app with no arguments and connects to its window.
    pub async fn open(&self) -> Window {
        self.open_with(&[]).await
    }

    /// Starts the app with `args` (a link, `--hidden`) and connects to its window.
    pub async fn open_with(&self, args: &[&str]) -> Window {
        let driver = Driver::start(&self.sandbox);
        let client = driver.launch(args).await;
        Window { client, driver }
    }

    /// Starts `program` (the command an autostart entry runs) with `args`.
    pub async fn open_program(&self, program: &Path, args: &[&str]) -> Window {
        let driver = Driver::start(&self.sandbox);
        let client = driver.launch_program(program, args).await;
        Window { client, driver }
    }
}

/// The app running with its window under WebDriver. Dropping it ends the app's whole process
/// tree (tauri-driver, WebKitWebDriver, the app, its web processes).
pub struct Window {
    /// Dropped before the driver (fields drop in order).
    pub client: Client,
    pub driver: Driver,
}

impl Window {
    /// Ends the WebDriver session (the app stays up until the window is dropped).
    pub async fn close(&self) {
        self.client
            .clone()
            .close()
            .await
            .expect("close the WebDriver session");
    }
}
