//! Rust (axum): the crate's targets (lib, bin or both), the file that builds the app's
//! axum `Router` and the crate root that must declare `mod integrations;`, the edition and
//! the versions of the crates the generated code uses (from Cargo.toml and Cargo.lock,
//! following workspace inheritance). Crates the generated code cannot compile against are
//! refused with what to change.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;

use serde_json::{Map, Value};

use super::{is_file, read, Profile};
use crate::editors::rust::{self as rs, Source};
use crate::error::{Error, Result};

/// The call `init` wires into the app's Router (the kit's `init/routes_call.rs.hbs`).
pub const ROUTES_CALL: &str = ".merge(crate::integrations::routes())";
/// The marker line of repos laid out for the kit before `init` could find the Router.
const ROUTES_MARKER: &str = "integrate:routes";
/// Env example files, in the order one is preferred when several exist.
const ENV_FILES: &[&str] = &[".env.example", ".env.sample", ".env.template", ".env.dist"];
/// The most source files followed from the crate roots.
const MAX_FILES: usize = 3000;
/// Lock files are read up to this size (they are larger than sources).
const MAX_LOCK: u64 = 8 * 1024 * 1024;

/// A `(major, minor)` compatibility series.
pub type Series = (u64, u64);

/// Versions of the crates the generated code uses that it can compile against:
/// `(crate, lowest, first too new, what uses it)`.
pub const COMPATIBLE: &[(&str, Series, Series, &str)] = &[
    ("axum", (0, 7), (0, 9), "the webhook routes"),
    ("hmac", (0, 12), (0, 13), "the webhook verifiers"),
    (
        "sha2",
        (0, 10),
        (0, 11),
        "the webhook verifiers (with hmac 0.12)",
    ),
    (
        "sha1",
        (0, 10),
        (0, 11),
        "the Twilio verifier (with hmac 0.12)",
    ),
    (
        "base64",
        (0, 21),
        (0, 23),
        "the webhook verifiers (the Engine API)",
    ),
    ("hex", (0, 4), (0, 5), "the webhook verifiers"),
    ("form_urlencoded", (1, 0), (2, 0), "the Twilio verifier"),
    ("reqwest", (0, 11), (0, 13), "the API clients"),
    ("serde", (1, 0), (2, 0), "the API clients"),
    ("serde_json", (1, 0), (2, 0), "the API clients"),
    (
        "toml",
        (0, 7),
        (0, 10),
        "the clients' settings (`toml::Table`)",
    ),
    ("tokio", (1, 0), (2, 0), "the generated tests"),
    ("tower", (0, 4), (0, 6), "the webhook tests (`ServiceExt`)"),
    ("wiremock", (0, 6), (0, 7), "the client tests"),
];

/// Crates whose versions `init` records in `[profile]`.
const RECORDED: &[&str] = &["axum", "tokio", "reqwest", "hmac", "sha2", "serde"];

/// A dependency as Cargo.toml declares it, with the version Cargo resolves.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Dep {
    /// The key (the name the code uses).
    key: String,
    /// `dependencies` or `dev-dependencies`.
    table: &'static str,
    /// The version requirement, if any (`None` for git or path dependencies).
    req: Option<String>,
    /// Inherited from the workspace.
    workspace: bool,
    features: Vec<String>,
    /// The version in Cargo.lock that matches, else the requirement's lowest.
    version: Option<(u64, u64, u64)>,
    /// Where: `true` when the version came from Cargo.lock.
    locked: bool,
}

/// Cargo.toml and what it inherits and locks.
struct Manifest {
    table: toml::Table,
    text: String,
    workspace: Option<toml::Table>,
    lock: Vec<(String, (u64, u64, u64))>,
}

impl Manifest {
    fn load(root: &Path, rel: &str) -> Result<Manifest> {
        let text = read(root, rel).unwrap_or_default();
        let table = parse(rel, &text)?;
        let (workspace, lock_dir) = match find_workspace(root) {
            Some((dir, table)) => (Some(table), Some(dir)),
            None => (None, None),
        };
        let lock_text = [Some(root.to_path_buf()), lock_dir]
            .into_iter()
            .flatten()
            .find_map(|dir| read_limited(&dir.join("Cargo.lock"), MAX_LOCK));
        Ok(Manifest {
            table,
            text,
            workspace,
            lock: lock_text.as_deref().map(lock_versions).unwrap_or_default(),
        })
    }

    /// The dependency on crate `name` in `[dependencies]` then `[dev-dependencies]`.
    fn dep(&self, name: &str) -> Option<Dep> {
        ["dependencies", "dev-dependencies"]
            .into_iter()
            .find_map(|t| self.dep_in(t, name))
    }

