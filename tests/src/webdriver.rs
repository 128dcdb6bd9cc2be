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
use crate::processes;

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
            // The app chooses how WebKit draws (see `gui/webkit.rs`); a developer's own
            // setting must not make that choice for it under test.
            .env_remove("WEBKIT_DISABLE_COMPOSITING_MODE")
            .env_remove("LINKCORD_GPU_COMPOSITING")
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
        self.launch_program(&linkcord_bin(), args).await
    }

    /// Launches `program` (say, the command an autostart entry runs) with `args` and connects
    /// to its window.
    pub async fn launch_program(&self, program: &std::path::Path, args: &[&str]) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({
                "application": program,
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
        // End the whole tree (tauri-driver, WebKitWebDriver, the app and its web processes),
        // even when a test failed half-way: a stray app would hold the single-instance lock
        // and swallow the next test's launch. SIGTERM first, then SIGKILL for what is left.
        let child = &mut self.child;
        processes::end_tree(child.id(), || {
            let _ = child.try_wait();
        });
        let _ = self.child.wait();
    }
}

/// Waits for an element matching `css`, failing the test with `what` after 20 s.
pub async fn wait_for(client: &Client, css: &str, what: &str) -> fantoccini::elements::Element {
    match client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
    {
        Ok(element) => element,
        Err(e) => {
            panic!(
                "{what}: no element '{css}' within 20 s ({e}); {}",
                failure_report(client).await
            )
        }
    }
}

/// Waits until the text of the element matching `css` contains `needle`.
pub async fn wait_for_text(client: &Client, css: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = String::from("never looked");
    while Instant::now() < deadline {
        last = match client.find(Locator::Css(css)).await {
            Ok(el) => match el.text().await {
                Ok(text) if text.contains(needle) => return text,
                Ok(text) => format!("text {text:?}"),
                Err(e) => format!("text unreadable ({e})"),
            },
            Err(e) => format!("no such element ({e})"),
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "'{css}' never contained {needle:?} within 20 s; last: {last}; {}",
        failure_report(client).await
    );
}

/// What a failed wait adds to its message: the page's state and a screenshot, each given
/// ten seconds (a window that stopped answering must not hide the failure itself).
async fn failure_report(client: &Client) -> String {
    let limit = Duration::from_secs(10);
    let page = tokio::time::timeout(limit, page_state(client))
        .await
        .unwrap_or_else(|_| "no answer".into());
    let shot = match tokio::time::timeout(limit, capture(client)).await {
        Ok(Ok(png)) => {
            let dir = output_dir().join("screenshots");
            let path = dir.join("FAILED.png");
            match std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&path, png)) {
                Ok(()) => path.display().to_string(),
                Err(e) => format!("not saved ({e})"),
            }
        }
        Ok(Err(e)) => format!("failed ({e})"),
        Err(_) => "no answer".into(),
    };
    format!("page: {page}; screenshot: {shot}")
}

/// What the window shows, in a few words, for failure messages: the screen, whether a
/// dialog is open and in which state, and the first error on the page.
pub async fn page_state(client: &Client) -> String {
    let script = r#"
        const main = document.querySelector('main');
        const dialog = document.querySelector('dialog[open]');
        const alert = document.querySelector('[role=alert]');
        return `screen=${main?.dataset.screen} dialog=${dialog ? dialog.id + ':' + dialog.dataset.state : 'none'} `
            + `alert=${alert ? JSON.stringify(alert.textContent.trim().slice(0, 200)) : 'none'} `
            + `text=${JSON.stringify(document.body.innerText.slice(0, 300))}`;
    "#;
    match client.execute(script, vec![]).await {
        Ok(value) => value.as_str().unwrap_or_default().to_owned(),
        Err(e) => format!("unreadable ({e})"),
    }
}

/// Clicks the element matching `css` once it is there, failing the test with `what`.
pub async fn click(client: &Client, css: &str, what: &str) {
    let element = wait_for(client, css, what).await;
    element
        .click()
        .await
        .unwrap_or_else(|e| panic!("could not click {what} ({css}): {e}"));
}

/// Replaces the text of the field matching `css`.
pub async fn type_into(client: &Client, css: &str, text: &str) {
    let field = wait_for(client, css, css).await;
    field.clear().await.expect("clear the field");
    field.send_keys(text).await.expect("type into the field");
}

/// Signs in from the window: "Add account" (the sandbox's stand-in browser answers Discord),
/// then waits for the panel to say it is done, and closes it.
pub async fn sign_in(client: &Client) {
    click(client, "#add-account", "the add-account button").await;
    wait_for(
        client,
        "#sign-in-panel[data-state='done']",
        "the signed-in message",
    )
    .await;
    click(client, "#close-sign-in", "the close button").await;
}

/// Saves a screenshot of the window as `<output>/screenshots/<name>.png` and returns the path.
pub async fn screenshot(client: &Client, name: &str) -> PathBuf {
    let png = capture(client).await.expect("a screenshot of the window");
    let dir = output_dir().join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).expect("screenshot written");
    path
}

/// Takes a screenshot of the window. WebKitGTK answers once the page next presents a frame;
/// when it draws without compositing, a page that does not change never presents one and
/// the screenshot would wait forever. A 1-pixel element that changes every frame while the
/// screenshot is taken gives it that frame, and is removed afterwards.
async fn capture(client: &Client) -> Result<Vec<u8>, fantoccini::error::CmdError> {
    const START: &str = r#"
        const tick = document.createElement('div');
        tick.id = 'lc-screenshot-tick';
        tick.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;z-index:2147483647';
        document.body.append(tick);
        let n = 0;
        const step = () => {
            if (!tick.isConnected) return;
            tick.style.background = (n++ % 2) ? 'rgba(0,0,0,0.01)' : 'rgba(0,0,0,0)';
            requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
    "#;
    const STOP: &str = "document.getElementById('lc-screenshot-tick')?.remove();";
    let _ = client.execute(START, vec![]).await;
    let png = client.screenshot().await;
    let _ = client.execute(STOP, vec![]).await;
    png
}

/// Points `client` at Linkcord's window after "Open Linkcord": closing the window destroys it
/// (and its web engine), so the window opened again is a new browsing context for WebDriver;
/// a window that was only hidden (a start in the tray) keeps its own. Waits up to 20 s.
pub async fn follow_main_window(client: &Client) {
    let current = client.window().await.ok();
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let handles = client.windows().await.unwrap_or_default();
        if current.as_ref().is_some_and(|c| handles.contains(c)) {
            return;
        }
        if let Some(handle) = handles.into_iter().next() {
            client
                .switch_to_window(handle)
                .await
                .expect("switch to the reopened window");
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no Linkcord window for WebDriver within 20 s");
}
