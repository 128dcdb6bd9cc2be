#!/usr/bin/env bash
# Builds the Debian package of Linkcord with the Tauri bundler, adds the shell completions and
# manual pages (scripts/deb-add-shell-files.sh), then prints the paths and sizes of the
# release binary and the .deb, and checks that the package has them and registers the
# linkcord:// scheme (the .desktop file it installs names x-scheme-handler/linkcord).
#
#   scripts/package-deb.sh
#
# The Tauri CLI comes from ui/node_modules (@tauri-apps/cli, a devDependency; `npm ci` in
# ui/ installs it). CARGO_TARGET_DIR is honoured. Exits non-zero when the build fails or the
# scheme is missing from the package.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
TAURI="$ROOT/ui/node_modules/.bin/tauri"
cd "$ROOT"

if [[ ! -x "$TAURI" ]]; then
  echo "package-deb: $TAURI is missing; run 'npm ci' in ui/ first" >&2
  exit 1
fi

# tauri.conf.json has no beforeBuildCommand, so the UI the binary embeds is built here.
(cd ui && npm run --silent build)
# The bundler reads CARGO_TARGET_DIR itself; exporting it keeps cargo and the bundler agreed.
export CARGO_TARGET_DIR="$TARGET"
(cd src-tauri && "$TAURI" build --bundles deb)

bin="$TARGET/release/linkcord"
debs=("$TARGET"/release/bundle/deb/*.deb)
if [[ ! -f "${debs[0]}" ]]; then
  echo "package-deb: no .deb under $TARGET/release/bundle/deb" >&2
  exit 1
fi
deb="${debs[-1]}"
scripts/deb-add-shell-files.sh "$deb" "$bin"

echo
for b in "$bin" "${bin}-app"; do
  echo "release binary: $b  $(stat -c %s "$b") bytes ($(du -h --apparent-size "$b" | cut -f1))"
done
echo "debian package: $deb  $(stat -c %s "$deb") bytes ($(du -h --apparent-size "$deb" | cut -f1))"
echo
dpkg-deb --info "$deb"

# Look inside for both executables, the .desktop file and the scheme it registers.
unpacked="$(mktemp -d)"
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb --extract "$deb" "$unpacked"
for exe in linkcord linkcord-app; do
  if [[ ! -x "$unpacked/usr/bin/$exe" ]]; then
    echo "package-deb: the package has no /usr/bin/$exe" >&2
    exit 1
  fi
done
echo "ok: /usr/bin/linkcord and /usr/bin/linkcord-app are in the package"
for file in /usr/share/bash-completion/completions/linkcord /usr/share/zsh/vendor-completions/_linkcord \
  /usr/share/fish/vendor_completions.d/linkcord.fish /usr/share/man/man1/linkcord.1.gz; do
  if [[ ! -s "$unpacked$file" ]]; then
    echo "package-deb: the package has no $file" >&2
    exit 1
  fi
done
echo "ok: the bash, zsh and fish completions and the manual page are in the package"
desktop="$(find "$unpacked/usr/share/applications" -name '*.desktop' 2>/dev/null | head -n 1)"
echo
if [[ -z "$desktop" ]]; then
  echo "package-deb: the package installs no .desktop file" >&2
  exit 1
fi
echo "${desktop#"$unpacked"}:"
sed 's/^/  /' "$desktop"
echo
if grep -Eq '^MimeType=.*x-scheme-handler/linkcord(;|$)' "$desktop"; then
  echo "ok: the package registers the linkcord:// scheme"
else
  echo "package-deb: the .desktop file has no MimeType=x-scheme-handler/linkcord" >&2
  exit 1
fi
# The Desktop Entry spec hands a launcher's URL to the program only through a field code
# (%u or %U) in Exec; without one, opening a link may start Linkcord without the link.
if grep -Eq '^Exec=.*%[uU]' "$desktop"; then
  echo "ok: Exec takes the link (%u)"
else
  echo "warning: Exec has no %u, so a clicked linkcord:// link may not reach the app"
fi
