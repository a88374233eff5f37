//! Kits: a manifest plus templates, layered from the repo's `.integrate/kits/<kit>/` over
//! the built-in `scaffolds/<kit>/`, file by file.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use serde::Deserialize;

use crate::editors::block::MarkerMissing;
use crate::error::{Error, Result};

/// The built-in kits, catalog and webhook vectors.
pub static SCAFFOLDS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/scaffolds");

/// Folder of a repo's own kits and overrides, relative to the repo root.
pub const REPO_KITS_DIR: &str = ".integrate/kits";

/// Built-in kits in detection order.
pub const BUILTIN_ORDER: &[&str] = &["django", "rails", "typescript", "rust"];

/// Where a kit file came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the binary, at this path under `scaffolds/`.
    Builtin(String),
    /// The repo's override, at this path relative to the repo root.
    Repo(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Builtin(path) => write!(f, "scaffolds/{path} (built in)"),
            Origin::Repo(path) => write!(f, "{}", path.display()),
        }
    }
}

/// One file of a kit.
#[derive(Debug, Clone)]
pub struct KitFile {
    pub content: String,
    pub origin: Origin,
}

/// The `kit.toml` manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub language: String,
    #[serde(default = "default_comment")]
    pub comment: String,
    #[serde(default)]
    pub detect: Vec<String>,
    /// The client modes the kit's templates render (`thin`, and `sdk` when it wraps
    /// official SDKs).
    #[serde(default = "default_client_modes")]
    pub client_modes: Vec<crate::choices::ClientMode>,
    #[serde(default)]
    pub paths: toml::Table,
    /// The facts about a repo that templates and `when` conditions may read as
    /// `profile.<key>`, with the values used when `init` detects nothing (see
    /// [`crate::profile`]).
    #[serde(default)]
    pub profile: toml::Table,
    #[serde(default)]
    pub init: Vec<FileSpec>,
    #[serde(default)]
    pub init_edit: Vec<EditSpec>,
    #[serde(default)]
    pub file: Vec<FileSpec>,
    #[serde(default)]
    pub edit: Vec<EditSpec>,
}

fn default_client_modes() -> Vec<crate::choices::ClientMode> {
    vec![crate::choices::ClientMode::Thin]
}

fn default_comment() -> String {
    "#".to_string()
}

/// A file the kit renders.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    pub template: String,
    pub path: String,
    pub when: Option<String>,
}

/// The editors an [`EditSpec`] can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EditKind {
    /// `KEY=value` lines of a dotenv file.
    Env,
    /// Package lines of a pip requirements file.
    Requirements,
    /// A fenced block of any text.
    Block,
    /// Keys and array members merged into a TOML file.
    Toml,
    /// `gem "name", ...` lines of a Bundler Gemfile, keyed by gem name.
    Gemfile,
    /// A fenced block of routes inside the `routes.draw do … end` block of a Rails routes
    /// file, above catch-alls; refused when a route of the same path exists (see
    /// [`crate::editors::routes`]).
    RailsRoutes,
    /// String entries added to objects of a JSON file (package.json dependencies).
    Json,
    /// A `mod x;` declaration in a Rust crate root, placed as rustfmt would.
    RustMod,
    /// A call merged into the method chain that builds an axum `Router`.
    RustRouter,
}

impl EditKind {
    /// The line syntax of a keyed-lines edit (`env`, `requirements`).
    pub fn lines(self) -> Option<crate::editors::env::Syntax> {
        use crate::editors::env::Syntax;
        match self {
            EditKind::Env => Some(Syntax::Dotenv),
            EditKind::Requirements => Some(Syntax::Requirements),
            EditKind::Gemfile => Some(Syntax::Gemfile),
            EditKind::Block
            | EditKind::Toml
            | EditKind::RailsRoutes
            | EditKind::Json
            | EditKind::RustMod
            | EditKind::RustRouter => None,
        }
    }

    /// Whether the edit is a fenced block (`block`, `rails-routes`), found again by its fence.
    pub fn fenced(self) -> bool {
        matches!(self, EditKind::Block | EditKind::RailsRoutes)
    }
}

/// What to do when the file an edit targets does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IfMissing {
    #[default]
    Error,
    Create,
    Skip,
}

/// An edit of an existing file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditSpec {
    pub kind: EditKind,
    pub path: String,
    pub template: String,
    pub when: Option<String>,
    #[serde(default)]
    pub if_missing: IfMissing,
    pub id: Option<String>,
    pub marker: Option<String>,
    #[serde(default)]
    pub marker_missing: MarkerMissing,
    /// For a block: a template rendering the line a new block goes above (see
    /// [`crate::editors::block::Block::before`]).
    pub before: Option<String>,
    pub comment: Option<String>,
}

