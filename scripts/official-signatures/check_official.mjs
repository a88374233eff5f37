// Cross-check webhook signatures against the providers' official Node libraries
// (npm `stripe`, `svix` and `@octokit/webhooks-methods`, pinned in package.json). Nothing here talks to a network.
//
// Run with tsx so a TypeScript verifier can be imported directly:
//
//   npx tsx check_official.mjs vectors <vectors.json>
//       Our shared vectors (JSON from `check_official.py dump-vectors`) judged by the
//       official libraries: stripe.webhooks.constructEvent (clock pinned with its
//       receivedAt argument) and svix's Webhook.verify (Date.now pinned); the official
//       signing helpers (stripe.webhooks.generateTestHeaderString, svix Webhook.sign)
//       must reproduce our valid headers byte for byte. GitHub vectors are checked with
//       @octokit/webhooks-methods (verify / sign).
//
//   npx tsx check_official.mjs verifier <webhook.ts> <vectors.json> [auto|stripe|standard-webhooks]
//       <webhook.ts> is a generated TypeScript module exporting
//       verifySignature(payload: string, headers: Headers | Record<string, string>,
//                       secret: string, opts?: { url?: string; now?: number }): boolean
//       (now in unix seconds). Signs fresh payloads with the official library and proves
//       the module accepts them and rejects tampered, stale, wrong-secret and
//       foreign-scheme ones; then runs the module over the shared vectors.
//
// Output: one line per check, then "N passed, M failed"; exit status 1 if any failed.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createHash, randomBytes } from "node:crypto";
import Stripe from "stripe";
import { Webhook } from "svix";
import { sign as githubSign, verify as githubVerify } from "@octokit/webhooks-methods";

const TOLERANCE = 300;
// The official libraries only check a timestamp's age; our contract (|now - t| <= 300)
// also rejects timestamps from the future. For these vectors stripe answers "valid"
// although the vector is not; every other vector must agree exactly.
const STRIPE_CONTRACT_STRICTER = new Set(["future"]);

const stripe = new Stripe("sk_test_offline_official_signatures_check");

let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) {
    passed += 1;
    console.log(`ok    ${what}`);
  } else {
    failed += 1;
    console.log(`FAIL  ${what}`);
  }
}
function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

const headersOf = (v) => Object.fromEntries(v.headers.map((h) => [h.name, h.value]));

// ------------------------------------------------------------------ official libraries

function stripeOfficialVerify(payload, header, secret, now) {
  try {
    stripe.webhooks.constructEvent(payload, header, secret, TOLERANCE, undefined, now * 1000);
    return true;
  } catch (e) {
    if (e && e.type === "StripeSignatureVerificationError") return false;
    throw e;
  }
}

