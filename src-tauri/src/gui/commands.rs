//! The IPC commands the window calls. Each is a thin call into the modules beside it (the
//! actions the tray and links share are in `actions.rs`), which use `linkcord-core`; none
//! returns a token.

use linkcord_core::config::{NotifySettings, Settings, SettingsKey};
use linkcord_core::discord::UserId;
use linkcord_core::secret::ClientSecret;
use linkcord_core::session::SessionError;
use tauri::{AppHandle, State};

use super::{AppState, accounts, actions, changes, errors, os_links, signin};
use crate::models::{
    AccountsView, AppView, ChangesView, CommandError, ErrorKind, Notice, PageTimes, Screen,
    SetupInput, SetupPreview, SignInStatus,
};

/// Everything the window needs to draw itself, from local data only.
#[tauri::command]
pub async fn app_view(app: AppHandle, state: State<'_, AppState>) -> Result<AppView, CommandError> {
    super::startup::reached("app view asked");
    let view = view(&app, &state).await;
    super::startup::reached("app view answered");
    view
}

/// Opens a web page the window links to (a profile on a linked service, Discord itself) in
/// the system's browser. Only `https:` and `http:` addresses; the page cannot name the program.
#[tauri::command]
pub async fn open_link(url: String) -> Result<(), CommandError> {
    use linkcord_core::session::{OpenPageError, open_web_page};
    let url = url::Url::parse(&url)
        .map_err(|e| CommandError::new(ErrorKind::InvalidInput, format!("{url}: {e}")))?;
    let opened = tauri::async_runtime::spawn_blocking(move || open_web_page(&url))
        .await
        .map_err(|e| CommandError::new(ErrorKind::Other, e))?;
    opened.map_err(|e| match e {
        OpenPageError::NotWebAddress(_) => CommandError::new(ErrorKind::InvalidInput, e),
        // The desktop's: no opener, or no browser set up.
        OpenPageError::Opener(_) => CommandError::new(ErrorKind::Other, e),
    })
}

/// The window has painted its first screen: what waited for it may use the main thread.
/// `page` says when the page reached each point of its start, for the start-up log.
#[tauri::command]
pub fn first_screen_drawn(state: State<'_, AppState>, page: Option<PageTimes>) {
    if let Some(page) = page {
        super::startup::page_reached(&page);
    }
    super::startup::reached("first screen drawn");
    state.first_screen.open();
}

/// The notices waiting for the window, oldest first.
#[tauri::command]
pub fn take_notices(state: State<'_, AppState>) -> Vec<Notice> {
    state.notices.take()
}

/// Checks the setup screen as the user types: the redirect URI to register, or what is wrong.
#[tauri::command]
pub fn preview_setup(state: State<'_, AppState>, input: SetupInput) -> SetupPreview {
    match apply(&state, &input) {
        Ok(settings) => SetupPreview {
            redirect_uri: state.config.env.in_force(&settings).redirect_uri(),
            problem: None,
        },
        Err(e) => SetupPreview {
            redirect_uri: None,
            problem: Some(e.message),
        },
    }
}

/// Saves the setup screen. Nothing is saved unless every value is valid; the secret goes to
/// the keychain.
#[tauri::command]
pub async fn save_setup(
    app: AppHandle,
    state: State<'_, AppState>,
    input: SetupInput,
) -> Result<AppView, CommandError> {
    let settings = apply(&state, &input)?;
    if let Some(secret) = &input.client_secret {
        store_secret(&state, secret).await?;
    }
    state.config.replace_settings(settings).await?;
    os_links::register_oauth_scheme(&app);
    view(&app, &state).await
}

#[tauri::command]
pub async fn set_language(
    app: AppHandle,
    state: State<'_, AppState>,
    language: Option<String>,
) -> Result<AppView, CommandError> {
    let mut settings = state.config.settings();
    settings.set(
        SettingsKey::Language,
        language.as_deref().unwrap_or("system"),
    )?;
    state.config.replace_settings(settings).await?;
    // `view` below rebuilds the accounts from disk; republishing also relabels the tray.
    let _ = super::accounts::publish(&app).await;
    view(&app, &state).await
}

/// The background refresh interval (minutes, 0 = off) and the notification switches.
#[tauri::command]
pub async fn set_watching(
    app: AppHandle,
    state: State<'_, AppState>,
    refresh_minutes: u32,
    notify: NotifySettings,
) -> Result<AppView, CommandError> {
    let mut settings = state.config.settings();
    settings.set(SettingsKey::RefreshMinutes, &refresh_minutes.to_string())?;
    settings.notify = notify;
    state.config.replace_settings(settings).await?;
    view(&app, &state).await
}

