//! What `list`, `remove`, `doctor` and `docs` share: the recorded integrations of a repo,
//! their kit edits re-rendered from the recorded answers, and the checks that what `new`
//! put in place is still there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value};
use toml_edit::{DocumentMut, Item, Table};

use crate::commands::scan::Evidence;
use crate::commands::{default_paths, default_profile, App};
use crate::context::{self, holds};
use crate::editors::toml::member_name;
use crate::editors::{block, env, json};
use crate::error::{Error, Result};
use crate::inputs::{self, Flags, Inputs, Known, Mode};
use crate::kit::{EditKind, EditSpec, Kit};
use crate::names::ServiceName;
use crate::plan::{hash, Draft};
use crate::record::{Record, Written};
use crate::render::Renderer;
use crate::repo;

/// Default path of the integrations document; `paths.integrations_doc` in integrate.toml
/// overrides it.
pub const DEFAULT_DOC: &str = "docs/INTEGRATIONS.md";

/// A repo with its record and kit loaded.
pub struct Project {
    pub root: PathBuf,
    pub record: Record,
    pub kit: Kit,
    pub paths: Map<String, Value>,
    /// The repo profile: the record's `[profile]` over the kit's defaults.
    pub profile: Map<String, Value>,
    /// The same repo seen through each other kit a recorded integration was generated
    /// with (`new --kit`), by kit name.
    others: BTreeMap<String, Project>,
}

impl Project {
    /// Finds the repo root from the app's folder and loads record and kit.
    pub fn load(app: &App) -> Result<Self> {
        let root = repo::find_root(&app.dir)?;
        Self::at(&root)
    }

    /// Loads the record and kit of the repo at `root`.
    pub fn at(root: &Path) -> Result<Self> {
        Self::with_record(root, Record::load(root)?)
    }

    /// The repo at `root` with `record` (e.g. the pending record of a plan).
    pub fn with_record(root: &Path, record: Record) -> Result<Self> {
        let kit = record.kit()?.to_string();
        let mut project = Self::with_kit(root, record, &kit)?;
        for service in project.record.services() {
            let Some(other) = project.record.written(&service).and_then(|w| w.kit) else {
                continue;
            };
            if other != kit && !project.others.contains_key(&other) {
                let seen = Self::with_kit(root, project.record.clone(), &other)?;
                project.others.insert(other, seen);
            }
        }
        Ok(project)
    }

    /// The repo at `root` with `record`, seen through the kit `kit`.
    pub fn with_kit(root: &Path, record: Record, kit: &str) -> Result<Self> {
        let kit = Kit::load(kit, Some(root))?;
        let defaults: Map<String, Value> = default_paths(&kit, root)
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        let paths = record.paths(&defaults)?;
        let profile = record.profile(&default_profile(&kit))?;
        Ok(Self {
            root: root.to_path_buf(),
            record,
            kit,
            paths,
            profile,
            others: BTreeMap::new(),
        })
    }

    /// The repo seen through kit `kit` (this project for its own kit, or for `None`), if
    /// that kit is loaded.
    fn for_kit(&self, kit: Option<&str>) -> Option<&Project> {
        match kit {
            Some(kit) if kit != self.kit.name() => self.others.get(kit),
            _ => Some(self),
        }
    }

    /// The project of the kit that generated `name` in `record`.
    fn for_service(&self, record: &Record, name: &str) -> Result<&Project> {
        let kit = record.written(name).and_then(|w| w.kit);
        self.for_kit(kit.as_deref()).ok_or_else(|| Error::Invalid {
            path: repo::RECORD_FILE.into(),
            message: format!(
                "`{name}` was generated with kit `{}`, which this run did not load; run again",
                kit.unwrap_or_default()
            ),
        })
    }

    /// Path of the integrations document.
    pub fn doc_path(&self) -> String {
        doc_path(&self.record)
    }

