//! The start of every command that has a repo root: take the lock (commands that write),
//! and recover a change an interrupted run left behind.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::journal::{self, JOURNAL_FILE};
use crate::lock::{Lock, LOCK_FILE};
use crate::output::Reporter;
use crate::repo;

/// How a command uses the repo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No repo (completions).
    None,
    /// Reads only: recovers a pending change if no other run is active, takes no lock.
    Read,
    /// Writes: holds the lock for the whole run; a second run fails at once.
    Write,
    /// `init`: writes, with the root found by [`repo::find_init_root`].
    Init,
}

/// What a command holds while it runs.
#[derive(Debug, Default)]
pub struct Session {
    pub lock: Option<Lock>,
    pub root: Option<PathBuf>,
}

/// Opens the repo around `dir` for a command with `access`.
pub fn open(dir: &Path, access: Access, reporter: &Reporter) -> Result<Session> {
    let root = match access {
        Access::None => return Ok(Session::default()),
        Access::Init => repo::find_init_root(dir).ok(),
        Access::Read | Access::Write => find_root(dir),
    };
    // Without a root the command reports its own error (e.g. "run `integrate init`").
    let Some(root) = root else {
        return Ok(Session::default());
    };
    let pending = root.join(JOURNAL_FILE).exists();
    let lock = match access {
        Access::Read if !pending => None,
        Access::Read => match Lock::acquire(&root) {
            Ok(acquired) => {
                note_cleared(reporter, acquired.cleared);
                Some(acquired.lock)
            }
            // The journal belongs to a run that is still going.
            Err(Error::Busy { .. }) => return Ok(Session::default()),
            Err(e) => return Err(e),
        },
        _ => match Lock::acquire(&root) {
            Ok(acquired) => {
                note_cleared(reporter, acquired.cleared);
                Some(acquired.lock)
            }
            Err(e @ Error::Busy { .. }) => return Err(e),
            // A read-only checkout: reading and dry runs still work, and a write fails in
            // apply's checks, naming the file or folder, before anything is written.
            Err(Error::Invalid { ref path, .. }) if path == Path::new(LOCK_FILE) && !pending => {
                None
            }
            Err(e) => return Err(e),
        },
    };
    if lock.is_some() {
        crate::apply::hook_locked()?;
        if let Some(recovered) = journal::recover(&root)? {
            reporter.warn(&recovered.message());
        }
    }
    let lock = if access == Access::Read { None } else { lock };
    Ok(Session {
        lock,
        root: Some(root),
    })
}

fn note_cleared(reporter: &Reporter, cleared: Option<u32>) {
    if let Some(pid) = cleared {
        reporter.note(&format!(
            "cleared {LOCK_FILE} left by integrate run {pid}, which is no longer running"
        ));
    }
}

/// The nearest folder holding `integrate.toml`, or a pending journal (an interrupted
/// `init` may not have written `integrate.toml` yet).
fn find_root(dir: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(dir).ok()?;
    start
        .ancestors()
        .find(|d| d.join(repo::RECORD_FILE).is_file() || d.join(JOURNAL_FILE).is_file())
        .map(Path::to_path_buf)
}
