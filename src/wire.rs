//! How a service's API looks on the wire, as the catalog states it: body encoding, the
//! update method, pagination, idempotency and fixed headers, and the shortcuts a generated
//! client offers. Every kit's client follows these facts; defaults are plain JSON REST.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::choices::{Encoding, HttpMethod, PaginationStyle, ParamType, ParamsIn, UpdateMethod};

/// Wire facts of one service (`[<id>.wire]` in a catalog, `wire` in the record).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_method: Option<UpdateMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// Header carrying an idempotency key on POST; empty when the API takes none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub idempotency_header: String,
    /// Headers sent on every request (API version pins), by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

impl Wire {
    /// Whether nothing differs from plain JSON REST.
    pub fn is_default(&self) -> bool {
        *self == Wire::default()
    }

    /// `self` with the fields it leaves unset taken from `under`.
    pub fn over(&self, under: &Wire) -> Wire {
        Wire {
            encoding: self.encoding.or(under.encoding),
            update_method: self.update_method.or(under.update_method),
            pagination: self.pagination.clone().or_else(|| under.pagination.clone()),
            idempotency_header: if self.idempotency_header.is_empty() {
                under.idempotency_header.clone()
            } else {
                self.idempotency_header.clone()
            },
            headers: if self.headers.is_empty() {
                under.headers.clone()
            } else {
                self.headers.clone()
            },
        }
    }
}

/// How a list endpoint pages; unset names take the style's usual ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    pub style: PaginationStyle,
    /// Response field holding the page's items; `""` when the body is the array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<String>,
    /// Query parameter carrying the cursor, token or offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// Response field (dotted path) with the has-more flag, next token or next URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Query parameter for the page size; `""` when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_param: Option<String>,
}

/// A shortcut the generated client offers: one documented endpoint with typed arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shortcut {
    /// Function name, snake case.
    pub name: String,
    /// One sentence for the doc comment.
    pub summary: String,
    pub method: HttpMethod,
    /// Path under the base URL; `{name}` segments are arguments or credentials.
    pub path: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    /// Whether extra parameters may be passed through as a mapping.
    #[serde(default)]
    pub extra: bool,
    /// Where the parameters go; GET and DELETE default to the query, others to the body.
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub params_in: Option<ParamsIn>,
}

/// A required argument of a shortcut.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// Argument name, snake case.
    pub name: String,
    /// Name on the wire; the argument name when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wire: Option<String>,
    #[serde(rename = "type")]
    pub kind: ParamType,
    /// A value of that type, for generated tests and README examples.
    pub example: serde_json::Value,
}

/// The wire facts as templates see them, every name filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireContext {
    pub encoding: Encoding,
    pub update_method: UpdateMethod,
    pub pagination: PaginationContext,
    pub idempotency_header: String,
    pub headers: Vec<HeaderContext>,
}

/// Pagination with the style's usual names where the catalog gave none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaginationContext {
    pub style: PaginationStyle,
    pub items: String,
    pub param: String,
    pub next: String,
    pub limit_param: String,
}

/// One fixed header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderContext {
    pub name: String,
    pub value: String,
}

/// A shortcut as templates see it: where each path placeholder comes from, and where the
/// parameters go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShortcutContext {
    pub name: String,
    pub summary: String,
    pub method: HttpMethod,
    pub path: String,
    pub path_params: Vec<PathParamContext>,
    pub params: Vec<ParamContext>,
    pub extra: bool,
    #[serde(rename = "in")]
    pub params_in: ParamsIn,
}

/// A `{placeholder}` of a shortcut's path: `from` is `arg`, or the env role whose
/// configured value fills it (Twilio's account SID is the `username`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathParamContext {
    pub name: String,
    pub from: String,
    /// An example value for tests (`acct_123`-like), when `from` is `arg`.
    pub example: String,
}

/// A shortcut parameter with its wire name filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamContext {
    pub name: String,
    pub wire: String,
    #[serde(rename = "type")]
    pub kind: ParamType,
    pub example: serde_json::Value,
}

impl Wire {
    /// The facts with every default filled in.
    pub fn context(&self) -> WireContext {
        let pagination = self.pagination.clone().unwrap_or(Pagination {
            style: PaginationStyle::None,
            items: None,
            param: None,
            next: None,
            limit_param: None,
        });
        let (items, param, next, limit) = match pagination.style {
            PaginationStyle::None => ("", "", "", ""),
            PaginationStyle::StripeCursor => ("data", "starting_after", "has_more", "limit"),
            PaginationStyle::LinkHeader => ("", "", "", "per_page"),
            PaginationStyle::PageToken => ("items", "page_token", "next_page_token", "limit"),
            PaginationStyle::Offset => ("", "offset", "", "limit"),
            PaginationStyle::NextUrl => ("items", "", "next", ""),
        };
        let pick = |given: &Option<String>, usual: &str| {
            given.clone().unwrap_or_else(|| usual.to_string())
        };
        WireContext {
            encoding: self.encoding.unwrap_or(Encoding::Json),
            update_method: self.update_method.unwrap_or(UpdateMethod::Patch),
            pagination: PaginationContext {
                style: pagination.style,
                items: pick(&pagination.items, items),
                param: pick(&pagination.param, param),
                next: pick(&pagination.next, next),
                limit_param: pick(&pagination.limit_param, limit),
            },
            idempotency_header: self.idempotency_header.clone(),
            headers: self
                .headers
                .iter()
                .map(|(name, value)| HeaderContext {
                    name: name.clone(),
                    value: value.clone(),
                })
                .collect(),
        }
    }
}

