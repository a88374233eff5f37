//! The journal of a change in progress, `.integrate/journal.json`, and recovery from it.
//!
//! Before the first file of a plan is staged, apply writes the journal: for each change
//! the file written (symlinks resolved), the staged temp file holding its new content, and
//! the backup (a hard link to, or copy of, the original) beside it, with the sha256 of the
//! new content and of the original, plus the folders it creates. Once the journal, every
//! staged file and every backup are synced to disk, apply creates the commit marker
//! `.integrate/journal.commit`, then renames. So after a crash:
//! - journal with marker: every new content is on disk: **roll forward** — rename what is
//!   left, remove deleted files and backups;
//! - journal without marker (the change may have started replacing files, but its marker
//!   did not reach the disk, or it was being rolled back), or a new content that does not
//!   hash to what the journal says (a new file's data is not synced, so a power cut may
//!   leave it empty): **roll back** — remove staged files, put backups back, remove
//!   created files and folders.
//!
//! **Only provably its own.** A journal can come from anywhere (a clone of a repo with a
//! committed `.integrate/journal.json`), so recovery first looks at every file the journal
//! names and decides, without writing, what it would do ([`decide`], pure). It deletes or
//! replaces a file only when the file's bytes hash to what the journal says was written
//! there or backed up from there; the one exception is an *empty* file where the journal
//! says integrate created one (a staged file, or a file the change created), which is what
//! a power cut leaves of a file whose data never reached the disk, and holds nothing to
//! lose. A journal that is malformed, names paths outside the repo or into `.git`, or
//! whose files do not match is refused as a whole, before anything is touched.
//!
//! Every step of both directions is idempotent (a rename whose source is gone, a removal
//! of what is gone, are done already), and the decision accepts every state a partial
//! recovery leaves, so a crash during recovery is recovered by the next run.

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
/// The journal format this integrate writes and reads.
pub const VERSION: u32 = 2;

/// A change in progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Journal {
    /// The format, [`VERSION`].
    pub version: u32,
    /// The process that wrote it.
    pub pid: u32,
    /// Folders the change creates, parents first.
    pub dirs: Vec<String>,
    /// One entry per file changed.
    pub entries: Vec<Entry>,
}

/// One file of a change in progress. Paths are relative to the repo root, `/`-separated.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The path as planned.
    pub path: String,
    /// The file actually replaced: `path` with a symlinked file resolved.
    pub target: String,
    /// The new content, staged beside `target`; `None` when the file is deleted.
    pub staged: Option<String>,
    /// The original, beside `target`; `None` when the file did not exist.
    pub backup: Option<String>,
    /// `sha256:<hex>` of the new content (present exactly when `staged` is).
    pub hash: Option<String>,
    /// `sha256:<hex>` of the original content (present exactly when `backup` is).
    pub before: Option<String>,
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

/// What to do with a journal nobody can vouch for.
const CHECK_THEN_DELETE: &str = "integrate changed nothing: check the files it names and put them as you want them, then delete it (and .integrate/journal.commit, if there)";

