//! Everything Linkcord does that is not UI glue.
//!
//! The Tauri shell (`src-tauri`) and the command line both call into this crate, so the rules
//! about tokens, sign-in and storage live in one place and can be tested without a window.
//! Each concern is a module with its own error type:
//!
//! - [`discord`]: typed Discord models, the REST client, CDN URLs, the connection catalogue.
//! - [`oauth`]: PKCE, the authorize URL, the loopback listener, code exchange, refresh, revoke.
//! - [`vault`]: tokens and the client secret in the OS keychain.
//! - [`accounts`]: the non-secret account index and the cache used for an instant start.
//! - [`config`]: settings and their environment overrides.
//! - [`values`]: typed values several modules share (client id, scopes, redirect URI,
//!   language), below `config` and `oauth`.
//! - [`http`]: the one HTTP client every request to Discord and its CDN shares.
//! - [`schedule`]: when each account is refreshed in the background.
//! - [`error_class`]: the kind of each failure, which both shells turn into exit codes or
//!   notices.

pub mod accounts;
pub mod changes;
pub mod config;
pub mod discord;
pub mod error_class;
pub mod files;
pub mod http;
pub mod images;
pub mod links;
pub mod oauth;
pub mod schedule;
pub mod secret;
pub mod session;
pub mod values;
pub mod vault;
