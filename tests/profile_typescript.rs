//! The TypeScript repo profile: `init` finds each layout of `tests/repos/typescript-*` without
//! hand edits and records it; `new` follows it (test runner, es5-safe code, the AbortSignal
//! fallback, import extensions, route wiring, the env file); `remove` then gives every
//! edited file back byte for byte. scripts/e2e-layouts-typescript.sh runs the same repos
//! under npm, their test runners, `tsc` and `next build`.

mod common;

use std::path::Path;

use common::{files, fixture_repo, integrate, read_text};
use predicates::str::contains;

fn repo(name: &str) -> tempfile::TempDir {
    fixture_repo(name)
}

fn read(dir: &Path, path: &str) -> String {
    read_text(dir, path)
}

/// [`common::round_trip`]; every file the repo had before `init` is still there after
/// `remove`, as `init` left it (package.json aside: `init` may add dev dependencies).
fn round_trip(name: &str, detected: &[&str], expected: &[&str], check: impl Fn(&Path)) {
    let repo = repo(name);
    let steps = common::round_trip(name, repo.path(), detected, expected, check);
    for path in steps.before_init.keys() {
        if path != "package.json" {
            assert_eq!(
                steps.after_remove.get(path),
                steps.after_init.get(path),
                "{name}: {path}"
            );
        }
        assert!(
            steps.after_remove.contains_key(path),
            "{name}: {path} was deleted"
        );
    }
}

