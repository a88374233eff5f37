//! `integrate scan`: finds what a reviewer would find about the services a repo depends
//! on, each with the file and line it was seen on — SDK packages in every manifest and their
//! imports in source, env vars in env files and read in code, settings blocks, hand-written
//! integration folders, webhook routes of every style, outgoing webhook calls, and the
//! infrastructure (databases, caches, jobs, auth, monitoring, hosting, CI) of
//! `scaffolds/infrastructure.toml`.
//!
//! The walk respects `.gitignore` and has no depth or count cap; files too large to read
//! and entries that cannot be read are reported, never dropped silently.

pub mod code;
pub mod infra;
pub mod manifests;
pub mod routes;
pub mod walk;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::catalog::Catalog;
use crate::choices::{Category, Choice};
use crate::commands::lifecycle::{print_line, Project};
use crate::commands::App;
use crate::error::Result;
use infra::{Infra, Kind};
use manifests::{normalize, Registry};

/// Version of the `scan --json` document; bumped when a field changes meaning.
pub const SCHEMA_VERSION: u32 = 2;

/// Files larger than this are not read (reported under `limits.not_read`).
pub const MAX_READ: u64 = 1024 * 1024;

/// Source files looked at for env reads, imports, settings and routes.
const SOURCE_EXTS: &[&str] = &["py", "rb", "ts", "tsx", "js", "jsx", "mjs", "cjs", "rs"];

/// Where hand-written integrations usually live, besides the record's `integrations_dir`
/// and `providers_dir`: the Django, Rails, Rust and TypeScript kits' defaults and common
/// variants. A folder (or a file) directly below one is an integration.
const INTEGRATION_DIRS: &[&str] = &[
    "apps/integration",
    "apps/integrations",
    "app/integrations",
    "app/services/integrations",
    "lib/integrations",
    "src/integrations",
    "src/providers",
    "integrations",
];

/// Names below an integrations folder that are its plumbing, not an integration.
const NOT_INTEGRATIONS: &[&str] = &[
    "__init__",
    "__pycache__",
    "tests",
    "test",
    "spec",
    "registry",
    "base",
    "index",
    "types",
    "factory",
    "mod",
    "client",
    "clients",
    "webhooks",
    "utils",
    "common",
    "shared",
    "urls",
    "apps",
    "models",
    "admin",
    "migrations",
    "readme",
    "views",
    "helpers",
    "errors",
];

/// One piece of evidence: where something showed up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub path: String,
    pub line: usize,
    /// `package`, `import`, `env` (an env file entry), `env-read` (read in code),
    /// `settings`, `folder` (a hand-written integration folder), `webhook`, `file`.
    pub kind: &'static str,
    /// The package, module, variable, setting, folder, route or file text.
    pub detail: String,
}

impl Evidence {
    /// `path:line: what`.
    pub fn describe(&self) -> String {
        format!("{}:{}: {}", self.path, self.line, self.what())
    }

    /// What was seen, in words.
    pub fn what(&self) -> String {
        match self.kind {
            "package" => format!("package `{}`", self.detail),
            "import" => format!("imports `{}`", self.detail),
            "env" => format!("env var {}", self.detail),
            "env-read" => format!("reads env var {}", self.detail),
            "settings" => format!("setting {}", self.detail),
            "folder" => format!("hand-written integration `{}`", self.detail),
            "webhook" => format!("webhook route `{}`", self.detail),
            _ => self.detail.clone(),
        }
    }

    /// `path:line`.
    pub fn at(&self) -> String {
        format!("{}:{}", self.path, self.line)
    }
}

/// A service found by scan.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    pub service: String,
    pub display_name: String,
    pub category: Category,
    /// Whether a hand-written integration folder of it exists (see `files`).
    pub hand_written: bool,
    pub evidence: Vec<Evidence>,
    /// The files of its hand-written integration folder.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
}

impl Found {
    /// Evidence of one kind.
    pub fn of(&self, kind: &str) -> Vec<&Evidence> {
        self.evidence.iter().filter(|e| e.kind == kind).collect()
    }

