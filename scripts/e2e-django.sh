#!/usr/bin/env bash
# End-to-end proof of the Django kit: generate integrations into a temp copy of
# examples/django-app with the integrate binary, then run the app's own checks on them:
# pytest (pytest-django) over the generated tests and `python manage.py check`.
#
#   scripts/e2e-django.sh [path/to/integrate]     (default: target/debug/integrate)
#
# Environment:
#   VENV    a virtualenv to use (created there when missing, reused otherwise);
#           default: a fresh one in the temp dir.
#   PYTHON  the interpreter that creates the venv (default: python3).
# Never prompts; exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/target/debug/integrate}"
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
[ -x "$bin" ] || { echo "e2e-django: no integrate binary at $bin (run cargo build first)" >&2; exit 1; }
export CI=true
python="${PYTHON:-python3}"
command -v "$python" >/dev/null 2>&1 || { echo "e2e-django: $python not found" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/e2e-django.XXXXXX")"
trap 'rm -rf "$work"' EXIT
app="$work/app"
cp -R "$root/examples/django-app" "$app"
rm -rf "$app/.venv" "$app/.pytest_cache"
find "$app" -name __pycache__ -prune -exec rm -rf {} +
cd "$app"
# `integrate init` takes the nearest .git as the repo root: make the copy one.
if command -v git >/dev/null 2>&1; then git init -q .; fi

step() { echo "+ $*" >&2; "$@" </dev/null; }

step "$bin" init --yes
# A known service with webhooks (stripe scheme) and an unknown one (api-key, generic
# hmac-sha256), then catalog services and flags covering every auth style and scheme.
step "$bin" new stripe --yes --webhooks
step "$bin" new acme --category other --auth api-key --webhooks --yes
step "$bin" new github --yes --webhooks                # github scheme
step "$bin" new resend --yes --webhooks                # standard-webhooks
step "$bin" new slack --yes --webhooks                 # slack
step "$bin" new shopify --yes --webhooks               # shopify
step "$bin" new twilio --yes --webhooks                # twilio scheme, basic auth
step "$bin" new partner-api --category crm --auth oauth2 --no-webhooks --yes
step "$bin" new open-data --category other --auth none --no-webhooks --yes
step "$bin" new billing-hub --category payments --auth basic --webhooks --yes
step "$bin" new bearer-co --category other --auth bearer --no-webhooks --yes

# A second identical run changes nothing.
snapshot() { find . -path ./.git -prune -o -name __pycache__ -prune -o -type f -print0 | sort -z | xargs -0 sha256sum; }
before="$(snapshot)"
step "$bin" new stripe --yes --webhooks
after="$(snapshot)"
[ "$before" = "$after" ] || { echo "e2e-django: a second \`integrate new stripe\` changed files" >&2; diff <(echo "$before") <(echo "$after") >&2; exit 1; }

# Every auth style and webhook scheme must be present in the generated code.
integrations="apps/integration"
grep -qF 'return {"Authorization": f"Bearer {self.api_key}"}' "$integrations"/*/client.py || { echo "e2e-django: no bearer client" >&2; exit 1; }
grep -qE 'return \{"[^"]+": self.api_key\}' "$integrations"/*/client.py || { echo "e2e-django: no api-key client" >&2; exit 1; }
grep -qF 'auth=(self.username, self.password)' "$integrations"/*/client.py || { echo "e2e-django: no basic-auth client" >&2; exit 1; }
grep -qF '"grant_type": "client_credentials"' "$integrations"/*/client.py || { echo "e2e-django: no oauth2 client" >&2; exit 1; }
grep -qF 'def test_requests_carry_no_credentials' "$integrations"/*/tests/test_client.py || { echo "e2e-django: no auth=none client" >&2; exit 1; }
for scheme in hmac-sha256 stripe github standard-webhooks slack shopify twilio; do
  grep -qxF "SCHEME = \"$scheme\"" "$integrations"/*/webhooks.py || { echo "e2e-django: no webhook module uses the $scheme scheme" >&2; exit 1; }
done

# The Python side: a venv with Django 5.2 (Python 3.11 cannot run Django 6), requests and pytest.
venv="${VENV:-$work/venv}"
if [ ! -x "$venv/bin/python" ]; then
  echo "+ $python -m venv $venv" >&2
  if ! "$python" -m venv "$venv"; then
    # Debian's system python3 needs python3-venv for ensurepip.
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "e2e-django: installing python3-venv from Debian packages" >&2
      rm -rf "$venv"
      DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv </dev/null
      "$python" -m venv "$venv"
    else
      echo "e2e-django: cannot create a venv with $python (install python3-venv)" >&2
      exit 1
    fi
  fi
fi
echo "+ pip install django<6 requests pytest pytest-django" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "django>=5.2,<6" requests pytest pytest-django </dev/null

step "$venv/bin/python" manage.py check --fail-level WARNING

# The generated tests (and the app's own) must pass, and some must have run.
report="$work/pytest.txt"
echo "+ $venv/bin/python -m pytest -q -p no:cacheprovider" >&2
set +e
"$venv/bin/python" -m pytest -q -p no:cacheprovider </dev/null | tee "$report"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || { echo "e2e-django: pytest failed (exit $status)" >&2; exit 1; }
passed="$(grep -oE '[0-9]+ passed' "$report" | tail -1 | grep -oE '[0-9]+' || echo 0)"
[ "${passed:-0}" -gt 0 ] || { echo "e2e-django: pytest ran no tests" >&2; exit 1; }
generated="$(find "$integrations" -path '*/tests/test_*.py' | wc -l)"
[ "$generated" -gt 0 ] || { echo "e2e-django: no generated test files under $integrations" >&2; exit 1; }

# The webhook routes are wired into the app's URLconf: an unsigned POST through Django's
# full request stack (middleware, CSRF exemption, routing) gets the view's 400.
cat > "$work/route_check.py" <<'PY'
import django
from django.test import Client
from django.test.utils import setup_test_environment

django.setup()
setup_test_environment()
client = Client(enforce_csrf_checks=True)  # as in production: a 403 would mean no csrf_exempt
failures = []
for path in ("/api/webhooks/stripe", "/api/webhooks/acme", "/api/webhooks/github"):
    response = client.post(path, data=b"{}", content_type="application/json")
    # 400: the view rejected the missing signature (500 if the secret's name differs).
    if response.status_code not in (400, 500):
        failures.append(f"{path}: HTTP {response.status_code}")
if client.get("/api/webhooks/stripe").status_code != 405:
    failures.append("/api/webhooks/stripe: GET is not refused")
if failures:
    raise SystemExit("route check failed: " + "; ".join(failures))
print("webhook routes answer through the URLconf")
PY
step env PYTHONPATH="$app" DJANGO_SETTINGS_MODULE=settings STRIPE_WEBHOOK_SECRET=whsec_test ACME_WEBHOOK_SECRET=test GITHUB_WEBHOOK_SECRET=test "$venv/bin/python" "$work/route_check.py"

echo "e2e-django: ok ($passed tests passed)" >&2
