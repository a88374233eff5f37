//! The lifecycle commands on real example apps: `new` then `remove` gives back the tree
//! byte for byte for every kit; hand-edited files survive `remove`; `doctor` names each
//! kind of drift; `docs` snapshots and hand-written text surviving; `scan` on fixture repos.

mod common;

use std::path::Path;

use common::{example_copy, integrate, manifest_dir, snapshot};

const KITS: &[&str] = &["django", "typescript", "rails", "rust"];

/// A fixed clock for `docs`, so snapshots and trees are stable.
const EPOCH: &str = "1767225600"; // 2026-01-01

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
        "integrate {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

fn initialised(kit: &str) -> tempfile::TempDir {
    let temp = example_copy(kit);
    ok(temp.path(), &["init", "--kit", kit, "--yes"]);
    temp
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap()
}

fn write(dir: &Path, path: &str, text: &str) {
    std::fs::write(dir.join(path), text).unwrap();
}

fn assert_same_tree(
    dir: &Path,
    before: &std::collections::BTreeMap<String, common::Node>,
    what: &str,
) {
    let after = snapshot(dir);
    let mut problems = Vec::new();
    for (path, node) in before {
        match after.get(path) {
            None => problems.push(format!("missing: {path}")),
            Some(got) if got != node => problems.push(format!("differs: {path}")),
            Some(_) => {}
        }
    }
    for path in after.keys() {
        if !before.contains_key(path) {
            problems.push(format!("left behind: {path}"));
        }
    }
    assert!(problems.is_empty(), "{what}:\n{}", problems.join("\n"));
}

#[test]
fn new_then_remove_restores_the_tree_for_every_kit() {
    let services: &[&[&str]] = &[
        &["new", "stripe", "--yes", "--webhooks"],
        &["new", "twilio", "--yes", "--webhooks"],
        &["new", "resend", "--yes", "--no-webhooks"],
        &[
            "new",
            "acme",
            "--yes",
            "--auth",
            "oauth2",
            "--webhooks",
            "--webhook-scheme",
            "hmac-sha256",
            "--events",
            "a.b",
        ],
    ];
    for kit in KITS {
        let temp = initialised(kit);
        let dir = temp.path();
        let before = snapshot(dir);
        for args in services {
            ok(dir, args);
            assert_ne!(snapshot(dir), before, "{kit}: {args:?} changed nothing");
            let name = args[1];
            ok(dir, &["remove", name]);
            assert_same_tree(
                dir,
                &before,
                &format!("{kit}: new {name} then remove {name}"),
            );
        }
    }
}

#[test]
fn removing_one_of_several_equals_never_adding_it() {
    // twilio shares nothing with stripe; paddle shares the typescript kit's
    // PAYMENTS_PROVIDER selection key (stripe's value, then paddle's).
    for other in ["twilio", "paddle"] {
        for kit in KITS {
            let only_other = initialised(kit);
            ok(only_other.path(), &["new", other, "--yes"]);
            let expected = snapshot(only_other.path());

            let both = initialised(kit);
            ok(both.path(), &["new", "stripe", "--yes", "--webhooks"]);
            ok(both.path(), &["new", other, "--yes"]);
            ok(both.path(), &["remove", "stripe"]);
            assert_same_tree(
                both.path(),
                &expected,
                &format!("{kit}: stripe removed before {other}"),
            );
        }
    }
}

#[test]
fn switching_webhooks_off_then_remove_restores_the_tree() {
    for kit in KITS {
        let temp = initialised(kit);
        let dir = temp.path();
        let before = snapshot(dir);
        let off = initialised(kit);
        ok(off.path(), &["new", "stripe", "--yes", "--no-webhooks"]);

        ok(dir, &["new", "stripe", "--yes", "--webhooks"]);
        ok(dir, &["new", "stripe", "--yes", "--no-webhooks"]);
        // The webhook secret and webhook-only dependencies went with the route.
        let env = read(dir, ".env.example");
        assert!(!env.contains("STRIPE_WEBHOOK_SECRET"), "{kit}: {env}");
        assert_eq!(
            read(dir, ".env.example"),
            read(off.path(), ".env.example"),
            "{kit}"
        );
        ok(dir, &["doctor"]);
        ok(dir, &["remove", "stripe"]);
        assert_same_tree(dir, &before, &format!("{kit}: webhooks on, off, removed"));
    }
}

