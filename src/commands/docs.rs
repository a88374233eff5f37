//! `integrate docs`: the integrations document (default `docs/INTEGRATIONS.md`), laid out
//! like the usual "External Integrations" template. Only the region between the markers is
//! integrate's; text around it is kept. Names only: no secret value is ever written.

use std::collections::BTreeMap;
use std::path::Path;

use crate::catalog::Catalog;
use crate::choices::{AuthStyle, Category};
use crate::commands::lifecycle::{doc_path, Integration, Project};
use crate::commands::scan::infra::{Infra, Kind};
use crate::commands::scan::{self, Evidence, Found, InfraFound, Scan};
use crate::commands::{execute, App};
use crate::error::{Error, Result};
use crate::plan::Draft;
use crate::record::Record;
use crate::repo::RECORD_FILE;

/// First line of the managed region.
pub const BEGIN: &str =
    "<!-- >>> integrate docs: written by `integrate docs`; edit outside these markers -->";
/// Last line of the managed region.
pub const END: &str = "<!-- <<< integrate docs -->";

const DATE_PREFIX: &str = "**Analysis date:** ";

/// Runs `docs`.
pub fn run(app: &App, check: bool) -> Result<()> {
    let project = Project::load(app)?;
    let mut draft = Draft::new(&project.root);
    let path = doc_path(&project.record);
    let current = draft.read(&path)?;
    let wanted = document(&project.root, &mut draft, current.as_deref(), &today())?;
    if check {
        return match current {
            Some(text) if text == wanted.stable => {
                app.reporter.status("Fresh", &path);
                Ok(())
            }
            Some(_) => Err(Error::Other(format!(
                "{path} is stale; run `integrate docs` and commit the result"
            ))),
            None => Err(Error::Other(format!(
                "{path} does not exist; run `integrate docs` to write it"
            ))),
        };
    }
    let text = if current.as_deref() == Some(wanted.stable.as_str()) {
        wanted.stable
    } else {
        wanted.dated
    };
    draft.write(&path, text)?;
    execute(app, &project.root, &draft.into_plan(false), false, false)?;
    Ok(())
}

/// The document text two ways: `stable` keeps the analysis date already in the document
/// (it equals the document when nothing else changed), `dated` carries `today`.
pub struct Wanted {
    pub stable: String,
    pub dated: String,
}

/// Computes the document from the record and files as `draft` holds them (so `new` and
/// `remove` can refresh it inside their own plan).
pub fn document(
    root: &Path,
    draft: &mut Draft,
    current: Option<&str>,
    today: &str,
) -> Result<Wanted> {
    let record = Record::parse(&draft.read(RECORD_FILE)?.unwrap_or_default())?;
    let project = Project::with_record(root, record)?;
    let integrations = project.integrations(&project.record)?;
    let catalog = Catalog::load(Some(root))?;
    let infra = Infra::load()?;
    let overlay = draft.pending();
    let options = scan::Options {
        recorded: &project.record.services(),
        integration_dirs: scan::record_dirs(&project),
        overlay: &overlay,
    };
    let found = scan::scan(root, &catalog, &infra, &options);
    let old_date = current.and_then(|text| region(text)).and_then(|body| {
        body.lines()
            .find_map(|l| l.strip_prefix(DATE_PREFIX).map(str::to_string))
    });
    let stable_region = render(
        &project,
        &integrations,
        &found,
        old_date.as_deref().unwrap_or(today),
    );
    let dated_region = render(&project, &integrations, &found, today);
    Ok(Wanted {
        stable: splice(current, &stable_region),
        dated: splice(current, &dated_region),
    })
}

/// Refreshes the document inside `draft` when it exists with its markers (for `new` and
/// `remove`). Returns whether it is refreshed.
pub fn refresh(root: &Path, draft: &mut Draft) -> Result<bool> {
    let record = Record::parse(&draft.read(RECORD_FILE)?.unwrap_or_default())?;
    let path = doc_path(&record);
    let Some(current) = draft.read(&path)? else {
        return Ok(false);
    };
    if region(&current).is_none() {
        return Ok(false);
    }
    let wanted = document(root, draft, Some(&current), &today())?;
    let text = if wanted.stable == current {
        wanted.stable
    } else {
        wanted.dated
    };
    draft.write(&path, text)?;
    Ok(true)
}

