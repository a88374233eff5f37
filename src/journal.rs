//! The journal of a change in progress, `.integrate/journal.json`, and recovery from it.
//!
//! Before the first file of a plan is staged, apply writes the journal: for each change
//! the file written (symlinks resolved), the staged temp file holding its new content, and
//! the backup (a hard link to, or copy of, the original) beside it, plus the folders it
//! creates. Once the journal, every staged file and every backup are synced to disk, apply
//! creates the commit marker `.integrate/journal.commit`, then renames. So after a crash:
//! - journal without marker: the change may have started replacing files, but its marker
//!   did not reach the disk (or it was being rolled back): **roll back** — remove staged
//!   files, put backups back, remove created files and folders;
//! - journal with marker: every new content is on disk: **roll forward** — rename what is
//!   left, remove backups. Each new content is first checked against the sha256 the journal
//!   holds (a new file's data is not synced, so a power cut may leave it empty); if any does
//!   not match, the change is rolled back instead.
//!
//! Both are idempotent, so a crash during recovery is recovered by the next run.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::durable::sync_dir;
use crate::error::{Error, Result};
use crate::repo;

/// The journal, relative to the repo root.
pub const JOURNAL_FILE: &str = ".integrate/journal.json";
/// The commit marker, relative to the repo root.
pub const COMMIT_FILE: &str = ".integrate/journal.commit";
const JOURNAL_TEMP: &str = ".integrate/journal.json.tmp";
/// Every staged file and backup has this in its name.
pub const TEMP_TAG: &str = ".integrate-";

/// A change in progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Journal {
    pub version: u32,
    /// The process that wrote it.
    pub pid: u32,
    /// Folders the change creates, parents first.
    pub dirs: Vec<String>,
    pub entries: Vec<Entry>,
}

/// One file of a change in progress. Paths are relative to the repo root, `/`-separated.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// The path as planned.
    pub path: String,
    /// The file actually replaced: `path` with a symlinked file resolved.
    pub target: String,
    /// The new content, staged beside `target`; `None` when the file is deleted.
    pub staged: Option<String>,
    /// The original, beside `target`; `None` when the file did not exist.
    pub backup: Option<String>,
    /// `sha256:<hex>` of the new content, so recovery can tell a complete staged or renamed
    /// file from one a power loss left empty; `None` when the file is deleted.
    #[serde(default)]
    pub hash: Option<String>,
}

/// What recovery did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovered {
    /// The interrupted change was completed: every file as planned.
    Finished { pid: u32, files: usize },
    /// The interrupted change was undone: every file as it was.
    RolledBack { pid: u32, files: usize },
}

impl Recovered {
    /// A note for the user.
    pub fn message(&self) -> String {
        match self {
            Recovered::Finished { pid, files } => format!(
                "an earlier integrate run (pid {pid}) was interrupted after its new files were safely on disk; finished its change ({files} {} as planned, found in {JOURNAL_FILE})",
                plural(*files)
            ),
            Recovered::RolledBack { pid, files } => format!(
                "an earlier integrate run (pid {pid}) was interrupted before its change was complete; rolled it back ({files} {} as they were, found in {JOURNAL_FILE})",
                plural(*files)
            ),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        "file"
    } else {
        "files"
    }
}

impl Journal {
    /// Writes the journal atomically; returns it open, for the caller to sync with the
    /// files it stages (it must be on disk before the first of them replaces a file).
    pub fn write(&self, root: &Path) -> std::io::Result<std::fs::File> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        let temp = root.join(JOURNAL_TEMP);
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.write_all(b"\n")?;
        std::fs::rename(&temp, root.join(JOURNAL_FILE))?;
        Ok(file)
    }