#[test]
fn remove_keeps_what_was_there_before_new() {
    let temp = initialised("django");
    let dir = temp.path();
    let env = format!("{}STRIPE_SECRET_KEY=mine\n", read(dir, ".env.example"));
    write(dir, ".env.example", &env);
    let before = snapshot(dir);
    ok(dir, &["new", "stripe", "--yes", "--webhooks"]);
    assert!(read(dir, "integrate.toml").contains("\"STRIPE_SECRET_KEY\""));
    // A second `new` keeps the record of what was there first.
    ok(dir, &["new", "stripe", "--yes", "--webhooks"]);
    ok(dir, &["remove", "stripe"]);
    assert_same_tree(dir, &before, "django: pre-existing STRIPE_SECRET_KEY");
    assert!(read(dir, ".env.example").contains("STRIPE_SECRET_KEY=mine\n"));
}

#[test]
fn remove_keeps_a_blank_line_the_env_file_ended_with() {
    for ending in ["\n\n", "\n\n\n"] {
        let temp = initialised("django");
        let dir = temp.path();
        let env = format!("{}{ending}", read(dir, ".env.example").trim_end());
        write(dir, ".env.example", &env);
        let before = snapshot(dir);
        ok(dir, &["new", "stripe", "--yes", "--webhooks"]);
        ok(dir, &["new", "twilio", "--yes", "--webhooks"]);
        ok(dir, &["remove", "stripe"]);
        ok(dir, &["remove", "twilio"]);
        assert_same_tree(
            dir,
            &before,
            &format!("django: .env.example ending {ending:?}"),
        );
    }
}

#[test]
fn an_integration_added_with_another_kit_keeps_it_through_doctor_new_and_remove() {
    let temp = initialised("django");
    let dir = temp.path();
    // A team kit: the built-in Django kit with its own README.
    let lite = dir.join(".integrate/kits/django-lite");
    common::copy_tree(&manifest_dir().join("scaffolds/django"), &lite);
    let manifest = std::fs::read_to_string(lite.join("kit.toml")).unwrap();
    std::fs::write(
        lite.join("kit.toml"),
        manifest.replacen("name = \"django\"", "name = \"django-lite\"", 1),
    )
    .unwrap();
    std::fs::write(
        lite.join("files/README.md.hbs"),
        "# {{display_name}} (lite)\n",
    )
    .unwrap();
    let env = std::fs::read_to_string(lite.join("edits/env.hbs")).unwrap();
    std::fs::write(lite.join("edits/env.hbs"), format!("# lite kit\n{env}")).unwrap();
    let before = snapshot(dir);

    ok(
        dir,
        &[
            "new",
            "stripe",
            "--kit",
            "django-lite",
            "--yes",
            "--webhooks",
        ],
    );
    assert!(read(dir, "integrate.toml").contains("kit = \"django-lite\""));
    assert!(read(dir, ".env.example").contains("# lite kit\n"));
    assert_eq!(
        read(dir, "apps/integration/stripe/README.md"),
        "# Stripe (lite)\n"
    );
    ok(dir, &["new", "twilio", "--yes", "--webhooks"]);
    let (code, out) = doctor(dir);
    assert_eq!(code, 0, "{out}");
    // Generated again without --kit, it keeps its kit: nothing to do.
    let again = run(dir, &["new", "stripe", "--yes", "--webhooks"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("nothing to do"));
    ok(dir, &["remove", "stripe"]);
    ok(dir, &["remove", "twilio"]);
    assert_same_tree(dir, &before, "django: stripe with kit django-lite");
}

#[test]
fn remove_keeps_hand_edited_files_unless_forced() {
    let temp = initialised("typescript");
    let dir = temp.path();
    ok(dir, &["new", "stripe", "--yes", "--webhooks"]);
    let client = "src/providers/payments/stripe.ts";
    let edited = format!("{}// my change\n", read(dir, client));
    write(dir, client, &edited);

    let dry = run(dir, &["remove", "stripe", "--dry-run"]);
    assert!(dry.status.success());
    assert!(
        dir.join("src/api/webhooks/stripe.ts").exists(),
        "dry run wrote"
    );

    let output = run(dir, &["remove", "stripe"]);
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("kept {client}")), "{stderr}");
    assert_eq!(read(dir, client), edited);
    assert!(!dir.join("src/api/webhooks/stripe.ts").exists());
    assert!(!read(dir, "integrate.toml").contains("[integrations.stripe]"));

    let temp = initialised("typescript");
    let dir = temp.path();
    let before = snapshot(dir);
    ok(dir, &["new", "stripe", "--yes", "--webhooks"]);
    write(dir, client, "changed\n");
    ok(dir, &["remove", "stripe", "--force"]);
    assert_same_tree(dir, &before, "typescript: remove --force");
}

