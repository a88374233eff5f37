//! The Rust repo profile: `init` finds each crate layout of `tests/repos/rust-*` without
//! hand edits (the file that builds the axum Router, the crate root, versions), wires
//! `integrations::routes()` into that Router once, and `new` then edits only files integrate
//! owns; `remove` gives every file back byte for byte. Crates pinned to versions the
//! generated code cannot build against are refused with exit 1 and nothing changed.
//! (`scripts/e2e-layouts-rust.sh` builds and tests the same repos with cargo.)

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{copy_tree, files, integrate, manifest_dir};
use predicates::str::contains;

fn repo(name: &str) -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    copy_tree(&manifest_dir().join("tests/repos").join(name), temp.path());
    std::fs::create_dir(temp.path().join(".git")).unwrap();
    temp
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The files under `dir` whose bytes differ between `before` and `after` (or exist in one).
fn changed(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut out: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Runs `init` in `dir`, checks what it printed and recorded, then adds three integrations
/// and checks they touched only files integrate owns, runs `check`, removes them and requires
/// the files `init` left back.
fn round_trip(dir: &Path, detected: &[&str], expected: &[&str], check: impl Fn(&Path)) {
    let before_init = files(dir);
    let out = integrate(dir).args(["init", "--yes"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    for line in detected {
        assert!(stderr.contains(line), "no `{line}` in\n{stderr}");
    }
    let record = read(dir, "integrate.toml");
    for line in expected {
        assert!(
            record.lines().any(|l| l == *line),
            "no `{line}` in\n{record}"
        );
    }
    let after_init = files(dir);
    let user_files: Vec<String> = changed(&before_init, &after_init)
        .into_iter()
        .filter(|p| before_init.contains_key(p))
        .collect();
    for args in [
        &["new", "stripe", "--yes", "--webhooks"][..],
        &["new", "twilio", "--yes", "--webhooks"],
        &[
            "new",
            "acme",
            "--category",
            "other",
            "--auth",
            "api-key",
            "--yes",
        ],
    ] {
        integrate(dir).args(args).assert().success();
    }
    let generated = files(dir);
    // After `init`, `new` edits only files integrate owns: never the Router or crate root.
    for path in changed(&after_init, &generated) {
        let owned = path.contains("integrations/")
            || path.ends_with("Cargo.toml")
            || path.ends_with("config/default.toml")
            || path.starts_with(".env")
            || path == "integrate.toml"
            || path.starts_with("docs/");
        assert!(owned, "`new` edited {path}, which the user owns");
        assert!(!user_files.contains(&path) || path.ends_with("Cargo.toml"));
    }
    integrate(dir)
        .args(["new", "stripe", "--yes", "--webhooks"])
        .assert()
        .success()
        .stderr(contains("nothing to do"));
    assert_eq!(files(dir), generated, "a second run changed files");
    integrate(dir).arg("doctor").assert().success();
    check(dir);
    for service in ["twilio", "acme", "stripe"] {
        integrate(dir).args(["remove", service]).assert().success();
    }
    let left = files(dir);
    for (path, bytes) in &after_init {
        if path == "integrate.toml" {
            continue;
        }
        assert_eq!(left.get(path), Some(bytes), "{path} not given back");
    }
}

#[test]
fn a_binary_crate_building_its_router_in_main_rs() {
    let repo = repo("rust-bin-main");
    let dir = repo.path();
    round_trip(
        dir,
        &[
            "Detected crate todo-api (bin: src/main.rs), edition 2021",
            "Detected axum 0.8, tokio 1, serde 1 (Cargo.toml); not yet: reqwest, hmac, sha2",
            "Detected Router built in src/main.rs:17",
            "Detected crate root src/main.rs (the binary) declares `mod integrations;`",
            "Detected env example file .env.sample",
        ],
        &[
            r#"crate_root = "src/main.rs""#,
            r#"router_file = "src/main.rs""#,
            r#"integrations_dir = "src/integrations""#,
            r#"env_file = ".env.sample""#,
            r#"routes = "merge""#,
            r#"crate_kind = "bin""#,
            r#"root_target = "bin""#,
            r#"axum = "0.8""#,
        ],
        |dir| {
            let main = read(dir, "src/main.rs");
            assert!(main.contains("\nmod integrations;\nmod store;\n"), "{main}");
            assert!(
                main.contains("        .route(\"/health\", get(|| async { \"ok\" }))\n        .merge(crate::integrations::routes())\n        .with_state(store)\n"),
                "{main}"
            );
            let module = read(dir, "src/integrations/mod.rs");
            assert!(
                module.contains("        stripe::webhook::routes(),\n"),
                "{module}"
            );
            assert!(
                module.contains("        twilio::webhook::routes(),\n"),
                "{module}"
            );
            assert!(!module.contains("acme::webhook"));
            let manifest = read(dir, "Cargo.toml");
            assert!(
                manifest.contains("tower = { version = \"0.5\", features = [\"util\"] }"),
                "{manifest}"
            );
            assert!(read(dir, ".env.sample").contains("STRIPE_WEBHOOK_SECRET="));
            assert!(!dir.join(".env.example").exists());
        },
    );
}

#[test]
fn a_lib_and_bin_crate_building_its_router_in_the_library() {
    let repo = repo("rust-lib-bin");
    let dir = repo.path();
    round_trip(
        dir,
        &[
            "Detected crate billing-service (lib + bin: src/lib.rs, src/main.rs), edition 2021",
            "Detected axum 0.7, tokio 1, reqwest 0.11, serde 1 (Cargo.toml)",
            "Detected Router built in src/lib.rs:17",
            "Detected crate root src/lib.rs (the library) declares `mod integrations;`",
        ],
        &[
            r#"crate_root = "src/lib.rs""#,
            r#"router_file = "src/lib.rs""#,
            r#"crate_kind = "lib+bin""#,
            r#"root_target = "lib""#,
            r#"tower_req = "0.4""#,
        ],
        |dir| {
            let lib = read(dir, "src/lib.rs");
            assert!(
                lib.contains("pub mod handlers;\npub mod integrations;\npub mod routes;\n"),
                "{lib}"
            );
            assert!(
                lib.contains(".layer(middleware::from_fn(handlers::request_id))\n        .merge(crate::integrations::routes())\n        .with_state(state)"),
                "{lib}"
            );
            assert_eq!(
                read(dir, "src/main.rs"),
                read(
                    &manifest_dir().join("tests/repos/rust-lib-bin"),
                    "src/main.rs"
                )
            );
            let manifest = read(dir, "Cargo.toml");
            // The app's axum 0.7 and reqwest 0.11 stay; the tests use the app's tower 0.4.
            assert!(manifest.contains("axum = \"0.7\"\n"), "{manifest}");
            assert!(manifest.contains("reqwest = { version = \"0.11\", default-features = false }"));
            assert!(manifest.contains("[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt\"] }\ntower = { version = \"0.4\", features = [\"util\"] }\n"), "{manifest}");
        },
    );
}

#[test]
fn a_workspace_member_is_its_own_root_and_the_virtual_manifest_says_which() {
    let repo = repo("rust-workspace");
    let before = files(repo.path());
    integrate(repo.path())
        .args(["init", "--yes"])
        .assert()
        .code(1)
        .stderr(contains("Cargo.toml: is a virtual workspace manifest"))
        .stderr(contains("`integrate -C crates/api init`"));
    assert_eq!(files(repo.path()), before);
    let api = repo.path().join("crates/api");
    round_trip(
        &api,
        &[
            "Detected crate shop-api (lib: src/lib.rs), edition 2021",
            "Detected axum 0.8, serde 1 (Cargo.toml)",
            "Detected Router built in src/router.rs:18",
        ],
        &[
            r#"router_file = "src/router.rs""#,
            r#"crate_root = "src/lib.rs""#,
            r#"tower_workspace = "true""#,
        ],
        |dir| {
            assert!(read(dir, "src/router.rs").contains(
                ".fallback(|| async { StatusCode::NOT_FOUND })\n        .merge(crate::integrations::routes())\n}"
            ));
            let manifest = read(dir, "Cargo.toml");
            assert!(
                manifest.contains("tower = { workspace = true, features = [\"util\"] }"),
                "{manifest}"
            );
        },
    );
    assert!(!repo.path().join("integrate.toml").exists());
}

#[test]
fn old_pins_are_refused_naming_cargo_toml_lines_and_nothing_changes() {
    let repo = repo("rust-old-pins");
    let before = files(repo.path());
    integrate(repo.path())
        .args(["init", "--yes"])
        .assert()
        .code(1)
        .stderr(contains(
            "Cargo.toml: pins crates the generated code cannot compile against",
        ))
        .stderr(contains(
            "line 8: axum 0.6.20 does not fit the webhook routes (written for axum 0.7 to 0.8)",
        ))
        .stderr(contains("line 9: hmac 0.11.0"))
        .stderr(contains("line 10: sha2 0.9.0"));
    assert_eq!(files(repo.path()), before);
}

#[test]
fn new_refuses_webhooks_onto_a_pinned_hmac_after_init() {
    let repo = repo("rust-bin-main");
    let dir = repo.path();
    integrate(dir).args(["init", "--yes"]).assert().success();
    let manifest = read(dir, "Cargo.toml").replace(
        "serde_json = \"1\"\n",
        "serde_json = \"1\"\nsha2 = \"0.9\"\n",
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    let before = files(dir);
    integrate(dir)
        .args(["new", "stripe", "--yes", "--webhooks"])
        .assert()
        .code(1)
        .stderr(contains(
            "Cargo.toml: line 11: sha2 0.9.0 does not fit the webhook verifiers",
        ));
    assert_eq!(files(dir), before);
    // Without webhooks nothing needs sha2.
    integrate(dir)
        .args(["new", "stripe", "--yes", "--no-webhooks"])
        .assert()
        .success();
}

#[test]
fn two_routers_are_refused_with_the_line_to_add_and_a_hand_added_line_is_kept() {
    let repo = repo("rust-bin-main");
    let dir = repo.path();
    let main = read(dir, "src/main.rs");
    let second = main.replace(
        "#[tokio::main]",
        "pub fn admin() -> Router {\n    Router::new()\n        .nest(\"/admin\", Router::new())\n        .route(\"/x\", get(|| async { \"x\" }))\n        .with_state(Store::default())\n}\n\n#[tokio::main]",
    );
    std::fs::write(dir.join("src/main.rs"), &second).unwrap();
    let before = files(dir);
    integrate(dir)
        .args(["init", "--yes"])
        .assert()
        .code(1)
        .stderr(contains("src/main.rs: integrate cannot tell which Router your app serves: src/main.rs:17, src/main.rs:"))
        .stderr(contains("add `.merge(crate::integrations::routes())` to that Router"));
    assert_eq!(files(dir), before);
    // The user adds the line where they want it; `init` keeps it and wires nothing else.
    let by_hand = second.replace(
        "        .with_state(store)\n",
        "        .merge(crate::integrations::routes())\n        .with_state(store)\n",
    );
    std::fs::write(dir.join("src/main.rs"), &by_hand).unwrap();
    integrate(dir)
        .args(["init", "--yes"])
        .assert()
        .success()
        .stderr(contains("already merging integrations::routes()"));
    let main = read(dir, "src/main.rs");
    assert_eq!(main.matches("integrations::routes()").count(), 1);
    assert!(main.contains("mod integrations;\n"));
}

#[test]
fn a_crate_without_a_router_gets_clients_but_no_webhooks() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir(dir.join(".git")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"cli\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/main.rs"), "fn main() {}\n").unwrap();
    integrate(dir)
        .args(["init", "--yes"])
        .assert()
        .success()
        .stderr(contains("no axum Router: webhook routes are not wired"));
    assert!(!read(dir, "src/integrations/mod.rs").contains("axum"));
    let before = files(dir);
    integrate(dir)
        .args(["new", "stripe", "--yes", "--webhooks"])
        .assert()
        .code(1)
        .stderr(contains("integrate.toml: [profile] routes = \"none\""));
    assert_eq!(files(dir), before);
    integrate(dir)
        .args(["new", "stripe", "--yes", "--no-webhooks"])
        .assert()
        .success();
}

#[test]
fn edition_2015_is_refused() {
    let repo = repo("rust-bin-main");
    let dir = repo.path();
    let manifest = read(dir, "Cargo.toml").replace("edition = \"2021\"\n", "");
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    let before = files(dir);
    integrate(dir)
        .args(["init", "--yes"])
        .assert()
        .code(1)
        .stderr(contains("Cargo.toml: the crate is on edition 2015"));
    assert_eq!(files(dir), before);
}
