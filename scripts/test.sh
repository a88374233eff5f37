#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it:
#   1. formatting and clippy (warnings are errors),
#   2. cargo test: unit tests, fixture trees, snapshots, CLI, wizard (pty), properties,
#   3. every built-in kit generated, by the release binary users install
#      (scripts/build-release.sh), into a copy of its example app and proven by that
#      stack's own test runner (pytest, vitest + tsc, rails test, cargo test),
#   4. the same kits on tests/repos/<kit>-* (layouts of real apps), by scripts/e2e-layouts-*.sh,
#   5. webhook verifiers checked against the providers' official libraries,
#   6. generated clients checked on the wire against the official SDKs (e2e-wire-*), and
#      the generated code of every kit through the stack's linters (lint-*).
# Installs what it needs (Python venv, npm packages, Debian's Ruby) on first use.
#   scripts/test.sh            everything
#   scripts/test.sh --rust     only steps 1-2
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CI="${CI:-true}"

step() { printf '\n==> %s\n' "$*" >&2; "$@" </dev/null; }

step cargo fmt --all -- --check
step cargo clippy --all-targets --locked -- -D warnings
step cargo test --locked
[ "${1:-}" = "--rust" ] && exit 0

step bash scripts/build-release.sh
bin="${CARGO_TARGET_DIR:-$root/target}/release/integrate"
for kit in django typescript rails rust; do
  step bash "scripts/e2e-$kit.sh" "$bin"
done
# Real-world layouts each kit must fit (tests/repos/<kit>-*), with the stack's own runner.
for script in scripts/e2e-layouts-*.sh; do
  step bash "$script" "$bin"
done
step bash scripts/e2e-official.sh "$bin"
# Generated clients on the wire against the official SDKs, and each kit's linters.
shopt -s nullglob
for script in scripts/e2e-wire-*.sh scripts/lint-*.sh; do
  step bash "$script" "$bin"
done
shopt -u nullglob
printf '\nall test stages passed\n' >&2
