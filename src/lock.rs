//! One run at a time per repo: an OS advisory lock (`flock` on Unix) on `.integrate/lock`.
//! The kernel releases it when the process ends, however it ends, so a run killed at any
//! point never blocks the next one. The file holds the pid of the run that holds it, for
//! messages only; it is removed when the lock is released.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::signals;

/// The folder for the lock and the journal, relative to the repo root.
pub const STATE_DIR: &str = ".integrate";
/// The lock file, relative to the repo root.
pub const LOCK_FILE: &str = ".integrate/lock";

/// A held lock; dropping it removes the lock file (and `.integrate/` if the lock made it
/// and it is empty), then releases the lock.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    file: Option<File>,
    created_dir: Option<PathBuf>,
}

/// What acquiring found.
#[derive(Debug)]
pub struct Acquired {
    /// The lock, held until dropped.
    pub lock: Lock,
    /// The pid of a run that ended (killed, say) while holding the lock, whose lock file
    /// was left behind.
    pub cleared: Option<u32>,
}

impl Lock {
    /// Takes the lock of the repo at `root`, or fails at once when another run holds it.
    pub fn acquire(root: &Path) -> Result<Acquired> {
        let dir = root.join(STATE_DIR);
        let created_dir = match std::fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => None,
            Ok(_) => return Err(Error::Invalid {
                path: STATE_DIR.into(),
                message:
                    "is not a folder, but integrate keeps its lock and journal there; move it away"
                        .to_string(),
            }),
            Err(_) => match std::fs::create_dir(&dir) {
                Ok(()) => Some(dir.clone()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => None,
                Err(e) => return Err(lock_error(e)),
            },
        };
        let path = root.join(LOCK_FILE);
        let result = take(&path);
        match result {
            Ok((file, cleared)) => {
                signals::set_lock_paths(Some(&path), created_dir.as_deref());
                Ok(Acquired {
                    lock: Lock {
                        path,
                        file: Some(file),
                        created_dir,
                    },
                    cleared,
                })
            }
            Err(e) => {
                if let Some(dir) = &created_dir {
                    // Only an empty folder goes: another run may have come in meanwhile.
                    let _ = std::fs::remove_dir(dir);
                }
                Err(e)
            }
        }
    }

    /// Whether another run holds the lock of the repo at `root` right now. Only looks:
    /// creates and writes nothing.
    pub fn held_by_another(root: &Path) -> bool {
        let Ok(file) = open_existing(&root.join(LOCK_FILE)) else {
            return false;
        };
        // A shared lock is refused while a run holds the exclusive one; it is released
        // when `file` closes.
        matches!(try_lock(&file, false), Err(Busy))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        signals::set_lock_paths(None, None);
        // Removed while still held: a run that opened this file meanwhile finds, once it
        // has the lock, that the path no longer names it, and tries again.
        let _ = std::fs::remove_file(&self.path);
        drop(self.file.take());
        if let Some(dir) = &self.created_dir {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Another process holds the lock.
struct Busy;

/// Opens (creating if needed) and locks `path`; returns the file and the pid a dead
/// holder left in it.
fn take(path: &Path) -> Result<(File, Option<u32>)> {
    for _ in 0..10 {
        let mut file = open_for_lock(path).map_err(lock_error)?;
        match try_lock(&file, true) {
            Ok(()) => {}
            Err(Busy) => {
                return Err(Error::Busy {
                    path: LOCK_FILE.into(),
                    pid: holder(&mut file),
                })
            }
        }
        // The file may have been removed (and another created) between open and lock.
        if !names_file(path, &file) {
            continue;
        }
        let left = holder(&mut file).filter(|pid| *pid != std::process::id());
        let written = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| writeln!(file, "{}", std::process::id()));
        written.map_err(lock_error)?;
        return Ok((file, left));
    }
    Err(Error::Busy {
        path: LOCK_FILE.into(),
        pid: None,
    })
}

/// The pid written in a lock file, if any.
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.take(64).read_to_string(&mut text).ok()?;
    text.lines().next()?.trim().parse().ok()
}

fn lock_error(source: std::io::Error) -> Error {
    Error::Invalid {
        path: LOCK_FILE.into(),
        message: format!(
            "cannot create the lock ({source}); make the repo folder writable and run again"
        ),
    }
}

#[cfg(unix)]
fn open_for_lock(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // Never through a symlink: the lock file is integrate's own.
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(unix)]
fn open_existing(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(unix)]
fn try_lock(file: &File, exclusive: bool) -> std::result::Result<(), Busy> {
    use std::os::unix::io::AsRawFd;
    let mode = if exclusive {
        libc::LOCK_EX
    } else {
        libc::LOCK_SH
    };
    loop {
        // SAFETY: flock on a file descriptor this process owns.
        if unsafe { libc::flock(file.as_raw_fd(), mode | libc::LOCK_NB) } == 0 {
            return Ok(());
        }
        match std::io::Error::last_os_error().raw_os_error() {
            Some(libc::EINTR) => continue,
            // EWOULDBLOCK, or a filesystem without flock: treated as held, never as free.
            _ => return Err(Busy),
        }
    }
}

#[cfg(unix)]
fn names_file(path: &Path, file: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::symlink_metadata(path), file.metadata()) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn open_for_lock(path: &Path) -> std::io::Result<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

#[cfg(not(unix))]
fn open_existing(path: &Path) -> std::io::Result<File> {
    std::fs::File::open(path)
}

#[cfg(not(unix))]
#[allow(clippy::incompatible_msrv)]
fn try_lock(file: &File, exclusive: bool) -> std::result::Result<(), Busy> {
    let locked = if exclusive {
        file.try_lock()
    } else {
        file.try_lock_shared()
    };
    locked.map_err(|_| Busy)
}

#[cfg(not(unix))]
fn names_file(path: &Path, _file: &File) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_busy_and_a_released_one_is_free_again() {
        let dir = tempfile::tempdir().unwrap();
        let first = Lock::acquire(dir.path()).unwrap();
        assert!(first.cleared.is_none());
        // flock locks belong to the open file, so a second open in this process
        // conflicts just as another process would.
        assert!(matches!(
            Lock::acquire(dir.path()),
            Err(Error::Busy { pid: Some(pid), .. }) if pid == std::process::id()
        ));
        assert!(Lock::held_by_another(dir.path()));
        drop(first);
        assert!(!dir.path().join(LOCK_FILE).exists());
        assert!(!dir.path().join(STATE_DIR).exists());
        assert!(!Lock::held_by_another(dir.path()));
        // A lock file left by a run that died (here: never locked) does not block.
        std::fs::create_dir(dir.path().join(STATE_DIR)).unwrap();
        std::fs::write(dir.path().join(LOCK_FILE), "4000000\n").unwrap();
        let again = Lock::acquire(dir.path()).unwrap();
        assert_eq!(again.cleared, Some(4_000_000));
        drop(again);
        // An empty one (killed right after creating it) neither.
        std::fs::write(dir.path().join(LOCK_FILE), "").unwrap();
        let again = Lock::acquire(dir.path()).unwrap();
        assert_eq!(again.cleared, None);
    }
}
