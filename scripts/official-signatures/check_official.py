#!/usr/bin/env python3
"""Cross-check webhook signatures against the providers' official Python libraries.

Needs PyPI `stripe`, `svix`, `slack-sdk` and `twilio` importable (run.sh makes a venv with the pinned versions
of requirements.txt; this script installs nothing itself). Nothing here talks to a network.

Commands:

  check_official.py vectors [--toml scaffolds/webhooks.toml]
      Our shared vectors, judged by the official libraries: for the `stripe` scheme,
      stripe.WebhookSignature.verify_header / stripe.Webhook.construct_event; for
      `standard-webhooks`, svix.webhooks.Webhook.verify; for `slack`, slack_sdk's
      SignatureVerifier; for `twilio`, twilio's RequestValidator. Every vector marked
      valid must verify, every other one must be rejected (clock pinned to the vector's
      `now`), and the official signing helpers must reproduce our valid headers byte for
      byte.

  check_official.py verifier PATH [--scheme auto|stripe|standard-webhooks]
      PATH is a generated Django `webhooks.py` exposing
      verify_signature(payload: bytes, headers, secret, *, url="", now=None) -> bool.
      Signs fresh payloads with the official library (stripe's signature-header helper,
      svix's Webhook.sign) and proves the module accepts them and rejects tampered, stale,
      wrong-secret and foreign-scheme ones; then runs the module over the shared vectors.
      With --scheme auto (default) the scheme is the one whose official signature the
      module accepts (it must accept exactly one of the two).

  check_official.py dump-vectors [--toml PATH]
      Print the stripe, standard-webhooks and github vectors as JSON (input for
      check_official.mjs).

Output: one line per check, then "N passed, M failed"; exit status 1 if any failed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import datetime as _dt
import importlib
import importlib.util
import json
import os
import re
import secrets
import sys
import time
import tomllib
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
DEFAULT_TOML = HERE.parent.parent / "scaffolds" / "webhooks.toml"
TOLERANCE = 300

# The official libraries only check a timestamp's age; our contract (|now - t| <= 300)
# also rejects timestamps from the future. For these vectors the stripe libraries
# answer "valid" although the vector is not; every other vector must agree exactly.
STRIPE_CONTRACT_STRICTER = {"future"}


class Report:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, ok: bool, what: str) -> None:
        if ok:
            self.passed += 1
            print(f"ok    {what}")
        else:
            self.failed += 1
            print(f"FAIL  {what}")

    def finish(self) -> int:
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def load_vectors(path: Path) -> dict:
    with open(path, "rb") as f:
        return tomllib.load(f)["schemes"]


def headers_dict(vector: dict) -> dict[str, str]:
    return {h["name"]: h["value"] for h in vector["headers"]}


# --------------------------------------------------------------------------- official libraries


def _stripe():
    import stripe

    return stripe


def _svix_webhook():
    from svix.webhooks import Webhook

    return Webhook


class _pinned_clock:
    """Pin the clock the official libraries read (time.time for stripe, datetime.now
    for svix/standardwebhooks) to `now` for the duration of a with-block."""

    def __init__(self, now: float) -> None:
        self.now = now
        self._patches = []

    def __enter__(self):
        now = self.now

        class FixedDatetime(_dt.datetime):
            @classmethod
            def now(cls, tz=None):
                return _dt.datetime.fromtimestamp(now, tz=tz)

        self._patches = [mock.patch("time.time", return_value=float(now))]
        try:
            import standardwebhooks.webhooks  # noqa: F401  (svix's verifier)

            self._patches.append(mock.patch("standardwebhooks.webhooks.datetime", FixedDatetime))
        except ImportError:
            pass
        for p in self._patches:
            p.start()
        return self

    def __exit__(self, *exc):
        for p in reversed(self._patches):
            p.stop()
        return False


def stripe_official_verify(payload: str, header: str, secret: str, now: float) -> bool:
    stripe = _stripe()
    with _pinned_clock(now):
        try:
            stripe.WebhookSignature.verify_header(payload, header, secret, tolerance=TOLERANCE)
        except stripe.SignatureVerificationError:
            return False
    return True


def stripe_official_construct(payload: str, header: str, secret: str, now: float) -> bool:
    stripe = _stripe()
    with _pinned_clock(now):
        try:
            event = stripe.Webhook.construct_event(payload, header, secret, tolerance=TOLERANCE, api_key="sk_test_offline")
        except stripe.SignatureVerificationError:
            return False
    return event.id == json.loads(payload)["id"]


def stripe_official_header(payload: str, secret: str, timestamp: int) -> str:
    """The Stripe-Signature header the official library's test helper computes."""
    return _stripe().WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


