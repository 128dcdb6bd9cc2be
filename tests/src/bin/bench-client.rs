//! `bench-client`: how fast the Discord client refreshes an account, in numbers.
//!
//! Issue 3 asks that a refresh (profile + connections + guilds) costs about one request's
//! time, not three, because the three requests run concurrently; and how much CPU the client
//! itself spends per refresh. A test with a timing threshold would be flaky on a shared
//! machine, so this is a program that measures and prints; people read the numbers.
//!
//! 1. Wall time. An in-process emulator adds 100 ms to every request. The median of 20 runs
//!    of one request (`current_user`) is compared with the median of 20 refreshes
//!    (`snapshot`); the target is a ratio of at most 1.2.
//! 2. CPU time. Process CPU time (getrusage) counts every thread of this process, so here the
//!    emulator runs as its own process (the `discord-emulator` binary next to this one), with
//!    no added latency. 200 refreshes are measured, and 200 single requests as a baseline;
//!    five such rounds each, reporting the median round, since the machine may be shared.
//!
//! Run it with `scripts/bench-client.sh` (a release build). It exits 0 whatever the numbers
//! are, and non-zero only when it could not measure at all.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use linkcord_core::config::Endpoints;
use linkcord_core::discord::{ClientOptions, DiscordClient};
use linkcord_core::secret::AccessToken;
use linkcord_tests::emulator::{
    DEFAULT_CLIENT_ID, Emulator, EmulatorConfig, RateLimitConfig, challenge_for, ids, new_verifier,
};

/// Added by the emulator to every request in the wall-time part.
const LATENCY: Duration = Duration::from_millis(100);
const WALL_RUNS: usize = 20;
const CPU_RUNS: u32 = 200;
const CPU_ROUNDS: usize = 5;
const WARM_UP_RUNS: usize = 20;
const SCOPES: &str = "identify email connections guilds";
/// High enough that the benchmark never meets the emulator's rate limit.
const RATE_LIMIT: u32 = 100_000;
/// A loopback redirect the emulator accepts on any port; nothing listens there.
const REDIRECT: &str = "http://127.0.0.1:49821/callback";

type Result<T> = std::result::Result<T, String>;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench-client: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!(
        "bench-client ({build} build, {} CPUs)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    wall_time().await?;
    cpu_time().await
}

/// Part 1: a refresh against one request, with 100 ms added to every request.
async fn wall_time() -> Result<()> {
    let config = EmulatorConfig {
        latency: LATENCY,
        rate_limit: generous_limit(),
        ..EmulatorConfig::default()
    };
    let emu = Emulator::start(config)
        .await
        .map_err(|e| format!("emulator: {e}"))?;
    let (client, token) = connect(&emu.base_url(), ids::AVA).await?;
    // Open the pooled connections first, so no run pays for a TCP handshake.
    client.snapshot(&token).await.map_err(|e| e.to_string())?;

    let one = median(
        &timed(WALL_RUNS, || async {
            client.current_user(&token).await.map(drop)
        })
        .await?,
    );
    let refresh = median(
        &timed(WALL_RUNS, || async {
            client.snapshot(&token).await.map(drop)
        })
        .await?,
    );
    let one_after_another = median(
        &timed(WALL_RUNS, || async {
            client.current_user(&token).await?;
            client.connections(&token).await?;
            client.guilds(&token).await.map(drop)
        })
        .await?,
    );

    let ratio = refresh.as_secs_f64() / one.as_secs_f64();
    println!();
    println!(
        "Wall time, emulator in process adding {} ms per request, user ava.nunez, median of {WALL_RUNS} runs",
        LATENCY.as_millis()
    );
    row("one request (current_user)", &ms(one));
    row("refresh (profile + connections + guilds)", &ms(refresh));
    row(
        "the same three one after another",
        &format!("{}  (for comparison)", ms(one_after_another)),
    );
    let verdict = if ratio <= 1.2 { "met" } else { "missed" };
    row(
        "ratio refresh / one request",
        &format!("{ratio:11.3}  (target <= 1.2: {verdict})"),
    );
    emu.shutdown().await.map_err(|e| e.to_string())
}

/// Part 2: the client's own CPU time per refresh, with the emulator in another process.
async fn cpu_time() -> Result<()> {
    let emulator = EmulatorProcess::start()?;
    println!();
    println!(
        "CPU time of this process (user + system) per call, emulator in its own process without latency, median of {CPU_ROUNDS} rounds of {CPU_RUNS} calls"
    );
    for (user, name) in [(ids::AVA, "ava.nunez"), (ids::HANAKO, "hanako_yamada")] {
        let (client, token) = connect(&emulator.url, user).await?;
        // Warm up: pooled connections, allocator and caches, so the first user measured
        // does not pay for what the second gets for free.
        for _ in 0..WARM_UP_RUNS {
            client.snapshot(&token).await.map_err(|e| e.to_string())?;
        }
        // Rounds alternate between the two, so a busy spell on the machine (other builds,
        // other benchmarks) lands on both sides; the median round is reported.
        let (mut ones, mut refreshes) = (Vec::new(), Vec::new());
        for _ in 0..CPU_ROUNDS {
            ones.push(cpu_per_run(|| async { client.current_user(&token).await.map(drop) }).await?);
            refreshes
                .push(cpu_per_run(|| async { client.snapshot(&token).await.map(drop) }).await?);
        }
        let (one, refresh) = (median(&ones), median(&refreshes));
        let ratio = refresh.as_secs_f64() / one.as_secs_f64();
        println!("  {name}:");
        row("  per request (current_user, baseline)", &us(one));
        row("  per refresh (snapshot)", &us(refresh));
        row("  ratio refresh / request", &format!("{ratio:11.2}"));
    }
    Ok(())
}

