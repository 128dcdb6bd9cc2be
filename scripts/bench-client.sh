#!/usr/bin/env bash
# Builds the release binaries of linkcord-tests and runs the Discord client benchmark
# (tests/src/bin/bench-client.rs). It prints numbers; it does not pass or fail on them.
#
#   scripts/bench-client.sh
#
# The benchmark starts its own emulators (one in process, one as the discord-emulator
# binary built here) on free loopback ports. CARGO_TARGET_DIR is honoured.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
cd "$ROOT"
cargo build --release -p linkcord-tests --bins
exec "$TARGET/release/bench-client" "$@"
