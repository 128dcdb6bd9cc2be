//! The secret types every module shares.
//!
//! They come from the `oauth2` crate, whose `Debug` prints `[redacted]` and which has no
//! `Display`, so a token cannot end up in a log line or an error message by accident. Read a
//! value only with `.secret()`, and only where it is sent to Discord or stored in the vault.

pub use oauth2::{AccessToken, ClientSecret, RefreshToken};
