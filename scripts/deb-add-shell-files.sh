#!/usr/bin/env bash
# Adds the shell completions and the manual pages to a Linkcord .deb, made by the `linkcord`
# binary that goes in it (`linkcord completions <shell>`, `linkcord man --dir`), so they
# always match its command line. Called by scripts/package-deb.sh after the Tauri bundler,
# which has no place for files made from the built binary.
#
#   scripts/deb-add-shell-files.sh PACKAGE.deb path/to/linkcord
#
# The package is rewritten in place, with its md5sums and Installed-Size brought up to date.
set -euo pipefail
deb="$1"
bin="$2"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pkg="$work/pkg"
dpkg-deb --raw-extract "$deb" "$pkg"

install -d "$pkg/usr/share/bash-completion/completions" "$pkg/usr/share/zsh/vendor-completions" \
  "$pkg/usr/share/fish/vendor_completions.d" "$pkg/usr/share/man/man1"
"$bin" completions bash >"$pkg/usr/share/bash-completion/completions/linkcord"
"$bin" completions zsh >"$pkg/usr/share/zsh/vendor-completions/_linkcord"
"$bin" completions fish >"$pkg/usr/share/fish/vendor_completions.d/linkcord.fish"
"$bin" man --dir "$work/man1"
for page in "$work"/man1/*.1; do
  # -n: no name or time stamp inside, so the same binary gives the same package.
  gzip -9n <"$page" >"$pkg/usr/share/man/man1/$(basename "$page").gz"
done
chmod 0644 "$pkg"/usr/share/bash-completion/completions/linkcord \
  "$pkg"/usr/share/zsh/vendor-completions/_linkcord \
  "$pkg"/usr/share/fish/vendor_completions.d/linkcord.fish "$pkg"/usr/share/man/man1/*.gz

if [[ -f "$pkg/DEBIAN/md5sums" ]]; then
  (cd "$pkg" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
fi
size="$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)"
sed -i "s/^Installed-Size: .*/Installed-Size: $size/" "$pkg/DEBIAN/control"
dpkg-deb --root-owner-group --build "$pkg" "$deb" >/dev/null