#[test]
fn remove_of_an_unknown_service_fails_and_changes_nothing() {
    let temp = initialised("rails");
    let dir = temp.path();
    let before = snapshot(dir);
    let output = run(dir, &["remove", "stripe"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("`stripe` is not recorded"), "{stderr}");
    assert_same_tree(dir, &before, "rails: failed remove");
}

/// Runs doctor; returns (exit code, stdout).
fn doctor(dir: &Path) -> (i32, String) {
    let output = run(dir, &["doctor"]);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).to_string(),
    )
}

fn cut(dir: &Path, path: &str, from: &str, to: &str) {
    let text = read(dir, path);
    let start = text
        .find(from)
        .unwrap_or_else(|| panic!("{from} not in {path}"));
    let end = text[start..].find(to).unwrap() + start + to.len();
    write(dir, path, &format!("{}{}", &text[..start], &text[end..]));
}

#[test]
fn doctor_names_each_kind_of_drift() {
    let temp = initialised("django");
    let fresh = temp.path();
    ok(fresh, &["new", "stripe", "--yes", "--webhooks"]);
    assert_eq!(doctor(fresh), (0, String::new()));

    type Drift = (&'static str, fn(&Path), i32, &'static str);
    let drifts: &[Drift] = &[
        (
            "env var",
            |d| {
                let text = read(d, ".env.example").replace("STRIPE_SECRET_KEY=", "");
                write(d, ".env.example", &text)
            },
            1,
            "stripe: env var STRIPE_SECRET_KEY missing in .env.example",
        ),
        (
            "factory registration",
            |d| cut(d, "apps/integration/registry.py", "# >>> integrate stripe registry", "# <<< integrate stripe registry\n"),
            1,
            "stripe: factory registration (block `stripe registry`) missing in apps/integration/registry.py",
        ),
        (
            "webhook route",
            |d| cut(d, "apps/api/urls.py", "# >>> integrate stripe urls", "# <<< integrate stripe urls\n"),
            1,
            "stripe: webhook route (block `stripe urls`) missing in apps/api/urls.py",
        ),
        (
            "settings entry",
            |d| cut(d, "settings/third_party.py", "# >>> integrate stripe settings", "# <<< integrate stripe settings\n"),
            1,
            "stripe: settings entry (block `stripe settings`) missing in settings/third_party.py",
        ),
        (
            "generated file",
            |d| std::fs::remove_file(d.join("apps/integration/stripe/client.py")).unwrap(),
            1,
            "stripe: generated file missing in apps/integration/stripe/client.py",
        ),
        (
            "hand edit",
            |d| {
                let path = "apps/integration/stripe/client.py";
                let text = format!("{}# tuned\n", read(d, path));
                write(d, path, &text)
            },
            0,
            "stripe: generated file apps/integration/stripe/client.py edited by hand",
        ),
    ];
    for (name, drift, code, line) in drifts {
        let temp = tempfile::tempdir().unwrap();
        common::copy_tree(fresh, temp.path());
        drift(temp.path());
        let (got, stdout) = doctor(temp.path());
        assert_eq!(got, *code, "{name}: {stdout}");
        assert!(stdout.lines().any(|l| l == *line), "{name}: {stdout}");
        let list = ok(temp.path(), &["list", "--json"]);
        let rows: serde_json::Value = serde_json::from_str(&list).unwrap();
        assert_ne!(rows[0]["status"], "ok", "{name}: list says ok");
    }

    // TOML entries: the rust kit's settings in config/default.toml and dependencies.
    let temp = initialised("rust");
    let dir = temp.path();
    ok(dir, &["new", "stripe", "--yes", "--webhooks"]);
    assert_eq!(doctor(dir).0, 0);
    let config =
        read(dir, "config/default.toml").replace("webhook_route = \"/webhooks/stripe\"\n", "");
    write(dir, "config/default.toml", &config);
    let (code, stdout) = doctor(dir);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("stripe: settings entry `integrations.stripe.webhook_route` missing in config/default.toml"),
        "{stdout}"
    );
}

