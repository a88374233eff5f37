//! `integrate scan`: finds integrations that `integrate` did not generate — official SDK
//! packages of catalog services in the dependency manifests, service env var names in
//! `.env.example`, and webhook routes — each with the file and line it was seen on.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::json;

use crate::catalog::{Catalog, Packages};
use crate::choices::Category;
use crate::commands::lifecycle::{print_line, Project};
use crate::commands::App;
use crate::error::Result;

/// Services `integrate new` cannot generate (their APIs need request signing none of the
/// auth styles does) but whose SDKs `scan` should still recognise: id, display name,
/// category, packages per registry, env var prefixes.
struct SdkOnly {
    id: &'static str,
    display_name: &'static str,
    category: Category,
    pypi: &'static [&'static str],
    npm: &'static [&'static str],
    rubygems: &'static [&'static str],
    crates: &'static [&'static str],
    env_prefixes: &'static [&'static str],
}

const SDK_ONLY: &[SdkOnly] = &[SdkOnly {
    id: "aws-s3",
    display_name: "Amazon S3",
    category: Category::Storage,
    // boto3 is the whole AWS SDK; in application repos it is overwhelmingly the S3 client.
    pypi: &["boto3", "aioboto3", "s3fs"],
    npm: &["@aws-sdk/client-s3", "@aws-sdk/lib-storage", "aws-sdk"],
    rubygems: &["aws-sdk-s3"],
    crates: &["aws-sdk-s3", "rust-s3"],
    env_prefixes: &["AWS_"],
}];

/// Folders never scanned: dependencies, build output, caches, version control.
const SKIP_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".integrate",
    ".venv",
    "venv",
    "node_modules",
    "target",
    "vendor",
    "dist",
    "build",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".next",
    "coverage",
    "tmp",
    "log",
];

/// Env files whose names are read.
const ENV_FILES: &[&str] = &[
    ".env.example",
    ".env.sample",
    ".env.template",
    ".env.dist",
    "env.example",
];

/// Source files looked at for webhook routes.
const SOURCE_EXTS: &[&str] = &["py", "rb", "ts", "tsx", "js", "mjs", "cjs", "rs"];

/// One piece of evidence: where a service showed up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub path: String,
    pub line: usize,
    /// `package`, `env` or `webhook`.
    pub kind: &'static str,
    /// The package, variable or route text.
    pub detail: String,
}

impl Evidence {
    pub fn describe(&self) -> String {
        let what = match self.kind {
            "package" => format!("package `{}`", self.detail),
            "env" => format!("env var {}", self.detail),
            _ => format!("webhook route `{}`", self.detail),
        };
        format!("{}:{}: {what}", self.path, self.line)
    }
}

/// A service found by scan.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    pub service: String,
    pub display_name: String,
    pub category: Category,
    pub evidence: Vec<Evidence>,
}

impl Found {
    /// Evidence of one kind.
    pub fn of(&self, kind: &str) -> Vec<&Evidence> {
        self.evidence.iter().filter(|e| e.kind == kind).collect()
    }
}

/// Everything a scan found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Scan {
    /// Services not recorded in integrate.toml, by id.
    pub found: Vec<Found>,
    /// Webhook routes that name no known service.
    pub other_webhooks: Vec<Evidence>,
    /// What was seen of the services recorded in integrate.toml (e.g. their official SDK
    /// next to the generated client).
    pub recorded: Vec<Found>,
}

struct Known {
    id: String,
    display_name: String,
    category: Category,
    packages: Packages,
    env_names: Vec<String>,
    env_prefixes: Vec<String>,
}

fn known_services(catalog: &Catalog) -> Vec<Known> {
    let mut out: Vec<Known> = catalog
        .entries
        .iter()
        .map(|(id, entry)| Known {
            id: id.clone(),
            display_name: entry.display_name.clone(),
            category: entry.category.unwrap_or(Category::Other),
            packages: entry.packages.clone(),
            env_names: entry.env.values().cloned().collect(),
            env_prefixes: vec![format!("{}_", id.replace('-', "_").to_ascii_uppercase())],
        })
        .collect();
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for extra in SDK_ONLY {
        if out.iter().any(|k| k.id == extra.id) {
            continue;
        }
        out.push(Known {
            id: extra.id.to_string(),
            display_name: extra.display_name.to_string(),
            category: extra.category,
            packages: Packages {
                pypi: strings(extra.pypi),
                npm: strings(extra.npm),
                rubygems: strings(extra.rubygems),
                crates: strings(extra.crates),
            },
            env_names: Vec::new(),
            env_prefixes: strings(extra.env_prefixes),
        });
    }
    out
}

