//! Command-line flags (clap derive). Raw flags only; commands turn them into settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::choices::{AuthStyle, Category, ClientMode, WebhookScheme};
use crate::output::ColorChoice;

/// Add a third-party integration to this repo in one step, the same way every time.
#[derive(Debug, Parser)]
#[command(name = "integrate", version, about, max_term_width = 100)]
pub struct Cli {
    /// Run as if started in DIR
    #[arg(short = 'C', value_name = "DIR", global = true)]
    pub dir: Option<PathBuf>,
    /// When to use colors
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Print only errors and warnings
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set up integrate in this repo: write integrate.toml and the kit's shared files
    Init(InitArgs),
    /// Add an integration with a service (e.g. `integrate new stripe`)
    New(Box<NewArgs>),
    /// List the recorded integrations with category, auth, env vars, webhook route and status
    List {
        /// Print JSON on stdout
        #[arg(long)]
        json: bool,
    },
    /// Undo `integrate new <SERVICE>`: delete its generated files (unless edited by hand),
    /// remove its blocks, env entries, TOML entries and record entry
    Remove(RemoveArgs),
    /// Record an integration that exists but was not generated (a hand-written folder, an
    /// SDK): its files with hashes, env vars, settings and routes as evidence. Changes only
    /// integrate.toml
    Adopt(AdoptArgs),
    /// Check that every recorded integration is in place (files, env vars, registration,
    /// settings, webhook route); exit 1 listing what is missing
    Doctor,
    /// Write the integrations document (docs/INTEGRATIONS.md, or `paths.integrations_doc`);
    /// only the region between its markers is rewritten
    Docs {
        /// Write nothing; exit 1 when the document is missing or stale
        #[arg(long)]
        check: bool,
    },
    /// Find integrations integrate did not generate and the infrastructure the app uses:
    /// SDK packages and imports, env vars in env files and code, settings, hand-written
    /// folders, webhook routes, databases, caches, jobs, hosting, CI
    Scan {
        /// Print JSON on stdout
        #[arg(long)]
        json: bool,
    },
    /// Show the kits and the files this repo overrides
    Kits {
        #[command(subcommand)]
        action: Option<KitsAction>,
    },
    /// Show the built-in service catalog (with this repo's additions)
    Catalog {
        /// Print JSON on stdout
        #[arg(long)]
        json: bool,
    },
    /// Finish or roll back a change an interrupted run left (found in
    /// .integrate/journal.json), after checking the journal is integrate's own
    Recover,
    /// Print shell completions
    Completions {
        /// Shell to generate completions for
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum KitsAction {
    /// List the kits and the files this repo overrides
    List,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Kit to use (detected from the repo when omitted)
    #[arg(long)]
    pub kit: Option<String>,
    /// Print what would change as a diff; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Never ask; take defaults
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The recorded service to remove (see `integrate list`)
    pub service: String,
    /// Print what would change as a diff; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Also delete generated files that were edited by hand
    #[arg(long)]
    pub force: bool,
    /// For an adopted integration: delete its recorded files too (only unchanged ones,
    /// unless `--force`); without it, `remove` only unrecords it
    #[arg(long)]
    pub delete_files: bool,
}

#[derive(Debug, Args)]
pub struct AdoptArgs {
    /// The service to record, as `integrate scan` names it (`stripe`, `loops`, ...)
    pub service: String,
    /// Print what would change as a diff; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The service to integrate: `stripe`, `Stripe Connect`, `stripe_connect`, ...
    pub service: Option<String>,
    /// What kind of service it is
    #[arg(long, value_name = "CAT")]
    pub category: Option<Category>,
    /// How requests authenticate
    #[arg(long, value_name = "STYLE")]
    pub auth: Option<AuthStyle>,
    /// Header carrying the API key (with --auth api-key)
    #[arg(long, value_name = "NAME")]
    pub auth_header: Option<String>,
    /// OAuth2 token endpoint (with --auth oauth2)
    #[arg(long, value_name = "URL")]
    pub token_url: Option<String>,
    /// Generate a webhook route that verifies signatures
    #[arg(long, overrides_with = "no_webhooks")]
    pub webhooks: bool,
    /// Generate no webhook route
    #[arg(long, overrides_with = "webhooks")]
    pub no_webhooks: bool,
    /// Webhook signature scheme
    #[arg(long, value_name = "SCHEME")]
    pub webhook_scheme: Option<WebhookScheme>,
    /// Header carrying the webhook signature (for hmac-sha256)
    #[arg(long, value_name = "NAME")]
    pub signature_header: Option<String>,
    /// Event types the webhook route handles, comma-separated
    #[arg(long, value_name = "E1,E2", value_delimiter = ',')]
    pub events: Option<Vec<String>>,
    /// API base URL
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Human name of the service
    #[arg(long, value_name = "NAME")]
    pub display_name: Option<String>,
    /// Kit to use instead of the one in integrate.toml
    #[arg(long)]
    pub kit: Option<String>,
    /// Print what would change as a diff; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite generated files that exist with other content
    #[arg(long)]
    pub force: bool,
    /// Never ask; take the catalog's or generic defaults
    #[arg(short, long)]
    pub yes: bool,
    /// Print the result as JSON on stdout
    #[arg(long)]
    pub json: bool,
    /// Generate integrate's thin HTTP client, or a module wrapping the provider's official
    /// SDK [default: sdk when the SDK is already a dependency and the kit supports it]
    #[arg(long, value_name = "MODE")]
    pub client: Option<ClientMode>,
}

impl NewArgs {
    /// `--webhooks` / `--no-webhooks` as a tri-state.
    pub fn webhooks(&self) -> Option<bool> {
        match (self.webhooks, self.no_webhooks) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}
