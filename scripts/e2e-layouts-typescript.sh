#!/usr/bin/env bash
# The TypeScript layouts of tests/repos/typescript-*, proven with the real toolchain: for each
# fixture repo, a temp copy gets `npm install` (once; from npm's cache when it has the
# packages), its own test runner and type check before, then `integrate init`, `new stripe
# --webhooks`, `new twilio --webhooks` and `new acme --category other --auth api-key`, the same
# checks after (and `next build` for the Next.js app), and `remove` of each integration, which
# must give every file back byte for byte.
#
#   scripts/e2e-layouts-typescript.sh [path/to/integrate] [fixture...]
#
# Needs Node 20+ with npm. NEXT_BUILD=0 skips `next build` (the slowest step).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/target/debug/integrate}"
shift || true
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
[ -x "$bin" ] || { echo "e2e-layouts-typescript: no integrate binary at $bin (run cargo build first)" >&2; exit 1; }
export CI=true NEXT_TELEMETRY_DISABLED=1
for tool in node npm npx; do
  command -v "$tool" >/dev/null 2>&1 || { echo "e2e-layouts-typescript: $tool not found (install Node 20+)" >&2; exit 1; }
done

fixtures=("$@")
[ ${#fixtures[@]} -gt 0 ] || fixtures=(typescript-next-es5 typescript-express-jest typescript-hono-vitest-ts53)

work="$(mktemp -d "${TMPDIR:-/tmp}/e2e-layouts-typescript.XXXXXX")"
trap 'rm -rf "$work"' EXIT

step() { echo "+ $*" >&2; "$@" </dev/null; }
fail() { echo "e2e-layouts-typescript: $fixture: $*" >&2; exit 1; }
# Every file but installed packages and build output, with its hash.
snapshot() {
  find . \( -path ./.git -o -path ./node_modules -o -path ./.next -o -path ./.integrate \) -prune -o -type f -print0 \
    | sort -z | xargs -0 sha256sum
}

# The app's own checks: its test runner (when it has one) and the type checker.
checks() {
  case "$runner" in
    vitest) step npx --no-install vitest run ;;
    jest) step npx --no-install jest --ci ;;
  esac
  step npx --no-install tsc --noEmit
  if [ "$next" = 1 ] && [ "${NEXT_BUILD:-1}" = 1 ]; then
    step npx --no-install next build
  fi
}

# A jest test posting signed Stripe deliveries to the Express app over loopback: the route
# mounted above `express.json()` verifies them, and the app's own JSON routes still parse.
write_express_probe() {
  cat >"$1" <<'TS'
import { createHmac } from "crypto";
import type { AddressInfo } from "net";

import { app } from "./app";

const SECRET = "whsec_e2e";

function signed(body: string, secret = SECRET): Record<string, string> {
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return { "Content-Type": "application/json", "Stripe-Signature": `t=${t},v1=${v1}` };
}

it("verifies Stripe deliveries ahead of express.json()", async () => {
  process.env.STRIPE_WEBHOOK_SECRET = SECRET;
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const body = JSON.stringify({ id: "evt_e2e", type: "payment_intent.succeeded" });
    const ok = await fetch(`${base}/webhooks/stripe`, { method: "POST", headers: signed(body), body });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ received: true, handled: false });
    const bad = await fetch(`${base}/webhooks/stripe`, { method: "POST", headers: signed(body, "whsec_other"), body });
    expect(bad.status).toBe(400);
    const echo = await fetch(`${base}/echo`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{\"a\":1}" });
    expect(await echo.json()).toEqual({ received: { a: 1 } });
  } finally {
    server.close();
  }
});
TS
}

