#!/usr/bin/env bash
# End-to-end proof of the TypeScript kit: generate integrations into a temp copy of
# examples/typescript-app with the integrate binary, then run the app's own checks on them:
# vitest over the generated tests and `tsc --noEmit`.
#
#   scripts/e2e-typescript.sh [path/to/integrate]     (default: target/debug/integrate)
#
# Needs Node 20+ with npm. `npm ci` installs the example app's locked devDependencies
# (vitest 3, typescript, @types/node), from npm's cache when it has them.
# With OFFICIAL_SIGNATURES=1 the generated stripe and standard-webhooks verifiers are also
# checked against npm `stripe` / `svix` by scripts/official-signatures/run.sh.
# Never prompts; exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/target/debug/integrate}"
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
[ -x "$bin" ] || { echo "e2e-typescript: no integrate binary at $bin (run cargo build first)" >&2; exit 1; }
export CI=true
for tool in node npm npx; do
  command -v "$tool" >/dev/null 2>&1 || { echo "e2e-typescript: $tool not found (install Node 20+)" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/e2e-typescript.XXXXXX")"
trap 'rm -rf "$work"' EXIT
app="$work/app"
mkdir "$app"
# The example app without its installed node_modules.
(cd "$root/examples/typescript-app" && tar --exclude=./node_modules --exclude=./dist -cf - .) | (cd "$app" && tar -xf -)
cd "$app"
git init -q . # `integrate init` finds the repo root by its .git

step() { echo "+ $*" >&2; "$@" </dev/null; }

step npm ci --no-audit --no-fund --prefer-offline --loglevel=error

step "$bin" init --yes
# A known service with webhooks (stripe scheme) and an unknown one (api-key, generic
# hmac-sha256), then catalog services and flags covering every auth style and scheme.
step "$bin" new stripe --yes --webhooks
step "$bin" new acme --category other --auth api-key --webhooks --yes
step "$bin" new github --yes --webhooks                # github scheme
step "$bin" new resend --yes --webhooks                # standard-webhooks
step "$bin" new clerk --yes --webhooks                 # standard-webhooks (svix- headers), auth category
step "$bin" new slack --yes --webhooks                 # slack
step "$bin" new shopify --yes --webhooks               # shopify, api-key in X-Shopify-Access-Token
step "$bin" new twilio --yes --webhooks                # twilio scheme, basic auth
step "$bin" new auth0 --yes --no-webhooks              # oauth2 client credentials (catalog token URL)
step "$bin" new partner-api --category crm --auth oauth2 --webhooks --yes
step "$bin" new open-data --category other --auth none --no-webhooks --yes
step "$bin" new billing-hub --category payments --auth basic --webhooks --yes
step "$bin" new bearer-co --category other --auth bearer --no-webhooks --yes
step "$bin" new blob-store --category storage --auth api-key --no-webhooks --yes   # upload/download shortcuts
step "$bin" new custom-sig --category other --auth api-key --auth-header X-Custom-Key --webhooks --yes
step "$bin" new linear --yes --webhooks                # hmac-sha256 in Linear-Signature, no body event id
step "$bin" new lemonsqueezy --yes --webhooks          # hmac-sha256, neither event id nor type in the body

# A second identical run changes nothing.
snapshot() { find . -path ./.git -prune -o -path ./node_modules -prune -o -type f -print0 | sort -z | xargs -0 sha256sum; }
before="$(snapshot)"
step "$bin" new stripe --yes --webhooks
after="$(snapshot)"
[ "$before" = "$after" ] || { echo "e2e-typescript: a second \`integrate new stripe\` changed files" >&2; diff <(echo "$before") <(echo "$after") >&2; exit 1; }

# Every auth style and webhook scheme must be present in the generated code.
providers="src/providers"
webhooks="src/api/webhooks"
fail() { echo "e2e-typescript: $*" >&2; exit 1; }
grep -qF 'authorized.set("Authorization", `Bearer ${this.#apiKey}`);' "$providers"/*/*.ts || fail "no bearer provider"
grep -qF 'Settings.authHeader, this.#apiKey);' "$providers"/*/*.ts || fail "no api-key provider"
grep -qF 'authorized.set("Authorization", `Basic ${credentials}`);' "$providers"/*/*.ts || fail "no basic-auth provider"
grep -qF 'grant_type: "client_credentials",' "$providers"/*/*.ts || fail "no oauth2 provider"
grep -qF 'takes no credentials.' "$providers"/*/*.ts || fail "no auth=none provider"
grep -qF 'export function upload<T = unknown>(' "$providers"/storage/*.shortcuts.ts || fail "no storage shortcuts"
for scheme in hmac-sha256 stripe github standard-webhooks slack shopify twilio; do
  grep -qxF "  scheme: \"$scheme\"," "$webhooks"/*.ts || fail "no webhook handler uses the $scheme scheme"
done

# The generated tests (and the app's own) must pass, and some must have run.
report="$work/vitest.json"
echo "+ npx vitest run" >&2
status=0
npx --no-install vitest run --reporter=default --reporter=json --outputFile="$report" </dev/null || status=$?
[ "$status" -eq 0 ] || fail "vitest failed (exit $status)"
node -e '
  const r = require(process.argv[1]);
  const files = r.testResults.length;
  console.error(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped in ${files} files`);
  if (!r.success || r.numTotalTests === 0 || r.numFailedTests > 0) process.exit(1);
' "$report" || fail "vitest ran no tests or some failed"
generated=$(find "$providers" "$webhooks" -name '*.test.ts' | wc -l)
[ "$generated" -ge 20 ] || fail "expected at least 20 generated test files, found $generated"

step npx --no-install tsc --noEmit

if [ "${OFFICIAL_SIGNATURES:-0}" = "1" ]; then
  step "$root/scripts/official-signatures/run.sh" - "$webhooks/stripe.ts" - "$webhooks/resend.ts" - "$webhooks/clerk.ts" \
    || fail "generated verifiers disagree with the official stripe/svix libraries"
fi
echo "e2e-typescript: ok" >&2
