//! Applying a plan: the only code that writes to the repo. All or nothing.
//!
//! 1. Checks that can fail run first, before anything is written: every path stays inside
//!    the repo and out of `.git` (also through symlinks), folders are folders and writable,
//!    files are regular, writable, and still hold the bytes the plan was computed from.
//! 2. The journal (see [`crate::journal`]) records every file, its staged temp file and its
//!    backup, with the sha256 of the new and of the original content.
//! 3. Each new content is staged beside its target and each original gets a backup (a hard
//!    link). Then the journal, the staged replacements of existing files, any copied backups
//!    and the folders whose entries changed are synced to disk, all in one step (see
//!    [`crate::durable`]), and the commit marker is written: the **commit point**.
//! 4. Each staged file is renamed over its target (or a deleted file is unlinked).
//! 5. Tidying up: backups, then the journal and the marker are removed.
//!
//! An error, Ctrl-C, SIGTERM or SIGHUP before the commit point rolls every file back to
//! its original bytes and permission bits and removes the files and folders the change
//! created (exit 1, or 130 for a signal). After the commit point a signal is only noted:
//! the change is finished, reported, and the command exits 0. An I/O error during the
//! renames still rolls back (exit 1: nothing changed); one while tidying up is a warning
//! (exit 0: the change stands, and the next run tidies). A kill is recovered by the next
//! command that writes, or `integrate recover` (see [`crate::journal::recover`]).
//!
//! **Test hook.** The environment variable `INTEGRATE_FAULT` injects faults; it is inert
//! unless set, and meant for tests only. It holds comma-separated `<action>-<phase>:<N>`
//! items: action `fail` (an I/O error), `kill` (SIGKILL to the process itself, like
//! `kill -9`) or `pause` (print `integrate: test hook: paused` on stderr and wait up to
//! 30 s for a signal); phase `staged` (after the N-th file is staged, 0 = right after the
//! journal is written), `after` (after the N-th rename or unlink of a change, 0 = right
//! after the commit marker), `tidy` (after the N-th unlink of tidying up: the backups in
//! order, then the journal, the marker and the temp journal), `undo` (after the N-th file
//! of an in-process rollback), `recover` (after the N-th rename or unlink of a recovery)
//! or `locked` (N = 0: right after a command took the lock, before it plans anything).
//! The item `nosync` skips syncing to disk, so `scripts/bench.sh` can show what syncing
//! costs.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::journal::{Entry, Journal, COMMIT_FILE, JOURNAL_FILE, TEMP_TAG};
use crate::lock::STATE_DIR;
use crate::plan::{Action, Plan};
use crate::{durable, repo, signals};

/// What applying a plan did, besides writing every file of it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Tidying up after the change failed (a backup or the journal could not be removed):
    /// the change stands, and the next run finishes tidying. A warning, not an error.
    pub warning: Option<String>,
}

/// Writes every change of `plan` under `root`, all or nothing. An error means no file
/// changed; once the commit point is passed (every new content is on disk), the change is
/// finished even if a signal arrives (see [`signals::hold_to_exit`]).
pub fn apply(root: &Path, plan: &Plan) -> Result<Applied> {
    if plan.changes.is_empty() {
        return Ok(Applied::default());
    }
    if Journal::pending(root) {
        return Err(Error::Invalid {
            path: JOURNAL_FILE.into(),
            message: "an interrupted change is pending; run `integrate recover` first".to_string(),
        });
    }
    let faults = Faults::from_env();
    let targets = check(root, plan)?;
    let critical = signals::Critical::enter();
    let state_dir = StateDir::ensure(root)?;
    let journal = journal_for(root, plan, &targets);
    let journal_file = match journal.write(root) {
        Ok(file) => file,
        Err(e) => {
            // Nothing was staged yet: only a partial journal to remove (a full disk, say).
            let _ = Journal::remove(root, &mut || Ok(()));
            return Err(Error::io(JOURNAL_FILE, e));
        }
    };
    let mut committed = false;
    let result = run(
        root,
        plan,
        (&journal, &journal_file),
        &targets,
        &faults,
        &mut committed,
    );
    let outcome = match result {
        Ok(()) => {
            // Past the last rename the change stands; what is left is tidying up, and a
            // failure there is a warning: the next run finishes it from the journal.
            let first = &journal.entries[0].path;
            let mut unlinked = 0;
            let tidy = journal
                .clean_up(root, &mut |n| {
                    unlinked = n;
                    faults.point(Phase::Tidy, n, first)
                })
                .and_then(|()| {
                    Journal::remove(root, &mut || {
                        unlinked += 1;
                        faults.point(Phase::Tidy, unlinked, first)
                    })
                });
            Ok(Applied {
                warning: tidy.err().map(|e| {
                    format!(
                        "every file was written, but tidying up failed: {e}; the next integrate command that writes (or `integrate recover`) finishes it"
                    )
                }),
            })
        }
        Err(error) => Err(undo(root, &journal, committed, &faults, error)),
    };
    drop(state_dir);
    drop(critical);
    outcome
}

