//! `scripts/run.sh --demo`, run the way a newcomer runs it, under Xvfb with a real Secret
//! Service: it builds what is missing, starts the Discord emulator and the app wired to it,
//! the sign-in goes through the emulator's consent page in a real browser (the URL handed to
//! the desktop's opener, as a click does), and stopping the app stops the emulator.
//!
//! The demo must never touch a real setup: each test gives it a home of its own
//! (`XDG_DATA_HOME`) and a `LINKCORD_DATA_DIR` / keychain service standing for the person's
//! own Linkcord, and checks that those stay empty.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use linkcord_tests::app::{Sandbox, workspace_root};
use linkcord_tests::emulator::{DEFAULT_CLIENT_ID, ids};
use linkcord_tests::processes;
use linkcord_tests::tray::Shell;
use linkcord_tests::webdriver::{self, Driver, click, screenshot, wait_for, wait_for_text};
use linkcord_tests::window_manager;

/// The demo's data directory name and keychain service name (scripts/run.sh).
const DEMO_ID: &str = "app.linkcord.desktop-demo";
const WINDOW_TITLE: &str = "Linkcord";
/// Start-up includes scripts/setup.sh and cargo checking that nothing needs building.
const PATIENTLY: Duration = Duration::from_secs(120);

fn run_sh() -> PathBuf {
    workspace_root().join("scripts").join("run.sh")
}

/// Where the test's own cargo and rustup live, so `run.sh` finds them under another `HOME`.
fn tool_home(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        let home = std::env::var("HOME").expect("HOME");
        Path::new(&home).join(default).display().to_string()
    })
}

/// A sandbox for the demo: its own home and `XDG_DATA_HOME`, recording openers first on
/// `PATH` (the browser the app opens is ours to drive), and the sandbox's data dir and
/// keychain service standing for a real setup the demo must leave alone.
fn demo_sandbox() -> Sandbox {
    let sandbox = Sandbox::new().with_recording_opener();
    let home = sandbox.home.path().to_owned();
    sandbox
        .with_env("XDG_DATA_HOME", &home.join("data").display().to_string())
        .with_env("XDG_CACHE_HOME", &home.join("cache").display().to_string())
        .with_env("CARGO_HOME", &tool_home("CARGO_HOME", ".cargo"))
        .with_env("RUSTUP_HOME", &tool_home("RUSTUP_HOME", ".rustup"))
}

fn demo_data_dir(sandbox: &Sandbox) -> PathBuf {
    sandbox.home.path().join("data").join(DEMO_ID)
}

/// `linkcord ARGS…` seeing what the demo sees: its data directory and keychain service.
fn demo_command(sandbox: &Sandbox, args: &[&str]) -> Command {
    let mut cmd = sandbox.command(args);
    cmd.env("LINKCORD_DATA_DIR", demo_data_dir(sandbox))
        .env("LINKCORD_KEYRING_SERVICE", DEMO_ID);
    cmd
}

/// Processes started for this sandbox's demo (run.sh, the emulator, the app, its web
/// processes), by the `XDG_DATA_HOME` they inherited; WebDriver's own and zombies are not.
fn demo_processes(sandbox: &Sandbox) -> Vec<(u32, String)> {
    let marker = format!(
        "XDG_DATA_HOME={}",
        sandbox.home.path().join("data").display()
    );
    processes::pids()
        .into_iter()
        .filter_map(|pid| {
            let state = processes::stat(pid)?.state;
            let exe = processes::executable(pid)?;
            let name = exe.file_name()?.to_string_lossy().into_owned();
            let ours = state != 'Z'
                && !matches!(name.as_str(), "tauri-driver" | "WebKitWebDriver")
                && processes::environment(pid).contains(&marker);
            ours.then_some((pid, name))
        })
        .collect()
}

fn emulator_pids(sandbox: &Sandbox) -> Vec<u32> {
    demo_processes(sandbox)
        .into_iter()
        .filter(|(_, name)| name == "discord-emulator")
        .map(|(pid, _)| pid)
        .collect()
}