    fn dep_in(&self, table: &'static str, name: &str) -> Option<Dep> {
        let deps = self.table.get(table)?.as_table()?;
        let (key, spec) = deps.iter().find(|(key, spec)| {
            let package = spec.get("package").and_then(toml::Value::as_str);
            package.unwrap_or(key.as_str()).replace('-', "_") == name.replace('-', "_")
        })?;
        let workspace = spec.get("workspace").and_then(toml::Value::as_bool) == Some(true);
        let inherited = workspace
            .then(|| {
                self.workspace
                    .as_ref()?
                    .get("workspace")?
                    .get("dependencies")?
                    .get(key)
                    .cloned()
            })
            .flatten();
        let version_of = |spec: &toml::Value| match spec {
            toml::Value::String(s) => Some(s.clone()),
            other => other.get("version")?.as_str().map(str::to_string),
        };
        let req = inherited
            .as_ref()
            .and_then(version_of)
            .or_else(|| version_of(spec));
        let mut features: Vec<String> = [Some(spec), inherited.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|s| s.get("features")?.as_array().cloned())
            .flatten()
            .filter_map(|f| f.as_str().map(str::to_string))
            .collect();
        features.sort();
        let lowest = req.as_deref().and_then(lowest_version);
        let locked = self
            .lock
            .iter()
            .filter(|(n, v)| {
                *n == name && lowest.is_none_or(|l| series(l) == series(*v) && *v >= l)
            })
            .map(|(_, v)| *v)
            .max();
        Some(Dep {
            key: key.clone(),
            table,
            req,
            workspace,
            features,
            version: locked.or(lowest),
            locked: locked.is_some(),
        })
    }

    /// The 1-based line of `key` in `table` of Cargo.toml.
    fn line_of(&self, table: &str, key: &str) -> Option<usize> {
        let mut current = String::new();
        for (index, line) in self.text.lines().enumerate() {
            let t = line.trim();
            if let Some(header) = t.strip_prefix('[') {
                current = header.trim_end_matches(']').trim().to_string();
                if current == format!("{table}.{key}") {
                    return Some(index + 1);
                }
                continue;
            }
            let starts = t
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(['=', '.']));
            if current == table && starts {
                return Some(index + 1);
            }
        }
        None
    }
}

fn parse(rel: &str, text: &str) -> Result<toml::Table> {
    text.parse::<toml::Table>().map_err(|e| {
        Error::parse_at(
            rel.to_string(),
            text,
            e.span(),
            format!("{}; fix Cargo.toml and run again", e.message()),
        )
    })
}

fn read_limited(path: &Path, limit: u64) -> Option<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(limit)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

/// The nearest folder above `root` whose Cargo.toml has a `[workspace]`, with that table.
fn find_workspace(root: &Path) -> Option<(std::path::PathBuf, toml::Table)> {
    let absolute = std::path::absolute(root).ok()?;
    absolute.ancestors().skip(1).take(6).find_map(|dir| {
        let text = read_limited(&dir.join("Cargo.toml"), super::MAX_READ)?;
        let table: toml::Table = text.parse().ok()?;
        table
            .contains_key("workspace")
            .then(|| (dir.to_path_buf(), table))
    })
}

/// Every `(name, version)` of a Cargo.lock.
fn lock_versions(text: &str) -> Vec<(String, (u64, u64, u64))> {
    let mut out = Vec::new();
    let mut name = None;
    for line in text.lines() {
        if line.starts_with("[[package]]") {
            name = None;
        } else if let Some(value) = line.strip_prefix("name = ") {
            name = Some(value.trim_matches('"').to_string());
        } else if let Some(value) = line.strip_prefix("version = ") {
            if let (Some(n), Some(v)) = (name.take(), lowest_version(value.trim_matches('"'))) {
                out.push((n, v));
            }
        }
    }
    out
}

/// The lowest version a requirement allows (`^0.7.5`, `~1.2`, `=0.6.20`, `0.8`, `1`);
/// `None` for open ranges (`>=0.6`, `*`), which Cargo resolves to the newest.
pub fn lowest_version(req: &str) -> Option<(u64, u64, u64)> {
    let first = req.split(',').next()?.trim();
    if first.starts_with(['>', '<', '*']) {
        return None;
    }
    let bare = first.trim_start_matches(['^', '~', '=']).trim();
    let core = bare.split(['-', '+']).next()?;
    let mut parts = core.split('.');
    let number = |p: Option<&str>| match p {
        None | Some("*") | Some("x") => Some(0),
        Some(text) => text.parse::<u64>().ok(),
    };
    Some((
        number(parts.next())?,
        number(parts.next())?,
        number(parts.next())?,
    ))
}

