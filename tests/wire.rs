//! Wire facts and shortcuts: from the catalog (built-in and the team's) into the template
//! context and the record, `--client` checked against the kit and the catalog.

mod common;

use std::fs;
use std::path::Path;

use common::{copy_tree, integrate, manifest_dir, snapshot};
use predicates::str::contains;

/// The mini kit with one more file that prints the wire context, and an
/// `sdk`-mode file when `modes` lists it.
fn repo(modes: &str) -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    copy_tree(
        &manifest_dir().join("tests/fixtures/engine-new/in"),
        temp.path(),
    );
    let kit = temp.path().join(".integrate/kits/mini");
    let manifest = fs::read_to_string(kit.join("kit.toml")).unwrap().replace(
        "comment = \"#\"\n",
        &format!("comment = \"#\"\nclient_modes = [{modes}]\n"),
    );
    fs::write(
        kit.join("kit.toml"),
        format!(
            "{manifest}\n[[file]]\ntemplate = \"files/wire.txt.hbs\"\npath = \"src/{{{{service.snake}}}}/wire.txt\"\n\n[[file]]\ntemplate = \"files/sdk.txt.hbs\"\npath = \"src/{{{{service.snake}}}}/sdk.txt\"\nwhen = \"client.mode == sdk\"\n"
        ),
    )
    .unwrap();
    fs::write(
        kit.join("files/wire.txt.hbs"),
        "{{wire.encoding}} {{wire.update_method}} {{wire.pagination.style}}:{{wire.pagination.param}}:{{wire.pagination.next}} idem={{wire.idempotency_header}}\n\
         {{#each wire.headers}}{{name}}={{value}}\n{{/each}}\
         {{#each shortcuts}}{{name}} {{method}} {{path}} in={{in}}{{#each path_params}} {{name}}<-{{from}}{{/each}}{{#each params}} {{name}}/{{wire}}:{{type}}={{json example}}{{/each}}\n{{/each}}\
         mode={{client.mode}} sdk={{client.sdk_package}} present={{client.sdk_present}} ua={{client.user_agent}}\n",
    )
    .unwrap();
    fs::write(
        kit.join("files/sdk.txt.hbs"),
        "wraps {{client.sdk_package}}\n",
    )
    .unwrap();
    temp
}

fn read(root: &Path, path: &str) -> String {
    fs::read_to_string(root.join(path)).unwrap()
}

#[test]
fn stripe_and_twilio_facts_reach_the_templates_and_the_record() {
    let repo = repo("\"thin\"");
    integrate(repo.path())
        .args(["new", "stripe", "--yes", "--no-webhooks"])
        .assert()
        .success();
    let wire = read(repo.path(), "src/stripe/wire.txt");
    assert!(
        wire.starts_with(
            "form-brackets POST stripe-cursor:starting_after:has_more idem=Idempotency-Key\nStripe-Version="
        ),
        "{wire}"
    );
    assert!(
        wire.contains("create_payment_intent POST /v1/payment_intents in=body amount/amount:integer=2000 currency/currency:string=\"usd\""),
        "{wire}"
    );
    assert!(
        wire.contains("retrieve_payment_intent GET /v1/payment_intents/{id} in=query id<-arg"),
        "{wire}"
    );
    assert!(
        wire.contains("mode=thin sdk=stripe present=false ua="),
        "{wire}"
    );
    let record = read(repo.path(), "integrate.toml");
    assert!(
        record.contains("wire = { encoding = \"form-brackets\", update_method = \"POST\""),
        "{record}"
    );
    assert!(
        !record.contains("client ="),
        "thin is not recorded: {record}"
    );

    integrate(repo.path())
        .args(["new", "twilio", "--yes", "--no-webhooks"])
        .assert()
        .success();
    let wire = read(repo.path(), "src/twilio/wire.txt");
    assert!(
        wire.starts_with("form POST next-url::next_page_uri idem=\n"),
        "{wire}"
    );
    assert!(
        wire.contains("send_sms POST /Accounts/{username}/Messages.json in=body username<-username to/To:string=\"+15558675310\" from_number/From:string"),
        "{wire}"
    );

    // A second run changes nothing: the recorded facts read back as generated.
    let before = snapshot(repo.path());
    for service in ["stripe", "twilio"] {
        integrate(repo.path())
            .args(["new", service, "--yes", "--no-webhooks"])
            .assert()
            .success();
    }
    assert_eq!(snapshot(repo.path()), before);
}

#[test]
fn a_service_the_catalog_does_not_know_is_plain_json_rest() {
    let repo = repo("\"thin\"");
    integrate(repo.path())
        .args(["new", "acme", "--yes", "--no-webhooks"])
        .assert()
        .success();
    let wire = read(repo.path(), "src/acme/wire.txt");
    assert!(
        wire.starts_with("json PATCH none:: idem=\nmode=thin sdk= "),
        "{wire}"
    );
    assert!(!read(repo.path(), "integrate.toml").contains("wire ="));
}

