//! Signs that a service is already in a repo before `integrate new` adds it: its SDK in a
//! dependency manifest, its env vars in the env file or the settings, its folder among the
//! integrations. Pure: it looks only at the texts `new` reads anyway, so it costs no walk.

use crate::catalog::Entry;
use crate::editors::env::Syntax;
use crate::names::ServiceName;

/// One sign, at a file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sign {
    /// What was seen (`package stripe`, `STRIPE_SECRET_KEY`).
    pub what: String,
    /// `path:line`, or the folder.
    pub at: String,
}

impl std::fmt::Display for Sign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}", self.what, self.at)
    }
}

/// The signs of `service` in `files` (path and text before this run's edits).
pub fn signs(
    service: &ServiceName,
    entry: Option<&Entry>,
    files: &[(String, String)],
) -> Vec<Sign> {
    let packages: Vec<&str> = entry
        .map(|e| {
            let p = &e.packages;
            p.pypi
                .iter()
                .chain(&p.npm)
                .chain(&p.rubygems)
                .chain(&p.crates)
                .map(String::as_str)
                .collect()
        })
        .unwrap_or_default();
    let prefix = format!("{}_", service.shouty);
    let route = format!("webhooks/{}", service.kebab);
    let mut names: Vec<&str> = entry
        .map(|e| e.env.values().map(String::as_str).collect())
        .unwrap_or_default();
    names.retain(|n| !n.is_empty());
    let mut out = Vec::new();
    for (path, text) in files {
        for (index, line) in text.lines().enumerate() {
            let at = || format!("{path}:{}", index + 1);
            let manifest = is_manifest(path);
            if let Some(package) = packages
                .iter()
                .find(|p| manifest && names_package(path, line, p))
            {
                out.push(Sign {
                    what: format!("package `{package}`"),
                    at: at(),
                });
                continue;
            }
            if !manifest && mentions_route(line, &route) {
                out.push(Sign {
                    what: format!("route `/{route}`"),
                    at: at(),
                });
                continue;
            }
            let word = line
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .find(|w| names.contains(w) || (w.starts_with(&prefix) && w.len() > prefix.len()));
            if let Some(word) = word {
                out.push(Sign {
                    what: format!("`{word}`"),
                    at: at(),
                });
            }
        }
    }
    out
}

/// Whether `line` names the webhook path `route` (`webhooks/stripe`) as a whole segment.
fn mentions_route(line: &str, route: &str) -> bool {
    line.match_indices(route).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + route.len()..].chars().next();
        matches!(before, Some('"' | '\'' | '/' | '^'))
            && matches!(after, Some('"' | '\'' | '/' | '$'))
    })
}

/// Whether `path` names a dependency manifest (requirements*.txt, pyproject.toml, Pipfile,
/// package.json, Gemfile, Cargo.toml).
/// Whether `path` names a dependency manifest (requirements, pyproject, Pipfile,
/// package.json, Gemfile, Cargo.toml).
pub fn is_manifest(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".txt")
        || matches!(
            name,
            "pyproject.toml" | "Pipfile" | "package.json" | "Gemfile" | "Cargo.toml"
        )
}

/// Whether manifest `path` holding `text` declares `package` on some line.
pub fn declares(path: &str, text: &str, package: &str) -> bool {
    text.lines().any(|line| names_package(path, line, package))
}

/// Whether `line` of manifest `path` declares `package`: a line of a requirements file, a
/// TOML key or array string, a Gemfile `gem`, a package.json key.
fn names_package(path: &str, line: &str, package: &str) -> bool {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') || trimmed.starts_with("//") {
        return false;
    }
    if path.ends_with(".txt") {
        let wanted = package.to_ascii_lowercase().replace(['_', '.'], "-");
        return Syntax::Requirements
            .key(trimmed)
            .is_some_and(|k| k == wanted);
    }
    for quote in ['"', '\''] {
        let quoted = format!("{quote}{package}");
        if let Some(at) = trimmed.find(&quoted) {
            let after = trimmed[at + quoted.len()..].chars().next();
            if matches!(after, Some(c) if c == quote || matches!(c, '>' | '<' | '=' | '~' | '^' | '[' | ' ' | '@'))
            {
                return true;
            }
        }
    }
    let key = trimmed.split(['=', ' ']).next().unwrap_or_default();
    key == package && trimmed[key.len()..].trim_start().starts_with('=')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripe() -> (ServiceName, Entry) {
        let mut entry = Entry::default();
        entry.packages.pypi = vec!["stripe".into()];
        entry.packages.npm = vec!["stripe".into()];
        entry.packages.rubygems = vec!["stripe".into()];
        entry
            .env
            .insert("api_key".into(), "STRIPE_SECRET_KEY".into());
        (ServiceName::parse("stripe", "python").unwrap(), entry)
    }

    #[test]
    fn packages_and_env_vars_are_found_with_their_lines() {
        let (name, entry) = stripe();
        let files = vec![
            (
                "requirements.txt".to_string(),
                "Django>=4\nstripe==7.0.0\nstripe-mock\n".to_string(),
            ),
            (
                ".env.example".to_string(),
                "# Stripe\nSTRIPE_API_KEY=\n".to_string(),
            ),
            (
                "package.json".to_string(),
                "{\n  \"dependencies\": {\n    \"stripe\": \"^14\"\n  }\n}\n".to_string(),
            ),
            (
                "Gemfile".to_string(),
                "gem 'stripe', '~> 10'\n# gem \"stripe\"\n".to_string(),
            ),
            (
                "pyproject.toml".to_string(),
                "dependencies = [\"stripe>=7\", \"stripey\"]\n[x]\nstripe = \"^7\"\n".to_string(),
            ),
            (
                "urls.py".to_string(),
                "    path(\"webhooks/stripe/\", views.hook),\n    path(\"webhooks/stripes\", x),\n"
                    .to_string(),
            ),
            (
                "settings.py".to_string(),
                "KEY = os.environ[\"STRIPE_SECRET_KEY\"]\nOTHER = 1\n".to_string(),
            ),
        ];
        let found: Vec<String> = signs(&name, Some(&entry), &files)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "package `stripe` at requirements.txt:2",
                "`STRIPE_API_KEY` at .env.example:2",
                "package `stripe` at package.json:3",
                "package `stripe` at Gemfile:1",
                "package `stripe` at pyproject.toml:1",
                "package `stripe` at pyproject.toml:3",
                "route `/webhooks/stripe` at urls.py:1",
                "`STRIPE_SECRET_KEY` at settings.py:1",
            ]
        );
    }

    #[test]
    fn an_unrelated_repo_shows_no_signs() {
        let (name, entry) = stripe();
        let files = vec![
            (
                "requirements.txt".to_string(),
                "stripes\nmystripe\n# stripe\n".to_string(),
            ),
            (
                "registry.py".to_string(),
                "`get_provider(\"stripe\")`\n".to_string(),
            ),
        ];
        assert!(signs(&name, Some(&entry), &files).is_empty());
        assert!(signs(&name, None, &files).is_empty());
    }
}
