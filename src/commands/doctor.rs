//! `integrate doctor`: checks that what `new` put in place for every recorded integration is
//! still there — generated files (and whether they were edited by hand), env vars in the env
//! file, factory registration, settings entries, webhook routes. Exits 1 when something is
//! missing; meant for CI.

use crate::commands::lifecycle::{check, print_line, read_disk, Finding, Level, Project};
use crate::commands::App;
use crate::error::{Error, Result};

/// Every finding of every recorded integration, and the number of integrations.
pub fn findings(project: &Project) -> Result<(usize, Vec<Finding>)> {
    let integrations = project.integrations(&project.record)?;
    let renderer = project.renderer()?;
    let mut out = Vec::new();
    let mut read = read_disk(&project.root);
    for integration in &integrations {
        match project.edits(&renderer, integration) {
            Ok(edits) => out.extend(check(integration, &edits, &mut read)),
            // A kit (or an override) that cannot render this integration any more is itself
            // a finding: the rest is still checked.
            Err(error) => out.push(Finding {
                service: integration.name.clone(),
                level: Level::Missing,
                what: format!("cannot render the kit's edits: {error}"),
                path: String::new(),
            }),
        }
    }
    Ok((integrations.len(), out))
}

/// Runs `doctor`.
pub fn run(app: &App) -> Result<()> {
    let project = Project::load(app)?;
    let (count, findings) = findings(&project)?;
    for finding in &findings {
        print_line(&finding.describe());
    }
    let missing: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.level == Level::Missing)
        .collect();
    if !missing.is_empty() {
        let mut services: Vec<&str> = missing.iter().map(|f| f.service.as_str()).collect();
        services.dedup();
        return Err(Error::Other(format!(
            "{} missing item(s) in {} integration(s); `integrate new <service> --yes` puts back what the record says (e.g. `integrate new {} --yes`)",
            missing.len(),
            services.len(),
            services[0]
        )));
    }
    let edited = findings.len();
    app.reporter.status(
        "Healthy",
        &format!(
            "{count} integration(s){}",
            if edited > 0 {
                format!(", {edited} generated file(s) edited by hand")
            } else {
                String::new()
            }
        ),
    );
    Ok(())
}
