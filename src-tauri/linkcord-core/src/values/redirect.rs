use std::fmt;

use url::Url;

use super::ClientId;

/// Where Discord sends the browser after consent: exactly the string sent in the authorize
/// request and again in the code exchange (Discord compares them byte for byte).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectUri {
    /// `http://127.0.0.1:<port>/callback`, the port actually listened on. With port 0 in the
    /// settings the app registers `http://127.0.0.1/callback` and Discord accepts any port,
    /// but the URI sent still names the real one.
    Loopback { port: u16 },
    /// `discord-<client_id>:/authorize/callback`, handed to Linkcord by the OS.
    DeepLink { client_id: ClientId },
}

/// What to register in the developer portal for a loopback sign-in on any free port: Discord
/// accepts it for every port of the same host and path.
pub const LOOPBACK_ANY_PORT: &str = "http://127.0.0.1/callback";

impl RedirectUri {
    pub fn as_url(&self) -> Url {
        Url::parse(&self.to_string()).expect("redirect URIs are built from checked parts")
    }

    /// The scheme of the deep-link form, `discord-<client_id>`.
    pub fn deep_link_scheme(client_id: &(impl fmt::Display + ?Sized)) -> String {
        format!("discord-{client_id}")
    }

    /// The deep-link form for `client_id` (digits only, so the scheme is always valid).
    pub fn deep_link(client_id: &ClientId) -> Self {
        Self::DeepLink {
            client_id: client_id.clone(),
        }
    }
}

impl fmt::Display for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Loopback { port } => write!(f, "http://127.0.0.1:{port}/callback"),
            Self::DeepLink { client_id } => {
                write!(
                    f,
                    "{}:/authorize/callback",
                    Self::deep_link_scheme(client_id)
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_print_as_discord_expects() {
        assert_eq!(
            RedirectUri::Loopback { port: 53134 }.to_string(),
            "http://127.0.0.1:53134/callback"
        );
        let deep = RedirectUri::deep_link(&"1234".parse().unwrap());
        assert_eq!(deep.to_string(), "discord-1234:/authorize/callback");
        assert_eq!(deep.as_url().scheme(), "discord-1234");
    }
}
