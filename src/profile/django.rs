//! Django: where `manage.py`, the settings module and the URLconf are, how settings read
//! the environment, which test runner runs the tests.

use std::path::Path;

use super::{is_dir, is_file, join, python, read, Profile};
use crate::error::{Error, Result};

/// Folders under the root where `manage.py` may live instead of the root itself.
const MANAGE_DIRS: &[&str] = &[
    "src", "backend", "app", "server", "django", "web", "project",
];

/// Env example files, in the order one is preferred when several exist.
const ENV_FILES: &[&str] = &[
    ".env.example",
    ".env.sample",
    ".env.template",
    ".env.dist",
    "env.example",
    "example.env",
    ".env.local.example",
];

/// The folder holding `manage.py`, relative to `root` (`""` for the root itself).
pub fn find_manage_py(root: &Path) -> Option<String> {
    if is_file(root, "manage.py") {
        return Some(String::new());
    }
    MANAGE_DIRS
        .iter()
        .find(|dir| is_file(root, &join(dir, "manage.py")))
        .map(|dir| dir.to_string())
}

/// Detects a Django project's profile.
pub fn detect(root: &Path) -> Result<Profile> {
    let mut profile = Profile::default();
    let Some(base) = find_manage_py(root) else {
        return Ok(profile);
    };
    let manage = join(&base, "manage.py");
    if !base.is_empty() {
        profile.saw(format!("Python root {base}/ ({manage})"));
    }
    let module = settings_module(root, &base).ok_or_else(|| Error::Invalid {
        path: manage.clone().into(),
        message: "names no DJANGO_SETTINGS_MODULE that integrate can find; set `paths.settings_file` and `paths.urls_file` in integrate.toml by hand".into(),
    })?;
    let settings = settings_files(root, &base, &module.0).ok_or_else(|| Error::Invalid {
        path: manage.clone().into(),
        message: format!(
            "sets DJANGO_SETTINGS_MODULE to `{}`, but there is no {}.py or {}/__init__.py; fix it, or set `paths.settings_file` in integrate.toml",
            module.0,
            module_path(&base, &module.0),
            module_path(&base, &module.0)
        ),
    })?;
    profile.saw(format!(
        "settings module {} (from {}), settings written to {}",
        module.0, module.1, settings.edit
    ));
    profile.path("settings_file", &settings.edit);

    let settings_text: Vec<String> = settings.read.iter().filter_map(|f| read(root, f)).collect();
    let urls = settings_text
        .iter()
        .find_map(|t| assigned_string(t, "ROOT_URLCONF"))
        .map(|m| module_path(&base, &m) + ".py")
        .filter(|f| is_file(root, f))
        .or_else(|| {
            let parent = settings.package.rsplit_once('/').map_or("", |(p, _)| p);
            [join(parent, "urls.py"), join(&base, "urls.py")]
                .into_iter()
                .find(|f| is_file(root, f))
        });
    match urls {
        Some(urls) => {
            profile.saw(format!("URLconf {urls}"));
            profile.path("urls_file", urls);
        }
        None => profile.saw("no ROOT_URLCONF found: webhook routes go to the kit's urls_file"),
    }

    let project_package = settings
        .package
        .strip_prefix(&join(&base, ""))
        .unwrap_or(&settings.package)
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    if holds_apps(root, &join(&base, "apps")) {
        let integrations = join(&base, "apps/integration");
        profile.path("integrations_dir", &integrations);
        profile.path("integrations_package", "apps.integration");
        if is_dir(root, &join(&base, "apps/api/views")) {
            profile.path("views_dir", join(&base, "apps/api/views"));
            profile.path("views_package", "apps.api.views");
        } else {
            profile.path("views_dir", join(&integrations, "views"));
            profile.path("views_package", "apps.integration.views");
        }
    } else {
        // Next to the settings, inside the project package when it is one (so the
        // integrations are importable wherever the project is).
        let (dir, package) = if !project_package.is_empty()
            && is_file(root, &join(&join(&base, &project_package), "__init__.py"))
        {
            (
                join(&join(&base, &project_package), "integrations"),
                format!("{project_package}.integrations"),
            )
        } else {
            (join(&base, "integrations"), "integrations".to_string())
        };
        profile.path("views_dir", join(&dir, "views"));
        profile.path("views_package", format!("{package}.views"));
        profile.path("integrations_dir", dir);
        profile.path("integrations_package", package);
    }

    let style = settings_style(&settings_text);
    profile.saw(format!(
        "settings read the environment with {}",
        style.describe()
    ));
    profile.fact("settings_style", style.name());
    let before = settings_text
        .first()
        .and_then(|t| local_settings_import(t))
        .unwrap_or_default();
    if !before.is_empty() {
        profile.saw(format!(
            "settings blocks go above `{before}` in {}, so local overrides still win",
            settings.edit
        ));
    }
    profile.fact("settings_before", before);

    let env_file = [String::new(), base.clone()]
        .iter()
        .flat_map(|dir| ENV_FILES.iter().map(move |f| join(dir, f)))
        .find(|f| is_file(root, f));
    if let Some(env_file) = env_file {
        profile.saw(format!("env example file {env_file}"));
        profile.path("env_file", env_file);
    }

    let deps = python::dependencies(root, &base);
    profile.saw(deps.describe());
    profile.fact("deps", deps.kind.name());
    for (key, path) in deps.paths() {
        profile.path(key, path);
    }
    let runner = python::test_runner(root, &base);
    profile.saw(format!("tests run with {}", runner.1));
    profile.fact("test_runner", runner.0);
    Ok(profile)
}

