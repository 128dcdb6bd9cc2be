//! The checks every redirect goes through, whether it arrives over loopback or as a deep link:
//! the state first, then Discord's answer.

use std::borrow::Cow;

use url::Url;

use super::pending::StateCheck;
use super::{AuthorizationCode, OAuthError, PendingLogin, RedirectUri};

/// What a redirect's query says, for a given sign-in.
#[derive(Debug)]
pub(crate) enum Callback {
    /// The right state and a code.
    Code(AuthorizationCode),
    /// The right state and `error=access_denied`: the user pressed Cancel in Discord.
    Denied,
    /// The right state and another error from Discord.
    Failed {
        code: String,
        description: Option<String>,
    },
    /// No state, or not ours: not for this sign-in. Never ends it.
    WrongState,
    /// The right state but neither a code nor an error.
    Incomplete,
}

pub(crate) fn check_query<'a>(
    pairs: impl Iterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
    expected: &StateCheck,
) -> Callback {
    let (mut states, mut code, mut error, mut description) = (Vec::new(), None, None, None);
    for (name, value) in pairs {
        match name.as_ref() {
            "state" => states.push(value.into_owned()),
            "code" if code.is_none() => code = Some(value.into_owned()),
            "error" if error.is_none() => error = Some(value.into_owned()),
            "error_description" if description.is_none() => description = Some(value.into_owned()),
            _ => {}
        }
    }
    // Exactly one state, and ours: checked before anything else is looked at.
    if states.len() != 1 || !expected.matches(&states[0]) {
        return Callback::WrongState;
    }
    match (error, code) {
        (Some(e), _) if e == "access_denied" => Callback::Denied,
        (Some(e), _) => Callback::Failed {
            code: e
                .chars()
                .filter(|c| c.is_ascii_graphic())
                .take(60)
                .collect(),
            description: OAuthError::clean_description(description.as_deref()),
        },
        (None, Some(c)) if !c.is_empty() => Callback::Code(AuthorizationCode::new(c)),
        _ => Callback::Incomplete,
    }
}

/// Checks a deep link the OS handed over (`discord-<client_id>:/authorize/callback?…`) against
/// the sign-in in progress and returns its code.
pub fn parse_deep_link_callback(
    url: &str,
    expected: &PendingLogin,
) -> Result<AuthorizationCode, OAuthError> {
    let RedirectUri::DeepLink { client_id } = &expected.redirect else {
        return Err(OAuthError::NotACallback(
            "this sign-in waits for the browser on 127.0.0.1, not for a link".into(),
        ));
    };
    let url =
        Url::parse(url.trim()).map_err(|_| OAuthError::NotACallback("not a valid link".into()))?;
    let scheme = RedirectUri::deep_link_scheme(client_id);
    if !url.scheme().eq_ignore_ascii_case(&scheme)
        || url.host().is_some()
        || url.path() != "/authorize/callback"
    {
        return Err(OAuthError::NotACallback(format!(
            "expected a link starting with {scheme}:/authorize/callback"
        )));
    }
    match check_query(url.query_pairs(), &expected.state_check()) {
        Callback::Code(code) => Ok(code),
        Callback::WrongState => Err(OAuthError::StateMismatch),
        Callback::Denied => Err(OAuthError::AccessDenied),
        Callback::Failed { code, description } => {
            Err(OAuthError::AuthorizationFailed { code, description })
        }
        Callback::Incomplete => Err(OAuthError::NotACallback(
            "the link has neither a code nor an error".into(),
        )),
    }
}
