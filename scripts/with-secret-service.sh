#!/usr/bin/env bash
# with-secret-service.sh CMD [ARGS...]
#
# Runs CMD on a private D-Bus session bus with a fresh, unlocked gnome-keyring, so the real
# Secret Service answers keychain calls without a desktop session or a password prompt.
# The keyring lives in a temporary directory that is removed afterwards.
set -euo pipefail

if [[ -z "${LINKCORD_PRIVATE_BUS:-}" ]]; then
  export LINKCORD_PRIVATE_BUS=1
  exec dbus-run-session -- "$0" "$@"
fi

keyring_home="$(mktemp -d)"
# The daemon lives on the private bus, which ends with dbus-run-session; only the files need
# removing here. (Never `kill` an unset PID: `kill 0` would end this whole process group.)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home"

# With no keyring on disk, --unlock creates the "login" collection with the password read
# from stdin, so it starts unlocked and nothing ever prompts.
eval "$(printf 'linkcord-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL

# The daemon returns before it owns org.freedesktop.secrets on the bus; wait up to 10 s.
for _ in $(seq 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
      grep -q 'boolean true'; then
    "$@"
    exit $?
  fi
  sleep 0.1
done
echo "with-secret-service: gnome-keyring did not start a Secret Service" >&2
exit 1
