//! Rust source editors: declare a module in a crate root (`rust-mod`) and wire a call into
//! the method chain that builds an axum `Router` (`rust-router`), both laid out as rustfmt
//! would, so the app's own `cargo fmt --check` stays clean.
//!
//! Nothing here parses Rust fully: [`mask`] blanks comments and the insides of literals, and
//! the scans below read the masked text, whose byte offsets are those of the original.

use super::text::edit_preserving;
use super::EditError;

/// `text` with comments and the contents of string and character literals replaced by
/// spaces (newlines kept), byte for byte, so offsets and line numbers stay the same.
pub fn mask(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for byte in &mut out[from..to.min(b.len())] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
        let prev_ident = i > 0 && is_ident_byte(b[i - 1]);
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = b[i..]
                    .iter()
                    .position(|c| *c == b'\n')
                    .map_or(b.len(), |p| i + p);
                blank(&mut out, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                let mut j = i;
                while j < b.len() {
                    if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
                        depth += 1;
                        j += 2;
                    } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                blank(&mut out, i, j);
                i = j;
            }
            b'r' | b'b' if !prev_ident && raw_string_at(b, i).is_some() => {
                let (open, hashes) = raw_string_at(b, i).unwrap_or((i, 0));
                let mut close = vec![b'"'];
                close.extend(std::iter::repeat_n(b'#', hashes));
                let end = (open + 1..b.len())
                    .find(|j| b[*j..].starts_with(&close))
                    .unwrap_or(b.len());
                blank(&mut out, open + 1, end);
                i = end + close.len();
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut out, i + 1, j);
                i = j + 1;
            }
            b'\'' => {
                // A character literal, or a lifetime / label (left alone).
                let end = if b.get(i + 1) == Some(&b'\\') {
                    b[i + 2..]
                        .iter()
                        .position(|c| *c == b'\'')
                        .map(|p| i + 2 + p)
                } else {
                    text[i + 1..]
                        .chars()
                        .next()
                        .map(|c| i + 1 + c.len_utf8())
                        .filter(|end| b.get(*end) == Some(&b'\''))
                };
                match end {
                    Some(end) => {
                        blank(&mut out, i + 1, end);
                        i = end + 1;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    // Only ASCII bytes were written over whole characters, so this cannot fail.
    String::from_utf8(out).unwrap_or_else(|_| " ".repeat(text.len()))
}

/// `(offset of the opening quote, number of #)` when a raw string (`r"`, `r#"`, `br"`)
/// starts at `i`.
fn raw_string_at(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if b[j] == b'b' {
        j += 1;
    }
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|c| **c == b'#').count();
    (b.get(j + hashes) == Some(&b'"')).then_some((j + hashes, hashes))
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// 1-based line of byte `offset`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|c| **c == b'\n')
        .count()
        + 1
}

/// Where a router chain is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A statement, binding, return value or tail expression.
    Statement,
    /// An argument of `.merge(..)`: its routes keep their paths.
    MergeArg,
    /// An argument of `.nest(..)`: its routes get a prefix.
    NestArg,
    /// An argument of another call (`axum::serve(listener, Router::new()...)`).
    OtherArg,
}

/// One `.name(args)` call of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub name: String,
    /// Offset of the `.`.
    pub dot: usize,
    /// Offsets of the parentheses around the arguments.
    pub open: usize,
    pub close: usize,
}

/// A method chain starting at `Router::new()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// Offset of `Router` (or of `axum::` before it).
    pub start: usize,
    /// Offset just after `Router::new()`.
    pub head_end: usize,
    pub calls: Vec<Call>,
    /// 1-based line of `start`.
    pub line: usize,
    pub place: Place,
    /// The innermost `fn` holding the chain.
    pub function: Option<String>,
    /// The variable the chain is bound to (`let app = Router::new()...`).
    pub binding: Option<String>,
}

impl Chain {
    /// Offset just after the last call (or the head).
    pub fn end(&self) -> usize {
        self.calls.last().map_or(self.head_end, |c| c.close + 1)
    }

    fn has(&self, names: &[&str]) -> bool {
        self.calls.iter().any(|c| names.contains(&c.name.as_str()))
    }

    /// How much this chain looks like the app's top router: state given, other routers
    /// nested or merged, layers, used as a statement.
    pub fn score(&self) -> u32 {
        let mut score = 0;
        if self.has(&["with_state"]) {
            score += 4;
        }
        if self.has(&["nest", "merge", "nest_service"]) {
            score += 2;
        }
        if self.has(&["layer"]) {
            score += 1;
        }
        if self.place == Place::Statement {
            score += 1;
        }
        score
    }
}

