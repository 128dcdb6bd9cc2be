//! The main window: showing it from anywhere, and keeping the app in the tray when it closes.

use tauri::{AppHandle, Manager, Window, WindowEvent};

use super::AppState;

pub const MAIN: &str = "main";

/// Shows, unminimises and focuses the main window.
pub fn show(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// Closing the window hides it while the tray icon can bring it back; without a tray icon it
/// quits, since nothing could reopen it.
pub fn on_event(window: &Window, event: &WindowEvent) {
    if let WindowEvent::CloseRequested { api, .. } = event
        && window.label() == MAIN
        && window.app_handle().state::<AppState>().tray_available()
    {
        api.prevent_close();
        let _ = window.hide();
    }
}
