//! `consent-browser <authorize URL> <user id | cancel>`: a real browser for sign-in tests.
//!
//! Linkcord opens Discord's authorize page in "the browser" (`LINKCORD_BROWSER`). Tests that
//! must click through the consent page as a person does use this: it starts WebKitGTK's
//! MiniBrowser through WebKitWebDriver (both come with the WebKitGTK packages Linkcord needs
//! anyway), loads the page, clicks the user's "Authorize" button (or "Cancel"), and waits
//! until the browser has followed Discord's redirect back to Linkcord's loopback address.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};

const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(choice)) = (args.next(), args.next()) else {
        eprintln!("usage: consent-browser <authorize URL> <user id | cancel>");
        std::process::exit(2);
    };
    if let Err(e) = click_through(&url, &choice).await {
        eprintln!("consent-browser: {e}");
        std::process::exit(1);
    }
}

async fn click_through(url: &str, choice: &str) -> Result<(), String> {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| e.to_string())?;
    let _driver = Driver(
        Command::new("WebKitWebDriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("WebKitWebDriver: {e}"))?,
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err("WebKitWebDriver did not listen".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut caps = serde_json::Map::new();
    caps.insert(
        "webkitgtk:browserOptions".into(),
        serde_json::json!({ "binary": MINIBROWSER, "args": ["--automation"] }),
    );
    let mut builder = ClientBuilder::native();
    builder.capabilities(caps);
    let client = builder
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .map_err(|e| format!("a session with MiniBrowser: {e}"))?;
    client.goto(url).await.map_err(|e| e.to_string())?;
    let button = if choice == "cancel" {
        "#cancel".to_owned()
    } else {
        format!("#authorize-{choice}")
    };
    let element = client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&button))
        .await
        .map_err(|e| format!("no {button} on the consent page: {e}"))?;
    element.click().await.map_err(|e| e.to_string())?;
    // Discord redirects to Linkcord's loopback listener, which answers with its own page.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let current = client.current_url().await.map_err(|e| e.to_string())?;
        if current.path() == "/callback" {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!(
                "the browser never reached Linkcord (still at {current})"
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = client.close().await;
    Ok(())
}
