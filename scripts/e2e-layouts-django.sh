#!/usr/bin/env bash
# End-to-end proof that the Django kit fits projects laid out in other ways than our example
# app: every repo under tests/repos/django-* (startproject layout with requirements.txt and
# local settings; src/ layout with a settings package, django-environ and chained
# requirements; apps in a namespace folder with Poetry and python-decouple) goes through
#   integrate init → new stripe, twilio (webhooks), acme (api-key) → a second run
#   → `requests` installed from the manifest init chose → the project's own test runner
#     (manage.py test or pytest, as init detected) and `manage.py check`
#   → remove of each → every file back as `init` left it.
#
#   scripts/e2e-layouts-django.sh [path/to/integrate]   (default: target/debug/integrate)
#
# Environment: VENV (a virtualenv to reuse for the shared packages), PYTHON (default python3).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/target/debug/integrate}"
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
[ -x "$bin" ] || { echo "e2e-layouts-django: no integrate binary at $bin" >&2; exit 1; }
export CI=true
python="${PYTHON:-python3}"

work="$(mktemp -d "${TMPDIR:-/tmp}/e2e-layouts-django.XXXXXX")"
trap 'rm -rf "$work"' EXIT
step() { echo "+ $*" >&2; "$@" </dev/null; }
fail() { echo "e2e-layouts-django: $*" >&2; exit 1; }

# Shared packages every layout uses, but not `requests`: each layout must get it from the
# manifest integrate edited.
base="${VENV:-$work/venv}-layouts"
if [ ! -x "$base/bin/python" ]; then
  step "$python" -m venv "$base"
  step "$base/bin/pip" install -q 'Django>=5.2,<6' pytest pytest-django django-environ python-decouple
fi
"$base/bin/python" -c 'import requests' 2>/dev/null && step "$base/bin/pip" uninstall -q -y requests

snapshot() { find . -path ./.git -prune -o -name __pycache__ -prune -o -name '*.sqlite3' -prune -o -type f -print0 | sort -z | xargs -0 sha256sum; }
setting() { # setting <table> <key>: a value of integrate.toml
  "$base/bin/python" -c 'import sys, tomllib; print(tomllib.load(open("integrate.toml", "rb"))[sys.argv[1]].get(sys.argv[2], ""))' "$1" "$2"
}

for repo in "$root"/tests/repos/django-*/; do
  name="$(basename "$repo")"
  echo "==> $name" >&2
  app="$work/$name"
  cp -R "$repo" "$app"
  cd "$app"
  git init -q .
  step "$bin" init --yes
  after_init="$(snapshot)"
  step "$bin" new stripe --yes --webhooks
  step "$bin" new twilio --yes --webhooks
  step "$bin" new acme --category other --auth api-key --yes
  generated="$(snapshot)"
  step "$bin" new stripe --yes --webhooks
  [ "$generated" = "$(snapshot)" ] || fail "$name: a second \`new stripe\` changed files"

  # requests from the manifest init chose, into a venv of this layout's own.
  venv="$work/venv-$name"
  step "$python" -m venv "$venv"
  printf '%s\n' "$base/lib/python3"*/site-packages > "$(echo "$venv"/lib/python3*/site-packages)/base.pth"
  deps="$(setting profile deps)"
  case "$deps" in
    requirements)
      file="$(setting paths requirements)"
      grep -qi '^requests' "$file" || fail "$name: requests not in $file"
      step "$venv/bin/pip" install -q -r "$file" ;;
    pyproject|poetry|pipfile)
      key=pyproject; [ "$deps" = pipfile ] && key=pipfile
      file="$(setting paths "$key")"
      spec="$("$base/bin/python" - "$file" "$deps" <<'PY'
import sys, tomllib
doc = tomllib.load(open(sys.argv[1], "rb"))
kind = sys.argv[2]
if kind == "pyproject":
    found = [d for d in doc["project"]["dependencies"] if d.lower().startswith("requests")]
    print(found[0] if found else "")
else:
    table = doc["tool"]["poetry"]["dependencies"] if kind == "poetry" else doc["packages"]
    version = table.get("requests")
    print("" if version is None else "requests" + ("" if version == "*" else version))
PY
)"
      [ -n "$spec" ] || fail "$name: requests not in $file"
      step "$venv/bin/pip" install -q "$spec" ;;
    *) fail "$name: init found no dependency manifest ($deps)" ;;
  esac

  manage_dir="$(dirname "$(find . -path ./.git -prune -o -name manage.py -print | head -n1)")"
  runner="$(setting profile test_runner)"
  case "$runner" in
    django) (cd "$manage_dir" && step "$venv/bin/python" manage.py test -v 1) ;;
    pytest) step "$venv/bin/python" -m pytest -q -p no:cacheprovider ;;
    *) fail "$name: unknown test runner $runner" ;;
  esac
  (cd "$manage_dir" && step "$venv/bin/python" manage.py check)

  for service in twilio acme stripe; do step "$bin" remove "$service"; done
  find . -name __pycache__ -prune -exec rm -rf {} +
  rm -f ./*.sqlite3 "$manage_dir"/*.sqlite3
  left="$(snapshot | grep -v ' ./integrate.toml$')"
  [ "$left" = "$(echo "$after_init" | grep -v ' ./integrate.toml$')" ] || {
    diff <(echo "$after_init") <(snapshot) >&2 || true
    fail "$name: remove did not give every file back"
  }
  cd "$root"
done
echo "e2e-layouts-django: every layout passed" >&2
