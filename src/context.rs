//! The template context: the data every kit template sees (documented in docs/KITS.md).

use serde_json::{json, Map, Value};

use crate::inputs::Inputs;
use crate::webhooks;

/// Human descriptions of env var roles.
fn describe(role: &str, display: &str) -> String {
    match role {
        "api_key" => format!("{display} API key"),
        "username" => format!("{display} account id / username"),
        "password" => format!("{display} secret / password"),
        "client_id" => format!("{display} OAuth client id"),
        "client_secret" => format!("{display} OAuth client secret"),
        "webhook_secret" => format!("{display} webhook signing secret"),
        "base_url" => format!("{display} API base URL (optional override)"),
        other => format!("{display} {other}"),
    }
}

const ROLE_ORDER: &[&str] = &[
    "api_key",
    "username",
    "password",
    "client_id",
    "client_secret",
    "webhook_secret",
    "base_url",
];

/// Env var entries in a stable order: `(role, name)`.
pub fn env_in_order(inputs: &Inputs) -> Vec<(&str, &str)> {
    let mut out: Vec<(&str, &str)> = ROLE_ORDER
        .iter()
        .filter_map(|role| inputs.env.get_key_value(*role))
        .map(|(r, n)| (r.as_str(), n.as_str()))
        .collect();
    for (role, name) in &inputs.env {
        if !ROLE_ORDER.contains(&role.as_str()) {
            out.push((role, name));
        }
    }
    out
}

/// Facts about the repo a generated client needs beyond the answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppFacts {
    /// The app's name for the User-Agent: the repo folder's name, letters, digits, `.`,
    /// `_` and `-` only.
    pub name: String,
    /// Whether the SDK package is already a dependency of the repo.
    pub sdk_present: bool,
}

impl AppFacts {
    /// The facts for the repo at `root`.
    pub fn of(root: &std::path::Path, sdk_present: bool) -> Self {
        let name: String = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            .take(64)
            .collect();
        let name = name.trim_start_matches(['.', '-']).to_string();
        AppFacts {
            name: if name.is_empty() { "app".into() } else { name },
            sdk_present,
        }
    }
}

/// Retries of an idempotent request after the first attempt, by default.
pub const MAX_RETRIES: u32 = 2;
/// The largest webhook body a generated route reads, by default (1 MiB).
pub const BODY_LIMIT_BYTES: u64 = 1024 * 1024;

/// Builds the context for `new`.
pub fn for_new(
    inputs: &Inputs,
    kit: &str,
    paths: &Map<String, Value>,
    profile: &Map<String, Value>,
    app: &AppFacts,
) -> Value {
    let mut seen = Vec::new();
    let env_vars: Vec<Value> = env_in_order(inputs)
        .into_iter()
        .filter(|(_, name)| {
            let first = !seen.contains(name);
            seen.push(*name);
            first
        })
        .map(|(role, name)| {
            let secret = role != "base_url";
            let placeholder = if secret {
                String::new()
            } else {
                inputs.base_url.clone()
            };
            json!({
                "role": role,
                "name": name,
                "description": describe(role, &inputs.display_name),
                "secret": secret,
                "placeholder": placeholder,
            })
        })
        .collect();
    let scheme = webhooks::scheme(
        inputs.webhook_scheme,
        Some(inputs.signature_header.as_str()).filter(|h| !h.is_empty()),
    );
    let header = if !inputs.signature_header.is_empty() {
        inputs.signature_header.clone()
    } else {
        scheme
            .as_ref()
            .map(|s| s.header.clone())
            .unwrap_or_else(|| "X-Signature".to_string())
    };
    let roles: Vec<&str> = inputs
        .env
        .keys()
        .map(String::as_str)
        .filter(|role| !matches!(*role, "base_url" | "webhook_secret"))
        .collect();
    let webhook = json!({
        "scheme": inputs.webhook_scheme,
        "header": header,
        "event_id_field": inputs.event_id_field,
        "event_type_field": inputs.event_type_field,
        "tolerance_secs": scheme.as_ref().map_or(300, |s| if s.tolerance_secs == 0 { 300 } else { s.tolerance_secs }),
        "route": format!("/webhooks/{}", inputs.service.kebab),
        "secret_example": scheme.as_ref().map(|s| s.secret.clone()).unwrap_or_default(),
        "vectors": scheme.as_ref().map(|s| json!(s.vectors)).unwrap_or(json!([])),
    });
    json!({
        "service": inputs.service,
        "display_name": inputs.display_name,
        "category": inputs.category,
        "auth": {
            "style": inputs.auth,
            "header": inputs.auth_header,
            "token_url": inputs.token_url,
        },
        "base_url": inputs.base_url,
        "docs_url": inputs.docs_url,
        "timeout_secs": 30,
        "webhooks": inputs.webhooks,
        "webhook": webhook,
        "events": inputs.events,
        "env": inputs.env,
        "env_vars": env_vars,
        "paths": paths,
        "profile": profile,
        "kit": kit,
        "client": {
            "mode": inputs.client,
            "sdk_package": inputs.sdk_package,
            "sdk_present": app.sdk_present,
            "user_agent": format!("{} integrate-{}", app.name, inputs.service.kebab),
            "max_retries": MAX_RETRIES,
            "body_limit_bytes": BODY_LIMIT_BYTES,
        },
        "wire": inputs.wire.context(),
        "shortcuts": inputs.shortcuts.iter().map(|s| s.context(&roles)).collect::<Vec<_>>(),
    })
}

