//! Messages for the person, shown as banners in the window.
//!
//! Work that has no caller waiting for it (a tray click, a link, a second launch) reports its
//! failures here. Notices are queued and the window is told to fetch them (`take_notices`)
//! rather than sent inside the event, so one raised before the window loaded is not lost.

use std::sync::Mutex;

use tauri::{AppHandle, Emitter, Manager, Runtime};

use super::AppState;
use crate::models::{NOTICES_EVENT, Notice};

#[derive(Default)]
pub struct Notices(Mutex<Vec<Notice>>);

impl Notices {
    pub fn push(&self, notice: Notice) {
        self.0.lock().expect("notice lock").push(notice);
    }

    /// The notices waiting, oldest first; the queue is left empty.
    pub fn take(&self) -> Vec<Notice> {
        std::mem::take(&mut *self.0.lock().expect("notice lock"))
    }
}

/// Queues a notice for the window and tells it to fetch it.
pub fn notify<R: Runtime>(app: &AppHandle<R>, notice: Notice) {
    app.state::<AppState>().notices.push(notice);
    let _ = app.emit(NOTICES_EVENT, ());
}
