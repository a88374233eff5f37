//! Plans: every change a command would make, computed in memory before anything is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::repo;

/// What a change does to its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Edit,
    Overwrite,
    Delete,
}

/// One file's change.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// Path relative to the repo root, `/`-separated.
    pub path: String,
    pub action: Action,
    #[serde(skip)]
    pub before: Option<String>,
    #[serde(skip)]
    pub after: Option<String>,
}

/// Every change of one command, in order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    pub changes: Vec<Change>,
    /// Generated files that exist with other content (written only with `--force`).
    pub conflicts: Vec<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

#[derive(Debug)]
struct Slot {
    original: Option<String>,
    current: Option<String>,
    generated: bool,
}

/// An in-memory view of the repo: reads files once, keeps pending contents, never writes.
#[derive(Debug)]
pub struct Draft {
    root: PathBuf,
    slots: BTreeMap<String, Slot>,
    order: Vec<String>,
}

impl Draft {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            slots: BTreeMap::new(),
            order: Vec::new(),
        }
    }

    /// The repo root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn slot(&mut self, path: &str) -> Result<&mut Slot> {
        if !self.slots.contains_key(path) {
            let original = read_text(&self.root, path)?;
            self.slots.insert(
                path.to_string(),
                Slot {
                    current: original.clone(),
                    original,
                    generated: false,
                },
            );
            self.order.push(path.to_string());
        }
        Ok(self.slots.get_mut(path).expect("inserted above"))
    }

    /// The pending content of `path` (`None` when it does not exist).
    pub fn read(&mut self, path: &str) -> Result<Option<String>> {
        Ok(self.slot(path)?.current.clone())
    }

    /// Every file whose pending content differs from what was read (`None`: deleted), for
    /// readers that look past the draft at the whole tree (`scan`).
    pub fn pending(&self) -> BTreeMap<String, Option<String>> {
        self.slots
            .iter()
            .filter(|(_, slot)| slot.original != slot.current)
            .map(|(path, slot)| (path.clone(), slot.current.clone()))
            .collect()
    }

    /// Sets the pending content of an edited file.
    pub fn write(&mut self, path: &str, content: String) -> Result<()> {
        self.slot(path)?.current = Some(content);
        Ok(())
    }

    /// Sets the pending content of a generated file.
    pub fn generate(&mut self, path: &str, content: String) -> Result<()> {
        let slot = self.slot(path)?;
        slot.current = Some(content);
        slot.generated = true;
        Ok(())
    }

    /// Marks `path` for deletion.
    pub fn delete(&mut self, path: &str) -> Result<()> {
        self.slot(path)?.current = None;
        Ok(())
    }

    /// The plan: each file whose pending content differs from disk. With `force`,
    /// generated files that exist with other content are overwritten, else listed as conflicts.
    pub fn into_plan(self, force: bool) -> Plan {
        let mut plan = Plan::default();
        for path in self.order {
            let slot = &self.slots[&path];
            if slot.original == slot.current {
                continue;
            }
            let action = match (&slot.original, &slot.current) {
                (None, _) => Action::Create,
                (Some(_), None) => Action::Delete,
                (Some(_), Some(_)) if slot.generated => {
                    if !force {
                        plan.conflicts.push(path.clone());
                        continue;
                    }
                    Action::Overwrite
                }
                (Some(_), Some(_)) => Action::Edit,
            };
            plan.changes.push(Change {
                path,
                action,
                before: slot.original.clone(),
                after: slot.current.clone(),
            });
        }
        plan
    }
}

/// Reads `root/path` as UTF-8 text; `None` when it does not exist. The path is checked
/// first ([`repo::check_path`]: inside the repo, out of `.git`, also through symlinks), and
/// only a regular file of at most [`repo::MAX_FILE_BYTES`] is read.
pub fn read_text(root: &Path, path: &str) -> Result<Option<String>> {
    repo::check_path(root, path)?;
    let full = root.join(path);
    match fs_err::symlink_metadata(&full) {
        Ok(meta) if meta.is_dir() => {
            return Err(Error::Invalid {
                path: path.into(),
                message: "is a folder, but the kit needs a file there; move it away".to_string(),
            })
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(file_in_the_way(root, path).unwrap_or_else(|| Error::io(path, e)))
        }
        Err(e) => return Err(Error::io(path, e)),
    }
    let Some(bytes) = repo::read_regular(&full, Path::new(path))? else {
        return Ok(None);
    };
    String::from_utf8(bytes).map(Some).map_err(|e| {
        let (line, column) = {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            crate::editors::line_col(&String::from_utf8_lossy(valid), valid.len())
        };
        Error::Parse {
            path: path.into(),
            line,
            column,
            message: "not valid UTF-8; integrate only edits UTF-8 text files, convert it or change the path setting".to_string(),
        }
    })
}

/// The error for a file standing where `path` needs a folder, if there is one.
fn file_in_the_way(root: &Path, path: &str) -> Option<Error> {
    let mut prefix = PathBuf::new();
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        prefix.push(part);
        if root.join(&prefix).is_file() {
            return Some(Error::Invalid {
                path: path.into(),
                message: format!(
                    "`{}` is a file, but a folder is needed there; move it away",
                    prefix.display()
                ),
            });
        }
    }
    None
}

/// `sha256:<hex>` of `content`.
pub fn hash(content: &str) -> String {
    hash_bytes(content.as_bytes())
}

/// `sha256:<hex>` of `bytes`.
pub fn hash_bytes(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}
