use url::{Host, Url};

use super::ConfigError;

/// Where Discord and its CDN are. Real services by default; the emulator in tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    discord: Url,
    cdn: Url,
}

impl Default for Endpoints {
    fn default() -> Self {
        Self {
            discord: Url::parse("https://discord.com").expect("static URL"),
            cdn: Url::parse("https://cdn.discordapp.com").expect("static URL"),
        }
    }
}

impl Endpoints {
    /// Builds endpoints from two base URLs, refusing plain http anywhere but loopback so a
    /// mistyped variable can never send a token over the network in clear text.
    pub fn new(discord: &str, cdn: &str) -> Result<Self, ConfigError> {
        Ok(Self {
            discord: parse_base("LINKCORD_DISCORD_URL", discord)?,
            cdn: parse_base("LINKCORD_CDN_URL", cdn)?,
        })
    }

    /// The Discord base, e.g. `https://discord.com`.
    pub fn discord_base(&self) -> &Url {
        &self.discord
    }

    /// The CDN base, e.g. `https://cdn.discordapp.com`.
    pub fn cdn_base(&self) -> &Url {
        &self.cdn
    }

    pub fn authorize_url(&self) -> Url {
        join(&self.discord, "oauth2/authorize")
    }

    pub fn token_url(&self) -> Url {
        join(&self.discord, "api/oauth2/token")
    }

    pub fn revoke_url(&self) -> Url {
        join(&self.discord, "api/oauth2/token/revoke")
    }

    /// `{base}/api/v10/{path}`.
    pub fn api_url(&self, path: &str) -> Url {
        join(
            &self.discord,
            &format!("api/v10/{}", path.trim_start_matches('/')),
        )
    }

    /// `{cdn}/{path}`.
    pub fn cdn_url(&self, path: &str) -> Url {
        join(&self.cdn, path.trim_start_matches('/'))
    }
}

fn join(base: &Url, path: &str) -> Url {
    // The base may carry a path prefix (the emulator's CDN lives under `/cdn`): keep it.
    let mut url = base.clone();
    let prefix = base.path().trim_end_matches('/');
    url.set_path(&format!("{prefix}/{path}"));
    url
}

fn parse_base(name: &'static str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value.trim()).map_err(|e| ConfigError::BadUrl {
        name,
        value: value.to_owned(),
        reason: e.to_string(),
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(ConfigError::InsecureUrl {
            name,
            value: value.to_owned(),
        }),
        other => Err(ConfigError::BadUrl {
            name,
            value: value.to_owned(),
            reason: format!("scheme '{other}' is not http or https"),
        }),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_real_services() {
        let e = Endpoints::default();
        assert_eq!(
            e.token_url().as_str(),
            "https://discord.com/api/oauth2/token"
        );
        assert_eq!(
            e.api_url("users/@me").as_str(),
            "https://discord.com/api/v10/users/@me"
        );
        assert_eq!(
            e.cdn_url("avatars/1/a.png").as_str(),
            "https://cdn.discordapp.com/avatars/1/a.png"
        );
    }

    #[test]
    fn http_is_only_accepted_for_loopback() {
        assert!(Endpoints::new("http://127.0.0.1:9000", "http://localhost:9000/cdn").is_ok());
        assert!(Endpoints::new("http://[::1]:9000", "https://cdn.example").is_ok());
        let err = Endpoints::new("http://discord.example", "https://cdn.example").unwrap_err();
        assert!(matches!(err, ConfigError::InsecureUrl { .. }), "{err}");
        assert!(Endpoints::new("ftp://127.0.0.1", "https://cdn.example").is_err());
        assert!(Endpoints::new("not a url", "https://cdn.example").is_err());
    }

    #[test]
    fn a_path_prefix_on_the_base_is_kept() {
        let e = Endpoints::new("http://127.0.0.1:1/", "http://127.0.0.1:1/cdn").unwrap();
        assert_eq!(
            e.revoke_url().as_str(),
            "http://127.0.0.1:1/api/oauth2/token/revoke"
        );
        assert_eq!(
            e.cdn_url("/icons/1/x.png").as_str(),
            "http://127.0.0.1:1/cdn/icons/1/x.png"
        );
    }
}
