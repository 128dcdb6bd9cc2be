//! The fixture users: who one can sign in as, and what Discord would return for them.
//!
//! The default set is `tests/fixtures/users.json`, compiled in so the emulator works from any
//! directory; `--users FILE` loads another file of the same shape. A user may ask for
//! generated guilds (`"generated_guilds": {"count": 200, ...}`) instead of listing them, which
//! keeps the 200-guild case readable.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::EmulatorError;

const BUILTIN_USERS: &str = include_str!("../../fixtures/users.json");

/// Ids of the built-in fixture users, for tests that need one in particular.
pub mod ids {
    /// Latin script with accents; avatar, banner, accent colour, verified email, Nitro, MFA.
    pub const AVA: &str = "1098765432109876543";
    /// Cyrillic; animated (`a_`) avatar and banner; revoked, hidden and future-type connections.
    pub const DMITRI: &str = "713456789012345678";
    /// Japanese with emoji; no avatar, banner or accent colour; unverified email; 200 guilds.
    pub const HANAKO: &str = "1250987654321098765";
    /// Arabic with emoji; email null; no guilds and no connections.
    pub const LAYLA: &str = "917263548192736455";
    /// Legacy discriminator `1234`, no global name, no avatar, 17-digit id.
    pub const OLD_GUARD: &str = "94108243765297152";
    /// Hostile but real: fields newer than the spec, U+202E in the display name, markup,
    /// `javascript:`, IDN, RTL and zalgo names, unknown features and service types, 64-bit
    /// permission strings.
    pub const MALLORY: &str = "1184623570194718720";
}

/// The fields `UserPIIResponse` requires; a fixture user must have every one of them.
const REQUIRED_USER_FIELDS: [&str; 9] = [
    "id",
    "username",
    "avatar",
    "discriminator",
    "public_flags",
    "flags",
    "global_name",
    "mfa_enabled",
    "locale",
];

/// A linked account, shaped as `ConnectedAccountResponse`. `type` stays an open string:
/// Discord adds services over time and clients must cope with unknown ones.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Connection {
    pub id: String,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrations: Option<Vec<Value>>,
    pub verified: bool,
    pub friend_sync: bool,
    pub show_activity: bool,
    pub two_way_link: bool,
    pub visibility: u8,
    /// Fields the spec does not list yet but Discord sends (`metadata`,
    /// `metadata_visibility`, ...): served back as they are written, so clients meet them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A guild as `/users/@me/guilds` shows it (`MyGuildResponse`). The counts are kept here
/// and only shown when the caller asks `with_counts=true`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Guild {
    pub id: String,
    pub name: String,
    pub icon: Option<String>,
    pub banner: Option<String>,
    pub owner: bool,
    pub permissions: String,
    pub features: Vec<String>,
    #[serde(default)]
    pub approximate_member_count: Option<u32>,
    #[serde(default)]
    pub approximate_presence_count: Option<u32>,
    /// Fields the spec does not list yet, served back as they are written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One user one can sign in as.
#[derive(Debug, Clone, PartialEq)]
pub struct FixtureUser {
    pub id: String,
    pub username: String,
    /// What this user is there to cover (free text from the fixture file).
    pub note: Option<String>,
    /// The complete `/users/@me` object, `email` and `verified` included.
    pub user: Map<String, Value>,
    pub connections: Vec<Connection>,
    /// Sorted by id, as Discord pages them.
    pub guilds: Vec<Guild>,
}

impl FixtureUser {
    /// `/users/@me` as a token with these scopes sees it: `email`/`verified` only with the
    /// `email` scope, and `premium_type` reads 0 without `identify.premium` (change log,
    /// 2026-05-05).
    pub fn me_json(&self, with_email: bool, with_premium: bool) -> Value {
        let mut user = self.user.clone();
        if !with_email {
            user.remove("email");
            user.remove("verified");
        }
        if !with_premium && user.contains_key("premium_type") {
            user.insert("premium_type".into(), Value::from(0));
        }
        Value::Object(user)
    }

