//! `linkcord-app`: the desktop app (window and tray), started by `linkcord` with no subcommand.
// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]
fn main() {
    std::process::exit(linkcord_lib::run_app());
}
