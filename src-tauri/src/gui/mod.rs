//! The desktop app: window, tray, links and single instance.
//!
//! This module only wires Tauri to `linkcord-core`: each concern has its own file, and command
//! handlers turn core results into the view models of [`crate::models`].

mod commands;
mod i18n;
mod links;
mod state;
mod tray;
mod window;

use linkcord_core::config::Environment;
use tauri::Manager;

use crate::cli::ExitCode;
pub use state::AppState;

/// Starts the app and returns its exit code once it quits.
pub fn run(initial_link: Option<String>) -> i32 {
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
    let app = tauri::Builder::default()
        // Registered first, so a second launch is forwarded before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            links::handle_argv(app, &argv);
            window::show(app);
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_opener::init())
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_view,
            commands::preview_setup,
            commands::save_setup,
            commands::take_notices
        ])
        .setup(move |app| {
            let handle = app.handle();
            let tray_ok = match tray::create(handle) {
                Ok(()) => true,
                Err(e) => {
                    tracing::warn!("no tray icon ({e}); closing the window will quit");
                    false
                }
            };
            handle.state::<AppState>().set_tray_available(tray_ok);
            links::listen_for_os_links(handle);
            if let Some(link) = &initial_link {
                links::handle(handle, link);
            }
            Ok(())
        })
        .on_window_event(window::on_event)
        .build(tauri::generate_context!());
    match app {
        Ok(app) => {
            app.run(|_, _| {});
            0
        }
        Err(e) => {
            eprintln!("linkcord: the window could not start: {e}");
            ExitCode::Other.code()
        }
    }
}
