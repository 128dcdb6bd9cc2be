//! Small typed values that several modules share: the application's client id, OAuth2
//! scopes, the redirect URI and the language of what Linkcord shows.
//!
//! They live below `config` and `oauth` so that neither has to import the other for them:
//! the saved settings name a redirect and scopes, and the sign-in sends them. Each type checks
//! its value once, where it is made, so a wrong value cannot travel further as a string.

mod client_id;
mod language;
mod redirect;
mod scopes;

pub use client_id::{ClientId, InvalidClientId};
pub use language::{Language, system_locale};
pub use redirect::{LOOPBACK_ANY_PORT, RedirectUri};
pub use scopes::{DEFAULT_SCOPES, MissingIdentify, Scopes};
