//! The one door into the core for both shells: sign in, get a valid token, fetch a snapshot
//! (fresh, else the cache), the view of it both show, switch, log out.
//!
//! [`Session`] ties the other modules together and holds no logic of its own about tokens
//! beyond the order of steps, which is what matters here: tokens go to the keychain before the
//! index names the account; a refreshed pair is stored before it is used; logging out revokes
//! at Discord before deleting anything, and says so plainly when it could not.

mod browser;
mod error;
mod flows;
mod quick;
mod snapshot;
#[cfg(test)]
mod tests;

pub use crate::accounts::CachedSnapshot;
pub use browser::{
    BrowserLaunch, OpenPageError, Opener, UrlSink, keep_from_browser, open_web_page,
};
pub use error::SessionError;
pub use flows::{LoggedOut, Session, SignInOptions, SignedIn, client_secret_in_force};
pub use quick::stored_token;
pub use snapshot::{Freshness, SnapshotOutcome};