    /// A renderer for every edit template of the kit.
    pub fn renderer(&self) -> Result<Renderer<'_>> {
        Renderer::new(
            &self.kit,
            self.kit.manifest.edit.iter().map(|s| s.template.as_str()),
        )
    }

    /// The recorded integration `name` of `record`, with its answers resolved again.
    pub fn integration(&self, record: &Record, name: &str) -> Result<Option<Integration>> {
        let project = self.for_service(record, name)?;
        if !std::ptr::eq(project, self) {
            return project.integration(record, name);
        }
        let Some((entry, webhooks)) = record.answers(name)? else {
            return Ok(None);
        };
        let written = record.written(name).unwrap_or_default();
        let service = ServiceName::parse(name, &self.kit.manifest.language)?;
        let flags = Flags {
            webhooks: Some(webhooks),
            events: Some(entry.events.clone()),
            yes: true,
            ..Flags::default()
        };
        let known = Known {
            recorded: Some(&entry),
            recorded_webhooks: Some(webhooks),
            catalog: None,
            language: &self.kit.manifest.language,
        };
        let inputs = inputs::resolve(service, &flags, &known, Mode::Defaults)?;
        let app_facts = context::AppFacts::of(&self.root, false);
        let context = context::for_new(
            &inputs,
            self.kit.name(),
            &self.paths,
            &self.profile,
            &app_facts,
        );
        let adopted = adopted_evidence(record, name);
        let (client, handler) = match &adopted {
            Some(evidence) => (
                evidence
                    .iter()
                    .find(|e| e.kind == "folder")
                    .map(|e| e.path.clone()),
                evidence
                    .iter()
                    .find(|e| e.kind == "webhook")
                    .map(|e| e.path.clone()),
            ),
            None => self.roles(&context, &written),
        };
        Ok(Some(Integration {
            name: name.to_string(),
            inputs,
            context,
            written,
            client,
            handler,
            adopted,
        }))
    }

    /// The generated client and webhook handler among `written`'s files, told by the kit
    /// templates they come from (`client.*`/`provider.*`; `*webhook*`, a controller first).
    fn roles(&self, context: &Value, written: &Written) -> (Option<String>, Option<String>) {
        let Ok(renderer) = Renderer::new(&self.kit, std::iter::empty()) else {
            return (None, None);
        };
        let mut client = None;
        let mut handlers: Vec<(u8, String)> = Vec::new();
        for spec in &self.kit.manifest.file {
            if !holds(spec.when.as_deref(), context) {
                continue;
            }
            let Ok(path) = renderer.render_inline(&spec.path, context, "file path") else {
                continue;
            };
            if !written.files.contains_key(&path) {
                continue;
            }
            let name = spec.template.rsplit('/').next().unwrap_or(&spec.template);
            if name.contains("test") {
                continue;
            }
            if client.is_none() && (name.starts_with("client.") || name.starts_with("provider.")) {
                client = Some(path.clone());
            }
            if name.contains("webhook") {
                let rank = if name.contains("controller") { 0 } else { 1 };
                handlers.push((rank, path));
            }
        }
        handlers.sort();
        (client, handlers.into_iter().next().map(|(_, p)| p))
    }

    /// Every recorded integration of `record`, in record order.
    pub fn integrations(&self, record: &Record) -> Result<Vec<Integration>> {
        let mut out = Vec::new();
        for name in record.services() {
            if let Some(integration) = self.integration(record, &name)? {
                out.push(integration);
            }
        }
        Ok(out)
    }

    /// The kit's edits for `integration`, rendered (those whose `when` holds).
    pub fn edits<'p>(
        &'p self,
        renderer: &Renderer,
        integration: &Integration,
    ) -> Result<Vec<RenderedEdit<'p>>> {
        // An adopted integration was written by hand: no kit edit is integrate's.
        if integration.adopted.is_some() {
            return Ok(Vec::new());
        }
        match self.for_kit(integration.written.kit.as_deref()) {
            Some(other) if !std::ptr::eq(other, self) => {
                other.edits_with(&other.renderer()?, &integration.name, &integration.context)
            }
            _ => self.edits_with(renderer, &integration.name, &integration.context),
        }
    }

    /// The kit's edits for service `name` with template context `context`, rendered.
    pub fn edits_with<'p>(
        &'p self,
        renderer: &Renderer,
        name: &str,
        context: &Value,
    ) -> Result<Vec<RenderedEdit<'p>>> {
        let mut out = Vec::new();
        for spec in &self.kit.manifest.edit {
            if !holds(spec.when.as_deref(), context) {
                continue;
            }
            let path = crate::commands::output_path(
                renderer,
                &self.kit,
                &spec.path,
                &spec.template,
                context,
            )?;
            let body = renderer.render(&spec.template, context)?;
            let id = spec
                .id
                .clone()
                .unwrap_or_else(|| template_stem(&spec.template));
            out.push(RenderedEdit {
                spec,
                path,
                body,
                fence: format!("{} {id}", name),
                id,
                comment: spec
                    .comment
                    .clone()
                    .unwrap_or_else(|| self.kit.manifest.comment.clone()),
            });
        }
        Ok(out)
    }
}

