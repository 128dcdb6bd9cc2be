use super::*;

const MIN: Duration = Duration::from_secs(60);

fn id(n: u64) -> UserId {
    n.to_string().parse().unwrap()
}

fn ids(n: u64) -> Vec<UserId> {
    (1..=n).map(|k| id(1000 + k)).collect()
}

/// Runs the schedule from `now` until `until`, every account answering `outcome`, and
/// returns when each refresh started.
fn run(
    schedule: &mut Schedule,
    mut now: Instant,
    until: Instant,
    outcome: impl Fn(&UserId) -> Outcome,
) -> Vec<(Instant, UserId)> {
    let mut started = Vec::new();
    while now < until {
        match schedule.next(now) {
            Next::Refresh(account) => {
                schedule.started(now);
                schedule.record(&account, outcome(&account), now);
                started.push((now, account));
            }
            Next::WaitUntil(at) => now = at,
            Next::Idle => break,
        }
    }
    started
}

#[test]
fn with_no_account_there_is_nothing_to_do() {
    let schedule = Schedule::new(Policy::default());
    assert_eq!(schedule.next(Instant::now()), Next::Idle);
}

#[test]
fn new_accounts_are_spread_over_the_interval_and_none_is_due_at_once() {
    let t0 = Instant::now();
    let mut schedule = Schedule::new(Policy::default());
    let accounts = ids(4);
    schedule.set_accounts(&accounts, t0);
    assert!(matches!(schedule.next(t0), Next::WaitUntil(_)));

    let started = run(&mut schedule, t0, t0 + DEFAULT_INTERVAL, |_| Outcome::Done);
    assert_eq!(started.len(), 4, "each account once in the first interval");
    let offsets: Vec<u64> = started
        .iter()
        .map(|(at, _)| at.duration_since(t0).as_secs())
        .collect();
    assert_eq!(offsets, [6 * 60, 12 * 60, 18 * 60, 24 * 60]);
}

#[test]
fn each_account_comes_back_one_interval_after_its_refresh() {
    let t0 = Instant::now();
    let mut schedule = Schedule::new(Policy::default());
    schedule.set_accounts(&ids(2), t0);
    let started = run(&mut schedule, t0, t0 + DEFAULT_INTERVAL * 3, |_| {
        Outcome::Done
    });
    for account in ids(2) {
        let times: Vec<Instant> = started
            .iter()
            .filter(|(_, a)| *a == account)
            .map(|(at, _)| *at)
            .collect();
        assert!(times.len() >= 2);
        for pair in times.windows(2) {
            assert_eq!(pair[1] - pair[0], DEFAULT_INTERVAL);
        }
    }
}

#[test]
fn two_refreshes_never_start_closer_than_the_gap() {
    let t0 = Instant::now();
    let mut schedule = Schedule::new(Policy::default());
    let accounts = ids(20);
    schedule.set_accounts(&accounts, t0);
    // Everyone overdue at once (a long sleep, say): they still go one gap apart.
    schedule.woke(t0 + DEFAULT_INTERVAL, DEFAULT_INTERVAL * 2);
    let later = t0 + DEFAULT_INTERVAL;
    let started = run(&mut schedule, later, later + 5 * MIN, |_| Outcome::Done);
    assert_eq!(started.len(), 20);
    for pair in started.windows(2) {
        assert!(pair[1].0 - pair[0].0 >= schedule.policy().gap);
    }
}

#[test]
fn a_rate_limit_pushes_the_account_past_the_retry_after() {
    let t0 = Instant::now();
    let mut schedule = Schedule::new(Policy::default());
    schedule.set_accounts(&ids(2), t0);
    let wait = Duration::from_secs(90);
    let limited = Outcome::RateLimited {
        retry_after: wait,
        global: false,
    };
    let first = &ids(2)[0];
    schedule.record(first, limited, t0);
    // The other account keeps its place; the limited one is not tried before 90 s.
    let started = run(&mut schedule, t0, t0 + wait, |_| Outcome::Done);
    assert!(started.iter().all(|(_, a)| a != first));
    assert_eq!(schedule.next(t0 + wait), Next::Refresh(first.clone()));
}

#[test]
fn a_global_rate_limit_holds_every_account() {
    let t0 = Instant::now();
    let policy = Policy::with_interval(10 * MIN);
    let mut schedule = Schedule::new(policy);
    schedule.set_accounts(&ids(3), t0);
    let wait = 20 * MIN;
    let global = Outcome::RateLimited {
        retry_after: wait,
        global: true,
    };
    schedule.record(&ids(3)[0], global, t0);
    assert_eq!(schedule.next(t0 + wait - MIN), Next::WaitUntil(t0 + wait));
}

#[test]
fn a_network_failure_backs_off_doubling_up_to_the_interval() {
    let t0 = Instant::now();
    let mut schedule = Schedule::new(Policy::default());
    let accounts = ids(3);
    schedule.set_accounts(&accounts, t0);
    let failing = accounts[0].clone();
    // Only this account fails; the others answer, so this is not "offline".
    let started = run(&mut schedule, t0, t0 + 4 * 60 * MIN, |a| {
        if *a == failing {
            Outcome::Unreachable
        } else {
            Outcome::Done
        }
    });
    assert!(!schedule.is_offline());
    let tries: Vec<Instant> = started
        .iter()
        .filter(|(_, a)| *a == failing)
        .map(|(at, _)| *at)
        .collect();
    let waits: Vec<u64> = tries
        .windows(2)
        .map(|p| (p[1] - p[0]).as_secs() / 60)
        .collect();
    assert_eq!(&waits[..7], [1, 2, 4, 8, 16, 30, 30]);
}

