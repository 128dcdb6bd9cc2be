//! The IPC commands the window calls. Each one reads or changes state through
//! `linkcord-core` and answers with a view model; none returns a token.

use linkcord_core::config::{Settings, SettingsKey};
use tauri::State;

use super::AppState;
use crate::models::{AppView, CommandError, Notice, Screen, SetupInput, SetupPreview};

/// Everything the window needs to draw itself, and the notices waiting for it.
#[tauri::command]
pub fn app_view(state: State<'_, AppState>) -> AppView {
    view(&state)
}

/// The notices waiting for the window, oldest first.
#[tauri::command]
pub fn take_notices(state: State<'_, AppState>) -> Vec<Notice> {
    state.take_notices()
}

/// Checks the setup screen as the user types: the redirect URI to register, or what is wrong.
#[tauri::command]
pub fn preview_setup(state: State<'_, AppState>, input: SetupInput) -> SetupPreview {
    match apply(&state, &input) {
        Ok(settings) => SetupPreview {
            redirect_uri: settings.redirect_uri(),
            problem: None,
        },
        Err(e) => SetupPreview {
            redirect_uri: None,
            problem: Some(e.message),
        },
    }
}

/// Saves the setup screen. Nothing is saved unless every value is valid.
#[tauri::command]
pub fn save_setup(state: State<'_, AppState>, input: SetupInput) -> Result<AppView, CommandError> {
    let settings = apply(&state, &input)?;
    state.replace_settings(settings)?;
    Ok(view(&state))
}

fn apply(state: &AppState, input: &SetupInput) -> Result<Settings, CommandError> {
    let mut settings = state.settings();
    settings.set(SettingsKey::ClientId, &input.client_id)?;
    settings.redirect = input.redirect;
    settings.port = input.port;
    Ok(settings)
}

fn view(state: &AppState) -> AppView {
    let mut settings = state.settings();
    settings.client_id = state.client_id();
    let screen = if settings.client_id.is_some() {
        Screen::Accounts
    } else {
        Screen::Setup
    };
    AppView {
        screen,
        redirect_uri: settings.redirect_uri(),
        settings,
        accounts: Default::default(),
    }
}