/// For a second `new` of `service` (current template context `context`): the env keys and
/// TOML entries the previous answers' edits added that the current ones no longer write
/// (webhooks switched off, say) are taken out of the draft — unless the file had them before
/// the first `new`, or another recorded integration writes them too. Blocks and files are
/// `new`'s own business.
pub fn drop_stale_entries(
    root: &Path,
    draft: &mut Draft,
    record: &Record,
    (service, kit): (&str, &str),
    context: &Value,
) -> Result<()> {
    if record.integration(service).is_none() {
        return Ok(());
    }
    let project = Project::with_record(root, record.clone())?;
    let Some(previous) = project.integration(record, service)? else {
        return Ok(());
    };
    let renderer = project.renderer()?;
    let before = project.edits(&renderer, &previous)?;
    // What the edits of this run's kit write now.
    let loaded;
    let now_project = match project.for_kit(Some(kit)) {
        Some(known) => known,
        None => {
            loaded = Project::with_kit(root, record.clone(), kit)?;
            &loaded
        }
    };
    let now = now_project.edits_with(&now_project.renderer()?, service, context)?;
    let others = project.integrations(record)?;
    let mut others_edits = Vec::new();
    for other in others.iter().filter(|o| o.name != service) {
        for edit in project.edits(&renderer, other)? {
            if other.written.edited.contains(&edit.path) {
                others_edits.push((edit.path.clone(), leaves(edit.spec.kind, &edit.body)));
            }
        }
    }
    for edit in &before {
        if edit.spec.kind.fenced() || !previous.written.edited.contains(&edit.path) {
            continue;
        }
        let kept = previous
            .written
            .kept
            .get(&edit.path)
            .cloned()
            .unwrap_or_default();
        let still: Vec<String> = now
            .iter()
            .filter(|e| e.path == edit.path && e.spec.kind == edit.spec.kind)
            .flat_map(|e| leaves(e.spec.kind, &e.body))
            .chain(
                others_edits
                    .iter()
                    .filter(|(path, _)| *path == edit.path)
                    .flat_map(|(_, items)| items.iter().cloned()),
            )
            .chain(kept)
            .collect();
        let all = leaves(edit.spec.kind, &edit.body);
        if all.iter().all(|item| still.contains(item)) {
            continue;
        }
        let Some(text) = draft.read(&edit.path)? else {
            continue;
        };
        let keep: Vec<String> = all.into_iter().filter(|i| still.contains(i)).collect();
        let updated = match edit.spec.kind {
            EditKind::Env | EditKind::Requirements | EditKind::Gemfile => env::remove_lines(
                edit.spec.kind.lines().expect("a keyed-lines edit"),
                &text,
                &edit.body,
                &keep,
            ),
            EditKind::Json => {
                let mut keep = keep;
                keep.extend(
                    previous
                        .written
                        .kept
                        .get(&edit.path)
                        .cloned()
                        .unwrap_or_default(),
                );
                json::unmerge(&text, &edit.body, &keep).map_err(|source| Error::Edit {
                    path: edit.path.clone().into(),
                    source,
                })?
            }
            _ => crate::editors::toml::unmerge(&text, &toml_without(&edit.body, &keep)).map_err(
                |source| Error::Edit {
                    path: edit.path.clone().into(),
                    source,
                },
            )?,
        };
        draft.write(&edit.path, updated)?;
    }
    Ok(())
}