#[test]
fn list_shows_every_integration() {
    let temp = initialised("rails");
    let dir = temp.path();
    ok(dir, &["new", "stripe", "--yes", "--webhooks"]);
    ok(dir, &["new", "resend", "--yes", "--no-webhooks"]);
    let text = ok(dir, &["list"]);
    insta::with_settings!({snapshot_path => manifest_dir().join("snapshots")}, {
        insta::assert_snapshot!("list_rails", text);
    });
    let rows: serde_json::Value = serde_json::from_str(&ok(dir, &["list", "--json"])).unwrap();
    assert_eq!(rows[0]["service"], "stripe");
    assert_eq!(rows[0]["webhook_route"], "/webhooks/stripe");
    assert_eq!(rows[1]["webhook_route"], serde_json::Value::Null);
    assert_eq!(rows[1]["status"], "ok");
}

#[test]
fn docs_writes_the_managed_region_and_keeps_hand_written_text() {
    let temp = initialised("django");
    let dir = temp.path();
    ok(dir, &["new", "stripe", "--yes", "--webhooks"]);
    ok(dir, &["new", "twilio", "--yes", "--webhooks"]);
    ok(dir, &["new", "sentry", "--yes", "--no-webhooks"]);
    // Not generated by integrate: found by scan. Stripe's own SDK shows beside its client.
    write(
        dir,
        "requirements.txt",
        "django==5.2.1\nstripe==12.1.0\nboto3==1.38.23\n",
    );
    let env = format!(
        "{}LOOPS_API_KEY=\nLOOPS_WEBHOOK_SECRET=\n",
        read(dir, ".env.example")
    );
    write(dir, ".env.example", &env);

    let check = run(dir, &["docs", "--check"]);
    assert_eq!(check.status.code(), Some(1), "no document yet");
    ok(dir, &["docs"]);
    let doc = read(dir, "docs/INTEGRATIONS.md");
    insta::with_settings!({snapshot_path => manifest_dir().join("snapshots")}, {
        insta::assert_snapshot!("docs_django", doc);
    });
    assert!(!doc.contains("sk_"), "a secret-looking value was written");
    assert!(
        doc.contains("official SDK `stripe` (requirements.txt:2)"),
        "{doc}"
    );
    ok(dir, &["docs", "--check"]);

    // Hand-written text around the region survives regeneration by `docs`, `new`, `remove`.
    let mine = "\n## Notes\n\nStripe is billed to the finance team; ask before changing keys.\n";
    write(dir, "docs/INTEGRATIONS.md", &format!("{doc}{mine}"));
    ok(dir, &["docs", "--check"]);
    ok(dir, &["new", "resend", "--yes", "--no-webhooks"]);
    let refreshed = read(dir, "docs/INTEGRATIONS.md");
    assert!(refreshed.contains("**Resend** (`resend`)"), "{refreshed}");
    assert!(refreshed.ends_with(mine));
    ok(dir, &["docs", "--check"]);
    ok(dir, &["remove", "twilio"]);
    let refreshed = read(dir, "docs/INTEGRATIONS.md");
    assert!(!refreshed.contains("(`twilio`)"), "{refreshed}");
    assert!(refreshed.ends_with(mine));
    ok(dir, &["docs", "--check"]);

    // A change the document does not show yet makes `--check` fail.
    let env = format!(
        "{}OPENAI_API_KEY=\nOPENAI_ORG_ID=\n",
        read(dir, ".env.example")
    );
    write(dir, ".env.example", &env);
    assert_eq!(run(dir, &["docs", "--check"]).status.code(), Some(1));
}

#[test]
fn docs_date_changes_only_with_the_content() {
    let temp = initialised("rust");
    let dir = temp.path();
    ok(dir, &["new", "stripe", "--yes", "--webhooks"]);
    ok(dir, &["docs"]);
    let first = read(dir, "docs/INTEGRATIONS.md");
    assert!(first.contains("**Analysis date:** 2026-01-01"));
    let later = |args: &[&str]| {
        integrate(dir)
            .env("SOURCE_DATE_EPOCH", "1798761600") // 2027-01-01
            .args(args)
            .output()
            .unwrap()
    };
    assert!(later(&["docs"]).status.success());
    assert_eq!(
        read(dir, "docs/INTEGRATIONS.md"),
        first,
        "date moved without a change"
    );
    assert!(later(&["docs", "--check"]).status.success());
    assert!(later(&["new", "openai", "--yes", "--no-webhooks"])
        .status
        .success());
    assert!(read(dir, "docs/INTEGRATIONS.md").contains("**Analysis date:** 2027-01-01"));
}

