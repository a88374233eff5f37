//! The start of every command that has a repo root: take the lock (commands that write),
//! and recover a change an interrupted run left behind (commands that write only: a
//! command that only reads never changes the repo, it reports the pending change).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::journal::{self, Journal, Recovered, JOURNAL_FILE};
use crate::lock::{Lock, LOCK_FILE};
use crate::output::Reporter;
use crate::repo;

/// How a command uses the repo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No repo (completions).
    None,
    /// Reads only (list, doctor, docs --check, scan, kits, catalog): takes no lock and
    /// never writes. With an interrupted change pending it fails (exit 1) saying that
    /// `integrate recover` finishes it, unless the change belongs to a run still going.
    Read,
    /// Writes: holds the lock for the whole run (a second run fails at once) and first
    /// recovers an interrupted change.
    Write,
    /// `init`: writes, with the root found by [`repo::find_init_root`].
    Init,
}

/// What a command holds while it runs.
#[derive(Debug, Default)]
pub struct Session {
    /// The lock, for a command that writes.
    pub lock: Option<Lock>,
    /// The repo root, when there is one.
    pub root: Option<PathBuf>,
    /// What recovering an interrupted change did, if there was one.
    pub recovered: Option<Recovered>,
}

/// The error of a command that only reads, in a repo with a change pending.
pub fn pending_error() -> Error {
    Error::Invalid {
        path: JOURNAL_FILE.into(),
        message: "an interrupted integrate change is pending in this repo, so what this command would read is half changed; it only reads and leaves the change alone: run `integrate recover` to finish or roll it back, then run this command again".to_string(),
    }
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
    let pending = Journal::pending(&root);
    if access == Access::Read {
        // The journal of a run still going is its own business; anything else is left
        // for a command that writes.
        if pending && !Lock::held_by_another(&root) {
            return Err(pending_error());
        }
        return Ok(Session {
            root: Some(root),
            ..Session::default()
        });
    }
    let lock = match Lock::acquire(&root) {
        Ok(acquired) => {
            if let Some(pid) = acquired.cleared {
                reporter.note(&format!(
                    "cleared {LOCK_FILE} left by integrate run {pid}, which is no longer running"
                ));
            }
            Some(acquired.lock)
        }
        Err(e @ Error::Busy { .. }) => return Err(e),
        // A read-only checkout: dry runs still work, and a write fails in apply's checks,
        // naming the file or folder, before anything is written.
        Err(Error::Invalid { ref path, .. }) if path == Path::new(LOCK_FILE) && !pending => None,
        Err(e) => return Err(e),
    };
    let mut recovered = None;
    if lock.is_some() {
        crate::apply::hook_locked()?;
        recovered = journal::recover(&root, &mut crate::apply::hook_recover())?;
        if let Some(recovered) = &recovered {
            reporter.warn(&recovered.message());
        }
    }
    Ok(Session {
        lock,
        root: Some(root),
        recovered,
    })
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
