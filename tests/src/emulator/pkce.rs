//! PKCE (RFC 7636) as Discord enforces it: S256 only, verifiers of 43–128 characters from
//! the unreserved set. Public so that tests can make a verifier/challenge pair the same way
//! a client would.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use sha2::{Digest, Sha256};

/// The characters RFC 7636 allows in a verifier.
fn is_verifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

/// Whether `value` is shaped like a verifier (also used for challenges, which Discord
/// expects to be the 43-character S256 output).
pub(crate) fn well_formed(value: &str) -> bool {
    (43..=128).contains(&value.len()) && value.chars().all(is_verifier_char)
}

/// `BASE64URL-NOPAD(SHA256(verifier))`.
pub fn challenge_for(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A fresh random 64-character verifier.
pub fn new_verifier() -> String {
    let bytes: [u8; 48] = rand::rng().random();
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_example() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            challenge_for(verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(well_formed(verifier));
        assert!(!well_formed("short"));
        assert!(!well_formed(&"a".repeat(129)));
        assert!(!well_formed(&format!("{}+", "a".repeat(43))));
    }
}