fn refused(why: String) -> Error {
    Error::Invalid {
        path: JOURNAL_FILE.into(),
        message: format!("{why}; {CHECK_THEN_DELETE}"),
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

    /// Whether a journal is pending in the repo at `root` (looks, reads nothing).
    pub fn pending(root: &Path) -> bool {
        std::fs::symlink_metadata(root.join(JOURNAL_FILE)).is_ok()
    }

    /// Reads and validates the journal of the repo at `root`, if there is one.
    pub fn read(root: &Path) -> Result<Option<Journal>> {
        let read = repo::check_inside(root, JOURNAL_FILE)
            .and_then(|()| repo::read_regular(&root.join(JOURNAL_FILE), Path::new(JOURNAL_FILE)));
        let Some(bytes) =
            read.map_err(|e| refused(format!("cannot be read as integrate's journal ({e})")))?
        else {
            return Ok(None);
        };
        let text = String::from_utf8_lossy(&bytes);
        let journal: Journal = serde_json::from_str(&text).map_err(|e| Error::Parse {
            path: JOURNAL_FILE.into(),
            line: e.line(),
            column: e.column(),
            message: format!(
                "{e}; this journal of an interrupted change is damaged or not integrate's: {CHECK_THEN_DELETE}"
            ),
        })?;
        journal.validate(root)?;
        Ok(Some(journal))
    }

    /// Checks the shape of the journal and every path it names (inside the repo, out of
    /// `.git`, also through symlinks), before any of them is looked at.
    fn validate(&self, root: &Path) -> Result<()> {
        let bad = |what: &str, path: &str| {
            refused(format!(
                "{what} `{path}` is not one integrate writes, so this journal is not integrate's own"
            ))
        };
        if self.version != VERSION {
            return Err(refused(format!(
                "format version {} is not the one this integrate writes ({VERSION}); if an older integrate wrote it, finish with that integrate",
                self.version
            )));
        }
        if self.entries.is_empty() {
            return Err(bad("a journal without entries", "[]"));
        }
        let inside = |path: &str| -> Result<()> {
            repo::check_path(root, path).map_err(|e| {
                refused(format!(
                    "names `{path}`, which integrate never touches ({e})"
                ))
            })
        };
        let parent = |p: &str| p.rsplit_once('/').map(|(d, _)| d.to_string());
        for entry in &self.entries {
            inside(&entry.path)?;
            inside(&entry.target)?;
            for temp in entry.staged.iter().chain(&entry.backup) {
                inside(temp)?;
                let name = temp.rsplit('/').next().unwrap_or(temp);
                if !name.starts_with(TEMP_TAG) || parent(temp) != parent(&entry.target) {
                    return Err(bad("temp file", temp));
                }
            }
            let hash_ok = |h: &Option<String>| {
                h.as_deref().is_some_and(|h| {
                    h.strip_prefix("sha256:").is_some_and(|hex| {
                        hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())
                    })
                })
            };
            if entry.staged.is_some() != hash_ok(&entry.hash)
                || entry.backup.is_some() != hash_ok(&entry.before)
                || (entry.staged.is_none() && entry.backup.is_none())
            {
                return Err(bad("entry", &entry.path));
            }
        }
        for dir in &self.dirs {
            inside(dir)?;
            let holds_a_target = self
                .entries
                .iter()
                .any(|e| e.target.starts_with(&format!("{dir}/")));
            if !holds_a_target {
                return Err(bad("folder", dir));
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

    /// Takes the commit marker back before a rollback of a committed change.
    pub fn uncommit(root: &Path) -> std::io::Result<()> {
        if std::fs::symlink_metadata(root.join(COMMIT_FILE)).is_err() {
            return Ok(());
        }
        remove_if_exists(&root.join(COMMIT_FILE))?;
        sync_dir(&root.join(crate::lock::STATE_DIR))
    }

    /// Whether the commit marker exists.
    pub fn committed(root: &Path) -> bool {
        std::fs::symlink_metadata(root.join(COMMIT_FILE)).is_ok()
    }

    /// Removes the journal, then the marker: the change is over. `hook` runs after each
    /// removal (the test hook uses it).
    pub fn remove(root: &Path, hook: &mut dyn FnMut() -> Result<()>) -> Result<()> {
        for file in [JOURNAL_FILE, COMMIT_FILE, JOURNAL_TEMP] {
            remove_if_exists(&root.join(file)).map_err(|e| Error::io(file, e))?;
            hook()?;
        }
        Ok(())
    }

    /// Puts every file back as it was, trusting the journal: for the run that wrote it,
    /// in its own process. `hook` runs after each entry (the test hook uses it). Keeps
    /// going after an error and returns the first.
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
                            keep(io(remove_if_exists(&backup)));
                        } else {
                            keep(io(rename_if_exists(&backup, &target)));
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
        self.sync_parents(root);
        first.map_or(Ok(()), Err)
    }

    /// Syncs the folders holding the files of this change (the nearest existing folder
    /// for one a rollback or clean-up removed), so restored names are on disk before the
    /// journal goes. Best effort.
    fn sync_parents(&self, root: &Path) {
        let mut synced = Vec::new();
        for dir in self.parent_dirs(root) {
            let existing = dir
                .ancestors()
                .find(|d| d.is_dir() && d.starts_with(root))
                .map(Path::to_path_buf);
            if let Some(dir) = existing.filter(|d| !synced.contains(d)) {
                let _ = sync_dir(&dir);
                synced.push(dir);
            }
        }
    }

    /// After the last rename: removes backups and the folders deletions left empty.
    /// `hook` runs after each backup removed (the test hook uses it).
    pub fn clean_up(&self, root: &Path, hook: &mut dyn FnMut(usize) -> Result<()>) -> Result<()> {
        let mut removed = 0;
        for entry in &self.entries {
            if let Some(backup) = &entry.backup {
                remove_if_exists(&root.join(backup)).map_err(|e| Error::io(backup, e))?;
                removed += 1;
                hook(removed)?;
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

/// What a file named by the journal holds now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// Nothing at that path.
    Absent,
    /// A regular file: the sha256 of its bytes, whether it is empty, and its identity
    /// (device and inode, where known), to tell a backup that is a hard link of its target.
    File {
        hash: String,
        empty: bool,
        id: Option<(u64, u64)>,
    },
    /// Something integrate would not touch: a folder, a pipe, a device, a file too large
    /// to read, or a link leading out of the repo.
    Other,
}

impl Seen {
    fn holds(&self, hash: Option<&str>) -> bool {
        matches!((self, hash), (Seen::File { hash: h, .. }, Some(want)) if h == want)
    }

    fn is_empty_file(&self) -> bool {
        matches!(self, Seen::File { empty: true, .. })
    }

    fn same_as(&self, other: &Seen) -> bool {
        match (self, other) {
            (Seen::File { id: Some(a), .. }, Seen::File { id: Some(b), .. }) => a == b,
            _ => false,
        }
    }
}

/// One step of recovery. Each is idempotent: done already when its source is gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Rename `from` over `to` (relative paths), if `from` exists.
    Rename { from: String, to: String },
    /// Remove the file, if it exists.
    Remove(String),
}

/// Which way recovery goes, and its steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// `true`: finish the change; `false`: roll it back.
    pub forward: bool,
    pub steps: Vec<Step>,
}

/// Decides, from what every file the journal names holds now (`seen`, by relative path;
/// a path missing from it counts as [`Seen::Absent`]), how to finish or roll back the
/// change: forward when `committed` and every new content is complete, else back. Every
/// step that deletes or replaces a file is proven (see the module docs); `Err` says which
/// file could not be, and nothing may be done.
pub fn decide(
    journal: &Journal,
    committed: bool,
    seen: &dyn Fn(&str) -> Seen,
) -> std::result::Result<Decision, String> {
    let forward = if committed {
        forward_steps(journal, seen)
    } else {
        Err(String::new())
    };
    match forward {
        Ok(steps) => Ok(Decision {
            forward: true,
            steps,
        }),
        Err(why_not_forward) => match back_steps(journal, seen) {
            Ok(steps) => Ok(Decision {
                forward: false,
                steps,
            }),
            Err(why) if committed && !why_not_forward.is_empty() => Err(format!(
                "{why_not_forward}, and it cannot be rolled back either: {why}"
            )),
            Err(why) => Err(why),
        },
    }
}

fn unproven(path: &str, what: &str) -> String {
    format!("`{path}` {what}")
}

const NOT_WRITTEN: &str =
    "does not hold what integrate wrote or backed up there (it changed since, or this journal is not integrate's own)";

fn forward_steps(
    journal: &Journal,
    seen: &dyn Fn(&str) -> Seen,
) -> std::result::Result<Vec<Step>, String> {
    let mut renames = Vec::new();
    let mut cleanup = Vec::new();
    for entry in &journal.entries {
        let target = seen(&entry.target);
        match &entry.staged {
            Some(staged) => {
                let staged_seen = seen(staged);
                if staged_seen == Seen::Absent {
                    if !target.holds(entry.hash.as_deref()) {
                        return Err(unproven(&entry.target, "does not hold its new content"));
                    }
                } else if !staged_seen.holds(entry.hash.as_deref()) {
                    return Err(unproven(staged, "does not hold the complete new content"));
                } else {
                    let replaceable = match &entry.before {
                        Some(before) => target.holds(Some(before)),
                        None => target == Seen::Absent,
                    };
                    if !replaceable {
                        return Err(unproven(&entry.target, NOT_WRITTEN));
                    }
                    renames.push(Step::Rename {
                        from: staged.clone(),
                        to: entry.target.clone(),
                    });
                }
            }
            None => match target {
                Seen::Absent => {}
                _ if target.holds(entry.before.as_deref()) => {
                    renames.push(Step::Remove(entry.target.clone()))
                }
                _ => return Err(unproven(&entry.target, NOT_WRITTEN)),
            },
        }
        if let Some(backup) = &entry.backup {
            match seen(backup) {
                Seen::Absent => {}
                b if b.holds(entry.before.as_deref()) => cleanup.push(Step::Remove(backup.clone())),
                _ => return Err(unproven(backup, NOT_WRITTEN)),
            }
        }
    }
    renames.extend(cleanup);
    Ok(renames)
}

fn back_steps(
    journal: &Journal,
    seen: &dyn Fn(&str) -> Seen,
) -> std::result::Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    for entry in journal.entries.iter().rev() {
        let target = seen(&entry.target);
        let new = entry.hash.as_deref();
        if let Some(staged) = &entry.staged {
            match seen(staged) {
                Seen::Absent => {}
                s if s.holds(new) || s.is_empty_file() => steps.push(Step::Remove(staged.clone())),
                _ => return Err(unproven(staged, NOT_WRITTEN)),
            }
        }
        match (&entry.backup, entry.before.as_deref()) {
            (Some(backup), before) => match seen(backup) {
                Seen::Absent if target.holds(before) => {}
                Seen::Absent => {
                    return Err(unproven(
                        &entry.target,
                        "does not hold its original content, and its backup is gone",
                    ))
                }
                b if b.holds(before) => {
                    if target.holds(before) || b.same_as(&target) {
                        steps.push(Step::Remove(backup.clone()));
                    } else if target == Seen::Absent || target.holds(new) {
                        steps.push(Step::Rename {
                            from: backup.clone(),
                            to: entry.target.clone(),
                        });
                    } else {
                        return Err(unproven(&entry.target, NOT_WRITTEN));
                    }
                }
                _ => return Err(unproven(backup, NOT_WRITTEN)),
            },
            (None, _) => match target {
                Seen::Absent => {}
                t if t.holds(new) || t.is_empty_file() => {
                    steps.push(Step::Remove(entry.target.clone()))
                }
                _ => return Err(unproven(&entry.target, NOT_WRITTEN)),
            },
        }
    }
    Ok(steps)
}

/// What `root/relative` holds now (see [`Seen`]). Reads only a regular file inside the
/// repo, out of `.git`.
fn look(root: &Path, relative: &str) -> Result<Seen> {
    match std::fs::symlink_metadata(root.join(relative)) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Seen::Absent),
        Err(e) => return Err(Error::io(relative, e)),
        Ok(meta) if !meta.is_file() => return Ok(Seen::Other),
        Ok(_) => {}
    }
    let bytes = match repo::read_file(root, relative) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Ok(Seen::Absent),
        Err(Error::Io { path, source }) => return Err(Error::Io { path, source }),
        Err(_) => return Ok(Seen::Other),
    };
    Ok(Seen::File {
        hash: crate::plan::hash_bytes(&bytes),
        empty: bytes.is_empty(),
        id: file_id(&root.join(relative)),
    })
}

