//! `integrate new <SERVICE>`: render the kit for one service and register it.

use serde_json::{json, Map, Value};

use crate::catalog::Catalog;
use crate::choices::{Choice, ClientMode};
use crate::cli::NewArgs;
use crate::commands::lifecycle::already_present;
use crate::commands::{default_paths, default_profile, execute, output_path, plan_edit, App};
use crate::context::{self, holds};
use crate::error::{Error, Result};
use crate::inputs::{self, Flags, Known, Mode};
use crate::kit::Kit;
use crate::names::ServiceName;
use crate::plan::{hash, Draft};
use crate::presence;
use crate::prompt::Prompter;
use crate::record::{Record, Written};
use crate::render::Renderer;
use crate::repo::{self, RECORD_FILE};

/// Runs `new`. `prompter` is used only when the app is interactive and `--yes` is absent.
pub fn run(app: &App, args: &NewArgs, prompter: Option<&mut dyn Prompter>) -> Result<()> {
    let root = repo::find_root(&app.dir)?;
    let record = Record::load(&root)?;
    // An integration generated with another kit (`--kit`) keeps it when generated again.
    let recorded_kit = args
        .service
        .as_deref()
        .and_then(|raw| ServiceName::parse(raw, "").ok())
        .and_then(|name| record.written(&name.name)?.kit);
    let kit_name = match (&args.kit, recorded_kit) {
        (Some(kit), _) => kit.clone(),
        (None, Some(kit)) => kit,
        (None, None) => record.kit()?.to_string(),
    };
    let kit = Kit::load(&kit_name, Some(&root))?;
    let mut prompter = if args.yes || !app.interactive {
        None
    } else {
        prompter
    };

    let raw = match (&args.service, prompter.as_deref_mut()) {
        (Some(raw), _) => raw.clone(),
        (None, Some(p)) => p.input("Service name", "")?,
        (None, None) => {
            return Err(Error::MissingInput {
                flag: "<SERVICE> (e.g. `integrate new stripe`)".to_string(),
            })
        }
    };
    let mut service = ServiceName::parse(&raw, &kit.manifest.language)?;
    if raw.trim() != service.name && !args.json {
        app.reporter.note(&format!(
            "`{}` is the service `{}`: identifiers {}, {}, {}, env prefix {}_",
            raw.trim(),
            service.name,
            service.snake,
            service.pascal,
            service.camel,
            service.shouty
        ));
    }
    let mut catalog_entry = Catalog::entry(Some(&root), &service.name)?;
    if catalog_entry.is_none() && record.integration(&service.name).is_none() {
        if let Some(best) = Catalog::load(Some(&root))?
            .suggest(&service.name)
            .first()
            .map(|s| s.to_string())
        {
            let switch = match prompter.as_deref_mut() {
                Some(p) => p.confirm(
                    &format!(
                        "`{}` is not in the catalog. Did you mean `{best}`?",
                        service.name
                    ),
                    true,
                )?,
                None => {
                    app.reporter.warn(&format!(
                        "`{}` is not in the catalog; did you mean `{best}`? Generating generic defaults for `{}`",
                        service.name, service.name
                    ));
                    false
                }
            };
            if switch {
                service = ServiceName::parse(&best, &kit.manifest.language)?;
                catalog_entry = Catalog::entry(Some(&root), &service.name)?;
            }
        }
    }

    let recorded = record.answers(&service.name)?;
    let known = Known {
        recorded: recorded.as_ref().map(|(entry, _)| entry),
        recorded_webhooks: recorded.as_ref().map(|(_, webhooks)| *webhooks),
        catalog: catalog_entry.as_ref(),
        language: &kit.manifest.language,
    };
    let flags = Flags {
        display_name: args.display_name.clone(),
        category: args.category,
        auth: args.auth,
        auth_header: args.auth_header.clone(),
        token_url: args.token_url.clone(),
        base_url: args.base_url.clone(),
        webhooks: args.webhooks(),
        webhook_scheme: args.webhook_scheme,
        signature_header: args.signature_header.clone(),
        events: args.events.clone(),
        client: args.client,
        yes: args.yes,
    };
    let mode = match prompter {
        _ if args.yes => Mode::Defaults,
        Some(p) => Mode::Ask(p),
        None => Mode::Strict,
    };
    let mut inputs = inputs::resolve(service, &flags, &known, mode)?;

    let defaults: Map<String, Value> = default_paths(&kit, &root)
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let paths = record.paths(&defaults)?;
    let profile = record.profile(&default_profile(&kit))?;
    crate::profile::check(kit.name(), &paths, &profile)?;
    let mut app_facts = context::AppFacts::of(&root, false);
    let mut context = context::for_new(&inputs, kit.name(), &paths, &profile, &app_facts);
    if !inputs.sdk_package.is_empty() && sdk_present(&root, &kit, &context, &inputs.sdk_package)? {
        app_facts.sdk_present = true;
        if kit.manifest.client_modes.contains(&ClientMode::Sdk) && !inputs.client_chosen {
            inputs.client = ClientMode::Sdk;
        }
        context = context::for_new(&inputs, kit.name(), &paths, &profile, &app_facts);
    }
    check_client_mode(&kit, &inputs)?;
    crate::profile::preflight(&kit, &profile, &context)?;
    let files: Vec<_> = kit
        .manifest
        .file
        .iter()
        .filter(|s| holds(s.when.as_deref(), &context))
        .collect();
    let edits: Vec<_> = kit
        .manifest
        .edit
        .iter()
        .filter(|s| holds(s.when.as_deref(), &context))
        .collect();
    let needed = files
        .iter()
        .map(|s| s.template.as_str())
        .chain(edits.iter().map(|s| s.template.as_str()));
    let renderer = Renderer::for_context(&kit, needed, &context)?;
    let mut draft = Draft::new(&root);
    let mut written = Written {
        kit: (kit.name() != record.kit()?).then(|| kit.name().to_string()),
        ..Written::default()
    };
    let previous_files = record
        .written(&inputs.service.name)
        .map(|w| w.files)
        .unwrap_or_default();
    for spec in kit
        .manifest
        .file
        .iter()
        .filter(|s| holds(s.when.as_deref(), &context))
    {
        let path = output_path(&renderer, &kit, &spec.path, &spec.template, &context)?;
        let content = renderer.render(&spec.template, &context)?;
        written.files.insert(path.clone(), hash(&content));
        let pristine = match (previous_files.get(&path), draft.read(&path)?) {
            (Some(recorded), Some(on_disk)) => hash(&on_disk) == *recorded,
            _ => false,
        };
        if pristine {
            // Still exactly as an earlier `new` generated it: new answers may rewrite it.
            draft.write(&path, content)?;
        } else {
            draft.generate(&path, content)?;
        }
    }
    let mut read_before: Vec<(String, String)> = Vec::new();
    for spec in edits {
        // What the file held before this edit, so `remove` can undo exactly what it adds.
        let target = output_path(&renderer, &kit, &spec.path, &spec.template, &context).ok();
        let before = match &target {
            Some(path) => draft.read(path)?,
            None => None,
        };
        if let (Some(path), Some(text)) = (&target, &before) {
            if !read_before.iter().any(|(p, _)| p == path) && path != RECORD_FILE {
                read_before.push((path.clone(), text.clone()));
            }
        }
        if let Some(path) = plan_edit(
            &mut draft,
            &renderer,
            &kit,
            spec,
            &context,
            &inputs.service.name,
        )? {
            match &before {
                None if !written.files.contains_key(&path) && !written.created.contains(&path) => {
                    written.created.push(path.clone())
                }
                Some(before) if !spec.kind.fenced() => {
                    let rendered = renderer.render(&spec.template, &context)?;
                    let kept = written.kept.entry(path.clone()).or_default();
                    for item in already_present(spec.kind, before, &rendered) {
                        if !kept.contains(&item) {
                            kept.push(item);
                        }
                    }
                }
                _ => {}
            }
            if !written.edited.contains(&path) {
                written.edited.push(path);
            }
        }
    }
    // Answers that differ from the recorded ones may leave parts of the earlier `new`
    // behind; re-running with the same answers (the common case) cannot.
    let same_answers = recorded.as_ref().is_some_and(|(entry, webhooks)| {
        let known = Known {
            recorded: Some(entry),
            recorded_webhooks: Some(*webhooks),
            catalog: catalog_entry.as_ref(),
            language: &kit.manifest.language,
        };
        inputs::resolve(
            inputs.service.clone(),
            &Flags::default(),
            &known,
            Mode::Defaults,
        )
        .is_ok_and(|previous| previous == inputs)
    });
    if !same_answers {
        drop_switched_off(
            app,
            &mut draft,
            &renderer,
            &kit,
            &context,
            &record,
            &inputs.service.name,
        )?;
        crate::commands::lifecycle::drop_stale_entries(
            &root,
            &mut draft,
            &record,
            (&inputs.service.name, kit.name()),
            &context,
        )?;
    }
    if let Some(previous) = record.written(&inputs.service.name) {
        // A second `new` of a recorded service: what was there before the first one is what
        // `remove` must keep; the files the first one created stay created.
        written.kept = previous.kept;
        for path in previous.created {
            if !written.created.contains(&path) {
                written.created.push(path);
            }
        }
    }
    let signs = match recorded {
        Some(_) => Vec::new(),
        None => presence::signs(&inputs.service, catalog_entry.as_ref(), &read_before),
    };
    if !signs.is_empty() && !args.json {
        let list: Vec<String> = signs.iter().map(ToString::to_string).collect();
        app.reporter.warn(&format!(
            "{} already appears in this repo ({}); integrate adds its own client beside it: check that the two do not overlap",
            inputs.display_name,
            list.join(", ")
        ));
    }
    // The record as the edits left it; most often the one read at the start.
    let current = match draft.read(RECORD_FILE)? {
        Some(text) if text == record.text => record.clone(),
        text => Record::parse(&text.unwrap_or_default())?,
    };
    draft.write(RECORD_FILE, current.with_integration(&inputs, &written))?;
    crate::commands::docs::refresh(&root, &mut draft)?;

    let plan = draft.into_plan(args.force);
    let outcome = execute(app, &root, &plan, args.dry_run, args.json)?;
    if args.json {
        let report = json!({
            "service": inputs.service.name,
            "kit": kit.name(),
            "inputs": inputs,
            "outcome": outcome,
            "already_present": signs.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        crate::output::print_line(&serde_json::to_string_pretty(&report).unwrap_or_default());
    } else if !args.dry_run && !plan.is_empty() {
        let names: Vec<&str> = crate::context::env_in_order(&inputs)
            .into_iter()
            .filter(|(role, _)| *role != "base_url")
            .map(|(_, name)| name)
            .fold(Vec::new(), |mut names, name| {
                if !names.contains(&name) {
                    names.push(name);
                }
                names
            });
        let next = if names.is_empty() {
            String::new()
        } else {
            format!("; set {} in your environment", names.join(", "))
        };
        app.reporter
            .note(&format!("{} added{next}", inputs.display_name));
    }
    Ok(())
}

/// Undoes the parts of an earlier `new` that the current answers no longer ask for (e.g.
/// webhooks switched off): generated files still as generated are deleted (hand-edited ones
/// are kept, with a warning) and fenced blocks are taken out.
fn drop_switched_off(
    app: &App,
    draft: &mut Draft,
    renderer: &Renderer,
    kit: &Kit,
    context: &Value,
    record: &Record,
    service: &str,
) -> Result<()> {
    let Some(previous) = record.written(service) else {
        return Ok(());
    };
    for spec in kit
        .manifest
        .file
        .iter()
        .filter(|s| !holds(s.when.as_deref(), context))
    {
        let path = output_path(renderer, kit, &spec.path, &spec.template, context)?;
        let Some(recorded) = previous.files.get(&path) else {
            continue;
        };
        match draft.read(&path)? {
            Some(content) if hash(&content) == *recorded => draft.delete(&path)?,
            Some(_) => app.reporter.warn(&format!(
                "kept {path}: no longer generated for {service}, but edited by hand; delete it yourself if it is unused"
            )),
            None => {}
        }
    }
    for spec in kit
        .manifest
        .edit
        .iter()
        .filter(|s| !holds(s.when.as_deref(), context))
    {
        if !spec.kind.fenced() {
            continue;
        }
        let path = output_path(renderer, kit, &spec.path, &spec.template, context)?;
        let Some(current) = draft.read(&path)? else {
            continue;
        };
        let id = spec
            .id
            .clone()
            .unwrap_or_else(|| crate::commands::template_stem(&spec.template));
        let key = format!("{service} {id}");
        let comment = spec.comment.as_deref().unwrap_or(&kit.manifest.comment);
        let block = crate::editors::block::Block {
            key: &key,
            comment,
            body: "",
            marker: None,
            marker_missing: Default::default(),
            before: None,
        };
        let updated =
            crate::editors::block::remove(&current, &block).map_err(|source| Error::Edit {
                path: path.clone().into(),
                source,
            })?;
        draft.write(&path, updated)?;
    }
    Ok(())
}

/// Whether `package` is already a dependency in a manifest the kit edits.
fn sdk_present(root: &std::path::Path, kit: &Kit, context: &Value, package: &str) -> Result<bool> {
    let renderer = Renderer::new(kit, std::iter::empty())?;
    for spec in kit
        .manifest
        .edit
        .iter()
        .filter(|s| holds(s.when.as_deref(), context))
    {
        let Ok(path) = output_path(&renderer, kit, &spec.path, &spec.template, context) else {
            continue;
        };
        if !presence::is_manifest(&path) {
            continue;
        }
        if let Some(bytes) = repo::read_file(root, &path)? {
            let text = String::from_utf8_lossy(&bytes);
            if presence::declares(&path, &text, package) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Refuses a client mode the kit or the catalog cannot generate.
fn check_client_mode(kit: &Kit, inputs: &inputs::Inputs) -> Result<()> {
    if !kit.manifest.client_modes.contains(&inputs.client) {
        return Err(Error::Usage(format!(
            "the `{}` kit does not generate `--client {}` modules; use --client {}",
            kit.name(),
            inputs.client,
            kit.manifest
                .client_modes
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(" or --client ")
        )));
    }
    if inputs.client == ClientMode::Sdk && inputs.sdk_package.is_empty() {
        return Err(Error::Usage(format!(
            "the catalog names no official {} SDK of {} for {}; use --client thin, or add `packages` to its entry in .integrate/catalog.toml",
            kit.manifest.language, inputs.display_name, kit.name()
        )));
    }
    Ok(())
}