/// Waits until nothing of the demo runs any more; panics naming what is left.
async fn wait_until_all_gone(sandbox: &Sandbox, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let left = demo_processes(sandbox);
        if left.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "still running {} s after the app stopped: {left:?}",
            within.as_secs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How many keychain entries `service` has, counted with `secret-tool` (nothing of them is
/// kept or printed).
fn keychain_entries(service: &str) -> usize {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", service])
        .output()
        .expect("secret-tool search");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    text.lines()
        .filter(|l| l.trim() == format!("attribute.service = {service}"))
        .count()
}

/// The real setup the sandbox stands for is untouched: no file in its data dir, no entry
/// under its keychain service.
fn assert_real_setup_untouched(sandbox: &Sandbox) {
    let files: Vec<_> = std::fs::read_dir(sandbox.data_dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n != "browser")
        .collect();
    assert!(
        files.is_empty(),
        "the demo wrote into LINKCORD_DATA_DIR: {files:?}"
    );
    assert_eq!(keychain_entries(&sandbox.keyring_service), 0);
}

/// The text of an HTML fragment, tags left out.
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// Clicks through the consent page of `authorize_url` in a real browser as `user_id`.
async fn consent(authorize_url: &str, user_id: &str) {
    let browser = Path::new(env!("CARGO_BIN_EXE_consent-browser")).to_owned();
    let (url, user) = (authorize_url.to_owned(), user_id.to_owned());
    let status =
        tokio::task::spawn_blocking(move || Command::new(browser).args([&url, &user]).status())
            .await
            .unwrap()
            .expect("run consent-browser");
    assert!(status.success(), "consent-browser: {status}");
}

#[tokio::test]
async fn the_demo_signs_in_through_the_emulator_and_quitting_stops_it() {
    if !webdriver::enabled("the_demo_signs_in_through_the_emulator_and_quitting_stops_it") {
        return;
    }
    let shell = Shell::start()
        .await
        .expect("own org.kde.StatusNotifierWatcher on the session bus (run under dbus)");
    let sandbox = demo_sandbox();
    let driver = Driver::start(&sandbox);
    let started = Instant::now();
    let client = driver.launch_program(&run_sh(), &["--demo"]).await;
    wait_for(
        &client,
        "main[data-screen='accounts']",
        "the demo's accounts screen, signed out",
    )
    .await;
    eprintln!(
        "run.sh --demo showed the window {} ms after it started",
        started.elapsed().as_millis()
    );
    screenshot(&client, "demo-start").await;

    // "Sign in with Discord" hands the emulator's authorize page to the desktop's opener.
    click(&client, "#add-account", "Sign in with Discord").await;
    let opened = sandbox.opener().next_url(0).await;
    let authorize = url::Url::parse(&opened).expect("an authorize URL");
    assert_eq!(authorize.host_str(), Some("127.0.0.1"), "{opened}");
    assert_eq!(authorize.path(), "/oauth2/authorize", "{opened}");
    assert!(
        authorize
            .query_pairs()
            .any(|(k, v)| k == "client_id" && v == DEFAULT_CLIENT_ID),
        "{opened}"
    );
    let port = authorize.port().expect("the emulator's port");
    assert_eq!(emulator_pids(&sandbox).len(), 1, "one emulator runs");

    // The page the person's browser gets says what it is, and whom they can sign in as.
    let page = reqwest::get(&opened).await.unwrap().text().await.unwrap();
    let text = visible_text(&page);
    assert!(
        text.contains("This is the Discord emulator, not discord.com."),
        "{text}"
    );
    let ava = page
        .split(&format!("data-user-id=\"{}\"", ids::AVA))
        .nth(1)
        .and_then(|rest| rest.split("</li>").next())
        .map(visible_text)
        .expect("a row for Ava");
    for part in [
        "Ava Núñez-Gómez",
        "@ava.nunez",
        "12 linked accounts, 5 servers",
    ] {
        assert!(ava.contains(part), "Ava's row: {ava}");
    }

    // The person picks a fixture user on the consent page, in a real browser.
    consent(&opened, ids::AVA).await;
    wait_for(
        &client,
        "#sign-in-panel[data-state='done']",
        "the signed-in message",
    )
    .await;
    click(&client, "#close-sign-in", "the close button").await;
    wait_for_text(&client, "#profile-display-name", "Ava Núñez-Gómez").await;
    // Pictures come from the emulator's CDN (LINKCORD_CDN_URL): Ava's banner loads.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let loaded = client
            .execute(
                "const b = document.querySelector('img.banner'); \
                 return !!b && b.complete && b.naturalWidth > 0;",
                vec![],
            )
            .await
            .unwrap();
        if loaded == serde_json::Value::Bool(true) {
            break;
        }
        assert!(Instant::now() < deadline, "Ava's banner never loaded");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let shot = screenshot(&client, "demo-signed-in").await;
    eprintln!("screenshot: {}", shot.display());

    // The account lives in the demo's data directory and keychain service, nowhere else.
    let out = demo_command(&sandbox, &["accounts", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed["active"], ids::AVA, "{listed}");
    assert_eq!(listed["accounts"][0]["username"], "ava.nunez", "{listed}");
    assert!(
        keychain_entries(DEMO_ID) >= 1,
        "the demo's tokens are in its keychain service"
    );
    assert_real_setup_untouched(&sandbox);

    // Close the window, then "Quit" in the tray, as a person ends the app.
    let item = shell.wait_for_item(PATIENTLY).await;
    assert!(
        window_manager::close_window(WINDOW_TITLE) >= 1,
        "a window to close"
    );
    item.click_label("Quit").await;
    wait_until_all_gone(&sandbox, Duration::from_secs(15)).await;
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the emulator's port still answers"
    );
    assert_eq!(
        keychain_entries(DEMO_ID),
        0,
        "the demo left tokens in the keychain"
    );
    assert_real_setup_untouched(&sandbox);
}

/// Kills what a failed test left of `run.sh` (its whole process group).
struct Script(Child);

impl Drop for Script {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.0.id())])
                .status();
            let _ = self.0.wait();
        }
    }
}