/// Runs `scan`.
pub fn run(app: &App, json_out: bool) -> Result<()> {
    // Scanning needs no record: before `integrate init` nothing is recorded.
    let (root, recorded) = match crate::repo::find_root(&app.dir) {
        Ok(_) => {
            let project = Project::load(app)?;
            let services = project.record.services();
            (project.root, services)
        }
        Err(_) => (crate::repo::find_init_root(&app.dir)?, Vec::new()),
    };
    let catalog = Catalog::load(Some(&root))?;
    let mut read = crate::commands::lifecycle::read_disk(&root);
    let result = scan(&root, &catalog, &recorded, &mut read);
    if json_out {
        print_line(&serde_json::to_string_pretty(&json!(result)).unwrap_or_default());
        return Ok(());
    }
    if result.found.is_empty() && result.other_webhooks.is_empty() {
        app.reporter
            .note("no integrations found besides those in integrate.toml");
        return Ok(());
    }
    for found in &result.found {
        print_line(&format!(
            "{} ({}, {})",
            found.service, found.display_name, found.category
        ));
        for evidence in &found.evidence {
            print_line(&format!("  {}", evidence.describe()));
        }
    }
    if !result.other_webhooks.is_empty() {
        print_line("webhook routes of unknown services");
        for evidence in &result.other_webhooks {
            print_line(&format!("  {}", evidence.describe()));
        }
    }
    app.reporter.note(&format!(
        "{} integration(s) not generated by integrate; `integrate docs` lists them as found by scan",
        result.found.len()
    ));
    Ok(())
}

/// Scans the repo at `root`, reading files through `read`, and reports every known service
/// that is not in `recorded`.
pub fn scan(
    root: &Path,
    catalog: &Catalog,
    recorded: &[String],
    read: &mut dyn FnMut(&str) -> Option<String>,
) -> Scan {
    let known = known_services(catalog);
    let mut files = Vec::new();
    walk(root, "", 0, &mut files);
    let mut hits: BTreeMap<String, Vec<Evidence>> = BTreeMap::new();
    let mut other_webhooks = Vec::new();
    for path in files {
        let name = path.rsplit('/').next().unwrap_or(&path).to_string();
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        let in_requirements_dir = path.contains("requirements/");
        let kind = if (name.starts_with("requirements") || in_requirements_dir)
            && (ext == "txt" || ext == "in")
        {
            Some("requirements")
        } else if name == "pyproject.toml" || name == "Pipfile" {
            Some("pyproject")
        } else if name == "package.json" {
            Some("package.json")
        } else if name == "Gemfile" {
            Some("Gemfile")
        } else if name == "Cargo.toml" {
            Some("Cargo.toml")
        } else if ENV_FILES.contains(&name.as_str()) {
            Some("env")
        } else if SOURCE_EXTS.contains(&ext) {
            Some("source")
        } else {
            None
        };
        let Some(kind) = kind else { continue };
        let Some(text) = read(&path) else { continue };
        if text.len() > 512 * 1024 {
            continue;
        }
        match kind {
            "env" => {
                for (index, line) in text.lines().enumerate() {
                    let Some(key) = crate::editors::env::line_key(line) else {
                        continue;
                    };
                    if let Some(service) = known.iter().find(|k| {
                        k.env_names.iter().any(|n| n == key)
                            || k.env_prefixes.iter().any(|p| key.starts_with(p.as_str()))
                    }) {
                        hits.entry(service.id.clone()).or_default().push(Evidence {
                            path: path.clone(),
                            line: index + 1,
                            kind: "env",
                            detail: key.to_string(),
                        });
                    }
                }
            }
            "source" => {
                for (index, line, route) in webhook_routes(&text) {
                    let lower = line.to_ascii_lowercase();
                    let evidence = Evidence {
                        path: path.clone(),
                        line: index + 1,
                        kind: "webhook",
                        detail: route,
                    };
                    match known.iter().find(|k| names_service(&lower, &k.id)) {
                        Some(service) => hits.entry(service.id.clone()).or_default().push(evidence),
                        None => other_webhooks.push(evidence),
                    }
                }
            }
            manifest => {
                for (line, package) in packages(manifest, &text) {
                    let registry = |p: &Packages| -> Vec<String> {
                        match manifest {
                            "requirements" | "pyproject" => p.pypi.clone(),
                            "package.json" => p.npm.clone(),
                            "Gemfile" => p.rubygems.clone(),
                            _ => p.crates.clone(),
                        }
                    };
                    let normal = normalize(&package);
                    if let Some(service) = known
                        .iter()
                        .find(|k| registry(&k.packages).iter().any(|p| normalize(p) == normal))
                    {
                        hits.entry(service.id.clone()).or_default().push(Evidence {
                            path: path.clone(),
                            line,
                            kind: "package",
                            detail: package,
                        });
                    }
                }
            }
        }
    }
    let recorded_ids: Vec<String> = recorded.iter().map(|r| normalize(r)).collect();
    let mut found = Vec::new();
    let mut seen_recorded = Vec::new();
    for (id, evidence) in hits {
        let Some(service) = known.iter().find(|k| k.id == id) else {
            continue;
        };
        let item = Found {
            service: id.clone(),
            display_name: service.display_name.clone(),
            category: service.category,
            evidence,
        };
        if recorded_ids.contains(&normalize(&id)) {
            seen_recorded.push(item);
        } else if item.evidence.iter().any(|e| e.kind != "env")
            || item.evidence.iter().filter(|e| e.kind == "env").count() >= 2
        {
            // An env var prefix alone (e.g. one `GITHUB_TOKEN` for CI) is weak evidence; a
            // package, a route, or two variables make a finding.
            found.push(item);
        }
    }
    Scan {
        found,
        other_webhooks,
        recorded: seen_recorded,
    }
}