/// Finishes or rolls back the change an interrupted run left in the repo at `root`, if
/// any, once it is proven this tool's own (see the module docs). The caller holds the
/// lock. `hook` runs after each step (the test hook uses it).
pub fn recover(
    root: &Path,
    hook: &mut dyn FnMut(usize) -> Result<()>,
) -> Result<Option<Recovered>> {
    let Some(journal) = Journal::read(root)? else {
        // A marker or temp journal without a journal is left from the very end or the very
        // start of a change: nothing to undo.
        Journal::remove(root, &mut || Ok(()))?;
        return Ok(None);
    };
    let mut seen = std::collections::HashMap::new();
    for entry in &journal.entries {
        for path in [
            Some(&entry.target),
            entry.staged.as_ref(),
            entry.backup.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            seen.insert(path.clone(), look(root, path).map_err(recovery_error)?);
        }
    }
    let committed = Journal::committed(root);
    let decision = decide(&journal, committed, &|path| {
        seen.get(path).cloned().unwrap_or(Seen::Absent)
    })
    .map_err(|why| refused(format!("records an interrupted change, but {why}")))?;
    let _critical = crate::signals::Critical::enter();
    if !decision.forward {
        Journal::uncommit(root).map_err(|e| recovery_error(Error::io(COMMIT_FILE, e)))?;
    }
    for (index, step) in decision.steps.iter().enumerate() {
        let done = match step {
            Step::Rename { from, to } => {
                rename_if_exists(&root.join(from), &root.join(to)).map_err(|e| Error::io(to, e))
            }
            Step::Remove(path) => {
                remove_if_exists(&root.join(path)).map_err(|e| Error::io(path, e))
            }
        };
        done.map_err(recovery_error)?;
        hook(index + 1)?;
    }
    if decision.forward {
        for entry in journal.entries.iter().filter(|e| e.staged.is_none()) {
            remove_empty_parents(root, &root.join(&entry.target));
        }
    } else {
        for dir in journal.dirs.iter().rev() {
            let _ = std::fs::remove_dir(root.join(dir));
        }
    }
    journal.sync_parents(root);
    Journal::remove(root, &mut || Ok(())).map_err(recovery_error)?;
    let files = journal.entries.len();
    let pid = journal.pid;
    Ok(Some(if decision.forward {
        Recovered::Finished { pid, files }
    } else {
        Recovered::RolledBack { pid, files }
    }))
}

