//! Links as the operating system delivers them, and the sign-in scheme registered with it.

use tauri::{AppHandle, Manager, Runtime};

use super::AppState;
use super::i18n::{Text, text};
use super::notices::notify;
use crate::models::Notice;

/// macOS delivers links as events rather than arguments; elsewhere they arrive as arguments
/// (a second launch) and are handled there, so listening too would handle each link twice.
pub fn listen<R: Runtime>(app: &AppHandle<R>) {
    #[cfg(target_os = "macos")]
    {
        use super::actions::{self, Action};
        use tauri_plugin_deep_link::DeepLinkExt;
        let handle = app.clone();
        app.deep_link().on_open_url(move |event| {
            for url in event.urls() {
                actions::perform(&handle, Action::Link(url.to_string()));
            }
        });
    }
    #[cfg(not(target_os = "macos"))]
    let _ = app;
}

/// In deep-link redirect mode Discord sends the browser to `discord-<client id>:`; on Linux
/// and Windows that scheme must be registered with the OS at run time (the `.deb` registers
/// only `linkcord:`). A failure is reported, since sign-in in that mode cannot work without it.
pub fn register_oauth_scheme<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let settings = state.config.settings();
    let Some(client_id) = state.config.client_id() else {
        return;
    };
    if settings.redirect != linkcord_core::config::RedirectMode::DeepLink {
        return;
    }
    #[cfg(any(target_os = "linux", windows))]
    {
        use tauri_plugin_deep_link::DeepLinkExt;
        let scheme = linkcord_core::oauth::RedirectUri::deep_link_scheme(&client_id);
        if let Err(e) = app.deep_link().register(scheme) {
            notify(
                app,
                Notice::error(format!("{}: {e}", text(Text::SchemeNotRegistered))),
            );
        }
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    let _ = client_id;
}
