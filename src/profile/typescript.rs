//! TypeScript: package manager, test runner, framework (Next.js, Express, Hono), the
//! compiler settings that decide what generated code may use (tsconfig `target`, `lib`,
//! module resolution; the TypeScript version), the source layout, the env example file,
//! and where a webhook route is wired.

use std::path::Path;

use serde_json::{Map, Value};

use super::node::{self, Package, Version};
use super::{is_dir, is_file, join, read, Profile};
use crate::error::{Error, Result};

/// The oldest TypeScript the generated code is checked against.
const MIN_TYPESCRIPT: Version = (4, 7, 0);

/// The first TypeScript whose DOM types declare `AbortSignal.any`.
const ABORT_ANY: Version = (5, 5, 0);

/// Env example files, in the order one is preferred when several exist.
const ENV_FILES: &[&str] = &[
    ".env.example",
    ".env.sample",
    ".env.local.example",
    ".env.template",
    ".env.dist",
    "env.example",
    "example.env",
];

/// Files an Express or Hono app is usually created in, in the order they are tried.
const APP_FILES: &[&str] = &[
    "src/app.ts",
    "src/main.ts",
    "src/server.ts",
    "src/index.ts",
    "app.ts",
    "main.ts",
    "server.ts",
    "index.ts",
    "src/app/app.ts",
    "src/api/app.ts",
    "src/server/app.ts",
    "src/server/index.ts",
];

/// The `[profile]` keys whose values are one of a few words, with those words.
const CHOICES: &[(&str, &[&str])] = &[
    ("test_runner", &["vitest", "jest", "none"]),
    ("jest_api", &["import", "globals"]),
    (
        "framework",
        &["next-app", "next-pages", "express", "hono", "none"],
    ),
    ("imports", &["js-extension", "extensionless"]),
    ("private_fields", &["hash", "ts"]),
    ("abort_signal", &["any", "fallback"]),
];

