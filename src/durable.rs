//! Getting many files and folders onto the disk at once.
//!
//! Each `fsync` waits for its own trip to the disk, and a change touches a dozen files in
//! half a dozen folders. The syncs of one step are issued together from a few threads
//! ([`sync_all`]), so the filesystem can serve them with one journal commit instead of one
//! each.

use std::fs::File;
use std::path::{Path, PathBuf};

/// Something to flush to disk: a file already open, or a folder by its path.
pub enum Item<'a> {
    File(&'a File, &'a Path),
    Dir(PathBuf),
}

impl Item<'_> {
    fn path(&self) -> &Path {
        match self {
            Item::File(_, path) => path,
            Item::Dir(path) => path,
        }
    }

    fn sync(&self) -> std::io::Result<()> {
        match self {
            Item::File(file, _) => file.sync_all(),
            Item::Dir(path) => sync_dir(path),
        }
    }
}

/// At most this many syncs wait on the disk at the same time.
const THREADS: usize = 8;

/// Flushes every item to disk; the first failure, with its path, if any.
pub fn sync_all(items: &[Item]) -> Result<(), (PathBuf, std::io::Error)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let work = || -> Result<(), (PathBuf, std::io::Error)> {
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(index) else {
                return Ok(());
            };
            item.sync().map_err(|e| (item.path().to_path_buf(), e))?;
        }
    };
    let threads = THREADS.min(items.len());
    if threads <= 1 {
        return work();
    }
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut result = work();
        for helper in helpers {
            let outcome = helper
                .join()
                .unwrap_or_else(|_| Err((PathBuf::new(), std::io::Error::other("sync failed"))));
            result = result.and(outcome);
        }
        result
    })
}

/// Flushes a folder's entries (new names, renames) to disk.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syncs_files_and_folders_and_reports_the_path_that_failed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a");
        let file = File::create(&path).unwrap();
        let mut items = vec![
            Item::File(&file, &path),
            Item::Dir(dir.path().to_path_buf()),
        ];
        sync_all(&items).unwrap();
        let missing = dir.path().join("gone");
        items.push(Item::Dir(missing.clone()));
        for _ in 0..10 {
            items.push(Item::Dir(dir.path().to_path_buf()));
        }
        let (failed, _) = sync_all(&items).unwrap_err();
        assert_eq!(failed, missing);
    }
}
