//! The repo profile: `init` finds each layout of `tests/repos/` without hand edits, records
//! it, and `new` follows it (settings file and style, URLconf, dependency manifest, env
//! file); `remove` then gives every edited file back byte for byte.

mod common;

use std::path::Path;

use common::{copy_tree, files, fixture_repo, integrate, manifest_dir, read_text};
use predicates::str::contains;

fn repo(name: &str) -> tempfile::TempDir {
    fixture_repo(name)
}

fn read(dir: &Path, path: &str) -> String {
    read_text(dir, path)
}

fn round_trip(name: &str, detected: &[&str], expected: &[&str], check: impl Fn(&Path)) {
    let repo = repo(name);
    common::round_trip(name, repo.path(), detected, expected, check);
}

#[test]
fn a_startproject_layout_with_requirements_and_local_settings() {
    round_trip(
        "django-single-settings",
        &[
            "Detected settings module mysite.settings (from manage.py), settings written to mysite/settings.py",
            "Detected URLconf mysite/urls.py",
            "so local overrides still win",
            "Detected dependencies go to requirements.txt",
            "Detected tests run with manage.py test",
        ],
        &[
            r#"integrations_dir = "mysite/integrations""#,
            r#"integrations_package = "mysite.integrations""#,
            r#"views_package = "mysite.integrations.views""#,
            r#"urls_file = "mysite/urls.py""#,
            r#"settings_file = "mysite/settings.py""#,
            r#"requirements = "requirements.txt""#,
            r#"deps = "requirements""#,
            r#"settings_before = "from .local_settings import *  # noqa: F401,F403""#,
            r#"settings_style = "os""#,
            r#"test_runner = "django""#,
        ],
        |dir| {
            assert_eq!(read(dir, "requirements.txt"), "Django>=4.2,<6\nrequests>=2.31\n");
            let settings = read(dir, "mysite/settings.py");
            let block = settings.find("# >>> integrate stripe settings").unwrap();
            let local = settings.find("# Machine-specific overrides").unwrap();
            assert!(block < local, "the settings block must precede the local overrides");
            assert!(settings.contains(r#"STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")"#));
            assert!(read(dir, "mysite/urls.py").contains("from mysite.integrations.views.stripe import stripe_webhook"));
            assert!(dir.join("mysite/integrations/views/__init__.py").is_file());
            assert!(read(dir, ".env.example").contains("STRIPE_SECRET_KEY="));
        },
    );
}

#[test]
fn a_src_layout_with_a_settings_package_environ_and_chained_requirements() {
    round_trip(
        "django-src-package",
        &[
            "Detected Python root src/ (src/manage.py)",
            "settings written to src/config/settings/base.py",
            "Detected settings read the environment with django-environ",
            "Detected env example file .env.sample",
            "requirements.txt includes requirements/local.txt → requirements/base.txt",
            "Detected tests run with pytest (pytest.ini)",
        ],
        &[
            r#"integrations_dir = "src/config/integrations""#,
            r#"integrations_package = "config.integrations""#,
            r#"urls_file = "src/config/urls.py""#,
            r#"settings_file = "src/config/settings/base.py""#,
            r#"env_file = ".env.sample""#,
            r#"requirements = "requirements/base.txt""#,
            r#"settings_style = "environ""#,
            r#"test_runner = "pytest""#,
        ],
        |dir| {
            assert!(read(dir, "requirements/base.txt")
                .ends_with("django-environ>=0.11\nrequests>=2.31\n"));
            assert_eq!(read(dir, "requirements.txt"), "-r requirements/local.txt\n");
            assert!(
                !dir.join(".env.example").exists(),
                "a second env file was made"
            );
            assert!(read(dir, ".env.sample").contains("TWILIO_AUTH_TOKEN="));
            assert!(read(dir, "src/config/settings/base.py").contains(
                r#"STRIPE_SECRET_KEY = environ.Env().str("STRIPE_SECRET_KEY", default="")"#
            ));
        },
    );
}

#[test]
fn apps_in_a_namespace_folder_with_poetry_and_decouple() {
    round_trip(
        "django-apps-poetry",
        &[
            "Detected settings read the environment with python-decouple",
            "Detected dependencies go to pyproject.toml ([tool.poetry.dependencies])",
            "Detected tests run with pytest (pyproject.toml)",
        ],
        &[
            r#"integrations_dir = "apps/integration""#,
            r#"views_package = "apps.integration.views""#,
            r#"deps = "poetry""#,
            r#"settings_style = "decouple""#,
        ],
        |dir| {
            let pyproject = read(dir, "pyproject.toml");
            assert!(
                pyproject.contains("python-decouple = \"^3.8\"\nrequests = \">=2.31\"\n"),
                "{pyproject}"
            );
            assert!(!pyproject.contains("[project]"));
            assert!(read(dir, "proj/settings.py").contains(
                r#"STRIPE_TIMEOUT = config("STRIPE_TIMEOUT", default=30.0, cast=float)"#
            ));
        },
    );
}

#[test]
fn init_in_a_monorepo_app_folder_makes_that_folder_the_root() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::create_dir(temp.path().join(".git")).unwrap();
    std::fs::write(temp.path().join("README.md"), "monorepo\n").unwrap();
    let app = temp.path().join("backend");
    copy_tree(
        &manifest_dir().join("tests/repos/django-single-settings"),
        &app,
    );
    integrate(&app).args(["init", "--yes"]).assert().success();
    assert!(app.join("integrate.toml").is_file());
    assert!(!temp.path().join("integrate.toml").exists());
    integrate(&app.join("polls"))
        .args(["new", "acme", "--yes"])
        .assert()
        .success();
    assert!(app.join("mysite/integrations/acme/client.py").is_file());
}

#[test]
fn a_manage_py_naming_no_settings_module_is_refused_with_what_to_do() {
    let repo = repo("django-single-settings");
    std::fs::write(repo.path().join("manage.py"), "print('hello')\n").unwrap();
    let before = files(repo.path());
    integrate(repo.path())
        .args(["init", "--yes"])
        .assert()
        .code(1)
        .stderr(contains("manage.py: names no DJANGO_SETTINGS_MODULE"))
        .stderr(contains("paths.settings_file"));
    assert_eq!(files(repo.path()), before);
}

#[test]
fn a_service_already_in_the_repo_is_named_before_anything_is_written() {
    let repo = repo("django-single-settings");
    let dir = repo.path();
    std::fs::write(
        dir.join("requirements.txt"),
        "Django>=4.2,<6\nstripe==7.0.0\n",
    )
    .unwrap();
    std::fs::write(dir.join(".env.example"), "DEBUG=1\nSTRIPE_SECRET_KEY=\n").unwrap();
    integrate(dir).args(["init", "--yes"]).assert().success();
    integrate(dir)
        .args(["new", "stripe", "--yes", "--webhooks"])
        .assert()
        .success()
        .stderr(contains(
            "warning: Stripe already appears in this repo (`STRIPE_SECRET_KEY` at .env.example:2, package `stripe` at requirements.txt:2)",
        ));
    let out = integrate(dir)
        .args(["new", "twilio", "--yes", "--webhooks", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("already appears"));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["already_present"], serde_json::json!([]));
}
