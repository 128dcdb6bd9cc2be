//! The tray icon: every account (the active one checked) to switch in one click, "Add
//! account…", "Refresh", "Open Linkcord" and "Quit". The icon shows the active account's
//! avatar and the tooltip its name.

use std::sync::Mutex;

use tauri::image::Image;
use tauri::menu::{CheckMenuItem, IsMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

use super::i18n::{Text, text};
use super::{AppState, accounts, images, signin, window};
use crate::models::{AccountSummary, AccountsView};

const TRAY_ID: &str = "linkcord";
const OPEN: &str = "open";
const QUIT: &str = "quit";
const ADD: &str = "add";
const REFRESH: &str = "refresh";
const ACCOUNT_PREFIX: &str = "account:";
const DEFAULT_ICON: &[u8] = include_bytes!("../../../icons/tray.png");

/// Creates the tray icon. Fails where the desktop has no tray; the caller carries on without.
pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let menu = build_menu(app, &Shown::of(&AccountsView::default()).menu)?;
    let tray = TrayIconBuilder::with_id(TRAY_ID)
        .icon(Image::from_bytes(DEFAULT_ICON)?)
        .tooltip("Linkcord")
        .menu(&menu)
        .on_menu_event(on_menu_event)
        .build(app)?;
    app.manage(Showing::default());
    set_hover_title(&tray, "Linkcord".to_owned());
    Ok(())
}

/// What the tray shows, as last set. Accounts change far more often than the tray's content
/// (every refresh, and the file watcher seeing the app's own writes, publish the accounts
/// again), and a panel redraws its whole menu on each rebuild.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Shown {
    menu: Vec<Entry>,
    hover: String,
    avatar: Option<String>,
}

/// One line of the tray menu; the menu is built from these, and compared through them.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Account {
        id: String,
        label: String,
        active: bool,
    },
    Action {
        id: &'static str,
        label: &'static str,
    },
    Separator,
}

impl Shown {
    fn of(view: &AccountsView) -> Self {
        let mut menu: Vec<Entry> = view
            .accounts
            .iter()
            .map(|a| Entry::Account {
                id: format!("{ACCOUNT_PREFIX}{}", a.id),
                label: account_label(a),
                active: a.active,
            })
            .collect();
        if !menu.is_empty() {
            menu.push(Entry::Separator);
        }
        let action = |id, label| Entry::Action {
            id,
            label: text(label),
        };
        menu.push(action(ADD, Text::TrayAdd));
        if view.active.is_some() {
            menu.push(action(REFRESH, Text::TrayRefresh));
        }
        menu.push(Entry::Separator);
        menu.push(action(OPEN, Text::TrayOpen));
        menu.push(action(QUIT, Text::TrayQuit));
        let active = view.accounts.iter().find(|a| a.active);
        Self {
            menu,
            hover: match active {
                Some(a) => format!("Linkcord — {}", isolate(&a.display_name)),
                None => "Linkcord".to_owned(),
            },
            avatar: active.and_then(|a| a.avatar_url.clone()),
        }
    }
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
pub fn update(app: &AppHandle, view: &AccountsView) {
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
fn show_avatar(app: &AppHandle, tray: &tauri::tray::TrayIcon, avatar: Option<String>) {
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
fn mark_icon_done(app: &AppHandle, avatar: &Option<String>) -> bool {
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
fn set_hover_title(tray: &tauri::tray::TrayIcon, text: String) {
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
fn set_hover_title(_: &tauri::tray::TrayIcon, _: String) {}

/// The tray image for an avatar (PNG), or Linkcord's own icon.
fn icon_from(avatar: Option<&linkcord_core::images::Image>) -> Option<Image<'static>> {
    avatar
        .and_then(|a| Image::from_bytes(&a.bytes).ok().map(|i| i.to_owned()))
        .or_else(|| Image::from_bytes(DEFAULT_ICON).ok())
}

/// An account in the menu: its display name, with the username when they differ.
fn account_label(account: &AccountSummary) -> String {
    if account.display_name == account.username {
        isolate(&account.username)
    } else {
        format!(
            "{} ({})",
            isolate(&account.display_name),
            isolate(&account.username)
        )
    }
}

/// `text` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: a name from Discord may
/// hold bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE) that would otherwise reverse the rest
/// of the menu line, and a right-to-left name keeps its own direction without taking the
/// words around it along.
fn isolate(text: &str) -> String {
    format!("\u{2068}{text}\u{2069}")
}

fn build_menu(app: &AppHandle, entries: &[Entry]) -> tauri::Result<Menu<Wry>> {
    let mut items: Vec<Box<dyn IsMenuItem<Wry>>> = Vec::new();
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
            Entry::Separator => Box::new(PredefinedMenuItem::separator(app)?),
        });
    }
    let refs: Vec<&dyn IsMenuItem<Wry>> = items.iter().map(|i| i.as_ref()).collect();
    Menu::with_items(app, &refs)
}

fn on_menu_event(app: &AppHandle, event: MenuEvent) {
    let id = event.id().as_ref().to_owned();
    let app = app.clone();
    match id.as_str() {
        OPEN => window::show(&app),
        QUIT => app.exit(0),
        ADD => {
            window::show(&app);
            tauri::async_runtime::spawn(async move {
                let _ = signin::start(&app).await;
            });
        }
        REFRESH => {
            tauri::async_runtime::spawn(async move {
                let _ = accounts::refresh(&app, None).await;
            });
        }
        other => {
            if let Some(account) = other.strip_prefix(ACCOUNT_PREFIX) {
                let account = account.to_owned();
                tauri::async_runtime::spawn(async move {
                    if let Err(e) = accounts::switch(&app, &account).await {
                        super::links::notify(&app, crate::models::Notice::error(e.message));
                    }
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::AccountStatus;

    fn account(username: &str, display_name: &str) -> AccountSummary {
        AccountSummary {
            id: "1184623570194718720".parse().unwrap(),
            username: username.into(),
            display_name: display_name.into(),
            avatar_url: None,
            status: AccountStatus::Ok,
            active: true,
        }
    }

    /// A display name with U+202E RIGHT-TO-LEFT OVERRIDE must not reverse what follows it
    /// in the menu line ("(username)") nor in the hover text: both names are isolated.
    #[test]
    fn names_in_the_menu_and_hover_text_are_isolated() {
        let view = AccountsView {
            accounts: vec![account("mallory.0", "Mallory \u{202E}gnp.exe")],
            ..AccountsView::default()
        };
        let shown = Shown::of(&view);
        let Some(Entry::Account { label, .. }) = shown.menu.first() else {
            panic!("no account line: {:?}", shown.menu);
        };
        assert_eq!(
            label,
            "\u{2068}Mallory \u{202E}gnp.exe\u{2069} (\u{2068}mallory.0\u{2069})"
        );
        assert_eq!(
            shown.hover,
            "Linkcord — \u{2068}Mallory \u{202E}gnp.exe\u{2069}"
        );
    }

    #[test]
    fn a_name_that_is_the_username_is_shown_once_isolated() {
        let view = AccountsView {
            accounts: vec![account("OldGuard", "OldGuard")],
            ..AccountsView::default()
        };
        let shown = Shown::of(&view);
        assert!(
            matches!(shown.menu.first(), Some(Entry::Account { label, .. }) if label == "\u{2068}OldGuard\u{2069}"),
            "{:?}",
            shown.menu
        );
    }
}
