#!/bin/sh
# Generates configure. Extra arguments go to configure when given.
set -e
cd "$(dirname "$0")"
mkdir -p m4
autoreconf --force --install --verbose >/dev/null
if [ $# -gt 0 ]; then ./configure "$@"; fi
