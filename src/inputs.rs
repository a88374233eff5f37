//! Turning flags, the record, the catalog and wizard answers into one validated [`Inputs`].

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::Entry;
use crate::checks;
use crate::choices::{AuthStyle, Category, Choice, ClientMode, WebhookScheme};
use crate::error::{Error, Result};
use crate::names::ServiceName;
use crate::prompt::Prompter;
use crate::wire::{Shortcut, Wire};

/// Values given on the command line for `new`; `None` means not given.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub display_name: Option<String>,
    pub category: Option<Category>,
    pub auth: Option<AuthStyle>,
    pub auth_header: Option<String>,
    pub token_url: Option<String>,
    pub base_url: Option<String>,
    pub webhooks: Option<bool>,
    pub webhook_scheme: Option<WebhookScheme>,
    pub signature_header: Option<String>,
    pub events: Option<Vec<String>>,
    pub client: Option<ClientMode>,
    /// Take every default, never ask.
    pub yes: bool,
}

/// Everything `new` needs to know about the integration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inputs {
    pub service: ServiceName,
    pub display_name: String,
    pub category: Category,
    pub auth: AuthStyle,
    pub auth_header: String,
    pub token_url: String,
    pub base_url: String,
    pub docs_url: String,
    pub webhooks: bool,
    pub webhook_scheme: WebhookScheme,
    pub signature_header: String,
    pub event_id_field: String,
    pub event_type_field: String,
    pub events: Vec<String>,
    /// Env var names by role, e.g. `api_key` → `STRIPE_SECRET_KEY`.
    pub env: BTreeMap<String, String>,
    /// Thin client or official SDK.
    pub client: ClientMode,
    /// Whether the client mode came from a flag, the record or the catalog, rather than
    /// the default `new` may change when the SDK is already a dependency.
    #[serde(skip)]
    pub client_chosen: bool,
    /// The SDK package the module wraps in SDK mode; empty for the thin client.
    pub sdk_package: String,
    pub wire: Wire,
    pub shortcuts: Vec<Shortcut>,
}

/// Earlier answers: from the record, then the catalog.
#[derive(Debug, Clone, Default)]
pub struct Known<'a> {
    pub recorded: Option<&'a Entry>,
    pub recorded_webhooks: Option<bool>,
    pub catalog: Option<&'a Entry>,
    /// The kit's language, which picks the catalog's SDK package (`python` → PyPI).
    pub language: &'a str,
}

impl Known<'_> {
    fn text(&self, field: impl Fn(&Entry) -> &String) -> Option<String> {
        [self.recorded, self.catalog]
            .into_iter()
            .flatten()
            .map(&field)
            .find(|v| !v.is_empty())
            .cloned()
    }

    /// A field whose empty value is meaningful ("none"), unlike [`Known::text`].
    fn field(&self, field: impl Fn(&Entry) -> &Option<String>) -> Option<String> {
        [self.recorded, self.catalog]
            .into_iter()
            .flatten()
            .find_map(|e| field(e).clone())
    }

    /// A choice from the record, else the catalog.
    fn choice<T>(&self, field: impl Fn(&Entry) -> Option<T>) -> Option<T> {
        [self.recorded, self.catalog]
            .into_iter()
            .flatten()
            .find_map(field)
    }

    fn events(&self) -> Option<Vec<String>> {
        if let Some(recorded) = self.recorded {
            return Some(recorded.events.clone());
        }
        self.catalog.map(|c| c.events.clone())
    }

    fn env(&self, role: &str) -> Option<String> {
        [self.recorded, self.catalog]
            .into_iter()
            .flatten()
            .find_map(|e| e.env.get(role).filter(|v| !v.is_empty()).cloned())
    }
}

/// How questions get answered when no flag gave a value.
pub enum Mode<'p> {
    /// Ask on this prompter, pre-selecting known answers.
    Ask(&'p mut dyn Prompter),
    /// `--yes`: take known answers, then generic defaults.
    Defaults,
    /// No terminal and no `--yes`: known answers only; anything else is a missing flag.
    Strict,
}

