#!/usr/bin/env bash
# limactl refuses to run as root, so the tests run as this unprivileged user.
set -euo pipefail
user=nixlima-test
if ! id "$user" >/dev/null 2>&1; then
  useradd --create-home --shell /bin/bash "$user"
fi
mkdir -p "$NIXLIMA_ROOT/test-results"
chown "$user:" "$NIXLIMA_ROOT/test-results"
