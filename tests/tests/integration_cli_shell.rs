//! The real `linkcord` binary as a shell user meets it: completion scripts that each shell's
//! own parser accepts and that complete commands and signed-in accounts, the manual page, the
//! `accounts` table on a terminal and in a pipe, and `--quiet`.

use std::path::{Path, PathBuf};
use std::process::Command;

use linkcord_tests::app::{Sandbox, linkcord_bin, workspace_root};
use linkcord_tests::cli::*;
use linkcord_tests::emulator::ids;
use serde_json::json;

const ESCAPE: &str = "\u{1b}[";

fn output(cmd: &mut Command) -> Out {
    let out = cmd.output().expect("run the command");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn linkcord(sandbox: &Sandbox, args: &[&str]) -> Out {
    output(&mut sandbox.command(args))
}

fn installed(program: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        println!("skipped for {program}: not installed (scripts/setup.sh --for-tests installs it)");
    }
    found
}

/// `linkcord completions <shell>` written to a file.
fn script(sandbox: &Sandbox, shell: &str, dir: &Path) -> PathBuf {
    let out = linkcord(sandbox, &["completions", shell]).expect(0);
    assert!(!out.stdout.trim().is_empty(), "{shell}: empty script");
    let path = dir.join(format!("linkcord.{shell}"));
    std::fs::write(&path, out.stdout).expect("write the script");
    path
}

#[test]
fn every_completion_script_passes_its_shells_parser() {
    let sandbox = Sandbox::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let checks: [(&str, &str, &[&str]); 3] = [
        ("bash", "bash", &["-n"]),
        ("zsh", "zsh", &["-n"]),
        ("fish", "fish", &["--no-execute"]),
    ];
    for (shell, program, flags) in checks {
        let path = script(&sandbox, shell, dir.path());
        if shell != "bash" && !installed(program) {
            continue;
        }
        let out = output(Command::new(program).args(flags).arg(&path)).expect(0);
        assert!(out.stderr.is_empty(), "{shell}: {out:?}");
    }
    // PowerShell cannot be installed here: the script registers a completer for `linkcord` that
    // calls `linkcord` back for PowerShell.
    let powershell = linkcord(&sandbox, &["completions", "powershell"])
        .expect(0)
        .stdout;
    for part in [
        "Register-ArgumentCompleter",
        "-CommandName linkcord",
        "\"powershell\"",
    ] {
        assert!(powershell.contains(part), "{part} missing: {powershell}");
    }
}

#[test]
fn a_syntax_error_fails_the_parser_check() {
    // The check above is only worth something if the parsers do reject a broken script.
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = dir.path().join("broken");
    std::fs::write(&broken, "f() {\n  if true; then\n}\n").expect("write");
    assert_ne!(output(Command::new("bash").arg("-n").arg(&broken)).code, 0);
}

/// The PATH with the `linkcord` under test first, as the scripts call `linkcord` by name.
fn path_with_linkcord() -> String {
    let bin_dir = linkcord_bin().parent().expect("bin dir").to_owned();
    let path = std::env::var("PATH").unwrap_or_default();
    format!("{}:{path}", bin_dir.display())
}

