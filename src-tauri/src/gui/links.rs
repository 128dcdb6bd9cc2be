//! Links handed to the app: at start-up, by a second launch (single instance), or by the OS.
//!
//! Every link is parsed by `linkcord_core::links` and refused with a notice in the window
//! when it is malformed or hostile; a refused link changes nothing.

use linkcord_core::links::{self, AppLink};
use tauri::{AppHandle, Emitter, Manager};

use super::i18n::{Text, text};
use super::{AppState, accounts, signin, window};
use crate::models::{NOTICES_EVENT, Notice};

/// Handles the arguments of a second launch: the first one that looks like a link.
pub fn handle_argv(app: &AppHandle, argv: &[String]) {
    if let Some(link) = argv.iter().skip(1).find(|a| a.contains(':')) {
        handle(app, link);
    }
}

/// macOS delivers links as events rather than arguments; elsewhere they arrive as arguments
/// and are handled by [`handle_argv`], so listening there too would handle each link twice.
pub fn listen_for_os_links(app: &AppHandle) {
    #[cfg(target_os = "macos")]
    {
        use tauri_plugin_deep_link::DeepLinkExt;
        let handle = app.clone();
        app.deep_link().on_open_url(move |event| {
            for url in event.urls() {
                handle(&handle, url.as_str());
            }
        });
    }
    #[cfg(not(target_os = "macos"))]
    let _ = app;
}

/// In deep-link redirect mode Discord sends the browser to `discord-<client id>:`; on Linux
/// and Windows that scheme must be registered with the OS at run time (the `.deb` registers
/// only `linkcord:`). A failure is reported, since sign-in in that mode cannot work without it.
pub fn register_oauth_scheme(app: &AppHandle) {
    let state = app.state::<AppState>();
    let settings = state.settings();
    let Some(client_id) = state.client_id() else {
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

/// Acts on one link. Work that talks to Discord or the keychain runs in the background; its
/// failures come back as notices in the window.
pub fn handle(app: &AppHandle, link: &str) {
    let state = app.state::<AppState>();
    match links::parse(link, state.client_id().as_deref()) {
        Err(e) => notify(
            app,
            Notice::error(format!("{}: {e}", text(Text::LinkRefused))),
        ),
        Ok(AppLink::Login) if state.client_id().is_none() => {
            window::show(app);
            notify(app, Notice::error(text(Text::SetupFirst)));
        }
        Ok(AppLink::Login) => {
            window::show(app);
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                if let Err(e) = signin::start(&app).await {
                    notify(&app, Notice::error(e.message));
                }
            });
        }
        Ok(AppLink::Switch(id)) => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                if let Err(e) = accounts::switch(&app, id.as_str()).await {
                    notify(&app, Notice::error(e.message));
                }
            });
        }
        Ok(AppLink::OAuthCallback(url)) => {
            if !state.deliver_callback(url.to_string()) {
                notify(app, Notice::error(text(Text::NoSignInWaiting)));
            }
        }
    }
}

/// Queues a notice for the window and tells it to fetch it.
pub fn notify(app: &AppHandle, notice: Notice) {
    app.state::<AppState>().queue_notice(notice);
    let _ = app.emit(NOTICES_EVENT, ());
}
