//! Template rendering: handlebars in strict mode, no HTML escaping, case helpers.

use handlebars::{
    handlebars_helper, Context, Handlebars, Helper, HelperResult, Output, RenderContext,
    RenderError, RenderErrorReason, Template, TemplateError,
};
use heck::{
    ToKebabCase, ToLowerCamelCase, ToPascalCase, ToShoutySnakeCase, ToSnakeCase, ToTitleCase,
};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::kit::{Kit, Origin};

/// A renderer holding every template of one kit.
pub struct Renderer<'k> {
    registry: Handlebars<'static>,
    kit: &'k Kit,
}

const INLINE: &str = "<inline>";

impl<'k> Renderer<'k> {
    /// Registers the templates `needed` (kit paths, with or without `.hbs`) and, transitively,
    /// the partials they include. Compiling is the costly part of a run, so templates a
    /// command does not use are never compiled.
    pub fn new<'a>(kit: &'k Kit, needed: impl IntoIterator<Item = &'a str>) -> Result<Self> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        register_helpers(&mut registry);
        let mut names: Vec<String> = Vec::new();
        let mut queue: Vec<String> = needed
            .into_iter()
            .map(|p| p.strip_suffix(".hbs").unwrap_or(p).to_string())
            .collect();
        while let Some(name) = queue.pop() {
            if names.contains(&name) {
                continue;
            }
            if let Some(file) = kit.files.get(&format!("{name}.hbs")) {
                queue.extend(partial_names(&file.content));
                names.push(name);
            }
        }
        for (name, template) in compile_all(kit, &names)? {
            registry.register_template(&name, template);
        }
        Ok(Self { registry, kit })
    }

    /// Renders the kit template at `path` (with or without `.hbs`).
    pub fn render(&self, path: &str, context: &Value) -> Result<String> {
        let name = path.strip_suffix(".hbs").unwrap_or(path);
        if !self.registry.has_template(name) {
            return Err(Error::Invalid {
                path: format!("kit `{}`", self.kit.name()).into(),
                message: format!(
                    "template `{path}` does not exist; add it under scaffolds/{kit}/ or .integrate/kits/{kit}/",
                    kit = self.kit.name()
                ),
            });
        }
        self.registry
            .render(name, context)
            .map_err(|e| render_error(self.kit, &e, None))
    }

    /// Renders a one-line template such as an output path from the manifest.
    pub fn render_inline(&self, template: &str, context: &Value, what: &str) -> Result<String> {
        self.registry
            .render_template(template, context)
            .map_err(|e| render_error(self.kit, &e, Some(what)))
    }
}

/// Compiles the kit templates `names` on every core: compiling dominates a run's time.
fn compile_all(kit: &Kit, names: &[String]) -> Result<Vec<(String, Template)>> {
    let compile = |name: &String| -> Result<(String, Template)> {
        let file = &kit.files[&format!("{name}.hbs")];
        Template::compile_with_name(&file.content, name.clone())
            .map(|t| (name.clone(), t))
            .map_err(|e| template_error(kit, &e))
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(names.len());
    if threads <= 1 {
        return names.iter().map(compile).collect();
    }
    let mut by_size: Vec<&String> = names.iter().collect();
    by_size.sort_by_key(|n| std::cmp::Reverse(kit.files[&format!("{n}.hbs")].content.len()));
    let mut shares: Vec<Vec<&String>> = vec![Vec::new(); threads];
    let mut loads = vec![0usize; threads];
    for name in by_size {
        let lightest = (0..threads).min_by_key(|i| loads[*i]).unwrap_or(0);
        loads[lightest] += kit.files[&format!("{name}.hbs")].content.len();
        shares[lightest].push(name);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .iter()
            .map(|share| {
                scope.spawn(|| share.iter().map(|n| compile(n)).collect::<Result<Vec<_>>>())
            })
            .collect();
        let mut out = Vec::new();
        for handle in handles {
            out.extend(handle.join().expect("template compile thread panicked")?);
        }
        Ok(out)
    })
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

fn template_error(kit: &Kit, e: &TemplateError) -> Error {
    let mut location = origin_of(kit, e.name().map(String::as_str));
    if let Some((line, column)) = e.pos() {
        location = format!("{location}:{line}:{column}");
    }
    Error::Template {
        location,
        message: e.reason().to_string(),
    }
}

fn render_error(kit: &Kit, e: &RenderError, what: Option<&str>) -> Error {
    let mut location = match (e.template_name.as_deref(), what) {
        (Some(name), _) if name != INLINE && !name.is_empty() => origin_of(kit, Some(name)),
        (_, Some(what)) => format!("{} ({what})", origin_of(kit, None)),
        _ => origin_of(kit, None),
    };
    if let (Some(line), Some(column)) = (e.line_no, e.column_no) {
        location = format!("{location}:{line}:{column}");
    }
    let message = match e.reason() {
        RenderErrorReason::TemplateError(t) => t.reason().to_string(),
        RenderErrorReason::MissingVariable(Some(var)) => {
            format!("unknown variable `{var}`; see docs/KITS.md for the template context")
        }
        other => other.to_string(),
    };
    Error::Template { location, message }
}

handlebars_helper!(snake: |s: str| s.to_snake_case());
handlebars_helper!(kebab: |s: str| s.to_kebab_case());
handlebars_helper!(pascal: |s: str| s.to_pascal_case());
handlebars_helper!(camel: |s: str| s.to_lower_camel_case());
handlebars_helper!(shouty: |s: str| s.to_shouty_snake_case());
handlebars_helper!(title: |s: str| s.to_title_case());
handlebars_helper!(upper: |s: str| s.to_uppercase());
handlebars_helper!(lower: |s: str| s.to_lowercase());

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

fn register_helpers(registry: &mut Handlebars<'static>) {
    registry.register_helper("snake", Box::new(snake));
    registry.register_helper("kebab", Box::new(kebab));
    registry.register_helper("pascal", Box::new(pascal));
    registry.register_helper("camel", Box::new(camel));
    registry.register_helper("shouty", Box::new(shouty));
    registry.register_helper("title", Box::new(title));
    registry.register_helper("upper", Box::new(upper));
    registry.register_helper("lower", Box::new(lower));
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
