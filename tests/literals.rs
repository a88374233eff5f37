//! Values that reach generated code are checked at the edge, wherever they come from: a
//! value that could leave its string or comment (control characters, comment closers,
//! interpolation openers, fence text) is refused with exit 2 and the tree is unchanged.

mod common;

use common::{copy_tree, integrate, manifest_dir, snapshot};
use predicates::str::contains;

fn repo() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    copy_tree(
        &manifest_dir().join("tests/fixtures/engine-new/in"),
        temp.path(),
    );
    temp
}

#[test]
fn hostile_flag_values_are_refused() {
    let repo = repo();
    let before = snapshot(repo.path());
    for (flag, value, why) in [
        (
            "--display-name",
            "Acme\rimport os",
            "control character U+000D",
        ),
        ("--display-name", "Acme */ x /*", "contains `*/`"),
        (
            "--display-name",
            "<<< integrate acme settings",
            "contains `<<< integrate`",
        ),
        ("--display-name", "A\u{2028}B", "control character U+2028"),
        ("--base-url", "https://api.acme.example/*/", "contains `*/`"),
        (
            "--base-url",
            "https://u:p@api.acme.example",
            "holds credentials",
        ),
        ("--base-url", "javascript:alert(1)", "scheme `javascript`"),
        ("--events", "a.b,c\"d", "invalid event"),
        ("--events", "#{x}", "invalid event"),
        ("--signature-header", "X-Sig\"", "invalid header name"),
    ] {
        integrate(repo.path())
            .args(["new", "acme", "--yes", "--webhooks", flag, value])
            .assert()
            .code(2)
            .stderr(contains(why));
        assert_eq!(snapshot(repo.path()), before, "{flag} {value:?}");
    }
}

#[test]
fn a_team_catalog_value_that_would_escape_a_docstring_is_refused_at_its_line() {
    let repo = repo();
    std::fs::create_dir_all(repo.path().join(".integrate")).unwrap();
    std::fs::write(
        repo.path().join(".integrate/catalog.toml"),
        "[acme]\ncategory = \"other\"\ndocs_url = 'https://docs.acme.example/\"\"\"; import os'\n",
    )
    .unwrap();
    let before = snapshot(repo.path());
    integrate(repo.path())
        .args(["new", "acme", "--yes"])
        .assert()
        .code(2)
        .stderr(contains(
            ".integrate/catalog.toml:3:12: `acme.docs_url` contains `\"\"\"`",
        ));
    assert_eq!(snapshot(repo.path()), before);
}

#[test]
fn a_recorded_value_edited_into_code_is_refused_at_its_line() {
    let repo = repo();
    integrate(repo.path())
        .args(["new", "acme", "--yes"])
        .assert()
        .success();
    let record = repo.path().join("integrate.toml");
    let text = std::fs::read_to_string(&record).unwrap().replace(
        "display_name = \"Acme\"",
        "display_name = \"Acme\\r\\nimport os\"",
    );
    std::fs::write(&record, &text).unwrap();
    let before = snapshot(repo.path());
    for args in [
        &["new", "acme", "--yes"][..],
        &["remove", "acme"],
        &["list"],
    ] {
        integrate(repo.path())
            .args(args)
            .assert()
            .code(2)
            .stderr(contains(
                "`display_name` of `acme` contains the control character U+000D",
            ));
        assert_eq!(snapshot(repo.path()), before, "{args:?}");
    }
}
