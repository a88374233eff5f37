//! Ctrl-C (SIGINT), SIGTERM and SIGHUP: outside a critical section the process exits at
//! once with 128 + the signal number (130 for Ctrl-C), removing its lock first; inside one
//! (while files are being replaced or recovered) the signal is only noted, and the code in
//! the section polls [`take_interrupt`] and rolls back before it returns
//! [`crate::error::Error::Interrupted`] (exit code 130). Once a change has passed its
//! commit point ([`hold_to_exit`]), a signal is only noted until the process ends: the
//! change is finished and reported, and the command exits 0 ([`held_interrupt`]).

use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};

const IDLE: u8 = 0;
const CRITICAL: u8 = 1;
const EXITING: u8 = 2;
/// Past a commit point: signals are noted until the process ends.
const HELD: u8 = 3;

static STATE: AtomicU8 = AtomicU8::new(IDLE);
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static DEPTH: AtomicUsize = AtomicUsize::new(0);
static HOLD: AtomicBool = AtomicBool::new(false);

/// Installs the handlers. Call once, early in `main`.
pub fn install() {
    imp::install();
}

/// Whether a signal arrived during the current critical section. The signal counts as
/// handled: the caller must stop, put files back, and fail with `Error::Interrupted`.
pub fn take_interrupt() -> bool {
    INTERRUPTED.swap(false, Ordering::SeqCst)
}

/// Whether a signal arrived and is waiting to be acted on (it stays noted).
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Called inside a critical section at a commit point: from now until the process ends,
/// a signal never ends it; it is only noted, for [`held_interrupt`].
pub fn hold_to_exit() {
    HOLD.store(true, Ordering::SeqCst);
}

/// Whether a signal arrived after [`hold_to_exit`]: the change was finished anyway, and
/// the process should say so and exit 0.
pub fn held_interrupt() -> bool {
    HOLD.load(Ordering::SeqCst) && INTERRUPTED.load(Ordering::SeqCst)
}

/// A stretch of code during which a signal must not kill the process: while it is alive,
/// signals only set [`take_interrupt`].
#[must_use = "the section ends when the guard is dropped"]
pub struct Critical(());

impl Critical {
    /// Enters the section. If a signal is already ending the process, this never returns.
    pub fn enter() -> Self {
        if DEPTH.fetch_add(1, Ordering::SeqCst) > 0 {
            // Nested in a section this thread already holds.
            return Critical(());
        }
        loop {
            match STATE.compare_exchange(IDLE, CRITICAL, Ordering::SeqCst, Ordering::SeqCst) {
                Ok(_) => break,
                // Past a commit point: signals are held already.
                Err(HELD) => return Critical(()),
                // The handler is exiting the process on another thread.
                Err(_) => std::thread::sleep(std::time::Duration::from_millis(10)),
            }
        }
        INTERRUPTED.store(false, Ordering::SeqCst);
        Critical(())
    }
}

impl Drop for Critical {
    /// Leaves the section. A signal that arrived after the last [`take_interrupt`] (when
    /// every file was already consistent) ends the process now, exit code 130.
    fn drop(&mut self) {
        if DEPTH.fetch_sub(1, Ordering::SeqCst) > 1 {
            return;
        }
        if HOLD.load(Ordering::SeqCst) {
            STATE.store(HELD, Ordering::SeqCst);
            return;
        }
        STATE.store(IDLE, Ordering::SeqCst);
        if INTERRUPTED.swap(false, Ordering::SeqCst) {
            eprintln!("error: interrupted (every file is complete and consistent)");
            imp::exit_now(130);
        }
    }
}

/// Remembers the lock file (and the `.integrate` folder the lock created, if any) so a
/// signal outside a critical section removes them before exiting. `None` forgets them.
pub fn set_lock_paths(lock: Option<&std::path::Path>, created_dir: Option<&std::path::Path>) {
    imp::set_lock_paths(lock, created_dir);
}

#[cfg(unix)]
mod imp {
    use std::ffi::{c_char, CString};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;
    use std::sync::atomic::{AtomicPtr, Ordering};

    use super::{CRITICAL, EXITING, HELD, IDLE, INTERRUPTED, STATE};

    static LOCK: AtomicPtr<c_char> = AtomicPtr::new(std::ptr::null_mut());
    static LOCK_DIR: AtomicPtr<c_char> = AtomicPtr::new(std::ptr::null_mut());

    pub fn install() {
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            // SAFETY: `on_signal` only touches atomics and calls the async-signal-safe
            // `unlink`, `rmdir` and `_exit`.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
                action.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(signal, &action, std::ptr::null_mut());
            }
        }
    }

    fn leak(path: Option<&Path>) -> *mut c_char {
        path.and_then(|p| CString::new(p.as_os_str().as_bytes()).ok())
            .map_or(std::ptr::null_mut(), CString::into_raw)
    }

    pub fn set_lock_paths(lock: Option<&Path>, created_dir: Option<&Path>) {
        // The strings are leaked on purpose: a handler may be reading the old pointer.
        LOCK.store(leak(lock), Ordering::SeqCst);
        LOCK_DIR.store(leak(created_dir), Ordering::SeqCst);
    }

    extern "C" fn on_signal(signal: libc::c_int) {
        let state = STATE
            .compare_exchange(IDLE, EXITING, Ordering::SeqCst, Ordering::SeqCst)
            .unwrap_or_else(|current| current);
        if state == CRITICAL || state == HELD {
            INTERRUPTED.store(true, Ordering::SeqCst);
            return;
        }
        exit_now(128 + signal);
    }

    /// Removes the lock and exits with `code`, as the handler would.
    pub fn exit_now(code: i32) -> ! {
        STATE.store(EXITING, Ordering::SeqCst);
        let lock = LOCK.load(Ordering::SeqCst);
        let dir = LOCK_DIR.load(Ordering::SeqCst);
        // SAFETY: the pointers are null or leaked NUL-terminated strings; unlink, rmdir and
        // _exit are async-signal-safe, so this may run inside the signal handler.
        unsafe {
            if !lock.is_null() {
                libc::unlink(lock);
            }
            if !dir.is_null() {
                libc::rmdir(dir);
            }
            libc::_exit(code);
        }
    }
}

#[cfg(not(unix))]
mod imp {
    pub fn install() {}
    pub fn exit_now(code: i32) -> ! {
        std::process::exit(code)
    }
    pub fn set_lock_paths(_lock: Option<&std::path::Path>, _created_dir: Option<&std::path::Path>) {
    }
}