#[test]
fn accounts_unreachable_in_a_row_mean_offline_and_only_a_probe_is_tried() {
    let t0 = Instant::now();
    let mut schedule = Schedule::new(Policy::default());
    let accounts = ids(10);
    schedule.set_accounts(&accounts, t0);
    schedule.woke(t0, DEFAULT_INTERVAL); // all due now
    let started = run(&mut schedule, t0, t0 + 2 * 60 * MIN, |_| {
        Outcome::Unreachable
    });
    assert!(schedule.is_offline());
    // Two tries to see it, then probes 30 s, 1, 2, 4, 8 min, then every 10 min: in two
    // hours that is about 16 tries, not 10 accounts every minute or two.
    assert!(
        started.len() <= 20,
        "{} tries while offline for two hours",
        started.len()
    );
    let gaps: Vec<u64> = started
        .windows(2)
        .map(|p| (p[1].0 - p[0].0).as_secs())
        .collect();
    assert_eq!(&gaps[..6], [2, 30, 60, 120, 240, 480]);
    assert!(gaps[6..].iter().all(|g| *g == 600), "{gaps:?}");
}

#[test]
fn back_online_the_accounts_that_failed_are_refreshed_one_by_one() {
    let t0 = Instant::now();
    let mut schedule = Schedule::new(Policy::default());
    let accounts = ids(5);
    schedule.set_accounts(&accounts, t0);
    schedule.woke(t0, DEFAULT_INTERVAL);
    run(&mut schedule, t0, t0 + 10 * MIN, |_| Outcome::Unreachable);
    assert!(schedule.is_offline());

    let later = t0 + 20 * MIN;
    let started = run(&mut schedule, later, later + MIN, |_| Outcome::Done);
    assert!(!schedule.is_offline());
    let mut refreshed: Vec<UserId> = started.into_iter().map(|(_, a)| a).collect();
    refreshed.sort();
    assert_eq!(refreshed, accounts, "every account within a minute");
}

#[test]
fn a_wake_is_seen_from_the_clocks_and_makes_what_fell_due_during_sleep_due_now() {
    let t0 = Instant::now();
    let wall0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let mut schedule = Schedule::new(Policy::default());
    schedule.set_accounts(&ids(4), t0);
    assert!(
        !schedule.observe_clocks(t0, wall0),
        "the first look sees nothing"
    );
    // 30 s pass on both clocks: no wake.
    let t1 = t0 + Duration::from_secs(30);
    assert!(!schedule.observe_clocks(t1, wall0 + Duration::from_secs(30)));
    // Then 30 s of monotonic time but 3 hours of wall time: the computer slept.
    let t2 = t1 + Duration::from_secs(30);
    assert!(schedule.observe_clocks(t2, wall0 + Duration::from_secs(60 + 3 * 3600)));
    let started = run(&mut schedule, t2, t2 + MIN, |_| Outcome::Done);
    assert_eq!(started.len(), 4, "all four fell due during the sleep");
    // A wall clock set back is not a wake.
    let t3 = t2 + MIN;
    assert!(!schedule.observe_clocks(t3, wall0));
}

#[test]
fn a_short_sleep_brings_only_what_fell_due_during_it() {
    let t0 = Instant::now();
    let mut schedule = Schedule::new(Policy::default());
    schedule.set_accounts(&ids(4), t0); // due at 6, 12, 18, 24 min
    schedule.woke(t0 + MIN, 10 * MIN); // awake at 1 min after 10 min asleep: 11 min "really"
    let started = run(&mut schedule, t0 + MIN, t0 + 2 * MIN, |_| Outcome::Done);
    assert_eq!(started.len(), 1, "only the one due at 6 min");
    // The one due at 12 min is due 10 min earlier on the monotonic clock: at 2 min.
    assert_eq!(schedule.next(t0 + 2 * MIN), Next::Refresh(id(1002)));
}

#[test]
fn removed_accounts_are_forgotten_and_new_ones_join_without_moving_the_others() {
    let t0 = Instant::now();
    let mut schedule = Schedule::new(Policy::default());
    let accounts = ids(2);
    schedule.set_accounts(&accounts, t0);
    let before = run(&mut schedule.clone(), t0, t0 + DEFAULT_INTERVAL, |_| {
        Outcome::Done
    });
    schedule.set_accounts([&accounts[0], &id(9)], t0);
    let after = run(&mut schedule, t0, t0 + DEFAULT_INTERVAL, |_| Outcome::Done);
    assert!(after.iter().all(|(_, a)| *a != accounts[1]));
    assert!(
        after.contains(&before[0]),
        "the kept account keeps its time"
    );
    assert!(after.iter().any(|(_, a)| *a == id(9)));
}

#[test]
fn a_shorter_interval_takes_effect_at_once() {
    let t0 = Instant::now();
    let mut schedule = Schedule::new(Policy::default());
    schedule.set_accounts(&ids(1), t0);
    schedule.set_interval(5 * MIN, t0);
    assert_eq!(schedule.policy().interval, 5 * MIN);
    assert!(matches!(schedule.next(t0), Next::WaitUntil(at) if at <= t0 + 5 * MIN));
}
