//! Everything Linkcord knows about talking to Discord as a signed-in user.
//!
//! - typed models that keep working when Discord adds fields or connection types
//!   ([`User`], [`Connection`], [`Guild`], [`Authorization`], [`Snapshot`]);
//! - the REST client ([`DiscordClient`]) with its timeouts, size cap, rate-limit handling and
//!   its refusal to reuse a token Discord rejected;
//! - CDN URLs for avatars, banners and guild icons ([`cdn`]);
//! - the catalogue of connection services: names, icons, profile links ([`catalogue`]).
//!
//! There is one error type, [`DiscordError`]. No value in this module ever prints a token.

mod authorization;
pub mod catalogue;
pub mod cdn;
mod client;
mod connection;
mod error;
mod guild;
mod ids;
mod ratelimit;
mod reply;
mod snapshot;
mod user;

#[cfg(test)]
mod test_server;

pub use authorization::{Authorization, AuthorizedApplication};
pub use catalogue::{ConnectionType, KnownService, ServiceStatus};
pub use cdn::ImageSize;
pub use client::{ClientOptions, DiscordClient, USER_AGENT};
pub use connection::{Connection, Visibility};
pub use error::DiscordError;
pub use guild::Guild;
pub use ids::{GuildId, InvalidSnowflake, UserId};
pub use snapshot::{Section, Snapshot};
pub use user::{AvatarDecoration, Badge, Premium, PrimaryGuild, User};
