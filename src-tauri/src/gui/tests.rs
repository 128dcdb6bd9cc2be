//! The app's parts on Tauri's mock runtime (`tauri::test`): a real `AppState` on a temporary
//! data dir and an in-memory keychain, no window and no display.

use std::time::Duration;

use linkcord_core::accounts::{AccountStore, Identity};
use linkcord_core::config::Environment;
use linkcord_core::discord::UserId;
use linkcord_core::oauth::Scopes;
use linkcord_core::session::Session;
use linkcord_core::vault::Vault;
use tauri::Manager;
use tauri::test::{MockRuntime, mock_builder, mock_context, noop_assets};

use super::actions::{self, Action};
use super::{AppState, accounts, images};

const FIRST_ID: u64 = 80351110224678912;

struct Rig {
    app: tauri::App<MockRuntime>,
    store: AccountStore,
    _dir: tempfile::TempDir,
}

/// An app with `count` accounts in its index (the first one active), each with an avatar
/// hash, and no cache files.
fn rig(count: u64) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().display().to_string();
    let env =
        Environment::from_lookup(|name| (name == "LINKCORD_DATA_DIR").then(|| data_dir.clone()))
            .unwrap();
    let store = AccountStore::new(&env.data_dir);
    store
        .update(|index| {
            let now = time::OffsetDateTime::now_utc();
            for i in 0..count {
                let who = Identity {
                    id: id(i),
                    username: format!("user{i:02}"),
                    display_name: Some(format!("User {i:02}")),
                    avatar: Some(format!("hash{i:02}")),
                };
                index.upsert(who, Scopes::default(), now);
            }
            index.set_active(&id(0));
        })
        .unwrap();
    let state = AppState::load(env.clone()).unwrap();
    let session =
        Session::with_vault(env, state.config.settings(), Vault::in_memory("test")).unwrap();
    tauri::async_runtime::block_on(state.config.set_session(session));
    let app = mock_builder()
        .manage(state)
        .build(mock_context(noop_assets()))
        .unwrap();
    Rig {
        app,
        store,
        _dir: dir,
    }
}

fn id(i: u64) -> UserId {
    (FIRST_ID + i).to_string().parse().unwrap()
}

/// Waits (up to five seconds) until `check` holds.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..100 {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("never: {what}");
}

/// Publishing reads the index and the active account's cache, and no other account's cache
/// file: each one here is garbage that a read would have set aside as damaged, and every
/// avatar still comes out right, from the index's hash.
#[test]
fn publishing_takes_every_account_from_the_index_without_reading_their_caches() {
    let rig = rig(15);
    for i in 1..15 {
        let path = rig.store.cache_path(&id(i));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"not json: a read would set this file aside").unwrap();
    }
    let view = tauri::async_runtime::block_on(accounts::publish(rig.app.handle())).unwrap();

    assert_eq!(view.accounts.len(), 15);
    for i in 1..15 {
        let path = rig.store.cache_path(&id(i));
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"not json: a read would set this file aside",
            "the cache of account {i} was read"
        );
    }
    let seventh = &view.accounts[7];
    let avatar = images::cdn_url_of(seventh.avatar_url.as_deref().unwrap()).unwrap();
    assert!(
        avatar
            .path()
            .ends_with(&format!("/avatars/{}/hash07.png", id(7))),
        "{avatar}"
    );
    assert_eq!(
        view.accounts[0].recent_rank, 0,
        "the active account was used last"
    );
}

/// A switch from the tray goes through the actions: the index, the published view and the
/// most-recently-used order all follow it.
#[test]
fn a_switch_action_reaches_the_index_and_every_follower() {
    let rig = rig(3);
    let handle = rig.app.handle().clone();
    let mut views = handle.state::<AppState>().views.subscribe();

    actions::perform(&handle, Action::Switch(id(2).to_string()));

    eventually("the switch lands in accounts.json", || {
        rig.store.load().unwrap().index.active == Some(id(2))
    });
    eventually("a view with the new active account is published", || {
        views.borrow_and_update().as_ref().is_some_and(|v| {
            v.accounts
                .iter()
                .any(|a| a.active && a.id == id(2) && a.recent_rank == 0)
        })
    });
}

