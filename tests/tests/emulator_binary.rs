//! The `discord-emulator` binary: its first stdout line is the URL, it serves what the
//! library serves, honours its flags, and exits cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_discord-emulator");

/// A running binary, killed if a test panics before stopping it.
struct Spawned {
    child: Child,
    url: String,
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(args: &[&str]) -> Spawned {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("a first line");
    let url = first
        .trim_end()
        .strip_prefix("DISCORD_EMULATOR_URL=")
        .unwrap_or_else(|| panic!("first line was {first:?}"))
        .to_owned();
    Spawned { child, url }
}

#[tokio::test]
async fn prints_its_url_first_and_serves_until_sigterm() {
    let mut spawned = spawn(&["--port", "0", "--latency-ms", "1"]);
    let rest = spawned
        .url
        .strip_prefix("http://127.0.0.1:")
        .expect("loopback URL");
    let port: u16 = rest.parse().expect("a port");
    assert_ne!(port, 0);

    let users: Value = reqwest::get(format!("{}/_emulator/users", spawned.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(users.as_array().unwrap().len() >= 3);
    let config: Value = reqwest::get(format!("{}/_emulator/config", spawned.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["public_client"], true);
    assert_eq!(config["latency_ms"], 1);
    let registered = config["redirect_uris"].as_array().unwrap();
    assert_eq!(registered[0], "http://127.0.0.1/callback");
    assert_eq!(registered[1], "http://127.0.0.1:53134/callback");
    assert!(
        registered[2]
            .as_str()
            .unwrap()
            .ends_with(":/authorize/callback")
    );

    let pid = spawned.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let status = spawned.child.wait().unwrap();
    assert!(status.success(), "SIGTERM is a clean exit, got {status}");
}

#[tokio::test]
async fn flags_set_client_secret_redirects_and_users() {
    let mut users = tempfile::NamedTempFile::new().unwrap();
    let fixture = serde_json::json!({ "users": [ {
        "user": {
            "id": "123456789012345678", "username": "solo", "discriminator": "0",
            "global_name": null, "avatar": null, "public_flags": 0, "flags": 0,
            "mfa_enabled": false, "locale": "en-GB"
        },
        "generated_guilds": { "count": 3, "first_id": "200000000000000000" }
    } ] });
    users.write_all(fixture.to_string().as_bytes()).unwrap();
    let path = users.path().to_str().unwrap().to_owned();
    let spawned = spawn(&[
        "--client-id",
        "111111111111111111",
        "--client-secret",
        "hush",
        "--redirect-uri",
        "http://127.0.0.1:7777/cb",
        "--users",
        &path,
        "--token-ttl",
        "120",
    ]);
    let config: Value = reqwest::get(format!("{}/_emulator/config", spawned.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["client_id"], "111111111111111111");
    assert_eq!(config["public_client"], false);
    assert_eq!(
        config["redirect_uris"],
        serde_json::json!(["http://127.0.0.1:7777/cb"])
    );
    assert_eq!(config["token_ttl_seconds"], 120.0);
    let users: Value = reqwest::get(format!("{}/_emulator/users", spawned.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(users[0]["username"], "solo");
    assert_eq!(users[0]["guild_count"], 3);
}

#[test]
fn help_documents_the_defaults_and_bad_files_fail_plainly() {
    let help = Command::new(BIN).arg("--help").output().unwrap();
    let text = String::from_utf8(help.stdout).unwrap();
    for needle in [
        "--port",
        "--client-id",
        "1300000000000000042",
        "--client-secret",
        "--redirect-uri",
        "http://127.0.0.1/callback",
        "--users",
        "--token-ttl",
        "604800",
        "--latency-ms",
    ] {
        assert!(text.contains(needle), "--help lacks {needle}");
    }
    let missing = Command::new(BIN)
        .args(["--users", "/nonexistent/users.json"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/users.json"));
    assert!(
        missing.stdout.is_empty(),
        "no URL line when it cannot serve"
    );
}
