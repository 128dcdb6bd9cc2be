//! The real `linkcord` binary from the command line: arguments, links and settings.

use linkcord_tests::app::Sandbox;

fn run(sandbox: &Sandbox, args: &[&str]) -> (i32, String, String) {
    let out = sandbox.command(args).output().expect("run linkcord");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_unknown_argument_is_a_usage_error() {
    let (code, _, err) = run(&Sandbox::new(), &["--frobnicate"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--frobnicate"),
        "the message names the argument: {err}"
    );
}

#[test]
fn a_malformed_link_is_refused_before_any_window_opens() {
    let sandbox = Sandbox::new();
    for link in [
        "linkcord://explode",
        "linkcord://switch/abc",
        "https://example.com/x",
    ] {
        let (code, _, err) = run(&sandbox, &[link]);
        assert_eq!(code, 2, "{link}: {err}");
        assert!(err.starts_with("linkcord: "), "{link}: {err}");
    }
}

#[test]
fn settings_round_trip_and_bad_values_change_nothing() {
    let sandbox = Sandbox::new();
    assert_eq!(
        run(
            &sandbox,
            &["config", "set", "client-id", "123456789012345678"]
        )
        .0,
        0
    );
    assert_eq!(
        run(&sandbox, &["config", "set", "redirect", "deep-link"]).0,
        0
    );
    let (code, out, _) = run(&sandbox, &["config", "get", "client-id"]);
    assert_eq!((code, out.trim()), (0, "123456789012345678"));

    let (code, _, err) = run(&sandbox, &["config", "set", "port", "seventy"]);
    assert_eq!(code, 2);
    assert!(err.contains("port"), "{err}");
    assert_eq!(run(&sandbox, &["config", "get", "port"]).1.trim(), "53134");
    assert_eq!(
        run(&sandbox, &["config", "get", "redirect"]).1.trim(),
        "deep-link"
    );

    let (code, _, err) = run(&sandbox, &["config", "get", "colour"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown setting"), "{err}");
}

#[test]
fn a_damaged_settings_file_is_kept_aside_not_fatal() {
    let sandbox = Sandbox::new();
    let path = sandbox.data_dir.path().join("settings.json");
    std::fs::write(&path, b"\x00{garbage").unwrap();
    let (code, out, _) = run(&sandbox, &["config", "get", "port"]);
    assert_eq!((code, out.trim()), (0, "53134"));
    let kept = std::fs::read_dir(sandbox.data_dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("settings.json.damaged-")
        });
    assert!(
        kept,
        "the damaged file must be kept for the user to look at"
    );
}

#[test]
fn help_lists_every_subcommand() {
    let (code, out, _) = run(&Sandbox::new(), &["--help"]);
    assert_eq!(code, 0);
    for command in [
        "login",
        "accounts",
        "switch",
        "token",
        "profile",
        "connections",
        "guilds",
        "logout",
        "config",
        "doctor",
    ] {
        assert!(
            out.contains(command),
            "{command} missing from --help: {out}"
        );
    }
    let (_, out, _) = run(&Sandbox::new(), &["login", "--help"]);
    assert!(
        !out.contains("--timeout"),
        "the test-only flag stays hidden"
    );
}

#[test]
fn bad_flags_of_the_account_commands_are_usage_errors() {
    let sandbox = Sandbox::new();
    for args in [
        &["login", "--port", "seventy"][..],
        &["logout", "--all", "--account", "x"],
        &["switch"],
        &["token", "extra"],
        &["config", "get", "client-secret"],
    ] {
        let (code, out, err) = run(&sandbox, args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: nothing on stdout: {out}");
    }
}

#[test]
fn the_command_line_does_not_load_the_gui_libraries() {
    // `linkcord token` must start in milliseconds: only `linkcord-app` links GTK and WebKit.
    let out = std::process::Command::new("ldd")
        .arg(linkcord_tests::app::linkcord_bin())
        .output()
        .expect("ldd");
    let libs = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "ldd failed: {libs}");
    for gui in ["libwebkit2gtk", "libgtk-3", "libjavascriptcoregtk"] {
        assert!(!libs.contains(gui), "linkcord links {gui}:\n{libs}");
    }
}

#[test]
fn without_its_app_beside_it_linkcord_says_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let lonely = dir.path().join("linkcord");
    std::fs::copy(linkcord_tests::app::linkcord_bin(), &lonely).unwrap();
    let out = std::process::Command::new(&lonely)
        .env("LINKCORD_DATA_DIR", dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("linkcord-app") && err.contains("missing"),
        "{err}"
    );
}