impl Shortcut {
    /// The shortcut as templates see it; `roles` are the env roles of the integration's
    /// credentials (`username`, `api_key`, ...), which fill path placeholders of that name.
    pub fn context(&self, roles: &[&str]) -> ShortcutContext {
        let path_params = placeholders(&self.path)
            .map(|name| {
                let from = if roles.contains(&name) { name } else { "arg" };
                PathParamContext {
                    name: name.to_string(),
                    from: from.to_string(),
                    example: format!("{name}_123"),
                }
            })
            .collect();
        let params_in = self.params_in.unwrap_or(match self.method {
            HttpMethod::Get | HttpMethod::Delete => ParamsIn::Query,
            _ => ParamsIn::Body,
        });
        ShortcutContext {
            name: self.name.clone(),
            summary: self.summary.clone(),
            method: self.method,
            path: self.path.clone(),
            path_params,
            params: self
                .params
                .iter()
                .map(|p| ParamContext {
                    name: p.name.clone(),
                    wire: p.wire.clone().unwrap_or_else(|| p.name.clone()),
                    kind: p.kind,
                    example: p.example.clone(),
                })
                .collect(),
            extra: self.extra,
            params_in,
        }
    }

    /// Why this shortcut cannot go into generated code, if it cannot: its key path under
    /// the shortcut and the reason.
    pub fn problem(&self) -> Option<(Vec<String>, String)> {
        let at = |parts: &[&str], why: String| {
            Some((parts.iter().map(|p| p.to_string()).collect(), why))
        };
        if let Err(why) = identifier(&self.name) {
            return at(&["name"], why);
        }
        if let Err(why) = crate::checks::display_name(&self.summary) {
            return at(&["summary"], why);
        }
        if let Err(why) = path(&self.path) {
            return at(&["path"], why);
        }
        for name in placeholders(&self.path) {
            if let Err(why) = identifier(name) {
                return at(
                    &["path"],
                    format!("has the placeholder `{{{name}}}`, which {why}"),
                );
            }
        }
        for (index, param) in self.params.iter().enumerate() {
            let index = index.to_string();
            if let Err(why) = identifier(&param.name) {
                return at(&["params", &index, "name"], why);
            }
            if let Some(Err(why)) = param.wire.as_deref().map(field) {
                return at(&["params", &index, "wire"], why);
            }
            if let Err(why) = example(&param.example, param.kind) {
                return at(&["params", &index, "example"], why);
            }
        }
        None
    }
}

impl Wire {
    /// Why these facts cannot go into generated code, if they cannot: the key path under
    /// `wire` and the reason.
    pub fn problem(&self) -> Option<(Vec<String>, String)> {
        if !self.idempotency_header.is_empty() {
            if let Err(why) = crate::checks::header(&self.idempotency_header) {
                return Some((vec!["idempotency_header".into()], why));
            }
        }
        for (name, value) in &self.headers {
            let at = vec!["headers".to_string(), name.clone()];
            if let Err(why) = crate::checks::header(name) {
                return Some((at, format!("names a header that {why}")));
            }
            if let Err(why) = literal(value) {
                return Some((at, why));
            }
        }
        if let Some(p) = &self.pagination {
            for (key, value) in [
                ("items", &p.items),
                ("param", &p.param),
                ("next", &p.next),
                ("limit_param", &p.limit_param),
            ] {
                if let Some(Err(why)) = value.as_deref().filter(|v| !v.is_empty()).map(field) {
                    return Some((vec!["pagination".into(), key.into()], why));
                }
            }
        }
        None
    }
}

/// The `{name}` placeholders of a path, in order.
fn placeholders(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
}

/// A function or argument name: `[a-z][a-z0-9_]*`, not too long.
pub fn identifier(value: &str) -> Result<(), String> {
    let mut chars = value.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && value.len() <= 64;
    if ok {
        Ok(())
    } else {
        Err("is not a snake_case name; use lowercase letters, digits and `_`".into())
    }
}

/// A field or query parameter name on the wire: letters, digits, `_`, `-`, `.`, `[`, `]`.
pub fn field(value: &str) -> Result<(), String> {
    let ok = !value.is_empty()
        && value.len() <= 128
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']'));
    if ok {
        Ok(())
    } else {
        Err("is not a field name; use letters, digits, `_`, `-`, `.`, `[` and `]`".into())
    }
}