#[test]
fn sdk_mode_is_refused_where_it_cannot_be_generated() {
    let repo = repo("\"thin\"");
    let before = snapshot(repo.path());
    integrate(repo.path())
        .args(["new", "stripe", "--yes", "--no-webhooks", "--client", "sdk"])
        .assert()
        .code(2)
        .stderr(contains(
            "the `mini` kit does not generate `--client sdk` modules",
        ));
    assert_eq!(snapshot(repo.path()), before);
    let repo = self::repo("\"thin\", \"sdk\"");
    let before = snapshot(repo.path());
    integrate(repo.path())
        .args(["new", "acme", "--yes", "--no-webhooks", "--client", "sdk"])
        .assert()
        .code(2)
        .stderr(contains("the catalog names no official python SDK of Acme"));
    integrate(repo.path())
        .args(["new", "stripe", "--yes", "--client", "sdkk"])
        .assert()
        .code(2);
    assert_eq!(snapshot(repo.path()), before);
}

#[test]
fn sdk_mode_is_the_default_when_the_sdk_is_already_a_dependency() {
    let repo = repo("\"thin\", \"sdk\"");
    // The mini kit edits config/settings.toml; a manifest it edits must name the SDK.
    let kit = repo.path().join(".integrate/kits/mini");
    let manifest = fs::read_to_string(kit.join("kit.toml")).unwrap();
    fs::write(
        kit.join("kit.toml"),
        format!("{manifest}\n[[edit]]\nkind = \"requirements\"\npath = \"requirements.txt\"\ntemplate = \"edits/requirements.txt.hbs\"\n"),
    )
    .unwrap();
    fs::write(kit.join("edits/requirements.txt.hbs"), "requests>=2\n").unwrap();
    fs::write(
        repo.path().join("requirements.txt"),
        "django>=5\nstripe==10.1.0\n",
    )
    .unwrap();
    integrate(repo.path())
        .args(["new", "stripe", "--yes", "--no-webhooks"])
        .assert()
        .success();
    assert_eq!(read(repo.path(), "src/stripe/sdk.txt"), "wraps stripe\n");
    assert!(read(repo.path(), "src/stripe/wire.txt").contains("mode=sdk sdk=stripe present=true"));
    let record = read(repo.path(), "integrate.toml");
    assert!(
        record.contains("client = \"sdk\"\nsdk = \"stripe\""),
        "{record}"
    );

    // A flag wins over the default, and a recorded thin integration stays thin.
    integrate(repo.path())
        .args(["new", "twilio", "--yes", "--no-webhooks"])
        .assert()
        .success();
    assert!(read(repo.path(), "src/twilio/wire.txt").contains("mode=thin sdk=twilio present=false"));
    fs::write(
        repo.path().join("requirements.txt"),
        "django>=5\nstripe==10.1.0\ntwilio\n",
    )
    .unwrap();
    integrate(repo.path())
        .args(["new", "twilio", "--yes", "--no-webhooks"])
        .assert()
        .success();
    assert!(!repo.path().join("src/twilio/sdk.txt").exists());
}

#[test]
fn hostile_shortcuts_and_wire_facts_in_a_team_catalog_are_refused_at_their_position() {
    for (catalog, at) in [
        (
            "[acme]\ndisplay_name = \"Acme\"\n[[acme.shortcuts]]\nname = \"send\"\nsummary = \"Send.\"\nmethod = \"POST\"\npath = \"/send\"\nparams = [{ name = \"to\", type = \"string\", example = \"a\\\"); import os; (\\\"\" }]\n",
            "8:53: `acme.shortcuts.0.params.0.example` contains quotes",
        ),
        (
            "[acme.wire.headers]\nX-Version = \"1${x}\"\n",
            "2:13: `acme.wire.headers.X-Version` contains `${`",
        ),
        (
            "[[acme.shortcuts]]\nname = \"send\"\nsummary = \"Send.\"\nmethod = \"POST\"\npath = \"/send/{a-b}\"\n",
            "5:8: `acme.shortcuts.0.path` has the placeholder `{a-b}`",
        ),
        (
            "[acme.wire]\nencoding = \"xml\"\n",
            "2:12: unknown body encoding `xml`",
        ),
    ] {
        let repo = repo("\"thin\"");
        fs::write(repo.path().join(".integrate/catalog.toml"), catalog).unwrap();
        let before = snapshot(repo.path());
        integrate(repo.path())
            .args(["new", "acme", "--yes", "--no-webhooks"])
            .assert()
            .code(2)
            .stderr(contains(format!(".integrate/catalog.toml:{at}")));
        assert_eq!(snapshot(repo.path()), before);
    }
}
