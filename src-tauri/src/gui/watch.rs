//! Following changes made outside the window: `linkcord switch` or `linkcord login` in a
//! terminal, or another process refreshing. They all rewrite `accounts.json`, so the app polls
//! its modification time twice a second and republishes the view when it changes. Polling a
//! single file is cheap and works the same on every OS and file system.

use std::time::{Duration, SystemTime};

use tauri::{AppHandle, Manager, Runtime};

use super::{AppState, accounts};

const EVERY: Duration = Duration::from_millis(500);

pub fn spawn<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    let path = app.state::<AppState>().env().data_dir.join("accounts.json");
    tauri::async_runtime::spawn(async move {
        let mut last = modified(&path);
        loop {
            tokio::time::sleep(EVERY).await;
            let now = modified(&path);
            if now != last {
                last = now;
                let _ = accounts::publish(&app).await;
            }
        }
    });
}

fn modified(path: &std::path::Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}
