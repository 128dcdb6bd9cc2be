//! `bench-app`: how fast the desktop app starts and switches accounts, and how much memory it
//! holds, in numbers (issue 5).
//!
//! A timing threshold would be flaky on a shared machine, so this measures and prints; people
//! read the numbers next to the machine load printed with them. It drives the real release
//! binary (`LINKCORD_BIN`) through WebDriver, against the Discord emulator in process, with an
//! isolated data dir and keychain service (a [`Sandbox`]).
//!
//! 1. Two accounts (Ava, Dmitri) sign in once through the window, which fills the cache.
//! 2. Cold starts: after one start that is not measured and stays open until the app has
//!    fetched every account's pictures, each run starts a fresh `tauri-driver`, launches the
//!    app and reads when the first profile was put in the page (`Profile.svelte` stamps
//!    `data-profile-rendered-at`; `performance.timeOrigin` turns it into wall-clock time).
//!    Start is taken two ways: the wall clock just before asking WebDriver for a session, and
//!    the app process's own start time from `/proc/<pid>/stat`; the difference is what
//!    WebDriver and WebKitWebDriver add. The page's own time origin splits the rest into
//!    native start-up and time in the page. Runs first with Discord reachable (the app paints
//!    the cache, then refreshes in the background), then with the emulator stopped (only the
//!    cache, shown offline).
//! 3. Account switch: in the page, the time from the click on the other account to the new
//!    display name in the DOM, and to the next animation frame after it (about when it is
//!    painted).
//! 4. Memory: after the window has been idle, the RSS and PSS of the app process and every
//!    process under it (the WebKit web and network processes); then once more with the
//!    window closed and Linkcord left in the tray.
//! 5. Baseline: `linkcord accounts` (the CLI, no window) wall time and peak RSS.
//!
//! With `--accounts N` (issue 11), the same cold starts (Discord reachable), switches and
//! memory are measured twice in one run: first with two accounts, then with N, each signed in
//! through `linkcord login` against the emulator ([`linkcord_tests::seed`]: generated users,
//! real keychain entries). Switches alternate between the first account and the last (the
//! bottom of the list). A summary then sets N against two, as a ratio, so both sides saw the
//! same machine and the same build.
//!
//! Run it with `scripts/bench-app.sh`, which builds the release binary and runs this under
//! Xvfb and a private Secret Service. It exits 0 whatever the numbers are, and non-zero only
//! when it could not measure. `--memory-only` skips the cold starts and the CLI baseline;
//! `--starts-only` measures the cold starts with Discord reachable and nothing else (with
//! `--accounts N` too), then as many starts without WebDriver: `linkcord` spawned with its
//! start-up log on, from the spawn to its "first screen drawn" line
//! ([`linkcord_tests::startlog`]), which leaves out what `tauri-driver`, WebKitWebDriver and
//! the polling cost the machine's two cores, and ends later than the profile stamp (after the
//! first frame and the page's call back), and prints when each stage the app logs was reached
//! (medians). On this machine its runs spread as widely. `--starts-only --no-webdriver` takes
//! these starts only. `--starts-only --against OTHER` also starts OTHER (another build's
//! `linkcord`, with its `linkcord-app` beside it) in turn with the build under test, on the
//! same data, and prints OTHER's starts and the ratio of the medians: on a shared machine two
//! series run minutes apart differ by more than most changes do.

use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use linkcord_tests::app::Sandbox;
use linkcord_tests::emulator::{Emulator, EmulatorConfig, ids};
use linkcord_tests::processes::{self, descendants, unix_ms_now};
use linkcord_tests::seed::{ManyUsers, sign_in_all};
use linkcord_tests::startlog::{Timeline, time_to_first_screen};
use linkcord_tests::webdriver::{Driver, wait_for, wait_for_text};
use serde_json::{Value, json};

const COLD_STARTS: usize = 10;
const SWITCHES: usize = 20;
const CLI_RUNS: usize = 10;
/// How long the window is left alone before its memory is read.
const IDLE: Duration = Duration::from_secs(5);
/// Between two switches, so one switch's background refresh does not overlap the next click.
const SWITCH_PAUSE: Duration = Duration::from_millis(300);
/// How long to wait for the render stamp or a switch before calling the run failed.
const RENDER_TIMEOUT: Duration = Duration::from_secs(20);
/// How long after the profile's stamp to wait for the first frame's (`render_time`).
const FRAME_STAMP_WAIT: Duration = Duration::from_secs(2);

