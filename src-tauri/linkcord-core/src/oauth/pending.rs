use oauth2::{CsrfToken, PkceCodeChallenge, PkceCodeVerifier};
use sha2::{Digest, Sha256};
use url::Url;

use super::{RedirectUri, Scopes};

/// One sign-in in progress: the state and PKCE verifier it was started with, where Discord
/// will send the browser back, and the authorize URL to open.
///
/// Created by [`OAuthClient::start`](super::OAuthClient::start). Lives only in memory; its
/// `Debug` hides the state and the verifier.
pub struct PendingLogin {
    pub(crate) state: CsrfToken,
    pub(crate) verifier: PkceCodeVerifier,
    pub(crate) redirect: RedirectUri,
    pub(crate) scopes: Scopes,
    pub(crate) authorize_url: Url,
}

impl std::fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingLogin")
            .field("redirect", &self.redirect)
            .field("scopes", &self.scopes)
            .field("state", &"[redacted]")
            .field("verifier", &"[redacted]")
            .finish()
    }
}

impl PendingLogin {
    /// A fresh random state and S256 PKCE pair (the verifier is 43 characters of RFC 7636's
    /// alphabet from 32 random bytes).
    pub(crate) fn fresh() -> (CsrfToken, PkceCodeVerifier, PkceCodeChallenge) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        (CsrfToken::new_random(), verifier, challenge)
    }

    /// The URL to open in the browser. It holds the state and the PKCE challenge (public by
    /// design), never the verifier.
    pub fn authorize_url(&self) -> &Url {
        &self.authorize_url
    }

    pub fn redirect_uri(&self) -> &RedirectUri {
        &self.redirect
    }

    pub fn scopes(&self) -> &Scopes {
        &self.scopes
    }

    /// What a callback's state is checked against (a hash, so it can be shared with the
    /// listener's connection tasks without copying the state itself around).
    pub(crate) fn state_check(&self) -> StateCheck {
        StateCheck(Sha256::digest(self.state.secret().as_bytes()).into())
    }
}

/// The hash of a sign-in's state. Comparing hashes keeps the time taken from telling an
/// attacker how much of a guessed state was right.
#[derive(Clone, Copy)]
pub(crate) struct StateCheck([u8; 32]);

impl StateCheck {
    pub(crate) fn matches(&self, candidate: &str) -> bool {
        let hash: [u8; 32] = Sha256::digest(candidate.as_bytes()).into();
        hash == self.0
    }
}
