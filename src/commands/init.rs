//! `integrate init`: write integrate.toml and the kit's shared files.

use std::path::Path;

use serde_json::{Map, Value};

use crate::cli::InitArgs;
use crate::commands::{default_paths, execute, output_path, plan_edit, App};
use crate::context::{self, holds};
use crate::error::{Error, Result};
use crate::kit::{known_kits, Kit};
use crate::plan::Draft;
use crate::prompt::{Prompter, TerminalPrompter};
use crate::record::{self, Record};
use crate::render::Renderer;
use crate::repo::{self, RECORD_FILE};

/// Keeps `.integrate/` (team kit overrides, the repo's catalog) in the repo while git
/// ignores what a run leaves there only while it works. A `.integrate/` that stays also
/// spares every later run creating and removing the folder for its lock.
const STATE_IGNORE_FILE: &str = ".integrate/.gitignore";
const STATE_IGNORE: &str = "# integrate's lock and the journal of a change in progress: never commit them.\n/lock\n/journal.*\n";

/// Runs `init`.
pub fn run(app: &App, args: &InitArgs) -> Result<()> {
    let root = repo::find_init_root(&app.dir)?;
    let existing = match root.join(RECORD_FILE).is_file() {
        true => Some(Record::load(&root)?),
        false => None,
    };
    let kit_name = match (&args.kit, &existing) {
        (Some(kit), _) => kit.clone(),
        (None, Some(record)) => record.kit()?.to_string(),
        (None, None) => detect(app, &root, args.yes)?,
    };
    let kit = Kit::load(&kit_name, Some(&root))?;
    let defaults = default_paths(&kit, &root);
    let mut draft = Draft::new(&root);
    match &existing {
        None => draft.generate(RECORD_FILE, record::initial(kit.name(), &defaults))?,
        Some(record) => {
            let mut fragment = toml_edit::DocumentMut::new();
            let mut paths = toml_edit::Table::new();
            for (key, path) in &defaults {
                paths.insert(key, toml_edit::value(path));
            }
            fragment.insert("paths", toml_edit::Item::Table(paths));
            let merged = crate::editors::toml::merge(&record.text, &fragment.to_string()).map_err(
                |source| Error::Edit {
                    path: RECORD_FILE.into(),
                    source,
                },
            )?;
            draft.write(RECORD_FILE, merged)?;
        }
    }
    let record = Record::parse(&draft.read(RECORD_FILE)?.unwrap_or_default())?;
    let defaults_map: Map<String, Value> = defaults
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let paths = record.paths(&defaults_map)?;
    let context = context::for_init(kit.name(), &paths);
    let needed = kit
        .manifest
        .init
        .iter()
        .map(|s| s.template.as_str())
        .chain(kit.manifest.init_edit.iter().map(|s| s.template.as_str()));
    let renderer = Renderer::new(&kit, needed)?;
    for spec in kit
        .manifest
        .init
        .iter()
        .filter(|s| holds(s.when.as_deref(), &context))
    {
        let path = output_path(&renderer, &kit, &spec.path, &spec.template, &context)?;
        if draft.read(&path)?.is_some() {
            continue;
        }
        let content = renderer.render(&spec.template, &context)?;
        draft.generate(&path, content)?;
    }
    for spec in &kit.manifest.init_edit {
        plan_edit(&mut draft, &renderer, &kit, spec, &context, "")?;
    }
    if draft.read(STATE_IGNORE_FILE)?.is_none() {
        draft.generate(STATE_IGNORE_FILE, STATE_IGNORE.to_string())?;
    }
    let plan = draft.into_plan(false);
    execute(app, &root, &plan, args.dry_run, false)?;
    if !args.dry_run && !plan.is_empty() {
        app.reporter.note(&format!(
            "kit `{}` ready; add an integration with `integrate new <service>`",
            kit.name()
        ));
    }
    Ok(())
}

fn detect(app: &App, root: &Path, yes: bool) -> Result<String> {
    let kits = known_kits(Some(root));
    let mut matches = Vec::new();
    for name in &kits {
        let kit = Kit::load(name, Some(root))?;
        let detect = &kit.manifest.detect;
        if !detect.is_empty() && detect.iter().all(|p| root.join(p).exists()) {
            matches.push(name.clone());
        }
    }
    match matches.as_slice() {
        [one] => Ok(one.clone()),
        [first, ..] if yes || !app.interactive => Ok(first.clone()),
        [] if !app.interactive || yes => Err(Error::Usage(format!(
            "could not tell the stack of {}; pass --kit with one of: {}",
            root.display(),
            kits.join(", ")
        ))),
        choices => {
            let items: Vec<&str> = if choices.is_empty() {
                kits.iter().map(String::as_str).collect()
            } else {
                choices.iter().map(String::as_str).collect()
            };
            let index = TerminalPrompter::new().select("Kit", &items, 0)?;
            Ok(items[index].to_string())
        }
    }
}
