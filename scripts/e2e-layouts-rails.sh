#!/usr/bin/env bash
# End-to-end proof of the Rails repo profile: each fixture repo of tests/repos/rails-* (an
# RSpec app, an app with a catch-all route and a `namespace :webhooks` route and no WebMock,
# a minitest app with .env.sample) is copied, its own test runner is run, then
# `integrate init`, `new stripe --webhooks`, `new twilio --webhooks` and
# `new acme --category other --auth api-key`, the app's runner again (which must run the
# generated tests and pass), and `remove` of each, which must give every file back.
#
#   scripts/e2e-layouts-rails.sh [path/to/integrate]     (default: target/debug/integrate)
#
# Needs Ruby, Rails 6.1, RSpec and the test gems from Debian's packages; installs them with
# apt-get when missing (as root). Never prompts; exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/target/debug/integrate}"
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
[ -x "$bin" ] || { echo "e2e-layouts-rails: no integrate binary at $bin (run cargo build first)" >&2; exit 1; }
export CI=true

if ! command -v ruby >/dev/null 2>&1 || ! command -v bundle >/dev/null 2>&1 || ! command -v rspec >/dev/null 2>&1 \
   || ! ruby -e 'require "rspec/core"; require "webmock"; Gem::Specification.find_by_name("rspec-rails")' >/dev/null 2>&1; then
  echo "e2e-layouts-rails: installing ruby, rails, rspec-rails and test gems from Debian packages" >&2
  if [ "$(id -u)" -ne 0 ]; then echo "e2e-layouts-rails: gems missing and not root; cannot apt-get install" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q ruby-rails ruby-sqlite3 ruby-bundler ruby-webmock ruby-rack-test ruby-rspec ruby-rspec-rails
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/e2e-layouts-rails.XXXXXX")"
trap 'rm -rf "$work"' EXIT
step() { echo "+ $*" >&2; "$@" </dev/null; }
fail() { echo "e2e-layouts-rails: $*" >&2; exit 1; }

# The app's own runner; prints its summary line and fails unless it passed with > $2 tests.
run_tests() {
  local runner="$1" min="$2" out="$work/test.log" status summary count
  set +e
  if [ "$runner" = rspec ]; then
    timeout 600 bundle exec rspec </dev/null >"$out" 2>&1
  else
    PARALLEL_WORKERS=1 timeout 600 bin/rails test </dev/null >"$out" 2>&1
  fi
  status=$?
  set -e
  if [ "$runner" = rspec ]; then
    summary="$(grep -E '^[0-9]+ examples?, ' "$out" | tail -1)"
    count="${summary%% example*}"
    case "$summary" in *" 0 failures"*) ;; *) status=1 ;; esac
  else
    summary="$(grep -E '^[0-9]+ runs, ' "$out" | tail -1)"
    count="${summary%% runs,*}"
    case "$summary" in *" 0 failures, 0 errors"*) ;; *) status=1 ;; esac
  fi
  if [ "$status" -ne 0 ] || [ -z "$count" ] || [ "$count" -le "$min" ]; then
    cat "$out" >&2
    fail "$(basename "$PWD"): $runner failed or ran too few tests (${summary:-no summary}; wanted more than $min)"
  fi
  echo "  $runner: $summary" >&2
  echo "$count"
}

# Every file of the app but what a run of Bundler, Rails or integrate leaves.
snapshot() {
  find . \( -path ./tmp -o -path ./log -o -path ./.git -o -path ./.integrate -o -path ./.bundle \) -prune -o -type f \
    ! -name integrate.toml ! -name Gemfile.lock ! -name '*.sqlite3' -print0 | sort -z | xargs -0 sha256sum
}

for fixture in rails-rspec rails-catch-all rails-minitest-env; do
  echo "== $fixture" >&2
  app="$work/$fixture"
  cp -R "$root/tests/repos/$fixture" "$app"
  cd "$app"
  git init -q .
  runner=minitest
  [ -d spec ] && runner=rspec
  bundle install --local --quiet
  before_count="$(run_tests "$runner" 0)"
  original="$(snapshot)"

  step "$bin" init --yes
  grep -q "^test_runner = \"$runner\"" integrate.toml || fail "$fixture: init did not record test_runner = $runner"
  after_init="$(snapshot)"
  step "$bin" new stripe --webhooks --yes
  step "$bin" new twilio --webhooks --yes
  step "$bin" new acme --category other --auth api-key --yes
  if [ "$fixture" = rails-catch-all ]; then
    # `namespace :webhooks do post "github" ... end` already routes /webhooks/github.
    held="$(snapshot)"
    set +e
    "$bin" new github --webhooks --yes </dev/null 2>"$work/refused.log"
    code=$?
    set -e
    [ "$code" -eq 1 ] || fail "$fixture: new github --webhooks exited $code, not 1"
    grep -q 'config/routes.rb: line 5: .*already routes /webhooks/github' "$work/refused.log" || { cat "$work/refused.log" >&2; fail "$fixture: the refusal does not name the route's line"; }
    [ "$held" = "$(snapshot)" ] || fail "$fixture: a refused new changed files"
    grep -B1 -n 'match "\*path"' config/routes.rb >&2
  fi
  if [ "$runner" = rspec ] && [ -d test ]; then fail "$fixture: minitest files generated in an RSpec app"; fi
  bundle install --local --quiet   # the Gemfile may have gained webmock
  after_count="$(run_tests "$runner" "$before_count")"
  echo "  $fixture: $before_count → $after_count tests" >&2

  for service in acme twilio stripe; do step "$bin" remove "$service"; done
  [ "$after_init" = "$(snapshot)" ] || { diff <(echo "$after_init") <(snapshot) >&2 || true; fail "$fixture: remove did not give the files back"; }
  # The registry init wrote stays (init's own files); everything the app had is as it was.
  diff <(echo "$original") <(snapshot | grep -v -e ' ./config/initializers/integrations.rb$' -e ' ./test/integrations/registry_test.rb$' -e ' ./spec/integrations/registry_spec.rb$' -e ' ./.env.example$') >/dev/null \
    || { diff <(echo "$original") <(snapshot) >&2 || true; fail "$fixture: files of the app changed"; }
  cd "$root"
done
echo "e2e-layouts-rails: ok"