/// Turns starting at login (in the tray, window hidden) on or off.
#[tauri::command]
pub async fn set_start_at_login(
    app: AppHandle,
    state: State<'_, AppState>,
    enabled: bool,
) -> Result<AppView, CommandError> {
    use tauri_plugin_autostart::ManagerExt;
    let launcher = app.autolaunch();
    let result = if enabled {
        launcher.enable()
    } else {
        launcher.disable()
    };
    result.map_err(|e| CommandError::new(ErrorKind::Other, e))?;
    view(&app, &state).await
}

#[tauri::command]
pub async fn accounts_view(app: AppHandle) -> Result<AccountsView, CommandError> {
    accounts::view(&app).await
}

#[tauri::command]
pub async fn switch_account(app: AppHandle, id: String) -> Result<AccountsView, CommandError> {
    actions::switch(&app, &id).await
}

#[tauri::command]
pub async fn refresh_account(
    app: AppHandle,
    id: Option<String>,
) -> Result<AccountsView, CommandError> {
    let id = id.map(|id| parse_id(&id)).transpose()?;
    actions::refresh(&app, id).await
}

/// The "What changed" view of an account, newest first.
#[tauri::command]
pub async fn account_changes(app: AppHandle, id: String) -> Result<ChangesView, CommandError> {
    changes::view(&app, &parse_id(&id)?).await
}

/// Marks what the account's "What changed" view shows as seen; returns the view without its
/// badge.
#[tauri::command]
pub async fn mark_changes_seen(app: AppHandle, id: String) -> Result<AccountsView, CommandError> {
    changes::mark_seen(&app, &parse_id(&id)?).await
}

#[tauri::command]
pub async fn start_sign_in(app: AppHandle) -> Result<SignInStatus, CommandError> {
    actions::sign_in(&app).await
}

#[tauri::command]
pub fn cancel_sign_in(app: AppHandle) {
    signin::cancel(&app);
}

#[tauri::command]
pub async fn log_out(app: AppHandle, id: String) -> Result<AccountsView, CommandError> {
    accounts::log_out(&app, &parse_id(&id)?).await
}

#[tauri::command]
pub async fn forget_locally(app: AppHandle, id: String) -> Result<AccountsView, CommandError> {
    accounts::forget_locally(&app, &parse_id(&id)?).await
}

#[tauri::command]
pub async fn log_out_all(app: AppHandle) -> Result<AccountsView, CommandError> {
    accounts::log_out_all(&app).await
}

fn parse_id(id: &str) -> Result<UserId, CommandError> {
    id.parse()
        .map_err(|e| CommandError::new(ErrorKind::InvalidInput, e))
}

fn apply(state: &AppState, input: &SetupInput) -> Result<Settings, CommandError> {
    let mut settings = state.config.settings();
    settings.set(SettingsKey::ClientId, &input.client_id)?;
    settings.redirect = input.redirect;
    settings.port = input.port;
    Ok(settings)
}

async fn store_secret(state: &AppState, secret: &ClientSecret) -> Result<(), CommandError> {
    let session = state.config.session().await?;
    let vault = session.vault();
    let result = match secret.secret().trim() {
        "" => vault.delete_client_secret().await,
        s => {
            vault
                .set_client_secret(&ClientSecret::new(s.to_owned()))
                .await
        }
    };
    result.map_err(|e| errors::command_error(&SessionError::from(e)))
}

pub(super) async fn view(app: &AppHandle, state: &AppState) -> Result<AppView, CommandError> {
    let mut settings = state.config.settings();
    let in_force = state.config.env.in_force(&settings);
    // The setup screen shows the client id sign-in will use, which the environment may set.
    settings.client_id = in_force.client_id_text.clone();
    let screen = if settings.client_id.is_some() {
        Screen::Accounts
    } else {
        Screen::Setup
    };
    // Without a keychain the window still opens, on an empty list, and says why.
    let accounts = match accounts::view(app).await {
        Ok(accounts) => accounts,
        Err(e) => {
            super::notices::notify(app, Notice::error(e.message));
            AccountsView::default()
        }
    };
    let start_at_login = {
        use tauri_plugin_autostart::ManagerExt;
        app.autolaunch().is_enabled().unwrap_or(false)
    };
    Ok(AppView {
        screen,
        redirect_uri: in_force.redirect_uri(),
        settings,
        accounts,
        start_at_login,
        system_language: super::i18n::system_language(),
        sign_in: match state.sign_in.url() {
            Some(authorize_url) => SignInStatus::Waiting { authorize_url },
            None => SignInStatus::Idle,
        },
    })
}
