#!/usr/bin/env bash
# Times `integrate new stripe --yes --webhooks` (release build) on a fresh copy of each
# kit's example app, and a repeated run that has nothing to do. Prints the median and
# min/max wall time over N runs per case (default 30).
#   scripts/bench.sh [N] [KIT...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-30}"; shift || true
kits=("$@"); [ ${#kits[@]} -gt 0 ] || kits=(django typescript rails rust)
cargo build --quiet --release --manifest-path "$root/Cargo.toml"
bin="$root/target/release/integrate"
work="$(mktemp -d "${TMPDIR:-/tmp}/integrate-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

now_ns() { date +%s%N; }
stats() { sort -n | awk '{a[NR]=$1} END {printf "median %6.2f ms   min %6.2f ms   max %6.2f ms   (n=%d)\n", a[int((NR+1)/2)]/1e6, a[1]/1e6, a[NR]/1e6, NR}'; }

for kit in "${kits[@]}"; do
  pristine="$work/$kit-pristine"
  cp -R "$root/examples/$kit-app" "$pristine"
  rm -rf "$pristine/node_modules" "$pristine/target" "$pristine/.venv"
  mkdir -p "$pristine/.git"
  "$bin" -q -C "$pristine" init --yes </dev/null
  times_new="$work/$kit-new.txt"; times_again="$work/$kit-again.txt"; : >"$times_new"; : >"$times_again"
  for _ in $(seq "$runs"); do
    rm -rf "$work/app"; cp -R "$pristine" "$work/app"
    start=$(now_ns); "$bin" -q -C "$work/app" new stripe --yes --webhooks </dev/null; end=$(now_ns)
    echo $((end - start)) >>"$times_new"
    start=$(now_ns); "$bin" -q -C "$work/app" new stripe --yes --webhooks </dev/null; end=$(now_ns)
    echo $((end - start)) >>"$times_again"
  done
  printf '%-11s new stripe:       %s\n' "$kit" "$(stats <"$times_new")"
  printf '%-11s again (no-op):    %s\n' "$kit" "$(stats <"$times_again")"
done
