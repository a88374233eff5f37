//! Issue 12, end to end through the binary: `scan` on one fixture repo per stack and
//! detection kind (expected JSON in `snapshots/`), the whole `INTEGRATIONS.md` written from
//! it (expected document in `snapshots/`), and `adopt` → `list`/`doctor`/`docs`/`remove`.

mod common;

use std::path::Path;

use common::{copy_tree, files, integrate, manifest_dir};

const EPOCH: &str = "1767225600"; // 2026-01-01

/// A temp copy of `tests/scan/<repo>` with its own `.git` (so nothing above it is scanned).
fn fixture(repo: &str) -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    copy_tree(&manifest_dir().join("tests/scan").join(repo), temp.path());
    std::fs::create_dir_all(temp.path().join(".git")).unwrap();
    temp
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    integrate(dir)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(args)
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let output = run(dir, args);
    assert!(
        output.status.success(),
        "integrate {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

fn scan_json(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(dir, &["scan", "--json"])).unwrap()
}

fn ids(value: &serde_json::Value, list: &str, key: &str) -> Vec<String> {
    value[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f[key].as_str().unwrap().to_string())
        .collect()
}

const REPOS: &[(&str, &str)] = &[
    ("django-integrations", "django"),
    ("rails-app", "rails"),
    ("next-app", "typescript"),
    ("axum-app", "rust"),
];

#[test]
fn scan_json_and_document_of_each_fixture_repo() {
    for (repo, kit) in REPOS {
        let temp = fixture(repo);
        let dir = temp.path();
        let json = ok(dir, &["scan", "--json"]);
        insta::with_settings!({snapshot_path => manifest_dir().join("snapshots")}, {
            insta::assert_snapshot!(format!("map_scan_{repo}"), json);
        });
        ok(dir, &["init", "--yes", "--kit", kit]);
        ok(dir, &["docs"]);
        let doc = std::fs::read_to_string(dir.join("docs/INTEGRATIONS.md")).unwrap();
        insta::with_settings!({snapshot_path => manifest_dir().join("snapshots")}, {
            insta::assert_snapshot!(format!("map_docs_{repo}"), doc);
        });
        assert!(doc.contains("```mermaid\nflowchart LR\n"), "{repo}: {doc}");
        for heading in [
            "## APIs & External Services",
            "## Data Storage",
            "## Authentication & Identity",
            "## Monitoring & Observability",
            "## Background Jobs",
            "## CI/CD & Deployment",
            "## Environment Configuration",
            "## Webhooks & Callbacks",
        ] {
            assert!(doc.contains(heading), "{repo}: no {heading}");
        }
        // Values in env files never reach the document.
        assert!(!doc.contains("postgres://"), "{repo}");
        assert!(!doc.contains("redis://"), "{repo}");
        ok(dir, &["docs", "--check"]);
    }
}

#[test]
fn scan_finds_each_detection_kind() {
    let temp = fixture("django-integrations");
    let scan = scan_json(temp.path());
    assert_eq!(scan["schema_version"], 2);
    let found = ids(&scan, "found", "service");
    assert!(
        found.contains(&"stripe".into()) && found.contains(&"loops".into()),
        "{found:?}"
    );
    let stripe = &scan["found"][found.iter().position(|s| s == "stripe").unwrap()];
    assert_eq!(stripe["hand_written"], true);
    let kinds: Vec<&str> = stripe["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "folder", "package", "import", "env", "env-read", "settings", "webhook",
    ] {
        assert!(kinds.contains(&kind), "stripe lacks {kind}: {kinds:?}");
    }
    let infra = ids(&scan, "infrastructure", "id");
    for id in [
        "database-url",
        "postgresql",
        "redis",
        "celery",
        "github-actions",
        "render",
        "docker",
        "docker-compose",
    ] {
        assert!(infra.contains(&id.to_string()), "{id} not in {infra:?}");
    }
    // `local_only/` is gitignored: the twilio pinned there is not seen.
    assert!(temp.path().join("local_only/requirements.txt").is_file());
    assert!(!found.contains(&"twilio".into()), "{found:?}");
    assert_eq!(scan["outgoing_webhooks"].as_array().unwrap().len(), 1);
    let stages: Vec<&str> = scan["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert!(stages.contains(&"production") && stages.contains(&"development"));

    let rails = fixture("rails-app");
    let scan = scan_json(rails.path());
    let found = ids(&scan, "found", "service");
    for service in ["sentry", "intercom", "openai", "stripe"] {
        assert!(found.contains(&service.to_string()), "{service}: {found:?}");
    }
    let routes: Vec<String> = scan["found"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["evidence"].as_array().unwrap().clone())
        .filter(|e| e["kind"] == "webhook")
        .map(|e| e["detail"].as_str().unwrap().to_string())
        .collect();
    assert!(
        routes.contains(&"/webhooks/stripe".to_string()),
        "{routes:?}"
    );

    let next = fixture("next-app");
    let scan = scan_json(next.path());
    let routes: Vec<String> = scan["found"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["evidence"].as_array().unwrap().clone())
        .filter(|e| e["kind"] == "webhook")
        .map(|e| e["detail"].as_str().unwrap().to_string())
        .collect();
    assert!(
        routes.contains(&"/api/webhooks/stripe".to_string()),
        "{routes:?}"
    );
    assert!(
        routes.contains(&"/api/webhooks/clerk".to_string()),
        "{routes:?}"
    );
}

#[test]
fn scan_reports_files_it_does_not_read() {
    let temp = fixture("axum-app");
    let big = "// padding\n".repeat(120_000);
    std::fs::write(temp.path().join("src/huge.rs"), big).unwrap();
    let output = run(temp.path(), &["scan", "--json"]);
    assert!(output.status.success());
    let scan: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(scan["limits"]["not_read"][0]["path"], "src/huge.rs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not read: src/huge.rs"), "{stderr}");
}

