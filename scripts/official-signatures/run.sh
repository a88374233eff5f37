#!/usr/bin/env bash
# Cross-check webhook signatures against the providers' official libraries, offline.
#
#   scripts/official-signatures/run.sh [<django-webhooks.py> <ts-webhook.ts>]...
#
# Always: our shared vectors (scaffolds/webhooks.toml) are judged by PyPI stripe + svix
# (+ slack-sdk, twilio) and npm stripe + svix (+ @octokit/webhooks-methods). Then, for
# each pair of arguments: a generated Django webhooks.py (verify_signature) and a
# generated TypeScript webhook module (verifySignature) must accept signatures freshly
# made by the official libraries and reject tampered, stale, wrong-secret and foreign ones. The scheme (stripe or standard-webhooks) is detected
# from which official signature a module accepts. Pass "-" to skip one side of a pair.
#
# Sets up its own venv (.venv here, or $OFFICIAL_SIGNATURES_PYTHON to use another
# interpreter that already has requirements.txt) and node_modules (npm ci, pinned by
# package-lock.json). Needs python3 with venv+pip, node >= 20 and npm; reaches only PyPI
# and the npm registry, and only when installing. Exit status 1 if any check failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if (( $# % 2 != 0 )); then
  echo "usage: $0 [<django-webhooks.py> <ts-webhook.ts>]..." >&2
  exit 2
fi
args=()
for a in "$@"; do
  if [[ "$a" == "-" ]]; then
    args+=("-")
  elif [[ -f "$a" ]]; then
    args+=("$(cd "$(dirname "$a")" && pwd)/$(basename "$a")")
  else
    echo "error: $a: no such file" >&2
    exit 2
  fi
done

# --- Python: a venv with the pinned official libraries ---------------------------------
if [[ -n "${OFFICIAL_SIGNATURES_PYTHON:-}" ]]; then
  py="$OFFICIAL_SIGNATURES_PYTHON"
else
  venv="$here/.venv"
  stamp="$venv/.requirements.txt"
  if [[ ! -x "$venv/bin/python" ]] || ! cmp -s "$here/requirements.txt" "$stamp"; then
    echo "== setting up $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$stamp"
  fi
  py="$venv/bin/python"
fi

# --- Node: npm ci from the committed lockfile -------------------------------------------
if [[ ! -d "$here/node_modules" ]] || ! cmp -s "$here/package-lock.json" "$here/node_modules/.integrate-installed-lock.json"; then
  echo "== npm ci in $here" >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$here/package-lock.json" "$here/node_modules/.integrate-installed-lock.json"
fi
tsx="$here/node_modules/.bin/tsx"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$py" "$here/check_official.py" dump-vectors --toml "$root/scaffolds/webhooks.toml" > "$tmp/vectors.json"

total_pass=0
total_fail=0
status=0
step() {
  local title="$1"; shift
  echo
  echo "== $title"
  local log="$tmp/step.log"
  set +e
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  local counts
  counts="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)"
  if [[ -n "$counts" ]]; then
    total_pass=$(( total_pass + ${counts%% passed*} ))
    local f="${counts##*, }"
    total_fail=$(( total_fail + ${f%% failed} ))
  elif (( rc != 0 )); then
    total_fail=$(( total_fail + 1 ))
  fi
  if (( rc != 0 )); then status=1; fi
}

cd "$here"
step "shared vectors vs PyPI stripe, svix, slack-sdk, twilio" "$py" check_official.py vectors --toml "$root/scaffolds/webhooks.toml"
step "shared vectors vs npm stripe, svix, @octokit/webhooks-methods" "$tsx" check_official.mjs vectors "$tmp/vectors.json"
i=0
while (( i < ${#args[@]} )); do
  pyfile="${args[$i]}"; tsfile="${args[$((i + 1))]}"; i=$(( i + 2 ))
  if [[ "$pyfile" != "-" ]]; then
    step "Django verifier $pyfile vs PyPI stripe / svix" "$py" check_official.py verifier "$pyfile" --toml "$root/scaffolds/webhooks.toml"
  fi
  if [[ "$tsfile" != "-" ]]; then
    step "TypeScript verifier $tsfile vs npm stripe / svix" "$tsx" check_official.mjs verifier "$tsfile" "$tmp/vectors.json"
  fi
done
echo
echo "official-signatures: $total_pass passed, $total_fail failed"
exit $status
