//! Tokens and the optional client secret in the OS keychain. Filled in by issue 4.
