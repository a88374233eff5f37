//! Helpers shared by the integration tests: temp copies of trees and byte-exact snapshots.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The crate root.
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary under test, never attached to a terminal.
pub fn integrate(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("integrate").expect("binary built");
    cmd.arg("-C").arg(dir).arg("--color").arg("never");
    cmd.env_remove("NO_COLOR");
    cmd
}

/// Copies `from` into `to` recursively, keeping symlinks and permission bits.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let source = entry.path();
        let target = to.join(entry.file_name());
        let meta = std::fs::symlink_metadata(&source).unwrap();
        if meta.file_type().is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(std::fs::read_link(&source).unwrap(), &target).unwrap();
        } else if meta.is_dir() {
            copy_tree(&source, &target);
        } else {
            std::fs::copy(&source, &target).unwrap();
        }
    }
}

/// One entry of a tree snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    File { bytes: Vec<u8>, mode: u32 },
    Dir { mode: u32 },
    Link(PathBuf),
}

/// Every file, folder and symlink under `root` with its bytes, permission bits or target.
pub fn snapshot(root: &Path) -> BTreeMap<String, Node> {
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn mode(meta: &std::fs::Metadata) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o7777
    }
    #[cfg(not(unix))]
    {
        u32::from(meta.permissions().readonly())
    }
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Node>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.file_type().is_symlink() {
            out.insert(rel, Node::Link(std::fs::read_link(&path).unwrap()));
        } else if meta.is_dir() {
            out.insert(rel, Node::Dir { mode: mode(&meta) });
            walk(root, &path, out);
        } else {
            out.insert(
                rel,
                Node::File {
                    bytes: std::fs::read(&path).unwrap(),
                    mode: mode(&meta),
                },
            );
        }
    }
}

/// Files only (no folders), as text, for comparing a result with an expected tree.
pub fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(root)
        .into_iter()
        .filter_map(|(k, v)| match v {
            Node::File { bytes, .. } => Some((k, bytes)),
            _ => None,
        })
        .collect()
}

/// Panics with a readable diff when the files under `actual` differ from `expected`.
pub fn assert_same_files(actual: &Path, expected: &Path, context: &str) {
    let actual_files = files(actual);
    let expected_files = files(expected);
    let mut problems = Vec::new();
    for (path, bytes) in &expected_files {
        match actual_files.get(path) {
            None => problems.push(format!("missing: {path}")),
            Some(got) if got != bytes => {
                let diff = similar::TextDiff::from_lines(
                    &String::from_utf8_lossy(bytes).to_string(),
                    &String::from_utf8_lossy(got).to_string(),
                )
                .unified_diff()
                .header(&format!("expected/{path}"), &format!("actual/{path}"))
                .to_string();
                problems.push(format!("differs: {path}\n{diff}"));
            }
            Some(_) => {}
        }
    }
    for path in actual_files.keys() {
        if !expected_files.contains_key(path) {
            problems.push(format!("unexpected: {path}"));
        }
    }
    assert!(problems.is_empty(), "{context}:\n{}", problems.join("\n"));
}

/// A temp copy of the bundled example app of `kit` (`examples/<kit>-app`), without
/// build output.
pub fn example_copy(kit: &str) -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    let from = manifest_dir().join("examples").join(format!("{kit}-app"));
    copy_filtered(&from, temp.path());
    temp
}

fn copy_filtered(from: &Path, to: &Path) {
    const SKIP: &[&str] = &[
        "node_modules",
        "target",
        ".venv",
        "__pycache__",
        ".pytest_cache",
        "tmp",
        "log",
    ];
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().to_string();
        if SKIP.contains(&name.as_str()) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_filtered(&path, &to.join(&name));
        } else {
            std::fs::copy(&path, to.join(&name)).unwrap();
        }
    }
}

/// A temp copy of `tests/repos/<name>` with a `.git` folder, as a user's repo.
pub fn fixture_repo(name: &str) -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    copy_tree(&manifest_dir().join("tests/repos").join(name), temp.path());
    std::fs::create_dir(temp.path().join(".git")).unwrap();
    temp
}

/// The text of `dir/path`, or a panic naming it.
pub fn read_text(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The files of a repo at each step of [`round_trip`].
pub struct RoundTrip {
    pub before_init: BTreeMap<String, Vec<u8>>,
    pub after_init: BTreeMap<String, Vec<u8>>,
    pub after_remove: BTreeMap<String, Vec<u8>>,
}

/// Runs `init` in `dir` (it must succeed, print each of `detected` and write each of
/// `expected` as a line of integrate.toml), adds stripe and twilio with webhooks and acme
/// with an API key, requires a second `new stripe` to change nothing, runs `check`, removes
/// the three and requires every file `init` left (but the record) back byte for byte.
pub fn round_trip(
    name: &str,
    dir: &Path,
    detected: &[&str],
    expected: &[&str],
    check: impl Fn(&Path),
) -> RoundTrip {
    let before_init = files(dir);
    let out = integrate(dir).args(["init", "--yes"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name}: {stderr}");
    for line in detected {
        assert!(stderr.contains(line), "{name}: no `{line}` in\n{stderr}");
    }
    let record = read_text(dir, "integrate.toml");
    for line in expected {
        assert!(
            record.lines().any(|l| l == *line),
            "{name}: no `{line}` in\n{record}"
        );
    }
    let after_init = files(dir);
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
    integrate(dir)
        .args(["new", "stripe", "--yes", "--webhooks"])
        .assert()
        .success()
        .stderr(predicates::str::contains("nothing to do"));
    assert_eq!(files(dir), generated, "{name}: a second run changed files");
    check(dir);
    for service in ["twilio", "acme", "stripe"] {
        integrate(dir).args(["remove", service]).assert().success();
    }
    let after_remove = files(dir);
    for (path, bytes) in &after_init {
        if path != "integrate.toml" {
            assert_eq!(
                after_remove.get(path),
                Some(bytes),
                "{name}: {path} not given back"
            );
        }
    }
    RoundTrip {
        before_init,
        after_init,
        after_remove,
    }
}
