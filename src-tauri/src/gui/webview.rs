//! How the window's web engine draws, chosen before the engine starts.
//!
//! On Linux the window is a WebKitGTK view, whose default is a browser's: every page is drawn
//! through GPU compositing. Linkcord's page is a few lists and images that never animate or
//! draw 3D, and software drawing keeps it just as quick while holding far less memory:
//! `scripts/bench-app.sh --memory-only` measured the web process at 229 MB (PSS) idle with
//! compositing and 123 MB without, the whole app at 346 MB and 246 MB. It also avoids the
//! blank windows that some GPU drivers give WebKitGTK's compositor.
//!
//! WebKit offers this as a per-view setting too, but changing it on a view that already exists
//! (Tauri creates the view before Linkcord can reach it) stopped the web process from
//! drawing at all, so the environment variable WebKit reads when it creates the view is
//! used instead. A person who wants the GPU path back sets `WEBKIT_DISABLE_COMPOSITING_MODE=0`.

const COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Asks WebKit for software drawing unless the person already chose. Must run before any
/// thread exists, since it changes the process environment.
pub fn prefer_software_drawing() {
    #[cfg(target_os = "linux")]
    if std::env::var_os(COMPOSITING).is_none() {
        // SAFETY: called at the very start of the app, before Tauri, GTK or any runtime has
        // started a thread, so nothing can read the environment while it changes.
        unsafe { std::env::set_var(COMPOSITING, "1") };
    }
}
