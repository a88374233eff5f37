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

/// Builds the context for `new`.
pub fn for_new(
    inputs: &Inputs,
    kit: &str,
    paths: &Map<String, Value>,
    profile: &Map<String, Value>,
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
