//! The service catalog: built-in facts about well-known services, merged with the repo's
//! `.integrate/catalog.toml`. Every fact is only a default.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::choices::{AuthStyle, Category, ClientMode, WebhookScheme};
use crate::error::{Error, Result};
use crate::kit::SCAFFOLDS;
use crate::wire::{Shortcut, Wire};

/// Path of a repo's catalog additions, relative to its root.
pub const REPO_CATALOG: &str = ".integrate/catalog.toml";

/// Official SDK package names per registry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Packages {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pypi: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub npm: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rubygems: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crates: Vec<String>,
}

/// Facts about one service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    #[serde(default)]
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthStyle>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub auth_header: String,
    #[serde(default)]
    pub base_url: String,
    #[serde(default)]
    pub docs_url: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token_url: String,
    /// `None` (`""` in the file) when the service signs webhooks in no scheme integrate
    /// can verify.
    #[serde(default, with = "crate::choices::optional")]
    pub webhook_scheme: Option<WebhookScheme>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub signature_header: String,
    /// Top-level JSON field of the event id; `Some("")` when the body has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id_field: Option<String>,
    /// Top-level JSON field of the event type; `Some("")` when the body has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type_field: Option<String>,
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub packages: Packages,
    /// How the API looks on the wire; plain JSON REST when unset.
    #[serde(default, skip_serializing_if = "Wire::is_default")]
    pub wire: Wire,
    /// The SDK package an integration in SDK mode wraps (record only; catalogs list
    /// packages under `packages`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sdk: String,
    /// The client mode a team prefers (catalog), or the one generated (record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientMode>,
    /// Endpoints the generated client offers as typed functions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shortcuts: Vec<Shortcut>,
}

/// All known services by id.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub entries: BTreeMap<String, Entry>,
}

impl Packages {
    /// The first package of the registry that serves `language` (a kit's `language`).
    pub fn for_language(&self, language: &str) -> Option<&str> {
        let list = match language {
            "python" => &self.pypi,
            "typescript" | "javascript" => &self.npm,
            "ruby" => &self.rubygems,
            "rust" => &self.crates,
            _ => return None,
        };
        list.first().map(String::as_str)
    }
}

impl Catalog {
    /// The built-in catalog with the repo's additions merged over it, entry field by field.
    pub fn load(root: Option<&Path>) -> Result<Self> {
        let mut table = parse_table(builtin(), Path::new(BUILTIN_CATALOG))?;
        if let Some(repo) = repo_table(root)? {
            for (id, value) in repo {
                merge(&mut table, id, value);
            }
        }
        let mut entries = BTreeMap::new();
        for (id, value) in table {
            let entry = to_entry(&id, value)?;
            entries.insert(id, entry);
        }
        Ok(Catalog { entries })
    }

    /// Like `Catalog::load(root)?.get(name).cloned()`, parsing only that entry of the
    /// built-in catalog.
    pub fn entry(root: Option<&Path>, name: &str) -> Result<Option<Entry>> {
        let repo = repo_table(root)?.unwrap_or_default();
        for (id, value) in &repo {
            // Every entry of the repo's file is checked, as `load` would.
            to_entry(id, value.clone())?;
        }
        for id in candidates(name) {
            let section = crate::tables::section(builtin(), &id);
            let mut table = if section.is_empty() {
                toml::Table::new()
            } else {
                parse_table(&section, Path::new(BUILTIN_CATALOG))?
            };
            if let Some(value) = repo.get(&id) {
                merge(&mut table, id.clone(), value.clone());
            }
            if let Some(value) = table.remove(&id) {
                return to_entry(&id, value).map(Some);
            }
        }
        Ok(None)
    }

    /// The entry for service id `name` (kebab case), also under its snake or squashed form.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        candidates(name).find_map(|id| self.entries.get(&id))
    }

    /// Known ids close to `name` (for "did you mean"), best first.
    pub fn suggest(&self, name: &str) -> Vec<&str> {
        let mut scored: Vec<(usize, &str)> = self
            .entries
            .keys()
            .map(|id| (edit_distance(name, id), id.as_str()))
            .filter(|(d, id)| *d > 0 && *d <= (id.len() / 4).max(1) + 1)
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, id)| id).collect()
    }
}

