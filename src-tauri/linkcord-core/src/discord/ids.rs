use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;

/// A Discord user id: a snowflake, serialised as a string of digits, as Discord does.
///
/// Parsing checks the form, so a hostile deep link or a damaged file can never smuggle a path
/// or a URL fragment into a keychain entry name or a CDN URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, TS)]
#[ts(type = "string")]
pub struct UserId(String);

/// The text was not a snowflake (1 to 20 decimal digits, no leading zero, fits in 64 bits).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a Discord id (a number of up to 20 digits)")]
pub struct InvalidSnowflake(pub String);

impl UserId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as a number, for formulas such as the default avatar index.
    pub fn as_u64(&self) -> u64 {
        self.0.parse().expect("checked when parsed")
    }
}

impl FromStr for UserId {
    type Err = InvalidSnowflake;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = !s.is_empty()
            && s.len() <= 20
            && s.bytes().all(|b| b.is_ascii_digit())
            && (s == "0" || !s.starts_with('0'))
            && s.parse::<u64>().is_ok();
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            let shown: String = s.chars().take(40).collect();
            Err(InvalidSnowflake(shown))
        }
    }
}

impl Serialize for UserId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for UserId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_ids_and_refuses_everything_else() {
        assert_eq!(
            "80351110224678912".parse::<UserId>().unwrap().as_u64(),
            80351110224678912
        );
        for bad in [
            "",
            "12a",
            "../etc",
            "-1",
            "01",
            "18446744073709551616",
            "1 2",
        ] {
            assert!(bad.parse::<UserId>().is_err(), "{bad:?} must be refused");
        }
        assert!(serde_json::from_str::<UserId>("\"x\"").is_err());
        assert_eq!(
            serde_json::to_string(&"42".parse::<UserId>().unwrap()).unwrap(),
            "\"42\""
        );
    }
}