/// The items an edit adds, named like the record's `kept` lists (env keys; TOML leaves).
pub fn leaves(kind: EditKind, body: &str) -> Vec<String> {
    match kind {
        EditKind::Env | EditKind::Requirements | EditKind::Gemfile => {
            env::keys(kind.lines().expect("a keyed-lines edit"), body)
        }
        EditKind::Toml => toml_leaves(body),
        EditKind::Json => json::leaves(body),
        EditKind::Block | EditKind::RailsRoutes | EditKind::RustMod | EditKind::RustRouter => {
            Vec::new()
        }
    }
}

/// Path of the integrations document of `record`.
pub fn doc_path(record: &Record) -> String {
    record
        .path_setting("integrations_doc")
        .unwrap_or_else(|| DEFAULT_DOC.to_string())
}

fn template_stem(template: &str) -> String {
    let name = template.rsplit('/').next().unwrap_or(template);
    name.split('.').next().unwrap_or(name).to_string()
}

/// One recorded integration with its answers resolved.
pub struct Integration {
    pub name: String,
    pub inputs: Inputs,
    pub context: Value,
    pub written: Written,
    /// The generated API client, if the kit made one.
    pub client: Option<String>,
    /// The generated webhook handler, if any.
    pub handler: Option<String>,
    /// For an integration recorded by `adopt` (written by hand), the evidence recorded.
    pub adopted: Option<Vec<Evidence>>,
}

/// The evidence recorded by `adopt` for `service` (`adopted = true`), if it was adopted.
pub fn adopted_evidence(record: &Record, service: &str) -> Option<Vec<Evidence>> {
    let table = record.integration(service)?;
    if !table
        .get("adopted")
        .and_then(Item::as_bool)
        .unwrap_or(false)
    {
        return None;
    }
    let list = table.get("evidence").and_then(Item::as_array);
    let evidence = list
        .into_iter()
        .flat_map(|a| a.iter())
        .filter_map(|v| {
            let t = v.as_inline_table()?;
            let text = |k: &str| t.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            Some(Evidence {
                kind: evidence_kind(&text("kind"))?,
                path: text("path"),
                line: t
                    .get("line")
                    .and_then(|v| v.as_integer())
                    .unwrap_or(1)
                    .max(0) as usize,
                detail: text("detail"),
            })
        })
        .collect();
    Some(evidence)
}

/// The evidence kinds `adopt` records, as the static names scan uses.
pub fn evidence_kind(kind: &str) -> Option<&'static str> {
    [
        "package", "import", "env", "env-read", "settings", "folder", "webhook", "file",
    ]
    .into_iter()
    .find(|k| *k == kind)
}

impl Integration {
    /// The URL path of its webhook route, when it has one.
    pub fn webhook_route(&self) -> Option<String> {
        if let Some(evidence) = &self.adopted {
            return evidence
                .iter()
                .find(|e| e.kind == "webhook")
                .map(|e| e.detail.clone());
        }
        if !self.inputs.webhooks {
            return None;
        }
        self.context
            .pointer("/webhook/route")
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// Its env var names in order.
    pub fn env_names(&self) -> Vec<String> {
        if let Some(evidence) = &self.adopted {
            let mut out: Vec<String> = Vec::new();
            for e in evidence {
                if (e.kind == "env" || e.kind == "env-read") && !out.contains(&e.detail) {
                    out.push(e.detail.clone());
                }
            }
            return out;
        }
        context::env_in_order(&self.inputs)
            .into_iter()
            .map(|(_, name)| name.to_string())
            .collect()
    }
}

/// One kit edit of one integration, rendered.
pub struct RenderedEdit<'k> {
    pub spec: &'k EditSpec,
    pub path: String,
    /// The rendered template.
    pub body: String,
    pub id: String,
    /// The fence key of a block edit: `<service> <id>`.
    pub fence: String,
    pub comment: String,
}