    /// The public user object (`UserResponse`), as nested in `/oauth2/@me`.
    pub fn public_json(&self) -> Value {
        const PUBLIC: [&str; 12] = [
            "id",
            "username",
            "avatar",
            "discriminator",
            "public_flags",
            "flags",
            "global_name",
            "banner",
            "accent_color",
            "avatar_decoration_data",
            "collectibles",
            "primary_guild",
        ];
        let mut out = Map::new();
        for key in PUBLIC {
            if let Some(value) = self.user.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        out.entry("primary_guild").or_insert(Value::Null);
        Value::Object(out)
    }

    /// The avatar hash, when the user has one.
    pub fn avatar(&self) -> Option<&str> {
        self.user.get("avatar").and_then(Value::as_str)
    }

    /// The banner hash, when the user has one.
    pub fn banner(&self) -> Option<&str> {
        self.user.get("banner").and_then(Value::as_str)
    }

    /// The discriminator (`"0"` for users on the new username system).
    pub fn discriminator(&self) -> &str {
        self.user
            .get("discriminator")
            .and_then(Value::as_str)
            .unwrap_or("0")
    }

    /// The name a person would recognise: the display name, else the username.
    pub fn display_name(&self) -> &str {
        self.user
            .get("global_name")
            .and_then(Value::as_str)
            .unwrap_or(&self.username)
    }
}

/// The loaded set of users, with an index of guild images for the CDN.
#[derive(Debug, Clone)]
pub struct Fixtures {
    users: Vec<FixtureUser>,
    guild_images: HashMap<String, (Option<String>, Option<String>)>,
}

impl Fixtures {
    /// The compiled-in `tests/fixtures/users.json`.
    pub fn builtin() -> Self {
        Self::from_json(BUILTIN_USERS).expect("the built-in fixture file is valid")
    }

    /// Reads a fixture file.
    pub fn from_file(path: &Path) -> Result<Self, EmulatorError> {
        let text = std::fs::read_to_string(path).map_err(|source| EmulatorError::ReadFixtures {
            path: path.to_owned(),
            source,
        })?;
        Self::from_json(&text)
    }

    /// Parses and checks a fixture document.
    pub fn from_json(text: &str) -> Result<Self, EmulatorError> {
        let doc: FixtureFile =
            serde_json::from_str(text).map_err(|e| EmulatorError::BadFixtures(e.to_string()))?;
        let users = doc
            .users
            .into_iter()
            .map(RawUser::build)
            .collect::<Result<Vec<_>, _>>()?;
        check_unique_ids(&users)?;
        let guild_images = index_guild_images(&users);
        Ok(Self {
            users,
            guild_images,
        })
    }

    pub fn users(&self) -> &[FixtureUser] {
        &self.users
    }

    pub fn user(&self, id: &str) -> Option<&FixtureUser> {
        self.users.iter().find(|u| u.id == id)
    }

    /// `(icon, banner)` hashes of a guild any fixture user is in.
    pub fn guild_images(&self, guild_id: &str) -> Option<&(Option<String>, Option<String>)> {
        self.guild_images.get(guild_id)
    }
}

/// Why a change asked of the fixtures (through the control endpoints) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("no fixture user has the id {0}")]
    UnknownUser(String),
    #[error("the user has no {kind} connection with the id {id}")]
    UnknownConnection { kind: String, id: String },
    #[error("the user is not in a guild with the id {0}")]
    UnknownGuild(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
}

/// Changes made while the emulator runs, as Discord would make them: a service linked or
/// unlinked, a link revoked by the other side, a server joined or left, a renamed user.
impl Fixtures {
    fn user_mut(&mut self, id: &str) -> Result<&mut FixtureUser, EditError> {
        self.users
            .iter_mut()
            .find(|u| u.id == id)
            .ok_or_else(|| EditError::UnknownUser(id.to_owned()))
    }

    /// Links a new account; one with the same type and id is a conflict.
    pub fn add_connection(&mut self, user: &str, connection: Connection) -> Result<(), EditError> {
        let user = self.user_mut(user)?;
        if user
            .connections
            .iter()
            .any(|c| c.kind == connection.kind && c.id == connection.id)
        {
            return Err(EditError::Conflict(format!(
                "the user already has a {} connection with the id {}",
                connection.kind, connection.id
            )));
        }
        user.connections.push(connection);
        Ok(())
    }

    /// Sets the given fields of a connection (`{"revoked": true}`); its type and id stay.
    pub fn patch_connection(
        &mut self,
        user: &str,
        kind: &str,
        id: &str,
        fields: Map<String, Value>,
    ) -> Result<Connection, EditError> {
        if fields.contains_key("id") || fields.contains_key("type") {
            return Err(EditError::Invalid(
                "a connection's type and id cannot change: remove it and add another".into(),
            ));
        }
        let slot = find_connection(self.user_mut(user)?, kind, id)?;
        let patched: Connection = merged(slot, fields)?;
        *slot = patched.clone();
        Ok(patched)
    }

    pub fn remove_connection(&mut self, user: &str, kind: &str, id: &str) -> Result<(), EditError> {
        let user = self.user_mut(user)?;
        let before = user.connections.len();
        user.connections.retain(|c| !(c.kind == kind && c.id == id));
        if user.connections.len() == before {
            return Err(unknown_connection(kind, id));
        }
        Ok(())
    }

