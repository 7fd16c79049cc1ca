#!/usr/bin/env bash
# Builds the double-click app: packaging/dist/nnstudio/, one folder that runs with no Python installed.
#   packaging/build.sh   (uses .venv, installing PyInstaller into it if it is missing; NNSTUDIO_DIST and
#                         NNSTUDIO_BUILD_WORK choose other folders for the app and the build's scratch files)
# The folder holds the `nnstudio` launcher, everything it needs beside it (_internal/), the icon (SVG and
# PNG sizes), the desktop entry and the .nnet file type, and install.sh, which adds nnstudio to the
# current user's application menu and makes double-clicking a .nnet file open it. Copy the folder anywhere
# (or pack it: tar czf nnstudio.tar.gz -C packaging/dist nnstudio) and run install.sh from where it lies.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
[ -x "$python" ] || { echo "no Python at $python: run scripts/test.sh once (it makes .venv), or set PYTHON" >&2; exit 1; }

# The app's name and version, as pyproject.toml gives them.
read -r name version < <("$python" -c '
import sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
print(project["name"], project["version"])' "$root/pyproject.toml")

"$python" -m PyInstaller --version >/dev/null 2>&1 || "$python" -m pip install -q 'pyinstaller>=6.10'
# ONNX export and import in the app need the onnx package (an optional extra elsewhere).
"$python" -c 'import onnx' 2>/dev/null || "$python" -m pip install -q 'onnx>=1.16'

dist="${NNSTUDIO_DIST:-$root/packaging/dist}"
work="${NNSTUDIO_BUILD_WORK:-$root/packaging/build}"
app="$dist/$name"
started=$(date +%s)
# Two shared cores: the build yields to anything interactive.
NNSTUDIO_APP_NAME="$name" nice -n 10 "$python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$dist" --workpath "$work" "$root/packaging/nnstudio.spec"

# Qt's own translations: nnstudio speaks English only and loads none of them.
rm -rf "$app/_internal/PySide6/Qt/translations"

# Desktop integration, from the folder itself.
share="$app/share"
mkdir -p "$share/icons/hicolor/scalable/apps"
cp "$root/resources/icons/nnstudio.svg" "$share/icons/hicolor/scalable/apps/nnstudio.svg"
QT_QPA_PLATFORM=offscreen "$python" "$root/packaging/render_icons.py" "$share/icons/hicolor" >/dev/null
cp "$root/packaging/linux/nnstudio.desktop" "$share/nnstudio.desktop"
cp "$root/packaging/linux/nnstudio-mime.xml" "$share/nnstudio-mime.xml"
install -m755 "$root/packaging/linux/install-app.sh" "$app/install.sh"
printf '%s %s\n' "$name" "$version" > "$app/VERSION"

size=$(du -sh "$app" | cut -f1)
echo "built $name $version in $app ($size, $(( $(date +%s) - started )) s); check it: $app/$name --self-test"
