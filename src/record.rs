//! The record, `integrate.toml`: kit, path settings and one table per integration.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};
use toml_edit::{value, Array, DocumentMut, Item, Table};

use crate::catalog::Entry;
use crate::choices::{AuthStyle, Choice, ClientMode};
use crate::error::{Error, Result};
use crate::inputs::Inputs;
use crate::repo::RECORD_FILE;
use crate::wire::Wire;

/// A parsed record, with its text kept for in-place edits.
#[derive(Debug, Clone)]
pub struct Record {
    pub text: String,
    pub doc: DocumentMut,
}

/// What `new` wrote for one integration.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// Generated files with the sha256 of their content.
    pub files: BTreeMap<String, String>,
    /// Files edited.
    pub edited: Vec<String>,
    /// Edited files that did not exist before (made by an `if_missing = "create"` edit).
    pub created: Vec<String>,
    /// Per edited file, what the edits would have added but the file already had (env keys;
    /// TOML keys as dotted paths, array members as `path[name]`): `remove` keeps these.
    pub kept: BTreeMap<String, Vec<String>>,
    /// The kit that generated it, when that is not the repo's kit (`new --kit`).
    pub kit: Option<String>,
}

impl Record {
    /// Parses record text; errors name `integrate.toml` with line and column.
    pub fn parse(text: &str) -> Result<Self> {
        let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            let message = format!("{}; fix the file and run again", e.message().trim());
            Error::parse_at(RECORD_FILE, text, e.span(), message)
        })?;
        let record = Record {
            text: text.to_string(),
            doc,
        };
        record.kit()?;
        for table in ["paths", "profile"] {
            if let Some(item) = record.doc.get(table) {
                if !item.is_table_like() {
                    return Err(invalid(&format!("`{table}` must be a table")));
                }
            }
        }
        if let Some(item) = record.doc.get("integrations") {
            if !item.is_table() {
                return Err(invalid(
                    "`integrations` must be a table of `[integrations.<service>]` sections",
                ));
            }
        }
        Ok(record)
    }

    /// Reads `<root>/integrate.toml`.
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(RECORD_FILE);
        let bytes = crate::repo::read_file(root, RECORD_FILE)?
            .ok_or_else(|| Error::io(&path, std::io::Error::from(std::io::ErrorKind::NotFound)))?;
        let text = String::from_utf8(bytes).map_err(|_| invalid("not UTF-8; save it as UTF-8"))?;
        Self::parse(&text)
    }

    /// The kit in use.
    pub fn kit(&self) -> Result<&str> {
        match self.doc.get("kit") {
            Some(item) => item
                .as_str()
                .ok_or_else(|| invalid("`kit` must be a string such as \"django\"")),
            None => Err(invalid(
                "missing `kit = \"<kit>\"`; add it or run `integrate init`",
            )),
        }
    }

    /// The path settings as template data; `defaults` fill keys the record lacks.
    pub fn paths(&self, defaults: &Map<String, Value>) -> Result<Map<String, Value>> {
        self.strings("paths", defaults)
    }

    /// The repo profile (`[profile]`, written by `init`) as template data; `defaults` (the
    /// kit's) fill keys the record lacks.
    pub fn profile(&self, defaults: &Map<String, Value>) -> Result<Map<String, Value>> {
        self.strings("profile", defaults)
    }

    fn strings(&self, table: &str, defaults: &Map<String, Value>) -> Result<Map<String, Value>> {
        let mut out = defaults.clone();
        if let Some(items) = self.doc.get(table).and_then(Item::as_table_like) {
            for (key, item) in items.iter() {
                let text = item
                    .as_str()
                    .ok_or_else(|| invalid(&format!("`{table}.{key}` must be a string")))?;
                if text.chars().any(char::is_control) {
                    return Err(invalid(&format!(
                        "`{table}.{key}` holds control characters; make it one line of plain text"
                    )));
                }
                out.insert(key.to_string(), Value::String(text.to_string()));
            }
        }
        Ok(out)
    }

    /// The recorded answers of `service`, if it was generated before. A category, auth
    /// style or webhook scheme outside its set is an error at its line and column.
    pub fn answers(&self, service: &str) -> Result<Option<(Entry, bool)>> {
        let Some(table) = self.integration(service) else {
            return Ok(None);
        };
        if let Some((mut at, why)) = crate::checks::entry_table(table) {
            let key = at.join(".");
            at.splice(0..0, ["integrations".to_string(), service.to_string()]);
            let span = crate::checks::span_of(&self.text, &at);
            return Err(Error::value_at(
                RECORD_FILE,
                &self.text,
                span,
                format!("`{key}` of `{service}` {why}; fix it in integrate.toml"),
            ));
        }
        let text = |key: &str| {
            table
                .get(key)
                .and_then(Item::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let list = |key: &str| -> Vec<String> {
            table
                .get(key)
                .and_then(Item::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let env = table
            .get("env")
            .and_then(Item::as_table_like)
            .map(|t| {
                t.iter()
                    .filter_map(|(k, v)| Some((k.to_string(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        let entry = Entry {
            display_name: text("display_name"),
            category: self.choice(service, table, "category")?,
            auth: self.choice(service, table, "auth")?,
            auth_header: text("auth_header"),
            base_url: text("base_url"),
            docs_url: text("docs_url"),
            token_url: text("token_url"),
            webhook_scheme: self.choice(service, table, "webhook_scheme")?,
            signature_header: text("signature_header"),
            event_id_field: table
                .get("event_id_field")
                .and_then(Item::as_str)
                .map(str::to_string),
            event_type_field: table
                .get("event_type_field")
                .and_then(Item::as_str)
                .map(str::to_string),
            events: list("events"),
            env,
            packages: Default::default(),
            wire: self.wire(service, table)?,
            shortcuts: Vec::new(),
            client: self.choice(service, table, "client")?,
            sdk: text("sdk"),
        };
        let webhooks = table
            .get("webhooks")
            .and_then(Item::as_bool)
            .unwrap_or(false);
        Ok(Some((entry, webhooks)))
    }

    /// The recorded wire facts of `service`; none recorded is plain JSON REST.
    fn wire(&self, service: &str, table: &Table) -> Result<Wire> {
        let Some(item) = table.get("wire") else {
            return Ok(Wire::default());
        };
        let mut holder = DocumentMut::new();
        holder.insert("wire", item.clone());
        #[derive(serde::Deserialize)]
        struct Holder {
            wire: Wire,
        }
        let at = ["integrations", service, "wire"].map(String::from);
        let problem = match toml::from_str::<Holder>(&holder.to_string()) {
            Ok(Holder { wire }) => match wire.problem() {
                None => return Ok(wire),
                Some((key, why)) => format!("`wire.{}` of `{service}` {why}", key.join(".")),
            },
            Err(e) => format!("`wire` of `{service}`: {}", e.message().trim()),
        };
        Err(Error::value_at(
            RECORD_FILE,
            &self.text,
            crate::checks::span_of(&self.text, &at),
            format!("{problem}; fix it in integrate.toml"),
        ))
    }

    /// The value of `key` in `[integrations.<service>]` as a choice; absent or `""` is
    /// `None`.
    fn choice<T: Choice>(&self, service: &str, table: &Table, key: &str) -> Result<Option<T>> {
        let Some(item) = table.get(key) else {
            return Ok(None);
        };
        let problem = match item.as_str() {
            Some("") => return Ok(None),
            Some(text) => match T::parse(text) {
                Ok(value) => return Ok(Some(value)),
                Err(e) => format!("{e}; fix `{key}` in integrate.toml"),
            },
            None => format!("`{key}` must be a string (one of: {})", T::NAMES.join(", ")),
        };
        let span = toml_edit::Document::parse(self.text.as_str())
            .ok()
            .and_then(|doc| doc.get("integrations")?.get(service)?.get(key)?.span());
        Err(Error::value_at(RECORD_FILE, &self.text, span, problem))
    }

    /// The table of `service`, if recorded.
    pub fn integration(&self, service: &str) -> Option<&Table> {
        self.doc
            .get("integrations")?
            .as_table()?
            .get(service)?
            .as_table()
    }

    /// Record text with `[integrations.<service>]` set to `inputs` and `written`.
    pub fn with_integration(&self, inputs: &Inputs, written: &Written) -> String {
        let mut doc = self.doc.clone();
        let integrations = doc
            .entry("integrations")
            .or_insert_with(|| {
                let mut t = Table::new();
                t.set_implicit(true);
                Item::Table(t)
            })
            .as_table_mut()
            .expect("checked in parse");
        let mut table = Table::new();
        if let Some(kit) = &written.kit {
            table.insert("kit", value(kit));
        }
        table.insert("display_name", value(&inputs.display_name));
        table.insert("category", value(inputs.category.as_str()));
        table.insert("auth", value(inputs.auth.as_str()));
        if inputs.auth == AuthStyle::ApiKey {
            table.insert("auth_header", value(&inputs.auth_header));
        }
        if inputs.auth == AuthStyle::Oauth2 {
            table.insert("token_url", value(&inputs.token_url));
        }
        table.insert("base_url", value(&inputs.base_url));
        if !inputs.docs_url.is_empty() {
            table.insert("docs_url", value(&inputs.docs_url));
        }
        table.insert("webhooks", value(inputs.webhooks));
        if inputs.webhooks {
            table.insert("webhook_scheme", value(inputs.webhook_scheme.as_str()));
            if !inputs.signature_header.is_empty() {
                table.insert("signature_header", value(&inputs.signature_header));
            }
            table.insert("event_id_field", value(&inputs.event_id_field));
            table.insert("event_type_field", value(&inputs.event_type_field));
        }
        table.insert("events", value(string_array(&inputs.events)));
        if inputs.client != ClientMode::Thin {
            table.insert("client", value(inputs.client.as_str()));
            table.insert("sdk", value(&inputs.sdk_package));
        }
        if !inputs.wire.is_default() {
            if let Some(wire) = toml::to_string(&inputs.wire)
                .ok()
                .and_then(|text| text.parse::<DocumentMut>().ok())
            {
                table.insert("wire", value(wire.as_table().clone().into_inline_table()));
            }
        }
        let mut env = toml_edit::InlineTable::new();
        for (role, name) in crate::context::env_in_order(inputs) {
            env.insert(role, name.into());
        }
        table.insert("env", value(env));
        table.insert("files", value(multiline(written.files.keys())));
        table.insert("edited", value(multiline(written.edited.iter())));
        if !written.created.is_empty() {
            table.insert("created", value(multiline(written.created.iter())));
        }
        let mut hashes = Table::new();
        for (path, hash) in &written.files {
            hashes.insert(path, value(hash));
        }
        table.insert("hashes", Item::Table(hashes));
        let kept: Vec<_> = written.kept.iter().filter(|(_, v)| !v.is_empty()).collect();
        if !kept.is_empty() {
            let mut table_kept = Table::new();
            for (path, items) in kept {
                table_kept.insert(path, value(string_array(items)));
            }
            table.insert("kept", Item::Table(table_kept));
        }
        table.decor_mut().set_prefix("\n");
        if let Some(old) = integrations
            .get(&inputs.service.name)
            .and_then(Item::as_table)
        {
            if let Some(prefix) = old.decor().prefix() {
                table.decor_mut().set_prefix(prefix.clone());
            }
        }
        integrations.insert(&inputs.service.name, Item::Table(table));
        doc.to_string()
    }
}

impl Record {
    /// The ids of every recorded integration, in record order.
    pub fn services(&self) -> Vec<String> {
        self.doc
            .get("integrations")
            .and_then(Item::as_table)
            .map(|t| {
                t.iter()
                    .filter(|(_, item)| item.is_table())
                    .map(|(k, _)| k.to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// What `new` wrote for `service`, as recorded.
    pub fn written(&self, service: &str) -> Option<Written> {
        let table = self.integration(service)?;
        let list = |item: Option<&Item>| -> Vec<String> {
            item.and_then(Item::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let map = |key: &str| -> BTreeMap<String, Item> {
            table
                .get(key)
                .and_then(Item::as_table_like)
                .map(|t| t.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
                .unwrap_or_default()
        };
        let hashes = map("hashes");
        let files = list(table.get("files"))
            .into_iter()
            .map(|path| {
                let hash = hashes
                    .get(&path)
                    .and_then(Item::as_str)
                    .unwrap_or_default()
                    .to_string();
                (path, hash)
            })
            .collect();
        let kept = map("kept")
            .into_iter()
            .map(|(path, item)| (path, list(Some(&item))))
            .collect();
        Some(Written {
            files,
            edited: list(table.get("edited")),
            created: list(table.get("created")),
            kept,
            kit: table.get("kit").and_then(Item::as_str).map(str::to_string),
        })
    }

    /// Record text without `[integrations.<service>]` (and without `[integrations]` when it
    /// was the last one).
    pub fn without_integration(&self, service: &str) -> String {
        let mut doc = self.doc.clone();
        let mut empty = false;
        if let Some(integrations) = doc.get_mut("integrations").and_then(Item::as_table_mut) {
            integrations.remove(service);
            empty = integrations.is_empty();
        }
        if empty {
            doc.remove("integrations");
        }
        doc.to_string()
    }

    /// Record text without `[integrations.<service>]`, and with the `created` and `kept`
    /// entries of other integrations replaced by those of `updates` (empty ones drop out).
    pub fn without_integration_updating(
        &self,
        service: &str,
        updates: &BTreeMap<String, Written>,
    ) -> String {
        let mut record = self.clone();
        if let Some(integrations) = record
            .doc
            .get_mut("integrations")
            .and_then(Item::as_table_mut)
        {
            for (other, written) in updates {
                let Some(table) = integrations.get_mut(other).and_then(Item::as_table_mut) else {
                    continue;
                };
                if written.created.is_empty() {
                    table.remove("created");
                } else {
                    table.insert("created", value(multiline(written.created.iter())));
                }
                let lists: Vec<_> = written.kept.iter().filter(|(_, v)| !v.is_empty()).collect();
                if lists.is_empty() {
                    table.remove("kept");
                    continue;
                }
                let mut kept_table = Table::new();
                for (path, items) in lists {
                    kept_table.insert(path, value(string_array(items)));
                }
                if let Some(old) = table.get("kept").and_then(Item::as_table) {
                    kept_table.decor_mut().clone_from(old.decor());
                    if let Some(position) = old.position() {
                        kept_table.set_position(position);
                    }
                }
                table.insert("kept", Item::Table(kept_table));
            }
        }
        record.without_integration(service)
    }

    /// A string setting under `[paths]`, if set.
    pub fn path_setting(&self, key: &str) -> Option<String> {
        self.doc
            .get("paths")?
            .get(key)?
            .as_str()
            .map(str::to_string)
    }
}

fn string_array(items: &[String]) -> Array {
    items.iter().map(String::as_str).collect()
}

fn multiline<'a>(items: impl Iterator<Item = &'a String>) -> Array {
    let mut array: Array = items.map(String::as_str).collect();
    for item in array.iter_mut() {
        item.decor_mut().set_prefix("\n  ");
    }
    array.set_trailing_comma(true);
    array.set_trailing("\n");
    array
}

fn invalid(message: &str) -> Error {
    Error::Invalid {
        path: RECORD_FILE.into(),
        message: message.to_string(),
    }
}

/// The initial record for `kit` with its path settings.
pub fn initial(kit: &str, paths: &[(String, String)], profile: &[(String, String)]) -> String {
    let mut doc = DocumentMut::new();
    doc.decor_mut().set_prefix(
        "# The third-party integrations of this repo, kept by `integrate`.\n# Edit [paths] to match your layout; `integrate new <service>` adds [integrations.<service>].\n",
    );
    doc.insert("kit", value(kit));
    let mut table = Table::new();
    for (key, path) in paths {
        table.insert(key, value(path));
    }
    table.decor_mut().set_prefix("\n");
    doc.insert("paths", Item::Table(table));
    if !profile.is_empty() {
        let mut table = Table::new();
        for (key, fact) in profile {
            table.insert(key, value(fact));
        }
        table.decor_mut().set_prefix(
            "\n# What `init` found this repo to be; kits choose their variants from it. Correct it here.\n",
        );
        doc.insert("profile", Item::Table(table));
    }
    doc.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_records_name_the_file_and_position() {
        let err = Record::parse("kit = \"django\"\n[paths\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("integrate.toml:2:"), "{err}");
        let err = Record::parse("kit = 3\n").unwrap_err().to_string();
        assert!(err.contains("`kit` must be a string"), "{err}");
        let err = Record::parse("kit = \"d\"\nintegrations = {}\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("integrations"), "{err}");
        let err = Record::parse("kit = \"d\"\nintegrations = 1\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("integrations"), "{err}");
    }

    #[test]
    fn initial_record_round_trips() {
        let text = initial("django", &[("env_file".into(), ".env.example".into())], &[]);
        let record = Record::parse(&text).unwrap();
        assert_eq!(record.kit().unwrap(), "django");
        assert_eq!(
            record.paths(&Map::new()).unwrap()["env_file"],
            ".env.example"
        );
    }
}
