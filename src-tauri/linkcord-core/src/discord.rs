//! Everything Linkcord knows about talking to Discord as a signed-in user.
//!
//! - typed models that keep working when Discord adds fields or connection types
//!   ([`User`], [`Connection`], [`Guild`], [`Authorization`], [`Snapshot`]);
//! - the REST client ([`DiscordClient`]) with its timeouts, size cap, rate-limit handling and
//!   its refusal to reuse a token Discord rejected;
//! - CDN URLs for avatars, banners and guild icons ([`cdn`]);
//! - the catalogue of connection services: names, icons, profile links ([`catalogue`]);
//! - ready-to-show views for the UI ([`UserView`], [`ConnectionView`], [`GuildView`]).
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
mod view;

#[cfg(test)]
mod spec_tests;
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
pub use view::{ConnectionView, GuildView, SnapshotView, UserView};

#[cfg(test)]
mod typescript_tests {
    //! The UI's types are generated from these models (the lead's export step); check here
    //! that the custom serde forms (ids, open enums, 64-bit flags) map to what JSON holds.

    use ts_rs::{Config, TS};

    use super::*;

    #[test]
    fn models_map_to_the_json_shapes() {
        let cfg = Config::default();
        assert_eq!(UserId::inline(&cfg), "string");
        let user = User::decl(&cfg);
        for part in [
            "id: UserId",
            "flags: number",
            "public_flags: number",
            "global_name: string | null",
        ] {
            assert!(user.contains(part), "{part} missing in {user}");
        }
        let connection = Connection::decl(&cfg);
        for part in [
            "type: ConnectionType",
            "visibility: Visibility",
            "name: string | null",
        ] {
            assert!(connection.contains(part), "{part} missing in {connection}");
        }
        assert_eq!(ConnectionType::inline(&cfg), "string");
        assert_eq!(Visibility::inline(&cfg), "number");
        assert_eq!(GuildId::inline(&cfg), "string");
        let guild = Guild::decl(&cfg);
        assert!(
            guild.contains("approximate_member_count: number | null"),
            "{guild}"
        );
        let snapshot = Snapshot::decl(&cfg);
        assert!(
            snapshot.contains("connections: Section<Connection>"),
            "{snapshot}"
        );
        let section = Section::<Guild>::decl(&cfg);
        assert!(section.contains("\"status\": \"not_granted\""), "{section}");
        let view = ConnectionView::decl(&cfg);
        assert!(view.contains("profile_url: string | null"), "{view}");
        assert!(
            view.contains("\"type\": string") || view.contains("type: string"),
            "{view}"
        );
        assert!(UserView::decl(&cfg).contains("avatar_url: string"));
        assert!(Badge::decl(&cfg).contains("\"hypesquad_bravery\""));
        assert!(ServiceStatus::decl(&cfg).contains("\"no_longer_addable\""));
    }
}
