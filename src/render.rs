//! Template rendering: handlebars in strict mode, no HTML escaping, case helpers.

use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderError,
    RenderErrorReason, Renderable, StringOutput, Template, TemplateError,
};
use heck::{
    ToKebabCase, ToLowerCamelCase, ToPascalCase, ToShoutySnakeCase, ToSnakeCase, ToTitleCase,
};
use serde_json::Value;

use crate::error::{Error, Result};
use std::collections::HashMap;
use std::sync::Mutex;

use crate::kit::{Kit, Origin};
use crate::prune;
use crate::segments;

/// A renderer holding the compiled templates a command needs.
pub struct Renderer<'k> {
    registry: Handlebars<'static>,
    kit: &'k Kit,
    /// Top-level templates compiled in pieces: template name → piece names, in order.
    pieces: HashMap<String, Vec<String>>,
    /// Templates folded to text, or without a single tag: their text is what they render.
    literals: HashMap<String, String>,
    /// Piece name → (template name, lines before the piece).
    offsets: HashMap<String, (String, usize)>,
    /// The context the templates were folded for, if they were.
    folded_for: Option<&'k Value>,
    /// Inline templates (output paths) compiled so far.
    inline: Mutex<HashMap<String, Template>>,
    /// The last context rendered with, and its handlebars copy.
    last_context: Mutex<Option<(Value, Context)>>,
}

const INLINE: &str = "<inline>";

/// Pieces of about this many bytes keep compiling linear (see [`crate::segments`]).
const PIECE_BYTES: usize = 256;

struct Unit {
    name: String,
    text: String,
}

