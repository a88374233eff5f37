//! Pruning a template for one context before it is compiled.
//!
//! Kit templates hold every variant side by side (`{{#if (eq auth.style "basic")}}`, one
//! branch per webhook scheme), and compiling is what a run spends its time on. When the
//! context is known, two things are done ahead of handlebars, exactly as handlebars would
//! render them:
//! - `{{#if}}` / `{{#unless}}` blocks whose condition can be decided from the context are
//!   replaced by the branch taken (standalone tag lines vanish, inline tags leave their
//!   line);
//! - a plain value `{{service.pascal}}`, or one of the kit's case or `json` helpers applied
//!   to a value, is replaced by its text.
//!
//! Anything this cannot decide is left for handlebars: conditions other than a root path,
//! `eq`, `ne`, `not`, `and` or `or`; whatever sits inside `each`, `with` or other helpers
//! that change the context; whitespace control; `else if` chains; raw blocks and inline
//! partials; values that are missing, empty, not a string, number or boolean, or whose text
//! holds braces, backslashes or line breaks.

use serde_json::Value;

use crate::segments::{tag_end, Tag};

/// A pruned template and, for each of its lines, the 1-based line of the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pruned {
    pub text: String,
    pub line_map: Vec<usize>,
}

struct Open {
    /// `Some(taken)` when the block is an `if`/`unless` decided from the context.
    taken: Option<bool>,
    /// Whether this block changes the context of what it holds (`each`, `with`, ...).
    scoped: bool,
    open: (usize, usize),
    els: Option<(usize, usize)>,
}