impl RenderedEdit<'_> {
    /// The block, for the block editor.
    pub fn block(&self) -> block::Block<'_> {
        block::Block {
            key: &self.fence,
            comment: &self.comment,
            body: &self.body,
            marker: self.spec.marker.as_deref(),
            marker_missing: self.spec.marker_missing,
            before: None,
        }
    }

    /// What the edit puts in place, in words (`factory registration`, `webhook route`, ...).
    pub fn label(&self) -> String {
        match self.spec.kind {
            EditKind::Env => "env vars".to_string(),
            EditKind::Requirements | EditKind::Gemfile => "dependencies".to_string(),
            EditKind::RailsRoutes => "webhook route".to_string(),
            EditKind::Toml => "entries".to_string(),
            EditKind::Json => "dependencies".to_string(),
            EditKind::RustMod => "module declaration".to_string(),
            EditKind::RustRouter => "router wiring".to_string(),
            EditKind::Block => {
                let id = self.id.as_str();
                if ["registry", "provider", "register", "factory", "modules"]
                    .iter()
                    .any(|w| id.contains(w))
                {
                    "factory registration".to_string()
                } else if ["url", "route"].iter().any(|w| id.contains(w)) {
                    "webhook route".to_string()
                } else if id.contains("setting") || id.contains("config") {
                    "settings entry".to_string()
                } else {
                    format!("block `{id}`")
                }
            }
        }
    }
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Something `new` put in place is gone: `doctor` fails.
    Missing,
    /// A generated file was changed by hand: reported, not a failure.
    Edited,
}

/// One thing `doctor` found.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub service: String,
    pub level: Level,
    /// What is missing or edited: `generated file`, `env var STRIPE_API_KEY`, ...
    pub what: String,
    pub path: String,
}

impl Finding {
    pub fn describe(&self) -> String {
        match self.level {
            _ if self.path.is_empty() => format!("{}: {}", self.service, self.what),
            Level::Missing if self.what.starts_with("file (") => format!(
                "{}: file {} {} missing",
                self.service,
                self.path,
                &self.what["file ".len()..]
            ),
            Level::Missing => format!("{}: {} missing in {}", self.service, self.what, self.path),
            Level::Edited => format!(
                "{}: {} {} edited by hand",
                self.service, self.what, self.path
            ),
        }
    }
}

