//! `bench-watch`: what one background refresh round of every account costs the running app
//! (issue 12): CPU time, requests to Discord and wall time, in printed numbers, never pass or
//! fail.
//!
//! N generated accounts (20 by default) are signed in with `linkcord login` against the
//! emulator (real keychain entries, [`linkcord_tests::seed`]). Then the real app starts in the
//! tray (`--hidden`: no window, no WebKit process) with the background interval set to
//! `--interval` seconds (`LINKCORD_REFRESH_SECONDS`). Once its start-up refresh of the active
//! account is over, the app's CPU time (user + system, `/proc/<pid>/stat`) and the emulator's
//! request counters are read; again once every account was refreshed once. The schedule
//! spreads a round over the interval on purpose, so the wall time is mostly waiting; the CPU
//! time includes what the app does while idle for that long, which a second run with
//! background refresh off measures for as long, so the two can be told apart.
//!
//! Run it with `scripts/bench-watch.sh` (release build, Xvfb, a private Secret Service).

use std::process::{Child, ExitCode, Stdio};
use std::time::{Duration, Instant};

use linkcord_tests::app::Sandbox;
use linkcord_tests::emulator::{Emulator, RunningEmulator};
use linkcord_tests::seed::{ManyUsers, sign_in_all};
use serde_json::Value;

type Result<T> = std::result::Result<T, String>;

/// Every refresh asks for the connections once: the count of refreshes done.
const REFRESH_ROUTE: &str = "users/@me/connections";

struct Options {
    accounts: usize,
    interval: u64,
}

