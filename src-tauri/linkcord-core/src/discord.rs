//! Typed Discord models, the REST client, CDN URL building, the connection catalogue and
//! rate-limit handling (issue 3).

mod client;
mod error;
mod ids;
mod models;

pub use client::DiscordClient;
pub use error::DiscordError;
pub use ids::{InvalidSnowflake, UserId};
pub use models::User;
