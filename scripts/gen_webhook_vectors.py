#!/usr/bin/env python3
"""Generate scaffolds/webhooks.toml: shared webhook signature test vectors.

Every kit renders these vectors into its generated webhook tests (context
`webhook.vectors`), so one file decides what "valid", "tampered" and "stale" mean
for each of the seven signature schemes of docs/KITS.md. Every scheme also has an
`unsigned` vector (no signature header at all) and a `wrong_scheme` vector (the same
payload signed correctly, with the same secret, by another scheme): a verifier must
reject both, so one that falls through to "accept" is caught by its own tests.
The schemes:

    hmac-sha256, stripe, github, standard-webhooks, slack, shopify, twilio

Python standard library only, and deterministic: fixed secrets, payloads and
timestamps, so running it again reproduces the file byte for byte.

    python3 scripts/gen_webhook_vectors.py            # (re)write scaffolds/webhooks.toml
    python3 scripts/gen_webhook_vectors.py --check    # exit 1 if the file is out of date
    python3 scripts/gen_webhook_vectors.py --stdout   # print instead of writing

Before writing, every vector is checked against a small reference verifier in this
file (written from the scheme definitions, independently of the signing code), so a
vector marked valid really verifies and every other one really fails.
scripts/official-signatures/ checks the same vectors against the providers' own
libraries (stripe, svix).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import sys
import tomllib
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "scaffolds" / "webhooks.toml"

# Fixed clock: every timestamped vector is signed at T and verified at NOW.
T = 1700000000
NOW = T + 100
TOLERANCE = 300


def _hexdigest(label: str, n: int = 32) -> str:
    """A fixed, random-looking hex string derived from a label."""
    return hashlib.sha256(label.encode()).hexdigest()[:n]


def _b64key(label: str) -> str:
    """A fixed `whsec_<base64>` Standard Webhooks secret (32-byte key) from a label."""
    return "whsec_" + base64.b64encode(hashlib.sha256(label.encode()).digest()).decode()


SECRETS = {
    "hmac-sha256": ("integrate_test_hmac_secret_" + _hexdigest("hmac"), "integrate_test_hmac_secret_" + _hexdigest("hmac-wrong")),
    "stripe": ("whsec_" + _hexdigest("stripe"), "whsec_" + _hexdigest("stripe-wrong")),
    "github": ("integrate-test-github-" + _hexdigest("github", 20), "integrate-test-github-" + _hexdigest("github-wrong", 20)),
    "standard-webhooks": (_b64key("integrate standard-webhooks test key"), _b64key("integrate standard-webhooks wrong key")),
    "slack": (_hexdigest("slack signing secret"), _hexdigest("slack wrong signing secret")),
    "shopify": ("integrate-test-shopify-" + _hexdigest("shopify", 20), "integrate-test-shopify-" + _hexdigest("shopify-wrong", 20)),
    "twilio": (_hexdigest("twilio auth token"), _hexdigest("twilio wrong auth token")),
}

HEADERS = {
    "hmac-sha256": "X-Signature",
    "stripe": "Stripe-Signature",
    "github": "X-Hub-Signature-256",
    "standard-webhooks": "webhook-signature",
    "slack": "X-Slack-Signature",
    "shopify": "X-Shopify-Hmac-Sha256",
    "twilio": "X-Twilio-Signature",
}

TOLERANCES = {
    "hmac-sha256": 0,
    "stripe": TOLERANCE,
    "github": 0,
    "standard-webhooks": TOLERANCE,
    "slack": TOLERANCE,
    "shopify": 0,
    "twilio": 0,
}

SCHEMES = list(HEADERS)

# The scheme whose correct signature each scheme's `wrong_scheme` vector carries (made with
# the scheme's own secret over its own valid payload). self_check proves the signature is
# one that other scheme accepts, so the vector tests scheme confusion, not a broken MAC.
WRONG_SCHEME_OF = {
    "hmac-sha256": "stripe",
    "stripe": "github",
    "github": "hmac-sha256",
    "standard-webhooks": "stripe",
    "slack": "stripe",
    "shopify": "github",
    "twilio": "shopify",
}

TWILIO_URL = "https://example.com/webhooks/twilio"
TWILIO_OTHER_URL = "https://example.com/webhooks/twilio-other"


def _json_payload(event_id: str, event_type: str, extra: str = "") -> str:
    # Compact JSON written by hand so the bytes are exactly these (a kit compares raw bodies).
    return '{"id":"%s","type":"%s"%s}' % (event_id, event_type, extra)


PAYLOADS = {
    "hmac-sha256": (
        _json_payload("evt_test_1", "order.created", ',"data":{"amount":1000,"currency":"usd"}'),
        _json_payload("evt_test_1", "order.created", ',"data":{"amount":9000,"currency":"usd"}'),
    ),
    "stripe": (
        _json_payload("evt_test_1", "payment_intent.succeeded", ',"object":"event","data":{"object":{"id":"pi_test_1","amount":2000}}'),
        _json_payload("evt_test_1", "payment_intent.succeeded", ',"object":"event","data":{"object":{"id":"pi_test_1","amount":9000}}'),
    ),
    "github": (
        _json_payload("gh_delivery_1", "push", ',"ref":"refs/heads/main","repository":{"full_name":"octo/app"}'),
        _json_payload("gh_delivery_1", "push", ',"ref":"refs/heads/evil","repository":{"full_name":"octo/app"}'),
    ),
    "standard-webhooks": (
        _json_payload("msg_test_1", "email.delivered", ',"data":{"email_id":"em_1","to":["a@example.com"]}'),
        _json_payload("msg_test_1", "email.delivered", ',"data":{"email_id":"em_1","to":["b@example.com"]}'),
    ),
    "slack": (
        _json_payload("Ev_test_1", "event_callback", ',"event":{"type":"app_mention","text":"hello"}'),
        _json_payload("Ev_test_1", "event_callback", ',"event":{"type":"app_mention","text":"HELLO"}'),
    ),
    "shopify": (
        _json_payload("shp_test_1", "orders/create", ',"total_price":"10.00"'),
        _json_payload("shp_test_1", "orders/create", ',"total_price":"0.01"'),
    ),
}

# Twilio posts application/x-www-form-urlencoded params. `+` (space) and `%2B` ("+")
# check that kits decode the form before signing.
TWILIO_PARAMS = [
    ("MessageSid", "SM" + _hexdigest("twilio message")),
    ("AccountSid", "AC" + _hexdigest("twilio account")),
    ("From", "+15005550006"),
    ("To", "+15005550001"),
    ("Body", "Hello from integrate"),
    ("NumMedia", "0"),
]
TWILIO_TAMPERED_PARAMS = [(k, "Send me 1000 dollars" if k == "Body" else v) for k, v in TWILIO_PARAMS]


# --------------------------------------------------------------------------- signing


def _hmac(key: bytes, msg: str, algo=hashlib.sha256) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), algo).digest()


def sign_hmac_sha256(secret: str, body: str) -> str:
    return _hmac(secret.encode(), body).hex()


def sign_stripe(secret: str, body: str, t: int) -> str:
    """One v1 signature; the key is the whole `whsec_...` string as UTF-8."""
    return _hmac(secret.encode(), f"{t}.{body}").hex()


def sign_github(secret: str, body: str) -> str:
    return "sha256=" + _hmac(secret.encode(), body).hex()


def sign_github_sha1(secret: str, body: str) -> str:
    return "sha1=" + _hmac(secret.encode(), body, hashlib.sha1).hex()


def _std_key(secret: str) -> bytes:
    assert secret.startswith("whsec_")
    return base64.b64decode(secret[len("whsec_"):])


def sign_standard(secret: str, msg_id: str, t: int, body: str) -> str:
    return "v1," + base64.b64encode(_hmac(_std_key(secret), f"{msg_id}.{t}.{body}")).decode()


def sign_slack(secret: str, t: int, body: str) -> str:
    return "v0=" + _hmac(secret.encode(), f"v0:{t}:{body}").hex()


def sign_shopify(secret: str, body: str) -> str:
    return base64.b64encode(_hmac(secret.encode(), body)).decode()


def sign_twilio(token: str, url: str, params: list[tuple[str, str]]) -> str:
    data = url + "".join(k + v for k, v in sorted(params, key=lambda kv: kv[0]))
    return base64.b64encode(_hmac(token.encode(), data, hashlib.sha1)).decode()


# --------------------------------------------------------------------------- vectors


def vec(name, valid, payload, headers, now=NOW, url="", params=None, note=""):
    return {
        "name": name,
        "valid": valid,
        "payload": payload,
        "now": now,
        "headers": headers,
        "url": url,
        "params": params or [],
        "note": note,
    }


def h(name, value):
    return (name, value)


def build() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}

    # hmac-sha256 -------------------------------------------------------------
    s, w = SECRETS["hmac-sha256"]
    body, bad = PAYLOADS["hmac-sha256"]
    sig = sign_hmac_sha256(s, body)
    out["hmac-sha256"] = [
        vec("valid", True, body, [h("X-Signature", sig)], note="lowercase hex HMAC-SHA256 of the raw body"),
        vec("valid_sha256_prefix", True, body, [h("X-Signature", "sha256=" + sig)], note="an optional sha256= prefix is accepted"),
        vec("tampered_payload", False, bad, [h("X-Signature", sig)], note="body changed after signing"),
        vec("wrong_secret", False, body, [h("X-Signature", sign_hmac_sha256(w, body))], note="signed with another secret"),
        vec("unsigned", False, body, [], note="no signature header at all"),
        vec("wrong_scheme", False, body, [h("X-Signature", f"t={T},v1={sign_stripe(s, body, T)}")],
            note="a Stripe-style signature (t=..,v1=HMAC of t.body) made with the same secret, in this scheme's header"),
    ]

    # stripe --------------------------------------------------------------------
    s, w = SECRETS["stripe"]
    body, bad = PAYLOADS["stripe"]
    good = sign_stripe(s, body, T)
    other = sign_stripe(w, body, T)
    out["stripe"] = [
        vec("valid", True, body, [h("Stripe-Signature", f"t={T},v1={good}")]),
        vec("valid_second_v1", True, body, [h("Stripe-Signature", f"t={T},v1={other},v1={good}")],
            note="several v1 signatures (secret rotation): any one may match"),
        vec("valid_with_v0", True, body, [h("Stripe-Signature", f"t={T},v1={good},v0={other}")],
            note="v0 entries are ignored"),
        vec("valid_at_tolerance", True, body, [h("Stripe-Signature", f"t={T},v1={good}")], now=T + TOLERANCE,
            note="exactly tolerance_secs old is still accepted"),
        vec("tampered_payload", False, bad, [h("Stripe-Signature", f"t={T},v1={good}")]),
        vec("wrong_secret", False, body, [h("Stripe-Signature", f"t={T},v1={other}")]),
        vec("tampered_timestamp", False, body, [h("Stripe-Signature", f"t={T + 50},v1={good}")],
            note="t changed after signing: the timestamp is part of the signed string"),
        vec("only_v0", False, body, [h("Stripe-Signature", f"t={T},v0={good}")],
            note="a correct HMAC under v0 is not a v1 signature"),
        vec("stale", False, body, [h("Stripe-Signature", f"t={T},v1={good}")], now=T + TOLERANCE + 1,
            note="valid signature, now beyond tolerance"),
        vec("future", False, body, [h("Stripe-Signature", f"t={T},v1={good}")], now=T - TOLERANCE - 1,
            note="timestamp more than tolerance in the future (|now - t| > tolerance); the official libraries only check age"),
        vec("unsigned", False, body, [], note="no signature header at all"),
        vec("wrong_scheme", False, body, [h("X-Hub-Signature-256", sign_github(s, body))],
            note="a GitHub-style signature (sha256=HMAC of the body) made with the same secret"),
    ]

    # github ------------------------------------------------------------------
    s, w = SECRETS["github"]
    body, bad = PAYLOADS["github"]
    sig = sign_github(s, body)
    out["github"] = [
        vec("valid", True, body, [h("X-GitHub-Event", "push"), h("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"), h("X-Hub-Signature-256", sig)]),
        vec("tampered_payload", False, bad, [h("X-GitHub-Event", "push"), h("X-Hub-Signature-256", sig)]),
        vec("wrong_secret", False, body, [h("X-GitHub-Event", "push"), h("X-Hub-Signature-256", sign_github(w, body))]),
        vec("sha1_only", False, body, [h("X-GitHub-Event", "push"), h("X-Hub-Signature", sign_github_sha1(s, body))],
            note="only the legacy SHA-1 header: not accepted"),
        vec("unsigned", False, body, [h("X-GitHub-Event", "push"), h("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")],
            note="the delivery headers without any signature header"),
        vec("wrong_scheme", False, body, [h("X-GitHub-Event", "push"), h("X-Signature", sign_hmac_sha256(s, body))],
            note="a generic hmac-sha256 signature (hex HMAC of the body) made with the same secret"),
    ]

    # standard-webhooks --------------------------------------------------------
    s, w = SECRETS["standard-webhooks"]
    body, bad = PAYLOADS["standard-webhooks"]
    mid = "msg_" + _hexdigest("standard-webhooks message", 24)
    good = sign_standard(s, mid, T, body)
    other = sign_standard(w, mid, T, body)

    def std(sigval, ts=T, prefix="webhook", msg_id=mid):
        return [h(f"{prefix}-id", msg_id), h(f"{prefix}-timestamp", str(ts)), h(f"{prefix}-signature", sigval)]

    out["standard-webhooks"] = [
        vec("valid", True, body, std(good)),
        vec("valid_svix_headers", True, body, std(good, prefix="svix"), note="the same headers with the svix- prefix (Clerk, Svix)"),
        vec("valid_second_signature", True, body, std(f"{other} {good}"),
            note="space-separated signature list (key rotation): any v1 may match"),
        vec("valid_at_tolerance", True, body, std(good), now=T + TOLERANCE),
        vec("tampered_payload", False, bad, std(good)),
        vec("wrong_secret", False, body, std(other)),
        vec("tampered_msg_id", False, body, std(good, msg_id=mid[:-1] + ("0" if mid[-1] != "0" else "1")),
            note="the message id is part of the signed string"),
        vec("unknown_version", False, body, std("v2," + good.split(",", 1)[1]),
            note="a correct HMAC under another version tag is not a v1 signature"),
        vec("stale", False, body, std(good), now=T + TOLERANCE + 1),
        vec("future", False, body, std(good), now=T - TOLERANCE - 1),
        vec("unsigned", False, body, [], note="no signature header at all"),
        vec("wrong_scheme", False, body, [h("Stripe-Signature", f"t={T},v1={sign_stripe(s, body, T)}")],
            note="a Stripe-style signature (t=..,v1=HMAC of t.body) made with the same secret"),
    ]

    # slack ---------------------------------------------------------------------
    s, w = SECRETS["slack"]
    body, bad = PAYLOADS["slack"]
    good = sign_slack(s, T, body)

    def sl(sigval, ts=T):
        return [h("X-Slack-Request-Timestamp", str(ts)), h("X-Slack-Signature", sigval)]

    out["slack"] = [
        vec("valid", True, body, sl(good)),
        vec("valid_at_tolerance", True, body, sl(good), now=T + TOLERANCE),
        vec("tampered_payload", False, bad, sl(good)),
        vec("wrong_secret", False, body, sl(sign_slack(w, T, body))),
        vec("tampered_timestamp", False, body, sl(good, ts=T + 50), note="the timestamp is part of the signed string"),
        vec("stale", False, body, sl(good), now=T + TOLERANCE + 1),
        vec("future", False, body, sl(good), now=T - TOLERANCE - 1),
        vec("unsigned", False, body, [], note="no signature header at all"),
        vec("wrong_scheme", False, body, [h("Stripe-Signature", f"t={T},v1={sign_stripe(s, body, T)}")],
            note="a Stripe-style signature (t=..,v1=HMAC of t.body) made with the same secret"),
    ]

    # shopify -------------------------------------------------------------------
    s, w = SECRETS["shopify"]
    body, bad = PAYLOADS["shopify"]
    sig = sign_shopify(s, body)
    out["shopify"] = [
        vec("valid", True, body, [h("X-Shopify-Topic", "orders/create"), h("X-Shopify-Hmac-Sha256", sig)]),
        vec("tampered_payload", False, bad, [h("X-Shopify-Hmac-Sha256", sig)]),
        vec("wrong_secret", False, body, [h("X-Shopify-Hmac-Sha256", sign_shopify(w, body))]),
        vec("hex_digest", False, body, [h("X-Shopify-Hmac-Sha256", sign_hmac_sha256(s, body))],
            note="the right HMAC hex-encoded: Shopify sends base64"),
        vec("unsigned", False, body, [h("X-Shopify-Topic", "orders/create")],
            note="the delivery headers without any signature header"),
        vec("wrong_scheme", False, body, [h("X-Shopify-Topic", "orders/create"), h("X-Hub-Signature-256", sign_github(s, body))],
            note="a GitHub-style signature (sha256=HMAC of the body) made with the same secret"),
    ]

    # twilio --------------------------------------------------------------------
    s, w = SECRETS["twilio"]
    body = urlencode(TWILIO_PARAMS)
    bad = urlencode(TWILIO_TAMPERED_PARAMS)
    sig = sign_twilio(s, TWILIO_URL, TWILIO_PARAMS)
    params = sorted(TWILIO_PARAMS)
    bad_params = sorted(TWILIO_TAMPERED_PARAMS)
    out["twilio"] = [
        vec("valid", True, body, [h("X-Twilio-Signature", sig)], url=TWILIO_URL, params=params,
            note="base64 HMAC-SHA1 of url + each param name and value, sorted by name"),
        vec("tampered_payload", False, bad, [h("X-Twilio-Signature", sig)], url=TWILIO_URL, params=bad_params),
        vec("wrong_secret", False, body, [h("X-Twilio-Signature", sign_twilio(w, TWILIO_URL, TWILIO_PARAMS))], url=TWILIO_URL, params=params),
        vec("wrong_url", False, body, [h("X-Twilio-Signature", sign_twilio(s, TWILIO_OTHER_URL, TWILIO_PARAMS))], url=TWILIO_URL, params=params,
            note="signed for another URL: the URL is part of the signed string"),
        vec("unsigned", False, body, [], url=TWILIO_URL, params=params, note="no signature header at all"),
        vec("wrong_scheme", False, body, [h("X-Shopify-Hmac-Sha256", sign_shopify(s, body))], url=TWILIO_URL, params=params,
            note="a Shopify-style signature (base64 HMAC-SHA256 of the body) made with the same secret"),
    ]
    return out


# --------------------------------------------------------------------------- reference verifier
# Written from the scheme definitions only (no call into the signing helpers above),
# so the generator cannot agree with itself by construction.


def _get(headers, name):
    for k, v in headers:
        if k.lower() == name.lower():
            return v
    return None


def _mac(key: bytes, msg: bytes, algo=hashlib.sha256) -> bytes:
    return hmac.new(key, msg, algo).digest()


def reference_verify(scheme: str, payload: str, headers, secret: str, *, url: str = "", now: int) -> bool:
    raw = payload.encode("utf-8")
    key = secret.encode("utf-8")
    if scheme == "hmac-sha256":
        got = _get(headers, "X-Signature")
        if got is None:
            return False
        got = got.removeprefix("sha256=")
        return hmac.compare_digest(got, _mac(key, raw).hex())
    if scheme == "github":
        got = _get(headers, "X-Hub-Signature-256")
        return got is not None and hmac.compare_digest(got, "sha256=" + _mac(key, raw).hex())
    if scheme == "shopify":
        got = _get(headers, "X-Shopify-Hmac-Sha256")
        return got is not None and hmac.compare_digest(got, base64.b64encode(_mac(key, raw)).decode())
    if scheme == "stripe":
        got = _get(headers, "Stripe-Signature")
        if got is None:
            return False
        items = [p.split("=", 1) for p in got.split(",") if "=" in p]
        ts = [v for k, v in items if k == "t"]
        if len(ts) != 1 or not ts[0].isdigit():
            return False
        t = int(ts[0])
        expected = _mac(key, f"{t}.".encode() + raw).hex()
        if not any(hmac.compare_digest(v, expected) for k, v in items if k == "v1"):
            return False
        return abs(now - t) <= TOLERANCE
    if scheme == "standard-webhooks":
        mid = _get(headers, "webhook-id") or _get(headers, "svix-id")
        ts = _get(headers, "webhook-timestamp") or _get(headers, "svix-timestamp")
        sigs = _get(headers, "webhook-signature") or _get(headers, "svix-signature")
        if not (mid and ts and sigs) or not ts.isdigit():
            return False
        k = base64.b64decode(secret.removeprefix("whsec_"))
        expected = base64.b64encode(_mac(k, f"{mid}.{ts}.".encode() + raw)).decode()
        ok = any(
            part.startswith("v1,") and hmac.compare_digest(part[3:], expected) for part in sigs.split(" ")
        )
        return ok and abs(now - int(ts)) <= TOLERANCE
    if scheme == "slack":
        ts = _get(headers, "X-Slack-Request-Timestamp")
        got = _get(headers, "X-Slack-Signature")
        if not (ts and got) or not ts.isdigit():
            return False
        expected = "v0=" + _mac(key, b"v0:" + ts.encode() + b":" + raw).hex()
        return hmac.compare_digest(got, expected) and abs(now - int(ts)) <= TOLERANCE
    if scheme == "twilio":
        got = _get(headers, "X-Twilio-Signature")
        if got is None:
            return False
        params = parse_qsl(payload, keep_blank_values=True)
        data = url + "".join(k + v for k, v in sorted(params, key=lambda kv: kv[0]))
        expected = base64.b64encode(_mac(key, data.encode("utf-8"), hashlib.sha1)).decode()
        return hmac.compare_digest(got, expected)
    raise ValueError(scheme)


# --------------------------------------------------------------------------- rendering


def _lit(s: str) -> str:
    """A TOML literal string; payloads and header values never contain a quote."""
    assert "'" not in s and "\n" not in s, s
    return "'" + s + "'"


def _basic(s: str) -> str:
    assert '"' not in s and "\\" not in s and "\n" not in s, s
    return '"' + s + '"'


def _check_payload(s: str) -> None:
    bad = [c for c in ("'", "\\", "#{", '"""') if c in s]
    assert not bad, f"payload contains {bad}: {s}"
    assert s.isascii(), f"payload is not ASCII: {s}"


