//! `integrate init`: write integrate.toml and the kit's shared files.

use std::path::Path;

use serde_json::{Map, Value};

use crate::cli::InitArgs;
use crate::commands::{default_paths, default_profile, execute, output_path, plan_edit, App};
use crate::context::{self, holds};
use crate::error::{Error, Result};
use crate::kit::{known_kits, Kit};
use crate::plan::Draft;
use crate::profile;
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
    let root = init_root(&app.dir)?;
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
    let found = profile::detect(kit.name(), &root)?;
    for evidence in &found.evidence {
        app.reporter.status("Detected", evidence);
    }
    let defaults = over(default_paths(&kit, &root), &found.paths);
    let facts = over(
        default_profile(&kit)
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_str()?.to_string())))
            .collect(),
        &found.facts,
    );
    let mut draft = Draft::new(&root);
    match &existing {
        None => draft.generate(RECORD_FILE, record::initial(kit.name(), &defaults, &facts))?,
        Some(record) => {
            let mut fragment = toml_edit::DocumentMut::new();
            for (name, entries) in [("paths", &defaults), ("profile", &facts)] {
                if entries.is_empty() {
                    continue;
                }
                let mut table = toml_edit::Table::new();
                for (key, text) in entries {
                    table.insert(key, toml_edit::value(text));
                }
                fragment.insert(name, toml_edit::Item::Table(table));
            }
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
    let profile = record.profile(&default_profile(&kit))?;
    crate::profile::check(kit.name(), &paths, &profile)?;
    let context = context::for_init(kit.name(), &paths, &profile);
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

/// `defaults` with the values of `found` put over them (and its new keys added).
fn over(mut defaults: Vec<(String, String)>, found: &[(String, String)]) -> Vec<(String, String)> {
    for (key, value) in found {
        match defaults.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value.clone(),
            None => defaults.push((key.clone(), value.clone())),
        }
    }
    defaults
}

/// The folder `init` works in: the nearest at or above `start` holding `integrate.toml` or
/// a project of a known stack (so a monorepo's app folder is its own root), else the
/// nearest holding `.git`, else `start`.
fn init_root(start: &Path) -> Result<std::path::PathBuf> {
    let git_root = repo::find_init_root(start)?;
    let start = std::path::absolute(start).map_err(|e| Error::io(start, e))?;
    for dir in start.ancestors() {
        if dir.join(RECORD_FILE).is_file() || !matching_kits(dir)?.is_empty() {
            return Ok(dir.to_path_buf());
        }
        if dir == git_root {
            break;
        }
    }
    Ok(git_root)
}

/// The kits whose stack markers `root` holds.
fn matching_kits(root: &Path) -> Result<Vec<String>> {
    let mut matches = Vec::new();
    for name in known_kits(Some(root)) {
        let kit = Kit::load(&name, Some(root))?;
        let detect = &kit.manifest.detect;
        if (!detect.is_empty() && detect.iter().all(|p| root.join(p).exists()))
            || profile::recognizes(&name, root)
        {
            matches.push(name);
        }
    }
    Ok(matches)
}

fn detect(app: &App, root: &Path, yes: bool) -> Result<String> {
    let kits = known_kits(Some(root));
    let matches = matching_kits(root)?;
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
