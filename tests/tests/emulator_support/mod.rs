//! Moved to `linkcord_tests::emulator_client` (tests/src/emulator_client.rs); kept only for
//! the suites that still say `mod emulator_support;`. New suites:
//! `use linkcord_tests::emulator_client::*;`.

#[allow(unused_imports, reason = "each suite uses its own part of the helpers")]
pub use linkcord_tests::emulator_client::*;
