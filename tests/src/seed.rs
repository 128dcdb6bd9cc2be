//! Many signed-in accounts for a test or a benchmark: N generated fixture users for the
//! emulator, and a way to sign each of them in for real.
//!
//! The built-in fixture file has six users, each covering an edge of Discord's data. Tests of
//! what happens with many accounts (a long tray menu, a filter over the account list, switch
//! time with a hundred accounts) need many ordinary ones instead. [`ManyUsers`] makes them
//! (distinct names in several scripts, most with an avatar, a few connections and servers),
//! and [`sign_in_all`] signs them in through `linkcord login` against the emulator, so each
//! account has a real keychain entry, an index entry and a cache file, exactly as a person's
//! sign-ins would leave them.

use std::path::Path;
use std::process::Stdio;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::app::Sandbox;
use crate::emulator::{EmulatorConfig, Fixtures};

/// The built-in fixture users, to add to the generated ones when asked.
const BUILTIN_USERS: &str = include_str!("../fixtures/users.json");

/// Given names, with accents and other scripts so a filter's case and accent folding has
/// something to do. Paired with [`FAMILY`], they give distinct display names.
const GIVEN: [&str; 26] = [
    "Amélie", "Bjørn", "Chloé", "Darius", "Émile", "Fatima", "Grace", "Hiroshi", "Inès", "José",
    "Kai", "Léa", "Mateo", "Noé", "Olga", "Priya", "Quentin", "Rosa", "Søren", "Tomás", "Uma",
    "Vera", "Wei", "Xóchitl", "Yusuf", "Zoë",
];
const FAMILY: [&str; 8] = [
    "Martin",
    "Okafor",
    "Nakamura",
    "Novák",
    "Haddad",
    "Lindqvist",
    "Moreau",
    "Петрова",
];
/// A few connection types per user, taken in turn.
const SERVICES: [&str; 6] = ["github", "twitch", "steam", "spotify", "youtube", "reddit"];
/// The first generated user id: far from the built-in fixtures' ids.
const FIRST_ID: u64 = 1_400_000_000_000_000_000;
/// The first generated guild id, stepped per user so no two users share one.
const FIRST_GUILD_ID: u64 = 1_500_000_000_000_000_000;

/// One generated user: what a test needs to find it in the window, the tray or a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedUser {
    /// The user id (a snowflake), as Discord and `accounts.json` spell it.
    pub id: String,
    /// The Discord username (ASCII, lower case, unique).
    pub username: String,
    /// The display name (`global_name`): a given name and a family name, accents kept
    /// (and a number after the first 208).
    pub display_name: String,
}

/// `n` generated fixture users, optionally after the built-in ones.
#[derive(Debug, Clone)]
pub struct ManyUsers {
    users: Vec<SeedUser>,
    documents: Vec<Value>,
}

impl ManyUsers {
    /// `n` users; user `i` (from 0) has id `1400000000000000000 + (i << 22)`.
    pub fn generate(n: usize) -> Self {
        let (users, documents) = (0..n).map(generated_user).unzip();
        Self { users, documents }
    }

    /// Adds the six built-in fixture users (Ava, Dmitri, …) before the generated ones, for a
    /// test that also wants them. [`ManyUsers::users`] still lists only the generated ones.
    pub fn with_builtin(mut self) -> Self {
        let builtin: Value = serde_json::from_str(BUILTIN_USERS).expect("built-in fixtures");
        let mut documents = builtin["users"].as_array().cloned().unwrap_or_default();
        documents.append(&mut self.documents);
        self.documents = documents;
        self
    }

    /// The generated users, in order.
    pub fn users(&self) -> &[SeedUser] {
        &self.users
    }

    /// Their ids, in order.
    pub fn ids(&self) -> Vec<&str> {
        self.users.iter().map(|u| u.id.as_str()).collect()
    }

    /// The fixture document, the shape `--users FILE` reads (tests/EMULATOR.md).
    pub fn to_json(&self) -> String {
        json!({ "users": self.documents }).to_string()
    }

    /// Writes the fixture document for the `discord-emulator` binary's `--users FILE`.
    pub fn write_to(&self, path: &Path) -> std::io::Result<()> {
        std::fs::write(path, self.to_json())
    }

    /// The users as the emulator loads them.
    pub fn fixtures(&self) -> Fixtures {
        Fixtures::from_json(&self.to_json()).expect("generated fixtures are valid")
    }

    /// The emulator's default configuration serving these users (and only them, unless
    /// [`ManyUsers::with_builtin`] added the built-in ones).
    pub fn emulator_config(&self) -> EmulatorConfig {
        EmulatorConfig {
            fixtures: self.fixtures(),
            ..EmulatorConfig::default()
        }
    }
}

