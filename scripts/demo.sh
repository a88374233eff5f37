#!/usr/bin/env bash
# Runs `integrate new stripe` on a fresh copy of the bundled Django example app, shows what
# it created and edited, runs the generated tests with pytest, and runs it a second time
# to show that nothing changes.
#   scripts/demo.sh [KIT]     KIT: django (default), typescript, rails, rust
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kit="${1:-django}"
bash "$root/scripts/build-release.sh"
bin="${CARGO_TARGET_DIR:-$root/target}/release/integrate"
work="$(mktemp -d "${TMPDIR:-/tmp}/integrate-demo.XXXXXX")"
cp -R "$root/examples/$kit-app" "$work/app"
rm -rf "$work/app/node_modules" "$work/app/target" "$work/app/.venv"
cd "$work/app"
git init -q .
echo "+ integrate init --yes" >&2
"$bin" init --yes </dev/null
echo "+ integrate new stripe --yes" >&2
"$bin" new stripe --yes </dev/null
echo "+ integrate new stripe --yes   (again)" >&2
"$bin" new stripe --yes </dev/null
if [ "$kit" = django ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet --disable-pip-version-check "django>=5.2,<6" requests pytest pytest-django
  echo "+ pytest apps/integration/stripe" >&2
  "$work/venv/bin/python" -m pytest -q -p no:cacheprovider apps/integration/stripe </dev/null
fi
echo >&2
echo "The app with its new integration is in $work/app" >&2