type Result<T> = std::result::Result<T, String>;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench-app: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    let bin = app_binary()?;
    print_conditions(&bin);
    if let Some(n) = accounts_option()? {
        return many_accounts(&bin, n).await;
    }

    let emulator = Emulator::start(EmulatorConfig::default())
        .await
        .map_err(|e| format!("emulator: {e}"))?;
    let sandbox = prepared_sandbox(&emulator.base_url())?;
    sign_in_two_accounts(&sandbox).await?;
    if std::env::args().any(|a| a == "--memory-only") {
        return idle_memory_and_switches(&sandbox, &bin).await.map(drop);
    }
    if starts_only() {
        starts_against_baseline(&sandbox, &bin, "Cold start, Discord reachable").await?;
        return Ok(());
    }

    let online = cold_starts(&sandbox, &bin).await?;
    print_cold_starts(
        "Cold start, Discord reachable (the cache is painted, a refresh runs behind it)",
        &online,
    );
    idle_memory_and_switches(&sandbox, &bin).await?;

    emulator
        .shutdown()
        .await
        .map_err(|e| format!("stopping the emulator: {e}"))?;
    let offline = cold_starts(&sandbox, &bin).await?;
    print_cold_starts(
        "Cold start, emulator stopped (only the cache, shown offline)",
        &offline,
    );

    cli_baseline(&sandbox)?;
    print_binary_size(&bin);
    Ok(())
}

/// `--starts-only`: the cold starts and nothing else.
fn starts_only() -> bool {
    std::env::args().any(|a| a == "--starts-only")
}

/// `--no-webdriver` (with `--starts-only`): only the starts without WebDriver, each with the
/// median time of every stage the app logs: a quick loop while looking for where a start's
/// time goes.
fn without_webdriver_only() -> bool {
    std::env::args().any(|a| a == "--no-webdriver")
}

/// The value after `--name` on the command line: `None` without the option, `Some(None)`
/// when it is the last argument.
fn option_value(name: &str) -> Option<Option<String>> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == name)?;
    Some(args.get(at + 1).cloned())
}

/// `--against OTHER`, when given: another build's `linkcord` to start in turn with `bin`.
fn against_option() -> Result<Option<PathBuf>> {
    let Some(other) = option_value("--against") else {
        return Ok(None);
    };
    let other = other.ok_or("--against takes the path of another build's linkcord")?;
    std::fs::canonicalize(&other)
        .map(Some)
        .map_err(|e| format!("--against {other}: {e}"))
}

/// `--accounts N`, when given.
fn accounts_option() -> Result<Option<usize>> {
    let Some(n) = option_value("--accounts") else {
        return Ok(None);
    };
    n.and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n >= 2)
        .map(Some)
        .ok_or_else(|| "--accounts takes a number of accounts, at least 2".into())
}

/// The release binary under test. `LINKCORD_BIN` is also what [`Sandbox`] and [`Driver`]
/// launch, so it must be set before the runtime's threads exist: it comes from outside.
fn app_binary() -> Result<PathBuf> {
    let bin = std::env::var_os("LINKCORD_BIN")
        .ok_or("set LINKCORD_BIN to the release linkcord binary (scripts/bench-app.sh does)")?;
    std::fs::canonicalize(&bin).map_err(|e| format!("LINKCORD_BIN {bin:?}: {e}"))
}

fn print_conditions(bin: &Path) {
    println!("bench-app: {}", bin.display());
    println!("  cpu:      {}", cpu_model());
    println!(
        "  cpus:     {}",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("  webkit:   {}", webkit_version());
    println!(
        "  display:  {}",
        std::env::var("DISPLAY").unwrap_or_default()
    );
    print_load("start");
}

fn print_load(when: &str) {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("  loadavg ({when}): {}", load.trim());
}

fn cpu_model() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    info.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_else(|| "unknown".into())
}