/// Detects a TypeScript project's profile.
pub fn detect(root: &Path) -> Result<Profile> {
    let mut profile = Profile::default();
    let package = match Package::load(root) {
        Ok(Some(package)) => package,
        Ok(None) => return Ok(profile),
        Err(message) => {
            return Err(Error::Invalid {
                path: "package.json".into(),
                message,
            })
        }
    };
    let (manager, because) = node::package_manager(root, &package);
    profile.saw(format!("package manager {manager} ({because})"));
    profile.fact("package_manager", manager);

    let typescript = typescript_version(root, &package);
    match &typescript {
        Some((v, from)) => {
            profile.saw(format!("TypeScript {} ({from})", show(*v)));
            if *v < MIN_TYPESCRIPT {
                return Err(Error::Invalid {
                    path: from.split(' ').next().unwrap_or("package.json").into(),
                    message: format!(
                        "pins TypeScript {}, but integrate's generated code needs TypeScript {} or later (inline `type` imports, DOM types of fetch and AbortController); upgrade it (`{} typescript@5`) and run `integrate init` again",
                        show(*v),
                        show(MIN_TYPESCRIPT),
                        install_verb(manager)
                    ),
                });
            }
            profile.fact("typescript", show(*v));
        }
        None => profile.saw("TypeScript version unknown (no typescript in package.json or a lockfile): generated code assumes an older one"),
    }

    let config = tsconfig_file(root);
    let (options, files) = node::tsconfig(root, &config).map_err(|message| {
        let (path, message) = message.split_once(": ").unwrap_or((&config, &message));
        Error::Invalid {
            path: path.into(),
            message: format!("{message}; fix it and run `integrate init` again"),
        }
    })?;
    let compiler = Compiler::from_options(&options);
    profile.saw(format!(
        "{} ({}): target {}, lib {}, module {}, moduleResolution {}",
        config,
        if files.len() > 1 {
            format!("extends {}", files[1..].join(" → "))
        } else {
            "no extends".into()
        },
        compiler.target_label(),
        compiler.lib_label(),
        compiler.module.as_deref().unwrap_or("(default)"),
        compiler.resolution()
    ));
    if let Some(missing) = compiler.missing_lib() {
        return Err(Error::Invalid {
            path: files.last().cloned().unwrap_or(config).into(),
            message: format!(
                "compilerOptions {} lacks {missing}, which integrate's generated code uses; add \"es2019\" (or later) to compilerOptions.lib (keeping \"dom\" if it is there) and run `integrate init` again",
                compiler.lib_label()
            ),
        });
    }
    profile.fact("target", compiler.target_label());
    profile.fact("lib", compiler.lib_label());
    profile.fact("module_resolution", compiler.resolution());
    let es5 = compiler.target_year() < 2015;
    profile.fact("private_fields", if es5 { "ts" } else { "hash" });
    if es5 {
        profile.saw(format!(
            "target {}: generated classes keep private state in TypeScript `private` fields (no #private) and iterate no Map or Set",
            compiler.target_label()
        ));
    }
    let extensionless = !matches!(compiler.resolution().as_str(), "node16" | "nodenext");
    profile.fact(
        "imports",
        if extensionless {
            "extensionless"
        } else {
            "js-extension"
        },
    );
    let native_any =
        typescript.as_ref().is_some_and(|(v, _)| *v >= ABORT_ANY) && compiler.has_dom();
    profile.fact("abort_signal", if native_any { "any" } else { "fallback" });
    if !native_any {
        profile.saw("AbortSignal.any is not in this TypeScript's DOM types: generated clients combine their signals with an AbortController");
    }
    if let Some(paths) = options.get("paths").and_then(Value::as_object) {
        let aliases: Vec<&str> = paths.keys().map(String::as_str).take(4).collect();
        if !aliases.is_empty() {
            profile.saw(format!("path aliases {}", aliases.join(", ")));
        }
    }

    let base = source_base(root, &options);
    let providers_dir = join(&base, "providers");
    let webhooks_dir = join(&base, "api/webhooks");
    profile.saw(format!(
        "sources under {}/: providers in {providers_dir}, webhook handlers in {webhooks_dir}",
        if base.is_empty() { "." } else { &base }
    ));
    profile.path("providers_dir", &providers_dir);
    profile.path("webhooks_dir", &webhooks_dir);

    if let Some(env_file) = ENV_FILES.iter().find(|f| is_file(root, f)) {
        profile.saw(format!("env example file {env_file}"));
        profile.path("env_file", *env_file);
    }

    test_runner(root, &package, &mut profile);
    if !package.has("@types/node") {
        profile.saw("no @types/node: init adds it to devDependencies (generated code uses node:crypto and Buffer)");
        profile.fact("add_types_node", "^20.11.0");
    } else {
        profile.fact("add_types_node", "");
    }
    framework(root, &package, &webhooks_dir, &mut profile)?;
    Ok(profile)
}

/// Checks the `[profile]` of a record before templates see it: each fact with a fixed set
/// of values holds one of them, and the facts written into generated code are plain
/// relative paths, identifiers and version ranges.
pub fn check(paths: &Map<String, Value>, profile: &Map<String, Value>) -> Result<()> {
    for key in ["providers_dir", "webhooks_dir", "next_app_dir"] {
        let value = paths.get(key).and_then(Value::as_str).unwrap_or_default();
        let plain = value.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '.' | '/' | '_' | '-' | '@' | '(' | ')' | '[' | ']')
        });
        if !plain || value.split('/').any(|part| part == "..") {
            return Err(Error::Invalid {
                path: crate::repo::RECORD_FILE.into(),
                message: format!(
                    "`paths.{key} = {value:?}` must be a plain relative folder (letters, digits, `_ - . @ ( ) [ ]`, no `..`): generated imports name it"
                ),
            });
        }
    }
    let text = |key: &str| profile.get(key).and_then(Value::as_str).unwrap_or_default();
    let invalid = |key: &str, what: &str| Error::Invalid {
        path: crate::repo::RECORD_FILE.into(),
        message: format!(
            "`profile.{key} = {:?}` {what}; correct it, or run `integrate init` again to detect it",
            text(key)
        ),
    };
    for (key, choices) in CHOICES {
        if profile.contains_key(*key) && !choices.contains(&text(key)) {
            return Err(invalid(
                key,
                &format!("must be one of: {}", choices.join(", ")),
            ));
        }
    }
    for key in ["express_app", "hono_app"] {
        let value = text(key);
        if !value.is_empty() && !is_identifier(value) {
            return Err(invalid(key, "must be a JavaScript identifier"));
        }
    }
    for key in ["express_import", "hono_import"] {
        let value = text(key);
        if !value.is_empty() && !is_relative_specifier(value) {
            return Err(invalid(
                key,
                "must be a relative import path (`./api/webhooks`, `../lib`)",
            ));
        }
    }
    let root = text("next_route_root");
    if !root.is_empty() && !root.split_inclusive('/').all(|p| p == "../") {
        return Err(invalid("next_route_root", "must be `../` repeated"));
    }
    for key in ["add_types_node", "add_jest_globals"] {
        if !is_range(text(key)) {
            return Err(invalid(
                key,
                "must be empty or a version range such as ^29.7.0",
            ));
        }
    }
    Ok(())
}

