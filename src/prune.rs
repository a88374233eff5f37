//! Folding a template for one context before it is compiled.
//!
//! Kit templates hold every variant side by side (`{{#if (eq auth.style "basic")}}`, one
//! branch per webhook scheme), and compiling is what a run would spend its time on. When
//! the context is known, what can be decided from it is done ahead of handlebars, exactly
//! as handlebars would render it:
//! - `{{#if}}` / `{{#unless}}` blocks, `{{else if}}` chains included, whose conditions can
//!   be decided are replaced by the branch taken (standalone tag lines vanish, inline tags
//!   leave their line);
//! - `{{#each}}` over a known list is unrolled, each item folded in its own scope (`this`,
//!   its fields, `../`, `@index`, `@first`, `@last`);
//! - a plain value (`{{service.pascal}}`, `{{events.[0]}}`), or one of the kit's case,
//!   `json` or `join` helpers applied to values, is replaced by its text, and a `~` on its
//!   tag trims the whitespace beside it;
//! - a partial `{{> name}}` that folds completely is put in place of its tag (or of its
//!   line, when the tag stands alone there unindented).
//!
//! A template folded to plain text needs no compiling at all. A template with anything this
//! cannot decide is compiled by handlebars as it is: conditions other than a path, `eq`,
//! `ne`, `not`, `and` or `or`; `with` and other helpers that change the context; `each` with
//! `else` or block parameters, or over anything but a list; whitespace control on blocks;
//! lines holding only tags; indented partials, partials with parameters, raw blocks,
//! inline partials and comments; values that are missing or not a string, number or
//! boolean. (Folding part of a template and leaving the rest to handlebars would change
//! how handlebars reads what is left, so it is all or nothing.)

use std::borrow::Cow;

use serde_json::Value;

use crate::segments::{find_pair, tag_end, Tag};

/// The text `text` renders for `context`, when folding decides every tag of it; `None`
/// when anything is left for handlebars (the template is then compiled as it is).
pub fn prune(text: &str, context: &Value) -> Option<String> {
    prune_with(text, context, &|_| None)
}

/// Like [`prune`], folding in the partials `partials` gives the text of (by name).
pub fn prune_with<'a>(
    text: &str,
    context: &Value,
    partials: &'a dyn Fn(&str) -> Option<&'a str>,
) -> Option<String> {
    let root = Scope {
        value: context,
        parent: None,
        item: None,
    };
    let env = Env { partials, depth: 0 };
    let edits = fold(text, (0, text.len()), &root, env)?;
    apply(text, (0, text.len()), &edits)
}

/// Where names are looked up: a context, the scope it sits in, and for an `each` item
/// its position.
struct Scope<'v> {
    value: &'v Value,
    parent: Option<&'v Scope<'v>>,
    /// `(index, length)` of the list item this scope is.
    item: Option<(usize, usize)>,
}

/// The text between `start` and `end` becomes `with`.
struct Edit {
    start: usize,
    end: usize,
    with: String,
}

/// What a fold may use besides the scope.
#[derive(Clone, Copy)]
struct Env<'a> {
    /// The text of a partial by name, when it may be folded in.
    partials: &'a dyn Fn(&str) -> Option<&'a str>,
    /// Partials being folded, to stop at a partial that includes itself.
    depth: usize,
}

/// Partials nest at most this deep before folding gives up on them.
const MAX_DEPTH: usize = 8;

/// One `{{else}}` or `{{else if ...}}` of an open block.
struct Branch<'t> {
    tag: (usize, usize),
    /// The condition of an `else if`; `None` for a plain `else`.
    condition: Option<&'t str>,
}

struct Open<'t> {
    /// Whether this block changes the context of what it holds (`each`, `with`, ...).
    scoped: bool,
    /// The helper and what follows it, for a block opened with `#`.
    helper: &'t str,
    rest: &'t str,
    open: (usize, usize),
    /// Whether the open or close tag, or a branch, has whitespace control.
    trims: bool,
    branches: Vec<Branch<'t>>,
}