/// Checks one integration against the files as `read` sees them.
pub fn check(
    integration: &Integration,
    edits: &[RenderedEdit],
    read: &mut dyn FnMut(&str) -> Option<String>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let finding = |level, what: String, path: &str| Finding {
        service: integration.name.clone(),
        level,
        what,
        path: path.to_string(),
    };
    let label = if integration.adopted.is_some() {
        "adopted file"
    } else {
        "generated file"
    };
    for (path, recorded) in &integration.written.files {
        match read(path) {
            None => out.push(finding(Level::Missing, label.into(), path)),
            Some(text) if !recorded.is_empty() && hash(&text) != *recorded => {
                out.push(finding(Level::Edited, label.into(), path))
            }
            Some(_) => {}
        }
    }
    for evidence in integration.adopted.iter().flatten() {
        // What adopt recorded must still be where it was (lines may move).
        let holds = match (read(&evidence.path), evidence.kind) {
            (None, _) => false,
            (Some(_), "folder" | "file") => true,
            (Some(text), _) => text.contains(&evidence.detail),
        };
        if !holds {
            out.push(finding(
                Level::Missing,
                format!("adopted evidence: {}", evidence.what()),
                &evidence.path,
            ));
        }
    }
    for edit in edits {
        if !integration.written.edited.contains(&edit.path) {
            continue;
        }
        let Some(text) = read(&edit.path) else {
            out.push(finding(
                Level::Missing,
                format!("file (holding the {})", edit.label()),
                &edit.path,
            ));
            continue;
        };
        match edit.spec.kind {
            EditKind::Env | EditKind::Requirements | EditKind::Gemfile => {
                let syntax = edit.spec.kind.lines().expect("a keyed-lines edit");
                let have = env::keys_of(syntax, text.lines());
                for key in env::keys(syntax, &edit.body) {
                    if !have.iter().any(|h| *h == key) {
                        let what = match edit.spec.kind {
                            EditKind::Env => format!("env var {key}"),
                            _ => format!("dependency {key}"),
                        };
                        out.push(finding(Level::Missing, what, &edit.path));
                    }
                }
            }
            EditKind::RustMod | EditKind::RustRouter => {
                let wanted = edit.body.trim();
                let present = match edit.spec.kind {
                    EditKind::RustMod => text.lines().any(|l| l.trim() == wanted),
                    _ => {
                        let source = crate::editors::rust::Source::new(&text);
                        crate::editors::rust::wired(&source, wanted).is_some()
                    }
                };
                if !present {
                    out.push(finding(
                        Level::Missing,
                        format!("{} (`{wanted}`)", edit.label()),
                        &edit.path,
                    ));
                }
            }
            EditKind::Block | EditKind::RailsRoutes => {
                let begin = format!("{} >>> integrate {}", edit.comment, edit.fence);
                let end = format!("{} <<< integrate {}", edit.comment, edit.fence);
                let lines: Vec<&str> = text.lines().map(str::trim).collect();
                if !lines.contains(&begin.as_str()) || !lines.contains(&end.as_str()) {
                    out.push(finding(
                        Level::Missing,
                        format!("{} (block `{}`)", edit.label(), edit.fence),
                        &edit.path,
                    ));
                }
            }
            EditKind::Json => {
                let have = json::present(&text, &edit.body);
                for leaf in json::leaves(&edit.body) {
                    if !have.contains(&leaf) {
                        let name = leaf.split_once('.').map_or(leaf.as_str(), |(_, n)| n);
                        out.push(finding(
                            Level::Missing,
                            format!("dependency {name}"),
                            &edit.path,
                        ));
                    }
                }
            }
            EditKind::Toml => {
                let Ok(doc) = text.parse::<DocumentMut>() else {
                    out.push(finding(
                        Level::Missing,
                        "valid TOML (the file does not parse)".into(),
                        &edit.path,
                    ));
                    continue;
                };
                for leaf in toml_leaves(&edit.body) {
                    if !toml_has(doc.as_table(), &leaf) {
                        let what = if leaf.starts_with("integrations.") {
                            format!("settings entry `{leaf}`")
                        } else {
                            format!("entry `{leaf}`")
                        };
                        out.push(finding(Level::Missing, what, &edit.path));
                    }
                }
            }
        }
    }
    out
}

/// The leaves a TOML fragment sets: dotted key paths of values, and `path[name]` for each
/// array member (named like the toml editor names them).
pub fn toml_leaves(fragment: &str) -> Vec<String> {
    let Ok(doc) = fragment.parse::<DocumentMut>() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    collect_leaves(doc.as_table(), "", &mut out);
    out
}

fn collect_leaves(table: &Table, prefix: &str, out: &mut Vec<String>) {
    for (key, item) in table.iter() {
        let path = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        match item {
            Item::Table(child) => collect_leaves(child, &path, out),
            Item::Value(toml_edit::Value::Array(array)) => {
                for member in array.iter() {
                    out.push(format!("{path}[{}]", member_name(member)));
                }
            }
            Item::Value(_) => out.push(path),
            _ => {}
        }
    }
}

/// Whether `table` has the leaf `leaf` (as named by [`toml_leaves`]).
pub fn toml_has(table: &Table, leaf: &str) -> bool {
    let (keys, member) = match leaf.split_once('[') {
        Some((keys, rest)) => (keys, Some(rest.trim_end_matches(']'))),
        None => (leaf, None),
    };
    let parts: Vec<&str> = keys.split('.').collect();
    let mut current: Option<&dyn toml_edit::TableLike> = Some(table);
    for (index, part) in parts.iter().enumerate() {
        let Some(item) = current.and_then(|t| t.get(part)) else {
            return false;
        };
        if index + 1 == parts.len() {
            return match (member, item) {
                (None, _) => true,
                (Some(name), Item::Value(toml_edit::Value::Array(array))) => {
                    array.iter().any(|v| member_name(v) == name)
                }
                (Some(_), _) => false,
            };
        }
        current = item.as_table_like();
    }
    false
}