/// Rolls back after `error`; returns the error to report.
fn undo(root: &Path, journal: &Journal, committed: bool, faults: &Faults, error: Error) -> Error {
    if committed {
        if let Err(e) = Journal::uncommit(root) {
            return Error::Other(format!(
                "{error}\nand the change could not be rolled back ({COMMIT_FILE}: {e}); the next integrate run in this repo completes it from {JOURNAL_FILE}"
            ));
        }
    }
    let rolled = journal.roll_back(root, &mut |n| {
        faults.point(Phase::Undo, n, &journal.entries[0].path)
    });
    match rolled.and_then(|()| Journal::remove(root, &mut || Ok(()))) {
        Ok(()) => error,
        Err(e) => Error::Other(format!(
            "{error}\nand rolling back failed too: {e}; the next integrate run in this repo finishes the rollback from {JOURNAL_FILE}"
        )),
    }
}

/// A checked change: where its bytes really go.
struct Target {
    /// Relative to the root: the planned path with a symlinked file resolved.
    real: String,
    existed: bool,
    permissions: Option<std::fs::Permissions>,
    /// Owner and group of the file replaced (Unix), kept where the process may set them.
    owner: Option<(u32, u32)>,
}

fn run(
    root: &Path,
    plan: &Plan,
    (journal, journal_file): (&Journal, &File),
    targets: &[Target],
    faults: &Faults,
    committed: &mut bool,
) -> Result<()> {
    let first = &journal.entries[0].path;
    faults.point(Phase::Staged, 0, first)?;
    for dir in &journal.dirs {
        std::fs::create_dir(root.join(dir)).map_err(|e| Error::io(dir, e))?;
    }
    let mut staged_files: Vec<(File, PathBuf)> = Vec::with_capacity(journal.entries.len());
    for (index, (entry, target)) in journal.entries.iter().zip(targets).enumerate() {
        let io = |e| Error::io(&entry.path, e);
        if let Some(staged) = &entry.staged {
            let after = plan.changes[index].after.as_deref().unwrap_or_default();
            let path = root.join(staged);
            let file = stage(&path, after, target).map_err(io)?;
            if target.existed {
                staged_files.push((file, path));
            }
        }
        if let Some(backup) = &entry.backup {
            let backup = root.join(backup);
            if let Some(copy) = back_up(&root.join(&entry.target), &backup).map_err(io)? {
                staged_files.push((copy, backup));
            }
        }
        faults.point(Phase::Staged, index + 1, &entry.path)?;
    }
    // The journal, the new content of every file replaced, every backup and every new name
    // go to disk together, before the first file is replaced. (A new file's content is
    // not synced: if a power cut empties it, recovery finds its hash wrong and rolls back.)
    let journal_path = root.join(JOURNAL_FILE);
    let mut items = vec![durable::Item::File(journal_file, &journal_path)];
    items.extend(
        staged_files
            .iter()
            .map(|(file, path)| durable::Item::File(file, path)),
    );
    let mut dirs = journal.parent_dirs(root);
    for dir in journal
        .dirs
        .iter()
        .filter_map(|d| root.join(d).parent().map(Path::to_path_buf))
        .chain(std::iter::once(root.join(STATE_DIR)))
    {
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    items.extend(dirs.into_iter().map(durable::Item::Dir));
    if !faults.no_sync {
        durable::sync_all(&items).map_err(|(path, e)| Error::io(display(root, &path), e))?;
    }
    drop(items);
    drop(staged_files);
    Journal::commit(root).map_err(|e| Error::io(COMMIT_FILE, e))?;
    *committed = true;
    // From here on the change is finished, not undone, when a signal arrives: it is
    // noted, and the command reports the change and exits 0.
    signals::hold_to_exit();
    faults.point(Phase::After, 0, first)?;
    for (index, entry) in journal.entries.iter().enumerate() {
        let target = root.join(&entry.target);
        let done = match &entry.staged {
            Some(staged) => std::fs::rename(root.join(staged), &target),
            None => std::fs::remove_file(&target),
        };
        done.map_err(|e| Error::io(&entry.path, e))?;
        faults.point(Phase::After, index + 1, &entry.path)?;
    }
    // The renames are not synced: journaling filesystems make metadata changes durable in
    // the order they were made, so the journal's removal cannot reach the disk before the
    // renames it covers, and a power cut that loses renames leaves the journal to recover
    // from.
    Ok(())
}

/// Writes the new content to a fresh temp file with the target's permission bits (a new
/// file gets what a plain create gives under the umask).
fn stage(staged: &Path, bytes: &str, target: &Target) -> std::io::Result<File> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(staged)?;
    file.write_all(bytes.as_bytes())?;
    let Some(permissions) = &target.permissions else {
        return Ok(file);
    };
    let meta = file.metadata()?;
    #[cfg(unix)]
    if let Some((uid, gid)) = target.owner {
        use std::os::unix::fs::MetadataExt;
        if (meta.uid(), meta.gid()) != (uid, gid) {
            // Works for root, or for a group the user is in; else the file is the user's,
            // as any editor would leave it. A change of owner may clear mode bits, so the
            // permissions are set again below.
            let _ = std::os::unix::fs::fchown(&file, Some(uid), Some(gid))
                .or_else(|_| std::os::unix::fs::fchown(&file, None, Some(gid)));
            file.set_permissions(permissions.clone())?;
            return Ok(file);
        }
    }
    if meta.permissions() != *permissions {
        file.set_permissions(permissions.clone())?;
    }
    Ok(file)
}