fn walk(root: &Path, relative: &str, depth: usize, out: &mut Vec<String>) {
    if depth > 10 || out.len() > 50_000 {
        return;
    }
    let dir = if relative.is_empty() {
        root.to_path_buf()
    } else {
        root.join(relative)
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().to_string();
        let path = if relative.is_empty() {
            name.clone()
        } else {
            format!("{relative}/{name}")
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !SKIP_DIRS.contains(&name.as_str()) {
                walk(root, &path, depth + 1, out);
            }
        } else if kind.is_file() {
            out.push(path);
        }
    }
}

/// Package names compared the way registries compare them: case-insensitive, with `_` and
/// `.` equal to `-`.
fn normalize(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace(['_', '.'], "-")
}

/// The leading package name of a requirement such as `stripe[async]>=7 ; python_version>"3"`.
fn requirement_name(spec: &str) -> Option<String> {
    let spec = spec.trim();
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    let name = &spec[..end];
    (!name.is_empty()
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric()))
    .then(|| name.to_string())
}

/// `(line, package)` for each dependency a manifest declares.
fn packages(manifest: &str, text: &str) -> Vec<(usize, String)> {
    match manifest {
        "requirements" => text
            .lines()
            .enumerate()
            .filter_map(|(index, line)| {
                let line = line.split(" #").next().unwrap_or(line).trim();
                if line.is_empty() || line.starts_with('#') || line.starts_with('-') {
                    return None;
                }
                let spec = line.split_once(" @ ").map(|(n, _)| n).unwrap_or(line);
                requirement_name(spec).map(|name| (index + 1, name))
            })
            .collect(),
        "Gemfile" => text
            .lines()
            .enumerate()
            .filter_map(|(index, line)| {
                let rest = line.trim_start().strip_prefix("gem")?;
                let rest = rest.trim_start().strip_prefix(['(', ' ']).unwrap_or(rest);
                let rest = rest.trim_start();
                let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
                let name = rest[1..].split(quote).next()?;
                (!name.is_empty()).then(|| (index + 1, name.to_string()))
            })
            .collect(),
        "package.json" => {
            let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
                return Vec::new();
            };
            let mut names = Vec::new();
            for table in [
                "dependencies",
                "devDependencies",
                "peerDependencies",
                "optionalDependencies",
            ] {
                if let Some(deps) = value.get(table).and_then(|d| d.as_object()) {
                    names.extend(deps.keys().cloned());
                }
            }
            names
                .into_iter()
                .map(|name| {
                    let needle = format!("\"{name}\"");
                    let line = text
                        .lines()
                        .position(|l| l.contains(&needle) && l.contains(':'))
                        .map_or(1, |i| i + 1);
                    (line, name)
                })
                .collect()
        }
        _ => toml_packages(manifest, text),
    }
}

