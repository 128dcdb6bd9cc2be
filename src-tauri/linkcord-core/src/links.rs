//! Parsing of the links the operating system hands Linkcord.
//!
//! A link arrives from outside (a web page, another program, a second launch), so it is hostile
//! until proven otherwise: it is size-capped, must use one of our schemes, and may only name an
//! action we know with well-formed arguments. Nothing here acts on a link; the shell does.

use url::Url;

use crate::discord::UserId;

/// The longest link Linkcord will look at. An OAuth callback (code + state + error text) fits
/// comfortably; anything longer is refused unread.
pub const MAX_LINK_LEN: usize = 2048;

/// Linkcord's own scheme: `linkcord://login`, `linkcord://switch/<user id>`.
pub const APP_SCHEME: &str = "linkcord";

/// What a link asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppLink {
    /// `linkcord://login`: start signing in a (new) account.
    Login,
    /// `linkcord://switch/<user id>`: make that account the active one.
    Switch(UserId),
    /// `discord-<client id>:/authorize/callback?…`: Discord sending the browser back in
    /// deep-link redirect mode. The query is checked by the sign-in engine (state first).
    OAuthCallback(Url),
}

/// Why a link was refused. The message is shown to the user as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link is too long ({0} characters) and was ignored")]
    TooLong(usize),
    #[error("'{0}' is not a link Linkcord understands")]
    NotALink(String),
    #[error("links for '{0}:' are not Linkcord's")]
    ForeignScheme(String),
    #[error(
        "Linkcord does not know the action '{0}'; use linkcord://login or linkcord://switch/<account id>"
    )]
    UnknownAction(String),
    #[error("the account id in the link is not valid: {0}")]
    BadAccountId(String),
    #[error("the sign-in link is not for this Discord application")]
    ForeignCallback,
}

/// Parses a link given on the command line, by the single-instance plugin or by the
/// deep-link plugin. `client_id` is the configured Discord application, whose
/// `discord-<client id>:` scheme carries OAuth callbacks.
pub fn parse(text: &str, client_id: Option<&str>) -> Result<AppLink, LinkError> {
    if text.len() > MAX_LINK_LEN {
        return Err(LinkError::TooLong(text.len()));
    }
    let url = Url::parse(text.trim()).map_err(|_| LinkError::NotALink(shorten(text)))?;
    let scheme = url.scheme();
    if scheme == APP_SCHEME {
        return parse_app_link(&url);
    }
    if let Some(id) = scheme.strip_prefix("discord-") {
        return match client_id {
            Some(expected) if expected == id && url.path() == "/authorize/callback" => {
                Ok(AppLink::OAuthCallback(url))
            }
            _ => Err(LinkError::ForeignCallback),
        };
    }
    Err(LinkError::ForeignScheme(shorten(scheme)))
}

fn parse_app_link(url: &Url) -> Result<AppLink, LinkError> {
    // `linkcord://switch/123` parses with host "switch" and path "/123".
    let action = url.host_str().unwrap_or_default();
    let rest: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
    match (action, rest.as_slice()) {
        ("login", []) => Ok(AppLink::Login),
        ("switch", [id]) => {
            let id = percent_decode(id);
            id.parse()
                .map(AppLink::Switch)
                .map_err(|e: crate::discord::InvalidSnowflake| LinkError::BadAccountId(e.0))
        }
        ("switch", _) => Err(LinkError::BadAccountId(shorten(url.path()))),
        _ => Err(LinkError::UnknownAction(shorten(action))),
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Keeps error messages short and printable whatever the link held.
fn shorten(s: &str) -> String {
    let clean: String = s.chars().filter(|c| !c.is_control()).take(60).collect();
    if s.chars().count() > 60 {
        format!("{clean}…")
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_links_parse() {
        assert_eq!(parse("linkcord://login", None), Ok(AppLink::Login));
        assert_eq!(parse("linkcord://login/", None), Ok(AppLink::Login));
        assert_eq!(
            parse("linkcord://switch/80351110224678912", None),
            Ok(AppLink::Switch("80351110224678912".parse().unwrap()))
        );
    }

    #[test]
    fn hostile_links_are_refused() {
        let long = format!("linkcord://switch/{}", "1".repeat(MAX_LINK_LEN));
        assert!(matches!(parse(&long, None), Err(LinkError::TooLong(_))));
        assert!(matches!(
            parse("linkcord://switch/../../etc", None),
            Err(LinkError::BadAccountId(_))
        ));
        assert!(matches!(
            parse("linkcord://switch/12%2F34", None),
            Err(LinkError::BadAccountId(_))
        ));
        assert!(matches!(
            parse("linkcord://switch/1/2", None),
            Err(LinkError::BadAccountId(_))
        ));
        assert!(matches!(
            parse("linkcord://switch", None),
            Err(LinkError::BadAccountId(_))
        ));
        assert!(matches!(
            parse("linkcord://format-disk", None),
            Err(LinkError::UnknownAction(_))
        ));
        assert!(matches!(
            parse("https://evil.example", None),
            Err(LinkError::ForeignScheme(_))
        ));
        assert!(
            matches!(parse("not a link\u{7}", None), Err(LinkError::NotALink(m)) if !m.contains('\u{7}'))
        );
    }

    #[test]
    fn oauth_callbacks_must_be_for_our_application() {
        let cb = "discord-42:/authorize/callback?code=c&state=s";
        assert!(matches!(
            parse(cb, Some("42")),
            Ok(AppLink::OAuthCallback(_))
        ));
        assert_eq!(parse(cb, Some("43")), Err(LinkError::ForeignCallback));
        assert_eq!(parse(cb, None), Err(LinkError::ForeignCallback));
        assert_eq!(
            parse("discord-42:/elsewhere?code=c", Some("42")),
            Err(LinkError::ForeignCallback)
        );
    }
}