/// Prunes `text` for `context`; `None` when nothing could be decided.
pub fn prune(text: &str, context: &Value) -> Option<Pruned> {
    if text.contains("{{{{") || text.contains("{{#*inline") || text.contains("\\{{") {
        return None;
    }
    let bytes = text.as_bytes();
    let mut stack: Vec<Open> = Vec::new();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut values: Vec<(usize, usize, String)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i..].starts_with(b"{{") {
            i += 1;
            continue;
        }
        let (end, kind) = tag_end(text, i)?;
        let tag = &text[i..end];
        let trims = tag.starts_with("{{~") || tag.ends_with("~}}");
        let inner = tag.trim_start_matches('{').trim_end_matches('}').trim();
        let in_scope = stack.iter().any(|o| o.scoped);
        match kind {
            Tag::Open => {
                let (helper, rest) = split_helper(inner.trim_start_matches(['#', '^']));
                let conditional = inner.starts_with('#') && matches!(helper, "if" | "unless");
                let taken = if conditional && !trims && !in_scope {
                    decide(rest, context).map(|v| if helper == "unless" { !v } else { v })
                } else {
                    None
                };
                stack.push(Open {
                    taken,
                    scoped: !conditional,
                    open: (i, end),
                    els: None,
                });
            }
            Tag::Close => {
                let open = stack.pop()?;
                if let Some(taken) = open.taken {
                    if trims {
                        // A close tag with whitespace control: leave the block to handlebars.
                    } else {
                        let open_cut = standalone(text, open.open);
                        let close_cut = standalone(text, (i, end));
                        match (taken, open.els) {
                            (true, None) => cuts.extend([open_cut, close_cut]),
                            (true, Some(els)) => {
                                cuts.extend([open_cut, (standalone(text, els).0, close_cut.1)])
                            }
                            (false, None) => cuts.push((open_cut.0, close_cut.1)),
                            (false, Some(els)) => {
                                cuts.extend([(open_cut.0, standalone(text, els).1), close_cut])
                            }
                        }
                    }
                }
            }
            Tag::Other => {
                if let Some(rest) = inner.strip_prefix("else") {
                    if let Some(top) = stack.last_mut() {
                        if rest.trim().is_empty() && !trims && top.els.is_none() {
                            top.els = Some((i, end));
                        } else {
                            top.taken = None;
                        }
                    }
                } else if !in_scope && !trims && !tag.contains('\n') {
                    if let Some(value) = value_text(inner, context) {
                        values.push((i, end, value));
                    }
                }
            }
        }
        i = end;
    }
    if !stack.is_empty() || (cuts.is_empty() && values.is_empty()) {
        return None;
    }
    cuts.sort();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in cuts {
        match merged.last_mut() {
            Some(last) if start < last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    // A value inside a cut goes with it; the rest replace their tags.
    let mut edits: Vec<(usize, usize, &str)> = merged.iter().map(|&(s, e)| (s, e, "")).collect();
    edits.extend(
        values
            .iter()
            .filter(|(start, _, _)| !merged.iter().any(|(s, e)| s <= start && start < e))
            .map(|(s, e, v)| (*s, *e, v.as_str())),
    );
    edits.sort_by_key(|(start, _, _)| *start);
    let mut out = String::with_capacity(text.len());
    let mut line_map: Vec<usize> = Vec::new();
    let mut line = 1;
    let mut kept_from = 0;
    for (start, end, replacement) in
        edits
            .into_iter()
            .chain(std::iter::once((text.len(), text.len(), "")))
    {
        for ch in text[kept_from..start].chars().chain(replacement.chars()) {
            if out.is_empty() || out.ends_with('\n') {
                line_map.push(line);
            }
            out.push(ch);
            if ch == '\n' {
                line += 1;
            }
        }
        line += text[start..end].matches('\n').count();
        kept_from = end;
    }
    while line_map.len() < out.split('\n').count() {
        line_map.push(line);
    }
    Some(Pruned {
        text: out,
        line_map,
    })
}

/// The names handlebars would call as a helper rather than look up as a value.
const HELPERS: &[&str] = &[
    "if", "unless", "each", "with", "lookup", "raw", "log", "eq", "ne", "gt", "gte", "lt", "lte",
    "and", "or", "not", "len", "snake", "kebab", "pascal", "camel", "shouty", "title", "upper",
    "lower", "json", "join", "__raw",
];

/// The text handlebars renders for the expression `inner` (a tag without its braces), when
/// it is a plain value or a case or `json` helper applied to one, and the text can stand in
/// the template without changing how the rest of it parses.
fn value_text(inner: &str, context: &Value) -> Option<String> {
    if inner.starts_with(['!', '>', '#', '/', '^', '&', '*', '@']) {
        return None;
    }
    let tokens = tokenize(inner)?;
    let text = match tokens.as_slice() {
        [Token::Word(path)] if !HELPERS.contains(&path.as_str()) => {
            match lookup(path, context, false)? {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return None,
            }
        }
        [Token::Word(helper), argument] => {
            let value = match argument {
                Token::Word(path) => lookup(path, context, false)?,
                Token::Text(s) => Value::String(s.clone()),
                _ => return None,
            };
            if helper == "json" {
                serde_json::to_string(&value).ok()?
            } else {
                crate::render::case(helper, value.as_str()?)?
            }
        }
        _ => return None,
    };
    let safe =
        text.chars().any(|c| !c.is_whitespace()) && !text.contains(['{', '}', '\\', '\n', '\r']);
    safe.then_some(text)
}

fn split_helper(inner: &str) -> (&str, &str) {
    match inner.find(char::is_whitespace) {
        Some(at) => (&inner[..at], inner[at..].trim()),
        None => (inner, ""),
    }
}

/// The span to delete for the tag at `span`: its whole line when the tag stands alone on it
/// (as handlebars strips such lines), else just the tag.
fn standalone(text: &str, (start, end): (usize, usize)) -> (usize, usize) {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let before = &text[line_start..start];
    let after = text[end..line_end]
        .trim_end_matches('\n')
        .trim_end_matches('\r');
    let blank = |s: &str| s.chars().all(|c| c == ' ' || c == '\t');
    if blank(before) && blank(after) {
        (line_start, line_end)
    } else {
        (start, end)
    }
}

/// Decides a condition from the context, or `None`.
fn decide(condition: &str, context: &Value) -> Option<bool> {
    let tokens = tokenize(condition)?;
    let (value, rest) = expression(&tokens, context, true)?;
    if !rest.is_empty() {
        return None;
    }
    Some(truthy(&value))
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    Word(String),
    Text(String),
}

fn tokenize(text: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '"' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => return None,
                        c => s.push(c),
                    }
                }
                tokens.push(Token::Text(s));
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || c == '(' || c == ')' || c == '"' {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Some(tokens)
}