def _pairs(items) -> str:
    return "[" + ", ".join("{ name = %s, value = %s }" % (_basic(k), _basic(v)) for k, v in items) + "]"


def render(vectors: dict[str, list[dict]]) -> str:
    lines = [
        "# GENERATED FILE - do not edit by hand.",
        "# Written by scripts/gen_webhook_vectors.py; change that script and re-run it:",
        "#     python3 scripts/gen_webhook_vectors.py          (--check verifies the file is current)",
        "#",
        "# Shared webhook signature test vectors, one table per scheme (docs/KITS.md: context",
        "# `webhook.vectors` and `webhook.secret_example`). Every kit's",
        "# generated tests verify each vector with `secret` at unix time `now`: vectors with",
        "# valid = true must verify, all others must be rejected. `payload` is the raw body",
        "# (form-encoded for twilio); `url` and `params` (the decoded form params, sorted by",
        "# name) are used by twilio only. Signatures are made at t = %d." % T,
        "# Every scheme has an `unsigned` vector (no signature header) and a `wrong_scheme` one",
        "# (the payload correctly signed with the same secret by another scheme); both must fail.",
        "# scripts/official-signatures/ checks them against the providers' official libraries.",
    ]
    for scheme in SCHEMES:
        secret = SECRETS[scheme][0]
        lines += [
            "",
            f"[schemes.{scheme}]",
            f"header = {_basic(HEADERS[scheme])}",
            f"secret = {_basic(secret)}",
            f"tolerance_secs = {TOLERANCES[scheme]}",
        ]
        for v in vectors[scheme]:
            _check_payload(v["payload"])
            lines.append("")
            if v["note"]:
                assert v["note"].isascii()
                lines.append(f"# {v['note']}")
            lines += [
                f"[[schemes.{scheme}.vectors]]",
                f"name = {_basic(v['name'])}",
                f"valid = {'true' if v['valid'] else 'false'}",
                f"payload = {_lit(v['payload'])}",
                f"now = {v['now']}",
                f"headers = {_pairs(v['headers'])}",
                f"url = {_basic(v['url'])}",
                f"params = {_pairs(v['params'])}",
            ]
    return "\n".join(lines) + "\n"