/// The window follows the views channel: each view published reaches it as an `accounts`
/// event, newest revision last.
#[test]
fn every_published_view_reaches_the_window_as_an_event() {
    use tauri::Listener;
    let rig = rig(2);
    let handle = rig.app.handle().clone();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u32>::new()));
    let heard = seen.clone();
    handle.listen(crate::models::ACCOUNTS_EVENT, move |event| {
        let view: serde_json::Value = serde_json::from_str(event.payload()).unwrap();
        heard
            .lock()
            .unwrap()
            .push(view["revision"].as_u64().unwrap() as u32);
    });
    super::window::follow_accounts(&handle);

    let view = tauri::async_runtime::block_on(accounts::publish(&handle)).unwrap();

    eventually("the window hears the view", || {
        seen.lock().unwrap().last() == Some(&view.revision)
    });
}

/// "Add account…" in the tray used to drop its failure silently; now the person is told.
#[test]
fn an_action_that_fails_leaves_a_notice_for_the_window() {
    let rig = rig(1);
    let handle = rig.app.handle().clone();

    actions::perform(&handle, Action::Switch("nobody.here".into()));

    let state = handle.state::<AppState>();
    let mut notices = Vec::new();
    eventually("a notice is queued", || {
        notices.extend(state.notices.take());
        !notices.is_empty()
    });
    assert!(notices[0].message.contains("nobody.here"), "{:?}", notices);
    assert!(!notices[0].message.contains("linkcord "), "{:?}", notices);
}

/// "Add account…" in the tray used to drop its failure silently: with no Discord application
/// set up, it now says so in the window, in the window's words.
#[test]
fn add_account_without_a_discord_application_says_why() {
    let rig = rig(1);
    let handle = rig.app.handle().clone();

    actions::perform(&handle, Action::SignIn);

    let state = handle.state::<AppState>();
    let mut notices = Vec::new();
    eventually("a notice is queued", || {
        notices.extend(state.notices.take());
        !notices.is_empty()
    });
    assert_eq!(
        notices[0].message,
        super::i18n::text(super::i18n::Text::SetupFirst),
        "{notices:?}"
    );
}

/// A benchmark, not a test: the cost of publishing the accounts view with 2 to 100 accounts,
/// against what reading every account's cache file (as publishing did before the index held
/// the image hashes) costs alone. Prints numbers, asserts nothing about time. Run with
/// `cargo test -p linkcord --lib bench_publish -- --ignored --nocapture`.
#[test]
#[ignore = "benchmark: prints numbers"]
fn bench_publish() {
    const ROUNDS: u32 = 50;
    for count in [2u64, 20, 60, 100] {
        let rig = rig(count);
        // A cache file per account with a ~20 KB profile, about what a snapshot weighs.
        let padding = "x".repeat(20_000);
        for i in 0..count {
            let path = rig.store.cache_path(&id(i));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let cache = serde_json::json!({"version": 1, "id": id(i), "profile": {
                "value": {"id": id(i), "username": "u", "avatar": "abc", "padding": padding},
                "fetchedAt": "2026-12-06T00:00:00Z"}});
            std::fs::write(&path, serde_json::to_vec(&cache).unwrap()).unwrap();
        }
        let handle = rig.app.handle();
        let publish = || tauri::async_runtime::block_on(accounts::publish(handle)).unwrap();
        publish();
        let start = std::time::Instant::now();
        (0..ROUNDS).for_each(|_| drop(publish()));
        let published = start.elapsed() / ROUNDS;

        let state = handle.state::<AppState>();
        let session = tauri::async_runtime::block_on(state.config.session()).unwrap();
        let start = std::time::Instant::now();
        for _ in 0..ROUNDS {
            for i in 0..count {
                let (cache, _) = session.account_store().read_cache(&id(i)).unwrap();
                assert!(cache.and_then(|c| c.user()).is_some());
            }
        }
        let reads = start.elapsed() / ROUNDS;
        println!(
            "{count:>3} accounts: publish {published:>10.2?}; reading every cache file alone {reads:>10.2?}"
        );
    }
}
