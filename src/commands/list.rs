//! `integrate list`: every recorded integration with its category, auth style, env vars,
//! webhook route and status (ok, or what drifted).

use serde_json::json;

use crate::commands::doctor;
use crate::commands::lifecycle::{by_service, print_line, status_line, Project};
use crate::commands::App;
use crate::error::Result;

/// Runs `list`.
pub fn run(app: &App, json_out: bool) -> Result<()> {
    let project = Project::load(app)?;
    let integrations = project.integrations(&project.record)?;
    let (_, findings) = doctor::findings(&project)?;
    let findings = by_service(findings);
    let none = Vec::new();
    let rows: Vec<serde_json::Value> = integrations
        .iter()
        .map(|i| {
            let found = findings.get(&i.name).unwrap_or(&none);
            json!({
                "service": i.name,
                "display_name": i.inputs.display_name,
                "category": i.inputs.category,
                "auth": i.inputs.auth,
                "env": i.env_names(),
                "webhook_route": i.webhook_route(),
                "origin": if i.adopted.is_some() { "adopted" } else { "generated" },
                "status": status_line(found),
                "findings": found,
            })
        })
        .collect();
    if json_out {
        print_line(&serde_json::to_string_pretty(&json!(rows)).unwrap_or_default());
        return Ok(());
    }
    if rows.is_empty() {
        app.reporter
            .note("no integrations recorded yet; add one with `integrate new <service>`");
        return Ok(());
    }
    let text = |v: &serde_json::Value, key: &str| -> String {
        match &v[key] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            _ => "-".to_string(),
        }
    };
    let columns = [
        "service",
        "category",
        "auth",
        "env",
        "webhook_route",
        "status",
    ];
    let headers = [
        "SERVICE", "CATEGORY", "AUTH", "ENV VARS", "WEBHOOK", "STATUS",
    ];
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| columns.iter().map(|c| text(r, c)).collect())
        .collect();
    let widths: Vec<usize> = (0..columns.len())
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .chain([headers[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        let mut out = String::new();
        for (c, cell) in cells.iter().enumerate() {
            if c + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<width$}  ", width = widths[c]));
            }
        }
        print_line(out.trim_end());
    };
    line(headers.iter().map(|h| h.to_string()).collect());
    for row in table {
        line(row);
    }
    Ok(())
}