/// The text between the markers, if both are there.
fn region(text: &str) -> Option<&str> {
    let start = text.find(BEGIN)?;
    let body_start = start + BEGIN.len();
    let end = text[body_start..].find(END)? + body_start;
    Some(&text[body_start..end])
}

/// `current` with its managed region replaced by `body` (a new document, or the region
/// appended, when there is none).
fn splice(current: Option<&str>, body: &str) -> String {
    let managed = format!("{BEGIN}\n{body}{END}");
    match current {
        None => format!("# External Integrations\n\n{managed}\n"),
        Some(text) => match (text.find(BEGIN), text.find(END)) {
            (Some(start), Some(end)) if end > start => {
                format!("{}{managed}{}", &text[..start], &text[end + END.len()..])
            }
            _ => {
                let mut out = text.to_string();
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&managed);
                out.push('\n');
                out
            }
        },
    }
}

/// Today as `YYYY-MM-DD` (UTC), from `SOURCE_DATE_EPOCH` when set (reproducible builds and
/// tests), else the clock.
pub fn today() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    let (y, m, d) = civil(seconds.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a (year, month, day) date (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn category_title(category: Category) -> &'static str {
    match category {
        Category::Payments => "Payments",
        Category::Email => "Email",
        Category::Sms => "SMS",
        Category::Messaging => "Messaging",
        Category::Ai => "AI",
        Category::Search => "Search",
        Category::Crm => "CRM",
        Category::Storage => "File Storage",
        Category::Auth => "Auth Provider",
        Category::Monitoring => "Error Tracking",
        Category::Analytics => "Analytics",
        Category::Other => "Other APIs",
    }
}

fn purpose(category: Category) -> &'static str {
    match category {
        Category::Payments => "payments",
        Category::Email => "email delivery",
        Category::Sms => "SMS",
        Category::Messaging => "messaging",
        Category::Ai => "AI models",
        Category::Search => "search",
        Category::Crm => "CRM and support",
        Category::Storage => "file storage",
        Category::Auth => "authentication",
        Category::Monitoring => "error tracking",
        Category::Analytics => "product analytics",
        Category::Other => "API",
    }
}

fn code(text: &str) -> String {
    format!("`{text}`")
}

fn names(items: &[String]) -> String {
    items.iter().map(|n| code(n)).collect::<Vec<_>>().join(", ")
}

fn auth_text(integration: &Integration) -> String {
    let inputs = &integration.inputs;
    let env = |role: &str| inputs.env.get(role).map(|n| code(n)).unwrap_or_default();
    match inputs.auth {
        AuthStyle::Bearer => format!("bearer token from {}", env("api_key")),
        AuthStyle::ApiKey => format!(
            "API key in the `{}` header, from {}",
            inputs.auth_header,
            env("api_key")
        ),
        AuthStyle::Basic => format!(
            "HTTP basic auth with {} and {}",
            env("username"),
            env("password")
        ),
        AuthStyle::Oauth2 => format!(
            "OAuth2 client credentials {} and {} (token endpoint `{}`)",
            env("client_id"),
            env("client_secret"),
            inputs.token_url
        ),
        AuthStyle::None => "none".to_string(),
    }
}

fn recorded_item(out: &mut String, integration: &Integration, scan: &Scan) {
    let inputs = &integration.inputs;
    if let Some(evidence) = &integration.adopted {
        out.push_str(&format!(
            "- **{}** (`{}`) - {}, hand-written, adopted into `integrate.toml`\n",
            inputs.display_name,
            integration.name,
            purpose(inputs.category)
        ));
        adopted_lines(out, evidence);
        return;
    }
    out.push_str(&format!(
        "- **{}** (`{}`) - {}\n",
        inputs.display_name,
        integration.name,
        purpose(inputs.category)
    ));
    let sdks: Vec<String> = scan
        .recorded
        .iter()
        .filter(|f| f.service == integration.name)
        .flat_map(|f| f.of("package"))
        .map(|e| format!("official SDK `{}` ({}:{})", e.detail, e.path, e.line))
        .collect();
    let mut clients: Vec<String> = integration
        .client
        .as_ref()
        .map(|c| format!("generated client `{c}` (integrate)"))
        .into_iter()
        .collect();
    clients.extend(sdks);
    if !clients.is_empty() {
        out.push_str(&format!("  - SDK/Client: {}\n", clients.join("; ")));
    }
    out.push_str(&format!("  - Auth: {}\n", auth_text(integration)));
    let base_env = inputs
        .env
        .get("base_url")
        .map(|n| format!(" (override with `{n}`)"))
        .unwrap_or_default();
    let docs = if inputs.docs_url.is_empty() {
        String::new()
    } else {
        format!("; reference: {}", inputs.docs_url)
    };
    out.push_str(&format!(
        "  - Endpoints: `{}`{base_env}{docs}\n",
        inputs.base_url
    ));
}

