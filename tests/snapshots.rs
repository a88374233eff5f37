//! insta snapshots (in the top-level `snapshots/`) of every file `integrate new` generates,
//! for each built-in kit and several catalog-driven and generic services.
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always cargo test --test snapshots`).

mod common;

use common::{example_copy, integrate};

/// Services each kit is snapshotted with: known services with their own webhook scheme and
/// auth style, and a generic one.
const CASES: &[(&str, &[&str])] = &[
    ("stripe", &["--webhooks"]),
    (
        "acme",
        &["--category", "other", "--auth", "api-key", "--webhooks"],
    ),
    ("twilio", &["--webhooks"]),
    ("resend", &["--webhooks"]),
];

fn snapshot_kit(kit: &str) {
    let repo = example_copy(kit);
    std::fs::create_dir_all(repo.path().join(".git")).unwrap();
    integrate(repo.path())
        .args(["init", "--yes", "--kit", kit])
        .assert()
        .success();
    for (service, flags) in CASES {
        let out = integrate(repo.path())
            .args(["new", service, "--yes", "--json"])
            .args(*flags)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{kit} {service}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for change in report["outcome"]["changes"].as_array().unwrap() {
            if change["action"] != "create" {
                continue;
            }
            let path = change["path"].as_str().unwrap();
            let content = std::fs::read_to_string(repo.path().join(path)).unwrap();
            let name = format!("{kit}__{service}__{}", path.replace(['/', '.'], "_"));
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_path(common::manifest_dir().join("snapshots"));
            settings.set_prepend_module_to_snapshot(false);
            settings.set_input_file(path);
            settings.bind(|| insta::assert_snapshot!(name, content));
        }
    }
}

#[test]
fn django_kit() {
    snapshot_kit("django");
}

#[test]
fn typescript_kit() {
    snapshot_kit("typescript");
}

#[test]
fn rails_kit() {
    snapshot_kit("rails");
}

#[test]
fn rust_kit() {
    snapshot_kit("rust");
}
