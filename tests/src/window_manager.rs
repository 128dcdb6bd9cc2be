//! A stand-in for the window manager, which Xvfb does not have: closing Linkcord's window the
//! way a person's click on its close button does, and telling whether it is on screen.
//!
//! The tray tests need both: closing the window must leave Linkcord in the tray, and "Open
//! Linkcord" must map it again. WebDriver cannot do either (its "close window" destroys the
//! webview instead of asking the app). Talks X11 through libX11, loaded at run time as tao
//! does.

/// Closes the top-level X11 window titled `title` the way a window manager does when a person
/// clicks its close button: a `WM_DELETE_WINDOW` client message. Returns how many windows got
/// it. (Xvfb has no window manager, and WebDriver's "close window" destroys the webview
/// instead.)
pub fn close_window(title: &str) -> usize {
    x11::with_display(|x| {
        let windows = x.viewable_windows_titled(title);
        for w in &windows {
            x.send_delete(*w);
        }
        windows.len()
    })
    .unwrap_or(0)
}

/// Whether a top-level X11 window titled `title` is mapped and viewable.
pub fn window_is_viewable(title: &str) -> bool {
    x11::with_display(|x| !x.viewable_windows_titled(title).is_empty()).unwrap_or(false)
}

mod x11 {
    use std::ffi::{CStr, CString};
    use std::os::raw::{c_char, c_long, c_uint};
    use std::ptr;

    use x11_dl::xlib;

    pub struct X {
        lib: xlib::Xlib,
        display: *mut xlib::Display,
    }

    /// Runs `f` with a connection to `$DISPLAY`; `None` when there is no display.
    pub fn with_display<T>(f: impl FnOnce(&X) -> T) -> Option<T> {
        let lib = xlib::Xlib::open().ok()?;
        // SAFETY: XOpenDisplay takes a null name for $DISPLAY and returns null on failure.
        let display = unsafe { (lib.XOpenDisplay)(ptr::null()) };
        if display.is_null() {
            return None;
        }
        // Xlib's default error handler ends the process. A window can be destroyed between
        // listing it and asking about it (closing Linkcord's window destroys it), which is
        // an answer here, not a reason to end the test run: such calls just report nothing.
        // SAFETY: the handler is a plain function that touches nothing.
        unsafe { (lib.XSetErrorHandler)(Some(ignore_error)) };
        let x = X { lib, display };
        let out = f(&x);
        // SAFETY: display was opened above and is not used after this.
        unsafe { (x.lib.XCloseDisplay)(x.display) };
        Some(out)
    }

    unsafe extern "C" fn ignore_error(
        _: *mut xlib::Display,
        _: *mut xlib::XErrorEvent,
    ) -> std::os::raw::c_int {
        0
    }

    impl X {
        fn children(&self, window: xlib::Window) -> Vec<xlib::Window> {
            let (mut root, mut parent) = (0, 0);
            let mut children: *mut xlib::Window = ptr::null_mut();
            let mut count: c_uint = 0;
            // SAFETY: out-pointers are valid; the returned array is freed with XFree.
            unsafe {
                if (self.lib.XQueryTree)(
                    self.display,
                    window,
                    &mut root,
                    &mut parent,
                    &mut children,
                    &mut count,
                ) == 0
                    || children.is_null()
                {
                    return Vec::new();
                }
                let list = std::slice::from_raw_parts(children, count as usize).to_vec();
                (self.lib.XFree)(children.cast());
                list
            }
        }

        fn name(&self, window: xlib::Window) -> Option<String> {
            let mut name: *mut c_char = ptr::null_mut();
            // SAFETY: XFetchName fills a string freed with XFree, or leaves it null.
            unsafe {
                (self.lib.XFetchName)(self.display, window, &mut name);
                if name.is_null() {
                    return None;
                }
                let text = CStr::from_ptr(name).to_string_lossy().into_owned();
                (self.lib.XFree)(name.cast());
                Some(text)
            }
        }

        fn viewable(&self, window: xlib::Window) -> bool {
            // SAFETY: XWindowAttributes is plain data, filled by the call.
            unsafe {
                let mut attrs: xlib::XWindowAttributes = std::mem::zeroed();
                (self.lib.XGetWindowAttributes)(self.display, window, &mut attrs) != 0
                    && attrs.map_state == xlib::IsViewable
            }
        }

        pub fn viewable_windows_titled(&self, title: &str) -> Vec<xlib::Window> {
            // SAFETY: the display is open.
            let root = unsafe { (self.lib.XDefaultRootWindow)(self.display) };
            let mut found = Vec::new();
            let mut stack = vec![root];
            while let Some(w) = stack.pop() {
                if w != root && self.name(w).as_deref() == Some(title) && self.viewable(w) {
                    found.push(w);
                }
                stack.extend(self.children(w));
            }
            found
        }

        fn atom(&self, name: &str) -> xlib::Atom {
            let name = CString::new(name).expect("an atom name");
            // SAFETY: a valid C string; only_if_exists = False creates it if needed.
            unsafe { (self.lib.XInternAtom)(self.display, name.as_ptr(), xlib::False) }
        }

        pub fn send_delete(&self, window: xlib::Window) {
            let mut data = xlib::ClientMessageData::new();
            data.set_long(0, self.atom("WM_DELETE_WINDOW") as c_long);
            data.set_long(1, xlib::CurrentTime as c_long);
            let message = xlib::XClientMessageEvent {
                type_: xlib::ClientMessage,
                serial: 0,
                send_event: xlib::True,
                display: self.display,
                window,
                message_type: self.atom("WM_PROTOCOLS"),
                format: 32,
                data,
            };
            let mut event = xlib::XEvent {
                client_message: message,
            };
            // SAFETY: a fully initialised client message to a window of this display.
            unsafe {
                (self.lib.XSendEvent)(
                    self.display,
                    window,
                    xlib::False,
                    xlib::NoEventMask,
                    &mut event,
                );
                (self.lib.XFlush)(self.display);
            }
        }
    }
}
