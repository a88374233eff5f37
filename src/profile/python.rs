//! Python projects: which dependency manifest the app installs from, and the test runner.

use std::path::Path;

use super::{is_file, join, read};

/// Build and deploy files that show how the app installs its dependencies.
const INSTALL_SCRIPTS: &[&str] = &[
    "Dockerfile",
    "docker/Dockerfile",
    "Procfile",
    "render.yaml",
    "build.sh",
    "bin/build.sh",
    "bin/post_compile",
    "Makefile",
    "tox.ini",
    ".github/workflows/ci.yml",
    ".github/workflows/test.yml",
    ".github/workflows/tests.yml",
    ".github/workflows/main.yml",
    ".github/workflows/django.yml",
];

/// Requirements files tried after `requirements.txt`, in order.
const REQUIREMENTS: &[&str] = &[
    "requirements/base.txt",
    "requirements/common.txt",
    "requirements/production.txt",
    "requirements/prod.txt",
    "requirements/main.txt",
    "requirements-prod.txt",
];

/// The kind of manifest the app installs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepsKind {
    /// A pip requirements file.
    Requirements,
    /// PEP 621 `[project] dependencies` in pyproject.toml.
    Pyproject,
    /// `[tool.poetry.dependencies]` in pyproject.toml.
    Poetry,
    /// Pipenv's `Pipfile`.
    Pipfile,
    /// None found.
    None,
}

impl DepsKind {
    /// The value of `profile.deps`.
    pub fn name(self) -> &'static str {
        match self {
            DepsKind::Requirements => "requirements",
            DepsKind::Pyproject => "pyproject",
            DepsKind::Poetry => "poetry",
            DepsKind::Pipfile => "pipfile",
            DepsKind::None => "none",
        }
    }
}

/// Where dependencies go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deps {
    pub kind: DepsKind,
    pub file: String,
    /// Why this one.
    pub because: String,
}

impl Deps {
    /// A line for `init`.
    pub fn describe(&self) -> String {
        match self.kind {
            DepsKind::None => "no dependency manifest (requirements*.txt, pyproject.toml, Pipfile): add `requests` to what the app installs from".into(),
            _ => format!("dependencies go to {} ({})", self.file, self.because),
        }
    }

    /// The path settings naming the manifest.
    pub fn paths(&self) -> Vec<(&'static str, String)> {
        match self.kind {
            DepsKind::Requirements => vec![("requirements", self.file.clone())],
            DepsKind::Pyproject | DepsKind::Poetry => vec![("pyproject", self.file.clone())],
            DepsKind::Pipfile => vec![("pipfile", self.file.clone())],
            DepsKind::None => Vec::new(),
        }
    }
}

/// Finds the manifest the app installs from: the one an install command in a build or
/// deploy file names, else requirements.txt or requirements/… (at the root, then under
/// `base`), else pyproject.toml (PEP 621 or Poetry) or Pipfile.
pub fn dependencies(root: &Path, base: &str) -> Deps {
    let dirs: Vec<&str> = if base.is_empty() {
        vec![""]
    } else {
        vec!["", base]
    };
    for script in INSTALL_SCRIPTS {
        let Some(text) = read(root, script) else {
            continue;
        };
        for line in text
            .lines()
            .filter(|l| l.contains("pip install") || l.contains("pip3 install"))
        {
            let words: Vec<&str> = line.split_whitespace().collect();
            for pair in words.windows(2) {
                if pair[0] != "-r" && pair[0] != "--requirement" {
                    continue;
                }
                let named = pair[1].trim_matches(['"', '\'', ';', '&']);
                let named = named.trim_start_matches("./");
                for dir in &dirs {
                    let file = join(dir, named);
                    if is_file(root, &file) {
                        let (file, via) = shared_base(root, file);
                        return Deps {
                            kind: DepsKind::Requirements,
                            file,
                            because: format!("installed by {script}{via}"),
                        };
                    }
                }
            }
        }
    }
    for dir in &dirs {
        for name in std::iter::once(&"requirements.txt").chain(REQUIREMENTS) {
            let file = join(dir, name);
            if is_file(root, &file) {
                let (file, via) = shared_base(root, file);
                return Deps {
                    kind: DepsKind::Requirements,
                    file,
                    because: format!("the app's requirements{via}"),
                };
            }
        }
    }
    for dir in &dirs {
        let file = join(dir, "pyproject.toml");
        if let Some(text) = read(root, &file) {
            if let Ok(doc) = text.parse::<toml::Table>() {
                let project_deps = doc
                    .get("project")
                    .and_then(|p| p.get("dependencies"))
                    .is_some();
                let poetry = doc
                    .get("tool")
                    .and_then(|t| t.get("poetry"))
                    .and_then(|p| p.get("dependencies"))
                    .is_some();
                if project_deps || poetry {
                    let kind = if poetry && !project_deps {
                        DepsKind::Poetry
                    } else {
                        DepsKind::Pyproject
                    };
                    let because = match kind {
                        DepsKind::Poetry => "[tool.poetry.dependencies]",
                        _ => "[project] dependencies",
                    };
                    return Deps {
                        kind,
                        file,
                        because: because.into(),
                    };
                }
            }
        }
        let file = join(dir, "Pipfile");
        if is_file(root, &file) {
            return Deps {
                kind: DepsKind::Pipfile,
                file,
                because: "Pipenv".into(),
            };
        }
    }
    Deps {
        kind: DepsKind::None,
        file: String::new(),
        because: String::new(),
    }
}

