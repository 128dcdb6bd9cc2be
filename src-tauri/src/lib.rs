//! The Linkcord shell.
pub fn run() -> i32 {
    0
}
