//! The Rails repo profile: `init` finds each Rails layout of `tests/repos/rails-*` without
//! hand edits and records it; `new` follows it (RSpec or minitest tests, the webhook route
//! inside the draw block above a catch-all, WebMock in the Gemfile when the app lacks it,
//! the env file the app has); a route of the same path is refused naming its line; `remove`
//! gives every edited file back byte for byte. `scripts/e2e-layouts-rails.sh` runs the same
//! repos under Ruby with each app's own test runner.

mod common;

use std::path::Path;

use common::{files, fixture_repo, integrate, manifest_dir, read_text};
use predicates::str::contains;

fn repo(name: &str) -> tempfile::TempDir {
    fixture_repo(name)
}

fn read(dir: &Path, path: &str) -> String {
    read_text(dir, path)
}

/// [`common::round_trip`], with `doctor` passing before `check`.
fn round_trip(name: &str, detected: &[&str], expected: &[&str], check: impl Fn(&Path)) {
    let repo = repo(name);
    common::round_trip(name, repo.path(), detected, expected, |dir| {
        integrate(dir).arg("doctor").assert().success();
        check(dir);
    });
}

#[test]
fn an_rspec_app_gets_specs_and_its_route_inside_the_draw_block() {
    round_trip(
        "rails-rspec",
        &[
            "Detected Rails 6.1.7.10 (Gemfile.lock)",
            "Detected routes file config/routes.rb (draw block at line 1; webhook routes go at its end)",
            "Detected tests run with RSpec (rspec-rails in Gemfile, spec/rails_helper.rb); specs go to spec/",
            "Detected WebMock in Gemfile",
        ],
        &[
            r#"test_dir = "spec""#,
            r#"test_runner = "rspec""#,
            r#"spec_helper = "rails_helper""#,
            r#"webmock = "yes""#,
            r#"rails_version = "6.1.7.10""#,
        ],
        |dir| {
            for path in [
                "spec/integrations/registry_spec.rb",
                "spec/integrations/stripe/client_spec.rb",
                "spec/integrations/stripe/shortcuts_spec.rb",
                "spec/integrations/stripe/webhook_verifier_spec.rb",
                "spec/requests/webhooks/stripe_spec.rb",
                "spec/integrations/acme/client_spec.rb",
            ] {
                assert!(dir.join(path).is_file(), "{path} missing");
            }
            assert!(!dir.join("test").exists(), "minitest files in an RSpec app");
            assert!(!dir.join("spec/integrations/acme/webhook_verifier_spec.rb").exists());
            let spec = read(dir, "spec/requests/webhooks/stripe_spec.rb");
            assert!(spec.starts_with("# frozen_string_literal: true\n\nrequire \"rails_helper\"\n"));
            assert!(spec.contains("RSpec.describe \"POST /webhooks/stripe\", type: :request do"));
            let routes = read(dir, "config/routes.rb");
            assert!(
                routes.ends_with("  root \"products#index\"\n  # >>> integrate stripe routes\n  post \"/webhooks/stripe\", to: \"webhooks/stripe#create\"\n  # <<< integrate stripe routes\n  # >>> integrate twilio routes\n  post \"/webhooks/twilio\", to: \"webhooks/twilio#create\"\n  # <<< integrate twilio routes\nend\n"),
                "{routes}"
            );
            assert_eq!(routes.matches("routes.draw").count(), 1);
            assert_eq!(read(dir, "Gemfile"), read(&manifest_dir().join("tests/repos/rails-rspec"), "Gemfile"));
        },
    );
}

#[test]
fn a_catch_all_app_without_webmock_gets_its_routes_above_the_catch_all_and_webmock() {
    round_trip(
        "rails-catch-all",
        &[
            "webhook routes go above the catch-all at line 11",
            "Detected tests run with minitest (test/)",
            "Detected no WebMock in Gemfile or Gemfile.lock",
        ],
        &[
            r#"test_dir = "test""#,
            r#"test_runner = "minitest""#,
            r#"webmock = "no""#,
            r#"rexml = "no""#,
        ],
        |dir| {
            let routes = read(dir, "config/routes.rb");
            let stripe = routes.find("post \"/webhooks/stripe\"").unwrap();
            let twilio = routes.find("post \"/webhooks/twilio\"").unwrap();
            let comment = routes.find("# Anything else gets the 404 page").unwrap();
            let catch_all = routes.find("match \"*path\"").unwrap();
            assert!(
                stripe < twilio && twilio < comment && comment < catch_all,
                "{routes}"
            );
            assert!(read(dir, "Gemfile").ends_with(
                "\n\n# WebMock stubs HTTP in the tests of app/integrations (added by integrate)\ngem \"webmock\", group: :test, require: false\ngem \"rexml\", group: :test, require: false\n"
            ));
            assert!(dir
                .join("test/controllers/webhooks/stripe_controller_test.rb")
                .is_file());
            assert!(dir.join("test/integrations/registry_test.rb").is_file());
            assert!(!dir.join("spec").exists());
        },
    );
}

#[test]
fn a_minitest_app_with_env_sample_keeps_one_env_file() {
    round_trip(
        "rails-minitest-env",
        &[
            "Detected env example file .env.sample",
            "Detected WebMock in Gemfile",
        ],
        &[r#"env_file = ".env.sample""#, r#"test_runner = "minitest""#],
        |dir| {
            assert!(
                !dir.join(".env.example").exists(),
                "a second env file was made"
            );
            assert!(read(dir, ".env.sample").contains("STRIPE_SECRET_KEY="));
            let routes = read(dir, "config/routes.rb");
            assert!(
                routes.contains("  end\n  # >>> integrate stripe routes\n"),
                "{routes}"
            );
        },
    );
}

#[test]
fn a_route_of_the_same_path_is_refused_naming_its_line_and_nothing_changes() {
    let repo = repo("rails-catch-all");
    let dir = repo.path();
    integrate(dir).args(["init", "--yes"]).assert().success();
    let before = files(dir);
    integrate(dir)
        .args(["new", "github", "--yes", "--webhooks"])
        .assert()
        .code(1)
        .stderr(contains(
            "config/routes.rb: line 5: `post \"github\", to: \"github_events#create\"` in `namespace :webhooks do` already routes /webhooks/github",
        ))
        .stderr(contains("--no-webhooks"));
    assert_eq!(files(dir), before);
    integrate(dir)
        .args(["new", "github", "--yes", "--no-webhooks"])
        .assert()
        .success();
}

#[test]
fn an_app_on_rails_before_6_is_refused_at_init() {
    let repo = repo("rails-minitest-env");
    let dir = repo.path();
    let lock =
        read(dir, "Gemfile.lock").replace("    railties (6.1.7.10)", "    railties (5.2.4.2)");
    std::fs::write(dir.join("Gemfile.lock"), lock).unwrap();
    let before = files(dir);
    integrate(dir)
        .args(["init", "--yes"])
        .assert()
        .code(1)
        .stderr(contains("Gemfile.lock: line"))
        .stderr(contains(
            "Rails 5.2.4.2; the rails kit generates code for Rails 6.0 or newer",
        ));
    assert_eq!(files(dir), before);
}
