//! PKCE, state, the authorize URL, the loopback redirect listener, deep-link callbacks, code
//! exchange, refresh and revoke. Filled in by the sign-in work (issue 4).
