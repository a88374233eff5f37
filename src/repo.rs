//! Finding the repo root and keeping every path inside it, out of `.git`, and every read
//! bounded.
//!
//! Every path integrate reads, writes or deletes goes through [`check_path`]: it is a plain
//! relative path, no component of it names git's folder (in any case, since filesystems
//! may ignore case), and no symlink on the way leads outside the repo or into a `.git`
//! folder. Reads go through [`read_file`], which never opens anything but a regular file
//! (so a FIFO cannot block a run) and refuses files over [`MAX_FILE_BYTES`].

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// Name of the record file at the repo root.
pub const RECORD_FILE: &str = "integrate.toml";

/// The largest file integrate reads, and the largest it renders: 8 MiB.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The nearest folder at or above `start` holding `integrate.toml`.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    let start = absolute(start)?;
    start
        .ancestors()
        .find(|dir| dir.join(RECORD_FILE).is_file())
        .map(Path::to_path_buf)
        .ok_or(Error::NoRecord { dir: start })
}

/// For `init`: the nearest folder holding `integrate.toml` or `.git`, else `start` itself.
pub fn find_init_root(start: &Path) -> Result<PathBuf> {
    let start = absolute(start)?;
    Ok(start
        .ancestors()
        .find(|dir| dir.join(RECORD_FILE).is_file() || dir.join(".git").exists())
        .unwrap_or(&start)
        .to_path_buf())
}

fn absolute(dir: &Path) -> Result<PathBuf> {
    let meta = fs_err::metadata(dir).map_err(|e| {
        Error::Usage(format!(
            "cannot use `{}` as the working folder: {e}",
            dir.display()
        ))
    })?;
    if !meta.is_dir() {
        return Err(Error::Usage(format!("`{}` is not a folder", dir.display())));
    }
    std::path::absolute(dir).map_err(|e| Error::io(dir, e))
}

/// Whether a path component names git's folder, in any case (`.git`, `.GIT`, `.Git`):
/// case-insensitive filesystems open the same folder for all of them.
pub fn is_git_dir(part: &str) -> bool {
    part.eq_ignore_ascii_case(".git")
}

/// Checks that `rendered` (an output path from a template, a path setting or a recorded
/// path) is a plain relative path that stays inside the repo and out of `.git`, and returns
/// it with `/` separators. Pure: looks at the text only.
pub fn check_relative(rendered: &str, origin: &str) -> Result<String> {
    let refuse = |why: &str| Error::Invalid {
        path: origin.into(),
        message: format!(
            "path `{}` {why}; paths must be relative and stay inside the repo, out of .git",
            crate::output::escape_controls(rendered, false)
        ),
    };
    if rendered.trim().is_empty() {
        return Err(refuse("is empty"));
    }
    if rendered.contains('\\') {
        return Err(refuse("contains a backslash"));
    }
    if rendered.chars().any(char::is_control) {
        return Err(refuse("contains control characters"));
    }
    let bytes = rendered.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        return Err(refuse("has a drive letter"));
    }
    let path = Path::new(rendered);
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy().to_string()),
            Component::CurDir => {}
            Component::ParentDir => return Err(refuse("contains `..`")),
            Component::RootDir | Component::Prefix(_) => return Err(refuse("is absolute")),
        }
    }
    if parts.is_empty() {
        return Err(refuse("names no file"));
    }
    if parts.iter().any(|p| is_git_dir(p)) {
        return Err(refuse("is inside .git"));
    }
    if parts.first().is_some_and(|p| p == ".integrate")
        && parts
            .get(1)
            .is_some_and(|p| p == "lock" || p.starts_with("journal."))
    {
        return Err(refuse("is integrate's own lock or journal"));
    }
    Ok(parts.join("/"))
}

