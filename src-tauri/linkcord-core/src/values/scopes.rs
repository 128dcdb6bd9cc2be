use std::fmt;

use serde::{Deserialize, Serialize};

/// Scopes asked for when the user has not chosen others.
pub const DEFAULT_SCOPES: [&str; 4] = ["identify", "email", "connections", "guilds"];

/// Why a list of scopes cannot be used to sign in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the scopes must include `identify`, which Linkcord needs to know who signed in")]
pub struct MissingIdentify;

/// A set of OAuth2 scopes, kept in the order given, without duplicates.
///
/// Serialised as a list of strings; written to Discord as one space-separated string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Scopes(Vec<String>);

impl Default for Scopes {
    fn default() -> Self {
        Self::new(DEFAULT_SCOPES)
    }
}

impl Scopes {
    /// Scopes from any list of names; blanks and repeats are dropped.
    pub fn new<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut out: Vec<String> = Vec::new();
        for name in names {
            let name = name.as_ref().trim();
            if !name.is_empty() && !out.iter().any(|s| s == name) {
                out.push(name.to_owned());
            }
        }
        Self(out)
    }

    /// Parses Discord's space-separated `scope` field.
    pub fn parse(text: &str) -> Self {
        Self::new(text.split([' ', ',']))
    }

    /// The scopes a sign-in may ask for: they must include `identify`, without which
    /// Linkcord cannot know who signed in.
    pub fn for_sign_in<I, S>(names: I) -> Result<Self, MissingIdentify>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let scopes = Self::new(names);
        if scopes.contains("identify") {
            Ok(scopes)
        } else {
            Err(MissingIdentify)
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|s| s == name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_space_separated() {
        let s = Scopes::parse("identify  email identify,guilds");
        assert_eq!(s.to_string(), "identify email guilds");
        assert!(s.contains("email"));
        assert_eq!(
            Scopes::default().to_string(),
            "identify email connections guilds"
        );
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"["identify","email","guilds"]"#
        );
        assert!(Scopes::for_sign_in(["email", "identify"]).is_ok());
        assert_eq!(Scopes::for_sign_in(["email"]), Err(MissingIdentify));
    }
}