/// The compatibility series of a version: `(0, minor)` below 1.0, else `(major, 0)`.
fn series(v: (u64, u64, u64)) -> (u64, u64) {
    if v.0 == 0 {
        (0, v.1)
    } else {
        (v.0, 0)
    }
}

fn show(v: (u64, u64, u64)) -> String {
    format!("{}.{}.{}", v.0, v.1, v.2)
}

fn show_series(s: (u64, u64)) -> String {
    format!("{}.{}", s.0, s.1)
}

/// Why crate `name` at version `v` cannot serve the generated code, if it cannot.
fn incompatible(name: &str, v: (u64, u64, u64)) -> Option<String> {
    let (_, low, high, what) = COMPATIBLE.iter().find(|(n, ..)| *n == name)?;
    let s = series(v);
    if s >= *low && s < *high {
        return None;
    }
    let wanted = if (high.0 == low.0 && high.1 == low.1 + 1) || (high.0 == low.0 + 1 && low.0 > 0) {
        show_series(*low)
    } else {
        format!(
            "{} to {}",
            show_series(*low),
            show_series((high.0, high.1 - 1))
        )
    };
    Some(format!(
        "{name} {} does not fit {what} (written for {name} {wanted})",
        show(v)
    ))
}

/// Detects a Rust crate's profile.
pub fn detect(root: &Path) -> Result<Profile> {
    let mut profile = Profile::default();
    if !is_file(root, "Cargo.toml") {
        return Ok(profile);
    }
    let manifest = Manifest::load(root, "Cargo.toml")?;
    let Some(package) = manifest
        .table
        .get("package")
        .and_then(toml::Value::as_table)
    else {
        return Err(virtual_workspace(root, &manifest));
    };
    let name = package
        .get("name")
        .and_then(toml::Value::as_str)
        .unwrap_or("app")
        .to_string();
    let edition = edition(package, manifest.workspace.as_ref());
    if edition == "2015" {
        return Err(Error::Invalid {
            path: "Cargo.toml".into(),
            message: "the crate is on edition 2015, and the generated code needs 2018 or later (async fn, `crate::` paths); set `edition = \"2021\"` in [package] (`cargo fix --edition` helps), then run `integrate init` again".into(),
        });
    }
    let targets = targets(root, &manifest.table);
    if targets.is_empty() {
        return Err(Error::Invalid {
            path: "Cargo.toml".into(),
            message: "declares no target integrate can find (no src/lib.rs, src/main.rs, [lib] or [[bin]] path); add one, then run `integrate init` again".into(),
        });
    }
    let kind = match (
        targets.iter().any(|t| t.lib),
        targets.iter().any(|t| !t.lib),
    ) {
        (true, true) => "lib+bin",
        (true, false) => "lib",
        _ => "bin",
    };
    profile.saw(format!(
        "crate {name} ({}: {}), edition {edition}",
        kind.replace('+', " + "),
        targets
            .iter()
            .map(|t| t.root.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    profile.fact("crate_kind", kind);
    profile.fact("edition", &edition);

    // Versions.
    let mut found = Vec::new();
    let mut absent = Vec::new();
    for crate_name in RECORDED {
        match manifest.dep(crate_name) {
            Some(dep) => {
                let text = match (dep.version, &dep.req) {
                    (Some(v), _) if dep.locked => show(v),
                    (_, Some(req)) => req.clone(),
                    _ => "git/path".to_string(),
                };
                found.push(format!("{crate_name} {text}"));
                profile.fact(crate_name, text);
            }
            None => {
                absent.push(*crate_name);
                profile.fact(crate_name, "");
            }
        }
    }
    let source = if manifest.lock.is_empty() {
        "Cargo.toml"
    } else {
        "Cargo.lock"
    };
    profile.saw(format!(
        "{} ({source}){}",
        if found.is_empty() {
            "no crates the kit uses".to_string()
        } else {
            found.join(", ")
        },
        if absent.is_empty() {
            String::new()
        } else {
            format!("; not yet: {}", absent.join(", "))
        }
    ));
    // The tests' tower must be the app's own when it has one (two tower versions under one
    // name do not build).
    match manifest.dep_in("dependencies", "tower") {
        Some(dep) if dep.workspace => profile.fact("tower_workspace", "true"),
        Some(Dep { req: Some(req), .. }) => profile.fact("tower_req", req),
        _ => {}
    }

    // The router.
    let files = module_files(root, &targets);
    let router = find_router(root, &files)?;
    let axum = manifest.dep("axum");
    match &router {
        Router::None if axum.is_none() => {
            profile.saw(
                "no axum Router: webhook routes are not wired (`new --webhooks` waits for one)",
            );
            profile.fact("routes", "none");
            let crate_root = targets.iter().find(|t| t.lib).unwrap_or(&targets[0]);
            set_root(&mut profile, crate_root);
        }
        Router::None => {
            return Err(Error::Invalid {
                path: "Cargo.toml".into(),
                message: format!(
                    "depends on axum, but integrate found no `Router::new()` chain outside conditional code in the crate's sources; add `{ROUTES_CALL}` to the Router your app serves (in a file of the crate whose root will declare `mod integrations;`), then run `integrate init` again"
                ),
            });
        }
        Router::Ambiguous(places) => {
            return Err(Error::Invalid {
                path: places[0].0.clone().into(),
                message: format!(
                    "integrate cannot tell which Router your app serves: {}; add `{ROUTES_CALL}` to that Router (after its layers, before `.with_state(..)`), then run `integrate init` again",
                    places
                        .iter()
                        .map(|(f, l)| format!("{f}:{l}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        Router::Found { file, line, how } => {
            let problems = axum_old(&manifest, axum.as_ref());
            if !problems.is_empty() {
                return Err(refusal(&problems));
            }
            let target = files
                .get(file)
                .and_then(|i| targets.get(*i))
                .unwrap_or(&targets[0]);
            let mode = match how {
                How::LegacyMarker => "marker",
                _ => "merge",
            };
            profile.saw(match how {
                How::Wired => format!("Router in {file}:{line}, already merging integrations::routes()"),
                How::Marker => format!("Router in {file}:{line} (the `// {ROUTES_MARKER}` line): `init` merges integrations::routes() there"),
                How::LegacyMarker => format!("Router in {file}:{line}: webhook routes go to the `// {ROUTES_MARKER}` line, as before"),
                How::Chain => format!("Router built in {file}:{line}: `init` merges integrations::routes() into it"),
            });
            profile.fact("routes", mode);
            profile.path("router_file", file.clone());
            set_root(&mut profile, target);
        }
    }
    // What `new --webhooks` will refuse.
    let later: Vec<String> = ["hmac", "sha2", "reqwest", "toml", "base64", "tower"]
        .iter()
        .filter_map(|c| {
            manifest
                .dep(c)
                .and_then(|d| Some((d.clone(), incompatible(c, d.version?)?)))
        })
        .map(|(dep, why)| {
            format!(
                "{why} (Cargo.toml:{})",
                manifest.line_of(dep.table, &dep.key).unwrap_or(0)
            )
        })
        .collect();
    if !later.is_empty() {
        profile.saw(format!(
            "`new` will refuse until Cargo.toml changes: {}",
            later.join("; ")
        ));
    }

    if let Some(env_file) = ENV_FILES.iter().find(|f| is_file(root, f)) {
        profile.saw(format!("env example file {env_file}"));
        profile.path("env_file", *env_file);
    }
    Ok(profile)
}

fn set_root(profile: &mut Profile, target: &Target) {
    let dir = target.root.rsplit_once('/').map_or("", |(d, _)| d);
    profile.saw(format!(
        "crate root {} ({}) declares `mod integrations;`",
        target.root,
        if target.lib {
            "the library"
        } else {
            "the binary"
        }
    ));
    profile.path("crate_root", target.root.clone());
    profile.path("integrations_dir", super::join(dir, "integrations"));
    profile.fact("root_target", if target.lib { "lib" } else { "bin" });
}

/// axum older than the routes need: `(line, why)`.
fn axum_old(manifest: &Manifest, axum: Option<&Dep>) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let Some(axum) = axum else { return out };
    if let Some(why) = axum.version.and_then(|v| incompatible("axum", v)) {
        out.push((manifest.line_of(axum.table, &axum.key).unwrap_or(0), why));
        // Say at once what else will have to move.
        for name in ["hmac", "sha2", "reqwest", "tower"] {
            if let Some(dep) = manifest.dep(name) {
                if let Some(why) = dep.version.and_then(|v| incompatible(name, v)) {
                    out.push((manifest.line_of(dep.table, &dep.key).unwrap_or(0), why));
                }
            }
        }
    }
    out
}

fn refusal(problems: &[(usize, String)]) -> Error {
    Error::Invalid {
        path: "Cargo.toml".into(),
        message: format!(
            "pins crates the generated code cannot compile against: {}; move each to a version named here, then run `integrate init` again. Nothing was changed",
            problems
                .iter()
                .map(|(line, why)| format!("line {line}: {why}"))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

fn edition(package: &toml::Table, workspace: Option<&toml::Table>) -> String {
    match package.get("edition") {
        Some(toml::Value::String(e)) => e.clone(),
        Some(inherited) if inherited.get("workspace").is_some() => workspace
            .and_then(|w| w.get("workspace")?.get("package")?.get("edition")?.as_str())
            .unwrap_or("2015")
            .to_string(),
        _ => "2015".to_string(),
    }
}

/// The refusal for a virtual workspace manifest, naming the members that build a Router.
fn virtual_workspace(root: &Path, manifest: &Manifest) -> Error {
    let members: Vec<String> = manifest
        .table
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(toml::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|m| m.as_str())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let mut dirs = Vec::new();
    for member in &members {
        match member.strip_suffix("/*") {
            Some(parent) => {
                if let Ok(entries) = std::fs::read_dir(root.join(parent)) {
                    let mut found: Vec<String> = entries
                        .flatten()
                        .filter(|e| e.path().join("Cargo.toml").is_file())
                        .map(|e| format!("{parent}/{}", e.file_name().to_string_lossy()))
                        .collect();
                    found.sort();
                    dirs.extend(found);
                }
            }
            None => dirs.push(member.clone()),
        }
    }
    let serving: Vec<&String> = dirs
        .iter()
        .filter(|d| {
            let member = root.join(d);
            let Ok(table) = read(&member, "Cargo.toml")
                .unwrap_or_default()
                .parse::<toml::Table>()
            else {
                return false;
            };
            let targets = targets(&member, &table);
            module_files(&member, &targets)
                .keys()
                .any(|f| read(&member, f).is_some_and(|t| !Source::new(&t).chains().is_empty()))
        })
        .collect();
    let which = match serving.as_slice() {
        [] => format!("one of its members ({})", dirs.join(", ")),
        [one] => format!("the member that builds the axum Router, {one}"),
        many => format!(
            "the member that serves HTTP (these build axum Routers: {})",
            many.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let example = serving
        .first()
        .map(|s| s.as_str())
        .or(dirs.first().map(String::as_str))
        .unwrap_or("crates/api");
    Error::Invalid {
        path: "Cargo.toml".into(),
        message: format!(
            "is a virtual workspace manifest (no [package]); run `integrate init` in {which}: `integrate -C {example} init`"
        ),
    }
}

/// A crate target: its root file and whether it is the library.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    root: String,
    lib: bool,
}

/// The lib target first, then the binaries, as Cargo finds them.
fn targets(root: &Path, manifest: &toml::Table) -> Vec<Target> {
    let mut out = Vec::new();
    let lib_path = manifest
        .get("lib")
        .and_then(|l| l.get("path"))
        .and_then(toml::Value::as_str)
        .unwrap_or("src/lib.rs");
    if is_file(root, lib_path) {
        out.push(Target {
            root: lib_path.to_string(),
            lib: true,
        });
    }
    let mut bins: Vec<String> = manifest
        .get("bin")
        .and_then(toml::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|b| b.get("path")?.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    bins.push("src/main.rs".to_string());
    if let Ok(entries) = std::fs::read_dir(root.join("src/bin")) {
        let mut found: Vec<String> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                if name.ends_with(".rs") {
                    Some(format!("src/bin/{name}"))
                } else if is_file(root, &format!("src/bin/{name}/main.rs")) {
                    Some(format!("src/bin/{name}/main.rs"))
                } else {
                    None
                }
            })
            .collect();
        found.sort();
        bins.extend(found);
    }
    for bin in bins {
        if is_file(root, &bin) && !out.iter().any(|t| t.root == bin) {
            out.push(Target {
                root: bin,
                lib: false,
            });
        }
    }
    out
}

/// The source files of each target, found by following `mod x;` from its root: file →
/// index of the first target (the library first) that compiles it.
fn module_files(root: &Path, targets: &[Target]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (index, target) in targets.iter().enumerate() {
        let mut queue = VecDeque::from([target.root.clone()]);
        while let Some(file) = queue.pop_front() {
            if out.len() >= MAX_FILES || out.contains_key(&file) {
                continue;
            }
            let Some(text) = read(root, &file) else {
                continue;
            };
            out.insert(file.clone(), index);
            let dir = if file == target.root || file.ends_with("/mod.rs") {
                file.rsplit_once('/')
                    .map_or(String::new(), |(d, _)| d.to_string())
            } else {
                file.trim_end_matches(".rs").to_string()
            };
            let masked = rs::mask(&text);
            for line in masked.lines() {
                let t = line.trim();
                let Some(name) = child_module(t) else {
                    continue;
                };
                let flat = super::join(&dir, &format!("{name}.rs"));
                let nested = super::join(&dir, &format!("{name}/mod.rs"));
                if is_file(root, &flat) {
                    queue.push_back(flat);
                } else if is_file(root, &nested) {
                    queue.push_back(nested);
                }
            }
        }
    }
    out
}

/// `x` in `mod x;` / `pub mod x;` / `pub(crate) mod x;`.
fn child_module(line: &str) -> Option<&str> {
    let at = line.find("mod ")?;
    let before = line[..at].trim();
    if !(before.is_empty() || before.starts_with("pub")) {
        return None;
    }
    let rest = line[at + 4..].trim();
    let name = rest.strip_suffix(';')?.trim();
    (!name.is_empty() && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_'))
        .then_some(name)
}

/// How `init` wires the routes into the Router it found.
#[derive(Debug, Clone, PartialEq, Eq)]
enum How {
    /// `integrations::routes()` is merged already.
    Wired,
    /// Above the `// integrate:routes` line.
    Marker,
    /// Per-integration routes at the marker, as the kit did before (integrations recorded
    /// that way keep it).
    LegacyMarker,
    /// Into the chain.
    Chain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Router {
    None,
    Ambiguous(Vec<(String, usize)>),
    Found { file: String, line: usize, how: How },
}

/// The file and line of the app's Router among `files`.
fn find_router(root: &Path, files: &BTreeMap<String, usize>) -> Result<Router> {
    let sources: Vec<(String, String)> = files
        .keys()
        .filter(|f| !f.contains("/integrations/"))
        .filter_map(|f| Some((f.clone(), read(root, f)?)))
        .collect();
    let analysed: Vec<(&str, Source)> = sources
        .iter()
        .map(|(f, t)| (f.as_str(), Source::new(t)))
        .collect();
    for (file, source) in &analysed {
        if let Some(line) = rs::wired(source, ROUTES_CALL) {
            return Ok(Router::Found {
                file: file.to_string(),
                line,
                how: How::Wired,
            });
        }
    }
    let marked: Vec<(&str, usize)> = analysed
        .iter()
        .filter_map(|(f, s)| {
            Some((
                *f,
                s.text.lines().position(|l| l.contains(ROUTES_MARKER))? + 1,
            ))
        })
        .collect();
    match marked.as_slice() {
        [(file, line)] => {
            let text = analysed
                .iter()
                .find(|(f, _)| f == file)
                .map(|(_, s)| s.text)
                .unwrap_or("");
            let generated = text
                .lines()
                .any(|l| l.contains(">>> integrate ") && l.trim_end().ends_with(" routes"));
            let old_factory = files.keys().any(|f| f.ends_with("integrations/mod.rs"))
                && !files
                    .keys()
                    .filter(|f| f.ends_with("integrations/mod.rs"))
                    .any(|f| read(root, f).is_some_and(|t| t.contains("pub fn routes")));
            let how = if generated || old_factory {
                How::LegacyMarker
            } else {
                How::Marker
            };
            return Ok(Router::Found {
                file: file.to_string(),
                line: *line,
                how,
            });
        }
        [] => {}
        many => {
            return Ok(Router::Ambiguous(
                many.iter().map(|(f, l)| (f.to_string(), *l)).collect(),
            ));
        }
    }
    // Identifiers used in router arguments, per file.
    let used: Vec<Vec<String>> = analysed
        .iter()
        .map(|(_, s)| s.used_in(&s.chains()))
        .collect();
    let mut candidates = Vec::new();
    for (index, (file, source)) in analysed.iter().enumerate() {
        let elsewhere: Vec<String> = used
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != index)
            .flat_map(|(_, u)| u.iter().cloned())
            .collect();
        for chain in rs::roots(source, &elsewhere) {
            let serves = ["serve(", "into_make_service", "Server::bind"]
                .iter()
                .any(|s| source.masked.contains(s));
            candidates.push((chain.score() + if serves { 2 } else { 0 }, *file, chain));
        }
    }
    let Some(top) = candidates.iter().map(|c| c.0).max() else {
        return Ok(Router::None);
    };
    let tops: Vec<&(u32, &str, rs::Chain)> = candidates.iter().filter(|c| c.0 == top).collect();
    let [(_, file, chain)] = tops.as_slice() else {
        return Ok(Router::Ambiguous(
            tops.iter()
                .map(|(_, f, c)| (f.to_string(), c.line))
                .collect(),
        ));
    };
    // The editor sees one file: it must choose the same chain.
    let source = &analysed
        .iter()
        .find(|(f, _)| f == file)
        .map(|(_, s)| s)
        .expect("an analysed file");
    if !matches!(rs::target(source.text, ROUTES_CALL, None), Ok(rs::Target::Chain(ref c)) if c.start == chain.start)
    {
        let lines = rs::roots(source, &[])
            .iter()
            .map(|c| (file.to_string(), c.line))
            .collect();
        return Ok(Router::Ambiguous(lines));
    }
    Ok(Router::Found {
        file: file.to_string(),
        line: chain.line,
        how: How::Chain,
    })
}

/// Refuses a Cargo.toml merge that would leave code that cannot build: a dependency the
/// fragment needs is there at a version the generated code cannot use, lacks a feature the
/// tests need, or would be added a second time at another version.
pub fn check_merge(root: &Path, path: &str, current: &str, fragment: &str) -> Result<()> {
    let Ok(table) = current.parse::<toml::Table>() else {
        return Ok(()); // The merge reports the syntax error with its position.
    };
    let Ok(wanted) = fragment.parse::<toml::Table>() else {
        return Ok(());
    };
    let dir = Path::new(path)
        .parent()
        .map(|p| root.join(p))
        .unwrap_or_else(|| root.to_path_buf());
    let (workspace, lock_dir) = match find_workspace(&dir) {
        Some((d, t)) => (Some(t), Some(d)),
        None => (None, None),
    };
    let lock = [Some(dir.clone()), lock_dir]
        .into_iter()
        .flatten()
        .find_map(|d| read_limited(&d.join("Cargo.lock"), MAX_LOCK));
    let manifest = Manifest {
        table,
        text: current.to_string(),
        workspace,
        lock: lock.as_deref().map(lock_versions).unwrap_or_default(),
    };
    let mut problems = Vec::new();
    for table in ["dependencies", "dev-dependencies"] {
        let Some(deps) = wanted.get(table).and_then(toml::Value::as_table) else {
            continue;
        };
        for (name, spec) in deps {
            let Some(dep) = manifest.dep(name) else {
                continue;
            };
            let line = manifest.line_of(dep.table, &dep.key).unwrap_or(0);
            if dep.key.replace('-', "_") != name.replace('-', "_") {
                problems.push((line, format!("{name} is imported as `{}`, but the generated code names it `{name}`; rename the key to `{name}`", dep.key)));
                continue;
            }
            if let Some(why) = dep.version.and_then(|v| incompatible(name, v)) {
                problems.push((line, why));
                continue;
            }
            let wanted_req = match spec {
                toml::Value::String(s) => Some(s.clone()),
                other => other
                    .get("version")
                    .and_then(toml::Value::as_str)
                    .map(str::to_string),
            };
            // A crate in [dependencies] the fragment adds to [dev-dependencies] at another
            // series would be two crates of one name.
            if dep.table != table && manifest.dep_in(table, name).is_none() {
                let ours = wanted_req.as_deref().and_then(lowest_version).map(series);
                let theirs = dep.version.map(series);
                if let (Some(ours), Some(theirs)) = (ours, theirs) {
                    if ours != theirs && spec.get("workspace").is_none() {
                        problems.push((line, format!("{name} {} in [{}] and {} in [{table}] would be two crates named {name}; run `integrate init` again so the kit follows your version", show_series(theirs), dep.table, show_series(ours))));
                    }
                }
            }
            if dep.table == table {
                let needs: &[&[&str]] = match name.as_str() {
                    "tokio" if table == "dev-dependencies" => {
                        &[&["macros", "full"], &["rt", "rt-multi-thread", "full"]]
                    }
                    "tower" => &[&["util", "full"]],
                    _ => &[],
                };
                for options in needs {
                    if !options.iter().any(|f| dep.features.iter().any(|h| h == f)) {
                        problems.push((
                            line,
                            format!(
                                "{name} lacks the `{}` feature {} need; add it to `features`",
                                options[0],
                                COMPATIBLE
                                    .iter()
                                    .find(|c| c.0 == name)
                                    .map_or("the generated tests", |c| c.3)
                            ),
                        ));
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::Invalid {
        path: path.into(),
        message: format!(
            "{}; change it and run again. Nothing was changed",
            problems
                .iter()
                .map(|(line, why)| format!("line {line}: {why}"))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    })
}

/// Refuses `new` when the recorded profile cannot serve the answers: webhooks in a crate
/// with no Router to serve them.
pub fn preflight(profile: &Map<String, Value>, context: &Value) -> Result<()> {
    let routes = profile.get("routes").and_then(Value::as_str).unwrap_or("");
    if routes == "none" && context.get("webhooks").and_then(Value::as_bool) == Some(true) {
        return Err(Error::Invalid {
            path: "integrate.toml".into(),
            message: "[profile] routes = \"none\": `init` found no axum Router in this crate, so a webhook route would not be served; build your app's Router (axum 0.7 or 0.8) and run `integrate init` again, or run `integrate new` with --no-webhooks".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_give_their_lowest_version() {
        assert_eq!(lowest_version("0.7"), Some((0, 7, 0)));
        assert_eq!(lowest_version("^0.3.4"), Some((0, 3, 4)));
        assert_eq!(lowest_version("=1.2.3-beta.5"), Some((1, 2, 3)));
        assert_eq!(lowest_version("~1"), Some((1, 0, 0)));
        assert_eq!(lowest_version(">=0.6, <0.9"), None);
        assert_eq!(lowest_version("*"), None);
    }

    #[test]
    fn compatibility_follows_the_series() {
        assert!(incompatible("axum", (0, 7, 9)).is_none());
        assert!(incompatible("axum", (0, 8, 4)).is_none());
        assert_eq!(
            incompatible("axum", (0, 3, 4)).unwrap(),
            "axum 0.3.4 does not fit the webhook routes (written for axum 0.7 to 0.8)"
        );
        assert_eq!(
            incompatible("hmac", (0, 11, 0)).unwrap(),
            "hmac 0.11.0 does not fit the webhook verifiers (written for hmac 0.12)"
        );
        assert!(incompatible("tokio", (1, 45, 0)).is_none());
        assert!(incompatible("unknown", (0, 1, 0)).is_none());
    }

    #[test]
    fn the_lock_chooses_the_version_of_the_requirement() {
        let lock = "[[package]]\nname = \"axum\"\nversion = \"0.6.20\"\n\n[[package]]\nname = \"axum\"\nversion = \"0.8.4\"\n";
        let manifest = Manifest {
            table: "[dependencies]\naxum = { version = \"0.8\", features = [\"macros\"] }\n"
                .parse()
                .unwrap(),
            text: String::new(),
            workspace: None,
            lock: lock_versions(lock),
        };
        let dep = manifest.dep("axum").unwrap();
        assert_eq!(dep.version, Some((0, 8, 4)));
        assert!(dep.locked);
        assert_eq!(dep.features, ["macros"]);
    }

    #[test]
    fn a_merge_onto_old_pins_is_refused_with_lines() {
        let current = "[package]\nname = \"x\"\n\n[dependencies]\naxum = \"0.3.4\"\nhmac = \"0.11\"\n\n[dev-dependencies]\ntower = \"0.4\"\n";
        let fragment = "[dependencies]\naxum = \"0.8\"\nhmac = \"0.12\"\n[dev-dependencies]\ntower = { version = \"0.5\", features = [\"util\"] }\n";
        let dir = tempfile::tempdir().unwrap();
        let err = check_merge(dir.path(), "Cargo.toml", current, fragment)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("Cargo.toml: line 5: axum 0.3.4"), "{err}");
        assert!(err.contains("line 6: hmac 0.11.0"), "{err}");
        assert!(
            err.contains("line 9: tower lacks the `util` feature"),
            "{err}"
        );
        let fine = "[dependencies]\naxum = \"0.7\"\ntower = \"0.4\"\n";
        let dev = "[dev-dependencies]\ntower = { version = \"0.4\", features = [\"util\"] }\n";
        check_merge(dir.path(), "Cargo.toml", fine, dev).unwrap();
        let twice = "[dev-dependencies]\ntower = { version = \"0.5\", features = [\"util\"] }\n";
        let err = check_merge(dir.path(), "Cargo.toml", fine, twice)
            .unwrap_err()
            .to_string();
        assert!(err.contains("two crates named tower"), "{err}");
    }

    #[test]
    fn child_modules_are_declarations_only() {
        assert_eq!(child_module("pub mod routes;"), Some("routes"));
        assert_eq!(child_module("pub(crate) mod db;"), Some("db"));
        assert_eq!(child_module("mod tests {"), None);
        assert_eq!(child_module("let mod_x = 1;"), None);
    }
}