/// At most this many places are cited per line; the rest are counted.
const MAX_CITES: usize = 6;

/// `` `detail` (path:line) `` for each piece of evidence, the first [`MAX_CITES`] of them.
fn cites(evidence: &[&Evidence]) -> String {
    let mut parts: Vec<String> = evidence
        .iter()
        .take(MAX_CITES)
        .map(|e| format!("`{}` ({})", e.detail, e.at()))
        .collect();
    if evidence.len() > MAX_CITES {
        parts.push(format!("and {} more", evidence.len() - MAX_CITES));
    }
    parts.join(", ")
}

/// The evidence of `kinds`.
fn of_kinds<'e>(evidence: &'e [Evidence], kinds: &[&str]) -> Vec<&'e Evidence> {
    evidence
        .iter()
        .filter(|e| kinds.contains(&e.kind))
        .collect()
}

fn adopted_lines(out: &mut String, evidence: &[Evidence]) {
    let lines: [(&str, &[&str]); 5] = [
        ("Folder", &["folder"]),
        ("SDK/Client", &["package", "import"]),
        ("Env vars", &["env", "env-read"]),
        ("Settings", &["settings"]),
        ("Webhook routes", &["webhook"]),
    ];
    for (label, kinds) in lines {
        let list = of_kinds(evidence, kinds);
        if !list.is_empty() {
            out.push_str(&format!("  - {label}: {}\n", cites(&list)));
        }
    }
}

fn found_item(out: &mut String, found: &Found) {
    out.push_str(&format!(
        "- **{}** (`{}`) - {}, {}\n",
        found.display_name,
        found.service,
        purpose(found.category),
        if found.hand_written {
            "hand-written, found by scan (`integrate adopt` records it)"
        } else {
            "found by scan"
        }
    ));
    adopted_lines(out, &found.evidence);
}

fn infra_item(out: &mut String, item: &InfraFound) {
    out.push_str(&format!("- **{}**\n", item.display_name));
    let lines: [(&str, &[&str]); 4] = [
        ("Client", &["package", "import"]),
        ("Connection/config env vars", &["env", "env-read"]),
        ("Config files", &["file"]),
        ("Settings", &["settings"]),
    ];
    for (label, kinds) in lines {
        let list = of_kinds(&item.evidence, kinds);
        if !list.is_empty() {
            out.push_str(&format!("  - {label}: {}\n", cites(&list)));
        }
    }
}

/// One `**Title:**` block of services of `categories` and infrastructure of `kinds`;
/// "None found." when there is nothing.
fn block(
    out: &mut String,
    title: &str,
    categories: &[Category],
    kinds: &[Kind],
    integrations: &[Integration],
    scan: &Scan,
) {
    out.push_str(&format!("**{title}:**\n"));
    let mut any = false;
    for integration in integrations
        .iter()
        .filter(|i| categories.contains(&i.inputs.category))
    {
        any = true;
        recorded_item(out, integration, scan);
    }
    for found in scan
        .found
        .iter()
        .filter(|f| categories.contains(&f.category))
    {
        any = true;
        found_item(out, found);
    }
    for item in scan.infra(kinds) {
        any = true;
        infra_item(out, item);
    }
    if !any {
        out.push_str("- None found\n");
    }
    out.push('\n');
}

/// A Mermaid node id: letters, digits and `_` only.
fn node_id(prefix: &str, name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{prefix}_{clean}")
}

/// Text safe inside a Mermaid `"..."` label.
fn label(text: &str) -> String {
    text.replace('"', "'")
        .replace(['[', ']', '{', '}', '<', '>'], " ")
}