const BUILTIN_CATALOG: &str = "scaffolds/catalog.toml";

fn builtin() -> &'static str {
    SCAFFOLDS
        .get_file("catalog.toml")
        .and_then(|f| f.contents_utf8())
        .unwrap_or_default()
}

/// The ids a service name may be listed under: as is, snake case, squashed.
fn candidates(name: &str) -> impl Iterator<Item = String> {
    let squashed: String = name.chars().filter(|c| *c != '-').collect();
    [name.to_string(), name.replace('-', "_"), squashed].into_iter()
}

/// The repo's `.integrate/catalog.toml`, if it has one.
fn repo_table(root: Option<&Path>) -> Result<Option<toml::Table>> {
    let Some(root) = root else {
        return Ok(None);
    };
    let Some(bytes) = crate::repo::read_file(root, REPO_CATALOG)? else {
        return Ok(None);
    };
    let text = String::from_utf8(bytes).map_err(|_| Error::Invalid {
        path: REPO_CATALOG.into(),
        message: "not UTF-8; save it as UTF-8".to_string(),
    })?;
    let table = parse_table(&text, Path::new(REPO_CATALOG))?;
    check_entries(&text, Path::new(REPO_CATALOG))?;
    Ok(Some(table))
}

/// Puts the repo's entry `id` over the built-in one, field by field.
fn merge(table: &mut toml::Table, id: String, value: toml::Value) {
    match (table.get_mut(&id), value) {
        (Some(toml::Value::Table(base)), toml::Value::Table(over)) => {
            for (k, v) in over {
                base.insert(k, v);
            }
        }
        (_, value) => {
            table.insert(id, value);
        }
    }
}

/// Checks every entry of catalog `text` field by field, so a bad value is reported at its
/// line and column (exit 2), before entries are merged and lose their positions.
fn check_entries(text: &str, path: &Path) -> Result<()> {
    let entries = toml::from_str::<BTreeMap<String, Entry>>(text).map_err(|e| {
        let message = format!("{}; fix the entry and run again", e.message().trim());
        Error::value_at(path, text, e.span(), message)
    })?;
    for (id, entry) in &entries {
        if let Some((mut at, why)) = wire_problem(entry) {
            let key = at.join(".");
            at.insert(0, id.to_string());
            return Err(Error::value_at(
                path,
                text,
                crate::checks::span_of(text, &at),
                format!("`{id}.{key}` {why}; fix the entry and run again"),
            ));
        }
    }
    let doc = toml_edit::Document::parse(text)
        .map_err(|e| Error::parse_at(path, text, e.span(), e.message().trim().to_string()))?;
    for (id, item) in doc.iter() {
        let Some(table) = item.as_table_like() else {
            continue;
        };
        if let Some((mut at, why)) = crate::checks::entry_table(table) {
            let key = at.join(".");
            at.insert(0, id.to_string());
            let span = crate::checks::span_of(text, &at);
            return Err(Error::value_at(
                path,
                text,
                span,
                format!("`{id}.{key}` {why}; fix the entry and run again"),
            ));
        }
    }
    Ok(())
}

/// The first wire fact or shortcut of `entry` that cannot go into generated code: its key
/// path under the entry, and why.
pub fn wire_problem(entry: &Entry) -> Option<(Vec<String>, String)> {
    if let Some((mut at, why)) = entry.wire.problem() {
        at.insert(0, "wire".into());
        return Some((at, why));
    }
    for (index, shortcut) in entry.shortcuts.iter().enumerate() {
        if let Some((mut at, why)) = shortcut.problem() {
            at.splice(0..0, ["shortcuts".to_string(), index.to_string()]);
            return Some((at, why));
        }
    }
    None
}