    /// Its env var names, once each, in the order first seen.
    pub fn env_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in &self.evidence {
            if (e.kind == "env" || e.kind == "env-read") && !out.contains(&e.detail) {
                out.push(e.detail.clone());
            }
        }
        out
    }
}

/// An infrastructure item found by scan.
#[derive(Debug, Clone, Serialize)]
pub struct InfraFound {
    pub id: String,
    pub display_name: String,
    pub kind: Kind,
    pub evidence: Vec<Evidence>,
}

/// An env var name and every place it is listed or read.
#[derive(Debug, Clone, Serialize)]
pub struct EnvVar {
    pub name: String,
    pub evidence: Vec<Evidence>,
}

/// An env or settings file for one deployment stage.
#[derive(Debug, Clone, Serialize)]
pub struct StageFile {
    /// `template`, `development`, `staging`, `production` or `test`.
    pub stage: &'static str,
    pub path: String,
    /// `env-file` or `settings`.
    pub kind: &'static str,
}

/// A file scan did not read, and why.
#[derive(Debug, Clone, Serialize)]
pub struct NotRead {
    pub path: String,
    pub reason: String,
}

/// What the walk covered, and every limit it met.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Limits {
    /// Files the walk saw (after `.gitignore`).
    pub files_walked: usize,
    /// Files of interest that were not read (too large, not UTF-8).
    pub not_read: Vec<NotRead>,
    /// Entries the walk could not read.
    pub walk_errors: Vec<String>,
}

/// Everything a scan found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Scan {
    pub schema_version: u32,
    /// Services not recorded in integrate.toml.
    pub found: Vec<Found>,
    /// What was seen of the services recorded in integrate.toml.
    pub recorded: Vec<Found>,
    /// Webhook routes that name no known service.
    pub other_webhooks: Vec<Evidence>,
    /// Outgoing webhook calls.
    pub outgoing_webhooks: Vec<Evidence>,
    /// Databases, caches, jobs, auth, monitoring, hosting, CI, containers.
    pub infrastructure: Vec<InfraFound>,
    /// Every env var name listed in an env file or read in code.
    pub env: Vec<EnvVar>,
    /// Env and settings files per deployment stage.
    pub stages: Vec<StageFile>,
    /// `.gitignore` lines that keep env files (where secrets live) out of git.
    pub secrets_ignored: Vec<Evidence>,
    pub limits: Limits,
}

impl Scan {
    /// Infrastructure of the given kinds.
    pub fn infra(&self, kinds: &[Kind]) -> Vec<&InfraFound> {
        self.infrastructure
            .iter()
            .filter(|i| kinds.contains(&i.kind))
            .collect()
    }
}

/// What scan needs besides the files.
pub struct Options<'a> {
    /// Services recorded in integrate.toml.
    pub recorded: &'a [String],
    /// Extra integrations folders (the record's path settings).
    pub integration_dirs: Vec<String>,
    /// Pending contents that override the disk (`None`: deleted), e.g. a command's plan.
    pub overlay: &'a BTreeMap<String, Option<String>>,
}

/// A service scan knows: from the catalog, or named by a hand-written folder.
struct Known {
    id: String,
    display_name: String,
    category: Category,
    packages: crate::catalog::Packages,
    env_names: Vec<String>,
    env_prefix: String,
}

impl Known {
    fn env_matches(&self, name: &str) -> bool {
        self.env_names.iter().any(|n| n == name)
            || (name.starts_with(&self.env_prefix) && name.len() > self.env_prefix.len())
    }
}

/// What one file says.
#[derive(Debug, Default)]
struct Facts {
    packages: Vec<(usize, Registry, String)>,
    imports: Vec<(usize, Registry, String)>,
    env_keys: Vec<(usize, String)>,
    env_reads: Vec<(usize, String)>,
    settings: Vec<(usize, String)>,
    /// `(line, route, lowercase line text)`.
    routes: Vec<(usize, String, String)>,
    outgoing: Vec<(usize, String)>,
    /// `(line, infra item, detail)`.
    infra_files: Vec<(usize, usize, String)>,
    ignores_env: Vec<(usize, String)>,
}

