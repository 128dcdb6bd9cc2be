//! Printing: JSON for scripts on stdout, short human lines, and notes on stderr.
//!
//! Everything a script parses goes to stdout; progress, warnings and "offline" notes go to
//! stderr so they never corrupt it. Nothing printed here ever holds a token: the values come
//! from views and account entries, which have none.
//!
//! `--quiet` silences the notes; colours go through `anstream`, which drops them when the
//! stream is not a terminal, when NO_COLOR is set or with `--color never`.
//!
//! Every line of a result goes through [`line`], never `println!`: `println!` panics when
//! stdout is gone (`linkcord accounts | head -1`), and SIGPIPE stays ignored because the
//! command holds D-Bus sockets. A reader that went away is not our failure: the rest of the
//! output is dropped and the command finishes its work and exits as it would have.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use serde_json::json;

use super::Failure;

/// Prints a value as pretty JSON on stdout.
pub fn json(value: &impl Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => line(text),
        // Only a map with non-string keys fails, and none of ours has one.
        Err(e) => eprintln!("linkcord: could not write JSON: {e}"),
    }
}

/// `{"error": {"code": <exit code>, "message": "..."}}` on stdout, for `--json` callers.
pub fn error_json(failure: &Failure) {
    json(&json!({
        "error": { "code": failure.code.code(), "message": failure.message }
    }));
}

/// A warning that does not stop the command.
pub fn warn(message: impl std::fmt::Display) {
    eprintln!("linkcord: warning: {message}");
}

static QUIET: AtomicBool = AtomicBool::new(false);

/// Applies `--quiet` and `--color` for the rest of the command.
pub fn configure(quiet: bool, color: clap::ColorChoice) {
    QUIET.store(quiet, Ordering::Relaxed);
    let choice = match color {
        clap::ColorChoice::Auto => anstream::ColorChoice::Auto,
        clap::ColorChoice::Always => anstream::ColorChoice::Always,
        clap::ColorChoice::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

/// Whether `--quiet` was given: confirmations the user could do without are left out.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// A progress or information line on stderr; none with `--quiet`.
pub fn note(message: impl std::fmt::Display) {
    if !quiet() {
        eprintln!("{message}");
    }
}

/// A confirmation of what a command did ("Signed in as …") on stdout; none with `--quiet`,
/// where the exit code says it.
pub fn confirm(message: impl std::fmt::Display) {
    if !quiet() {
        line(message);
    }
}

/// Set once stdout's reader has gone away (broken pipe): nothing more is written to it.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
/// Set when stdout refused a line for another reason (a full disk): the command then fails.
static STDOUT_FAILED: AtomicBool = AtomicBool::new(false);

/// One line of the command's result on stdout (colours dropped where `anstream` says so).
pub fn line(text: impl std::fmt::Display) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    if let Err(e) = writeln!(anstream::stdout(), "{text}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
        } else if !STDOUT_FAILED.swap(true, Ordering::Relaxed) {
            eprintln!("linkcord: could not write the output: {e}");
        }
    }
}

/// A whole write to stdout (a completion script, the manual page) whose reader went away
/// counts as done, as for [`line`].
pub fn unless_closed(written: std::io::Result<()>) -> std::io::Result<()> {
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Whether a line could not be written for a reason other than a closed pipe, so a command
/// that otherwise worked still exits with a failure.
pub fn stdout_failed() -> bool {
    STDOUT_FAILED.load(Ordering::Relaxed)
}

/// A line the user must see to go on (the address to open when no browser opened), printed on
/// stderr even with `--quiet`.
pub fn prompt(message: impl std::fmt::Display) {
    eprintln!("{message}");
}

/// `text` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE, for text tables: a name
/// from Discord may hold bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE) that would otherwise
/// reorder the rest of the line in a terminal that applies the bidi algorithm, and a right-to-
/// left name takes its direction from its own first strong letter. Never for `--json`, whose
/// values are what Discord sent.
pub fn isolate(text: &str) -> String {
    format!("\u{2068}{text}\u{2069}")
}

/// A moment shown to a person: RFC 3339 in UTC, to the second.
pub fn timestamp(at: time::OffsetDateTime) -> String {
    let text = at
        .to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "an unknown time".into());
    whole_seconds(&text)
}

/// `2026-11-25T19:12:55.141Z` → `2026-11-25T19:12:55Z`: fractions are noise to a person.
fn whole_seconds(text: &str) -> String {
    match text.split_once('.') {
        Some((head, rest)) => format!(
            "{head}{}",
            rest.trim_start_matches(|c: char| c.is_ascii_digit())
        ),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isolate_wraps_in_fsi_and_pdi() {
        assert_eq!(isolate("a\u{202E}b"), "\u{2068}a\u{202E}b\u{2069}");
    }
}
