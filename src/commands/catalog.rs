//! `integrate catalog [--json]`: the known services.

use crate::catalog::Catalog;
use crate::choices::Choice;
use crate::commands::App;
use crate::error::Result;
use crate::repo;

/// Prints the catalog as a table or JSON.
pub fn run(app: &App, json: bool) -> Result<()> {
    let root = repo::find_root(&app.dir).ok();
    let catalog = Catalog::load(root.as_deref())?;
    if json {
        let text = serde_json::to_string_pretty(&catalog.entries).unwrap_or_default();
        crate::output::print_line(&text);
        return Ok(());
    }
    crate::output::print_line(&format!(
        "{:<14} {:<11} {:<8} {:<18} NAME",
        "SERVICE", "CATEGORY", "AUTH", "WEBHOOKS"
    ));
    for (id, entry) in &catalog.entries {
        let text = |value: Option<&'static str>| value.unwrap_or("-");
        crate::output::print_line(&format!(
            "{id:<14} {:<11} {:<8} {:<18} {}",
            text(entry.category.map(Choice::as_str)),
            text(entry.auth.map(Choice::as_str)),
            text(entry.webhook_scheme.map(Choice::as_str)),
            entry.display_name
        ));
    }
    Ok(())
}
