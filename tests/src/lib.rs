//! Test support for Linkcord: the Discord emulator (a library, so tests can start it in
//! process, and the `discord-emulator` binary), and helpers shared by the integration and
//! end-to-end suites under `tests/`.

pub mod a11y;
pub mod app;
pub mod cli;
pub mod emulator;
pub mod emulator_client;
pub mod notifications;
pub mod opener;
pub mod processes;
pub mod rig;
pub mod seed;
pub mod startlog;
pub mod tray;
pub mod webdriver;
pub mod window_manager;
