#!/usr/bin/env bash
# Sets up what is missing, builds, and starts Linkcord. Arguments go to the app.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
exec "${CARGO_TARGET_DIR:-$ROOT/target}/debug/linkcord" "$@"
