#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages nnstudio needs that pip cannot provide: Python's venv module and the
# libraries Qt's window system plugin (xcb) loads. Installs only what is missing; does nothing elsewhere.
#   scripts/system-deps.sh            the runtime libraries
#   scripts/system-deps.sh --virtual  also Xvfb, a virtual screen for machines without a display
#   scripts/system-deps.sh --test     also what the test suite uses (Xvfb, Fashion-MNIST in IDX format)
set -euo pipefail

packages=(python3-venv libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0
          libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1
          libfontconfig1 libdbus-1-3 libglib2.0-0)
optional=()
case "${1:-}" in
  --virtual) packages+=(xvfb xauth) ;;
  --test) packages+=(xvfb xauth); optional+=(dataset-fashion-mnist) ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "nnstudio: not a Debian-like system; make sure Qt 6's xcb libraries are installed" >&2
  exit 0
fi

missing() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || printf '%s\n' "$p"
  done
}

mapfile -t need < <(missing "${packages[@]}")
mapfile -t want < <(missing "${optional[@]+"${optional[@]}"}")
[ ${#need[@]} -eq 0 ] && [ ${#want[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "nnstudio: please install these packages as root: apt-get install ${need[*]} ${want[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
if [ ${#need[@]} -gt 0 ]; then
  echo "nnstudio: installing ${need[*]}" >&2
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ${#want[@]} -gt 0 ]; then
  echo "nnstudio: installing ${want[*]} (optional)" >&2
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null \
    || echo "nnstudio: could not install ${want[*]}; the tests that use it will be skipped" >&2
fi