fn show((major, minor, patch): Version) -> String {
    format!("{major}.{minor}.{patch}")
}

fn install_verb(manager: &str) -> &'static str {
    match manager {
        "npm" => "npm install -D",
        "pnpm" => "pnpm add -D",
        "yarn" => "yarn add -D",
        _ => "bun add -d",
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

fn is_relative_specifier(text: &str) -> bool {
    (text == "." || text.starts_with("./") || text.starts_with("../"))
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '_' | '-' | '@'))
        && !text.ends_with('/')
}

fn is_range(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, '.' | '^' | '~' | '<' | '>' | '=' | '|' | ' ' | '*' | '-')
    })
}

/// The TypeScript version: installed or locked, else the lowest the declared range admits.
fn typescript_version(root: &Path, package: &Package) -> Option<(Version, String)> {
    if let Some((version, from)) = node::locked_version(root, "typescript") {
        return Some((version, from));
    }
    let range = package.range("typescript")?;
    let floor = node::range_floor(range)?;
    Some((floor, format!("package.json \"typescript\": {range:?}")))
}

/// The tsconfig that describes the app's own code: `tsconfig.json`, or an app config
/// beside it when `tsconfig.json` only holds references (Nx, Angular, Vite templates).
fn tsconfig_file(root: &Path) -> String {
    let main = "tsconfig.json".to_string();
    let only_references = read(root, &main)
        .and_then(|t| node::parse_jsonc(&t).ok())
        .is_some_and(|json| {
            json.get("references").is_some()
                && json
                    .get("compilerOptions")
                    .and_then(|o| o.get("target"))
                    .is_none()
        });
    if only_references {
        for app in ["tsconfig.app.json", "tsconfig.node.json"] {
            if is_file(root, app) {
                return app.to_string();
            }
        }
    }
    main
}

/// The compiler options that decide what generated code may use.
#[derive(Debug, Clone, Default)]
struct Compiler {
    target: Option<String>,
    lib: Option<Vec<String>>,
    module: Option<String>,
    module_resolution: Option<String>,
}

impl Compiler {
    fn from_options(options: &Map<String, Value>) -> Self {
        let lower = |key: &str| {
            options
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
        };
        Compiler {
            target: lower("target"),
            lib: options.get("lib").and_then(Value::as_array).map(|list| {
                list.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_ascii_lowercase)
                    .collect()
            }),
            module: lower("module"),
            module_resolution: lower("moduleResolution"),
        }
    }

    /// The target, `es5` when unset (TypeScript's default).
    fn target_label(&self) -> String {
        self.target.clone().unwrap_or_else(|| "es5".into())
    }

    fn lib_label(&self) -> String {
        match &self.lib {
            Some(lib) => format!("[{}]", lib.join(", ")),
            None => "(default for the target)".into(),
        }
    }

    /// The ECMAScript year of the target (`es5` → 2009, `esnext` → 9999).
    fn target_year(&self) -> u32 {
        es_year(&self.target_label()).unwrap_or(2009)
    }

    /// The newest ECMAScript year the libs declare.
    fn lib_year(&self) -> u32 {
        match &self.lib {
            Some(lib) => lib
                .iter()
                .filter_map(|l| es_year(l.split('.').next().unwrap_or(l)))
                .max()
                .unwrap_or(0),
            None => self.target_year(),
        }
    }

    /// Whether the DOM types are in (explicitly, or as the default libs).
    fn has_dom(&self) -> bool {
        self.lib
            .as_ref()
            .is_none_or(|lib| lib.iter().any(|l| l == "dom"))
    }

    /// What the libs lack that generated code uses, in words.
    fn missing_lib(&self) -> Option<String> {
        let year = self.lib_year();
        if year < 2015 {
            Some("ES2015 (Map, Set, Promise)".into())
        } else if year < 2019 {
            Some("ES2019 (Object.entries, Object.fromEntries, Promise.prototype.finally)".into())
        } else {
            None
        }
    }

    /// The module resolution in effect.
    fn resolution(&self) -> String {
        if let Some(explicit) = &self.module_resolution {
            return match explicit.as_str() {
                "node" => "node10".into(),
                other => other.into(),
            };
        }
        match self.module.as_deref() {
            Some("node16") => "node16".into(),
            Some("nodenext") => "nodenext".into(),
            Some("preserve") => "bundler".into(),
            _ => "node10".into(),
        }
    }
}

