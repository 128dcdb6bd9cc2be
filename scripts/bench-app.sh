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
#   scripts/bench-app.sh --starts-only   the cold starts only (a quick loop; with --accounts N too)
#
# Needs what the end-to-end tests need (Xvfb, tauri-driver, WebKitWebDriver, gnome-keyring;
# `scripts/setup.sh --for-tests` installs them). CARGO_TARGET_DIR is honoured.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/bench-release.sh" bench-app "$@"
