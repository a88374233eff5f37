//! `integrate docs`: the integrations document (default `docs/INTEGRATIONS.md`), laid out
//! like the usual "External Integrations" template. Only the region between the markers is
//! integrate's; text around it is kept. Names only: no secret value is ever written.

use std::path::Path;

use crate::catalog::Catalog;
use crate::choices::{AuthStyle, Category};
use crate::commands::lifecycle::{doc_path, Integration, Project};
use crate::commands::scan::{self, Found, Scan};
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
    let mut read = |path: &str| draft.read(path).ok().flatten();
    let found = scan::scan(root, &catalog, &project.record.services(), &mut read);
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

/// API categories in the order they are listed under "APIs & External Services".
const API_CATEGORIES: &[Category] = &[
    Category::Payments,
    Category::Email,
    Category::Sms,
    Category::Messaging,
    Category::Ai,
    Category::Search,
    Category::Crm,
    Category::Other,
];

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

fn found_item(out: &mut String, found: &Found) {
    out.push_str(&format!(
        "- **{}** (`{}`) - {}, found by scan\n",
        found.display_name,
        found.service,
        purpose(found.category)
    ));
    let packages = found.of("package");
    if !packages.is_empty() {
        let list: Vec<String> = packages
            .iter()
            .map(|e| format!("`{}` ({}:{})", e.detail, e.path, e.line))
            .collect();
        out.push_str(&format!("  - SDK/Client: {}\n", list.join(", ")));
    }
    let env = found.of("env");
    if !env.is_empty() {
        let list: Vec<String> = env
            .iter()
            .map(|e| format!("`{}` ({}:{})", e.detail, e.path, e.line))
            .collect();
        out.push_str(&format!("  - Auth/config env vars: {}\n", list.join(", ")));
    }
}

fn section(
    out: &mut String,
    categories: &[Category],
    integrations: &[Integration],
    scan: &Scan,
) -> bool {
    let mut any = false;
    for category in categories {
        let ours: Vec<&Integration> = integrations
            .iter()
            .filter(|i| i.inputs.category == *category)
            .collect();
        let found: Vec<&Found> = scan
            .found
            .iter()
            .filter(|f| f.category == *category)
            .collect();
        if ours.is_empty() && found.is_empty() {
            continue;
        }
        any = true;
        out.push_str(&format!("**{}:**\n", category_title(*category)));
        for integration in ours {
            recorded_item(out, integration, scan);
        }
        for found in found {
            found_item(out, found);
        }
        out.push('\n');
    }
    any
}

/// The managed region's body.
fn render(project: &Project, integrations: &[Integration], scan: &Scan, date: &str) -> String {
    let mut out = String::new();
    out.push_str(&format!("{DATE_PREFIX}{date}\n\n"));
    out.push_str(&format!(
        "Kept by `integrate` from `integrate.toml` (kit `{}`) and `integrate scan`; run `integrate docs` to refresh. Names only: no secret value is written here.\n\n",
        project.kit.name()
    ));
    out.push_str("## APIs & External Services\n\n");
    if !section(&mut out, API_CATEGORIES, integrations, scan) {
        out.push_str("None recorded.\n\n");
    }
    out.push_str("## Data Storage\n\n");
    if !section(&mut out, &[Category::Storage], integrations, scan) {
        out.push_str("No file storage service recorded.\n\n");
    }
    out.push_str("## Authentication & Identity\n\n");
    if !section(&mut out, &[Category::Auth], integrations, scan) {
        out.push_str("No auth provider recorded.\n\n");
    }
    out.push_str("## Monitoring & Observability\n\n");
    if !section(
        &mut out,
        &[Category::Monitoring, Category::Analytics],
        integrations,
        scan,
    ) {
        out.push_str("No monitoring or analytics service recorded.\n\n");
    }

    out.push_str("## Environment Configuration\n\n");
    let env_file = project
        .paths
        .get("env_file")
        .and_then(|v| v.as_str())
        .unwrap_or(".env.example")
        .to_string();
    let mut rows = Vec::new();
    for integration in integrations {
        if let Some(vars) = integration
            .context
            .get("env_vars")
            .and_then(|v| v.as_array())
        {
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
                rows.push(format!(
                    "| `{name}` | {} | {description} | {required} | {} |",
                    integration.inputs.display_name,
                    if secret { "yes" } else { "no" }
                ));
            }
        }
    }
    for found in &scan.found {
        for evidence in found.of("env") {
            rows.push(format!(
                "| `{}` | {} | found by scan ({}:{}) | ? | ? |",
                evidence.detail, found.display_name, evidence.path, evidence.line
            ));
        }
    }
    if rows.is_empty() {
        out.push_str("No env vars recorded.\n\n");
    } else {
        out.push_str("**Required env vars:**\n\n");
        out.push_str("| Variable | Service | Purpose | Required | Secret |\n");
        out.push_str("|---|---|---|---|---|\n");
        for row in rows {
            out.push_str(&row);
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "**Secrets location:** the environment of each deployment; `{env_file}` lists the names with empty values.\n\n"
    ));

    out.push_str("## Webhooks & Callbacks\n\n**Incoming:**\n");
    let mut incoming = false;
    for integration in integrations {
        let Some(route) = integration.webhook_route() else {
            continue;
        };
        incoming = true;
        let inputs = &integration.inputs;
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
                "- `{}` - {} events, found by scan ({}:{})\n",
                evidence.detail, found.display_name, evidence.path, evidence.line
            ));
        }
    }
    for evidence in &scan.other_webhooks {
        incoming = true;
        out.push_str(&format!(
            "- `{}` - found by scan ({}:{})\n",
            evidence.detail, evidence.path, evidence.line
        ));
    }
    if !incoming {
        out.push_str("- None recorded.\n");
    }
    out.push_str("\n**Outgoing:**\n- None recorded (integrate generates no outgoing webhooks).\n");
    out
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
