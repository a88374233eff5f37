//! What source and config text says about outside services: env vars it reads, SDKs it
//! imports, settings it assigns, outgoing webhook calls it makes, and which deployment stage
//! an env or settings file belongs to. Pure: text in, `(line, name)` out; lines are 1-based.

/// Calls that read an env var whose name follows as a quoted string: Python (`os.environ`,
/// `os.getenv`, django-environ's `env(...)`/`env.str(...)`, python-decouple's `config(...)`),
/// Ruby (`ENV[...]`, `ENV.fetch(...)`), JavaScript (`process.env[...]`, `Deno.env.get`),
/// Rust (`std::env::var`, `env::var_os`, `dotenvy::var`).
const QUOTED_READS: &[&str] = &[
    "os.environ[",
    "os.environ.get(",
    "os.getenv(",
    "environ.get(",
    "env(",
    "env.str(",
    "env.bool(",
    "env.int(",
    "env.float(",
    "env.list(",
    "env.url(",
    "env.json(",
    "env.db(",
    "env.db_url(",
    "env.cache(",
    "env.cache_url(",
    "env.email_url(",
    "config(",
    "ENV[",
    "ENV.fetch(",
    "process.env[",
    "Deno.env.get(",
    "env::var(",
    "env::var_os(",
    "dotenvy::var(",
    "dotenv::var(",
];

/// django-environ readers whose variable defaults to a well-known name when none is given.
const DEFAULT_NAMED: &[(&str, &str)] = &[
    ("env.db()", "DATABASE_URL"),
    ("env.db_url()", "DATABASE_URL"),
    ("env.cache()", "CACHE_URL"),
    ("env.cache_url()", "CACHE_URL"),
    ("env.email_url()", "EMAIL_URL"),
];

/// Whether `name` looks like an env var: upper case letters, digits and `_`, starting with
/// a letter, at least two characters.
pub fn is_env_name(name: &str) -> bool {
    name.len() >= 2
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The identifier at the start of `text`.
fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// Whether the line is a whole-line comment in any of the languages scanned.
fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//") || t.starts_with("/*") || t.starts_with('*')
}

/// `(line, name)` of every env var read in source `text`.
pub fn env_reads(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if is_comment(line)
            || !(line.contains("env") || line.contains("ENV") || line.contains("config("))
        {
            continue;
        }
        let mut push = |name: &str| {
            if is_env_name(name) && !out.iter().any(|(l, n)| *l == index + 1 && n == name) {
                out.push((index + 1, name.to_string()));
            }
        };
        for trigger in QUOTED_READS {
            for (at, _) in line.match_indices(trigger) {
                // `env(` and `config(` must be a whole word (not `getenv(`, `app.config(`).
                let before = line[..at].chars().next_back();
                if matches!(*trigger, "env(" | "config(" | "environ.get(")
                    && before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                {
                    continue;
                }
                let rest = line[at + trigger.len()..].trim_start();
                if let Some(quoted) = rest.strip_prefix(['"', '\'']) {
                    push(ident(quoted));
                }
            }
        }
        for (call, name) in DEFAULT_NAMED {
            if line.contains(call) {
                push(name);
            }
        }
        for (at, _) in line.match_indices("process.env.") {
            push(ident(&line[at + "process.env.".len()..]));
        }
        for (at, _) in line.match_indices("import.meta.env.") {
            push(ident(&line[at + "import.meta.env.".len()..]));
        }
    }
    out
}

/// `(line, module)` of every module imported in source `text` (`import x`, `from x import`,
/// `require "x"`, `from "x"`, `require("x")`, `use x::`, `extern crate x`). The module is
/// its top-level name (a scoped npm package keeps its scope).
pub fn imports(ext: &str, text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let module: Option<String> = match ext {
            "py" => t
                .strip_prefix("import ")
                .or_else(|| t.strip_prefix("from "))
                .map(|rest| ident(rest.trim_start()).to_string()),
            "rb" => t
                .strip_prefix("require ")
                .or_else(|| t.strip_prefix("require("))
                .and_then(quoted)
                .map(|m| m.split('/').next().unwrap_or(&m).to_string()),
            "rs" => t
                .strip_prefix("use ")
                .or_else(|| t.strip_prefix("pub use "))
                .or_else(|| t.strip_prefix("extern crate "))
                .map(|rest| ident(rest.trim_start()).to_string())
                .filter(|m| !matches!(m.as_str(), "crate" | "self" | "super" | "std")),
            _ => {
                let spec = t
                    .find(" from ")
                    .filter(|_| t.starts_with("import ") || t.starts_with("export "))
                    .and_then(|at| quoted(&t[at + 6..]))
                    .or_else(|| {
                        t.find("require(")
                            .and_then(|at| quoted(&t[at + "require(".len()..]))
                    })
                    .or_else(|| t.strip_prefix("import ").and_then(quoted));
                spec.filter(|s| !s.starts_with('.') && !s.starts_with('/'))
                    .map(|s| npm_package(&s))
            }
        };
        if let Some(module) = module.filter(|m| !m.is_empty()) {
            out.push((index + 1, module));
        }
    }
    out
}