def svix_official_verify(payload: str, headers: dict[str, str], secret: str, now: float) -> bool:
    Webhook = _svix_webhook()
    from svix.webhooks import WebhookVerificationError

    with _pinned_clock(now):
        try:
            Webhook(secret).verify(payload, headers)
        except WebhookVerificationError:
            return False
    return True


def svix_official_sign(payload: str, secret: str, msg_id: str, timestamp: int) -> str:
    when = _dt.datetime.fromtimestamp(timestamp, tz=_dt.timezone.utc)
    return _svix_webhook()(secret).sign(msg_id, when, payload)


# --------------------------------------------------------------------------- vectors


def cmd_vectors(toml: Path) -> int:
    r = Report()
    schemes = load_vectors(toml)

    st = schemes["stripe"]
    for v in st["vectors"]:
        header = headers_dict(v).get("Stripe-Signature", "")  # absent in the unsigned and wrong_scheme vectors
        expected = v["valid"] or v["name"] in STRIPE_CONTRACT_STRICTER
        got = stripe_official_verify(v["payload"], header, st["secret"], v["now"])
        why = " (the official library checks age only; our contract also rejects the future)" if got != v["valid"] else ""
        r.check(got == expected, f"stripe/{v['name']}: stripe.WebhookSignature.verify_header -> {got} (vector valid={v['valid']}){why}")
        if v["valid"]:
            r.check(stripe_official_construct(v["payload"], header, st["secret"], v["now"]),
                    f"stripe/{v['name']}: stripe.Webhook.construct_event accepts it")
    valid = next(v for v in st["vectors"] if v["name"] == "valid")
    ts = int(re.search(r"t=(\d+)", headers_dict(valid)["Stripe-Signature"]).group(1))
    official = stripe_official_header(valid["payload"], st["secret"], ts)
    r.check(official == headers_dict(valid)["Stripe-Signature"],
            f"stripe/valid: header equals the official generate_signature_header ({official})")

    sw = schemes["standard-webhooks"]
    for v in sw["vectors"]:
        got = svix_official_verify(v["payload"], headers_dict(v), sw["secret"], v["now"])
        r.check(got == v["valid"], f"standard-webhooks/{v['name']}: svix Webhook.verify -> {got} (vector valid={v['valid']})")
    valid = next(v for v in sw["vectors"] if v["name"] == "valid")
    hd = headers_dict(valid)
    official = svix_official_sign(valid["payload"], sw["secret"], hd["webhook-id"], int(hd["webhook-timestamp"]))
    r.check(official == hd["webhook-signature"],
            f"standard-webhooks/valid: signature equals the official svix Webhook.sign ({official})")
    _check_slack(schemes["slack"], r)
    _check_twilio(schemes["twilio"], r)
    return r.finish()


def _check_slack(table: dict, r: Report) -> None:
    """slack_sdk's SignatureVerifier (clock pinned through its `clock` argument)."""
    from slack_sdk.signature import Clock, SignatureVerifier

    for v in table["vectors"]:

        class FixedClock(Clock):
            def now(self, _now=v["now"]) -> float:
                return float(_now)

        hd = {k.lower(): val for k, val in headers_dict(v).items()}
        verifier = SignatureVerifier(table["secret"], clock=FixedClock())
        got = verifier.is_valid(v["payload"], hd.get("x-slack-request-timestamp"), hd.get("x-slack-signature"))
        r.check(got == v["valid"], f"slack/{v['name']}: slack_sdk SignatureVerifier.is_valid -> {got} (vector valid={v['valid']})")
    valid = next(v for v in table["vectors"] if v["name"] == "valid")
    hd = headers_dict(valid)
    official = SignatureVerifier(table["secret"]).generate_signature(
        timestamp=hd["X-Slack-Request-Timestamp"], body=valid["payload"]
    )
    r.check(official == hd["X-Slack-Signature"], f"slack/valid: signature equals slack_sdk generate_signature ({official})")


def _check_twilio(table: dict, r: Report) -> None:
    """twilio's RequestValidator over the vector's URL and decoded form params."""
    from urllib.parse import parse_qsl

    from twilio.request_validator import RequestValidator

    validator = RequestValidator(table["secret"])
    for v in table["vectors"]:
        params = dict(parse_qsl(v["payload"], keep_blank_values=True))
        sig = headers_dict(v).get("X-Twilio-Signature", "")
        got = bool(validator.validate(v["url"], params, sig))
        r.check(got == v["valid"], f"twilio/{v['name']}: twilio RequestValidator.validate -> {got} (vector valid={v['valid']})")
        r.check(params == {p["name"]: p["value"] for p in v["params"]}, f"twilio/{v['name']}: params equal the decoded payload")
    valid = next(v for v in table["vectors"] if v["name"] == "valid")
    official = validator.compute_signature(valid["url"], dict(parse_qsl(valid["payload"])))
    r.check(official == headers_dict(valid)["X-Twilio-Signature"],
            f"twilio/valid: signature equals twilio RequestValidator.compute_signature ({official})")