/// Whether `dir` is the project's folder of Django apps: a package, or a namespace folder
/// holding an app (`<app>/apps.py`), or already the kit's `apps/integration`.
fn holds_apps(root: &Path, dir: &str) -> bool {
    if is_file(root, &join(dir, "__init__.py")) || is_dir(root, &join(dir, "integration")) {
        return true;
    }
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return false;
    };
    entries
        .flatten()
        .take(200)
        .any(|e| e.path().join("apps.py").is_file())
}

/// The settings module named by `manage.py` (or pytest's configuration), with where it was
/// found.
fn settings_module(root: &Path, base: &str) -> Option<(String, String)> {
    let sources = [
        join(base, "manage.py"),
        join(base, "pytest.ini"),
        "pytest.ini".to_string(),
        join(base, "setup.cfg"),
        join(base, "pyproject.toml"),
        "pyproject.toml".to_string(),
    ];
    for source in sources {
        let Some(text) = read(root, &source) else {
            continue;
        };
        for line in text.lines() {
            let Some(at) = line.find("DJANGO_SETTINGS_MODULE") else {
                continue;
            };
            let rest = line[at + "DJANGO_SETTINGS_MODULE".len()..].trim_start_matches(['"', '\'']);
            let value = first_string(rest).or_else(|| {
                // pytest.ini: DJANGO_SETTINGS_MODULE = x.settings
                let value = rest.trim_start().strip_prefix('=')?.trim();
                is_dotted(value).then(|| value.to_string())
            });
            if let Some(value) = value.filter(|v| is_dotted(v)) {
                return Some((value, source));
            }
        }
    }
    None
}

/// The settings files: the one `new` writes to and the ones to read for the URLconf and
/// the settings style (the written one first).
struct Settings {
    edit: String,
    read: Vec<String>,
    /// The settings module's folder (its package when it is `settings/__init__.py`).
    package: String,
}

fn settings_files(root: &Path, base: &str, module: &str) -> Option<Settings> {
    let path = module_path(base, module);
    let (file, package) = if is_file(root, &format!("{path}.py")) {
        let parent = path
            .rsplit_once('/')
            .map_or(String::new(), |(p, _)| p.to_string());
        (format!("{path}.py"), parent)
    } else if is_file(root, &format!("{path}/__init__.py")) {
        (format!("{path}/__init__.py"), path.clone())
    } else {
        return None;
    };
    let dir = file
        .rsplit_once('/')
        .map_or(String::new(), |(p, _)| p.to_string());
    let mut read_files = vec![file.clone()];
    let text = super::read(root, &file).unwrap_or_default();
    // A settings module that star-imports a sibling (`from .base import *`) keeps the shared
    // settings there: those are what every environment sees.
    let mut edit = file.clone();
    if is_file(root, &join(&dir, "third_party.py")) {
        edit = join(&dir, "third_party.py");
    } else if let Some(sibling) = star_imports(&text)
        .into_iter()
        .filter(|m| !m.contains("local"))
        .map(|m| join(&dir, &format!("{m}.py")))
        .find(|f| is_file(root, f))
    {
        edit = sibling;
    }
    if edit != file {
        read_files.insert(0, edit.clone());
    }
    Some(Settings {
        edit,
        read: read_files,
        package,
    })
}

/// `a.b.c` under `base` as a path without extension.
fn module_path(base: &str, module: &str) -> String {
    join(base, &module.replace('.', "/"))
}

