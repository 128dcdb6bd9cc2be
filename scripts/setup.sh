#!/usr/bin/env bash
# Installs what Linkcord needs on this machine, then builds the UI and the app.
#
#   scripts/setup.sh              what running the app needs
#   scripts/setup.sh --for-tests  also what the test suites need (WebDriver, Xvfb, keyring)
#
# It is quick when everything is already there. Every failure names the missing piece.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FOR_TESTS=0
[[ "${1:-}" == "--for-tests" ]] && FOR_TESTS=1

step() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nsetup: %s\n' "$*" >&2; exit 1; }

# Debian/Ubuntu packages. Build: Tauri v2 on WebKitGTK 4.1. Tests: WebDriver, a virtual
# display, a session bus, a Secret Service, screenshots (with a colour emoji font, as any
# desktop has, so the fixture names' emoji are drawn rather than shown as empty boxes).
BUILD_PACKAGES=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config)
TEST_PACKAGES=(webkit2gtk-driver xvfb xauth dbus dbus-x11 at-spi2-core xdg-utils desktop-file-utils
  gnome-keyring libsecret-tools imagemagick xdotool fonts-noto-color-emoji zsh fish groff-base)

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || echo "$pkg"
  done
}

install_system_packages() {
  local wanted=("${BUILD_PACKAGES[@]}")
  (( FOR_TESTS )) && wanted+=("${TEST_PACKAGES[@]}")
  if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    printf 'setup: this is not a Debian or Ubuntu system, so packages cannot be installed for you.\n'
    printf 'Install the equivalents of: %s\n' "${wanted[*]}"
    printf 'See https://v2.tauri.app/start/prerequisites/ for your system, then run this again.\n'
    # Carry on: the build below says precisely what is still missing.
    return 0
  fi
  local missing
  missing=$(missing_packages "${wanted[@]}" | tr '\n' ' ')
  if [[ -z "${missing// /}" ]]; then
    step "System packages: all present"
    return 0
  fi
  step "Installing system packages: $missing"
  local sudo=()
  if (( EUID != 0 )); then
    command -v sudo >/dev/null || fail "these packages are missing and you are not root: $missing
Install them with your package manager (as root), then run this again."
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq >/dev/null ||
    fail "apt-get update failed: is the network or the package mirror reachable?"
  # shellcheck disable=SC2086
  if ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends $missing >/tmp/linkcord-apt.log 2>&1; then
    tail -n 20 /tmp/linkcord-apt.log >&2
    fail "apt-get could not install: $missing (full log: /tmp/linkcord-apt.log)"
  fi
  missing=$(missing_packages "${wanted[@]}" | tr '\n' ' ')
  [[ -z "${missing// /}" ]] || fail "these packages are still missing after apt-get: $missing"
}

check_tools() {
  command -v cargo >/dev/null || fail "cargo is missing: install Rust from https://rustup.rs"
  command -v npm >/dev/null || fail "npm is missing: install Node.js 20 or newer"
  local node_major
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  (( node_major >= 20 )) || fail "Node.js $node_major is too old: Linkcord's UI build needs 20 or newer"
}

install_ui_packages() {
  local stamp="$ROOT/ui/node_modules/.linkcord-lock-hash"
  local hash
  hash=$(sha256sum "$ROOT/ui/package-lock.json" | cut -d' ' -f1)
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
    step "npm packages: up to date"
    return 0
  fi
  step "Installing npm packages (npm ci)"
  (cd "$ROOT/ui" && npm ci --no-audit --no-fund) || fail "npm ci failed: is the npm registry reachable?"
  echo "$hash" >"$stamp"
}

install_tauri_driver() {
  if command -v tauri-driver >/dev/null; then
    step "tauri-driver: present"
    return 0
  fi
  step "Installing tauri-driver (WebDriver bridge for the end-to-end tests)"
  cargo install tauri-driver --version '^2' --locked --quiet ||
    fail "cargo install tauri-driver failed: is crates.io reachable?"
}

build() {
  step "Building the UI (ui/dist)"
  (cd "$ROOT/ui" && npm run --silent build) || fail "the UI build failed (see above)"
  step "Building the app (cargo build -p linkcord)"
  (cd "$ROOT" && cargo build -p linkcord) || fail "the app build failed (see above)"
}

check_tools
install_system_packages
install_ui_packages
(( FOR_TESTS )) && install_tauri_driver
build
step "Setup done"