def cmd_dump(toml: Path) -> int:
    schemes = load_vectors(toml)
    json.dump({k: schemes[k] for k in ("stripe", "standard-webhooks", "github")}, sys.stdout, indent=1)
    print()
    return 0


# --------------------------------------------------------------------------- verifier under test


def _setup_django(project_root: Path | None) -> None:
    """Make a Django webhooks.py importable: settings from the project's manage.py if
    there is one, else a minimal settings.configure(). Skipped when Django is absent."""
    try:
        import django
        from django.conf import settings
    except ImportError:
        return
    if settings.configured:
        return
    if project_root and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        m = re.search(r"DJANGO_SETTINGS_MODULE['\"]\s*,\s*['\"]([\w.]+)['\"]", (project_root / "manage.py").read_text())
        if m:
            os.environ["DJANGO_SETTINGS_MODULE"] = m.group(1)
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        settings.configure(DEBUG=False, SECRET_KEY="official-signatures-check", ALLOWED_HOSTS=["*"], INSTALLED_APPS=[])
    django.setup()


def load_verifier(path: Path):
    """Import the module at `path` the way its project would (as a package member, so
    relative and project imports work), falling back to a standalone module."""
    path = path.resolve()
    root = next((d for d in path.parents if (d / "manage.py").exists()), None)
    if root is not None:
        sys.path.insert(0, str(root))
        # apps/ layouts (django-project-template) also import apps as top-level packages
        if (root / "apps").is_dir():
            sys.path.insert(1, str(root / "apps"))
    _setup_django(root)
    if root is not None:
        rel = path.relative_to(root).with_suffix("")
        if all((root / Path(*rel.parts[:i]) / "__init__.py").exists() for i in range(1, len(rel.parts))):
            return importlib.import_module(".".join(rel.parts))
    spec = importlib.util.spec_from_file_location("_verifier_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _call(verify, payload: str | bytes, headers: dict[str, str], secret: str, now) -> bool:
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    try:
        out = verify(payload, headers, secret, now=now)
    except Exception as e:  # a verifier must answer False, not raise, on bad input
        print(f"      (verify_signature raised {type(e).__name__}: {e})")
        return False
    return out is True


def _fresh_payload(kind: str, amount: int, event_id: str) -> str:
    return json.dumps({"id": event_id, "type": kind, "data": {"object": {"amount": amount}}}, separators=(",", ":"))


def _stripe_cases(secret: str, now: int):
    """(name, expected, payload, headers, now) signed by the official stripe library."""
    eid = "evt_" + secrets.token_hex(8)
    body = _fresh_payload("payment_intent.succeeded", 2000, eid)
    tampered = _fresh_payload("payment_intent.succeeded", 2001, eid)
    header = stripe_official_header(body, secret, now)
    other = stripe_official_header(body, "whsec_" + secrets.token_hex(16), now)
    rotated = other + "," + header.split(",", 1)[1]  # t=..,v1=<other>,v1=<ours>
    assert stripe_official_verify(body, header, secret, now) and not stripe_official_verify(tampered, header, secret, now)
    return [
        ("official signature verifies", True, body, {"Stripe-Signature": header}, now + 5),
        ("official signature verifies at the real clock (now=None)", True, body, {"Stripe-Signature": header}, None),
        ("lowercase header name", True, body, {"stripe-signature": header}, now + 5),
        ("second v1 (official, after another secret's)", True, body, {"Stripe-Signature": rotated}, now + 5),
        ("tampered payload rejected", False, tampered, {"Stripe-Signature": header}, now + 5),
        ("other secret rejected", False, body, {"Stripe-Signature": other}, now + 5),
        ("stale (now = t + 301) rejected", False, body, {"Stripe-Signature": header}, now + TOLERANCE + 1),
        ("missing header rejected", False, body, {}, now + 5),
    ]


def _svix_cases(secret: str, now: int):
    mid = "msg_" + secrets.token_hex(12)
    body = _fresh_payload("email.delivered", 1, "evt_" + secrets.token_hex(8))
    tampered = body.replace('"amount":1', '"amount":2')
    sig = svix_official_sign(body, secret, mid, now)
    other_secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    other = svix_official_sign(body, other_secret, mid, now)

    def hd(sig_value, prefix="webhook", msg_id=mid, ts=now):
        return {f"{prefix}-id": msg_id, f"{prefix}-timestamp": str(ts), f"{prefix}-signature": sig_value}

    assert svix_official_verify(body, hd(sig), secret, now) and not svix_official_verify(tampered, hd(sig), secret, now)
    return [
        ("official signature verifies", True, body, hd(sig), now + 5),
        ("official signature verifies at the real clock (now=None)", True, body, hd(sig), None),
        ("svix- headers", True, body, hd(sig, prefix="svix"), now + 5),
        ("Title-Case header names", True, body, {k.title(): v for k, v in hd(sig).items()}, now + 5),
        ("second signature in the list", True, body, hd(f"{other} {sig}"), now + 5),
        ("tampered payload rejected", False, tampered, hd(sig), now + 5),
        ("other secret rejected", False, body, hd(other), now + 5),
        ("other message id rejected", False, body, hd(sig, msg_id=mid + "x"), now + 5),
        ("stale (now = t + 301) rejected", False, body, hd(sig), now + TOLERANCE + 1),
        ("future (now = t - 301) rejected", False, body, hd(sig), now - TOLERANCE - 1),
    ]


STRIPE_TEST_SECRET = "whsec_" + "5f0c6e3a9b1d4e7f8a2c6b0d9e1f3a5c"
SVIX_TEST_SECRET = "whsec_" + base64.b64encode(hashlib.sha256(b"official-signatures svix key").digest()).decode()


def detect_scheme(verify) -> str | None:
    now = int(time.time())
    st = _stripe_cases(STRIPE_TEST_SECRET, now)[0]
    sv = _svix_cases(SVIX_TEST_SECRET, now)[0]
    accepts_stripe = _call(verify, st[2], st[3], STRIPE_TEST_SECRET, st[4])
    accepts_svix = _call(verify, sv[2], sv[3], SVIX_TEST_SECRET, sv[4])
    print(f"      scheme detection: accepts official stripe signature={accepts_stripe}, official svix signature={accepts_svix}")
    if accepts_stripe and not accepts_svix:
        return "stripe"
    if accepts_svix and not accepts_stripe:
        return "standard-webhooks"
    return None


def cmd_verifier(path: Path, scheme: str, toml: Path) -> int:
    r = Report()
    module = load_verifier(path)
    verify = getattr(module, "verify_signature", None)
    r.check(callable(verify), f"{path}: exposes verify_signature")
    if not callable(verify):
        return r.finish()
    if scheme == "auto":
        detected = detect_scheme(verify)
        r.check(detected is not None, f"{path}: accepts the official signature of exactly one of stripe / standard-webhooks")
        if detected is None:
            return r.finish()
        scheme = detected
    print(f"      scheme: {scheme}")

    now = int(time.time())
    if scheme == "stripe":
        secret, cases, lib = STRIPE_TEST_SECRET, _stripe_cases(STRIPE_TEST_SECRET, now), "stripe"
        foreign = _svix_cases(SVIX_TEST_SECRET, now)[0]
        foreign_secret = SVIX_TEST_SECRET
    else:
        secret, cases, lib = SVIX_TEST_SECRET, _svix_cases(SVIX_TEST_SECRET, now), "svix"
        foreign = _stripe_cases(STRIPE_TEST_SECRET, now)[0]
        foreign_secret = STRIPE_TEST_SECRET
    for name, expected, body, headers, at in cases:
        got = _call(verify, body, headers, secret, at)
        r.check(got == expected, f"{scheme} [{lib} official]: {name}: verify_signature -> {got}")
    got = _call(verify, foreign[2], foreign[3], foreign_secret, foreign[4])
    r.check(got is False, f"{scheme}: a valid signature of the other scheme is rejected -> {got}")

    table = load_vectors(toml)[scheme]
    for v in table["vectors"]:
        got = _call(verify, v["payload"], headers_dict(v), table["secret"], v["now"])
        r.check(got == v["valid"], f"{scheme} [shared vector]: {v['name']}: verify_signature -> {got} (expected {v['valid']})")
    return r.finish()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("vectors", "dump-vectors"):
        p = sub.add_parser(name)
        p.add_argument("--toml", type=Path, default=DEFAULT_TOML)
    p = sub.add_parser("verifier")
    p.add_argument("path", type=Path)
    p.add_argument("--scheme", choices=["auto", "stripe", "standard-webhooks"], default="auto")
    p.add_argument("--toml", type=Path, default=DEFAULT_TOML)
    args = ap.parse_args()
    if args.cmd == "vectors":
        return cmd_vectors(args.toml)
    if args.cmd == "dump-vectors":
        return cmd_dump(args.toml)
    return cmd_verifier(args.path, args.scheme, args.toml)


if __name__ == "__main__":
    sys.exit(main())
