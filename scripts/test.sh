#!/usr/bin/env bash
# Installs nnstudio with its test tools into .venv (with the system libraries Qt needs) and runs the tests.
#   scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-deps.sh --test
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'

export QT_QPA_PLATFORM=offscreen OPENBLAS_NUM_THREADS=1
exec .venv/bin/python -m pytest -q "$@"