/// One value from `tokens`: a string literal, a root path, or `(eq a b)` / `(ne a b)` /
/// `(not a)` / `(and a b ...)` / `(or a b ...)`. A missing path is `null` only where `missing_ok` (the `if` helper's own
/// parameter, which handlebars reads as falsy); inside `eq`/`ne` strict mode would fail, so
/// nothing is decided.
fn expression<'t>(
    tokens: &'t [Token],
    context: &Value,
    missing_ok: bool,
) -> Option<(Value, &'t [Token])> {
    match tokens.first()? {
        Token::Text(s) => Some((Value::String(s.clone()), &tokens[1..])),
        Token::Word(word) => Some((lookup(word, context, missing_ok)?, &tokens[1..])),
        Token::Open => {
            let Token::Word(helper) = tokens.get(1)? else {
                return None;
            };
            let rest = &tokens[2..];
            let (value, rest) = match helper.as_str() {
                "eq" | "ne" => {
                    let (a, rest) = expression(rest, context, false)?;
                    let (b, rest) = expression(rest, context, false)?;
                    (Value::Bool((a == b) == (helper == "eq")), rest)
                }
                "not" => {
                    let (a, rest) = expression(rest, context, false)?;
                    (Value::Bool(!truthy(&a)), rest)
                }
                "and" | "or" => {
                    // Both take any number of values and read a missing one as falsy.
                    let mut rest = rest;
                    let mut truths = Vec::new();
                    while !matches!(rest.first()?, Token::Close) {
                        let (a, after) = expression(rest, context, true)?;
                        truths.push(truthy(&a));
                        rest = after;
                    }
                    let value = if helper == "and" {
                        truths.iter().all(|t| *t)
                    } else {
                        truths.iter().any(|t| *t)
                    };
                    (Value::Bool(value), rest)
                }
                _ => return None,
            };
            match rest.first()? {
                Token::Close => Some((value, &rest[1..])),
                _ => None,
            }
        }
        Token::Close => None,
    }
}

fn lookup(path: &str, context: &Value, missing_ok: bool) -> Option<Value> {
    let plain = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if !plain || path.starts_with('.') || path.ends_with('.') || path.contains("..") {
        return None;
    }
    if matches!(path, "true" | "false" | "null" | "this")
        || path.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let mut value = context;
    for part in path.split('.') {
        match value.get(part) {
            Some(v) => value = v,
            None if missing_ok => return Some(Value::Null),
            None => return None,
        }
    }
    Some(value.clone())
}

