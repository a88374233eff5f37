//! Behaviour of the binary seen from outside: diffs, JSON, idempotence, overrides, init.

mod common;

use std::path::Path;

use common::{copy_tree, integrate, manifest_dir, snapshot};
use predicates::str::contains;

fn mini_repo() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    copy_tree(
        &manifest_dir().join("tests/fixtures/engine-new/in"),
        temp.path(),
    );
    temp
}

#[test]
fn dry_run_prints_a_unified_diff_and_writes_nothing() {
    let repo = mini_repo();
    let before = snapshot(repo.path());
    integrate(repo.path())
        .args(["new", "acme", "--yes", "--webhooks", "--dry-run"])
        .assert()
        .success()
        .stdout(contains("--- /dev/null\n+++ b/src/acme/client.py"))
        .stdout(contains("+ACME_API_KEY="))
        .stderr(contains("Would create src/acme/client.py"))
        .stderr(contains("nothing was written"));
    assert_eq!(snapshot(repo.path()), before);
}

#[test]
fn json_reports_the_plan_on_stdout() {
    let repo = mini_repo();
    let out = integrate(repo.path())
        .args(["new", "acme", "--yes", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["service"], "acme");
    assert_eq!(report["kit"], "mini");
    assert_eq!(report["outcome"]["changed"], true);
    let paths: Vec<&str> = report["outcome"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"src/acme/client.py"), "{paths:?}");
    assert_eq!(report["inputs"]["env"]["api_key"], "ACME_API_KEY");
}

#[test]
fn a_second_identical_run_reports_nothing_to_do() {
    let repo = mini_repo();
    integrate(repo.path())
        .args(["new", "acme", "--yes"])
        .assert()
        .success();
    let after_first = snapshot(repo.path());
    integrate(repo.path())
        .args(["new", "acme", "--yes"])
        .assert()
        .success()
        .stderr(contains("nothing to do"));
    assert_eq!(snapshot(repo.path()), after_first);
}

#[test]
fn recorded_answers_are_the_defaults_of_a_later_run() {
    let repo = mini_repo();
    integrate(repo.path())
        .args([
            "new",
            "acme",
            "--category",
            "email",
            "--auth",
            "basic",
            "--webhooks",
            "--events",
            "x.y",
            "--yes",
        ])
        .assert()
        .success();
    let after_first = snapshot(repo.path());
    integrate(repo.path())
        .args(["new", "acme"])
        .assert()
        .success()
        .stderr(contains("nothing to do"));
    assert_eq!(snapshot(repo.path()), after_first);
}

#[test]
fn kits_list_shows_overridden_files() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path().join(".integrate/kits/django/files");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("client.py.hbs"), "# ours\n").unwrap();
    std::fs::write(repo.path().join("integrate.toml"), "kit = \"django\"\n").unwrap();
    integrate(repo.path())
        .args(["kits", "list"])
        .assert()
        .success()
        .stdout(contains("django"))
        .stdout(contains(
            "overrides files/client.py.hbs  (.integrate/kits/django/files/client.py.hbs)",
        ))
        .stdout(contains("rails"));
}

#[test]
fn an_override_replaces_the_builtin_template() {
    let repo = common::example_copy("django");
    let dir = repo.path().join(".integrate/kits/django/files");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("README.md.hbs"), "# {{display_name}} (our way)\n").unwrap();
    integrate(repo.path())
        .args(["init", "--yes"])
        .assert()
        .success();
    integrate(repo.path())
        .args(["new", "acme", "--yes"])
        .assert()
        .success();
    let readme =
        std::fs::read_to_string(repo.path().join("apps/integration/acme/README.md")).unwrap();
    assert_eq!(readme, "# Acme (our way)\n");
}

#[test]
fn init_detects_django_and_never_overwrites() {
    let repo = common::example_copy("django");
    let registry = repo.path().join("apps/integration/registry.py");
    std::fs::create_dir_all(registry.parent().unwrap()).unwrap();
    std::fs::write(&registry, "# hand written\n").unwrap();
    integrate(repo.path())
        .args(["init", "--yes"])
        .assert()
        .success()
        .stderr(contains("Created integrate.toml"));
    assert_eq!(
        std::fs::read_to_string(&registry).unwrap(),
        "# hand written\n"
    );
    let record = std::fs::read_to_string(repo.path().join("integrate.toml")).unwrap();
    assert!(record.contains("kit = \"django\""), "{record}");
    let before = snapshot(repo.path());
    integrate(repo.path())
        .args(["init", "--yes"])
        .assert()
        .success()
        .stderr(contains("nothing to do"));
    assert_eq!(snapshot(repo.path()), before);
}

