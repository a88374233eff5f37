//! The `json` editor: adds string entries to objects of a JSON file (package.json
//! `devDependencies`, ...) without touching any other byte, and takes them out again.
//!
//! A fragment is a JSON object of objects of strings, e.g.
//! `{"devDependencies": {"@types/node": "^20.11.0"}}`. An entry the file has already is
//! left as it is (whatever its value: the app's pin wins). A new entry goes where a sorted
//! object keeps it sorted, else at the end, in the object's own indentation; a missing
//! object is added at the end of the top-level one. [`unmerge`] removes exactly the text
//! [`merge`] added, so a file is given back byte for byte.
//!
//! Items are named `<object>.<key>` (entries) and `<object>` (the object itself).

use serde_json::Value;

use super::text::edit_preserving;
use super::EditError;

/// One `"key": value` member of an object, with byte offsets.
#[derive(Debug, Clone)]
struct Member {
    key: String,
    key_start: usize,
    value_start: usize,
    value_end: usize,
}

/// An object: the offsets of its braces and its members.
#[derive(Debug, Clone)]
struct Object {
    open: usize,
    close: usize,
    members: Vec<Member>,
}

/// Adds the entries of `fragment` that `original` lacks.
pub fn merge(original: &str, fragment: &str) -> Result<String, EditError> {
    let wanted = parse_fragment(fragment)?;
    edit_preserving(original, |body| {
        let mut text = body.to_string();
        for (section, entries) in &wanted {
            for (name, version) in entries {
                text = add(&text, section, name, version)?;
            }
        }
        Ok(text)
    })
}

/// Removes the entries of `fragment` except those named in `kept` (`<object>.<key>`), and
/// an object left empty unless `kept` names it (it was there before).
pub fn unmerge(original: &str, fragment: &str, kept: &[String]) -> Result<String, EditError> {
    let wanted = parse_fragment(fragment)?;
    edit_preserving(original, |body| {
        let mut text = body.to_string();
        for (section, entries) in &wanted {
            for (name, _) in entries {
                if kept.contains(&format!("{section}.{name}")) {
                    continue;
                }
                text = take(&text, section, name, kept.contains(section))?;
            }
        }
        Ok(text)
    })
}

