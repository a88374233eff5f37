//! The Rails routes editor: puts a fenced block of routes inside the app's
//! `routes.draw do … end` block, above the first catch-all route (`match "*path"`, a mount
//! at a prefix of the new path) so the new routes are reachable, and refuses when the file
//! already routes one of the new paths (`post "webhooks/stripe"`, `post "stripe"` inside
//! `namespace :webhooks`, `resources :stripe` there, a pattern such as
//! `post "webhooks/:provider"`, a mount at the same path). Removing the block gives the file
//! back byte for byte. Pure: no I/O.

use super::block::{self, Block};
use super::ruby::{statements, Statement, Tok};
use super::text::edit_preserving;
use super::EditError;

/// Which HTTP verbs a declared route answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbs {
    /// POST (and maybe others).
    Post,
    /// Only verbs other than POST.
    Other,
    /// Every verb (`match ... via: :all`, a mounted app).
    Any,
}

impl Verbs {
    fn post(self) -> bool {
        self != Verbs::Other
    }
}

/// A route the file declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// 1-based line of the statement declaring it.
    pub line: usize,
    /// That statement's first line, trimmed.
    pub source: String,
    /// The blocks around it (`namespace :webhooks do`), outermost first, without the draw.
    pub within: Vec<String>,
    /// Its full path as written, joined with the scopes around it, without leading `/`.
    pub path: String,
    pub verbs: Verbs,
    /// A mounted app (`mount X => "/p"`): it receives every path under its own.
    pub mount: bool,
    /// Index of the draw block holding it, and 0-based line of the statement directly in
    /// that draw block that holds it (the one to insert above).
    pub draw: usize,
    pub top: usize,
}

/// A `routes.draw do … end` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draw {
    /// 0-based lines of its opening statement and of its `end` (None while unclosed).
    pub open: usize,
    pub end: Option<usize>,
    /// 0-based line of its first statement, if any.
    pub first: Option<usize>,
}

/// What a routes file declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    pub draws: Vec<Draw>,
    pub routes: Vec<Declared>,
}

/// Where routes nested in a block go.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Nest {
    Plain,
    /// Inside `resources :x do`: collection path, member path, nested path.
    Resources {
        collection: String,
        member: String,
        nested: String,
    },
    /// Inside `resource :x do`.
    Resource(String),
}

#[derive(Debug, Clone)]
struct Frame {
    /// Routes inside are live routes (not in a `def`, `class`, `concern` or outside a draw).
    live: bool,
    prefix: String,
    nest: Nest,
    label: Option<String>,
    /// The draw block it is in, and the line of its statement directly in the draw.
    draw: Option<usize>,
    top: usize,
    is_draw: bool,
}

/// Reads the draw blocks and routes of a routes file.
pub fn scan(text: &str) -> Scan {
    let lines: Vec<&str> = text.lines().collect();
    let source = |line: usize| lines.get(line).map_or("", |l| l.trim()).to_string();
    let mut out = Scan::default();
    let mut stack: Vec<Frame> = Vec::new();
    for st in statements(text) {
        if st.closes {
            if let Some(frame) = stack.pop() {
                if frame.is_draw {
                    if let Some(index) = frame.draw {
                        out.draws[index].end = Some(st.line);
                    }
                }
            }
            continue;
        }
        let parent = stack.last().cloned();
        if is_draw_opener(&st) && parent.as_ref().is_none_or(|p| p.draw.is_none()) {
            out.draws.push(Draw {
                open: st.line,
                end: None,
                first: None,
            });
            if st.opens {
                stack.push(Frame {
                    live: true,
                    prefix: String::new(),
                    nest: Nest::Plain,
                    label: None,
                    draw: Some(out.draws.len() - 1),
                    top: st.line,
                    is_draw: true,
                });
            }
            continue;
        }
        let Some(parent) = parent.filter(|p| p.live) else {
            if st.opens {
                let mut frame = stack.last().cloned().unwrap_or(Frame {
                    live: false,
                    prefix: String::new(),
                    nest: Nest::Plain,
                    label: None,
                    draw: None,
                    top: st.line,
                    is_draw: false,
                });
                frame.live = false;
                frame.is_draw = false;
                stack.push(frame);
            }
            continue;
        };
        let top = if parent.is_draw { st.line } else { parent.top };
        if parent.is_draw {
            if let Some(index) = parent.draw {
                out.draws[index].first.get_or_insert(st.line);
            }
        }
        let call = Call::parse(&st);
        let within: Vec<String> = stack.iter().filter_map(|f| f.label.clone()).collect();
        for (path, verbs, mount) in call.routes(&parent) {
            out.routes.push(Declared {
                line: st.line + 1,
                source: source(st.line),
                within: within.clone(),
                path,
                verbs,
                mount,
                draw: parent.draw.unwrap_or_default(),
                top,
            });
        }
        if st.opens {
            let (live, prefix, nest) = call.block(&parent);
            stack.push(Frame {
                live,
                prefix,
                nest,
                label: Some(source(st.line)),
                draw: parent.draw,
                top,
                is_draw: false,
            });
        }
    }
    out
}