#[tokio::test]
async fn ctrl_c_in_the_terminal_stops_the_demo_and_its_emulator() {
    if !webdriver::enabled("ctrl_c_in_the_terminal_stops_the_demo_and_its_emulator") {
        return;
    }
    let sandbox = demo_sandbox();
    // In a process group of its own, as a shell runs a command in a terminal.
    let mut script = Command::new(run_sh());
    script.arg("--demo");
    for (key, _) in std::env::vars() {
        if key.starts_with("LINKCORD_") {
            script.env_remove(key);
        }
    }
    let child = {
        script
            .envs(sandbox.env())
            .process_group(0)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start scripts/run.sh --demo")
    };
    let mut script = Script(child);
    // Read to the end, so the script and the app never write into a closed pipe.
    let stdout = script.0.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some((_, url)) = line.split_once("Discord emulator at ") {
                let _ = tx.send(url.trim().to_owned());
            }
        }
    });
    let url = tokio::task::spawn_blocking(move || rx.recv_timeout(PATIENTLY))
        .await
        .unwrap()
        .expect("run.sh --demo says where the emulator is");
    let port = url::Url::parse(&url).unwrap().port().unwrap();

    let deadline = Instant::now() + PATIENTLY;
    while !window_manager::window_is_viewable(WINDOW_TITLE) {
        assert!(Instant::now() < deadline, "the demo's window never showed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(emulator_pids(&sandbox).len(), 1, "one emulator runs");
    assert!(TcpStream::connect(("127.0.0.1", port)).is_ok());

    // Ctrl-C: SIGINT to the terminal's foreground process group.
    let status = Command::new("kill")
        .args(["-INT", "--", &format!("-{}", script.0.id())])
        .status()
        .unwrap();
    assert!(status.success());
    wait_until_all_gone(&sandbox, Duration::from_secs(15)).await;
    let exit = script.0.wait().unwrap();
    assert!(
        !exit.success(),
        "an interrupted demo does not report success: {exit}"
    );
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the emulator's port still answers"
    );
    assert_real_setup_untouched(&sandbox);
}

#[tokio::test]
async fn the_demo_refuses_to_start_while_linkcord_runs() {
    if !webdriver::enabled("the_demo_refuses_to_start_while_linkcord_runs") {
        return;
    }
    // The person's own Linkcord, running: a second start would only hand it its arguments.
    let sandbox = demo_sandbox();
    let own = Script(
        sandbox
            .command(&[])
            .process_group(0)
            .stdout(Stdio::null())
            .spawn()
            .expect("start linkcord"),
    );
    let deadline = Instant::now() + PATIENTLY;
    while !window_manager::window_is_viewable(WINDOW_TITLE) {
        assert!(Instant::now() < deadline, "Linkcord's window never showed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let mut demo = Command::new(run_sh());
    demo.arg("--demo").envs(sandbox.env());
    let started = Instant::now();
    let out = tokio::task::spawn_blocking(move || demo.output())
        .await
        .unwrap()
        .expect("run scripts/run.sh --demo");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Linkcord is already running"), "{stderr}");
    assert!(stderr.contains("Quit it first"), "{stderr}");
    eprintln!("refused in {} ms", started.elapsed().as_millis());
    assert!(
        emulator_pids(&sandbox).is_empty(),
        "no emulator was left behind"
    );
    assert!(
        !demo_data_dir(&sandbox).exists(),
        "the demo started nonetheless"
    );
    drop(own);
}

/// The emulator stays a test tool: no package the product is built from depends on the tests
/// crate or has an emulator binary, and the bundle (`scripts/package-deb.sh`) names nothing
/// of it. Not an end-to-end test: it reads `cargo metadata` and `tauri.conf.json`.
#[test]
fn the_installed_product_does_not_contain_the_emulator() {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(workspace_root())
        .output()
        .expect("cargo metadata");
    assert!(out.status.success(), "{out:?}");
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = meta["packages"].as_array().unwrap();
    assert!(packages.iter().any(|p| p["name"] == "linkcord"));
    for package in packages.iter().filter(|p| p["name"] != "linkcord-tests") {
        let name = &package["name"];
        for dep in package["dependencies"].as_array().unwrap() {
            let for_tests_only = dep["kind"] == "dev";
            assert!(
                for_tests_only || dep["name"] != "linkcord-tests",
                "{name} depends on linkcord-tests"
            );
        }
        for target in package["targets"].as_array().unwrap() {
            assert_ne!(target["name"], "discord-emulator", "in {name}");
        }
    }
    let conf = std::fs::read_to_string(workspace_root().join("src-tauri/tauri.conf.json")).unwrap();
    let conf: serde_json::Value = serde_json::from_str(&conf).unwrap();
    let bundle = conf["bundle"].to_string();
    assert!(
        !bundle.contains("emulator"),
        "the bundle names the emulator: {bundle}"
    );
}
