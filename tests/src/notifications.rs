//! A stand-in desktop notification server, so a test can see the notifications Linkcord sends.
//!
//! On Linux an app shows a notification by calling `Notify` on whoever owns
//! `org.freedesktop.Notifications` on the session bus (the Desktop Notifications
//! Specification, version 1.2); a click comes back as the `ActionInvoked` signal with the
//! action `default`. Under Xvfb no desktop owns that name, so [`Notifications`] takes it on
//! the test's private session bus (`scripts/with-secret-service.sh` starts one), records every
//! call with everything it carried, and can play the person clicking one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zbus::object_server::SignalEmitter;
use zbus::zvariant::OwnedValue;
use zbus::{Connection, interface};

pub const NAME: &str = "org.freedesktop.Notifications";
pub const PATH: &str = "/org/freedesktop/Notifications";

/// One `Notify` call as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// The id the server answered with.
    pub id: u32,
    pub app_name: String,
    pub replaces_id: u32,
    pub icon: String,
    pub summary: String,
    pub body: String,
    /// Pairs of action key and label, flattened as the specification sends them.
    pub actions: Vec<String>,
    pub hints: HashMap<String, OwnedValue>,
    pub expire_timeout: i32,
    /// The unique bus name of the sender, where its signals go.
    pub sender: String,
}

impl Received {
    /// The action keys offered (`default` is a click on the notification itself).
    pub fn action_keys(&self) -> Vec<&str> {
        self.actions.iter().step_by(2).map(String::as_str).collect()
    }
}

#[derive(Default)]
struct Log {
    received: Vec<Received>,
    closed: Vec<u32>,
    next_id: u32,
}

type Shared = Arc<Mutex<Log>>;

struct Server {
    log: Shared,
}

#[interface(name = "org.freedesktop.Notifications")]
impl Server {
    #[allow(clippy::too_many_arguments)]
    async fn notify(
        &self,
        app_name: String,
        replaces_id: u32,
        app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        hints: HashMap<String, OwnedValue>,
        expire_timeout: i32,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) -> u32 {
        let mut log = self.log.lock().unwrap();
        log.next_id += 1;
        let id = if replaces_id != 0 {
            replaces_id
        } else {
            log.next_id
        };
        log.received.push(Received {
            id,
            app_name,
            replaces_id,
            icon: app_icon,
            summary,
            body,
            actions,
            hints,
            expire_timeout,
            sender: header.sender().map(|s| s.to_string()).unwrap_or_default(),
        });
        id
    }

    async fn close_notification(
        &self,
        id: u32,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> zbus::fdo::Result<()> {
        self.log.lock().unwrap().closed.push(id);
        // 3: closed by a call to CloseNotification.
        Self::notification_closed(&emitter, id, 3).await?;
        Ok(())
    }

    fn get_capabilities(&self) -> Vec<String> {
        ["actions", "body"].map(String::from).to_vec()
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "linkcord-test-notifications".into(),
            "linkcord".into(),
            "1".into(),
            "1.2".into(),
        )
    }

    #[zbus(signal)]
    async fn notification_closed(
        emitter: &SignalEmitter<'_>,
        id: u32,
        reason: u32,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn action_invoked(
        emitter: &SignalEmitter<'_>,
        id: u32,
        action_key: &str,
    ) -> zbus::Result<()>;
}

/// The stand-in server, owning `org.freedesktop.Notifications` until dropped.
pub struct Notifications {
    connection: Connection,
    log: Shared,
}

impl Notifications {
    /// Takes the name on the session bus of `DBUS_SESSION_BUS_ADDRESS`. Fails if another
    /// server owns it (a real desktop session: the test must run on a private bus).
    pub async fn start() -> zbus::Result<Self> {
        let log = Shared::default();
        let connection = zbus::connection::Builder::session()?
            .serve_at(PATH, Server { log: log.clone() })?
            .name(NAME)?
            .build()
            .await?;
        Ok(Self { connection, log })
    }

    /// Every notification received so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().received.clone()
    }

    /// The ids the app asked to close.
    pub fn closed(&self) -> Vec<u32> {
        self.log.lock().unwrap().closed.clone()
    }

    /// Waits until at least `count` notifications arrived, and returns them all; `None` when
    /// they did not within `within`.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Option<Vec<Received>> {
        let deadline = Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= count {
                return Some(received);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Plays the person clicking the notification (`action` `default`) or one of its buttons:
    /// sends `ActionInvoked` as a server does, then `NotificationClosed` (reason 2, dismissed
    /// by the user), as servers do after a click.
    pub async fn invoke(&self, notification: &Received, action: &str) -> zbus::Result<()> {
        let emitter = SignalEmitter::new(&self.connection, PATH)?;
        Server::action_invoked(&emitter, notification.id, action).await?;
        Server::notification_closed(&emitter, notification.id, 2).await
    }
}
