//! The wizard: scripted answers behind the prompt trait, and once in a real pseudo-terminal.

mod common;

use std::time::Duration;

use common::{copy_tree, manifest_dir};
use integrate::choices::{AuthStyle, Category};
use integrate::cli::NewArgs;
use integrate::commands::{new, App};
use integrate::output::{ColorChoice, Reporter};
use integrate::prompt::{Answer, ScriptedPrompter};

fn mini_repo() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    copy_tree(
        &manifest_dir().join("tests/fixtures/engine-new/in"),
        temp.path(),
    );
    temp
}

fn args(service: Option<&str>) -> NewArgs {
    NewArgs {
        service: service.map(str::to_string),
        category: None,
        auth: None,
        auth_header: None,
        token_url: None,
        webhooks: false,
        no_webhooks: false,
        webhook_scheme: None,
        signature_header: None,
        events: None,
        base_url: None,
        display_name: None,
        kit: None,
        dry_run: false,
        force: false,
        yes: false,
        json: false,
        client: None,
    }
}

#[test]
fn scripted_answers_drive_new() {
    let repo = mini_repo();
    let app = App {
        dir: repo.path().to_path_buf(),
        reporter: Reporter::new(true, ColorChoice::Never),
        interactive: true,
    };
    let mut script = ScriptedPrompter::new([
        Answer::Text("Acme Pay".into()),
        Answer::Text("payments".into()),
        Answer::Text("api-key".into()),
        Answer::Text("X-Acme-Key".into()),
        Answer::Enter,
        Answer::Text("y".into()),
        Answer::Text("charge.created, charge.failed".into()),
    ]);
    new::run(&app, &args(None), Some(&mut script)).unwrap();
    assert_eq!(
        script.asked,
        [
            "Service name",
            "Category",
            "Auth style",
            "Header carrying the API key",
            "Base URL",
            "Receive webhooks?",
            "Events to handle (comma-separated)"
        ]
    );
    let record = std::fs::read_to_string(repo.path().join("integrate.toml")).unwrap();
    assert!(record.contains("[integrations.acme-pay]"), "{record}");
    assert!(record.contains("auth_header = \"X-Acme-Key\""), "{record}");
    assert!(
        record.contains("events = [\"charge.created\", \"charge.failed\"]"),
        "{record}"
    );
    assert!(repo.path().join("src/acme_pay/webhook.py").is_file());
}

#[test]
fn flags_leave_nothing_to_ask() {
    let repo = mini_repo();
    let app = App {
        dir: repo.path().to_path_buf(),
        reporter: Reporter::new(true, ColorChoice::Never),
        interactive: true,
    };
    let mut script = ScriptedPrompter::new([]);
    let mut a = args(Some("acme"));
    a.category = Some(Category::Sms);
    a.auth = Some(AuthStyle::None);
    a.base_url = Some("https://sms.example.com".into());
    a.no_webhooks = true;
    new::run(&app, &a, Some(&mut script)).unwrap();
    assert!(script.asked.is_empty(), "{:?}", script.asked);
}

#[cfg(unix)]
#[test]
fn wizard_in_a_real_terminal() {
    use expectrl::Eof;

    let repo = mini_repo();
    let bin = assert_cmd::cargo::cargo_bin("integrate");
    let mut cmd = std::process::Command::new(bin);
    cmd.arg("-C")
        .arg(repo.path())
        .args(["--color", "never", "new", "acme"]);
    cmd.env("TERM", "xterm");
    let mut session = expectrl::session::Session::spawn(cmd).expect("spawn in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session.expect("Category").unwrap();
    // Move from the default (`other`, last) up to `messaging`, then accept.
    session.send("\x1b[A").unwrap();
    session.send("\r").unwrap();
    session.expect("Auth style").unwrap();
    session.send("\r").unwrap();
    session.expect("Base URL").unwrap();
    session.send("\r").unwrap();
    session.expect("Receive webhooks?").unwrap();
    session.send("y").unwrap();
    session.expect("Events to handle").unwrap();
    session.send("msg.sent\r").unwrap();
    session.expect("Created").unwrap();
    session.expect(Eof).unwrap();
    let record = std::fs::read_to_string(repo.path().join("integrate.toml")).unwrap();
    assert!(record.contains("category = \"messaging\""), "{record}");
    assert!(record.contains("auth = \"bearer\""), "{record}");
    assert!(record.contains("events = [\"msg.sent\"]"), "{record}");
    assert!(repo.path().join("src/acme/webhook.py").is_file());
}
