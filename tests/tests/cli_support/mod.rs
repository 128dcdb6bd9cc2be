//! Moved to `linkcord_tests::cli` (tests/src/cli.rs); kept only for the suites that still
//! say `mod cli_support;`. New suites: `use linkcord_tests::cli::*;`.

#[allow(unused_imports, reason = "each suite uses its own part of the helpers")]
pub use linkcord_tests::cli::*;