#[test]
fn docs_path_is_a_setting() {
    let temp = initialised("typescript");
    let dir = temp.path();
    let record = read(dir, "integrate.toml").replace(
        "[paths]\n",
        "[paths]\nintegrations_doc = \".planning/codebase/INTEGRATIONS.md\"\n",
    );
    write(dir, "integrate.toml", &record);
    ok(dir, &["docs"]);
    assert!(dir.join(".planning/codebase/INTEGRATIONS.md").is_file());
    assert!(!dir.join("docs/INTEGRATIONS.md").exists());
}

/// A temp copy of the scan fixture repo `tests/scan/<repo>` (outside this checkout, so the
/// scan sees only the fixture).
fn scan_repo(repo: &str) -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    common::copy_tree(&manifest_dir().join("tests/scan").join(repo), temp.path());
    temp
}

fn scan_text(repo: &str) -> String {
    let temp = scan_repo(repo);
    let output = integrate(temp.path()).args(["scan"]).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

#[test]
fn scan_finds_sdks_env_vars_and_routes_of_each_stack() {
    for repo in ["django", "typescript", "rails", "rust"] {
        let text = scan_text(repo);
        insta::with_settings!({snapshot_path => manifest_dir().join("snapshots")}, {
            insta::assert_snapshot!(format!("scan_{repo}"), text);
        });
    }
}

#[test]
fn scan_finds_stripe_twilio_loops_and_s3_in_a_django_project() {
    let temp = scan_repo("django-project");
    let output = integrate(temp.path())
        .args(["scan", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<&str> = result["found"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["service"].as_str().unwrap())
        .collect();
    for service in ["stripe", "twilio", "loops"] {
        assert!(found.contains(&service), "{service} not found: {found:?}");
    }
    // S3 is infrastructure (file storage), not an API integrate generates.
    let infra: Vec<&str> = result["infrastructure"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(infra.contains(&"aws-s3"), "{infra:?}");
    let text = scan_text("django-project");
    insta::with_settings!({snapshot_path => manifest_dir().join("snapshots")}, {
        insta::assert_snapshot!("scan_django_project", text);
    });
}

#[test]
fn scan_leaves_out_recorded_integrations() {
    let temp = initialised("django");
    let dir = temp.path();
    ok(dir, &["new", "stripe", "--yes", "--webhooks"]);
    let text = ok(dir, &["scan", "--json"]);
    let result: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        !result["found"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["service"] == "stripe"),
        "{text}"
    );
}

#[test]
fn every_catalog_service_comes_out_as_it_went_in() {
    let catalog: serde_json::Value =
        serde_json::from_str(&ok(&manifest_dir(), &["catalog", "--json"])).unwrap();
    let ids: Vec<String> = catalog.as_object().unwrap().keys().cloned().collect();
    assert!(ids.len() > 20, "{ids:?}");
    for kit in KITS {
        let temp = initialised(kit);
        let dir = temp.path();
        let before = snapshot(dir);
        for id in &ids {
            let output = run(dir, &["new", id, "--yes"]);
            if !output.status.success() {
                // Catalog entries whose webhook scheme integrate cannot verify need a flag.
                ok(dir, &["new", id, "--yes", "--no-webhooks"]);
            }
        }
        ok(dir, &["doctor"]);
        // Removed in the order they were added: every later one inherits what it shares.
        for id in &ids {
            ok(dir, &["remove", id]);
        }
        assert_same_tree(dir, &before, &format!("{kit}: every catalog service"));
    }
}

#[test]
fn a_kit_that_cannot_render_an_integration_is_a_finding_not_a_crash() {
    let temp = initialised("django");
    let dir = temp.path();
    ok(dir, &["new", "stripe", "--yes", "--webhooks"]);
    std::fs::create_dir_all(dir.join(".integrate/kits/django/edits")).unwrap();
    write(
        dir,
        ".integrate/kits/django/edits/urls.py.hbs",
        "{{nope}}\n",
    );
    let (code, stdout) = doctor(dir);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("stripe: cannot render the kit's edits:") && stdout.contains("nope"),
        "{stdout}"
    );
    let rows: serde_json::Value = serde_json::from_str(&ok(dir, &["list", "--json"])).unwrap();
    assert!(rows[0]["status"]
        .as_str()
        .unwrap()
        .starts_with("cannot render"));
}
