//! What Linux's `/proc` says about processes: which ones run under which, what environment
//! they started with, when they started and how much memory they hold.
//!
//! The suites and the benchmarks need this to find the app and its WebKit processes (a
//! sandbox is recognised by the data directory in their environment), to end a whole process
//! tree after a test, and to read start times and memory. Linux only, as the suites are.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

/// What the suites need of one line of `/proc/<pid>/stat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcStat {
    pub pid: u32,
    /// Field 3: `R`, `S`, `Z` (a zombie: ended, not reaped yet), …
    pub state: char,
    /// Field 4: the parent's pid.
    pub ppid: u32,
    /// Field 22: clock ticks after boot when the process started.
    pub start_ticks: u64,
}

/// Reads `/proc/<pid>/stat`; `None` once the process is gone.
pub fn stat(pid: u32) -> Option<ProcStat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces or parentheses; the
    // fields after the last `)` are plain. Counting from field 3 at index 0, the parent is
    // index 1 and the start time index 19.
    let (_, rest) = text.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(ProcStat {
        pid,
        state: fields.first()?.chars().next()?,
        ppid: fields.get(1)?.parse().ok()?,
        start_ticks: fields.get(19)?.parse().ok()?,
    })
}

/// Every process id listed in `/proc` now.
pub fn pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .collect()
}

/// `root` first, then every process under it (children, their children, …).
pub fn descendants(root: u32) -> Vec<u32> {
    let all: Vec<ProcStat> = pids().into_iter().filter_map(stat).collect();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(all.iter().filter(|p| p.ppid == parent).map(|p| p.pid));
        i += 1;
    }
    tree
}

/// Whether `/proc` still lists the process (a zombie counts as alive).
pub fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// The environment the process started with, as `NAME=value` strings (empty once gone).
pub fn environment(pid: u32) -> Vec<String> {
    let raw = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
    raw.split(|b| *b == 0)
        .filter(|kv| !kv.is_empty())
        .map(|kv| String::from_utf8_lossy(kv).into_owned())
        .collect()
}

/// Whether the process started with exactly `name_value` (`NAME=value`) in its environment.
pub fn has_env(pid: u32, name_value: &str) -> bool {
    environment(pid).iter().any(|kv| kv == name_value)
}

/// The command name (`comm`, at most 15 bytes: `WebKitWebProces`), or `?`.
pub fn command_name(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "?".into())
}

/// The executable the process runs, when it can be read.
pub fn executable(pid: u32) -> Option<PathBuf> {
    std::fs::read_link(format!("/proc/{pid}/exe")).ok()
}

/// The process's start in Unix milliseconds. `/proc/stat`'s `btime` is whole seconds, too
/// coarse for timing a start-up, so the offset between the boot-time clock (which field 22
/// counts in) and the wall clock is read now instead. Resolution: one clock tick (10 ms).
pub fn start_unix_ms(pid: u32) -> Option<f64> {
    let stat = stat(pid)?;
    // SAFETY: sysconf only reads a constant of the system.
    let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let boot_offset_s = clock_seconds(libc::CLOCK_REALTIME) - clock_seconds(libc::CLOCK_BOOTTIME);
    Some((boot_offset_s + stat.start_ticks as f64 / ticks_per_second) * 1000.0)
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

/// The CPU time the process has used so far (user and system, every thread), in
/// milliseconds; `None` once it is gone. Resolution: one clock tick (10 ms).
pub fn cpu_ms(pid: u32) -> Option<f64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = text.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 (utime, stime) are indexes 11 and 12, counting field 3 as index 0.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf only reads a constant of the system.
    let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    Some(ticks as f64 * 1000.0 / ticks_per_second)
}

/// The wall clock now, in Unix milliseconds.
pub fn unix_ms_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// The memory one process holds, in kB; `None` where `/proc` would not say (the process
/// ended, or its files are not readable).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    /// Resident set: counts every shared page once per process that maps it.
    pub rss_kb: Option<u64>,
    /// Proportional set: shared pages split between the processes that map them.
    pub pss_kb: Option<u64>,
    /// The anonymous part of the PSS (heap, JavaScript, graphics buffers).
    pub anon_pss_kb: Option<u64>,
}

/// Reads `VmRSS` from `status`, `Pss` and `Pss_Anon` from `smaps_rollup`.
pub fn memory(pid: u32) -> Memory {
    let rollup = format!("/proc/{pid}/smaps_rollup");
    Memory {
        rss_kb: kb_field(&format!("/proc/{pid}/status"), "VmRSS:"),
        pss_kb: kb_field(&rollup, "Pss:"),
        anon_pss_kb: kb_field(&rollup, "Pss_Anon:"),
    }
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

/// Ends `root` and every process under it: SIGTERM, up to 5 s for them to go, then SIGKILL for
/// what is left. `reap` is called while waiting: when `root` is the caller's own child, it must
/// collect its exit status (`try_wait`), or `root` stays listed as a zombie and the wait lasts
/// the whole 5 s.
pub fn end_tree(root: u32, mut reap: impl FnMut()) {
    let tree = descendants(root);
    signal(&tree, "-TERM");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::time::Instant::now() < deadline {
        reap();
        if !tree.iter().any(|pid| alive(*pid)) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    signal(&tree, "-KILL");
}

/// Sends `sig` ("-TERM", "-KILL") to those of `pids` still alive, with `kill`.
pub fn signal(pids: &[u32], sig: &str) {
    let live: Vec<String> = pids
        .iter()
        .filter(|p| alive(**p))
        .map(u32::to_string)
        .collect();
    if !live.is_empty() {
        let _ = Command::new("kill")
            .arg(sig)
            .args(&live)
            .stderr(Stdio::null())
            .status();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_seen_with_its_child_start_time_environment_and_memory() {
        let me = std::process::id();
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .env("PROCESSES_TEST_MARK", "1")
            .spawn()
            .expect("sleep");
        let pid = child.id();
        // Until the child has run `exec`, /proc shows it with this process's name and
        // environment.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while command_name(pid) != "sleep" && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let tree = descendants(me);
        assert_eq!(tree[0], me);
        assert!(tree.contains(&pid), "{tree:?}");
        assert_eq!(stat(pid).map(|s| s.ppid), Some(me));
        assert!(has_env(pid, "PROCESSES_TEST_MARK=1"));
        assert_eq!(command_name(pid), "sleep");
        let started = start_unix_ms(pid).expect("a start time");
        assert!((unix_ms_now() - started).abs() < 5_000.0, "{started}");
        let mine = memory(me);
        assert!(mine.rss_kb.is_some_and(|kb| kb > 0), "{mine:?}");
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(!alive(pid));
    }
}
