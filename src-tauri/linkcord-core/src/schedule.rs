//! When each account is refreshed in the background, as a pure rule with no clock of its own.
//!
//! The app refreshes every account while it sits in the tray. Done naively (all accounts on
//! one timer) that would send a burst of requests every half hour, keep hammering Discord
//! while the network is down, and wait a whole interval after the laptop wakes up. This module
//! decides, from outcomes and times the caller hands it, which account is due next:
//!
//! - each account has its own due time; new accounts are spread over the interval, and two
//!   refreshes never start closer than [`Policy::gap`], so a round is never a burst;
//! - a 429's retry-after pushes the account (every account, for a global limit) later;
//! - a network failure backs that account off; several accounts failing with "unreachable"
//!   in a row mean the computer is offline: then only one account is tried now and then (a
//!   probe, backing off up to [`Policy::max_probe`]) until one gets through;
//! - a wake from sleep (seen as the wall clock jumping ahead of the monotonic clock, which
//!   stops while the computer sleeps) makes what fell due during the sleep due now.
//!
//! Times are `Instant`s passed in by the caller, so the tests drive it without waiting.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant, SystemTime};

use crate::discord::UserId;

/// The default time between two refreshes of the same account.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(30 * 60);

/// The tunable numbers of the schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Time between two refreshes of one account.
    pub interval: Duration,
    /// Least time between the starts of two refreshes (of any accounts).
    pub gap: Duration,
    /// First wait after a network failure of one account; doubled each time, up to `interval`.
    pub backoff: Duration,
    /// This many different accounts "unreachable" with no success in between (or all of them,
    /// if fewer) mean offline.
    pub offline_after: u32,
    /// First wait between two probes while offline; doubled each time up to `max_probe`.
    pub probe: Duration,
    pub max_probe: Duration,
    /// A wall-clock jump ahead of the monotonic clock by more than this is taken as a wake.
    pub wake_jump: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self::with_interval(DEFAULT_INTERVAL)
    }
}

impl Policy {
    /// The default policy with another interval; the other waits shrink with a short interval
    /// so a test's schedule keeps its shape.
    pub fn with_interval(interval: Duration) -> Self {
        Self {
            interval,
            gap: Duration::from_secs(2).min(interval / 20),
            backoff: Duration::from_secs(60).min(interval / 4),
            offline_after: 2,
            probe: Duration::from_secs(30).min(interval / 4),
            max_probe: Duration::from_secs(600).min(interval),
            wake_jump: Duration::from_secs(60),
        }
    }
}

/// How a refresh ended, as far as the schedule cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Discord answered.
    Done,
    /// No connection could be made (DNS, refused, timeout): maybe the computer is offline.
    Unreachable,
    /// Discord asked to wait; `global` limits count for every account.
    RateLimited { retry_after: Duration, global: bool },
    /// Anything else (Discord refused, needs sign-in, keychain): try again at the next interval.
    Failed,
}

/// What the caller should do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Refresh this account now, then [`Schedule::record`] the outcome.
    Refresh(UserId),
    /// Nothing is due before this time.
    WaitUntil(Instant),
    /// No account to refresh.
    Idle,
}

#[derive(Debug, Clone)]
struct Entry {
    due: Instant,
    /// Network failures in a row of this account.
    failures: u32,
}

#[derive(Debug, Clone)]
struct Offline {
    next_probe: Instant,
    probes: u32,
}

/// The background refresh schedule of every account.
#[derive(Debug, Clone)]
pub struct Schedule {
    policy: Policy,
    accounts: BTreeMap<UserId, Entry>,
    /// When the last refresh started; the next waits `gap` after it.
    last_start: Option<Instant>,
    /// The accounts found unreachable since the last refresh that got through.
    unreachable: BTreeSet<UserId>,
    offline: Option<Offline>,
    /// The clocks at the last [`Schedule::observe_clocks`].
    clocks: Option<(Instant, SystemTime)>,
}

impl Schedule {
    pub fn new(policy: Policy) -> Self {
        Self {
            policy,
            accounts: BTreeMap::new(),
            last_start: None,
            unreachable: BTreeSet::new(),
            offline: None,
            clocks: None,
        }
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn is_offline(&self) -> bool {
        self.offline.is_some()
    }

    /// Follows the list of accounts: new ones are spread over the interval after `now`
    /// (between the accounts already known, by their number), removed ones are forgotten.
    pub fn set_accounts<'a>(&mut self, ids: impl IntoIterator<Item = &'a UserId>, now: Instant) {
        let wanted: Vec<&UserId> = ids.into_iter().collect();
        self.accounts.retain(|id, _| wanted.contains(&id));
        let new: Vec<&UserId> = wanted
            .iter()
            .copied()
            .filter(|id| !self.accounts.contains_key(*id))
            .collect();
        let count = new.len() as u32;
        for (k, id) in new.into_iter().enumerate() {
            // The k-th new account of n is due (k+1)/(n+1) of the way through the interval:
            // never at `now` (the app has just refreshed the active one), never all together.
            let due = now + self.policy.interval * (k as u32 + 1) / (count + 1);
            self.accounts.insert(id.clone(), Entry { due, failures: 0 });
        }
    }

