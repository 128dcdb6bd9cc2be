//! The main window: built when it is needed, and destroyed (not hidden) when it closes.
//!
//! Linkcord spends most of its life in the tray. A hidden window keeps its web engine, and
//! WebKitGTK's web process is most of the app's memory; closing the window therefore destroys
//! it, the web process ends, and the tray keeps the app alive. Opening it again builds it from
//! `tauri.conf.json` and the page draws from the cache, so it comes back as fast as a start.

use std::path::PathBuf;

use linkcord_core::config::Environment;
use tauri::{AppHandle, Emitter, Manager, RunEvent, Runtime, WebviewWindow, WebviewWindowBuilder};

use crate::models::{ACCOUNTS_EVENT, AppView};

use super::AppState;

pub const MAIN: &str = "main";

/// Where the page finds the view the window was built with (`ui/src/lib/api.ts` reads it).
const FIRST_VIEW_GLOBAL: &str = "__LINKCORD_FIRST_VIEW__";

/// The main window, built (hidden) first if there is none; `None` if it cannot be built.
pub fn ensure<R: Runtime>(app: &AppHandle<R>) -> Option<WebviewWindow<R>> {
    ensure_with(app, None)
}

/// [`ensure`], and when the window has to be built, its page starts with `first`: it draws
/// its first screen without asking the backend for it. (The page asks again if it reloads.)
pub fn ensure_with<R: Runtime>(
    app: &AppHandle<R>,
    first: Option<&AppView>,
) -> Option<WebviewWindow<R>> {
    if let Some(window) = app.get_webview_window(MAIN) {
        return Some(window);
    }
    build(app, first)
        .inspect_err(|e| tracing::error!("could not open the window: {e}"))
        .ok()
}

/// Shows, unminimises and focuses the main window, building it first if it was closed.
pub fn show<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = ensure(app) else {
        return;
    };
    let _ = window.show();
    let _ = window.unminimize();
    let _ = window.set_focus();
}

/// The main window as `tauri.conf.json` describes it (created hidden). Only this builds it:
/// the config says `"create": false`, because the window Tauri would make at start cannot be
/// given the data directory below; the start calls [`ensure`] instead.
fn build<R: Runtime>(
    app: &AppHandle<R>,
    first: Option<&AppView>,
) -> tauri::Result<WebviewWindow<R>> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .cloned()
        .unwrap_or_default();
    let mut builder = WebviewWindowBuilder::from_config(app, &config)?;
    if let Some(dir) = webview_data_dir(app.state::<AppState>().env()) {
        // Made here, owner-only like the rest of the data dir: WebKit would make it 0755.
        if let Err(e) = linkcord_core::files::create_private_dir(&dir) {
            tracing::warn!("could not create {}: {e}", dir.display());
        }
        builder = builder.data_directory(dir);
    }
    if let Some(script) = first.and_then(first_view_script) {
        builder = builder.initialization_script(script);
    }
    builder.build()
}

/// A script that puts `view` where the page looks for it. JSON is valid JavaScript, and the
/// script runs as a script (not inside HTML), so nothing in a name can end it early.
fn first_view_script(view: &AppView) -> Option<String> {
    let json = serde_json::to_string(view)
        .inspect_err(|e| tracing::warn!("the first view could not be written: {e}"))
        .ok()?;
    Some(format!("window.{FIRST_VIEW_GLOBAL} = {json};"))
}

/// Where the web engine keeps its storage and caches when `LINKCORD_DATA_DIR` is set: inside
/// that folder, so a demo or a test leaves nothing in the user's own data folder. Tauri's
/// default is `~/.local/share/app.linkcord.desktop`, the real data folder, whatever the
/// variable says. Without the variable that default stays, so an installed app keeps what it
/// stored. A blank variable counts as unset, as in `Environment`.
fn webview_data_dir(env: &Environment) -> Option<PathBuf> {
    std::env::var("LINKCORD_DATA_DIR")
        .ok()
        .filter(|dir| !dir.trim().is_empty())
        .map(|_| env.data_dir.join("webview"))
}

/// Sends every accounts view to the window (the `accounts` event), which keeps the newest
/// revision it has seen.
pub fn follow_accounts<R: Runtime>(app: &AppHandle<R>) {
    app.state::<AppState>()
        .views
        .follow(app, |app, view| async move {
            let _ = app.emit(ACCOUNTS_EVENT, view);
        });
}

/// Keeps the app running when its last window closes, as long as the tray can bring the
/// window back; without a tray, closing the window quits. An explicit exit (Quit) has a code
/// and always goes through.
pub fn on_run_event<R: Runtime>(app: &AppHandle<R>, event: RunEvent) {
    if let RunEvent::ExitRequested {
        code: None, api, ..
    } = event
        && app.state::<AppState>().tray_available()
    {
        api.prevent_exit();
    }
}
