//! Seeing and using Linkcord's tray icon the way a Linux desktop does, over D-Bus.
//!
//! On Linux the tray goes through libayatana-appindicator: the app publishes a
//! StatusNotifierItem (`org.kde.StatusNotifierItem`) on the session bus, exports its menu with
//! the `com.canonical.dbusmenu` interface, and registers the item with whoever owns
//! `org.kde.StatusNotifierWatcher` (a panel or shell; there is none under Xvfb). [`Shell`]
//! plays that part: it owns the watcher name, takes registrations, and reads and clicks the
//! item as a panel would. (The window manager, which Xvfb does not have either, is played by
//! [`crate::window_manager`].)
//!
//! What libayatana-appindicator (0.5.92, Debian 13) does, checked in its source: it watches
//! the watcher's name, calls `RegisterStatusNotifierItem` on `/StatusNotifierWatcher` with its
//! *object path* (`/org/ayatana/NotificationItem/<id>`) as the argument, so the service is the
//! caller's unique name; it exports no `ToolTip` property (its `Title` is what a panel can
//! show on hover), and names the icon by an absolute PNG path (`IconName`, with the folder in
//! `IconThemePath`) rather than sending pixels (`IconPixmap`).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use zbus::message::Header;
use zbus::names::InterfaceName;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::{OwnedValue, Value};
use zbus::{Connection, interface};

pub const WATCHER_NAME: &str = "org.kde.StatusNotifierWatcher";
pub const WATCHER_PATH: &str = "/StatusNotifierWatcher";
const ITEM_INTERFACE: &str = "org.kde.StatusNotifierItem";
const MENU_INTERFACE: &str = "com.canonical.dbusmenu";
/// Where an item lives when it registers by bus name only (the KDE convention).
const DEFAULT_ITEM_PATH: &str = "/StatusNotifierItem";

/// Where a registered item can be reached: its owner on the bus and its object path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemAddress {
    pub service: String,
    pub path: String,
}

impl std::fmt::Display for ItemAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.service, self.path)
    }
}

#[derive(Default)]
struct Registry {
    items: Vec<ItemAddress>,
    hosts: Vec<String>,
    /// Every method call received, in order, for failure messages.
    calls: Vec<String>,
}

type Shared = Arc<Mutex<Registry>>;

/// The `org.kde.StatusNotifierWatcher` object a desktop shell provides.
struct Watcher {
    registry: Shared,
}