fn recovery_error(source: Error) -> Error {
    Error::Other(format!(
        "{source}\nwhile recovering the interrupted change recorded in {JOURNAL_FILE}; fix the cause and run `integrate recover` to finish recovering"
    ))
}

/// Removes `path` if it exists.
pub fn remove_if_exists(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Renames `from` over `to` if `from` exists (a rename already done is done).
fn rename_if_exists(from: &Path, to: &Path) -> std::io::Result<()> {
    match std::fs::rename(from, to) {
        Err(e)
            if e.kind() == std::io::ErrorKind::NotFound
                && std::fs::symlink_metadata(from).is_err() =>
        {
            Ok(())
        }
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

/// Device and inode of a file (Unix).
fn file_id(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(path)
            .ok()
            .map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Whether two paths name the same file (hard links of one inode).
fn same_file(a: &Path, b: &Path) -> bool {
    matches!((file_id(a), file_id(b)), (Some(a), Some(b)) if a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(text: &str) -> String {
        crate::plan::hash(text)
    }

    fn file(text: &str, id: u64) -> Seen {
        Seen::File {
            hash: h(text),
            empty: text.is_empty(),
            id: Some((1, id)),
        }
    }

    /// One edited file (`a`: "old" → "new") and one created file (`b`: → "b").
    fn journal() -> Journal {
        Journal {
            version: VERSION,
            pid: 7,
            dirs: vec![],
            entries: vec![
                Entry {
                    path: "a".into(),
                    target: "a".into(),
                    staged: Some(".integrate-7-0.new".into()),
                    backup: Some(".integrate-7-0.orig".into()),
                    hash: Some(h("new")),
                    before: Some(h("old")),
                },
                Entry {
                    path: "b".into(),
                    target: "b".into(),
                    staged: Some(".integrate-7-1.new".into()),
                    backup: None,
                    hash: Some(h("b")),
                    before: None,
                },
            ],
        }
    }

    fn world<'a>(files: &'a [(&'a str, Seen)]) -> impl Fn(&str) -> Seen + 'a {
        move |path| {
            files
                .iter()
                .find(|(p, _)| *p == path)
                .map_or(Seen::Absent, |(_, s)| s.clone())
        }
    }

    #[test]
    fn committed_and_complete_rolls_forward_at_every_point() {
        let j = journal();
        // Before any rename: both staged, backup linked to the original.
        let start = [
            ("a", file("old", 1)),
            (".integrate-7-0.orig", file("old", 1)),
            (".integrate-7-0.new", file("new", 2)),
            (".integrate-7-1.new", file("b", 3)),
        ];
        let d = decide(&j, true, &world(&start)).unwrap();
        assert!(d.forward);
        assert_eq!(d.steps.len(), 3);
        // After every rename and half the clean-up: only the backup removal is left.
        let late = [("a", file("new", 2)), ("b", file("b", 3))];
        let d = decide(&j, true, &world(&late)).unwrap();
        assert!(d.forward);
        assert!(d.steps.is_empty());
    }

    #[test]
    fn uncommitted_or_incomplete_rolls_back_and_empty_created_files_may_go() {
        let j = journal();
        let renamed = [
            ("a", file("new", 2)),
            (".integrate-7-0.orig", file("old", 1)),
            ("b", file("", 3)),
        ];
        // The created file lost its data in a power cut: forward is impossible.
        let d = decide(&j, true, &world(&renamed)).unwrap();
        assert!(!d.forward);
        assert_eq!(
            d.steps,
            [
                Step::Remove("b".into()),
                Step::Rename {
                    from: ".integrate-7-0.orig".into(),
                    to: "a".into()
                }
            ]
        );
        // Half rolled back already: the rest.
        let half = [("a", file("old", 1))];
        let d = decide(&j, false, &world(&half)).unwrap();
        assert!(!d.forward && d.steps.is_empty());
    }

    #[test]
    fn files_that_do_not_match_are_never_touched() {
        let j = journal();
        // `a` was never written by this journal: another content, no backup.
        let foreign = [("a", file("user's", 1)), ("b", file("user's b", 3))];
        let why = decide(&j, false, &world(&foreign)).unwrap_err();
        assert!(why.contains("`a`") || why.contains("`b`"), "{why}");
        let why = decide(&j, true, &world(&foreign)).unwrap_err();
        assert!(why.contains("cannot be rolled back either"), "{why}");
        // A created file with other content than written: kept.
        let edited = [("a", file("old", 1)), ("b", file("edited", 3))];
        assert!(decide(&j, false, &world(&edited)).is_err());
        // A backup that is not the original: kept.
        let swapped = [
            ("a", file("new", 2)),
            (".integrate-7-0.orig", file("other", 4)),
        ];
        assert!(decide(&j, false, &world(&swapped)).is_err());
    }
}