/// `Rails.application.routes.draw do`, `routes.draw do`, `App::Application.routes.draw do`.
fn is_draw_opener(st: &Statement) -> bool {
    st.opens
        && st.tokens.windows(3).any(|w| {
            w[0].tok == Tok::Ident("routes".into())
                && w[1].tok == Tok::Punct('.')
                && w[2].tok == Tok::Ident("draw".into())
        })
}

/// A value of an argument.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Arg {
    Text(String),
    List(Vec<String>),
    /// Something else (a constant, a call, an interpolated string).
    Other,
}

impl Arg {
    fn text(&self) -> Option<&str> {
        match self {
            Arg::Text(t) => Some(t),
            _ => None,
        }
    }

    fn items(&self) -> Vec<String> {
        match self {
            Arg::Text(t) => vec![t.clone()],
            Arg::List(items) => items.clone(),
            Arg::Other => Vec::new(),
        }
    }
}

/// A routing call: method, positional arguments and options.
#[derive(Debug, Clone, Default)]
struct Call {
    method: String,
    positional: Vec<Arg>,
    options: Vec<(String, Arg)>,
    /// `"path" => "controller#action"` or `App => "/path"`: the right side of the first `=>`.
    arrow_target: Option<Arg>,
    arrow_source: Option<Arg>,
}

impl Call {
    fn parse(st: &Statement) -> Call {
        let Some(method) = st.head() else {
            return Call::default();
        };
        let mut tokens: &[_] = &st.tokens[1..];
        if tokens.first().map(|t| &t.tok) == Some(&Tok::Punct('(')) {
            let close = matching(tokens, 0).unwrap_or(tokens.len());
            tokens = &tokens[1..close.max(1)];
        }
        // Drop a trailing `do |x|` or block brace `{ |x|`.
        let mut end = tokens
            .iter()
            .position(|t| t.tok == Tok::Ident("do".into()))
            .unwrap_or(tokens.len());
        if st.opens && end == tokens.len() {
            let mut at = tokens.len();
            if at > 0 && tokens[at - 1].tok == Tok::Punct('|') {
                at -= 1;
                while at > 0 && tokens[at - 1].tok != Tok::Punct('|') {
                    at -= 1;
                }
                at = at.saturating_sub(1);
            }
            if at > 0 && tokens[at - 1].tok == Tok::Punct('{') {
                end = at - 1;
            }
        }
        let tokens = &tokens[..end];
        let mut call = Call {
            method: method.to_string(),
            ..Call::default()
        };
        for (index, arg) in split_args(tokens).into_iter().enumerate() {
            match arg {
                [first, rest @ ..] if matches!(first.tok, Tok::Key(_)) => {
                    let Tok::Key(key) = &first.tok else {
                        unreachable!()
                    };
                    call.options.push((key.clone(), value(rest)));
                }
                [first, arrow, rest @ ..] if arrow.tok == Tok::Arrow => {
                    let left = value(std::slice::from_ref(first));
                    if index == 0 {
                        call.arrow_source = Some(if matches!(first.tok, Tok::Ident(_)) {
                            Arg::Other
                        } else {
                            left
                        });
                        call.arrow_target = Some(value(rest));
                    } else if let Arg::Text(key) = left {
                        call.options.push((key, value(rest)));
                    }
                }
                // `mount Foo::Bar => "/x"`: a constant path before the arrow.
                tokens if index == 0 && tokens.iter().any(|t| t.tok == Tok::Arrow) => {
                    let at = tokens
                        .iter()
                        .position(|t| t.tok == Tok::Arrow)
                        .expect("checked");
                    call.arrow_source = Some(Arg::Other);
                    call.arrow_target = Some(value(&tokens[at + 1..]));
                }
                tokens => call.positional.push(value(tokens)),
            }
        }
        call
    }