/// An entry of the merged catalog; both of its parts were checked with their positions.
fn to_entry(id: &str, value: toml::Value) -> Result<Entry> {
    value
        .try_into()
        .map_err(|e: toml::de::Error| Error::Invalid {
            path: BUILTIN_CATALOG.into(),
            message: format!("catalog entry `{id}`: {}", e.message()),
        })
}

fn parse_table(text: &str, path: &Path) -> Result<toml::Table> {
    text.parse::<toml::Table>().map_err(|e| {
        let message = format!("{}; fix the file and run again", e.message());
        Error::parse_at(path, text, e.span(), message)
    })
}

/// Levenshtein distance between two short strings.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("strpe", "stripe"), 1);
        assert_eq!(edit_distance("stripe", "stripe"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn every_builtin_entry_holds_values_of_their_sets() {
        check_entries(builtin(), Path::new(BUILTIN_CATALOG)).unwrap();
        let catalog = Catalog::load(None).unwrap();
        assert!(catalog.entries.values().all(|e| e.category.is_some()));
        assert!(catalog.entries.values().all(|e| e.auth.is_some()));
    }

    #[test]
    fn hostile_team_catalog_values_are_refused_at_their_position() {
        for (entry, at) in [
            (
                "[acme]\ndocs_url = 'https://x.example/\"\"\"'\n",
                "2:12: `acme.docs_url` contains `\"\"\"`",
            ),
            (
                "[acme]\ndisplay_name = \"Acme\\r x\"\n",
                "2:16: `acme.display_name` contains the control character U+000D",
            ),
            (
                "[acme]\nevents = [\"a.b\", \"c\\\"d\"]\n",
                "2:18: `acme.events.1` contains characters",
            ),
            (
                "[acme]\nenv = { api_key = \"acme-key\" }\n",
                "2:19: `acme.env.api_key` is not an env var name",
            ),
            (
                "[acme]\nbase_url = \"ftp://x\"\n",
                "2:12: `acme.base_url` has the scheme `ftp`",
            ),
        ] {
            let err = check_entries(entry, Path::new(REPO_CATALOG)).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            let text = err.to_string();
            assert!(
                text.starts_with(&format!(".integrate/catalog.toml:{at}")),
                "{text}"
            );
        }
    }

    #[test]
    fn a_value_outside_its_set_is_a_usage_error_at_its_position() {
        let err = check_entries(
            "[a]\nauth = \"bearer\"\n\n[b]\nauth = \"Bearer\"\n",
            Path::new(REPO_CATALOG),
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string().starts_with(
                ".integrate/catalog.toml:5:8: unknown auth style `Bearer`; expected one of: bearer,"
            ),
            "{err}"
        );
    }

    #[test]
    fn one_entry_parses_like_the_whole_catalog() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".integrate")).unwrap();
        std::fs::write(
            dir.path().join(REPO_CATALOG),
            "[stripe]\ncategory = \"other\"\n[acme_pay]\ndisplay_name = \"Acme\"\n",
        )
        .unwrap();
        for root in [None, Some(dir.path())] {
            let all = Catalog::load(root).unwrap();
            for id in all
                .entries
                .keys()
                .chain([&"acme-pay".to_string(), &"nope".to_string()])
            {
                let one = Catalog::entry(root, id).unwrap();
                assert_eq!(one.as_ref(), all.get(id), "{id}");
            }
        }
        let merged = Catalog::entry(Some(dir.path()), "stripe").unwrap().unwrap();
        assert_eq!(
            (merged.category, merged.display_name.as_str()),
            (Some(Category::Other), "Stripe")
        );
    }

    #[test]
    fn suggests_close_known_names() {
        let mut catalog = Catalog::default();
        for id in ["stripe", "square", "slack"] {
            catalog.entries.insert(id.to_string(), Entry::default());
        }
        assert_eq!(catalog.suggest("strpe"), vec!["stripe"]);
        assert!(catalog.suggest("zzzzzz").is_empty());
    }
}
