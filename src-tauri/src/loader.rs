//! The order in which the dynamic loader searches `linkcord-app`'s libraries.
//!
//! Before `main`, the loader binds every symbol that WebKitGTK and its ~170 libraries use
//! (they are linked "bind now"), searching the libraries one by one in a fixed order. On Debian
//! and Ubuntu, WebKitGTK's speech synthesis brings in the Flite voice
//! `libflite_cmu_time_awb.so.1`, whose ~31,000 relocations all name its own symbols; it sits
//! about 80th in that order, so each of them is looked up through 80 libraries first. That
//! was 60% of the loader's work and ~20 ms of every start of the app (`perf record` on
//! `linkcord-app --help`: 66–85 ms of CPU before, 45–48 ms with the voice searched first).
//!
//! A library in `LD_PRELOAD` is searched right after the executable, so `linkcord`, when it
//! hands over to the app, puts the voice there: the same file WebKit loads anyway, found
//! first. Nothing else changes: the voice's symbols all carry its own prefix, so moving it
//! forward makes no other library's symbol resolve elsewhere. Only when:
//! - `LD_PRELOAD` is not set already (the person's own choice is left alone), and
//! - the voice lies in the folder WebKitGTK 4.1 lies in (a WebKit built without speech
//!   synthesis on a system where Flite is also installed for something else would load the
//!   voice for nothing, a few milliseconds: accepted, as the check stays one `stat` each).
//!
//! The app takes the variable out of its own environment at once ([`forget`]), so its web
//! processes, the browser and everything else it starts begin exactly as before.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Command;

const PRELOAD_VAR: &str = "LD_PRELOAD";
/// Tells the app which `LD_PRELOAD` value `linkcord` set, so the app removes only that.
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

/// Takes out of the app's environment what `linkcord` put there for the loader, so nothing the
/// app starts inherits it.
///
/// # Safety
/// Changes the process environment: call it before any other thread exists (the top of the
/// app's `main`).
pub unsafe fn forget() {
    let marker = std::env::var_os(MARKER_VAR);
    let preload = std::env::var_os(PRELOAD_VAR);
    for name in to_remove(marker.as_deref(), preload.as_deref()) {
        // SAFETY: the caller guarantees no other thread runs yet.
        unsafe { std::env::remove_var(name) };
    }
}

/// Which variables [`forget`] removes: the marker, and `LD_PRELOAD` when it still holds just
/// what `linkcord` set.
fn to_remove(marker: Option<&OsStr>, preload: Option<&OsStr>) -> Vec<&'static str> {
    match marker {
        None => Vec::new(),
        Some(set) if preload == Some(set) => vec![MARKER_VAR, PRELOAD_VAR],
        Some(_) => vec![MARKER_VAR],
    }
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
    fn the_app_removes_only_what_linkcord_set() {
        let set = OsStr::new("/usr/lib/x/libflite_cmu_time_awb.so.1");
        assert_eq!(to_remove(None, None), Vec::<&str>::new());
        // Started without `linkcord` (autostart runs the app itself): a preload is the person's.
        assert_eq!(to_remove(None, Some(set)), Vec::<&str>::new());
        assert_eq!(
            to_remove(Some(set), Some(set)),
            vec![MARKER_VAR, PRELOAD_VAR]
        );
        // Someone changed LD_PRELOAD between the two: theirs stays.
        assert_eq!(
            to_remove(Some(set), Some(OsStr::new("libother.so"))),
            vec![MARKER_VAR]
        );
        assert_eq!(to_remove(Some(set), None), vec![MARKER_VAR]);
    }

    #[test]
    fn library_folders_follow_the_architecture() {
        let dirs = library_dirs("aarch64");
        assert_eq!(dirs[0], PathBuf::from("/usr/lib/aarch64-linux-gnu"));
    }
}
