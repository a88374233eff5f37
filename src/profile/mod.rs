//! The repo profile: what `init` finds a repo to be before anything is planned.
//!
//! Layout (where settings, URLconf, routes and the Python root are), which dependency manifest the
//! app installs from, test runner, settings style and env file. `init` shows it and writes
//! it to `integrate.toml` (`[paths]` and `[profile]`), where the user may correct it; later
//! commands read the record and never detect again. Kits choose their variants from
//! `profile.<key>` in `when` conditions and templates.
//!
//! Detection only reads files, never more than [`MAX_READ`] bytes of one.

mod django;
mod node;
mod python;
mod rails;
mod rust;
mod typescript;

use std::path::Path;

use crate::error::Result;

/// The most of one file detection reads.
pub const MAX_READ: u64 = 512 * 1024;

/// What detection found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// Path settings, over the kit's defaults.
    pub paths: Vec<(String, String)>,
    /// Facts (`[profile]` keys), over the kit's defaults.
    pub facts: Vec<(String, String)>,
    /// What each finding rests on, for `init` to show.
    pub evidence: Vec<String>,
}

impl Profile {
    fn path(&mut self, key: &str, value: impl Into<String>) {
        self.paths.push((key.to_string(), value.into()));
    }

    fn fact(&mut self, key: &str, value: impl Into<String>) {
        self.facts.push((key.to_string(), value.into()));
    }

    fn saw(&mut self, evidence: impl Into<String>) {
        self.evidence.push(evidence.into());
    }
}

/// Whether `root` looks like a project of built-in kit `kit` in a layout its `detect`
/// markers do not name (a Django `manage.py` under `src/`, ...).
pub fn recognizes(kit: &str, root: &Path) -> bool {
    match kit {
        "django" => django::find_manage_py(root).is_some(),
        _ => false,
    }
}

/// Detects the profile of `root` for kit `kit`. Kits without a detector (team kits) get
/// an empty profile: their manifest's defaults apply.
pub fn detect(kit: &str, root: &Path) -> Result<Profile> {
    match kit {
        "django" => django::detect(root),
        "rails" => rails::detect(root),
        "typescript" => typescript::detect(root),
        "rust" => rust::detect(root),
        _ => Ok(Profile::default()),
    }
}

/// Checks a TOML merge into `path` before it is planned: for a Rust kit's Cargo.toml, that
/// the crates already there can build what the kit generates (see [`rust::check_merge`]).
pub fn check_merge(
    kit: &crate::kit::Kit,
    root: &Path,
    path: &str,
    current: &str,
    fragment: &str,
) -> Result<()> {
    let manifest = path == "Cargo.toml" || path.ends_with("/Cargo.toml");
    if kit.manifest.language == "rust" && manifest {
        return rust::check_merge(root, path, current, fragment);
    }
    Ok(())
}

/// Refuses `new` answers the recorded profile cannot serve (see [`rust::preflight`]).
pub fn preflight(
    kit: &crate::kit::Kit,
    profile: &serde_json::Map<String, serde_json::Value>,
    context: &serde_json::Value,
) -> Result<()> {
    if kit.manifest.language == "rust" {
        return rust::preflight(profile, context);
    }
    Ok(())
}

/// Checks a recorded profile of built-in kit `kit` before templates see it (a fact outside
/// its set of values, or one that could not stay a literal in generated code, is an error
/// naming integrate.toml and the key).
pub fn check(
    kit: &str,
    paths: &serde_json::Map<String, serde_json::Value>,
    profile: &serde_json::Map<String, serde_json::Value>,
) -> Result<()> {
    match kit {
        "typescript" => typescript::check(paths, profile),
        _ => Ok(()),
    }
}

/// The text of `root/rel` if it is a regular file inside the repo (checked like every read:
/// out of `.git`, no link leading outside, never a FIFO or device), up to [`MAX_READ`].
fn read(root: &Path, rel: &str) -> Option<String> {
    let bytes = crate::repo::read_file(root, rel).ok().flatten()?;
    let end = bytes.len().min(MAX_READ as usize);
    Some(String::from_utf8_lossy(&bytes[..end]).into_owned())
}

/// Whether `root/rel` is a regular file that [`read`] may read.
fn is_file(root: &Path, rel: &str) -> bool {
    crate::repo::check_path(root, rel).is_ok()
        && std::fs::symlink_metadata(root.join(rel)).is_ok_and(|m| m.is_file())
}

/// Whether `root/rel` is a folder inside the repo (not a link).
fn is_dir(root: &Path, rel: &str) -> bool {
    crate::repo::check_path(root, rel).is_ok()
        && std::fs::symlink_metadata(root.join(rel)).is_ok_and(|m| m.is_dir())
}

/// `base/name` with `/`, or `name` when `base` is empty.
fn join(base: &str, name: &str) -> String {
    if base.is_empty() {
        name.to_string()
    } else {
        format!("{base}/{name}")
    }
}