/// Builds the context for `init`.
pub fn for_init(kit: &str, paths: &Map<String, Value>, profile: &Map<String, Value>) -> Value {
    json!({ "paths": paths, "profile": profile, "kit": kit })
}

/// Whether the `when` condition of a manifest entry holds in `context`: `path`, `!path`,
/// `path == value`, `path != value`, or several of these joined by `&&` (all must hold).
pub fn holds(when: Option<&str>, context: &Value) -> bool {
    let Some(when) = when else { return true };
    if when.contains("&&") {
        return when.split("&&").all(|part| holds(Some(part), context));
    }
    if let Some((path, expected)) = when.split_once("!=") {
        return lookup(context, path.trim()).and_then(Value::as_str) != Some(expected.trim());
    }
    if let Some((path, expected)) = when.split_once("==") {
        return lookup(context, path.trim()).and_then(Value::as_str) == Some(expected.trim());
    }
    let (negate, path) = match when.trim().strip_prefix('!') {
        Some(rest) => (true, rest.trim()),
        None => (false, when.trim()),
    };
    let mut value = context;
    for part in path.split('.') {
        value = match value.get(part) {
            Some(v) => v,
            None => return negate,
        };
    }
    let truthy = match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::Object(o) => !o.is_empty(),
    };
    truthy != negate
}

/// The value at dotted `path` in `context`.
fn lookup<'v>(context: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.')
        .try_fold(context, |value, part| value.get(part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_conditions() {
        let ctx = json!({"webhooks": true, "env": {"client_id": "X"}, "events": []});
        assert!(holds(None, &ctx));
        assert!(holds(Some("webhooks"), &ctx));
        assert!(!holds(Some("!webhooks"), &ctx));
        assert!(holds(Some("env.client_id"), &ctx));
        assert!(!holds(Some("env.api_key"), &ctx));
        assert!(holds(Some("!env.api_key"), &ctx));
        assert!(!holds(Some("events"), &ctx));
        let ctx = json!({"profile": {"test_runner": "rspec"}});
        assert!(holds(Some("profile.test_runner == rspec"), &ctx));
        assert!(!holds(Some("profile.test_runner == minitest"), &ctx));
        assert!(holds(Some("profile.test_runner != minitest"), &ctx));
        assert!(!holds(Some("profile.other == x"), &ctx));
        assert!(holds(Some("profile.other != x"), &ctx));
        let ctx = json!({"webhooks": true, "profile": {"test_runner": "rspec"}});
        assert!(holds(
            Some("webhooks && profile.test_runner == rspec"),
            &ctx
        ));
        assert!(!holds(
            Some("webhooks && profile.test_runner != rspec"),
            &ctx
        ));
        assert!(!holds(
            Some("!webhooks && profile.test_runner == rspec"),
            &ctx
        ));
    }
}
