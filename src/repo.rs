//! Finding the repo root and keeping every path inside it.

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// Name of the record file at the repo root.
pub const RECORD_FILE: &str = "integrate.toml";

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

/// Checks that `rendered` (an output path from a template) is a plain relative path that
/// stays inside the repo, and returns it with `/` separators.
pub fn check_relative(rendered: &str, origin: &str) -> Result<String> {
    let refuse = |why: &str| Error::Invalid {
        path: origin.into(),
        message: format!(
            "output path `{rendered}` {why}; kit paths must be relative and stay inside the repo"
        ),
    };
    if rendered.trim().is_empty() {
        return Err(refuse("is empty"));
    }
    if rendered.contains('\\') {
        return Err(refuse("contains a backslash"));
    }
    if rendered.contains('\0') || rendered.chars().any(char::is_control) {
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
    if parts.first().is_some_and(|p| p == ".git") {
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
/// outside the repo.
pub fn check_inside(root: &Path, relative: &str) -> Result<()> {
    let mut current = root.to_path_buf();
    for part in relative.split('/') {
        current.push(part);
        match fs_err::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let canonical_root = fs_err::canonicalize(root).map_err(|e| Error::io(root, e))?;
                let target = std::fs::canonicalize(&current).ok();
                let inside = target
                    .as_ref()
                    .is_some_and(|t| t.starts_with(&canonical_root));
                if !inside {
                    return Err(Error::Invalid {
                        path: relative.into(),
                        message: format!(
                            "`{}` is a symlink that leads outside the repo (or to nothing); integrate will not write through it",
                            current.strip_prefix(root).unwrap_or(&current).display()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_must_stay_inside() {
        assert_eq!(check_relative("apps/./x.py", "t").unwrap(), "apps/x.py");
        assert!(check_relative(".integrate/kits/django/x.hbs", "t").is_ok());
        for bad in [
            "",
            "../x",
            "a/../../x",
            "/etc/passwd",
            "C:/x",
            "a\\b",
            ".git/config",
            ".",
            ".integrate/lock",
            ".integrate/journal.json",
            ".integrate/journal.commit",
        ] {
            assert!(check_relative(bad, "t").is_err(), "{bad}");
        }
    }
}