/// Runs `scan`.
pub fn run(app: &App, json_out: bool) -> Result<()> {
    // Scanning needs no record: before `integrate init` nothing is recorded.
    let (root, recorded, dirs) = match crate::repo::find_root(&app.dir) {
        Ok(_) => {
            let project = Project::load(app)?;
            let dirs = record_dirs(&project);
            (project.root.clone(), project.record.services(), dirs)
        }
        Err(_) => (
            crate::repo::find_init_root(&app.dir)?,
            Vec::new(),
            Vec::new(),
        ),
    };
    let catalog = Catalog::load(Some(&root))?;
    let infra = Infra::load()?;
    let overlay = BTreeMap::new();
    let options = Options {
        recorded: &recorded,
        integration_dirs: dirs,
        overlay: &overlay,
    };
    let result = scan(&root, &catalog, &infra, &options);
    for skipped in &result.limits.not_read {
        app.reporter
            .warn(&format!("not read: {}: {}", skipped.path, skipped.reason));
    }
    for error in &result.limits.walk_errors {
        app.reporter.warn(&format!("not walked: {error}"));
    }
    if json_out {
        print_line(&serde_json::to_string_pretty(&result).unwrap_or_default());
        return Ok(());
    }
    print_text(&result);
    app.reporter.note(&format!(
        "{} file(s) walked; {} integration(s) not generated by integrate, {} infrastructure item(s); `integrate docs` writes them into the document",
        result.limits.files_walked,
        result.found.len(),
        result.infrastructure.len()
    ));
    Ok(())
}

/// The integrations folders a project's record names (`integrations_dir`, `providers_dir`).
pub fn record_dirs(project: &Project) -> Vec<String> {
    ["integrations_dir", "providers_dir"]
        .iter()
        .filter_map(|k| project.paths.get(*k).and_then(|v| v.as_str()))
        .map(|s| s.trim_end_matches('/').to_string())
        .collect()
}