/// `fragment` without the leaves in `kept`, and without tables left empty by that.
pub fn toml_without(fragment: &str, kept: &[String]) -> String {
    let Ok(mut doc) = fragment.parse::<DocumentMut>() else {
        return fragment.to_string();
    };
    prune(doc.as_table_mut(), "", kept);
    doc.to_string()
}

fn prune(table: &mut Table, prefix: &str, kept: &[String]) {
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
    for key in keys {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let remove = match table.get_mut(&key) {
            Some(Item::Table(child)) => {
                prune(child, &path, kept);
                child.is_empty()
            }
            Some(Item::Value(toml_edit::Value::Array(array))) => {
                let before = array.len();
                array.retain(|v| !kept.contains(&format!("{path}[{}]", member_name(v))));
                before > 0 && array.is_empty()
            }
            Some(Item::Value(_)) => kept.contains(&path),
            _ => false,
        };
        if remove {
            table.remove(&key);
        }
    }
}

/// What an edit of `kind` with `rendered` would add but `before` already has.
pub fn already_present(kind: EditKind, before: &str, rendered: &str) -> Vec<String> {
    match kind {
        EditKind::Env | EditKind::Requirements | EditKind::Gemfile => {
            let syntax = kind.lines().expect("a keyed-lines edit");
            let have = env::keys_of(syntax, before.lines());
            let mut kept: Vec<String> = env::keys(syntax, rendered)
                .into_iter()
                .filter(|k| have.iter().any(|h| h == k))
                .collect();
            if env::reuses_blank_line(syntax, before, rendered) {
                kept.push(env::BLANK_LINE.to_string());
            }
            kept
        }
        EditKind::Json => json::present(before, rendered),
        EditKind::Toml => match before.parse::<DocumentMut>() {
            Ok(doc) => toml_leaves(rendered)
                .into_iter()
                .filter(|leaf| toml_has(doc.as_table(), leaf))
                .collect(),
            Err(_) => Vec::new(),
        },
        EditKind::Block | EditKind::RailsRoutes | EditKind::RustMod | EditKind::RustRouter => {
            Vec::new()
        }
    }
}

/// Findings per service, for `list` status lines.
pub fn status_line(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "ok".to_string();
    }
    let missing = findings
        .iter()
        .filter(|f| f.level == Level::Missing)
        .count();
    let edited = findings.len() - missing;
    let mut parts = Vec::new();
    if missing > 0 {
        let first = findings
            .iter()
            .find(|f| f.level == Level::Missing)
            .map(|f| {
                if f.path.is_empty() {
                    f.what.clone()
                } else {
                    format!("missing {}", f.what)
                }
            })
            .unwrap_or_default();
        parts.push(match missing {
            1 => first,
            n => format!("{first} and {} more", n - 1),
        });
    }
    if edited > 0 {
        parts.push(format!("{edited} file(s) edited by hand"));
    }
    parts.join("; ")
}

pub use crate::output::print_line;

/// Reads a file of the repo as text; `None` when absent, not UTF-8, or not for integrate
/// to read (outside the repo or in `.git`, also through a symlink; not a regular file;
/// larger than [`repo::MAX_FILE_BYTES`]: see [`repo::read_file`]).
pub fn read_disk(root: &Path) -> impl FnMut(&str) -> Option<String> + '_ {
    move |path| {
        repo::read_file(root, path)
            .ok()
            .flatten()
            .and_then(|bytes| String::from_utf8(bytes).ok())
    }
}

/// An error for an unknown service.
pub fn not_recorded(record: &Record, service: &str) -> Error {
    let known = record.services();
    let hint = if known.is_empty() {
        "no integration is recorded yet".to_string()
    } else {
        format!("recorded: {}", known.join(", "))
    };
    Error::Usage(format!(
        "`{service}` is not recorded in integrate.toml ({hint}); see `integrate list`"
    ))
}

/// Groups findings by service.
pub fn by_service(findings: Vec<Finding>) -> BTreeMap<String, Vec<Finding>> {
    let mut out: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    for f in findings {
        out.entry(f.service.clone()).or_default().push(f);
    }
    out
}
