//! Checks of the single values that reach generated code (display names, URLs, header and
//! env var names, events), wherever they come from: a flag, a wizard answer, the record,
//! the built-in or a team catalog. Each returns the reason a value is refused, so the
//! caller can say where it came from (a flag, or a file and line).
//!
//! Templates still escape every value for its language; these checks keep values to what
//! a service's name, address or header can be, so a value never has to be read as code.

/// Characters that end a line, or are invisible and alter how text is shown, in some
/// language or terminal: C0 and C1 controls (CR, LF, NUL, ESC, form feed, ...), DEL, and
/// the Unicode line and paragraph separators.
fn is_line_breaking(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}')
}

/// Text that would close or open a comment, a string or a template in some kit's language,
/// or look like one of integrate's own fences.
const CODE_LIKE: &[&str] = &[
    "*/",
    "/*",
    "\"\"\"",
    "'''",
    "#{",
    "${",
    "{{",
    "}}",
    ">>> integrate",
    "<<< integrate",
    "-->",
];

/// One line of plain text: no line-breaking or control characters, no code-like sequence.
pub fn single_line(value: &str) -> Result<(), String> {
    if let Some(c) = value.chars().find(|c| is_line_breaking(*c)) {
        return Err(format!(
            "contains the control character U+{:04X}; use one line of plain text",
            u32::from(c)
        ));
    }
    if let Some(seq) = CODE_LIKE.iter().find(|s| value.contains(*s)) {
        return Err(format!(
            "contains `{seq}`, which could end a comment or string in generated code"
        ));
    }
    Ok(())
}

/// A human name of a service: one line, no quotes, backslashes or braces.
pub fn display_name(value: &str) -> Result<(), String> {
    single_line(value)?;
    if value.trim().is_empty() {
        return Err("is empty".into());
    }
    if value.contains(['"', '\'', '\\', '`', '$', '{', '}', '<', '>']) {
        return Err("contains quotes, backslashes, braces, `$` or `<>`; use plain text".into());
    }
    Ok(())
}

/// An env var name: `[A-Z_][A-Z0-9_]*`.
pub fn env_name(value: &str) -> Result<(), String> {
    let mut chars = value.chars();
    let ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(
            "is not an env var name; use capitals, digits and `_`, not starting with a digit"
                .into(),
        )
    }
}

/// An HTTP header name: a token of letters, digits, `-` and `_` (a subset of RFC 9110's
/// token characters that is also safe inside any language's string).
pub fn header(value: &str) -> Result<(), String> {
    let ok = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err("is not a header name; use letters, digits and `-`".into())
    }
}

/// A package name in some registry (`stripe`, `@anthropic-ai/sdk`, `async-stripe`).
pub fn package(value: &str) -> Result<(), String> {
    let ok = !value.is_empty()
        && value.len() <= 214
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '/' | '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err("is not a package name; use letters, digits, `@`, `/`, `.`, `_` and `-`".into())
    }
}

/// An event type: letters, digits, `.`, `_`, `-`, `:`, `/` and `*`-free.
pub fn event(value: &str) -> Result<(), String> {
    let ok = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':' | '/'));
    if ok {
        Ok(())
    } else {
        Err("contains characters that cannot go into generated code; use letters, digits, `.`, `_`, `-`, `:` or `/`".into())
    }
}

/// An http(s) URL without credentials, query or fragment, returned without a trailing `/`.
pub fn url(value: &str) -> Result<String, String> {
    single_line(value)?;
    let trimmed = value.trim().trim_end_matches('/');
    let parsed = url::Url::parse(trimmed).map_err(|e| format!("is not a URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "has the scheme `{}`; use http or https",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("names no host".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("holds credentials; put them in env vars, not in the URL".into());
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err("has a query or fragment; give the API's base URL".into());
    }
    if trimmed.contains(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '"' | '\'' | '\\' | '`' | '{' | '}' | '<' | '>' | '$' | '*'
            )
    }) {
        return Err("contains quotes, braces, `$`, `*` or spaces".into());
    }
    Ok(trimmed.to_string())
}

/// The check of a text field of a catalog entry or a recorded integration, by its key;
/// `env.<role>` for env var names, `events` for each event. Fields it does not know pass.
pub fn entry_field(key: &str, value: &str) -> Result<(), String> {
    match key {
        "display_name" => display_name(value),
        "base_url" | "docs_url" | "token_url" if !value.is_empty() => url(value).map(drop),
        "auth_header" | "signature_header" if !value.is_empty() => header(value),
        "event_id_field" | "event_type_field" if !value.is_empty() => event(value),
        "events" => event(value),
        _ if key.starts_with("env.") => env_name(value),
        "sdk" | "packages" if !value.is_empty() => package(value),
        _ => single_line(value),
    }
}

