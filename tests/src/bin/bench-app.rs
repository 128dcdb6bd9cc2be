//! `bench-app`: how fast the desktop app starts and switches accounts, and how much memory it
//! holds, in numbers (issue 5).
//!
//! A timing threshold would be flaky on a shared machine, so this measures and prints; people
//! read the numbers next to the machine load printed with them. It drives the real release
//! binary (`LINKCORD_BIN`) through WebDriver, against the Discord emulator in process, with an
//! isolated data dir and keychain service (a [`Sandbox`]).
//!
//! 1. Two accounts (Ava, Dmitri) sign in once through the window, which fills the cache.
//! 2. Cold starts: each run starts a fresh `tauri-driver`, launches the app and reads when the
//!    first profile was put in the page (`Profile.svelte` stamps
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
//! Run it with `scripts/bench-app.sh`, which builds the release binary and runs this under
//! Xvfb and a private Secret Service. It exits 0 whatever the numbers are, and non-zero only
//! when it could not measure. `--memory-only` skips the cold starts and the CLI baseline.

use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fantoccini::{Client, Locator};
use linkcord_tests::app::Sandbox;
use linkcord_tests::emulator::{Emulator, EmulatorConfig, ids};
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

    let emulator = Emulator::start(EmulatorConfig::default())
        .await
        .map_err(|e| format!("emulator: {e}"))?;
    let sandbox = prepared_sandbox(&emulator.base_url())?;
    sign_in_two_accounts(&sandbox).await?;
    if std::env::args().any(|a| a == "--memory-only") {
        return idle_memory_and_switches(&sandbox, &bin).await;
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
}

async fn cold_starts(sandbox: &Sandbox, bin: &Path) -> Result<Vec<ColdStart>> {
    let mut runs = Vec::new();
    for _ in 0..COLD_STARTS {
        runs.push(cold_start(sandbox, bin).await?);
        // Let the previous tree's exit settle before the next start.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Ok(runs)
}

async fn cold_start(sandbox: &Sandbox, bin: &Path) -> Result<ColdStart> {
    let driver = Driver::start(sandbox);
    let before = unix_ms_now();
    let client = driver.launch(&[]).await;
    let rendered = render_time(&client).await;
    // Read while the app still runs: /proc forgets it once the driver ends it.
    let started = app_pid(bin).and_then(process_start_unix_ms);
    let _ = client.close().await;
    drop(driver);
    let (rendered, started) = (rendered?, started?);
    Ok(ColdStart {
        launch_to_render: rendered.at - before,
        process_to_render: rendered.at - started,
        launch_to_process: started - before,
        page_to_render: rendered.after_page_start,
    })
}

/// When the first profile was put in the page.
struct Rendered {
    /// Unix milliseconds.
    at: f64,
    /// Milliseconds after the page's time origin.
    after_page_start: f64,
}

/// Reads the render stamp. Polls, since WebDriver may connect before or after the render.
async fn render_time(client: &Client) -> Result<Rendered> {
    let script = r#"
        const mark = document.documentElement.dataset.profileRenderedAt;
        const origin = performance.timeOrigin || performance.timing.navigationStart;
        return mark === undefined ? null : [origin, Number(mark)];
    "#;
    let deadline = Instant::now() + RENDER_TIMEOUT;
    while Instant::now() < deadline {
        let value = client
            .execute(script, vec![])
            .await
            .map_err(|e| format!("reading the render stamp: {e}"))?;
        let part = |i: usize| value.get(i).and_then(Value::as_f64);
        if let (Some(origin), Some(mark)) = (part(0), part(1)) {
            return Ok(Rendered {
                at: origin + mark,
                after_page_start: mark,
            });
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err("no profile was rendered within 20 s".into())
}

fn print_cold_starts(title: &str, runs: &[ColdStart]) {
    println!();
    println!("{title}, {} runs, ms:", runs.len());
    println!("  run  launch->render  process->render  launch->process  page->render");
    for (i, run) in runs.iter().enumerate() {
        println!(
            "  {:>3}  {:>14.1}  {:>15.1}  {:>15.1}  {:>12.1}",
            i + 1,
            run.launch_to_render,
            run.process_to_render,
            run.launch_to_process,
            run.page_to_render
        );
    }
    let column = |f: fn(&ColdStart) -> f64| runs.iter().map(f).collect::<Vec<_>>();
    println!(
        "  med  {:>14.1}  {:>15.1}  {:>15.1}  {:>12.1}",
        median(column(|r| r.launch_to_render)),
        median(column(|r| r.process_to_render)),
        median(column(|r| r.launch_to_process)),
        median(column(|r| r.page_to_render))
    );
    println!("  target: process->render under 500 ms");
    print_load("after these runs");
}

// ---------------------------------------------------------------------------------------
// One session: idle memory, then switches, then idle memory again.

async fn idle_memory_and_switches(sandbox: &Sandbox, bin: &Path) -> Result<()> {
    let driver = Driver::start(sandbox);
    let client = driver.launch(&[]).await;
    let outcome = measure_session(&client, bin).await;
    let _ = client.close().await;
    drop(driver);
    outcome
}

async fn measure_session(client: &Client, bin: &Path) -> Result<()> {
    render_time(client).await?;
    tokio::time::sleep(IDLE).await;
    print_memory(
        "Memory, idle 5 s after a start with Discord reachable",
        app_pid(bin)?,
    );
    let (dom, frame) = switches(client).await?;
    println!();
    println!("Account switch, Discord reachable, {SWITCHES} switches alternating Ava/Dmitri, ms:");
    print_spread("click -> new name in the DOM", dom);
    print_spread("click -> next frame after it", frame);
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
    if linkcord_tests::tray::close_window("Linkcord") == 0 {
        return Err("no window titled Linkcord to close".into());
    }
    tokio::time::sleep(IDLE).await;
    print_memory(
        "Memory, idle 5 s in the tray after the window was closed",
        app_pid(bin)?,
    );
    Ok(())
}

/// Alternates between the two accounts; Dmitri is active at the start.
async fn switches(client: &Client) -> Result<(Vec<f64>, Vec<f64>)> {
    let (mut dom, mut frame) = (Vec::new(), Vec::new());
    for i in 0..SWITCHES {
        let to = if i % 2 == 0 { ids::AVA } else { ids::DMITRI };
        let (d, f) = switch_to(client, to).await?;
        dom.push(d);
        frame.push(f);
        tokio::time::sleep(SWITCH_PAUSE).await;
    }
    Ok((dom, frame))
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
// Processes and memory, from /proc.

/// What this benchmark needs of one line of `/proc/<pid>/stat`.
struct ProcStat {
    pid: u32,
    ppid: u32,
    /// Field 22: clock ticks after boot when the process started.
    start_ticks: u64,
}

fn read_stat(pid: u32) -> Option<ProcStat> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; the fields after it are plain. Counting
    // from field 3 (state) at index 0, the parent is field 4 and the start time field 22.
    let (_, rest) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(ProcStat {
        pid,
        ppid: fields.get(1)?.parse().ok()?,
        start_ticks: fields.get(19)?.parse().ok()?,
    })
}

fn all_processes() -> Vec<ProcStat> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_string_lossy().parse::<u32>().ok())
        .filter_map(read_stat)
        .collect()
}

/// `root` and every process under it.
fn descendants(root: u32) -> Vec<u32> {
    let all = all_processes();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(all.iter().filter(|p| p.ppid == parent).map(|p| p.pid));
        i += 1;
    }
    tree
}

