//! The commands, each turning settings into a plan and handing it to apply.

pub mod adopt;
pub mod catalog;
pub mod docs;
pub mod doctor;
pub mod init;
pub mod kits;
pub mod lifecycle;
pub mod list;
pub mod new;
pub mod remove;
pub mod scan;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::context::holds;
use crate::editors::block::Block;
use crate::editors::{block, env, json, routes, rust as rust_editor, toml as toml_editor};
use crate::error::{Error, Result};
use crate::kit::{EditKind, EditSpec, IfMissing, Kit};
use crate::output::Reporter;
use crate::plan::{Draft, Plan};
use crate::render::Renderer;
use crate::{apply, repo};

/// Settings every command shares, resolved from the global flags.
pub struct App {
    /// The folder to start from (`-C`, else the current folder).
    pub dir: PathBuf,
    pub reporter: Reporter,
    /// Whether the wizard may ask: stdin and stderr are terminals.
    pub interactive: bool,
}

impl App {
    pub fn new(dir: Option<PathBuf>, reporter: Reporter) -> Self {
        Self {
            dir: dir.unwrap_or_else(|| PathBuf::from(".")),
            reporter,
            interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
        }
    }
}

/// The kit's path settings with list defaults resolved against `root`: the first
/// candidate that exists, else the first.
pub fn default_paths(kit: &Kit, root: &Path) -> Vec<(String, String)> {
    kit.manifest
        .paths
        .iter()
        .filter_map(|(key, value)| {
            let path = match value {
                toml::Value::String(s) => s.clone(),
                toml::Value::Array(candidates) => {
                    let candidates: Vec<&str> =
                        candidates.iter().filter_map(|c| c.as_str()).collect();
                    candidates
                        .iter()
                        .find(|c| root.join(c).exists())
                        .or(candidates.first())?
                        .to_string()
                }
                _ => return None,
            };
            Some((key.clone(), path))
        })
        .collect()
}

/// The kit's profile facts as template data: what a repo is taken to be when its record
/// says nothing (see [`crate::profile`]).
pub fn default_profile(kit: &Kit) -> serde_json::Map<String, Value> {
    kit.manifest
        .profile
        .iter()
        .filter_map(|(key, value)| Some((key.clone(), Value::String(value.as_str()?.to_string()))))
        .collect()
}

/// Renders one manifest edit into the draft. Returns the edited path, or `None` when the
/// edit does not apply (its `when` is false, or the file is missing and `if_missing = "skip"`).
pub fn plan_edit(
    draft: &mut Draft,
    renderer: &Renderer,
    kit: &Kit,
    spec: &EditSpec,
    context: &Value,
    fence_prefix: &str,
) -> Result<Option<String>> {
    if !holds(spec.when.as_deref(), context) {
        return Ok(None);
    }
    let path = output_path(renderer, kit, &spec.path, &spec.template, context)?;
    let current = match draft.read(&path)? {
        Some(text) => text,
        None => match spec.if_missing {
            IfMissing::Create => String::new(),
            IfMissing::Skip => return Ok(None),
            IfMissing::Error => {
                return Err(Error::Invalid {
                    path: path.into(),
                    message: "does not exist, but the kit edits it; create it, run `integrate init`, or point the path setting in integrate.toml elsewhere".to_string(),
                })
            }
        },
    };
    let rendered = renderer.render(&spec.template, context)?;
    let edit_error = |source| Error::Edit {
        path: path.clone().into(),
        source,
    };
    let updated = match spec.kind {
        EditKind::Env | EditKind::Requirements | EditKind::Gemfile => env::upsert(
            spec.kind.lines().expect("a keyed-lines edit"),
            &current,
            &rendered,
        ),
        EditKind::Toml => {
            crate::profile::check_merge(kit, draft.root(), &path, &current, &rendered)?;
            toml_editor::merge(&current, &rendered).map_err(edit_error)?
        }
        EditKind::RustMod => rust_editor::declare(&current, &rendered, spec.marker.as_deref()),
        EditKind::RustRouter => {
            rust_editor::wire(&current, &rendered, spec.marker.as_deref()).map_err(edit_error)?
        }
        EditKind::RailsRoutes => {
            let id = spec
                .id
                .clone()
                .unwrap_or_else(|| template_stem(&spec.template));
            let key = if fence_prefix.is_empty() {
                id
            } else {
                format!("{fence_prefix} {id}")
            };
            let comment = spec.comment.as_deref().unwrap_or(&kit.manifest.comment);
            routes::upsert(
                &current,
                &Block {
                    key: &key,
                    comment,
                    body: &rendered,
                    marker: None,
                    marker_missing: Default::default(),
                    before: None,
                },
            )
            .map_err(edit_error)?
        }
        EditKind::Json => json::merge(&current, &rendered).map_err(edit_error)?,
        EditKind::Block => {
            let id = spec
                .id
                .clone()
                .unwrap_or_else(|| template_stem(&spec.template));
            let key = if fence_prefix.is_empty() {
                id
            } else {
                format!("{fence_prefix} {id}")
            };
            let comment = spec.comment.as_deref().unwrap_or(&kit.manifest.comment);
            let before = match &spec.before {
                Some(before) => Some(renderer.render_inline(
                    before,
                    context,
                    &format!("`before` of {}", spec.template),
                )?),
                None => None,
            };
            block::upsert(
                &current,
                &Block {
                    key: &key,
                    comment,
                    body: &rendered,
                    marker: spec.marker.as_deref(),
                    marker_missing: spec.marker_missing,
                    before: before.as_deref(),
                },
            )
            .map_err(edit_error)?
        }
    };
    draft.write(&path, updated)?;
    Ok(Some(path))
}

