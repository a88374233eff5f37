//! A category, auth style or webhook scheme outside its set is a usage error (exit 2, with
//! the choices) wherever it comes from: a flag, the record, the built-in or the team
//! catalog. Nothing is written, and no verifier is generated for a scheme that is not one.

mod common;

use std::path::Path;

use common::{copy_tree, integrate, manifest_dir, snapshot};
use predicates::str::contains;

const CHOICES: &str =
    "expected one of: hmac-sha256, stripe, github, standard-webhooks, slack, shopify, twilio";

fn repo() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    copy_tree(
        &manifest_dir().join("tests/fixtures/engine-new/in"),
        temp.path(),
    );
    temp
}

fn refused(dir: &Path, args: &[&str], message: &str) {
    let before = snapshot(dir);
    integrate(dir)
        .args(args)
        .assert()
        .code(2)
        .stderr(contains(message));
    assert_eq!(snapshot(dir), before, "{args:?} changed the repo");
}

#[test]
fn a_misspelt_flag_value_lists_the_choices() {
    let repo = repo();
    for (flag, value, choices) in [
        (
            "--webhook-scheme",
            "hmac_sha256",
            "hmac-sha256, stripe, github",
        ),
        ("--auth", "api_key", "bearer, api-key, basic, oauth2, none"),
        ("--category", "payment", "payments, email, sms"),
    ] {
        refused(
            repo.path(),
            &["new", "acme", "--webhooks", "--yes", flag, value],
            choices,
        );
    }
}

#[test]
fn a_misspelt_scheme_in_the_record_is_refused_at_its_line_by_every_command() {
    let repo = repo();
    integrate(repo.path())
        .args(["new", "acme", "--yes", "--webhooks"])
        .assert()
        .success();
    let record = repo.path().join("integrate.toml");
    let text = std::fs::read_to_string(&record).unwrap();
    assert!(text.contains("webhook_scheme = \"hmac-sha256\""), "{text}");
    let text = text.replace(
        "webhook_scheme = \"hmac-sha256\"",
        "webhook_scheme = \"hmac_sha256\"",
    );
    std::fs::write(&record, &text).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("webhook_scheme"))
        .unwrap()
        + 1;
    let at = format!("integrate.toml:{line}:18: unknown webhook scheme `hmac_sha256`; {CHOICES}");
    for args in [
        &["new", "acme", "--yes"][..],
        &["new", "acme", "--yes", "--webhooks"],
        &["remove", "acme"],
        &["doctor"],
        &["list"],
        &["docs"],
    ] {
        refused(repo.path(), args, &at);
    }
}

#[test]
fn a_misspelt_auth_style_in_the_record_is_refused() {
    let repo = repo();
    integrate(repo.path())
        .args(["new", "acme", "--yes"])
        .assert()
        .success();
    let record = repo.path().join("integrate.toml");
    let text = std::fs::read_to_string(&record)
        .unwrap()
        .replace("auth = \"bearer\"", "auth = \"token\"");
    std::fs::write(&record, text).unwrap();
    refused(
        repo.path(),
        &["new", "acme", "--yes"],
        "unknown auth style `token`; expected one of: bearer, api-key, basic, oauth2, none",
    );
}

#[test]
fn a_team_catalog_value_outside_its_set_is_refused_at_its_line() {
    let repo = repo();
    std::fs::create_dir_all(repo.path().join(".integrate")).unwrap();
    std::fs::write(
        repo.path().join(".integrate/catalog.toml"),
        "[acme]\ncategory = \"payments\"\nwebhook_scheme = \"svix\"\n",
    )
    .unwrap();
    for args in [
        &["new", "acme", "--yes", "--webhooks"][..],
        &["new", "stripe", "--yes"],
        &["catalog"],
    ] {
        refused(
            repo.path(),
            args,
            &format!(".integrate/catalog.toml:3:18: unknown webhook scheme `svix`; {CHOICES}"),
        );
    }
    std::fs::write(
        repo.path().join(".integrate/catalog.toml"),
        "[stripe]\ncategory = \"money\"\n",
    )
    .unwrap();
    refused(
        repo.path(),
        &["new", "stripe", "--yes"],
        ".integrate/catalog.toml:2:12: unknown category `money`",
    );
}

#[test]
fn an_explicit_scheme_overrides_a_recorded_one_and_is_recorded() {
    let repo = repo();
    integrate(repo.path())
        .args([
            "new",
            "acme",
            "--yes",
            "--webhooks",
            "--webhook-scheme",
            "github",
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(repo.path().join("integrate.toml")).unwrap();
    assert!(text.contains("webhook_scheme = \"github\""), "{text}");
}