/// Methods of `Router` that return a `Router`: a call may go after them.
const ROUTER_METHODS: &[&str] = &[
    "route",
    "route_service",
    "nest",
    "nest_service",
    "merge",
    "layer",
    "route_layer",
    "fallback",
    "fallback_service",
    "method_not_allowed_fallback",
    "with_state",
    "typed_get",
    "typed_post",
    "typed_put",
    "typed_patch",
    "typed_delete",
];

/// The source of one file, masked, with the spans to skip (items under `#[cfg(..)]` or a
/// test attribute) and its functions' bodies.
pub struct Source<'t> {
    pub text: &'t str,
    pub masked: String,
    skipped: Vec<(usize, usize)>,
    functions: Vec<(String, usize, usize)>,
}

impl<'t> Source<'t> {
    /// Analyses `text`.
    pub fn new(text: &'t str) -> Self {
        let masked = mask(text);
        let skipped = conditional_spans(&masked);
        let functions = functions(&masked);
        Self {
            text,
            masked,
            skipped,
            functions,
        }
    }

    /// Whether the whole file is compiled only under a condition (`#![cfg(test)]`).
    pub fn conditional(&self) -> bool {
        self.masked.trim_start().starts_with("#![cfg(")
    }

    fn skipped(&self, offset: usize) -> bool {
        self.skipped
            .iter()
            .any(|(a, b)| *a <= offset && offset < *b)
    }

    /// Every `Router::new()` chain outside conditional code.
    pub fn chains(&self) -> Vec<Chain> {
        if self.conditional() {
            return Vec::new();
        }
        let m = self.masked.as_bytes();
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(found) = self.masked[from..].find("Router") {
            let at = from + found;
            from = at + "Router".len();
            if self.skipped(at) {
                continue;
            }
            let start = if at >= 6 && &m[at - 6..at] == b"axum::" {
                at - 6
            } else {
                at
            };
            if start > 0 && (is_ident_byte(m[start - 1]) || m[start - 1] == b':') {
                continue;
            }
            if m.get(at + 6).is_some_and(|c| is_ident_byte(*c)) {
                continue;
            }
            let Some(head_end) = router_new(m, at + 6) else {
                continue;
            };
            let calls = calls_after(m, head_end);
            out.push(Chain {
                start,
                head_end,
                calls,
                line: line_of(self.text, start),
                place: place_of(m, start),
                function: self.function_at(start),
                binding: binding_of(&self.masked, start),
            });
        }
        out
    }

    fn function_at(&self, offset: usize) -> Option<String> {
        self.functions
            .iter()
            .filter(|(_, a, b)| *a <= offset && offset < *b)
            .min_by_key(|(_, a, b)| b - a)
            .map(|(name, _, _)| name.clone())
    }

