#!/usr/bin/env bash
# Sets up what is missing, builds, and starts Linkcord. Arguments go to the app.
#
#   scripts/run.sh [ARGS...]         the app, with your own settings and accounts
#   scripts/run.sh --demo [ARGS...]  the app against the Discord emulator (tests/EMULATOR.md),
#                                    so no Discord application is needed
#
# The demo keeps its own data directory and keychain service name, so a real setup is never
# read or changed; it starts signed out and removes its keychain entries when it stops.
# Stopping the app (quit, Ctrl-C, or the app exiting) stops the emulator too.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

DEMO_ID=app.linkcord.desktop-demo
# The app's Tauri identifier: a running Linkcord owns this name on the session bus, and a
# second start (the demo too) only hands its arguments over to it and exits.
INSTANCE_NAME=app.linkcord.desktop.SingleInstance

step() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nrun.sh: %s\n' "$*" >&2; exit 1; }

linkcord_already_running() {
  command -v dbus-send >/dev/null || return 1
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner "string:$INSTANCE_NAME" 2>/dev/null | grep -q 'boolean true'
}

DEMO=0
if [[ "${1:-}" == "--demo" ]]; then
  DEMO=1
  shift
  # Said before anything is built, so nobody waits for a demo that cannot start.
  if linkcord_already_running; then
    fail "Linkcord is already running, and a second Linkcord (the demo too) would only bring up
its window. Quit it first (tray icon > Quit), then run scripts/run.sh --demo again."
  fi
fi

"$ROOT/scripts/setup.sh"
(( DEMO )) || exec "$TARGET/debug/linkcord" "$@"

# ---- the demo -------------------------------------------------------------------------------

# Naming the app's package too builds the emulator with the same dependency features as the
# app and the test suite (`cargo build --workspace`), so neither build makes the other redo
# its work.
step "Building the Discord emulator (tests/src/bin/discord-emulator.rs)"
(cd "$ROOT" && cargo build -p linkcord -p linkcord-tests --bin discord-emulator) ||
  fail "the emulator build failed (see above)"

export LINKCORD_DATA_DIR="${XDG_DATA_HOME:-$HOME/.local/share}/$DEMO_ID"
export LINKCORD_KEYRING_SERVICE="$DEMO_ID"
export LINKCORD_CLIENT_ID=1300000000000000042 # the emulator's default application
# The emulator's application is a public client: a secret would be refused.
unset LINKCORD_CLIENT_SECRET
linkcord="$TARGET/debug/linkcord"

work="$(mktemp -d)"
emulator_pid=""
app_pid=""

# Ends `pid` with SIGTERM, and SIGKILL if it is still there after 5 s; reaps it.
stop() {
  local pid="$1" _
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  trap - EXIT INT TERM HUP
  [[ -n "$app_pid" ]] && stop "$app_pid"
  # Nothing the demo signed in to outlives the emulator: its tokens would be dead anyway.
  "$linkcord" logout --all --local >/dev/null 2>&1 || true
  [[ -n "$emulator_pid" ]] && stop "$emulator_pid"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The kernel stops the emulator and the app if this script is killed outright (SIGKILL),
# where the trap above cannot run.
guard=()
command -v setpriv >/dev/null && guard=(setpriv --pdeathsig TERM --)
"${guard[@]}" "$TARGET/debug/discord-emulator" --port 0 >"$work/url" 2>"$work/emulator.log" &
emulator_pid=$!
url=""
for _ in $(seq 200); do
  url="$(sed -n 's/^DISCORD_EMULATOR_URL=//p' "$work/url")"
  [[ -n "$url" ]] && break
  kill -0 "$emulator_pid" 2>/dev/null ||
    fail "the Discord emulator stopped at start: $(cat "$work/emulator.log")"
  sleep 0.1
done
[[ -n "$url" ]] || fail "the Discord emulator did not say where it listens within 20 s"
export LINKCORD_DISCORD_URL="$url" LINKCORD_CDN_URL="$url/cdn"

# A free port for each sign-in: the emulator accepts http://127.0.0.1/callback on any port.
"$linkcord" config set port 0 >/dev/null
# Leftovers of a demo that was killed outright.
"$linkcord" logout --all --local >/dev/null 2>&1 || true

step "Demo: Linkcord against the Discord emulator at $url"
cat <<EOF
    Data: $LINKCORD_DATA_DIR, keychain service $DEMO_ID (your own setup is not touched).
    Click "Sign in with Discord": your browser opens the emulator's page, where you pick one
    of its made-up users. Quitting Linkcord stops the emulator.
EOF

# In the background, so this script is still here to stop the emulator when the app ends.
"${guard[@]}" "$linkcord" "$@" &
app_pid=$!
status=0
wait "$app_pid" || status=$?
app_pid=""
exit "$status"