#[test]
fn init_without_a_known_stack_asks_for_a_kit() {
    let repo = tempfile::tempdir().unwrap();
    integrate(repo.path())
        .args(["init", "--yes"])
        .assert()
        .code(2)
        .stderr(contains("pass --kit"));
    assert!(!Path::new(&repo.path().join("integrate.toml")).exists());
}

#[test]
fn new_without_a_record_says_to_run_init() {
    let repo = tempfile::tempdir().unwrap();
    integrate(repo.path())
        .args(["new", "stripe", "--yes"])
        .assert()
        .code(1)
        .stderr(contains("run `integrate init` first"));
}

#[test]
fn help_lists_the_commands_that_work() {
    integrate(Path::new("."))
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("init"))
        .stdout(contains("new"))
        .stdout(contains("kits"));
}

#[test]
fn unknown_flags_are_usage_errors() {
    integrate(Path::new("."))
        .args(["new", "--frobnicate"])
        .assert()
        .code(2);
}

#[test]
fn catalog_lists_known_services_and_repo_additions() {
    let repo = mini_repo();
    std::fs::write(
        repo.path().join(".integrate/catalog.toml"),
        "[acme]\ndisplay_name = \"Acme Corp\"\ncategory = \"crm\"\nauth = \"api-key\"\nauth_header = \"X-Acme-Token\"\nbase_url = \"https://api.acme.test\"\n\n[stripe]\nbase_url = \"https://stripe.internal\"\n",
    )
    .unwrap();
    let out = integrate(repo.path())
        .args(["catalog", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let catalog: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entries = catalog.as_object().unwrap();
    assert!(entries.len() >= 32, "{}", entries.len());
    for id in [
        "stripe", "twilio", "resend", "github", "slack", "shopify", "openai", "square",
    ] {
        assert!(entries.contains_key(id), "{id}");
    }
    assert_eq!(catalog["acme"]["auth_header"], "X-Acme-Token");
    assert_eq!(catalog["stripe"]["base_url"], "https://stripe.internal");
    assert_eq!(catalog["stripe"]["category"], "payments");
    integrate(repo.path())
        .arg("catalog")
        .assert()
        .success()
        .stdout(contains("stripe"))
        .stdout(contains("Acme Corp"));

    integrate(repo.path())
        .args(["new", "acme", "--yes"])
        .assert()
        .success();
    let record = std::fs::read_to_string(repo.path().join("integrate.toml")).unwrap();
    assert!(record.contains("category = \"crm\""), "{record}");
    assert!(
        record.contains("auth_header = \"X-Acme-Token\""),
        "{record}"
    );
}

#[test]
fn known_services_need_no_answers() {
    let repo = mini_repo();
    integrate(repo.path())
        .args(["new", "stripe", "--yes"])
        .assert()
        .success();
    let record = std::fs::read_to_string(repo.path().join("integrate.toml")).unwrap();
    for line in [
        "category = \"payments\"",
        "auth = \"bearer\"",
        "base_url = \"https://api.stripe.com\"",
        "webhooks = true",
        "webhook_scheme = \"stripe\"",
        "api_key = \"STRIPE_SECRET_KEY\"",
    ] {
        assert!(record.contains(line), "missing {line}:\n{record}");
    }
}

#[test]
fn a_misspelled_service_gets_a_suggestion() {
    let repo = mini_repo();
    integrate(repo.path())
        .args(["new", "strpe", "--yes"])
        .assert()
        .success()
        .stderr(contains("did you mean `stripe`?"));
}

#[test]
fn a_provider_without_a_verifiable_scheme_needs_one() {
    let repo = mini_repo();
    let before = snapshot(repo.path());
    integrate(repo.path())
        .args(["new", "paddle", "--yes", "--webhooks"])
        .assert()
        .code(2)
        .stderr(contains("--webhook-scheme"));
    assert_eq!(snapshot(repo.path()), before);
}

#[test]
fn new_then_remove_gives_back_a_dotenv_without_final_newline() {
    let repo = mini_repo();
    let env = repo.path().join(".env.example");
    std::fs::write(&env, "DEBUG=1\r\nSECRET=x").unwrap();
    let before = snapshot(repo.path());
    integrate(repo.path())
        .args(["new", "acme", "--yes", "--webhooks"])
        .assert()
        .success();
    let added = std::fs::read_to_string(&env).unwrap();
    assert!(added.contains("\r\nACME_API_KEY=\r\n"), "{added:?}");
    assert!(!added.ends_with('\n'), "{added:?}");
    integrate(repo.path())
        .args(["remove", "acme"])
        .assert()
        .success();
    assert_eq!(snapshot(repo.path()), before);
}