#[test]
fn adopt_records_only_and_the_lifecycle_knows_it() {
    let temp = fixture("django-integrations");
    let dir = temp.path();
    ok(dir, &["init", "--yes", "--kit", "django"]);
    let before = files(dir);
    let dry = ok(dir, &["adopt", "stripe", "--dry-run"]);
    assert!(dry.contains("+adopted = true"), "{dry}");
    assert_eq!(files(dir), before, "--dry-run wrote");

    ok(dir, &["adopt", "stripe"]);
    let after = files(dir);
    let changed: Vec<&String> = after
        .keys()
        .filter(|p| before.get(*p) != after.get(*p))
        .collect();
    assert_eq!(
        changed,
        ["integrate.toml"],
        "adopt changed more than the record"
    );
    let record = String::from_utf8(after["integrate.toml"].clone()).unwrap();
    assert!(
        record.contains("\"apps/integration/stripe/client.py\" = \"sha256:"),
        "{record}"
    );
    assert!(!record.contains("sk_"), "{record}");

    ok(dir, &["doctor"]);
    let list: serde_json::Value = serde_json::from_str(&ok(dir, &["list", "--json"])).unwrap();
    assert_eq!(list[0]["service"], "stripe");
    assert_eq!(list[0]["origin"], "adopted");
    assert_eq!(list[0]["webhook_route"], "webhooks/stripe/");
    assert_eq!(list[0]["status"], "ok");
    let scan = scan_json(dir);
    assert!(!ids(&scan, "found", "service").contains(&"stripe".into()));
    assert_eq!(
        run(dir, &["adopt", "stripe"]).status.code(),
        Some(2),
        "adopting twice"
    );
    assert_eq!(run(dir, &["adopt", "twilio"]).status.code(), Some(1));

    ok(dir, &["docs"]);
    let doc = std::fs::read_to_string(dir.join("docs/INTEGRATIONS.md")).unwrap();
    assert!(
        doc.contains("- **Stripe** (`stripe`) - payments, hand-written, adopted"),
        "{doc}"
    );
    for named in [
        "PostgreSQL",
        "Redis",
        "Celery",
        "GitHub Actions",
        "Render",
        "Docker",
    ] {
        assert!(
            doc.contains(&format!("**{named}**")),
            "{named} missing:\n{doc}"
        );
    }

    // Evidence that goes away is a finding.
    let env = std::fs::read_to_string(dir.join(".env.example")).unwrap();
    std::fs::write(
        dir.join(".env.example"),
        env.replace("STRIPE_WEBHOOK_SECRET=\n", ""),
    )
    .unwrap();
    let doctor = run(dir, &["doctor"]);
    assert_eq!(doctor.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&doctor.stdout).contains("STRIPE_WEBHOOK_SECRET"),
        "{}",
        String::from_utf8_lossy(&doctor.stdout)
    );
    std::fs::write(dir.join(".env.example"), env).unwrap();

    // remove only unrecords; --delete-files deletes the unchanged recorded files.
    ok(dir, &["remove", "stripe"]);
    assert!(dir.join("apps/integration/stripe/client.py").is_file());
    assert!(!std::fs::read_to_string(dir.join("integrate.toml"))
        .unwrap()
        .contains("[integrations.stripe]"));
    ok(dir, &["adopt", "stripe"]);
    std::fs::write(dir.join("apps/integration/stripe/README.md"), "# edited\n").unwrap();
    ok(dir, &["remove", "stripe", "--delete-files"]);
    assert!(!dir.join("apps/integration/stripe/client.py").exists());
    assert!(
        dir.join("apps/integration/stripe/README.md").is_file(),
        "edited file kept"
    );
    assert!(dir.join("apps/integration/loops/client.py").is_file());
}
