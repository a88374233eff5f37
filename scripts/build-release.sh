#!/usr/bin/env bash
# Builds the release binary: target/release/integrate (or under $CARGO_TARGET_DIR).
# On Linux with glibc it links the C runtime statically (`-C target-feature=+crt-static`,
# given to the binary alone, so proc-macro crates still build as usual): a dynamically
# linked binary spends 0.5 to 1.5 ms of every run loading shared libraries and binding
# symbols, which is a tenth of a `new` (see the README's benchmark). Elsewhere it is a plain
# `cargo build --release`.
#   scripts/build-release.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
manifest="$root/Cargo.toml"
case "$(rustc -vV | sed -n 's/^host: //p')" in
  *-linux-gnu)
    cargo rustc --quiet --locked --release --manifest-path "$manifest" --bin integrate \
      -- -C target-feature=+crt-static ;;
  *) cargo build --quiet --locked --release --manifest-path "$manifest" ;;
esac