fn print_text(result: &Scan) {
    for found in &result.found {
        print_line(&format!(
            "{} ({}, {}{})",
            found.service,
            found.display_name,
            found.category,
            if found.hand_written {
                ", hand-written"
            } else {
                ""
            }
        ));
        for evidence in &found.evidence {
            print_line(&format!("  {}", evidence.describe()));
        }
    }
    for item in &result.infrastructure {
        print_line(&format!(
            "{} ({}, {})",
            item.id,
            item.display_name,
            serde_json::to_value(item.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        ));
        for evidence in &item.evidence {
            print_line(&format!("  {}", evidence.describe()));
        }
    }
    if !result.other_webhooks.is_empty() {
        print_line("webhook routes of unknown services");
        for evidence in &result.other_webhooks {
            print_line(&format!("  {}", evidence.describe()));
        }
    }
    if !result.outgoing_webhooks.is_empty() {
        print_line("outgoing webhook calls");
        for evidence in &result.outgoing_webhooks {
            print_line(&format!("  {}", evidence.describe()));
        }
    }
}

/// The catalog's services as scan knows them.
fn catalog_services(catalog: &Catalog) -> Vec<Known> {
    catalog
        .entries
        .iter()
        .map(|(id, entry)| Known {
            id: id.clone(),
            display_name: entry.display_name.clone(),
            category: entry.category.unwrap_or(Category::Other),
            packages: entry.packages.clone(),
            env_names: entry.env.values().cloned().collect(),
            env_prefix: format!("{}_", id.replace('-', "_").to_ascii_uppercase()),
        })
        .collect()
}

/// The integration a file under an integrations folder belongs to: `(folder, name)`, e.g.
/// `apps/integration/stripe/client.py` → `("apps/integration/stripe", "stripe")`,
/// `src/providers/payments/stripe.ts` → `("src/providers/payments/stripe.ts", "stripe")`.
pub fn integration_of(path: &str, dirs: &[String]) -> Option<(String, String)> {
    for dir in dirs {
        let under = |at: usize| {
            path[at..].starts_with(dir.as_str()) && path[at + dir.len()..].starts_with('/')
        };
        let start = if under(0) {
            0
        } else {
            match path
                .match_indices('/')
                .map(|(at, _)| at + 1)
                .find(|at| *at + dir.len() < path.len() && under(*at))
            {
                Some(at) => at,
                None => continue,
            }
        };
        let base = &path[..start + dir.len()];
        let rest = &path[start + dir.len() + 1..];
        let parts: Vec<&str> = rest.split('/').collect();
        let stem = |p: &str| p.split('.').next().unwrap_or(p).to_string();
        // `<dir>/<category>/<provider>.ts` (the provider pattern) names the provider.
        let (folder_parts, name) = if parts.len() >= 2 && Category::parse(parts[0]).is_ok() {
            let provider = if parts.len() == 2 {
                stem(parts[1])
            } else {
                parts[1].to_string()
            };
            (2, provider)
        } else if parts.len() == 1 {
            (1, stem(parts[0]))
        } else {
            (1, parts[0].to_string())
        };
        let lower = name.to_ascii_lowercase();
        if name.is_empty() || NOT_INTEGRATIONS.contains(&lower.as_str()) || name.starts_with('.') {
            return None;
        }
        if parts.len() == folder_parts && !parts[folder_parts - 1].contains('.') {
            return None;
        }
        let folder = format!("{base}/{}", parts[..folder_parts].join("/"));
        return Some((folder, name));
    }
    None
}

/// The service id of a folder name: `stripe_connect` → `stripe-connect`.
fn folder_id(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

/// Scans the repo at `root` and reports every known service that is not recorded, the
/// infrastructure, env vars, stages and webhooks.
pub fn scan(root: &Path, catalog: &Catalog, infra: &Infra, options: &Options) -> Scan {
    let mut dirs: Vec<String> = options.integration_dirs.clone();
    for dir in INTEGRATION_DIRS {
        if !dirs.iter().any(|d| d == dir) {
            dirs.push(dir.to_string());
        }
    }
    let interesting = |path: &str| -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        manifests::manifest_kind(path).is_some()
            || code::is_env_file(name)
            || SOURCE_EXTS.contains(&ext)
            || path == ".gitignore"
            || infra.is_file_of_interest(path)
            || integration_of(path, &dirs).is_some()
    };
    let walked = walk::walk(root, &interesting);
    let mut files: Vec<String> = walked
        .files
        .into_iter()
        .filter(|p| !matches!(options.overlay.get(p), Some(None)))
        .collect();
    for (path, content) in options.overlay {
        if content.is_some() && interesting(path) && !files.contains(path) {
            files.push(path.clone());
        }
    }
    files.sort();
    let mut limits = Limits {
        files_walked: walked.seen,
        not_read: Vec::new(),
        walk_errors: walked.errors,
    };
    let analysed = analyse_all(root, &files, infra, options.overlay);
    let mut facts: Vec<(String, Facts)> = Vec::new();
    for (path, result) in analysed {
        match result {
            Ok(f) => facts.push((path, f)),
            Err(reason) => limits.not_read.push(NotRead { path, reason }),
        }
    }

    // Hand-written integration folders, and the services they name.
    let mut folders: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for path in &files {
        if let Some((folder, name)) = integration_of(path, &dirs) {
            let entry = folders
                .entry(folder_id(&name))
                .or_insert_with(|| (folder, Vec::new()));
            entry.1.push(path.clone());
        }
    }
    let mut known = catalog_services(catalog);
    let mut folder_ids: BTreeMap<String, String> = BTreeMap::new();
    for id in folders.keys() {
        let catalog_id = catalog
            .entries
            .keys()
            .find(|k| normalize(k) == normalize(id) || k.replace('-', "") == id.replace('-', ""))
            .cloned();
        match catalog_id {
            Some(cid) => {
                folder_ids.insert(id.clone(), cid);
            }
            None => {
                folder_ids.insert(id.clone(), id.clone());
                known.push(Known {
                    id: id.clone(),
                    display_name: id.clone(),
                    category: Category::Other,
                    packages: Default::default(),
                    env_names: Vec::new(),
                    env_prefix: format!("{}_", id.replace('-', "_").to_ascii_uppercase()),
                });
            }
        }
    }

    // Known services by registry and normalized package name.
    let mut by_package: std::collections::HashMap<(Registry, String), usize> =
        std::collections::HashMap::new();
    for (index, k) in known.iter().enumerate() {
        for registry in [
            Registry::Pypi,
            Registry::Npm,
            Registry::Rubygems,
            Registry::Crates,
        ] {
            for p in infra::registry_list(&k.packages, registry) {
                by_package.entry((registry, normalize(p))).or_insert(index);
            }
        }
    }
    let mut hits: BTreeMap<String, Vec<Evidence>> = BTreeMap::new();
    let mut infra_hits: BTreeMap<usize, Vec<Evidence>> = BTreeMap::new();
    let mut env: BTreeMap<String, Vec<Evidence>> = BTreeMap::new();
    let mut other_webhooks = Vec::new();
    let mut outgoing_webhooks = Vec::new();
    let mut secrets_ignored = Vec::new();
    let mut stages = Vec::new();
    for (id, (folder, folder_files)) in &folders {
        let main = main_file(folder_files);
        hits.entry(folder_ids[id].clone())
            .or_default()
            .push(Evidence {
                path: main,
                line: 1,
                kind: "folder",
                detail: if folder.rsplit('/').next().is_some_and(|n| n.contains('.')) {
                    folder.clone()
                } else {
                    format!("{folder}/")
                },
            });
    }
    let ev = |path: &str, line: usize, kind: &'static str, detail: &str| Evidence {
        path: path.to_string(),
        line,
        kind,
        detail: detail.to_string(),
    };
    for (path, f) in &facts {
        for (line, registry, package) in f.packages.iter().chain(&f.imports) {
            let kind = if f.packages.iter().any(|p| p.0 == *line && p.2 == *package) {
                "package"
            } else {
                "import"
            };
            let service = by_package
                .get(&(*registry, normalize(package)))
                .map(|index| &known[*index]);
            if let Some(service) = service {
                hits.entry(service.id.clone())
                    .or_default()
                    .push(ev(path, *line, kind, package));
            }
            for item in infra.by_package(*registry, package) {
                infra_hits
                    .entry(item)
                    .or_default()
                    .push(ev(path, *line, kind, package));
            }
        }
        for (kind, list) in [("env", &f.env_keys), ("env-read", &f.env_reads)] {
            for (line, name) in list {
                let evidence = ev(path, *line, kind, name);
                env.entry(name.clone()).or_default().push(evidence.clone());
                if let Some(service) = known.iter().find(|k| k.env_matches(name)) {
                    hits.entry(service.id.clone())
                        .or_default()
                        .push(evidence.clone());
                }
                for item in infra.by_env(name) {
                    infra_hits.entry(item).or_default().push(evidence.clone());
                }
            }
        }
        for (line, name) in &f.settings {
            if let Some(service) = known
                .iter()
                .find(|k| k.env_matches(name) || *name == k.env_prefix.trim_end_matches('_'))
            {
                hits.entry(service.id.clone())
                    .or_default()
                    .push(ev(path, *line, "settings", name));
            }
        }
        for (line, route, lower) in &f.routes {
            let evidence = ev(path, *line, "webhook", route);
            let haystack = format!(
                "{lower} {} {}",
                route.to_ascii_lowercase(),
                path.to_ascii_lowercase()
            );
            match known
                .iter()
                .find(|k| routes::names_service(&haystack, &k.id))
            {
                Some(service) => hits.entry(service.id.clone()).or_default().push(evidence),
                None => other_webhooks.push(evidence),
            }
        }
        for (line, text) in &f.outgoing {
            outgoing_webhooks.push(ev(path, *line, "outgoing", text));
        }
        for (line, item, detail) in &f.infra_files {
            infra_hits
                .entry(*item)
                .or_default()
                .push(ev(path, *line, "file", detail));
        }
        for (line, text) in &f.ignores_env {
            secrets_ignored.push(ev(path, *line, "file", text));
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        if let Some(stage) = code::stage_of(path) {
            if code::is_env_file(name) {
                stages.push(StageFile {
                    stage,
                    path: path.clone(),
                    kind: "env-file",
                });
            } else if code::is_settings_file(path) {
                stages.push(StageFile {
                    stage,
                    path: path.clone(),
                    kind: "settings",
                });
            }
        }
    }

    let recorded_ids: Vec<String> = options.recorded.iter().map(|r| normalize(r)).collect();
    let mut found = Vec::new();
    let mut seen_recorded = Vec::new();
    for (id, mut evidence) in hits {
        let Some(service) = known.iter().find(|k| k.id == id) else {
            continue;
        };
        evidence.sort_by(|a, b| (&a.path, a.line, a.kind).cmp(&(&b.path, b.line, b.kind)));
        evidence.dedup();
        let files = folders
            .iter()
            .filter(|(fid, _)| folder_ids.get(*fid) == Some(&id))
            .flat_map(|(_, (_, files))| files.clone())
            .collect::<Vec<_>>();
        let item = Found {
            service: id.clone(),
            display_name: service.display_name.clone(),
            category: service.category,
            hand_written: !files.is_empty(),
            evidence,
            files,
        };
        let env_only = item
            .evidence
            .iter()
            .all(|e| e.kind == "env" || e.kind == "env-read");
        let env_names = item.env_names().len();
        if recorded_ids.contains(&normalize(&id)) {
            seen_recorded.push(item);
        } else if !env_only || env_names >= 2 {
            // An env var prefix alone (one `GITHUB_TOKEN` for CI) is weak evidence; a package,
            // an import, a folder, a setting, a route or two variables make a finding.
            found.push(item);
        }
    }
    let infrastructure = infra_hits
        .into_iter()
        .map(|(index, mut evidence)| {
            evidence.sort_by(|a, b| (&a.path, a.line, a.kind).cmp(&(&b.path, b.line, b.kind)));
            evidence.dedup();
            let (id, item) = &infra.items[index];
            InfraFound {
                id: id.clone(),
                display_name: item.display_name.clone(),
                kind: item.kind,
                evidence,
            }
        })
        .collect();
    Scan {
        schema_version: SCHEMA_VERSION,
        found,
        recorded: seen_recorded,
        other_webhooks,
        outgoing_webhooks,
        infrastructure,
        env: env
            .into_iter()
            .map(|(name, evidence)| EnvVar { name, evidence })
            .collect(),
        stages,
        secrets_ignored,
        limits,
    }
}

/// The file a folder's evidence points at: its client, else its package init, else the
/// first file.
fn main_file(files: &[String]) -> String {
    let named = |prefix: &str| {
        files.iter().find(|f| {
            f.rsplit('/')
                .next()
                .is_some_and(|n| n.starts_with(prefix) && !n.contains("test"))
        })
    };
    named("client.")
        .or_else(|| named("__init__."))
        .or_else(|| named("index."))
        .or_else(|| named("mod."))
        .or(files.first())
        .cloned()
        .unwrap_or_default()
}

/// Reads and analyses `files` on every core. Each result is the facts, or why the file
/// was not read.
fn analyse_all(
    root: &Path,
    files: &[String],
    infra: &Infra,
    overlay: &BTreeMap<String, Option<String>>,
) -> Vec<(String, std::result::Result<Facts, String>)> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get().min(12))
        .unwrap_or(4);
    let chunk = files.len().div_ceil(threads).max(64);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|path| {
                            let text = match overlay.get(path) {
                                Some(Some(text)) => Ok(text.clone()),
                                _ => read(root, path),
                            };
                            (path.clone(), text.map(|t| analyse(path, &t, infra)))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Reads a file of interest, refusing what is too large or not text. One open and one
/// read: no separate `stat` (the walk is dominated by system calls).
fn read(root: &Path, path: &str) -> std::result::Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(root.join(path)).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_READ + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_READ {
        return Err(format!("over the {MAX_READ}-byte limit for one file"));
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())
}