/// The year of an ECMAScript target or lib name: `es5` 2009, `es6`/`es2015` 2015, `esnext` 9999.
fn es_year(name: &str) -> Option<u32> {
    match name {
        "es3" => Some(1999),
        "es5" => Some(2009),
        "es6" => Some(2015),
        "esnext" => Some(9999),
        other => other.strip_prefix("es")?.parse().ok(),
    }
}

/// The folder sources live in: `src` when it exists (or is the only `include`), else
/// `lib` for a Next.js app without `src/`, else the root.
fn source_base(root: &Path, options: &Map<String, Value>) -> String {
    if is_dir(root, "src") {
        return "src".into();
    }
    if let Some(root_dir) = options.get("rootDir").and_then(Value::as_str) {
        let dir = root_dir.trim_start_matches("./").trim_end_matches('/');
        if !dir.is_empty() && dir != "." && is_dir(root, dir) {
            return dir.to_string();
        }
    }
    if is_dir(root, "lib") {
        return "lib".into();
    }
    String::new()
}

/// Test runner facts: `test_runner`, and for jest how tests reach its API.
fn test_runner(root: &Path, package: &Package, profile: &mut Profile) {
    let test_script = package.script("test").unwrap_or_default();
    let config = |stem: &str| {
        ["ts", "mts", "js", "mjs", "cjs", "json"]
            .iter()
            .map(|ext| format!("{stem}.config.{ext}"))
            .find(|f| is_file(root, f))
    };
    let vitest = package.has("vitest") || config("vitest").is_some();
    let jest = package.has("jest") || config("jest").is_some() || package.json.contains_key("jest");
    let runner = match (vitest, jest) {
        (true, true) if node::runs(test_script, "jest") => "jest",
        (true, _) => "vitest",
        (false, true) => "jest",
        (false, false) => "none",
    };
    profile.fact("test_runner", runner);
    match runner {
        "vitest" => profile.saw(format!(
            "tests run with vitest ({})",
            config("vitest").unwrap_or_else(|| "package.json".into())
        )),
        "jest" => {
            let transform = ["ts-jest", "@swc/jest", "babel-jest", "next"]
                .into_iter()
                .find(|t| package.has(t))
                .map(|t| if t == "next" { "next/jest" } else { t })
                .unwrap_or("its own transform");
            let source = config("jest").unwrap_or_else(|| "package.json".into());
            let api = if package.has("@jest/globals") {
                "import"
            } else if package.has("@types/jest") {
                "globals"
            } else {
                "import"
            };
            let add = if api == "import" && !package.has("@jest/globals") {
                package.range("jest").unwrap_or("^29.7.0").to_string()
            } else {
                String::new()
            };
            profile.saw(format!(
                "tests run with jest ({source}, {transform}); generated tests use {}",
                match api {
                    "globals" => "jest's globals (@types/jest)".to_string(),
                    _ if add.is_empty() => "@jest/globals".to_string(),
                    _ => format!("@jest/globals, which init adds to devDependencies ({add})"),
                }
            ));
            profile.fact("jest_api", api);
            profile.fact("add_jest_globals", if is_range(&add) { add } else { String::new() });
        }
        _ => profile.saw("no test runner (vitest or jest): integrate generates no test files; add vitest or jest and run `integrate init` again to get them"),
    }
}

