//! The tray icon and its menu.

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, image::Image};

use super::i18n::{Text, text};
use super::window;

const TRAY_ID: &str = "linkcord";
const OPEN: &str = "open";
const QUIT: &str = "quit";

/// Creates the tray icon. Fails where the desktop has no tray; the caller carries on without.
pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let menu = Menu::with_items(
        app,
        &[
            &MenuItem::with_id(app, OPEN, text(Text::TrayOpen), true, None::<&str>)?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, QUIT, text(Text::TrayQuit), true, None::<&str>)?,
        ],
    )?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(Image::from_bytes(include_bytes!(
            "../../../icons/tray.png"
        ))?)
        .tooltip("Linkcord")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id().as_ref() {
            OPEN => window::show(app),
            QUIT => app.exit(0),
            _ => {}
        })
        .build(app)?;
    Ok(())
}