fn generous_limit() -> RateLimitConfig {
    RateLimitConfig {
        limit: RATE_LIMIT,
        window: Duration::from_secs(1),
    }
}

/// A client for the emulator at `base`, and a token for `user` with every scope.
async fn connect(base: &str, user: &str) -> Result<(DiscordClient, AccessToken)> {
    let endpoints =
        Endpoints::new(base, &format!("{base}/cdn")).map_err(|e| format!("endpoints: {e}"))?;
    let client = DiscordClient::with_options(&endpoints, ClientOptions::default())
        .map_err(|e| e.to_string())?;
    let token = sign_in(base, user).await?;
    Ok((client, token))
}

/// The PKCE code flow as a public client, approving as `user` without the consent page.
async fn sign_in(base: &str, user: &str) -> Result<AccessToken> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let verifier = new_verifier();
    let challenge = challenge_for(&verifier);
    let approved = http
        .get(format!("{base}/oauth2/authorize"))
        .query(&[
            ("client_id", DEFAULT_CLIENT_ID),
            ("response_type", "code"),
            ("scope", SCOPES),
            ("redirect_uri", REDIRECT),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("approve_as", user),
        ])
        .send()
        .await
        .map_err(|e| format!("authorize: {e}"))?;
    let code = redirect_code(&approved).ok_or("authorize did not redirect with a code")?;
    let reply: serde_json::Value = http
        .post(format!("{base}/api/oauth2/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
            ("client_id", DEFAULT_CLIENT_ID),
        ])
        .send()
        .await
        .map_err(|e| format!("token: {e}"))?
        .json()
        .await
        .map_err(|e| format!("token reply: {e}"))?;
    let access = reply["access_token"]
        .as_str()
        .ok_or("the token reply has no access_token")?;
    Ok(AccessToken::new(access.to_owned()))
}

fn redirect_code(response: &reqwest::Response) -> Option<String> {
    let location = response.headers().get("location")?.to_str().ok()?;
    let url = url::Url::parse(location).ok()?;
    url.query_pairs()
        .find(|(key, _)| key == "code")
        .map(|(_, value)| value.into_owned())
}

/// The wall time of each of `runs` calls.
async fn timed<F, Fut, E>(runs: usize, mut call: F) -> Result<Vec<Duration>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = std::result::Result<(), E>>,
    E: std::fmt::Display,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        call().await.map_err(|e| e.to_string())?;
        times.push(start.elapsed());
    }
    Ok(times)
}

/// This process's CPU time over [`CPU_RUNS`] calls, divided by the number of calls.
async fn cpu_per_run<F, Fut, E>(mut call: F) -> Result<Duration>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = std::result::Result<(), E>>,
    E: std::fmt::Display,
{
    let before = process_cpu()?;
    for _ in 0..CPU_RUNS {
        call().await.map_err(|e| e.to_string())?;
    }
    Ok((process_cpu()? - before) / CPU_RUNS)
}

/// User plus system CPU time of every thread of this process so far.
fn process_cpu() -> Result<Duration> {
    // SAFETY: getrusage only writes into the struct it is given, which is zeroed and owned
    // here; RUSAGE_SELF is always a valid `who`.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return Err(format!("getrusage: {}", std::io::Error::last_os_error()));
        }
        usage
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Ok(time(usage.ru_utime) + time(usage.ru_stime))
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2
    } else {
        sorted[mid]
    }
}

/// One line of the report: an indented label and its value, in aligned columns.
fn row(label: &str, value: &str) {
    println!("  {label:<42}{value}");
}

fn ms(d: Duration) -> String {
    format!("{:8.1} ms", d.as_secs_f64() * 1000.0)
}

fn us(d: Duration) -> String {
    format!("{:8.0} µs", d.as_secs_f64() * 1e6)
}

/// The `discord-emulator` binary from the same build, serving until this value is dropped.
struct EmulatorProcess {
    child: Child,
    url: String,
}

impl EmulatorProcess {
    fn start() -> Result<Self> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let path = exe.with_file_name("discord-emulator");
        let mut child = Command::new(&path)
            .args(["--port", "0", "--latency-ms", "0", "--rate-limit"])
            .arg(RATE_LIMIT.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", path.display()))?;
        let url = child.stdout.take().and_then(|out| {
            let mut line = String::new();
            BufReader::new(out).read_line(&mut line).ok()?;
            Some(
                line.trim()
                    .strip_prefix("DISCORD_EMULATOR_URL=")?
                    .to_owned(),
            )
        });
        let mut running = Self {
            child,
            url: String::new(),
        };
        running.url = url.ok_or("the emulator did not print its URL")?;
        Ok(running)
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        // SIGTERM lets it shut down cleanly; it is our own child, by its pid.
        if let Ok(pid) = libc::pid_t::try_from(self.child.id()) {
            // SAFETY: kill only sends a signal; the pid is that of our unreaped child.
            unsafe { libc::kill(pid, libc::SIGTERM) };
        }
        let _ = self.child.wait();
    }
}
