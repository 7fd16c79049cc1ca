#!/usr/bin/env bash
# Installs nnstudio into .venv (with the system libraries Qt needs) and opens the studio.
#   scripts/studio.sh [FILE.nnet | EXAMPLE-NAME]     default: the four-pixel camera example
# On a machine without a display it opens the studio on a virtual screen (Xvfb) and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

display=yes
[ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && display=no
if [ $display = yes ]; then bash scripts/system-deps.sh; else bash scripts/system-deps.sh --virtual; fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e .

if [ $display = yes ]; then
  exec .venv/bin/nnstudio "$@"
fi
echo "nnstudio: no display found (DISPLAY is not set); running on a virtual 1600x1000 screen." >&2
echo "nnstudio: set DISPLAY (or run this on a desktop) to see the window; close it with Ctrl+C." >&2
exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/nnstudio "$@"