fn options() -> Result<Options> {
    let mut options = Options {
        accounts: 20,
        interval: 60,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or(format!("{arg} needs a value"))?;
        let number = value
            .parse::<u64>()
            .map_err(|_| format!("{arg}: '{value}' is not a number"))?;
        match arg.as_str() {
            "--accounts" => options.accounts = number as usize,
            "--interval" => options.interval = number,
            other => {
                return Err(format!(
                    "unknown option {other} (--accounts N, --interval S)"
                ));
            }
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-watch: could not measure: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    let options = options()?;
    let many = ManyUsers::generate(options.accounts);
    let emulator = Emulator::start(many.emulator_config())
        .await
        .map_err(|e| format!("start the emulator: {e}"))?;
    let sandbox = Sandbox::new()
        .with_emulator(&emulator.base_url())
        .with_any_loopback_port()
        .with_env("LINKCORD_REFRESH_SECONDS", &options.interval.to_string());
    let signing = Instant::now();
    sign_in_all(&sandbox, &many.ids()).await?;
    println!(
        "{} accounts signed in in {:.1} s; background interval {} s; machine load {}",
        options.accounts,
        signing.elapsed().as_secs_f64(),
        options.interval,
        load()
    );

    let round = measure(&sandbox, &emulator, options.accounts, options.interval).await?;
    // The same app, as long, with background refresh off: what it costs just to sit there.
    let off = sandbox
        .command(&["config", "set", "refresh-minutes", "0"])
        .status();
    if !off.is_ok_and(|s| s.success()) {
        return Err("linkcord config set refresh-minutes 0 failed".into());
    }
    let idle = idle_cpu(&sandbox, &emulator, round.wall).await?;

    let per_account = |ms: f64| ms / options.accounts as f64;
    println!();
    println!("one background round of {} accounts:", options.accounts);
    println!(
        "  wall time          {:>8.1} s   (spread over the interval by design)",
        round.wall.as_secs_f64()
    );
    println!(
        "  app CPU (user+sys) {:>8.0} ms  ({:.1} ms per account)",
        round.cpu_ms,
        per_account(round.cpu_ms)
    );
    println!(
        "  idle app, as long  {:>8.0} ms  (background refresh off)",
        idle
    );
    println!(
        "  round minus idle   {:>8.0} ms  ({:.1} ms per account)",
        round.cpu_ms - idle,
        per_account(round.cpu_ms - idle)
    );
    println!(
        "  requests           {:>8}     ({:.1} per account)",
        round.requests.values().sum::<u64>(),
        round.requests.values().sum::<u64>() as f64 / options.accounts as f64
    );
    for (route, count) in &round.requests {
        println!("    {route:<28} {count}");
    }
    Ok(())
}

struct Round {
    wall: Duration,
    cpu_ms: f64,
    requests: std::collections::BTreeMap<String, u64>,
}

/// Starts the app in the tray and measures its first background round.
async fn measure(
    sandbox: &Sandbox,
    emulator: &RunningEmulator,
    accounts: usize,
    interval: u64,
) -> Result<Round> {
    let before_start = stats(emulator).await?;
    let app = App::start(sandbox)?;
    // The start-up refresh of the active account comes first; the round starts after it.
    wait_for_refreshes(emulator, &before_start, 1, Duration::from_secs(30)).await?;
    let start = stats(emulator).await?;
    let cpu = app.cpu_ms()?;
    let began = Instant::now();
    let within = Duration::from_secs(interval * 2 + 30);
    wait_for_refreshes(emulator, &start, accounts as u64, within).await?;
    let wall = began.elapsed();
    let cpu_ms = app.cpu_ms()? - cpu;
    let end = stats(emulator).await?;
    drop(app);
    Ok(Round {
        wall,
        cpu_ms,
        requests: difference(&start, &end),
    })
}

/// The app's CPU time over `period` with background refresh off, after its start-up.
async fn idle_cpu(sandbox: &Sandbox, emulator: &RunningEmulator, period: Duration) -> Result<f64> {
    let before_start = stats(emulator).await?;
    let mut quiet = sandbox.command(&["--hidden"]);
    quiet.env_remove("LINKCORD_REFRESH_SECONDS");
    let app = App::spawn(quiet)?;
    wait_for_refreshes(emulator, &before_start, 1, Duration::from_secs(30)).await?;
    let cpu = app.cpu_ms()?;
    tokio::time::sleep(period).await;
    Ok(app.cpu_ms()? - cpu)
}

/// The app running in the tray; ended when dropped.
struct App(Child);

impl App {
    fn start(sandbox: &Sandbox) -> Result<Self> {
        Self::spawn(sandbox.command(&["--hidden"]))
    }

    fn spawn(mut command: std::process::Command) -> Result<Self> {
        // `linkcord` replaces itself with `linkcord-app`: the pid stays the app's.
        command.stdout(Stdio::null()).stderr(Stdio::null());
        command
            .spawn()
            .map(Self)
            .map_err(|e| format!("start the app: {e}"))
    }

    /// User + system CPU time so far, in milliseconds (fields 14 and 15 of /proc/<pid>/stat).
    fn cpu_ms(&self) -> Result<f64> {
        let pid = self.0.id();
        let text = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map_err(|e| format!("the app is gone ({e})"))?;
        let (_, rest) = text.rsplit_once(')').ok_or("unreadable /proc stat")?;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        // After the command name, field 3 is index 0: utime (14) is 11, stime (15) is 12.
        let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
        Ok((ticks(11) + ticks(12)) as f64 * 1000.0 / per_second)
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn stats(emulator: &RunningEmulator) -> Result<Value> {
    let url = format!("{}/_emulator/stats", emulator.base_url());
    let reply = reqwest::get(url).await.map_err(|e| format!("stats: {e}"))?;
    reply.json().await.map_err(|e| format!("stats: {e}"))
}

fn count(stats: &Value, route: &str) -> u64 {
    stats["requests"][route].as_u64().unwrap_or(0)
}

/// Waits until `refreshes` more refreshes than in `since` reached the emulator.
async fn wait_for_refreshes(
    emulator: &RunningEmulator,
    since: &Value,
    refreshes: u64,
    within: Duration,
) -> Result<()> {
    let deadline = Instant::now() + within;
    let base = count(since, REFRESH_ROUTE);
    loop {
        let now = count(&stats(emulator).await?, REFRESH_ROUTE);
        if now >= base + refreshes {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "only {} of {refreshes} refreshes within {within:?}",
                now - base
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn difference(before: &Value, after: &Value) -> std::collections::BTreeMap<String, u64> {
    let mut routes = std::collections::BTreeMap::new();
    if let Some(map) = after["requests"].as_object() {
        for (route, value) in map {
            let delta = value.as_u64().unwrap_or(0) - count(before, route);
            if delta > 0 {
                routes.insert(route.clone(), delta);
            }
        }
    }
    routes
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