/// The Mermaid diagram: the app in the middle, its outside services grouped by category,
/// an arrow from the app to each, and incoming webhooks as arrows into the app.
fn diagram(integrations: &[Integration], scan: &Scan) -> String {
    // (group title, node id, node label)
    let mut nodes: Vec<(String, String, String)> = Vec::new();
    for integration in integrations {
        nodes.push((
            category_title(integration.inputs.category).to_string(),
            node_id("svc", &integration.name),
            integration.inputs.display_name.clone(),
        ));
    }
    for found in &scan.found {
        nodes.push((
            category_title(found.category).to_string(),
            node_id("svc", &found.service),
            found.display_name.clone(),
        ));
    }
    for item in &scan.infrastructure {
        nodes.push((
            kind_title(item.kind).to_string(),
            node_id("infra", &item.id),
            item.display_name.clone(),
        ));
    }
    let mut out = String::from("```mermaid\nflowchart LR\n    app([\"This app\"])\n");
    let mut groups: Vec<String> = nodes.iter().map(|n| n.0.clone()).collect();
    groups.dedup();
    let mut seen_groups = Vec::new();
    for group in groups {
        if seen_groups.contains(&group) {
            continue;
        }
        seen_groups.push(group.clone());
        out.push_str(&format!(
            "    subgraph {}[\"{}\"]\n",
            node_id("grp", &group),
            label(&group)
        ));
        let mut listed = Vec::new();
        for (_, id, name) in nodes.iter().filter(|n| n.0 == group) {
            if listed.contains(id) {
                continue;
            }
            listed.push(id.clone());
            out.push_str(&format!("        {id}[\"{}\"]\n", label(name)));
        }
        out.push_str("    end\n");
    }
    let mut edges = Vec::new();
    for (_, id, _) in &nodes {
        let edge = format!("    app --> {id}\n");
        if !edges.contains(&edge) {
            edges.push(edge);
        }
    }
    for integration in integrations {
        if let Some(route) = integration.webhook_route() {
            edges.push(format!(
                "    {} -- \"POST {}\" --> app\n",
                node_id("svc", &integration.name),
                label(&route)
            ));
        }
    }
    for found in &scan.found {
        for evidence in found.of("webhook") {
            edges.push(format!(
                "    {} -- \"{}\" --> app\n",
                node_id("svc", &found.service),
                label(&evidence.detail)
            ));
        }
    }
    if !scan.other_webhooks.is_empty() {
        out.push_str("    hooks[\"Other webhook senders\"]\n");
        for evidence in &scan.other_webhooks {
            edges.push(format!(
                "    hooks -- \"{}\" --> app\n",
                label(&evidence.detail)
            ));
        }
    }
    for edge in edges {
        out.push_str(&edge);
    }
    out.push_str("```\n\n");
    out
}

fn kind_title(kind: Kind) -> &'static str {
    match kind {
        Kind::Database => "Databases",
        Kind::Storage => "File Storage",
        Kind::Cache => "Caching",
        Kind::Auth => "Auth Provider",
        Kind::Oauth => "OAuth",
        Kind::ErrorTracking => "Error Tracking",
        Kind::Analytics => "Analytics",
        Kind::Logs => "Logs",
        Kind::Jobs => "Background Jobs",
        Kind::Hosting | Kind::Container => "Hosting",
        Kind::Ci => "CI Pipeline",
    }
}

/// Who an env var belongs to, by name: a recorded or found service, or infrastructure.
fn owners(integrations: &[Integration], scan: &Scan) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for integration in integrations {
        for name in integration.env_names() {
            out.insert(name, integration.inputs.display_name.clone());
        }
        if let Some(adopted) = &integration.adopted {
            for e in adopted
                .iter()
                .filter(|e| e.kind == "env" || e.kind == "env-read")
            {
                out.insert(e.detail.clone(), integration.inputs.display_name.clone());
            }
        }
    }
    for found in scan.found.iter().chain(&scan.recorded) {
        for name in found.env_names() {
            out.entry(name)
                .or_insert_with(|| found.display_name.clone());
        }
    }
    for item in &scan.infrastructure {
        for e in &item.evidence {
            if e.kind == "env" || e.kind == "env-read" {
                out.entry(e.detail.clone())
                    .or_insert_with(|| item.display_name.clone());
            }
        }
    }
    out
}

