#!/usr/bin/env bash
# limactl refuses to run as root, so the tests run as this unprivileged user. A second local
# user, nixlima-squat, plays another person on the machine (the socket-folder test: someone who
# creates /tmp/nixlima-UID first); the test user may run commands as it, and only as it.
set -euo pipefail
source "$NIXLIMA_ROOT/scripts/setup/lib.sh"
user=nixlima-test
squatter=nixlima-squat
ensure_packages sudo
for u in "$user" "$squatter"; do
  if ! id "$u" >/dev/null 2>&1; then
    useradd --create-home --shell /bin/bash "$u"
  fi
done
rule="$user ALL=($squatter) NOPASSWD: ALL"
tmp=$(mktemp)
echo "$rule" > "$tmp"
visudo -cqf "$tmp"
install -m 0440 -o root -g root "$tmp" /etc/sudoers.d/nixlima-test
rm -f "$tmp"
mkdir -p "$NIXLIMA_ROOT/test-results"
chown "$user:" "$NIXLIMA_ROOT/test-results"