impl<'k> Renderer<'k> {
    /// Registers the templates `needed` (kit paths, with or without `.hbs`) and, transitively,
    /// the partials they include. Compiling is the costly part of a run, so templates a
    /// command does not use are never compiled, and large ones compile in pieces.
    pub fn new<'a>(kit: &'k Kit, needed: impl IntoIterator<Item = &'a str>) -> Result<Self> {
        Self::build(kit, needed, None)
    }

    /// Like [`Renderer::new`], for rendering with `context` only: the templates are first
    /// folded for it (see [`crate::prune`]), which most often leaves nothing to compile.
    pub fn for_context<'a>(
        kit: &'k Kit,
        needed: impl IntoIterator<Item = &'a str>,
        context: &'k Value,
    ) -> Result<Self> {
        Self::build(kit, needed, Some(context))
    }

    fn build<'a>(
        kit: &'k Kit,
        needed: impl IntoIterator<Item = &'a str>,
        context: Option<&'k Value>,
    ) -> Result<Self> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        register_helpers(&mut registry);
        let top: Vec<String> = needed
            .into_iter()
            .map(|p| p.strip_suffix(".hbs").unwrap_or(p).to_string())
            .collect();
        let mut units = Vec::new();
        let mut pieces = HashMap::new();
        let mut offsets = HashMap::new();
        let mut partials: Vec<String> = Vec::new();
        let mut raw_lines: Vec<String> = Vec::new();
        let mut literals = HashMap::new();
        // Only built-in templates and partials are folded: they are known to compile, while
        // a team's override must be compiled whole so an error anywhere in it is reported.
        let builtin = |name: &str| {
            kit.files
                .get(&format!("{name}.hbs"))
                .filter(|f| matches!(f.origin, Origin::Builtin(_)))
                .map(|f| f.content.as_str())
        };
        for name in &top {
            let Some(file) = kit.files.get(&format!("{name}.hbs")) else {
                continue;
            };
            if pieces.contains_key(name) || literals.contains_key(name) {
                continue;
            }
            let folded = context
                .filter(|_| builtin(name).is_some())
                .and_then(|c| prune::prune_with(&file.content, c, &builtin));
            if let Some(text) = folded {
                literals.insert(name.clone(), text);
                continue;
            }
            let source = file.content.as_str();
            if !source.contains("{{") {
                literals.insert(name.clone(), source.to_string());
                continue;
            }
            partials.extend(partial_names(source));
            let (text, lines) = segments::lift_raw_lines(source, raw_lines.len());
            raw_lines.extend(lines);
            let split = segments::split(&text, PIECE_BYTES);
            if split.len() == 1 {
                units.push(Unit {
                    name: name.clone(),
                    text,
                });
                continue;
            }
            let mut names = Vec::with_capacity(split.len());
            for (index, piece) in split.into_iter().enumerate() {
                let piece_name = format!("{name}#{index}");
                offsets.insert(piece_name.clone(), (name.clone(), piece.line_offset));
                units.push(Unit {
                    name: piece_name.clone(),
                    text: piece.text.to_string(),
                });
                names.push(piece_name);
            }
            pieces.insert(name.clone(), names);
        }
        // Handlebars has no depth limit: a partial that includes itself would overflow the
        // stack. Checked before anything is compiled.
        check_partial_cycles(
            kit,
            units.iter().map(|u| {
                u.name
                    .split_once('#')
                    .map_or(u.name.as_str(), |(template, _)| template)
            }),
        )?;
        let mut seen: Vec<String> = units.iter().map(|u| u.name.clone()).collect();
        while let Some(name) = partials.pop() {
            if seen.contains(&name) {
                continue;
            }
            if let Some(file) = kit.files.get(&format!("{name}.hbs")) {
                partials.extend(partial_names(&file.content));
                units.push(Unit {
                    name: name.clone(),
                    text: file.content.clone(),
                });
                seen.push(name);
            }
        }
        registry.register_helper("__raw", Box::new(RawLines(raw_lines)));
        let renderer = Self {
            registry,
            kit,
            pieces,
            literals,
            offsets,
            folded_for: context,
            inline: Mutex::new(HashMap::new()),
            last_context: Mutex::new(None),
        };
        let compiled = renderer.compile_all(&units)?;
        let mut renderer = renderer;
        for (name, template) in compiled {
            renderer.registry.register_template(&name, template);
        }
        Ok(renderer)
    }

    /// Renders the kit template at `path` (with or without `.hbs`).
    pub fn render(&self, path: &str, context: &Value) -> Result<String> {
        let name = path.strip_suffix(".hbs").unwrap_or(path);
        if self
            .folded_for
            .is_some_and(|c| !std::ptr::eq(c, context) && c != context)
        {
            return Err(Error::Other(format!(
                "internal error: {path} was prepared for another context; please report this"
            )));
        }
        if let Some(text) = self.literals.get(name) {
            if text.len() as u64 > crate::repo::MAX_FILE_BYTES {
                return Err(self.too_large(name));
            }
            return Ok(text.clone());
        }
        if let Some(pieces) = self.pieces.get(name) {
            return self.with_context(context, |context| {
                let mut out = Bounded::default();
                for piece in pieces {
                    self.render_bounded(name, piece, context, &mut out)?;
                }
                Ok(out.into_string())
            });
        }
        if !self.registry.has_template(name) {
            return Err(Error::Invalid {
                path: format!("kit `{}`", self.kit.name()).into(),
                message: format!(
                    "template `{path}` does not exist; add it under scaffolds/{kit}/ or .integrate/kits/{kit}/",
                    kit = self.kit.name()
                ),
            });
        }
        self.with_context(context, |context| {
            let mut out = Bounded::default();
            self.render_bounded(name, name, context, &mut out)?;
            Ok(out.into_string())
        })
    }

    /// Renders the registered `piece` of template `name` onto `out`, stopping as soon as
    /// the output passes [`crate::repo::MAX_FILE_BYTES`] (partials can multiply a text
    /// without bound).
    fn render_bounded(
        &self,
        name: &str,
        piece: &str,
        context: &Context,
        out: &mut Bounded,
    ) -> Result<()> {
        let rendered = self
            .registry
            .render_with_context_to_write(piece, context, &mut *out);
        if out.over {
            return Err(self.too_large(name));
        }
        rendered.map_err(|e| self.render_error(&e, None))
    }

    fn too_large(&self, name: &str) -> Error {
        Error::Template {
            location: origin_of(self.kit, Some(name)),
            message: format!(
                "renders more than {} MiB, more than integrate writes in one file; check the partials it includes",
                crate::repo::MAX_FILE_BYTES >> 20
            ),
        }
    }

    /// Renders a one-line template such as an output path from the manifest: folded for
    /// `context` (see [`crate::prune`]) when that leaves no tag, else compiled, each
    /// distinct one once per renderer.
    pub fn render_inline(&self, template: &str, context: &Value, what: &str) -> Result<String> {
        if !template.contains("{{") {
            return Ok(template.to_string());
        }
        if let Some(folded) = prune::prune(template, context) {
            return Ok(folded);
        }
        let mut inline = self.inline.lock().unwrap_or_else(|e| e.into_inner());
        if !inline.contains_key(template) {
            let compiled = Template::compile(template)
                .map_err(|e| self.render_error(&RenderError::from(e), Some(what)))?;
            inline.insert(template.to_string(), compiled);
        }
        let compiled = &inline[template];
        self.with_context(context, |ctx| {
            let mut out = StringOutput::new();
            let mut rc = RenderContext::new(None);
            compiled
                .render(&self.registry, ctx, &mut rc, &mut out)
                .and_then(|()| out.into_string().map_err(RenderError::from))
                .map_err(|e| self.render_error(&e, Some(what)))
        })
    }

    /// Runs `f` with `value` as a handlebars context. Handing a `Value` to handlebars copies
    /// it; the copy of the last context is kept, because a command renders many templates
    /// with one context.
    fn with_context<T>(&self, value: &Value, f: impl FnOnce(&Context) -> T) -> T {
        let mut cache = self.last_context.lock().unwrap_or_else(|e| e.into_inner());
        match cache.as_ref() {
            Some((cached, context)) if cached == value => f(context),
            _ => {
                let context = Context::from(value.clone());
                let out = f(&context);
                *cache = Some((value.clone(), context));
                out
            }
        }
    }

    /// Compiles `units` on every core.
    fn compile_all(&self, units: &[Unit]) -> Result<Vec<(String, Template)>> {
        let compile = |unit: &Unit| -> Result<(String, Template)> {
            Template::compile_with_name(&unit.text, unit.name.clone())
                .map(|t| (unit.name.clone(), t))
                .map_err(|e| self.template_error(&e))
        };
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(units.len());
        if threads <= 1 {
            return units.iter().map(compile).collect();
        }
        let mut by_size: Vec<&Unit> = units.iter().collect();
        by_size.sort_by_key(|u| std::cmp::Reverse(u.text.len()));
        let mut shares: Vec<Vec<&Unit>> = vec![Vec::new(); threads];
        let mut loads = vec![0usize; threads];
        for unit in by_size {
            let lightest = (0..threads).min_by_key(|i| loads[*i]).unwrap_or(0);
            loads[lightest] += unit.text.len();
            shares[lightest].push(unit);
        }
        std::thread::scope(|scope| {
            let handles: Vec<_> = shares
                .iter()
                .map(|share| {
                    scope.spawn(|| share.iter().map(|u| compile(u)).collect::<Result<Vec<_>>>())
                })
                .collect();
            let mut out = Vec::new();
            for handle in handles {
                out.extend(handle.join().expect("template compile thread panicked")?);
            }
            Ok(out)
        })
    }

    /// The template file and line offset behind a registry name.
    fn locate(&self, registry_name: Option<&str>) -> (Option<String>, usize) {
        match registry_name {
            Some(name) => match self.offsets.get(name) {
                Some((template, offset)) => (Some(template.clone()), *offset),
                None => (Some(name.to_string()), 0),
            },
            None => (None, 0),
        }
    }

    fn template_error(&self, e: &TemplateError) -> Error {
        let (name, offset) = self.locate(e.name().map(String::as_str));
        let mut location = origin_of(self.kit, name.as_deref());
        if let Some((line, column)) = e.pos() {
            location = format!("{location}:{}:{column}", line + offset);
        }
        Error::Template {
            location,
            message: e.reason().to_string(),
        }
    }

    fn render_error(&self, e: &RenderError, what: Option<&str>) -> Error {
        let (name, offset) = self.locate(e.template_name.as_deref());
        let mut location = match (name.as_deref(), what) {
            (Some(name), _) if name != INLINE && !name.is_empty() => {
                origin_of(self.kit, Some(name))
            }
            (_, Some(what)) => format!("{} ({what})", origin_of(self.kit, None)),
            _ => origin_of(self.kit, None),
        };
        if let (Some(line), Some(column)) = (e.line_no, e.column_no) {
            location = format!("{location}:{}:{column}", line + offset);
        }
        let message = match e.reason() {
            RenderErrorReason::TemplateError(t) => t.reason().to_string(),
            RenderErrorReason::MissingVariable(Some(var)) => {
                format!("unknown variable `{var}`; see docs/KITS.md for the template context")
            }
            RenderErrorReason::HelperNotFound(name) => format!(
                "unknown helper `{name}`; the helpers are snake, kebab, pascal, camel, shouty, title, upper, lower, json, join and handlebars' eq, ne, and, or, not, len (docs/KITS.md)"
            ),
            RenderErrorReason::PartialNotFound(name) => format!(
                "unknown partial `{name}`; a partial is another file of the kit, named by its path without .hbs (e.g. `{{{{> partials/auth.py}}}}`)"
            ),
            other => other.to_string(),
        };
        Error::Template { location, message }
    }
}

