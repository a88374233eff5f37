#!/usr/bin/env bash
# Times `integrate new stripe --yes --webhooks` (the release binary, scripts/build-release.sh)
# on a fresh copy of each kit's example app, the same with syncing to disk switched off
# (the test hook INTEGRATE_FAULT=nosync), which shows what making the change survive a
# power cut costs, and a repeated run that has nothing to do. Prints the median and
# min/max wall time over N runs per case (default 30).
#
# Each copy is synced to disk before it is timed, as a repo's files are: otherwise the
# run's first fsync would also write out the copy just made (ext4 commits the data of
# every new file with its journal), which is the harness's cost, not integrate's.
#   scripts/bench.sh [N] [KIT...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-30}"; shift || true
kits=("$@"); [ ${#kits[@]} -gt 0 ] || kits=(django typescript rails rust)
bash "$root/scripts/build-release.sh"
bin="${CARGO_TARGET_DIR:-$root/target}/release/integrate"
work="$(mktemp -d "${TMPDIR:-/tmp}/integrate-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Runs a command and appends its wall time in ns to the file $1. $EPOCHREALTIME (bash 5)
# reads the clock without starting a process, so nothing but the command is timed.
timed() {
  local out=$1; shift
  local t0=${EPOCHREALTIME/[.,]/}
  "$@" </dev/null
  local t1=${EPOCHREALTIME/[.,]/}
  echo $(((10#$t1 - 10#$t0) * 1000)) >>"$out"
}
stats() { sort -n | awk '{a[NR]=$1} END {printf "median %6.2f ms   min %6.2f ms   max %6.2f ms   (n=%d)\n", a[int((NR+1)/2)]/1e6, a[1]/1e6, a[NR]/1e6, NR}'; }
fresh() { rm -rf "$work/app"; cp -R "$1" "$work/app"; sync; }

echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for kit in "${kits[@]}"; do
  pristine="$work/$kit-pristine"
  cp -R "$root/examples/$kit-app" "$pristine"
  rm -rf "$pristine/node_modules" "$pristine/target" "$pristine/.venv"
  mkdir -p "$pristine/.git"
  "$bin" -q -C "$pristine" init --yes </dev/null
  : >"$work/new"; : >"$work/again"; : >"$work/nosync"
  for _ in $(seq "$runs"); do
    fresh "$pristine"
    timed "$work/new" "$bin" -q -C "$work/app" new stripe --yes --webhooks
    timed "$work/again" "$bin" -q -C "$work/app" new stripe --yes --webhooks
    fresh "$pristine"
    INTEGRATE_FAULT=nosync timed "$work/nosync" "$bin" -q -C "$work/app" new stripe --yes --webhooks
  done
  printf '%-11s new stripe:          %s\n' "$kit" "$(stats <"$work/new")"
  printf '%-11s new stripe, no sync: %s\n' "$kit" "$(stats <"$work/nosync")"
  printf '%-11s again (no-op):       %s\n' "$kit" "$(stats <"$work/again")"
done