/// Dependencies of pyproject.toml / Pipfile (PEP 621, dependency groups, Poetry) and
/// Cargo.toml (every dependencies table, renamed packages by their real name).
fn toml_packages(manifest: &str, text: &str) -> Vec<(usize, String)> {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut names: Vec<String> = Vec::new();
    let keys_of = |value: Option<&toml::Value>, names: &mut Vec<String>, cargo: bool| {
        if let Some(table) = value.and_then(|v| v.as_table()) {
            for (key, spec) in table {
                let real = if cargo {
                    spec.get("package").and_then(|p| p.as_str()).unwrap_or(key)
                } else {
                    key
                };
                names.push(real.to_string());
            }
        }
    };
    let specs_of = |value: Option<&toml::Value>, names: &mut Vec<String>| {
        if let Some(list) = value.and_then(|v| v.as_array()) {
            names.extend(
                list.iter()
                    .filter_map(|v| v.as_str())
                    .filter_map(requirement_name),
            );
        }
    };
    if manifest == "Cargo.toml" {
        for table in ["dependencies", "dev-dependencies", "build-dependencies"] {
            keys_of(doc.get(table), &mut names, true);
        }
        if let Some(targets) = doc.get("target").and_then(|t| t.as_table()) {
            for target in targets.values() {
                for table in ["dependencies", "dev-dependencies", "build-dependencies"] {
                    keys_of(target.get(table), &mut names, true);
                }
            }
        }
        keys_of(
            doc.get("workspace").and_then(|w| w.get("dependencies")),
            &mut names,
            true,
        );
    } else {
        let project = doc.get("project");
        specs_of(project.and_then(|p| p.get("dependencies")), &mut names);
        if let Some(optional) = project
            .and_then(|p| p.get("optional-dependencies"))
            .and_then(|o| o.as_table())
        {
            for list in optional.values() {
                specs_of(Some(list), &mut names);
            }
        }
        if let Some(groups) = doc.get("dependency-groups").and_then(|g| g.as_table()) {
            for list in groups.values() {
                specs_of(Some(list), &mut names);
            }
        }
        let poetry = doc.get("tool").and_then(|t| t.get("poetry"));
        for table in ["dependencies", "dev-dependencies"] {
            keys_of(poetry.and_then(|p| p.get(table)), &mut names, false);
        }
        if let Some(groups) = poetry
            .and_then(|p| p.get("group"))
            .and_then(|g| g.as_table())
        {
            for group in groups.values() {
                keys_of(group.get("dependencies"), &mut names, false);
            }
        }
        for table in ["packages", "dev-packages"] {
            keys_of(doc.get(table), &mut names, false);
        }
    }
    names
        .into_iter()
        .map(|name| (toml_line(text, &name), name))
        .collect()
}

/// The first line that declares `name`: as a key (`name = `, `name.workspace`,
/// `[dependencies.name]`) or as the start of a quoted requirement.
fn toml_line(text: &str, name: &str) -> usize {
    let wanted = normalize(name);
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') {
            continue;
        }
        let header = trimmed
            .strip_prefix('[')
            .map(|h| h.trim_end_matches(']').rsplit('.').next().unwrap_or(""));
        let key = trimmed
            .split(['=', '.'])
            .next()
            .map(|k| k.trim().trim_matches('"'));
        if header.is_some_and(|h| normalize(h) == wanted)
            || (header.is_none()
                && trimmed.contains('=')
                && key.is_some_and(|k| normalize(k) == wanted))
        {
            return index + 1;
        }
        for quoted in trimmed.split(['"', '\'']).skip(1).step_by(2) {
            if requirement_name(quoted).is_some_and(|n| normalize(&n) == wanted) {
                return index + 1;
            }
        }
    }
    1
}

