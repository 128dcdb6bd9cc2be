//! Signing in with Discord: PKCE, state, the authorize URL, the loopback redirect listener,
//! deep-link callbacks, code exchange, refresh and revoke.
//!
//! Built on the `oauth2` crate (whose secret types never print themselves) with our own small
//! HTTP adapter over reqwest, so every request has redirects off, timeouts and a body cap.
//! The state is checked before anything else on every callback, over loopback or deep link,
//! and a callback that does not match is ignored rather than allowed to end the sign-in.

mod callback;
mod client;
mod error;
mod http;
mod listener;
mod pages;
mod pending;
#[cfg(test)]
pub(crate) mod test_server;

pub use crate::values::{LOOPBACK_ANY_PORT, RedirectUri, Scopes};
pub use callback::parse_deep_link_callback;
pub use client::{ClientCredentials, OAuthClient, TokenSet};
pub use error::OAuthError;
pub use listener::{BrowserReply, Cancel, LoopbackListener, WaitOptions};
pub use pages::{Language, SignInFailure, SignInOutcome};
pub use pending::PendingLogin;

/// The one-time code Discord puts in the redirect; short-lived, never printed.
pub use oauth2::AuthorizationCode;

#[cfg(test)]
mod tests;
