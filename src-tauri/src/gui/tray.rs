//! The tray icon: the menu `tray_menu.rs` describes, the active account's avatar as the icon
//! and its name as the hover text. It follows the accounts views (`publisher.rs`) and hands
//! every click to `actions.rs`.

use std::sync::Mutex;

use tauri::image::Image;
use tauri::menu::{
    CheckMenuItem, IsMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu,
};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};

use super::actions::{self, Action};
use super::startup::FIRST_SCREEN_PATIENCE;
use super::tray_menu::{self, ACCOUNT_PREFIX, Entry, Shown};
use super::{AppState, images};
use crate::models::AccountsView;

const TRAY_ID: &str = "linkcord";
const DEFAULT_ICON: &[u8] = include_bytes!("../../../icons/tray.png");

/// Creates the tray icon and has it follow the accounts. Fails where the desktop has no tray;
/// the caller carries on without.
pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let menu = build_menu(app, &Shown::of(&AccountsView::default()).menu)?;
    let tray = TrayIconBuilder::with_id(TRAY_ID)
        .icon(Image::from_bytes(DEFAULT_ICON)?)
        .tooltip("Linkcord")
        .menu(&menu)
        .on_menu_event(on_menu_event)
        .build(app)?;
    app.manage(Showing::default());
    set_hover_title(&tray, "Linkcord".to_owned());
    app.state::<AppState>()
        .views
        .follow(app, |app, view| async move {
            // The menu is built on the main thread, which also serves the page: at start it
            // waits until the window has its first screen (`startup::FirstScreen`).
            let state = app.state::<AppState>();
            let view = if state.first_screen.wait(FIRST_SCREEN_PATIENCE).await {
                // Newer views may have been sent meanwhile: build only the newest.
                state.views.subscribe().borrow().clone().unwrap_or(view)
            } else {
                view
            };
            update(&app, &view)
        });
    Ok(())
}

/// The tray's own record of what it shows (Tauri managed state, set up by [`create`]).
#[derive(Default)]
struct Showing(Mutex<Record>);

#[derive(Default)]
struct Record {
    shown: Shown,
    /// The icon is `shown.avatar` (or Linkcord's own icon when there is none), not a
    /// stand-in while the avatar downloads or after its download failed.
    icon_done: bool,
}

/// Brings the menu, icon and hover text up to `view`, and leaves alone what already shows it.
/// Never waits on the network: the avatar is taken from the image cache, and fetched in the
/// background when it is not there yet (again at the next update if that failed).
fn update<R: Runtime>(app: &AppHandle<R>, view: &AccountsView) {
    let (Some(tray), Some(showing)) = (app.tray_by_id(TRAY_ID), app.try_state::<Showing>()) else {
        return;
    };
    let shown = Shown::of(view);
    let (same_menu, same_icon) = {
        let mut last = showing.0.lock().expect("tray lock");
        let same_menu = last.shown.menu == shown.menu && last.shown.hover == shown.hover;
        let same_icon = last.shown.avatar == shown.avatar && last.icon_done;
        last.icon_done = same_icon;
        last.shown = shown.clone();
        (same_menu, same_icon)
    };
    if !same_menu {
        match build_menu(app, &shown.menu) {
            Ok(menu) => {
                let _ = tray.set_menu(Some(menu));
            }
            Err(e) => tracing::warn!("could not rebuild the tray menu: {e}"),
        }
        let _ = tray.set_tooltip(Some(&shown.hover));
        set_hover_title(&tray, shown.hover.clone());
    }
    if !same_icon {
        show_avatar(app, &tray, shown.avatar);
    }
}

/// Sets the icon to the avatar at `avatar` from the image cache, or Linkcord's own icon while
/// it downloads; a download that ends after another account became active is not used.
fn show_avatar<R: Runtime>(
    app: &AppHandle<R>,
    tray: &tauri::tray::TrayIcon<R>,
    avatar: Option<String>,
) {
    let url = avatar.as_deref().and_then(images::cdn_url_of);
    let cached = url
        .as_ref()
        .and_then(|url| app.state::<AppState>().images.cached(url));
    let _ = tray.set_icon(icon_from(cached.as_ref()));
    let Some(url) = url.filter(|_| cached.is_none()) else {
        mark_icon_done(app, &avatar);
        return;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let Ok(image) = app.state::<AppState>().images.get(&url).await else {
            return;
        };
        if mark_icon_done(&app, &avatar)
            && let Some(tray) = app.tray_by_id(TRAY_ID)
        {
            let _ = tray.set_icon(icon_from(Some(&image)));
        }
    });
}