fn is_dotted(text: &str) -> bool {
    !text.is_empty()
        && text
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// The first quoted string in `text`.
fn first_string(text: &str) -> Option<String> {
    let start = text.find(['"', '\''])?;
    let quote = text[start..].chars().next()?;
    let rest = &text[start + 1..];
    let end = rest.find(quote)?;
    Some(rest[..end].to_string())
}

/// The string assigned to `name` at module level (`NAME = "value"`).
fn assigned_string(text: &str, name: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?.trim_start().strip_prefix('=')?;
        first_string(rest)
    })
}

/// The modules a file star-imports relatively at module level (`from .base import *`).
fn star_imports(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("from .")?;
            let (module, tail) = rest.split_once(' ')?;
            let tail = tail.split('#').next().unwrap_or_default().trim();
            (tail == "import *" && is_dotted(module)).then(|| module.to_string())
        })
        .collect()
}

/// The import of local overrides near the end of a settings file (`from .local_settings
/// import *`, possibly inside `try:`), trimmed: settings blocks go above it.
fn local_settings_import(text: &str) -> Option<String> {
    text.lines().map(str::trim).find_map(|line| {
        let rest = line.strip_prefix("from ")?;
        let (module, tail) = rest.split_once(' ')?;
        let tail = tail.trim();
        (tail.starts_with("import") && module.contains("local")).then(|| line.to_string())
    })
}

/// How settings read environment variables.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SettingsStyle {
    /// `os.environ.get`.
    Os,
    /// python-decouple's `config()`, which also reads `.env` and `settings.ini`.
    Decouple,
    /// django-environ (`environ.Env`), whose `read_env` loads `.env` into the environment.
    Environ,
}

impl SettingsStyle {
    fn name(&self) -> &'static str {
        match self {
            SettingsStyle::Os => "os",
            SettingsStyle::Decouple => "decouple",
            SettingsStyle::Environ => "environ",
        }
    }

    fn describe(&self) -> String {
        match self {
            SettingsStyle::Os => "os.environ".into(),
            SettingsStyle::Decouple => "python-decouple (config)".into(),
            SettingsStyle::Environ => "django-environ".into(),
        }
    }
}

fn settings_style(texts: &[String]) -> SettingsStyle {
    let lines = || texts.iter().flat_map(|t| t.lines()).map(str::trim_start);
    if lines().any(|l| {
        l.starts_with("import environ")
            || l.starts_with("from environ import")
            || l.contains("environ.Env(")
            || l.contains(".read_env(")
    }) {
        return SettingsStyle::Environ;
    }
    if lines().any(|l| l.starts_with("from decouple import") || l.starts_with("import decouple")) {
        return SettingsStyle::Decouple;
    }
    SettingsStyle::Os
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_overrides_are_found_plain_or_in_try() {
        let text = "DEBUG = False\n\ntry:\n    from .local_settings import *  # noqa\nexcept ImportError:\n    pass\n";
        assert_eq!(
            local_settings_import(text).as_deref(),
            Some("from .local_settings import *  # noqa")
        );
        assert_eq!(local_settings_import("from .base import *\n"), None);
    }

    #[test]
    fn settings_style_sees_environ_and_decouple() {
        let texts =
            vec!["import environ\nenvironment = environ.Env(DEBUG=(bool, False))\n".to_string()];
        assert_eq!(settings_style(&texts), SettingsStyle::Environ);
        let texts = vec!["from config.env import env\nenv.read_env(\".env\")\n".to_string()];
        assert_eq!(settings_style(&texts), SettingsStyle::Environ);
        let texts = vec!["from decouple import config, Csv\n".to_string()];
        assert_eq!(settings_style(&texts), SettingsStyle::Decouple);
        assert_eq!(settings_style(&[String::new()]), SettingsStyle::Os);
    }

    #[test]
    fn assigned_strings_and_star_imports() {
        let text = "from .base import *\nfrom .local import *\nROOT_URLCONF = 'config.urls'\n";
        assert_eq!(
            assigned_string(text, "ROOT_URLCONF").as_deref(),
            Some("config.urls")
        );
        assert_eq!(star_imports(text), ["base", "local"]);
    }

    #[test]
    fn the_settings_module_comes_from_manage_py_or_pytest_ini() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("manage.py"),
            "import os
    os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"mysite.settings\")\n",
        )
        .unwrap();
        assert_eq!(
            settings_module(dir.path(), "").unwrap().0,
            "mysite.settings"
        );
        std::fs::write(dir.path().join("manage.py"), "").unwrap();
        std::fs::write(
            dir.path().join("pytest.ini"),
            "[pytest]\nDJANGO_SETTINGS_MODULE = config.settings.test\n",
        )
        .unwrap();
        assert_eq!(
            settings_module(dir.path(), "").unwrap(),
            ("config.settings.test".to_string(), "pytest.ini".to_string())
        );
    }
}