    /// Reads and validates the journal of the repo at `root`, if there is one.
    pub fn read(root: &Path) -> Result<Option<Journal>> {
        let path = root.join(JOURNAL_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(JOURNAL_FILE, e)),
        };
        let journal: Journal = serde_json::from_str(&text).map_err(|e| Error::Parse {
            path: JOURNAL_FILE.into(),
            line: e.line(),
            column: e.column(),
            message: format!(
                "{e}; this journal of an interrupted change is damaged: check the files it names, then delete it"
            ),
        })?;
        journal.validate(root)?;
        Ok(Some(journal))
    }

    fn validate(&self, root: &Path) -> Result<()> {
        let bad = |what: &str, path: &str| {
            Error::Invalid {
            path: JOURNAL_FILE.into(),
            message: format!(
                "{what} `{path}` is not a file integrate writes; this journal was not written by integrate: check the files it names, then delete it"
            ),
        }
        };
        if self.version != 1 {
            return Err(Error::Invalid {
                path: JOURNAL_FILE.into(),
                message: format!(
                    "version {} is unknown to this integrate; finish with the integrate that wrote it, or delete it",
                    self.version
                ),
            });
        }
        let inside = |path: &str| -> Result<()> {
            let clean = repo::check_relative(path, JOURNAL_FILE)?;
            if clean != path {
                return Err(bad("path", path));
            }
            repo::check_inside(root, path)
        };
        for dir in &self.dirs {
            inside(dir)?;
        }
        for entry in &self.entries {
            inside(&entry.path)?;
            inside(&entry.target)?;
            for temp in entry.staged.iter().chain(&entry.backup) {
                inside(temp)?;
                let name = temp.rsplit('/').next().unwrap_or(temp);
                let dir = |p: &str| p.rsplit_once('/').map(|(d, _)| d.to_string());
                if !name.starts_with(TEMP_TAG) || dir(temp) != dir(&entry.target) {
                    return Err(bad("temp file", temp));
                }
            }
            if entry.staged.is_none() && entry.backup.is_none() {
                return Err(bad("entry", &entry.path));
            }
        }
        Ok(())
    }

    /// Marks every new content as safely on disk: from now on recovery rolls forward. The
    /// marker itself need not reach the disk before the renames: without it, recovery
    /// rolls back, which the synced backups always allow.
    pub fn commit(root: &Path) -> std::io::Result<()> {
        std::fs::File::create(root.join(COMMIT_FILE)).map(drop)
    }

    /// Takes the commit marker back before an in-process rollback of a committed change.
    pub fn uncommit(root: &Path) -> std::io::Result<()> {
        remove_if_exists(&root.join(COMMIT_FILE))?;
        sync_dir(&root.join(crate::lock::STATE_DIR))
    }

    /// Whether the commit marker exists.
    pub fn committed(root: &Path) -> bool {
        std::fs::symlink_metadata(root.join(COMMIT_FILE)).is_ok()
    }

    /// Removes the journal, then the marker: the change is over.
    pub fn remove(root: &Path) -> std::io::Result<()> {
        remove_if_exists(&root.join(JOURNAL_FILE))?;
        remove_if_exists(&root.join(COMMIT_FILE))?;
        remove_if_exists(&root.join(JOURNAL_TEMP))
    }

    /// Puts every file back as it was. `hook` runs after each entry (the test hook uses it).
    /// Keeps going after an error and returns the first.
    pub fn roll_back(&self, root: &Path, hook: &mut dyn FnMut(usize) -> Result<()>) -> Result<()> {
        let mut first: Option<Error> = None;
        let mut keep = |result: Result<()>| {
            if let Err(e) = result {
                first.get_or_insert(e);
            }
        };
        for (done, entry) in self.entries.iter().rev().enumerate() {
            let target = root.join(&entry.target);
            let io = |r: std::io::Result<()>| r.map_err(|e| Error::io(&entry.path, e));
            if let Some(staged) = &entry.staged {
                keep(io(remove_if_exists(&root.join(staged))));
            }
            match &entry.backup {
                Some(backup) => {
                    let backup = root.join(backup);
                    if std::fs::symlink_metadata(&backup).is_ok() {
                        if same_file(&backup, &target) {
                            keep(io(std::fs::remove_file(&backup)));
                        } else {
                            keep(io(std::fs::rename(&backup, &target)));
                        }
                    }
                }
                None => keep(io(remove_if_exists(&target))),
            }
            keep(hook(done + 1));
        }
        for dir in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(root.join(dir));
        }
        // The restored names must be on disk before the journal goes. (A folder removed
        // above cannot be opened; its parent is synced instead.)
        let mut synced = Vec::new();
        for dir in self.parent_dirs(root) {
            let existing = dir.ancestors().find(|d| d.is_dir()).map(Path::to_path_buf);
            if let Some(dir) = existing.filter(|d| !synced.contains(d)) {
                let _ = sync_dir(&dir);
                synced.push(dir);
            }
        }
        first.map_or(Ok(()), Err)
    }

    /// Whether every new content is there, complete, to be renamed into place (or already
    /// is in place).
    pub fn can_roll_forward(&self, root: &Path) -> bool {
        let holds = |path: &Path, hash: &str| {
            std::fs::read(path).is_ok_and(|bytes| crate::plan::hash_bytes(&bytes) == hash)
        };
        self.entries.iter().all(|entry| {
            let target = root.join(&entry.target);
            match (&entry.staged, &entry.hash) {
                (Some(staged), Some(hash)) => {
                    let staged = root.join(staged);
                    if std::fs::symlink_metadata(&staged).is_ok() {
                        holds(&staged, hash)
                    } else {
                        holds(&target, hash)
                    }
                }
                (Some(staged), None) => {
                    std::fs::symlink_metadata(root.join(staged)).is_ok()
                        || std::fs::symlink_metadata(&target).is_ok()
                }
                (None, _) => true,
            }
        })
    }

    /// Renames every staged file still waiting, removes deleted files, syncs the folders.
    pub fn roll_forward(&self, root: &Path) -> Result<()> {
        for entry in &self.entries {
            let target = root.join(&entry.target);
            match &entry.staged {
                Some(staged) => {
                    let staged = root.join(staged);
                    if std::fs::symlink_metadata(&staged).is_ok() {
                        std::fs::rename(&staged, &target).map_err(|e| Error::io(&entry.path, e))?;
                    }
                }
                None => remove_if_exists(&target).map_err(|e| Error::io(&entry.path, e))?,
            }
        }
        for dir in self.parent_dirs(root) {
            sync_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        Ok(())
    }

    /// After the last rename: removes backups and the folders deletions left empty.
    pub fn clean_up(&self, root: &Path) -> Result<()> {
        for entry in &self.entries {
            if let Some(backup) = &entry.backup {
                remove_if_exists(&root.join(backup)).map_err(|e| Error::io(backup, e))?;
            }
        }
        for entry in self.entries.iter().filter(|e| e.staged.is_none()) {
            remove_empty_parents(root, &root.join(&entry.target));
        }
        Ok(())
    }

    /// The distinct folders holding the files of this change.
    pub fn parent_dirs(&self, root: &Path) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        for entry in &self.entries {
            let dir = root
                .join(&entry.target)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| root.to_path_buf());
            if !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
        dirs
    }
}

