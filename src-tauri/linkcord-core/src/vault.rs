//! Tokens and the optional client secret in the OS keychain (`keyring` 4 / `keyring-core`).
//!
//! One entry per Discord account (user `account:<user id>`) holds a JSON [`TokenRecord`]; the
//! client secret, when there is one, has its own entry (`client-secret`). The service name is
//! `Environment::keyring_service`, so tests isolate themselves with their own.
//!
//! Every keychain call runs on a blocking thread under a deadline: a Secret Service that hangs
//! (a prompt nobody answers, a wedged daemon) becomes [`VaultError::Timeout`] instead of a
//! frozen app. A call that fails because the keychain's daemon went away (it restarted)
//! reconnects and is retried once, so a long-running window recovers without a restart.
//! There is no plaintext fallback: when the keychain is missing, locked or refusing, the
//! error says so and the caller stops.

mod error;
mod record;
mod store;
#[cfg(test)]
pub(crate) mod tests;

pub use error::VaultError;
pub use record::TokenRecord;
pub use store::{DEFAULT_TIMEOUT, Vault};
