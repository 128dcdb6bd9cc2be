//! Driving the real Linkcord window through WebDriver: `tauri-driver` in front of
//! `WebKitWebDriver`, with `fantoccini` as the client.
//!
//! Each [`Driver`] is its own `tauri-driver` process on free ports, started with the sandbox's
//! environment (which the app inherits), and stopped with SIGTERM so it also stops
//! WebKitWebDriver and the app.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

use crate::app::{Sandbox, linkcord_bin, output_dir};

/// Whether end-to-end tests should run: `scripts/test.sh` sets `LINKCORD_E2E=1` inside Xvfb.
/// Elsewhere (a plain `cargo test`) they print that they were skipped.
pub fn enabled(test: &str) -> bool {
    let on = std::env::var_os("LINKCORD_E2E").is_some();
    if !on {
        eprintln!("skipped {test}: end-to-end tests run under scripts/test.sh (LINKCORD_E2E=1)");
    }
    on
}

pub struct Driver {
    child: Child,
    port: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Driver {
    /// Starts `tauri-driver` with the sandbox's environment and waits until it listens.
    pub fn start(sandbox: &Sandbox) -> Self {
        let (port, native_port) = (free_port(), free_port());
        let child = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .envs(sandbox.env())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver on PATH (scripts/setup.sh --for-tests installs it)");
        let driver = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen within 20 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    /// Launches Linkcord with `args` and connects to its window.
    pub async fn launch(&self, args: &[&str]) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({
                "application": linkcord_bin(),
                "args": args,
            }),
        );
        let mut builder = ClientBuilder::native();
        builder.capabilities(caps);
        let url = format!("http://127.0.0.1:{}", self.port);
        tokio::time::timeout(Duration::from_secs(60), builder.connect(&url))
            .await
            .expect("the Linkcord window did not come up within 60 s")
            .expect("a WebDriver session with the Linkcord window")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM first, so tauri-driver can stop WebKitWebDriver and the app cleanly; then
        // SIGKILL to the whole group for whatever is left.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

/// Waits for an element matching `css`, failing the test with `what` after 20 s.
pub async fn wait_for(client: &Client, css: &str, what: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{what}: no element '{css}' within 20 s ({e})"))
}

/// Waits until the text of the element matching `css` contains `needle`.
pub async fn wait_for_text(client: &Client, css: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(el) = client.find(Locator::Css(css)).await {
            last = el.text().await.unwrap_or_default();
            if last.contains(needle) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("'{css}' never contained {needle:?} within 20 s; last text: {last:?}");
}

/// Saves a screenshot of the window as `<output>/screenshots/<name>.png` and returns the path.
pub async fn screenshot(client: &Client, name: &str) -> PathBuf {
    let png = client
        .screenshot()
        .await
        .expect("a screenshot of the window");
    let dir = output_dir().join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).expect("screenshot written");
    path
}