# The same through Hono's `app.request`.
write_hono_probe() {
  cat >"$1" <<'TS'
import { createHmac } from "node:crypto";

import { expect, it } from "vitest";

import app from "./index";

const SECRET = "whsec_e2e";

function signed(body: string, secret = SECRET): Record<string, string> {
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return { "Content-Type": "application/json", "Stripe-Signature": `t=${t},v1=${v1}` };
}

it("verifies Stripe deliveries on the registered route", async () => {
  process.env.STRIPE_WEBHOOK_SECRET = SECRET;
  const body = JSON.stringify({ id: "evt_e2e", type: "payment_intent.succeeded" });
  const ok = await app.request("/webhooks/stripe", { method: "POST", headers: signed(body), body });
  expect(ok.status).toBe(200);
  const bad = await app.request("/webhooks/stripe", { method: "POST", headers: signed(body, "whsec_other"), body });
  expect(bad.status).toBe(400);
  expect(await (await app.request("/")).text()).toBe("Hello Hono!");
});
TS
}

for fixture in "${fixtures[@]}"; do
  src="$root/tests/repos/$fixture"
  [ -d "$src" ] || { echo "e2e-layouts-typescript: no fixture $src" >&2; exit 1; }
  app="$work/$fixture"
  mkdir -p "$app"
  cp -R "$src/." "$app/"
  cd "$app"
  git init -q .
  runner=none
  grep -q '"vitest"' package.json && runner=vitest
  grep -q '"jest"' package.json && runner=jest
  next=0
  grep -q '"next"' package.json && next=1
  echo "== $fixture (tests: $runner, next build: $next)" >&2

  step npm install --no-audit --no-fund --prefer-offline --loglevel=error
  checks
  rm -f tsconfig.tsbuildinfo next-env.d.ts.bak
  pristine="$(snapshot)"

  step "$bin" init --yes
  # init may add devDependencies the generated code needs (@types/node, @jest/globals).
  step npm install --no-audit --no-fund --prefer-offline --loglevel=error
  after_init="$(snapshot)"
  step "$bin" new stripe --yes --webhooks
  step "$bin" new twilio --yes --webhooks
  step "$bin" new acme --category other --auth api-key --yes
  generated="$(snapshot)"
  step "$bin" new stripe --yes --webhooks
  [ "$(snapshot)" = "$generated" ] || fail "a second \`integrate new stripe\` changed files"

  if [ "$runner" != none ]; then
    tests=$(find . -path ./node_modules -prune -o -name '*.test.ts' -print | grep -c -E 'stripe|twilio|acme|factory')
    [ "$tests" -ge 6 ] || fail "expected the generated tests (at least 6 files), found $tests"
  elif find . -path ./node_modules -prune -o -name '*.test.ts' -print | grep -q .; then
    fail "test files were generated for an app without a test runner"
  fi
  case "$fixture" in
    *next*) [ -f app/api/webhooks/stripe/route.ts ] || fail "no Next.js route file for stripe" ;;
    *express*) grep -q 'app.use(stripeWebhookRouter)' src/app.ts || fail "the stripe router is not mounted in src/app.ts" ;;
    *hono*) grep -q 'app.post("/webhooks/stripe"' src/index.ts || fail "the stripe route is not registered in src/index.ts" ;;
  esac
  # The wired route answers a signed delivery through the app itself (raw body intact).
  probe=""
  case "$fixture" in
    *express*) probe=src/webhook-route.e2e.test.ts; write_express_probe "$probe" ;;
    *hono*) probe=src/webhook-route.e2e.test.ts; write_hono_probe "$probe" ;;
  esac
  checks
  [ -z "$probe" ] || rm -f "$probe"
  rm -rf .next tsconfig.tsbuildinfo

  for service in acme twilio stripe; do
    step "$bin" remove "$service"
  done
  left="$(snapshot)"
  if [ "$(echo "$left" | grep -v ' ./integrate.toml$')" != "$(echo "$after_init" | grep -v ' ./integrate.toml$')" ]; then
    diff <(echo "$after_init") <(echo "$left") >&2 || true
    fail "remove did not give the files back byte for byte"
  fi
  echo "== $fixture: ok" >&2
  cd "$root"
done
echo "e2e-layouts-typescript: ok (${fixtures[*]})" >&2