/// User `i`'s fixture document and summary.
fn generated_user(i: usize) -> (SeedUser, Value) {
    let given = GIVEN[i % GIVEN.len()];
    let family = FAMILY[(i / GIVEN.len()) % FAMILY.len()];
    let round = i / (GIVEN.len() * FAMILY.len());
    let mut username = format!("{}.{}", ascii_lower(given), ascii_lower(family));
    if round > 0 {
        username.push_str(&round.to_string());
    }
    let id = (FIRST_ID + ((i as u64) << 22)).to_string();
    let mut display_name = format!("{given} {family}");
    if round > 0 {
        display_name.push_str(&format!(" {}", round + 1));
    }
    // Every seventh has no avatar (Discord's default one is shown), every third a banner.
    let avatar = (i % 7 != 6).then(|| fake_hash(&format!("avatar/{id}")));
    let banner = i
        .is_multiple_of(3)
        .then(|| fake_hash(&format!("banner/{id}")));
    let connections: Vec<Value> = (0..1 + i % 3)
        .map(|k| connection(&username, SERVICES[(i + k) % SERVICES.len()]))
        .collect();
    let document = json!({
        "note": format!("generated user {i} (tests/src/seed.rs)"),
        "user": {
            "id": id, "username": username, "discriminator": "0", "global_name": display_name,
            "avatar": avatar, "banner": banner, "accent_color": null,
            "public_flags": 0, "flags": 0, "mfa_enabled": false, "locale": "en-US",
            "premium_type": 0, "email": format!("{username}@example.com"), "verified": true,
        },
        "connections": connections,
        "generated_guilds": {
            "count": 2 + i % 4,
            "first_id": (FIRST_GUILD_ID + ((i as u64) << 32)).to_string(),
            "name_prefix": format!("{given}'s server"),
        },
    });
    let user = SeedUser {
        id,
        username,
        display_name,
    };
    (user, document)
}

fn connection(username: &str, kind: &str) -> Value {
    json!({
        "id": format!("{kind}-{username}"), "name": username, "type": kind, "verified": true,
        "friend_sync": false, "show_activity": true, "two_way_link": false, "visibility": 1,
        "revoked": false,
    })
}

/// The name in plain ASCII lower case, as usernames are: accents dropped, other scripts
/// spelled out.
fn ascii_lower(name: &str) -> String {
    if name == "Петрова" {
        return "petrova".into();
    }
    name.chars()
        .map(|c| match c {
            'á' | 'à' => 'a',
            'é' | 'É' | 'è' | 'ë' => 'e',
            'í' | 'ï' => 'i',
            'ó' | 'ö' | 'ø' => 'o',
            'ú' | 'ü' => 'u',
            other => other.to_ascii_lowercase(),
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// A 32-hex-digit image hash derived from `seed`, shaped like Discord's.
fn fake_hash(seed: &str) -> String {
    Sha256::digest(seed.as_bytes())[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Signs each of `ids` in with `linkcord login`, in order, through a stand-in browser that
/// approves as that user on the emulator's consent page; the last one ends up active. The
/// sandbox must point at an emulator serving these users ([`Sandbox::with_emulator`]) and
/// allow any loopback port ([`Sandbox::with_any_loopback_port`]); its own
/// `LINKCORD_BROWSER`, if any, is left as it was for later sign-ins.
///
/// Each sign-in is a real one: the tokens go to the keychain, the account to `accounts.json`,
/// its snapshot to the cache. Fails with the command's output when one does not succeed.
pub async fn sign_in_all(sandbox: &Sandbox, ids: &[&str]) -> Result<(), String> {
    let scripts = tempfile::tempdir().map_err(|e| format!("a temp dir: {e}"))?;
    let browser = scripts.path().join("approve.sh");
    // The user to approve as travels in the environment the browser inherits from `linkcord`.
    std::fs::write(
        &browser,
        "#!/bin/sh\nexec curl -sS -o /dev/null -L --max-time 30 \"$1&approve_as=$SEED_APPROVE_AS\"\n",
    )
    .map_err(|e| format!("writing the stand-in browser: {e}"))?;
    make_executable(&browser)?;
    for id in ids {
        let mut command = tokio::process::Command::from(sandbox.command(&[
            "--quiet",
            "login",
            "--timeout",
            "30",
        ]));
        command
            .env("LINKCORD_BROWSER", &browser)
            .env("SEED_APPROVE_AS", id)
            .stdin(Stdio::null())
            .kill_on_drop(true);
        let out = command
            .output()
            .await
            .map_err(|e| format!("running linkcord login: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "linkcord login as {id}: {}; {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    Ok(())
}

fn make_executable(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("chmod {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hundred_users_load_with_distinct_ids_usernames_and_names() {
        let many = ManyUsers::generate(250);
        let fixtures = many.fixtures();
        assert_eq!(fixtures.users().len(), 250);
        let distinct = |f: fn(&SeedUser) -> &str| {
            let set: std::collections::HashSet<&str> = many.users().iter().map(f).collect();
            set.len()
        };
        assert_eq!(distinct(|u| &u.id), 250);
        assert_eq!(distinct(|u| &u.username), 250);
        assert_eq!(distinct(|u| &u.display_name), 250);
        for user in many.users() {
            let served = fixtures.user(&user.id).expect("served");
            assert_eq!(served.username, user.username);
            assert_eq!(served.display_name(), user.display_name);
            assert!(user.username.is_ascii(), "{}", user.username);
            assert!(!served.guilds.is_empty() && !served.connections.is_empty());
        }
    }

    #[test]
    fn with_builtin_keeps_the_six_fixture_users_first() {
        let many = ManyUsers::generate(3).with_builtin();
        let fixtures = many.fixtures();
        assert_eq!(fixtures.users().len(), 9);
        assert!(fixtures.user(crate::emulator::ids::AVA).is_some());
        assert_eq!(many.users().len(), 3);
    }
}
