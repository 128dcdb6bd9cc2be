use super::{Environment, RedirectMode, Settings};
use crate::values::{ClientId, InvalidClientId, LOOPBACK_ANY_PORT, RedirectUri, Scopes};

/// The configuration a sign-in runs with: the saved settings under the environment's
/// overrides. Sign-in, `linkcord doctor` and the window's setup screen all read this one
/// value, so what doctor prints and the window shows is what sign-in sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InForce {
    /// The client id as given (`LINKCORD_CLIENT_ID` over the saved one); not yet checked, so
    /// doctor can show a wrong one. [`InForce::client_id`] checks it.
    pub client_id_text: Option<String>,
    pub redirect: RedirectMode,
    /// Loopback port; 0: any free port.
    pub port: u16,
    pub scopes: Scopes,
}

impl Environment {
    /// The configuration in force with `saved` (see [`InForce`]).
    pub fn in_force(&self, saved: &Settings) -> InForce {
        InForce {
            // The environment's client id wins over the saved one: the only place this is
            // decided.
            client_id_text: self.client_id.clone().or_else(|| saved.client_id.clone()),
            redirect: saved.redirect,
            port: saved.port,
            scopes: Scopes::new(&saved.scopes),
        }
    }
}

impl InForce {
    /// The client id in force: `None` when none is set, an error when it is not a valid one.
    pub fn client_id(&self) -> Option<Result<ClientId, InvalidClientId>> {
        self.client_id_text.as_deref().map(str::parse)
    }

    /// The redirect URI to register in Discord's developer portal, exactly as the authorize
    /// request sends it. `None` in deep-link mode without a valid client id.
    pub fn redirect_uri(&self) -> Option<String> {
        let id = self.client_id().and_then(Result::ok);
        redirect_to_register(self.redirect, self.port, id.as_ref())
    }
}

/// The redirect URI to register for a mode, port and client id.
pub(super) fn redirect_to_register(
    mode: RedirectMode,
    port: u16,
    client_id: Option<&ClientId>,
) -> Option<String> {
    match mode {
        RedirectMode::Loopback if port == 0 => Some(LOOPBACK_ANY_PORT.to_owned()),
        RedirectMode::Loopback => Some(RedirectUri::Loopback { port }.to_string()),
        RedirectMode::DeepLink => client_id.map(|id| RedirectUri::deep_link(id).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(client_id: Option<&str>) -> Environment {
        Environment::from_lookup(|k| match k {
            "LINKCORD_DATA_DIR" => Some("/x".into()),
            "LINKCORD_CLIENT_ID" => client_id.map(str::to_owned),
            _ => None,
        })
        .unwrap()
    }

    #[test]
    fn the_environment_client_id_wins_over_the_saved_one() {
        let saved = Settings {
            client_id: Some("111".into()),
            redirect: RedirectMode::DeepLink,
            ..Settings::default()
        };
        let conf = env(Some("222")).in_force(&saved);
        assert_eq!(conf.client_id_text.as_deref(), Some("222"));
        assert_eq!(
            conf.redirect_uri().as_deref(),
            Some("discord-222:/authorize/callback")
        );
        let conf = env(None).in_force(&saved);
        assert_eq!(conf.client_id_text.as_deref(), Some("111"));
    }

    #[test]
    fn a_bad_client_id_is_reported_and_registers_no_deep_link() {
        let saved = Settings {
            client_id: Some("12/x".into()),
            redirect: RedirectMode::DeepLink,
            ..Settings::default()
        };
        let conf = env(None).in_force(&saved);
        assert_eq!(conf.client_id(), Some(Err(InvalidClientId)));
        assert_eq!(conf.redirect_uri(), None);
        let loopback = Settings {
            port: 0,
            ..Settings::default()
        };
        assert_eq!(
            env(None).in_force(&loopback).redirect_uri().as_deref(),
            Some(LOOPBACK_ANY_PORT)
        );
    }
}
