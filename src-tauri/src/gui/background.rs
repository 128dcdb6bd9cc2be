//! Refreshing every account while Linkcord sits in the tray, and notifying what needs the
//! person.
//!
//! One task runs for the life of the app. It asks the core's [`Schedule`] which account is
//! due, refreshes it (which records its changes, see `linkcord_core::changes`), feeds the
//! outcome back so the schedule can back off, pause while offline or wait out a rate limit,
//! and publishes the new view (badges included). Every turn it also notifies what any refresh
//! recorded since it last looked (its own, the window's, a terminal's): a history whose file
//! did not change costs one `stat`. It looks at both clocks on every turn, so a wake from sleep is
//! seen at once, and it follows the saved settings (the interval, 0 for off, the notification
//! switches) without a restart, even when a terminal changed them.
//!
//! Accounts that need sign-in are left out: refreshing them cannot work until the person
//! signs in again, and they were notified when it happened.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use linkcord_core::accounts::{AccountEntry, AccountStatus as IndexStatus};
use linkcord_core::changes::ChangeLog;
use linkcord_core::config::Settings;
use linkcord_core::discord::{DiscordError, UserId};
use linkcord_core::oauth::OAuthError;
use linkcord_core::schedule::{Next, Outcome, Policy, Schedule};
use linkcord_core::session::{Session, SessionError};
use tauri::{AppHandle, Manager, Runtime};
use time::OffsetDateTime;

use super::{AppState, accounts, i18n, notify};

/// Test-only: the interval in seconds, over the setting's minutes (README, environment
/// variables); `refresh-minutes 0` still turns background refresh off.
pub const INTERVAL_VAR: &str = "LINKCORD_REFRESH_SECONDS";

/// The longest the loop sleeps before looking at the clocks and the settings again.
const LOOK_AGAIN: Duration = Duration::from_secs(30);

/// Starts the background refresh loop.
pub fn spawn<R: Runtime>(app: &AppHandle<R>) {
    let forced = std::env::var(INTERVAL_VAR)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .filter(|s| *s > 0)
        .map(Duration::from_secs);
    let app = app.clone();
    tauri::async_runtime::spawn(async move { run(app, forced).await });
}

async fn run<R: Runtime>(app: AppHandle<R>, forced: Option<Duration>) {
    let mut watcher = Watcher::new(forced);
    loop {
        let pause = watcher.turn(&app).await;
        tokio::time::sleep(pause).await;
    }
}

/// The loop's memory between turns.
struct Watcher {
    forced: Option<Duration>,
    schedule: Option<Schedule>,
    /// Per account, the newest change already looked at for notifications. Changes recorded
    /// before the app started are not notified: the window's badge shows them.
    looked_at: HashMap<UserId, OffsetDateTime>,
    /// Per account, its history file's modification time when last looked at.
    history_times: HashMap<UserId, Option<SystemTime>>,
    started: OffsetDateTime,
}

impl Watcher {
    fn new(forced: Option<Duration>) -> Self {
        Self {
            forced,
            schedule: None,
            looked_at: HashMap::new(),
            history_times: HashMap::new(),
            started: OffsetDateTime::now_utc(),
        }
    }

    /// The interval in force; `None` when background refresh is off (`refresh-minutes` 0,
    /// which the test variable does not override).
    fn interval<R: Runtime>(&self, app: &AppHandle<R>) -> Option<Duration> {
        let minutes = app.state::<AppState>().config.settings().refresh_minutes;
        (minutes > 0).then(|| {
            self.forced
                .unwrap_or(Duration::from_secs(u64::from(minutes) * 60))
        })
    }

    /// One turn: follow the settings and the accounts, refresh whatever is due, notify what
    /// any refresh recorded, and say how long to sleep.
    async fn turn<R: Runtime>(&mut self, app: &AppHandle<R>) -> Duration {
        adopt_saved_settings(app).await;
        let interval = self.interval(app);
        let look_again = interval
            .or(self.forced)
            .map_or(LOOK_AGAIN, |i| LOOK_AGAIN.min(i / 2));
        let Ok(session) = app.state::<AppState>().config.session().await else {
            return look_again;
        };
        let accounts = match session.accounts().await {
            Ok(loaded) => loaded.index.accounts,
            Err(e) => {
                tracing::warn!("background refresh: could not read the accounts: {e}");
                return look_again;
            }
        };
        let pause = match interval {
            Some(interval) => self.refresh_due(app, &session, &accounts, interval).await,
            None => {
                self.schedule = None;
                look_again
            }
        };
        // Whoever refreshed (this loop, the window, the tray, a terminal), what it recorded
        // is notified within a turn.
        for account in &accounts {
            self.notify_if_recorded(app, &session, &account.id);
        }
        pause.min(look_again)
    }

    /// Refreshes the account the schedule says is due, if one is; how long until the next.
    async fn refresh_due<R: Runtime>(
        &mut self,
        app: &AppHandle<R>,
        session: &Session,
        accounts: &[AccountEntry],
        interval: Duration,
    ) -> Duration {
        let now = Instant::now();
        let schedule = self
            .schedule
            .get_or_insert_with(|| Schedule::new(Policy::with_interval(interval)));
        if schedule.policy().interval != interval {
            schedule.set_interval(interval, now);
        }
        if schedule.observe_clocks(now, SystemTime::now()) {
            tracing::info!("the computer woke up: refreshing what fell due meanwhile");
        }
        let ids = accounts
            .iter()
            .filter(|a| a.status != IndexStatus::NeedsSignIn)
            .map(|a| &a.id);
        schedule.set_accounts(ids, now);
        match schedule.next(Instant::now()) {
            Next::Refresh(id) => {
                schedule.started(Instant::now());
                let outcome = refresh(app, session, &id).await;
                schedule.record(&id, outcome, Instant::now());
                Duration::ZERO
            }
            Next::WaitUntil(at) => at.saturating_duration_since(Instant::now()),
            Next::Idle => LOOK_AGAIN,
        }
    }

