#!/usr/bin/env bash
# Installs Schemathesis (PyPI, pinned) into a virtualenv of its own under the tool cache, once per
# version, and prints the path of its `schemathesis` executable. Idempotent: a finished install is
# marked by a stamp file and reused. Needs python3 (3.10+) with the venv module; prefers the newest.
set -euo pipefail
VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
CACHE="${TUTORFLOW_CACHE:-$HOME/.cache/tutorflow}"
# The newest Python here: CPython before 3.11.8 can fail ast.parse across threads (Hypothesis
# describes strategies with it), which breaks a run with several workers.
PYTHON=""
PYENV_PYTHONS=$(ls -d "$(pyenv root 2>/dev/null || echo /nonexistent)"/versions/3.*/bin/python3 2>/dev/null | sort -rV || true)
for candidate in $PYENV_PYTHONS python3.13 python3.12 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    PYTHON="$candidate"; break
  fi
done
if [[ -z "$PYTHON" ]] && command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
  # A clean Debian/Ubuntu machine has python3 without its venv module.
  apt-get install -y -qq python3-venv >&2 || { apt-get update -qq >&2 && apt-get install -y -qq python3-venv >&2; }
  python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' 2>/dev/null && PYTHON=python3
fi
[[ -n "$PYTHON" ]] || { echo "Schemathesis needs python3 (3.10+) with venv" >&2; exit 1; }
PY_VERSION=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
VENV="$CACHE/schemathesis-$VERSION-py$PY_VERSION"
if [[ ! -f "$VENV/.installed" ]]; then
  rm -rf "$VENV"
  mkdir -p "$CACHE"
  "$PYTHON" -m venv "$VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$VERSION" >&2
  touch "$VENV/.installed"
fi
echo "$VENV/bin/schemathesis"
