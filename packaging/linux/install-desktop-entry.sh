#!/usr/bin/env bash
# Adds nnstudio to the desktop's application menu for the current user, with its icon, and makes .nnet
# files open in it. Run it after installing nnstudio (so that the `nnstudio` command is on PATH).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data="${XDG_DATA_HOME:-$HOME/.local/share}"
command -v nnstudio >/dev/null || { echo "install nnstudio first (the nnstudio command is not on PATH)" >&2; exit 1; }
install -Dm644 "$here/nnstudio.desktop" "$data/applications/nnstudio.desktop"
install -Dm644 "$here/../../resources/icons/nnstudio.svg" "$data/icons/hicolor/scalable/apps/nnstudio.svg"
install -Dm644 "$here/nnstudio-mime.xml" "$data/mime/packages/nnstudio.xml"
command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
echo "nnstudio is in your application menu; .nnet files open in it."