fn webkit_version() -> String {
    std::process::Command::new("dpkg-query")
        .args(["-W", "-f", "${Version}", "libwebkit2gtk-4.1-0"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| format!("WebKitGTK {}", String::from_utf8_lossy(&o.stdout)))
        .unwrap_or_else(|| "unknown".into())
}

// ---------------------------------------------------------------------------------------
// Setting up: a sandbox with two signed-in accounts.

fn prepared_sandbox(base_url: &str) -> Result<Sandbox> {
    Ok(Sandbox::new()
        .with_emulator(base_url)
        .with_consenting_browser(ids::AVA)
        .with_any_loopback_port())
}

async fn sign_in_two_accounts(sandbox: &Sandbox) -> Result<()> {
    let driver = Driver::start(sandbox);
    let client = driver.launch(&[]).await;
    sign_in(&client, "Ava").await;
    sandbox.approve_as(ids::DMITRI);
    sign_in(&client, "Дмитрий").await;
    let _ = client.close().await;
    println!();
    println!("Signed in ava.nunez and dmitri_k through the window; Dmitri is active.");
    Ok(())
}

/// Clicks "add account" (the stand-in browser approves) and waits until the profile and its
/// connections are shown, so they are in the cache for the next start.
async fn sign_in(client: &Client, name: &str) {
    wait_for(client, "#add-account", "the add-account button")
        .await
        .click()
        .await
        .expect("clicking add-account");
    wait_for_text(client, "#profile-display-name", name).await;
    wait_for(
        client,
        "#connections [data-connection-type]",
        "the connections",
    )
    .await;
    // The success panel is modal: it must go before the next click on "add account".
    if let Ok(close) = client.find(Locator::Css("#close-sign-in")).await {
        close.click().await.expect("closing the sign-in panel");
    }
}

// ---------------------------------------------------------------------------------------
// Many accounts: the same measures with 2 and with N accounts, and N against 2.

/// The medians one account count gave.
struct Figures {
    accounts: usize,
    /// The app process's start to the profile in the page, ms.
    cold_start: f64,
    /// With `--starts-only`: spawn to the first screen drawn, no WebDriver, ms.
    plain_start: f64,
    /// Switches to the last account: click to the new name in the DOM, and to the frame, ms.
    switch_dom: f64,
    switch_frame: f64,
    /// Idle after a start, the app's tree, MB.
    idle_pss: f64,
    idle_rss: f64,
    /// `linkcord accounts` wall time, ms.
    cli: f64,
}

async fn many_accounts(bin: &Path, n: usize) -> Result<()> {
    let reference = if n == 2 {
        None
    } else {
        Some(measure_with(bin, 2).await?)
    };
    let measured = measure_with(bin, n).await?;
    print_summary(reference.as_ref().unwrap_or(&measured), &measured);
    print_binary_size(bin);
    Ok(())
}

/// Cold starts, a session and the CLI with `n` seeded accounts, the last one active.
async fn measure_with(bin: &Path, n: usize) -> Result<Figures> {
    let many = ManyUsers::generate(n);
    let emulator = Emulator::start(many.emulator_config())
        .await
        .map_err(|e| format!("emulator: {e}"))?;
    let sandbox = Sandbox::new()
        .with_emulator(&emulator.base_url())
        .with_any_loopback_port();
    let seeding = Instant::now();
    sign_in_all(&sandbox, &many.ids()).await?;
    println!();
    println!(
        "==== {n} accounts, signed in with `linkcord login` in {:.1} s; the last is active.",
        seeding.elapsed().as_secs_f64()
    );

    let title = format!("Cold start with {n} accounts, Discord reachable");
    if starts_only() {
        let (starts, plain) = starts_against_baseline(&sandbox, bin, &title).await?;
        let cold_start = median(starts.iter().map(|r| r.process_to_render).collect());
        return Ok(Figures::starts_only(n, cold_start, median(plain)));
    }
    let starts = cold_starts(&sandbox, bin).await?;
    print_cold_starts(&title, &starts);
    let cold_start = median(starts.iter().map(|r| r.process_to_render).collect());
    let users = many.users();
    let (first, last) = (&users[0], &users[n - 1]);
    let pair = Pair {
        first: &first.id,
        last: &last.id,
        names: format!("{} (first) / {} (last)", first.username, last.username),
    };
    let session = session(&sandbox, bin, &pair).await?;
    let cli = cli_baseline(&sandbox)?;
    let megabytes = |kb: u64| kb as f64 / 1024.0;
    Ok(Figures {
        accounts: n,
        cold_start,
        plain_start: f64::NAN,
        switch_dom: median(session.to_last_dom),
        switch_frame: median(session.to_last_frame),
        idle_pss: megabytes(session.idle.pss),
        idle_rss: megabytes(session.idle.rss),
        cli,
    })
}

impl Figures {
    /// With `--starts-only`: the cold start, and nothing measured for the rest.
    fn starts_only(accounts: usize, cold_start: f64, plain_start: f64) -> Self {
        Self {
            accounts,
            cold_start,
            plain_start,
            switch_dom: f64::NAN,
            switch_frame: f64::NAN,
            idle_pss: f64::NAN,
            idle_rss: f64::NAN,
            cli: f64::NAN,
        }
    }
}

/// One line of the summary: what a figure is called, and where it is in [`Figures`].
type Measure = fn(&Figures) -> f64;

fn print_summary(two: &Figures, n: &Figures) {
    println!();
    println!(
        "Summary: {} accounts against {} in this run (medians; ratio = {} / {}):",
        n.accounts, two.accounts, n.accounts, two.accounts
    );
    println!(
        "  {:<44} {:>9} {:>9} {:>7}",
        "",
        format!("{}", two.accounts),
        format!("{}", n.accounts),
        "ratio"
    );
    let rows: [(&str, Measure); 7] = [
        ("cold start, process->render, ms", |f| f.cold_start),
        ("cold start, no WebDriver, ->first screen, ms", |f| {
            f.plain_start
        }),
        ("switch to the last, click->DOM, ms", |f| f.switch_dom),
        ("switch to the last, click->frame, ms", |f| f.switch_frame),
        ("idle after start, PSS total, MB", |f| f.idle_pss),
        ("idle after start, RSS total, MB", |f| f.idle_rss),
        ("`linkcord accounts`, wall, ms", |f| f.cli),
    ];
    for (what, value) in rows {
        let (a, b) = (value(two), value(n));
        println!("  {what:<44} {a:>9.1} {b:>9.1} {:>7.2}", b / a);
    }
    println!("  goal at 100 accounts: switch under 50 ms, cold start under 500 ms");
    print_load("after the summary");
}

// ---------------------------------------------------------------------------------------
// Cold starts.

/// One cold start, all times in milliseconds.
struct ColdStart {
    /// Wall clock before `launch` to the profile in the page: what a person waits, plus
    /// WebDriver's own overhead.
    launch_to_render: f64,
    /// The app process's start (from /proc, 10 ms ticks) to the profile in the page.
    process_to_render: f64,
    /// Wall clock before `launch` to the app process's start: WebDriver's overhead.
    launch_to_process: f64,
    /// The page's time origin (its navigation start) to the profile in the page: the part
    /// spent in the web page, the rest of `process_to_render` being native start-up.
    page_to_render: f64,
    /// Within the page: its time origin to the end of the bundle's run (`main.ts`, just
    /// before mounting), and to the app view in hand (`App.svelte`); NaN when the page has no
    /// such mark (a build older than the marks).
    page_to_script: f64,
    page_to_app_view: f64,
    /// The app process's start to the end of the frame that painted the first screen: the
    /// profile stamp above comes before that frame's layout. NaN for a build older than the
    /// stamp (`data-first-screen-drawn-at`).
    process_to_drawn: f64,
    /// The CPU time the app and its WebKit processes had used when the profile stamp was
    /// first read (10 ms ticks per process). On two cores a start is mostly waiting for a CPU, so this
    /// moves less with the machine's load than the times above, and says whether a change
    /// removed work or only moved it.
    cpu_ms: f64,
}

async fn cold_starts(sandbox: &Sandbox, bin: &Path) -> Result<Vec<ColdStart>> {
    Ok(cold_starts_of(sandbox, &[bin]).await?.remove(0))
}

/// Cold starts of each of `bins` on the same data, taken [`in_turn`]; one series per binary.
async fn cold_starts_of(sandbox: &Sandbox, bins: &[&Path]) -> Result<Vec<Vec<ColdStart>>> {
    warm_up(sandbox).await?;
    in_turn(bins, |bin| cold_start(sandbox, bin)).await
}

/// `start` run [`COLD_STARTS`] times for each of `bins`, in turn (the order swapped every
/// round), so that each series sees the same machine; one series per binary.
async fn in_turn<'a, T, F>(
    bins: &[&'a Path],
    mut start: impl FnMut(&'a Path) -> F,
) -> Result<Vec<Vec<T>>>
where
    F: std::future::Future<Output = Result<T>>,
{
    let mut runs: Vec<Vec<T>> = bins.iter().map(|_| Vec::new()).collect();
    for round in 0..COLD_STARTS {
        for turn in 0..bins.len() {
            let which = (turn + round) % bins.len();
            runs[which].push(start(bins[which]).await?);
            // Let the previous tree's exit settle before the next start.
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    Ok(runs)
}

/// The cold starts of `bin`, printed under `title`, then its starts without WebDriver; with
/// `--against OTHER`, OTHER's too, each taken in turn with `bin`'s, and the ratios of the
/// medians. Gives `bin`'s cold starts and its starts without WebDriver (ms).
async fn starts_against_baseline(
    sandbox: &Sandbox,
    bin: &Path,
    title: &str,
) -> Result<(Vec<ColdStart>, Vec<f64>)> {
    let other = against_option()?;
    let bins: Vec<&Path> = [Some(bin), other.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let mut series = if without_webdriver_only() {
        vec![Vec::new()]
    } else {
        cold_starts_of(sandbox, &bins).await?
    };
    let runs = series.remove(0);
    if !runs.is_empty() {
        print_cold_starts(&format!("{title}: {}", bin.display()), &runs);
    }
    if let Some(baseline) = series.first() {
        print_cold_starts(
            &format!("{title}: {} (baseline)", bins[1].display()),
            baseline,
        );
        let ratio = |f: fn(&ColdStart) -> f64| {
            median(runs.iter().map(f).collect()) / median(baseline.iter().map(f).collect())
        };
        println!(
            "  against the baseline, in turn: process->render {:.2}x, process->drawn {:.2}x, cpu (tree) {:.2}x",
            ratio(|r| r.process_to_render),
            ratio(|r| r.process_to_drawn),
            ratio(|r| r.cpu_ms)
        );
    }
    let timelines = starts_without_driver(sandbox, &bins).await?;
    println!();
    println!(
        "{title}, without WebDriver: spawn to the first screen drawn (the app's own log), {COLD_STARTS} runs, ms:"
    );
    let mut plain: Vec<Vec<f64>> = timelines
        .iter()
        .map(|runs| runs.iter().map(Timeline::first_screen).collect())
        .collect();
    for (which, values) in bins.iter().zip(&plain) {
        print_spread(&which.display().to_string(), values.clone());
    }
    if let [mine, theirs] = plain.as_slice() {
        println!(
            "  against the baseline, in turn: {:.2}x",
            median(mine.clone()) / median(theirs.clone())
        );
    }
    print_stages(&timelines);
    Ok((runs, plain.remove(0)))
}

/// The median time of each stage the app logged, spawn to stage, one column per binary: which
/// part of the start moved.
fn print_stages(timelines: &[Vec<Timeline>]) {
    let Some(Timeline(first)) = timelines.first().and_then(|runs| runs.first()) else {
        return;
    };
    println!("  stage medians, spawn to stage, ms (columns as above):");
    let medians = |stage: &str| -> Vec<f64> {
        timelines
            .iter()
            .map(|runs| median(runs.iter().filter_map(|t| t.at(stage)).collect()))
            .collect()
    };
    // In the order they happened: the page's stages are logged together, at the end.
    let mut rows: Vec<(&str, Vec<f64>)> = first
        .iter()
        .map(|(stage, _)| (stage.as_str(), medians(stage)))
        .collect();
    rows.sort_by(|a, b| a.1[0].total_cmp(&b.1[0]));
    for (stage, cells) in rows {
        let cells: String = cells.iter().map(|ms| format!("{ms:>8.1}")).collect();
        println!("    {stage:<34}{cells}");
    }
}

/// Starts of each of `bins` with no WebDriver ([`time_to_first_screen`]), taken [`in_turn`];
/// one series per binary, ms.
async fn starts_without_driver(sandbox: &Sandbox, bins: &[&Path]) -> Result<Vec<Vec<Timeline>>> {
    in_turn(bins, |bin| time_to_first_screen(sandbox, bin)).await
}

async fn cold_start(sandbox: &Sandbox, bin: &Path) -> Result<ColdStart> {
    let driver = Driver::start(sandbox);
    let before = unix_ms_now();
    let client = driver.launch_program(bin, &[]).await;
    let tree_cpu = || {
        app_pid(bin).map_or(f64::NAN, |pid| {
            descendants(pid)
                .into_iter()
                .filter_map(processes::cpu_ms)
                .sum()
        })
    };
    let rendered = render_time(&client, &tree_cpu).await;
    // Read while the app still runs: /proc forgets it once the driver ends it.
    let started = app_pid(bin).and_then(|pid| {
        processes::start_unix_ms(pid).ok_or_else(|| format!("/proc/{pid}/stat is unreadable"))
    });
    let _ = client.close().await;
    drop(driver);
    let (rendered, started) = (rendered?, started?);
    Ok(ColdStart {
        launch_to_render: rendered.at - before,
        process_to_render: rendered.at - started,
        launch_to_process: started - before,
        page_to_render: rendered.after_page_start,
        page_to_script: rendered.script,
        page_to_app_view: rendered.app_view,
        process_to_drawn: rendered.at - rendered.after_page_start + rendered.drawn - started,
        cpu_ms: rendered.cpu_ms,
    })
}

/// A first start, not measured, left open until the app has fetched every account's
/// pictures (the image cache stops growing). A person's cold start comes long after that;
/// without it the first measured starts would also download a few hundred images.
async fn warm_up(sandbox: &Sandbox) -> Result<()> {
    let driver = Driver::start(sandbox);
    let client = driver.launch(&[]).await;
    render_time(&client, &|| f64::NAN).await?;
    let images = sandbox.data_dir.path().join("cache").join("images");
    let count = || std::fs::read_dir(&images).map_or(0, |d| d.count());
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = count();
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = count();
        if now == last || Instant::now() > deadline {
            break;
        }
        last = now;
    }
    let _ = client.close().await;
    drop(driver);
    tokio::time::sleep(Duration::from_millis(500)).await;
    Ok(())
}

/// When the first profile was put in the page.
struct Rendered {
    /// Unix milliseconds.
    at: f64,
    /// Milliseconds after the page's time origin.
    after_page_start: f64,
    /// The page's marks `linkcord:script` and `linkcord:app-view`, and the end of the frame that
    /// painted the first screen, in the same milliseconds.
    script: f64,
    app_view: f64,
    drawn: f64,
    /// What the `cpu` reader of [`render_time`] said when the profile stamp was first seen.
    cpu_ms: f64,
}

/// Reads the render stamp. Polls, since WebDriver may connect before or after the render.
/// `cpu` is read as soon as the profile's stamp is seen, the same moment for every build.
async fn render_time(client: &Client, cpu: &dyn Fn() -> f64) -> Result<Rendered> {
    let script = r#"
        const stamps = document.documentElement.dataset;
        const mark = stamps.profileRenderedAt;
        const origin = performance.timeOrigin || performance.timing.navigationStart;
        const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? null;
        const drawn = stamps.firstScreenDrawnAt === undefined ? null : Number(stamps.firstScreenDrawnAt);
        return mark === undefined
            ? null
            : [origin, Number(mark), at("linkcord:script"), at("linkcord:app-view"), drawn];
    "#;
    let deadline = Instant::now() + RENDER_TIMEOUT;
    // The frame's stamp comes a frame after the profile's; a build older than it has none.
    let mut drawn_deadline = None;
    let mut cpu_at_profile = f64::NAN;
    while Instant::now() < deadline {
        let value = client
            .execute(script, vec![])
            .await
            .map_err(|e| format!("reading the render stamp: {e}"))?;
        let part = |i: usize| value.get(i).and_then(Value::as_f64);
        if part(1).is_some() && drawn_deadline.is_none() {
            cpu_at_profile = cpu();
        }
        let waiting_for_frame = part(1).is_some() && part(4).is_none() && {
            let due = *drawn_deadline.get_or_insert_with(|| Instant::now() + FRAME_STAMP_WAIT);
            Instant::now() < due
        };
        if let (Some(origin), Some(mark), false) = (part(0), part(1), waiting_for_frame) {
            return Ok(Rendered {
                at: origin + mark,
                after_page_start: mark,
                script: part(2).unwrap_or(f64::NAN),
                app_view: part(3).unwrap_or(f64::NAN),
                drawn: part(4).unwrap_or(f64::NAN),
                cpu_ms: cpu_at_profile,
            });
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err("no profile was rendered within 20 s".into())
}

fn print_cold_starts(title: &str, runs: &[ColdStart]) {
    println!();
    println!("{title}, {} runs, ms:", runs.len());
    println!(
        "  run  launch->render  process->render  launch->process  page->render  page->script  page->app view  process->drawn  cpu (tree)"
    );
    let row = |label: &str, values: [f64; 8]| {
        let [a, b, c, d, e, f, g, h] = values;
        println!(
            "  {label:>3}  {a:>14.1}  {b:>15.1}  {c:>15.1}  {d:>12.1}  {e:>12.1}  {f:>14.1}  {g:>14.1}  {h:>10.0}"
        );
    };
    for (i, run) in runs.iter().enumerate() {
        row(
            &(i + 1).to_string(),
            [
                run.launch_to_render,
                run.process_to_render,
                run.launch_to_process,
                run.page_to_render,
                run.page_to_script,
                run.page_to_app_view,
                run.process_to_drawn,
                run.cpu_ms,
            ],
        );
    }
    let column = |f: fn(&ColdStart) -> f64| median(runs.iter().map(f).collect());
    row(
        "med",
        [
            column(|r| r.launch_to_render),
            column(|r| r.process_to_render),
            column(|r| r.launch_to_process),
            column(|r| r.page_to_render),
            column(|r| r.page_to_script),
            column(|r| r.page_to_app_view),
            column(|r| r.process_to_drawn),
            column(|r| r.cpu_ms),
        ],
    );
    println!("  target: process->render under 500 ms");
    print_load("after these runs");
}

// ---------------------------------------------------------------------------------------
// One session: idle memory, then switches, then idle memory again.

/// What one session measured, for the many-accounts summary.
struct Session {
    /// PSS and RSS totals (kB) of the app's tree, idle after the start.
    idle: Totals,
    /// Switches to the last account only: click to the new name in the DOM, and to the frame.
    to_last_dom: Vec<f64>,
    to_last_frame: Vec<f64>,
}

/// The two accounts a session alternates between: `first` is switched to first, so `last`
/// must be the active one when the window opens.
struct Pair<'a> {
    first: &'a str,
    last: &'a str,
    /// How the switch heading names them, e.g. "Ava/Dmitri".
    names: String,
}

async fn idle_memory_and_switches(sandbox: &Sandbox, bin: &Path) -> Result<Session> {
    let pair = Pair {
        first: ids::AVA,
        last: ids::DMITRI,
        names: "Ava/Dmitri".into(),
    };
    session(sandbox, bin, &pair).await
}

async fn session(sandbox: &Sandbox, bin: &Path, pair: &Pair<'_>) -> Result<Session> {
    let driver = Driver::start(sandbox);
    let client = driver.launch(&[]).await;
    let outcome = measure_session(&client, bin, pair).await;
    let _ = client.close().await;
    drop(driver);
    outcome
}

async fn measure_session(client: &Client, bin: &Path, pair: &Pair<'_>) -> Result<Session> {
    render_time(client, &|| f64::NAN).await?;
    tokio::time::sleep(IDLE).await;
    let idle = print_memory(
        "Memory, idle 5 s after a start with Discord reachable",
        app_pid(bin)?,
    );
    let switched = switches(client, pair).await?;
    println!();
    println!(
        "Account switch, Discord reachable, {SWITCHES} switches alternating {}, ms:",
        pair.names
    );
    print_spread("click -> new name in the DOM", switched.dom.clone());
    print_spread("click -> next frame after it", switched.frame.clone());
    print_spread("to the last: click -> DOM", switched.to_last_dom.clone());
    print_spread(
        "to the last: click -> frame",
        switched.to_last_frame.clone(),
    );
    println!("  target: under 50 ms");
    print_load("after the switches");
    tokio::time::sleep(IDLE).await;
    print_memory("Memory, idle 5 s after the switches", app_pid(bin)?);
    // For comparison, the same window on an empty page: if the total barely drops, the
    // memory is WebKit's own (kept by its process and allocator), not held live by the page.
    client
        .goto("about:blank")
        .await
        .map_err(|e| format!("opening about:blank: {e}"))?;
    tokio::time::sleep(IDLE).await;
    print_memory(
        "Memory, the same window idle 5 s after going to about:blank",
        app_pid(bin)?,
    );
    // Closing the window (as a window manager's close button does) leaves Linkcord in the
    // tray: how it spends most of its time.
    if linkcord_tests::window_manager::close_window("Linkcord") == 0 {
        return Err("no window titled Linkcord to close".into());
    }
    tokio::time::sleep(IDLE).await;
    print_memory(
        "Memory, idle 5 s in the tray after the window was closed",
        app_pid(bin)?,
    );
    Ok(Session {
        idle,
        to_last_dom: switched.to_last_dom,
        to_last_frame: switched.to_last_frame,
    })
}

/// Switch times, ms: every switch, and those to the last account on their own.
struct Switched {
    dom: Vec<f64>,
    frame: Vec<f64>,
    to_last_dom: Vec<f64>,
    to_last_frame: Vec<f64>,
}

/// Alternates between the pair's accounts, starting with a switch to `first`.
async fn switches(client: &Client, pair: &Pair<'_>) -> Result<Switched> {
    let mut out = Switched {
        dom: Vec::new(),
        frame: Vec::new(),
        to_last_dom: Vec::new(),
        to_last_frame: Vec::new(),
    };
    for i in 0..SWITCHES {
        let to_last = i % 2 == 1;
        let to = if to_last { pair.last } else { pair.first };
        let (d, f) = switch_to(client, to).await?;
        out.dom.push(d);
        out.frame.push(f);
        if to_last {
            out.to_last_dom.push(d);
            out.to_last_frame.push(f);
        }
        tokio::time::sleep(SWITCH_PAUSE).await;
    }
    Ok(out)
}

/// Clicks the account's button in the page and times, in the page's own clock, until the
/// display name changes (a MutationObserver sees it) and until the frame after that.
async fn switch_to(client: &Client, id: &str) -> Result<(f64, f64)> {
    let script = r#"
        const [id, done] = [arguments[0], arguments[arguments.length - 1]];
        const name = () => document.getElementById("profile-display-name")?.textContent;
        const before = name();
        const button = document.querySelector(`#account-list [data-account-id='${id}']`);
        if (!button) { done(null); return; }
        const timer = setTimeout(() => { observer.disconnect(); done(null); }, 10000);
        const observer = new MutationObserver(() => {
            if (name() === before) return;
            const dom = performance.now() - start;
            observer.disconnect();
            clearTimeout(timer);
            requestAnimationFrame(() => done([dom, performance.now() - start]));
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        const start = performance.now();
        button.click();
    "#;
    let value = client
        .execute_async(script, vec![json!(id)])
        .await
        .map_err(|e| format!("switching to {id}: {e}"))?;
    let pair = |v: &Value, i: usize| v.get(i).and_then(Value::as_f64);
    match (pair(&value, 0), pair(&value, 1)) {
        (Some(dom), Some(frame)) => Ok((dom, frame)),
        _ => Err(format!(
            "switching to {id}: the name did not change within 10 s"
        )),
    }
}

fn print_spread(what: &str, mut values: Vec<f64>) {
    values.sort_by(f64::total_cmp);
    println!(
        "  {what:<30} median {:>6.1}  min {:>6.1}  max {:>6.1}",
        median(values.clone()),
        values.first().copied().unwrap_or(f64::NAN),
        values.last().copied().unwrap_or(f64::NAN)
    );
}

// ---------------------------------------------------------------------------------------
// The app process and its memory (from /proc, through `linkcord_tests::processes`).

/// The running app: the one process under this benchmark whose executable is `linkcord-app`
/// beside `bin` (`linkcord` replaces itself with it, keeping its pid and start time). Only
/// this benchmark's own tree is searched, so other people's Linkcords are never measured.
fn app_pid(bin: &Path) -> Result<u32> {
    let app = bin.with_file_name("linkcord-app");
    let mine: Vec<u32> = descendants(std::process::id())
        .into_iter()
        .filter(|pid| processes::executable(*pid).is_some_and(|exe| exe == app))
        .collect();
    match mine.as_slice() {
        [pid] => Ok(*pid),
        [] => Err("the app process was not found under this benchmark".into()),
        many => Err(format!("more than one app process is running: {many:?}")),
    }
}

/// Memory totals of the app's tree, kB.
#[derive(Clone, Copy)]
struct Totals {
    rss: u64,
    pss: u64,
}

/// RSS counts shared pages (libraries, WebKit's shared memory) once per process, so the RSS
/// total overstates; PSS splits shared pages between the processes, so its total is fair.
/// Of the PSS, the anonymous part (heap, JS, graphics buffers) is what the app and its page
/// make; the rest is mostly the code of the libraries they map.
fn print_memory(title: &str, app: u32) -> Totals {
    println!();
    println!("{title} (the app and every process under it):");
    println!(
        "  {:>8}  {:<20} {:>9} {:>9} {:>9}",
        "pid", "process", "RSS MB", "PSS MB", "anon PSS"
    );
    let mut totals = [0u64; 3];
    for pid in descendants(app) {
        let memory = processes::memory(pid);
        let row = [memory.rss_kb, memory.pss_kb, memory.anon_pss_kb];
        for (total, value) in totals.iter_mut().zip(row) {
            *total += value.unwrap_or(0);
        }
        print_memory_row(&pid.to_string(), &processes::command_name(pid), row);
    }
    print_memory_row("", "total", totals.map(Some));
    println!("  target: under 150 MB");
    Totals {
        rss: totals[0],
        pss: totals[1],
    }
}

fn print_memory_row(pid: &str, name: &str, [rss, pss, anon]: [Option<u64>; 3]) {
    println!(
        "  {pid:>8}  {name:<20} {:>9} {:>9} {:>9}",
        mb(rss),
        mb(pss),
        mb(anon)
    );
}

fn mb(kb: Option<u64>) -> String {
    kb.map_or_else(|| "-".into(), |kb| format!("{:.1}", kb as f64 / 1024.0))
}

// ---------------------------------------------------------------------------------------
// Baseline and size.

/// The same binary with no window, to set the numbers above against: `linkcord accounts`,
/// or `linkcord config get port` in a build whose CLI has no `accounts` yet.
fn cli_baseline(sandbox: &Sandbox) -> Result<f64> {
    let args: &[&str] = if run_measured(sandbox, &["accounts"]).is_ok() {
        &["accounts"]
    } else {
        &["config", "get", "port"]
    };
    let mut times = Vec::new();
    let mut peaks = Vec::new();
    for _ in 0..CLI_RUNS {
        let (time, peak_kb) = run_measured(sandbox, args)?;
        times.push(time);
        peaks.push(peak_kb as f64 / 1024.0);
    }
    println!();
    println!(
        "Baseline: `linkcord {}` (CLI, no window), {CLI_RUNS} runs:",
        args.join(" ")
    );
    let wall = median(times.clone());
    print_spread("wall time, ms", times);
    print_spread("peak RSS, MB", peaks);
    Ok(wall)
}

/// Runs the CLI and reaps it with `wait4`, which hands back the child's own peak RSS (not the
/// maximum over every child this process ever had, as `getrusage` would).
fn run_measured(sandbox: &Sandbox, args: &[&str]) -> Result<(f64, u64)> {
    let start = Instant::now();
    let child = sandbox
        .command(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("running linkcord: {e}"))?;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of that plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our own unreaped child; both pointers are valid for the call.
    let reaped = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed().as_secs_f64() * 1000.0;
    if reaped < 0 || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("`linkcord {}` failed", args.join(" ")));
    }
    // ru_maxrss is in kilobytes on Linux.
    Ok((elapsed, usage.ru_maxrss as u64))
}

/// Both executables: `linkcord` (command line) and `linkcord-app` (the window) beside it.
fn print_binary_size(bin: &Path) {
    println!();
    for path in [bin.to_path_buf(), bin.with_file_name("linkcord-app")] {
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        println!(
            "Release binary: {} bytes ({:.1} MB), {}",
            size,
            size as f64 / 1_048_576.0,
            path.display()
        );
    }
    print_load("end");
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}