def self_check(text: str) -> None:
    """Parse the rendered TOML back and verify every vector with the reference verifier."""
    doc = tomllib.loads(text)
    assert list(doc["schemes"]) == SCHEMES
    for scheme, table in doc["schemes"].items():
        names = [v["name"] for v in table["vectors"]]
        assert len(names) == len(set(names)), f"{scheme}: duplicate vector names"
        required = {"valid", "tampered_payload", "wrong_secret", "unsigned", "wrong_scheme"}
        if table["tolerance_secs"]:
            required.add("stale")
        assert required <= set(names), f"{scheme}: missing {required - set(names)}"
        for v in table["vectors"]:
            headers = [(p["name"], p["value"]) for p in v["headers"]]
            got = reference_verify(scheme, v["payload"], headers, table["secret"], url=v["url"], now=v["now"])
            assert got == v["valid"], f"{scheme}/{v['name']}: reference verifier says {got}, vector says {v['valid']}"
            if scheme == "twilio":
                assert [(p["name"], p["value"]) for p in v["params"]] == sorted(parse_qsl(v["payload"])), v["name"]
            if v["name"] == "wrong_scheme":
                # A correct signature of the other scheme (read from that scheme's header when
                # it was put in this scheme's own header, as for hmac-sha256).
                other = WRONG_SCHEME_OF[scheme]
                moved = [(HEADERS[other] if k == HEADERS[scheme] else k, val) for k, val in headers]
                assert reference_verify(other, v["payload"], moved, table["secret"], url=v["url"], now=v["now"]), (
                    f"{scheme}/wrong_scheme: not a valid {other} signature"
                )
            if v["name"] == "unsigned":
                signature_headers = {HEADERS[scheme].lower(), "webhook-id", "webhook-timestamp", "svix-id",
                                     "svix-timestamp", "svix-signature", "x-slack-request-timestamp"}
                assert not {k.lower() for k, _ in headers} & signature_headers, f"{scheme}/unsigned carries a signature header"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if scaffolds/webhooks.toml is not current")
    ap.add_argument("--stdout", action="store_true", help="print the file instead of writing it")
    args = ap.parse_args()

    text = render(build())
    self_check(text)
    if args.stdout:
        sys.stdout.write(text)
        return 0
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"error: {OUT.relative_to(ROOT)} is out of date; run python3 scripts/gen_webhook_vectors.py", file=sys.stderr)
            return 1
        print(f"{OUT.relative_to(ROOT)} is current")
        return 0
    OUT.write_bytes(text.encode("utf-8"))
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