/// The edits that fold `text[range]` in `scope`; `None` when the range is unbalanced or
/// uses constructs this does not handle anywhere.
fn fold(text: &str, (lo, hi): (usize, usize), scope: &Scope, env: Env) -> Option<Vec<Edit>> {
    let mut stack: Vec<Open> = Vec::new();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut edits: Vec<Edit> = Vec::new();
    let mut i = lo;
    while let Some(start) = find_pair(text, i, "{{").filter(|s| *s < hi) {
        let (end, kind) = tag_end(text, start)?;
        let tag = &text[start..end];
        if end > hi
            || tag.starts_with("{{{{")
            || tag.starts_with("{{#*inline")
            || text[..start].ends_with('\\')
        {
            // Raw blocks, inline partials and escaped tags are not folded at all.
            return None;
        }
        let trims = tag.starts_with("{{~") || tag.ends_with("~}}") || tag.ends_with("~}}}");
        let inner = tag
            .trim_start_matches('{')
            .trim_end_matches('}')
            .trim_matches('~')
            .trim();
        let in_scope = stack.iter().any(|o| o.scoped);
        match kind {
            Tag::Open => {
                let (helper, rest) = split_helper(inner.trim_start_matches(['#', '^']));
                let conditional = inner.starts_with('#') && matches!(helper, "if" | "unless");
                stack.push(Open {
                    scoped: !conditional,
                    helper: if inner.starts_with('#') { helper } else { "" },
                    rest,
                    open: (start, end),
                    trims,
                    branches: Vec::new(),
                });
            }
            Tag::Close => {
                let mut open = stack.pop()?;
                open.trims |= trims;
                let nested = stack.iter().any(|o| o.scoped);
                if open.trims || nested {
                    // Whitespace control, or inside a block this cannot look into.
                } else if !open.scoped {
                    if let Some(taken) = decide_branch(&open, scope) {
                        cuts.extend(
                            branch_cuts(text, &open, (start, end), taken).unwrap_or_default(),
                        );
                    }
                } else if open.helper == "each" && open.branches.is_empty() {
                    if let Some(edit) = unroll(text, &open, (start, end), scope, env) {
                        edits.push(edit);
                    }
                }
            }
            Tag::Other => {
                let triple = tag.starts_with("{{{") || tag.starts_with("{{~{");
                if let Some(rest) = inner.strip_prefix("else").filter(|_| !triple) {
                    if let Some(top) = stack.last_mut() {
                        let condition = rest.trim();
                        top.trims |= trims;
                        top.branches.push(Branch {
                            tag: (start, end),
                            condition: match condition.strip_prefix("if ") {
                                Some(c) => Some(c.trim()),
                                None if condition.is_empty() => None,
                                // `else unless`, `else each`, ...: not decided here.
                                None => Some(""),
                            },
                        });
                    }
                } else if in_scope || tag.contains('\n') {
                } else if let Some(name) = inner.strip_prefix('>') {
                    if !trims {
                        if let Some(edit) = partial(text, (start, end), name.trim(), scope, env) {
                            edits.push(edit);
                        }
                    }
                } else if let Some(value) = value_text(inner, scope) {
                    if let Some(span) = trimmed_span(text, (lo, hi), (start, end), i) {
                        edits.push(Edit {
                            start: span.0,
                            end: span.1,
                            with: value,
                        });
                    }
                }
            }
        }
        i = end;
    }
    if !stack.is_empty() {
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
    // An edit inside a cut goes with it.
    edits.retain(|e| {
        !merged
            .iter()
            .any(|(s, end)| *s <= e.start && e.start < *end)
    });
    edits.extend(merged.into_iter().map(|(start, end)| Edit {
        start,
        end,
        with: String::new(),
    }));
    edits.sort_by_key(|e| e.start);
    // Edits that overlap would be read wrongly: then nothing is folded.
    if edits.windows(2).any(|w| w[1].start < w[0].end) {
        return None;
    }
    Some(edits)
}

/// Which body of the `if`/`unless` block `open` handlebars renders: 0 for the first, `n`
/// for the one after the `n`-th `else`, `len` for none; `None` when a condition it needs
/// cannot be decided.
fn decide_branch(open: &Open, scope: &Scope) -> Option<usize> {
    let first = decide(open.rest, scope)?;
    if open.helper == "unless" {
        return match open.branches.as_slice() {
            [] => Some(if first { 1 } else { 0 }),
            [Branch {
                condition: None, ..
            }] => Some(if first { 1 } else { 0 }),
            _ => None,
        };
    }
    if first {
        return Some(0);
    }
    for (index, branch) in open.branches.iter().enumerate() {
        let holds = match branch.condition {
            None => true,
            Some(condition) => decide(condition, scope)?,
        };
        if holds {
            return Some(index + 1);
        }
    }
    Some(open.branches.len() + 1)
}

/// The spans to delete so that only body `taken` of the block from `open` to `close` is
/// left, with standalone tag lines removed as handlebars removes them; `None` when a tag's
/// line is shared with other tags only.
fn branch_cuts(
    text: &str,
    open: &Open,
    close: (usize, usize),
    taken: usize,
) -> Option<Vec<(usize, usize)>> {
    // The tags around the bodies, in order: open, each else, close.
    let mut tags = vec![standalone(text, open.open)?];
    for branch in &open.branches {
        tags.push(standalone(text, branch.tag)?);
    }
    tags.push(standalone(text, close)?);
    let last = tags.len() - 1;
    if taken >= last {
        return Some(vec![(tags[0].0, tags[last].1)]);
    }
    Some(vec![
        (tags[0].0, tags[taken].1),
        (tags[taken + 1].0, tags[last].1),
    ])
}

/// The span a value tag at `tag` replaces: the tag, widened over the whitespace its `~`
/// trims; `None` when that whitespace would reach another tag.
fn trimmed_span(
    text: &str,
    (lo, hi): (usize, usize),
    (start, end): (usize, usize),
    previous_end: usize,
) -> Option<(usize, usize)> {
    let tag = &text[start..end];
    let mut span = (start, end);
    if tag.starts_with("{{~") {
        let before = &text[previous_end.max(lo)..start];
        let kept = before.trim_end();
        if kept.is_empty() || kept.ends_with('}') {
            return None;
        }
        span.0 = start - (before.len() - kept.len());
    }
    if tag.ends_with("~}}") || tag.ends_with("~}}}") {
        let after = &text[end..hi];
        let kept = after.trim_start();
        if kept.is_empty() || kept.starts_with('{') {
            return None;
        }
        span.1 = end + (after.len() - kept.len());
    }
    Some(span)
}

/// The edit that puts the folded partial `name` where its tag is: the tag's whole line when
/// the tag stands alone on it unindented (handlebars would indent every line of an
/// indented partial), else the tag. `None` when the partial has parameters, is unknown, or
/// does not fold completely.
fn partial(
    text: &str,
    (start, end): (usize, usize),
    name: &str,
    scope: &Scope,
    env: Env,
) -> Option<Edit> {
    if env.depth >= MAX_DEPTH || name.contains(char::is_whitespace) || name.is_empty() {
        return None;
    }
    let source = (env.partials)(name.trim_matches(['"', '\'']))?;
    let inner = Env {
        depth: env.depth + 1,
        ..env
    };
    let edits = fold(source, (0, source.len()), scope, inner)?;
    let folded = apply(source, (0, source.len()), &edits)?;
    let line = standalone(text, (start, end))?;
    // Inline, the partial replaces its tag; standalone and unindented, its line.
    if line != (start, end) && !text[line.0..start].is_empty() {
        return None;
    }
    let span = line;
    Some(Edit {
        start: span.0,
        end: span.1,
        with: folded,
    })
}

/// The `each` block from `open` to `close`, unrolled over its list: `None` unless every
/// item folds completely.
fn unroll(text: &str, open: &Open, close: (usize, usize), scope: &Scope, env: Env) -> Option<Edit> {
    let tokens = tokenize(open.rest)?;
    let [Token::Word(path)] = tokens.as_slice() else {
        return None;
    };
    let list = lookup(path, scope, false)?;
    let Value::Array(items) = list.as_ref() else {
        return None;
    };
    let open_cut = standalone(text, open.open)?;
    let close_cut = standalone(text, close)?;
    let body_start = if open_cut == open.open {
        open.open.1
    } else {
        open_cut.1
    };
    let body_end = if close_cut == close {
        close.0
    } else {
        close_cut.0
    };
    let body = (body_start, body_end.max(body_start));
    let mut with = String::new();
    for (index, item) in items.iter().enumerate() {
        let inner = Scope {
            value: item,
            parent: Some(scope),
            item: Some((index, items.len())),
        };
        let edits = fold(text, body, &inner, env)?;
        with.push_str(&apply(text, body, &edits)?);
    }
    Some(Edit {
        start: open_cut.0,
        end: close_cut.1,
        with,
    })
}

/// `text[range]` with `edits` made; `None` when a tag of the original is left.
fn apply(text: &str, (lo, hi): (usize, usize), edits: &[Edit]) -> Option<String> {
    let mut out = String::with_capacity(hi - lo);
    let mut kept_from = lo;
    for (start, end, with) in edits
        .iter()
        .map(|e| (e.start, e.end, e.with.as_str()))
        .chain(std::iter::once((hi, hi, "")))
    {
        let kept = &text[kept_from..start];
        if find_pair(kept, 0, "{{").is_some() {
            return None;
        }
        out.push_str(kept);
        out.push_str(with);
        kept_from = end;
    }
    Some(out)
}

/// The names handlebars would call as a helper rather than look up as a value.
const HELPERS: &[&str] = &[
    "if", "unless", "each", "with", "lookup", "raw", "log", "eq", "ne", "gt", "gte", "lt", "lte",
    "and", "or", "not", "len", "snake", "kebab", "pascal", "camel", "shouty", "title", "upper",
    "lower", "json", "join", "__raw",
];

/// The text handlebars renders for the expression `inner` (a tag without its braces), when
/// it is a plain value or a case, `json` or `join` helper applied to values.
fn value_text(inner: &str, scope: &Scope) -> Option<String> {
    if inner.starts_with(['!', '>', '#', '/', '^', '&', '*']) {
        return None;
    }
    let tokens = tokenize(inner)?;
    let text = match tokens.as_slice() {
        [Token::Word(path)] if !HELPERS.contains(path) => {
            match lookup(path, scope, false)?.into_owned() {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return None,
            }
        }
        [Token::Word("join"), Token::Word(path), rest @ ..] if rest.len() <= 1 => {
            let separator = match rest {
                [Token::Text(s)] => s,
                [] => ", ",
                _ => return None,
            };
            match lookup(path, scope, false)?.as_ref() {
                Value::Array(items) => items
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(separator),
                other => other.to_string(),
            }
        }
        [Token::Word(helper), argument] => {
            let value = match argument {
                Token::Word(path) => lookup(path, scope, false)?,
                Token::Text(s) => Cow::Owned(Value::String(s.to_string())),
                _ => return None,
            };
            if *helper == "json" {
                serde_json::to_string(&value).ok()?
            } else {
                crate::render::case(helper, value.as_str()?)?
            }
        }
        _ => return None,
    };
    Some(text)
}

fn split_helper(inner: &str) -> (&str, &str) {
    match inner.find(char::is_whitespace) {
        Some(at) => (&inner[..at], inner[at..].trim()),
        None => (inner, ""),
    }
}

/// The span to delete for the block, else or partial tag at `span`: its whole line when the
/// tag stands alone on it (as handlebars strips such lines), just the tag when raw text
/// shares its line, and `None` when only other tags do (handlebars decides those lines its
/// own way, so they are left to it).
fn standalone(text: &str, (start, end): (usize, usize)) -> Option<(usize, usize)> {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let before = &text[line_start..start];
    let after = text[end..line_end]
        .trim_end_matches('\n')
        .trim_end_matches('\r');
    let blank = |s: &str| s.chars().all(|c| c == ' ' || c == '\t');
    // On a last line without a line break, only a tag that ends the text stands alone.
    let ends_line = line_end < text.len() || text.ends_with('\n') || after.is_empty();
    if blank(before) && blank(after) && ends_line {
        return Some((line_start, line_end));
    }
    let raw_text = |s: &str| {
        let mut rest = s;
        while let Some(open) = find_pair(rest, 0, "{{") {
            if !blank(&rest[..open]) {
                return true;
            }
            match tag_end(rest, open) {
                Some((close, _)) => rest = &rest[close..],
                None => return true,
            }
        }
        !blank(rest)
    };
    (raw_text(before) || raw_text(after)).then_some((start, end))
}

/// Decides a condition from the context, or `None`.
fn decide(condition: &str, scope: &Scope) -> Option<bool> {
    let tokens = tokenize(condition)?;
    let (value, rest) = expression(&tokens, scope, true)?;
    if !rest.is_empty() {
        return None;
    }
    Some(truthy(&value))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token<'t> {
    Open,
    Close,
    Word(&'t str),
    Text(&'t str),
}

fn tokenize(text: &str) -> Option<Vec<Token<'_>>> {
    let mut tokens = Vec::new();
    let mut rest = text.trim_start();
    while let Some(c) = rest.chars().next() {
        let (token, after) = match c {
            '(' => (Token::Open, &rest[1..]),
            ')' => (Token::Close, &rest[1..]),
            '"' => {
                let end = rest[1..].find(['"', '\\'])? + 1;
                if rest[end..].starts_with('\\') {
                    return None;
                }
                (Token::Text(&rest[1..end]), &rest[end + 1..])
            }
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '"'))
                    .unwrap_or(rest.len());
                (Token::Word(&rest[..end]), &rest[end..])
            }
        };
        tokens.push(token);
        rest = after.trim_start();
    }
    Some(tokens)
}

