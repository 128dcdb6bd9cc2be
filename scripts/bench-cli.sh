#!/usr/bin/env bash
# bench-cli.sh: numbers for the command line, not pass/fail.
#
#   1. `linkcord token` with a valid token: median wall time over 50 runs (target < 20 ms).
#   2. Sign-in with the emulator at --latency-ms 100: from the callback reaching the loopback
#      listener to (a) the account stored and (b) connections and servers cached
#      (target <= 2 requests' latency + 30 ms). Median of 10 sign-ins.
#   3. Peak memory (max RSS) of `token`, `guilds` (200 servers) and `login`.
#
# Builds `linkcord` and `discord-emulator` in release mode, then runs everything on a private
# Secret Service (scripts/with-secret-service.sh). Usage: scripts/bench-cli.sh [--no-build]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${BENCH_CLI_BIN:-$TARGET/release}"

if [[ -z "${BENCH_CLI_INNER:-}" ]]; then
  if [[ "${1:-}" != "--no-build" ]]; then
    (cd "$ROOT" && cargo build --release -p linkcord --bin linkcord &&
      cargo build --release -p linkcord-tests --bin discord-emulator)
  fi
  export BENCH_CLI_INNER=1
  exec "$ROOT/scripts/with-secret-service.sh" "$0" "$@"
fi

WORK="$(mktemp -d)"
EMULATORS=()
cleanup() {
  for pid in "${EMULATORS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

AVA=1098765432109876543
HANAKO=1250987654321098765
LINKCORD="$BIN/linkcord"

# start_emulator NAME LATENCY_MS: starts one and sets LINKCORD_* for it.
start_emulator() {
  local out="$WORK/$1.url"
  "$BIN/discord-emulator" --port 0 --latency-ms "$2" >"$out" 2>"$WORK/$1.log" &
  EMULATORS+=($!)
  for _ in $(seq 100); do
    [[ -s "$out" ]] && break
    sleep 0.05
  done
  local url
  url="$(head -1 "$out" | cut -d= -f2)"
  export LINKCORD_DISCORD_URL="$url" LINKCORD_CDN_URL="$url/cdn"
  export LINKCORD_CLIENT_ID=1300000000000000042
  export LINKCORD_DATA_DIR="$WORK/$1-data" LINKCORD_KEYRING_SERVICE="linkcord-bench-$1-$$"
  "$LINKCORD" config set port 0
}

# browser USER: a "browser" that approves as USER, stamps the time (µs) just before it
# delivers the callback to the listener, then delivers it.
browser() {
  local script="$WORK/browser-$1"
  cat >"$script" <<EOF
#!/bin/sh
location=\$(curl -sS -o /dev/null -w '%{redirect_url}' "\$1&approve_as=$1")
date +%s%6N > "$WORK/callback_at"
exec curl -sS -o /dev/null "\$location"
EOF
  chmod +x "$script"
  echo "$script"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "== linkcord token (valid token, 50 runs)"
start_emulator token 0
LINKCORD_BROWSER="$(browser $AVA)" "$LINKCORD" login >/dev/null 2>&1
"$LINKCORD" token >/dev/null
if command -v hyperfine >/dev/null; then
  hyperfine --style basic -N --warmup 3 --runs 50 --export-json "$WORK/token.json" \
    "$LINKCORD token" >/dev/null
  # For scale: the same binary doing nothing (loading its GUI libraries is most of it).
  hyperfine --style basic -N --warmup 3 --runs 50 --export-json "$WORK/version.json" \
    "$LINKCORD --version" >/dev/null
  python3 - "$WORK/token.json" "$WORK/version.json" <<'PY'
import json, sys
for label, path in (("token", sys.argv[1]), ("--version (start-up floor)", sys.argv[2])):
    r = json.load(open(path))["results"][0]
    ms = {k: r[k] * 1000 for k in ("median", "mean", "min", "max")}
    print(label + ": median %(median).1f ms  (mean %(mean).1f, min %(min).1f, max %(max).1f ms)" % ms)
PY
else
  for _ in $(seq 50); do
    t0=$(date +%s%N)
    "$LINKCORD" token >/dev/null
    echo $((($(date +%s%N) - t0) / 1000))
  done | median | awk '{printf "median %.1f ms\n", $1 / 1000}'
fi

echo "== peak memory (max RSS)"
LINKCORD_BROWSER="$(browser $HANAKO)" "$LINKCORD" login >/dev/null 2>&1
rss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }
echo "token:  $(rss "$LINKCORD" token) KiB"
echo "guilds (200 servers): $(rss "$LINKCORD" guilds --json) KiB"
echo "login:  $(LINKCORD_BROWSER="$(browser $AVA)" rss "$LINKCORD" login) KiB"

echo "== sign-in, emulator at --latency-ms 100 (10 sign-ins)"
start_emulator signin 100
: >"$WORK/stored" && : >"$WORK/cached"
for _ in $(seq 10); do
  timing="$(LINKCORD_TIMINGS=1 LINKCORD_BROWSER="$(browser $AVA)" "$LINKCORD" login 2>&1 >/dev/null |
    grep '^timing:')"
  callback_at=$(cat "$WORK/callback_at")
  stored_at=$(sed -E 's/.*stored_at_us=([0-9]+).*/\1/' <<<"$timing")
  cached_at=$(sed -E 's/.*cached_at_us=([0-9]+).*/\1/' <<<"$timing")
  echo $(((stored_at - callback_at) / 1000)) >>"$WORK/stored"
  echo $(((cached_at - callback_at) / 1000)) >>"$WORK/cached"
done
echo "callback -> account stored:           median $(median <"$WORK/stored") ms  (runs: $(tr '\n' ' ' <"$WORK/stored"))"
echo "callback -> profile/connections/guilds cached: median $(median <"$WORK/cached") ms  (runs: $(tr '\n' ' ' <"$WORK/cached"))"
echo "(target: 2 x 100 ms + 30 ms = 230 ms)"
