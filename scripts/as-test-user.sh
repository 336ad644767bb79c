#!/usr/bin/env bash
# Runs a command as the unprivileged test user when called as root (limactl refuses root),
# else as the caller.
set -euo pipefail
if [ "$(id -u)" -eq 0 ]; then
  exec runuser -u nixlima-test -- env HOME=/home/nixlima-test "$@"
fi
exec "$@"