/// A second name for the original: a hard link, or where links are not supported a copy,
/// returned open so it is synced with the staged files.
fn back_up(original: &Path, backup: &Path) -> std::io::Result<Option<File>> {
    match std::fs::hard_link(original, backup) {
        Ok(()) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            std::fs::copy(original, backup)?;
            File::open(backup).map(Some)
        }
    }
}

fn journal_for(root: &Path, plan: &Plan, targets: &[Target]) -> Journal {
    let tag = format!(
        "{TEMP_TAG}{}-{:x}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos() ^ (d.as_secs() as u32))
            .unwrap_or_default()
    );
    let mut dirs: Vec<String> = Vec::new();
    let mut entries = Vec::new();
    for (index, (change, target)) in plan.changes.iter().zip(targets).enumerate() {
        let (parent, _) = split(&target.real);
        let beside = |kind: &str| match parent {
            Some(dir) => format!("{dir}/{tag}-{index}.{kind}"),
            None => format!("{tag}-{index}.{kind}"),
        };
        let deleting = change.action == Action::Delete || change.after.is_none();
        let mut missing = Vec::new();
        let mut dir = parent;
        while let Some(d) = dir {
            if root.join(d).is_dir() {
                break;
            }
            missing.push(d.to_string());
            dir = split(d).0;
        }
        for d in missing.into_iter().rev() {
            if !dirs.contains(&d) {
                dirs.push(d);
            }
        }
        entries.push(Entry {
            path: change.path.clone(),
            target: target.real.clone(),
            staged: (!deleting).then(|| beside("new")),
            backup: target.existed.then(|| beside("orig")),
            hash: change
                .after
                .as_deref()
                .filter(|_| !deleting)
                .map(crate::plan::hash),
            before: change
                .before
                .as_deref()
                .filter(|_| target.existed)
                .map(crate::plan::hash),
        });
    }
    Journal {
        version: crate::journal::VERSION,
        pid: std::process::id(),
        dirs,
        entries,
    }
}

fn split(path: &str) -> (Option<&str>, &str) {
    match path.rsplit_once('/') {
        Some((dir, name)) => (Some(dir), name),
        None => (None, path),
    }
}