#[test]
fn a_next_app_router_app_on_target_es5_without_a_test_runner() {
    round_trip(
        "typescript-next-es5",
        &[
            "Detected tsconfig.json (no extends): target es5, lib [dom, dom.iterable, esnext], module esnext, moduleResolution node10",
            "Detected target es5: generated classes keep private state in TypeScript `private` fields",
            "Detected AbortSignal.any is not in this TypeScript's DOM types",
            "Detected sources under lib/",
            "Detected env example file .env.local.example",
            "Detected no test runner (vitest or jest): integrate generates no test files",
            "Detected Next.js App Router (app/)",
        ],
        &[
            r#"providers_dir = "lib/providers""#,
            r#"webhooks_dir = "lib/api/webhooks""#,
            r#"env_file = ".env.local.example""#,
            r#"next_app_dir = "app""#,
            r#"framework = "next-app""#,
            r#"test_runner = "none""#,
            r#"private_fields = "ts""#,
            r#"abort_signal = "fallback""#,
            r#"imports = "extensionless""#,
            r#"next_route_root = "../../../../""#,
        ],
        |dir| {
            let generated = files(dir);
            assert!(
                !generated.keys().any(|p| p.ends_with(".test.ts")),
                "tests were generated without a test runner"
            );
            let provider = read(dir, "lib/providers/payments/stripe.ts");
            assert!(!provider.contains("this.#") && !provider.contains("readonly #"), "a #private field under target es5");
            assert!(provider.contains("private readonly _apiKey: string | undefined;"));
            assert!(provider.contains("hidePrivateFields(this);"));
            assert!(provider.contains("withDeadline(this.timeoutMs, signal)"));
            assert!(!provider.contains("signal ? AbortSignal.any("));
            assert!(provider.contains(r#"} from "../types";"#));
            for file in ["lib/providers/factory.ts", "lib/providers/types.ts"] {
                let text = read(dir, file);
                assert!(!text.contains("[..."), "{file} spreads an iterator");
            }
            assert!(read(dir, "lib/providers/types.ts")
                .contains("Object.setPrototypeOf(this, new.target.prototype);"));
            let route = read(dir, "app/api/webhooks/stripe/route.ts");
            assert!(route.contains(
                r#"import { handleStripeWebhook } from "../../../../lib/api/webhooks/stripe";"#
            ));
            assert!(route.contains("export async function POST(request: Request)"));
            assert!(read(dir, "lib/providers/payments/stripe.md")
                .contains("This app has no test runner, so none were generated."));
            assert!(read(dir, ".env.local.example").contains("STRIPE_SECRET_KEY="));
            assert!(!dir.join(".env.example").exists());
        },
    );
}

#[test]
fn an_express_app_with_jest_and_its_globals() {
    round_trip(
        "typescript-express-jest",
        &[
            "Detected tests run with jest (jest.config.js, ts-jest); generated tests use jest's globals (@types/jest)",
            "Detected Express app `app` in src/app.ts: webhook routes are mounted above `app.use(express.json());`",
            "Detected env example file .env.sample",
            "Detected TypeScript 5.2.2 (package.json \"typescript\": \"~5.2.2\")",
        ],
        &[
            r#"app_file = "src/app.ts""#,
            r#"framework = "express""#,
            r#"test_runner = "jest""#,
            r#"jest_api = "globals""#,
            r#"express_import = "./api/webhooks""#,
            r#"express_mount_before = "app.use(express.json());""#,
        ],
        |dir| {
            let test = read(dir, "src/providers/payments/stripe.test.ts");
            assert!(!test.contains("vitest"));
            assert!(!test.contains("@jest/globals"));
            assert!(test.contains("jest.fn("));
            assert!(!test.contains("vi.fn("));
            let app = read(dir, "src/app.ts");
            let mount = app.find("app.use(stripeWebhookRouter);").unwrap();
            let json = app.find("app.use(express.json());").unwrap();
            assert!(mount < json, "the webhook router must come before express.json()");
            assert!(app.contains(
                r#"import { stripeWebhookRouter } from "./api/webhooks/stripe.express";"#
            ));
            let router = read(dir, "src/api/webhooks/stripe.express.ts");
            assert!(router.contains("raw({ type: () => true"));
        },
    );
}

#[test]
fn a_hono_app_with_vitest_on_typescript_5_3_without_types_node() {
    round_trip(
        "typescript-hono-vitest-ts53",
        &[
            "Detected tsconfig.json (no extends): target es2020, lib [es2020, dom], module esnext, moduleResolution bundler",
            "Detected tests run with vitest (package.json)",
            "Detected no @types/node: init adds it to devDependencies",
            "Detected Hono app `app` in src/index.ts",
        ],
        &[
            r#"framework = "hono""#,
            r#"test_runner = "vitest""#,
            r#"abort_signal = "fallback""#,
            r#"add_types_node = "^20.11.0""#,
        ],
        |dir| {
            let package = read(dir, "package.json");
            assert!(package.contains("\"@types/node\": \"^20.11.0\",\n    \"typescript\""));
            let index = read(dir, "src/index.ts");
            assert!(index.contains(
                r#"app.post("/webhooks/stripe", (c) => handleStripeWebhook(c.req.raw));"#
            ));
            assert!(index.find("handleStripeWebhook(c.req.raw)").unwrap() < index.find("app.get(\"/\"").unwrap());
            assert!(read(dir, "src/providers/payments/stripe.test.ts")
                .contains(r#"from "vitest";"#));
        },
    );
}

#[test]
fn init_adds_jest_globals_and_types_node_to_package_json_and_keeps_pins() {
    let repo = repo("typescript-express-jest");
    let dir = repo.path();
    let package = read(dir, "package.json")
        .replace("    \"@types/jest\": \"^29.5.12\",\n", "")
        .replace("    \"@types/node\": \"^20.11.0\",\n", "");
    std::fs::write(dir.join("package.json"), &package).unwrap();
    integrate(dir)
        .args(["init", "--yes"])
        .assert()
        .success()
        .stderr(contains(
            "generated tests use @jest/globals, which init adds to devDependencies (^29.7.0)",
        ));
    let after = read(dir, "package.json");
    assert!(after.contains(
        "  \"devDependencies\": {\n    \"@jest/globals\": \"^29.7.0\",\n    \"@types/express\": \"^4.17.21\",\n    \"@types/node\": \"^20.11.0\",\n    \"jest\": \"^29.7.0\","
    ), "{after}");
    integrate(dir)
        .args(["new", "acme", "--yes"])
        .assert()
        .success();
    assert!(read(dir, "src/providers/other/acme.test.ts")
        .contains(r#"import { afterEach, describe, expect, it, jest } from "@jest/globals";"#));
}

#[test]
fn an_old_typescript_or_a_lib_without_es2019_is_refused_with_what_to_do() {
    let repo = repo("typescript-express-jest");
    let dir = repo.path();
    let package = read(dir, "package.json").replace("~5.2.2", "4.1.3");
    std::fs::write(dir.join("package.json"), package).unwrap();
    let before = files(dir);
    integrate(dir)
        .args(["init", "--yes"])
        .assert()
        .code(1)
        .stderr(contains("package.json: pins TypeScript 4.1.3"))
        .stderr(contains("npm install -D typescript@5"));
    assert_eq!(files(dir), before);

    let repo = self::repo("typescript-express-jest");
    let dir = repo.path();
    let tsconfig = read(dir, "tsconfig.json").replace(
        r#""lib": ["es2020", "dom"],"#,
        r#""lib": ["es2015", "dom"],"#,
    );
    std::fs::write(dir.join("tsconfig.json"), tsconfig).unwrap();
    let before = files(dir);
    integrate(dir)
        .args(["init", "--yes"])
        .assert()
        .code(1)
        .stderr(contains(
            "tsconfig.json: compilerOptions [es2015, dom] lacks ES2019",
        ))
        .stderr(contains("add \"es2019\""));
    assert_eq!(files(dir), before);
}

#[test]
fn an_express_app_without_a_safe_mount_line_is_refused_naming_the_file() {
    let repo = repo("typescript-express-jest");
    let dir = repo.path();
    let app = "import express from \"express\";\n\nexport const app = express();\n\nexport function configure(): void {\n  app.use(express.json());\n}\n";
    std::fs::write(dir.join("src/app.ts"), app).unwrap();
    integrate(dir)
        .args(["init", "--yes"])
        .assert()
        .success()
        .stderr(contains("no top-level line to mount webhook routes above"));
    let before = files(dir);
    integrate(dir)
        .args(["new", "stripe", "--yes", "--webhooks"])
        .assert()
        .code(1)
        .stderr(contains(
            "src/app.ts: marker `integrate:webhooks` not found",
        ));
    assert_eq!(files(dir), before);
}

#[test]
fn a_tsconfig_that_does_not_parse_is_refused_at_its_line() {
    let repo = repo("typescript-hono-vitest-ts53");
    let dir = repo.path();
    std::fs::write(
        dir.join("tsconfig.json"),
        "{\n  \"compilerOptions\": {\n    \"target\": es2020\n  }\n}\n",
    )
    .unwrap();
    let before = files(dir);
    integrate(dir)
        .args(["init", "--yes"])
        .assert()
        .code(1)
        .stderr(contains("tsconfig.json: 3:15: invalid JSON"));
    assert_eq!(files(dir), before);
}

#[test]
fn a_hand_edited_profile_value_that_would_leave_its_literal_is_refused() {
    let repo = repo("typescript-express-jest");
    let dir = repo.path();
    integrate(dir).args(["init", "--yes"]).assert().success();
    let record = read(dir, "integrate.toml").replace(
        r#"express_import = "./api/webhooks""#,
        r#"express_import = "./x\"; evil(); \"""#,
    );
    std::fs::write(dir.join("integrate.toml"), record).unwrap();
    let before = files(dir);
    integrate(dir)
        .args(["new", "stripe", "--yes", "--webhooks"])
        .assert()
        .code(1)
        .stderr(contains("profile.express_import"));
    assert_eq!(files(dir), before);
}