/// A kit resolved for one repo.
#[derive(Debug, Clone)]
pub struct Kit {
    pub manifest: Manifest,
    pub files: BTreeMap<String, KitFile>,
}

impl Kit {
    /// Loads kit `name`, layering `<root>/.integrate/kits/<name>/` over the built-in kit.
    pub fn load(name: &str, root: Option<&Path>) -> Result<Kit> {
        let mut files = BTreeMap::new();
        if let Some(dir) = SCAFFOLDS.get_dir(name) {
            collect_builtin(dir, &mut files)?;
        }
        if let Some(root) = root {
            let base = Path::new(REPO_KITS_DIR).join(name);
            collect_repo(root, &base, &base, &mut files)?;
        }
        let Some(manifest_file) = files.get("kit.toml") else {
            return Err(Error::Usage(format!(
                "unknown kit `{name}`; known kits: {}. A repo kit needs {}/{name}/kit.toml",
                known_kits(root).join(", "),
                REPO_KITS_DIR
            )));
        };
        let manifest = parse_manifest(manifest_file)?;
        Ok(Kit { manifest, files })
    }

    /// The kit's name.
    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    /// The files the repo overrides or adds.
    pub fn overridden(&self) -> impl Iterator<Item = (&String, &KitFile)> {
        self.files
            .iter()
            .filter(|(_, f)| matches!(f.origin, Origin::Repo(_)))
    }
}

fn parse_manifest(file: &KitFile) -> Result<Manifest> {
    toml::from_str(&file.content).map_err(|e| {
        let message = format!("invalid kit manifest: {}", e.message());
        Error::parse_at(file.origin.to_string(), &file.content, e.span(), message)
    })
}

/// Names of the built-in kits followed by the repo's own kits.
pub fn known_kits(root: Option<&Path>) -> Vec<String> {
    let mut names: Vec<String> = BUILTIN_ORDER
        .iter()
        .filter(|n| SCAFFOLDS.get_dir(n).is_some())
        .map(|n| n.to_string())
        .collect();
    for dir in SCAFFOLDS.dirs() {
        let name = dir.path().to_string_lossy().to_string();
        if !names.contains(&name) && SCAFFOLDS.get_file(format!("{name}/kit.toml")).is_some() {
            names.push(name);
        }
    }
    if let Some(root) = root {
        if let Ok(entries) = fs_err::read_dir(root.join(REPO_KITS_DIR)) {
            let mut repo: Vec<String> = entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|n| !names.contains(n))
                .collect();
            repo.sort();
            names.extend(repo);
        }
    }
    names
}

fn collect_builtin(dir: &Dir<'static>, files: &mut BTreeMap<String, KitFile>) -> Result<()> {
    for file in dir.files() {
        let full = file.path().to_string_lossy().replace('\\', "/");
        let relative = full
            .split_once('/')
            .map_or(full.as_str(), |(_, r)| r)
            .to_string();
        let content = file.contents_utf8().ok_or_else(|| Error::Invalid {
            path: PathBuf::from(format!("scaffolds/{full}")),
            message: "built-in kit file is not UTF-8".to_string(),
        })?;
        files.insert(
            relative,
            KitFile {
                content: content.to_string(),
                origin: Origin::Builtin(full),
            },
        );
    }
    for sub in dir.dirs() {
        collect_builtin(sub, files)?;
    }
    Ok(())
}

fn collect_repo(
    root: &Path,
    base: &Path,
    dir: &Path,
    files: &mut BTreeMap<String, KitFile>,
) -> Result<()> {
    let full = root.join(dir);
    // A kit folder linked elsewhere is not read: kits come from the repo.
    crate::repo::check_path(root, &dir.to_string_lossy().replace('\\', "/"))?;
    let entries = match fs_err::read_dir(&full) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(&full, e)),
    };
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()
        .map_err(|e| Error::io(&full, e))?;
    paths.sort();
    for path in paths {
        let relative_to_root = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let relative = relative_to_root.to_string_lossy().replace('\\', "/");
        crate::repo::check_path(root, &relative)?;
        if path.is_dir() {
            collect_repo(root, base, &relative_to_root, files)?;
            continue;
        }
        let Some(bytes) = crate::repo::read_file(root, &relative)? else {
            continue;
        };
        let content = String::from_utf8(bytes).map_err(|_| Error::Invalid {
            path: relative_to_root.clone(),
            message: "kit file is not UTF-8; save it as UTF-8".to_string(),
        })?;
        let key = relative_to_root
            .strip_prefix(base)
            .unwrap_or(&relative_to_root)
            .to_string_lossy()
            .replace('\\', "/");
        files.insert(
            key,
            KitFile {
                content,
                origin: Origin::Repo(relative_to_root),
            },
        );
    }
    Ok(())
}
