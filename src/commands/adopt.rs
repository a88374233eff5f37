//! `integrate adopt <SERVICE>`: records an integration that exists but was not generated —
//! a hand-written folder, an SDK in a manifest — with what `scan` finds of it as evidence
//! (its files with hashes, env vars, settings, routes). Only `integrate.toml` changes;
//! afterwards `list`, `doctor`, `docs` and `remove` know it.

use toml_edit::{value, Array, InlineTable, Item, Table};

use crate::catalog::Catalog;
use crate::cli::AdoptArgs;
use crate::commands::lifecycle::Project;
use crate::commands::scan::infra::Infra;
use crate::commands::scan::{self, Found};
use crate::commands::{execute, App};
use crate::error::{Error, Result};
use crate::plan::{hash, Draft};
use crate::record::Record;
use crate::repo::RECORD_FILE;

/// Runs `adopt`.
pub fn run(app: &App, args: &AdoptArgs) -> Result<()> {
    let project = Project::load(app)?;
    let name = args.service.trim().to_ascii_lowercase().replace('_', "-");
    if project.record.integration(&name).is_some() {
        return Err(Error::Usage(format!(
            "`{name}` is already recorded in integrate.toml; see `integrate list`"
        )));
    }
    let catalog = Catalog::load(Some(&project.root))?;
    let infra = Infra::load()?;
    let recorded = project.record.services();
    let overlay = Default::default();
    let options = scan::Options {
        recorded: &recorded,
        integration_dirs: scan::record_dirs(&project),
        overlay: &overlay,
    };
    let result = scan::scan(&project.root, &catalog, &infra, &options);
    let Some(found) = result.found.iter().find(|f| f.service == name) else {
        let names: Vec<&str> = result.found.iter().map(|f| f.service.as_str()).collect();
        return Err(Error::Other(format!(
            "scan finds no `{name}` in this repo to adopt ({}); `integrate scan` shows what it finds",
            if names.is_empty() {
                "it finds nothing to adopt".to_string()
            } else {
                format!("it finds: {}", names.join(", "))
            }
        )));
    };
    let entry = catalog.get(&name).cloned().unwrap_or_default();
    let mut hashes = Vec::new();
    for path in &found.files {
        let text = std::fs::read_to_string(project.root.join(path)).ok();
        hashes.push((path.clone(), text.map(|t| hash(&t)).unwrap_or_default()));
    }
    let text = adopted_record(&project.record, found, &entry, &hashes);
    let mut draft = Draft::new(&project.root);
    draft.write(RECORD_FILE, text)?;
    execute(
        app,
        &project.root,
        &draft.into_plan(false),
        args.dry_run,
        false,
    )?;
    if !args.dry_run {
        app.reporter.note(&format!(
            "{} recorded as adopted: {} file(s), {} env var(s), {} webhook route(s); `integrate doctor` checks they stay, `integrate remove {name}` unrecords it",
            found.display_name,
            found.files.len(),
            found.env_names().len(),
            found.of("webhook").len()
        ));
    }
    Ok(())
}

/// Record text with `[integrations.<service>]` for the adopted `found`: its answers from
/// the catalog `entry` (where there is one), `adopted = true`, its files with `hashes`, and
/// its evidence. Pure.
pub fn adopted_record(
    record: &Record,
    found: &Found,
    entry: &crate::catalog::Entry,
    hashes: &[(String, String)],
) -> String {
    let mut doc = record.doc.clone();
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
    table.insert("adopted", value(true));
    table.insert("display_name", value(&found.display_name));
    table.insert("category", value(found.category.to_string()));
    let auth = entry.auth.map(|a| a.to_string());
    table.insert("auth", value(auth.unwrap_or_else(|| "none".to_string())));
    if !entry.auth_header.is_empty() {
        table.insert("auth_header", value(&entry.auth_header));
    }
    if !entry.token_url.is_empty() {
        table.insert("token_url", value(&entry.token_url));
    }
    if !entry.base_url.is_empty() {
        table.insert("base_url", value(&entry.base_url));
    }
    if !entry.docs_url.is_empty() {
        table.insert("docs_url", value(&entry.docs_url));
    }
    table.insert("webhooks", value(false));
    let env_found = found.env_names();
    let mut env = InlineTable::new();
    for (role, var) in &entry.env {
        if env_found.contains(var) {
            env.insert(role, var.as_str().into());
        }
    }
    table.insert("env", value(env));
    let mut files = Array::new();
    for (path, _) in hashes {
        files.push(path.as_str());
    }
    files.set_trailing_comma(true);
    for item in files.iter_mut() {
        item.decor_mut().set_prefix("\n    ");
    }
    files.set_trailing("\n");
    table.insert("files", value(files));
    table.insert("edited", value(Array::new()));
    let mut evidence = Array::new();
    for e in &found.evidence {
        let mut item = InlineTable::new();
        item.insert("kind", e.kind.into());
        item.insert("path", e.path.as_str().into());
        item.insert("line", (e.line as i64).into());
        item.insert("detail", e.detail.as_str().into());
        item.decor_mut().set_prefix("\n    ");
        evidence.push(item);
    }
    evidence.set_trailing_comma(true);
    evidence.set_trailing("\n");
    table.insert("evidence", value(evidence));
    let mut hash_table = Table::new();
    for (path, digest) in hashes {
        hash_table.insert(path, value(digest));
    }
    table.insert("hashes", Item::Table(hash_table));
    table.decor_mut().set_prefix("\n");
    integrations.insert(&found.service, Item::Table(table));
    doc.to_string()
}