/// Finishes or rolls back the change an interrupted run left in the repo at `root`, if
/// any. The caller holds the lock.
pub fn recover(root: &Path) -> Result<Option<Recovered>> {
    let Some(journal) = Journal::read(root)? else {
        // A marker or temp journal without a journal is left from the very end or the very
        // start of a change: nothing to undo.
        let _ = Journal::remove(root);
        return Ok(None);
    };
    let _critical = crate::signals::Critical::enter();
    let files = journal.entries.len();
    let outcome = if Journal::committed(root) && journal.can_roll_forward(root) {
        journal.roll_forward(root).map_err(recovery_error)?;
        journal.clean_up(root).map_err(recovery_error)?;
        Recovered::Finished {
            pid: journal.pid,
            files,
        }
    } else {
        Journal::uncommit(root).map_err(|e| recovery_error(Error::io(COMMIT_FILE, e)))?;
        journal
            .roll_back(root, &mut |_| Ok(()))
            .map_err(recovery_error)?;
        Recovered::RolledBack {
            pid: journal.pid,
            files,
        }
    };
    Journal::remove(root).map_err(|e| Error::io(JOURNAL_FILE, e))?;
    Ok(Some(outcome))
}

fn recovery_error(source: Error) -> Error {
    Error::Other(format!(
        "{source}\nwhile recovering the interrupted change recorded in {JOURNAL_FILE}; fix the cause and run integrate again to finish recovering"
    ))
}

/// Removes `path` if it exists.
pub fn remove_if_exists(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Removes the empty folders above `file`, up to (not including) `root`.
pub fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Whether two paths name the same file (hard links of one inode).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::symlink_metadata(a), std::fs::symlink_metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}