/// A path under the base URL: starts with `/`, then URL path characters and `{name}`.
pub fn path(value: &str) -> Result<(), String> {
    let ok = value.starts_with('/')
        && value.len() <= 256
        && value.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '.' | '{' | '}' | ':' | '~')
        });
    if !ok {
        return Err("is not an API path; start with `/` and use letters, digits, `/_-.:~` and `{name}` placeholders".into());
    }
    if value.contains("{{") || value.contains("}}") {
        return Err("contains `{{` or `}}`".into());
    }
    Ok(())
}

/// A text that generated code holds in a string literal: one line, no quotes,
/// backslashes, backticks or interpolation openers.
pub fn literal(value: &str) -> Result<(), String> {
    crate::checks::single_line(value)?;
    if value.contains(['"', '\'', '\\', '`']) || value.contains("#{") || value.contains('$') {
        return Err("contains quotes, backslashes, backticks or `$`; use plain text".into());
    }
    Ok(())
}

/// An example value: of the parameter's type, with literal-safe strings and field names.
fn example(value: &serde_json::Value, kind: ParamType) -> Result<(), String> {
    use serde_json::Value;
    let fits = match (kind, value) {
        (ParamType::String, Value::String(_)) => true,
        (ParamType::Integer, Value::Number(n)) => n.is_i64(),
        (ParamType::Boolean, Value::Bool(_)) => true,
        (ParamType::StringList, Value::Array(items)) => items.iter().all(Value::is_string),
        (ParamType::Object, Value::Object(_)) => true,
        (ParamType::ObjectList, Value::Array(items)) => items.iter().all(Value::is_object),
        _ => false,
    };
    if !fits {
        return Err(format!("is not a value of type `{kind}`"));
    }
    safe_value(value, 0)
}

fn safe_value(value: &serde_json::Value, depth: usize) -> Result<(), String> {
    use serde_json::Value;
    if depth > 6 {
        return Err("nests too deep; keep examples to six levels".into());
    }
    match value {
        Value::String(text) => literal(text),
        Value::Array(items) => items.iter().try_for_each(|v| safe_value(v, depth + 1)),
        Value::Object(map) => map.iter().try_for_each(|(key, v)| {
            field(key).map_err(|why| format!("has the key `{key}`, which {why}"))?;
            safe_value(v, depth + 1)
        }),
        Value::Number(n) if n.is_f64() => Err("holds a fractional number; use integers".into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_pagination_names_take_the_styles_usual_ones() {
        let wire = Wire {
            pagination: Some(Pagination {
                style: PaginationStyle::PageToken,
                items: None,
                param: Some("cursor".into()),
                next: Some("response_metadata.next_cursor".into()),
                limit_param: None,
            }),
            ..Wire::default()
        };
        let p = wire.context().pagination;
        assert_eq!(
            (
                p.items.as_str(),
                p.param.as_str(),
                p.next.as_str(),
                p.limit_param.as_str()
            ),
            ("items", "cursor", "response_metadata.next_cursor", "limit")
        );
        assert_eq!(Wire::default().context().update_method, UpdateMethod::Patch);
    }

    #[test]
    fn credential_placeholders_come_from_the_settings() {
        let shortcut: Shortcut = toml::from_str(
            "name = 'send_sms'\nsummary = 'Send an SMS.'\nmethod = 'POST'\npath = '/Accounts/{username}/Messages/{sid}.json'\n",
        )
        .unwrap();
        let c = shortcut.context(&["username", "password"]);
        let from: Vec<_> = c
            .path_params
            .iter()
            .map(|p| (p.name.as_str(), p.from.as_str()))
            .collect();
        assert_eq!(from, [("username", "username"), ("sid", "arg")]);
        assert_eq!(c.params_in, ParamsIn::Body);
    }

    #[test]
    fn values_that_would_be_code_are_refused() {
        let bad = |toml_text: &str| {
            toml::from_str::<Shortcut>(toml_text)
                .unwrap()
                .problem()
                .map(|(at, _)| at.join("."))
        };
        let base = "summary = 'S.'\nmethod = 'GET'\n";
        assert_eq!(bad(&format!("name = 'a'\npath = '/x'\n{base}")), None);
        assert_eq!(
            bad(&format!("name = 'A-b'\npath = '/x'\n{base}")).as_deref(),
            Some("name")
        );
        assert_eq!(
            bad(&format!("name = 'a'\npath = '/x\"'\n{base}")).as_deref(),
            Some("path")
        );
        assert_eq!(
            bad(&format!("name = 'a'\npath = '/x'\n{base}[[params]]\nname = 'b'\ntype = 'string'\nexample = \"it's\"\n")).as_deref(),
            Some("params.0.example")
        );
        assert_eq!(
            bad(&format!("name = 'a'\npath = '/x'\n{base}[[params]]\nname = 'b'\ntype = 'integer'\nexample = 'one'\n")).as_deref(),
            Some("params.0.example")
        );
        let wire: Wire = toml::from_str("[headers]\n\"Bad Header\" = '1'\n").unwrap();
        assert_eq!(
            wire.problem().map(|(at, _)| at.join(".")).as_deref(),
            Some("headers.Bad Header")
        );
        let wire: Wire = toml::from_str("[headers]\nX-Version = '${x}'\n").unwrap();
        assert!(wire.problem().is_some());
    }
}