/// Resolves every input. Order: flag, then record, then catalog, then the wizard or a
/// generic default.
pub fn resolve(
    service: ServiceName,
    flags: &Flags,
    known: &Known,
    mut mode: Mode,
) -> Result<Inputs> {
    let category = choose(
        &mut mode,
        flags.category,
        known.choice(|e| e.category),
        "--category",
        "Category",
        Category::Other,
    )?;
    let auth = choose(
        &mut mode,
        flags.auth,
        known.choice(|e| e.auth),
        "--auth",
        "Auth style",
        AuthStyle::Bearer,
    )?;
    let auth_header = match flags.auth_header.clone() {
        Some(header) => header,
        None => {
            let default = match auth {
                AuthStyle::ApiKey => known
                    .text(|e| &e.auth_header)
                    .unwrap_or_else(|| "X-API-Key".into()),
                _ => "Authorization".to_string(),
            };
            match (&mut mode, auth) {
                (Mode::Ask(p), AuthStyle::ApiKey) => {
                    p.input("Header carrying the API key", &default)?
                }
                _ => default,
            }
        }
    };
    check_header(&auth_header, "--auth-header")?;
    let generic_base = format!("https://api.{}.com", service.kebab.replace('-', ""));
    let base_url = match flags.base_url.clone() {
        Some(url) => url,
        None => {
            let default = known.text(|e| &e.base_url).unwrap_or(generic_base);
            match &mut mode {
                Mode::Ask(p) => p.input("Base URL", &default)?,
                _ => default,
            }
        }
    };
    let base_url = check_url(&base_url, "--base-url")?;
    let token_url = if auth == AuthStyle::Oauth2 {
        let url = flags
            .token_url
            .clone()
            .or_else(|| known.text(|e| &e.token_url))
            .unwrap_or_else(|| format!("{base_url}/oauth/token"));
        check_url(&url, "--token-url")?
    } else {
        String::new()
    };
    let known_webhooks = known
        .recorded_webhooks
        .or_else(|| known.catalog.map(|c| c.webhook_scheme.is_some()));
    let webhooks = match flags.webhooks {
        Some(on) => on,
        None => match &mut mode {
            Mode::Ask(p) => p.confirm("Receive webhooks?", known_webhooks.unwrap_or(false))?,
            Mode::Defaults => known_webhooks.unwrap_or(false),
            Mode::Strict => known_webhooks.ok_or_else(|| Error::MissingInput {
                flag: "--webhooks or --no-webhooks".to_string(),
            })?,
        },
    };
    let webhook_scheme = match flags.webhook_scheme {
        Some(scheme) => scheme,
        None => match known.choice(|e| e.webhook_scheme) {
            Some(scheme) => scheme,
            None if webhooks && known.recorded.is_none() && known.catalog.is_some() => {
                let question = format!(
                    "{} signs webhooks in a way integrate has no built-in verifier for; pick a scheme only if it matches",
                    service.title
                );
                match &mut mode {
                    Mode::Ask(p) => WebhookScheme::ALL[p.select(&question, WebhookScheme::NAMES, 0)?],
                    _ => {
                        return Err(Error::Usage(format!(
                            "the catalog knows no webhook signature scheme of `{}` that integrate can verify; pass --webhook-scheme (one of: {}) if one matches the provider's documentation, or --no-webhooks",
                            service.name,
                            WebhookScheme::NAMES.join(", ")
                        )))
                    }
                }
            }
            None => WebhookScheme::HmacSha256,
        },
    };
    let signature_header = flags
        .signature_header
        .clone()
        .or_else(|| known.text(|e| &e.signature_header))
        .unwrap_or_default();
    if !signature_header.is_empty() {
        check_header(&signature_header, "--signature-header")?;
    }
    let events = match flags.events.clone() {
        Some(events) => events,
        None => {
            let default = known.events().unwrap_or_default();
            match &mut mode {
                Mode::Ask(p) if webhooks => split_events(
                    &p.input("Events to handle (comma-separated)", &default.join(","))?,
                ),
                _ => default,
            }
        }
    };
    let events = events
        .into_iter()
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .collect::<Vec<_>>();
    for event in &events {
        checks::event(event).map_err(|why| refused("event", event, "--events", why))?;
    }
    let display_name = flags
        .display_name
        .clone()
        .or_else(|| known.text(|e| &e.display_name))
        .unwrap_or_else(|| service.title.clone());
    checks::display_name(&display_name)
        .map_err(|why| refused("display name", &display_name, "--display-name", why))?;
    let mut env = BTreeMap::new();
    let roles: &[&str] = match auth {
        AuthStyle::Bearer | AuthStyle::ApiKey => &["api_key"],
        AuthStyle::Basic => &["username", "password"],
        AuthStyle::Oauth2 => &["client_id", "client_secret"],
        AuthStyle::None => &[],
    };
    let mut all_roles: Vec<&str> = roles.to_vec();
    if webhooks {
        all_roles.push("webhook_secret");
    }
    all_roles.push("base_url");
    for role in all_roles {
        let name = known
            .env(role)
            .unwrap_or_else(|| format!("{}_{}", service.shouty, role.to_uppercase()));
        checks::env_name(&name)
            .map_err(|why| refused("env var name", &name, "the catalog", why))?;
        env.insert(role.to_string(), name);
    }
    Ok(Inputs {
        display_name,
        category,
        auth,
        auth_header,
        token_url,
        base_url,
        docs_url: known.text(|e| &e.docs_url).unwrap_or_default(),
        webhooks,
        webhook_scheme,
        signature_header,
        event_id_field: known
            .field(|e| &e.event_id_field)
            .unwrap_or_else(|| "id".into()),
        event_type_field: known
            .field(|e| &e.event_type_field)
            .unwrap_or_else(|| "type".into()),
        events,
        env,
        client: flags
            .client
            .or_else(|| known.choice(|e| e.client))
            .unwrap_or(ClientMode::Thin),
        client_chosen: flags.client.is_some()
            || known.recorded.is_some()
            || known.catalog.is_some_and(|c| c.client.is_some()),
        sdk_package: known
            .text(|e| &e.sdk)
            .or_else(|| {
                let packages = &known.catalog?.packages;
                packages.for_language(known.language).map(str::to_string)
            })
            .unwrap_or_default(),
        wire: match (known.recorded, known.catalog) {
            (Some(recorded), Some(catalog)) => recorded.wire.over(&catalog.wire),
            (Some(only), None) | (None, Some(only)) => only.wire.clone(),
            (None, None) => Wire::default(),
        },
        shortcuts: known
            .catalog
            .map(|c| c.shortcuts.clone())
            .unwrap_or_default(),
        service,
    })
}

