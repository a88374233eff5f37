//! Applying a plan: the only code that writes to the repo. All or nothing.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::plan::{Action, Plan};

/// Writes every change of `plan` under `root`. Each new content is staged in a temp file
/// beside its target, then renamed over it; if any step fails, every file already replaced
/// gets its original bytes back, files created are removed, and so are folders made.
pub fn apply(root: &Path, plan: &Plan) -> Result<()> {
    let mut done = Done::default();
    match apply_all(root, plan, &mut done) {
        Ok(()) => Ok(()),
        Err(e) => {
            done.roll_back(root, plan);
            Err(e)
        }
    }
}

#[derive(Default)]
struct Done {
    dirs: Vec<PathBuf>,
    changed: Vec<usize>,
}

impl Done {
    fn roll_back(&self, root: &Path, plan: &Plan) {
        for index in self.changed.iter().rev() {
            let change = &plan.changes[*index];
            let target = root.join(&change.path);
            match &change.before {
                Some(before) => {
                    let _ = write_atomic(&target, before.as_bytes());
                }
                None => {
                    let _ = std::fs::remove_file(&target);
                }
            }
        }
        for dir in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

fn apply_all(root: &Path, plan: &Plan, done: &mut Done) -> Result<()> {
    for change in &plan.changes {
        check_writable(root, &change.path)?;
    }
    for (index, change) in plan.changes.iter().enumerate() {
        let target = root.join(&change.path);
        match (&change.action, &change.after) {
            (Action::Delete, _) | (_, None) => {
                fs_err::remove_file(&target).map_err(|e| Error::io(&change.path, e))?;
                done.changed.push(index);
                remove_empty_parents(root, &target);
            }
            (_, Some(after)) => {
                if let Some(parent) = target.parent() {
                    create_dirs(parent, done).map_err(|e| Error::io(&change.path, e))?;
                }
                write_atomic(&target, after.as_bytes()).map_err(|e| Error::io(&change.path, e))?;
                done.changed.push(index);
            }
        }
    }
    Ok(())
}

/// Fails before the first write when `path` cannot be written: a file where a folder is
/// needed, or a read-only file or folder.
fn check_writable(root: &Path, path: &str) -> Result<()> {
    let target = root.join(path);
    let mut ancestor = target.parent();
    while let Some(dir) = ancestor {
        match std::fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => {
                if meta.permissions().readonly() {
                    return Err(Error::Invalid {
                        path: path.into(),
                        message: format!(
                            "folder `{}` is not writable; fix its permissions and run again",
                            dir.strip_prefix(root).unwrap_or(dir).display()
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
                        dir.strip_prefix(root).unwrap_or(dir).display()
                    ),
                })
            }
            Err(_) => ancestor = dir.parent(),
        }
    }
    if let Ok(meta) = std::fs::metadata(&target) {
        if meta.permissions().readonly() {
            return Err(Error::Invalid {
                path: path.into(),
                message: "is read-only; make it writable and run again".to_string(),
            });
        }
    }
    Ok(())
}

fn create_dirs(dir: &Path, done: &mut Done) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dirs(parent, done)?;
    }
    fs_err::create_dir(dir)?;
    done.dirs.push(dir.to_path_buf());
    Ok(())
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Writes `bytes` to `target` through a temp file in the same folder and a rename, keeping
/// the permission bits of the file it replaces. A symlink target is followed, so the link
/// itself stays a link.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target = match std::fs::symlink_metadata(target) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(target)?,
        _ => target.to_path_buf(),
    };
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".integrate-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.flush()?;
    if let Ok(meta) = std::fs::metadata(&target) {
        std::fs::set_permissions(temp.path(), meta.permissions())?;
    } else {
        set_default_permissions(temp.path())?;
    }
    temp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
fn set_default_permissions(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // tempfile creates 0600; a new file gets what a plain create would give under umask 022.
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_default_permissions(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