/// handlebars' truthiness (without `includeZero`).
fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(f64::is_normal),
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(text: &str, context: &Value) -> String {
        let mut hb = handlebars::Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_escape_fn(handlebars::no_escape);
        crate::render::register_helpers(&mut hb);
        hb.render_template(text, context).unwrap()
    }

    fn same(text: &str, context: &Value) -> Option<Pruned> {
        let pruned = prune(text, context);
        if let Some(p) = &pruned {
            assert_eq!(
                render(&p.text, context),
                render(text, context),
                "pruned:\n{}",
                p.text
            );
            assert_eq!(p.line_map.len(), p.text.split('\n').count(), "{p:?}");
        }
        pruned
    }

    #[test]
    fn standalone_and_inline_blocks_render_as_before() {
        let text = "a\n{{#if (eq style \"basic\")}}\nbasic {{x}}\n{{else}}\nother\n{{/if}}\nb {{#if flag}}on{{else}}off{{/if}} c\n  {{#unless flag}}\n  no\n  {{/unless}}\nend\n";
        for ctx in [
            json!({"style": "basic", "flag": true, "x": 1}),
            json!({"style": "x", "flag": false, "x": 1}),
        ] {
            let p = same(text, &ctx).unwrap();
            assert!(!p.text.contains("{{#if"), "{}", p.text);
        }
    }

    #[test]
    fn nested_blocks_and_missing_values() {
        let text = "{{#if env.api_key}}\nkey\n{{#if (eq a \"1\")}}\none\n{{/if}}\n{{/if}}\n{{#if (not webhooks)}}\nnone\n{{/if}}\n";
        same(text, &json!({"env": {}, "a": "1", "webhooks": false})).unwrap();
        same(
            text,
            &json!({"env": {"api_key": "K"}, "a": "1", "webhooks": true}),
        )
        .unwrap();
    }

    #[test]
    fn undecidable_blocks_are_left_alone() {
        let ctx = json!({"items": [{"a": true}], "a": true, "s": "x"});
        let text = "{{#each items}}\n{{#if a}}\nA\n{{/if}}\n{{/each}}\n{{#if (eq missing \"x\")}}\nm\n{{/if}}\n{{#if s}}\nx\n{{else if a}}\ny\n{{/if}}\n{{#if a~}}\n t\n{{~/if}}\n";
        assert_eq!(prune(text, &ctx), None);
    }

    #[test]
    fn line_map_points_at_the_original_lines() {
        let text = "l1\n{{#if no}}\nl3\nl4\n{{/if}}\nl6 {{y}}\n";
        let p = same(text, &json!({"no": false, "y": 1})).unwrap();
        assert_eq!(p.text, "l1\nl6 1\n");
        assert_eq!(p.line_map[1], 6);
    }

    #[test]
    fn plain_values_and_case_helpers_become_text() {
        let ctx = json!({"service": {"pascal": "AcmePay"}, "n": 30, "on": true, "s": "a=1&b=<T>"});
        let text = "class {{service.pascal}}Client:\n    timeout = {{n}} # {{on}}\n{{{s}}} {{json s}} {{snake service.pascal}} {{shouty \"x-y\"}}\n";
        let p = same(text, &ctx).unwrap();
        assert_eq!(
            p.text,
            "class AcmePayClient:\n    timeout = 30 # true\na=1&b=<T> \"a=1&b=<T>\" acme_pay X_Y\n"
        );
    }

    #[test]
    fn values_that_could_change_the_template_stay_tags() {
        let ctx = json!({
            "braces": "{{x}}", "slash": "a\\", "empty": "", "blank": "  ", "lines": "a\nb",
            "list": [1], "null": null, "title": "t", "items": ["a"], "x": "x"
        });
        for tag in [
            "{{braces}}",
            "{{slash}}",
            "{{empty}}",
            "{{blank}}",
            "{{lines}}",
            "{{list}}",
            "{{null}}",
            "{{missing}}",
            "{{snake list}}",
            "{{x~}}",
            "{{!-- x --}}",
            "{{> x}}",
            "{{lookup items 0}}",
            "{{this}}",
            "{{@root.x}}",
        ] {
            assert_eq!(prune(&format!("a {tag} b\n"), &ctx), None, "{tag}");
        }
        let text = "{{#each items}}\n{{x}} {{this}}\n{{/each}}\n";
        assert_eq!(prune(text, &ctx), None);
    }

    #[test]
    fn and_or_conditions_are_decided() {
        let text = "{{#if (or (eq s \"a\") (eq s \"b\") f)}}\nyes\n{{else}}\nno\n{{/if}}\n{{#if (and t gone)}}\nboth\n{{/if}}\n";
        for s in ["a", "b", "c"] {
            let ctx = json!({"s": s, "f": false, "t": true});
            let p = same(text, &ctx).unwrap();
            assert!(!p.text.contains("{{"), "{}", p.text);
        }
    }
}