/// Rendered text, refused once it passes [`crate::repo::MAX_FILE_BYTES`].
#[derive(Default)]
struct Bounded {
    bytes: Vec<u8>,
    over: bool,
}

impl Bounded {
    fn into_string(self) -> String {
        // Handlebars writes whole `str`s, so the bytes are UTF-8.
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if (self.bytes.len() + buf.len()) as u64 > crate::repo::MAX_FILE_BYTES {
            self.over = true;
            return Err(std::io::Error::other("rendered text too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Fails when a template of `kit` reachable from `roots` includes itself through its
/// partials (`{{> a}}` in `a`, or `a` → `b` → `a`, inline partials included), or names a
/// partial by an expression, which cannot be checked.
fn check_partial_cycles<'a>(kit: &Kit, roots: impl Iterator<Item = &'a str>) -> Result<()> {
    let mut walk = PartialWalk {
        kit,
        inline: HashMap::new(),
        done: Vec::new(),
        path: Vec::new(),
    };
    for root in roots {
        walk.visit(root)?;
    }
    Ok(())
}

/// A depth-first walk of the partials of a kit (see [`check_partial_cycles`]).
struct PartialWalk<'k> {
    kit: &'k Kit,
    /// Inline partials (`{{#*inline "n"}}...{{/inline}}`) seen so far: name → includes.
    inline: HashMap<String, Vec<String>>,
    /// Templates whose includes are all checked.
    done: Vec<String>,
    /// The chain of includes that led to the template being visited.
    path: Vec<String>,
}

impl PartialWalk<'_> {
    fn visit(&mut self, name: &str) -> Result<()> {
        if self.done.iter().any(|d| d == name) {
            return Ok(());
        }
        if self.path.iter().any(|p| p == name) {
            let mut chain = self.path.clone();
            chain.push(name.to_string());
            return Err(Error::Template {
                location: origin_of(self.kit, Some(name)),
                message: format!(
                    "partial `{name}` includes itself ({}); a partial may not include itself, directly or through others",
                    chain.join(" → ")
                ),
            });
        }
        let includes = match self.kit.files.get(&format!("{name}.hbs")) {
            Some(file) => {
                for (def, body) in inline_partials(&file.content) {
                    self.inline
                        .entry(def)
                        .or_default()
                        .extend(partial_names(body));
                }
                partial_names(&file.content)
            }
            None => match self.inline.get(name) {
                Some(includes) => includes.clone(),
                // Unknown: handlebars reports it when rendering.
                None => return Ok(()),
            },
        };
        self.path.push(name.to_string());
        for include in includes {
            if include.starts_with('(') {
                return Err(Error::Template {
                    location: origin_of(self.kit, self.path.first().map(String::as_str)),
                    message: format!(
                        "partial named by an expression `{include}`; name partials literally (`{{{{> partials/x}}}}`), so integrate can check that none includes itself"
                    ),
                });
            }
            self.visit(&include)?;
        }
        self.path.pop();
        self.done.push(name.to_string());
        Ok(())
    }
}

/// The inline partials `{{#*inline "name"}}body{{/inline}}` defined in `text`.
fn inline_partials(text: &str) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{#*inline") {
        rest = &rest[start + "{{#*inline".len()..];
        let Some(close) = rest.find("}}") else {
            break;
        };
        let name = rest[..close]
            .trim()
            .trim_matches(['"', '\'', '~'])
            .trim()
            .to_string();
        rest = &rest[close + 2..];
        let end = rest.find("{{/inline").unwrap_or(rest.len());
        out.push((name, &rest[..end]));
        rest = &rest[end..];
    }
    out
}

/// Names of the partials `{{> name}}` / `{{#> name}}` a template includes.
fn partial_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        rest = &rest[start + 2..];
        let tag = rest.trim_start_matches(['~', '#']).trim_start();
        if let Some(after) = tag.strip_prefix('>') {
            let name: String = after
                .trim_start()
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '}' && *c != '~')
                .collect();
            if !name.is_empty() {
                names.push(name.trim_matches(['"', '\'']).to_string());
            }
        }
    }
    names
}