    /// Puts the user in a guild (kept in id order, as Discord pages them).
    pub fn add_guild(&mut self, user: &str, guild: Guild) -> Result<(), EditError> {
        if !is_snowflake(&guild.id) {
            return Err(EditError::Invalid(format!(
                "guild id {:?} is not a snowflake",
                guild.id
            )));
        }
        let user = self.user_mut(user)?;
        if user.guilds.iter().any(|g| g.id == guild.id) {
            return Err(EditError::Conflict(format!(
                "the user is already in guild {}",
                guild.id
            )));
        }
        user.guilds.push(guild);
        user.guilds.sort_by_key(|g| snowflake_value(&g.id));
        self.guild_images = index_guild_images(&self.users);
        Ok(())
    }

    /// Sets the given fields of one of the user's guilds (`{"owner": true}`); the id stays.
    pub fn patch_guild(
        &mut self,
        user: &str,
        guild: &str,
        fields: Map<String, Value>,
    ) -> Result<Guild, EditError> {
        if fields.contains_key("id") {
            return Err(EditError::Invalid("a guild's id cannot change".into()));
        }
        let slot = self
            .user_mut(user)?
            .guilds
            .iter_mut()
            .find(|g| g.id == guild)
            .ok_or_else(|| EditError::UnknownGuild(guild.to_owned()))?;
        let patched: Guild = merged(slot, fields)?;
        *slot = patched.clone();
        self.guild_images = index_guild_images(&self.users);
        Ok(patched)
    }

    pub fn remove_guild(&mut self, user: &str, guild: &str) -> Result<(), EditError> {
        let user = self.user_mut(user)?;
        let before = user.guilds.len();
        user.guilds.retain(|g| g.id != guild);
        if user.guilds.len() == before {
            return Err(EditError::UnknownGuild(guild.to_owned()));
        }
        self.guild_images = index_guild_images(&self.users);
        Ok(())
    }

    /// Sets fields of the `/users/@me` object (`username`, `global_name`, `avatar`, `email`,
    /// ...). `null` is a value, not a removal; the id cannot change and required fields stay.
    pub fn patch_user(
        &mut self,
        user: &str,
        fields: Map<String, Value>,
    ) -> Result<Value, EditError> {
        if fields.contains_key("id") {
            return Err(EditError::Invalid("a user's id cannot change".into()));
        }
        if fields.get("username").is_some_and(|v| !v.is_string()) {
            return Err(EditError::Invalid("username must be a string".into()));
        }
        let user = self.user_mut(user)?;
        user.user.extend(fields);
        user.username =
            string_field(&user.user, "username").map_err(|e| EditError::Invalid(e.to_string()))?;
        Ok(user.me_json(true, true))
    }
}

fn find_connection<'a>(
    user: &'a mut FixtureUser,
    kind: &str,
    id: &str,
) -> Result<&'a mut Connection, EditError> {
    user.connections
        .iter_mut()
        .find(|c| c.kind == kind && c.id == id)
        .ok_or_else(|| unknown_connection(kind, id))
}

fn unknown_connection(kind: &str, id: &str) -> EditError {
    EditError::UnknownConnection {
        kind: kind.to_owned(),
        id: id.to_owned(),
    }
}

/// `current` with `fields` laid over it, read back as the same type (so a wrong type for a
/// field is refused rather than stored).
fn merged<T: Serialize + serde::de::DeserializeOwned>(
    current: &T,
    fields: Map<String, Value>,
) -> Result<T, EditError> {
    let mut value = serde_json::to_value(current).expect("fixtures serialise");
    let object = value.as_object_mut().expect("fixtures are objects");
    object.extend(fields);
    serde_json::from_value(value).map_err(|e| EditError::Invalid(e.to_string()))
}

#[derive(Deserialize)]
struct FixtureFile {
    users: Vec<RawUser>,
}

#[derive(Deserialize)]
struct RawUser {
    #[serde(default)]
    note: Option<String>,
    user: Map<String, Value>,
    #[serde(default)]
    connections: Vec<Connection>,
    #[serde(default)]
    guilds: Vec<Guild>,
    #[serde(default)]
    generated_guilds: Option<GuildGenerator>,
}

impl RawUser {
    fn build(self) -> Result<FixtureUser, EmulatorError> {
        let missing: Vec<&str> = REQUIRED_USER_FIELDS
            .into_iter()
            .filter(|f| !self.user.contains_key(*f))
            .collect();
        if !missing.is_empty() {
            return Err(EmulatorError::BadFixtures(format!(
                "user {:?} lacks {}",
                self.user.get("username"),
                missing.join(", ")
            )));
        }
        let id = string_field(&self.user, "id")?;
        if !is_snowflake(&id) {
            return Err(EmulatorError::BadFixtures(format!(
                "user id {id:?} is not a snowflake"
            )));
        }
        let username = string_field(&self.user, "username")?;
        let mut guilds = self.guilds;
        if let Some(generator) = &self.generated_guilds {
            guilds.extend(generator.generate()?);
        }
        guilds.sort_by_key(|g| snowflake_value(&g.id));
        Ok(FixtureUser {
            id,
            username,
            note: self.note,
            user: self.user,
            connections: self.connections,
            guilds,
        })
    }
}