    /// Names of the functions called, and the identifiers used, inside the arguments of
    /// the calls of `chains`.
    pub fn used_in(&self, chains: &[Chain]) -> Vec<String> {
        let mut out = Vec::new();
        for chain in chains {
            for call in &chain.calls {
                let args = &self.masked[call.open + 1..call.close];
                out.extend(identifiers(args));
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The line holding `needle` in code (not in a comment or string), 1-based.
    pub fn code_line(&self, needle: &str) -> Option<usize> {
        let at = self.masked.find(needle)?;
        (!self.skipped(at)).then(|| line_of(self.text, at))
    }
}

/// Offset after `::new()` (with an optional turbofish) at `i`, if that is what follows.
fn router_new(m: &[u8], mut i: usize) -> Option<usize> {
    i = skip_ws(m, i);
    if m[i..].starts_with(b"::<") {
        i = matching(m, i + 2, b'<', b'>')? + 1;
        i = skip_ws(m, i);
    }
    if !m[i..].starts_with(b"::") {
        return None;
    }
    i = skip_ws(m, i + 2);
    if !m[i..].starts_with(b"new") || m.get(i + 3).is_some_and(|c| is_ident_byte(*c)) {
        return None;
    }
    i = skip_ws(m, i + 3);
    if m.get(i) != Some(&b'(') {
        return None;
    }
    i = skip_ws(m, i + 1);
    (m.get(i) == Some(&b')')).then_some(i + 1)
}

fn calls_after(m: &[u8], mut i: usize) -> Vec<Call> {
    let mut calls = Vec::new();
    loop {
        let dot = skip_ws(m, i);
        if m.get(dot) != Some(&b'.') {
            break;
        }
        let name_at = skip_ws(m, dot + 1);
        let name_end = name_at
            + m[name_at..]
                .iter()
                .take_while(|c| is_ident_byte(**c))
                .count();
        if name_end == name_at {
            break;
        }
        let name = String::from_utf8_lossy(&m[name_at..name_end]).to_string();
        let mut j = skip_ws(m, name_end);
        if m[j..].starts_with(b"::<") {
            let Some(close) = matching(m, j + 2, b'<', b'>') else {
                break;
            };
            j = skip_ws(m, close + 1);
        }
        if m.get(j) != Some(&b'(') {
            break;
        }
        let Some(close) = matching(m, j, b'(', b')') else {
            break;
        };
        calls.push(Call {
            name,
            dot,
            open: j,
            close,
        });
        i = close + 1;
    }
    calls
}

/// The offset of the bracket closing the one at `open`.
fn matching(m: &[u8], open: usize, left: u8, right: u8) -> Option<usize> {
    let mut depth = 0usize;
    for (k, c) in m.iter().enumerate().skip(open) {
        if *c == left {
            depth += 1;
        } else if *c == right {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(k);
            }
        } else if left == b'<' && (*c == b';' || *c == b'{') {
            return None;
        }
    }
    None
}

fn skip_ws(m: &[u8], mut i: usize) -> usize {
    while i < m.len() && m[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

fn skip_ws_back(m: &[u8], mut i: usize) -> usize {
    while i > 0 && m[i - 1].is_ascii_whitespace() {
        i -= 1;
    }
    i
}

/// Where the expression starting at `start` sits.
fn place_of(m: &[u8], start: usize) -> Place {
    let before = skip_ws_back(m, start);
    if before == 0 || !matches!(m[before - 1], b'(' | b',') {
        return Place::Statement;
    }
    // Find the parenthesis this argument list opens with.
    let mut depth = 0i32;
    let mut k = before;
    while k > 0 {
        k -= 1;
        match m[k] {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' if depth > 0 => depth -= 1,
            b'(' => {
                let end = skip_ws_back(m, k);
                let name_start = m[..end]
                    .iter()
                    .rposition(|c| !is_ident_byte(*c))
                    .map_or(0, |p| p + 1);
                return match &m[name_start..end] {
                    b"nest" | b"nest_service" => Place::NestArg,
                    b"merge" => Place::MergeArg,
                    _ => Place::OtherArg,
                };
            }
            b'[' | b'{' | b';' => return Place::OtherArg,
            _ => {}
        }
    }
    Place::OtherArg
}

/// `app` in `let app = <start>` or `app = <start>`.
fn binding_of(masked: &str, start: usize) -> Option<String> {
    let statement_start = masked[..start].rfind([';', '{', '}']).map_or(0, |p| p + 1);
    let head = masked[statement_start..start].trim();
    let head = head.strip_suffix('=')?.trim_end();
    if head.ends_with(['=', '!', '<', '>']) {
        return None;
    }
    let head = head.strip_prefix("let ").unwrap_or(head).trim_start();
    let head = head.strip_prefix("mut ").unwrap_or(head).trim_start();
    let name = head.split(':').next()?.trim();
    (!name.is_empty() && name.bytes().all(is_ident_byte)).then(|| name.to_string())
}

/// Identifiers in `text` (function names and variables).
fn identifiers(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty() && !w.as_bytes()[0].is_ascii_digit())
        .map(str::to_string)
        .collect()
}

/// Spans of items and blocks compiled only under a condition: after `#[cfg(..)]`,
/// `#[test]` or `#[<runtime>::test]`, up to the end of the item (`;` or its block).
fn conditional_spans(masked: &str) -> Vec<(usize, usize)> {
    let m = masked.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = masked[from..].find("#[") {
        let at = from + found;
        from = at + 2;
        let Some(close) = matching(m, at + 1, b'[', b']') else {
            continue;
        };
        let attr: String = masked[at + 2..close].split_whitespace().collect();
        let conditional = attr.starts_with("cfg(")
            || attr == "test"
            || attr.ends_with("::test")
            || attr.starts_with("tokio::test");
        if !conditional {
            continue;
        }
        // The item: up to the first `;` or the block of the first `{` outside parentheses.
        let mut k = close + 1;
        let mut depth = 0i32;
        let end = loop {
            match m.get(k) {
                None => break m.len(),
                Some(b'(') | Some(b'[') => depth += 1,
                Some(b')') | Some(b']') => depth -= 1,
                Some(b';') if depth <= 0 => break k + 1,
                Some(b'{') if depth <= 0 => {
                    break matching(m, k, b'{', b'}').map_or(m.len(), |c| c + 1);
                }
                _ => {}
            }
            k += 1;
        };
        out.push((at, end));
    }
    out
}

/// Every `fn name` with the span of its body.
fn functions(masked: &str) -> Vec<(String, usize, usize)> {
    let m = masked.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = masked[from..].find("fn ") {
        let at = from + found;
        from = at + 3;
        if at > 0 && is_ident_byte(m[at - 1]) {
            continue;
        }
        let name_at = skip_ws(m, at + 3);
        let name_end = name_at
            + m[name_at..]
                .iter()
                .take_while(|c| is_ident_byte(**c))
                .count();
        if name_end == name_at {
            continue;
        }
        let mut k = name_end;
        let mut depth = 0i32;
        let body = loop {
            match m.get(k) {
                None => break None,
                Some(b'(') | Some(b'[') | Some(b'<') => depth += 1,
                Some(b')') | Some(b']') => depth -= 1,
                Some(b'>') if k > 0 && m[k - 1] != b'-' => depth -= 1,
                Some(b';') if depth <= 0 => break None,
                Some(b'{') if depth <= 0 => break Some(k),
                _ => {}
            }
            k += 1;
        };
        if let Some(open) = body {
            let close = matching(m, open, b'{', b'}').unwrap_or(m.len());
            out.push((masked[name_at..name_end].to_string(), open, close));
        }
    }
    out
}

/// Where [`wire`] puts the call in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The call is there already (1-based line).
    Wired(usize),
    /// Above the marker line (0-based line index).
    Marker(usize),
    /// Into this chain.
    Chain(Chain),
}

/// Why no place was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoTarget {
    /// No `Router::new()` chain outside conditional code.
    None,
    /// Several chains could be the app's router (their lines).
    Ambiguous(Vec<usize>),
}

/// The chains of `source` that may be the app's router, given the identifiers `used`
/// inside router arguments elsewhere: not nested (`.nest(..)` or inside another chain's
/// arguments), not built by a function or variable that another chain uses.
pub fn roots(source: &Source, used: &[String]) -> Vec<Chain> {
    let chains = source.chains();
    let idents: Vec<Vec<String>> = chains
        .iter()
        .map(|c| source.used_in(std::slice::from_ref(c)))
        .collect();
    // Whether a chain other than `c` (in another function when `other_function`) uses `name`.
    let used_by_other = |c: &Chain, name: &String, other_function: bool| {
        chains.iter().zip(&idents).any(|(o, ids)| {
            o.start != c.start
                && (!other_function || o.function != c.function)
                && ids.contains(name)
        })
    };
    chains
        .iter()
        .filter(|c| c.place != Place::NestArg)
        .filter(|c| {
            !chains
                .iter()
                .any(|o| o.start != c.start && o.head_end <= c.start && c.start < o.end())
        })
        .filter(|c| {
            c.function
                .as_ref()
                .is_none_or(|f| !used.contains(f) && !used_by_other(c, f, true))
        })
        .filter(|c| {
            c.binding
                .as_ref()
                .is_none_or(|b| !used_by_other(c, b, false))
        })
        .cloned()
        .collect()
}

/// The best of `roots`: the single highest score.
pub fn best(roots: &[Chain]) -> Result<Chain, NoTarget> {
    let top = roots.iter().map(Chain::score).max().ok_or(NoTarget::None)?;
    let tops: Vec<&Chain> = roots.iter().filter(|c| c.score() == top).collect();
    match tops.as_slice() {
        [one] => Ok((*one).clone()),
        many => Err(NoTarget::Ambiguous(many.iter().map(|c| c.line).collect())),
    }
}

/// Where `call` goes in `text`: already there, above a line holding `marker`, or into the
/// one router chain of the file.
pub fn target(text: &str, call: &str, marker: Option<&str>) -> Result<Target, NoTarget> {
    let source = Source::new(text);
    if let Some(line) = wired(&source, call) {
        return Ok(Target::Wired(line));
    }
    if let Some(marker) = marker.filter(|m| !m.is_empty()) {
        let lines: Vec<&str> = text.lines().collect();
        if let Some(index) = lines.iter().position(|l| l.contains(marker)) {
            if index > 0 && lines[index - 1].trim() == call.trim() {
                return Ok(Target::Wired(index));
            }
            return Ok(Target::Marker(index));
        }
    }
    best(&roots(&source, &[])).map(Target::Chain)
}

/// The line where `call` (its path, e.g. `integrations::routes(`) is already used in code.
pub fn wired(source: &Source, call: &str) -> Option<usize> {
    source.code_line(&call_key(call))
}

/// What identifies a wiring call: its path up to the parenthesis, without `crate::` and
/// the leading `.merge(`.
pub fn call_key(call: &str) -> String {
    let inner = call.trim().trim_start_matches(".merge(");
    let inner = inner.strip_prefix("crate::").unwrap_or(inner);
    match inner.find('(') {
        Some(p) => inner[..=p].to_string(),
        None => inner.to_string(),
    }
}

/// Inserts `call` (one line, such as `.merge(crate::integrations::routes())`) into the
/// router chain of `original` (see [`target`]), rustfmt's way: on its own line, after the
/// last layer and before `.with_state(..)` when that comes after the layers, else after the
/// last call; a one-line chain is laid out one call per line. Unchanged when the call is
/// there already.
pub fn wire(original: &str, call: &str, marker: Option<&str>) -> Result<String, EditError> {
    let call = call.trim();
    edit_preserving(original, |body| {
        let target = target(body, call, marker).map_err(|reason| EditError::NoRouter {
            call: call.to_string(),
            reason: match reason {
                NoTarget::None => {
                    "it builds no `Router::new()` chain outside conditional code".to_string()
                }
                NoTarget::Ambiguous(lines) => format!(
                    "several Router chains could be the app's (lines {})",
                    lines
                        .iter()
                        .map(usize::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
        })?;
        Ok(match target {
            Target::Wired(_) => body.to_string(),
            Target::Marker(index) => {
                let lines: Vec<&str> = body.split_inclusive('\n').collect();
                let indent = leading_ws(lines[index]);
                let mut out: String = lines[..index].concat();
                out.push_str(&format!("{indent}{call}\n"));
                out.push_str(&lines[index..].concat());
                out
            }
            Target::Chain(chain) => insert_into(body, &chain, call),
        })
    })
}

fn insert_into(body: &str, chain: &Chain, call: &str) -> String {
    let m = body.as_bytes();
    let last_known = chain
        .calls
        .iter()
        .rposition(|c| ROUTER_METHODS.contains(&c.name.as_str()));
    let last_layer = chain
        .calls
        .iter()
        .rposition(|c| c.name == "layer" || c.name == "route_layer");
    let after = last_known.map_or(0, |k| k + 1);
    let before_state = chain
        .calls
        .iter()
        .enumerate()
        .find(|(k, c)| c.name == "with_state" && last_layer.is_none_or(|l| *k > l) && *k < after)
        .map(|(k, _)| k);
    let at = before_state.unwrap_or(after);
    let vertical = chain.calls.iter().all(|c| starts_line(m, c.dot));
    if chain.calls.is_empty() {
        // `Router::new().merge(..)` fits rustfmt's chain width on one line.
        return format!(
            "{}{call}{}",
            &body[..chain.head_end],
            &body[chain.head_end..]
        );
    }
    if vertical {
        if at < chain.calls.len() {
            // Its own line above call `at` (and above the comment lines over it).
            let mut line_start = body[..chain.calls[at].dot].rfind('\n').map_or(0, |p| p + 1);
            let indent = leading_ws(&body[line_start..]).to_string();
            while line_start > 0 {
                let previous = body[..line_start - 1].rfind('\n').map_or(0, |p| p + 1);
                if body[previous..line_start].trim_start().starts_with("//") {
                    line_start = previous;
                } else {
                    break;
                }
            }
            return format!(
                "{}{indent}{call}\n{}",
                &body[..line_start],
                &body[line_start..]
            );
        }
        let last = &chain.calls[chain.calls.len() - 1];
        let line_start = body[..last.dot].rfind('\n').map_or(0, |p| p + 1);
        let indent = leading_ws(&body[line_start..]);
        let end = chain.end();
        return format!("{}\n{indent}{call}{}", &body[..end], &body[end..]);
    }
    // One call per line, indented one level deeper than the line the chain starts on.
    let line_start = body[..chain.start].rfind('\n').map_or(0, |p| p + 1);
    let indent = format!("{}    ", leading_ws(&body[line_start..]));
    let mut out = body[..chain.head_end].to_string();
    for (k, c) in chain.calls.iter().enumerate() {
        if k == at {
            out.push_str(&format!("\n{indent}{call}"));
        }
        out.push_str(&format!("\n{indent}{}", body[c.dot..=c.close].trim()));
    }
    if at == chain.calls.len() {
        out.push_str(&format!("\n{indent}{call}"));
    }
    out.push_str(&body[chain.end()..]);
    out
}

/// Whether only whitespace precedes offset `at` on its line.
fn starts_line(m: &[u8], at: usize) -> bool {
    let mut k = at;
    while k > 0 && (m[k - 1] == b' ' || m[k - 1] == b'\t') {
        k -= 1;
    }
    k == 0 || m[k - 1] == b'\n'
}

fn leading_ws(line: &str) -> &str {
    let trimmed = line.trim_start_matches([' ', '\t']);
    &line[..line.len() - trimmed.len()]
}

/// Takes out what [`wire`] put in: the call with the line break and indentation before it.
/// (A one-line chain [`wire`] laid out one call per line stays so.)
pub fn unwire(original: &str, call: &str) -> String {
    let call = call.trim();
    edit_preserving::<std::convert::Infallible>(original, |body| {
        let Some(at) = find_code(body, call) else {
            return Ok(body.to_string());
        };
        let m = body.as_bytes();
        let mut from = at;
        while from > 0 && (m[from - 1] == b' ' || m[from - 1] == b'\t') {
            from -= 1;
        }
        if from > 0 && m[from - 1] == b'\n' {
            from -= 1;
            if body[at + call.len()..].starts_with('\n') && !body[from..].starts_with("\n\n") {
                // A line of its own: drop it with its line break.
                return Ok(format!(
                    "{}{}",
                    &body[..from + 1],
                    &body[at + call.len() + 1..]
                ));
            }
        } else {
            from = at;
        }
        Ok(format!("{}{}", &body[..from], &body[at + call.len()..]))
    })
    .unwrap_or_else(|never| match never {})
}

/// The offset of `needle` in code (not in a comment or string).
fn find_code(text: &str, needle: &str) -> Option<usize> {
    let masked = mask(text);
    let mut from = 0;
    while let Some(found) = text[from..].find(needle) {
        let at = from + found;
        if masked[at..].starts_with(needle.split('"').next().unwrap_or(needle)) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Declares the module `decl` (`pub mod integrations;`) in a crate root: unchanged when a
/// module of that name is declared; else in sorted place among the top-level `mod x;`
/// lines (rustfmt sorts them), else above a line holding `marker`, else after the last
/// top-level `use`, else after the file's inner attributes and docs. Never after a test module (clippy's
/// `items_after_test_module`).
pub fn declare(original: &str, decl: &str, marker: Option<&str>) -> String {
    let decl = decl.trim();
    edit_preserving::<std::convert::Infallible>(original, |body| {
        let Some(name) = module_name(decl) else {
            return Ok(body.to_string());
        };
        let masked = mask(body);
        let lines: Vec<&str> = body.split_inclusive('\n').collect();
        let masked_lines: Vec<&str> = masked.split_inclusive('\n').collect();
        let depths = line_depths(&masked);
        let top = |i: usize| depths[i] == 0;
        let declared = masked_lines
            .iter()
            .enumerate()
            .any(|(i, l)| top(i) && declared_module(l.trim()).is_some_and(|(n, _)| n == name));
        if declared || lines.iter().any(|l| l.trim() == decl) {
            return Ok(body.to_string());
        }
        let insert_at = |index: usize, indent: &str| {
            let mut out: String = lines[..index].concat();
            if index > 0 && !out.ends_with('\n') {
                // After a last line without a line break: the declaration becomes the last
                // line, without one either.
                return format!("{out}\n{indent}{decl}");
            }
            out.push_str(&format!("{indent}{decl}\n"));
            out.push_str(&lines[index..].concat());
            out
        };
        // Runs of plain `mod x;` lines (rustfmt sorts each run by name).
        let mods: Vec<(usize, String)> = masked_lines
            .iter()
            .enumerate()
            .filter(|(i, _)| top(*i))
            .filter_map(|(i, l)| {
                declared_module(l.trim_end())
                    .filter(|(_, inline)| !inline)
                    .map(|(n, _)| (i, n))
            })
            .filter(|(i, _)| *i == 0 || !masked_lines[i - 1].trim_start().starts_with("#["))
            .collect();
        if let Some((last, _)) = mods.last() {
            let mut run_start = *last;
            while run_start > 0 && mods.iter().any(|(i, _)| *i == run_start - 1) {
                run_start -= 1;
            }
            let index = mods
                .iter()
                .filter(|(i, _)| *i >= run_start && *i <= *last)
                .find(|(_, n)| *n > name)
                .map_or(last + 1, |(i, _)| *i);
            // Before the run's first line: above the docs and attributes over it too.
            let mut index = index;
            while index == run_start
                && index > 0
                && ["//", "#["]
                    .iter()
                    .any(|p| lines[index - 1].trim_start().starts_with(p))
            {
                index -= 1;
                run_start = index;
            }
            return Ok(insert_at(index, ""));
        }
        // Above the marker line.
        if let Some(marker) = marker.filter(|m| !m.is_empty()) {
            if let Some(index) = lines.iter().position(|l| l.contains(marker)) {
                return Ok(insert_at(index, leading_ws(lines[index])));
            }
        }
        // After the last top-level `use` statement.
        let mut after_use = None;
        let mut in_use = false;
        for (i, l) in masked_lines.iter().enumerate() {
            let t = l.trim();
            if top(i)
                && !in_use
                && (t.starts_with("use ")
                    || t.starts_with("pub use ")
                    || t.starts_with("pub(crate) use "))
            {
                in_use = true;
            }
            if in_use && t.ends_with(';') {
                in_use = false;
                after_use = Some(i + 1);
            }
        }
        if let Some(index) = after_use {
            return Ok(insert_at(index, ""));
        }
        // After inner attributes and docs.
        let mut index = 0;
        let mut in_attr = false;
        while index < lines.len() {
            let t = lines[index].trim();
            if in_attr || t.starts_with("#![") {
                in_attr = !masked_lines[index].trim_end().ends_with(']');
                index += 1;
            } else if t.starts_with("//!") || t.is_empty() {
                index += 1;
            } else {
                break;
            }
        }
        while index > 0 && lines[index - 1].trim().is_empty() {
            index -= 1;
        }
        Ok(insert_at(index, ""))
    })
    .unwrap_or_else(|never| match never {})
}

/// Takes out the line [`declare`] added.
pub fn undeclare(original: &str, decl: &str) -> String {
    let decl = decl.trim();
    edit_preserving::<std::convert::Infallible>(original, |body| {
        let lines: Vec<&str> = body.split_inclusive('\n').collect();
        Ok(match lines.iter().position(|l| l.trim() == decl) {
            Some(index)
                if index + 1 == lines.len() && index > 0 && !lines[index].ends_with('\n') =>
            {
                let out: String = lines[..index].concat();
                out.strip_suffix('\n').unwrap_or(&out).to_string()
            }
            Some(index) => {
                let mut out: String = lines[..index].concat();
                out.push_str(&lines[index + 1..].concat());
                out
            }
            None => body.to_string(),
        })
    })
    .unwrap_or_else(|never| match never {})
}

/// `integrations` in `pub mod integrations;`.
fn module_name(decl: &str) -> Option<String> {
    declared_module(decl).map(|(n, _)| n)
}

/// The module a line declares, and whether inline (`mod x {`).
fn declared_module(line: &str) -> Option<(String, bool)> {
    let mut rest = line.trim();
    if let Some(after) = rest.strip_prefix("pub") {
        rest = after.trim_start();
        if rest.starts_with('(') {
            rest = &rest[rest.find(')')? + 1..];
        }
        rest = rest.trim_start();
    }
    let rest = rest.strip_prefix("mod ")?.trim_start();
    let end = rest.bytes().take_while(|c| is_ident_byte(*c)).count();
    let name = &rest[..end];
    let tail = rest[end..].trim();
    if name.is_empty() {
        return None;
    }
    match tail {
        ";" => Some((name.to_string(), false)),
        t if t.starts_with('{') => Some((name.to_string(), true)),
        _ => None,
    }
}

/// The brace depth at the start of each line of `masked`.
fn line_depths(masked: &str) -> Vec<usize> {
    let mut depth = 0usize;
    masked
        .split_inclusive('\n')
        .map(|line| {
            let at_start = depth;
            for c in line.bytes() {
                match c {
                    b'{' => depth += 1,
                    b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            at_start
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALL: &str = ".merge(crate::integrations::routes())";

    #[test]
    fn masking_blanks_comments_and_literals_only() {
        let text = "let s = \"Router::new()\"; // Router::new()\nlet c = '\"'; let r = r#\"a\"b\"#; /* x /* y */ */ f::<'a>()";
        let masked = mask(text);
        assert_eq!(masked.len(), text.len());
        assert!(!masked.contains("Router"));
        assert!(masked.contains("f::<'a>()"));
        assert!(masked.contains("let r = r#"));
        assert_eq!(line_of(text, text.find("let c").unwrap()), 2);
    }

    #[test]
    fn goes_before_with_state_after_the_layers() {
        let text = "fn app(state: S) -> Router {\n    Router::new()\n        .route(\"/\", get(index))\n        // Layers\n        .layer(TraceLayer::new_for_http())\n        .with_state(state)\n}\n";
        let out = wire(text, CALL, None).unwrap();
        assert_eq!(out, "fn app(state: S) -> Router {\n    Router::new()\n        .route(\"/\", get(index))\n        // Layers\n        .layer(TraceLayer::new_for_http())\n        .merge(crate::integrations::routes())\n        .with_state(state)\n}\n");
        assert_eq!(wire(&out, CALL, None).unwrap(), out);
        assert_eq!(unwire(&out, CALL), text);
    }

    #[test]
    fn goes_at_the_end_of_a_chain_without_state_and_after_route_layers() {
        let text = "async fn main() {\n    let app = Router::new()\n        .route(\"/\", get(index))\n        .with_state(state)\n        .route_layer(auth);\n    serve(app).await;\n}\n";
        let out = wire(text, CALL, None).unwrap();
        assert!(
            out.contains(".route_layer(auth)\n        .merge(crate::integrations::routes());\n"),
            "{out}"
        );
        assert_eq!(unwire(&out, CALL), text);
    }

    #[test]
    fn a_one_line_chain_is_laid_out_one_call_per_line() {
        let text =
            "fn main() {\n    let app = Router::new().route(\"/\", get(root)).with_state(s);\n}\n";
        let out = wire(text, CALL, None).unwrap();
        assert_eq!(out, "fn main() {\n    let app = Router::new()\n        .route(\"/\", get(root))\n        .merge(crate::integrations::routes())\n        .with_state(s);\n}\n");
        let bare = "fn app() -> Router {\n    Router::new()\n}\n";
        assert_eq!(
            wire(bare, CALL, None).unwrap(),
            "fn app() -> Router {\n    Router::new().merge(crate::integrations::routes())\n}\n"
        );
    }

    #[test]
    fn the_top_router_is_chosen_over_nested_and_merged_ones() {
        let text = "fn api() -> Router<S> {\n    Router::new().route(\"/a\", get(a))\n}\n\nfn app(s: S) -> Router {\n    let admin = Router::new().route(\"/x\", get(x));\n    Router::new()\n        .nest(\"/api\", api())\n        .nest(\"/admin\", admin)\n        .nest(\"/b\", Router::new().route(\"/c\", get(c)))\n        .with_state(s)\n}\n\n#[cfg(test)]\nmod tests {\n    fn app() -> Router { Router::new().with_state(1).with_state(2) }\n}\n";
        match target(text, CALL, None).unwrap() {
            Target::Chain(chain) => assert_eq!(chain.line, 7),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn two_equal_routers_are_ambiguous_and_none_is_none() {
        let text = "fn a() -> Router { Router::new().route(\"/a\", get(ha)) }\nfn b() -> Router { Router::new().route(\"/b\", get(hb)) }\n";
        assert_eq!(
            target(text, CALL, None),
            Err(NoTarget::Ambiguous(vec![1, 2]))
        );
        assert!(wire(text, CALL, None).is_err());
        assert_eq!(target("fn main() {}\n", CALL, None), Err(NoTarget::None));
        // A router built only under a condition is not a safe place.
        let text = "fn a() {\n    #[cfg(debug_assertions)]\n    {\n        app = app.merge(Router::new().route(\"/d\", get(d)));\n    }\n}\n";
        assert_eq!(target(text, CALL, None), Err(NoTarget::None));
    }

    #[test]
    fn a_marker_or_an_existing_call_wins() {
        let text = "    Router::new()\n        .route(\"/\", get(i))\n        // integrate:routes\n        .with_state(s)\n";
        let out = wire(text, CALL, Some("integrate:routes")).unwrap();
        assert_eq!(out, "    Router::new()\n        .route(\"/\", get(i))\n        .merge(crate::integrations::routes())\n        // integrate:routes\n        .with_state(s)\n");
        let by_hand = "Router::new().merge(integrations::routes())";
        assert_eq!(wire(by_hand, CALL, None).unwrap(), by_hand);
    }

    #[test]
    fn module_declarations_go_in_sorted_place_or_after_uses() {
        let text =
            "//! App.\n\nmod config;\nmod routes;\n\nfn main() {}\n\n#[cfg(test)]\nmod tests {}\n";
        let out = declare(text, "mod integrations;", None);
        assert_eq!(out, "//! App.\n\nmod config;\nmod integrations;\nmod routes;\n\nfn main() {}\n\n#[cfg(test)]\nmod tests {}\n");
        assert_eq!(declare(&out, "mod integrations;", None), out);
        assert_eq!(undeclare(&out, "mod integrations;"), text);
        let documented = "use a;\n\n/// Zones.\nmod zones;\n";
        assert_eq!(
            declare(documented, "mod integrations;", None),
            "use a;\n\nmod integrations;\n/// Zones.\nmod zones;\n"
        );
        let text = "#![allow(x)]\nuse std::{\n    a,\n};\nuse b;\n\nfn main() {}\n";
        assert_eq!(
            declare(text, "mod integrations;", None),
            "#![allow(x)]\nuse std::{\n    a,\n};\nuse b;\nmod integrations;\n\nfn main() {}\n"
        );
        assert_eq!(
            declare("//! Doc.\n\nfn main() {}\n", "pub mod integrations;", None),
            "//! Doc.\npub mod integrations;\n\nfn main() {}\n"
        );
        assert_eq!(
            declare("pub mod integrations;\n", "mod integrations;", None),
            "pub mod integrations;\n"
        );
        let marked = "mod a;\n// integrate:mods\n";
        assert_eq!(
            declare(marked, "mod integrations;", Some("integrate:mods")),
            "mod a;\nmod integrations;\n// integrate:mods\n"
        );
    }
}