/// One value from `tokens`: a string literal, a path, or `(eq a b)` / `(ne a b)` /
/// `(not a)` / `(and a b ...)` / `(or a b ...)`. A missing path is `null` only where `missing_ok` (the `if` helper's own
/// parameter, which handlebars reads as falsy); inside `eq`/`ne` strict mode would fail, so
/// nothing is decided.
fn expression<'t, 'v>(
    tokens: &'t [Token<'t>],
    scope: &Scope<'v>,
    missing_ok: bool,
) -> Option<(Cow<'v, Value>, &'t [Token<'t>])> {
    match tokens.first()? {
        Token::Text(s) => Some((Cow::Owned(Value::String(s.to_string())), &tokens[1..])),
        Token::Word(word) => Some((lookup(word, scope, missing_ok)?, &tokens[1..])),
        Token::Open => {
            let Token::Word(helper) = *tokens.get(1)? else {
                return None;
            };
            let rest = &tokens[2..];
            let (value, rest) = match helper {
                "eq" | "ne" => {
                    let (a, rest) = expression(rest, scope, false)?;
                    let (b, rest) = expression(rest, scope, false)?;
                    (Value::Bool((a == b) == (helper == "eq")), rest)
                }
                "not" => {
                    let (a, rest) = expression(rest, scope, false)?;
                    (Value::Bool(!truthy(&a)), rest)
                }
                "and" | "or" => {
                    // Both take any number of values and read a missing one as falsy.
                    let mut rest = rest;
                    let mut truths = Vec::new();
                    while !matches!(rest.first()?, Token::Close) {
                        let (a, after) = expression(rest, scope, true)?;
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
                Token::Close => Some((Cow::Owned(value), &rest[1..])),
                _ => None,
            }
        }
        Token::Close => None,
    }
}

/// The value of `path` in `scope`: a field path (`a.b`, `this`, `this.a`), a parent's
/// (`../a`), or an item's `@index`, `@first` or `@last`. A missing field is `null` where
/// `missing_ok`; anything else not understood is `None`.
fn lookup<'v>(path: &str, scope: &Scope<'v>, missing_ok: bool) -> Option<Cow<'v, Value>> {
    if let Some(rest) = path.strip_prefix("../") {
        return lookup(rest, scope.parent?, missing_ok);
    }
    if let Some(name) = path.strip_prefix('@') {
        let (index, length) = scope.item?;
        return match name {
            "index" => Some(Cow::Owned(Value::from(index))),
            "first" => Some(Cow::Owned(Value::Bool(index == 0))),
            "last" => Some(Cow::Owned(Value::Bool(index + 1 == length))),
            _ => None,
        };
    }
    let plain = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'));
    if !plain || path.starts_with('.') || path.ends_with('.') || path.contains("..") {
        return None;
    }
    if matches!(path, "true" | "false" | "null") || path.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let mut parts = path.split('.').peekable();
    if parts.peek() == Some(&"this") {
        parts.next();
    }
    let mut value = scope.value;
    for part in parts {
        // `[0]` indexes a list (or names a key that is not an identifier).
        let found = match part.strip_prefix('[').and_then(|p| p.strip_suffix(']')) {
            Some(inner) if inner.contains(['[', ']']) => return None,
            Some(inner) => match value {
                Value::Array(items) => inner.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => value.get(inner),
            },
            None if part.contains(['[', ']']) => return None,
            None => value.get(part),
        };
        match found {
            Some(v) => value = v,
            None if missing_ok => return Some(Cow::Owned(Value::Null)),
            None => return None,
        }
    }
    Some(Cow::Borrowed(value))
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

    /// Folds `text`, and when that gives text, checks it is what handlebars renders.
    fn same(text: &str, context: &Value) -> Option<String> {
        let folded = prune(text, context);
        if let Some(folded) = &folded {
            assert_eq!(folded, &render(text, context), "folded:\n{folded}");
        }
        folded
    }

    #[test]
    fn standalone_and_inline_blocks_render_as_before() {
        let text = "a\n{{#if (eq style \"basic\")}}\nbasic {{x}}\n{{else}}\nother\n{{/if}}\nb {{#if flag}}on{{else}}off{{/if}} c\n  {{#unless flag}}\n  no\n  {{/unless}}\nend\n";
        for ctx in [
            json!({"style": "basic", "flag": true, "x": 1}),
            json!({"style": "x", "flag": false, "x": 1}),
        ] {
            same(text, &ctx).unwrap();
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
    fn a_template_with_anything_undecided_is_left_whole() {
        let ctx = json!({"items": [{"a": true}], "a": true, "s": "x", "y": 1});
        for text in [
            "{{#with items}}\n{{#if a}}\nA\n{{/if}}\n{{/with}}\n",
            "{{#if (eq missing \"x\")}}\nm\n{{/if}}\n",
            "{{#if nope}}\nx\n{{else unless a}}\ny\n{{/if}}\n",
            "{{#if a~}}\n t\n{{~/if}}\n",
            "{{y}} and {{lookup items 0}}\n",
        ] {
            assert_eq!(prune(text, &ctx), None, "{text}");
        }
    }

    #[test]
    fn plain_values_and_case_helpers_become_text() {
        let ctx = json!({"service": {"pascal": "AcmePay"}, "n": 30, "on": true, "s": "a=1&b=<T>"});
        let text = "class {{service.pascal}}Client:\n    timeout = {{n}} # {{on}}\n{{{s}}} {{json s}} {{snake service.pascal}} {{shouty \"x-y\"}}\n";
        assert_eq!(
            same(text, &ctx).unwrap(),
            "class AcmePayClient:\n    timeout = 30 # true\na=1&b=<T> \"a=1&b=<T>\" acme_pay X_Y\n"
        );
    }

    #[test]
    fn any_value_text_stands_as_it_is() {
        let ctx = json!({
            "braces": "{{x}}", "slash": "a\\", "blank": "  ", "lines": "a\nb", "x": "x"
        });
        for tag in ["{{braces}}", "{{slash}}", "{{blank}}", "{{lines}}"] {
            same(&format!("a {tag} b\n"), &ctx).unwrap();
        }
    }

    #[test]
    fn what_cannot_be_decided_is_left_alone() {
        let ctx = json!({"list": [1], "null": null, "title": "t", "items": ["a"], "x": "x", "o": {"a": 1}});
        for tag in [
            "{{list}}",
            "{{null}}",
            "{{missing}}",
            "{{snake list}}",
            "{{x~}}{{> nope}}",
            "{{!-- x --}}",
            "{{> x}}",
            "{{lookup items 0}}",
            "{{this}}",
            "{{@root.x}}",
            "{{@index}}",
            "{{title}}",
        ] {
            assert_eq!(prune(&format!("a {tag} b\n"), &ctx), None, "{tag}");
        }
        for text in [
            "{{#each items}}\n{{missing}}\n{{/each}}\n",
            "{{#each items}}\na\n{{else}}\nb\n{{/each}}\n",
            "{{#each items as |i|}}\n{{i}}\n{{/each}}\n",
            "{{#each o}}\n{{this}}\n{{/each}}\n",
            "{{#with o}}\n{{a}}\n{{/with}}\n",
        ] {
            assert_eq!(prune(text, &ctx), None, "{text}");
        }
    }

    #[test]
    fn else_if_chains_partials_and_whitespace_control() {
        let text = "{{#if (eq s \"a\")}}\nA\n{{else if (eq s \"b\")}}\nB\n{{else if t}}\nT\n{{else}}\nE\n{{/if}}\n[{{> p}}] ${ {{~s}}x}\n{{> q}}\nend {{events.[1]}} {{join events \" | \"}}\n";
        let partials = |name: &str| match name {
            "p" => Some("P{{s}}{{#if t}}!{{/if}}"),
            "q" => Some("q\n{{> p}}\n"),
            _ => None,
        };
        let mut hb = handlebars::Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_escape_fn(handlebars::no_escape);
        crate::render::register_helpers(&mut hb);
        hb.register_template_string("p", "P{{s}}{{#if t}}!{{/if}}")
            .unwrap();
        hb.register_template_string("q", "q\n{{> p}}\n").unwrap();
        for (s, t) in [("a", false), ("b", true), ("c", true), ("c", false)] {
            let ctx = json!({"s": s, "t": t, "events": ["x.y", "z"]});
            let folded = prune_with(text, &ctx, &partials).unwrap();
            assert_eq!(folded, hb.render_template(text, &ctx).unwrap(), "{ctx}");
        }
        // An indented partial would be indented line by line: left to handlebars.
        assert_eq!(prune_with("  {{> q}}\n", &json!({}), &partials), None);
    }

    #[test]
    fn lists_are_unrolled_in_their_items_scope() {
        let ctx = json!({
            "base": "B",
            "vars": [{"name": "A", "secret": true}, {"name": "B", "secret": false}],
            "events": ["a.created", "b.deleted"],
            "none": [],
        });
        let text = "vars:\n{{#each vars}}\n  {{name}} = {{#if secret}}S{{else}}P{{/if}}{{#if (eq name ../base)}} (base){{/if}}\n{{/each}}\n[{{#each events}}{{json this}}{{#unless @last}}, {{/unless}}{{/each}}]\n{{#each events}}\n{{@index}} {{snake this}} {{#if @first}}first{{/if}}\n{{/each}}\n{{#each none}}\nnever\n{{/each}}\nend\n";
        same(text, &ctx).unwrap();
    }

    #[test]
    fn and_or_conditions_are_decided() {
        let text = "{{#if (or (eq s \"a\") (eq s \"b\") f)}}\nyes\n{{else}}\nno\n{{/if}}\n{{#if (and t gone)}}\nboth\n{{/if}}\n";
        for s in ["a", "b", "c"] {
            let ctx = json!({"s": s, "f": false, "t": true});
            same(text, &ctx).unwrap();
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        const PARTIALS: [(&str, &str); 2] =
            [("p", "P{{s}}\n"), ("q", "{{#if t}}Q{{else}}q{{/if}}")];

        fn piece() -> impl Strategy<Value = &'static str> {
            prop::sample::select(vec![
                "\n",
                "  ",
                "x",
                "{",
                "}",
                "\r\n",
                "{{s}}",
                "{{n}}",
                "{{t}}",
                "{{~s}}",
                "{{s~}}",
                "{{json s}}",
                "{{snake s}}",
                "{{join list}}",
                "{{list.[1]}}",
                "{{#if t}}",
                "{{#if f}}",
                "{{#if (eq s \"a\")}}",
                "{{#if (or f n)}}",
                "{{#unless t}}",
                "{{else}}",
                "{{else if t}}",
                "{{else if f}}",
                "{{/if}}",
                "{{/unless}}",
                "{{#each list}}",
                "{{#each objs}}",
                "{{#each empty}}",
                "{{/each}}",
                "{{this}}",
                "{{name}}",
                "{{@index}}",
                "{{#if @last}}",
                "{{#if on}}",
                "{{../s}}",
                "{{> p}}",
                "{{> q}}",
                "{{!-- c --}}",
                "{{text}}",
                "{{blank}}",
                "{{missing}}",
                "\t",
                "{{#unless @last}}",
                "{{@first}}",
                "{{json this}}",
                "{{json ../list}}",
                "{{#each ../list}}",
                "{{{s}}}",
                "{{#if (not f)}}",
                "{{#if (ne s \"b\")}}",
                "{{#if (and t on)}}",
                "{{shouty name}}",
                "\\",
                "{{s}}\n",
            ])
        }

        fn handlebars() -> handlebars::Handlebars<'static> {
            let mut hb = handlebars::Handlebars::new();
            hb.set_strict_mode(true);
            hb.register_escape_fn(handlebars::no_escape);
            crate::render::register_helpers(&mut hb);
            for (name, text) in PARTIALS {
                hb.register_template_string(name, text).unwrap();
            }
            hb
        }

        /// Balanced templates: blocks nested in blocks, with or without line breaks.
        fn template() -> impl Strategy<Value = String> {
            let leaf = prop::sample::select(vec![
                "x",
                "\n",
                "  ",
                "{{s}}",
                "{{this}}",
                "{{name}}",
                "{{@index}}",
                "{{json this}}",
                "{{> p}}",
                "{{~s}}",
                "{{s~}}",
                "{{../s}}",
                "{{!-- c --}}",
                "\t",
                "{",
                "}",
                "{{text}}",
                "{{blank}}",
                "{{join list}}",
                "{{> q}}",
            ])
            .prop_map(String::from);
            leaf.prop_recursive(4, 48, 6, |inner| {
                let seq = prop::collection::vec(inner, 0..6).prop_map(|v| v.concat());
                let conditions = vec![
                    "t",
                    "f",
                    "(eq s \"a\")",
                    "on",
                    "@last",
                    "@first",
                    "(or f n)",
                ];
                let lists = vec!["list", "objs", "empty", "../list"];
                prop_oneof![
                    seq.clone(),
                    (
                        prop::sample::select(conditions),
                        seq.clone(),
                        prop::option::of(seq.clone()),
                        any::<bool>(),
                    )
                        .prop_map(|(c, a, b, line)| {
                            let n = if line { "\n" } else { "" };
                            match b {
                                Some(b) => {
                                    format!("{{{{#if {c}}}}}{n}{a}{{{{else}}}}{n}{b}{{{{/if}}}}{n}")
                                }
                                None => format!("{{{{#if {c}}}}}{n}{a}{{{{/if}}}}{n}"),
                            }
                        }),
                    (prop::sample::select(lists), seq.clone(), any::<bool>()).prop_map(
                        |(l, a, line)| {
                            let n = if line { "\n" } else { "" };
                            format!("{{{{#each {l}}}}}{n}{a}{{{{/each}}}}{n}")
                        }
                    ),
                    (seq, any::<bool>()).prop_map(|(a, line)| {
                        let n = if line { "\n" } else { "" };
                        format!("{{{{#unless f}}}}{n}{a}{{{{/unless}}}}{n}")
                    }),
                ]
            })
        }

        fn check(text: &str) -> Result<(), TestCaseError> {
            let context = json!({
                "s": "a", "t": true, "f": false, "n": 3, "list": ["x", "y"],
                "objs": [{"name": "A", "on": true}, {"name": "B", "on": false}],
                "empty": [], "text": "a{b}\\c", "blank": " ",
            });
            let hb = handlebars();
            let Ok(expected) = hb.render_template(text, &context) else {
                return Ok(());
            };
            let partials = |name: &str| PARTIALS.iter().find(|p| p.0 == name).map(|p| p.1);
            if let Some(folded) = prune_with(text, &context, &partials) {
                prop_assert_eq!(folded, expected);
            }
            Ok(())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]

            /// Whatever a template is, folding it never changes what it renders.
            #[test]
            fn folding_renders_like_handlebars(pieces in prop::collection::vec(piece(), 0..24)) {
                check(&pieces.concat())?;
            }

            /// The same for nested blocks, which random pieces seldom balance.
            #[test]
            fn folding_nested_blocks_renders_like_handlebars(text in template()) {
                check(&text)?;
            }
        }
    }
}
