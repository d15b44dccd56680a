#!/usr/bin/env bash
# npm run bench -- [part…] [options]: raises the open-file limit (5,000 WebSockets need two file
# descriptors each on this machine, client and server), then runs the suite on the bench profile.
set -euo pipefail
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ]; then ulimit -n 65536 || true; else ulimit -n "$hard" || true; fi
cd "$(dirname "$0")/.."
exec tsx bench/run.ts "$@"