/// Records that the icon shows `avatar`, if that is still the active account's; says whether
/// it was.
fn mark_icon_done<R: Runtime>(app: &AppHandle<R>, avatar: &Option<String>) -> bool {
    let Some(showing) = app.try_state::<Showing>() else {
        return false;
    };
    let mut last = showing.0.lock().expect("tray lock");
    let current = last.shown.avatar == *avatar;
    if current {
        last.icon_done = true;
    }
    current
}

/// What a panel shows when the pointer rests on the icon. Tauri's tooltip does nothing on
/// Linux: the tray is a libayatana-appindicator StatusNotifierItem, which has no `ToolTip`;
/// panels show its `Title` instead (else the program name, `linkcord-app`). tray-icon only
/// sets the indicator's label, so the title is set on the indicator itself, on the main
/// thread (`with_inner_tray_icon`).
#[cfg(target_os = "linux")]
fn set_hover_title<R: Runtime>(tray: &tauri::tray::TrayIcon<R>, text: String) {
    let Ok(text) = std::ffi::CString::new(text) else {
        return;
    };
    let _ = tray.with_inner_tray_icon(move |inner| {
        // SAFETY: tray-icon hands out a pointer to its `libappindicator::AppIndicator`, valid
        // while the tray icon lives (it does, for this call). That wrapper is a single field,
        // the pointer to the C object; it is read only after checking the size, and the C
        // function copies the string.
        unsafe {
            let wrapper = inner.app_indicator();
            if wrapper.is_null()
                || std::mem::size_of_val(&*wrapper)
                    != std::mem::size_of::<*mut libappindicator_sys::AppIndicator>()
            {
                return;
            }
            let indicator = *wrapper.cast::<*mut libappindicator_sys::AppIndicator>();
            if !indicator.is_null() {
                libappindicator_sys::app_indicator_set_title(indicator, text.as_ptr());
            }
        }
    });
}

#[cfg(not(target_os = "linux"))]
fn set_hover_title<R: Runtime>(_: &tauri::tray::TrayIcon<R>, _: String) {}

/// The tray image for an avatar (PNG), or Linkcord's own icon.
fn icon_from(avatar: Option<&linkcord_core::images::Image>) -> Option<Image<'static>> {
    avatar
        .and_then(|a| Image::from_bytes(&a.bytes).ok().map(|i| i.to_owned()))
        .or_else(|| Image::from_bytes(DEFAULT_ICON).ok())
}

fn build_menu<R: Runtime>(app: &AppHandle<R>, entries: &[Entry]) -> tauri::Result<Menu<R>> {
    let items = menu_items(app, entries)?;
    let refs: Vec<&dyn IsMenuItem<R>> = items.iter().map(|i| i.as_ref()).collect();
    Menu::with_items(app, &refs)
}

fn menu_items<R: Runtime>(
    app: &AppHandle<R>,
    entries: &[Entry],
) -> tauri::Result<Vec<Box<dyn IsMenuItem<R>>>> {
    let mut items: Vec<Box<dyn IsMenuItem<R>>> = Vec::new();
    for entry in entries {
        items.push(match entry {
            Entry::Account { id, label, active } => Box::new(CheckMenuItem::with_id(
                app,
                id,
                label,
                true,
                *active,
                None::<&str>,
            )?),
            Entry::Action { id, label } => {
                Box::new(MenuItem::with_id(app, *id, *label, true, None::<&str>)?)
            }
            Entry::Submenu { id, label, items } => {
                let children = menu_items(app, items)?;
                let refs: Vec<&dyn IsMenuItem<R>> = children.iter().map(|i| i.as_ref()).collect();
                Box::new(Submenu::with_id_and_items(app, *id, *label, true, &refs)?)
            }
            Entry::Separator => Box::new(PredefinedMenuItem::separator(app)?),
        });
    }
    Ok(items)
}

/// Every click becomes an action; its failures reach the window as notices.
fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    if let Some(action) = action_of(event.id().as_ref()) {
        actions::perform(app, action);
    }
}

/// The action behind a menu line's id.
fn action_of(id: &str) -> Option<Action> {
    Some(match id {
        tray_menu::OPEN => Action::OpenWindow,
        tray_menu::QUIT => Action::Quit,
        tray_menu::ADD => Action::SignIn,
        tray_menu::REFRESH => Action::Refresh,
        other => Action::Switch(other.strip_prefix(ACCOUNT_PREFIX)?.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_menu_line_is_an_action() {
        assert_eq!(action_of("add"), Some(Action::SignIn));
        assert_eq!(action_of("refresh"), Some(Action::Refresh));
        assert_eq!(action_of("open"), Some(Action::OpenWindow));
        assert_eq!(action_of("quit"), Some(Action::Quit));
        assert_eq!(
            action_of("account:80351110224678912"),
            Some(Action::Switch("80351110224678912".into()))
        );
        assert_eq!(
            action_of("more-accounts"),
            None,
            "the submenu itself does nothing"
        );
    }
}
