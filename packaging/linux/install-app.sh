#!/usr/bin/env bash
# Adds the nnstudio in this folder to the current user's application menu, with its icon, and makes .nnet
# files open in it (double-click). Run it again after moving the folder; nothing outside your home changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data="${XDG_DATA_HOME:-$HOME/.local/share}"
[ -x "$here/nnstudio" ] || { echo "run this from the built nnstudio folder (no nnstudio launcher in $here)" >&2; exit 1; }
mkdir -p "$data/applications"
# The desktop entry runs this folder's launcher by its full path (quoted: the folder may have spaces).
sed -e "s|^Exec=.*|Exec=\"$here/nnstudio\" %f|" -e "s|^TryExec=.*||" "$here/share/nnstudio.desktop" \
    > "$data/applications/nnstudio.desktop"
for icon in "$here"/share/icons/hicolor/*/apps/nnstudio.*; do
    size_dir=$(basename "$(dirname "$(dirname "$icon")")")
    install -Dm644 "$icon" "$data/icons/hicolor/$size_dir/apps/$(basename "$icon")"
done
install -Dm644 "$here/share/nnstudio-mime.xml" "$data/mime/packages/nnstudio.xml"
command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "nnstudio is in your application menu; .nnet files open in it."
