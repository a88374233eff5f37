//! The walk: every file of the repo that `.gitignore` (and `.ignore`, and git's exclude
//! files) does not exclude, in parallel, with ripgrep's `ignore` crate. No depth or count
//! cap; what could not be read is reported, never dropped silently.

use std::path::Path;
use std::sync::Mutex;

use ignore::{DirEntry, WalkBuilder, WalkState};

/// Folders never walked even when no `.gitignore` names them: version control, installed
/// dependencies, build output and caches (their files are not the app's).
pub const SKIP_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".integrate",
    ".venv",
    "venv",
    "node_modules",
    "target",
    "vendor",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".next",
    ".turbo",
    ".tox",
];

/// What the walk saw.
#[derive(Debug, Default)]
pub struct Walked {
    /// Relative, `/`-separated paths of the files, sorted.
    pub files: Vec<String>,
    /// How many files the walk saw (kept or not).
    pub seen: usize,
    /// Entries the walk could not read (permissions, broken links), with the reason.
    pub errors: Vec<String>,
}

/// Walks `root`, keeping the files `keep` wants (by relative path).
pub fn walk(root: &Path, keep: &(dyn Fn(&str) -> bool + Sync)) -> Walked {
    let files = Mutex::new(Vec::new());
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let errors = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map(|n| n.get().min(12))
        .unwrap_or(4);
    WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(|entry| {
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && SKIP_DIRS.contains(&entry.file_name().to_string_lossy().as_ref()))
        })
        .build_parallel()
        .run(|| {
            let files = &files;
            let errors = &errors;
            let seen = &seen;
            Box::new(move |result: Result<DirEntry, ignore::Error>| {
                match result {
                    Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                        let Ok(relative) = entry.path().strip_prefix(root) else {
                            return WalkState::Continue;
                        };
                        let Some(relative) = relative.to_str() else {
                            errors
                                .lock()
                                .expect("no panics while held")
                                .push(format!("{}: not a UTF-8 path", relative.display()));
                            return WalkState::Continue;
                        };
                        seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let relative = relative.replace('\\', "/");
                        if keep(&relative) {
                            files.lock().expect("no panics while held").push(relative);
                        }
                    }
                    Ok(_) => {}
                    Err(error) => errors
                        .lock()
                        .expect("no panics while held")
                        .push(error.to_string()),
                }
                WalkState::Continue
            })
        });
    let mut files = files.into_inner().unwrap_or_default();
    files.sort();
    let mut errors = errors.into_inner().unwrap_or_default();
    errors.sort();
    Walked {
        files,
        seen: seen.into_inner(),
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn respects_gitignore_and_goes_deep() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        let deep: std::path::PathBuf = (0..14).map(|i| format!("d{i}")).collect();
        std::fs::create_dir_all(root.join(&deep)).unwrap();
        std::fs::write(root.join(&deep).join("requirements.txt"), "stripe\n").unwrap();
        std::fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
        std::fs::create_dir_all(root.join("ignored")).unwrap();
        std::fs::write(root.join("ignored/requirements.txt"), "stripe\n").unwrap();
        std::fs::create_dir_all(root.join("node_modules/x")).unwrap();
        std::fs::write(root.join("node_modules/x/package.json"), "{}").unwrap();
        let walked = walk(root, &|_| true);
        let deep_path = format!(
            "{}/requirements.txt",
            (0..14)
                .map(|i| format!("d{i}"))
                .collect::<Vec<_>>()
                .join("/")
        );
        assert_eq!(walked.files, [".gitignore".to_string(), deep_path]);
        assert!(walked.errors.is_empty());
    }
}
