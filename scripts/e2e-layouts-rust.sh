#!/usr/bin/env bash
# End-to-end check of the Rust repo profile: every crate layout of tests/repos/rust-* goes
# through `integrate init`, `new stripe --webhooks`, `new twilio --webhooks` and
# `new acme --category other --auth api-key` with the real binary, then the crate's own
# `cargo fmt --check`, `cargo clippy --all-targets -D warnings` and `cargo test` (which must run
# the generated tests), then `remove` of each, which must give back every file `init` left;
# the crate must still build. Repos pinned to crates the generated code cannot build against
# must be refused with exit 1 and left as they were.
#
#   scripts/e2e-layouts-rust.sh [path/to/integrate]      (default: target/debug/integrate)
#
# Never prompts (stdin is closed). All crates share one target dir, so their dependencies
# compile once: INTEGRATE_RUST_TARGET (default /tmp/integrate-rust-target, as e2e-rust.sh).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$repo/target/debug/integrate}"
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
if [[ ! -x "$bin" ]]; then
    echo "e2e-layouts-rust: no integrate binary at $bin (run cargo build first)" >&2
    exit 1
fi
export CARGO_TARGET_DIR="${INTEGRATE_RUST_TARGET:-/tmp/integrate-rust-target}"
export CARGO_TERM_COLOR=never
export CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback

work="$(mktemp -d "${TMPDIR:-/tmp}/integrate-e2e-layouts-rust.XXXXXX")"
trap 'rm -rf "$work"' EXIT

fail() {
    echo "e2e-layouts-rust: $*" >&2
    exit 1
}

# copy <fixture>: a git repo of tests/repos/<fixture> with one commit; prints its path.
copy() {
    local dir="$work/$1"
    mkdir -p "$dir"
    tar -C "$repo/tests/repos/$1" -cf - . | tar -C "$dir" -xf -
    git_ "$dir" init -q
    git_ "$dir" add -A
    git_ "$dir" commit -q -m "$1"
    echo "$dir"
}
git_() { local dir="$1"; shift; git -C "$dir" -c user.name=e2e -c user.email=e2e@example.invalid "$@"; }
run() { echo "+ integrate -C ${1#"$work"/} ${*:2}"; "$bin" -C "$@" </dev/null; }
clean() { [[ -z "$(git_ "$1" status --porcelain)" ]] || { git_ "$1" status --porcelain >&2; fail "$2"; }; }

# cargo_checks <dir> <cargo args...>: fmt, clippy and test; the generated tests must run.
cargo_checks() {
    local dir="$1"; shift
    # (`set -e` does not reach into a subshell tested with ||: every step is chained.)
    (
        cd "$dir" &&
            echo "+ cargo fmt --check ($dir)" &&
            cargo fmt --all --check &&
            echo "+ cargo clippy --all-targets $* -- -D warnings" &&
            cargo clippy --quiet --all-targets "$@" -- -D warnings &&
            echo "+ cargo test $*" &&
            cargo test "$@" > "$work/test.log" 2>&1
    ) || { cat "$work/test.log" >&2 2>/dev/null; fail "cargo failed in $dir"; }
    for svc in stripe twilio acme; do
        grep -q "^test integrations::$svc::" "$work/test.log" || fail "no test of the $svc integration ran in $dir"
    done
    if grep -q '^test result: FAILED' "$work/test.log"; then fail "tests failed in $dir"; fi
    grep '^test result' "$work/test.log"
}

# layout <crate dir> <git dir> <cargo dir> <cargo args...>
layout() {
    local crate="$1" git_dir="$2" cargo_dir="$3"; shift 3
    run "$crate" init --yes
    git_ "$git_dir" add -A
    git_ "$git_dir" commit -q -m "init"
    local commands=(
        "new stripe --yes --webhooks"
        "new twilio --yes --webhooks"
        "new acme --category other --auth api-key --yes"
    )
    for command in "${commands[@]}"; do
        # shellcheck disable=SC2086 # the command is a list of words
        run "$crate" $command
    done
    git_ "$git_dir" add -A
    git_ "$git_dir" commit -q -m "generated"
    for command in "${commands[@]}"; do
        # shellcheck disable=SC2086
        run "$crate" $command
    done
    clean "$git_dir" "a second run of integrate new changed files in $crate"
    cargo_checks "$cargo_dir" "$@"
    # Build output and the lock file are cargo's, not integrate's.
    git_ "$git_dir" add -A
    git_ "$git_dir" commit -q -m "built"
    for svc in twilio acme stripe; do
        run "$crate" remove "$svc"
    done
    # Everything init left is back, byte for byte (integrate.toml keeps [paths]/[profile]).
    local diff
    diff="$(git_ "$git_dir" diff --stat HEAD~2 -- . ':!**/Cargo.lock' ':!Cargo.lock' ':!**/integrate.toml' ':!integrate.toml' ':!**/docs/INTEGRATIONS.md' ':!docs/INTEGRATIONS.md')"
    [[ -z "$diff" ]] || { git_ "$git_dir" diff HEAD~2 >&2; fail "remove did not give back the files init left in $crate"; }
    (cd "$cargo_dir" && echo "+ cargo clippy --all-targets $* -- -D warnings (after remove)" && cargo clippy --quiet --all-targets "$@" -- -D warnings) \
        || fail "the crate no longer builds after remove in $crate"
}

# A binary-only crate building its Router in main.rs.
dir="$(copy rust-bin-main)"
layout "$dir" "$dir" "$dir"

# A lib + bin crate building its Router in the library, on axum 0.7, tower 0.4, reqwest 0.11.
dir="$(copy rust-lib-bin)"
layout "$dir" "$dir" "$dir"

# A virtual workspace: refused at its root (naming the member), served from the member.
dir="$(copy rust-workspace)"
if run "$dir" init --yes; then fail "init at a virtual workspace root succeeded"; fi
clean "$dir" "a refused init changed files"
layout "$dir/crates/api" "$dir" "$dir" --workspace

# Crates pinned to axum 0.6 / hmac 0.11 / sha2 0.9: refused, nothing changed.
dir="$(copy rust-old-pins)"
set +e
out="$(run "$dir" init --yes 2>&1)"
code=$?
set -e
echo "$out"
[[ $code == 1 ]] || fail "old pins: expected exit 1, got $code"
grep -q "Cargo.toml: pins crates the generated code cannot compile against" <<<"$out" || fail "old pins: no refusal naming Cargo.toml"
clean "$dir" "a refused init changed files"

echo "e2e-layouts-rust: ok"