    /// Looks at the history of `id` when its file changed since the last look (one `stat`
    /// otherwise), and notifies what is new in it.
    fn notify_if_recorded<R: Runtime>(
        &mut self,
        app: &AppHandle<R>,
        session: &Session,
        id: &UserId,
    ) {
        let path = ChangeLog::for_store(session.account_store()).path(id);
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        if self.history_times.get(id) == Some(&modified) {
            return;
        }
        self.history_times.insert(id.clone(), modified);
        if modified.is_some() {
            self.notify_new(app, session, id);
        }
    }

    /// Notifies the changes of `id` recorded since the last look (by this loop or any other
    /// refresh, in the window or a terminal), as far as the settings allow.
    fn notify_new<R: Runtime>(&mut self, app: &AppHandle<R>, session: &Session, id: &UserId) {
        let since = *self.looked_at.get(id).unwrap_or(&self.started);
        let history = match session.change_history(id) {
            Ok(history) => history,
            Err(e) => {
                tracing::warn!("could not read what changed for account {id}: {e}");
                return;
            }
        };
        let fresh: Vec<_> = history
            .changes
            .into_iter()
            .filter(|c| c.at > since)
            .collect();
        let Some(newest) = fresh.iter().map(|c| c.at).max() else {
            return;
        };
        self.looked_at.insert(id.clone(), newest);
        let settings = app.state::<AppState>().config.settings();
        let lang = i18n::lang();
        let name = account_name(session, id);
        // Oldest first, so they stack in the order they happened.
        for change in notify::worth_notifying(&fresh, settings.notify).rev() {
            notify::show(app, lang, id, &name, change);
        }
    }
}

/// Makes settings saved by another process (`linkcord config set refresh-minutes …`,
/// `notify-revoked off` in a terminal) the app's own at the next turn: the loop follows them,
/// the window shows them, and a save from the window starts from them instead of writing the
/// app's older copy over them. The app saves before it uses new settings of its own, so a
/// file that differs is always the newer.
async fn adopt_saved_settings<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let Ok(saved) = Settings::load(&state.env().settings_path()) else {
        return;
    };
    if saved != state.config.settings()
        && let Err(e) = state.config.replace_settings(saved).await
    {
        tracing::warn!("could not follow the settings saved by another process: {e}");
    }
}

/// Refreshes one account as the window's refresh does (live status, view published), and
/// says how it went in the schedule's terms.
async fn refresh<R: Runtime>(app: &AppHandle<R>, session: &Session, id: &UserId) -> Outcome {
    let result = session.refresh_recording(id).await;
    let snapshot = result.as_ref().map(|r| &r.snapshot);
    let _ = accounts::after_refresh(app, id, snapshot).await;
    match result {
        Ok(_) => Outcome::Done,
        Err(e) => outcome_of(&e),
    }
}

/// What a failed refresh means for the schedule: only a failure to reach Discord at all
/// counts towards "offline"; Discord's own wait is obeyed.
fn outcome_of(error: &SessionError) -> Outcome {
    let discord = match error {
        SessionError::Discord(e) => Some(e),
        _ => None,
    };
    match discord {
        Some(DiscordError::RateLimited {
            retry_after,
            global,
        }) => Outcome::RateLimited {
            retry_after: *retry_after,
            global: *global,
        },
        Some(DiscordError::Network(_) | DiscordError::Timeout { .. }) => Outcome::Unreachable,
        _ if token_refresh_unreachable(error) => Outcome::Unreachable,
        _ => Outcome::Failed,
    }
}

/// A token refresh that could not reach Discord.
fn token_refresh_unreachable(error: &SessionError) -> bool {
    use linkcord_core::accounts::AccountsError;
    matches!(
        error,
        SessionError::OAuth(OAuthError::Network(_))
            | SessionError::Accounts(AccountsError::OAuth(OAuthError::Network(_)))
    )
}

/// The name a notification gives the account: its display name, else its username.
fn account_name(session: &Session, id: &UserId) -> String {
    let entry = session
        .account_store()
        .load()
        .ok()
        .and_then(|loaded| loaded.index.get(id).cloned());
    match entry {
        Some(entry) => entry.display_name.unwrap_or(entry.username),
        None => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_network_failure_counts_towards_offline_and_a_rate_limit_is_obeyed() {
        let network = SessionError::Discord(DiscordError::Network("refused".into()));
        assert_eq!(outcome_of(&network), Outcome::Unreachable);
        let timeout = SessionError::Discord(DiscordError::Timeout {
            after: Duration::from_secs(10),
        });
        assert_eq!(outcome_of(&timeout), Outcome::Unreachable);
        let limited = SessionError::Discord(DiscordError::RateLimited {
            retry_after: Duration::from_secs(42),
            global: true,
        });
        assert_eq!(
            outcome_of(&limited),
            Outcome::RateLimited {
                retry_after: Duration::from_secs(42),
                global: true
            }
        );
        let refused = SessionError::Discord(DiscordError::Server { status: 502 });
        assert_eq!(outcome_of(&refused), Outcome::Failed);
        assert_eq!(
            outcome_of(&SessionError::OAuth(OAuthError::Network("dns".into()))),
            Outcome::Unreachable
        );
    }
}
