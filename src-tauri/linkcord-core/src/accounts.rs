//! The non-secret account index and cache. Filled in by issue 4.