/// A compact way to give a user many guilds: ids step by one snowflake millisecond from
/// `first_id`, and names, icons, features and permissions vary with the index.
#[derive(Deserialize)]
struct GuildGenerator {
    count: usize,
    first_id: String,
    #[serde(default = "default_guild_prefix")]
    name_prefix: String,
}

fn default_guild_prefix() -> String {
    "Guild".to_owned()
}

impl GuildGenerator {
    fn generate(&self) -> Result<Vec<Guild>, EmulatorError> {
        let first: u64 = self
            .first_id
            .parse()
            .map_err(|_| EmulatorError::BadFixtures(format!("bad first_id {}", self.first_id)))?;
        Ok((0..self.count)
            .map(|i| self.one(first + ((i as u64) << 22), i))
            .collect())
    }

    fn one(&self, id: u64, i: usize) -> Guild {
        const FEATURES: [&[&str]; 4] = [
            &[],
            &["COMMUNITY", "NEWS"],
            &["ANIMATED_ICON", "BANNER"],
            &["VERIFIED", "VANITY_URL", "DISCOVERABLE"],
        ];
        const PERMISSIONS: [&str; 4] = ["104324673", "2251799813685247", "0", "1071698660929"];
        let id = id.to_string();
        let icon = match i % 10 {
            0 => Some(format!("a_{}", fake_hash(&format!("icon/{id}")))),
            n if n % 2 == 1 => Some(fake_hash(&format!("icon/{id}"))),
            _ => None,
        };
        let banner = i
            .is_multiple_of(7)
            .then(|| fake_hash(&format!("banner/{id}")));
        let members = 10 + (i as u32 * 7919) % 100_000;
        Guild {
            name: format!("{} {:03}", self.name_prefix, i + 1),
            icon,
            banner,
            owner: i.is_multiple_of(50),
            permissions: PERMISSIONS[i % PERMISSIONS.len()].to_owned(),
            features: FEATURES[i % FEATURES.len()]
                .iter()
                .map(|f| (*f).to_owned())
                .collect(),
            approximate_member_count: Some(members),
            approximate_presence_count: Some(members / 5),
            extra: Map::new(),
            id,
        }
    }
}

/// A 32-hex-digit image hash derived from `seed`, shaped like Discord's.
pub(crate) fn fake_hash(seed: &str) -> String {
    let digest = Sha256::digest(seed.as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// `^(0|[1-9][0-9]*)$` and within 64 bits, as `SnowflakeType` says.
pub(crate) fn is_snowflake(value: &str) -> bool {
    let shaped = value == "0" || (!value.starts_with('0') && !value.is_empty());
    shaped && value.bytes().all(|b| b.is_ascii_digit()) && value.parse::<u64>().is_ok()
}

/// Numeric order for snowflakes (string order is wrong across digit counts).
pub(crate) fn snowflake_value(id: &str) -> u64 {
    id.parse().unwrap_or(0)
}

fn string_field(user: &Map<String, Value>, key: &str) -> Result<String, EmulatorError> {
    user.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| EmulatorError::BadFixtures(format!("user field {key} must be a string")))
}

fn check_unique_ids(users: &[FixtureUser]) -> Result<(), EmulatorError> {
    let mut seen = std::collections::HashSet::new();
    match users.iter().find(|u| !seen.insert(u.id.as_str())) {
        Some(dup) => Err(EmulatorError::BadFixtures(format!(
            "user id {} appears twice",
            dup.id
        ))),
        None => Ok(()),
    }
}

fn index_guild_images(users: &[FixtureUser]) -> HashMap<String, (Option<String>, Option<String>)> {
    users
        .iter()
        .flat_map(|u| &u.guilds)
        .map(|g| (g.id.clone(), (g.icon.clone(), g.banner.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_fixtures_load_with_expected_users() {
        let f = Fixtures::builtin();
        for id in [
            ids::AVA,
            ids::DMITRI,
            ids::HANAKO,
            ids::LAYLA,
            ids::OLD_GUARD,
            ids::MALLORY,
        ] {
            assert!(f.user(id).is_some(), "{id}");
        }
        assert_eq!(f.user(ids::HANAKO).unwrap().guilds.len(), 200);
        assert!(f.user(ids::LAYLA).unwrap().guilds.is_empty());
    }

    #[test]
    fn snowflake_shape() {
        assert!(is_snowflake("94108243765297152"));
        assert!(!is_snowflake("0123"));
        assert!(!is_snowflake("99999999999999999999"));
        assert!(!is_snowflake(""));
    }
}
