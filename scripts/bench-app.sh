#!/usr/bin/env bash
# Builds the release app and runs the desktop app benchmark (tests/src/bin/bench-app.rs):
# cold start to the cached profile, account switch, idle memory, binary size. It prints
# numbers with the machine load next to them; it does not pass or fail on them.
#
#   scripts/bench-app.sh                 two accounts (Ava, Dmitri) signed in through the window
#   scripts/bench-app.sh --accounts N    2, then N generated accounts signed in with `linkcord
#                                        login`; cold start, switch to the last account and idle
#                                        memory for both, and N against 2 as a ratio
#   scripts/bench-app.sh --memory-only   the idle memory and switches only
#
# Needs what the end-to-end tests need (Xvfb, tauri-driver, WebKitWebDriver, gnome-keyring;
# `scripts/setup.sh --for-tests` installs them). CARGO_TARGET_DIR is honoured.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
cd "$ROOT"

# The binary embeds ui/dist, so the UI is built first.
(cd ui && npm run --silent build)
cargo build --release -p linkcord
cargo build --release -p linkcord-tests --bin bench-app --bin discord-emulator

# The benchmark measures whatever LINKCORD_BIN names; here, the release build just made,
# copied aside first so that a build started meanwhile (a shared target dir) cannot replace
# the binaries under test half-way through the run.
BIN_DIR="$(mktemp -d)"
trap 'rm -rf "$BIN_DIR"' EXIT
cp "$TARGET/release/linkcord" "$TARGET/release/linkcord-app" "$TARGET/release/bench-app" "$BIN_DIR/"
export LINKCORD_BIN="$BIN_DIR/linkcord"
xvfb-run -a -s "-screen 0 1280x800x24" \
  "$ROOT/scripts/with-secret-service.sh" "$BIN_DIR/bench-app" "$@"
