#!/usr/bin/env bash
# Sets up what is missing, then runs every test, in order:
#   formatting and clippy, the generated-types check, unit tests, UI tests, integration tests
#   under a real Secret Service, end-to-end tests under Xvfb through WebDriver.
# Screenshots from the end-to-end tests land in test-output/screenshots/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export LINKCORD_TEST_OUTPUT="$ROOT/test-output"
START=$SECONDS

phase() {
  local name="$1"
  shift
  local t0=$SECONDS
  printf '\n==> %s\n' "$name"
  if ! "$@"; then
    printf '\ntest.sh: FAILED in phase "%s" after %ss\n' "$name" $((SECONDS - START)) >&2
    exit 1
  fi
  printf '<== %s: %ss\n' "$name" $((SECONDS - t0))
}

ui() { (cd "$ROOT/ui" && "$@"); }
secret_service() { "$ROOT/scripts/with-secret-service.sh" "$@"; }
display() { xvfb-run -a -s "-screen 0 1280x800x24" "$@"; }

phase "setup" scripts/setup.sh --for-tests
phase "format" cargo fmt --all -- --check
phase "clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
phase "generated types" cargo test -p linkcord --test bindings --locked
phase "unit tests" cargo test --workspace --lib --bins --locked
phase "UI type check" ui npm run --silent check
phase "UI tests" ui npm test --silent
phase "build test binaries" cargo build --workspace --bins --locked
phase "integration tests (Secret Service)" secret_service \
  cargo test -p linkcord-tests --locked --test 'integration_*' --test 'emulator_*'
phase "end-to-end tests (Xvfb + WebDriver)" display "$ROOT/scripts/with-secret-service.sh" \
  env LINKCORD_E2E=1 cargo test -p linkcord-tests --locked --test 'e2e_*' -- --test-threads=1

printf '\nAll tests passed in %ss\n' $((SECONDS - START))