/// What bash's Tab offers for `words` (the last one being completed), through the script
/// `linkcord completions bash` prints and the `linkcord` found on the PATH, as in a shell.
fn bash_completes(sandbox: &Sandbox, words: &[&str]) -> Vec<String> {
    let bin_dir = linkcord_bin().parent().expect("bin dir").to_owned();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let current = words.last().copied().unwrap_or_default();
    let previous = words
        .get(words.len().saturating_sub(2))
        .copied()
        .unwrap_or_default();
    let body = format!(
        r#"source <(linkcord completions bash) || exit 9
COMP_WORDS=({words})
COMP_CWORD={cword}
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
_clap_complete_linkcord linkcord '{current}' '{previous}'
printf '%s\n' "${{COMPREPLY[@]}}""#,
        words = quoted.join(" "),
        cword = words.len() - 1,
    );
    let mut cmd = Command::new("bash");
    cmd.args(["-c", &body])
        .envs(sandbox.env())
        .env("PATH", path);
    let out = output(&mut cmd).expect(0);
    out.stdout
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_commands_and_options() {
    let sandbox = Sandbox::new();
    let commands = bash_completes(&sandbox, &["linkcord", ""]);
    for command in ["accounts", "token", "switch", "completions", "logout"] {
        assert!(
            commands.iter().any(|c| c == command),
            "{command}: {commands:?}"
        );
    }
    assert!(!commands.iter().any(|c| c == "man"), "hidden: {commands:?}");
    let options = bash_completes(&sandbox, &["linkcord", "token", "--"]);
    assert!(options.iter().any(|c| c == "--account"), "{options:?}");
    let shells = bash_completes(&sandbox, &["linkcord", "completions", ""]);
    for shell in ["bash", "zsh", "fish", "powershell"] {
        assert!(shells.iter().any(|c| c == shell), "{shell}: {shells:?}");
    }
}

/// `COMPLETE` is a common name that other tools export: it must not turn a command into a
/// completion request.
#[test]
fn an_unrelated_complete_variable_leaves_commands_alone() {
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.command(&["config", "get", "port"]);
    let out = output(cmd.env("COMPLETE", "bash"));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stdout.contains("complete -o"), "{out:?}");
    assert!(out.stdout.trim().parse::<u16>().is_ok(), "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_are_completed_by_id_and_username_where_one_is_expected() {
    let Some(h) = Harness::start().await else {
        return;
    };
    // Options only, with nobody signed in.
    let offered = bash_completes(&h.sandbox, &["linkcord", "switch", ""]);
    assert!(offered.iter().all(|c| c.starts_with('-')), "{offered:?}");
    h.login_as(ids::AVA, &[]).await.expect(0);
    h.login_as(ids::DMITRI, &[]).await.expect(0);

    let everyone = [ids::AVA, "ava.nunez", ids::DMITRI, "dmitri_k"];
    for words in [
        &["linkcord", "switch", ""][..],
        &["linkcord", "token", "-a", ""],
        &["linkcord", "profile", "--account", ""],
        &["linkcord", "logout", "-a", ""],
    ] {
        let mut offered = bash_completes(&h.sandbox, words);
        offered.retain(|c| !c.starts_with('-'));
        offered.sort();
        let mut expected = everyone.map(String::from).to_vec();
        expected.sort();
        assert_eq!(offered, expected, "{words:?}");
    }
    assert_eq!(
        bash_completes(&h.sandbox, &["linkcord", "guilds", "-a", "dm"]),
        ["dmitri_k"]
    );
    assert_eq!(
        bash_completes(&h.sandbox, &["linkcord", "switch", "10987"]),
        [ids::AVA]
    );

    // fish runs the same engine through its own adapter; `complete -C` is its Tab, scripted.
    if installed("fish") {
        let mut cmd = Command::new("fish");
        cmd.args([
            "-c",
            "linkcord completions fish | source; complete -C 'linkcord switch dm'",
        ])
        .envs(h.sandbox.env())
        .env("PATH", path_with_linkcord());
        let fish = output(&mut cmd).expect(0);
        assert_eq!(
            fish.stdout.lines().collect::<Vec<_>>(),
            [format!("dmitri_k\t{}", ids::DMITRI)],
            "{fish:?}"
        );
    }
}

/// `linkcord accounts` with a pseudo-terminal for its output (`script` from util-linux).
fn accounts_on_a_terminal(h: &Harness, args: &str, env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new("script");
    cmd.args([
        "-qec",
        &format!("\"$LINKCORD_UNDER_TEST\" accounts {args}"),
        "/dev/null",
    ])
    .envs(h.sandbox.env())
    .env("LINKCORD_UNDER_TEST", linkcord_bin())
    .env_remove("NO_COLOR")
    .envs(env.iter().copied());
    let out = output(&mut cmd).expect(0);
    h.keep(&["accounts"], &out);
    out.stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accounts_table_is_coloured_only_on_a_terminal_without_no_color() {
    let Some(h) = Harness::start().await else {
        return;
    };
    h.login_as(ids::AVA, &[]).await.expect(0);
    h.login_as(ids::HANAKO, &[]).await.expect(0);
    // Ava's refresh is cut off after Discord rotated her pair: she needs to sign in again.
    h.expire_locally(ids::AVA).await;
    h.fault(json!({"kind": "short_body", "route": "oauth2/token", "count": 1}))
        .await;
    h.run(&["token", "-a", ids::AVA]).await.expect(5);
    h.clear_faults().await;
    h.run(&["token", "-a", ids::AVA]).await.expect(3);

    let piped = h
        .run_with(&["accounts"], &[("NO_COLOR", "")])
        .await
        .expect(0);
    let lines: Vec<&str> = piped.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{piped:?}");
    assert!(lines[0].starts_with("  ID "), "a header: {piped:?}");
    let ava = lines.iter().find(|l| l.contains(ids::AVA)).expect("Ava");
    let hanako = lines
        .iter()
        .find(|l| l.contains(ids::HANAKO))
        .expect("Hanako");
    assert!(
        ava.starts_with("  ") && ava.ends_with("needs sign-in"),
        "{ava:?}"
    );
    assert!(
        hanako.starts_with("* ") && !hanako.contains("needs"),
        "{hanako:?}"
    );
    assert!(
        !piped.stdout.contains(ESCAPE),
        "no colour in a pipe: {piped:?}"
    );
    assert!(piped.stderr.contains("linkcord login"), "{piped:?}");

    let terminal = accounts_on_a_terminal(&h, "", &[]);
    assert!(
        terminal.contains(ESCAPE),
        "colours on a terminal: {terminal:?}"
    );
    assert!(terminal.contains("needs sign-in"), "{terminal:?}");
    for (args, env) in [
        ("", [("NO_COLOR", "1")]),
        ("--color never", [("TERM", "xterm-256color")]),
    ] {
        let plain = accounts_on_a_terminal(&h, args, &env);
        assert!(!plain.contains(ESCAPE), "{args} {env:?}: {plain:?}");
        assert!(plain.contains("needs sign-in"), "{plain:?}");
    }
    let forced = h.run(&["accounts", "--color", "always"]).await.expect(0);
    assert!(forced.stdout.contains(ESCAPE), "{forced:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_drops_notes_and_confirmations_but_not_output_or_errors() {
    let Some(mut h) = Harness::start().await else {
        return;
    };
    let login = h.login_as(ids::AVA, &["--quiet"]).await.expect(0);
    assert!(login.stdout.is_empty(), "no confirmation: {login:?}");
    // The address to open is what a person needs when no browser opened: kept.
    assert!(login.stderr.contains("/oauth2/authorize"), "{login:?}");
    let login = h.login_as(ids::DMITRI, &[]).await.expect(0);
    assert!(login.stdout.contains("Signed in as"), "{login:?}");

    let switch = h.run(&["switch", "ava.nunez"]).await.expect(0);
    assert!(switch.stdout.contains("Switched to"), "{switch:?}");
    let switch = h.run(&["-q", "switch", "dmitri_k"]).await.expect(0);
    assert_eq!((switch.stdout.as_str(), switch.stderr.as_str()), ("", ""));

    let token = h.run(&["token", "-q"]).await.expect(0);
    assert!(
        !token.stdout.trim().is_empty() && token.stderr.is_empty(),
        "{token:?}"
    );
    let token = token.stdout.trim().to_owned();
    let list = h
        .run(&["--quiet", "accounts", "--json"])
        .await
        .expect(0)
        .json();
    assert_eq!(list["active"], ids::DMITRI);

    let error = h.run(&["-q", "switch", "nobody"]).await;
    assert_ne!(error.code, 0);
    assert!(
        error.stderr.starts_with("linkcord: "),
        "errors stay: {error:?}"
    );

    // Offline, the cached profile is shown with a note saying so; --quiet keeps only the profile.
    h.run(&["profile"]).await.expect(0);
    h.stop_discord().await;
    let noted = h.run(&["profile"]).await.expect(0);
    assert!(noted.stderr.contains("offline, data from"), "{noted:?}");
    let quiet = h.run(&["profile", "--quiet"]).await.expect(0);
    assert_eq!(quiet.stdout, noted.stdout);
    assert!(quiet.stderr.is_empty(), "{quiet:?}");
    h.assert_no_leak(&[token]);
}

#[test]
fn the_manual_page_is_valid_roff() {
    let sandbox = Sandbox::new();
    let page = linkcord(&sandbox, &["man"]).expect(0).stdout;
    assert!(page.contains(".TH linkcord 1"), "{page}");
    for command in ["accounts", "token", "completions"] {
        assert!(page.contains(command), "{command} missing: {page}");
    }
    if installed("groff") {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("linkcord.1");
        std::fs::write(&path, &page).expect("write");
        // -k: the page is UTF-8 (names like Núñez in the help); -ww: every warning.
        let out = output(
            Command::new("groff")
                .args(["-k", "-man", "-ww", "-z"])
                .arg(&path),
        );
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{out:?}");
    }
}

#[test]
fn the_manual_pages_of_every_command_are_written_to_a_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dir_arg = dir.path().to_str().expect("utf-8 path");
    linkcord(&Sandbox::new(), &["man", "--dir", dir_arg]).expect(0);
    let main = std::fs::read_to_string(dir.path().join("linkcord.1")).expect("linkcord.1");
    // Each page the main one refers to is there.
    for command in ["accounts", "token", "logout", "completions"] {
        let name = format!("linkcord-{command}.1");
        assert!(main.contains(&format!("linkcord\\-{command}(1)")), "{main}");
        assert!(dir.path().join(&name).exists(), "{name} missing");
    }
}

/// The step of scripts/package-deb.sh that adds what the built binary makes, on a small
/// package (the Tauri bundler's release build takes too long for a test).
#[test]
fn the_deb_gets_the_completions_and_manual_pages_from_its_binary() {
    if !installed("dpkg-deb") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("pkg");
    std::fs::create_dir_all(root.join("DEBIAN")).expect("DEBIAN");
    std::fs::create_dir_all(root.join("usr/bin")).expect("usr/bin");
    // A stand-in: compressing the 40 MB debug binary twice would only make the test slow.
    std::fs::write(root.join("usr/bin/linkcord"), "#!/bin/sh\n").expect("usr/bin/linkcord");
    std::fs::write(
        root.join("DEBIAN/control"),
        "Package: linkcord\nVersion: 0.0.0\nArchitecture: amd64\nMaintainer: Test <t@example.com>\n\
         Installed-Size: 1\nDescription: test\n",
    )
    .expect("control");
    std::fs::write(root.join("DEBIAN/md5sums"), "").expect("md5sums");
    let deb = dir.path().join("linkcord.deb");
    output(
        Command::new("dpkg-deb")
            .args(["--root-owner-group", "--build"])
            .arg(&root)
            .arg(&deb),
    )
    .expect(0);

    output(
        Command::new(workspace_root().join("scripts/deb-add-shell-files.sh"))
            .arg(&deb)
            .arg(linkcord_bin()),
    )
    .expect(0);

    let unpacked = dir.path().join("unpacked");
    output(
        Command::new("dpkg-deb")
            .arg("--raw-extract")
            .arg(&deb)
            .arg(&unpacked),
    )
    .expect(0);
    let bash =
        std::fs::read_to_string(unpacked.join("usr/share/bash-completion/completions/linkcord"))
            .expect("bash completion");
    assert!(bash.contains("complete -o nospace"), "{bash}");
    for file in [
        "usr/share/zsh/vendor-completions/_linkcord",
        "usr/share/fish/vendor_completions.d/linkcord.fish",
        "usr/share/man/man1/linkcord.1.gz",
        "usr/share/man/man1/linkcord-accounts.1.gz",
    ] {
        let size = std::fs::metadata(unpacked.join(file)).map(|m| m.len());
        assert!(size.as_ref().is_ok_and(|s| *s > 0), "{file}: {size:?}");
    }
    let page = output(
        Command::new("gzip")
            .args(["-dc"])
            .arg(unpacked.join("usr/share/man/man1/linkcord.1.gz")),
    )
    .expect(0);
    assert!(page.stdout.contains(".TH linkcord 1"), "{page:?}");
    // dpkg checks the files against md5sums; they must cover what was added.
    let sums = output(
        Command::new("md5sum")
            .args(["--check", "--strict", "DEBIAN/md5sums"])
            .current_dir(&unpacked),
    )
    .expect(0);
    assert!(
        sums.stdout.contains("usr/share/man/man1/linkcord.1.gz: OK"),
        "{sums:?}"
    );
}