/// The npm package of an import specifier: `@scope/name/x` → `@scope/name`, `name/x` → `name`.
fn npm_package(spec: &str) -> String {
    let mut parts = spec.split('/');
    let first = parts.next().unwrap_or_default();
    if first.starts_with('@') {
        format!("{first}/{}", parts.next().unwrap_or_default())
    } else {
        first.to_string()
    }
}

/// The first quoted string at the start of `text` (after spaces).
fn quoted(text: &str) -> Option<String> {
    let text = text.trim_start();
    let quote = text
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    text[1..].split(quote).next().map(str::to_string)
}

/// `(line, name)` of every top-level upper-case assignment in a settings file
/// (`STRIPE_SECRET_KEY = env(...)`, `LOOPS = {`): the settings a service block defines.
pub fn settings(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(index, line)| {
            if line.starts_with([' ', '\t']) {
                return None;
            }
            let (name, rest) = line.split_once('=')?;
            let name = name.trim().trim_end_matches(':').trim();
            let name = name.split(':').next().unwrap_or(name).trim();
            (is_env_name(name) && !rest.starts_with('=')).then(|| (index + 1, name.to_string()))
        })
        .collect()
}

/// Whether a source file at `path` is a settings file: Django settings modules and
/// packages, Rails initializers and environments, `config/` modules of other stacks.
pub fn is_settings_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == "settings.py"
        || path.contains("/settings/")
        || path.starts_with("settings/")
        || path.starts_with("config/initializers/")
        || path.starts_with("config/environments/")
        || name == "config.py"
}

/// HTTP client calls that send a request (outgoing webhooks are POSTs to a URL).
const CLIENT_POSTS: &[&str] = &[
    "requests.post(",
    "httpx.post(",
    "session.post(",
    "urlopen(",
    "fetch(",
    "axios.post(",
    "got.post(",
    "ky.post(",
    "net::http.post",
    "httparty.post",
    "faraday.post",
    "restclient.post",
    "reqwest::client",
    ".post(url",
    ".post(&url",
    ".post(webhook",
    ".post(self.webhook",
];

/// `(line, text)` of every line of non-test source that sends a request to a webhook URL:
/// names a webhook and makes a client POST to something that is not a local path.
pub fn outgoing_webhooks(path: &str, text: &str) -> Vec<(usize, String)> {
    let lower_path = path.to_ascii_lowercase();
    if lower_path.contains("test") || lower_path.contains("spec") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if is_comment(line) {
            continue;
        }
        let lower = line.to_ascii_lowercase();
        if !lower.contains("webhook") || !CLIENT_POSTS.iter().any(|c| lower.contains(c)) {
            continue;
        }
        // A local path (`/webhooks/x`) is a test or a route, not an outside endpoint.
        if lower.contains("(\"/") || lower.contains("('/") || lower.contains("(`/") {
            continue;
        }
        out.push((index + 1, line.trim().chars().take(120).collect()));
    }
    out
}

/// The deployment stage an env or settings file is for, from its name (`.env.production`,
/// `settings/staging.py`, `config/environments/development.rb`); `template` for example
/// files (`.env.example`), `None` when the name says nothing.
pub fn stage_of(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let stem = name
        .trim_start_matches(".env")
        .trim_start_matches('.')
        .trim_end_matches(".py")
        .trim_end_matches(".rb")
        .trim_end_matches(".local");
    let stem = stem.trim_start_matches("env.");
    match stem {
        "example" | "sample" | "template" | "dist" | "defaults" => Some("template"),
        "development" | "dev" | "local" => Some("development"),
        "staging" | "stage" | "preview" => Some("staging"),
        "production" | "prod" => Some("production"),
        "test" | "testing" | "ci" => Some("test"),
        "" if name == ".env" || name == ".env.local" => Some("development"),
        _ => None,
    }
}

