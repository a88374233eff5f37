//! `integrate remove <SERVICE>`: undoes `new`. Generated files still as generated are
//! deleted (hand-edited ones are kept unless `--force`); fenced blocks, the `.env.example`
//! keys and TOML entries `new` added, and the record entry are removed.

use crate::cli::RemoveArgs;
use crate::commands::lifecycle::{not_recorded, toml_without, Project};
use crate::commands::{docs, execute, App};
use crate::editors::{block, env, toml as toml_editor};
use crate::error::{Error, Result};
use crate::kit::EditKind;
use crate::names::ServiceName;
use crate::plan::{hash, Draft};
use crate::repo::RECORD_FILE;

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

    for edit in edits.iter().rev() {
        if !integration.written.edited.contains(&edit.path) {
            continue;
        }
        let Some(current) = draft.read(&edit.path)? else {
            continue;
        };
        let kept = integration
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
            EditKind::Env => env::remove(&current, &edit.body, &kept),
            EditKind::Block => block::remove(&current, &edit.block()).map_err(edit_error)?,
            EditKind::Toml => toml_editor::unmerge(&current, &toml_without(&edit.body, &kept))
                .map_err(edit_error)?,
        };
        if integration.written.created.contains(&edit.path) && updated.trim().is_empty() {
            draft.delete(&edit.path)?;
        } else {
            draft.write(&edit.path, updated)?;
        }
    }

    draft.write(RECORD_FILE, project.record.without_integration(&name))?;
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
