//! The desktop app: window, tray, links and single instance.
//!
//! This module only wires Tauri to `linkcord-core`: each concern has its own file. What a
//! person asks for (tray, links, second launch) goes through `actions.rs`; IPC command
//! handlers (`commands.rs`) call the same work and turn core results into the view models of
//! [`crate::models`]. Accounts views travel through one channel (`publisher.rs`) that the
//! window, the tray and the image prefetcher follow.

mod accounts;
mod actions;
mod background;
mod changes;
mod commands;
mod errors;
mod i18n;
mod images;
mod links;
mod live;
mod notices;
mod notify;
mod os_links;
mod prefetch;
mod publisher;
mod session;
mod signin;
mod signin_slot;
mod startup;
mod state;
#[cfg(test)]
mod tests;
mod tray;
mod tray_menu;
mod watch;
mod webkit;
mod window;

use linkcord_core::config::Environment;
use tauri::{AppHandle, Manager, Runtime};

use crate::exit::ExitCode;
use actions::Action;
pub use state::AppState;

/// After start-up: show the accounts in the tray, refresh the active one, fetch the other
/// accounts' pictures, start the background refresh of every account, and follow changes
/// made by other processes. The window meanwhile draws
/// from the cache.
fn start_background_work<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        let published = accounts::publish(&handle).await;
        startup::reached("first accounts view published");
        // None of this is on the first screen, and all of it would share the two cores with
        // the page's first layout: setting up HTTPS alone reads the system's certificates
        // (about 60 ms of CPU), and the background loop's first turn reads every account's
        // history. The first screen draws from the cache; fresh data follows it.
        let state = handle.state::<AppState>();
        if state
            .first_screen
            .wait(startup::FIRST_SCREEN_PATIENCE)
            .await
        {
            startup::reached("background work started");
        }
        prefetch::follow(&handle);
        background::spawn(&handle);
        if let Ok(view) = published
            && let Some(active) = view.active
        {
            accounts::spawn_refresh(&handle, active.id);
        }
    });
    watch::spawn(app);
}

/// Starts the app and returns its exit code once it quits.
pub fn run(initial_link: Option<String>, hidden: bool) -> i32 {
    startup::begin();
    webkit::choose_drawing_mode();
    // The first view opens the keychain (on Linux a D-Bus connection to the Secret Service):
    // connecting starts now, beside Tauri's own setup, instead of in the window's way.
    tauri::async_runtime::spawn(linkcord_core::vault::Vault::connect_platform());
    let env = match Environment::from_env() {
        Ok(env) => env,
        Err(e) => {
            eprintln!("linkcord: {e}");
            return ExitCode::Usage.code();
        }
    };
    let state = match AppState::load(env) {
        Ok(state) => state,
        Err(e) => {
            eprintln!("linkcord: {e}");
            return ExitCode::Other.code();
        }
    };
    startup::reached("settings loaded");
    let app = tauri::Builder::default()
        // Registered first, so a second launch is forwarded before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            if let Some(link) = links::link_in(&argv) {
                actions::perform(app, Action::Link(link.clone()));
            }
            actions::perform(app, Action::OpenWindow);
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec!["--hidden"]),
        ))
        .manage(state)
        .register_asynchronous_uri_scheme_protocol(images::SCHEME, images::handle)
        .invoke_handler(tauri::generate_handler![
            commands::app_view,
            commands::take_notices,
            commands::preview_setup,
            commands::save_setup,
            commands::set_language,
            commands::set_start_at_login,
            commands::accounts_view,
            commands::switch_account,
            commands::refresh_account,
            commands::start_sign_in,
            commands::cancel_sign_in,
            commands::log_out,
            commands::forget_locally,
            commands::log_out_all,
            commands::account_changes,
            commands::mark_changes_seen,
            commands::set_watching,
            commands::first_screen_drawn,
            commands::open_link
        ])
        .setup(move |app| {
            startup::reached("tauri set up");
            let handle = app.handle();
            // A start in the tray builds no window: its web process is most of the app's
            // memory, and the tray builds the window when it is asked for. Otherwise the window
            // comes first (hidden), so its web process loads the page while the tray is made.
            if !hidden {
                // With a link to follow the page asks for its view itself, after the link's
                // action (a switch, a sign-in) has begun.
                let first = initial_link
                    .is_none()
                    .then(|| startup::first_view(handle))
                    .flatten();
                window::ensure_with(handle, first.as_ref());
                startup::reached("window built");
            }
            let tray_ok = match tray::create(handle) {
                Ok(()) => true,
                Err(e) => {
                    tracing::warn!("no tray icon ({e}); closing the window will quit");
                    false
                }
            };
            handle.state::<AppState>().set_tray_available(tray_ok);
            startup::reached("tray created");
            if hidden && tray_ok {
                // No first screen is coming: what waits for it need not.
                handle.state::<AppState>().first_screen.open();
            }
            window::follow_accounts(handle);
            notify::on_click(handle);
            os_links::listen(handle);
            os_links::register_oauth_scheme(handle);
            if let Some(link) = &initial_link {
                actions::perform(handle, Action::Link(link.clone()));
            }
            start_background_work(handle);
            // The window was built hidden so it never flashes half drawn; it is shown unless
            // asked to stay in the tray, or when there is no tray to stay in.
            if !hidden || !tray_ok {
                window::show(handle);
            }
            startup::reached("window shown");
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => {
            app.run(window::on_run_event);
            0
        }
        Err(e) => {
            eprintln!("linkcord: the window could not start: {e}");
            ExitCode::Other.code()
        }
    }
}