fn origin_of(kit: &Kit, template: Option<&str>) -> String {
    match template {
        Some(name) if name != INLINE => match kit.files.get(&format!("{name}.hbs")) {
            Some(file) => match &file.origin {
                Origin::Repo(path) => path.display().to_string(),
                Origin::Builtin(path) => format!("scaffolds/{path}"),
            },
            None => name.to_string(),
        },
        _ => match kit.files.get("kit.toml") {
            Some(file) => file.origin.to_string(),
            None => "kit.toml".to_string(),
        },
    }
}

/// Renders back the raw template lines lifted out by [`segments::lift_raw_lines`].
struct RawLines(Vec<String>);

impl handlebars::HelperDef for RawLines {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let line = h
            .param(0)
            .and_then(|p| p.value().as_u64())
            .and_then(|i| self.0.get(i as usize))
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("__raw", 0))?;
        out.write(line)?;
        Ok(())
    }
}

/// What the case helper `helper` (`snake`, `kebab`, ...) makes of `s`; `None` for another name.
pub fn case(helper: &str, s: &str) -> Option<String> {
    Some(match helper {
        "snake" => s.to_snake_case(),
        "kebab" => s.to_kebab_case(),
        "pascal" => s.to_pascal_case(),
        "camel" => s.to_lower_camel_case(),
        "shouty" => s.to_shouty_snake_case(),
        "title" => s.to_title_case(),
        "upper" => s.to_uppercase(),
        "lower" => s.to_lowercase(),
        _ => return None,
    })
}

