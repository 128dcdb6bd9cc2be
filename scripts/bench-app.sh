#!/usr/bin/env bash
# Builds the release app and runs the desktop app benchmark (tests/src/bin/bench-app.rs):
# cold start to the cached profile, account switch, idle memory, binary size. It prints
# numbers with the machine load next to them; it does not pass or fail on them.
#
#   scripts/bench-app.sh
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

# The benchmark measures whatever LINKCORD_BIN names; here, the release build just made.
export LINKCORD_BIN="$TARGET/release/linkcord"
exec xvfb-run -a -s "-screen 0 1280x800x24" \
  "$ROOT/scripts/with-secret-service.sh" "$TARGET/release/bench-app" "$@"