/// Renders the output path of a manifest entry (`path = "..."`) and checks that it is a
/// relative path inside the repo; errors name the kit manifest and the entry's template.
pub fn output_path(
    renderer: &Renderer,
    kit: &Kit,
    path_template: &str,
    template: &str,
    context: &Value,
) -> Result<String> {
    let origin = format!("{} ({template})", kit_origin(kit));
    let rendered =
        renderer.render_inline(path_template, context, &format!("path of {template}"))?;
    repo::check_relative(&rendered, &origin)
}

/// The fence id of a block edit without an explicit `id`: its template's file stem.
pub fn template_stem(template: &str) -> String {
    let name = template.rsplit('/').next().unwrap_or(template);
    name.split('.').next().unwrap_or(name).to_string()
}

/// Where the kit's manifest comes from, for messages about its entries.
pub fn kit_origin(kit: &Kit) -> String {
    kit.files
        .get("kit.toml")
        .map(|f| f.origin.to_string())
        .unwrap_or_else(|| kit.name().to_string())
}

/// Shows or writes a finished plan. Returns the JSON summary of what happened.
pub fn execute(
    app: &App,
    root: &Path,
    plan: &Plan,
    dry_run: bool,
    quiet_summary: bool,
) -> Result<Value> {
    if !plan.conflicts.is_empty() {
        return Err(Error::Conflict {
            files: plan.conflicts.clone(),
        });
    }
    let changes: Vec<Value> = plan
        .changes
        .iter()
        .map(|c| json!({"path": c.path, "action": c.action}))
        .collect();
    if plan.is_empty() {
        if !quiet_summary {
            app.reporter
                .status("Fresh", "nothing to do: every file is up to date");
        }
        return Ok(json!({"changed": false, "dry_run": dry_run, "changes": changes}));
    }
    if dry_run {
        if !quiet_summary {
            app.reporter.diff(plan);
            app.reporter.plan_summary(plan, false);
            app.reporter.note("dry run: nothing was written");
        }
    } else {
        let applied = apply::apply(root, plan)?;
        if !quiet_summary {
            app.reporter.plan_summary(plan, true);
        }
        if let Some(warning) = &applied.warning {
            app.reporter.warn(warning);
        }
    }
    Ok(json!({"changed": !dry_run, "dry_run": dry_run, "changes": changes}))
}
