//! Fixture trees: for every `tests/fixtures/<case>/`, the binary runs with the arguments in
//! `args` on a temp copy of `in/`; the tree must then equal `out/` (or `in/` when the case
//! has no `out/`, i.e. it must fail and change nothing), the exit code must be the one in
//! `code` (default 0), and stderr must contain every line of `stderr` if present. Cases that
//! succeed run again on a copy of `out/` and must change nothing.
//! `UPDATE_FIXTURES=1 cargo test --test fixtures` rewrites `out/` from the actual result.

mod common;

use std::path::Path;

use common::{assert_same_files, copy_tree, integrate, manifest_dir};

fn run_case(case: &Path) -> Result<(), String> {
    let name = case.file_name().unwrap().to_string_lossy().to_string();
    let args_text =
        std::fs::read_to_string(case.join("args")).map_err(|e| format!("{name}: args: {e}"))?;
    let args: Vec<&str> = args_text.split_whitespace().collect();
    let expected_code: i32 = std::fs::read_to_string(case.join("code"))
        .map(|c| c.trim().parse().unwrap())
        .unwrap_or(0);
    let input = case.join("in");
    let temp = tempfile::tempdir().unwrap();
    if input.exists() {
        copy_tree(&input, temp.path());
    }
    let output = integrate(temp.path()).args(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let code = output.status.code().unwrap_or(-1);
    if code != expected_code {
        return Err(format!(
            "{name}: exit code {code}, expected {expected_code}\n{stderr}"
        ));
    }
    if let Ok(wanted) = std::fs::read_to_string(case.join("stderr")) {
        for line in wanted.lines().filter(|l| !l.trim().is_empty()) {
            if !stderr.contains(line) {
                return Err(format!("{name}: stderr lacks `{line}`:\n{stderr}"));
            }
        }
    }
    let out = case.join("out");
    if std::env::var_os("UPDATE_FIXTURES").is_some() && expected_code == 0 {
        let _ = std::fs::remove_dir_all(&out);
        copy_tree(temp.path(), &out);
    }
    let expected = if expected_code == 0 {
        out.clone()
    } else {
        input.clone()
    };
    let check = std::panic::catch_unwind(|| assert_same_files(temp.path(), &expected, &name));
    if let Err(panic) = check {
        return Err(panic.downcast_ref::<String>().cloned().unwrap_or_default());
    }
    if expected_code == 0 {
        let again = tempfile::tempdir().unwrap();
        copy_tree(&out, again.path());
        let output = integrate(again.path()).args(&args).output().unwrap();
        if !output.status.success() {
            return Err(format!(
                "{name}: second run failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let check = std::panic::catch_unwind(|| {
            assert_same_files(again.path(), &out, &format!("{name} (second run)"))
        });
        if let Err(panic) = check {
            return Err(panic.downcast_ref::<String>().cloned().unwrap_or_default());
        }
    }
    Ok(())
}

#[test]
fn fixture_trees() {
    let root = manifest_dir().join("tests/fixtures");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("args").is_file())
        .collect();
    cases.sort();
    assert!(
        !cases.is_empty(),
        "no fixture cases under {}",
        root.display()
    );
    let failures: Vec<String> = cases.iter().filter_map(|c| run_case(c).err()).collect();
    println!("{} fixture cases, {} failed", cases.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