/// What the file at `path` with `text` says. Pure.
fn analyse(path: &str, text: &str, infra: &Infra) -> Facts {
    let mut facts = Facts::default();
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if let Some(manifest) = manifests::manifest_kind(path) {
        let registry = manifests::registry_of(manifest);
        facts.packages = manifests::packages(manifest, text)
            .into_iter()
            .map(|(line, package)| (line, registry, package))
            .collect();
    }
    if code::is_env_file(name) {
        for (index, line) in text.lines().enumerate() {
            let line = line.trim_start().strip_prefix("export ").unwrap_or(line);
            if let Some(key) = crate::editors::env::line_key(line) {
                facts.env_keys.push((index + 1, key.to_string()));
            }
        }
    }
    if SOURCE_EXTS.contains(&ext) {
        let registry = match ext {
            "py" => Registry::Pypi,
            "rb" => Registry::Rubygems,
            "rs" => Registry::Crates,
            _ => Registry::Npm,
        };
        facts.imports = code::imports(ext, text)
            .into_iter()
            .map(|(line, module)| (line, registry, module))
            .collect();
        let mut seen: Vec<String> = Vec::new();
        for (line, var) in code::env_reads(text) {
            if !seen.contains(&var) {
                seen.push(var.clone());
                facts.env_reads.push((line, var));
            }
        }
        if code::is_settings_file(path) {
            facts.settings = code::settings(text);
        }
        let lines: Vec<&str> = text.lines().collect();
        facts.routes = routes::webhook_routes(path, text)
            .into_iter()
            .map(|(line, route)| {
                let lower = lines
                    .get(line.saturating_sub(1))
                    .map(|l| l.to_ascii_lowercase())
                    .unwrap_or_default();
                (line, route, lower)
            })
            .collect();
        facts.outgoing = code::outgoing_webhooks(path, text);
    }
    for item in infra.files_matching(path) {
        let (_, spec) = &infra.items[item];
        match &spec.contains {
            Some(needle) => {
                let needle = needle.to_ascii_lowercase();
                if let Some(index) = text
                    .lines()
                    .position(|l| l.to_ascii_lowercase().contains(&needle))
                {
                    facts.infra_files.push((index + 1, item, needle.clone()));
                }
            }
            None => facts.infra_files.push((1, item, path.to_string())),
        }
    }
    if path == ".gitignore" {
        for (index, line) in text.lines().enumerate() {
            let t = line.trim();
            if !t.starts_with('#')
                && !t.starts_with('!')
                && t.trim_start_matches('/').starts_with(".env")
            {
                facts
                    .ignores_env
                    .push((index + 1, format!("`{t}` is gitignored")));
            }
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integration_folders_and_provider_files() {
        let dirs = vec!["apps/integration".to_string(), "src/providers".to_string()];
        assert_eq!(
            integration_of("apps/integration/stripe/client.py", &dirs),
            Some(("apps/integration/stripe".into(), "stripe".into()))
        );
        assert_eq!(
            integration_of("backend/apps/integration/loops/tests/test_client.py", &dirs),
            Some(("backend/apps/integration/loops".into(), "loops".into()))
        );
        assert_eq!(
            integration_of("src/providers/payments/stripe.ts", &dirs),
            Some(("src/providers/payments/stripe.ts".into(), "stripe".into()))
        );
        assert_eq!(integration_of("apps/integration/__init__.py", &dirs), None);
        assert_eq!(integration_of("apps/integration/registry.py", &dirs), None);
        assert_eq!(integration_of("apps/other/stripe.py", &dirs), None);
    }

    #[test]
    fn analyse_reads_a_settings_file() {
        let infra = Infra::load().unwrap();
        let facts = analyse(
            "config/settings/base.py",
            "import environ\nenv = environ.Env()\nDATABASES = {\"default\": env.db()}\nLOOPS_API_KEY = env(\"LOOPS_API_KEY\")\n",
            &infra,
        );
        assert_eq!(
            facts.env_reads,
            [
                (3, "DATABASE_URL".to_string()),
                (4, "LOOPS_API_KEY".to_string())
            ]
        );
        assert_eq!(
            facts.settings,
            [
                (3, "DATABASES".to_string()),
                (4, "LOOPS_API_KEY".to_string())
            ]
        );
    }
}
