use std::fmt;
use std::str::FromStr;

/// A Discord application's id (the "Application ID" of the developer portal): a snowflake,
/// that is up to 20 decimal digits. Checked once, when it is parsed; it is also safe to put
/// in a URL scheme (`discord-<id>:`), which is why the deep-link redirect takes only this.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientId(String);

/// Why a text is not a client id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "a Discord client id is a number of up to 20 digits (the Application ID in the developer portal)"
)]
pub struct InvalidClientId;

impl FromStr for ClientId {
    type Err = InvalidClientId;

    /// Surrounding blanks are ignored, as when the id is pasted.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let id = text.trim();
        if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidClientId);
        }
        Ok(Self(id.to_owned()))
    }
}

impl ClientId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_up_to_twenty_digits_make_a_client_id() {
        assert_eq!(" 1234 ".parse::<ClientId>().unwrap().as_str(), "1234");
        assert!("12345678901234567890".parse::<ClientId>().is_ok());
        for bad in [
            "",
            "  ",
            "abc",
            "12/x",
            "-1",
            "123456789012345678901",
            "12 34",
        ] {
            assert_eq!(bad.parse::<ClientId>(), Err(InvalidClientId), "{bad:?}");
        }
    }
}