/// The managed region's body.
fn render(project: &Project, integrations: &[Integration], scan: &Scan, date: &str) -> String {
    let mut out = String::new();
    out.push_str(&format!("{DATE_PREFIX}{date}\n\n"));
    out.push_str(&format!(
        "Kept by `integrate` from `integrate.toml` (kit `{}`) and `integrate scan`; run `integrate docs` to refresh. Every finding cites the file and line it comes from. Names only: no secret value is written here.\n\n",
        project.kit.name()
    ));
    out.push_str(&diagram(integrations, scan));

    out.push_str("## APIs & External Services\n\n");
    let api_titles: [(&str, &[Category]); 5] = [
        ("Payment Processing", &[Category::Payments]),
        (
            "Email/SMS",
            &[Category::Email, Category::Sms, Category::Messaging],
        ),
        ("AI", &[Category::Ai]),
        ("Search", &[Category::Search]),
        ("External APIs", &[Category::Crm, Category::Other]),
    ];
    for (title, categories) in api_titles {
        block(&mut out, title, categories, &[], integrations, scan);
    }

    out.push_str("## Data Storage\n\n");
    block(
        &mut out,
        "Databases",
        &[],
        &[Kind::Database],
        integrations,
        scan,
    );
    block(
        &mut out,
        "File Storage",
        &[Category::Storage],
        &[Kind::Storage],
        integrations,
        scan,
    );
    block(&mut out, "Caching", &[], &[Kind::Cache], integrations, scan);

    out.push_str("## Authentication & Identity\n\n");
    block(
        &mut out,
        "Auth Provider",
        &[Category::Auth],
        &[Kind::Auth],
        integrations,
        scan,
    );
    block(
        &mut out,
        "OAuth Integrations",
        &[],
        &[Kind::Oauth],
        integrations,
        scan,
    );

    out.push_str("## Monitoring & Observability\n\n");
    block(
        &mut out,
        "Error Tracking",
        &[Category::Monitoring],
        &[Kind::ErrorTracking],
        integrations,
        scan,
    );
    block(
        &mut out,
        "Analytics",
        &[Category::Analytics],
        &[Kind::Analytics],
        integrations,
        scan,
    );
    block(&mut out, "Logs", &[], &[Kind::Logs], integrations, scan);

    out.push_str("## Background Jobs\n\n");
    block(
        &mut out,
        "Job Queues",
        &[],
        &[Kind::Jobs],
        integrations,
        scan,
    );

    out.push_str("## CI/CD & Deployment\n\n");
    block(
        &mut out,
        "Hosting",
        &[],
        &[Kind::Hosting, Kind::Container],
        integrations,
        scan,
    );
    block(
        &mut out,
        "CI Pipeline",
        &[],
        &[Kind::Ci],
        integrations,
        scan,
    );

    environment(&mut out, project, integrations, scan);
    webhooks(&mut out, integrations, scan);
    if !scan.limits.not_read.is_empty() {
        out.push_str("\n**Not read by scan:**\n");
        for skipped in &scan.limits.not_read {
            out.push_str(&format!("- `{}`: {}\n", skipped.path, skipped.reason));
        }
    }
    out
}

fn environment(out: &mut String, project: &Project, integrations: &[Integration], scan: &Scan) {
    out.push_str("## Environment Configuration\n\n");
    let env_file = project
        .paths
        .get("env_file")
        .and_then(|v| v.as_str())
        .unwrap_or(".env.example")
        .to_string();
    let owners = owners(integrations, scan);
    let mut rows: Vec<String> = Vec::new();
    let mut listed: Vec<String> = Vec::new();
    for integration in integrations.iter().filter(|i| i.adopted.is_none()) {
        let Some(vars) = integration
            .context
            .get("env_vars")
            .and_then(|v| v.as_array())
        else {
            continue;
        };
        for var in vars {
            let name = var.get("name").and_then(|v| v.as_str()).unwrap_or_default();
            let description = var
                .get("description")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let secret = var.get("secret").and_then(|v| v.as_bool()).unwrap_or(false);
            let required = if var.get("role").and_then(|v| v.as_str()) == Some("base_url") {
                "no"
            } else {
                "yes"
            };
            listed.push(name.to_string());
            rows.push(format!(
                "| `{name}` | {} | {description} | {required} | {} |",
                integration.inputs.display_name,
                if secret { "yes" } else { "no" }
            ));
        }
    }
    for var in &scan.env {
        if listed.contains(&var.name) {
            continue;
        }
        let refs: Vec<&Evidence> = var.evidence.iter().collect();
        let places: Vec<String> = refs.iter().take(3).map(|e| e.at()).collect();
        let more = if refs.len() > 3 {
            format!(" and {} more", refs.len() - 3)
        } else {
            String::new()
        };
        rows.push(format!(
            "| `{}` | {} | found by scan: {}{more} | ? | ? |",
            var.name,
            owners.get(&var.name).map(String::as_str).unwrap_or("app"),
            places.join(", ")
        ));
    }
    out.push_str("**Env vars:**\n\n");
    if rows.is_empty() {
        out.push_str("- None found\n\n");
    } else {
        out.push_str("| Variable | Service | Purpose / where | Required | Secret |\n");
        out.push_str("|---|---|---|---|---|\n");
        for row in rows {
            out.push_str(&row);
            out.push('\n');
        }
        out.push('\n');
    }
    for (stage, title) in [
        ("template", "Template"),
        ("development", "Development"),
        ("staging", "Staging"),
        ("production", "Production"),
        ("test", "Test"),
    ] {
        out.push_str(&format!("**{title}:**\n"));
        let files: Vec<_> = scan.stages.iter().filter(|s| s.stage == stage).collect();
        if files.is_empty() {
            out.push_str("- None found\n");
        }
        for file in files {
            out.push_str(&format!(
                "- `{}` ({})\n",
                file.path,
                if file.kind == "env-file" {
                    "env file"
                } else {
                    "settings"
                }
            ));
        }
        out.push('\n');
    }
    out.push_str("**Secrets location:**\n");
    out.push_str(&format!(
        "- The environment of each deployment; `{env_file}` lists the names with empty values\n"
    ));
    for evidence in &scan.secrets_ignored {
        out.push_str(&format!("- {} ({})\n", evidence.detail, evidence.at()));
    }
    out.push('\n');
}