/// Checks that no existing component of `relative` under `root` is a symlink resolving
/// outside the repo or into a `.git` folder (of the repo or of any repo nested in it).
pub fn check_inside(root: &Path, relative: &str) -> Result<()> {
    let mut current = root.to_path_buf();
    let mut canonical_root: Option<PathBuf> = None;
    for part in relative.split('/') {
        current.push(part);
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                if canonical_root.is_none() {
                    canonical_root =
                        Some(fs_err::canonicalize(root).map_err(|e| Error::io(root, e))?);
                }
                let canonical_root = canonical_root.as_deref().unwrap_or(root);
                let link = crate::output::escape_controls(
                    &current
                        .strip_prefix(root)
                        .unwrap_or(&current)
                        .display()
                        .to_string(),
                    false,
                );
                let target = std::fs::canonicalize(&current).ok();
                let Some(inside) = target
                    .as_ref()
                    .and_then(|t| t.strip_prefix(canonical_root).ok())
                else {
                    return Err(Error::Invalid {
                        path: relative.into(),
                        message: format!(
                            "`{link}` is a symlink that leads outside the repo (or to nothing); integrate will not read or write through it"
                        ),
                    });
                };
                if inside
                    .components()
                    .any(|c| is_git_dir(&c.as_os_str().to_string_lossy()))
                {
                    return Err(Error::Invalid {
                        path: relative.into(),
                        message: format!(
                            "`{link}` is a symlink into .git; integrate never reads or writes git's own files, remove the link or change the path"
                        ),
                    });
                }
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Ok(())
}

/// Checks a path integrate is about to read, write or delete: [`check_relative`] on its
/// text (errors name `relative` itself), then [`check_inside`] on the disk.
pub fn check_path(root: &Path, relative: &str) -> Result<()> {
    if check_relative(relative, relative)? != relative {
        return Err(Error::Invalid {
            path: relative.into(),
            message: "is not a plain relative path (`a/b`); paths must be relative and stay inside the repo, out of .git".to_string(),
        });
    }
    check_inside(root, relative)
}

/// Reads the regular file `full` (shown as `shown` in errors), at most
/// [`MAX_FILE_BYTES`]. Never blocks on a FIFO or opens a device: the file is checked before
/// it is opened, opened without blocking, and checked again once open. `Ok(None)` when it
/// does not exist.
pub fn read_regular(full: &Path, shown: &Path) -> Result<Option<Vec<u8>>> {
    let not_regular = || {
        Error::Invalid {
        path: shown.to_path_buf(),
        message: "is not a regular file (a pipe, socket or device); integrate only reads regular files, move it away".to_string(),
    }
    };
    match std::fs::metadata(full) {
        Ok(meta) if meta.is_dir() => {
            return Err(Error::Invalid {
                path: shown.to_path_buf(),
                message: "is a folder, but integrate needs a file there; move it away".to_string(),
            })
        }
        Ok(meta) if !meta.is_file() => return Err(not_regular()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(shown, e)),
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Were the file swapped for a FIFO after the check, opening it must not wait for
        // a writer.
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = match options.open(full) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(shown, e)),
    };
    let meta = file.metadata().map_err(|e| Error::io(shown, e))?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(shown));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(shown, e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(shown));
    }
    Ok(Some(bytes))
}

/// The error for a file larger than integrate reads or renders.
pub fn too_large(shown: &Path) -> Error {
    Error::Invalid {
        path: shown.to_path_buf(),
        message: format!(
            "is larger than {} MiB, more than integrate reads or writes in one file; check it, or change the path setting",
            MAX_FILE_BYTES >> 20
        ),
    }
}

/// Reads `root/relative` after [`check_path`]: the bytes of a regular file inside the
/// repo, out of `.git`, at most [`MAX_FILE_BYTES`]; `Ok(None)` when it does not exist.
pub fn read_file(root: &Path, relative: &str) -> Result<Option<Vec<u8>>> {
    check_path(root, relative)?;
    read_regular(&root.join(relative), Path::new(relative))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_must_stay_inside() {
        assert_eq!(check_relative("apps/./x.py", "t").unwrap(), "apps/x.py");
        assert!(check_relative(".integrate/kits/django/x.hbs", "t").is_ok());
        assert!(check_relative("a/.gitignore", "t").is_ok());
        assert!(check_relative(".github/x", "t").is_ok());
        for bad in [
            "",
            "../x",
            "a/../../x",
            "/etc/passwd",
            "C:/x",
            "a\\b",
            ".git/config",
            ".GIT/config",
            ".Git",
            "vendor/lib/.git/HEAD",
            "a\nb",
            "a\u{1b}[31mb",
            ".",
            ".integrate/lock",
            ".integrate/journal.json",
            ".integrate/journal.commit",
        ] {
            assert!(check_relative(bad, "t").is_err(), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_into_git_or_outside_are_refused_and_links_inside_allowed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("sub/.GIT")).unwrap();
        std::fs::create_dir_all(root.join("real")).unwrap();
        std::os::unix::fs::symlink(".git", root.join("g")).unwrap();
        std::os::unix::fs::symlink("sub/.GIT", root.join("h")).unwrap();
        std::os::unix::fs::symlink("g", root.join("chain")).unwrap();
        std::os::unix::fs::symlink("/", root.join("out")).unwrap();
        std::os::unix::fs::symlink("real", root.join("fine")).unwrap();
        for bad in ["g/config", "h/x", "chain/HEAD", "out/etc/passwd", "g"] {
            assert!(check_path(root, bad).is_err(), "{bad}");
        }
        assert!(check_path(root, "fine/x").is_ok());
        assert!(check_path(root, "missing/x").is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn reads_refuse_fifos_and_large_files_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let fifo = std::ffi::CString::new(root.join("fifo").to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        let err = read_file(root, "fifo").unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
        std::fs::write(root.join("big"), vec![b'x'; MAX_FILE_BYTES as usize + 1]).unwrap();
        let err = read_file(root, "big").unwrap_err().to_string();
        assert!(err.contains("larger than 8 MiB"), "{err}");
        std::fs::write(root.join("ok"), b"hi").unwrap();
        assert_eq!(read_file(root, "ok").unwrap().unwrap(), b"hi");
        assert!(read_file(root, "none").unwrap().is_none());
        assert!(read_file(root, "../x").is_err());
    }
}