/// Every check that can fail, before the first write.
fn check(root: &Path, plan: &Plan) -> Result<Vec<Target>> {
    let canonical_root = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let mut targets: Vec<Target> = Vec::new();
    for change in &plan.changes {
        let path = change.path.as_str();
        if repo::check_relative(path, path)? != path {
            return Err(Error::Invalid {
                path: path.into(),
                message: "is not a plain relative path; kit paths must be relative and stay inside the repo".to_string(),
            });
        }
        repo::check_inside(root, path)?;
        check_writable(root, path)?;
        let full = root.join(path);
        let deleting = change.action == Action::Delete || change.after.is_none();
        let link = std::fs::symlink_metadata(&full)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false);
        let real = if link && !deleting {
            let resolved = std::fs::canonicalize(&full).map_err(|_| Error::Invalid {
                path: path.into(),
                message: "is a symlink to nothing; remove it or point it at a file".to_string(),
            })?;
            let relative = resolved
                .strip_prefix(&canonical_root)
                .map_err(|_| Error::Invalid {
                    path: path.into(),
                    message: "is a symlink that leads outside the repo; integrate will not write through it".to_string(),
                })?;
            let relative = relative.to_string_lossy().replace('\\', "/");
            check_writable(root, &relative)?;
            relative
        } else {
            path.to_string()
        };
        let existed = match std::fs::metadata(&full) {
            Ok(meta) if meta.is_file() => true,
            Ok(_) => {
                return Err(Error::Invalid {
                    path: path.into(),
                    message: "is not a regular file; move it away".to_string(),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !link => false,
            Err(e) => return Err(Error::io(path, e)),
        };
        let on_disk = if existed {
            Some(std::fs::read(&full).map_err(|e| Error::io(path, e))?)
        } else {
            None
        };
        if on_disk.as_deref() != change.before.as_deref().map(str::as_bytes) {
            return Err(Error::Invalid {
                path: path.into(),
                message: "changed on disk while integrate was planning; run again".to_string(),
            });
        }
        if deleting && !existed {
            return Err(Error::Invalid {
                path: path.into(),
                message: "is planned for deletion but does not exist; run again".to_string(),
            });
        }
        if targets.iter().any(|t| t.real == real) {
            return Err(Error::Invalid {
                path: path.into(),
                message: format!(
                    "is the same file as another planned change (`{real}`, through a symlink); remove the symlink or change the path setting"
                ),
            });
        }
        let meta = if existed {
            Some(std::fs::metadata(root.join(&real)).map_err(|e| Error::io(path, e))?)
        } else {
            None
        };
        targets.push(Target {
            real,
            existed,
            permissions: meta.as_ref().map(std::fs::Metadata::permissions),
            owner: meta.as_ref().and_then(owner),
        });
    }
    Ok(targets)
}

#[cfg(unix)]
fn owner(meta: &std::fs::Metadata) -> Option<(u32, u32)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.uid(), meta.gid()))
}

#[cfg(not(unix))]
fn owner(_meta: &std::fs::Metadata) -> Option<(u32, u32)> {
    None
}

/// Fails when `path` cannot be written: a file where a folder is needed, or a read-only
/// file or folder.
fn check_writable(root: &Path, path: &str) -> Result<()> {
    let target = root.join(path);
    let mut ancestor = target.parent();
    while let Some(dir) = ancestor {
        match std::fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => {
                if !writable(dir, &meta) {
                    return Err(Error::Invalid {
                        path: path.into(),
                        message: format!(
                            "folder `{}` is not writable; fix its permissions and run again",
                            display(root, dir)
                        ),
                    });
                }
                break;
            }
            Ok(_) => {
                return Err(Error::Invalid {
                    path: path.into(),
                    message: format!(
                        "`{}` is a file, but a folder is needed there; move it away",
                        display(root, dir)
                    ),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ancestor = dir.parent(),
            Err(e) => return Err(Error::io(path, e)),
        }
    }
    if let Ok(meta) = std::fs::metadata(&target) {
        if meta.is_file() && !writable(&target, &meta) {
            return Err(Error::Invalid {
                path: path.into(),
                message: "is read-only; make it writable and run again".to_string(),
            });
        }
    }
    Ok(())
}

fn display(root: &Path, path: &Path) -> String {
    let shown = path.strip_prefix(root).unwrap_or(path);
    if shown.as_os_str().is_empty() {
        ".".to_string()
    } else {
        shown.display().to_string()
    }
}

/// Whether the permission bits allow writing (even for root, a read-only file or folder is
/// respected) and, on Unix, the process may write there.
fn writable(path: &Path, meta: &std::fs::Metadata) -> bool {
    if meta.permissions().readonly() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
            return false;
        };
        // SAFETY: a valid NUL-terminated path; `access` only reads it.
        unsafe { libc::access(c_path.as_ptr(), libc::W_OK) == 0 }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        true
    }
}

