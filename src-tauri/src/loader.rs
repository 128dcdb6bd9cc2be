//! The order in which the dynamic loader searches `linkcord-app`'s libraries.
//!
//! Before `main`, the loader binds every symbol that WebKitGTK and its ~170 libraries use
//! (they are linked "bind now"), searching the libraries one by one in a fixed order. On Debian
//! and Ubuntu, WebKitGTK's speech synthesis brings in the Flite voice
//! `libflite_cmu_time_awb.so.1`, whose ~31,000 relocations all name its own symbols; it sits
//! about 80th in that order, so each of them is looked up through 80 libraries first. That
//! was 60% of the loader's work (`perf record` on `linkcord-app --help`, which loads it all
//! and opens no window: 66–85 ms of CPU before, 45–48 ms with the voice searched first).
//!
//! A library in `LD_PRELOAD` is searched right after the executable, so `linkcord`, when it
//! hands over to the app, puts the voice there: the same file WebKit loads anyway, found
//! first. Nothing else changes: no other library names any of the voice's symbols (with
//! `LD_DEBUG=bindings`, every binding to the voice comes from the voice itself, in the app and
//! in WebKit's processes, before and after), so no other symbol resolves elsewhere. Only when:
//! - `LD_PRELOAD` is not set already (the person's own choice is left alone), and
//! - the voice lies in the folder WebKitGTK 4.1 lies in. (A WebKit built without speech
//!   synthesis, on a system that has Flite for something else, would then load the voice for
//!   nothing: a few milliseconds, accepted to keep the check at two `stat` calls.)
//!
//! WebKit's own processes (web content, network) load the same libraries, the voice ~57th:
//! they inherit the variable, and half their loader's work goes too. Anything else the app
//! starts (a browser, the opener) does not get it ([`settle`]), nor the marker. Measured from
//! `exec` to the first screen drawn, 20 starts of each build in turn: 449 → 400 ms (median).

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Command;

use linkcord_core::session::keep_from_browser;

const PRELOAD_VAR: &str = "LD_PRELOAD";
/// Tells the app which `LD_PRELOAD` value `linkcord` set: only that value is the app's to keep
/// from browsers.
const MARKER_VAR: &str = "LINKCORD_PRELOADED";
const WEBKIT: &str = "libwebkit2gtk-4.1.so.0";
const VOICE: &str = "libflite_cmu_time_awb.so.1";

/// Adds the voice to `LD_PRELOAD` for the app `command` starts, when that helps (see the
/// module's doc). Linux only.
pub fn preload_for_app(command: &mut Command) {
    if !cfg!(target_os = "linux") {
        return;
    }
    let dirs = library_dirs(std::env::consts::ARCH);
    if let Some(voice) = voice_to_preload(std::env::var_os(PRELOAD_VAR).as_deref(), &dirs) {
        command.env(PRELOAD_VAR, &voice).env(MARKER_VAR, &voice);
    }
}

/// Where distributions put WebKitGTK: the multiarch folder (Debian, Ubuntu), `lib64` (Fedora),
/// plain `lib` (Arch).
fn library_dirs(arch: &str) -> Vec<PathBuf> {
    vec![
        PathBuf::from(format!("/usr/lib/{arch}-linux-gnu")),
        PathBuf::from("/usr/lib64"),
        PathBuf::from("/usr/lib"),
    ]
}

/// The voice's path in the first of `dirs` that holds both it and WebKitGTK, unless the
/// person set `LD_PRELOAD` (`existing`) themselves.
fn voice_to_preload(existing: Option<&OsStr>, dirs: &[PathBuf]) -> Option<PathBuf> {
    if existing.is_some() {
        return None;
    }
    dirs.iter()
        .find(|dir| dir.join(WEBKIT).exists() && dir.join(VOICE).exists())
        .map(|dir| dir.join(VOICE))
}

/// Settles what `linkcord` put in the app's environment for the loader: the marker goes, and
/// `LD_PRELOAD`, when it still holds just what `linkcord` set, stays for WebKit's processes
/// but is kept from every browser.
///
/// # Safety
/// Changes the process environment: call it before any other thread exists (the top of the
/// app's `main`).
pub unsafe fn settle() {
    let marker = std::env::var_os(MARKER_VAR);
    if marker.is_none() {
        return;
    }
    // SAFETY: the caller guarantees no other thread runs yet.
    unsafe { std::env::remove_var(MARKER_VAR) };
    if ours(marker.as_deref(), std::env::var_os(PRELOAD_VAR).as_deref()) {
        keep_from_browser(PRELOAD_VAR);
    }
}

/// Whether `LD_PRELOAD` (`preload`) is still what `linkcord` set (`marker`): if someone changed
/// it in between, it is theirs, and left alone.
fn ours(marker: Option<&OsStr>, preload: Option<&OsStr>) -> bool {
    marker.is_some() && marker == preload
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder_with(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for file in files {
            std::fs::write(dir.path().join(file), b"").unwrap();
        }
        dir
    }

    #[test]
    fn the_voice_is_searched_first_only_beside_webkit_and_never_over_a_set_preload() {
        let both = folder_with(&[WEBKIT, VOICE]);
        let voice_only = folder_with(&[VOICE]);
        let webkit_only = folder_with(&[WEBKIT]);
        let dirs = |list: &[&tempfile::TempDir]| -> Vec<PathBuf> {
            list.iter().map(|d| d.path().to_path_buf()).collect()
        };

        // The first folder that has both wins; a voice without WebKit beside it does not count.
        assert_eq!(
            voice_to_preload(None, &dirs(&[&voice_only, &webkit_only, &both])),
            Some(both.path().join(VOICE))
        );
        // WebKit without the voice (built without speech synthesis): nothing to move.
        assert_eq!(
            voice_to_preload(None, &dirs(&[&webkit_only, &voice_only])),
            None
        );
        // The person's own LD_PRELOAD, even empty, is left alone.
        assert_eq!(
            voice_to_preload(Some(OsStr::new("libmine.so")), &dirs(&[&both])),
            None
        );
        assert_eq!(
            voice_to_preload(Some(OsStr::new("")), &dirs(&[&both])),
            None
        );
    }

    #[test]
    fn the_app_treats_as_its_own_only_what_linkcord_set() {
        let set = OsStr::new("/usr/lib/x/libflite_cmu_time_awb.so.1");
        assert!(ours(Some(set), Some(set)));
        // Started without `linkcord` (autostart runs the app itself): a preload is the person's.
        assert!(!ours(None, Some(set)));
        assert!(!ours(None, None));
        // Someone changed or removed LD_PRELOAD between the two: not ours.
        assert!(!ours(Some(set), Some(OsStr::new("libother.so"))));
        assert!(!ours(Some(set), None));
    }

    #[test]
    fn library_folders_follow_the_architecture() {
        let dirs = library_dirs("aarch64");
        assert_eq!(dirs[0], PathBuf::from("/usr/lib/aarch64-linux-gnu"));
    }
}
