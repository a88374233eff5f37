//! Changing the answers of a recorded integration.

mod common;

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
fn switching_webhooks_off_takes_the_webhook_pieces_out() {
    let repo = mini_repo();
    let routes_before = std::fs::read(repo.path().join("src/routes.py")).unwrap();
    integrate(repo.path())
        .args(["new", "acme", "--webhooks", "--yes"])
        .assert()
        .success();
    assert!(repo.path().join("src/acme/webhook.py").is_file());
    integrate(repo.path())
        .args(["new", "acme", "--no-webhooks", "--yes"])
        .assert()
        .success()
        .stderr(contains("Deleted src/acme/webhook.py"));
    assert!(!repo.path().join("src/acme/webhook.py").exists());
    assert_eq!(
        std::fs::read(repo.path().join("src/routes.py")).unwrap(),
        routes_before
    );
    let record = std::fs::read_to_string(repo.path().join("integrate.toml")).unwrap();
    assert!(record.contains("webhooks = false"), "{record}");
    assert!(!record.contains("webhook.py"), "{record}");
    let after = snapshot(repo.path());
    integrate(repo.path())
        .args(["new", "acme", "--yes"])
        .assert()
        .success()
        .stderr(contains("nothing to do"));
    assert_eq!(snapshot(repo.path()), after);
}

#[test]
fn a_hand_edited_file_that_is_no_longer_generated_is_kept() {
    let repo = mini_repo();
    integrate(repo.path())
        .args(["new", "acme", "--webhooks", "--yes"])
        .assert()
        .success();
    let webhook = repo.path().join("src/acme/webhook.py");
    std::fs::write(&webhook, "# mine now\n").unwrap();
    integrate(repo.path())
        .args(["new", "acme", "--no-webhooks", "--yes"])
        .assert()
        .success()
        .stderr(contains("kept src/acme/webhook.py"));
    assert_eq!(std::fs::read_to_string(&webhook).unwrap(), "# mine now\n");
}
