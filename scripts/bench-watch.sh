#!/usr/bin/env bash
# Builds the release app and measures one background refresh round (tests/src/bin/bench-watch.rs):
# the app's CPU time, the requests it sends Discord (the emulator counts them) and the wall time,
# with N accounts, against the same app idle for as long. Prints numbers; never passes or fails.
#
#   scripts/bench-watch.sh                          20 accounts, a 60 s interval
#   scripts/bench-watch.sh --accounts 50 --interval 30
#
# Needs Xvfb and gnome-keyring (`scripts/setup.sh --for-tests`). CARGO_TARGET_DIR is honoured.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
cd "$ROOT"

(cd ui && npm run --silent build)
cargo build --release -p linkcord
cargo build --release -p linkcord-tests --bin bench-watch

# Copied aside, so a build started meanwhile in a shared target dir cannot swap them mid-run.
BIN_DIR="$(mktemp -d)"
trap 'rm -rf "$BIN_DIR"' EXIT
cp "$TARGET/release/linkcord" "$TARGET/release/linkcord-app" "$TARGET/release/bench-watch" "$BIN_DIR/"
export LINKCORD_BIN="$BIN_DIR/linkcord"
xvfb-run -a -s "-screen 0 1280x800x24" \
  "$ROOT/scripts/with-secret-service.sh" "$BIN_DIR/bench-watch" "$@"