/// `.integrate/`, made for the change if missing and removed afterwards if then empty.
struct StateDir(Option<PathBuf>);

impl StateDir {
    fn ensure(root: &Path) -> Result<Self> {
        let dir = root.join(STATE_DIR);
        match std::fs::create_dir(&dir) {
            Ok(()) => Ok(StateDir(Some(dir))),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => {
                Ok(StateDir(None))
            }
            Err(e) => Err(Error::io(STATE_DIR, e)),
        }
    }
}

impl Drop for StateDir {
    fn drop(&mut self) {
        if let Some(dir) = &self.0 {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Staged,
    After,
    Tidy,
    Undo,
    Locked,
    Recover,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FaultAction {
    Fail,
    Kill,
    Pause,
}

/// The faults `INTEGRATE_FAULT` asks for (see the module docs).
#[derive(Debug, Default)]
struct Faults {
    points: Vec<(FaultAction, Phase, usize)>,
    /// Skip syncing to disk (`nosync`).
    no_sync: bool,
}

impl Faults {
    fn from_env() -> Self {
        let Some(spec) = std::env::var_os("INTEGRATE_FAULT") else {
            return Faults::default();
        };
        let spec = spec.to_string_lossy();
        let no_sync = spec.split(',').any(|item| item.trim() == "nosync");
        let points = spec
            .split(',')
            .filter_map(|item| {
                let (what, at) = item.trim().split_once(':')?;
                let (action, phase) = what.split_once('-')?;
                let action = match action {
                    "fail" => FaultAction::Fail,
                    "kill" => FaultAction::Kill,
                    "pause" => FaultAction::Pause,
                    _ => return None,
                };
                let phase = match phase {
                    "staged" => Phase::Staged,
                    "after" => Phase::After,
                    "tidy" => Phase::Tidy,
                    "undo" => Phase::Undo,
                    "locked" => Phase::Locked,
                    "recover" => Phase::Recover,
                    _ => return None,
                };
                Some((action, phase, at.parse().ok()?))
            })
            .collect();
        Faults { points, no_sync }
    }

    /// A point where a signal is acted on, and a fault may be injected.
    fn point(&self, phase: Phase, count: usize, path: &str) -> Result<()> {
        // Before the commit point a signal rolls the change back; after it, the change is
        // finished and the signal is only noted (see `signals::hold_to_exit`).
        let critical = phase == Phase::Staged;
        if critical && signals::take_interrupt() {
            return Err(Error::Interrupted);
        }
        for (action, _, _) in self.points.iter().filter(|f| f.1 == phase && f.2 == count) {
            match action {
                FaultAction::Fail => {
                    return Err(Error::io(
                        path,
                        std::io::Error::other("injected failure (INTEGRATE_FAULT test hook)"),
                    ))
                }
                FaultAction::Kill => kill_self(),
                FaultAction::Pause => {
                    eprintln!("integrate: test hook: paused at {phase:?} {count}");
                    for _ in 0..3000 {
                        if critical && signals::take_interrupt() {
                            return Err(Error::Interrupted);
                        }
                        if !critical && phase != Phase::Locked && signals::interrupted() {
                            break;
                        }
                        std::thread::sleep(std::time::Duration::from_millis(10));
                    }
                }
            }
        }
        Ok(())
    }
}

/// The test hook's point right after a command took the lock (phase `locked`, N = 0),
/// outside any critical section.
pub fn hook_locked() -> Result<()> {
    Faults::from_env().point(Phase::Locked, 0, crate::lock::LOCK_FILE)
}

/// The test hook's point after the N-th step of a recovery (phase `recover`).
pub fn hook_recover() -> impl FnMut(usize) -> Result<()> {
    let faults = Faults::from_env();
    move |n| faults.point(Phase::Recover, n, JOURNAL_FILE)
}

fn kill_self() -> ! {
    #[cfg(unix)]
    // SAFETY: sending a signal to this very process.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGKILL);
    }
    std::process::abort()
}