/// The requirements file that `file` includes (`-r base.txt`), followed to the end: the
/// one every environment installs. Returns it and a note of the chain, if any.
fn shared_base(root: &Path, file: String) -> (String, String) {
    let mut chain = vec![file];
    while chain.len() < 6 {
        let current = chain.last().expect("not empty");
        let dir = current.rsplit_once('/').map_or("", |(d, _)| d);
        let Some(text) = read(root, current) else {
            break;
        };
        let included = text.lines().find_map(|line| {
            let line = line.trim();
            let rest = line
                .strip_prefix("-r")
                .or_else(|| line.strip_prefix("--requirement"))?;
            let name = rest.trim_start_matches('=').trim();
            let name = name.split_whitespace().next()?.trim_start_matches("./");
            let path = join(dir, name);
            (is_file(root, &path) && !chain.contains(&path)).then_some(path)
        });
        match included {
            Some(next) => chain.push(next),
            None => break,
        }
    }
    let via = if chain.len() > 1 {
        format!("; {} includes {}", chain[0], chain[1..].join(" → "))
    } else {
        String::new()
    };
    (chain.pop().expect("not empty"), via)
}

/// The test runner (`pytest` or `django`, for `manage.py test`) and why.
pub fn test_runner(root: &Path, base: &str) -> (&'static str, String) {
    let dirs: Vec<&str> = if base.is_empty() {
        vec![""]
    } else {
        vec!["", base]
    };
    for dir in dirs {
        for (file, section) in [
            ("pytest.ini", ""),
            ("conftest.py", ""),
            ("pyproject.toml", "[tool.pytest.ini_options]"),
            ("setup.cfg", "[tool:pytest]"),
            ("tox.ini", "[pytest]"),
        ] {
            let path = join(dir, file);
            let Some(text) = read(root, &path) else {
                continue;
            };
            if section.is_empty() || text.lines().any(|l| l.trim() == section) {
                return ("pytest", format!("pytest ({path})"));
            }
        }
    }
    ("django", "manage.py test (no pytest configuration)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn the_file_an_install_command_names_wins() {
        let dir = repo(&[
            ("pyproject.toml", "[project]\ndependencies = []\n"),
            ("requirements.txt", "django\n"),
            ("requirements/prod.txt", "django\n"),
            (
                "Dockerfile",
                "RUN pip install --no-cache-dir -r requirements/prod.txt\n",
            ),
        ]);
        let deps = dependencies(dir.path(), "");
        assert_eq!(
            (deps.kind, deps.file.as_str()),
            (DepsKind::Requirements, "requirements/prod.txt")
        );
        let dir = repo(&[
            ("requirements.txt", "-r requirements/production.txt\n"),
            ("requirements/production.txt", "-r base.txt\nuwsgi\n"),
            ("requirements/base.txt", "django\n"),
        ]);
        let deps = dependencies(dir.path(), "");
        assert_eq!(deps.file, "requirements/base.txt");
        assert!(
            deps.because.contains(
                "requirements.txt includes requirements/production.txt → requirements/base.txt"
            ),
            "{}",
            deps.because
        );
    }

    #[test]
    fn requirements_before_pyproject_then_poetry_and_pipfile() {
        let dir = repo(&[
            ("pyproject.toml", "[project]\ndependencies = []\n"),
            ("src/requirements.txt", "django\n"),
        ]);
        assert_eq!(dependencies(dir.path(), "src").file, "src/requirements.txt");
        let dir = repo(&[("pyproject.toml", "[project]\ndependencies = []\n")]);
        assert_eq!(dependencies(dir.path(), "src").kind, DepsKind::Pyproject);
        let dir = repo(&[(
            "pyproject.toml",
            "[tool.poetry.dependencies]\npython = \"^3.11\"\n",
        )]);
        assert_eq!(dependencies(dir.path(), "").kind, DepsKind::Poetry);
        let dir = repo(&[("Pipfile", "[packages]\n")]);
        assert_eq!(dependencies(dir.path(), "").kind, DepsKind::Pipfile);
        let dir = repo(&[("pyproject.toml", "[tool.black]\n")]);
        assert_eq!(dependencies(dir.path(), "").kind, DepsKind::None);
    }

    #[test]
    fn pytest_is_the_runner_only_when_configured() {
        let dir = repo(&[("setup.cfg", "[flake8]\n")]);
        assert_eq!(test_runner(dir.path(), "").0, "django");
        let dir = repo(&[("setup.cfg", "[tool:pytest]\naddopts = -q\n")]);
        assert_eq!(test_runner(dir.path(), "").0, "pytest");
        let dir = repo(&[("src/conftest.py", "")]);
        assert_eq!(test_runner(dir.path(), "src").0, "pytest");
    }
}
