//! The infrastructure catalog (`scaffolds/infrastructure.toml`): databases, caches, job
//! queues, auth libraries, error tracking, analytics, logs, hosting, CI and containers, each
//! told by its packages, env var names and files. Data, not code: a new item is a table.

use std::collections::BTreeMap;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

use crate::catalog::Packages;
use crate::commands::scan::manifests::{normalize, Registry};
use crate::error::{Error, Result};
use crate::kit::SCAFFOLDS;

/// What an infrastructure item is, in the document's sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Database,
    Storage,
    Cache,
    Auth,
    Oauth,
    ErrorTracking,
    Analytics,
    Logs,
    Jobs,
    Hosting,
    Ci,
    Container,
}

/// One item of the infrastructure catalog.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub display_name: String,
    pub kind: Kind,
    #[serde(default)]
    pub packages: Packages,
    #[serde(default)]
    pub env: Vec<String>,
    #[serde(default)]
    pub files: Vec<String>,
    #[serde(default)]
    pub contains: Option<String>,
}

/// The infrastructure catalog with its file globs compiled.
pub struct Infra {
    pub items: Vec<(String, Item)>,
    /// Items by registry and normalized exact package name.
    exact: std::collections::HashMap<(Registry, String), Vec<usize>>,
    /// `(registry, normalized prefix, item)` of the `name-*` patterns.
    prefixes: Vec<(Registry, String, usize)>,
    globs: GlobSet,
    /// Item index of each glob in `globs`.
    glob_items: Vec<usize>,
}

/// Path of the built-in infrastructure catalog, for messages.
const BUILTIN: &str = "scaffolds/infrastructure.toml";

impl Infra {
    /// The built-in infrastructure catalog.
    pub fn load() -> Result<Self> {
        let text = SCAFFOLDS
            .get_file("infrastructure.toml")
            .and_then(|f| f.contents_utf8())
            .unwrap_or_default();
        Self::parse(text)
    }

    /// Parses catalog text.
    pub fn parse(text: &str) -> Result<Self> {
        let invalid = |message: String| Error::Invalid {
            path: BUILTIN.into(),
            message,
        };
        let table: BTreeMap<String, Item> =
            toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let items: Vec<(String, Item)> = table.into_iter().collect();
        let mut builder = GlobSetBuilder::new();
        let mut glob_items = Vec::new();
        for (index, (id, item)) in items.iter().enumerate() {
            for pattern in &item.files {
                let glob = Glob::new(pattern)
                    .map_err(|e| invalid(format!("`{id}`: bad glob `{pattern}`: {e}")))?;
                builder.add(glob);
                glob_items.push(index);
            }
        }
        let globs = builder
            .build()
            .map_err(|e| invalid(format!("globs: {e}")))?;
        let mut exact: std::collections::HashMap<(Registry, String), Vec<usize>> =
            Default::default();
        let mut prefixes = Vec::new();
        for (index, (_, item)) in items.iter().enumerate() {
            for registry in [
                Registry::Pypi,
                Registry::Npm,
                Registry::Rubygems,
                Registry::Crates,
            ] {
                for package in registry_list(&item.packages, registry) {
                    let normal = normalize(package);
                    match normal.strip_suffix('*') {
                        Some(prefix) => prefixes.push((registry, prefix.to_string(), index)),
                        None => exact.entry((registry, normal)).or_default().push(index),
                    }
                }
            }
        }
        Ok(Self {
            exact,
            prefixes,
            items,
            globs,
            glob_items,
        })
    }

    /// Indices of the items whose `files` match `path`.
    pub fn files_matching(&self, path: &str) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .globs
            .matches(path)
            .into_iter()
            .map(|g| self.glob_items[g])
            .collect();
        out.dedup();
        out
    }

    /// Whether any item's `files` match `path`.
    pub fn is_file_of_interest(&self, path: &str) -> bool {
        self.globs.is_match(path)
    }

    /// Indices of the items a package of `registry` belongs to.
    pub fn by_package(&self, registry: Registry, package: &str) -> Vec<usize> {
        let wanted = normalize(package);
        let mut out = self
            .exact
            .get(&(registry, wanted.clone()))
            .cloned()
            .unwrap_or_default();
        for (r, prefix, index) in &self.prefixes {
            if *r == registry
                && wanted.len() > prefix.len()
                && wanted.starts_with(prefix.as_str())
                && !out.contains(index)
            {
                out.push(*index);
            }
        }
        out.sort();
        out
    }

    /// Indices of the items env var `name` belongs to.
    pub fn by_env(&self, name: &str) -> Vec<usize> {
        self.items
            .iter()
            .enumerate()
            .filter(|(_, (_, item))| item.env.iter().any(|p| pattern_matches(p, name)))
            .map(|(index, _)| index)
            .collect()
    }
}

/// The packages of one registry.
pub fn registry_list(packages: &Packages, registry: Registry) -> &[String] {
    match registry {
        Registry::Pypi => &packages.pypi,
        Registry::Npm => &packages.npm,
        Registry::Rubygems => &packages.rubygems,
        Registry::Crates => &packages.crates,
    }
}

/// Whether `value` is `pattern`, or starts with it when it ends in `*` (and goes on).
pub fn pattern_matches(pattern: &str, value: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => value.len() > prefix.len() && value.starts_with(prefix),
        None => pattern == value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_parses_and_matches() {
        let infra = Infra::load().unwrap();
        let id = |i: usize| infra.items[i].0.as_str();
        let ids = |v: Vec<usize>| v.into_iter().map(id).collect::<Vec<_>>();
        assert_eq!(
            ids(infra.by_package(Registry::Pypi, "dj_database_url")),
            ["database-url"]
        );
        assert_eq!(
            ids(infra.by_package(Registry::Rubygems, "omniauth-github")),
            ["omniauth"]
        );
        assert_eq!(ids(infra.by_env("DATABASE_URL")), ["database-url"]);
        assert_eq!(ids(infra.by_env("REDIS_URL")), ["redis"]);
        assert!(ids(infra.files_matching(".github/workflows/ci.yml")).contains(&"github-actions"));
        assert!(ids(infra.files_matching("deploy/Dockerfile")).contains(&"docker"));
        assert!(ids(infra.files_matching("Dockerfile")).contains(&"docker"));
        assert!(ids(infra.files_matching("Procfile")).contains(&"heroku"));
        assert!(infra.files_matching("src/Procfile.rs").is_empty());
    }

    #[test]
    fn patterns() {
        assert!(pattern_matches("AWS_*", "AWS_REGION"));
        assert!(!pattern_matches("AWS_*", "AWS_"));
        assert!(pattern_matches("DATABASE_URL", "DATABASE_URL"));
        assert!(!pattern_matches("DATABASE_URL", "DATABASE_URL_2"));
    }
}
