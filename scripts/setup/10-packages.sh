#!/usr/bin/env bash
# Debian packages the tests use for real: QEMU, OpenSSH client and server, rsync, nix.
set -euo pipefail
packages=(qemu-system-x86 qemu-utils openssh-client openssh-server rsync nix-bin unzip)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