#[interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    async fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: Header<'_>,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> zbus::fdo::Result<()> {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        // An object path means "this path, on the caller's connection"; anything else is a
        // bus name whose item lives at the default path.
        let address = if service.starts_with('/') {
            ItemAddress {
                service: sender.clone(),
                path: service.to_owned(),
            }
        } else {
            ItemAddress {
                service: service.to_owned(),
                path: DEFAULT_ITEM_PATH.to_owned(),
            }
        };
        {
            let mut registry = self.registry.lock().unwrap();
            registry.calls.push(format!(
                "RegisterStatusNotifierItem({service}) from {sender}"
            ));
            registry.items.retain(|a| a != &address);
            registry.items.push(address.clone());
        }
        Self::status_notifier_item_registered(&emitter, &address.to_string()).await?;
        self.registered_status_notifier_items_changed(&emitter)
            .await?;
        Ok(())
    }

    async fn register_status_notifier_host(
        &self,
        service: &str,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> zbus::fdo::Result<()> {
        {
            let mut registry = self.registry.lock().unwrap();
            registry
                .calls
                .push(format!("RegisterStatusNotifierHost({service})"));
            registry.hosts.push(service.to_owned());
        }
        Self::status_notifier_host_registered(&emitter).await?;
        Ok(())
    }

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        let registry = self.registry.lock().unwrap();
        registry.items.iter().map(ToString::to_string).collect()
    }

    /// This shell is the host: items may show themselves.
    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }

    #[zbus(signal)]
    async fn status_notifier_item_registered(
        emitter: &SignalEmitter<'_>,
        service: &str,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn status_notifier_item_unregistered(
        emitter: &SignalEmitter<'_>,
        service: &str,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn status_notifier_host_registered(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn status_notifier_host_unregistered(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;
}

/// A stand-in desktop shell on the session bus. Start it before the app, keep it for the
/// whole test; dropping it gives the watcher name back.
pub struct Shell {
    connection: Connection,
    registry: Shared,
    janitor: tokio::task::JoinHandle<()>,
}

impl Shell {
    /// Owns `org.kde.StatusNotifierWatcher` on the session bus (`DBUS_SESSION_BUS_ADDRESS`).
    pub async fn start() -> zbus::Result<Self> {
        let registry = Shared::default();
        let connection = zbus::connection::Builder::session()?
            .serve_at(
                WATCHER_PATH,
                Watcher {
                    registry: registry.clone(),
                },
            )?
            .name(WATCHER_NAME)?
            .build()
            .await?;
        let janitor = tokio::spawn(forget_vanished_items(connection.clone(), registry.clone()));
        Ok(Self {
            connection,
            registry,
            janitor,
        })
    }

    /// The items registered now (and still on the bus).
    pub fn items(&self) -> Vec<ItemAddress> {
        self.registry.lock().unwrap().items.clone()
    }

    /// The calls the watcher received so far, for failure messages.
    pub fn calls(&self) -> Vec<String> {
        self.registry.lock().unwrap().calls.clone()
    }

    /// Waits until an item is registered and answers, and returns it.
    pub async fn wait_for_item(&self, within: Duration) -> TrayItem {
        let deadline = Instant::now() + within;
        loop {
            if let Some(address) = self.items().last().cloned() {
                let item = TrayItem {
                    connection: self.connection.clone(),
                    address,
                };
                if item.properties().await.is_ok() {
                    return item;
                }
            }
            assert!(
                Instant::now() < deadline,
                "no tray item registered with the StatusNotifierWatcher within {within:?}; \
                 calls received: {:?}",
                self.calls()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until no item is registered any more (its owner left the bus).
    pub async fn wait_until_no_item(&self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if self.items().is_empty() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        self.janitor.abort();
    }
}

/// Drops items whose owner left the bus, as a watcher must, and says so.
async fn forget_vanished_items(connection: Connection, registry: Shared) {
    let Ok(bus) = zbus::fdo::DBusProxy::new(&connection).await else {
        return;
    };
    let Ok(mut changes) = bus.receive_name_owner_changed().await else {
        return;
    };
    while let Some(change) = changes.next().await {
        let Ok(args) = change.args() else { continue };
        if args.new_owner().is_some() {
            continue;
        }
        let gone = args.name().to_string();
        let removed: Vec<ItemAddress> = {
            let mut registry = registry.lock().unwrap();
            let (gone_items, kept) = registry
                .items
                .drain(..)
                .partition(|a: &ItemAddress| a.service == gone);
            registry.items = kept;
            gone_items
        };
        if removed.is_empty() {
            continue;
        }
        if let Ok(iface) = connection
            .object_server()
            .interface::<_, Watcher>(WATCHER_PATH)
            .await
        {
            let emitter = iface.signal_emitter();
            for address in removed {
                let _ =
                    Watcher::status_notifier_item_unregistered(emitter, &address.to_string()).await;
            }
            let _ = iface
                .get()
                .await
                .registered_status_notifier_items_changed(emitter)
                .await;
        }
    }
}

/// A dbusmenu layout node as `GetLayout` sends it: `(ia{sv}av)`.
type LayoutNode = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

/// What a panel reads to draw an item.
#[derive(Clone, Debug, Default)]
pub struct ItemProperties {
    pub id: String,
    pub title: String,
    /// `ToolTip`'s title and description, when the item has that property at all.
    pub tooltip: Option<(String, String)>,
    pub status: String,
    pub icon_name: String,
    pub icon_theme_path: String,
    /// `IconPixmap`: (width, height, ARGB32 in network byte order), when sent.
    pub icon_pixmaps: Vec<(i32, i32, Vec<u8>)>,
    pub menu: String,
    /// `XAyatanaLabel`: text shown beside the icon.
    pub label: String,
}

/// One entry of the item's menu, as `GetLayout` describes it.
#[derive(Clone, Debug, Default)]
pub struct MenuEntry {
    pub id: i32,
    /// The label without mnemonic underscores.
    pub label: String,
    /// `separator` for separators, else empty (`standard`).
    pub kind: String,
    pub enabled: bool,
    pub visible: bool,
    /// `checkmark` or `radio` for toggles, else empty.
    pub toggle_type: String,
    /// 1 checked, 0 not, -1 unknown; `None` when the item sends none.
    pub toggle_state: Option<i32>,
    pub children: Vec<MenuEntry>,
}

impl MenuEntry {
    pub fn is_separator(&self) -> bool {
        self.kind == "separator"
    }

    pub fn checked(&self) -> bool {
        self.toggle_state == Some(1)
    }
}

/// A registered StatusNotifierItem, read and clicked as a panel does.
#[derive(Clone)]
pub struct TrayItem {
    connection: Connection,
    pub address: ItemAddress,
}

impl TrayItem {
    /// Every property of the item (`GetAll`, never a cache: ayatana announces changes with
    /// its own signals, not `PropertiesChanged`).
    pub async fn properties(&self) -> zbus::Result<ItemProperties> {
        let props = zbus::fdo::PropertiesProxy::builder(&self.connection)
            .destination(self.address.service.as_str())?
            .path(self.address.path.as_str())?
            .cache_properties(zbus::proxy::CacheProperties::No)
            .build()
            .await?;
        let all = props
            .get_all(InterfaceName::from_static_str_unchecked(ITEM_INTERFACE))
            .await?;
        let text = |key: &str| all.get(key).map(|v| string_of(v)).unwrap_or_default();
        Ok(ItemProperties {
            id: text("Id"),
            title: text("Title"),
            tooltip: all.get("ToolTip").and_then(|v| tooltip_of(v)),
            status: text("Status"),
            icon_name: text("IconName"),
            icon_theme_path: text("IconThemePath"),
            icon_pixmaps: all
                .get("IconPixmap")
                .map(|v| pixmaps_of(v))
                .unwrap_or_default(),
            menu: all
                .get("Menu")
                .map(|v| match unwrap_variant(v) {
                    Value::ObjectPath(p) => p.to_string(),
                    other => string_of(other),
                })
                .unwrap_or_default(),
            label: text("XAyatanaLabel"),
        })
    }

    /// Whether the item still answers on the bus.
    pub async fn alive(&self) -> bool {
        self.properties().await.is_ok()
    }

    /// The icon as a panel would draw it: the largest `IconPixmap`, else the PNG that
    /// `IconName` names (an absolute path, or a name looked up in `IconThemePath`).
    pub async fn icon(&self) -> Option<image::RgbaImage> {
        let props = self.properties().await.ok()?;
        if let Some((w, h, argb)) = props.icon_pixmaps.iter().max_by_key(|(w, h, _)| w * h) {
            let mut rgba = Vec::with_capacity(argb.len());
            for px in argb.chunks_exact(4) {
                rgba.extend_from_slice(&[px[1], px[2], px[3], px[0]]);
            }
            return image::RgbaImage::from_raw(*w as u32, *h as u32, rgba);
        }
        let name = Path::new(&props.icon_name);
        let file = if name.is_absolute() {
            name.to_path_buf()
        } else {
            Path::new(&props.icon_theme_path).join(format!("{}.png", props.icon_name))
        };
        let bytes = std::fs::read(file).ok()?;
        image::load_from_memory(&bytes).ok().map(|i| i.to_rgba8())
    }

    /// The menu's layout revision and path: they change whenever the app rebuilds its menu,
    /// which makes a panel redraw it.
    pub async fn menu_revision(&self) -> zbus::Result<(String, u32)> {
        let path = self.properties().await?.menu;
        let (revision, _root) = self.layout(&path, 0).await?;
        Ok((path.to_string(), revision))
    }

    /// The top-level entries of the item's menu (after `AboutToShow`, as a panel opens it).
    pub async fn menu(&self) -> zbus::Result<Vec<MenuEntry>> {
        let path = self.properties().await?.menu;
        let _ = self.call_menu(&path, "AboutToShow", &(0i32,)).await;
        let (_revision, root) = self.layout(&path, -1).await?;
        Ok(root
            .2
            .iter()
            .filter_map(|child| entry_of(child))
            .filter(|e| e.visible)
            .collect())
    }

    /// dbusmenu's `GetLayout` from the root, `depth` levels down (-1: all).
    async fn layout(&self, path: &str, depth: i32) -> zbus::Result<(u32, LayoutNode)> {
        let reply = self
            .call_menu(path, "GetLayout", &(0i32, depth, Vec::<String>::new()))
            .await?;
        reply.body().deserialize()
    }

    async fn call_menu<B>(&self, path: &str, method: &str, body: &B) -> zbus::Result<zbus::Message>
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
    {
        self.connection
            .call_method(
                Some(self.address.service.as_str()),
                path,
                Some(MENU_INTERFACE),
                method,
                body,
            )
            .await
    }

    /// Clicks a menu entry by id: the `clicked` event a panel sends.
    pub async fn click(&self, id: i32) -> zbus::Result<()> {
        let path = self.properties().await?.menu;
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as u32)
            .unwrap_or(0);
        self.call_menu(
            &path,
            "Event",
            &(id, "clicked", Value::from(0i32), timestamp),
        )
        .await?;
        Ok(())
    }

    /// Opens the menu, finds the entry whose label contains `label`, and clicks it; returns
    /// the entry clicked. Panics with the menu when there is no such entry.
    pub async fn click_label(&self, label: &str) -> MenuEntry {
        let menu = self.menu().await.expect("the tray menu");
        let entry = find(&menu, label)
            .unwrap_or_else(|| panic!("no entry {label:?} in the tray menu: {}", describe(&menu)))
            .clone();
        assert!(entry.enabled, "{label:?} is disabled in the tray menu");
        if let Err(e) = self.click(entry.id).await {
            // "Quit" may end the app before it answers the click; anything else is a failure.
            assert!(
                !self.alive().await,
                "click on {label:?} in the tray menu: {e}"
            );
        }
        entry
    }

    /// Polls the menu until `check` holds, for at most `within`; returns the last menu read
    /// and whether it held.
    pub async fn wait_for_menu(
        &self,
        within: Duration,
        check: impl Fn(&[MenuEntry]) -> bool,
    ) -> (Vec<MenuEntry>, bool) {
        let deadline = Instant::now() + within;
        loop {
            let menu = self.menu().await.unwrap_or_default();
            if check(&menu) {
                return (menu, true);
            }
            if Instant::now() >= deadline {
                return (menu, false);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The first entry (depth first) whose label contains `label`.
pub fn find<'m>(menu: &'m [MenuEntry], label: &str) -> Option<&'m MenuEntry> {
    menu.iter().find_map(|e| {
        if !e.is_separator() && e.label.contains(label) {
            Some(e)
        } else {
            find(&e.children, label)
        }
    })
}

/// A one-line picture of a menu for failure messages: `[x] Ava | [ ] Dmitri | --- | Quit`.
pub fn describe(menu: &[MenuEntry]) -> String {
    menu.iter()
        .map(|e| {
            if e.is_separator() {
                "---".to_owned()
            } else if e.toggle_type.is_empty() {
                format!("{}{}", e.label, if e.enabled { "" } else { " (disabled)" })
            } else {
                format!("[{}] {}", if e.checked() { "x" } else { " " }, e.label)
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn unwrap_variant<'a>(value: &'a Value<'a>) -> &'a Value<'a> {
    match value {
        Value::Value(inner) => unwrap_variant(inner),
        other => other,
    }
}

fn string_of(value: &Value<'_>) -> String {
    match value {
        Value::Value(inner) => string_of(inner),
        Value::Str(s) => s.to_string(),
        Value::ObjectPath(p) => p.to_string(),
        other => format!("{other:?}"),
    }
}

fn tooltip_of(value: &Value<'_>) -> Option<(String, String)> {
    let Value::Structure(s) = unwrap_variant(value) else {
        return None;
    };
    let fields = s.fields();
    Some((string_of(fields.get(2)?), string_of(fields.get(3)?)))
}

fn pixmaps_of(value: &Value<'_>) -> Vec<(i32, i32, Vec<u8>)> {
    let Value::Array(array) = unwrap_variant(value) else {
        return Vec::new();
    };
    array
        .inner()
        .iter()
        .filter_map(|p| {
            let Value::Structure(s) = unwrap_variant(p) else {
                return None;
            };
            let f = s.fields();
            let (Value::I32(w), Value::I32(h), Value::Array(bytes)) =
                (f.first()?, f.get(1)?, f.get(2)?)
            else {
                return None;
            };
            let bytes = bytes
                .inner()
                .iter()
                .filter_map(|b| match b {
                    Value::U8(b) => Some(*b),
                    _ => None,
                })
                .collect();
            Some((*w, *h, bytes))
        })
        .collect()
}

/// One `(ia{sv}av)` node of a dbusmenu layout.
fn entry_of(value: &Value<'_>) -> Option<MenuEntry> {
    let Value::Structure(node) = unwrap_variant(value) else {
        return None;
    };
    let fields = node.fields();
    let Value::I32(id) = unwrap_variant(fields.first()?) else {
        return None;
    };
    let mut props: HashMap<String, &Value<'_>> = HashMap::new();
    if let Value::Dict(dict) = unwrap_variant(fields.get(1)?) {
        for (k, v) in dict.iter() {
            props.insert(string_of(k), unwrap_variant(v));
        }
    }
    let children = match unwrap_variant(fields.get(2)?) {
        Value::Array(array) => array.inner().iter().filter_map(entry_of).collect(),
        _ => Vec::new(),
    };
    let text = |key: &str| props.get(key).map(|v| string_of(v)).unwrap_or_default();
    let flag = |key: &str| match props.get(key) {
        Some(Value::Bool(b)) => *b,
        _ => true,
    };
    Some(MenuEntry {
        id: *id,
        label: strip_mnemonics(&text("label")),
        kind: text("type"),
        enabled: flag("enabled"),
        visible: flag("visible"),
        toggle_type: text("toggle-type"),
        toggle_state: match props.get("toggle-state") {
            Some(Value::I32(n)) => Some(*n),
            _ => None,
        },
        children,
    })
}

/// `_Open` → `Open`, `__` → `_`.
fn strip_mnemonics(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut chars = label.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '_' {
            if chars.peek() == Some(&'_') {
                out.push('_');
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}
