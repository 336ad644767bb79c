#!/usr/bin/env bash
# Sets up everything the tests need, idempotently: runs each scripts/setup/NN-*.sh in order
# and prints how long each took. Needs root (or sudo) for Debian packages.
# Usage: scripts/setup.sh [NN…]   (only the steps with those numbers; default all)
set -euo pipefail
cd "$(dirname "$0")/.."
export NIXLIMA_ROOT="$PWD"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo --preserve-env=PATH,CI bash "$0" "$@"
  fi
  echo "setup: run this as root (or install sudo): it installs Debian packages." >&2
  exit 1
fi
for step in scripts/setup/[0-9][0-9]-*.sh; do
  number=${step##*/}; number=${number%%-*}
  if [ $# -gt 0 ] && [[ " $* " != *" $number "* ]]; then continue; fi
  start=$(date +%s)
  echo "setup: ${step##*/} ..."
  bash "$step"
  echo "setup: ${step##*/} done in $(( $(date +%s) - start )) s"
done
