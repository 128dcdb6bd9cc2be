//! A faithful stand-in for the parts of Discord Linkcord uses (DESIGN.md §3). Filled in by
//! issue 3.
