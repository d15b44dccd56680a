#!/usr/bin/env bash
# Installs Schemathesis (PyPI, pinned) into a virtualenv of its own under the tool cache, once per
# version, and prints the path of its `schemathesis` executable. Idempotent: a finished install is
# marked by a stamp file and reused. Needs python3 (3.10+) with the venv module.
set -euo pipefail
VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
CACHE="${TUTORFLOW_CACHE:-$HOME/.cache/tutorflow}"
VENV="$CACHE/schemathesis-$VERSION"
if [[ ! -f "$VENV/.installed" ]]; then
  rm -rf "$VENV"
  mkdir -p "$CACHE"
  python3 -m venv "$VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$VERSION" >&2
  touch "$VENV/.installed"
fi
echo "$VENV/bin/schemathesis"