    /// A new interval (the person changed the setting): every due time is moved to keep its
    /// place in the new interval, at most `interval` from `now`.
    pub fn set_interval(&mut self, interval: Duration, now: Instant) {
        let policy = Policy::with_interval(interval);
        for entry in self.accounts.values_mut() {
            let latest = now + interval;
            if entry.due > latest {
                entry.due = latest;
            }
        }
        self.policy = policy;
    }

    /// What to do at `now`: the most overdue account if the gap since the last start has
    /// passed (while offline, only a probe when its time has come), or when to look again.
    pub fn next(&self, now: Instant) -> Next {
        let Some((id, entry)) = self.accounts.iter().min_by_key(|(_, e)| e.due) else {
            return Next::Idle;
        };
        let mut at = entry.due;
        if let Some(offline) = &self.offline {
            at = offline.next_probe;
        }
        if let Some(last) = self.last_start {
            at = at.max(last + self.policy.gap);
        }
        if at <= now {
            Next::Refresh(id.clone())
        } else {
            Next::WaitUntil(at)
        }
    }

    /// Notes that a refresh of `id` starts at `now` (for the gap).
    pub fn started(&mut self, now: Instant) {
        self.last_start = Some(now);
    }

    /// Sets the next due time of `id` from how its refresh ended at `now`.
    pub fn record(&mut self, id: &UserId, outcome: Outcome, now: Instant) {
        match outcome {
            Outcome::Unreachable => self.unreachable(id, now),
            _ => {
                self.unreachable.clear();
                if self.offline.take().is_some() {
                    self.back_online(now);
                }
            }
        }
        let interval = self.policy.interval;
        let Some(entry) = self.accounts.get_mut(id) else {
            return;
        };
        match outcome {
            Outcome::Done | Outcome::Failed => {
                entry.failures = 0;
                entry.due = now + interval;
            }
            Outcome::Unreachable => {
                entry.failures += 1;
                let doubling = 2u32.saturating_pow(entry.failures - 1);
                entry.due = now + self.policy.backoff.saturating_mul(doubling).min(interval);
            }
            Outcome::RateLimited {
                retry_after,
                global,
            } => {
                entry.failures = 0;
                // Try again as soon as Discord allows, but never sooner than the gap.
                entry.due = now + retry_after.max(self.policy.gap);
                if global {
                    let floor = now + retry_after;
                    for other in self.accounts.values_mut() {
                        other.due = other.due.max(floor);
                    }
                }
            }
        }
    }

    /// Looks at both clocks; true when the computer has just woken up (the wall clock moved
    /// on further than the monotonic one, which stands still during sleep). Then what fell
    /// due during the sleep is due now, and an offline state is probed at once.
    pub fn observe_clocks(&mut self, now: Instant, wall: SystemTime) -> bool {
        let previous = self.clocks.replace((now, wall));
        let Some((then, then_wall)) = previous else {
            return false;
        };
        let mono = now.saturating_duration_since(then);
        let Ok(walled) = wall.duration_since(then_wall) else {
            return false; // the wall clock was set back: not a wake
        };
        let slept = walled.saturating_sub(mono);
        if slept <= self.policy.wake_jump {
            return false;
        }
        self.woke(now, slept);
        true
    }

    /// The computer slept for `slept` and is awake at `now` (also for an explicit signal such
    /// as logind's PrepareForSleep(false)).
    pub fn woke(&mut self, now: Instant, slept: Duration) {
        for entry in self.accounts.values_mut() {
            // The monotonic clock stood still, so each due time is `slept` too late.
            let due = entry.due.checked_sub(slept).unwrap_or(now);
            entry.due = due.max(now).min(entry.due);
            entry.failures = 0;
        }
        if let Some(offline) = &mut self.offline {
            offline.next_probe = now;
            offline.probes = 0;
        }
        self.unreachable.clear();
    }

    /// Accounts that failed while offline are due now (one after the other, by the gap).
    fn back_online(&mut self, now: Instant) {
        for entry in self.accounts.values_mut().filter(|e| e.failures > 0) {
            entry.failures = 0;
            entry.due = entry.due.min(now);
        }
    }

    fn unreachable(&mut self, id: &UserId, now: Instant) {
        self.unreachable.insert(id.clone());
        let threshold = self
            .policy
            .offline_after
            .min(self.accounts.len().max(1) as u32);
        if let Some(offline) = &mut self.offline {
            offline.probes += 1;
            let doubling = 2u32.saturating_pow(offline.probes);
            offline.next_probe =
                now + (self.policy.probe.saturating_mul(doubling)).min(self.policy.max_probe);
        } else if self.unreachable.len() as u32 >= threshold {
            tracing::info!(
                "Discord unreachable for {threshold} accounts (last {id}): offline, probing now and then"
            );
            self.offline = Some(Offline {
                next_probe: now + self.policy.probe,
                probes: 0,
            });
        }
    }
}

#[cfg(test)]
mod tests;
