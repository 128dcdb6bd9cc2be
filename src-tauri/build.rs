//! Declares the app's own IPC commands to Tauri, so each one needs an explicit permission in
//! `capabilities/` before a window may call it (nothing is allowed by default).

const COMMANDS: &[&str] = &[
    "app_view",
    "take_notices",
    "preview_setup",
    "save_setup",
    "set_language",
    "set_start_at_login",
    "accounts_view",
    "switch_account",
    "refresh_account",
    "start_sign_in",
    "cancel_sign_in",
    "log_out",
    "forget_locally",
    "log_out_all",
    "account_changes",
    "mark_changes_seen",
    "set_watching",
    "first_screen_drawn",
    "open_link",
];

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("the Tauri build step");
}
