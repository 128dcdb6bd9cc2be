//! How WebKitGTK and GTK draw the window on Linux.
//!
//! By default Linkcord asks WebKitGTK to draw without GPU compositing. The window is a
//! mostly still page, so software drawing costs it no speed (`scripts/bench-app.sh` measures
//! account switches as fast), while compositing held about 110 MB more with the window open
//! under Xvfb. It also avoids the blank windows compositing gives with some GPU drivers.
//! With software drawing, GTK is also told not to set up OpenGL (`GDK_GL=disable`): at start
//! it would load Mesa and LLVM only to pick a visual for GL contexts the window never makes,
//! about 40 ms of every start (seen with `RUST_LOG=linkcord::startup=debug`).
//! `LINKCORD_GPU_COMPOSITING=1` keeps WebKit's and GTK's own choices, and a
//! `WEBKIT_DISABLE_COMPOSITING_MODE` or `GDK_GL` set by the user is left alone. What Linkcord
//! sets is for its own window: no browser it opens (for a sign-in, for a link in the page)
//! inherits it.

use linkcord_core::session::keep_from_browser;

/// The variable that gives WebKit back its own choice.
const GPU_COMPOSITING_VAR: &str = "LINKCORD_GPU_COMPOSITING";
const WEBKIT_VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
const GDK_GL_VAR: &str = "GDK_GL";

/// Whether Linkcord should turn compositing off, given the two variables' values.
fn should_disable(gpu_compositing: Option<&str>, webkit_setting: Option<&str>) -> bool {
    let gpu_asked = gpu_compositing.is_some_and(|v| !v.is_empty() && v != "0");
    webkit_setting.is_none() && !gpu_asked
}

/// Chooses the drawing mode. Must run before GTK and WebKit start and before any other
/// thread exists, since it changes the process environment (which WebKit's own processes
/// inherit).
pub fn choose_drawing_mode() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let gpu = std::env::var(GPU_COMPOSITING_VAR).ok();
    let webkit = std::env::var(WEBKIT_VAR).ok();
    if !should_disable(gpu.as_deref(), webkit.as_deref()) {
        return;
    }
    set_for_the_window(WEBKIT_VAR, "1");
    if std::env::var_os(GDK_GL_VAR).is_none() {
        set_for_the_window(GDK_GL_VAR, "disable");
    }
}

fn set_for_the_window(name: &'static str, value: &str) {
    // SAFETY: called from `choose_drawing_mode` at the top of `gui::run`, before Tauri, GTK
    // or any runtime has started a thread, so nothing can read the environment concurrently.
    unsafe { std::env::set_var(name, value) };
    keep_from_browser(name);
}

#[cfg(test)]
mod tests {
    use super::should_disable;

    #[test]
    fn software_drawing_unless_the_user_chose() {
        assert!(should_disable(None, None));
        assert!(should_disable(Some("0"), None));
        assert!(should_disable(Some(""), None));
        assert!(!should_disable(Some("1"), None));
        // The user's own WebKit setting, whatever it is, wins.
        assert!(!should_disable(None, Some("1")));
        assert!(!should_disable(None, Some("0")));
    }
}