/// Whether a file name is an env file (`.env`, `.env.*`, `env.example`, `*.env`).
pub fn is_env_file(name: &str) -> bool {
    name == ".env"
        || name.starts_with(".env.")
        || name == "env.example"
        || name == "env.sample"
        || (name.ends_with(".env") && !name.contains('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_reads_of_each_language() {
        let py = "import os\nKEY = os.environ[\"STRIPE_SECRET_KEY\"]\nX = os.environ.get('LOOPS_API_KEY', '')\nDB = env.db()\nY = env(\"REDIS_URL\")\nZ = config('SENTRY_DSN')\n# os.getenv(\"COMMENTED\")\nw = getenv_custom(\"NOPE\")\nlower = env('debug')\n";
        let names: Vec<String> = env_reads(py).into_iter().map(|(_, n)| n).collect();
        assert_eq!(
            names,
            [
                "STRIPE_SECRET_KEY",
                "LOOPS_API_KEY",
                "DATABASE_URL",
                "REDIS_URL",
                "SENTRY_DSN"
            ]
        );
        let rb = "key = ENV[\"STRIPE_SECRET_KEY\"]\nurl = ENV.fetch('REDIS_URL') { nil }\n";
        assert_eq!(
            env_reads(rb),
            [(1, "STRIPE_SECRET_KEY".into()), (2, "REDIS_URL".into())]
        );
        let ts =
            "const k = process.env.STRIPE_SECRET_KEY!;\nconst u = process.env[\"DATABASE_URL\"];\n";
        assert_eq!(
            env_reads(ts),
            [(1, "STRIPE_SECRET_KEY".into()), (2, "DATABASE_URL".into())]
        );
        let rs = "let k = std::env::var(\"STRIPE_SECRET_KEY\")?;\nlet d = env::var_os(\"DATABASE_URL\");\n";
        assert_eq!(
            env_reads(rs),
            [(1, "STRIPE_SECRET_KEY".into()), (2, "DATABASE_URL".into())]
        );
    }

    #[test]
    fn imports_name_top_level_modules() {
        let py = "import stripe\nfrom sentry_sdk.integrations.django import DjangoIntegration\nfrom . import x\n";
        assert_eq!(
            imports("py", py),
            [(1, "stripe".into()), (2, "sentry_sdk".into())]
        );
        let ts = "import Stripe from \"stripe\";\nimport { x } from '@sentry/nextjs/client';\nconst a = require('./local');\n";
        assert_eq!(
            imports("ts", ts),
            [(1, "stripe".into()), (2, "@sentry/nextjs".into())]
        );
        assert_eq!(
            imports("rb", "require \"twilio-ruby\"\n"),
            [(1, "twilio-ruby".into())]
        );
        assert_eq!(
            imports("rs", "use async_openai::Client;\nuse crate::x;\n"),
            [(1, "async_openai".into())]
        );
    }

    #[test]
    fn settings_and_stages() {
        let text = "LOOPS_API_KEY = env(\"LOOPS_API_KEY\")\nLOOPS = {\n    \"BASE\": 1,\n}\nif DEBUG == True:\n    pass\n";
        assert_eq!(
            settings(text),
            [(1, "LOOPS_API_KEY".into()), (2, "LOOPS".into())]
        );
        assert_eq!(stage_of(".env.production"), Some("production"));
        assert_eq!(stage_of(".env.example"), Some("template"));
        assert_eq!(stage_of("config/settings/local.py"), Some("development"));
        assert_eq!(stage_of("config/environments/staging.rb"), Some("staging"));
        assert_eq!(stage_of("config/settings/base.py"), None);
    }

    #[test]
    fn outgoing_webhooks_are_posts_to_urls_outside() {
        let text = "requests.post(settings.SLACK_WEBHOOK_URL, json=body)\nclient.post(\"/webhooks/stripe/\")\nrequests.post(API, json=x)\n";
        assert_eq!(outgoing_webhooks("app/notify.py", text).len(), 1);
        assert!(outgoing_webhooks("app/tests/test_notify.py", text).is_empty());
    }
}