/// Framework facts and where a webhook route is wired.
fn framework(
    root: &Path,
    package: &Package,
    webhooks_dir: &str,
    profile: &mut Profile,
) -> Result<()> {
    if package.has("next") {
        let app_dir = ["src/app", "app"].into_iter().find(|d| is_dir(root, d));
        match app_dir {
            Some(app_dir) => {
                profile.fact("framework", "next-app");
                profile.path("next_app_dir", app_dir);
                // The route file is <app_dir>/api/webhooks/<svc>/route.ts.
                let depth = app_dir.split('/').count() + 3;
                profile.fact("next_route_root", "../".repeat(depth));
                profile.saw(format!(
                    "Next.js App Router ({app_dir}/): webhook routes go to {app_dir}/api/webhooks/<service>/route.ts"
                ));
            }
            None => {
                profile.fact("framework", "next-pages");
                profile.saw("Next.js Pages Router: mount the webhook handlers yourself (see each integration's README)");
            }
        }
        return Ok(());
    }
    for (name, dependency) in [("express", "express"), ("hono", "hono")] {
        if !package.has(dependency) {
            continue;
        }
        profile.fact("framework", name);
        let Some(app) = find_app(root, name) else {
            profile.saw(format!(
                "{} app: no file creating it found among {}; webhook routes are not mounted (set `paths.app_file` and run `integrate init` again)",
                title(name),
                APP_FILES.join(", ")
            ));
            return Ok(());
        };
        let import = relative_import(&app.file, webhooks_dir);
        profile.path("app_file", &app.file);
        profile.fact(&format!("{name}_app"), &app.var);
        profile.fact(&format!("{name}_import"), &import);
        profile.fact(
            &format!("{name}_mount_before"),
            app.before.clone().unwrap_or_default(),
        );
        match &app.before {
            Some(line) => profile.saw(format!(
                "{} app `{}` in {}: webhook routes are mounted above `{line}`{}",
                title(name),
                app.var,
                app.file,
                if name == "express" {
                    " (before any body parser, so they read the raw body)"
                } else {
                    ""
                }
            )),
            None => profile.saw(format!(
                "{} app `{}` in {}: no top-level line to mount webhook routes above; `new --webhooks` asks for an `// integrate:webhooks` line there",
                title(name),
                app.var,
                app.file
            )),
        }
        return Ok(());
    }
    profile.fact("framework", "none");
    profile.saw("no Next.js, Express or Hono: webhook handlers take a Request and return a Response; mount them yourself (see each integration's README)");
    Ok(())
}

fn title(name: &str) -> &'static str {
    match name {
        "express" => "Express",
        _ => "Hono",
    }
}

/// Where an Express or Hono app is created, and the line its routes go above.
struct App {
    file: String,
    var: String,
    before: Option<String>,
}

fn find_app(root: &Path, framework: &str) -> Option<App> {
    APP_FILES.iter().find_map(|file| {
        let text = read(root, file)?;
        let (var, at) = app_variable(&text, framework)?;
        Some(App {
            file: file.to_string(),
            before: mount_line(&text, &var, at, framework),
            var,
        })
    })
}

/// The variable a top-level `const app = express()` / `new Hono()` binds, and its line.
fn app_variable(text: &str, framework: &str) -> Option<(String, usize)> {
    text.lines().enumerate().find_map(|(index, line)| {
        let rest = line
            .strip_prefix("const ")
            .or_else(|| line.strip_prefix("export const "))
            .or_else(|| line.strip_prefix("let "))?;
        let (name, value) = rest.split_once('=')?;
        let name = name.split(':').next()?.trim();
        let value = value.trim_start();
        let creates = match framework {
            "express" => value.starts_with("express()"),
            _ => value.starts_with("new Hono(") || value.starts_with("new OpenAPIHono("),
        };
        (creates && is_identifier(name)).then(|| (name.to_string(), index))
    })
}

/// The top-level line after the app's creation that webhook routes go above: for Express
/// the first app-wide middleware (`app.use(...)`, so body parsers come after), else the
/// first route or `listen`; for Hono the first route, `export default` or `serve(`.
fn mount_line(text: &str, var: &str, created: usize, framework: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let call = format!("{var}.");
    let found = lines.iter().skip(created + 1).find(|line| {
        if line.starts_with([' ', '\t']) {
            return false;
        }
        match framework {
            "express" => line.starts_with(&call),
            _ => {
                line.starts_with(&call)
                    || line.starts_with("export default")
                    || line.starts_with("serve(")
            }
        }
    })?;
    let trimmed = found.trim();
    // The block editor finds the line again as the first one with this trimmed text.
    let first = lines.iter().position(|l| l.trim() == trimmed)?;
    std::ptr::eq(lines[first], *found).then(|| trimmed.to_string())
}