    fn option(&self, key: &str) -> Option<&Arg> {
        self.options.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The routes this call declares inside `parent`: (path, verbs, mount).
    fn routes(&self, parent: &Frame) -> Vec<(String, Verbs, bool)> {
        let verb = |name: &str| match name {
            "post" => Some(Verbs::Post),
            "get" | "put" | "patch" | "delete" | "options" | "head" => Some(Verbs::Other),
            "match" => Some(Verbs::Any),
            _ => None,
        };
        match self.method.as_str() {
            name if verb(name).is_some() => {
                let mut verbs = verb(name).expect("checked");
                if name == "match" {
                    if let Some(via) = self.option("via") {
                        let via = via.items();
                        verbs = if via.iter().any(|v| v == "all") {
                            Verbs::Any
                        } else if via.iter().any(|v| v == "post") {
                            Verbs::Post
                        } else if via.is_empty() {
                            Verbs::Any
                        } else {
                            Verbs::Other
                        };
                    }
                }
                let path = match self.option("path").and_then(Arg::text) {
                    Some(path) => Some(path.to_string()),
                    None => match (&self.arrow_source, self.positional.first()) {
                        (Some(Arg::Text(path)), _) => Some(path.clone()),
                        (_, Some(Arg::Text(path))) => Some(path.clone()),
                        _ => None,
                    },
                };
                let Some(path) = path else {
                    return Vec::new();
                };
                let base = match (&parent.nest, self.option("on").and_then(Arg::text)) {
                    (Nest::Resources { collection, .. }, Some("collection")) => collection.clone(),
                    (Nest::Resources { member, .. }, Some("member")) => member.clone(),
                    (Nest::Resources { nested, .. }, _) => nested.clone(),
                    (Nest::Resource(path), _) => path.clone(),
                    (Nest::Plain, _) => parent.prefix.clone(),
                };
                vec![(join(&base, &path), verbs, false)]
            }
            "mount" => {
                let path = self
                    .option("at")
                    .and_then(Arg::text)
                    .or_else(|| self.arrow_target.as_ref().and_then(Arg::text));
                path.map(|p| vec![(join(&parent.prefix, p), Verbs::Any, true)])
                    .unwrap_or_default()
            }
            "resources" | "resource" => {
                let plural = self.method == "resources";
                let actions = self.actions(plural);
                let answers_path: &[&str] = if plural {
                    &["index", "create"]
                } else {
                    &["show", "create", "update", "destroy"]
                };
                if !actions.iter().any(|a| answers_path.contains(&a.as_str())) {
                    return Vec::new();
                }
                let verbs = if actions.iter().any(|a| a == "create") {
                    Verbs::Post
                } else {
                    Verbs::Other
                };
                self.resource_paths(parent)
                    .into_iter()
                    .map(|p| (p, verbs, false))
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// The actions of `resources`/`resource` after `only:` and `except:`.
    fn actions(&self, plural: bool) -> Vec<String> {
        let all: &[&str] = if plural {
            &[
                "index", "create", "new", "show", "edit", "update", "destroy",
            ]
        } else {
            &["create", "new", "show", "edit", "update", "destroy"]
        };
        let mut actions: Vec<String> = match self.option("only") {
            Some(only) => only.items(),
            None => all.iter().map(|a| a.to_string()).collect(),
        };
        if let Some(except) = self.option("except") {
            let except = except.items();
            actions.retain(|a| !except.contains(a));
        }
        actions
    }

    /// The paths of the resources a `resources`/`resource` call names.
    fn resource_paths(&self, parent: &Frame) -> Vec<String> {
        let base = match &parent.nest {
            Nest::Resources { nested, .. } => nested.clone(),
            Nest::Resource(path) => path.clone(),
            Nest::Plain => parent.prefix.clone(),
        };
        if let Some(path) = self.option("path").and_then(Arg::text) {
            return vec![join(&base, path)];
        }
        self.positional
            .iter()
            .flat_map(Arg::items)
            .map(|name| join(&base, &name))
            .collect()
    }

    /// What a block opened by this call holds: (live, prefix, nest).
    fn block(&self, parent: &Frame) -> (bool, String, Nest) {
        let plain = |prefix: String| (true, prefix, Nest::Plain);
        match self.method.as_str() {
            "class" | "module" | "def" | "concern" => (false, parent.prefix.clone(), Nest::Plain),
            "namespace" => {
                let name = self
                    .option("path")
                    .and_then(Arg::text)
                    .map(str::to_string)
                    .or_else(|| {
                        self.positional
                            .first()
                            .and_then(|a| a.text().map(str::to_string))
                    });
                plain(join(&parent.prefix, name.as_deref().unwrap_or("")))
            }
            "scope" => {
                let path = self
                    .option("path")
                    .and_then(Arg::text)
                    .or_else(|| self.positional.first().and_then(Arg::text));
                plain(join(&parent.prefix, path.unwrap_or("")))
            }
            "resources" => match self.resource_paths(parent).into_iter().next() {
                Some(collection) => {
                    let nested = join(&collection, ":parent_id");
                    (
                        true,
                        nested.clone(),
                        Nest::Resources {
                            member: join(&collection, ":id"),
                            collection,
                            nested,
                        },
                    )
                }
                None => (true, parent.prefix.clone(), parent.nest.clone()),
            },
            "resource" => match self.resource_paths(parent).into_iter().next() {
                Some(path) => (true, path.clone(), Nest::Resource(path)),
                None => (true, parent.prefix.clone(), parent.nest.clone()),
            },
            "collection" | "member" | "nested" => match &parent.nest {
                Nest::Resources {
                    collection,
                    member,
                    nested,
                } => plain(match self.method.as_str() {
                    "collection" => collection.clone(),
                    "member" => member.clone(),
                    _ => nested.clone(),
                }),
                _ => (true, parent.prefix.clone(), parent.nest.clone()),
            },
            _ => (true, parent.prefix.clone(), parent.nest.clone()),
        }
    }
}

/// Index of the token closing the group opened at `open`.
fn matching(tokens: &[super::ruby::Token], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (index, token) in tokens.iter().enumerate().skip(open) {
        match token.tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

/// Arguments split at top-level commas.
fn split_args(tokens: &[super::ruby::Token]) -> Vec<&[super::ruby::Token]> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (index, token) in tokens.iter().enumerate() {
        match token.tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => depth -= 1,
            Tok::Punct(',') if depth == 0 => {
                out.push(&tokens[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    if start < tokens.len() {
        out.push(&tokens[start..]);
    }
    out.retain(|a| !a.is_empty());
    out
}

/// The value of an argument's tokens.
fn value(tokens: &[super::ruby::Token]) -> Arg {
    match tokens {
        [one] => match &one.tok {
            Tok::Str {
                text,
                dynamic: false,
            } => Arg::Text(text.clone()),
            Tok::Sym(text) => Arg::Text(text.clone()),
            Tok::List(items) => Arg::List(items.clone()),
            _ => Arg::Other,
        },
        [open, inner @ .., close]
            if open.tok == Tok::Punct('[') && close.tok == Tok::Punct(']') =>
        {
            let items: Vec<String> = split_args(inner)
                .into_iter()
                .filter_map(|item| value(item).text().map(str::to_string))
                .collect();
            Arg::List(items)
        }
        _ => Arg::Other,
    }
}

/// `base` and `path` joined with one `/`, without a leading or trailing `/`.
fn join(base: &str, path: &str) -> String {
    let parts: Vec<&str> = base
        .split('/')
        .chain(path.split('/'))
        .filter(|p| !p.is_empty())
        .collect();
    parts.join("/")
}

/// The paths a route pattern can take: each optional group `( )` left out or kept, and the
/// format suffix dropped. At most 16.
fn alternatives(pattern: &str) -> Vec<String> {
    let mut out = Vec::new();
    expand(pattern, &mut out);
    out.into_iter()
        .map(|p| {
            p.split('/')
                .map(|s| s.strip_suffix(".:format").unwrap_or(s))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

fn expand(pattern: &str, out: &mut Vec<String>) {
    if out.len() >= 16 {
        return;
    }
    let Some(open) = pattern.find('(') else {
        out.push(pattern.to_string());
        return;
    };
    let mut depth = 0;
    let close = pattern[open..].char_indices().find_map(|(i, c)| {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
        None
    });
    let Some(close) = close else {
        out.push(pattern.replace('(', ""));
        return;
    };
    let (head, group, tail) = (
        &pattern[..open],
        &pattern[open + 1..close],
        &pattern[close + 1..],
    );
    expand(&format!("{head}{tail}"), out);
    expand(&format!("{head}{group}{tail}"), out);
}

/// How a declared path relates to a path the kit adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// The same literal path.
    Same,
    /// A pattern with dynamic segments (`:provider`) that matches it.
    Pattern,
    /// A glob (`*path`) that matches it: a catch-all.
    Glob,
    Unrelated,
}

fn relation(pattern: &str, path: &str) -> Relation {
    let wanted: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut best = Relation::Unrelated;
    for alternative in alternatives(pattern) {
        let segments: Vec<&str> = alternative.split('/').filter(|s| !s.is_empty()).collect();
        let mut dynamic = false;
        let mut glob = false;
        let mut matched = true;
        for (index, segment) in segments.iter().enumerate() {
            if segment.starts_with('*') {
                glob = true;
                break;
            }
            match wanted.get(index) {
                Some(w) if segment.contains(':') => dynamic |= !w.is_empty(),
                Some(w) if w == segment => {}
                _ => {
                    matched = false;
                    break;
                }
            }
        }
        if matched && !glob && segments.len() != wanted.len() {
            matched = false;
        }
        if matched && glob && segments.iter().position(|s| s.starts_with('*')) > Some(wanted.len())
        {
            matched = false;
        }
        let found = match (matched, glob, dynamic) {
            (false, _, _) => Relation::Unrelated,
            (true, true, _) => Relation::Glob,
            (true, false, true) => Relation::Pattern,
            (true, false, false) => Relation::Same,
        };
        best = match (best, found) {
            (Relation::Same, _) | (_, Relation::Same) => Relation::Same,
            (Relation::Pattern, _) | (_, Relation::Pattern) => Relation::Pattern,
            (Relation::Glob, _) | (_, Relation::Glob) => Relation::Glob,
            _ => Relation::Unrelated,
        };
    }
    best
}

/// Whether `declared` takes `path` away from a new route (an error naming it), or catches
/// it after the new route (`Ok(true)`: insert above it).
fn check(declared: &Declared, path: &str) -> Result<bool, EditError> {
    let taken = |what: String| EditError::RouteTaken {
        line: declared.line,
        route: declared.source.clone(),
        within: declared
            .within
            .iter()
            .map(|w| format!(" in `{w}`"))
            .collect(),
        what,
    };
    if declared.mount {
        let mounted = alternatives(&declared.path);
        if mounted.iter().any(|m| m == path) {
            return Err(taken(format!("mounts an app at /{path}")));
        }
        return Ok(mounted
            .iter()
            .any(|m| m.is_empty() || path.starts_with(&format!("{m}/"))));
    }
    match relation(&declared.path, path) {
        Relation::Same => Err(taken(format!("routes /{path}"))),
        Relation::Pattern if declared.verbs.post() => Err(taken(format!(
            "receives POST /{path} (its pattern /{} matches it)",
            declared.path
        ))),
        Relation::Glob => Ok(true),
        _ => Ok(false),
    }
}

/// Inserts or refreshes `block` (its key, comment and body of route lines) in the routes
/// file `original`. The block goes inside the first draw block, indented like its routes,
/// above the statement holding the first catch-all of a new path (and the comments right
/// over it), else above the draw block's `end`.
pub fn upsert(original: &str, block: &Block) -> Result<String, EditError> {
    edit_preserving(original, |text| {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let found = scan(text);
        let mut text = text.to_string();
        let mut found = found;
        if let Some((start, end)) = block::find_fence(&lines, block)? {
            let inside = found
                .draws
                .iter()
                .any(|d| d.open < start && d.end.is_some_and(|e| end < e));
            if inside {
                return block::upsert(&text, block);
            }
            // A block of an earlier version, outside the draw block: move it inside.
            text = block::remove(&text, block)?;
            found = scan(&text);
        }
        insert(&text, &found, block)
    })
}

fn insert(text: &str, found: &Scan, block: &Block) -> Result<String, EditError> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let (draw_index, draw) = found
        .draws
        .iter()
        .enumerate()
        .find(|(_, d)| d.end.is_some_and(|end| end > d.open))
        .ok_or(EditError::NoDrawBlock)?;
    let end = draw.end.expect("found closed");
    let added = scan(&format!(
        "Rails.application.routes.draw do\n{}\nend\n",
        block.body
    ));
    let mut anchor: Option<usize> = None;
    for new in &added.routes {
        let path = alternatives(&new.path)
            .into_iter()
            .next()
            .unwrap_or_default();
        for declared in &found.routes {
            if check(declared, &path)? && declared.draw == draw_index {
                anchor = Some(anchor.map_or(declared.top, |a| a.min(declared.top)));
            }
        }
    }
    let at = match anchor {
        Some(mut at) => {
            let fence = |l: &str| l.contains(">>> integrate ") || l.contains("<<< integrate ");
            while at > draw.open + 1
                && lines[at - 1].trim_start().starts_with(block.comment)
                && !fence(lines[at - 1])
            {
                at -= 1;
            }
            at
        }
        None => end,
    };
    let indent = match draw.first.filter(|f| *f < end) {
        Some(first) => leading_ws(lines[first]).to_string(),
        None => format!("{}  ", leading_ws(lines[draw.open])),
    };
    let mut out: String = lines[..at].concat();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&block.fenced(&indent));
    out.push_str(&lines[at..].concat());
    Ok(out)
}

fn leading_ws(line: &str) -> &str {
    let trimmed = line.trim_start_matches([' ', '\t']);
    &line[..line.len() - trimmed.len()]
}

/// Removes the fenced block of `block.key`, if present.
pub fn remove(original: &str, block: &Block) -> Result<String, EditError> {
    block::remove(original, block)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editors::block::MarkerMissing;

    fn block(body: &str) -> Block<'_> {
        Block {
            key: "stripe routes",
            comment: "#",
            body,
            marker: None,
            marker_missing: MarkerMissing::Error,
            before: None,
        }
    }

    const ROUTE: &str = "post \"/webhooks/stripe\", to: \"webhooks/stripe#create\"\n";

    fn refused(routes: &str) -> String {
        upsert(routes, &block(ROUTE)).unwrap_err().to_string()
    }

    #[test]
    fn goes_inside_the_draw_block_above_its_end() {
        let original =
            "Rails.application.routes.draw do\n  resources :posts\n\n  root \"posts#index\"\nend\n";
        let once = upsert(original, &block(ROUTE)).unwrap();
        insta::assert_snapshot!(once, @r#"
        Rails.application.routes.draw do
          resources :posts

          root "posts#index"
          # >>> integrate stripe routes
          post "/webhooks/stripe", to: "webhooks/stripe#create"
          # <<< integrate stripe routes
        end
        "#);
        assert_eq!(upsert(&once, &block(ROUTE)).unwrap(), once);
        assert_eq!(remove(&once, &block(ROUTE)).unwrap(), original);
    }

    #[test]
    fn goes_above_a_catch_all_and_the_comments_over_it() {
        let original = "App::Application.routes.draw do\n\tget \"a\" => \"a#b\"\n\t# Everything else: 404.\n\tmatch \"*path\", to: \"errors#not_found\", via: :all\n\troot to: \"a#b\"\nend";
        let once = upsert(original, &block(ROUTE)).unwrap();
        assert_eq!(
            once,
            "App::Application.routes.draw do\n\tget \"a\" => \"a#b\"\n\t# >>> integrate stripe routes\n\tpost \"/webhooks/stripe\", to: \"webhooks/stripe#create\"\n\t# <<< integrate stripe routes\n\t# Everything else: 404.\n\tmatch \"*path\", to: \"errors#not_found\", via: :all\n\troot to: \"a#b\"\nend"
        );
        assert_eq!(remove(&once, &block(ROUTE)).unwrap(), original);
        let scoped = "Rails.application.routes.draw do\n  scope \"(:locale)\" do\n    get \"*page\", to: \"pages#show\"\n  end\n  mount Hooks::Engine => \"/webhooks\"\nend\n";
        let once = upsert(scoped, &block(ROUTE)).unwrap();
        assert!(
            once.starts_with("Rails.application.routes.draw do\n  # >>> integrate"),
            "{once}"
        );
    }

    #[test]
    fn routes_of_the_same_path_are_refused_with_their_line() {
        let namespaced = "Rails.application.routes.draw do\n  namespace :webhooks do\n    post \"stripe\", to: \"stripe#create\"\n  end\nend\n";
        assert_eq!(
            refused(namespaced),
            "line 3: `post \"stripe\", to: \"stripe#create\"` in `namespace :webhooks do` already routes /webhooks/stripe, the path of the webhook route integrate adds; remove or rename that route, or add the integration with --no-webhooks"
        );
        for routes in [
            "Rails.application.routes.draw do\n  post \"webhooks/stripe\" => \"hooks#stripe\"\nend\n",
            "Rails.application.routes.draw do\n  get '/webhooks/stripe(.:format)', to: 'hooks#show'\nend\n",
            "Rails.application.routes.draw do\n  scope path: \"/webhooks\" do\n    resource :stripe, only: [:create]\n  end\nend\n",
            "Rails.application.routes.draw do\n  resources :webhooks, only: [] do\n    collection do\n      post :stripe\n    end\n  end\nend\n",
            "Rails.application.routes.draw do\n  resources :webhooks, only: :create do\n    post :stripe, on: :collection\n  end\nend\n",
            "Rails.application.routes.draw do\n  scope \"(:locale)\" do\n    namespace(:webhooks) { resources :stripe }\n  end\nend\n",
            "Rails.application.routes.draw do\n  mount StripeEvent::Engine, at: \"/webhooks/stripe\"\nend\n",
        ] {
            let message = refused(routes);
            assert!(message.contains("/webhooks/stripe"), "{routes}: {message}");
        }
        let pattern = "Rails.application.routes.draw do\n  post '/webhooks/:source', to: 'webhooks#create'\nend\n";
        assert!(refused(pattern).contains("its pattern /webhooks/:source matches it"));
    }

    #[test]
    fn other_routes_are_not_conflicts() {
        for routes in [
            "Rails.application.routes.draw do\n  get \"/webhooks/:id\", to: \"hooks#show\"\nend\n",
            "Rails.application.routes.draw do\n  resources :stripe, only: :show\n  namespace :webhooks do\n    post \"github\"\n  end\nend\n",
            "Rails.application.routes.draw do\n  concern :hooks do\n    post \"webhooks/stripe\"\n  end\n  class X\n    def a\n      post \"webhooks/stripe\"\n    end\n  end\nend\n",
            "Rails.application.routes.draw do\n  # post \"webhooks/stripe\"\n  get \"/blog/*path\", to: \"blog#show\"\nend\n",
        ] {
            let once = upsert(routes, &block(ROUTE)).unwrap();
            assert!(once.contains("  # <<< integrate stripe routes\nend\n"), "{once}");
            assert_eq!(remove(&once, &block(ROUTE)).unwrap(), routes);
        }
    }

    #[test]
    fn a_file_without_a_draw_block_is_refused() {
        assert_eq!(
            upsert("# nothing\n", &block(ROUTE)),
            Err(EditError::NoDrawBlock)
        );
        assert_eq!(
            upsert("Rails.application.routes.draw do end\n", &block(ROUTE)),
            Err(EditError::NoDrawBlock)
        );
    }

    #[test]
    fn a_block_of_an_earlier_version_outside_the_draw_moves_inside() {
        let old = "Rails.application.routes.draw do\nend\n# >>> integrate stripe routes\nRails.application.routes.draw do\n  post \"/webhooks/stripe\", to: \"webhooks/stripe#create\"\nend\n# <<< integrate stripe routes\n";
        let once = upsert(old, &block(ROUTE)).unwrap();
        assert_eq!(
            once,
            "Rails.application.routes.draw do\n  # >>> integrate stripe routes\n  post \"/webhooks/stripe\", to: \"webhooks/stripe#create\"\n  # <<< integrate stripe routes\nend\n"
        );
    }
}
