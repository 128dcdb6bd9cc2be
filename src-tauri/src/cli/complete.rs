//! Shell completion and the manual page, both made from the clap definition in `args.rs`, so
//! they can never list an option the command line does not have.
//!
//! Completion uses clap_complete's dynamic engine: the script a shell sources calls
//! `linkcord` back (with `LINKCORD_COMPLETE=<shell>` set) at each Tab, which lets it offer the
//! ids and usernames of the accounts signed in right now, not those of the day the script was
//! made.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::CompletionCandidate;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
use linkcord_core::accounts::{AccountIndex, INDEX_VERSION};
use linkcord_core::config::Environment;

use super::args::{Cli, Shell};
use super::{ExitCode, Failure, output};

/// The variable that turns a run of `linkcord` into a completion request. Not clap's default
/// `COMPLETE`: a variable of that name exported for anything else would turn every run of
/// `linkcord` into one.
const VAR: &str = "LINKCORD_COMPLETE";

/// Answers a completion request and exits when `LINKCORD_COMPLETE` is set; otherwise returns
/// at once (one variable lookup, so `linkcord token` stays as fast as before).
pub fn answer_completion_request() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(VAR)
        .bin("linkcord")
        .complete();
}

/// `linkcord completions <shell>`: the script to source. It calls `linkcord` from the PATH,
/// which is where the .deb puts it.
pub fn script(shell: Shell) -> Result<(), Failure> {
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Powershell => &Powershell,
        Shell::Elvish => &Elvish,
    };
    let mut script = Vec::new();
    completer
        .write_registration(VAR, "linkcord", "linkcord", "linkcord", &mut script)
        .and_then(|()| output::unless_closed(std::io::stdout().write_all(&script)))
        .map_err(|e| Failure::new(ExitCode::Other, format!("could not write the script: {e}")))
}

/// `linkcord man`: the manual page in roff, for `/usr/share/man/man1/linkcord.1`. With a
/// directory, that page and the `linkcord-<command>.1` pages it refers to are written there.
pub fn man_page(dir: Option<&std::path::Path>) -> Result<(), Failure> {
    let written = match dir {
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(Cli::command(), dir)),
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .and_then(|()| output::unless_closed(std::io::stdout().write_all(&page)))
        }
    };
    written.map_err(|e| Failure::new(ExitCode::Other, format!("could not write the manual: {e}")))
}

/// The ids and usernames of the signed-in accounts, for every option that takes an account.
/// Read-only and without the keychain: a Tab must be quick and change nothing, and a missing
/// or damaged list simply offers nothing.
pub fn accounts() -> Vec<CompletionCandidate> {
    let Some(index) = read_index() else {
        return Vec::new();
    };
    let mut candidates = Vec::new();
    for entry in &index.accounts {
        let id = entry.id.as_str();
        let name = entry.display_name.as_deref().unwrap_or(&entry.username);
        candidates.push(CompletionCandidate::new(id).help(Some(name.to_owned().into())));
        candidates.push(CompletionCandidate::new(&entry.username).help(Some(id.to_owned().into())));
    }
    candidates
}

fn read_index() -> Option<AccountIndex> {
    let env = Environment::from_env().ok()?;
    let bytes = std::fs::read(env.data_dir.join("accounts.json")).ok()?;
    let index: AccountIndex = serde_json::from_slice(&bytes).ok()?;
    (index.version == INDEX_VERSION).then_some(index)
}
