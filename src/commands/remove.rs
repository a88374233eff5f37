//! `integrate remove <SERVICE>`: undoes `new`. Generated files still as generated are
//! deleted (hand-edited ones are kept unless `--force`); fenced blocks, the `.env.example`
//! keys and TOML entries `new` added, and the record entry are removed.

use std::collections::BTreeMap;

use crate::cli::RemoveArgs;
use crate::commands::lifecycle::{leaves, not_recorded, toml_without, Project};
use crate::commands::{docs, execute, App};
use crate::editors::{block, env, json, rust as rust_editor, toml as toml_editor};
use crate::error::{Error, Result};
use crate::kit::EditKind;
use crate::names::ServiceName;
use crate::plan::{hash, Draft};
use crate::record::Written;
use crate::repo::RECORD_FILE;

/// Removes an adopted integration: takes it out of the record, and with `--delete-files`
/// deletes its recorded files that are unchanged since `adopt` (all of them with `--force`).
/// Nothing else: integrate wrote none of it.
fn unrecord(
    app: &App,
    project: &Project,
    integration: &crate::commands::lifecycle::Integration,
    args: &RemoveArgs,
) -> Result<()> {
    let mut draft = Draft::new(&project.root);
    let mut kept_files = Vec::new();
    if args.delete_files {
        for (path, recorded) in &integration.written.files {
            match draft.read(path)? {
                None => {}
                Some(text) if args.force || (!recorded.is_empty() && hash(&text) == *recorded) => {
                    draft.delete(path)?
                }
                Some(_) => kept_files.push(path.clone()),
            }
        }
    }
    draft.write(
        RECORD_FILE,
        project.record.without_integration(&integration.name),
    )?;
    docs::refresh(&project.root, &mut draft)?;
    execute(
        app,
        &project.root,
        &draft.into_plan(false),
        args.dry_run,
        false,
    )?;
    for path in &kept_files {
        app.reporter.warn(&format!(
            "kept {path}: changed since `integrate adopt` recorded it; delete it yourself, or add `--force`"
        ));
    }
    if !args.dry_run {
        app.reporter.note(&format!(
            "{} unrecorded{}",
            integration.inputs.display_name,
            if args.delete_files {
                format!(
                    " and {} file(s) deleted",
                    integration.written.files.len() - kept_files.len()
                )
            } else {
                "; its files stay (add `--delete-files` to delete them)".to_string()
            }
        ));
    }
    Ok(())
}