fn webhooks(out: &mut String, integrations: &[Integration], scan: &Scan) {
    out.push_str("## Webhooks & Callbacks\n\n**Incoming:**\n");
    let mut incoming = false;
    for integration in integrations {
        let inputs = &integration.inputs;
        if let Some(adopted) = &integration.adopted {
            for e in adopted.iter().filter(|e| e.kind == "webhook") {
                incoming = true;
                out.push_str(&format!(
                    "- `{}` - {} events, adopted ({}:{})\n",
                    e.detail, inputs.display_name, e.path, e.line
                ));
            }
            continue;
        }
        let Some(route) = integration.webhook_route() else {
            continue;
        };
        incoming = true;
        out.push_str(&format!(
            "- `POST {route}` - {} events\n",
            inputs.display_name
        ));
        let header = integration
            .context
            .pointer("/webhook/header")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let secret = inputs
            .env
            .get("webhook_secret")
            .map(|n| format!(", secret from `{n}`"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  - Verification: `{}` scheme, signature in the `{header}` header{secret}\n",
            inputs.webhook_scheme
        ));
        if !inputs.events.is_empty() {
            out.push_str(&format!("  - Events: {}\n", names(&inputs.events)));
        }
        if let Some(handler) = &integration.handler {
            out.push_str(&format!("  - Handler: `{handler}`\n"));
        }
    }
    for found in &scan.found {
        for evidence in found.of("webhook") {
            incoming = true;
            out.push_str(&format!(
                "- `{}` - {} events, found by scan ({})\n",
                evidence.detail,
                found.display_name,
                evidence.at()
            ));
        }
    }
    for evidence in &scan.other_webhooks {
        incoming = true;
        out.push_str(&format!(
            "- `{}` - found by scan ({})\n",
            evidence.detail,
            evidence.at()
        ));
    }
    if !incoming {
        out.push_str("- None found\n");
    }
    out.push_str("\n**Outgoing:**\n");
    if scan.outgoing_webhooks.is_empty() {
        out.push_str("- None found\n");
    }
    for evidence in &scan.outgoing_webhooks {
        out.push_str(&format!(
            "- `{}` ({})\n",
            evidence.detail.replace('`', "'"),
            evidence.at()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_days() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(19_723), (2024, 1, 1));
        assert_eq!(civil(20_513), (2026, 3, 1));
    }

    #[test]
    fn splice_keeps_text_around_the_region() {
        let first = splice(None, "a\n");
        assert!(first.starts_with("# External Integrations\n\n"));
        let edited =
            format!("{first}\nHand-written.\n").replace("# External", "Intro\n\n# External");
        let again = splice(Some(&edited), "b\n");
        assert!(again.starts_with("Intro\n\n# External Integrations\n"));
        assert!(again.contains(&format!("{BEGIN}\nb\n{END}")));
        assert!(again.ends_with("\nHand-written.\n"));
        assert_eq!(region(&again), Some("\nb\n"));
        let appended = splice(Some("Notes"), "c\n");
        assert_eq!(appended, format!("Notes\n\n{BEGIN}\nc\n{END}\n"));
    }
}