/// The import specifier of folder `to` from file `from` (both relative to the root).
fn relative_import(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from
        .rsplit_once('/')
        .map_or(Vec::new(), |(d, _)| d.split('/').collect());
    let to: Vec<&str> = to.split('/').filter(|p| !p.is_empty()).collect();
    let common = from_dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = from_dir.len() - common;
    let rest = to[common..].join("/");
    let prefix = if ups == 0 {
        "./".to_string()
    } else {
        "../".repeat(ups)
    };
    let joined = format!("{prefix}{rest}");
    joined.trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_imports() {
        assert_eq!(
            relative_import("src/main.ts", "src/api/webhooks"),
            "./api/webhooks"
        );
        assert_eq!(
            relative_import("main.ts", "src/api/webhooks"),
            "./src/api/webhooks"
        );
        assert_eq!(
            relative_import("src/server/app.ts", "src/api/webhooks"),
            "../api/webhooks"
        );
        assert_eq!(relative_import("src/api/app.ts", "src/api"), ".");
    }

    #[test]
    fn the_express_mount_goes_above_the_first_middleware() {
        let text = "import express from 'express';\nconst app = express();\n\n/** config */\napp.use(cors());\napp.use(bodyParser.json());\n";
        let (var, at) = app_variable(text, "express").unwrap();
        assert_eq!((var.as_str(), at), ("app", 1));
        assert_eq!(
            mount_line(text, "app", at, "express").as_deref(),
            Some("app.use(cors());")
        );
        let nested = "const server = express();\nfunction setup() {\n  server.use(json());\n}\n";
        let (var, at) = app_variable(nested, "express").unwrap();
        assert_eq!(mount_line(nested, &var, at, "express"), None);
        let hono = "const app = new Hono()\n\nexport default app\n";
        let (var, at) = app_variable(hono, "hono").unwrap();
        assert_eq!(
            mount_line(hono, &var, at, "hono").as_deref(),
            Some("export default app")
        );
    }

    #[test]
    fn compiler_settings() {
        let options: Map<String, Value> = serde_json::from_str(
            r#"{"target": "ES5", "lib": ["dom", "dom.iterable", "esnext"], "module": "esnext", "moduleResolution": "node"}"#,
        )
        .unwrap();
        let compiler = Compiler::from_options(&options);
        assert_eq!(compiler.target_year(), 2009);
        assert_eq!(compiler.missing_lib(), None);
        assert!(compiler.has_dom());
        assert_eq!(compiler.resolution(), "node10");
        let compiler = Compiler::from_options(
            &serde_json::from_str(r#"{"target": "es6", "module": "nodenext"}"#).unwrap(),
        );
        assert!(compiler.missing_lib().unwrap().starts_with("ES2019"));
        assert_eq!(compiler.resolution(), "nodenext");
        let compiler =
            Compiler::from_options(&serde_json::from_str(r#"{"lib": ["es5", "dom"]}"#).unwrap());
        assert!(compiler.missing_lib().unwrap().starts_with("ES2015"));
    }

    #[test]
    fn check_refuses_values_that_would_leave_their_literal() {
        let ok: Map<String, Value> = serde_json::from_str(
            r#"{"test_runner": "jest", "express_app": "app", "express_import": "./api/webhooks", "next_route_root": "../../../../", "add_jest_globals": "^29.7.0"}"#,
        )
        .unwrap();
        let paths = Map::new();
        check(&paths, &ok).unwrap();
        for (key, bad) in [
            ("test_runner", "mocha"),
            ("express_app", "app; evil()"),
            ("express_import", "\"; evil(); \""),
            ("next_route_root", "../x/"),
            ("add_jest_globals", "\"}"),
        ] {
            let mut profile = ok.clone();
            profile.insert(key.into(), Value::String(bad.into()));
            let message = check(&paths, &profile).unwrap_err().to_string();
            assert!(message.contains(&format!("profile.{key}")), "{message}");
        }
    }
}