/// Splits a comma-separated list of events.
pub fn split_events(text: &str) -> Vec<String> {
    text.split(',')
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .collect()
}

fn choose<T: Choice>(
    mode: &mut Mode,
    flag: Option<T>,
    known: Option<T>,
    flag_name: &str,
    prompt: &str,
    generic: T,
) -> Result<T> {
    if let Some(value) = flag {
        return Ok(value);
    }
    match mode {
        Mode::Ask(p) => {
            let default = known.unwrap_or(generic);
            let index = T::ALL.iter().position(|v| *v == default).unwrap_or(0);
            Ok(T::ALL[p.select(prompt, T::NAMES, index)?])
        }
        Mode::Defaults => Ok(known.unwrap_or(generic)),
        Mode::Strict => known.ok_or_else(|| Error::MissingInput {
            flag: flag_name.to_string(),
        }),
    }
}

fn check_header(value: &str, flag: &str) -> Result<()> {
    checks::header(value).map_err(|why| refused("header name", value, flag, why))
}

fn check_url(value: &str, flag: &str) -> Result<String> {
    checks::url(value).map_err(|why| {
        refused(
            "URL",
            value,
            flag,
            format!("{why}; pass an http(s) URL such as https://api.example.com"),
        )
    })
}

/// A usage error for `value` (a `what`) given through `source`.
fn refused(what: &str, value: &str, source: &str, why: String) -> Error {
    Error::Usage(format!(
        "invalid {what} `{}` from {source}: {why}",
        value.escape_debug()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::{Answer, ScriptedPrompter};

    fn name(raw: &str) -> ServiceName {
        ServiceName::parse(raw, "python").unwrap()
    }

    fn stripe() -> Entry {
        Entry {
            display_name: "Stripe".into(),
            category: Some(Category::Payments),
            auth: Some(AuthStyle::Bearer),
            base_url: "https://api.stripe.com".into(),
            webhook_scheme: Some(WebhookScheme::Stripe),
            events: vec!["payment_intent.succeeded".into()],
            env: [("api_key".to_string(), "STRIPE_SECRET_KEY".to_string())].into(),
            ..Entry::default()
        }
    }

    #[test]
    fn strict_mode_names_the_missing_flag() {
        let err = resolve(
            name("acme"),
            &Flags::default(),
            &Known::default(),
            Mode::Strict,
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("--category"), "{err}");
    }

    #[test]
    fn catalog_facts_are_defaults_that_flags_override() {
        let entry = stripe();
        let known = Known {
            catalog: Some(&entry),
            ..Known::default()
        };
        let inputs = resolve(name("stripe"), &Flags::default(), &known, Mode::Strict).unwrap();
        assert_eq!(inputs.category, Category::Payments);
        assert!(inputs.webhooks);
        assert_eq!(inputs.webhook_scheme, WebhookScheme::Stripe);
        assert_eq!(inputs.env["api_key"], "STRIPE_SECRET_KEY");
        assert_eq!(inputs.env["webhook_secret"], "STRIPE_WEBHOOK_SECRET");
        let flags = Flags {
            webhooks: Some(false),
            auth: Some(AuthStyle::Basic),
            ..Flags::default()
        };
        let inputs = resolve(name("stripe"), &flags, &known, Mode::Strict).unwrap();
        assert!(!inputs.webhooks);
        assert_eq!(inputs.env["username"], "STRIPE_USERNAME");
        assert!(!inputs.env.contains_key("webhook_secret"));
    }

    #[test]
    fn yes_takes_generic_defaults_for_unknown_services() {
        let inputs = resolve(
            name("acme"),
            &Flags::default(),
            &Known::default(),
            Mode::Defaults,
        )
        .unwrap();
        assert_eq!(
            (inputs.category, inputs.auth, inputs.webhooks),
            (Category::Other, AuthStyle::Bearer, false)
        );
        assert_eq!(inputs.base_url, "https://api.acme.com");
    }

    #[test]
    fn the_wizard_asks_only_what_no_flag_gave() {
        let mut script = ScriptedPrompter::new([
            Answer::Text("email".into()),
            Answer::Enter,
            Answer::Text("y".into()),
            Answer::Text("a.b, c".into()),
        ]);
        let flags = Flags {
            auth: Some(AuthStyle::Bearer),
            ..Flags::default()
        };
        let inputs = resolve(
            name("acme"),
            &flags,
            &Known::default(),
            Mode::Ask(&mut script),
        )
        .unwrap();
        assert_eq!(
            script.asked,
            [
                "Category",
                "Base URL",
                "Receive webhooks?",
                "Events to handle (comma-separated)"
            ]
        );
        assert_eq!(inputs.category, Category::Email);
        assert!(inputs.webhooks);
        assert_eq!(inputs.events, ["a.b", "c"]);
    }

    #[test]
    fn a_service_without_a_verifiable_scheme_needs_an_explicit_one() {
        let paddle = Entry {
            category: Some(Category::Payments),
            auth: Some(AuthStyle::Bearer),
            ..Entry::default()
        };
        let known = Known {
            catalog: Some(&paddle),
            ..Known::default()
        };
        let flags = Flags {
            webhooks: Some(true),
            ..Flags::default()
        };
        let err = resolve(name("paddle"), &flags, &known, Mode::Defaults).unwrap_err();
        assert!(err.to_string().contains("--webhook-scheme"), "{err}");
        let flags = Flags {
            webhooks: Some(true),
            webhook_scheme: Some(WebhookScheme::HmacSha256),
            ..Flags::default()
        };
        assert!(resolve(name("paddle"), &flags, &known, Mode::Defaults).is_ok());
        let inputs = resolve(name("paddle"), &Flags::default(), &known, Mode::Defaults).unwrap();
        assert!(!inputs.webhooks);
    }

    #[test]
    fn an_empty_event_field_in_the_catalog_stays_empty() {
        let github = Entry {
            event_id_field: Some(String::new()),
            ..stripe()
        };
        let known = Known {
            catalog: Some(&github),
            ..Known::default()
        };
        let inputs = resolve(name("github"), &Flags::default(), &known, Mode::Defaults).unwrap();
        assert_eq!(inputs.event_id_field, "");
        assert_eq!(inputs.event_type_field, "type");
    }

    #[test]
    fn bad_values_are_usage_errors() {
        let flags = Flags {
            base_url: Some("ftp://x".into()),
            ..Flags::default()
        };
        assert!(resolve(name("acme"), &flags, &Known::default(), Mode::Defaults).is_err());
    }
}
