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
exec "$(dirname "${BASH_SOURCE[0]}")/bench-release.sh" bench-watch "$@"
