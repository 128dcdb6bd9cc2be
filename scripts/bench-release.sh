#!/usr/bin/env bash
# What the desktop benchmarks share: build the UI, the release app and the named benchmark
# binary, copy them aside (so a build started meanwhile in a shared target dir cannot swap them
# mid-run), and run the benchmark under Xvfb and a private Secret Service.
#
#   scripts/bench-release.sh <bench binary> [its arguments]
#
# Used by scripts/bench-app.sh and scripts/bench-watch.sh. CARGO_TARGET_DIR is honoured.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BENCH="$1"
shift
cd "$ROOT"

# The app embeds ui/dist, so the UI is built first.
(cd ui && npm run --silent build)
cargo build --release -p linkcord
cargo build --release -p linkcord-tests --bin "$BENCH" --bin discord-emulator

BIN_DIR="$(mktemp -d)"
trap 'rm -rf "$BIN_DIR"' EXIT
cp "$TARGET/release/linkcord" "$TARGET/release/linkcord-app" "$TARGET/release/$BENCH" "$BIN_DIR/"
# The benchmark measures whatever LINKCORD_BIN names: the release build just made.
export LINKCORD_BIN="$BIN_DIR/linkcord"
xvfb-run -a -s "-screen 0 1280x800x24" \
  "$ROOT/scripts/with-secret-service.sh" "$BIN_DIR/$BENCH" "$@"