/// The first text field of `table` (a catalog entry or a recorded integration) that
/// [`entry_field`] refuses: its key path under the table, and why.
pub fn entry_table(table: &dyn toml_edit::TableLike) -> Option<(Vec<String>, String)> {
    for (key, item) in table.iter() {
        let failed = |path: Vec<String>, why: String| Some((path, why));
        if let Some(text) = item.as_str() {
            if let Err(why) = entry_field(key, text) {
                return failed(vec![key.to_string()], why);
            }
        } else if let Some(array) = item.as_array() {
            for (index, value) in array.iter().enumerate() {
                if let Some(Err(why)) = value.as_str().map(|t| entry_field(key, t)) {
                    return failed(vec![key.to_string(), index.to_string()], why);
                }
            }
        } else if let (Some(inner), "packages") = (item.as_table_like(), key) {
            for (registry, list) in inner.iter() {
                for (index, value) in list.as_array().into_iter().flatten().enumerate() {
                    if let Some(Err(why)) = value.as_str().map(package) {
                        let at = vec![key.to_string(), registry.to_string(), index.to_string()];
                        return failed(at, why);
                    }
                }
            }
        } else if let (Some(inner), "env") = (item.as_table_like(), key) {
            for (role, value) in inner.iter() {
                if let Some(Err(why)) = value
                    .as_str()
                    .map(|t| entry_field(&format!("env.{role}"), t))
                {
                    return failed(vec![key.to_string(), role.to_string()], why);
                }
            }
        }
    }
    None
}

/// The byte span of the value at `path` in TOML `text`, for error positions.
pub fn span_of(text: &str, path: &[String]) -> Option<std::ops::Range<usize>> {
    use toml_edit::{Item, Value};
    enum Node<'a> {
        Item(&'a Item),
        Value(&'a Value),
        Table(&'a toml_edit::Table),
    }
    let doc = toml_edit::Document::parse(text).ok()?;
    let mut node = Node::Item(doc.as_item());
    for part in path {
        let index = part.parse::<usize>().ok();
        node = match node {
            Node::Item(Item::ArrayOfTables(tables)) => Node::Table(tables.get(index?)?),
            Node::Item(Item::Value(value)) | Node::Value(value) => match (value, index) {
                (Value::Array(array), Some(i)) => Node::Value(array.get(i)?),
                (Value::InlineTable(table), _) => Node::Value(table.get(part)?),
                _ => return None,
            },
            Node::Item(item) => Node::Item(item.get(part.as_str())?),
            Node::Table(table) => Node::Item(table.get(part)?),
        };
    }
    match node {
        Node::Item(item) => item.span(),
        Node::Value(value) => value.span(),
        Node::Table(table) => table.span(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_refused() {
        for bad in [
            "Acme\rimport os",
            "Acme\n",
            "A\u{0}",
            "A\u{1b}[2J",
            "A\u{c}",
            "A\u{2028}B",
            "A\u{2029}",
            "x */ alert(1) /*",
            "say \"\"\" hi",
            "#{system}",
            "${x}",
            "{{x}}",
            "<<< integrate acme settings",
        ] {
            assert!(single_line(bad).is_err(), "{bad:?}");
            assert!(display_name(bad).is_err(), "{bad:?}");
        }
        assert!(display_name("Acme Pay (EU)").is_ok());
        assert!(display_name("O'Brien").is_err());
    }

    #[test]
    fn urls_are_parsed() {
        assert_eq!(
            url("https://api.stripe.com/").unwrap(),
            "https://api.stripe.com"
        );
        assert_eq!(
            url("https://api.twilio.com/2010-04-01").unwrap(),
            "https://api.twilio.com/2010-04-01"
        );
        for bad in [
            "ftp://x.example",
            "https://",
            "javascript:alert(1)",
            "https://user:pw@api.example.com",
            "https://api.example.com/?a=1",
            "https://api.example.com/*/x",
            "https://api.example.com/\"\"\"",
            "https://api.example.com/x\r\ny",
            "api.example.com",
        ] {
            assert!(url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_and_events() {
        assert!(env_name("STRIPE_SECRET_KEY").is_ok());
        assert!(env_name("_X1").is_ok());
        for bad in ["stripe_key", "1KEY", "KEY-1", "KEY NAME", "", "KEY=1"] {
            assert!(env_name(bad).is_err(), "{bad}");
        }
        assert!(header("X-Acme-Signature").is_ok());
        assert!(header("X Acme").is_err());
        assert!(header("X\"").is_err());
        assert!(event("payment_intent.succeeded").is_ok());
        assert!(event("customer/created:v2").is_ok());
        assert!(event("a\"b").is_err());
        assert!(event("a b").is_err());
    }
}
