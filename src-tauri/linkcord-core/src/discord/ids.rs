//! Typed Discord ids.
//!
//! Discord ids are 64-bit "snowflakes" sent as JSON strings. Keeping them in their own types
//! means a user id can never be passed where a guild id is expected, and parsing checks the
//! form, so a hostile deep link or a damaged file can never smuggle a path or a URL fragment
//! into a keychain entry name or a CDN URL.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;

/// The text was not a snowflake (1 to 20 decimal digits, no leading zero, fits in 64 bits).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a Discord id (a number of up to 20 digits)")]
pub struct InvalidSnowflake(pub String);

/// Checks the snowflake form and returns the number it stands for.
fn parse_snowflake(s: &str) -> Result<u64, InvalidSnowflake> {
    let well_formed = !s.is_empty()
        && s.len() <= 20
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'));
    match s.parse::<u64>() {
        Ok(n) if well_formed => Ok(n),
        _ => Err(InvalidSnowflake(s.chars().take(40).collect())),
    }
}

/// Declares a string-backed snowflake id type with parsing, serde and TypeScript support.
macro_rules! snowflake_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, TS)]
        #[ts(type = "string")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id as a number, for formulas such as the default avatar index.
            pub fn as_u64(&self) -> u64 {
                // The form was checked when the value was parsed, so this cannot fail; 0 keeps
                // the promise never to panic even if that ever changed.
                self.0.parse().unwrap_or(0)
            }
        }

        impl FromStr for $name {
            type Err = InvalidSnowflake;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_snowflake(s).map(|_| Self(s.to_owned()))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

snowflake_id!(
    /// A Discord user id.
    UserId
);

snowflake_id!(
    /// A Discord server ("guild") id.
    GuildId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_ids_and_refuses_everything_else() {
        assert_eq!(
            "80351110224678912".parse::<UserId>().unwrap().as_u64(),
            80351110224678912
        );
        assert_eq!(
            "18446744073709551615".parse::<GuildId>().unwrap().as_u64(),
            u64::MAX
        );
        for bad in [
            "",
            "12a",
            "../etc",
            "-1",
            "01",
            "18446744073709551616",
            "1 2",
            "+1",
            "١٢",
        ] {
            assert!(bad.parse::<UserId>().is_err(), "{bad:?} must be refused");
            assert!(bad.parse::<GuildId>().is_err(), "{bad:?} must be refused");
        }
        assert!(serde_json::from_str::<UserId>("\"x\"").is_err());
        assert!(serde_json::from_str::<UserId>("42").is_err());
        assert_eq!(
            serde_json::to_string(&"42".parse::<UserId>().unwrap()).unwrap(),
            "\"42\""
        );
    }

    #[test]
    fn an_invalid_id_is_not_echoed_at_length() {
        let long = "x".repeat(500);
        let err = long.parse::<GuildId>().unwrap_err();
        assert!(err.to_string().len() < 120, "{err}");
    }
}