/// The running app: the one process under this benchmark whose executable is `linkcord-app`
/// beside `bin` (`linkcord` replaces itself with it, keeping its pid and start time). Only
/// this benchmark's own tree is searched, so other people's Linkcords are never measured.
fn app_pid(bin: &Path) -> Result<u32> {
    let app = bin.with_file_name("linkcord-app");
    let mine: Vec<u32> = descendants(std::process::id())
        .into_iter()
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == app))
        .collect();
    match mine.as_slice() {
        [pid] => Ok(*pid),
        [] => Err("the app process was not found under this benchmark".into()),
        many => Err(format!("more than one app process is running: {many:?}")),
    }
}

/// The process's start in Unix milliseconds. `/proc/stat`'s `btime` is whole seconds, too
/// coarse here, so the offset between the boot-time clock (which field 22 counts in) and the
/// wall clock is read now instead.
fn process_start_unix_ms(pid: u32) -> Result<f64> {
    let stat = read_stat(pid).ok_or_else(|| format!("/proc/{pid}/stat is unreadable"))?;
    // SAFETY: sysconf only reads a constant of the system.
    let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let boot_offset_s = clock_seconds(libc::CLOCK_REALTIME) - clock_seconds(libc::CLOCK_BOOTTIME);
    Ok((boot_offset_s + stat.start_ticks as f64 / ticks_per_second) * 1000.0)
}

fn clock_seconds(clock: libc::clockid_t) -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

fn unix_ms_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// A `kB` field of a /proc file, such as `VmRSS:` in `status` or `Pss:` in `smaps_rollup`.
fn kb_field(path: &str, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn command_name(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "?".into())
}

/// RSS counts shared pages (libraries, WebKit's shared memory) once per process, so the RSS
/// total overstates; PSS splits shared pages between the processes, so its total is fair.
/// Of the PSS, the anonymous part (heap, JS, graphics buffers) is what the app and its page
/// make; the rest is mostly the code of the libraries they map.
fn print_memory(title: &str, app: u32) {
    println!();
    println!("{title} (the app and every process under it):");
    println!(
        "  {:>8}  {:<20} {:>9} {:>9} {:>9}",
        "pid", "process", "RSS MB", "PSS MB", "anon PSS"
    );
    let mut totals = [0u64; 3];
    for pid in descendants(app) {
        let rollup = format!("/proc/{pid}/smaps_rollup");
        let row = [
            kb_field(&format!("/proc/{pid}/status"), "VmRSS:"),
            kb_field(&rollup, "Pss:"),
            kb_field(&rollup, "Pss_Anon:"),
        ];
        for (total, value) in totals.iter_mut().zip(row) {
            *total += value.unwrap_or(0);
        }
        print_memory_row(&pid.to_string(), &command_name(pid), row);
    }
    print_memory_row("", "total", totals.map(Some));
    println!("  target: under 150 MB");
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
fn cli_baseline(sandbox: &Sandbox) -> Result<()> {
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
    print_spread("wall time, ms", times);
    print_spread("peak RSS, MB", peaks);
    Ok(())
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
