#!/usr/bin/env bash
# End-to-end proof of the Rails kit: generate integrations into a temp copy of
# examples/rails-app with the integrate binary and run them with Rails' own test runner.
#
#   scripts/e2e-rails.sh [path/to/integrate]     (default: target/debug/integrate)
#
# Needs Ruby, Rails 6.1 and the test gems from Debian's packages; installs them with apt-get
# when `ruby` or `bundle` is missing (as root). Never prompts; exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/target/debug/integrate}"
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
[ -x "$bin" ] || { echo "e2e-rails: no integrate binary at $bin (run cargo build first)" >&2; exit 1; }
export CI=true

if ! command -v ruby >/dev/null 2>&1 || ! command -v bundle >/dev/null 2>&1; then
  echo "e2e-rails: installing ruby, rails and test gems from Debian packages" >&2
  if [ "$(id -u)" -ne 0 ]; then echo "e2e-rails: ruby/bundle missing and not root; cannot apt-get install" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q ruby-rails ruby-sqlite3 ruby-bundler ruby-webmock ruby-rack-test
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/e2e-rails.XXXXXX")"
trap 'rm -rf "$work"' EXIT
app="$work/app"
cp -R "$root/examples/rails-app" "$app"
rm -rf "$app/tmp" "$app/log" "$app/db/"*.sqlite3
cd "$app"
if command -v git >/dev/null 2>&1; then git init -q .; fi # a repo root for `integrate init` (optional)

step() { echo "+ $*" >&2; "$@" </dev/null; }

bundle install --local --quiet
step "$bin" init --yes
# A known service with webhooks (bearer, stripe scheme) and an unknown one (api-key, generic
# hmac-sha256), then catalog services and flags covering every auth style and webhook scheme.
step "$bin" new stripe --yes --webhooks
step "$bin" new acme --category other --auth api-key --webhooks --yes
step "$bin" new github --yes --webhooks              # github scheme
step "$bin" new resend --yes --webhooks              # standard-webhooks
step "$bin" new slack --yes --webhooks               # slack
step "$bin" new shopify --yes --webhooks             # shopify
step "$bin" new twilio --yes --webhooks              # twilio scheme, basic auth
step "$bin" new partner-api --category crm --auth oauth2 --token-url https://login.partner.example/oauth2/token --no-webhooks --yes
step "$bin" new hooks-co --category other --auth bearer --webhooks --signature-header X-Hooks-Signature --events order.paid,order.refunded --yes
step "$bin" new open-data --category other --auth none --no-webhooks --yes
step "$bin" new billing-hub --category payments --auth basic --webhooks --yes
step "$bin" new clerk --yes                           # catalog defaults: standard-webhooks via svix-* headers
step "$bin" new postmark --yes                        # api-key in X-Postmark-Server-Token
step "$bin" new auth0 --yes                           # oauth2 client credentials from the catalog
step "$bin" new mailgun --yes                         # basic auth from the catalog
step "$bin" new relay --category messaging --auth bearer --webhooks --webhook-scheme slack --yes

# A second run of `new` changes nothing, and a dry run writes nothing.
snapshot() { find . -path ./tmp -prune -o -path ./log -prune -o -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha256sum; }
before="$(snapshot)"
step "$bin" new stripe --yes --webhooks
step "$bin" new dry-run-co --category other --auth bearer --webhooks --yes --dry-run >/dev/null
after="$(snapshot)"
[ "$before" = "$after" ] || { echo "e2e-rails: a second \`integrate new stripe\` or a dry run changed files" >&2; diff <(echo "$before") <(echo "$after") >&2; exit 1; }

# Every auth style and webhook scheme must be present in the generated code.
for style in '"Bearer #{@api_key}"' 'req[api_key_header] = @api_key' 'req.basic_auth(' 'grant_type: "client_credentials"' 'This API takes no credentials'; do
  grep -qF "$style" app/integrations/*/client.rb || { echo "e2e-rails: no client uses auth matching $style" >&2; exit 1; }
done
for scheme in hmac-sha256 stripe github standard-webhooks slack shopify twilio; do
  grep -lq "($scheme scheme)" app/integrations/*/webhook_verifier.rb || { echo "e2e-rails: no verifier for the $scheme scheme" >&2; exit 1; }
done

echo "+ bin/rails zeitwerk:check" >&2
RAILS_ENV=production SECRET_KEY_BASE=e2e bin/rails zeitwerk:check </dev/null

echo "+ PARALLEL_WORKERS=1 bin/rails test" >&2
out="$work/test.log"
set +e
PARALLEL_WORKERS=1 timeout 600 bin/rails test </dev/null 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || { echo "e2e-rails: bin/rails test failed ($status)" >&2; exit 1; }
summary="$(grep -E '^[0-9]+ runs, ' "$out" | tail -1)"
runs="${summary%% runs,*}"
[ -n "$runs" ] && [ "$runs" -gt 0 ] || { echo "e2e-rails: no tests ran" >&2; exit 1; }
case "$summary" in *" 0 failures, 0 errors"*) ;; *) echo "e2e-rails: $summary" >&2; exit 1 ;; esac
echo "e2e-rails: ok ($summary)"