function stripeOfficialHeader(payload, secret, timestamp) {
  return stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

function withClock(now, fn) {
  const real = Date.now;
  Date.now = () => now * 1000;
  try {
    return fn();
  } finally {
    Date.now = real;
  }
}

function svixOfficialVerify(payload, headers, secret, now) {
  return withClock(now, () => {
    try {
      new Webhook(secret).verify(payload, headers);
      return true;
    } catch (e) {
      if (e && e.name === "WebhookVerificationError") return false;
      throw e;
    }
  });
}

function svixOfficialSign(payload, secret, msgId, timestamp) {
  return new Webhook(secret).sign(msgId, new Date(timestamp * 1000), payload);
}

// ------------------------------------------------------------------ vectors

async function cmdVectors(vectorsPath) {
  const schemes = JSON.parse(readFileSync(vectorsPath, "utf8"));

  const st = schemes["stripe"];
  for (const v of st.vectors) {
    const header = headersOf(v)["Stripe-Signature"] ?? ""; // absent in the unsigned and wrong_scheme vectors
    const expected = v.valid || STRIPE_CONTRACT_STRICTER.has(v.name);
    const got = stripeOfficialVerify(v.payload, header, st.secret, v.now);
    const why = got !== v.valid ? " (the official library checks age only; our contract also rejects the future)" : "";
    check(got === expected, `stripe/${v.name}: stripe.webhooks.constructEvent -> ${got} (vector valid=${v.valid})${why}`);
  }
  const valid = st.vectors.find((v) => v.name === "valid");
  const ours = headersOf(valid)["Stripe-Signature"];
  const ts = Number(/t=(\d+)/.exec(ours)[1]);
  const official = stripeOfficialHeader(valid.payload, st.secret, ts);
  check(official === ours, `stripe/valid: header equals stripe.webhooks.generateTestHeaderString (${official})`);

  const sw = schemes["standard-webhooks"];
  for (const v of sw.vectors) {
    const got = svixOfficialVerify(v.payload, headersOf(v), sw.secret, v.now);
    check(got === v.valid, `standard-webhooks/${v.name}: svix Webhook.verify -> ${got} (vector valid=${v.valid})`);
  }
  const sv = sw.vectors.find((v) => v.name === "valid");
  const hd = headersOf(sv);
  const sig = svixOfficialSign(sv.payload, sw.secret, hd["webhook-id"], Number(hd["webhook-timestamp"]));
  check(sig === hd["webhook-signature"], `standard-webhooks/valid: signature equals svix Webhook.sign (${sig})`);

  // GitHub: @octokit/webhooks-methods (X-Hub-Signature-256; no timestamp).
  const gh = schemes["github"];
  for (const v of gh.vectors) {
    const signature = headersOf(v)["X-Hub-Signature-256"];
    const got = signature === undefined ? false : await githubVerify(gh.secret, v.payload, signature);
    check(got === v.valid, `github/${v.name}: @octokit/webhooks-methods verify -> ${got} (vector valid=${v.valid})`);
  }
  const gv = gh.vectors.find((v) => v.name === "valid");
  const ghSig = await githubSign(gh.secret, gv.payload);
  check(ghSig === headersOf(gv)["X-Hub-Signature-256"], `github/valid: signature equals @octokit/webhooks-methods sign (${ghSig})`);
  finish();
}

// ------------------------------------------------------------------ verifier under test

const STRIPE_TEST_SECRET = "whsec_" + createHash("sha256").update("official-signatures stripe secret").digest("hex").slice(0, 32);
const SVIX_TEST_SECRET = "whsec_" + createHash("sha256").update("official-signatures svix key").digest("base64");

const hex = (n) => randomBytes(n).toString("hex");
const freshPayload = (type, amount, id) => JSON.stringify({ id, type, data: { object: { amount } } });

function callVerify(verify, payload, headers, secret, now) {
  try {
    const opts = now === null ? undefined : { now };
    return verify(payload, headers, secret, opts) === true;
  } catch (e) {
    console.log(`      (verifySignature threw ${e && e.name}: ${e && e.message})`);
    return false;
  }
}

// [name, expected, payload, headers, now] signed by the official stripe library
function stripeCases(secret, now) {
  const id = "evt_" + hex(8);
  const body = freshPayload("payment_intent.succeeded", 2000, id);
  const tampered = freshPayload("payment_intent.succeeded", 2001, id);
  const header = stripeOfficialHeader(body, secret, now);
  const other = stripeOfficialHeader(body, "whsec_" + hex(16), now);
  const rotated = other + "," + header.split(",").slice(1).join(",");
  if (!stripeOfficialVerify(body, header, secret, now) || stripeOfficialVerify(tampered, header, secret, now)) {
    throw new Error("the official stripe library disagrees with itself");
  }
  return [
    ["official signature verifies", true, body, { "Stripe-Signature": header }, now + 5],
    ["official signature verifies at the real clock (no opts)", true, body, { "Stripe-Signature": header }, null],
    ["lowercase header name", true, body, { "stripe-signature": header }, now + 5],
    ["a Headers object", true, body, new Headers({ "Stripe-Signature": header }), now + 5],
    ["second v1 (official, after another secret's)", true, body, { "Stripe-Signature": rotated }, now + 5],
    ["tampered payload rejected", false, tampered, { "Stripe-Signature": header }, now + 5],
    ["other secret rejected", false, body, { "Stripe-Signature": other }, now + 5],
    ["stale (now = t + 301) rejected", false, body, { "Stripe-Signature": header }, now + TOLERANCE + 1],
    ["missing header rejected", false, body, {}, now + 5],
  ];
}

function svixCases(secret, now) {
  const mid = "msg_" + hex(12);
  const body = freshPayload("email.delivered", 1, "evt_" + hex(8));
  const tampered = body.replace('"amount":1', '"amount":2');
  const sig = svixOfficialSign(body, secret, mid, now);
  const other = svixOfficialSign(body, "whsec_" + randomBytes(32).toString("base64"), mid, now);
  const hd = (s, prefix = "webhook", msgId = mid, ts = now) => ({
    [`${prefix}-id`]: msgId,
    [`${prefix}-timestamp`]: String(ts),
    [`${prefix}-signature`]: s,
  });
  if (!svixOfficialVerify(body, hd(sig), secret, now) || svixOfficialVerify(tampered, hd(sig), secret, now)) {
    throw new Error("the official svix library disagrees with itself");
  }
  const titled = Object.fromEntries(Object.entries(hd(sig)).map(([k, v]) => [k.replace(/(^|-)\w/g, (c) => c.toUpperCase()), v]));
  return [
    ["official signature verifies", true, body, hd(sig), now + 5],
    ["official signature verifies at the real clock (no opts)", true, body, hd(sig), null],
    ["svix- headers", true, body, hd(sig, "svix"), now + 5],
    ["Title-Case header names", true, body, titled, now + 5],
    ["a Headers object", true, body, new Headers(hd(sig)), now + 5],
    ["second signature in the list", true, body, hd(`${other} ${sig}`), now + 5],
    ["tampered payload rejected", false, tampered, hd(sig), now + 5],
    ["other secret rejected", false, body, hd(other), now + 5],
    ["other message id rejected", false, body, hd(sig, "webhook", mid + "x"), now + 5],
    ["stale (now = t + 301) rejected", false, body, hd(sig), now + TOLERANCE + 1],
    ["future (now = t - 301) rejected", false, body, hd(sig), now - TOLERANCE - 1],
  ];
}

async function cmdVerifier(modulePath, vectorsPath, scheme) {
  const mod = await import(pathToFileURL(resolve(modulePath)).href);
  const verify = mod.verifySignature ?? mod.default?.verifySignature;
  check(typeof verify === "function", `${modulePath}: exports verifySignature`);
  if (typeof verify !== "function") return finish();

  const now = Math.floor(Date.now() / 1000);
  if (scheme === "auto") {
    const st = stripeCases(STRIPE_TEST_SECRET, now)[0];
    const sv = svixCases(SVIX_TEST_SECRET, now)[0];
    const acceptsStripe = callVerify(verify, st[2], st[3], STRIPE_TEST_SECRET, st[4]);
    const acceptsSvix = callVerify(verify, sv[2], sv[3], SVIX_TEST_SECRET, sv[4]);
    console.log(`      scheme detection: accepts official stripe signature=${acceptsStripe}, official svix signature=${acceptsSvix}`);
    scheme = acceptsStripe && !acceptsSvix ? "stripe" : acceptsSvix && !acceptsStripe ? "standard-webhooks" : null;
    check(scheme !== null, `${modulePath}: accepts the official signature of exactly one of stripe / standard-webhooks`);
    if (scheme === null) return finish();
  }
  console.log(`      scheme: ${scheme}`);

  const isStripe = scheme === "stripe";
  const secret = isStripe ? STRIPE_TEST_SECRET : SVIX_TEST_SECRET;
  const cases = isStripe ? stripeCases(secret, now) : svixCases(secret, now);
  const lib = isStripe ? "stripe" : "svix";
  for (const [name, expected, body, headers, at] of cases) {
    const got = callVerify(verify, body, headers, secret, at);
    check(got === expected, `${scheme} [${lib} official]: ${name}: verifySignature -> ${got}`);
  }
  const foreign = isStripe ? svixCases(SVIX_TEST_SECRET, now)[0] : stripeCases(STRIPE_TEST_SECRET, now)[0];
  const foreignSecret = isStripe ? SVIX_TEST_SECRET : STRIPE_TEST_SECRET;
  const got = callVerify(verify, foreign[2], foreign[3], foreignSecret, foreign[4]);
  check(got === false, `${scheme}: a valid signature of the other scheme is rejected -> ${got}`);

  const table = JSON.parse(readFileSync(vectorsPath, "utf8"))[scheme];
  for (const v of table.vectors) {
    const got = callVerify(verify, v.payload, headersOf(v), table.secret, v.now);
    check(got === v.valid, `${scheme} [shared vector]: ${v.name}: verifySignature -> ${got} (expected ${v.valid})`);
  }
  finish();
}

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === "vectors" && rest.length === 1) {
  await cmdVectors(rest[0]);
} else if (cmd === "verifier" && (rest.length === 2 || rest.length === 3)) {
  const scheme = rest[2] ?? "auto";
  if (!["auto", "stripe", "standard-webhooks"].includes(scheme)) {
    console.error(`error: unknown scheme ${scheme}`);
    process.exit(2);
  }
  await cmdVerifier(rest[0], rest[1], scheme);
} else {
  console.error("usage: check_official.mjs vectors <vectors.json>\n       check_official.mjs verifier <webhook.ts> <vectors.json> [auto|stripe|standard-webhooks]");
  process.exit(2);
}
