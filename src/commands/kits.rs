//! `integrate kits [list]`: the kits and which of their files the repo overrides.

use crate::commands::App;
use crate::error::Result;
use crate::kit::{known_kits, Kit, Origin};
use crate::repo;

/// Prints each kit with its source and overridden files.
pub fn run(app: &App) -> Result<()> {
    let root = repo::find_root(&app.dir)
        .or_else(|_| repo::find_init_root(&app.dir))
        .ok();
    for name in known_kits(root.as_deref()) {
        let kit = Kit::load(&name, root.as_deref())?;
        let builtin = kit
            .files
            .values()
            .any(|f| matches!(f.origin, Origin::Builtin(_)));
        let source = if builtin { "built in" } else { "repo" };
        crate::output::print_line(&format!(
            "{name:<12} {source:<9} {}",
            kit.manifest.description
        ));
        for (path, file) in kit.overridden() {
            if let Origin::Repo(repo_path) = &file.origin {
                let verb = if builtin { "overrides" } else { "defines" };
                crate::output::print_line(&format!("    {verb} {path}  ({})", repo_path.display()));
            }
        }
    }
    Ok(())
}
