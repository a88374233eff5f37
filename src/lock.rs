//! One run at a time per repo: `.integrate/lock`, created with `create_new`, holds the pid
//! of the run that owns the repo. A lock whose process is gone is cleared with a note.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::signals;

/// The folder for the lock and the journal, relative to the repo root.
pub const STATE_DIR: &str = ".integrate";
/// The lock file, relative to the repo root.
pub const LOCK_FILE: &str = ".integrate/lock";

/// A held lock; dropping it removes the lock file (and `.integrate/` if the lock made it
/// and it is empty).
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    created_dir: Option<PathBuf>,
}

/// What acquiring found.
#[derive(Debug)]
pub struct Acquired {
    pub lock: Lock,
    /// The pid of a dead process whose lock was cleared.
    pub cleared: Option<u32>,
}

impl Lock {
    /// Takes the lock of the repo at `root`, or fails at once when a live process holds it.
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
        let mut cleared = None;
        for _ in 0..3 {
            match create(&path) {
                Ok(()) => {
                    signals::set_lock_paths(Some(&path), created_dir.as_deref());
                    return Ok(Acquired {
                        lock: Lock { path, created_dir },
                        cleared,
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    let mut lines = text.lines();
                    let pid = lines.next().unwrap_or("").trim().parse::<u32>();
                    let started = lines.next().and_then(|l| l.trim().parse::<u64>().ok());
                    match pid {
                        Ok(pid) if pid == std::process::id() || !alive(pid, started) => {
                            // Re-read right before removing, so a lock another run has just
                            // taken is not removed.
                            if std::fs::read_to_string(&path).unwrap_or_default() == text {
                                let _ = std::fs::remove_file(&path);
                                cleared = Some(pid);
                            }
                        }
                        Ok(pid) => {
                            return Err(Error::Busy {
                                path: LOCK_FILE.into(),
                                pid: Some(pid),
                            })
                        }
                        // A lock being written right now, or garbage: not ours to judge.
                        Err(_) => {
                            return Err(Error::Busy {
                                path: LOCK_FILE.into(),
                                pid: None,
                            })
                        }
                    }
                }
                Err(e) => {
                    if let Some(dir) = &created_dir {
                        let _ = std::fs::remove_dir(dir);
                    }
                    return Err(lock_error(e));
                }
            }
        }
        Err(Error::Busy {
            path: LOCK_FILE.into(),
            pid: None,
        })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        signals::set_lock_paths(None, None);
        let _ = std::fs::remove_file(&self.path);
        if let Some(dir) = &self.created_dir {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

fn create(path: &Path) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    let pid = std::process::id();
    let text = match start_time(pid) {
        Some(started) => format!("{pid}\n{started}\n"),
        None => format!("{pid}\n"),
    };
    let written = file.write_all(text.as_bytes());
    if let Err(e) = written {
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(())
}

fn lock_error(source: std::io::Error) -> Error {
    Error::Invalid {
        path: LOCK_FILE.into(),
        message: format!(
            "cannot create the lock ({source}); make the repo folder writable and run again"
        ),
    }
}

/// Whether the process that wrote a lock is still running: a process with `pid` exists
/// and, where the start time is known (Linux), started when the lock says (a pid reused by
/// another process after a crash does not count).
pub fn alive(pid: u32, started: Option<u64>) -> bool {
    process_exists(pid)
        && match (started, start_time(pid)) {
            (Some(recorded), Some(actual)) => recorded == actual,
            _ => true,
        }
}

/// When the process `pid` started, in clock ticks since boot (Linux only).
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold anything; fields follow the last `)`.
    let fields = &stat[stat.rfind(')')? + 1..];
    fields.split_whitespace().nth(19)?.parse().ok()
}

/// Whether a process with `pid` exists.
#[cfg(unix)]
fn process_exists(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Whether a process with `pid` exists (always assumed on platforms without `kill`).
#[cfg(not(unix))]
fn process_exists(_pid: u32) -> bool {
    true
}