/// `(index, line, route)` for each line that declares a route whose path mentions webhooks.
fn webhook_routes(text: &str) -> Vec<(usize, &str, String)> {
    // Route declarations of Django (`path(`), Rails (`post "/x"`), Express-style routers
    // (`.post(`, `.all(`, `.use(`) and axum (`.route(`). Webhooks arrive as POST, so plain
    // GET routes are not looked at.
    const CALLS: &[&str] = &[
        "path(", "re_path(", "url(", "route(", ".post(", ".all(", ".use(", "post ", "post(",
        "match ", "mount ",
    ];
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let lower = line.to_ascii_lowercase();
        if !lower.contains("webhook") || !CALLS.iter().any(|c| lower.contains(c)) {
            continue;
        }
        let trimmed = lower.trim_start();
        if trimmed.starts_with('#') || trimmed.starts_with("//") || trimmed.starts_with("import ") {
            continue;
        }
        let Some(route) = line.split(['"', '\'']).skip(1).step_by(2).find(|s| {
            // A URL path: has a `/`, no spaces, and no file extension (not a module path).
            s.to_ascii_lowercase().contains("webhook") && s.contains('/') && !s.contains([' ', '.'])
        }) else {
            continue;
        };
        out.push((index, line, route.to_string()));
    }
    out
}

/// Whether a lowercase line names service `id` as a word (`stripe`, `stripe_connect`,
/// `stripeconnect`).
fn names_service(lower: &str, id: &str) -> bool {
    let forms = [id.to_string(), id.replace('-', "_"), id.replace('-', "")];
    forms.iter().any(|form| {
        lower.match_indices(form.as_str()).any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let after = lower[at + form.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric())
                && !after.is_some_and(|c| c.is_ascii_alphanumeric())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_lines_give_names() {
        let text =
            "# deps\nstripe==7.0  # payments\n-r base.txt\ntwilio[async]>=9\nboto3 @ https://x\n";
        let names: Vec<(usize, String)> = packages("requirements", text);
        assert_eq!(
            names,
            vec![
                (2, "stripe".to_string()),
                (4, "twilio".to_string()),
                (5, "boto3".to_string())
            ]
        );
    }

    #[test]
    fn gemfile_and_toml_lines() {
        let gems = packages(
            "Gemfile",
            "source 'x'\ngem 'stripe', '~> 12'\n  gem(\"twilio-ruby\")\n",
        );
        assert_eq!(gems, vec![(2, "stripe".into()), (3, "twilio-ruby".into())]);
        let cargo = "[package]\nname = \"app\"\n\n[dependencies]\nserde = \"1\"\nstripe = { package = \"async-stripe\", version = \"0.39\" }\n\n[dependencies.aws-sdk-s3]\nversion = \"1\"\n";
        let names = packages("Cargo.toml", cargo);
        assert!(
            names.contains(&(6, "async-stripe".to_string())),
            "{names:?}"
        );
        assert!(names.contains(&(8, "aws-sdk-s3".to_string())), "{names:?}");
        let py = "[project]\nname = \"stripe-shop\"\ndependencies = [\n  \"Django>=5\",\n  \"stripe>=7\",\n]\n[tool.poetry.dependencies]\ntwilio = \"^9\"\n";
        let names = packages("pyproject", py);
        assert!(names.contains(&(5, "stripe".to_string())), "{names:?}");
        assert!(names.contains(&(8, "twilio".to_string())), "{names:?}");
    }

    #[test]
    fn routes_name_their_service_as_a_word() {
        let routes = webhook_routes("urlpatterns = [\n    path(\"webhooks/stripe/\", views.hook),\n    # path(\"webhooks/old/\")\n]\n");
        assert_eq!(routes.len(), 1);
        assert_eq!(routes[0].2, "webhooks/stripe/");
        assert!(names_service("path(\"webhooks/stripe/\"", "stripe"));
        assert!(!names_service("path(\"webhooks/stripes/\"", "stripe"));
    }
}
