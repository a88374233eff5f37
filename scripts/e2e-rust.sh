#!/usr/bin/env bash
# End-to-end check of the Rust kit: generate integrations into a temp copy of
# examples/rust-app with the real binary, then run the app's own `cargo test`.
#
#   scripts/e2e-rust.sh [path/to/integrate]      (default: target/debug/integrate)
#
# Covers every auth style (bearer, api-key, basic, oauth2, none) and every webhook scheme
# (hmac-sha256, stripe, github, standard-webhooks, slack, shopify, twilio). Never prompts
# (stdin is closed). Dependencies of the generated code compile once into a persistent
# target dir: INTEGRATE_RUST_TARGET (default /tmp/integrate-rust-target).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$repo/target/debug/integrate}"
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
if [[ ! -x "$bin" ]]; then
    echo "e2e-rust: no integrate binary at $bin (run cargo build first)" >&2
    exit 1
fi
export CARGO_TARGET_DIR="${INTEGRATE_RUST_TARGET:-/tmp/integrate-rust-target}"
export CARGO_TERM_COLOR=never

work="$(mktemp -d "${TMPDIR:-/tmp}/integrate-e2e-rust.XXXXXX")"
trap 'rm -rf "$work"' EXIT
app="$work/app"
mkdir -p "$app"
# Copy the example app without build output.
tar -C "$repo/examples/rust-app" --exclude=./target -cf - . | tar -C "$app" -xf -

git_() { git -C "$app" -c user.name=e2e -c user.email=e2e@example.invalid "$@"; }
git_ init -q
git_ add -A
git_ commit -q -m "example app"

step() { echo "+ integrate $*"; "$bin" -C "$app" "$@" </dev/null; }

step init --yes
# One known service with webhooks and one unknown service (the two cases of .ci/run), then
# every other auth style and webhook scheme.
commands=(
    "new stripe --yes --webhooks"                                   # bearer, stripe
    "new acme --category other --auth api-key --webhooks --yes"     # api-key, hmac-sha256
    "new twilio --yes --webhooks"                                   # basic, twilio
    "new github --yes --webhooks"                                   # bearer, github
    "new resend --yes --webhooks"                                   # bearer, standard-webhooks
    "new slack --yes --webhooks"                                    # bearer, slack
    "new shopify --yes --webhooks"                                  # api-key, shopify
    "new auth0 --yes --no-webhooks"                                 # oauth2 (catalog token URL)
    "new acme-oauth --category crm --auth oauth2 --token-url https://auth.acme.test/oauth/token --webhooks --webhook-scheme hmac-sha256 --signature-header X-Acme-Signature --events contact.created,contact.deleted --yes"
    "new status-page --category monitoring --auth none --no-webhooks --yes"   # none
)
for command in "${commands[@]}"; do
    # shellcheck disable=SC2086 # the command is a list of words
    step $command
done

# A second identical run of every command changes nothing.
git_ add -A
git_ commit -q -m "generated"
for command in "${commands[@]}"; do
    # shellcheck disable=SC2086
    step $command
done
if [[ -n "$(git_ status --porcelain)" ]]; then
    echo "e2e-rust: a second run of integrate new changed files:" >&2
    git_ status --porcelain >&2
    git_ diff >&2
    exit 1
fi

# The generated code must compile without warnings and its tests must pass.
cd "$app"
echo "+ cargo build (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
build_log="$work/build.log"
cargo build --quiet 2>"$build_log" || { cat "$build_log" >&2; exit 1; }
if grep -q '^warning' "$build_log"; then
    cat "$build_log" >&2
    echo "e2e-rust: the generated code compiles with warnings" >&2
    exit 1
fi
if cargo fmt --version >/dev/null 2>&1; then
    echo "+ cargo fmt --check"
    cargo fmt --check
fi
if cargo clippy --version >/dev/null 2>&1; then
    echo "+ cargo clippy --all-targets -- -D warnings"
    cargo clippy --quiet --all-targets -- -D warnings
fi
echo "+ cargo test"
log="$work/test.log"
if ! cargo test 2>&1 | tee "$log"; then
    echo "e2e-rust: cargo test failed" >&2
    exit 1
fi
passed="$(sed -n 's/^test result: ok\. \([0-9][0-9]*\) passed.*/\1/p' "$log" | awk '{s += $1} END {print s + 0}')"
failed="$(grep -c '^test result: FAILED' "$log" || true)"
if [[ "$failed" != 0 || "$passed" -eq 0 ]]; then
    echo "e2e-rust: expected passing tests, got $passed passed and $failed failed suites" >&2
    exit 1
fi
for svc in stripe acme twilio github resend slack shopify auth0 acme_oauth status_page; do
    if ! grep -q "^test integrations::$svc::" "$log"; then
        echo "e2e-rust: no test of the $svc integration ran" >&2
        exit 1
    fi
done
echo "e2e-rust: ok ($passed tests passed)"