/// Runs `remove`.
pub fn run(app: &App, args: &RemoveArgs) -> Result<()> {
    let project = Project::load(app)?;
    let name = match ServiceName::parse(&args.service, "") {
        Ok(parsed) if project.record.integration(&parsed.name).is_some() => parsed.name,
        _ => args.service.trim().to_string(),
    };
    let integration = project
        .integration(&project.record, &name)?
        .ok_or_else(|| not_recorded(&project.record, &name))?;
    if integration.adopted.is_some() {
        return unrecord(app, &project, &integration, args);
    }
    let renderer = project.renderer()?;
    let edits = project.edits(&renderer, &integration)?;
    let mut draft = Draft::new(&project.root);

    let mut kept_files = Vec::new();
    for (path, recorded) in &integration.written.files {
        match draft.read(path)? {
            None => {}
            Some(text) if args.force || (!recorded.is_empty() && hash(&text) == *recorded) => {
                draft.delete(path)?
            }
            Some(_) => kept_files.push(path.clone()),
        }
    }

    // What this integration added that another recorded one also needs (a dependency both
    // use) stays and passes to the other one, as does a file it created that others edited:
    // the record then reads as if this integration had never been added.
    let others: Vec<_> = project
        .integrations(&project.record)?
        .into_iter()
        .filter(|o| o.name != name)
        .collect();
    let mut updates: BTreeMap<String, Written> = BTreeMap::new();
    // (path, item) → the integration that inherits it: the first recorded after this one
    // whose edit of that file also adds it (it would have added it itself).
    let mut heirs: BTreeMap<(String, String), String> = BTreeMap::new();
    // Env edits of heirs to rewrite, per path, in record order.
    let mut env_heirs: Vec<(String, String, Vec<String>)> = Vec::new();
    let mut created_heir: BTreeMap<String, String> = BTreeMap::new();
    for other in &others {
        let mut written = other.written.clone();
        let mut changed = false;
        for path in &integration.written.created {
            if other.written.edited.contains(path) && !created_heir.contains_key(path) {
                created_heir.insert(path.clone(), other.name.clone());
                if !written.created.contains(path) {
                    written.created.push(path.clone());
                    changed = true;
                }
            }
        }
        for other_edit in project.edits(&renderer, other)? {
            if !other.written.edited.contains(&other_edit.path) {
                continue;
            }
            let needs = leaves(other_edit.spec.kind, &other_edit.body);
            let mut inherits = false;
            for edit in edits.iter().filter(|e| e.path == other_edit.path) {
                let ours_kept = integration.written.kept.get(&edit.path);
                for item in leaves(edit.spec.kind, &edit.body) {
                    let added_by_us = !ours_kept.is_some_and(|k| k.contains(&item));
                    let key = (edit.path.clone(), item.clone());
                    if !added_by_us || !needs.contains(&item) || heirs.contains_key(&key) {
                        continue;
                    }
                    heirs.insert(key, other.name.clone());
                    inherits = true;
                    if let Some(list) = written.kept.get_mut(&edit.path) {
                        let before = list.len();
                        list.retain(|k| *k != item);
                        changed |= list.len() != before;
                    }
                }
            }
            if inherits && other_edit.spec.kind.lines().is_some() {
                let kept = written
                    .kept
                    .get(&other_edit.path)
                    .cloned()
                    .unwrap_or_default();
                env_heirs.push((other_edit.path.clone(), other_edit.body.clone(), kept));
            }
        }
        if changed {
            updates.insert(other.name.clone(), written);
        }
    }

    for edit in edits.iter().rev() {
        if !integration.written.edited.contains(&edit.path) {
            continue;
        }
        let Some(current) = draft.read(&edit.path)? else {
            continue;
        };
        let mut kept = integration
            .written
            .kept
            .get(&edit.path)
            .cloned()
            .unwrap_or_default();
        let edit_error = |source| Error::Edit {
            path: edit.path.clone().into(),
            source,
        };
        let updated = match edit.spec.kind {
            // Inherited env keys go, and come back in the heir's block with its value.
            EditKind::Env | EditKind::Requirements | EditKind::Gemfile => {
                let syntax = edit.spec.kind.lines().expect("a keyed-lines edit");
                let mut text = env::remove(syntax, &current, &edit.body, &kept);
                for (path, body, heir_kept) in &env_heirs {
                    if *path == edit.path {
                        text = env::rechunk(syntax, &text, body, heir_kept);
                    }
                }
                text
            }
            // Inherited JSON entries stay as they are, as do objects the file had before.
            EditKind::Json => {
                kept.extend(
                    heirs
                        .keys()
                        .filter(|(path, _)| *path == edit.path)
                        .map(|(_, item)| item.clone()),
                );
                json::unmerge(&current, &edit.body, &kept).map_err(edit_error)?
            }
            EditKind::Block | EditKind::RailsRoutes => {
                block::remove(&current, &edit.block()).map_err(edit_error)?
            }
            EditKind::RustMod => rust_editor::undeclare(&current, &edit.body),
            EditKind::RustRouter => rust_editor::unwire(&current, &edit.body),
            // Inherited TOML entries stay as they are.
            EditKind::Toml => {
                kept.extend(
                    heirs
                        .keys()
                        .filter(|(path, _)| *path == edit.path)
                        .map(|(_, item)| item.clone()),
                );
                toml_editor::unmerge(&current, &toml_without(&edit.body, &kept))
                    .map_err(edit_error)?
            }
        };
        if integration.written.created.contains(&edit.path) && updated.trim().is_empty() {
            draft.delete(&edit.path)?;
        } else {
            draft.write(&edit.path, updated)?;
        }
    }

    draft.write(
        RECORD_FILE,
        project.record.without_integration_updating(&name, &updates),
    )?;
    docs::refresh(&project.root, &mut draft)?;
    let plan = draft.into_plan(false);
    execute(app, &project.root, &plan, args.dry_run, false)?;
    for path in &kept_files {
        app.reporter.warn(&format!(
            "kept {path}: edited by hand since `integrate new` wrote it; delete it yourself, or run `integrate remove {name} --force`"
        ));
    }
    if !args.dry_run {
        app.reporter.note(&format!(
            "{} removed{}",
            integration.inputs.display_name,
            if kept_files.is_empty() {
                String::new()
            } else {
                format!(" ({} hand-edited file(s) kept)", kept_files.len())
            }
        ));
    }
    Ok(())
}