/// The entries `fragment` adds, named `<object>.<key>`.
pub fn leaves(fragment: &str) -> Vec<String> {
    parse_fragment(fragment)
        .map(|sections| {
            sections
                .iter()
                .flat_map(|(section, entries)| {
                    entries
                        .iter()
                        .map(move |(name, _)| format!("{section}.{name}"))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The items of `fragment` that `text` has already: its entries and its objects.
pub fn present(text: &str, fragment: &str) -> Vec<String> {
    let (Ok(sections), Some(top)) = (parse_fragment(fragment), top_object(text)) else {
        return Vec::new();
    };
    let body = text.replace("\r\n", "\n");
    let mut out = Vec::new();
    for (section, entries) in &sections {
        let Some(member) = top.members.iter().find(|m| m.key == *section) else {
            continue;
        };
        out.push(section.clone());
        let Ok(object) = parse_object(&body, member.value_start) else {
            continue;
        };
        for (name, _) in entries {
            if object.members.iter().any(|m| m.key == *name) {
                out.push(format!("{section}.{name}"));
            }
        }
    }
    out
}

/// The entries of the fragment, in order.
type Sections = Vec<(String, Vec<(String, String)>)>;

fn parse_fragment(fragment: &str) -> Result<Sections, EditError> {
    let bad = |message: String| EditError::Fragment { message };
    let value: Value = serde_json::from_str(fragment).map_err(|e| bad(e.to_string()))?;
    let Value::Object(top) = value else {
        return Err(bad("not a JSON object".into()));
    };
    let mut out = Vec::new();
    for (section, entries) in top {
        let Value::Object(entries) = entries else {
            return Err(bad(format!("`{section}` is not an object")));
        };
        let mut list = Vec::new();
        for (name, version) in entries {
            let Value::String(version) = version else {
                return Err(bad(format!("`{section}.{name}` is not a string")));
            };
            list.push((name, version));
        }
        out.push((section, list));
    }
    Ok(out)
}

/// The top-level object of `text` (CRLF or LF), if it parses.
fn top_object(text: &str) -> Option<Object> {
    let body = text.replace("\r\n", "\n");
    top(&body).ok()
}

fn top(text: &str) -> Result<Object, EditError> {
    let start = skip_ws(text, 0);
    let object = parse_object(text, start).map_err(|(at, message)| syntax(text, at, &message))?;
    let end = skip_ws(text, object.close + 1);
    if end != text.len() {
        return Err(syntax(text, end, "text after the top-level object"));
    }
    Ok(object)
}

fn syntax(text: &str, at: usize, message: &str) -> EditError {
    let (line, column) = super::line_col(text, at);
    EditError::Json {
        line,
        column,
        message: message.to_string(),
    }
}

/// `text` with `"name": "version"` added to object `section` (created when missing).
fn add(text: &str, section: &str, name: &str, version: &str) -> Result<String, EditError> {
    let top = top(text)?;
    let entry = format!("{}: {}", quote(name), quote(version));
    let Some(member) = top.members.iter().find(|m| m.key == section) else {
        let indent = indent_of(text, &top).unwrap_or_else(|| "  ".to_string());
        let inner = format!("{indent}{indent}");
        let value = format!("{{\n{inner}{entry}\n{indent}}}");
        return Ok(insert_member(
            text,
            &top,
            &indent,
            None,
            &format!("{}: {value}", quote(section)),
        ));
    };
    let object = match parse_object(text, member.value_start) {
        Ok(object) => object,
        Err(_) => {
            return Err(EditError::WrongType {
                key: section.to_string(),
                wanted: "an object".into(),
                found: "another JSON value".into(),
            })
        }
    };
    if object.members.iter().any(|m| m.key == name) {
        return Ok(text.to_string());
    }
    let outer = indent_of(text, &top).unwrap_or_else(|| "  ".to_string());
    let indent = indent_of(text, &object).unwrap_or_else(|| format!("{outer}{outer}"));
    let sorted = object.members.windows(2).all(|w| w[0].key <= w[1].key);
    let position = if sorted {
        object.members.iter().position(|m| m.key.as_str() > name)
    } else {
        None
    };
    Ok(insert_member(text, &object, &indent, position, &entry))
}

/// Inserts `entry` into `object` before member `position` (or at the end).
fn insert_member(
    text: &str,
    object: &Object,
    indent: &str,
    position: Option<usize>,
    entry: &str,
) -> String {
    let multiline = text[object.open..object.close].contains('\n') || object.members.is_empty();
    let (at, insert) = match (position, object.members.last()) {
        (Some(index), _) => {
            let at = object.members[index].key_start;
            if multiline {
                (at, format!("{entry},\n{indent}"))
            } else {
                (at, format!("{entry}, "))
            }
        }
        (None, Some(last)) => {
            if multiline {
                (last.value_end, format!(",\n{indent}{entry}"))
            } else {
                (last.value_end, format!(", {entry}"))
            }
        }
        (None, None) => {
            let close_indent = line_indent(text, object.close);
            (
                object.open + 1,
                format!("\n{indent}{entry}\n{close_indent}"),
            )
        }
    };
    let mut out = String::with_capacity(text.len() + insert.len());
    out.push_str(&text[..at]);
    out.push_str(&insert);
    // An empty object's inner blanks are replaced, not kept.
    let rest = if object.members.is_empty() {
        &text[object.close..]
    } else {
        &text[at..]
    };
    out.push_str(rest);
    out
}

/// `text` without entry `name` of object `section`; the object goes too when it is left
/// empty and `keep_object` is false.
fn take(text: &str, section: &str, name: &str, keep_object: bool) -> Result<String, EditError> {
    let top = top(text)?;
    let Some(index) = top.members.iter().position(|m| m.key == section) else {
        return Ok(text.to_string());
    };
    let Ok(object) = parse_object(text, top.members[index].value_start) else {
        return Ok(text.to_string());
    };
    let Some(at) = object.members.iter().position(|m| m.key == name) else {
        return Ok(text.to_string());
    };
    if object.members.len() == 1 {
        if keep_object {
            return Ok(format!(
                "{}{{}}{}",
                &text[..object.open],
                &text[object.close + 1..]
            ));
        }
        return Ok(remove_member(text, &top, index));
    }
    Ok(remove_member(text, &object, at))
}

/// `text` without member `index` of `object` and the separator it brought.
fn remove_member(text: &str, object: &Object, index: usize) -> String {
    let members = &object.members;
    let (from, to) = if index + 1 < members.len() {
        (members[index].key_start, members[index + 1].key_start)
    } else if index > 0 {
        (members[index - 1].value_end, members[index].value_end)
    } else {
        // The only member: the object becomes empty.
        (object.open + 1, object.close)
    };
    format!("{}{}", &text[..from], &text[to..])
}

/// The indentation of the members of `object`, when they start lines.
fn indent_of(text: &str, object: &Object) -> Option<String> {
    let first = object.members.first()?;
    let line_start = text[..first.key_start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..first.key_start];
    (indent.chars().all(|c| c == ' ' || c == '\t') && line_start > object.open)
        .then(|| indent.to_string())
}

/// The blanks opening the line that holds offset `at`.
fn line_indent(text: &str, at: usize) -> String {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..at]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

fn quote(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

fn skip_ws(text: &str, mut at: usize) -> usize {
    let bytes = text.as_bytes();
    while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'\n' | b'\r') {
        at += 1;
    }
    at
}

type Parse<T> = Result<T, (usize, String)>;

fn parse_object(text: &str, at: usize) -> Parse<Object> {
    let bytes = text.as_bytes();
    if bytes.get(at) != Some(&b'{') {
        return Err((at, "expected `{`".into()));
    }
    let mut members = Vec::new();
    let mut i = skip_ws(text, at + 1);
    if bytes.get(i) == Some(&b'}') {
        return Ok(Object {
            open: at,
            close: i,
            members,
        });
    }
    loop {
        let key_start = i;
        let (key, after) = parse_string(text, i)?;
        i = skip_ws(text, after);
        if bytes.get(i) != Some(&b':') {
            return Err((i, "expected `:`".into()));
        }
        let value_start = skip_ws(text, i + 1);
        let value_end = skip_value(text, value_start)?;
        members.push(Member {
            key,
            key_start,
            value_start,
            value_end,
        });
        i = skip_ws(text, value_end);
        match bytes.get(i) {
            Some(b',') => i = skip_ws(text, i + 1),
            Some(b'}') => {
                return Ok(Object {
                    open: at,
                    close: i,
                    members,
                })
            }
            _ => return Err((i, "expected `,` or `}`".into())),
        }
    }
}

fn parse_string(text: &str, at: usize) -> Parse<(String, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(at) != Some(&b'"') {
        return Err((at, "expected a string".into()));
    }
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => {
                let raw = &text[at..=i];
                let value: String =
                    serde_json::from_str(raw).map_err(|e| (at, format!("bad string: {e}")))?;
                return Ok((value, i + 1));
            }
            _ => i += 1,
        }
    }
    Err((at, "unterminated string".into()))
}

fn skip_value(text: &str, at: usize) -> Parse<usize> {
    let bytes = text.as_bytes();
    match bytes.get(at) {
        Some(b'{') => parse_object(text, at).map(|o| o.close + 1),
        Some(b'[') => {
            let mut i = skip_ws(text, at + 1);
            if bytes.get(i) == Some(&b']') {
                return Ok(i + 1);
            }
            loop {
                i = skip_ws(text, skip_value(text, i)?);
                match bytes.get(i) {
                    Some(b',') => i = skip_ws(text, i + 1),
                    Some(b']') => return Ok(i + 1),
                    _ => return Err((i, "expected `,` or `]`".into())),
                }
            }
        }
        Some(b'"') => parse_string(text, at).map(|(_, end)| end),
        Some(c) if c.is_ascii_digit() || *c == b'-' => {
            let mut i = at + 1;
            while i < bytes.len()
                && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
            {
                i += 1;
            }
            Ok(i)
        }
        _ => {
            for word in ["true", "false", "null"] {
                if text[at..].starts_with(word) {
                    return Ok(at + word.len());
                }
            }
            Err((at, "expected a JSON value".into()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACKAGE: &str = "{\n  \"name\": \"app\",\n  \"devDependencies\": {\n    \"jest\": \"^29.7.0\",\n    \"typescript\": \"~5.2.2\"\n  }\n}\n";

    fn round_trip(original: &str, fragment: &str) -> String {
        let merged = merge(original, fragment).unwrap();
        assert_eq!(
            merge(&merged, fragment).unwrap(),
            merged,
            "merge is idempotent"
        );
        let kept = present(original, fragment);
        assert_eq!(unmerge(&merged, fragment, &kept).unwrap(), original);
        merged
    }

    #[test]
    fn a_sorted_object_stays_sorted() {
        let merged = round_trip(
            PACKAGE,
            r#"{"devDependencies": {"@jest/globals": "^29.7.0", "@types/node": "^20.11.0"}}"#,
        );
        assert_eq!(
            merged,
            "{\n  \"name\": \"app\",\n  \"devDependencies\": {\n    \"@jest/globals\": \"^29.7.0\",\n    \"@types/node\": \"^20.11.0\",\n    \"jest\": \"^29.7.0\",\n    \"typescript\": \"~5.2.2\"\n  }\n}\n"
        );
        let merged = round_trip(PACKAGE, r#"{"devDependencies": {"vitest": "^3.2.0"}}"#);
        assert!(merged.contains("\"typescript\": \"~5.2.2\",\n    \"vitest\": \"^3.2.0\"\n  }"));
    }

    #[test]
    fn an_unsorted_object_gets_the_entry_at_the_end_in_its_indentation() {
        let original = "{\n\t\"devDependencies\": {\n\t\t\"z\": \"1\",\n\t\t\"a\": \"2\"\n\t}\n}";
        let merged = round_trip(original, r#"{"devDependencies": {"m": "3"}}"#);
        assert_eq!(merged, "{\n\t\"devDependencies\": {\n\t\t\"z\": \"1\",\n\t\t\"a\": \"2\",\n\t\t\"m\": \"3\"\n\t}\n}");
    }

    #[test]
    fn a_missing_object_is_added_and_removed_whole() {
        let original = "{\r\n    \"name\": \"app\"\r\n}\r\n";
        let merged = round_trip(
            original,
            r#"{"devDependencies": {"@types/node": "^20.11.0"}}"#,
        );
        assert_eq!(
            merged,
            "{\r\n    \"name\": \"app\",\r\n    \"devDependencies\": {\r\n        \"@types/node\": \"^20.11.0\"\r\n    }\r\n}\r\n"
        );
    }

    #[test]
    fn an_existing_entry_keeps_its_pin() {
        let merged = merge(PACKAGE, r#"{"devDependencies": {"jest": "^30"}}"#).unwrap();
        assert_eq!(merged, PACKAGE);
        assert_eq!(
            present(PACKAGE, r#"{"devDependencies": {"jest": "^30"}}"#),
            ["devDependencies", "devDependencies.jest"]
        );
    }

    #[test]
    fn empty_and_inline_objects() {
        round_trip(
            "{\"devDependencies\": {}}",
            r#"{"devDependencies": {"a": "1"}}"#,
        );
        let merged = round_trip("{\"a\": {\"x\": \"1\"}}", r#"{"a": {"y": "2"}}"#);
        assert_eq!(merged, "{\"a\": {\"x\": \"1\", \"y\": \"2\"}}");
    }

    #[test]
    fn bad_json_is_refused_with_its_position() {
        let error = merge("{\n  \"a\": 1,\n}\n", r#"{"b": {"c": "1"}}"#).unwrap_err();
        assert!(
            error.to_string().starts_with("3:1: JSON syntax error"),
            "{error}"
        );
        let error = merge(
            "{\"devDependencies\": []}",
            r#"{"devDependencies": {"c": "1"}}"#,
        )
        .unwrap_err();
        assert!(matches!(error, EditError::WrongType { .. }));
    }
}