/// A case helper: one string parameter, converted by [`case`].
struct CaseHelper(&'static str);

impl handlebars::HelperDef for CaseHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let param = h
            .param(0)
            .filter(|p| !(r.strict_mode() && p.is_value_missing()))
            .ok_or_else(|| RenderErrorReason::ParamNotFoundForName(self.0, "s".into()))?;
        let text = param
            .value()
            .as_str()
            .and_then(|s| case(self.0, s))
            .ok_or_else(|| {
                RenderErrorReason::ParamTypeMismatchForName(self.0, "s".into(), "str".into())
            })?;
        out.write(&text)?;
        Ok(())
    }
}

fn json_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let value = h
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("json", 0))?
        .value();
    out.write(&serde_json::to_string(value).unwrap_or_default())?;
    Ok(())
}

fn join_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let list = h
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("join", 0))?
        .value();
    let separator = h.param(1).and_then(|p| p.value().as_str()).unwrap_or(", ");
    let items: Vec<String> = match list {
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        other => vec![other.to_string()],
    };
    out.write(&items.join(separator))?;
    Ok(())
}

/// Registers the case helpers, `json` and `join` (see docs/KITS.md).
pub(crate) fn register_helpers(registry: &mut Handlebars<'static>) {
    for name in [
        "snake", "kebab", "pascal", "camel", "shouty", "title", "upper", "lower",
    ] {
        registry.register_helper(name, Box::new(CaseHelper(name)));
    }
    registry.register_helper("json", Box::new(json_helper));
    registry.register_helper("join", Box::new(join_helper));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::{KitFile, Manifest};
    use serde_json::json;

    fn kit(files: &[(&str, &str)]) -> Kit {
        let manifest: Manifest = toml::from_str("name = \"t\"").unwrap();
        Kit {
            manifest,
            files: files
                .iter()
                .map(|(p, c)| {
                    (
                        p.to_string(),
                        KitFile {
                            content: c.to_string(),
                            origin: Origin::Repo(format!(".integrate/kits/t/{p}").into()),
                        },
                    )
                })
                .collect(),
        }
    }

    /// Every built-in template renders the same compiled in pieces, and folded to text (which
    /// every one of them is, for every auth style and scheme), as compiled whole.
    #[test]
    fn pieces_render_like_the_whole_template() {
        use crate::choices::{AuthStyle, Choice, WebhookScheme};
        use crate::inputs::{resolve, Flags, Known, Mode};
        use crate::names::ServiceName;
        let mut cases: Vec<(AuthStyle, WebhookScheme)> = WebhookScheme::ALL
            .iter()
            .map(|s| (AuthStyle::Bearer, *s))
            .collect();
        cases.extend(
            AuthStyle::ALL
                .iter()
                .map(|a| (*a, WebhookScheme::HmacSha256)),
        );
        for kit_name in crate::kit::BUILTIN_ORDER {
            let kit = Kit::load(kit_name, None).unwrap();
            let paths: serde_json::Map<String, Value> = kit
                .manifest
                .paths
                .iter()
                .map(|(k, v)| {
                    let text = v.as_str().map(str::to_string).or_else(|| {
                        v.as_array()
                            .and_then(|a| a.first()?.as_str().map(str::to_string))
                    });
                    (k.clone(), Value::String(text.unwrap_or_default()))
                })
                .collect();
            let templates: Vec<&str> = kit
                .manifest
                .file
                .iter()
                .chain(&kit.manifest.init)
                .map(|f| f.template.as_str())
                .chain(kit.manifest.edit.iter().map(|e| e.template.as_str()))
                .collect();
            let renderer = Renderer::new(&kit, templates.iter().copied()).unwrap();
            for (auth, scheme) in &cases {
                let flags = Flags {
                    auth: Some(*auth),
                    webhooks: Some(true),
                    webhook_scheme: Some(*scheme),
                    events: Some(vec!["a.created".into(), "b.deleted".into()]),
                    ..Flags::default()
                };
                let service = ServiceName::parse("acme-pay", &kit.manifest.language).unwrap();
                let inputs = resolve(service, &flags, &Known::default(), Mode::Defaults).unwrap();
                let profile = crate::commands::default_profile(&kit);
                let context = crate::context::for_new(
                    &inputs,
                    kit_name,
                    &paths,
                    &profile,
                    &crate::context::AppFacts::default(),
                );
                let pruned =
                    Renderer::for_context(&kit, templates.iter().copied(), &context).unwrap();
                for template in &templates {
                    let whole = &kit.files[*template].content;
                    let expected = renderer.registry.render_template(whole, &context).unwrap();
                    let actual = renderer.render(template, &context).unwrap();
                    assert!(
                        actual == expected,
                        "{kit_name} {template} ({auth}, {scheme}) differs when compiled in pieces"
                    );
                    let actual = pruned.render(template, &context).unwrap();
                    assert!(
                        actual == expected,
                        "{kit_name} {template} ({auth}, {scheme}) differs when folded"
                    );
                    let name = template.strip_suffix(".hbs").unwrap_or(template);
                    assert!(
                        pruned.literals.contains_key(name),
                        "{kit_name} {template} ({auth}, {scheme}) does not fold to text"
                    );
                }
            }
        }
    }

    #[test]
    fn errors_in_later_pieces_keep_their_line_numbers() {
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&format!("line {i} {{{{x}}}}\n"));
        }
        text.push_str("  {{missing}}\n");
        let k = kit(&[("big.hbs", &text)]);
        let r = Renderer::new(&k, ["big"]).unwrap();
        assert!(r.pieces.contains_key("big"));
        let err = r.render("big", &json!({"x": 1})).unwrap_err().to_string();
        assert!(err.starts_with(".integrate/kits/t/big.hbs:201:3"), "{err}");
    }

    #[test]
    fn partials_are_registered_on_demand() {
        let k = kit(&[
            ("a.hbs", "[{{> partials/b.py}}]"),
            ("partials/b.py.hbs", "{{~> c~}}"),
            ("c.hbs", "c"),
            ("unused.hbs", "{{#if}}"),
        ]);
        let r = Renderer::new(&k, ["a"]).unwrap();
        assert_eq!(r.render("a", &json!({})).unwrap(), "[c]");
    }

    #[test]
    fn no_html_escaping_and_case_helpers() {
        let k = kit(&[(
            "a.hbs",
            "{{q}} {{pascal name}} {{shouty name}} {{json list}} {{join list \"|\"}}",
        )]);
        let r = Renderer::new(&k, ["a"]).unwrap();
        let out = r
            .render(
                "a.hbs",
                &json!({"q": "a=1&b=<T>", "name": "stripe-connect", "list": ["x", "y"]}),
            )
            .unwrap();
        assert_eq!(
            out,
            "a=1&b=<T> StripeConnect STRIPE_CONNECT [\"x\",\"y\"] x|y"
        );
    }

    #[test]
    fn unknown_variable_names_the_override_file_line_and_column() {
        let k = kit(&[("files/a.py.hbs", "ok\n  {{nope}}\n")]);
        let r = Renderer::new(&k, ["files/a.py.hbs"]).unwrap();
        let err = r.render("files/a.py", &json!({})).unwrap_err().to_string();
        assert!(
            err.starts_with(".integrate/kits/t/files/a.py.hbs:2:3"),
            "{err}"
        );
        assert!(err.contains("nope"), "{err}");
    }

    #[test]
    fn syntax_errors_and_unknown_partials_and_helpers_are_errors() {
        let k = kit(&[("bad.hbs", "x\n{{#if a}}")]);
        let err = Renderer::new(&k, ["bad"]).err().unwrap().to_string();
        assert!(err.starts_with(".integrate/kits/t/bad.hbs:"), "{err}");
        let k = kit(&[("p.hbs", "{{> nowhere}}"), ("h.hbs", "{{frobnicate 1}}")]);
        let r = Renderer::new(&k, ["p", "h"]).unwrap();
        assert!(r.render("p", &json!({})).is_err());
        assert!(r.render("h", &json!({})).is_err());
    }
}
